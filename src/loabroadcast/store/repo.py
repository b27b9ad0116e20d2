"""Rows ⇄ domain objects, and the queries the services need."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..domain import (
    Airing,
    AiringStatus,
    Block,
    Message,
    MessageStatus,
    Priority,
    RenderRecord,
    Slot,
)
from .models import (
    AiringRow,
    BlockRow,
    MessageBlockRow,
    MessageRow,
    MessageSlotRow,
    PlanState,
    RenderRow,
    SlotRow,
)


def bump_plan(session: Session, now: datetime) -> None:
    """Tell the daemon something changed (in the caller's transaction)."""
    session.execute(
        update(PlanState)
        .where(PlanState.id == 1)
        .values(version=PlanState.version + 1, changed_at=now)
    )


def plan_version(session: Session) -> int:
    return session.scalar(select(PlanState.version).where(PlanState.id == 1)) or 0


# blocks -------------------------------------------------------------------


def to_block(row: BlockRow) -> Block:
    return Block(code=row.code, name=row.name, zone=row.zone)


def block_rows(session: Session) -> list[BlockRow]:
    return list(session.scalars(select(BlockRow).order_by(BlockRow.code)))


def block_by_code(session: Session, code: str) -> BlockRow | None:
    return session.scalar(select(BlockRow).where(BlockRow.code == code))


# slots --------------------------------------------------------------------


def parse_hms(text: str) -> time:
    return time.fromisoformat(text)


def to_slot(row: SlotRow) -> Slot:
    return Slot(
        code=row.code,
        name=row.name,
        start=parse_hms(row.start),
        end=parse_hms(row.end),
        weekdays=frozenset(int(c) for c in row.weekdays),
    )


def slot_rows(session: Session) -> list[SlotRow]:
    return list(session.scalars(select(SlotRow).order_by(SlotRow.start, SlotRow.code)))


def slot_by_code(session: Session, code: str) -> SlotRow | None:
    return session.scalar(select(SlotRow).where(SlotRow.code == code))


# messages -----------------------------------------------------------------


def to_message(row: MessageRow, all_codes: tuple[str, ...] = ()) -> Message:
    blocks = all_codes if row.all_blocks else tuple(b.code for b in row.blocks)
    return Message(
        id=row.id,
        title=row.title,
        priority=Priority(row.priority),
        status=MessageStatus(row.status),
        text=row.text,
        audio_path=row.audio_path,
        blocks=blocks,
        slots=tuple(s.code for s in row.slots),
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        repeat=row.repeat,
        max_airings=row.max_airings,
        category=row.category,
        source=row.source,
        created_by=row.created_by,
        created_at=row.created_at,
        approved_by=row.approved_by,
        approved_at=row.approved_at,
        rejected_reason=row.rejected_reason,
    )


def list_messages(session: Session, status: str | None = None, *where) -> list[Message]:
    """Messages (of ``status``, matching ``where``), oldest first, with plain Core queries:
    listing or planning a station with 10,000 messages stays well under a second."""
    m = MessageRow.__table__
    query = select(m).order_by(m.c.id).where(*where)
    if status:
        query = query.where(m.c.status == status)
    rows = session.execute(query).all()
    blocks, slots = _codes_by_message(session)
    every = all_block_codes(session)
    return [
        Message(
            id=r.id,
            title=r.title,
            priority=Priority(r.priority),
            status=MessageStatus(r.status),
            text=r.text,
            audio_path=r.audio_path,
            blocks=every if r.all_blocks else tuple(blocks.get(r.id, ())),
            slots=tuple(slots.get(r.id, ())),
            valid_from=r.valid_from,
            valid_until=r.valid_until,
            repeat=r.repeat,
            max_airings=r.max_airings,
            category=r.category,
            source=r.source,
            created_by=r.created_by,
            created_at=r.created_at,
            approved_by=r.approved_by,
            approved_at=r.approved_at,
            rejected_reason=r.rejected_reason,
        )
        for r in rows
    ]


def message_summaries(session: Session, status: str | None = None) -> list[tuple]:
    """(id, status, priority, title, blocks, slots, from, until) of every message, for
    listing: no texts and no ORM objects, so 10,000 messages list quickly."""
    m = MessageRow
    query = select(
        m.id, m.status, m.priority, m.title, m.all_blocks, m.valid_from, m.valid_until
    ).order_by(m.id)
    if status:
        query = query.where(m.status == status)
    links = _codes_by_message(session)
    every = ",".join(all_block_codes(session))
    return [
        (
            mid,
            st,
            Priority(pr).label,
            title,
            every if all_blocks else ",".join(links[0].get(mid, ())),
            ",".join(links[1].get(mid, ())),
            vf,
            vu,
        )
        for mid, st, pr, title, all_blocks, vf, vu in session.execute(query)
    ]


def _codes_by_message(session: Session) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """Block codes and slot codes of every message, by message id, in display order."""
    blocks = select(MessageBlockRow.message_id, BlockRow.code).join(
        BlockRow, BlockRow.id == MessageBlockRow.block_id
    )
    slots = select(MessageSlotRow.message_id, SlotRow.code).join(
        SlotRow, SlotRow.id == MessageSlotRow.slot_id
    )
    return (
        _grouped(session, blocks.order_by(BlockRow.code)),
        _grouped(session, slots.order_by(SlotRow.start)),
    )


def _grouped(session: Session, pairs) -> dict[int, list[str]]:
    grouped: dict[int, list[str]] = {}
    for key, value in session.execute(pairs):
        grouped.setdefault(key, []).append(value)
    return grouped


def all_block_codes(session: Session) -> tuple[str, ...]:
    return tuple(session.scalars(select(BlockRow.code).order_by(BlockRow.code)))


def approved_messages_between(session: Session, first: date, last: date) -> list[Message]:
    """Approved messages whose validity overlaps [first, last]."""
    return list_messages(
        session,
        MessageStatus.APPROVED.value,
        (MessageRow.valid_from.is_(None)) | (MessageRow.valid_from <= last),
        (MessageRow.valid_until.is_(None)) | (MessageRow.valid_until >= first),
    )


def latest_renders(
    session: Session, message_ids: Iterable[int] | None = None
) -> dict[int, RenderRow]:
    newest = select(func.max(RenderRow.id)).group_by(RenderRow.message_id)
    query = select(RenderRow).where(RenderRow.id.in_(newest))
    if message_ids is not None:
        query = query.where(RenderRow.message_id.in_(list(message_ids)))
    return {r.message_id: r for r in session.scalars(query)}


def render_row(record: RenderRecord, created_at: datetime) -> RenderRow:
    return RenderRow(
        message_id=record.message_id,
        key=record.key,
        path=str(record.path),
        engine=record.engine,
        voice=record.voice,
        duration_s=record.duration_s,
        loudness_lufs=record.loudness_lufs,
        sha256=record.sha256,
        fallback=record.fallback,
        created_at=created_at,
    )


def to_render(row: RenderRow) -> RenderRecord:
    from pathlib import Path

    return RenderRecord(
        message_id=row.message_id,
        key=row.key,
        path=Path(row.path),
        engine=row.engine,
        voice=row.voice,
        duration_s=row.duration_s,
        loudness_lufs=row.loudness_lufs,
        sha256=row.sha256,
        fallback=row.fallback,
        created_at=row.created_at,
    )


def played_counts(session: Session) -> dict[int, int]:
    query = (
        select(AiringRow.message_id, func.count())
        .where(AiringRow.status == AiringStatus.PLAYED.value)
        .group_by(AiringRow.message_id)
    )
    return {mid: n for mid, n in session.execute(query)}


# airings ------------------------------------------------------------------


def to_airing(row: AiringRow, title: str | None = None) -> Airing:
    return Airing(
        id=row.id,
        occurrence_key=row.occurrence_key,
        message_id=row.message_id,
        slot=row.slot_code,
        scheduled_at=row.scheduled_at,
        status=AiringStatus(row.status),
        started_at=row.started_at,
        ended_at=row.ended_at,
        blocks=tuple(b for b in row.blocks.split(",") if b),
        zones=tuple(int(z) for z in row.zones.split(",") if z),
        sink=row.sink,
        render_sha256=row.render_sha256,
        error=row.error,
        title=title,
    )
