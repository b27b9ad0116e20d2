"""`loa schedule` on the days the clocks change: real times, the offsets, and a note."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def berlin(loa, monkeypatch):
    monkeypatch.setenv("LOA_TIMEZONE", "Europe/Berlin")
    assert loa("block", "add", "K1", "Khối 1").exit_code == 0
    for code, start, end in (("dem", "02:30", "02:45"), ("dst", "02:50", "03:20")):
        assert loa("slot", "add", code, start, end).exit_code == 0
    return loa


def test_spring_forward_is_shown_with_a_note(berlin):
    result = berlin("schedule", "--date", "2027-03-28")
    assert result.exit_code == 0, result.stderr
    note = (
        "  note: the clocks go forward on this day; a time that does not exist is read as the "
        "moment they jump, and the slot runs no longer than its length"
    )
    assert result.stdout.split("\n\n") == [
        f"Sunday, 28/03/2027  dem  03:00 (UTC+02:00)-03:15 (UTC+02:00)\n{note}\n  (nothing to air)",
        f"Sunday, 28/03/2027  dst  03:15 (UTC+02:00)-03:20 (UTC+02:00)\n{note}\n"
        "  (nothing to air)\n",
    ]
    data = json.loads(berlin("schedule", "--date", "2027-03-28", "--json").stdout)
    assert [(p["slot"], p["start"], p["end"], p["clock_change"]) for p in data["programmes"]] == [
        ("dem", "2027-03-28T03:00:00+02:00", "2027-03-28T03:15:00+02:00", "gap"),
        ("dst", "2027-03-28T03:15:00+02:00", "2027-03-28T03:20:00+02:00", "gap"),
    ]


def test_fall_back_runs_no_longer_than_the_slot(berlin):
    assert berlin("slot", "add", "fold", "04:00", "04:30").exit_code == 0  # no change
    data = json.loads(berlin("schedule", "--date", "2027-10-31", "--json").stdout)
    assert [(p["slot"], p["start"], p["end"], p["clock_change"]) for p in data["programmes"]] == [
        ("dem", "2027-10-31T02:30:00+02:00", "2027-10-31T02:45:00+02:00", "fold"),
        ("dst", "2027-10-31T02:50:00+02:00", "2027-10-31T02:20:00+01:00", "fold"),
        ("fold", "2027-10-31T04:00:00+01:00", "2027-10-31T04:30:00+01:00", None),
    ]
    text = berlin("schedule", "--date", "2027-10-31").stdout
    assert "dst  02:50 (UTC+02:00)-02:20 (UTC+01:00)\n  note: the clocks go back" in text
    assert "fold  04:00-04:30\n" in text  # an ordinary day's slot, as always


def test_a_slot_with_no_time_left_says_so(berlin):
    assert berlin("slot", "remove", "dst").exit_code == 0
    assert berlin("slot", "add", "ba", "03:00", "03:10").exit_code == 0
    text = berlin("schedule", "--date", "2027-03-28").stdout
    assert "dem  03:00 (UTC+02:00)-03:00 (UTC+02:00)" in text
    assert "the slot has no time on this day: nothing airs in it" in text
