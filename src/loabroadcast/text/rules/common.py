"""Small facts several rules share."""

from __future__ import annotations

import calendar

# what a reading can be, for a dash or a slash that follows it
NUMERIC = ("number", "date", "time", "money", "measure", "year", "weekday")

_MAX_DAY = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def valid_day_month(day: int, month: int, year: int | None = None) -> bool:
    """True when ``day``/``month`` (of ``year``, when given) is a date on the calendar."""
    if not 1 <= month <= 12 or day < 1:
        return False
    if month == 2 and year is not None and not calendar.isleap(year):
        return day <= 28
    return day <= _MAX_DAY[month - 1]
