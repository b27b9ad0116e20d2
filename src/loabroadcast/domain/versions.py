"""Message versions: what each edit made, who approved which. Stdlib only.

A message is edited as a working copy; each add or edit that changes it leaves a new
version, frozen. Approving approves the newest version and makes it the one that airs;
a later edit makes a draft version and the approved one keeps airing until the draft is
approved in turn (or rejected: the approved one airs on).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

from .content import ContentKind
from .models import Priority


class VersionState(enum.StrEnum):
    DRAFT = "draft"  # not (yet) approved
    APPROVED = "approved"  # approved, and what airs now
    SUPERSEDED = "superseded"  # approved once; a newer approved version airs instead
    REJECTED = "rejected"


@dataclass(frozen=True)
class MessageVersion:
    message_id: int
    number: int
    state: VersionState
    title: str
    text: str | None
    audio_path: str | None
    recording_sha256: str | None
    all_blocks: bool  # sent to every block (``blocks`` empty)
    blocks: tuple[str, ...]
    slots: tuple[str, ...]
    valid_from: date | None
    valid_until: date | None
    priority: Priority
    repeat: int
    max_airings: int | None
    category: str | None
    source: str | None
    created_by: str | None
    created_at: datetime
    approved_by: str | None = None
    approved_at: datetime | None = None
    rejected_by: str | None = None
    rejected_at: datetime | None = None
    rejected_reason: str | None = None
    render_sha256: str | None = None
    id: int | None = None  # the row's id (airings point to it)
    content_kind: ContentKind = ContentKind.SPEECH
    relay_source: str | None = None  # a relay's source code
    duration_s: float | None = None  # a relay's length on air


def state_of(
    number: int, airing: int | None, approved_at: datetime | None, rejected_at: datetime | None
) -> VersionState:
    """The state of version ``number`` when version ``airing`` is the approved one."""
    if number == airing:
        return VersionState.APPROVED
    if rejected_at is not None:
        return VersionState.REJECTED
    if approved_at is not None:
        return VersionState.SUPERSEDED
    return VersionState.DRAFT
