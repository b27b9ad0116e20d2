"""The daemon in this process, with fakes for the sink and the relays.

time-machine moves the wall clock for the whole process (APScheduler included)
but not the monotonic clock, which is exactly what a wall-clock jump is.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from loabroadcast.config import load_settings
from loabroadcast.daemon import Daemon, DaemonOptions
from loabroadcast.services import MessageDraft, Station, init_station
from loabroadcast.testing import RecordingSink, RecordingZones

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def station(tmp_path):
    settings = load_settings(tmp_path / "home", env={"LOA_SPEECH_ENGINE": "espeak"})
    init_station(settings)
    st = Station.open(settings)
    st.add_block("K1", "Khối 1", 1)
    yield st
    st.close()


def run_daemon(daemon: Daemon) -> threading.Thread:
    thread = threading.Thread(target=daemon.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not hasattr(daemon, "scheduler") and time.monotonic() < deadline:
        time.sleep(0.05)
    return thread


def wait(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_wall_clock_jump_forward_replans_within_a_tick(station):
    base = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=2)
    with time_machine.travel(base, tick=True) as traveller:
        start = datetime.now(TZ) + timedelta(minutes=10, seconds=5)
        end = start + timedelta(minutes=1)
        station.add_slot("muon", f"{start:%H:%M:%S}", f"{end:%H:%M:%S}")
        mid = station.add_message(
            MessageDraft(title="Họp", text="Họp tổ dân phố.", blocks=["K1"], slots=["muon"])
        ).message.id
        station.approve(mid)
        sink, zones = RecordingSink(), RecordingZones()
        daemon = Daemon(station.settings, sink=sink, zones=zones, options=DaemonOptions(tick_s=1.0))
        thread = run_daemon(daemon)
        try:
            assert wait(lambda: daemon.scheduler.get_job(f"prog/muon/{start.date()}"), 10)
            assert sink.plays == []
            traveller.shift(timedelta(minutes=10))  # the slot is now 5 s away
            jumped = time.monotonic()
            assert wait(lambda: sink.plays, 15), "the item did not air after the jump"
            # re-planned within one tick: it aired about when the slot started
            assert time.monotonic() - jumped < 5 + 1.0 + 2.0
            assert sink.plays[0].meta["message_id"] == mid
        finally:
            daemon.stop.set()
            thread.join(10)
    assert not thread.is_alive()
    assert zones.ops[0] == ("all_off",)  # fail-safe before anything else
    assert zones.ops[-2:] == [("all_off",), ("close",)]
