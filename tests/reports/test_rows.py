"""``reports.rows`` and ``reports.period``: pure, table-driven (no database, no clock)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from loabroadcast.domain import (
    AiringStatus,
    Occurrence,
    OverflowItem,
    Priority,
    Programme,
    ProgrammeItem,
    Slot,
)
from loabroadcast.reports.period import Period, check_range, parse_month
from loabroadcast.reports.rows import (
    NONE,
    PLAY_NOW,
    RELAY,
    Aired,
    Catalogue,
    ContentKind,
    Dimension,
    Figures,
    MessageInfo,
    Requested,
    breakdown,
    category_of,
    keys_of,
    requested_from_plan,
    summary,
    weeks_of,
)

D1, D2 = date(2026, 12, 7), date(2026, 12, 8)  # a Monday and a Tuesday
NEWS = MessageInfo(1, "Lịch tiêm chủng", Priority.NORMAL, "Y tế", "KH 12/KH-UBND")
STORM = MessageInfo(2, "Thông báo khẩn về cơn bão số 4", Priority.EMERGENCY, "PCTT", None,
                    approved_by="Chủ tịch UBND")  # fmt: skip
RELAY_VOV = MessageInfo(3, "Tiếp âm thời sự VOV", Priority.NORMAL, "Thời sự", None,
                        ContentKind.RELAY)  # fmt: skip
BARE = MessageInfo(4, "Không chuyên mục", Priority.PRIORITY, None, "  ")
CATALOGUE = Catalogue(
    {m.id: m for m in (NEWS, STORM, RELAY_VOV, BARE)},
    {"K1": "Khối 1", "K2": "Khối 2"},
    {"sang": (time(6), "Buổi sáng"), "toi": (time(19), "Buổi tối")},
)


@pytest.mark.parametrize(
    ("by", "message", "slot", "blocks", "expected"),
    [
        (Dimension.CATEGORY, NEWS, "sang", ("K1",), ("Y tế",)),
        (Dimension.CATEGORY, RELAY_VOV, "sang", ("K1",), (RELAY,)),  # a relay's own category
        (Dimension.CATEGORY, BARE, "sang", ("K1",), (NONE,)),
        (Dimension.BLOCK, NEWS, "sang", ("K1", "K2"), ("K1", "K2")),
        (Dimension.BLOCK, NEWS, "sang", ("K1", "K1"), ("K1",)),
        (Dimension.BLOCK, NEWS, "sang", (), (NONE,)),
        (Dimension.PRIORITY, STORM, None, ("K1",), ("emergency",)),
        (Dimension.MESSAGE, STORM, None, ("K1",), ("2",)),
        (Dimension.SLOT, STORM, None, ("K1",), (PLAY_NOW,)),
        (Dimension.SLOT, NEWS, "toi", ("K1",), ("toi",)),
        (Dimension.DAY, NEWS, "toi", ("K1",), ("2026-12-07",)),
        (Dimension.SOURCE, NEWS, "toi", ("K1",), ("KH 12/KH-UBND",)),
        (Dimension.SOURCE, BARE, "toi", ("K1",), (NONE,)),  # blank is none
    ],
)
def test_keys(by, message, slot, blocks, expected):
    assert keys_of(by, message, D1, slot, blocks) == expected


def test_a_relay_is_a_relay_whatever_category_was_typed():
    assert category_of(RELAY_VOV) == RELAY
    assert category_of(NEWS) == "Y tế"


def aired(mid, status, seconds=0, day=D1, slot="sang", blocks=("K1",), dead=0) -> Aired:
    return Aired(mid, day, AiringStatus(status), seconds, slot, blocks, dead)


LOG = [
    aired(1, "played", 120, blocks=("K1", "K2")),
    aired(1, "preempted", 30, blocks=("K1", "K2")),
    aired(1, "played", 119, blocks=("K1", "K2")),  # aired again after the emergency
    aired(2, "played", 61, slot=None, blocks=("K1", "K2")),
    aired(3, "played", 600, day=D2, slot="toi", dead=12),
    aired(3, "interrupted", 42, day=D2, slot="toi"),
    aired(4, "missed", 0, day=D2),
    aired(4, "failed", 3, day=D2),  # heard for three seconds before the device vanished
    aired(1, "playing", 0, day=D2),  # on air now
]
ASKED = [
    Requested(1, D1, 120, "sang", ("K1", "K2")),
    Requested(2, D1, 60, None, ("K1", "K2")),
    Requested(3, D2, 600, "toi", ("K1",)),
    Requested(4, D2, 90, "sang", ("K1",)),
    Requested(4, D2, 900, "sang", ("K1",)),  # overflow: asked for, never aired
]
TOTAL = Figures(
    airings=7,
    seconds_aired=975,
    seconds_requested=1770,
    missed=1,
    failed=1,
    preempted=1,
    interrupted=1,
    dead_air_s=12,
)


@pytest.mark.parametrize("by", [d for d in Dimension if d != Dimension.BLOCK], ids=str)
def test_partitions_add_up_to_the_total(by):
    b = breakdown(by, LOG, ASKED, CATALOGUE)
    assert b.total == TOTAL
    summed = Figures()
    for row in b.rows:
        summed = summed + row.figures
    assert summed == TOTAL


def test_blocks_count_every_block_reached_and_the_total_once():
    b = breakdown(Dimension.BLOCK, LOG, ASKED, CATALOGUE)
    rows = {r.key: r for r in b.rows}
    assert list(rows) == ["K1", "K2"]
    assert rows["K2"].figures.seconds_aired == 120 + 30 + 119 + 61
    assert rows["K1"].figures.seconds_aired == TOTAL.seconds_aired
    assert rows["K2"].label == "Khối 2"
    assert b.total == TOTAL


@pytest.mark.parametrize(
    ("by", "order"),
    [
        (Dimension.CATEGORY, [RELAY, "Y tế", "PCTT", NONE]),  # most aired first, none last
        (Dimension.PRIORITY, ["emergency", "priority", "normal"]),
        (Dimension.SLOT, ["sang", "toi", PLAY_NOW]),  # time of day, play-now last
        (Dimension.DAY, ["2026-12-07", "2026-12-08"]),
        (Dimension.MESSAGE, ["1", "2", "3", "4"]),
    ],
)
def test_row_order(by, order):
    assert [r.key for r in breakdown(by, LOG, ASKED, CATALOGUE).rows] == order


def test_a_row_per_message_keeps_its_figures():
    rows = {r.key: r.figures for r in breakdown(Dimension.MESSAGE, LOG, ASKED, CATALOGUE).rows}
    assert rows["1"] == Figures(airings=4, seconds_aired=269, seconds_requested=120, preempted=1)
    assert rows["4"] == Figures(seconds_aired=3, seconds_requested=990, missed=1, failed=1)


def test_an_unknown_message_is_still_counted():
    b = breakdown(Dimension.MESSAGE, [aired(99, "played", 10)], [], CATALOGUE)
    assert [(r.key, r.label) for r in b.rows] == [("99", "#99")]
    assert b.total.airings == 1


def test_nothing_is_an_empty_breakdown():
    b = breakdown(Dimension.CATEGORY, [], [], CATALOGUE)
    assert b.rows == () and b.total.empty


SANG = Slot("sang", time(6), time(6, 30), name="Buổi sáng")


def programme(day: date, items, overflow=()) -> Programme:
    start = datetime.combine(day, time(6), tzinfo=UTC)
    occ = Occurrence(SANG, day, start, start + timedelta(minutes=30))
    placed = tuple(
        ProgrammeItem(mid, "t", Priority.NORMAL, ("K1",), start, seconds, True)
        for mid, seconds in items
    )
    dropped = tuple(OverflowItem(mid, "t", Priority.NORMAL, seconds) for mid, seconds in overflow)
    return Programme(occ, placed, dropped)


@pytest.mark.parametrize(
    ("approved_at", "now", "expected"),
    [
        # approved before both runs, both due: items and overflow of both days
        (datetime(2026, 12, 1, tzinfo=UTC), datetime(2026, 12, 9, tzinfo=UTC),
         [(1, D1, 100), (2, D1, 50), (1, D2, 100), (2, D2, 50)]),
        # the second day's run has not started yet: not due
        (datetime(2026, 12, 1, tzinfo=UTC), datetime(2026, 12, 8, 5, tzinfo=UTC),
         [(1, D1, 100), (2, D1, 50)]),
        # message 1 approved after the first run began: asked for from the second day only
        (datetime(2026, 12, 7, 6, 1, tzinfo=UTC), datetime(2026, 12, 9, tzinfo=UTC),
         [(2, D1, 50), (1, D2, 100), (2, D2, 50)]),
    ],
)  # fmt: skip
def test_requested_from_the_plan(approved_at, now, expected):
    messages = {
        1: MessageInfo(1, "a", approved_at=approved_at),
        2: MessageInfo(2, "b", approved_at=datetime(2026, 11, 1, tzinfo=UTC)),
    }
    runs = [programme(D1, [(1, 99.6)], [(2, 50.2)]), programme(D2, [(1, 99.6)], [(2, 50.2)])]
    asked = requested_from_plan(runs, messages, {1: ("K1",), 2: ("K2",)}, now, D1, D2)
    assert [(r.message_id, r.day, r.seconds) for r in asked] == expected
    assert all(r.slot == "sang" for r in asked)
    assert {r.message_id: r.blocks for r in asked}.get(2) == ("K2",)


@pytest.mark.parametrize(
    ("first", "last", "weeks"),
    [
        (date(2026, 12, 1), date(2026, 12, 31),
         [(1, 6), (7, 13), (14, 20), (21, 27), (28, 31)]),
        (date(2026, 12, 7), date(2026, 12, 13), [(7, 13)]),
        (date(2026, 12, 13), date(2026, 12, 14), [(13, 13), (14, 14)]),
    ],
)  # fmt: skip
def test_weeks_run_monday_to_sunday_cut_to_the_period(first, last, weeks):
    assert [(w.first.day, w.last.day) for w in weeks_of(first, last)] == weeks


def test_summary_of_the_log():
    s = summary(LOG, ASKED, CATALOGUE, D1, D2)
    assert s.total == TOTAL
    assert s.sessions == 4  # sang D1, toi D2, sang D2 (on air now), a play-now; not a failure
    assert s.relay_seconds == 642 and s.own_seconds == TOTAL.seconds_aired - 642
    assert s.emergency_airings == 1
    [storm] = s.emergencies
    assert (storm.title, storm.ordered_by, storm.slot) == (STORM.title, "Chủ tịch UBND", None)
    assert s.weekly[RELAY] == (642,)
    assert sum(sum(v) for v in s.weekly.values()) == TOTAL.seconds_aired


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2026-12", date(2026, 12, 1), date(2026, 12, 31)),
        ("12/2026", date(2026, 12, 1), date(2026, 12, 31)),
        (" 2028-2 ", date(2028, 2, 1), date(2028, 2, 29)),
        ("2027-02", date(2027, 2, 1), date(2027, 2, 28)),
    ],
)
def test_months(text, first, last):
    period = parse_month(text)
    assert (period.first, period.last, period.month) == (first, last, True)


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "13/2026", "December", "2026", ""])
def test_not_a_month(text):
    with pytest.raises(ValueError):
        parse_month(text)


def test_ranges():
    assert check_range(date(2026, 12, 1), date(2026, 12, 31)).month  # a whole month is one
    assert not check_range(date(2026, 12, 1), date(2026, 12, 30)).month
    assert Period.of(date(2026, 12, 5), date(2026, 12, 5)).days == 1
    with pytest.raises(ValueError, match="before"):
        check_range(date(2026, 12, 2), date(2026, 12, 1))
    with pytest.raises(ValueError, match="366"):
        check_range(date(2026, 1, 1), date(2027, 6, 1))
