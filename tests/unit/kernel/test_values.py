"""Value rules of the record: kana, dates, origin, address."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from ahaki.kernel.values import Address, NameKana
from ahaki.registry.domain.commands import DispositionRequest, Registration, SearchQuery
from ahaki.registry.domain.registrant import Origin
from tests.data import registration


def _errors(model: Any, data: Any) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    return {".".join(str(p) for p in e["loc"]): e["msg"] for e in caught.value.errors()}


def test_kana_accepts_full_width_katakana_with_long_vowel_and_dot() -> None:
    assert NameKana(family="オーノ", given="マリー・アン").given == "マリー・アン"


@pytest.mark.parametrize(
    ("family", "message"),
    [
        ("ﾔﾏﾀﾞ", "half-width"),
        ("やまだ", "full-width katakana"),
        ("Yamada", "full-width katakana"),
        ("山田", "full-width katakana"),
    ],
)
def test_kana_refuses_everything_else(family: str, message: str) -> None:
    errors = _errors(NameKana, {"family": family, "given": "タロウ"})
    assert message in errors["family"]


def test_origin_is_prefecture_or_nationality() -> None:
    assert Origin(honseki_prefecture="01").honseki_prefecture == "01"
    assert Origin(nationality="VN").nationality == "VN"
    assert "exactly one" in str(_errors(Origin, {}))
    assert "honseki_prefecture" in _errors(Origin, {"nationality": "JP"})["nationality"]
    assert "01-47" in _errors(Origin, {"honseki_prefecture": "00"})["honseki_prefecture"]
    assert "alpha-2" in _errors(Origin, {"nationality": "kr"})["nationality"]


def test_address_checks_the_municipality_code() -> None:
    assert "check digit" in _errors(Address, {"municipality_code": "131015", "line": "丸の内"})["municipality_code"]


def test_registration_dates() -> None:
    assert "future" in _errors(Registration, registration(birth_date="2999-12-31"))["birth_date"]
    assert "YYYY-MM" in _errors(Registration, registration(exam_passed_in="2012-3"))["exam_passed_in"]
    assert "future" in _errors(Registration, registration(exam_passed_in="2999-01"))["exam_passed_in"]
    assert "ISO 8601" in _errors(Registration, registration(birth_date=19880714))["birth_date"]


def test_registration_refuses_unknown_fields_by_name() -> None:
    assert "favourite" in _errors(Registration, registration(favourite="x"))


def test_disposition_periods() -> None:
    ok = DispositionRequest(kind="practice_suspension", period_from="2026-01-01", period_to="2026-03-31", reason="処分")
    assert ok.period_to is not None
    assert "period_to must not be before" in str(
        _errors(
            DispositionRequest,
            {"kind": "practice_suspension", "period_from": "2026-03-01", "period_to": "2026-01-01", "reason": "x"},
        )
    )


def test_search_takes_exactly_one_way() -> None:
    assert SearchQuery(status="registered").status == "registered"
    assert "exactly one" in str(_errors(SearchQuery, {}))
    assert "go together" in str(_errors(SearchQuery, {"name_kana": {"family": "ア", "given": "イ"}}))
    assert "cursor" in str(_errors(SearchQuery, {"registration_number": 1, "cursor": "x"}))
