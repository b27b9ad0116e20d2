"""Audio held for air: read once, verified against the approved sha256, those bytes played."""

from __future__ import annotations

import hashlib
import os
import wave
from pathlib import Path

import numpy as np
import pytest

from loabroadcast.errors import AudioChanged, AudioError
from loabroadcast.playback.pcm import load_air_audio, to_mono16


def write(path: Path, samples: np.ndarray, rate: int = 8000, width: int = 2) -> Path:
    data = np.asarray(samples)
    channels = 1 if data.ndim == 1 else data.shape[1]
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(data.astype("<i2").tobytes() if width == 2 else data.tobytes())
    return path


def drain(audio, block: int = 333) -> np.ndarray:
    reader = audio.reader()
    out, got = [], 0
    try:
        while got < reader.frames:
            buf = np.zeros((block, 1), dtype=np.int16)
            n = reader.read_into(buf, 0, block)
            if n:
                out.append(buf[:n, 0].copy())
                got += n
    finally:
        reader.close()
    return np.concatenate(out)


def test_the_verified_bytes_are_the_ones_decoded(tmp_path):
    samples = (np.arange(4000) % 2000 - 1000).astype(np.int16)
    path = write(tmp_path / "a.wav", samples)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    audio = load_air_audio(path, sha)
    path.write_bytes(b"RIFF changed after the check")  # too late: the bytes are held
    assert audio.sha256 == sha and audio.rate == 8000 and audio.frames == 4000
    assert np.array_equal(drain(audio), samples)


def test_other_bytes_are_refused(tmp_path):
    path = write(tmp_path / "a.wav", np.zeros(100, dtype=np.int16))
    with pytest.raises(AudioChanged, match="not the approved audio") as info:
        load_air_audio(path, "0" * 64)
    assert "\n" not in str(info.value)


def test_missing_and_broken_files_are_one_line_errors(tmp_path):
    with pytest.raises(AudioError, match="not found"):
        load_air_audio(tmp_path / "nope.wav")
    (tmp_path / "x.wav").write_bytes(b"ID3 not a wav")
    with pytest.raises(AudioError, match="not a PCM WAV"):
        load_air_audio(tmp_path / "x.wav")


def test_a_long_item_is_fed_from_a_private_copy(tmp_path):
    """Past the memory limit the file is copied (hashed on the way) to a nameless file and
    fed through a ring buffer; what comes out is the file's audio, frame for frame."""
    rng = np.random.default_rng(1)
    samples = rng.integers(-20000, 20000, 120_000).astype(np.int16)
    path = write(tmp_path / "long.wav", samples, rate=16000)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    audio = load_air_audio(path, sha, spool_dir=tmp_path, memory_limit=10_000)
    assert audio.samples is None and audio.spool is not None
    os.unlink(path)  # gone from disk: the private copy still plays
    assert list(tmp_path.iterdir()) == []  # the copy has no name
    assert np.array_equal(drain(audio, block=4096), samples)
    audio.close()


def test_a_long_stereo_item_is_converted_in_its_private_copy(tmp_path):
    left = np.arange(30_000, dtype=np.int16)
    path = write(tmp_path / "st.wav", np.stack([left, left], axis=1))
    audio = load_air_audio(path, None, spool_dir=tmp_path, memory_limit=1000)
    assert np.array_equal(drain(audio), left)
    audio.close()


def test_a_long_item_is_refused_before_it_is_kept(tmp_path):
    path = write(tmp_path / "long.wav", np.zeros(50_000, dtype=np.int16))
    with pytest.raises(AudioChanged):
        load_air_audio(path, "f" * 64, spool_dir=tmp_path, memory_limit=1000)


@pytest.mark.parametrize(
    ("raw", "width", "channels", "expected"),
    [
        (np.array([1000, -1000], "<i2").tobytes(), 2, 1, [1000, -1000]),
        (np.array([100, 300, -100, -300], "<i2").tobytes(), 2, 2, [200, -200]),
        (bytes([128, 255, 0]), 1, 1, [0, 127 << 8, -128 << 8]),
        (bytes([0x00, 0x34, 0x12, 0x00, 0x00, 0x80]), 3, 1, [0x1234, -32768]),
        (np.array([0x12340000, -(1 << 31)], "<i4").tobytes(), 4, 1, [0x1234, -32768]),
    ],
)
def test_to_mono16(raw, width, channels, expected):
    assert to_mono16(raw, width, channels).tolist() == expected


def test_a_different_rate_is_converted_for_the_stream(tmp_path):
    path = write(tmp_path / "a.wav", (np.sin(np.arange(8000) / 10) * 10000).astype(np.int16))
    audio = load_air_audio(path, rate=16000)
    assert (audio.rate, audio.frames) == (16000, 16000)
