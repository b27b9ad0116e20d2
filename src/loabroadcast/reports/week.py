"""The week's schedule to post on the notice board (``loa schedule --week --out``): the
planned programmes of seven days as days, sessions and titles, with the holidays and quiet
days marked. Pure: the writers (``reports.weekly``) only lay it out."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time, timedelta

from ..domain import Priority, Programme
from ..domain.calendar import Calendar, Holiday, QuietKind


@dataclass(frozen=True)
class Item:
    title: str
    emergency: bool = False


@dataclass(frozen=True)
class Session:
    code: str
    name: str
    start: time
    end: time
    one_off: bool = False
    quiet: str | None = None  # why only emergencies air (a holiday's name, the officer's reason)
    quiet_kind: QuietKind | None = None
    items: tuple[Item, ...] = ()


@dataclass(frozen=True)
class Day:
    day: date
    holiday: Holiday | None = None
    sessions: tuple[Session, ...] = ()

    @property
    def quiet(self) -> bool:
        """Every session of the day is quiet (a holiday, a day off), or there is none."""
        return all(s.quiet is not None for s in self.sessions)


@dataclass(frozen=True)
class WeekSheet:
    first: date
    days: tuple[Day, ...]

    @property
    def last(self) -> date:
        return self.first + timedelta(days=len(self.days) - 1)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_sheet(
    programmes: Iterable[Programme], calendar: Calendar | None, first: date, days: int = 7
) -> WeekSheet:
    """Seven days from ``first``: each day's sessions in time order, what each airs (titles
    in air order, overflow left out: it will not air), holidays and quiet sessions."""
    sessions: dict[date, list[Session]] = {}
    for p in programmes:
        occ = p.occurrence
        quiet = occ.quiet
        sessions.setdefault(occ.day, []).append(
            Session(
                code=occ.slot.code,
                name=occ.slot.name,
                start=occ.slot.start,
                end=occ.slot.end,
                one_off=occ.slot.one_off,
                quiet=None if quiet is None else quiet.reason,
                quiet_kind=None if quiet is None else quiet.kind,
                items=tuple(Item(i.title, i.priority == Priority.EMERGENCY) for i in p.items),
            )
        )
    sheet = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        holiday = calendar.day_info(day).holiday if calendar is not None else None
        ordered = sorted(sessions.get(day, ()), key=lambda s: (s.start, s.code))
        sheet.append(Day(day, holiday, tuple(ordered)))
    return WeekSheet(first, tuple(sheet))
