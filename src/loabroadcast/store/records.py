"""Stored values ⇄ domain objects, shared by the ORM (``repo``) and plain-SQL (``queries``)
paths; no SQLAlchemy here.

SQLite hands back dates and instants as the ISO text SQLAlchemy wrote, PostgreSQL as
``date``/``datetime`` objects: ``day`` and ``instant`` accept both. Instants are aware
UTC, as ``models.UTCDateTime`` returns them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from typing import Any

from ..domain import Message, MessageStatus, Priority, Slot
from ..domain.calendar import DayOff
from ..domain.content import ContentKind
from ..domain.versions import MessageVersion, VersionState, state_of

# The stored columns of a message, in the order ``queries`` selects them.
MESSAGE_FIELDS = (
    "id",
    "title",
    "priority",
    "status",
    "text",
    "audio_path",
    "valid_from",
    "valid_until",
    "repeat",
    "max_airings",
    "category",
    "source",
    "created_by",
    "created_at",
    "approved_by",
    "approved_at",
    "rejected_reason",
    "version",
    "approved_version",
    "content_kind",
    "relay_source",
    "duration_s",
)

# The stored columns of a message version (``message_versions``), in the order
# ``queries`` selects them; ``blocks`` and ``slots`` are comma-joined codes.
VERSION_FIELDS = (
    "message_id",
    "number",
    "title",
    "priority",
    "text",
    "audio_path",
    "recording_sha256",
    "all_blocks",
    "blocks",
    "slots",
    "valid_from",
    "valid_until",
    "repeat",
    "max_airings",
    "category",
    "source",
    "created_by",
    "created_at",
    "approved_by",
    "approved_at",
    "rejected_by",
    "rejected_at",
    "rejected_reason",
    "render_sha256",
    "id",
    "content_kind",
    "relay_source",
    "duration_s",
)


def message(values: Mapping[str, Any], blocks: tuple[str, ...], slots: tuple[str, ...]) -> Message:
    """A Message from its stored column values (``MESSAGE_FIELDS``) and link codes."""
    return Message(
        id=values["id"],
        title=values["title"],
        priority=Priority(values["priority"]),
        status=MessageStatus(values["status"]),
        text=values["text"],
        audio_path=values["audio_path"],
        blocks=blocks,
        slots=slots,
        valid_from=day(values["valid_from"]),
        valid_until=day(values["valid_until"]),
        repeat=values["repeat"],
        max_airings=values["max_airings"],
        category=values["category"],
        source=values["source"],
        created_by=values["created_by"],
        created_at=instant(values["created_at"]),
        approved_by=values["approved_by"],
        approved_at=instant(values["approved_at"]),
        rejected_reason=values["rejected_reason"],
        version=values["version"],
        approved_version=values["approved_version"],
        content_kind=content_kind(values["content_kind"]),
        relay_source=values["relay_source"],
        duration_s=values["duration_s"],
    )


def content_kind(stored: str | None) -> ContentKind:
    return ContentKind(stored or ContentKind.SPEECH.value)


def codes(joined: str | None) -> tuple[str, ...]:
    return tuple(c for c in (joined or "").split(",") if c)


def version(values: Mapping[str, Any], airing: int | None) -> MessageVersion:
    """A MessageVersion from its stored columns (``VERSION_FIELDS``); ``airing`` is the
    number of the message's approved version (None when none airs)."""
    return MessageVersion(
        id=values["id"],
        message_id=values["message_id"],
        number=values["number"],
        state=state_of(values["number"], airing, values["approved_at"], values["rejected_at"]),
        title=values["title"],
        text=values["text"],
        audio_path=values["audio_path"],
        recording_sha256=values["recording_sha256"],
        all_blocks=bool(values["all_blocks"]),
        blocks=() if values["all_blocks"] else codes(values["blocks"]),
        slots=codes(values["slots"]),
        valid_from=day(values["valid_from"]),
        valid_until=day(values["valid_until"]),
        priority=Priority(values["priority"]),
        repeat=values["repeat"],
        max_airings=values["max_airings"],
        category=values["category"],
        source=values["source"],
        created_by=values["created_by"],
        created_at=instant(values["created_at"]),
        approved_by=values["approved_by"],
        approved_at=instant(values["approved_at"]),
        rejected_by=values["rejected_by"],
        rejected_at=instant(values["rejected_at"]),
        rejected_reason=values["rejected_reason"],
        render_sha256=values["render_sha256"],
        content_kind=content_kind(values["content_kind"]),
        relay_source=values["relay_source"],
        duration_s=values["duration_s"],
    )


def version_message(v: MessageVersion, every_block: tuple[str, ...]) -> Message:
    """The message as version ``v`` says it (what airs when ``v`` is the approved one);
    ``every_block``: the station's block codes, for a version sent to all."""
    status = {
        VersionState.APPROVED: MessageStatus.APPROVED,
        VersionState.SUPERSEDED: MessageStatus.APPROVED,
        VersionState.REJECTED: MessageStatus.REJECTED,
    }.get(v.state, MessageStatus.DRAFT)
    return Message(
        id=v.message_id,
        title=v.title,
        priority=v.priority,
        status=status,
        text=v.text,
        audio_path=v.audio_path,
        blocks=every_block if v.all_blocks else v.blocks,
        slots=v.slots,
        valid_from=v.valid_from,
        valid_until=v.valid_until,
        repeat=v.repeat,
        max_airings=v.max_airings,
        category=v.category,
        source=v.source,
        created_by=v.created_by,
        created_at=v.created_at,
        approved_by=v.approved_by,
        approved_at=v.approved_at,
        rejected_reason=v.rejected_reason,
        version=v.number,
        approved_version=v.number if v.state == VersionState.APPROVED else None,
        content_kind=v.content_kind,
        relay_source=v.relay_source,
        duration_s=v.duration_s,
    )


def slot(
    code: str, name: str, start: str, end: str, weekdays: str, on_day: date | str | None = None
) -> Slot:
    """A Slot from its stored columns: times as 'HH:MM:SS', weekdays as digits (0 = Monday),
    ``on_day`` the date of a one-off session."""
    return Slot(
        code=code,
        name=name,
        start=time.fromisoformat(start),
        end=time.fromisoformat(end),
        weekdays=frozenset(int(c) for c in weekdays),
        day=day(on_day),
    )


def day_off(id_: int, first: date | str, last: date | str, slots: str, reason: str) -> DayOff:
    """A quiet range from its stored columns (``slots`` comma-joined codes, "" for all)."""
    return DayOff(
        id=id_,
        first=day(first),
        last=day(last),
        slots=tuple(c for c in slots.split(",") if c),
        reason=reason,
    )


def day(value: date | str | None) -> date | None:
    if value is None or type(value) is date:
        return value
    return date.fromisoformat(value)


def instant(value: datetime | str | None) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
