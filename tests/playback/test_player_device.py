"""The sound device vanishing on air: the item is failed, the next plays when it is back.

A real PulseAudio server (the sound card), the real device sink, the real player and
store; the server is killed during the first item and started again.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from loabroadcast.clock import SystemClock
from loabroadcast.config import load_settings
from loabroadcast.playback.device import DeviceSink
from loabroadcast.services import MessageDraft, Station, init_station
from loabroadcast.testing import RecordingZones
from rig import make_rig

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def test_device_vanishing_fails_the_item_and_the_next_one_plays(throwaway_pulse, tmp_path):
    settings = load_settings(tmp_path / "home", env={"LOA_SPEECH_ENGINE": "espeak"})
    init_station(settings)
    station = Station.open(settings)
    station.add_block("K1", "Khối 1", 1)
    start = (datetime.now(TZ) + timedelta(seconds=2)).replace(microsecond=0)
    station.add_slot("a", f"{start:%H:%M:%S}", f"{start + timedelta(minutes=2):%H:%M:%S}")
    ids = [
        station.add_message(
            MessageDraft(title=title, text=text, blocks=["K1"], slots=["a"])
        ).message.id
        for title, text in (("Một", "Thông báo thứ nhất về lịch họp tổ."), ("Hai", "Xin cảm ơn."))
    ]
    for mid in ids:
        station.approve(mid)
    sink = DeviceSink()
    sink.open()
    back = threading.Event()  # the card is there (cleared while it is gone)
    back.set()
    open_stream = sink.open_stream

    def open_when_back(rate):  # the next item's stream waits for the card to come back
        back.wait(20)
        return open_stream(rate)

    sink.open_stream = open_when_back
    rig = make_rig(station, SystemClock(), sink=sink, instance="device-test",
                   zones=RecordingZones(channels=2), preroll_s=0.0, postroll_s=0.0)  # fmt: skip
    player = rig.player
    runner = threading.Thread(target=player.run_occurrence, args=("a", start.date()))
    runner.start()
    deadline = time.monotonic() + 10
    while player.on_air.now_playing is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert player.on_air.now_playing is not None, "the first item never went on air"
    time.sleep(0.5)
    back.clear()
    throwaway_pulse.proc.kill()  # the sound card is gone
    while player.on_air.now_playing is not None and time.monotonic() < deadline + 5:
        time.sleep(0.02)
    throwaway_pulse.relaunch()  # ...and back before the next item
    back.set()
    runner.join(30)
    rig.flush()
    rig.close()
    assert not runner.is_alive()
    log = [(a.message_id, a.status.value) for a in station.airings(None)]
    assert log == [(ids[0], "failed"), (ids[1], "played")]
    assert "failed while playing" in station.airings(None)[0].error
    sink.close()
    station.close()
