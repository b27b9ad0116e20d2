"""The stations of a database, in plain SQL on a ``reader.Reader`` (no SQLAlchemy on
SQLite): which station a folder or ``--station`` names, and what the district's overview
(``loa station list``) shows of each, in a handful of set queries whatever their number."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..domain import AiringStatus
from ..domain.stations import DaemonBeat, OnAirNow
from ..errors import NotFound, StoreError
from ..i18n import N_
from . import records
from .reader import Reader
from .scope import Scope

ALL = "all"
#: heartbeats read per station for the overview: the newest few tell running, standby, stale
BEATS_PER_STATION = 5


@dataclass(frozen=True)
class StationRef:
    id: int
    code: str
    name: str
    commune: str = ""
    district: str = ""
    province: str = ""


_COLUMNS = "id, code, name, commune, district, province"


def every(reader: Reader) -> list[StationRef]:
    """Every station, by code."""
    return [
        StationRef(*row) for row in reader.rows(f"SELECT {_COLUMNS} FROM stations ORDER BY code")
    ]


def resolve(reader: Reader, code: str, *, explicit: bool = False) -> list[StationRef]:
    """The stations ``code`` names: ``all`` for every one. A SQLite database holds one
    station: the folder's code (``explicit`` False) always names it, whatever it is."""
    if code == ALL:
        found = every(reader)
        if not found:
            raise StoreError(N_("the database has no station: run `loa init`"))
        return found
    if reader.dialect == "sqlite" and not explicit:
        rows = reader.rows(f"SELECT {_COLUMNS} FROM stations ORDER BY id LIMIT 2")
        if len(rows) == 1:
            return [StationRef(*rows[0])]
    rows = reader.rows(f"SELECT {_COLUMNS} FROM stations WHERE code = ?", (code,))
    if rows:
        return [StationRef(*rows[0])]
    if reader.dialect == "sqlite":
        only = reader.rows("SELECT code FROM stations ORDER BY id LIMIT 1")
        raise NotFound(
            N_("no station {code}: this database holds one station, {only}"),
            code=code,
            only=only[0][0] if only else "-",
        )
    raise NotFound(
        N_("no station {code} in the database: add it with `loa station add {code} NAME`"),
        code=code,
    )


def scope_of(stations: list[StationRef]) -> Scope:
    return Scope.of(*(s.id for s in stations))


def beats(reader: Reader, scope: Scope) -> dict[int, list[DaemonBeat]]:
    """The newest heartbeats of each station's daemons (``BEATS_PER_STATION``), newest
    first, by station id."""
    where, params = scope.sql("daemon_state", "d")
    rows = reader.rows(
        "SELECT station_id, instance, host, pid, sink, tick_s, started_at, heartbeat_at, "
        "stopped_at, last_error, last_error_at FROM ("
        "SELECT d.*, row_number() OVER (PARTITION BY d.station_id "
        "ORDER BY d.heartbeat_at DESC, d.instance) AS n_ "
        f"FROM daemon_state d WHERE {where}) x WHERE n_ <= ? "
        "ORDER BY station_id, heartbeat_at DESC, instance",
        (*params, BEATS_PER_STATION),
    )
    found: dict[int, list[DaemonBeat]] = {}
    instant = records.instant
    for sid, inst, host, pid, sink, tick, started, beat, stopped, err, err_at in rows:
        found.setdefault(sid, []).append(
            DaemonBeat(
                instance=inst,
                host=host,
                pid=pid,
                sink=sink,
                tick_s=tick,
                started_at=instant(started),
                heartbeat_at=instant(beat),
                stopped_at=instant(stopped),
                last_error=err,
                last_error_at=instant(err_at),
            )
        )
    return found


def on_air(reader: Reader, scope: Scope) -> dict[int, OnAirNow]:
    """What each station's log says is playing (the newest such row), by station id."""
    where, params = scope.sql("airings", "a")
    rows = reader.rows(
        "SELECT a.station_id, a.message_id, m.title, a.slot_code, a.started_at, a.id "
        f"FROM airings a JOIN messages m ON m.id = a.message_id WHERE a.status = ? AND {where} "
        "ORDER BY a.station_id, a.id",
        (AiringStatus.PLAYING.value, *params),
    )
    return {
        sid: OnAirNow(mid, title, slot, records.instant(started))
        for sid, mid, title, slot, started, _id in rows
    }


def latest_heartbeat(reader: Reader, scope: Scope) -> datetime | None:
    where, params = scope.sql("daemon_state", "d")
    rows = reader.rows(f"SELECT max(d.heartbeat_at) FROM daemon_state d WHERE {where}", params)
    return records.instant(rows[0][0]) if rows else None
