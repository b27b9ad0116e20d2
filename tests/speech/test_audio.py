"""ffmpeg helpers: import, probe, loudness, atomic writes, shipped assets."""

from __future__ import annotations

import errno
import hashlib
import os
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest

from loabroadcast.atomic import atomic_path, atomic_write_bytes
from loabroadcast.errors import AudioError
from loabroadcast.resources import audio_asset
from loabroadcast.speech import audio
from loabroadcast.speech.audio import (
    decode_pcm16,
    import_audio,
    measure_loudness,
    probe_duration,
    sha256_file,
)
from loabroadcast.speech.limiter import loudnorm
from loabroadcast.wavfile import read_wav_info


def make_sine(path: Path, seconds: float = 1.0, freq: int = 440, volume_db: float = -6.0) -> Path:
    """Any format ffmpeg can write, chosen by the suffix of ``path``."""
    src = f"sine=frequency={freq}:duration={seconds}:sample_rate=48000"
    argv = ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", src]
    argv += ["-af", f"volume={volume_db}dB", "-ac", "2", str(path)]
    subprocess.run(argv, check=True, timeout=30)
    return path


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("suffix", [".mp3", ".wav", ".ogg", ".m4a", ".flac"])
def test_import_audio_converts_to_mono_16bit_at_target_rate(tmp_path, suffix):
    src = make_sine(tmp_path / f"in{suffix}", seconds=1.5)
    out = import_audio(src, tmp_path / "out.wav", sample_rate=44100)
    channels, width, rate, frames = read_wav_info(out)
    assert (channels, width, rate) == (1, 2, 44100)
    assert frames / rate == pytest.approx(1.5, abs=0.08)


def test_text_file_renamed_mp3_is_an_audio_error_and_leaves_nothing(tmp_path):
    fake = tmp_path / "fake.mp3"
    fake.write_text("Đây không phải là âm thanh\n" * 50, encoding="utf-8")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    with pytest.raises(AudioError, match="cannot read audio file") as info:
        import_audio(fake, out_dir / "x.wav")
    assert "\n" not in str(info.value)
    assert leftovers(out_dir) == []


def test_missing_and_unsupported_files_are_audio_errors(tmp_path):
    with pytest.raises(AudioError, match="not found"):
        import_audio(tmp_path / "nope.mp3", tmp_path / "x.wav")
    doc = tmp_path / "note.txt"
    doc.write_text("hello")
    with pytest.raises(AudioError, match="unsupported audio file type"):
        import_audio(doc, tmp_path / "x.wav")
    with pytest.raises(AudioError, match="not found"):
        probe_duration(tmp_path / "nope.wav")
    assert leftovers(tmp_path) == ["note.txt"]


def test_probe_duration_of_wav_and_mp3(tmp_path):
    assert probe_duration(make_sine(tmp_path / "a.wav", 2.0)) == pytest.approx(2.0, abs=0.01)
    assert probe_duration(make_sine(tmp_path / "a.mp3", 2.0)) == pytest.approx(2.0, abs=0.08)


def test_missing_ffmpeg_says_how_to_install(monkeypatch, tmp_path):
    src = make_sine(tmp_path / "a.mp3")
    monkeypatch.setattr(audio.shutil, "which", lambda name: None)
    with pytest.raises(AudioError, match="ffmpeg is not installed: run `apt-get install ffmpeg`"):
        import_audio(src, tmp_path / "x.wav")
    assert not (tmp_path / "x.wav").exists()


def test_measure_loudness_of_the_test_tone():
    tone = audio_asset("test_tone.wav")
    measured = measure_loudness(tone)
    assert measured.true_peak_dbtp == pytest.approx(-12.0, abs=0.2)
    assert measured.integrated_lufs == pytest.approx(-15.0, abs=0.5)  # sine: peak − 3 dB


def test_loudnorm_raises_a_quiet_file_and_respects_the_peak(tmp_path):
    quiet = make_sine(tmp_path / "quiet.wav", seconds=6.0, freq=300, volume_db=-35.0)
    result = loudnorm(quiet, tmp_path / "norm.wav", target_lufs=-16.0, true_peak=-1.0)
    again = measure_loudness(tmp_path / "norm.wav")  # ffmpeg: the independent reference
    assert again.integrated_lufs == pytest.approx(result.integrated_lufs, abs=0.15)
    assert again.true_peak_dbtp == pytest.approx(result.true_peak_dbtp, abs=0.15)
    assert again.integrated_lufs == pytest.approx(-16.0, abs=1.0)
    assert again.true_peak_dbtp <= -1.0
    assert read_wav_info(tmp_path / "norm.wav")[:3] == (1, 2, 44100)


def test_loudnorm_limits_a_file_whose_peaks_a_gain_would_clip(tmp_path):
    # a −30 dBFS tone (lavfi's sine is −18 dBFS) with full-scale clicks: the gain to
    # −16 LUFS would put the clicks far over the peak limit, so the limiter takes them
    tone = make_sine(tmp_path / "tone.wav", seconds=8.0, freq=300, volume_db=-12.0)
    with wave.open(str(tone), "rb") as wav:
        rate, frames = wav.getframerate(), wav.readframes(wav.getnframes())
    samples = np.frombuffer(frames, dtype="<i2").reshape(-1, 2).copy()
    samples[rate : 7 * rate : rate // 3] = 32000
    clicky = tmp_path / "clicky.wav"
    with wave.open(str(clicky), "wb") as wav:
        wav.setnchannels(2)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(samples.tobytes())
    result = loudnorm(clicky, tmp_path / "norm.wav", target_lufs=-16.0, true_peak=-1.0)
    again = measure_loudness(tmp_path / "norm.wav")
    assert again.integrated_lufs == pytest.approx(-16.0, abs=1.0)
    assert again.true_peak_dbtp <= -1.0
    assert result.integrated_lufs == pytest.approx(again.integrated_lufs, abs=0.15)
    assert read_wav_info(tmp_path / "norm.wav")[:3] == (1, 2, 44100)


def test_decode_pcm16_returns_mono_samples_without_files(tmp_path):
    src = make_sine(tmp_path / "in.ogg", seconds=1.5, volume_db=-6.0)
    data = decode_pcm16(src, sample_rate=22050)
    samples = np.frombuffer(data, dtype="<i2")
    assert len(samples) / 22050 == pytest.approx(1.5, abs=0.08)
    assert 0.03 < np.abs(samples).max() / 32768 < 0.08  # lavfi sine (−18 dBFS) −6 dB, mixed
    assert leftovers(tmp_path) == ["in.ogg"]
    fake = tmp_path / "fake.mp3"
    fake.write_text("không phải âm thanh", encoding="utf-8")
    with pytest.raises(AudioError, match="cannot read audio file"):
        decode_pcm16(fake)
    with pytest.raises(AudioError, match="not found"):
        decode_pcm16(tmp_path / "missing.mp3")


def test_loudnorm_of_silence_does_not_fail(tmp_path):
    silent = tmp_path / "silent.wav"
    with wave.open(str(silent), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(22050)
        wav.writeframes(bytes(22050 * 2 * 4))
    result = loudnorm(silent, tmp_path / "out.wav")
    assert result.integrated_lufs == float("-inf")
    assert read_wav_info(tmp_path / "out.wav")[2] == 44100


def test_sha256_file(tmp_path):
    data = os.urandom(3_000_000)
    (tmp_path / "blob").write_bytes(data)
    assert sha256_file(tmp_path / "blob") == hashlib.sha256(data).hexdigest()
    with pytest.raises(AudioError):
        sha256_file(tmp_path / "missing")


def test_atomic_write_bytes_replaces_whole_file(tmp_path):
    target = tmp_path / "f.bin"
    atomic_write_bytes(target, b"old")
    atomic_write_bytes(target, b"new content")
    assert target.read_bytes() == b"new content"
    assert leftovers(tmp_path) == ["f.bin"]


def test_atomic_write_on_full_disk_keeps_old_file_and_no_temp(tmp_path, monkeypatch):
    target = tmp_path / "f.bin"
    atomic_write_bytes(target, b"approved audio")
    calls: list[int] = []
    real_write = os.write

    def half_then_full(fd, data):
        if calls:
            raise OSError(errno.ENOSPC, "No space left on device")
        calls.append(1)
        return real_write(fd, bytes(data[:10]))

    monkeypatch.setattr(os, "write", half_then_full)
    with pytest.raises(OSError) as info:
        atomic_write_bytes(target, b"x" * 100_000)
    assert info.value.errno == errno.ENOSPC
    monkeypatch.undo()
    assert target.read_bytes() == b"approved audio"
    assert leftovers(tmp_path) == ["f.bin"]


def test_atomic_path_removes_temp_on_error(tmp_path):
    target = tmp_path / "out.wav"
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_bytes(b"partial")
        raise RuntimeError("engine crashed")
    assert leftovers(tmp_path) == []


def test_shipped_assets_are_16bit_mono_44100():
    for name, seconds in [("chime_in.wav", 2.6), ("chime_out.wav", 2.9), ("test_tone.wav", 5.0)]:
        path = audio_asset(name)
        channels, width, rate, frames = read_wav_info(path)
        assert (channels, width, rate) == (1, 2, 44100)
        assert frames / rate == pytest.approx(seconds, abs=0.01)
        with wave.open(str(path), "rb") as wav:
            samples = np.frombuffer(wav.readframes(frames), dtype="<i2")
        assert np.abs(samples).max() > 3000  # not silent


def test_missing_asset_is_a_clear_error():
    with pytest.raises(AudioError, match="missing"):
        audio_asset("no_such_chime.wav")
    with pytest.raises(AudioError, match="invalid"):
        audio_asset("../pyproject.toml")
