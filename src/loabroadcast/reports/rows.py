"""Report rows from the as-run log and the plan: pure functions, standard library only.

What is counted (every figure of a row, and of the total):

``airings``
    as-run rows that went on air: ``played`` (in full), ``preempted`` (cut by an
    emergency, phát ngay), ``interrupted`` (the daemon stopped), ``playing`` (on air
    now, or a crash not yet recovered). A pre-empted item that airs again later counts
    twice: it went on air twice.
``seconds_aired`` (shown as minutes aired)
    the time on air, ``ended_at - started_at`` of every row that has both, whatever its
    status: a failure during an item counts the seconds that were heard. Each row is
    rounded to a whole second first, so every breakdown adds up exactly.
``seconds_requested`` (minutes requested)
    what the plan asked for in the period: for every slot occurrence of the period that
    was due (it had started when the report was made), the planned duration (the
    rendered audio, else the planner's estimate) of every message the plan wanted in it,
    the items placed and the overflow that did not fit, counting only messages approved
    before the occurrence began; and for every play-now request of the period, the
    duration of its message. Missed items, overflow and failures show as the gap between
    requested and aired. The plan is made from the store as it is when the report is
    made (a message edited since is planned as it is now; messages that expired since
    are still planned on the days they were valid; cancelled ones are not).
``missed``, ``failed``, ``preempted``, ``interrupted``
    as-run rows of that status (a missed item never aired; see the player).
``dead_air_s``
    seconds of silence the dead-air guard logged during the rows (0 until the guard
    exists; ``store.report_reads`` reads it from one place).

Rows still ``claimed`` (not started) are not counted. An airing reaching several blocks
counts in the row of each block (``--by block``): the rows of a block breakdown add up to
more than the total, which counts each airing once. Every other breakdown is a partition:
its rows add up to its total, which is the log's total for the period.

Relays (tiếp âm) are their own category whatever category the officer typed: a message
whose content kind is ``relay`` lands in :data:`RELAY`. Labels are left to the presenters
(``reports.present``); keys starting with ``(`` are this module's sentinels.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta

from ..domain import AiringStatus, Priority, Programme

RELAY = "(relay)"  # the relays' category
NONE = "(none)"  # no category, no source, no block
PLAY_NOW = "(play-now)"  # the "slot" of play-now airings

ON_AIR = frozenset(
    {
        AiringStatus.PLAYED,
        AiringStatus.PREEMPTED,
        AiringStatus.INTERRUPTED,
        AiringStatus.PLAYING,
    }
)


class Dimension(enum.StrEnum):
    CATEGORY = "category"
    BLOCK = "block"
    PRIORITY = "priority"
    MESSAGE = "message"
    SLOT = "slot"
    DAY = "day"
    SOURCE = "source"


class ContentKind(enum.StrEnum):
    """What a message airs: read text, a recording, or a live relay (tiếp âm, later)."""

    SPEECH = "speech"
    RECORDING = "recording"
    RELAY = "relay"


@dataclass(frozen=True)
class MessageInfo:
    """What a report needs of a message."""

    id: int
    title: str
    priority: Priority = Priority.NORMAL
    category: str | None = None
    source: str | None = None
    kind: ContentKind = ContentKind.SPEECH
    approved_by: str | None = None
    approved_at: datetime | None = None


@dataclass(frozen=True)
class Aired:
    """One as-run row of the period (``claimed`` rows are left out before)."""

    message_id: int
    day: date  # station day of the occurrence (play-now: of ``scheduled_at``)
    status: AiringStatus
    seconds: int = 0  # on air, rounded
    slot: str | None = None  # None: play-now
    blocks: tuple[str, ...] = ()
    dead_air_s: int = 0
    at: datetime | None = None  # station time it started, else was scheduled
    requested_by: str | None = None  # play-now: who ordered it


@dataclass(frozen=True)
class Requested:
    """What the plan (or a play-now request) asked to air."""

    message_id: int
    day: date
    seconds: int
    slot: str | None = None  # None: play-now
    blocks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Catalogue:
    """Names and order of what rows are keyed by."""

    messages: Mapping[int, MessageInfo]
    blocks: Mapping[str, str] = field(default_factory=dict)  # code -> name
    slots: Mapping[str, tuple[time, str]] = field(default_factory=dict)  # code -> (start, name)

    def message(self, message_id: int) -> MessageInfo:
        known = self.messages.get(message_id)
        return known if known is not None else MessageInfo(message_id, f"#{message_id}")


@dataclass(frozen=True)
class Figures:
    airings: int = 0
    seconds_aired: int = 0
    seconds_requested: int = 0
    missed: int = 0
    failed: int = 0
    preempted: int = 0
    interrupted: int = 0
    dead_air_s: int = 0

    def __add__(self, other: Figures) -> Figures:
        return Figures(*(getattr(self, f) + getattr(other, f) for f in FIGURES))

    @property
    def empty(self) -> bool:
        return self == Figures()


FIGURES = tuple(f.name for f in fields(Figures))


class _Tally:
    __slots__ = FIGURES

    def __init__(self) -> None:
        for name in FIGURES:
            setattr(self, name, 0)

    def aired(self, row: Aired) -> None:
        self.seconds_aired += row.seconds
        self.dead_air_s += row.dead_air_s
        status = row.status
        if status in ON_AIR:
            self.airings += 1
        if status == AiringStatus.MISSED:
            self.missed += 1
        elif status == AiringStatus.FAILED:
            self.failed += 1
        elif status == AiringStatus.PREEMPTED:
            self.preempted += 1
        elif status == AiringStatus.INTERRUPTED:
            self.interrupted += 1

    def requested(self, row: Requested) -> None:
        self.seconds_requested += row.seconds

    def freeze(self) -> Figures:
        return Figures(*(getattr(self, name) for name in FIGURES))


@dataclass(frozen=True)
class Row:
    key: str
    label: str | None  # the name people know it by; None: the presenter words the key
    figures: Figures


@dataclass(frozen=True)
class Breakdown:
    by: Dimension
    rows: tuple[Row, ...]
    total: Figures


# --- keys ------------------------------------------------------------------------------


def category_of(message: MessageInfo) -> str:
    """A relay's category is :data:`RELAY`; else what the officer typed, or :data:`NONE`."""
    if message.kind == ContentKind.RELAY:
        return RELAY
    return (message.category or "").strip() or NONE


def source_of(message: MessageInfo) -> str:
    """The message's reference document (``msg add --source``), or :data:`NONE`."""
    return (message.source or "").strip() or NONE


def keys_of(
    by: Dimension, message: MessageInfo, day: date, slot: str | None, blocks: Sequence[str]
) -> tuple[str, ...]:
    """The rows one airing (or request) counts in: one, or one per block."""
    if by == Dimension.CATEGORY:
        return (category_of(message),)
    if by == Dimension.BLOCK:
        return tuple(dict.fromkeys(blocks)) or (NONE,)
    if by == Dimension.PRIORITY:
        return (message.priority.label,)
    if by == Dimension.MESSAGE:
        return (str(message.id),)
    if by == Dimension.SLOT:
        return (slot or PLAY_NOW,)
    if by == Dimension.DAY:
        return (day.isoformat(),)
    return (source_of(message),)


# --- breakdowns --------------------------------------------------------------------------


def breakdown(
    by: Dimension | str,
    aired: Iterable[Aired],
    requested: Iterable[Requested],
    catalogue: Catalogue,
) -> Breakdown:
    """The rows of ``by`` and the total (each airing once) of the period."""
    by = Dimension(by)
    tallies: dict[str, _Tally] = {}
    total = _Tally()
    labels: dict[str, str | None] = {}
    for row in aired:
        message = catalogue.message(row.message_id)
        total.aired(row)
        for key in keys_of(by, message, row.day, row.slot, row.blocks):
            _tally(tallies, key).aired(row)
            labels.setdefault(key, _label(by, key, message, catalogue))
    for row in requested:
        message = catalogue.message(row.message_id)
        total.requested(row)
        for key in keys_of(by, message, row.day, row.slot, row.blocks):
            _tally(tallies, key).requested(row)
            labels.setdefault(key, _label(by, key, message, catalogue))
    rows = [Row(key, labels[key], tally.freeze()) for key, tally in tallies.items()]
    rows.sort(key=_order(by, catalogue))
    return Breakdown(by, tuple(rows), total.freeze())


def _tally(tallies: dict[str, _Tally], key: str) -> _Tally:
    found = tallies.get(key)
    if found is None:
        found = tallies[key] = _Tally()
    return found


def _label(by: Dimension, key: str, message: MessageInfo, catalogue: Catalogue) -> str | None:
    if key.startswith("("):
        return None
    if by == Dimension.BLOCK:
        return catalogue.blocks.get(key, key)
    if by == Dimension.SLOT:
        return catalogue.slots.get(key, (None, ""))[1] or None
    if by == Dimension.MESSAGE:
        return message.title
    if by in (Dimension.CATEGORY, Dimension.SOURCE):
        return key
    return None  # priority, day: worded by the presenter


def _order(by: Dimension, catalogue: Catalogue):
    special = (RELAY, NONE, PLAY_NOW)

    def last(row: Row) -> int:
        return 1 if row.key in (NONE, PLAY_NOW) else 0

    if by == Dimension.DAY:
        return lambda row: row.key
    if by == Dimension.PRIORITY:
        return lambda row: -int(Priority[row.key.upper()])
    if by == Dimension.MESSAGE:
        return lambda row: int(row.key)
    if by == Dimension.SLOT:
        noon = time(12)
        return lambda row: (last(row), catalogue.slots.get(row.key, (noon, ""))[0], row.key)
    if by == Dimension.BLOCK:
        return lambda row: (last(row), row.key)
    # category, source: most aired first; the relays with the rest, "none" last
    return lambda row: (last(row), -row.figures.seconds_aired, row.key in special, row.key)


# --- what the plan asked for --------------------------------------------------------------


def requested_from_plan(
    programmes: Iterable[Programme],
    messages: Mapping[int, MessageInfo],
    blocks_of: Mapping[int, tuple[str, ...]],
    now: datetime,
    first: date,
    last: date,
) -> list[Requested]:
    """Every message the plan wanted in the due occurrences of [first, last]: the items
    placed and the overflow, of messages approved before the occurrence began."""
    asked = []
    for programme in programmes:
        occ = programme.occurrence
        if occ.start > now or not first <= occ.day <= last:
            continue
        wanted = [(i.message_id, i.duration_s) for i in programme.items]
        wanted += [(o.message_id, o.duration_s) for o in programme.overflow]
        for message_id, seconds in wanted:
            info = messages.get(message_id)
            approved = info.approved_at if info is not None else None
            if approved is not None and approved > occ.start:
                continue
            asked.append(
                Requested(
                    message_id,
                    occ.day,
                    round(seconds),
                    occ.slot.code,
                    blocks_of.get(message_id, ()),
                )
            )
    return asked


# --- the periodic report -------------------------------------------------------------------


@dataclass(frozen=True)
class Emergency:
    """One as-run row of an emergency message, with who ordered it."""

    message_id: int
    title: str
    at: datetime | None
    day: date
    slot: str | None
    blocks: tuple[str, ...]
    status: AiringStatus
    seconds: int
    ordered_by: str | None  # play-now: who asked for it; else who approved the message
    approved_by: str | None


@dataclass(frozen=True)
class Week:
    first: date
    last: date


@dataclass(frozen=True)
class Summary:
    """The figures of the periodic report (``loa report --format pdf|xlsx``)."""

    first: date
    last: date
    total: Figures
    sessions: int  # broadcast sessions on air: slot occurrences + play-now airings
    own_seconds: int
    relay_seconds: int
    emergency_airings: int
    by_category: Breakdown
    by_block: Breakdown
    emergencies: tuple[Emergency, ...]
    weeks: tuple[Week, ...]
    weekly: Mapping[str, tuple[int, ...]]  # category key -> seconds aired per week

    @property
    def empty(self) -> bool:
        return self.total.empty


def weeks_of(first: date, last: date) -> tuple[Week, ...]:
    """Weeks Monday to Sunday, cut to [first, last]."""
    weeks = []
    day = first
    while day <= last:
        end = min(last, day + timedelta(days=6 - day.weekday()))
        weeks.append(Week(day, end))
        day = end + timedelta(days=1)
    return tuple(weeks)


def summary(
    aired: Sequence[Aired],
    requested: Sequence[Requested],
    catalogue: Catalogue,
    first: date,
    last: date,
) -> Summary:
    sessions: set[tuple[str, date]] = set()
    play_now = own = relay = emergency_airings = 0
    emergencies = []
    weeks = weeks_of(first, last)
    week_of = {}
    for index, week in enumerate(weeks):
        for offset in range((week.last - week.first).days + 1):
            week_of[week.first + timedelta(days=offset)] = index
    weekly: dict[str, list[int]] = {}
    for row in aired:
        message = catalogue.message(row.message_id)
        on_air = row.status in ON_AIR
        if on_air:
            if row.slot is None:
                play_now += 1
            else:
                sessions.add((row.slot, row.day))
        if message.kind == ContentKind.RELAY:
            relay += row.seconds
        else:
            own += row.seconds
        category = category_of(message)
        if row.seconds and row.day in week_of:
            weekly.setdefault(category, [0] * len(weeks))[week_of[row.day]] += row.seconds
        if message.priority == Priority.EMERGENCY:
            emergency_airings += on_air
            emergencies.append(
                Emergency(
                    message.id,
                    message.title,
                    row.at,
                    row.day,
                    row.slot,
                    row.blocks,
                    row.status,
                    row.seconds,
                    row.requested_by or message.approved_by,
                    message.approved_by,
                )
            )
    emergencies.sort(key=lambda e: (e.day, e.at.timestamp() if e.at else 0.0, e.message_id))
    by_category = breakdown(Dimension.CATEGORY, aired, requested, catalogue)
    order = [r.key for r in by_category.rows]
    return Summary(
        first=first,
        last=last,
        total=by_category.total,
        sessions=len(sessions) + play_now,
        own_seconds=own,
        relay_seconds=relay,
        emergency_airings=emergency_airings,
        by_category=by_category,
        by_block=breakdown(Dimension.BLOCK, aired, requested, catalogue),
        emergencies=tuple(emergencies),
        weeks=weeks,
        weekly={key: tuple(weekly[key]) for key in order if key in weekly},
    )
