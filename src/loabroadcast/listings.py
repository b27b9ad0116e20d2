"""What people wait on: message listings, the programme of the coming days, the calendar.

Read-only, through ``store.queries`` on a ``store.reader.Reader``: on the SQLite
default ``loa msg list`` and ``loa schedule`` never import SQLAlchemy. The write side
(``services.Station``) answers the same questions through this class, on its engine.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import partial

from .calendar import VietnamHolidays, quiet_on_holidays
from .clock import Clock, SystemClock
from .config import Settings
from .domain import Message, Programme
from .domain.calendar import CalendarEntry, DayOff, HolidaySource, StationCalendar
from .domain.planner import PlanInput, plan
from .domain.versions import MessageVersion
from .errors import InvalidInput
from .i18n import N_
from .store import queries, schema
from .store.reader import Reader

MAX_DAYS = 366


class Listings:
    def __init__(
        self,
        settings: Settings,
        clock: Clock | None = None,
        connect: Callable[[], AbstractContextManager[Reader]] | None = None,
        holidays: HolidaySource | None = None,
    ):
        self.settings = settings
        self.clock = clock or SystemClock()
        self.tz = settings.zone()
        self._connect = connect or partial(Reader.open, settings.database_url)
        # Planning names holidays as the law does, in Vietnamese, whatever the interface says.
        self.holidays: HolidaySource = holidays or VietnamHolidays("vi")

    @classmethod
    def open(cls, settings: Settings, clock: Clock | None = None) -> Listings:
        listings = cls(settings, clock)
        listings.check_schema()
        return listings

    def check_schema(self) -> None:
        """Refuse a database that is missing, older or newer than this code."""
        with self._connect() as reader:
            revision = queries.schema_revision(reader)
        schema.require_current(revision)

    def now(self) -> datetime:
        return self.clock.now()

    def today(self) -> date:
        return self.clock.now().astimezone(self.tz).date()

    def messages(self, status: str | None = None) -> list[Message]:
        with self._connect() as reader:
            return queries.messages(reader, status)

    def message_summaries(self, status: str | None = None) -> list[tuple]:
        """(id, status, priority, title, blocks, slots, from, until) rows for a listing."""
        with self._connect() as reader:
            return queries.message_summaries(reader, status)

    def versions(self, message_id: int) -> list[MessageVersion]:
        """Every version of a message, oldest first (none for an unknown id)."""
        with self._connect() as reader:
            return queries.versions(reader, message_id)

    def approved_message(self, message_id: int) -> Message | None:
        """The version of a message that airs, None when none does."""
        with self._connect() as reader:
            return queries.approved_message(reader, message_id)

    def approved_messages(self) -> list[Message]:
        """The version that airs of every message that airs one."""
        with self._connect() as reader:
            return queries.approved_messages(reader)

    def schedule(self, first: date | None = None, days: int = 1) -> list[Programme]:
        """The programme of every slot occurrence from ``first`` (default today), ``days`` long."""
        return self.plan(first, days).programmes

    def plan(self, first: date | None = None, days: int = 1) -> Schedule:
        """``schedule``, with the calendar (holidays, quiet ranges) it was planned by."""
        if days < 1 or days > MAX_DAYS:
            raise InvalidInput(N_("--days must be between 1 and {max}"), max=MAX_DAYS)
        first = first or self.today()
        last = first + timedelta(days=days - 1)
        with self._connect() as reader:
            offs = queries.day_offs(reader, first, last)
            data = PlanInput(
                messages=tuple(queries.approved_between(reader, first, last)),
                slots=tuple(queries.slots_between(reader, first, last)),
                durations=queries.rendered_durations(reader, first, last),
                played=queries.played_counts(reader, first, last),
                gap_s=self.settings.schedule.item_gap_s,
                words_per_minute=self.settings.schedule.words_per_minute,
            )
        calendar = self.calendar(first, last, offs)
        return Schedule(plan(replace(data, calendar=calendar), first, days, self.tz), calendar)

    def calendar(
        self, first: date, last: date, offs: list[DayOff] | None = None
    ) -> StationCalendar:
        """Holidays and the officer's quiet ranges of the days [first, last]."""
        if offs is None:
            with self._connect() as reader:
                offs = queries.day_offs(reader, first, last)
        return StationCalendar.of(
            self.holidays.holidays(first, last), offs, quiet_on_holidays(self.settings)
        )

    def calendar_entries(self, first: date, last: date | None = None) -> list[CalendarEntry]:
        """Quiet ranges and one-off sessions that meet [first, last] (no end when None)."""
        with self._connect() as reader:
            return queries.calendar_entries(reader, first, last)


@dataclass(frozen=True)
class Schedule:
    """The programmes of some days, and the calendar they were planned by."""

    programmes: list[Programme]
    calendar: StationCalendar
