"""Message versions in the store (ORM side): frozen snapshots of the working copy.

``messages`` holds the working copy (what ``msg edit`` changes) and two numbers:
``version``, the version the working copy is, and ``approved_version``, the version that
airs. ``message_versions`` holds every version, frozen when written; only its approval
or rejection (who, when, why) and the sha256 of the audio approved are filled in later.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..domain import Message, MessageStatus
from ..domain.versions import MessageVersion
from . import records
from .models import MessageRow, MessageVersionRow
from .scope import Scope

# messages that may air their approved version: approved, or edited since (a draft)
AIRING_STATUSES = (MessageStatus.APPROVED.value, MessageStatus.DRAFT.value)


def snapshot(
    session: Session,
    row: MessageRow,
    *,
    by: str | None,
    now: datetime,
    recording_sha256: str | None,
) -> MessageVersionRow:
    """Freeze the working copy ``row`` as a new version (the next number); ``row.version``
    becomes it."""
    number = 1 + (
        session.scalar(
            select(func.max(MessageVersionRow.number)).where(MessageVersionRow.message_id == row.id)
        )
        or 0
    )
    version = MessageVersionRow(
        station_id=row.station_id,
        message_id=row.id,
        number=number,
        title=row.title,
        text=row.text,
        audio_path=row.audio_path,
        recording_sha256=recording_sha256 if row.audio_path else None,
        all_blocks=row.all_blocks,
        blocks="" if row.all_blocks else ",".join(block_codes(row)),
        slots=",".join(slot_codes(row)),
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        priority=row.priority,
        repeat=row.repeat,
        max_airings=row.max_airings,
        category=row.category,
        source=row.source,
        created_by=by,
        created_at=now,
        content_kind=row.content_kind,
        relay_source=row.relay_source,
        duration_s=row.duration_s,
    )
    session.add(version)
    session.flush()
    row.version = number
    return version


def block_codes(row: MessageRow) -> list[str]:
    """Codes, each once (a message sent to several stations links each one's block)."""
    return sorted({b.code for b in row.blocks})


def slot_codes(row: MessageRow) -> list[str]:
    """By start time, as the read path gives them, each once."""
    ordered = sorted(row.slots, key=lambda s: (s.start, s.code))
    return list(dict.fromkeys(s.code for s in ordered))


def get(session: Session, message_id: int, number: int | None) -> MessageVersionRow | None:
    if number is None:
        return None
    return session.scalar(
        select(MessageVersionRow)
        .where(MessageVersionRow.message_id == message_id)
        .where(MessageVersionRow.number == number)
    )


def to_version(row: MessageVersionRow, airing: int | None) -> MessageVersion:
    values = {name: getattr(row, name) for name in records.VERSION_FIELDS}
    return records.version(values, airing)


def approved_message(session: Session, scope: Scope, message_id: int) -> Message | None:
    """The version of ``message_id`` that airs at the station, as a Message; None when
    none does (or the message is not sent there)."""
    found = approved_version(session, scope, message_id)
    return None if found is None else found[1]


def approved_version(session: Session, scope: Scope, message_id: int) -> tuple[int, Message] | None:
    """(row id, Message) of the version of ``message_id`` that airs at the station; None
    when none does (or the message is not sent there)."""
    found = session.execute(
        select(MessageVersionRow, MessageRow.approved_version)
        .join(MessageRow, MessageRow.id == MessageVersionRow.message_id)
        .where(MessageRow.id == message_id, scope.orm(MessageRow))
        .where(MessageRow.status.in_(AIRING_STATUSES))
        .where(MessageVersionRow.number == MessageRow.approved_version)
    ).first()
    if found is None:
        return None
    return found[0].id, _message(session, scope, *found)


def message_of(session: Session, scope: Scope, version_id: int) -> Message | None:
    """Version ``version_id`` (an airing's ``message_version_id``) as the station sees
    it."""
    found = session.execute(
        select(MessageVersionRow, MessageRow.approved_version)
        .join(MessageRow, MessageRow.id == MessageVersionRow.message_id)
        .where(MessageVersionRow.id == version_id, scope.orm(MessageRow))
    ).first()
    return None if found is None else _message(session, scope, *found)


def _message(session: Session, scope: Scope, row: MessageVersionRow, airing: int | None) -> Message:
    from .repo import all_block_codes

    every = all_block_codes(session, scope) if row.all_blocks else ()
    return records.version_message(to_version(row, airing), every)


def users_of(session: Session, scope: Scope, kind: str, code: str) -> list[int]:
    """Messages sent to the station whose approved version still airs to block or slot
    ``code`` (``kind`` "blocks" or "slots"), though their working copy may no longer name
    it."""
    column = MessageVersionRow.blocks if kind == "blocks" else MessageVersionRow.slots
    rows = session.execute(
        select(MessageRow.id, column)
        .join(MessageVersionRow, MessageVersionRow.message_id == MessageRow.id)
        .where(scope.orm(MessageRow))
        .where(MessageVersionRow.number == MessageRow.approved_version)
        .where(MessageRow.status.in_(AIRING_STATUSES))
        .where(column.contains(code))
    )
    return [mid for mid, joined in rows if code in records.codes(joined)]


def relay_users(session: Session, code: str) -> list[int]:
    """Draft or approved messages that relay source ``code``, in their working copy or in
    the approved version that airs."""
    working = select(MessageRow.id).where(
        MessageRow.status.in_(AIRING_STATUSES), MessageRow.relay_source == code
    )
    approved = (
        select(MessageRow.id)
        .join(MessageVersionRow, MessageVersionRow.message_id == MessageRow.id)
        .where(MessageVersionRow.number == MessageRow.approved_version)
        .where(MessageRow.status.in_(AIRING_STATUSES))
        .where(MessageVersionRow.relay_source == code)
    )
    return sorted({*session.scalars(working), *session.scalars(approved)})
