"""The input source (a receiver on the sound card's line input) read from a real PulseAudio
null sink's monitor: a tone played into the sink comes out of the source's ring."""

from __future__ import annotations

import subprocess
import time

import numpy as np
import pytest

from loabroadcast.sources.input import InputSource, find_input
from loabroadcast.sources.levels import level_db
from loabroadcast.sources.live import EventKind, SourceState

pytestmark = pytest.mark.slow

RATE = 48_000


def dominant_hz(samples: np.ndarray) -> float:
    x = samples.astype(np.float64) * np.hanning(len(samples))
    return float(np.argmax(np.abs(np.fft.rfft(x))) * RATE / len(samples))


def test_a_tone_played_into_the_sink_is_heard_on_its_monitor(pulse, make_wav, monkeypatch):
    monkeypatch.setenv("PULSE_SOURCE", f"{pulse.sink}.monitor")  # what "pulse" records
    wav = make_wav(3.0, name="tone.wav")  # 440 Hz, -12 dBFS peak
    source = InputSource("pulse", RATE, buffer_s=2.0, connect_timeout_s=3.0)
    with source:
        assert source.wait_live(5), source.error
        player = subprocess.Popen(
            ["paplay", f"--device={pulse.sink}", str(wav)], env=pulse.env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        time.sleep(1.5)
        source.ring.clear()  # what came before the tone
        assert source.wait_buffered(1.0, 3)
        heard = source.ring.read(RATE)
        player.wait(10)
    assert dominant_hz(heard) == pytest.approx(440.0, abs=2.0)
    assert level_db(heard) == pytest.approx(-15.0, abs=1.5)  # a sine: peak - 3 dB
    assert source.format.codec == "pcm" and source.format.rate == RATE
    assert [e.kind for e in source.events] == [EventKind.CONNECTED]
    assert source.state is SourceState.STOPPED


def test_an_input_that_does_not_exist_is_named_with_those_that_do(pulse):
    from loabroadcast.errors import AudioError

    with pytest.raises(AudioError, match=r"^no input device 'Thu thanh 9' \(inputs: .*pulse"):
        find_input("Thu thanh 9")
    source = InputSource("Thu thanh 9", RATE, retry_max_s=0.5)
    with source:
        assert not source.wait_live(1.0)
    assert source.events[0].kind is EventKind.FAILED
    assert "no input device 'Thu thanh 9'" in source.events[0].detail
