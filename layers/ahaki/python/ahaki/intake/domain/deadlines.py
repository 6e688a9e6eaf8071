"""Statutory deadlines of the procedures, counted as Japanese law counts periods.

A period in days does not count its first day (民法140条) and ends with its last day (141条). A
deadline for an application to a national administrative organ that falls on a closing day of
government offices moves to the next open day (行政機関の休日に関する法律1条・2条): Saturdays,
Sundays, national holidays (国民の祝日, with substitute holidays and 国民の休日, from jpholiday's
table, which follows the Cabinet Office's list) and the year-end closing 12/29-1/3.
"""

from __future__ import annotations

from datetime import date, timedelta

# あはき法施行令: on a death, the person the Family Register Act obliges to report it (戸籍法の
# 死亡の届出義務者) applies for erasure within 30 days; the period runs from the death itself.
DEATH_REPORT_DAYS = 30


def government_closed(day: date) -> bool:
    import jpholiday  # here: its table loads on import, and most cold starts count no deadline

    year_end = (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)
    return day.weekday() >= 5 or year_end or jpholiday.is_holiday(day)


def last_day(start: date, days: int) -> date:
    """The last day of a period of ``days`` days from the event on ``start``."""
    end = start + timedelta(days=days)
    while government_closed(end):
        end += timedelta(days=1)
    return end


def death_report_deadline(date_of_death: date) -> date:
    return last_day(date_of_death, DEATH_REPORT_DAYS)
