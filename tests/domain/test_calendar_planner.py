"""The planner honours the calendar: holidays, quiet ranges, one-off sessions. Table-driven.

Holidays come from the libraries (python-holidays, lunar-vn), never typed in here.
"""

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import lunar_vn
import pytest

from loabroadcast.calendar import VietnamHolidays
from loabroadcast.domain import Message, MessageStatus, Priority, Slot
from loabroadcast.domain.calendar import (
    DayOff,
    Holiday,
    Quiet,
    QuietKind,
    StationCalendar,
    mark_quiet,
    may_air,
)
from loabroadcast.domain.planner import PlanInput, occurrences, plan

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
APPROVED_AT = datetime(2026, 1, 1, tzinfo=UTC)
SANG = Slot("sang", time(6, 0), time(6, 30))
CHIEU = Slot("chieu", time(17, 0), time(17, 30))
N, P, E = Priority.NORMAL, Priority.PRIORITY, Priority.EMERGENCY


def tet(year: int) -> date:
    """Lunar new year's day from the lunar library (UTC+7)."""
    return lunar_vn.lunar_to_solar(lunar_vn.LunarDate(1, 1, year))


def msg(mid, priority=N, slots=("sang",), **kw) -> Message:
    return Message(
        id=mid,
        title=f"Tin {mid}",
        priority=priority,
        status=MessageStatus.APPROVED,
        text="một hai ba",
        blocks=("K1",),
        slots=slots,
        approved_at=APPROVED_AT + timedelta(minutes=mid),
        **kw,
    )


def run(messages, calendar, first, days=1, slots=(SANG, CHIEU)):
    data = PlanInput(
        messages=tuple(messages),
        slots=tuple(slots),
        durations={m.id: 60.0 for m in messages},
        played={},
        gap_s=0.0,
        calendar=calendar,
    )
    return plan(data, first, days, TZ)


def aired(programmes) -> dict[tuple[date, str], list[int]]:
    return {(p.occurrence.day, p.slot.code): [i.message_id for i in p.items] for p in programmes}


MIXED = [msg(1), msg(2, P), msg(3, E), msg(4, slots=("chieu",)), msg(5, E, slots=("chieu",))]


@pytest.mark.parametrize("year", [2027, 2028])
@pytest.mark.parametrize(
    ("quiet_on_holidays", "sang", "chieu"),
    [
        (True, [3], [5]),  # a quiet holiday: emergencies only
        (False, [3, 2, 1], [5, 4]),  # on_holidays = "normal": the usual programme
    ],
)
def test_tet_from_the_library(year, quiet_on_holidays, sang, chieu):
    day = tet(year)
    holidays = VietnamHolidays("vi").holidays(date(year, 1, 1), date(year, 12, 31))
    assert day in {h.day for h in holidays}  # python-holidays agrees with lunar-vn
    calendar = StationCalendar.of(holidays, quiet_on_holidays=quiet_on_holidays)
    programmes = run(MIXED, calendar, day - timedelta(days=10), days=20)
    got = aired(programmes)
    assert got[(day, "sang")] == sang
    assert got[(day, "chieu")] == chieu
    ordinary = day - timedelta(days=10)  # ten days before Tết: no holiday
    assert got[(ordinary, "sang")] == [3, 2, 1]
    quiet = {p.occurrence.day for p in programmes if p.occurrence.quiet}
    tet_break = {h.day for h in holidays if h.lunar and abs((h.day - day).days) < 10}
    assert quiet == (tet_break if quiet_on_holidays else set())
    first = next(p for p in programmes if p.occurrence.day == day)
    if quiet_on_holidays:
        assert first.occurrence.quiet == Quiet(QuietKind.HOLIDAY, "Tết Nguyên Đán")


D = date(2026, 3, 10)  # a Tuesday
BAU_CU = Slot("bau-cu", time(15, 0), time(15, 30), frozenset({D.weekday()}), "Bầu cử", day=D)
NO_HOLIDAYS = StationCalendar.of([])


@pytest.mark.parametrize(
    ("case", "calendar", "expected"),
    [
        (
            "an ordinary day",
            NO_HOLIDAYS,
            {"sang": [3, 2, 1], "bau-cu": [6], "chieu": [5, 4]},
        ),
        (
            "quiet range over every slot, the one-off session too",
            StationCalendar.of([], [DayOff(1, D - timedelta(days=1), D, (), "Sửa máy")]),
            {"sang": [3], "bau-cu": [], "chieu": [5]},
        ),
        (
            "quiet range limited to one slot",
            StationCalendar.of([], [DayOff(1, D, D, ("sang",), "")]),
            {"sang": [3], "bau-cu": [6], "chieu": [5, 4]},
        ),
        (
            "quiet range limited to the one-off session",
            StationCalendar.of([], [DayOff(1, D, D + timedelta(days=3), ("bau-cu",), "")]),
            {"sang": [3, 2, 1], "bau-cu": [], "chieu": [5, 4]},
        ),
        (
            "a range that ended the day before",
            StationCalendar.of([], [DayOff(1, D - timedelta(days=5), D - timedelta(days=1))]),
            {"sang": [3, 2, 1], "bau-cu": [6], "chieu": [5, 4]},
        ),
        (
            "a holiday silences daily slots, not a one-off session put on that day",
            StationCalendar.of([Holiday(D, "Ngày lễ")]),
            {"sang": [3], "bau-cu": [6], "chieu": [5]},
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_quiet_ranges_and_one_off_sessions(case, calendar, expected):
    messages = [*MIXED, msg(6, slots=("bau-cu",))]
    got = aired(run(messages, calendar, D, slots=(SANG, CHIEU, BAU_CU)))
    assert {code: ids for (day, code), ids in got.items() if day == D} == expected


def test_a_one_off_session_runs_on_its_day_only():
    runs = occurrences((SANG, BAU_CU), D - timedelta(days=2), 5, TZ)
    assert [(o.day, o.slot.code) for o in runs if o.slot.code == "bau-cu"] == [(D, "bau-cu")]
    occ = next(o for o in runs if o.slot.code == "bau-cu")
    assert occ.start == datetime(2026, 3, 10, 15, 0, tzinfo=TZ)


def test_quiet_days_do_not_spend_max_airings():
    capped = msg(1, max_airings=1)
    calendar = StationCalendar.of([], [DayOff(1, D, D, (), "")])
    got = aired(run([capped], calendar, D, days=2, slots=(SANG,)))
    assert got == {(D, "sang"): [], (D + timedelta(days=1), "sang"): [1]}


def test_emergencies_always_air_and_nothing_else_on_a_quiet_run():
    calendar = StationCalendar.of([], [DayOff(7, D, D, (), "Tang lễ")])
    [occ] = mark_quiet(occurrences((SANG,), D, 1, TZ), calendar)
    assert occ.quiet == Quiet(QuietKind.OFF, "Tang lễ", 7)
    assert [p for p in Priority if may_air(msg(1, p), occ)] == [E]
    ordinary = replace(occ, quiet=None)
    assert all(may_air(msg(1, p), ordinary) for p in Priority)


def test_two_holidays_on_one_day_share_it():
    calendar = StationCalendar.of([Holiday(D, "A"), Holiday(D, "B")])
    assert calendar.day_info(D).holiday.name == "A; B"
    assert calendar.quiet(SANG, D).reason == "A; B"
    assert calendar.quiet(SANG, D + timedelta(days=1)) is None


def test_day_info_tells_holiday_and_ranges():
    off = DayOff(2, D, D + timedelta(days=6), ("sang",), "Sửa máy")
    calendar = StationCalendar.of([Holiday(D, "Lễ")], [off], quiet_on_holidays=False)
    info = calendar.day_info(D + timedelta(days=1))
    assert (info.holiday, info.offs) == (None, (off,))
    assert calendar.quiet(SANG, D).kind == QuietKind.OFF  # a range wins over the holiday
    assert calendar.quiet(CHIEU, D) is None  # holidays keep their programme ("normal")
