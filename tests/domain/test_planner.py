"""The planner is pure: messages, slots and durations in, programmes out."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from loabroadcast.domain import Message, MessageStatus, Priority, Slot
from loabroadcast.domain.planner import PlanInput, estimate_duration, occurrences, plan

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DAY = date(2026, 3, 10)  # a Tuesday
SANG = Slot("sang", time(6, 0), time(6, 30))
CHIEU = Slot("chieu", time(17, 0), time(17, 10), weekdays=frozenset({0, 2, 4}))
APPROVED_AT = datetime(2026, 3, 1, tzinfo=UTC)


def msg(mid, priority=Priority.NORMAL, approved=0, slots=("sang",), **kw) -> Message:
    fields = dict(
        id=mid,
        title=f"Tin {mid}",
        priority=priority,
        status=MessageStatus.APPROVED,
        text="một hai ba",
        blocks=("K1",),
        slots=slots,
        approved_at=APPROVED_AT + timedelta(minutes=approved),
    )
    fields.update(kw)
    return Message(**fields)


def run(messages, durations=None, slots=(SANG,), first=DAY, days=1, played=None, gap=0.0):
    data = PlanInput(
        messages=tuple(messages),
        slots=tuple(slots),
        durations={m.id: 60.0 for m in messages} if durations is None else durations,
        played=played or {},
        gap_s=gap,
    )
    return plan(data, first, days, TZ)


def ids(programme):
    return [i.message_id for i in programme.items]


def test_priority_then_earliest_approval():
    messages = [
        msg(1, approved=5),
        msg(2, Priority.EMERGENCY, approved=9),
        msg(3, Priority.PRIORITY, approved=1),
        msg(4, approved=2),
        msg(5, Priority.PRIORITY, approved=0),
    ]
    [programme] = run(messages)
    assert ids(programme) == [2, 5, 3, 4, 1]


def test_items_are_laid_end_to_end_with_the_gap():
    [programme] = run([msg(1), msg(2, approved=1)], {1: 40.0, 2: 20.0}, gap=2.0)
    first, second = programme.items
    assert first.start == datetime(2026, 3, 10, 6, 0, tzinfo=TZ)
    assert second.start == first.start + timedelta(seconds=42)
    assert second.start.isoformat() == "2026-03-10T06:00:42+07:00"


def test_estimate_used_until_rendered():
    m = msg(1, text=" ".join(["chữ"] * 150))
    [programme] = run([m], durations={})
    [item] = programme.items
    assert item.estimated is True
    assert item.duration_s == estimate_duration(m) == 66.0
    [programme] = run([m], durations={1: 41.5})
    assert programme.items[0].estimated is False
    assert programme.items[0].duration_s == 41.5


def test_overflow_lowest_priority_latest_approval_first():
    # 30 min slot, each item 10 min: three fit, the last two approved go to overflow.
    messages = [msg(i, approved=i) for i in range(1, 6)]
    [programme] = run(messages, {i: 600.0 for i in range(1, 6)})
    assert ids(programme) == [1, 2, 3]
    assert [o.message_id for o in programme.overflow] == [5, 4]


def test_a_shorter_lower_item_still_fits_after_a_long_one_overflows():
    messages = [msg(1), msg(2, approved=1), msg(3, approved=2)]
    [programme] = run(messages, {1: 600.0, 2: 1500.0, 3: 60.0})
    assert ids(programme) == [1, 3]
    assert [o.message_id for o in programme.overflow] == [2]


def test_emergency_never_overflows_because_of_normal_items():
    messages = [msg(1, approved=0), msg(2, Priority.EMERGENCY, approved=5)]
    [programme] = run(messages, {1: 1700.0, 2: 300.0})
    assert ids(programme) == [2]
    assert programme.overflow[0].message_id == 1


def test_only_approved_messages_inside_their_dates_air():
    messages = [
        msg(1, status=MessageStatus.DRAFT),
        msg(2, status=MessageStatus.CANCELLED),
        msg(3, valid_from=DAY + timedelta(days=1)),
        msg(4, valid_until=DAY - timedelta(days=1)),
        msg(5, valid_from=DAY, valid_until=DAY),
        msg(6, slots=("chieu",)),
    ]
    [programme] = run(messages)
    assert ids(programme) == [5]


def test_weekdays_of_the_slot():
    # 10/03/2026 is a Tuesday: chieu runs Mon, Wed, Fri only.
    programmes = run([msg(1, slots=("chieu",))], slots=(SANG, CHIEU), days=3)
    assert [(p.occurrence.day.day, p.slot.code) for p in programmes] == [
        (10, "sang"),
        (11, "sang"),
        (11, "chieu"),
        (12, "sang"),
    ]


def test_max_airings_counts_played_and_planned():
    programmes = run([msg(1, max_airings=3)], days=5, played={1: 1})
    assert [ids(p) for p in programmes] == [[1], [1], [], [], []]


def test_occurrences_are_local_time():
    [occ] = occurrences([SANG], DAY, 1, TZ)
    assert occ.start.isoformat() == "2026-03-10T06:00:00+07:00"
    assert occ.length_s == 1800


# --- invariants --------------------------------------------------------------

messages_strategy = st.lists(
    st.builds(
        lambda i, pr, ap, dur, sl: (msg(i, Priority(pr), approved=ap, slots=sl), dur),
        st.integers(1, 10_000),
        st.integers(0, 2),
        st.integers(0, 1000),
        st.floats(1.0, 900.0, allow_nan=False),
        st.sampled_from([("sang",), ("chieu",), ("sang", "chieu")]),
    ),
    max_size=25,
    unique_by=lambda pair: pair[0].id,
)


@settings(max_examples=150, deadline=None)
@given(messages_strategy, st.floats(0.0, 5.0))
def test_invariants(pairs, gap):
    messages = [m for m, _ in pairs]
    durations = {m.id: d for m, d in pairs}
    programmes = run(messages, durations, slots=(SANG, CHIEU), days=2, gap=gap)
    for programme in programmes:
        occ = programme.occurrence
        # nothing outside the slot
        for item in programme.items:
            assert occ.start <= item.start
            assert item.end <= occ.end
        # no overlap, in time order
        for a, b in zip(programme.items, programme.items[1:], strict=False):
            assert a.end <= b.start
        # priority order kept
        keys = [(-int(i.priority)) for i in programme.items]
        assert keys == sorted(keys)
        # items + overflow = eligible messages
        eligible = {m.id for m in messages if occ.slot.code in m.slots}
        placed = ids(programme) + [o.message_id for o in programme.overflow]
        assert sorted(placed) == sorted(eligible)
        # an overflowed message did not fit where it would have gone
        for o in programme.overflow:
            assert o.duration_s > 0


def _naive_plan(data: PlanInput, first: date, days: int) -> list:
    """The planner as first written: every message checked at every occurrence."""
    from loabroadcast.domain.calendar import mark_quiet, may_air
    from loabroadcast.domain.planner import fill, order_key

    ordered = sorted(
        (m for m in data.messages if m.status == MessageStatus.APPROVED), key=order_key
    )
    remaining = {m.id: m.max_airings for m in ordered if m.max_airings is not None}
    runs = occurrences(data.slots, first, days, TZ)
    if data.calendar is not None:
        runs = mark_quiet(runs, data.calendar)
    programmes = []
    for occ in runs:
        candidates = [
            m
            for m in ordered
            if occ.slot.code in m.slots
            and m.valid_on(occ.day)
            and remaining.get(m.id, 1) > 0
            and may_air(m, occ)
        ]
        programme = fill(occ, candidates, data)
        for item in programme.items:
            if item.message_id in remaining:
                remaining[item.message_id] -= 1
        programmes.append(programme)
    return programmes


windowed_strategy = st.lists(
    st.builds(
        lambda i, pr, ap, sl, start, length, cap: msg(
            i,
            Priority(pr),
            approved=ap,
            slots=sl,
            valid_from=None if start is None else DAY + timedelta(days=start),
            valid_until=None if length is None else DAY + timedelta(days=(start or 0) + length),
            max_airings=cap,
        ),
        st.integers(1, 10_000),
        st.integers(0, 2),
        st.integers(0, 1000),
        st.sampled_from([("sang",), ("chieu",), ("sang", "chieu")]),
        st.one_of(st.none(), st.integers(-5, 12)),
        st.one_of(st.none(), st.integers(0, 6)),
        st.one_of(st.none(), st.integers(1, 4)),
    ),
    max_size=30,
    unique_by=lambda m: m.id,
)


@settings(max_examples=150, deadline=None)
@given(windowed_strategy, st.integers(-3, 3), st.integers(1, 14), st.booleans())
def test_day_by_day_validity_matches_checking_every_message(messages, shift, days, quiet):
    from loabroadcast.domain.calendar import DayOff, StationCalendar

    calendar = StationCalendar.of([], [DayOff(1, DAY + timedelta(days=2), DAY + timedelta(3))])
    data = PlanInput(
        messages=tuple(messages),
        slots=(SANG, CHIEU),
        durations={m.id: 30.0 + m.id % 400 for m in messages},
        played={},
        gap_s=1.0,
        calendar=calendar if quiet else None,
    )
    first = DAY + timedelta(days=shift)
    assert plan(data, first, days, TZ) == _naive_plan(data, first, days)
