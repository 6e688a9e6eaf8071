"""Items 24/25: the names of the persons in office on the registration date, never a bare title."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from ahaki.registry.domain.commands import Registration
from ahaki.registry.domain.office_holders import Office, OfficeHolders
from tests.data import registration

TABLE = OfficeHolders.model_validate(
    {
        "holders": [
            {"office": "minister", "name": "見本 一郎", "since": "2024-10-01", "until": "2025-10-20"},
            {"office": "minister", "name": "見本 二郎", "since": "2025-10-21"},
            {"office": "chair", "name": "試験 花子", "since": "2020-04-01"},
        ]
    }
)


@pytest.mark.parametrize(
    ("on", "minister"),
    [
        (date(2024, 9, 30), None),
        (date(2024, 10, 1), "見本 一郎"),
        (date(2025, 10, 20), "見本 一郎"),  # the last day in office
        (date(2025, 10, 21), "見本 二郎"),
        (date(2026, 12, 3), "見本 二郎"),
    ],
)
def test_the_minister_in_office_on_a_date(on: date, minister: str | None) -> None:
    assert TABLE.name_on(Office.MINISTER, on) == minister
    assert TABLE.name_on(Office.CHAIR, on) == ("試験 花子" if on >= date(2020, 4, 1) else None)


@pytest.mark.parametrize(
    "holders",
    [
        [
            {"office": "minister", "name": "甲", "since": "2024-01-01"},
            {"office": "minister", "name": "乙", "since": "2025-01-01"},
        ],
        [
            {"office": "chair", "name": "甲", "since": "2024-01-01", "until": "2025-01-31"},
            {"office": "chair", "name": "乙", "since": "2025-01-31"},
        ],
        [{"office": "chair", "name": "甲", "since": "2024-01-01", "until": "2023-12-31"}],
        [{"office": "minister", "name": "厚生労働大臣", "since": "2024-01-01"}],
    ],
    ids=["open-ended-then-another", "one-day-overlap", "ends-before-it-starts", "a-title"],
)
def test_a_bad_table_is_refused(holders: list[dict[str, str]]) -> None:
    with pytest.raises(ValidationError):
        OfficeHolders.model_validate({"holders": holders})


@pytest.mark.parametrize("title", ["厚生労働大臣", "公益財団法人東洋療法研修試験財団理事長", " 理事長 "])
def test_staff_may_not_register_a_bare_office_title(title: str) -> None:
    with pytest.raises(ValidationError, match="must name the person in office"):
        Registration.model_validate(registration(minister_name=title))
    with pytest.raises(ValidationError, match="must name the person in office"):
        Registration.model_validate(registration(chair_name=title))
