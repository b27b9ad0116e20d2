"""Slots on the days the clocks change (Europe/Berlin, 2027): one rule, table-driven.

A wall time in the spring gap means the instant the clocks jump; a wall time in the autumn
fold means its first occurrence; an occurrence never ends before it starts, never outlasts
its slot, never overlaps another.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loabroadcast.domain import Message, MessageStatus, Slot
from loabroadcast.domain.planner import PlanInput, occurrences, plan, resolve

BERLIN = ZoneInfo("Europe/Berlin")
SPRING = date(2027, 3, 28)  # 02:00 CET -> 03:00 CEST
AUTUMN = date(2027, 10, 31)  # 03:00 CEST -> 02:00 CET


def utc(day: date, hh: int, mm: int) -> datetime:
    return datetime.combine(day, time(hh, mm), UTC)


def hm(text: str) -> time:
    return time.fromisoformat(text)


@pytest.mark.parametrize(
    ("day", "wall", "instant", "kind"),
    [
        (SPRING, "01:59", utc(SPRING, 0, 59), None),
        (SPRING, "02:00", utc(SPRING, 1, 0), "gap"),
        (SPRING, "02:30", utc(SPRING, 1, 0), "gap"),  # the jump: 03:00 CEST
        (SPRING, "03:00", utc(SPRING, 1, 0), None),
        (AUTUMN, "01:59", utc(date(2027, 10, 30), 23, 59), None),
        (AUTUMN, "02:30", utc(AUTUMN, 0, 30), "fold"),  # the first 02:30 (CEST)
        (AUTUMN, "03:00", utc(AUTUMN, 2, 0), None),
    ],
)
def test_resolve_wall_times(day, wall, instant, kind):
    assert resolve(day, hm(wall), BERLIN) == (instant, kind)


# (slot start, end) -> (UTC start, UTC end, clock_change)
SPRING_TABLE = [
    (("02:30", "02:45"), ((1, 0), (1, 15), "gap")),  # wholly skipped: from the jump, 15 min
    (("02:30", "03:30"), ((1, 0), (1, 30), "gap")),  # 03:00-03:30 CEST
    (("02:50", "03:20"), ((1, 0), (1, 20), "gap")),  # 03:00-03:20 CEST, not "end < start"
    (("01:50", "02:20"), ((0, 50), (1, 0), "gap")),  # 01:50 CET - 03:00 CEST: 10 real min
    (("01:30", "03:30"), ((0, 30), (1, 30), "gap")),  # the hour is gone: 1 h, not 2
    (("06:00", "06:30"), ((4, 0), (4, 30), None)),
]
AUTUMN_TABLE = [
    (("02:30", "03:00"), ((0, 30), (1, 0), "fold")),  # 30 real minutes, not 90
    (("02:15", "02:45"), ((0, 15), (0, 45), "fold")),  # the first pass only
    (("01:30", "02:30"), ((23, 30), (0, 30), "fold")),
    (("02:45", "03:15"), ((0, 45), (1, 15), "fold")),  # ends 02:15 CET: 30 real minutes
    (("01:00", "04:00"), ((23, 0), (2, 0), "fold")),  # 3 h, not 4
    (("12:00", "12:30"), ((11, 0), (11, 30), None)),
]


def _expected(day: date, start, end, kind):
    def at(hh_mm):
        hh, mm = hh_mm
        return utc(day, hh, mm) - (timedelta(days=1) if hh >= 22 else timedelta(0))

    return at(start), at(end), kind


@pytest.mark.parametrize(
    ("day", "slot", "expected"),
    [(SPRING, s, e) for s, e in SPRING_TABLE] + [(AUTUMN, s, e) for s, e in AUTUMN_TABLE],
    ids=lambda v: "-".join(v) if isinstance(v, tuple) and isinstance(v[0], str) else None,
)
def test_one_slot_on_a_change_day(day, slot, expected):
    code_slot = Slot("s", hm(slot[0]), hm(slot[1]))
    [occ] = occurrences([code_slot], day, 1, BERLIN)
    assert (occ.start, occ.end, occ.clock_change) == _expected(day, *expected)
    assert timedelta(0) <= occ.end - occ.start <= timedelta(seconds=code_slot.length_s)


def test_skipped_slots_run_after_the_jump_in_order_and_never_into_the_next():
    slots = [
        Slot("a", hm("02:10"), hm("02:20")),
        Slot("b", hm("02:40"), hm("03:10")),
        Slot("c", hm("03:20"), hm("03:40")),
    ]
    a, b, c = occurrences(slots, SPRING, 1, BERLIN)
    assert [o.slot.code for o in (a, b, c)] == ["a", "b", "c"]
    assert (a.start, a.end) == (utc(SPRING, 1, 0), utc(SPRING, 1, 10))  # 03:00-03:10 CEST
    assert (b.start, b.end) == (utc(SPRING, 1, 10), utc(SPRING, 1, 10))  # its end has passed
    assert (c.start, c.end, c.clock_change) == (utc(SPRING, 1, 20), utc(SPRING, 1, 40), None)
    crowded = [Slot("a", hm("02:30"), hm("02:45")), Slot("x", hm("03:00"), hm("03:10"))]
    a, x = occurrences(crowded, SPRING, 1, BERLIN)
    assert a.start == a.end == x.start  # no time left before x: nothing airs in a
    assert a.clock_change == "gap" and x.length_s == 600


def test_times_carry_the_offset_they_have():
    [occ] = occurrences([Slot("f", hm("02:30"), hm("03:00"))], AUTUMN, 1, BERLIN)
    assert occ.start.isoformat() == "2027-10-31T02:30:00+02:00"
    assert occ.end.isoformat() == "2027-10-31T02:00:00+01:00"
    assert (occ.start + timedelta(minutes=30)) == occ.end  # plain arithmetic is exact


def _approved(mid: int, slot: str) -> Message:
    return Message(
        id=mid,
        title=f"Tin {mid}",
        status=MessageStatus.APPROVED,
        text="một hai ba",
        blocks=("K1",),
        slots=(slot,),
        approved_at=datetime(2027, 1, 1, tzinfo=UTC) + timedelta(minutes=mid),
    )


def test_items_fill_real_time_on_both_days():
    durations = {1: 600.0, 2: 900.0, 3: 1200.0, 4: 900.0}
    spring = PlanInput(
        (_approved(1, "b"), _approved(2, "b")), (Slot("b", hm("02:50"), hm("03:20")),),
        durations, {}, gap_s=0.0,
    )  # fmt: skip
    [b] = plan(spring, SPRING, 1, BERLIN)
    # 02:50-03:20 has 20 real minutes on 28/03, from 03:00: the first item fits, not the second
    assert [i.message_id for i in b.items] == [1]
    assert [o.message_id for o in b.overflow] == [2]
    assert b.items[0].start == utc(SPRING, 1, 0)
    autumn = PlanInput(
        (_approved(3, "f"), _approved(4, "f")), (Slot("f", hm("02:30"), hm("03:00")),),
        durations, {}, gap_s=0.0,
    )  # fmt: skip
    [f] = plan(autumn, AUTUMN, 1, BERLIN)
    # 02:30-03:00 on 31/10 has 30 real minutes, not 90
    assert [i.message_id for i in f.items] == [3]
    assert [o.message_id for o in f.overflow] == [4]
    assert f.items[0].end <= f.occurrence.end


ZONES = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "America/Santiago"]
CHANGE_DAYS = {
    "Europe/Berlin": [SPRING, AUTUMN],
    "America/New_York": [date(2027, 3, 14), date(2027, 11, 7)],
    "Australia/Lord_Howe": [date(2027, 4, 4), date(2027, 10, 3)],  # 30-minute changes
    "America/Santiago": [date(2027, 4, 4), date(2027, 9, 5)],  # at midnight
}


@st.composite
def day_of_slots(draw):
    """A few slots that do not overlap in wall time (as `loa slot add` guarantees)."""
    cuts = sorted(draw(st.sets(st.integers(0, 24 * 12 - 1), min_size=2, max_size=10)))
    slots = []
    for n, (a, b) in enumerate(zip(cuts[::2], cuts[1::2], strict=False)):
        start, end = a * 300, b * 300
        slots.append(Slot(f"s{n}", time(start // 3600, start // 60 % 60), _t(end)))
    return slots


def _t(seconds: int) -> time:
    return time(seconds // 3600, seconds // 60 % 60)


@settings(max_examples=150, deadline=None)
@given(zone=st.sampled_from(ZONES), which=st.integers(0, 1), slots=day_of_slots())
def test_any_zone_any_slots_never_wrong(zone, which, slots):
    tz = ZoneInfo(zone)
    day = CHANGE_DAYS[zone][which]
    found = occurrences(slots, day - timedelta(days=1), 3, tz)
    by_code = {s.code: s for s in slots}
    for occ in found:
        assert occ.start <= occ.end
        assert (occ.end - occ.start).total_seconds() <= by_code[occ.slot.code].length_s
    for one, two in zip(found, found[1:], strict=False):
        assert one.end <= two.start  # in time order, never overlapping
