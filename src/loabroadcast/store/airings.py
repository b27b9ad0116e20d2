"""The as-run log, occurrence claims, daemon heartbeats and play-now requests.

All of one station (``station_id``): an occurrence key is unique within its station, a
daemon takes only its station's play-now requests and sees only its plan version."""

from __future__ import annotations

import hashlib
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
    DeadAirRow,
    JournalMarkRow,
    MessageRow,
    MessageVersionRow,
    PlanState,
    PlayRequestRow,
    StationRow,
)
from .scope import Scope

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


def duplicate_key(key: str, instance: str) -> str:
    """Where a daemon logs an airing it made while the store could not tell it that another
    daemon held ``key`` (both aired: the log says so)."""
    return f"{key}/dup-{hashlib.sha1(instance.encode()).hexdigest()[:8]}"


_INSTANTS = ("scheduled_at", "started_at", "ended_at", "created_at", "now", "at")


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
            return self._apply(journal, entry)
        except Conflict:
            if entry.op != "claim":
                raise
            return self._apply(journal, entry)  # another daemon inserted it first: TAKEN

    def _apply(self, journal: str, entry) -> str | None:
        from .journal import OURS

        data = _parsed(entry.data)
        with db.write_session(self.engine) as s:
            moved = s.execute(
                update(JournalMarkRow)
                .where(JournalMarkRow.journal == journal)
                .where(JournalMarkRow.seq < entry.seq)
                .values(seq=entry.seq, applied_at=data.get("at"))
            ).rowcount
            if not moved:
                if s.get(JournalMarkRow, journal) is not None:  # applied before a restart
                    return _verdict(s, data, self.station_id) if entry.op == "claim" else None
                s.add(JournalMarkRow(journal=journal, seq=entry.seq, applied_at=data.get("at")))
            data["station_id"] = self.station_id  # the journal is this station folder's
            if entry.op == "claim":
                return _apply_claim(s, data)
            if entry.op == "missed":
                _apply_missed(s, data)
            elif entry.op == "release":
                s.execute(
                    delete(AiringRow)
                    .where(AiringRow.station_id == self.station_id)
                    .where(AiringRow.occurrence_key == data["key"])
                    .where(AiringRow.claimed_by == data["instance"])
                    .where(AiringRow.status == AiringStatus.CLAIMED.value)
                )
            elif entry.op == "update":
                _apply_update(s, data)
            return OURS if entry.op == "claim" else None

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


def _parsed(data: dict) -> dict:
    """Journal values (JSON) back to Python: instants, dates."""
    out = dict(data)
    for name in _INSTANTS:
        if isinstance(out.get(name), str):
            out[name] = datetime.fromisoformat(out[name])
    if isinstance(out.get("occurrence_date"), str):
        out["occurrence_date"] = date.fromisoformat(out["occurrence_date"])
    values = out.get("values")
    if isinstance(values, dict):
        out["values"] = {
            k: datetime.fromisoformat(v) if k in _INSTANTS and isinstance(v, str) else v
            for k, v in values.items()
        }
    return out


def _held(station_id: int, key: str):
    """The as-run row of ``key`` at station ``station_id`` (keys are unique per station)."""
    return (AiringRow.station_id == station_id) & (AiringRow.occurrence_key == key)


def _verdict(s, data: dict, station_id: int) -> str:
    from .journal import OURS, TAKEN

    owner = s.scalar(select(AiringRow.claimed_by).where(_held(station_id, data["key"])))
    return OURS if owner == data["instance"] else TAKEN


# the version and the play-now request are the ones the player read when it claimed (the
# insert listener fills them in only when the journal line has none)
_CLAIM_FIELDS = (
    "message_id",
    "slot_code",
    "occurrence_date",
    "scheduled_at",
    "blocks",
    "message_version_id",
    "play_request_id",
)


_LINKS = {"message_version_id": MessageVersionRow, "play_request_id": PlayRequestRow}


def _columns(s, data: dict) -> dict:
    """The claim's columns of a journal line; a version or request it names that the
    database does not hold (a restored backup) is left to the insert listener rather than
    stopping the journal at a foreign key."""
    columns = {k: data.get(k) for k in _CLAIM_FIELDS}
    return columns | dict.fromkeys(_unknown_links(s, columns))


def _unknown_links(s, values: dict) -> list[str]:
    """The links of ``values`` to rows the database does not hold."""
    return [
        name
        for name, row in _LINKS.items()
        if values.get(name) is not None and s.get(row, values[name]) is None
    ]


def _apply_claim(s, data: dict) -> str:
    from .journal import OURS, TAKEN

    owner = s.execute(
        select(AiringRow.claimed_by).where(_held(data["station_id"], data["key"]))
    ).first()
    if owner is not None:
        return OURS if owner[0] == data["instance"] else TAKEN
    s.add(
        AiringRow(
            station_id=data["station_id"],
            occurrence_key=data["key"],
            station=data.get("station") or "",
            status=AiringStatus.CLAIMED.value,
            claimed_by=data["instance"],
            created_at=data["now"],
            **_columns(s, data),
        )
    )
    s.flush()  # a concurrent claim of another daemon fails here (unique key): TAKEN
    return OURS


def _apply_missed(s, data: dict) -> None:
    if s.scalar(select(AiringRow.id).where(_held(data["station_id"], data["key"]))):
        return
    s.add(
        AiringRow(
            station_id=data["station_id"],
            occurrence_key=data["key"],
            station=data.get("station") or "",
            status=AiringStatus.MISSED.value,
            claimed_by=data["instance"],
            created_at=data["now"],
            error=data.get("error"),
            **_columns(s, data),
        )
    )


def _apply_update(s, data: dict) -> None:
    values = dict(data["values"])
    events = values.pop("dead_air", None) or []  # the dead-air guard's events: their rows
    if "status" in values:
        values["status"] = AiringStatus(values["status"]).value
    for name in _unknown_links(s, values):
        del values[name]
    key, instance, station_id = data["key"], data["instance"], data["station_id"]
    alternative = duplicate_key(key, instance)
    changed = s.execute(
        update(AiringRow)
        .where(AiringRow.station_id == station_id)
        .where(AiringRow.occurrence_key.in_([key, alternative]))
        .where(AiringRow.claimed_by == instance)
        .values(**values)
    ).rowcount
    if changed or not data.get("claim"):
        if changed:
            _add_dead_air(s, [key, alternative], instance, events)
        return
    # Aired while the store could not answer, and another daemon had the claim: both
    # aired. Log ours beside theirs, saying so.
    claim = data["claim"]
    other = s.scalar(select(AiringRow.claimed_by).where(_held(station_id, key)))
    note = stored(
        N_("aired while the store was unreachable; {key} was also claimed by {other}"),
        key=key,
        other=other,
    )
    values["error"] = values.get("error") or note
    s.add(
        AiringRow(
            station_id=station_id,
            occurrence_key=alternative,
            station=claim.get("station") or "",
            claimed_by=instance,
            created_at=_parsed(claim)["now"],
            **(_columns(s, _parsed(claim)) | {"status": AiringStatus.PLAYING.value} | values),
        )
    )
    s.flush()
    _add_dead_air(s, [alternative], instance, events)


def _add_dead_air(s, keys: list[str], instance: str, events: list) -> None:
    """One ``dead_air`` row per event (``started_at`` ISO 8601, ``length_s``) of the airing
    ``keys`` names; written with the update that carries them, so exactly once."""
    if not events:
        return
    airing_id = s.scalar(
        select(AiringRow.id)
        .where(AiringRow.occurrence_key.in_(keys))
        .where(AiringRow.claimed_by == instance)
    )
    if airing_id is None:
        return
    for one in events:
        s.add(
            DeadAirRow(
                airing_id=airing_id,
                started_at=datetime.fromisoformat(one["started_at"]),
                length_s=float(one["length_s"]),
            )
        )
