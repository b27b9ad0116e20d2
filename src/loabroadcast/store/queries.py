"""The reads people wait on, in plain SQL for SQLite and PostgreSQL (see ``reader``).

Message listings and the planner's input: each is a handful of set queries (no query
per message), and the planner's input holds only the approved versions of the messages
that air, valid on the asked days, with only their renders and airings.

Every query is of one station's rows (``scope``, see ``store.scope``): its blocks and
slots, the messages sent to it (their blocks and slots are its own of those codes), its
renders and its as-run log.
"""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

from ..domain import AiringStatus, Message, MessageStatus, Priority, Slot
from ..domain.calendar import CalendarEntry, DayOff, ExtraSession
from ..domain.versions import MessageVersion
from . import records
from .reader import Reader
from .scope import Scope

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

    def __and__(self, other: _Where) -> _Where:  # type: ignore[override]
        return _Where(f"({self.sql}) AND ({other.sql})", (*self.params, *other.params))


def schema_revision(reader: Reader) -> str | None:
    """The Alembic revision of the database; None when it was never initialised."""
    if not reader.has_table("alembic_version"):
        return None
    rows = reader.rows("SELECT version_num FROM alembic_version")
    return rows[0][0] if rows else None


def block_codes(reader: Reader, scope: Scope) -> tuple[str, ...]:
    where, params = scope.sql("blocks", "b")
    rows = reader.rows(f"SELECT b.code FROM blocks b WHERE {where} ORDER BY b.code", params)
    return tuple(code for (code,) in rows)


_SLOT_COLUMNS = 'code, name, start, "end", weekdays, on_day'


def slots(reader: Reader, scope: Scope) -> list[Slot]:
    """Every slot, one-off sessions too, in time of day order."""
    where, params = scope.sql("slots")
    rows = reader.rows(
        f"SELECT {_SLOT_COLUMNS} FROM slots WHERE {where} ORDER BY start, code", params
    )
    return [records.slot(*r) for r in rows]


def slots_between(reader: Reader, scope: Scope, first: date, last: date) -> list[Slot]:
    """The daily slots and the one-off sessions of the days [first, last]."""
    where, params = scope.sql("slots")
    rows = reader.rows(
        f"SELECT {_SLOT_COLUMNS} FROM slots WHERE {where} "
        "AND (on_day IS NULL OR (on_day >= ? AND on_day <= ?)) ORDER BY start, code",
        (*params, first, last),
    )
    return [records.slot(*r) for r in rows]


def day_offs(reader: Reader, scope: Scope, first: date, last: date) -> list[DayOff]:
    """The quiet ranges that meet the days [first, last], earliest first."""
    where, params = scope.sql("calendar_entries")
    rows = reader.rows(
        "SELECT id, first_day, last_day, slots, reason FROM calendar_entries "
        f"WHERE {where} AND kind = ? AND first_day <= ? AND last_day >= ? ORDER BY first_day, id",
        (*params, OFF, last, first),
    )
    return [records.day_off(*r) for r in rows]


def calendar_entries(
    reader: Reader, scope: Scope, first: date, last: date | None
) -> list[CalendarEntry]:
    """Quiet ranges and one-off sessions that meet [first, last] (``last`` None: no end),
    by first day."""
    until = "AND e.first_day <= ? " if last is not None else ""
    where, params = scope.sql("calendar_entries", "e")
    rows = reader.rows(
        "SELECT e.id, e.kind, e.first_day, e.last_day, e.slots, e.reason, "
        f's.code, s.name, s.start, s."end", s.weekdays, s.on_day '
        "FROM calendar_entries e LEFT JOIN slots s ON s.id = e.slot_id "
        f"WHERE {where} AND e.last_day >= ? {until}ORDER BY e.first_day, e.id",
        (*params, first, last) if last is not None else (*params, first),
    )
    entries: list[CalendarEntry] = []
    for id_, kind, first_day, last_day, codes, reason, *slot in rows:
        if kind == EXTRA:
            entries.append(ExtraSession(id_, records.slot(*slot)))
        else:
            entries.append(records.day_off(id_, first_day, last_day, codes, reason))
    return entries


def message_summaries(reader: Reader, scope: Scope, status: str | None = None) -> list[tuple]:
    """(id, status, priority label, title, blocks, slots, from, until) of each message,
    oldest first; blocks and slots as comma-joined codes, "all" for every block."""
    where = _seen(scope) & _by_status(status)
    rows = reader.rows(
        "SELECT m.id, m.status, m.priority, m.title, m.all_blocks, m.valid_from, m.valid_until "
        f"FROM messages m WHERE {where.sql} ORDER BY m.id",
        where.params,
    )
    blocks, slot_codes = _codes(reader, scope, where)
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


def messages(reader: Reader, scope: Scope, status: str | None = None) -> list[Message]:
    """Messages (of ``status``) sent to the station or written there, in full, oldest
    first."""
    return _messages(reader, scope, _seen(scope) & _by_status(status))


def approved_between(reader: Reader, scope: Scope, first: date, last: date) -> list[Message]:
    """What the planner may place: the approved version of each message that airs one
    (approved, or edited since and waiting for approval), valid on a day of [first, last].
    A message edited after approval is planned as it was approved."""
    where = _sent(scope) & _approved_between(first, last)
    rows = reader.rows(
        f"SELECT {_VERSION_COLUMNS}, m.approved_version {_AIRING} WHERE {where.sql} ORDER BY m.id",
        where.params,
    )
    return _version_messages(reader, scope, rows)


def approved_messages(reader: Reader, scope: Scope) -> list[Message]:
    """The approved version of every message that airs one, whatever its dates."""
    where = _sent(scope) & _Where("m.status IN (?, ?)", _AIRING_STATUSES)
    rows = reader.rows(
        f"SELECT {_VERSION_COLUMNS}, m.approved_version {_AIRING} WHERE {where.sql} ORDER BY m.id",
        where.params,
    )
    return _version_messages(reader, scope, rows)


def approved_message(reader: Reader, scope: Scope, message_id: int) -> Message | None:
    """The version of ``message_id`` that airs, None when none does."""
    where = _sent(scope) & _Where(
        "m.status IN (?, ?) AND m.id = ?", (*_AIRING_STATUSES, message_id)
    )
    rows = reader.rows(
        f"SELECT {_VERSION_COLUMNS}, m.approved_version {_AIRING} WHERE {where.sql}",
        where.params,
    )
    found = _version_messages(reader, scope, rows)
    return found[0] if found else None


def versions(reader: Reader, scope: Scope, message_id: int) -> list[MessageVersion]:
    """Every version of a message, oldest first."""
    where = _seen(scope) & _Where("v.message_id = ?", (message_id,))
    rows = reader.rows(
        f"SELECT {_VERSION_COLUMNS}, m.approved_version FROM message_versions v "
        f"JOIN messages m ON m.id = v.message_id WHERE {where.sql} ORDER BY v.number",
        where.params,
    )
    fields = records.VERSION_FIELDS
    return [records.version(dict(zip(fields, r, strict=False)), r[-1]) for r in rows]


def messages_where(
    reader: Reader, scope: Scope, sql: str, params: tuple[Any, ...] = ()
) -> list[Message]:
    """Messages in full that a condition on ``m`` picks (with its parameters), oldest first."""
    return _messages(reader, scope, _sent(scope) & _Where(sql, tuple(params)))


def rendered_durations(reader: Reader, scope: Scope, first: date, last: date) -> dict[int, float]:
    """Seconds of the station's newest render of the version that airs, of each message
    ``approved_between`` the days."""
    where = _sent(scope) & _approved_between(first, last)
    mine, mine_params = scope.sql("renders", "r2")
    rows = reader.rows(
        "SELECT r.message_id, r.duration_s FROM renders r WHERE r.id IN ("
        f"SELECT max(r2.id) FROM renders r2 JOIN messages m ON m.id = r2.message_id "
        "JOIN message_versions v ON v.message_id = m.id AND v.number = m.approved_version "
        f"WHERE {mine} AND r2.version = m.approved_version AND {where.sql} "
        "GROUP BY r2.message_id)",
        (*mine_params, *where.params),
    )
    return dict(rows)


def played_counts(reader: Reader, scope: Scope, first: date, last: date) -> dict[int, int]:
    """Played airings so far at the station of each message ``approved_between`` the days
    (all its versions count)."""
    where = _sent(scope) & _approved_between(first, last)
    mine, mine_params = scope.sql("airings", "a")
    rows = reader.rows(
        f"SELECT a.message_id, count(*) FROM airings a WHERE {mine} AND a.status = ? "
        f"AND a.message_id IN (SELECT m.id {_AIRING} WHERE {where.sql}) "
        "GROUP BY a.message_id",
        (*mine_params, AiringStatus.PLAYED.value, *where.params),
    )
    return dict(rows)


def _sent(scope: Scope) -> _Where:
    """Messages ``m`` sent to the scope's stations: what they air."""
    return _Where(*scope.sql("messages", "m"))


def _seen(scope: Scope) -> _Where:
    """Messages ``m`` sent to the scope's stations or written there: what they list."""
    return _Where(*scope.sql("messages", "m", seen=True))


def _by_status(status: str | None) -> _Where:
    return _Where("m.status = ?", (status,)) if status else _Where()


def _approved_between(first: date, last: date) -> _Where:
    """Messages ``m`` whose approved version ``v`` (see ``_AIRING``) may air in the days."""
    return _Where(
        "m.status IN (?, ?) AND (v.valid_from IS NULL OR v.valid_from <= ?) "
        "AND (v.valid_until IS NULL OR v.valid_until >= ?)",
        (*_AIRING_STATUSES, last, first),
    )


def _version_messages(reader: Reader, scope: Scope, rows: list[tuple]) -> list[Message]:
    """Messages as the versions in ``rows`` (``_VERSION_COLUMNS``, then the message's
    approved version number) say them."""
    fields = records.VERSION_FIELDS
    found = [records.version(dict(zip(fields, r, strict=False)), r[-1]) for r in rows]
    every = block_codes(reader, scope) if any(v.all_blocks for v in found) else ()
    return [records.version_message(v, every) for v in found]


def _messages(reader: Reader, scope: Scope, where: _Where) -> list[Message]:
    rows = reader.rows(
        f"SELECT {_MESSAGE_COLUMNS}, m.all_blocks FROM messages m WHERE {where.sql} ORDER BY m.id",
        where.params,
    )
    blocks, slot_codes = _codes(reader, scope, where)
    every = block_codes(reader, scope) if any(r[-1] for r in rows) else ()
    fields = records.MESSAGE_FIELDS
    return [
        records.message(
            dict(zip(fields, r, strict=False)),
            every if r[-1] else tuple(blocks.get(r[0], ())),
            tuple(slot_codes.get(r[0], ())),
        )
        for r in rows
    ]


def _codes(
    reader: Reader, scope: Scope, where: _Where
) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """The station's block codes (by code) and slot codes (by start) of the messages
    ``where`` picks; those of its stations for a message it wrote for others."""
    own_blocks, block_params = scope.sql("blocks", "b")
    own_slots, slot_params = scope.sql("slots", "s")
    wrote, wrote_params = scope.own("m")  # messages the station wrote for others
    blocks = reader.rows(
        "SELECT mb.message_id, b.code FROM message_blocks mb "
        "JOIN blocks b ON b.id = mb.block_id JOIN messages m ON m.id = mb.message_id "
        f"WHERE ({own_blocks} OR {wrote}) AND {where.sql} ORDER BY b.code",
        (*block_params, *wrote_params, *where.params),
    )
    slot_codes = reader.rows(
        "SELECT ms.message_id, s.code FROM message_slots ms "
        "JOIN slots s ON s.id = ms.slot_id JOIN messages m ON m.id = ms.message_id "
        f"WHERE ({own_slots} OR {wrote}) AND {where.sql} ORDER BY s.start, s.code",
        (*slot_params, *wrote_params, *where.params),
    )
    return _grouped(blocks), _grouped(slot_codes)


def _grouped(pairs: list[tuple]) -> dict[int, list[str]]:
    """Values by key, in order, each once (a scope of several stations has a code in each)."""
    grouped: dict[int, dict[str, None]] = {}
    for key, value in pairs:
        grouped.setdefault(key, {})[value] = None
    return {key: list(values) for key, values in grouped.items()}
