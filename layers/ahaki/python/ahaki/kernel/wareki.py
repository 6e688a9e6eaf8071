"""Dates as Japanese readers expect them: the era (和暦, 令和) with the ISO date beside it."""

from __future__ import annotations

from datetime import date

# Start date of each era, newest first (令和 began on 2019-05-01, 平成 on 1989-01-08).
ERAS: tuple[tuple[date, str], ...] = (
    (date(2019, 5, 1), "令和"),
    (date(1989, 1, 8), "平成"),
    (date(1926, 12, 25), "昭和"),
)


def wareki(day: date) -> str:
    """令和8年3月16日; the first year of an era is 元年."""
    for start, era in ERAS:
        if day >= start:
            year = day.year - start.year + 1
            return f"{era}{'元' if year == 1 else year}年{day.month}月{day.day}日"
    raise ValueError("dates before 昭和 are not used in notifications")


def wareki_and_iso(day: date) -> str:
    """令和8年3月16日（2026-03-16）: both, so no reader has to convert."""
    return f"{wareki(day)}（{day.isoformat()}）"
