"""The period a report covers: a month (``2026-12`` or ``12/2026``) or a range of days."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from ..domain.errors import Invalid
from ..i18n import N_

MAX_DAYS = 366  # the plan behind "minutes requested" is made for at most a year

_ISO_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_VN_MONTH = re.compile(r"(\d{1,2})[/.](\d{4})")


@dataclass(frozen=True)
class Period:
    first: date
    last: date  # inclusive
    month: bool = False  # exactly one calendar month

    @classmethod
    def of_month(cls, year: int, month: int) -> Period:
        first = date(year, month, 1)
        following = date(year + month // 12, month % 12 + 1, 1)
        return cls(first, following - timedelta(days=1), month=True)

    @classmethod
    def of(cls, first: date, last: date) -> Period:
        """Days ``first`` to ``last``; a whole calendar month is recognised as one."""
        whole = cls.of_month(first.year, first.month)
        return whole if (first, last) == (whole.first, whole.last) else cls(first, last)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def parse_month(text: str) -> Period:
    """``2026-12`` or ``12/2026``; ``ValueError`` with a one-line reason otherwise."""
    value = text.strip()
    found = _ISO_MONTH.fullmatch(value)
    if found:
        year, month = int(found[1]), int(found[2])
    elif found := _VN_MONTH.fullmatch(value):
        month, year = int(found[1]), int(found[2])
    else:
        raise Invalid(N_("{text} is not a month: use YYYY-MM, e.g. 2026-12"), text=text)
    if not 1 <= month <= 12:
        raise Invalid(N_("{text}: there is no month {month}"), text=text, month=month)
    if not 1 <= year <= 9998:
        raise Invalid(N_("{text}: the year is out of range"), text=text)
    return Period.of_month(year, month)


def check_range(first: date, last: date) -> Period:
    if last < first:
        raise Invalid(
            N_("--until {until} is before --from {first}"),
            until=f"{last:%d/%m/%Y}",
            first=f"{first:%d/%m/%Y}",
        )
    period = Period.of(first, last)
    if period.days > MAX_DAYS:
        raise Invalid(
            N_("a report covers at most {max} days, not {days}"),
            max=MAX_DAYS,
            days=period.days,
        )
    return period
