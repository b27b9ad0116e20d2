"""Dates and times as people read them, in both languages: ``dd/mm/yyyy``, ``HH:MM``
(seconds only where they matter), and weekday names (``Thứ Hai`` … ``Chủ nhật``).

Machines read ISO 8601 (``--json``); these are for tables and sentences. Weekday names
come from the catalog (never from the OS locale, which an English OS would make English).
Aware datetimes are shown as they are: convert to station time first.
"""

from __future__ import annotations

from datetime import date, datetime, time

from . import N_, _

# date.weekday() order
WEEKDAYS = (
    # TRANSLATORS: weekday names, as on a calendar: Thứ Hai … Thứ Bảy, Chủ nhật
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)


def day(value: date) -> str:
    """``10/03/2026``."""
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def clock(value: time | datetime, seconds: bool | None = None) -> str:
    """``06:30``; ``06:30:15`` with ``seconds=True``, or with ``None`` when they are not 0
    (a slot may start at 06:30:15, most start on the minute)."""
    if seconds is None:
        seconds = bool(value.second)
    text = f"{value.hour:02d}:{value.minute:02d}"
    return f"{text}:{value.second:02d}" if seconds else text


def moment(value: datetime, seconds: bool | None = None) -> str:
    """``10/03/2026 06:30`` (see ``clock`` for the seconds)."""
    return f"{day(value)} {clock(value, seconds)}"


def weekday(value: date) -> str:
    """``Thứ Ba`` (``Tuesday`` in English)."""
    return _(WEEKDAYS[value.weekday()])


def day_with_weekday(value: date) -> str:
    """``Thứ Ba, 10/03/2026``."""
    # TRANSLATORS: a weekday name and a date dd/mm/yyyy
    return _("{weekday}, {date}").format(weekday=weekday(value), date=day(value))
