"""The reads people wait on, in plain SQL for SQLite and PostgreSQL (see ``reader``).

Message listings and the planner's input: each is a handful of set queries (no query
per message), and the planner's input holds only the approved versions of the messages
that air, valid on the asked days, with only their renders and airings.
"""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

from ..domain import AiringStatus, Message, MessageStatus, Priority, Slot
from ..domain.calendar import CalendarEntry, DayOff, ExtraSession
from ..domain.versions import MessageVersion
from . import records
from .reader import Reader

OFF, EXTRA = "off", "extra"  # calendar_entries.kind
_MESSAGE_COLUMNS = ", ".join(f"m.{f}" for f in records.MESSAGE_FIELDS)
_VERSION_COLUMNS = ", ".join(f"v.{f}" for f in records.VERSION_FIELDS)
# A message and the version of it that airs: approved, or edited since (a draft waiting
# for approval: the approved version airs on).
_AIRING = (
    "FROM messages m JOIN message_versions v "
    "ON v.message_id = m.id AND v.number = m.approved_version"
)
_AIRING_STATUSES = (MessageStatus.APPROVED.value, MessageStatus.DRAFT.value)


class _Where(NamedTuple):
    """A condition on messages ``m`` and its parameters."""

    sql: str = "1 = 1"
    params: tuple[Any, ...] = ()


def schema_revision(reader: Reader) -> str | None:
    """The Alembic revision of the database; None when it was never initialised."""
    if not reader.has_table("alembic_version"):
        return None
    rows = reader.rows("SELECT version_num FROM alembic_version")
    return rows[0][0] if rows else None


def block_codes(reader: Reader) -> tuple[str, ...]:
    return tuple(code for (code,) in reader.rows("SELECT code FROM blocks ORDER BY code"))


_SLOT_COLUMNS = 'code, name, start, "end", weekdays, on_day'


def slots(reader: Reader) -> list[Slot]:
    """Every slot, one-off sessions too, in time of day order."""
    rows = reader.rows(f"SELECT {_SLOT_COLUMNS} FROM slots ORDER BY start, code")
    return [records.slot(*r) for r in rows]


def slots_between(reader: Reader, first: date, last: date) -> list[Slot]:
    """The daily slots and the one-off sessions of the days [first, last]."""
    rows = reader.rows(
        f"SELECT {_SLOT_COLUMNS} FROM slots "
        "WHERE on_day IS NULL OR (on_day >= ? AND on_day <= ?) ORDER BY start, code",
        (first, last),
    )
    return [records.slot(*r) for r in rows]


def day_offs(reader: Reader, first: date, last: date) -> list[DayOff]:
    """The quiet ranges that meet the days [first, last], earliest first."""
    rows = reader.rows(
        "SELECT id, first_day, last_day, slots, reason FROM calendar_entries "
        "WHERE kind = ? AND first_day <= ? AND last_day >= ? ORDER BY first_day, id",
        (OFF, last, first),
    )
    return [records.day_off(*r) for r in rows]


def calendar_entries(reader: Reader, first: date, last: date | None) -> list[CalendarEntry]:
    """Quiet ranges and one-off sessions that meet [first, last] (``last`` None: no end),
    by first day."""
    until = "AND e.first_day <= ? " if last is not None else ""
    rows = reader.rows(
        "SELECT e.id, e.kind, e.first_day, e.last_day, e.slots, e.reason, "
        f's.code, s.name, s.start, s."end", s.weekdays, s.on_day '
        "FROM calendar_entries e LEFT JOIN slots s ON s.id = e.slot_id "
        f"WHERE e.last_day >= ? {until}ORDER BY e.first_day, e.id",
        (first, last) if last is not None else (first,),
    )
    entries: list[CalendarEntry] = []
    for id_, kind, first_day, last_day, codes, reason, *slot in rows:
        if kind == EXTRA:
            entries.append(ExtraSession(id_, records.slot(*slot)))
        else:
            entries.append(records.day_off(id_, first_day, last_day, codes, reason))
    return entries


def message_summaries(reader: Reader, status: str | None = None) -> list[tuple]:
    """(id, status, priority label, title, blocks, slots, from, until) of each message,
    oldest first; blocks and slots as comma-joined codes, "all" for every block."""
    where = _by_status(status)
    rows = reader.rows(
        "SELECT m.id, m.status, m.priority, m.title, m.all_blocks, m.valid_from, m.valid_until "
        f"FROM messages m WHERE {where.sql} ORDER BY m.id",
        where.params,
    )
    blocks, slot_codes = _codes(reader, where)
    label = {p.value: p.label for p in Priority}
    day = records.day
    return [
        (
            mid,
            st,
            label[pr],
            title,
            "all" if every else ",".join(blocks.get(mid, ())),
            ",".join(slot_codes.get(mid, ())),
            day(vf),
            day(vu),
        )
        for mid, st, pr, title, every, vf, vu in rows
    ]


def messages(reader: Reader, status: str | None = None) -> list[Message]:
    """Messages (of ``status``) in full, oldest first."""
    return _messages(reader, _by_status(status))


def approved_between(reader: Reader, first: date, last: date) -> list[Message]:
    """What the planner may place: the approved version of each message that airs one
    (approved, or edited since and waiting for approval), valid on a day of [first, last].
    A message edited after approval is planned as it was approved."""
    where = _approved_between(first, last)
    rows = reader.rows(
        f"SELECT {_VERSION_COLUMNS}, m.approved_version {_AIRING} WHERE {where.sql} ORDER BY m.id",
        where.params,
    )
    return _version_messages(reader, rows)


def approved_messages(reader: Reader) -> list[Message]:
    """The approved version of every message that airs one, whatever its dates."""
    rows = reader.rows(
        f"SELECT {_VERSION_COLUMNS}, m.approved_version {_AIRING} WHERE m.status IN (?, ?) "
        "ORDER BY m.id",
        _AIRING_STATUSES,
    )
    return _version_messages(reader, rows)


def approved_message(reader: Reader, message_id: int) -> Message | None:
    """The version of ``message_id`` that airs, None when none does."""
    rows = reader.rows(
        f"SELECT {_VERSION_COLUMNS}, m.approved_version {_AIRING} "
        "WHERE m.status IN (?, ?) AND m.id = ?",
        (*_AIRING_STATUSES, message_id),
    )
    found = _version_messages(reader, rows)
    return found[0] if found else None


def versions(reader: Reader, message_id: int) -> list[MessageVersion]:
    """Every version of a message, oldest first."""
    rows = reader.rows(
        f"SELECT {_VERSION_COLUMNS}, m.approved_version FROM message_versions v "
        "JOIN messages m ON m.id = v.message_id WHERE v.message_id = ? ORDER BY v.number",
        (message_id,),
    )
    fields = records.VERSION_FIELDS
    return [records.version(dict(zip(fields, r, strict=False)), r[-1]) for r in rows]


def messages_where(reader: Reader, sql: str, params: tuple[Any, ...] = ()) -> list[Message]:
    """Messages in full that a condition on ``m`` picks (with its parameters), oldest first."""
    return _messages(reader, _Where(sql, tuple(params)))


def rendered_durations(reader: Reader, first: date, last: date) -> dict[int, float]:
    """Seconds of the newest render of the version that airs, of each message
    ``approved_between`` the days."""
    where = _approved_between(first, last)
    rows = reader.rows(
        "SELECT r.message_id, r.duration_s FROM renders r WHERE r.id IN ("
        f"SELECT max(r2.id) FROM renders r2 JOIN messages m ON m.id = r2.message_id "
        "JOIN message_versions v ON v.message_id = m.id AND v.number = m.approved_version "
        f"WHERE r2.version = m.approved_version AND {where.sql} GROUP BY r2.message_id)",
        where.params,
    )
    return dict(rows)


def played_counts(reader: Reader, first: date, last: date) -> dict[int, int]:
    """Played airings so far of each message ``approved_between`` the days (all its
    versions count)."""
    where = _approved_between(first, last)
    rows = reader.rows(
        "SELECT a.message_id, count(*) FROM airings a WHERE a.status = ? "
        f"AND a.message_id IN (SELECT m.id {_AIRING} WHERE {where.sql}) "
        "GROUP BY a.message_id",
        (AiringStatus.PLAYED.value, *where.params),
    )
    return dict(rows)


def _by_status(status: str | None) -> _Where:
    return _Where("m.status = ?", (status,)) if status else _Where()


def _approved_between(first: date, last: date) -> _Where:
    """Messages ``m`` whose approved version ``v`` (see ``_AIRING``) may air in the days."""
    return _Where(
        "m.status IN (?, ?) AND (v.valid_from IS NULL OR v.valid_from <= ?) "
        "AND (v.valid_until IS NULL OR v.valid_until >= ?)",
        (*_AIRING_STATUSES, last, first),
    )


def _version_messages(reader: Reader, rows: list[tuple]) -> list[Message]:
    """Messages as the versions in ``rows`` (``_VERSION_COLUMNS``, then the message's
    approved version number) say them."""
    fields = records.VERSION_FIELDS
    found = [records.version(dict(zip(fields, r, strict=False)), r[-1]) for r in rows]
    every = block_codes(reader) if any(v.all_blocks for v in found) else ()
    return [records.version_message(v, every) for v in found]


def _messages(reader: Reader, where: _Where) -> list[Message]:
    rows = reader.rows(
        f"SELECT {_MESSAGE_COLUMNS}, m.all_blocks FROM messages m WHERE {where.sql} ORDER BY m.id",
        where.params,
    )
    blocks, slot_codes = _codes(reader, where)
    every = block_codes(reader) if any(r[-1] for r in rows) else ()
    fields = records.MESSAGE_FIELDS
    return [
        records.message(
            dict(zip(fields, r, strict=False)),
            every if r[-1] else tuple(blocks.get(r[0], ())),
            tuple(slot_codes.get(r[0], ())),
        )
        for r in rows
    ]


def _codes(reader: Reader, where: _Where) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """Block codes (by code) and slot codes (by start) of the messages ``where`` picks."""
    blocks = reader.rows(
        "SELECT mb.message_id, b.code FROM message_blocks mb "
        "JOIN blocks b ON b.id = mb.block_id JOIN messages m ON m.id = mb.message_id "
        f"WHERE {where.sql} ORDER BY b.code",
        where.params,
    )
    slot_codes = reader.rows(
        "SELECT ms.message_id, s.code FROM message_slots ms "
        "JOIN slots s ON s.id = ms.slot_id JOIN messages m ON m.id = ms.message_id "
        f"WHERE {where.sql} ORDER BY s.start",
        where.params,
    )
    return _grouped(blocks), _grouped(slot_codes)


def _grouped(pairs: list[tuple]) -> dict[int, list[str]]:
    grouped: dict[int, list[str]] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    return grouped
