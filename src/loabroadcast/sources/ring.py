"""A bounded ring of mono 16-bit samples between a source's reader thread and the air.

One writer (the thread that reads ffmpeg's pipe, or a sound card's input callback) and
one reader (the player, possibly from the sound card's callback). The ring holds at most
``capacity`` frames: when the writer gets ahead (an Icecast server's burst on connect,
an upstream clock a little fast) the **oldest** frames are dropped, so what airs stays
within ``capacity`` of live. Both sides hold the lock only to copy frames already in
memory: no I/O, no waiting, no allocation but numpy's slicing.
"""

from __future__ import annotations

import threading

import numpy as np


class PcmRing:
    def __init__(self, capacity: int):
        if capacity < 1:
            raise ValueError("a ring holds at least one frame")
        self.capacity = int(capacity)
        self._data = np.zeros(self.capacity, dtype=np.int16)
        self._lock = threading.Lock()
        self._read = 0  # frames read so far (monotonic counters: index = counter % capacity)
        self._written = 0  # frames written so far
        self.dropped = 0  # frames dropped because the reader was behind

    @property
    def available(self) -> int:
        """Frames waiting to be read."""
        with self._lock:
            return self._written - self._read

    @property
    def written(self) -> int:
        return self._written

    def write(self, samples: np.ndarray) -> None:
        """Append mono int16 ``samples``; the oldest frames go when the ring is full."""
        data = np.asarray(samples, dtype=np.int16).reshape(-1)
        if len(data) > self.capacity:
            skipped = len(data) - self.capacity
            data = data[skipped:]
        else:
            skipped = 0
        n = len(data)
        if not n:
            return
        with self._lock:
            self._written += skipped  # frames that could never be held: counted, dropped
            start = self._written % self.capacity
            first = min(n, self.capacity - start)
            self._data[start : start + first] = data[:first]
            if first < n:
                self._data[: n - first] = data[first:]
            self._written += n
            over = self._written - self._read - self.capacity
            if over > 0:
                self._read += over
                self.dropped += over

    def read_into(self, out: np.ndarray, start: int, count: int) -> int:
        """Copy up to ``count`` frames into ``out[start:]`` (every channel of a 2-D
        ``out``); return how many (0 when the ring is empty)."""
        with self._lock:
            n = min(count, self._written - self._read)
            if n <= 0:
                return 0
            at = self._read % self.capacity
            first = min(n, self.capacity - at)
            _put(out, start, self._data[at : at + first])
            if first < n:
                _put(out, start + first, self._data[: n - first])
            self._read += n
            return n

    def read(self, count: int) -> np.ndarray:
        """Up to ``count`` frames as a new array (for measuring; the air uses read_into)."""
        out = np.zeros(count, dtype=np.int16)
        n = self.read_into(out, 0, count)
        return out[:n]

    def skip_to(self, keep: int) -> int:
        """Drop all but the newest ``keep`` frames; return how many were dropped."""
        with self._lock:
            over = self._written - self._read - max(0, keep)
            if over <= 0:
                return 0
            self._read += over
            return over

    def clear(self) -> None:
        with self._lock:
            self._read = self._written


def _put(out: np.ndarray, start: int, frames: np.ndarray) -> None:
    if out.ndim == 1:
        out[start : start + len(frames)] = frames
    else:
        out[start : start + len(frames)] = frames[:, None]
