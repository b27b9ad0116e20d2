"""Rows ⇄ domain objects, and the queries the services need."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..domain import (
    Airing,
    AiringStatus,
    Block,
    Message,
    RenderRecord,
    Slot,
)
from ..i18n.records import shown
from . import records
from .models import (
    AiringRow,
    BlockRow,
    MessageRow,
    MessageVersionRow,
    PlanState,
    RenderRow,
    SlotRow,
)
from .scope import Scope


def bump_plan(session: Session, now: datetime, stations: Iterable[int]) -> None:
    """Tell the stations' daemons something changed (in the caller's transaction)."""
    session.execute(
        update(PlanState)
        .where(PlanState.station_id.in_(list(stations)))
        .values(version=PlanState.version + 1, changed_at=now)
    )


def plan_version(session: Session, scope: Scope) -> int:
    return session.scalar(select(PlanState.version).where(scope.orm(PlanState))) or 0


# blocks -------------------------------------------------------------------


def to_block(row: BlockRow) -> Block:
    return Block(code=row.code, name=row.name, zone=row.zone)


def block_rows(session: Session, scope: Scope) -> list[BlockRow]:
    return list(
        session.scalars(select(BlockRow).where(scope.orm(BlockRow)).order_by(BlockRow.code))
    )


def block_by_code(session: Session, scope: Scope, code: str) -> BlockRow | None:
    return session.scalar(select(BlockRow).where(scope.orm(BlockRow), BlockRow.code == code))


# slots --------------------------------------------------------------------


def to_slot(row: SlotRow) -> Slot:
    return records.slot(row.code, row.name, row.start, row.end, row.weekdays, row.on_day)


def slot_rows(session: Session, scope: Scope) -> list[SlotRow]:
    return list(
        session.scalars(
            select(SlotRow).where(scope.orm(SlotRow)).order_by(SlotRow.start, SlotRow.code)
        )
    )


def slot_by_code(session: Session, scope: Scope, code: str) -> SlotRow | None:
    return session.scalar(select(SlotRow).where(scope.orm(SlotRow), SlotRow.code == code))


# messages -----------------------------------------------------------------


def to_message(row: MessageRow, station_id: int, all_codes: tuple[str, ...] = ()) -> Message:
    """A message as station ``station_id`` sees it: its own blocks and slots of the
    message's (a message sent to several stations links each one's); the codes of them all
    when it wrote the message for other stations only."""
    sent_here = any(st.id == station_id for st in row.stations)

    def mine(linked) -> bool:
        return linked.station_id == station_id or not sent_here

    if row.all_blocks:
        blocks = all_codes
    else:
        blocks = tuple(dict.fromkeys(b.code for b in sorted(row.blocks, key=_code) if mine(b)))
    slots = tuple(dict.fromkeys(s.code for s in row.slots if mine(s)))
    values = {name: getattr(row, name) for name in records.MESSAGE_FIELDS}
    return records.message(values, blocks, slots)


def _code(row) -> str:
    return row.code


def all_block_codes(session: Session, scope: Scope) -> tuple[str, ...]:
    return tuple(
        session.scalars(select(BlockRow.code).where(scope.orm(BlockRow)).order_by(BlockRow.code))
    )


def latest_renders(
    session: Session,
    scope: Scope,
    message_ids: Iterable[int] | None = None,
    version: int | None = None,
) -> dict[int, RenderRow]:
    """The station's newest render of each message (of its ``version`` when given)."""
    newest = (
        select(func.max(RenderRow.id)).where(scope.orm(RenderRow)).group_by(RenderRow.message_id)
    )
    if version is not None:
        newest = newest.where(RenderRow.version == version)
    query = select(RenderRow).where(RenderRow.id.in_(newest))
    if message_ids is not None:
        query = query.where(RenderRow.message_id.in_(list(message_ids)))
    return {r.message_id: r for r in session.scalars(query)}


def latest_version_renders(
    session: Session, scope: Scope, message_ids: Iterable[int]
) -> dict[tuple[int, int | None], RenderRow]:
    """The station's newest render of each version of the messages, by (message id,
    version)."""
    ids = list(message_ids)
    newest = (
        select(func.max(RenderRow.id))
        .where(scope.orm(RenderRow), RenderRow.message_id.in_(ids))
        .group_by(RenderRow.message_id, RenderRow.version)
    )
    query = select(RenderRow).where(RenderRow.id.in_(newest))
    return {(r.message_id, r.version): r for r in session.scalars(query)}


def render_row(
    record: RenderRecord, created_at: datetime, station_id: int, version: int | None = None
) -> RenderRow:
    return RenderRow(
        station_id=station_id,
        version=version,
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


def played_counts(session: Session, scope: Scope) -> dict[int, int]:
    query = (
        select(AiringRow.message_id, func.count())
        .where(scope.orm(AiringRow), AiringRow.status == AiringStatus.PLAYED.value)
        .group_by(AiringRow.message_id)
    )
    return {mid: n for mid, n in session.execute(query)}


# airings ------------------------------------------------------------------


def to_airing(
    row: AiringRow,
    title: str | None = None,
    version: MessageVersionRow | None = None,
    requested_by: str | None = None,
    station: str | None = None,
) -> Airing:
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
        error=shown(row.error),  # in the reader's language (i18n.records), .english kept
        title=version.title if version is not None else title,  # the title that aired
        underruns=row.underruns,
        version=version.number if version is not None else None,
        approved_by=version.approved_by if version is not None else None,
        written_by=version.created_by if version is not None else None,
        requested_by=requested_by,
        station=station,
        dead_air_s=row.dead_air_s,
        relay_source=row.relay_source,
        dropouts=row.dropouts,
        fallback_s=row.fallback_s,
    )
