"""Levels in dBFS, files measured by ffmpeg and refused when silent, the ring between a
source and the air, the fallback loop, the back-off."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from loabroadcast.config import PlaybackSettings
from loabroadcast.errors import AudioError
from loabroadcast.resources import audio_asset
from loabroadcast.sources.deadair import DeadAir
from loabroadcast.sources.fallback import FallbackLoop, fallback_path, load_fallback
from loabroadcast.sources.levels import (
    FLOOR_DB,
    SilentAudio,
    block_levels,
    level_db,
    measure_file,
    peak_db,
    require_audible,
)
from loabroadcast.sources.live import Backoff
from loabroadcast.sources.ring import PcmRing

RATE = 16_000


def sine(seconds, freq=440.0, dbfs_peak=-6.0, rate=RATE):
    t = np.arange(int(seconds * rate)) / rate
    return 10 ** (dbfs_peak / 20) * np.sin(2 * np.pi * freq * t)


def write(path: Path, samples, rate=RATE) -> Path:
    pcm = np.clip(np.round(np.asarray(samples) * 32767), -32768, 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    return path


# -- levels -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("samples", "rms", "peak"),
    [
        (np.full(100, 0.5), -6.02, -6.02),  # a square wave at half scale
        (sine(1.0, dbfs_peak=0.0), -3.01, 0.0),  # a full-scale sine: -3 dBFS RMS
        (sine(1.0, dbfs_peak=-20.0), -23.01, -20.0),
        (np.zeros(100), FLOOR_DB, FLOOR_DB),  # digital silence
        (np.array([], dtype=np.float32), FLOOR_DB, FLOOR_DB),
        (np.full(10, 16384, dtype=np.int16), -6.02, -6.02),  # int16 scaled to full scale
    ],
)
def test_levels(samples, rms, peak):
    assert level_db(samples) == pytest.approx(rms, abs=0.01)
    assert peak_db(samples) == pytest.approx(peak, abs=0.01)


def test_block_levels_keep_a_short_last_block():
    x = np.concatenate([np.full(10, 0.5), np.zeros(10), np.full(5, 0.1)])
    assert block_levels(x, 10).round(2).tolist() == [-6.02, FLOOR_DB, -20.0]


def test_a_file_is_measured_with_its_dead_air(tmp_path):
    gap = np.zeros(int(12.5 * RATE))
    path = write(tmp_path / "meeting.wav", np.concatenate([sine(2.0), gap, sine(1.0)]))
    found = measure_file(path, -40.0, 10.0)
    assert found.duration_s == pytest.approx(15.5, abs=0.01)
    assert found.peak_db == pytest.approx(-6.0, abs=0.1)
    assert found.audible_s == pytest.approx(3.0, abs=0.11)
    [event] = found.dead_air
    assert event.start_s == pytest.approx(2.0, abs=0.11)
    assert event.length_s == pytest.approx(12.5, abs=0.11)
    assert not found.silent
    assert found.dead_air_notes("meeting.wav") == (
        "meeting.wav is silent for 12 s from 0:02: on air the dead-air guard will report it",
    )


@pytest.mark.parametrize(
    ("samples", "silent"),
    [
        (np.zeros(3 * RATE), True),  # digital silence
        (sine(3.0, dbfs_peak=-50.0), True),  # hum far below -40 dBFS
        (np.concatenate([np.zeros(20 * RATE), sine(0.3)]), True),  # a click in silence
        (np.concatenate([np.zeros(20 * RATE), sine(2.0)]), False),  # 2 s said: 9 %
        (sine(0.3), False),  # short, but sound all through
        (np.concatenate([np.zeros(RATE // 2), sine(0.4)]), False),  # "Xin cảm ơn.": 0.4 of 0.9 s
        (np.concatenate([np.zeros(int(1.8 * RATE)), sine(0.2)]), True),  # 0.2 of 2 s: a click
        (sine(3.0, dbfs_peak=-30.0), False),  # quiet, yet above the threshold
    ],
)
def test_silent_or_nearly(tmp_path, samples, silent):
    path = write(tmp_path / "rec.wav", samples)
    playback = PlaybackSettings(silence_db=-40.0, silence_s=10.0)
    if silent:
        with pytest.raises(SilentAudio, match=r"^rec\.wav is silent or nearly: "):
            require_audible(path, playback)
    else:
        assert require_audible(path, playback).audible_s > 0


def test_a_compressed_file_is_measured_through_ffmpeg(tmp_path):
    import subprocess

    wav = write(tmp_path / "tone.wav", sine(2.0, dbfs_peak=-12.0))
    mp3 = tmp_path / "tone.mp3"
    subprocess.run(["ffmpeg", "-v", "error", "-i", str(wav), str(mp3)], check=True)
    found = measure_file(mp3)
    assert found.duration_s == pytest.approx(2.0, abs=0.1)
    assert found.rms_db == pytest.approx(-15.0, abs=0.5)


def test_what_is_not_audio_is_one_clear_line(tmp_path):
    bad = tmp_path / "notes.mp3"
    bad.write_text("not audio", encoding="utf-8")
    with pytest.raises(AudioError, match=r"^cannot read audio file notes\.mp3: "):
        measure_file(bad)


# -- the ring ---------------------------------------------------------------------------


def test_the_ring_reads_what_was_written_in_order_across_its_end():
    ring = PcmRing(8)
    ring.write(np.arange(1, 6, dtype=np.int16))
    out = np.zeros(10, dtype=np.int16)
    assert ring.read_into(out, 2, 3) == 3
    ring.write(np.arange(6, 11, dtype=np.int16))  # wraps
    assert ring.read_into(out, 5, 5) == 5
    assert out.tolist() == [0, 0, 1, 2, 3, 4, 5, 6, 7, 8] and ring.available == 2
    assert ring.read(5).tolist() == [9, 10] and ring.read(5).tolist() == []


def test_a_full_ring_drops_the_oldest():
    ring = PcmRing(4)
    ring.write(np.arange(1, 4, dtype=np.int16))
    ring.write(np.arange(4, 7, dtype=np.int16))
    assert ring.available == 4 and ring.dropped == 2
    assert ring.read(4).tolist() == [3, 4, 5, 6]
    ring.write(np.arange(10, 20, dtype=np.int16))  # more than it holds at once
    assert ring.read(10).tolist() == [16, 17, 18, 19] and ring.dropped == 8


def test_the_ring_fills_every_channel_and_can_skip_ahead():
    ring = PcmRing(6)
    ring.write(np.array([1, 2, 3, 4, 5], dtype=np.int16))
    assert ring.skip_to(2) == 3
    out = np.zeros((3, 2), dtype=np.int16)
    assert ring.read_into(out, 0, 3) == 2
    assert out.tolist() == [[4, 4], [5, 5], [0, 0]]


# -- the fallback -----------------------------------------------------------------------


def test_the_shipped_notice_is_the_default_and_is_spoken(tmp_path):
    assert fallback_path("") == audio_asset("relay_lost.wav")
    assert fallback_path("chime") == audio_asset("chime_in.wav")
    samples = load_fallback("", 48_000)
    assert 5.0 < len(samples) / 48_000 < 9.0
    speech = measure_file(audio_asset("relay_lost.wav"))
    assert speech.audible_s > 2.5  # the notice is heard, then a pause
    assert speech.dead_air == ()


def test_a_fallback_of_the_stations_own(tmp_path):
    own = write(tmp_path / "own.wav", sine(1.0), rate=RATE)
    samples = load_fallback(str(own), 48_000)
    assert len(samples) == 48_000
    with pytest.raises(AudioError, match=r"^\[relay\] fallback: no audio file "):
        load_fallback(str(tmp_path / "missing.wav"), 48_000)


def test_the_fallback_loops():
    loop = FallbackLoop(np.array([1, 2, 3], dtype=np.int16))
    out = np.zeros(8, dtype=np.int16)
    assert loop.read_into(out, 1, 7) == 7
    assert out.tolist() == [0, 1, 2, 3, 1, 2, 3, 1]
    loop.restart()
    again = np.zeros(2, dtype=np.int16)
    loop.read_into(again, 0, 2)
    assert again.tolist() == [1, 2]


# -- back-off ---------------------------------------------------------------------------


def test_backoff_doubles_up_to_its_most_and_starts_over_after_success():
    b = Backoff(first=0.25, most=2.0)
    assert [b.failed() for _ in range(6)] == [0.25, 0.5, 1.0, 2.0, 2.0, 2.0]
    b.succeeded()
    assert b.failed() == 0.25
    assert Backoff(first=0.25, most=0.1).failed() == 0.1


def test_dead_air_of_a_file_is_the_detectors():
    assert DeadAir(1.0, 2.0).end_s == 3.0
