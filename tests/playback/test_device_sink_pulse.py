"""The sound-device sink really plays: into a PulseAudio null sink, recorded from its monitor."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from loabroadcast.errors import PlaybackError
from loabroadcast.playback.device import DeviceSink, list_devices

RATE = 48000  # the null sink's rate: nothing is resampled
SECONDS = 1.5
LEVEL_DBFS = -12.0


def chirp(seconds: float = SECONDS, f0: float = 200.0, f1: float = 4000.0) -> np.ndarray:
    """A linear chirp at −12 dBFS peak: one unambiguous alignment, a sharp onset."""
    t = np.arange(int(seconds * RATE)) / RATE
    phase = 2 * np.pi * (f0 * t + (f1 - f0) / (2 * seconds) * t**2)
    return 10 ** (LEVEL_DBFS / 20) * np.sin(phase)


def align(recording: np.ndarray, sent: np.ndarray) -> int:
    """The offset in ``recording`` where ``sent`` starts (FFT cross-correlation)."""
    size = 1 << int(np.ceil(np.log2(len(recording) + len(sent))))
    spectrum = np.fft.rfft(recording, size) * np.conj(np.fft.rfft(sent, size))
    corr = np.fft.irfft(spectrum, size)[: len(recording) - len(sent) + 1]
    return int(np.argmax(corr))


def rms_db(x: np.ndarray) -> float:
    return 20 * np.log10(np.sqrt(np.mean(np.square(x))))


def test_plays_signal_into_null_sink(pulse, tmp_path, write_wav):
    sent = chirp()
    wav = write_wav(tmp_path / "chirp.wav", sent)
    recorder = pulse.start_recorder()  # first, and it already has data
    sink = DeviceSink()
    sink.open()
    starts: list[float] = []
    outcome = sink.play(wav, stop=threading.Event(), on_start=starts.append)
    sink.close()
    time.sleep(0.25)  # the recorder's own buffers still hold the last ~20 ms
    got = recorder.samples()

    assert outcome.completed and outcome.played_s == pytest.approx(SECONDS, abs=0.01)
    assert len(starts) == 1
    assert len(got) > len(sent)
    at = align(got, sent)
    heard = got[at : at + len(sent)]
    assert len(heard) == len(sent), "the end of the signal is missing"
    assert np.corrcoef(heard, sent)[0, 1] > 0.98
    assert abs(rms_db(heard) - rms_db(sent)) < 1.0
    # Nothing lost at the start: the first 20 ms are there, and silence before them.
    onset = int(0.02 * RATE)
    assert np.corrcoef(heard[:onset], sent[:onset])[0, 1] > 0.98
    assert abs(rms_db(heard[:onset]) - rms_db(sent[:onset])) < 1.0
    assert np.max(np.abs(got[max(0, at - RATE // 10) : at])) < 0.01


def test_stereo_and_other_rates_play(pulse, tmp_path, write_wav):
    stereo = np.stack([chirp(0.3), chirp(0.3)], axis=1)
    wav = write_wav(tmp_path / "stereo.wav", stereo)
    assert DeviceSink().play(wav, stop=threading.Event()).completed
    wav = write_wav(tmp_path / "slow.wav", chirp(0.3)[::2], rate=RATE // 2)
    assert DeviceSink().play(wav, stop=threading.Event()).completed


def test_unknown_device_is_a_playback_error(pulse):
    sink = DeviceSink("no-such-card-xyz")
    with pytest.raises(PlaybackError, match="no-such-card-xyz") as info:
        sink.open()
    assert "\n" not in str(info.value)


def test_list_devices_sees_pulse(pulse):
    devices = list_devices(refresh=True)
    names = {d.name for d in devices}
    assert {"pulse", "default"} & names
    assert sum(d.default for d in devices) == 1
    assert all(d.channels > 0 for d in devices)
    assert DeviceSink("pulse").name == "device:pulse"
    DeviceSink("pulse").open()


def test_device_appearing_later_is_found(pulse_server, monkeypatch):
    """PortAudio initialised without a server sees nothing; open() re-initialises."""
    from loabroadcast.playback.device import reinitialise_portaudio

    monkeypatch.delenv("PULSE_SERVER", raising=False)
    monkeypatch.setenv("PULSE_COOKIE", str(pulse_server.runtime_dir / "cookie"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(pulse_server.runtime_dir / "nowhere"))
    try:
        reinitialise_portaudio()
        assert not any(d.name == "pulse" for d in list_devices())
        monkeypatch.setenv("PULSE_SERVER", pulse_server.server)
        sink = DeviceSink("pulse")
        sink.open()  # not listed yet: re-initialises PortAudio and finds it
        assert sink._info is not None and sink._info.name == "pulse"
    finally:
        monkeypatch.undo()
        reinitialise_portaudio()


def test_device_vanishing_while_playing_is_a_playback_error(throwaway_pulse, write_wav, tmp_path):
    wav = write_wav(tmp_path / "long.wav", chirp(3.0, 200.0, 400.0))
    killer = threading.Timer(0.4, throwaway_pulse.proc.kill)
    sink = DeviceSink()
    sink.open()
    killer.start()
    begun = time.monotonic()
    with pytest.raises(PlaybackError, match="failed while playing") as info:
        sink.play(wav, stop=threading.Event())
    killer.join()
    assert time.monotonic() - begun < 2.5
    assert "\n" not in str(info.value)
