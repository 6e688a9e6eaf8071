"""The death-report deadline (あはき法施行令): 30 days from the death, the day of death not
counted (民法140条), moved past a closing day of government offices (行政機関の休日に関する法律2条)."""

from __future__ import annotations

from datetime import date

import pytest

from ahaki.intake.domain.application import DeathReportForm, late_death_report
from ahaki.intake.domain.deadlines import death_report_deadline


def _report(date_of_death: date) -> DeathReportForm:
    return DeathReportForm.model_validate(
        {
            "kind": "death_report",
            "registration_number": 1,
            "name_kana": {"family": "ヤマダ", "given": "ハナコ"},
            "birth_date": "1950-01-01",
            "date_of_death": date_of_death.isoformat(),
            "relationship": "cohabiting_relative",
            "reporter_name": "山田太郎",
        }
    )


@pytest.mark.parametrize(
    ("died", "last_day"),
    [
        (date(2026, 11, 1), date(2026, 12, 1)),  # the 30th day after is a Tuesday: no shift
        (date(2026, 10, 8), date(2026, 11, 9)),  # the 30th day is a Saturday: the Monday after
        (date(2026, 10, 9), date(2026, 11, 9)),  # a Sunday: the Monday after
        (date(2026, 11, 29), date(2027, 1, 4)),  # 12/29: past the year-end closing (12/29-1/3)
        (date(2026, 10, 4), date(2026, 11, 4)),  # 11/3 文化の日 (a Tuesday): the day after
        (date(2026, 4, 6), date(2026, 5, 7)),  # 5/6 a substitute holiday (5/3 fell on a Sunday)
        (date(2026, 8, 23), date(2026, 9, 24)),  # 9/22 国民の休日, then 9/23 秋分の日
    ],
)
def test_last_day_to_report_a_death(died: date, last_day: date) -> None:
    assert death_report_deadline(died) == last_day


@pytest.mark.parametrize(
    ("died", "reported", "late"),
    [
        (date(2026, 11, 1), date(2026, 11, 1), False),
        (date(2026, 11, 1), date(2026, 12, 1), False),  # the 30th day counted from the day after death
        (date(2026, 11, 1), date(2026, 12, 2), True),
        (date(2026, 10, 8), date(2026, 11, 9), False),  # the deadline fell on a Saturday
        (date(2026, 10, 8), date(2026, 11, 10), True),
        (date(2026, 11, 29), date(2027, 1, 4), False),  # the deadline fell in the year-end closing
        (date(2026, 11, 29), date(2027, 1, 5), True),
        (date(2026, 10, 4), date(2026, 11, 4), False),  # the deadline fell on a national holiday
        (date(2026, 10, 4), date(2026, 11, 5), True),
    ],
)
def test_a_report_is_late_only_after_the_last_day(died: date, reported: date, late: bool) -> None:
    assert late_death_report(_report(died), reported) is late
