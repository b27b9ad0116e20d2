"""Parsing what an officer types: times of day, weekdays, dates, codes. Pure."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time

from ..i18n import N_
from .errors import Invalid
from .models import WEEKDAYS

_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
#: Dates an officer may type: wide enough for any real schedule or log, far enough from
#: ``date.min``/``date.max`` that a day or a year added to them never overflows.
MIN_DATE = date(1970, 1, 1)
MAX_DATE = date(2999, 12, 31)
_DAY_ALIASES = {
    "t2": 0, "t3": 1, "t4": 2, "t5": 3, "t6": 4, "t7": 5, "cn": 6,
}  # fmt: skip


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def parse_time_of_day(text: str) -> time:
    """``HH:MM`` or ``HH:MM:SS`` (24-hour, station time)."""
    m = _TIME.match(text.strip())
    if not m:
        raise Invalid(N_("{text!r} is not a time of day (HH:MM or HH:MM:SS)"), text=text)
    hour, minute, second = int(m[1]), int(m[2]), int(m[3] or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise Invalid(
            N_("{text!r} is not a time of day: hours 0-23, minutes and seconds 0-59"), text=text
        )
    return time(hour, minute, second)


def parse_weekdays(text: str) -> frozenset[int]:
    """``daily``, ``weekdays``, ``weekend`` or a list like ``mon,wed,fri`` (t2…t7, cn too);
    a part may be a range, ``mon-fri`` or ``t2-t6``."""
    key = text.strip().lower()
    if key in ("daily", "all", "hang-ngay"):
        return frozenset(range(7))
    if key in ("weekdays", "workdays"):
        return frozenset(range(5))
    if key == "weekend":
        return frozenset({5, 6})
    days: set[int] = set()
    for part in key.split(","):
        first, dash, last = part.strip().partition("-")
        if dash:
            a, b = _weekday(first), _weekday(last)
            days.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
        else:
            days.add(_weekday(first))
    return frozenset(days)


def _weekday(name: str) -> int:
    name = name.strip()
    if name in WEEKDAYS:
        return WEEKDAYS.index(name)
    if name in _DAY_ALIASES:
        return _DAY_ALIASES[name]
    raise Invalid(
        N_(
            "unknown day {name!r}: use daily, weekdays, weekend, mon,tue,wed,thu,fri,sat,sun "
            "or a range like mon-fri"
        ),
        name=name,
    )


def parse_date(text: str) -> date:
    """ISO ``2026-03-10``, or ``10/03/2026`` as people write it."""
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise Invalid(N_("{text!r} is not a date (YYYY-MM-DD or dd/mm/yyyy)"), text=text)


CODE_KINDS = {
    "block": N_("block code {text!r} is not valid: 1-40 letters, digits, '-', '_' or '.', "
                "without spaces"),
    "slot": N_("slot code {text!r} is not valid: 1-40 letters, digits, '-', '_' or '.', "
               "without spaces"),
    "session": N_("session code {text!r} is not valid: 1-40 letters, digits, '-', '_' or '.', "
                  "without spaces"),
    "station": N_("station code {text!r} is not valid: 1-40 letters, digits, '-', '_' or '.', "
                  "without spaces"),
    "source": N_("source code {text!r} is not valid: 1-40 letters, digits, '-', '_' or '.', "
                 "without spaces"),
}  # fmt: skip


def check_code(text: str, what: str) -> str:
    """A block, slot, session, source or station code (``what``: a key of ``CODE_KINDS``)."""
    code = text.strip()
    if not _CODE.match(code):
        raise Invalid(CODE_KINDS[what], text=text)
    return code


def split_codes(text: str) -> list[str]:
    codes = [c.strip() for c in text.split(",") if c.strip()]
    if not codes:
        raise Invalid(N_("no codes given"))
    return list(dict.fromkeys(codes))
