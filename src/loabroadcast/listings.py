"""What people wait on: message listings, the programme of the coming days, the calendar.

Read-only, through ``store.queries`` on a ``store.reader.Reader``: on the SQLite
default ``loa msg list`` and ``loa schedule`` never import SQLAlchemy. The write side
(``services.Station``) answers the same questions through this class, on its engine.

Everything is one station's: the folder's (``[station] code``), or the one ``station``
names; it is looked up once, on first use.
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
from .store import stations as station_rows
from .store.reader import Reader
from .store.scope import Scope

MAX_DAYS = 366


class Listings:
    def __init__(
        self,
        settings: Settings,
        clock: Clock | None = None,
        connect: Callable[[], AbstractContextManager[Reader]] | None = None,
        holidays: HolidaySource | None = None,
        station: str | station_rows.StationRef | None = None,
    ):
        self.settings = settings
        self.clock = clock or SystemClock()
        self.tz = settings.zone()
        self._connect = connect or partial(Reader.open, settings.database_url)
        # Planning names holidays as the law does, in Vietnamese, whatever the interface says.
        self.holidays: HolidaySource = holidays or VietnamHolidays("vi")
        self._ref = station if isinstance(station, station_rows.StationRef) else None
        self._code = settings.station_code if station is None else station
        self._explicit = station is not None

    @classmethod
    def open(
        cls, settings: Settings, clock: Clock | None = None, station: str | None = None
    ) -> Listings:
        listings = cls(settings, clock, station=station)
        listings.check_schema()
        return listings

    def check_schema(self) -> None:
        """Refuse a database that is missing, older or newer than this code, or that does
        not hold the station."""
        with self._connect() as reader:
            revision = queries.schema_revision(reader)
            schema.require_current(revision)
            self._resolve(reader)

    def for_station(self, ref: station_rows.StationRef) -> Listings:
        """The same listings for another station of the database."""
        return Listings(self.settings, self.clock, self._connect, self.holidays, ref)

    @property
    def station(self) -> station_rows.StationRef:
        """The station these listings are of."""
        if self._ref is None:
            with self._connect() as reader:
                self._resolve(reader)
        assert self._ref is not None
        return self._ref

    @property
    def scope(self) -> Scope:
        return Scope.of(self.station.id)

    def stations(self, code: str) -> list[station_rows.StationRef]:
        """The stations ``code`` names (``all``: every one)."""
        with self._connect() as reader:
            return station_rows.resolve(reader, code, explicit=True)

    def _resolve(self, reader: Reader) -> None:
        if self._ref is None:
            self._ref = station_rows.resolve(reader, self._code, explicit=self._explicit)[0]

    def reading(self) -> AbstractContextManager[Reader]:
        """One read transaction on the database (``with listings.reading() as reader``)."""
        return self._connect()

    def now(self) -> datetime:
        return self.clock.now()

    def today(self) -> date:
        return self.clock.now().astimezone(self.tz).date()

    def messages(self, status: str | None = None) -> list[Message]:
        scope = self.scope
        with self._connect() as reader:
            return queries.messages(reader, scope, status)

    def message_summaries(self, status: str | None = None) -> list[tuple]:
        """(id, status, priority, title, blocks, slots, from, until) rows for a listing."""
        scope = self.scope
        with self._connect() as reader:
            return queries.message_summaries(reader, scope, status)

    def versions(self, message_id: int) -> list[MessageVersion]:
        """Every version of a message, oldest first (none for an unknown id)."""
        scope = self.scope
        with self._connect() as reader:
            return queries.versions(reader, scope, message_id)

    def approved_message(self, message_id: int) -> Message | None:
        """The version of a message that airs, None when none does."""
        scope = self.scope
        with self._connect() as reader:
            return queries.approved_message(reader, scope, message_id)

    def approved_messages(self) -> list[Message]:
        """The version that airs of every message that airs one."""
        scope = self.scope
        with self._connect() as reader:
            return queries.approved_messages(reader, scope)

    def schedule(self, first: date | None = None, days: int = 1) -> list[Programme]:
        """The programme of every slot occurrence from ``first`` (default today), ``days`` long."""
        return self.plan(first, days).programmes

    def plan(self, first: date | None = None, days: int = 1) -> Schedule:
        """``schedule``, with the calendar (holidays, quiet ranges) it was planned by."""
        if days < 1 or days > MAX_DAYS:
            raise InvalidInput(N_("--days must be between 1 and {max}"), max=MAX_DAYS)
        first = first or self.today()
        last = first + timedelta(days=days - 1)
        scope = self.scope
        with self._connect() as reader:
            offs = queries.day_offs(reader, scope, first, last)
            data = PlanInput(
                messages=tuple(queries.approved_between(reader, scope, first, last)),
                slots=tuple(queries.slots_between(reader, scope, first, last)),
                durations=queries.rendered_durations(reader, scope, first, last),
                played=queries.played_counts(reader, scope, first, last),
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
            scope = self.scope
            with self._connect() as reader:
                offs = queries.day_offs(reader, scope, first, last)
        return StationCalendar.of(
            self.holidays.holidays(first, last), offs, quiet_on_holidays(self.settings)
        )

    def calendar_entries(self, first: date, last: date | None = None) -> list[CalendarEntry]:
        """Quiet ranges and one-off sessions that meet [first, last] (no end when None)."""
        scope = self.scope
        with self._connect() as reader:
            return queries.calendar_entries(reader, scope, first, last)


@dataclass(frozen=True)
class Schedule:
    """The programmes of some days, and the calendar they were planned by."""

    programmes: list[Programme]
    calendar: StationCalendar
