"""A real ``loa daemon`` honours the calendar changed while it runs: a slot made quiet by
``loa calendar off`` stays silent, a session added by ``loa calendar extra`` airs on time."""

from __future__ import annotations

import subprocess
import time
from datetime import datetime, timedelta

import pytest

pytestmark = pytest.mark.slow


def loa(live, *args: str) -> str:
    out = subprocess.run([*live.LOA, *args], env=live.env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout


def wait_running(live, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if '"running": true' in loa(live, "status", "--json"):
            return
        time.sleep(0.2)
    raise AssertionError("the daemon did not start")


def test_quiet_slot_skipped_and_extra_session_aired(live):
    a_start = live.slot_in("a", 12, length_s=3)
    skipped = live.add("Họp tổ dân phố", live.SHORT, "a")
    live.start_daemon()
    wait_running(live)  # the daemon has planned slot a; the calendar changes under it
    today = a_start.date().isoformat()
    loa(live, "calendar", "off", today, "--slots", "a", "--reason", "Sửa loa")
    x_start = a_start + timedelta(seconds=4)
    x_end = x_start + timedelta(seconds=30)
    loa(live, "calendar", "extra", today, "x", f"{x_start:%H:%M:%S}", f"{x_end:%H:%M:%S}")
    extra = live.add("Bầu cử", live.SHORT, "x", blocks="K2")
    assert datetime.now(a_start.tzinfo) < a_start, "too slow: slot a began before it was quiet"
    rows = live.wait_for(
        lambda r: any(x["message_id"] == extra and x["status"] == "played" for x in r),
        what="the one-off session aired",
    )
    assert [(r["message_id"], r["slot"], r["status"]) for r in rows] == [(extra, "x", "played")]
    assert rows[0]["scheduled_at"] == x_start.isoformat(timespec="milliseconds")
    started = datetime.fromisoformat(rows[0]["started_at"])
    # the first frame heard, placed on the instant by the stream's clock (to a few ms)
    assert -timedelta(milliseconds=15) <= started - x_start < timedelta(seconds=1)
    assert [line["message_id"] for line in live.jsonl()] == [extra]
    assert skipped not in [r["message_id"] for r in live.log()]
    relays = live.relay_log.read_text().splitlines()
    assert "on 2" in relays and "on 1" not in relays  # K2's zone for the session; a stayed off
