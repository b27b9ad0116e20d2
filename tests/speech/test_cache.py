"""Render cache: content addressing, hits, tamper detection, atomic writes, prune."""

from __future__ import annotations

import errno
import logging
import os
import threading
import time
import wave
import zlib
from pathlib import Path

import numpy as np
import pytest

from loabroadcast.errors import AudioError
from loabroadcast.speech.cache import RenderCache, canonical_text, speech_key
from loabroadcast.speech.engines.base import SynthResult


class CountingEngine:
    """Writes a short tone whose pitch depends on the text; counts its calls."""

    def __init__(self, name: str = "fake", voice: str | None = "v1", speed: float = 1.0):
        self.name, self.voice, self.speed = name, voice, speed
        self.calls: list[str] = []
        self._lock = threading.Lock()

    def synthesize(self, text: str, out_wav: Path) -> SynthResult:
        with self._lock:
            self.calls.append(text)
        freq = 200 + zlib.crc32(text.encode()) % 600
        t = np.arange(8000) / 16000
        pcm = (np.sin(2 * np.pi * freq * t) * 8000).astype("<i2")
        with wave.open(str(out_wav), "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(16000)
            wav.writeframes(pcm.tobytes())
        return SynthResult(Path(out_wav), self.name, self.voice)


class FullDiskEngine(CountingEngine):
    """Writes half a file, then the disk is full."""

    def synthesize(self, text: str, out_wav: Path) -> SynthResult:
        Path(out_wav).write_bytes(b"RIFF" + bytes(1000))
        raise OSError(errno.ENOSPC, "No space left on device")


def files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_hit_does_not_call_the_engine(tmp_path):
    cache, engine = RenderCache(tmp_path), CountingEngine()
    first = cache.speech("Xin chào bà con", engine)
    second = cache.speech("Xin chào bà con", engine)
    assert engine.calls == ["Xin chào bà con"]
    assert (first.hit, second.hit) == (False, True)
    assert first.path == second.path == tmp_path / first.key[:2] / f"{first.key}.wav"
    assert first.sha256 == second.sha256
    assert (second.engine, second.voice, second.fallback) == ("fake", "v1", False)
    folder = first.key[:2]
    assert files(tmp_path) == [f"{folder}/{first.key}.json", f"{folder}/{first.key}.wav"]


def test_key_depends_on_text_engine_voice_and_speed():
    base = speech_key("Xin chào", CountingEngine())
    assert speech_key("Xin  chào \n", CountingEngine()) == base  # same spoken text
    assert speech_key("Xin chào!", CountingEngine()) != base
    assert speech_key("Xin chào", CountingEngine(name="other")) != base
    assert speech_key("Xin chào", CountingEngine(voice="v2")) != base
    assert speech_key("Xin chào", CountingEngine(speed=1.2)) != base
    # NFD input (as some editors produce) is the same text as NFC.
    assert canonical_text("Vie\u0302\u0323t") == "Việt"


def test_tampered_file_is_detected_logged_and_rendered_again(tmp_path, caplog):
    cache, engine = RenderCache(tmp_path), CountingEngine()
    original = cache.speech("Thông báo khẩn", engine)
    data = bytearray(original.path.read_bytes())
    data[-100] ^= 0xFF
    original.path.write_bytes(bytes(data))
    with caplog.at_level(logging.WARNING, logger="loabroadcast.speech"):
        again = cache.speech("Thông báo khẩn", engine)
    assert "changed on disk" in caplog.text
    assert len(engine.calls) == 2 and not again.hit
    assert again.sha256 == original.sha256  # the same audio is back
    assert cache.lookup(original.key) is not None


def test_missing_sidecar_means_a_miss(tmp_path):
    cache, engine = RenderCache(tmp_path), CountingEngine()
    entry = cache.speech("Xin chào", engine)
    cache.sidecar_for(entry.key).unlink()
    assert cache.lookup(entry.key) is None
    assert not cache.speech("Xin chào", engine).hit
    assert len(engine.calls) == 2


def test_force_renders_again(tmp_path):
    cache, engine = RenderCache(tmp_path), CountingEngine()
    cache.speech("Xin chào", engine)
    assert not cache.speech("Xin chào", engine, force=True).hit
    assert len(engine.calls) == 2


def test_failed_render_on_full_disk_leaves_no_partial_file(tmp_path):
    cache = RenderCache(tmp_path)
    with pytest.raises(AudioError) as info:
        cache.speech("Xin chào", FullDiskEngine())
    assert str(info.value) == f"cannot write the render cache {tmp_path}: No space left on device"
    assert files(tmp_path) == []


def test_full_disk_while_writing_the_sidecar_leaves_nothing(tmp_path, monkeypatch):
    cache, engine = RenderCache(tmp_path), CountingEngine()

    def no_space(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", no_space)  # the sidecar is written with os.write
    with pytest.raises(AudioError, match="No space left on device$"):
        cache.speech("Xin chào", engine)
    monkeypatch.undo()
    assert files(tmp_path) == []
    assert not cache.speech("Xin chào", engine).hit  # and the cache still works


def test_concurrent_requests_for_one_text_render_once(tmp_path):
    cache, engine = RenderCache(tmp_path), CountingEngine()
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(cache.speech("Một lần thôi", engine)))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(engine.calls) == 1
    assert len({r.sha256 for r in results}) == 1


def test_prune_keeps_wanted_entries_and_their_parts(tmp_path):
    cache, engine = RenderCache(tmp_path), CountingEngine()
    part = cache.speech("Phần lời", engine)
    other = cache.speech("Tin cũ", engine)

    def produce(tmp: Path) -> dict:
        tmp.write_bytes(part.path.read_bytes())
        return {"engine": "fake", "voice": "v1", "parts": {"body": part.key}}

    programme = cache.store(cache.key("programme", body=part.key), "programme", produce)
    stale = tmp_path / other.key[:2] / ".crashed.wav.0123.tmp"
    stale.write_bytes(b"partial")
    os.utime(stale, (time.time() - 7200, time.time() - 7200))
    fresh = tmp_path / part.key[:2] / ".rendering.wav.4567.tmp"
    fresh.write_bytes(b"in progress")
    crashed_work = tmp_path / part.key[:2] / ".loa-assemble-abc"
    crashed_work.mkdir()
    (crashed_work / "mix.wav").write_bytes(b"RIFF")
    os.utime(crashed_work, (time.time() - 7200, time.time() - 7200))

    removed = cache.prune({programme.key})
    names = {p.name for p in removed}
    assert names == {f"{other.key}.wav", f"{other.key}.json", stale.name, crashed_work.name}
    assert cache.lookup(programme.key) and cache.lookup(part.key)
    assert cache.lookup(other.key) is None
    assert fresh.exists()
    assert set(cache.keys()) == {programme.key, part.key}
