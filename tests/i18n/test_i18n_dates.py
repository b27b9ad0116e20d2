"""Dates and times people read: dd/mm/yyyy, HH:MM, weekday names in both languages."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from loabroadcast.cli.output import table, vn_date
from loabroadcast.i18n import dates, set_language


@pytest.mark.parametrize(
    ("value", "seconds", "expected"),
    [
        (time(6, 30), None, "06:30"),
        (time(6, 30, 15), None, "06:30:15"),
        (time(6, 30), True, "06:30:00"),
        (time(6, 30, 15), False, "06:30"),
        (datetime(2026, 3, 10, 18, 5, 9), None, "18:05:09"),
    ],
)
def test_clock(value, seconds, expected):
    assert dates.clock(value, seconds) == expected


def test_day_and_moment():
    assert dates.day(date(2026, 3, 1)) == "01/03/2026"
    assert dates.moment(datetime(2026, 3, 1, 6, 0)) == "01/03/2026 06:00"
    assert dates.moment(datetime(2026, 3, 1, 6, 0), seconds=True) == "01/03/2026 06:00:00"
    assert vn_date(date(2026, 12, 31)) == "31/12/2026"


WEEK = [date(2026, 3, 9 + i) for i in range(7)]  # Monday 09/03/2026 … Sunday 15/03/2026


def test_weekdays_in_vietnamese():
    set_language("vi")
    assert [dates.weekday(d) for d in WEEK] == [
        "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật",
    ]  # fmt: skip
    assert dates.day_with_weekday(WEEK[1]) == "Thứ Ba, 10/03/2026"


def test_weekdays_in_english():
    set_language("en")
    assert [dates.weekday(d) for d in WEEK][::6] == ["Monday", "Sunday"]
    assert dates.day_with_weekday(WEEK[6]) == "Sunday, 15/03/2026"


def test_table_cells_use_the_same_formats():
    out = table(["a", "b", "c"], [(date(2026, 3, 9), time(6, 0), datetime(2026, 3, 9, 6, 0, 5))])
    assert out.splitlines()[2] == "09/03/2026  06:00:00  09/03/2026 06:00:05"
