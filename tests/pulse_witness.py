"""A witness at the sound card: when did the sound come out, on the wall clock?

``parec --latency-msec=10`` records the monitor of a PulseAudio null sink; every chunk is
stamped with the wall clock as it is read, and the capture's start is taken as the minimum
over chunks of (read time − samples so far / rate): the chunk that arrived with the least
delay fixes the clock, to about ±15 ms (the recorder's own error). A monitor hears a frame
when the sound server renders it, about one monitor latency (the recorder's 10 ms) before
the sink plays it: sound placed on the DAC's instant shows up about 10 ms early here.

Used by the tests (tests/playback, tests/daemon) and by ``scripts/bench``.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

RATE = 48000
LATENCY_MS = 10
#: The monitor hears a frame this long before the null sink plays it (measured: a stream
#: placed by DAC time is heard -5.0 ms with --latency-msec=5, -20.1 ms with 20).
LEAD_S = LATENCY_MS / 1000
THRESHOLD_DB = -45.0
WINDOW_MS = 5


@dataclass(frozen=True)
class Sound:
    """One stretch of sound the witness heard: onset and end on the wall clock."""

    onset: float
    end: float


class Witness:
    def __init__(self, env: Mapping[str, str], sink: str = "ci_out"):
        self.proc = subprocess.Popen(
            [
                "parec",
                f"--device={sink}.monitor",
                "--format=s16le",
                f"--rate={RATE}",
                "--channels=1",
                f"--latency-msec={LATENCY_MS}",
                "--raw",
            ],
            env=dict(env),
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            bufsize=0,
        )
        self._chunks: list[bytes] = []
        self._samples = 0
        self.start = float("inf")
        self._thread = threading.Thread(target=self._read, name="witness", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 5
        while self._samples < RATE // 5 and time.monotonic() < deadline:  # 200 ms heard
            time.sleep(0.01)
        if self._samples < RATE // 5:
            self.stop()
            raise RuntimeError("the witness (parec) recorded nothing within 5 s")

    def _read(self) -> None:
        fd = self.proc.stdout.fileno()
        while True:
            data = os.read(fd, 4096)
            if not data:
                return
            now = time.time()
            self._chunks.append(data)
            self._samples += len(data) // 2
            self.start = min(self.start, now - self._samples / RATE)

    def stop(self) -> np.ndarray:
        """Stop recording; the samples (floats, full scale 1)."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._thread.join(2)
        raw = b"".join(self._chunks)
        raw = raw[: len(raw) - len(raw) % 2]
        self.samples = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
        return self.samples

    def sounds(self, min_silence_s: float = 0.2) -> list[Sound]:
        """Stretches of sound separated by at least ``min_silence_s`` of silence: onset
        (first sample above the threshold) and end (last one), on the wall clock."""
        x = self.samples
        w = RATE * WINDOW_MS // 1000
        n = len(x) // w
        if n == 0:
            return []
        level = 10 ** (THRESHOLD_DB / 20)
        loud = np.sqrt(np.mean(np.square(x[: n * w].reshape(n, w)), axis=1)) > level
        out: list[Sound] = []
        gap = int(min_silence_s * 1000 / WINDOW_MS)
        i = 0
        while i < n:
            if not loud[i]:
                i += 1
                continue
            j = i
            quiet = 0
            while j + 1 < n and quiet < gap:
                j += 1
                quiet = quiet + 1 if not loud[j] else 0
            last = j - quiet
            first_sample = self._first_above(max(0, (i - 1) * w), (i + 1) * w, level)
            last_sample = self._last_above(last * w, (last + 1) * w, level)
            out.append(Sound(self.start + first_sample / RATE, self.start + last_sample / RATE))
            i = j + 1
        return out

    def _first_above(self, lo: int, hi: int, level: float) -> int:
        hits = np.flatnonzero(np.abs(self.samples[lo:hi]) > level)
        return lo + int(hits[0]) if len(hits) else lo

    def _last_above(self, lo: int, hi: int, level: float) -> int:
        hits = np.flatnonzero(np.abs(self.samples[lo:hi]) > level)
        return lo + int(hits[-1]) + 1 if len(hits) else hi


def nearest(sounds: list[Sound], instant: float, within: float = 0.3) -> Sound | None:
    """The sound whose onset is nearest ``instant`` (None when none is within ``within``)."""
    best = min(sounds, key=lambda s: abs(s.onset - instant), default=None)
    return best if best is not None and abs(best.onset - instant) <= within else None


def busy_processes(n: int = 2) -> list[subprocess.Popen]:
    """``n`` processes at normal priority that keep a core busy each (stop with kill)."""
    import sys

    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n)]
