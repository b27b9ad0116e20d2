from datetime import date, time

import pytest

from loabroadcast.domain import Priority
from loabroadcast.domain.parse import (
    check_code,
    parse_date,
    parse_time_of_day,
    parse_weekdays,
    split_codes,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("06:00", time(6)),
        ("6:05", time(6, 5)),
        ("17:30:15", time(17, 30, 15)),
        ("23:59:59", time(23, 59, 59)),
    ],
)
def test_times_of_day(text, expected):
    assert parse_time_of_day(text) == expected


@pytest.mark.parametrize("text", ["25:00", "24:00", "06:60", "6h30", "", "06:00:61", "abc"])
def test_impossible_times(text):
    with pytest.raises(ValueError):
        parse_time_of_day(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("daily", set(range(7))),
        ("weekdays", {0, 1, 2, 3, 4}),
        ("weekend", {5, 6}),
        ("mon,wed,fri", {0, 2, 4}),
        ("t2,t4,cn", {0, 2, 6}),
    ],
)
def test_weekdays(text, expected):
    assert parse_weekdays(text) == frozenset(expected)


def test_unknown_weekday():
    with pytest.raises(ValueError, match="unknown day 'funday'"):
        parse_weekdays("mon,funday")


@pytest.mark.parametrize("text", ["2026-03-10", "10/03/2026", "10/3/2026"])
def test_dates(text):
    assert parse_date(text) == date(2026, 3, 10)


@pytest.mark.parametrize("text", ["2026-02-30", "31/02/2026", "tomorrow", "10-03-2026"])
def test_bad_dates(text):
    with pytest.raises(ValueError):
        parse_date(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("normal", Priority.NORMAL),
        ("thuong", Priority.NORMAL),
        ("uu-tien", Priority.PRIORITY),
        ("priority", Priority.PRIORITY),
        ("khan-cap", Priority.EMERGENCY),
        ("EMERGENCY", Priority.EMERGENCY),
        ("khẩn cấp", Priority.EMERGENCY),
    ],
)
def test_priority_aliases(text, expected):
    assert Priority.parse(text) == expected


def test_codes():
    assert check_code(" K1 ", "block") == "K1"
    assert split_codes("K1, K2,K1,") == ["K1", "K2"]
    with pytest.raises(ValueError):
        check_code("Khối 1", "block")
    with pytest.raises(ValueError):
        split_codes(" , ")


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("mon-fri", {0, 1, 2, 3, 4}),
        ("t2-t6", {0, 1, 2, 3, 4}),
        ("sat-sun", {5, 6}),
        ("fri-mon", {4, 5, 6, 0}),  # a range may wrap over Sunday
        ("mon-wed,sat", {0, 1, 2, 5}),
        ("hang-ngay", set(range(7))),
    ],
)
def test_weekday_ranges(text, days):
    assert parse_weekdays(text) == frozenset(days)


def test_a_bad_range_is_named():
    with pytest.raises(ValueError, match="unknown day 'fryday'"):
        parse_weekdays("mon-fryday")
