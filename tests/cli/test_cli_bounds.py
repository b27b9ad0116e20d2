"""Numbers and dates out of range are bad usage (exit 2, one error line, no traceback);
`play-now --blocks all` means every block."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from loabroadcast.store import db
from loabroadcast.store.models import PlayRequestRow

HUGE = "123456789012345678901"  # 21 digits


def usage_error(result, name: str) -> str:
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    [line] = [x for x in result.stderr.splitlines() if x.startswith("Error:")]
    assert f"Invalid value for '{name}'" in line
    return line


@pytest.mark.parametrize(
    "args",
    [
        ("msg", "show", HUGE),
        ("msg", "approve", HUGE),
        ("msg", "reject", HUGE, "--reason", "x"),
        ("msg", "cancel", HUGE),
        ("msg", "edit", HUGE, "--title", "x"),
        ("preview", HUGE),
        ("render", "1", HUGE),
        ("play-now", HUGE),
        ("msg", "show", "0"),
        ("msg", "show", "2147483648"),
    ],
    ids=lambda a: " ".join(a),
)
def test_ids_out_of_range_are_refused_in_one_line(loa, args):
    name = "[IDS]..." if args[0] == "render" else "MESSAGE_ID"
    line = usage_error(loa(*args), name)
    assert "ids are from 1 to 2147483647" in line


def test_the_largest_id_is_just_not_found(loa):
    result = loa("msg", "show", "2147483647")
    assert (result.exit_code, result.stderr) == (1, "loa: error: no message 2147483647\n")


@pytest.mark.parametrize(
    "args",
    [
        ("log", "--date", "9999-12-31"),
        ("log", "--date", "0001-01-01"),
        ("log", "--date", "31/12/9999"),
        ("schedule", "--date", "9999-12-31"),
        ("schedule", "--date", "0001-01-01", "--days", "366"),
    ],
    ids=lambda a: " ".join(a),
)
def test_dates_out_of_range_are_refused_in_one_line(loa, args):
    line = usage_error(loa(*args), "--date")
    assert "dates from 01/01/1970 to 31/12/2999" in line


def test_dates_at_the_bounds_work(loa):
    assert loa("log", "--date", "2999-12-31", "--json").stdout == "[]\n"
    assert loa("log", "--date", "01/01/1970", "--json").stdout == "[]\n"
    assert loa("schedule", "--date", "2999-12-31", "--days", "366").exit_code == 0


@pytest.fixture
def town(loa):
    for code, zone in (("K1", "1"), ("K2", "2"), ("K3", "3")):
        assert loa("block", "add", code, f"Khối {zone}", "--zone", zone).exit_code == 0
    assert loa("slot", "add", "sang", "06:00", "06:30").exit_code == 0
    return loa


def test_counts_too_large_are_usage_errors(town):
    args = ("msg", "add", "--title", "x", "--text", "Họp.", "--blocks", "K1", "--slots", "sang")
    usage_error(town(*args, "--max-airings", HUGE), "--max-airings")
    usage_error(town(*args, "--repeat", HUGE), "--repeat")
    assert town("msg", "list", "--json").stdout == "[]\n"


def _requested_blocks(settings) -> list[str]:
    engine = db.make_engine(settings.database_url)
    try:
        with db.read_session(engine) as s:
            return [r.blocks for r in s.scalars(select(PlayRequestRow).order_by(PlayRequestRow.id))]
    finally:
        engine.dispose()


def test_play_now_blocks_all_means_every_block(town, settings):
    added = town(
        "msg", "add", "--title", "Bão số 4", "--text", "Bão số 4 đang vào.",
        "--blocks", "K2", "--slots", "sang",
    )  # fmt: skip
    mid = added.stdout.strip()
    assert town("msg", "approve", mid).exit_code == 0
    assert town("play-now", mid, "--blocks", "all").exit_code == 0
    assert town("play-now", mid, "--blocks", "ALL").exit_code == 0
    assert town("play-now", mid).exit_code == 0  # no --blocks: the message's own (K2)
    assert _requested_blocks(settings) == ["K1,K2,K3", "K1,K2,K3", ""]
    assert json.loads(town("msg", "show", mid, "--json").stdout)["blocks"] == ["K2"]
