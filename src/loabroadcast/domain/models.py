"""Domain dataclasses and enums.

Times of day (``Slot.start``/``end``) are naive station-local times; every
instant (``datetime``) is timezone-aware.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from ..i18n import N_
from .content import ContentKind
from .errors import Invalid


class Priority(enum.IntEnum):
    """Thông tư 39/2020/TT-BTTTT: thông thường, ưu tiên, khẩn cấp. Higher airs first."""

    NORMAL = 0
    PRIORITY = 1
    EMERGENCY = 2

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Priority:
        key = text.strip().lower().replace("_", "-")
        try:
            return _PRIORITY_ALIASES[key]
        except KeyError:
            raise Invalid(
                N_(
                    "unknown priority {text!r} (normal|priority|emergency, thuong|uu-tien|khan-cap)"
                ),
                text=text,
            ) from None


_PRIORITY_ALIASES = {
    "normal": Priority.NORMAL,
    "thuong": Priority.NORMAL,
    "thong-thuong": Priority.NORMAL,
    "thông thường": Priority.NORMAL,
    "thường": Priority.NORMAL,
    "priority": Priority.PRIORITY,
    "high": Priority.PRIORITY,
    "uu-tien": Priority.PRIORITY,
    "ưu tiên": Priority.PRIORITY,
    "ưu-tiên": Priority.PRIORITY,
    "emergency": Priority.EMERGENCY,
    "khan-cap": Priority.EMERGENCY,
    "khẩn cấp": Priority.EMERGENCY,
    "khẩn-cấp": Priority.EMERGENCY,
}


class MessageStatus(enum.StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class AiringStatus(enum.StrEnum):
    CLAIMED = "claimed"  # claimed, not yet started
    PLAYING = "playing"
    PLAYED = "played"
    FAILED = "failed"
    INTERRUPTED = "interrupted"
    MISSED = "missed"
    PREEMPTED = "preempted"


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Block:
    code: str
    name: str
    zone: int | None = None


@dataclass(frozen=True)
class Slot:
    """A daily slot (``day`` None) or a one-off session on ``day`` (``loa calendar extra``)."""

    code: str
    start: time
    end: time
    weekdays: frozenset[int] = frozenset(range(7))  # 0 = Monday
    name: str = ""
    day: date | None = None

    @property
    def length_s(self) -> float:
        return (_seconds(self.end) - _seconds(self.start)) * 1.0

    @property
    def one_off(self) -> bool:
        return self.day is not None

    def runs_on(self, day: date) -> bool:
        if self.day is not None:
            return day == self.day
        return day.weekday() in self.weekdays

    def overlaps(self, other: Slot) -> bool:
        if not self._shares_a_day(other):
            return False
        return self.start < other.end and other.start < self.end

    def _shares_a_day(self, other: Slot) -> bool:
        if self.day is not None:
            return other.runs_on(self.day)
        if other.day is not None:
            return self.runs_on(other.day)
        return bool(self.weekdays & other.weekdays)

    @property
    def days_label(self) -> str:
        if self.day is not None:
            return f"{self.day.day:02d}/{self.day.month:02d}/{self.day.year}"
        if self.weekdays == frozenset(range(7)):
            return "daily"
        if self.weekdays == frozenset(range(5)):
            return "weekdays"
        return ",".join(WEEKDAYS[d] for d in sorted(self.weekdays))


def _seconds(t: time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


@dataclass(frozen=True)
class Message:
    id: int
    title: str
    priority: Priority = Priority.NORMAL
    status: MessageStatus = MessageStatus.DRAFT
    text: str | None = None
    audio_path: str | None = None
    blocks: tuple[str, ...] = ()
    slots: tuple[str, ...] = ()
    valid_from: date | None = None
    valid_until: date | None = None
    repeat: int = 1
    max_airings: int | None = None
    category: str | None = None
    source: str | None = None
    created_by: str | None = None
    created_at: datetime | None = None
    approved_by: str | None = None
    approved_at: datetime | None = None
    rejected_reason: str | None = None
    version: int = 1  # the version this object shows (domain.versions)
    approved_version: int | None = None  # the version that airs, None when none does
    content_kind: ContentKind = ContentKind.SPEECH  # domain.content
    relay_source: str | None = None  # a relay's source code (``loa source``)
    duration_s: float | None = None  # a relay's length on air

    @property
    def is_relay(self) -> bool:
        return self.content_kind is ContentKind.RELAY

    def valid_on(self, day: date) -> bool:
        if self.valid_from and day < self.valid_from:
            return False
        return not (self.valid_until and day > self.valid_until)


@dataclass(frozen=True)
class RenderRecord:
    """The exact audio approved for a message (programme item: chimes, speech, repeats)."""

    message_id: int
    key: str
    path: Path
    engine: str
    voice: str | None
    duration_s: float
    loudness_lufs: float | None
    sha256: str
    fallback: bool = False
    created_at: datetime | None = None


class QuietKind(enum.StrEnum):
    HOLIDAY = "holiday"
    OFF = "off"


@dataclass(frozen=True)
class Quiet:
    """Why an occurrence airs emergencies only: a holiday's name or the officer's reason."""

    kind: QuietKind
    reason: str = ""
    entry_id: int | None = None  # the DayOff that silenced it


@dataclass(frozen=True)
class Occurrence:
    """One day's run of a slot; ``quiet`` when the calendar silences it (``domain.calendar``)."""

    slot: Slot
    day: date
    start: datetime
    end: datetime
    quiet: Quiet | None = None
    clock_change: str | None = None  # "gap" | "fold": the clocks change in or around it

    @property
    def length_s(self) -> float:
        return (self.end - self.start).total_seconds()


@dataclass(frozen=True)
class ProgrammeItem:
    message_id: int
    title: str
    priority: Priority
    blocks: tuple[str, ...]
    start: datetime
    duration_s: float
    estimated: bool
    relay_source: str | None = None  # a relay (tiếp âm): the source it airs live

    @property
    def end(self):
        from datetime import timedelta

        return self.start + timedelta(seconds=self.duration_s)


@dataclass(frozen=True)
class OverflowItem:
    message_id: int
    title: str
    priority: Priority
    duration_s: float
    estimated: bool = True


@dataclass(frozen=True)
class Programme:
    occurrence: Occurrence
    items: tuple[ProgrammeItem, ...] = ()
    overflow: tuple[OverflowItem, ...] = ()

    @property
    def slot(self) -> Slot:
        return self.occurrence.slot


@dataclass(frozen=True)
class Airing:
    id: int
    occurrence_key: str
    message_id: int
    slot: str | None
    scheduled_at: datetime | None
    status: AiringStatus
    started_at: datetime | None = None
    ended_at: datetime | None = None
    blocks: tuple[str, ...] = ()
    zones: tuple[int, ...] = ()
    sink: str | None = None
    render_sha256: str | None = None
    error: str | None = None
    title: str | None = None
    underruns: int | None = None  # the sound card ran dry this often while it aired
    extra: dict = field(default_factory=dict)
    version: int | None = None  # the message version that aired (domain.versions)
    approved_by: str | None = None  # who approved that version
    written_by: str | None = None  # who made that version
    requested_by: str | None = None  # who ordered it, for a play-now
    station: str | None = None  # the code of the station it aired at
    dead_air_s: float | None = None  # seconds of dead air the guard measured (None: not watched)
    relay_source: str | None = None  # a relay: the source code it aired
    dropouts: int | None = None  # a relay: times the source dropped while on air
    fallback_s: float | None = None  # a relay: seconds the fallback filled
