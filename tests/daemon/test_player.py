"""The player's timing and claim logic with a fake clock, sink and relays (no sleeping).

The store is real (SQLite) and the audio is really assembled; only time, the sound
card and the relays are fakes.
"""

from __future__ import annotations

import math
import struct
import threading
import time
import wave
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from loabroadcast.config import load_settings
from loabroadcast.domain import Priority
from loabroadcast.errors import PlaybackError
from loabroadcast.playback.player import AsRunWriter, OnAir, Player, PlayerConfig
from loabroadcast.rendering import Renderer
from loabroadcast.services import MessageDraft, Station, init_station
from loabroadcast.speech.engines.base import SynthResult
from loabroadcast.store.airings import AsRun
from loabroadcast.testing import FakeClock, RecordingSink, RecordingZones

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DAY = datetime(2026, 3, 10, tzinfo=TZ).date()
SLOT_START = datetime(2026, 3, 10, 6, 0, tzinfo=TZ)


class ToneEngine:
    """A speech engine that 'speaks' 0.1 s of tone per word: fast and deterministic."""

    name = "tone"
    voice = "test"

    def synthesize(self, text: str, out_wav: Path) -> SynthResult:
        rate, seconds = 22050, 0.1 * len(text.split())
        with wave.open(str(out_wav), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(rate)
            w.writeframes(
                b"".join(
                    struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / rate)))
                    for i in range(int(rate * seconds))
                )
            )
        return SynthResult(Path(out_wav), self.name, self.voice)


@pytest.fixture
def town(tmp_path):
    settings = load_settings(tmp_path / "home", env={})
    init_station(settings)
    clock = FakeClock(SLOT_START - timedelta(seconds=30))
    st = Station.open(settings, clock)
    for n in (1, 2, 3):
        st.add_block(f"K{n}", f"Khối {n}", n)
    st.add_slot("sang", "06:00", "06:30")
    yield st, clock
    st.close()


def add(st: Station, title: str, blocks: str, priority=Priority.NORMAL, words: int = 8) -> int:
    mid = st.add_message(
        MessageDraft(
            title=title,
            text=" ".join(["loa"] * words),
            blocks=blocks.split(","),
            slots=["sang"],
            priority=priority,
        )
    ).message.id
    return mid


def approve_all(st: Station, renderer: Renderer, *ids: int) -> None:
    for mid in ids:
        saved = st.approve(mid)
        renderer.render(saved.message)
        st.clock.advance(1)  # distinct approval times


def make_player(st, clock, sink=None, zones=None, instance="test-1"):
    asrun = AsRun(st.engine, "test", instance, station_id=st.station_id)
    writer = AsRunWriter(asrun, lambda _m: None)
    renderer = Renderer(st, engine=ToneEngine())
    if zones is None:
        zones = RecordingZones(channels=4)
        zones.all_off()  # as the daemon does at start
        zones.ops.clear()
    player = Player(
        station=st,
        renderer=renderer,
        asrun=asrun,
        writer=writer,
        sink=sink or RecordingSink(clock=clock),
        zones=zones,
        clock=clock,
        config=PlayerConfig(station="test", preroll_s=3.0, postroll_s=2.0, gap_s=1.0),
        on_air=OnAir(),
        shutdown=threading.Event(),
    )
    return player, writer


@pytest.fixture
def setup(town):
    st, clock = town
    from dataclasses import replace

    st.settings = replace(st.settings, speech=replace(st.settings.speech, render_on_approve=False))
    player, writer = make_player(st, clock)
    yield st, clock, player, writer
    writer.close()


def log(st):
    return [(a.message_id, a.status.value) for a in st.airings(None)]


def test_priority_order_zones_and_amplifier(setup):
    st, clock, player, writer = setup
    normal = add(st, "Thường", "K1")
    urgent = add(st, "Khẩn", "K1,K2", Priority.EMERGENCY)
    prio = add(st, "Ưu tiên", "K3", Priority.PRIORITY)
    approve_all(st, player.renderer, normal, urgent, prio)
    clock.set(SLOT_START - timedelta(seconds=5))
    player.run_occurrence("sang", DAY)
    writer.flush()
    assert [p.meta["message_id"] for p in player.sink.plays] == [urgent, prio, normal]
    assert log(st) == [(urgent, "played"), (prio, "played"), (normal, "played")]
    # amp pre-roll, only the zones that change, everything off after the post-roll
    assert player.zones._zones.ops == [
        ("amp", True),
        ("on", 1),
        ("on", 2),
        ("off", 1),
        ("off", 2),
        ("on", 3),
        ("off", 3),
        ("on", 1),
        ("off", 1),
        ("amp", False),
    ]
    first = st.airings(None)[0]
    assert first.started_at == SLOT_START  # waited for the exact start, after pre-roll
    assert first.zones == (1, 2) and first.blocks == ("K1", "K2")


def test_a_second_daemon_never_airs_a_claimed_occurrence(setup):
    st, clock, player, writer = setup
    mid = add(st, "Một", "K1")
    approve_all(st, player.renderer, mid)
    clock.set(SLOT_START)
    player.run_occurrence("sang", DAY)
    writer.flush()
    other, other_writer = make_player(st, clock, instance="test-2")
    other.run_occurrence("sang", DAY)
    other_writer.close()
    assert other.sink.plays == []
    assert log(st) == [(mid, "played")]


@pytest.mark.parametrize(
    ("late_by", "expected"),
    [
        (timedelta(minutes=10), "played"),  # back inside the 15 min grace: airs once
        (timedelta(minutes=20), "missed"),  # too late: logged, never aired late
    ],
)
def test_catch_up_inside_grace_only(setup, late_by, expected):
    st, clock, player, writer = setup
    mid = add(st, "Một", "K1")
    approve_all(st, player.renderer, mid)
    clock.set(SLOT_START + late_by)
    player.run_occurrence("sang", DAY)
    writer.flush()
    assert log(st) == [(mid, expected)]
    assert len(player.sink.plays) == (1 if expected == "played" else 0)


def test_a_failing_item_is_logged_and_the_programme_goes_on(setup):
    st, clock, player, writer = setup
    a, b = add(st, "Một", "K1"), add(st, "Hai", "K2")
    approve_all(st, player.renderer, a, b)
    clock.set(SLOT_START)
    player.sink.fail_next(PlaybackError("device vanished"))
    player.run_occurrence("sang", DAY)
    writer.flush()
    assert log(st) == [(a, "failed"), (b, "played")]
    assert "device vanished" in st.airings(None)[0].error


def test_a_stuck_relay_fails_the_item_and_no_audio_goes_to_it(setup):
    st, clock, player, writer = setup
    a, b = add(st, "Một", "K2"), add(st, "Hai", "K1")
    approve_all(st, player.renderer, a, b)
    player.zones._zones.fail_on(2)
    clock.set(SLOT_START)
    player.run_occurrence("sang", DAY)
    writer.flush()
    assert log(st) == [(a, "failed"), (b, "played")]
    assert "zone 2" in st.airings(None)[0].error
    assert [p.meta["message_id"] for p in player.sink.plays] == [b]


def test_a_priority_message_approved_on_air_goes_in_at_the_next_boundary(setup):
    st, clock, player, writer = setup
    a, b = add(st, "Một", "K1"), add(st, "Hai", "K1")
    late = add(st, "Ưu tiên mới", "K1", Priority.PRIORITY)
    approve_all(st, player.renderer, a, b)
    sink = player.sink
    original = sink.play

    def play_and_approve(*args, **kwargs):
        outcome = original(*args, **kwargs)
        if len(sink.plays) == 1:  # while the first item is on air
            approve_all(st, player.renderer, late)
        return outcome

    sink.play = play_and_approve
    clock.set(SLOT_START)
    player.run_occurrence("sang", DAY)
    writer.flush()
    assert [p.meta["message_id"] for p in sink.plays] == [a, late, b]


def test_changed_audio_is_detected_and_rendered_again(setup, caplog):
    st, clock, player, writer = setup
    mid = add(st, "Một", "K1")
    approve_all(st, player.renderer, mid)
    record = player.renderer.current(st.message(mid))
    with open(record.path, "r+b") as f:
        f.seek(200)
        f.write(b"\x00\x01" * 50)
    clock.set(SLOT_START)
    player.run_occurrence("sang", DAY)
    writer.flush()
    assert log(st) == [(mid, "played")]
    assert "changed or vanished" in caplog.text
    aired = st.airings(None)[0]
    # the same content renders to the same audio again: the approved sha256 airs
    assert aired.render_sha256 == record.sha256


def test_started_at_is_utc_aware(setup):
    st, clock, player, writer = setup
    mid = add(st, "Một", "K1")
    approve_all(st, player.renderer, mid)
    clock.set(SLOT_START)
    player.run_occurrence("sang", DAY)
    writer.flush()
    [airing] = st.airings(None)
    assert airing.started_at.tzinfo is not None
    assert airing.started_at.astimezone(UTC) == SLOT_START.astimezone(UTC)


def test_three_blocks_and_an_emergency_cut_in_tell_the_whole_story(setup):
    """Issue: a slot with three messages for different blocks and an emergency cut-in."""
    st, clock, _, writer = setup
    sink = RecordingSink(pace=True, clock=clock)
    player, writer2 = make_player(st, clock, sink=sink)
    a, b, c = add(st, "Một", "K1"), add(st, "Hai", "K2"), add(st, "Ba", "K3")
    storm = add(st, "Bão", "K1,K2,K3", Priority.EMERGENCY, words=3)
    st.add_slot("dem", "23:00", "23:01")  # the emergency's own slot, never reached here
    approve_all(st, player.renderer, a, b, c)
    st.edit_message(storm, MessageDraft(slots=["dem"]))
    approve_all(st, player.renderer, storm)
    clock.set(SLOT_START)
    runner = threading.Thread(target=player.run_occurrence, args=("sang", DAY))
    runner.start()
    deadline = time.monotonic() + 20
    while len(sink.plays) < 2 and time.monotonic() < deadline:  # the second item on air
        time.sleep(0.01)
    time.sleep(0.2)
    assert player.play_request(1, storm, ()) == "played"
    runner.join(30)
    writer2.close()
    assert [(p.meta["message_id"], p.completed) for p in sink.plays] == [
        (a, True),
        (b, False),  # pre-empted
        (storm, True),
        (b, True),  # played again from its start
        (c, True),
    ]
    assert [(m, s) for m, s in log(st)] == [
        (a, "played"),
        (b, "preempted"),
        (storm, "played"),
        (b, "played"),
        (c, "played"),
    ]
    assert player.zones._zones.ops == [
        ("amp", True),
        ("on", 1),
        ("off", 1),
        ("on", 2),
        ("on", 1),  # the emergency: every block
        ("on", 3),
        ("off", 1),  # back to K2 alone
        ("off", 3),
        ("off", 2),
        ("on", 3),
        ("off", 3),
        ("amp", False),
    ]
    zones_by_airing = [a.zones for a in st.airings(None)]
    assert zones_by_airing == [(1,), (2,), (1, 2, 3), (2,), (3,)]
