"""The reconciler's pure parts: which timers are wanted, and only the difference."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from loabroadcast.daemon import clock_jumped, desired_jobs, diff_jobs, job_id
from loabroadcast.domain import Occurrence, Priority, Programme, ProgrammeItem, Slot

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DAY = date(2026, 3, 10)
LEAD = timedelta(seconds=5)


def programme(code, start, end, items=1, day=DAY):
    slot = Slot(code, start, end)
    occ = Occurrence(
        slot, day, datetime.combine(day, start, tzinfo=TZ), datetime.combine(day, end, tzinfo=TZ)
    )
    its = tuple(
        ProgrammeItem(i, f"t{i}", Priority.NORMAL, ("K1",), occ.start, 30.0, True)
        for i in range(items)
    )
    return Programme(occ, its)


SANG = programme("sang", time(6), time(6, 30))
TRUA = programme("trua", time(11), time(11, 15))
EMPTY = programme("chieu", time(17), time(17, 30), items=0)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # before everything: each occurrence with items fires LEAD before its start
        (
            datetime(2026, 3, 10, 5, 0, tzinfo=TZ),
            {"sang": datetime(2026, 3, 10, 5, 59, 55, tzinfo=TZ),
             "trua": datetime(2026, 3, 10, 10, 59, 55, tzinfo=TZ)},
        ),
        # inside sang (a restart): it fires at once, to catch up
        (
            datetime(2026, 3, 10, 6, 10, tzinfo=TZ),
            {"sang": datetime(2026, 3, 10, 6, 10, tzinfo=TZ),
             "trua": datetime(2026, 3, 10, 10, 59, 55, tzinfo=TZ)},
        ),
        # after sang ended: only trua
        (
            datetime(2026, 3, 10, 6, 30, tzinfo=TZ),
            {"trua": datetime(2026, 3, 10, 10, 59, 55, tzinfo=TZ)},
        ),
        (datetime(2026, 3, 10, 18, 0, tzinfo=TZ), {}),
    ],
)  # fmt: skip
def test_desired_jobs(now, expected):
    wanted = desired_jobs([SANG, TRUA, EMPTY], now, LEAD)
    assert {key.split("/")[1]: fire for key, (_, _, fire) in wanted.items()} == expected


def test_job_ids_are_per_occurrence():
    assert job_id("sang", DAY) == "prog/sang/2026-03-10"


T = datetime(2026, 3, 10, 6, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("existing", "wanted", "running", "expected"),
    [
        ({}, {"a": T}, set(), (["a"], [], [])),
        ({"a": T}, {"a": T}, set(), ([], [], [])),
        ({"a": T}, {}, set(), ([], ["a"], [])),
        ({"a": T}, {"a": T + timedelta(minutes=5)}, set(), ([], [], ["a"])),
        ({"a": T}, {"a": T + timedelta(seconds=0.2)}, set(), ([], [], [])),
        ({}, {"a": T}, {"a"}, ([], [], [])),  # a programme on air is never re-added
        ({"a": T, "b": T}, {"b": T, "c": T}, set(), (["c"], ["a"], [])),
    ],
)
def test_diff_changes_only_the_difference(existing, wanted, running, expected):
    full = {k: ("slot", DAY, v) for k, v in wanted.items()}
    assert diff_jobs(existing, full, running) == expected


@pytest.mark.parametrize(
    ("before", "after", "jumped"),
    [(None, 100.0, False), (100.0, 100.3, False), (100.0, 700.0, True), (100.0, 90.0, True)],
)
def test_clock_jumps(before, after, jumped):
    assert clock_jumped(before, after, 2.0) is jumped
