"""The station's calendar: public holidays, quiet days and one-off sessions. Pure, stdlib only.

Holidays come from a :class:`HolidaySource` (the ``loabroadcast.calendar`` package puts
python-holidays and a Vietnamese lunar library behind it); quiet ranges (:class:`DayOff`)
and one-off sessions (a :class:`~.models.Slot` with a ``day``, :class:`ExtraSession`) are
the officer's, kept in the store. A :class:`Calendar` answers, for one run of a slot,
whether it is quiet and why; :func:`mark_quiet` puts that answer on the occurrences the
planner made, and :func:`may_air` says what a quiet occurrence still airs: emergencies,
always.

Holidays silence the daily slots when the station keeps them quiet
(``[calendar] on_holidays = "quiet"``), never a one-off session, which the officer put on
that very date; a quiet range silences the slots it names, or every slot and session.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Protocol

from .models import Message, Occurrence, Priority, Quiet, QuietKind, Slot


@dataclass(frozen=True)
class LunarDate:
    """A date of the Vietnamese lunisolar calendar (âm lịch, reckoned at UTC+7)."""

    day: int
    month: int
    year: int
    leap: bool = False  # a day of the leap month (tháng nhuận)


@dataclass(frozen=True)
class Holiday:
    """A public holiday; ``lunar`` is set for the holidays the lunar calendar fixes."""

    day: date
    name: str
    lunar: LunarDate | None = None


@dataclass(frozen=True)
class DayOff:
    """No programme from ``first`` to ``last`` (inclusive) in ``slots``, or in every slot."""

    id: int
    first: date
    last: date
    slots: tuple[str, ...] = ()  # empty: every slot and one-off session
    reason: str = ""

    def covers(self, day: date, slot_code: str) -> bool:
        if not self.first <= day <= self.last:
            return False
        return not self.slots or slot_code in self.slots


@dataclass(frozen=True)
class ExtraSession:
    """A one-off session (``loa calendar extra``): a calendar entry holding a dated slot."""

    id: int
    slot: Slot

    @property
    def day(self) -> date:
        assert self.slot.day is not None
        return self.slot.day


CalendarEntry = DayOff | ExtraSession


def entry_day(entry: CalendarEntry) -> date:
    """The first day of an entry, for sorting a listing."""
    return entry.first if isinstance(entry, DayOff) else entry.day


@dataclass(frozen=True)
class DayInfo:
    day: date
    holiday: Holiday | None = None
    offs: tuple[DayOff, ...] = ()


class HolidaySource(Protocol):
    """Public holidays between two days (inclusive), in date order."""

    def holidays(self, first: date, last: date) -> Sequence[Holiday]: ...


class Calendar(Protocol):
    """What the planner asks of the station's calendar."""

    def day_info(self, day: date) -> DayInfo: ...

    def quiet(self, slot: Slot, day: date) -> Quiet | None: ...


@dataclass(frozen=True)
class StationCalendar:
    """Holidays (by day), the officer's quiet ranges, and what holidays do to the slots."""

    holidays: Mapping[date, Holiday] = field(default_factory=dict)
    offs: tuple[DayOff, ...] = ()
    quiet_on_holidays: bool = True

    @classmethod
    def of(
        cls, holidays: Iterable[Holiday], offs: Iterable[DayOff] = (), quiet_on_holidays=True
    ) -> StationCalendar:
        by_day: dict[date, Holiday] = {}
        for h in holidays:
            known = by_day.get(h.day)
            by_day[h.day] = h if known is None else replace(known, name=f"{known.name}; {h.name}")
        ordered = tuple(sorted(offs, key=lambda o: (o.first, o.id)))
        return cls(by_day, ordered, quiet_on_holidays)

    def day_info(self, day: date) -> DayInfo:
        offs = tuple(o for o in self.offs if o.first <= day <= o.last)
        return DayInfo(day, self.holidays.get(day), offs)

    def quiet(self, slot: Slot, day: date) -> Quiet | None:
        for off in self.offs:
            if off.first > day:
                break
            if off.covers(day, slot.code):
                return Quiet(QuietKind.OFF, off.reason, off.id)
        if self.quiet_on_holidays and slot.day is None:
            holiday = self.holidays.get(day)
            if holiday is not None:
                return Quiet(QuietKind.HOLIDAY, holiday.name)
        return None


def mark_quiet(occurrences: Iterable[Occurrence], calendar: Calendar) -> list[Occurrence]:
    """The occurrences, each quiet one carrying why (a step after ``planner.occurrences``)."""
    marked = []
    for occ in occurrences:
        quiet = calendar.quiet(occ.slot, occ.day)
        marked.append(occ if quiet is None else replace(occ, quiet=quiet))
    return marked


def may_air(message: Message, occurrence: Occurrence) -> bool:
    """A quiet occurrence airs emergencies only; an ordinary one airs everything."""
    return occurrence.quiet is None or message.priority == Priority.EMERGENCY
