"""The day's programme, as pure functions of (messages, slots, durations, dates).

For each slot occurrence the eligible messages are ordered emergency → priority →
normal, earliest approval first within a priority, and laid end to end with a gap
between items. A message that does not fit the time left goes to ``overflow``
(greedy: a shorter, lower message may still fit after it); overflow is listed
lowest priority and latest approval first, the order in which they were dropped
from the slot.

The station's calendar is a separate step after ``occurrences``: ``mark_quiet`` marks
the holidays and quiet days, where only emergencies air (``domain.calendar``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from .calendar import Calendar, mark_quiet, may_air
from .models import (
    Message,
    MessageStatus,
    Occurrence,
    OverflowItem,
    Programme,
    ProgrammeItem,
    Slot,
)

# Spoken Vietnamese at a news-reading pace, and the fixed parts of a programme item
# (chime in and out, pauses) used until the real audio is rendered.
WORDS_PER_MINUTE = 150.0
CHIMES_S = 6.0
REMINDER_S = 2.0


@dataclass(frozen=True)
class PlanInput:
    messages: tuple[Message, ...]
    slots: tuple[Slot, ...]
    durations: Mapping[int, float]  # rendered durations by message id
    played: Mapping[int, int]  # played airings so far, by message id
    gap_s: float = 2.0
    words_per_minute: float = WORDS_PER_MINUTE
    calendar: Calendar | None = None  # holidays and quiet days; None: every day is ordinary


def estimate_duration(message: Message, words_per_minute: float = WORDS_PER_MINUTE) -> float:
    """Seconds the item will take on air, from its text, before it is rendered."""
    words = len((message.text or "").split())
    speech = words / words_per_minute * 60.0
    repeats = max(1, message.repeat)
    return round(CHIMES_S + speech * repeats + REMINDER_S * (repeats - 1), 1)


def occurrences(slots: Iterable[Slot], first: date, days: int, tz: ZoneInfo) -> list[Occurrence]:
    """Every run of every slot on ``days`` days from ``first``, in time order."""
    result = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        for slot in slots:
            if slot.runs_on(day):
                start = datetime.combine(day, slot.start, tzinfo=tz)
                end = datetime.combine(day, slot.end, tzinfo=tz)
                result.append(Occurrence(slot=slot, day=day, start=start, end=end))
    result.sort(key=lambda o: (o.start, o.slot.code))
    return result


def order_key(message: Message) -> tuple:
    """Higher priority first, then earliest approval, then lowest id."""
    approved = message.approved_at or datetime.max.replace(tzinfo=UTC)
    return (-int(message.priority), approved, message.id)


def plan(data: PlanInput, first: date, days: int, tz: ZoneInfo) -> list[Programme]:
    """Programmes for every slot occurrence from ``first`` for ``days`` days.

    ``max_airings`` counts airings already played plus those planned earlier in
    the range, so a message capped at 3 fills only its first 3 occurrences.
    """
    ordered = sorted(
        (m for m in data.messages if m.status == MessageStatus.APPROVED), key=order_key
    )
    by_slot: dict[str, list[Message]] = {}
    for message in ordered:
        for code in message.slots:
            by_slot.setdefault(code, []).append(message)
    remaining = {
        m.id: m.max_airings - data.played.get(m.id, 0) for m in ordered if m.max_airings is not None
    }
    runs = occurrences(data.slots, first, days, tz)
    if data.calendar is not None:
        runs = mark_quiet(runs, data.calendar)
    programmes = []
    for occ in runs:
        candidates = [
            m
            for m in by_slot.get(occ.slot.code, ())
            if m.valid_on(occ.day) and remaining.get(m.id, 1) > 0 and may_air(m, occ)
        ]
        programme = fill(occ, candidates, data)
        for item in programme.items:
            if item.message_id in remaining:
                remaining[item.message_id] -= 1
        programmes.append(programme)
    return programmes


def duration_of(message: Message, data: PlanInput) -> tuple[float, bool]:
    known = data.durations.get(message.id)
    if known is not None:
        return known, False
    return estimate_duration(message, data.words_per_minute), True


def fill(occ: Occurrence, candidates: list[Message], data: PlanInput) -> Programme:
    """Lay ``candidates`` (already in air order) into the occurrence."""
    items: list[ProgrammeItem] = []
    dropped: list[OverflowItem] = []
    cursor = occ.start
    for message in candidates:
        duration, estimated = duration_of(message, data)
        start = cursor if not items else cursor + timedelta(seconds=data.gap_s)
        if start + timedelta(seconds=duration) > occ.end:
            dropped.append(
                OverflowItem(message.id, message.title, message.priority, duration, estimated)
            )
            continue
        items.append(
            ProgrammeItem(
                message_id=message.id,
                title=message.title,
                priority=message.priority,
                blocks=message.blocks,
                start=start,
                duration_s=duration,
                estimated=estimated,
            )
        )
        cursor = start + timedelta(seconds=duration)
    dropped.reverse()
    return Programme(occurrence=occ, items=tuple(items), overflow=tuple(dropped))
