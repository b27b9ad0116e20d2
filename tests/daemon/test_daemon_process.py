"""A real ``loa daemon`` process against slots a few seconds ahead, with the file sink."""

from __future__ import annotations

import signal
import subprocess
import time
from datetime import datetime, timedelta

import pytest

pytestmark = pytest.mark.slow


def played(rows, n):
    return len([r for r in rows if r["status"] == "played"]) >= n


def test_programme_plays_on_time_with_an_as_run_log(live):
    start = live.slot_in("a", 5)
    normal = live.add("Họp tổ dân phố", live.TINY, "a", blocks="K1")
    urgent = live.add("Bão số 4", live.TINY, "a", priority="emergency")
    live.start_daemon()
    live.wait_for(lambda r: played(r, 2), what="two items played")
    rows = live.cli_log()  # what `loa log --all --json` prints
    assert [r["message_id"] for r in rows] == [urgent, normal]
    first, second = rows
    assert first["status"] == second["status"] == "played"
    assert first["scheduled_at"] == start.isoformat(timespec="milliseconds")
    started = datetime.fromisoformat(first["started_at"])
    # placed on the instant: to the frame (the log shows milliseconds, truncated)
    assert abs(started - start) <= timedelta(milliseconds=2), started - start
    assert datetime.fromisoformat(second["started_at"]) >= datetime.fromisoformat(first["ended_at"])
    assert first["blocks"] == ["K1", "K2"] and second["blocks"] == ["K1"]
    assert first["zones"] == [1, 2] and second["zones"] == [1]
    assert first["sink"].startswith("file:")
    render = live.station.render_info(urgent)
    assert first["render_sha256"] == render["sha256"]
    # the file sink wrote one line and one WAV per item, in the same order
    lines = live.jsonl()
    assert [line["message_id"] for line in lines] == [urgent, normal]
    assert all(line["started_at"][19] == "." for line in lines)  # ISO with milliseconds
    assert all((live.out / line["path"]).is_file() for line in lines)
    # the relay driver switched only what changed, and all off at the end
    ops = live.relay_log.read_text().splitlines()
    assert ops[:8] == [f"off {z}" for z in range(1, 9)]  # fail-safe: all off at start
    first_on = ops.index("on 1")
    # K1+K2 for the emergency, then K2 off for the K1-only item, then off at the end
    assert ops[first_on : first_on + 4] == ["on 1", "on 2", "off 2", "off 1"]
    proc = live.procs[0]
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(5) == 0
    status = subprocess.run(
        [*live.LOA, "status", "--json"], env=live.env, capture_output=True, text=True
    )
    assert '"running": false' in status.stdout


def test_sigterm_mid_item_stops_within_two_seconds(live):
    live.slot_in("a", 5)
    long_id = live.add("Tin dài", live.MEDIUM, "a")
    proc = live.start_daemon()
    live.wait_for(lambda r: any(x["status"] == "playing" for x in r), what="an item on air")
    sent = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(5) == 0
    assert time.monotonic() - sent < 2.0
    [row] = live.log()
    assert (row["message_id"], row["status"]) == (long_id, "interrupted")
    assert live.relay_log.read_text().splitlines()[-1].startswith("off")
