"""The local journal's lines written into the as-run tables, exactly once.

Each line (a claim, a missed item, a release, an update with its dead-air events) is
applied in one transaction that also moves the journal's mark in ``journal_marks``: a line
applied before is a no-op. Called by :meth:`loabroadcast.store.airings.AsRun.apply`."""

from __future__ import annotations

import hashlib
from datetime import date, datetime

from sqlalchemy import Engine, delete, select, update

from ..domain import AiringStatus
from ..i18n import N_
from ..i18n.records import stored
from . import db
from .journal import OURS, TAKEN
from .models import AiringRow, DeadAirRow, JournalMarkRow, MessageVersionRow, PlayRequestRow

_INSTANTS = ("scheduled_at", "started_at", "ended_at", "created_at", "now", "at")


def duplicate_key(key: str, instance: str) -> str:
    """Where a daemon logs an airing it made while the store could not tell it that another
    daemon held ``key`` (both aired: the log says so)."""
    return f"{key}/dup-{hashlib.sha1(instance.encode()).hexdigest()[:8]}"


def apply_entry(engine: Engine, station_id: int, journal: str, entry) -> str | None:
    """Apply one journal line of station ``station_id`` and move the journal's mark, in
    one transaction (see :meth:`AsRun.apply <loabroadcast.store.airings.AsRun.apply>`)."""
    data = _parsed(entry.data)
    with db.write_session(engine) as s:
        moved = s.execute(
            update(JournalMarkRow)
            .where(JournalMarkRow.journal == journal)
            .where(JournalMarkRow.seq < entry.seq)
            .values(seq=entry.seq, applied_at=data.get("at"))
        ).rowcount
        if not moved:
            if s.get(JournalMarkRow, journal) is not None:  # applied before a restart
                return _verdict(s, data, station_id) if entry.op == "claim" else None
            s.add(JournalMarkRow(journal=journal, seq=entry.seq, applied_at=data.get("at")))
        data["station_id"] = station_id  # the journal is this station folder's
        if entry.op == "claim":
            return _apply_claim(s, data)
        if entry.op == "missed":
            _apply_missed(s, data)
        elif entry.op == "release":
            s.execute(
                delete(AiringRow)
                .where(AiringRow.station_id == station_id)
                .where(AiringRow.occurrence_key == data["key"])
                .where(AiringRow.claimed_by == data["instance"])
                .where(AiringRow.status == AiringStatus.CLAIMED.value)
            )
        elif entry.op == "update":
            _apply_update(s, data)
        return OURS if entry.op == "claim" else None


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


def _new_row(s, data: dict, status: AiringStatus, **extra) -> AiringRow:
    """The as-run row a claim or a missed line of the journal adds."""
    return AiringRow(
        station_id=data["station_id"],
        occurrence_key=data["key"],
        station=data.get("station") or "",
        status=status.value,
        claimed_by=data["instance"],
        created_at=data["now"],
        **extra,
        **_columns(s, data),
    )


def _apply_claim(s, data: dict) -> str:
    owner = s.execute(
        select(AiringRow.claimed_by).where(_held(data["station_id"], data["key"]))
    ).first()
    if owner is not None:
        return OURS if owner[0] == data["instance"] else TAKEN
    s.add(_new_row(s, data, AiringStatus.CLAIMED))
    s.flush()  # a concurrent claim of another daemon fails here (unique key): TAKEN
    return OURS


def _apply_missed(s, data: dict) -> None:
    if s.scalar(select(AiringRow.id).where(_held(data["station_id"], data["key"]))):
        return
    s.add(_new_row(s, data, AiringStatus.MISSED, error=data.get("error")))


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
