"""The player's timing and claim logic with a fake clock, sink and relays (no sleeping).

The store is real (SQLite) and the audio is really assembled; only time, the sound
card and the relays are fakes.
"""

from __future__ import annotations

import json
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
from loabroadcast.playback.outcome import Outcome
from loabroadcast.rendering import Renderer
from loabroadcast.services import MessageDraft, Station, init_station
from loabroadcast.speech.engines.base import SynthResult
from loabroadcast.testing import FakeClock, RecordingSink
from rig import make_rig

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
    return make_rig(st, clock, sink=sink, zones=zones, instance=instance, engine=ToneEngine())


@pytest.fixture
def setup(town):
    st, clock = town
    from dataclasses import replace

    st.settings = replace(st.settings, speech=replace(st.settings.speech, render_on_approve=False))
    rig = make_player(st, clock)
    yield st, clock, rig
    rig.close()


def log(st):
    return [(a.message_id, a.status.value) for a in st.airings(None)]


def test_priority_order_zones_and_amplifier(setup):
    st, clock, rig = setup
    normal = add(st, "Thường", "K1")
    urgent = add(st, "Khẩn", "K1,K2", Priority.EMERGENCY)
    prio = add(st, "Ưu tiên", "K3", Priority.PRIORITY)
    approve_all(st, rig.renderer, normal, urgent, prio)
    clock.set(SLOT_START - timedelta(seconds=5))
    rig.player.run_occurrence("sang", DAY)
    rig.flush()
    assert [p.meta["message_id"] for p in rig.sink.plays] == [urgent, prio, normal]
    assert log(st) == [(urgent, "played"), (prio, "played"), (normal, "played")]
    # amp pre-roll, only the zones that change, everything off after the post-roll
    assert rig.zones.ops == [
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
    first, second, third = st.airings(None)
    assert first.started_at == SLOT_START  # placed on the exact instant, after pre-roll
    assert first.zones == (1, 2) and first.blocks == ("K1", "K2")
    # one stream for the programme: the gaps are exact to the frame
    for a, b in ((first, second), (second, third)):
        assert (b.started_at - a.ended_at).total_seconds() == pytest.approx(1.0, abs=1e-4)
    assert rig.sink.streams == 1
    assert {a.render_sha256 for a in (first, second, third)} == {
        rig.renderer.current(st.message(m)).sha256 for m in (normal, urgent, prio)
    }


def test_a_second_daemon_never_airs_a_claimed_occurrence(setup):
    st, clock, rig = setup
    mid = add(st, "Một", "K1")
    approve_all(st, rig.renderer, mid)
    clock.set(SLOT_START)
    rig.player.run_occurrence("sang", DAY)
    rig.flush()
    other = make_player(st, clock, instance="test-2")
    other.player.run_occurrence("sang", DAY)
    other.close()
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
    st, clock, rig = setup
    mid = add(st, "Một", "K1")
    approve_all(st, rig.renderer, mid)
    clock.set(SLOT_START + late_by)
    rig.player.run_occurrence("sang", DAY)
    rig.flush()
    assert log(st) == [(mid, expected)]
    assert len(rig.sink.plays) == (1 if expected == "played" else 0)


def test_a_failing_sound_card_fails_the_item_and_the_programme_goes_on(setup):
    st, clock, rig = setup
    a, b = add(st, "Một", "K1"), add(st, "Hai", "K2")
    approve_all(st, rig.renderer, a, b)
    clock.set(SLOT_START)
    rig.sink.fail_next(PlaybackError("device vanished"))
    rig.player.run_occurrence("sang", DAY)
    rig.flush()
    assert log(st) == [(a, "failed"), (b, "played")]
    assert "device vanished" in st.airings(None)[0].error
    assert rig.sink.streams == 2  # a new stream after the failed one


def test_a_stuck_relay_fails_the_items_it_cannot_make_safe(setup, caplog):
    """RecordingZones fails like a real board: zone 2 cannot be switched on, nor confirmed
    off afterwards, so no item airs (it might reach zone 2), and every failure is said."""
    st, clock, rig = setup
    a, b = add(st, "Một", "K2"), add(st, "Hai", "K1")
    approve_all(st, rig.renderer, a, b)
    rig.zones.fail_on(2)
    errors: list = []  # messages (said, explained errors) or text
    rig.player.on_air.on_error = errors.append
    clock.set(SLOT_START)
    rig.player.run_occurrence("sang", DAY)
    rig.flush()
    assert log(st) == [(a, "failed"), (b, "failed")]
    first, second = st.airings(None)
    assert "zone 2 on: relay failed" in first.error
    assert "zone 2 off: relay failed" in second.error
    assert rig.sink.plays == []  # no audio went out
    assert any("could not turn every zone off: zone 2 off" in str(e) for e in errors)
    assert "cannot switch zones off" in caplog.text


def test_a_relay_that_recovers_lets_the_next_item_air(setup):
    st, clock, rig = setup
    a, b = add(st, "Một", "K2"), add(st, "Hai", "K1")
    approve_all(st, rig.renderer, a, b)
    rig.zones.fail_on(2)
    original = rig.player.on_air.fail_safe

    def fail_safe_then_heal():
        original()
        rig.zones.heal(2)  # the installer reseated the relay board's cable

    rig.player.on_air.fail_safe = fail_safe_then_heal
    clock.set(SLOT_START)
    rig.player.run_occurrence("sang", DAY)
    rig.flush()
    assert log(st) == [(a, "failed"), (b, "played")]
    assert [p.meta["message_id"] for p in rig.sink.plays] == [b]


def test_a_priority_message_approved_on_air_goes_in_at_the_next_boundary(setup):
    st, clock, rig = setup
    a, b = add(st, "Một", "K1", words=60), add(st, "Hai", "K1")
    late = add(st, "Ưu tiên mới", "K1", Priority.PRIORITY)
    approve_all(st, rig.renderer, a, b)
    original = rig.sink.open_stream

    def approve_once_on_air(rate):
        stream = original(rate)
        add_cue = stream.add

        def add_and_approve(cue):
            added = add_cue(cue)
            if cue.meta["message_id"] == a:  # while the first item is on air
                approve_all(st, rig.renderer, late)
            return added

        stream.add = add_and_approve
        return stream

    rig.sink.open_stream = approve_once_on_air
    clock.set(SLOT_START)
    rig.player.run_occurrence("sang", DAY)
    rig.flush()
    assert [p.meta["message_id"] for p in rig.sink.plays] == [a, late, b]


def test_changed_audio_is_detected_and_rendered_again(setup, caplog):
    st, clock, rig = setup
    mid = add(st, "Một", "K1")
    approve_all(st, rig.renderer, mid)
    record = rig.renderer.current(st.message(mid))
    with open(record.path, "r+b") as f:
        f.seek(200)
        f.write(b"\x00\x01" * 50)
    clock.set(SLOT_START)
    rig.player.run_occurrence("sang", DAY)
    rig.flush()
    assert log(st) == [(mid, "played")]
    assert "changed or vanished" in caplog.text
    aired = st.airings(None)[0]
    # the same content renders to the same audio again: the approved sha256 airs
    assert aired.render_sha256 == record.sha256


def test_started_at_is_utc_aware(setup):
    st, clock, rig = setup
    mid = add(st, "Một", "K1")
    approve_all(st, rig.renderer, mid)
    clock.set(SLOT_START - timedelta(seconds=5))  # the job fires ahead, as in the daemon
    rig.player.run_occurrence("sang", DAY)
    rig.flush()
    [airing] = st.airings(None)
    assert airing.started_at.tzinfo is not None
    assert airing.started_at.astimezone(UTC) == SLOT_START.astimezone(UTC)


def test_the_log_line_of_an_item_shows_the_station_time(town, caplog):
    """The PC's own time zone (UTC here) may differ from the station's: the line for
    people says when it aired where the speakers are."""
    st, clock = town
    rig = make_rig(st, clock, engine=ToneEngine(), tz=TZ)
    try:
        mid = add(st, "Một", "K1")
        approve_all(st, rig.renderer, mid)
        clock.set(SLOT_START - timedelta(seconds=5))
        with caplog.at_level("INFO", logger="loabroadcast.player"):
            rig.player.run_occurrence("sang", DAY)
        rig.flush()
    finally:
        rig.close()
    assert f"message {mid} played (sang) at 06:00:00.000" in caplog.text


def test_three_blocks_and_an_emergency_cut_in_tell_the_whole_story(setup):
    """Issue: a slot with three messages for different blocks and an emergency cut-in."""
    st, clock, rig = setup
    a, b, c = add(st, "Một", "K1"), add(st, "Hai", "K2"), add(st, "Ba", "K3")
    storm = add(st, "Bão", "K1,K2,K3", Priority.EMERGENCY, words=3)
    st.add_slot("dem", "23:00", "23:01")  # the emergency's own slot, never reached here
    approve_all(st, rig.renderer, a, b, c)
    st.edit_message(storm, MessageDraft(slots=["dem"]))
    approve_all(st, rig.renderer, storm)
    clock.set(SLOT_START)
    sink = rig.sink
    runner = threading.Thread(target=rig.player.run_occurrence, args=("sang", DAY))
    runner.start()
    deadline = time.monotonic() + 20
    while len(sink.plays) < 2 and time.monotonic() < deadline:  # the second item on air
        time.sleep(0.001)
    assert rig.player.play_request(1, storm, ()) is Outcome.PLAYED
    runner.join(30)
    rig.flush()
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
    assert rig.zones.ops == [
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
    rows = st.airings(None)
    assert [r.zones for r in rows] == [(1,), (2,), (1, 2, 3), (2,), (3,)]
    cut, emergency, again = rows[1], rows[2], rows[3]
    # the emergency follows the cut item's last frame by a moment, on the same stream
    assert timedelta(0) < emergency.started_at - cut.ended_at <= timedelta(seconds=0.15)
    assert abs(again.started_at - emergency.ended_at - timedelta(seconds=1)) < timedelta(
        milliseconds=1
    )
    assert sink.streams == 1


def test_an_item_on_air_is_stamped_every_few_seconds(setup):
    """Progress lines in the journal: a crash keeps how long the item really aired."""
    st, clock, rig = setup
    mid = add(st, "Dài", "K1", words=100)  # 10 s of tone plus the chimes
    approve_all(st, rig.renderer, mid)
    clock.set(SLOT_START)
    rig.player.run_occurrence("sang", DAY)
    rig.flush()
    lines = [json.loads(x) for x in rig.journal.path.read_text().split("\0")[0].splitlines()[1:]]
    stamps = [
        datetime.fromisoformat(x["values"]["ended_at"])
        for x in lines
        if x["op"] == "update" and set(x["values"]) == {"ended_at"}
    ]
    assert len(stamps) >= 5
    steps = [(b - a).total_seconds() for a, b in zip(stamps, stamps[1:], strict=False)]
    assert all(1.9 <= step <= 2.1 for step in steps), steps
    [row] = st.airings(None)
    assert row.status.value == "played" and row.ended_at > stamps[-1]


def test_an_emergency_in_the_gap_between_two_items_goes_first(setup):
    """Nothing is cut: the next item, already queued for after the gap, waits for it."""
    st, clock, _ = setup
    rig = make_player(st, clock, sink=RecordingSink(clock=clock, real_per_buffer=0.002))
    a, b = add(st, "Một", "K1"), add(st, "Hai", "K2")
    storm = add(st, "Bão", "K3", Priority.EMERGENCY, words=3)
    st.add_slot("dem", "23:00", "23:01")
    approve_all(st, rig.renderer, a, b)
    st.edit_message(storm, MessageDraft(slots=["dem"]))
    approve_all(st, rig.renderer, storm)
    clock.set(SLOT_START - timedelta(seconds=5))
    sink = rig.sink
    runner = threading.Thread(target=rig.player.run_occurrence, args=("sang", DAY))
    runner.start()
    deadline = time.monotonic() + 20
    while not (sink.plays and sink.plays[0].completed) and time.monotonic() < deadline:
        time.sleep(0.0005)
    assert len(sink.plays) == 1  # in the gap: the first item done, the second not begun
    assert rig.player.play_request(1, storm, ()) is Outcome.PLAYED
    runner.join(30)
    rig.flush()
    assert [p.meta["message_id"] for p in sink.plays] == [a, storm, b]
    assert log(st) == [(a, "played"), (storm, "played"), (b, "played")]
    rig.close()
    assert rig.zones.ops[:8] == [
        ("amp", True),
        ("on", 1),
        ("off", 1),  # the first item's last frame heard: the second's zone for the gap
        ("on", 2),
        ("off", 2),  # the emergency's zone, nothing else
        ("on", 3),
        ("off", 3),  # then the second item's again
        ("on", 2),
    ]
