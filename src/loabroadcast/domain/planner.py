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

from bisect import bisect_left, insort
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from functools import lru_cache
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
    """Seconds the item will take on air, from its text, before it is rendered (a relay
    takes its fixed length)."""
    if message.is_relay and message.duration_s is not None:
        return float(message.duration_s)
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
    return Occurrence(slot, day, _fixed(start, tz), _fixed(end, tz), clock_change=change)


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
    remaining = {
        m.id: m.max_airings - data.played.get(m.id, 0) for m in ordered if m.max_airings is not None
    }
    lengths = {m.id: duration_of(m, data) for m in ordered}
    runs = occurrences(data.slots, first, days, tz)
    if data.calendar is not None:
        runs = mark_quiet(runs, data.calendar)
    valid = ValidBySlot(ordered)
    programmes = []
    for occ in runs:
        candidates = [
            m
            for m in valid.on(occ.day, occ.slot.code)
            if remaining.get(m.id, 1) > 0 and may_air(m, occ)
        ]
        programme = fill(occ, candidates, data, lengths)
        for item in programme.items:
            if item.message_id in remaining:
                remaining[item.message_id] -= 1
        programmes.append(programme)
    return programmes


class ValidBySlot:
    """The messages valid on a day, by slot, in the order given (air order).

    Kept up to date day by day as validity windows open and close, so a year of
    occurrences costs one insertion and one removal per message, not a check of every
    message at every occurrence. Days are asked in order; an earlier day starts over.
    """

    def __init__(self, ordered: Iterable[Message]):
        self._opens: dict[date, list[tuple[int, Message]]] = {}
        self._closes: dict[date, list[tuple[int, Message]]] = {}
        for rank, m in enumerate(ordered):
            if m.valid_from and m.valid_until and m.valid_until < m.valid_from:
                continue  # valid on no day
            self._opens.setdefault(m.valid_from or date.min, []).append((rank, m))
            if m.valid_until and m.valid_until < date.max:
                self._closes.setdefault(m.valid_until + timedelta(days=1), []).append((rank, m))
        self._events = sorted(self._opens.keys() | self._closes.keys())
        self._reset()

    def _reset(self) -> None:
        self._next = 0
        self._day: date | None = None
        self._active: dict[str, list[tuple[int, Message]]] = {}

    def on(self, day: date, slot: str) -> Iterator[Message]:
        if self._day is not None and day < self._day:
            self._reset()
        self._day = day
        while self._next < len(self._events) and self._events[self._next] <= day:
            event = self._events[self._next]
            for rank, m in self._closes.get(event, ()):
                for code in m.slots:
                    active = self._active[code]
                    del active[bisect_left(active, (rank,))]
            for entry in self._opens.get(event, ()):
                for code in entry[1].slots:
                    insort(self._active.setdefault(code, []), entry)
            self._next += 1
        return (m for _, m in self._active.get(slot, ()))


def duration_of(message: Message, data: PlanInput) -> tuple[float, bool]:
    """(seconds on air, estimated?): a relay's fixed length, a render's length, or an
    estimate from the text until it is rendered."""
    if message.is_relay and message.duration_s is not None:
        return float(message.duration_s), False
    known = data.durations.get(message.id)
    if known is not None:
        return known, False
    return estimate_duration(message, data.words_per_minute), True


_MICROSECOND = timedelta(microseconds=1)


@lru_cache(maxsize=8192)
def _micro(seconds: float) -> int:
    """``timedelta(seconds=seconds)`` in whole microseconds (rounded as timedelta does)."""
    return timedelta(seconds=seconds) // _MICROSECOND


def fill(
    occ: Occurrence,
    candidates: list[Message],
    data: PlanInput,
    lengths: Mapping[int, tuple[float, bool]] | None = None,
) -> Programme:
    """Lay ``candidates`` (already in air order) into the occurrence; ``lengths`` holds
    ``duration_of`` each message when it was worked out beforehand."""
    items: list[ProgrammeItem] = []
    dropped: list[OverflowItem] = []
    # Whole microseconds, as datetime arithmetic counts them (a year of runs lays
    # hundreds of thousands of candidates: ints are quicker than datetimes).
    room = (occ.end - occ.start) // _MICROSECOND
    gap = _micro(data.gap_s)
    cursor = 0
    for message in candidates:
        known = lengths.get(message.id) if lengths is not None else None
        duration, estimated = known or duration_of(message, data)
        offset = cursor if not items else cursor + gap
        if offset + _micro(duration) > room:
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
                start=occ.start + timedelta(microseconds=offset),
                duration_s=duration,
                estimated=estimated,
                relay_source=message.relay_source,  # None but for a relay
            )
        )
        cursor = offset + _micro(duration)
    dropped.reverse()
    return Programme(occurrence=occ, items=tuple(items), overflow=tuple(dropped))
