"""Airtime rules warn about the plan, never drop anything. Table-driven."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from loabroadcast.domain import Occurrence, Priority, Programme, ProgrammeItem, Slot
from loabroadcast.domain.parse import parse_weekdays
from loabroadcast.domain.policy import Breach, Policy, Rule, check_programmes, check_slot

MON_FRI = parse_weekdays("mon-fri")
D = date(2026, 3, 10)  # a Tuesday
SAT = date(2026, 3, 14)


def slot(code, start, end, days="daily", day=None):
    return Slot(
        code, time.fromisoformat(start), time.fromisoformat(end), parse_weekdays(days), day=day
    )


SANG = slot("sang", "06:00", "06:30")
TRUA = slot("trua", "11:00", "11:15", "weekdays")
TOI = slot("toi", "19:00", "19:15", "sat,sun")


@pytest.mark.parametrize(
    ("new", "others", "policy", "expected"),
    [
        (SANG, [], Policy(), []),
        (
            SANG,
            [],
            Policy(max_minutes_per_session=15),
            [Breach(Rule.MINUTES_PER_SESSION, "sang", None, 30.0, 15)],
        ),
        (slot("x", "06:00", "06:15"), [], Policy(max_minutes_per_session=15), []),
        (
            slot("x", "07:00", "07:10", "daily"),
            [],
            Policy(broadcast_weekdays=MON_FRI),
            [
                Breach(Rule.WEEKDAYS, "x", None, 5, MON_FRI, 5),
                Breach(Rule.WEEKDAYS, "x", None, 6, MON_FRI, 6),
            ],
        ),
        (slot("x", "07:00", "07:10", "mon-fri"), [], Policy(broadcast_weekdays=MON_FRI), []),
        (
            # the third session of weekdays: sang (daily) + trua (weekdays) + this one
            slot("x", "17:00", "17:10", "mon,sat"),
            [SANG, TRUA],
            Policy(max_sessions_per_day=2),
            [Breach(Rule.SESSIONS_PER_DAY, "x", None, 3, 2, 0)],
        ),
        (
            # a one-off session on a Saturday: counted with the slots of that day
            slot("bau-cu", "15:00", "15:30", day=SAT),
            [SANG, TRUA, TOI, slot("other", "09:00", "09:10", day=D)],
            Policy(max_sessions_per_day=2, broadcast_weekdays=MON_FRI),
            [
                Breach(Rule.WEEKDAYS, "bau-cu", SAT, 5, MON_FRI, 5),
                Breach(Rule.SESSIONS_PER_DAY, "bau-cu", SAT, 3, 2, 5),
            ],
        ),
    ],
    ids=["no rules", "too long", "short enough", "weekend", "weekdays only", "third", "extra"],
)
def test_check_slot(new, others, policy, expected):
    assert check_slot(new, others, policy) == expected


TZ = UTC


def programme(day: date, code: str, *priorities: Priority, minutes_each: float = 5) -> Programme:
    start = datetime.combine(day, time(6), tzinfo=TZ)
    occ = Occurrence(Slot(code, time(6), time(7)), day, start, start + timedelta(hours=1))
    items, cursor = [], start
    for n, p in enumerate(priorities):
        items.append(ProgrammeItem(n, f"t{n}", p, ("K1",), cursor, minutes_each * 60, False))
        cursor += timedelta(minutes=minutes_each)
    return Programme(occ, tuple(items))


N, E = Priority.NORMAL, Priority.EMERGENCY
RULES = Policy(max_sessions_per_day=2, max_minutes_per_session=15, broadcast_weekdays=MON_FRI)


@pytest.mark.parametrize(
    ("programmes", "expected"),
    [
        ([programme(D, "a", N), programme(D, "b", N)], []),
        (
            [programme(D, "a", N), programme(D, "b", N), programme(D, "c", N)],
            [Breach(Rule.SESSIONS_PER_DAY, None, D, 3, 2)],
        ),
        # a session with nothing to air, or emergencies only, is not counted
        ([programme(D, "a", N), programme(D, "b", N), programme(D, "c")], []),
        ([programme(D, "a", N), programme(D, "b", N), programme(D, "c", E)], []),
        (
            [programme(D, "a", N, N, N, N)],
            [Breach(Rule.MINUTES_PER_SESSION, "a", D, 20.0, 15)],
        ),
        ([programme(SAT, "a", N)], [Breach(Rule.WEEKDAYS, "a", SAT, 5, MON_FRI, 5)]),
        ([programme(SAT, "a", E, E, E, E)], []),  # an emergency is never held to a rule
    ],
    ids=["two", "three", "empty", "emergency only", "long", "saturday", "emergency saturday"],
)
def test_check_programmes(programmes, expected):
    assert check_programmes(programmes, RULES) == expected


def test_no_rules_no_warnings():
    assert check_programmes([programme(SAT, "a", N, N, N, N, N)] * 5, Policy()) == []
