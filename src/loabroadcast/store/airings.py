"""The as-run log, occurrence claims, daemon heartbeats and play-now requests.

All of one station (``station_id``): an occurrence key is unique within its station, a
daemon takes only its station's play-now requests and sees only its plan version."""

from __future__ import annotations

import json
import os
import re
import socket
from datetime import date, datetime, timedelta

from sqlalchemy import Engine, delete, event, exc, func, select, update

from ..domain import Airing, AiringStatus
from ..errors import Conflict, StoreError, first_line
from ..i18n import N_
from ..i18n.records import stored
from . import db, repo
from .models import (
    AiringRow,
    DaemonStateRow,
    JournalMarkRow,
    MessageRow,
    MessageVersionRow,
    PlanState,
    PlayRequestRow,
    StationRow,
)
from .scope import Scope
from .writeback import apply_entry

# A claim holds an occurrence; these statuses mean "done with, do not air again".
SETTLED = {
    AiringStatus.PLAYED,
    AiringStatus.FAILED,
    AiringStatus.INTERRUPTED,
    AiringStatus.MISSED,
}


@event.listens_for(AiringRow, "before_insert")
def _point_to_the_version(_mapper, connection, target: AiringRow) -> None:
    """Every as-run row points to the message version that airs (and a play-now's to its
    request), read in the transaction of its own insert: a claim, a missed item, a row
    written back later alike. A row given its version keeps it."""
    if target.message_version_id is None and target.message_id is not None:
        target.message_version_id = connection.scalar(
            select(MessageVersionRow.id)
            .join(MessageRow, MessageRow.id == MessageVersionRow.message_id)
            .where(MessageRow.id == target.message_id)
            .where(MessageVersionRow.number == MessageRow.approved_version)
        )
    if target.play_request_id is None:
        request = play_request_of(target.occurrence_key or "")
        if request is not None:
            target.play_request_id = connection.scalar(
                select(PlayRequestRow.id).where(PlayRequestRow.id == request)
            )


_PLAY_NOW = re.compile(r"(?:^|/)play-now/(\d+)/")


def play_request_of(key: str) -> int | None:
    """The play-now request an occurrence key names (``…play-now/ID/MESSAGE``), if any."""
    found = _PLAY_NOW.search(key)
    return int(found[1]) if found else None


def occurrence_key(slot: str, day: date, message_id: int, attempt: int = 0) -> str:
    """The identity of one airing of a message in a slot occurrence (``/rN``: its N-th
    re-airing after a pre-emption). Unique within its station (the row's ``station_id``)."""
    base = f"{slot}/{day.isoformat()}/{message_id}"
    return base if attempt == 0 else f"{base}/r{attempt}"


def occurrence_prefix(slot: str, day: date) -> str:
    return f"{slot}/{day.isoformat()}/"


def play_now_key(request_id: int, message_id: int) -> str:
    return f"play-now/{request_id}/{message_id}"


class AsRun:
    """Writes of the daemon to the store; each method is one short transaction.
    ``station`` is the display name written beside the rows of station ``station_id``."""

    def __init__(self, engine: Engine, station: str, instance: str, *, station_id: int):
        self.engine = engine
        self.station = station
        self.instance = instance
        self.station_id = station_id
        self.scope = Scope.of(station_id)

    # claims ------------------------------------------------------------------

    def claim(self, key: str, **fields) -> int | None:
        """Insert the claim row for ``key``; None when somebody holds or settled it."""
        try:
            with db.write_session(self.engine) as s:
                if s.scalar(
                    select(AiringRow.id).where(
                        self.scope.orm(AiringRow), AiringRow.occurrence_key == key
                    )
                ):
                    return None
                row = AiringRow(
                    station_id=self.station_id,
                    occurrence_key=key,
                    station=self.station,
                    status=AiringStatus.CLAIMED.value,
                    claimed_by=self.instance,
                    created_at=fields.pop("now"),
                    **fields,
                )
                s.add(row)
                s.flush()
                return row.id
        except Conflict:  # a concurrent daemon inserted the same key first
            return None

    def log_missed(self, key: str, now: datetime, **fields) -> bool:
        rid = self.claim(key, now=now, **fields)
        if rid is None:
            return False
        self.update(
            rid, status=AiringStatus.MISSED, error=stored(N_("the daemon was not running in time"))
        )
        return True

    def update(self, airing_id: int, **values) -> None:
        if "status" in values:
            values["status"] = AiringStatus(values["status"]).value
        with db.write_session(self.engine) as s:
            s.execute(update(AiringRow).where(AiringRow.id == airing_id).values(**values))

    def release(self, airing_id: int) -> None:
        """Drop a claim that never started (the item left the plan)."""
        with db.write_session(self.engine) as s:
            s.execute(
                delete(AiringRow)
                .where(AiringRow.id == airing_id)
                .where(AiringRow.status == AiringStatus.CLAIMED.value)
            )

    def rows_for(self, keys_prefix: str) -> list[AiringRow]:
        """Rows whose key starts with ``keys_prefix`` (an occurrence's ``…/slot/date/``)."""
        with db.read_session(self.engine) as s:
            return list(
                s.scalars(
                    select(AiringRow)
                    .where(self.scope.orm(AiringRow))
                    .where(AiringRow.occurrence_key.startswith(keys_prefix, autoescape=True))
                    .order_by(AiringRow.id)
                )
            )

    def attempts(self, key: str) -> list[AiringRow]:
        """The claim of ``key`` and its re-airings after pre-emption, oldest first."""
        with db.read_session(self.engine) as s:
            return list(
                s.scalars(
                    select(AiringRow)
                    .where(self.scope.orm(AiringRow))
                    .where(
                        (AiringRow.occurrence_key == key)
                        | AiringRow.occurrence_key.startswith(key + "/r", autoescape=True)
                    )
                    .order_by(AiringRow.id)
                )
            )

    def recover(self, now: datetime, stale_after: timedelta) -> tuple[int, int]:
        """After a crash: items left ``playing`` become ``interrupted``; claims that never
        started are released so they may still air inside the grace window.

        Only rows of daemons that are gone (this instance excluded, heartbeat stale or
        never written) are touched. Returns (interrupted, released).
        """
        with db.write_session(self.engine) as s:
            alive = {
                instance
                for instance in s.scalars(
                    select(DaemonStateRow.instance)
                    .where(self.scope.orm(DaemonStateRow))
                    .where(DaemonStateRow.heartbeat_at >= now - stale_after)
                    .where(DaemonStateRow.stopped_at.is_(None))
                )
                if not _dead_here(instance)
            }
            alive.add(self.instance)
            open_rows = s.scalars(
                select(AiringRow).where(
                    self.scope.orm(AiringRow),
                    AiringRow.status.in_([AiringStatus.PLAYING.value, AiringStatus.CLAIMED.value]),
                )
            ).all()
            interrupted = released = 0
            for row in open_rows:
                if row.claimed_by in alive:
                    continue
                if row.status == AiringStatus.PLAYING.value:
                    row.status = AiringStatus.INTERRUPTED.value
                    row.ended_at = row.ended_at or row.started_at
                    row.error = stored(
                        N_("the daemon stopped during this item (crash or power loss)")
                    )
                    interrupted += 1
                else:
                    s.delete(row)
                    released += 1
            return interrupted, released

    # the journal ------------------------------------------------------------------

    def journal_mark(self, journal: str) -> int:
        """How far ``journal`` has been written in (0: never)."""
        with db.read_session(self.engine) as s:
            query = select(JournalMarkRow.seq).where(JournalMarkRow.journal == journal)
            return s.scalar(query) or 0

    def apply(self, journal: str, entry) -> str | None:
        """Apply one journal line in one transaction that also moves the journal's mark:
        a line already applied changes nothing (exactly once). Returns a claim's verdict."""
        try:
            return apply_entry(self.engine, self.station_id, journal, entry)
        except Conflict:
            if entry.op != "claim":
                raise
            # another daemon inserted it first: TAKEN
            return apply_entry(self.engine, self.station_id, journal, entry)

    def known_states(self, keys_prefix: str) -> dict[str, tuple[str, str | None]]:
        """key -> (status, claimed by) of the rows under ``keys_prefix``."""
        return {r.occurrence_key: (r.status, r.claimed_by) for r in self.rows_for(keys_prefix)}

    # heartbeat -----------------------------------------------------------------

    def heartbeat(self, now: datetime, **fields) -> None:
        with db.write_session(self.engine) as s:
            row = s.get(DaemonStateRow, self.instance)
            if row is None:
                row = DaemonStateRow(
                    instance=self.instance,
                    station_id=self.station_id,
                    station=self.station,
                    started_at=now,
                )
                s.add(row)
            row.heartbeat_at = now
            for name, value in fields.items():
                if name == "now_playing" and value is not None and not isinstance(value, str):
                    value = json.dumps(value, ensure_ascii=False, default=str)
                setattr(row, name, value)

    def last_heartbeat(self) -> datetime | None:
        """The newest heartbeat of any other daemon of this station."""
        with db.read_session(self.engine) as s:
            return s.scalar(
                select(DaemonStateRow.heartbeat_at)
                .where(self.scope.orm(DaemonStateRow))
                .where(DaemonStateRow.instance != self.instance)
                .order_by(DaemonStateRow.heartbeat_at.desc())
                .limit(1)
            )

    # play-now ------------------------------------------------------------------

    def take_play_request(self, now: datetime) -> PlayRequestRow | None:
        with db.write_session(self.engine) as s:
            row = s.scalar(
                select(PlayRequestRow)
                .where(self.scope.orm(PlayRequestRow))
                .where(PlayRequestRow.status == "pending")
                .order_by(PlayRequestRow.id)
                .limit(1)
                .with_for_update(skip_locked=True)
            )
            if row is None:
                return None
            row.status = "playing"
            row.picked_by = self.instance
            row.picked_at = now
            return row

    def poll_state(self) -> tuple[int, bool]:
        """(plan_version, whether a play-now request waits): one statement, no ORM session,
        as cheap as a read can be (the daemon asks twice a second)."""
        pending = (
            select(PlayRequestRow.id)
            .where(self.scope.orm(PlayRequestRow), PlayRequestRow.status == "pending")
            .exists()
        )
        query = select(PlanState.version, pending).where(self.scope.orm(PlanState))
        try:
            with self.engine.connect() as conn:
                version, waiting = conn.execute(query).one()
        except exc.OperationalError as err:
            raise StoreError(f"database error: {first_line(err.orig or err)}") from err
        return version, bool(waiting)

    def finish_play_request(self, request_id: int, status: str, now: datetime) -> None:
        with db.write_session(self.engine) as s:
            s.execute(
                update(PlayRequestRow)
                .where(PlayRequestRow.id == request_id)
                .values(status=status, done_at=now)
            )


def instance_name(pid: int, started: datetime) -> str:
    return f"{socket.gethostname()}:{pid}:{started:%Y%m%dT%H%M%S}"


def _dead_here(instance: str) -> bool:
    """True for a daemon of this host whose process is gone (killed, crashed)."""
    host, _, rest = instance.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def airings_on(engine: Engine, scope: Scope, day: date | None, tz, *where) -> list[Airing]:
    """The as-run log of the stations of ``scope`` for a station day (local), oldest
    first; all days when ``day`` is None; only rows matching ``where`` when given. Each with
    the version that aired (number, who made and approved it), who ordered a play-now, and
    the station's code."""
    with db.read_session(engine) as s:
        query = (
            select(
                AiringRow,
                MessageRow.title,
                MessageVersionRow,
                PlayRequestRow.requested_by,
                StationRow.code,
            )
            .join(MessageRow, MessageRow.id == AiringRow.message_id)
            .join(StationRow, StationRow.id == AiringRow.station_id)
            .outerjoin(MessageVersionRow, MessageVersionRow.id == AiringRow.message_version_id)
            .outerjoin(PlayRequestRow, PlayRequestRow.id == AiringRow.play_request_id)
            .where(scope.orm(AiringRow), *where)
            .order_by(func.coalesce(AiringRow.started_at, AiringRow.scheduled_at), AiringRow.id)
        )
        if day is not None:
            start = datetime.combine(day, datetime.min.time(), tzinfo=tz)
            query = query.where(AiringRow.scheduled_at >= start).where(
                AiringRow.scheduled_at < start + timedelta(days=1)
            )
        return [repo.to_airing(*found) for found in s.execute(query)]


def daemon_rows(engine: Engine, scope: Scope) -> list[DaemonStateRow]:
    with db.read_session(engine) as s:
        return list(
            s.scalars(
                select(DaemonStateRow)
                .where(scope.orm(DaemonStateRow))
                .order_by(DaemonStateRow.heartbeat_at.desc())
            )
        )
