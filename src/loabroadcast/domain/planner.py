"""The day's programme, as pure functions of (messages, slots, durations, dates).

For each slot occurrence the eligible messages are ordered emergency → priority →
normal, earliest approval first within a priority, and laid end to end with a gap
between items. A message that does not fit the time left goes to ``overflow``
(greedy: a shorter, lower message may still fit after it); overflow is listed
lowest priority and latest approval first, the order in which they were dropped
from the slot.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

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


def estimate_duration(message: Message, words_per_minute: float = WORDS_PER_MINUTE) -> float:
    """Seconds the item will take on air, from its text, before it is rendered."""
    words = len((message.text or "").split())
    speech = words / words_per_minute * 60.0
    repeats = max(1, message.repeat)
    return round(CHIMES_S + speech * repeats + REMINDER_S * (repeats - 1), 1)


def occurrences(slots: Iterable[Slot], first: date, days: int, tz: ZoneInfo) -> list[Occurrence]:
    """Every run of every slot on ``days`` days from ``first``, in time order.

    Slot times are wall-clock times in ``tz``; on a day the clocks change they are read by
    one rule (:func:`day_occurrences`), and every instant is returned with the fixed UTC
    offset it has, so arithmetic and comparisons on it are exact.
    """
    result: list[Occurrence] = []
    slots = tuple(slots)
    for offset in range(days):
        day = first + timedelta(days=offset)
        result.extend(day_occurrences([s for s in slots if s.runs_on(day)], day, tz))
    result.sort(key=lambda o: (o.start, o.slot.start, o.slot.code))
    return result


def day_occurrences(slots: Iterable[Slot], day: date, tz: ZoneInfo) -> list[Occurrence]:
    """The runs of ``slots`` on ``day``, read by the station's rule for clock changes.

    * A wall time that happens twice (the clocks go back) means its **first** occurrence,
      as in RFC 5545: 02:30 on 31/10/2027 in Berlin is 02:30 summer time.
    * A wall time that does not exist (the clocks go forward) means the **instant the
      clocks jump**: 02:30 on 28/03/2027 in Berlin is 03:00 summer time.
    * An occurrence never runs longer than its slot: its end is the slot's end so read, or
      its start plus the slot's length, whichever comes first (a 02:30-03:00 slot on the day
      the clocks go back runs 30 real minutes, not 90).
    * Slots that start in the skipped hour run as soon as the clocks have jumped, one after
      the other in the order of their wall times, each until its own end (or for its own
      length when that end was skipped too), and never into the next slot: a slot that
      finds no time left has none that day (zero length: nothing airs in it).

    So an occurrence never ends before it starts, never outlasts its slot, and never
    overlaps another. Occurrences touched by a change carry ``clock_change`` ("gap" or
    "fold") so that the schedule can say so.
    """
    placed: list[Occurrence] = []
    skipped: list[tuple[Slot, datetime, datetime | None, str | None]] = []
    for slot in sorted(slots, key=lambda s: (s.start, s.code)):
        start, start_kind = resolve(day, slot.start, tz)
        end, end_kind = resolve(day, slot.end, tz)
        length = timedelta(seconds=slot.length_s)
        if start_kind == "gap":
            skipped.append((slot, start, None if end_kind == "gap" else end, end_kind))
            continue
        end = min(end, start + length)
        change = start_kind or end_kind or _change_between(start, end, tz)
        placed.append(_occurrence(slot, day, start, end, tz, change))
    if skipped:
        placed.extend(_after_the_jump(skipped, placed, day, tz))
    return placed


def _after_the_jump(skipped, placed: list[Occurrence], day: date, tz) -> list[Occurrence]:
    """The slots that start in the skipped hour, laid from the jump on (see above)."""
    jump = skipped[0][1]
    later = [o.start for o in placed if o.start >= jump]
    bound = min(later) if later else None
    cursor = jump
    result = []
    for slot, _, end, _ in skipped:
        start = cursor
        length = timedelta(seconds=slot.length_s)
        stop = start + length if end is None else min(end, start + length)
        if bound is not None:
            stop, start = min(stop, bound), min(start, bound)
        stop = max(stop, start)
        result.append(_occurrence(slot, day, start, stop, tz, "gap"))
        cursor = stop
    return result


def _occurrence(slot: Slot, day: date, start, end, tz, change: str | None) -> Occurrence:
    return Occurrence(slot, day, _fixed(start, tz), _fixed(end, tz), change)


def _fixed(instant: datetime, tz: ZoneInfo) -> datetime:
    """``instant`` in station time with the fixed UTC offset it has (exact arithmetic)."""
    local = instant.astimezone(tz)
    return local.replace(tzinfo=timezone(local.utcoffset() or timedelta(0)))


def resolve(day: date, wall: time, tz: ZoneInfo) -> tuple[datetime, str | None]:
    """The instant (UTC) that ``wall`` on ``day`` means in ``tz``, and whether it fell in
    a gap or a fold: the first of two readings in a fold, the jump's instant in a gap."""
    naive = datetime.combine(day, wall)
    earlier = naive.replace(tzinfo=tz, fold=0).astimezone(UTC)
    later = naive.replace(tzinfo=tz, fold=1).astimezone(UTC)
    if earlier == later:
        return earlier, None
    if earlier < later:  # the wall time happens twice
        return earlier, "fold"
    return _jump_between(later, earlier, tz), "gap"  # fold=1 reads the gap too early


def _jump_between(before: datetime, after: datetime, tz: ZoneInfo) -> datetime:
    """The instant in (before, after] where the UTC offset of ``tz`` changes (to a second)."""
    offset = before.astimezone(tz).utcoffset()
    low, high = before, after
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(tz).utcoffset() == offset:
            low = middle
        else:
            high = middle
    return high.replace(microsecond=0) if high.microsecond else high


def _change_between(start: datetime, end: datetime, tz: ZoneInfo) -> str | None:
    """ "gap" or "fold" when the clocks change between ``start`` and ``end``."""
    before, after = start.astimezone(tz).utcoffset(), end.astimezone(tz).utcoffset()
    if before is None or after is None or before == after:
        return None
    return "gap" if after > before else "fold"


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
    programmes = []
    for occ in occurrences(data.slots, first, days, tz):
        candidates = [
            m
            for m in by_slot.get(occ.slot.code, ())
            if m.valid_on(occ.day) and remaining.get(m.id, 1) > 0
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
