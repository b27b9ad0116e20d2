"""What approval checks of a message row, and what the audit trail keeps of it.

Shared by the message use-cases (``messages``) and play-now (``onair``), which approves a
draft it is told to air."""

from __future__ import annotations

from ..domain import MessageStatus, Priority
from ..domain.content import ContentKind
from ..errors import Conflict
from ..i18n import N_, dates, said
from ..labels import status_word
from ..store import repo, versions
from ..store.models import MessageRow
from .base import StationContext
from .work import UnitOfWork


def approve_row(ctx: StationContext, uow: UnitOfWork, row: MessageRow, approver: str) -> None:
    """Approve the working copy's version of draft ``row`` (it airs from now on)."""
    message_id = row.id
    if row.status == MessageStatus.REJECTED.value:
        raise Conflict(
            N_("message {id} was rejected; edit it (it becomes a draft) and approve it again"),
            id=message_id,
        )
    if row.status != MessageStatus.DRAFT.value:
        raise Conflict(
            N_("message {id} is {status}; it cannot be approved"),
            id=message_id,
            status=status_word(row.status),
        )
    if row.valid_until and row.valid_until < ctx.today():
        raise Conflict(
            N_("message {id} ended on {date}; change --until to approve it"),
            id=message_id,
            date=dates.day(row.valid_until),
        )
    version = versions.get(uow.session, row.id, row.version)
    if version is None:  # cannot be after migration 0017; say so rather than air unversioned
        raise Conflict(N_("message {id} has no version to approve"), id=message_id)
    if version.audio_path:
        check_recording(message_id, version)
    version.approved_by, version.approved_at = approver, uow.now
    row.status = MessageStatus.APPROVED.value
    row.approved_version = row.version
    row.approved_at = uow.now
    row.approved_by = approver
    row.flagged = None  # a version approved anew: what the daemon refused airs no more


def check_recording(message_id: int, version) -> None:
    """Approval freezes the recording of the version approved: refuse one whose file
    changed since it was added (its sha256 was taken while it was copied in)."""
    from ..speech.audio import sha256_file

    actual = sha256_file(version.audio_path)
    if version.recording_sha256 is None:
        version.recording_sha256 = actual  # added before its sha256 was kept: this one
    elif actual != version.recording_sha256:
        raise Conflict(
            N_("message {id}: the recording {path} changed since it was added; add it again "
               "with `loa msg edit {id} --audio FILE`"),
            id=message_id,
            path=version.audio_path,
        )  # fmt: skip


# The fields of a message the audit trail follows (``state``); ``content`` ones make a
# new version when they change.
CONTENT = (
    "title",
    "text",
    "recording",
    "recording_sha256",
    "blocks",
    "slots",
    "valid_from",
    "valid_until",
    "priority",
    "repeat",
    "max_airings",
    "category",
    "source",
    "relay_source",
    "duration_s",
)


def state(row: MessageRow, recording_sha256: str | None = None) -> dict:
    """What the audit trail keeps of a message: its content and where it stands."""
    return {
        "title": row.title,
        "text": row.text,
        "recording": row.audio_path,
        "recording_sha256": recording_sha256 if row.audio_path else None,
        "blocks": "all" if row.all_blocks else versions.block_codes(row),
        "slots": versions.slot_codes(row),
        "valid_from": row.valid_from,
        "valid_until": row.valid_until,
        "priority": Priority(row.priority).label,
        "repeat": row.repeat,
        "max_airings": row.max_airings,
        "category": row.category,
        "source": row.source,
        "relay_source": row.relay_source,  # a relay (the kind of the others is their content)
        "duration_s": row.duration_s,
        "status": row.status,
        "version": row.version,
        "approved_version": row.approved_version,
        "approved_by": row.approved_by,
    }


def relay_fit(row: MessageRow) -> tuple[str, ...]:
    """Warnings for a relay longer than a slot it is planned in (it would never fit)."""
    if row.content_kind != ContentKind.RELAY.value or row.duration_s is None:
        return ()
    from ..domain.content import format_duration

    found = []
    for slot in row.slots:
        length = repo.to_slot(slot).length_s
        if row.duration_s > length:
            found.append(
                said("the relay lasts {relay}, longer than slot {slot} ({length}): it will not "
                     "fit there", relay=format_duration(row.duration_s), slot=slot.code,
                     length=format_duration(length))
            )  # fmt: skip
    return tuple(found)


def content(values: dict) -> dict:
    return {k: values.get(k) for k in CONTENT}


def recording_of(version) -> dict:
    """The recording's sha256 of ``version`` (None: none, or no version), as ``state`` has it."""
    return {"recording_sha256": version.recording_sha256 if version is not None else None}
