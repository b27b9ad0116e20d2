"""Shared parts of the on-the-instant figures (issue 9): a private PulseAudio null sink,
the wall-clock witness on its monitor, a ``paplay`` baseline, busy cores.

The null sink and the witness are the test suite's (tests/playback/conftest.py and
tests/pulse_witness.py), so the bench and the tests measure the same way.
"""

from __future__ import annotations

import contextlib
import importlib.util
import statistics
import subprocess
import sys
import time
import wave
from collections.abc import Iterator
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from pulse_witness import Witness, busy_processes, nearest  # noqa: E402

__all__ = ["Witness", "busy_processes", "nearest", "pulse", "paplay_baseline", "tone_wav"]


def _playback_conftest():
    spec = importlib.util.spec_from_file_location(
        "loa_playback_fixtures", ROOT / "tests" / "playback" / "conftest.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@contextlib.contextmanager
def pulse() -> Iterator[object]:
    """A PulseAudio daemon with the null sink ``ci_out`` (and a low-latency reader)."""
    fixtures = _playback_conftest()
    try:
        server = fixtures.launch_pulse(keepalive=True)
    except BaseException as err:  # pytest's skip/fail outcomes are BaseExceptions
        raise RuntimeError(f"cannot start PulseAudio: {err}") from None
    try:
        yield server
    finally:
        fixtures.shutdown_pulse(server)


def tone_wav(path: Path, seconds: float = 0.3, rate: int = 44100) -> Path:
    t = np.arange(int(seconds * rate)) / rate
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes((0.3 * np.sin(2 * np.pi * 1000 * t) * 32767).astype("<i2").tobytes())
    return path


def paplay_baseline(server, wav: Path, n: int, busy: int = 0, spacing_s: float = 1.2) -> list:
    """``sleep until T; paplay tone.wav``, ``n`` times: witnessed lateness in ms."""
    witness = Witness(server.env)
    loaders = busy_processes(busy)
    asked: list[float] = []
    try:
        time.sleep(0.5)
        for _ in range(n):
            target = time.time() + spacing_s
            time.sleep(max(0.0, target - time.time()))
            asked.append(target)
            subprocess.run(["paplay", str(wav)], env=server.env, check=True)
        time.sleep(0.3)
    finally:
        for proc in loaders:
            proc.kill()
            proc.wait()
        witness.stop()
    sounds = witness.sounds()
    heard = [nearest(sounds, t, within=0.5) for t in asked]
    return [(s.onset - t) * 1000 if s else None for s, t in zip(heard, asked, strict=True)]


def summary(values: list[float]) -> str:
    if not values:
        return "-"
    return (
        f"median {statistics.median(values):+.1f}, max {max(values):+.1f}, "
        f"min {min(values):+.1f} ms"
    )
