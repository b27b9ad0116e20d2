"""The reads of ``loa report``, in plain SQL on a ``reader.Reader`` (no SQLAlchemy on the
SQLite default): the as-run log of a period, its play-now requests, the messages they name,
and what the planner needs to say what was asked for.

A year of as-run rows (about 20,000 airings) is read in one query per table. Instants
are bound as aware datetimes (the reader stores them as SQLAlchemy does) and come back
as aware UTC (``records.instant``).

Columns other engineers are adding are read here, and only here, when the database has
them: ``airings.dead_air_s`` (seconds of dead air, from the dead-air guard) and
``messages.content_kind`` (``speech`` | ``recording`` | ``relay``). Without them dead air
is 0 and the kind is worked out from the message (a recording has an audio file).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from ..domain import AiringStatus, Message, MessageStatus
from . import queries, records
from .reader import Reader

DEAD_AIR_COLUMN = "dead_air_s"
CONTENT_KIND_COLUMN = "content_kind"


@dataclass(frozen=True)
class AiringRecord:
    """One row of the as-run log, as stored."""

    key: str
    message_id: int
    slot: str | None
    day: date | None  # the occurrence's station day; None for play-now
    scheduled_at: datetime | None
    started_at: datetime | None
    ended_at: datetime | None
    status: str
    blocks: tuple[str, ...]
    dead_air_s: float


@dataclass(frozen=True)
class PlayRequestRecord:
    id: int
    message_id: int
    blocks: tuple[str, ...]  # empty: the message's own blocks
    requested_by: str | None
    requested_at: datetime


@dataclass(frozen=True)
class MessageRecord:
    id: int
    title: str
    priority: int
    category: str | None
    source: str | None
    kind: str
    approved_by: str | None
    approved_at: datetime | None


def columns(reader: Reader, table: str) -> set[str]:
    """The column names of ``table``."""
    if reader.dialect == "sqlite":
        return {row[1] for row in reader.rows(f"PRAGMA table_info({table})")}
    rows = reader.rows(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = ? AND table_schema = current_schema()",
        (table,),
    )
    return {name for (name,) in rows}


def _codes(text: str | None) -> tuple[str, ...]:
    return tuple(c for c in (text or "").split(",") if c)


def airings_between(reader: Reader, start: datetime, end: datetime) -> list[AiringRecord]:
    """As-run rows scheduled in [start, end), claims not yet started left out."""
    dead_air = "a." + DEAD_AIR_COLUMN if DEAD_AIR_COLUMN in columns(reader, "airings") else "0"
    rows = reader.rows(
        "SELECT a.occurrence_key, a.message_id, a.slot_code, a.occurrence_date, "
        f"a.scheduled_at, a.started_at, a.ended_at, a.status, a.blocks, {dead_air} "
        "FROM airings a WHERE a.scheduled_at >= ? AND a.scheduled_at < ? AND a.status <> ? "
        "ORDER BY a.scheduled_at, a.id",
        (start, end, AiringStatus.CLAIMED.value),
    )
    instant, day = records.instant, records.day
    return [
        AiringRecord(
            key,
            mid,
            slot,
            day(on),
            instant(scheduled),
            instant(started),
            instant(ended),
            status,
            _codes(blocks),
            float(dead or 0),
        )
        for key, mid, slot, on, scheduled, started, ended, status, blocks, dead in rows
    ]


def play_requests_between(
    reader: Reader, start: datetime, end: datetime
) -> list[PlayRequestRecord]:
    """Play-now requests made in [start, end)."""
    rows = reader.rows(
        "SELECT id, message_id, blocks, requested_by, requested_at FROM play_requests "
        "WHERE requested_at >= ? AND requested_at < ? ORDER BY id",
        (start, end),
    )
    return [
        PlayRequestRecord(rid, mid, _codes(blocks), by, records.instant(at))
        for rid, mid, blocks, by, at in rows
    ]


def play_requests_by_id(reader: Reader, ids: set[int]) -> dict[int, PlayRequestRecord]:
    """Play-now requests by id (an airing just after midnight may answer one made before)."""
    if not ids:
        return {}
    marks = ", ".join("?" * len(ids))
    rows = reader.rows(
        "SELECT id, message_id, blocks, requested_by, requested_at FROM play_requests "
        f"WHERE id IN ({marks})",
        tuple(sorted(ids)),
    )
    return {
        rid: PlayRequestRecord(rid, mid, _codes(blocks), by, records.instant(at))
        for rid, mid, blocks, by, at in rows
    }


def message_records(reader: Reader, ids: set[int]) -> dict[int, MessageRecord]:
    """The messages ``ids``, whatever their status now."""
    if not ids:
        return {}
    has_kind = CONTENT_KIND_COLUMN in columns(reader, "messages")
    kind = f"m.{CONTENT_KIND_COLUMN}" if has_kind else "NULL"
    found: dict[int, MessageRecord] = {}
    ordered = sorted(ids)
    for at in range(0, len(ordered), 500):  # stay under every driver's parameter limit
        chunk = ordered[at : at + 500]
        rows = reader.rows(
            "SELECT m.id, m.title, m.priority, m.category, m.source, m.audio_path, "
            f"{kind}, m.approved_by, m.approved_at FROM messages m "
            f"WHERE m.id IN ({', '.join('?' * len(chunk))})",
            tuple(chunk),
        )
        for mid, title, priority, category, source, audio, stored, by, at_ in rows:
            found[mid] = MessageRecord(
                mid,
                title,
                priority,
                category,
                source,
                content_kind(stored, audio),
                by,
                records.instant(at_),
            )
    return found


def content_kind(stored: str | None, audio_path: str | None) -> str:
    """``speech`` | ``recording`` | ``relay``: the stored kind when the column exists."""
    if stored:
        return stored
    return "recording" if audio_path else "speech"


def planned_messages(reader: Reader, first: date, last: date) -> list[Message]:
    """Messages that were approved and whose validity meets [first, last]: approved ones,
    and those that expired since (the planner takes them as approved)."""
    return queries.messages_where(
        reader,
        "m.status IN (?, ?) AND m.approved_at IS NOT NULL "
        "AND (m.valid_from IS NULL OR m.valid_from <= ?) "
        "AND (m.valid_until IS NULL OR m.valid_until >= ?)",
        (MessageStatus.APPROVED.value, MessageStatus.EXPIRED.value, last, first),
    )


def durations(reader: Reader, ids: set[int]) -> dict[int, float]:
    """Seconds of the newest render of each message of ``ids`` that has one."""
    if not ids:
        return {}
    rows = reader.rows(
        "SELECT r.message_id, r.duration_s FROM renders r "
        "WHERE r.id IN (SELECT max(id) FROM renders GROUP BY message_id)"
    )
    return {mid: seconds for mid, seconds in rows if mid in ids}


def played_before(reader: Reader, start: datetime) -> dict[int, int]:
    """Played airings of each message scheduled before ``start`` (``max_airings``)."""
    rows = reader.rows(
        "SELECT message_id, count(*) FROM airings WHERE status = ? AND scheduled_at < ? "
        "GROUP BY message_id",
        (AiringStatus.PLAYED.value, start),
    )
    return dict(rows)


def blocks(reader: Reader) -> dict[str, str]:
    """Block code -> name."""
    return dict(reader.rows("SELECT code, name FROM blocks ORDER BY code"))
