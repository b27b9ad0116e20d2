"""The district: the stations of one database (``loa station add``, ``loa station list``).

A district runs its commune stations from one PostgreSQL database: each station folder
names its station (``[station] code``), and each station's daemon airs only its own
rows. A SQLite database is one station's and holds exactly one: adding another is
refused. The overview is read in plain SQL (``store.stations``: no SQLAlchemy on SQLite),
a handful of set queries whatever the number of stations.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from ..domain import parse as p
from ..domain.stations import OnAirNow, StationHealth, judge
from ..errors import Conflict, InvalidInput
from ..i18n import N_
from ..store import stations as rows
from ..store.reader import Reader

if TYPE_CHECKING:  # the overview reads without SQLAlchemy; adding a station writes with it
    from .base import StationContext

NAME_MAX = 200
PLACE = ("commune", "district", "province")


@dataclass(frozen=True)
class StationView:
    """One line of the district's overview."""

    station: rows.StationRef
    health: StationHealth
    on_air: OnAirNow | None  # only while a daemon runs: a stale one's "playing" row is old

    def as_dict(self, now: datetime) -> dict:
        h, s = self.health, self.station
        newest = h.newest
        error = None
        if newest is not None and newest.last_error:
            error = {"text": newest.last_error, "at": newest.last_error_at}
        return {
            "code": s.code,
            "name": s.name,
            "commune": s.commune or None,
            "district": s.district or None,
            "province": s.province or None,
            "daemon": h.state.value,
            "daemons_running": h.running,
            "heartbeat_at": newest.heartbeat_at if newest else None,
            "heartbeat_age_s": None if newest is None else round(h.age_s(now), 1),
            "stale": h.state.value == "stale",
            "host": newest.host if newest else None,
            "on_air": None
            if self.on_air is None
            else {
                "message_id": self.on_air.message_id,
                "title": self.on_air.title,
                "slot": self.on_air.slot,
                "started_at": self.on_air.started_at,
            },
            "last_error": error,
        }


def overview(
    connect: Callable[[], AbstractContextManager[Reader]], now: datetime, code: str = rows.ALL
) -> list[StationView]:
    """Every station (or the one ``code`` names) with its daemons' state, by code."""
    with connect() as reader:
        stations = rows.resolve(reader, code, explicit=True)
        scope = rows.scope_of(stations)
        beats = rows.beats(reader, scope)
        playing = rows.on_air(reader, scope)
    views = []
    for station in stations:
        health = judge(beats.get(station.id, ()), now)
        on_air = playing.get(station.id) if health.running else None
        views.append(StationView(station, health, on_air))
    return views


class District:
    """Stations of the database, written by an officer of one of them (``ctx``)."""

    def __init__(self, ctx: StationContext):
        self.ctx = ctx

    def add(self, code: str, name: str, by: str | None = None, **place: str) -> rows.StationRef:
        """A new station: its plan version starts at 0, it has no blocks, slots or
        messages yet. Refused on SQLite (one database, one station)."""
        from sqlalchemy import select

        from ..store.models import PlanState, StationRow

        if self.ctx.engine.dialect.name == "sqlite":
            raise Conflict(
                N_(
                    "a SQLite database holds one station: put the district on PostgreSQL "
                    "([station] db_url) to add stations"
                )
            )
        try:
            code = p.check_code(code, "station")
        except ValueError as err:
            raise InvalidInput.of(err) from None
        if code.lower() == rows.ALL:
            raise InvalidInput(N_("'all' names every station: choose another code"))
        name = clean(name, "NAME")
        place = {key: clean(place.get(key) or "", f"--{key}", empty=True) for key in PLACE}
        with self.ctx.work("station add", by) as uow:
            s = uow.session
            if s.scalar(select(StationRow.id).where(StationRow.code == code)) is not None:
                raise Conflict(N_("station {code} already exists"), code=code)
            row = StationRow(code=code, name=name, created_at=uow.now, **place)
            s.add(row)
            s.flush()
            s.add(PlanState(station_id=row.id, version=0, changed_at=uow.now))
            uow.record(
                f"station:{code}",
                None,
                {"name": name, **{k: v for k, v in place.items() if v}},
                plan=False,
            )
            return rows.StationRef(row.id, code, name, *(place[k] for k in PLACE))


def clean(text: str, what: str, *, empty: bool = False) -> str:
    """A name or place as people write it: NFC, single spaces; ``what`` names the argument
    or option in errors."""
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise InvalidInput(N_("{what} holds a control character"), what=what)
    value = " ".join(p.nfc(text).split())
    if not value and not empty:
        raise InvalidInput(N_("{what} is empty"), what=what)
    if len(value) > NAME_MAX:
        raise InvalidInput(N_("{what} is longer than {max} characters"), what=what, max=NAME_MAX)
    return value
