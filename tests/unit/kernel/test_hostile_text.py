"""Property tests of the text and code validators against generated hostile text.

The generators are ours: control characters (C0, C1, NUL, CR/LF), bidi and zero-width format
characters, surrogates, private use, unassigned code points, odd spaces, and digits of every script
but ASCII. Every validator must refuse each of them wherever it sits in otherwise good text.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from ahaki.http.problems import from_validation
from ahaki.intake.domain.commands import Submission
from ahaki.kernel import text
from ahaki.kernel.identifiers import validate_local_government_code, validate_my_number
from ahaki.kernel.values import Name, NameKana
from ahaki.notifications.domain.notification import NoticeRequest
from ahaki.registry.domain.commands import Correction, Registration, SearchQuery
from ahaki.registry.domain.registrant import Origin

BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
ODD_SPACES = "\u00a0\u1680\u2000\u2007\u200a\u202f\u205f"
SEPARATORS = "\u2028\u2029\u0085"
NUL_CR_LF = "\x00\r\n\t\x1b\x7f\x80\x9f"

hostile_char = st.one_of(
    st.sampled_from(BIDI + ZERO_WIDTH + ODD_SPACES + SEPARATORS + NUL_CR_LF),
    st.characters(categories=["Cc", "Cf", "Cs", "Co"]),
    st.sampled_from(["\ue000", "\U000f0000", "\ufffe", "\uffff", "\U0010ffff", "\u0378"]),  # private, non-, unassigned
)
# Good text the validators must keep accepting: kanji, kana, Latin, full-width Latin.
good_name = st.text(alphabet="山田花子髙﨑邊渡辺ヤマダはなこSmithＳＭＩＴＨé", min_size=1, max_size=20)
good_line = st.text(alphabet="山田 　花子、。「」()（）1２3-/・ABCabc", min_size=1, max_size=40).filter(
    lambda s: s.strip(" \u3000")
)


def _splice(good: str, bad: str, where: int) -> str:
    at = where % (len(good) + 1)
    return good[:at] + bad + good[at:]


@given(good_line, hostile_char, st.integers(min_value=0))
@example("お知らせ", "\r\n", 2)  # e-mail header injection
@example("お知らせ", "\x00", 0)
def test_single_line_refuses_every_hidden_character(good: str, bad: str, where: int) -> None:
    with pytest.raises(ValueError, match="one line of visible text"):
        text.single_line(_splice(good, bad, where))


@given(good_line, hostile_char.filter(lambda c: c not in "\n\r\t"), st.integers(min_value=0))
def test_free_text_refuses_hidden_characters_but_keeps_line_breaks(good: str, bad: str, where: int) -> None:
    with pytest.raises(ValueError):
        text.free_text(_splice(good, bad, where))
    assert text.free_text(good + "\r\n" + good + "\n") == good + "\r\n" + good + "\n"


@given(good_name, hostile_char | st.sampled_from("0123456789０１²@#<>!?=_"), st.integers(min_value=0))
@example("山田", "\u202e", 1)  # a bidi override that reverses how the name reads
@example("ヤマダ", "ｱ", 0)  # half-width katakana in a name
def test_person_name_refuses_anything_but_letters(good: str, bad: str, where: int) -> None:
    with pytest.raises(ValueError):
        text.person_name(_splice(good, bad, where))


@given(good_name.filter(lambda s: not s[0].isspace()))
def test_person_name_keeps_names_exactly(name: str) -> None:
    assert text.person_name(name) == name


@given(st.text(alphabet="ヤマダハナコー・", min_size=1, max_size=10), hostile_char | st.sampled_from("ｱﾔやa1"))
def test_kana_refuses_everything_else(good: str, bad: str) -> None:
    with pytest.raises(ValueError):
        text.kana(good + bad)


# Digits of other scripts that str.isdigit() or a Unicode \d accept and int() may convert.
OTHER_DIGITS = "０１２３４５６７８９٠١٢٣٤٥٦٧٨٩۱۲߁१১௧๑²³¹①"


@given(st.integers(min_value=0, max_value=11), st.sampled_from(OTHER_DIGITS))
def test_identifiers_take_ascii_digits_only(position: int, digit: str) -> None:
    number = list("123456789018")
    number[position] = digit
    with pytest.raises(ValueError):
        validate_my_number("".join(number))
    code = list("131016")
    code[position % 6] = digit
    with pytest.raises(ValueError):
        validate_local_government_code("".join(code))


@given(st.sampled_from(OTHER_DIGITS), st.integers(min_value=0, max_value=1))
@example("１", 0)
def test_prefecture_and_year_month_take_ascii_digits_only(digit: str, position: int) -> None:
    prefecture = list("13")
    prefecture[position] = digit
    with pytest.raises(ValidationError):
        Origin(honseki_prefecture="".join(prefecture))
    month = list("2012-03")
    month[5 + position] = digit
    with pytest.raises(ValidationError):
        Correction.model_validate({"exam_passed_in": "".join(month), "reason": "誤記"})


def test_full_width_prefecture_is_refused() -> None:
    with pytest.raises(ValidationError):
        Origin(honseki_prefecture="１３")


def test_notice_subject_is_one_line_and_body_free_text() -> None:
    base = {"audience": "all_holders", "subject": "お知らせ", "body": "本文です。\n二行目。"}
    assert NoticeRequest.model_validate(base).body.endswith("二行目。")
    for subject in ("件名\r\nBcc: x@example.com", "件名\x00", "件名\u2028", "件名\u202e"):
        with pytest.raises(ValidationError):
            NoticeRequest.model_validate({**base, "subject": subject})
    for body in ("本文\x00", "本文\u202e", "本文\x1b[31m"):
        with pytest.raises(ValidationError):
            NoticeRequest.model_validate({**base, "body": body})


def test_names_and_kana_in_the_models() -> None:
    with pytest.raises(ValidationError):
        Name(family="山\u202e田", given="花子")
    with pytest.raises(ValidationError):
        NameKana(family="\u3000", given="ハナコ")
    assert Name(family="髙﨑", given="Mary-Jane").family == "髙﨑"


# -- any JSON value at all: a ValidationError (never another exception) whose problem echoes nothing --

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.text(alphabet=hostile_char, max_size=5),
    st.sampled_from(["123456789018", "山田花子", "ヤマダハナコ", "13", "2012-03", "1988-07-14", "new_registration"]),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=25,
)
MODELS: list[type[BaseModel]] = [Registration, Correction, SearchQuery, Submission, NoticeRequest]
FIELDS = ["name", "name_kana", "origin", "birth_date", "my_number", "application", "kind", "subject", "status"]


_SCHEMA_WORD = re.compile(r"[a-z_]+")


def _schema_words(value: Any) -> set[str]:
    """Property names and enum values anywhere in a JSON schema: what a problem may name back."""
    found: set[str] = set()
    if isinstance(value, dict):
        found |= set(value.get("properties", {})) if isinstance(value.get("properties"), dict) else set()
        found |= {v for v in value.get("enum", []) if isinstance(v, str)}
        for inner in value.values():
            found |= _schema_words(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= _schema_words(inner)
    return found


VOCABULARY = sorted(set().union(*(_schema_words(m.model_json_schema()) for m in MODELS)), key=len, reverse=True)


def _echoed(sent: list[str], rendered: str) -> list[str]:
    """The sent strings found in the rendered problem once the schema's own words are taken out of
    it (a key sent as "ion." is no echo of the field "application")."""
    for word in VOCABULARY:
        rendered = rendered.replace(word, "\x00")
    return [s for s in sent if len(s) >= 4 and not _SCHEMA_WORD.fullmatch(s) and s in rendered]


def test_the_echo_check_ignores_schema_words_and_finds_the_rest() -> None:
    assert _echoed(["ion."], "Invalid value in: , application.") == []
    assert _echoed(["ev1l.", "ion."], "Invalid value in: ev1l., application.") == ["ev1l."]


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(MODELS),
    st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=12), json_values, max_size=6),
)
@example(Submission, {"name": {"ion.": None}})  # a key that is part of a field's name
def test_any_json_gives_a_validation_error_that_echoes_nothing(model: type[BaseModel], body: dict[str, Any]) -> None:
    try:
        model.model_validate(body)
    except ValidationError as error:
        problem = from_validation(error.errors())
        shown = json.loads(str(problem.body))
        rendered = json.dumps(shown, ensure_ascii=False)
        # Schema words (field names, enum values) may be named back; anything else sent may not.
        echoed = _echoed(_strings(body), rendered)
        assert not echoed, (echoed, shown)


@pytest.mark.parametrize("number", [0, -1, 10**9, 10**40])
def test_registration_numbers_are_bounded(number: int) -> None:
    with pytest.raises(ValidationError):
        SearchQuery(registration_number=number)


@settings(max_examples=30)
@given(st.integers(min_value=51, max_value=450_000), st.sampled_from(["山", "ア", "a", "𠮷"]))
def test_huge_values_are_refused_by_length_before_anything_is_stored(size: int, char: str) -> None:
    with pytest.raises(ValidationError):
        Name(family=char * size, given="花子")
    with pytest.raises(ValidationError):
        NameKana(family="ア" * size, given="ハナコ")
    with pytest.raises(ValidationError):
        Correction.model_validate({"sex": "male", "reason": char * (size + 400)})
    with pytest.raises(ValidationError):
        NoticeRequest.model_validate({"audience": "all_holders", "subject": char * (size + 100), "body": "x"})
