"""The fakes in loabroadcast.testing behave like the real things they stand in for."""

from __future__ import annotations

import threading
import time
import wave
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from loabroadcast.errors import AudioError, PlaybackError, ZoneError
from loabroadcast.playback.sinks import PlayOutcome, Sink
from loabroadcast.playback.zones import Zones, zones_session
from loabroadcast.testing import FakeClock, RecordingSink, RecordingZones

START = datetime(2026, 3, 10, 6, 0, tzinfo=timezone(timedelta(hours=7)))


def silent_wav(path: Path, seconds: float, rate: int = 8000) -> Path:
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(b"\0\0" * int(seconds * rate))
    return path


# --------------------------------------------------------------------------- FakeClock


def test_fake_clock_is_a_clock_in_utc():
    clock = FakeClock(START)
    assert clock.now() == START
    assert clock.now().tzinfo == UTC
    assert clock.monotonic() == 1000.0


def test_fake_clock_advance_moves_both():
    clock = FakeClock(START, monotonic_start=5.0)
    assert clock.advance(1.5) == START + timedelta(seconds=1.5)
    clock.advance(timedelta(minutes=1))
    assert clock.now() == START + timedelta(seconds=61.5)
    assert clock.monotonic() == pytest.approx(66.5)
    clock.sleep(0.5)
    assert clock.monotonic() == pytest.approx(67.0)
    with pytest.raises(ValueError):
        clock.advance(-1)


def test_fake_clock_set_jumps_wall_clock_only():
    clock = FakeClock(START)
    clock.set(START + timedelta(hours=1))
    assert clock.now() == START + timedelta(hours=1)
    assert clock.monotonic() == 1000.0
    clock.set(START - timedelta(minutes=5))  # backwards too
    assert clock.now() == START - timedelta(minutes=5)


def test_fake_clock_needs_aware_datetimes():
    with pytest.raises(ValueError):
        FakeClock(datetime(2026, 3, 10, 6, 0))
    with pytest.raises(ValueError):
        FakeClock(START).set(datetime(2026, 3, 10, 7, 0))


def test_fake_clock_is_thread_safe():
    clock = FakeClock(START)
    threads = [
        threading.Thread(target=lambda: [clock.advance(0.001) for _ in range(1000)])
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert clock.monotonic() == pytest.approx(1004.0)


# --------------------------------------------------------------------------- RecordingSink


def test_recording_sink_records_instantly(tmp_path):
    clock = FakeClock(START)
    sink = RecordingSink(clock=clock)
    assert isinstance(sink, Sink)
    wav = silent_wav(tmp_path / "a.wav", 30.0)
    starts: list[float] = []
    begun = time.monotonic()
    outcome = sink.play(wav, stop=threading.Event(), on_start=starts.append, meta={"message_id": 4})
    assert time.monotonic() - begun < 0.5
    assert outcome == PlayOutcome(True, 30.0, 1000.0)
    assert starts == [1000.0]
    [record] = sink.plays
    assert (record.path, record.meta, record.started, record.completed) == (
        wav,
        {"path": str(wav), "message_id": 4},
        START,
        True,
    )
    assert sink.paths == [wav]
    assert sink.play_started.is_set()


def test_recording_sink_on_the_real_clock_plays_in_real_time_and_honours_stop(tmp_path):
    sink = RecordingSink()
    wav = silent_wav(tmp_path / "a.wav", 1.0)
    stop = threading.Event()
    threading.Timer(0.2, stop.set).start()
    begun = time.monotonic()
    outcome = sink.play(wav, stop=stop)
    assert time.monotonic() - begun < 0.35
    assert outcome.completed is False
    assert 0.15 < outcome.played_s < 0.35
    assert sink.plays[0].completed is False


def test_recording_sink_fail_next_kills_the_stream_on_air(tmp_path):
    """Like a sound card that vanishes: the item starts, then the stream dies; the next
    stream works."""
    clock = FakeClock(START)
    sink = RecordingSink(clock=clock)
    wav = silent_wav(tmp_path / "a.wav", 1.0)
    sink.fail_next()
    sink.fail_next(PlaybackError("card gone"))
    with pytest.raises(PlaybackError, match="told to fail"):
        sink.play(wav, stop=threading.Event())
    with pytest.raises(PlaybackError, match="card gone"):
        sink.play(wav, stop=threading.Event())
    assert sink.play(wav, stop=threading.Event()).completed
    assert [r.completed for r in sink.plays] == [False, False, True]
    assert sink.streams == 3


def test_recording_sink_reads_the_file_like_real_sinks(tmp_path):
    with pytest.raises(AudioError):
        RecordingSink().play(tmp_path / "missing.wav", stop=threading.Event())


def test_recording_sink_counts_open_and_close():
    sink = RecordingSink()
    sink.open()
    sink.close()
    assert (sink.opened, sink.closed) == (1, 1)


# --------------------------------------------------------------------------- RecordingZones


def test_recording_zones_ops():
    zones = RecordingZones()
    assert isinstance(zones, Zones)
    zones.all_off()
    zones.amp(True)
    assert zones.set_zones(frozenset({3, 1})) == [(1, True), (3, True)]
    assert zones.set_zones(frozenset({3})) == [(1, False)]
    zones.amp(False)
    zones.close()
    assert zones.ops == [
        ("all_off",),
        ("amp", True),
        ("on", 1),
        ("on", 3),
        ("off", 1),
        ("amp", False),
        ("all_off",),
        ("close",),
    ]
    assert zones.current == frozenset()


def test_recording_zones_without_amp():
    zones = RecordingZones(amp=False)
    zones.amp(True)
    assert zones.ops == []
    assert zones.amp_on is None


def test_recording_zones_fail_on_is_fail_safe():
    zones = RecordingZones()
    zones.all_off()
    zones.fail_on(3)
    with pytest.raises(ZoneError, match="zone 3 on"):
        zones.set_zones(frozenset({1, 3}))
    assert zones.ops == [("all_off",), ("on", 1), ("all_off",)]
    assert zones.current == frozenset()
    zones.heal(3)
    assert zones.set_zones(frozenset({3})) == [(3, True)]


def test_recording_zones_in_a_session():
    zones = RecordingZones()
    with pytest.raises(KeyError), zones_session(zones):
        zones.set_zones(frozenset({2}))
        raise KeyError("boom")
    assert zones.ops == [("all_off",), ("on", 2), ("all_off",)]
