"""The dead-air guard: the level of what the player sends to the card, for every item.

:class:`GuardedReader` wraps the frame reader of an item (a verified file, a relay) where
the mixer reads it, in the real-time path: after each read it adds the energy of the
frames it handed out — exactly those that go to the card — into blocks of
:data:`~loabroadcast.sources.levels.BLOCK_S`, and frames it could not hand out while the
item still had some to play (a feeder behind: the card gets zeros) count as silence.
Completed blocks' levels wait in a bounded array; nothing is allocated, logged or locked
there.

:class:`DeadAirGuard` (outside the real-time path, in the thread that follows the item)
drains them into the pure :class:`~loabroadcast.sources.deadair.DeadAirDetector` and says
when dead air starts (so a relay can fall back and reconnect, and the daemon can report
it) and what the events were.
"""

from __future__ import annotations

import math

import numpy as np

from .deadair import DeadAir, DeadAirDetector, Ended, Started
from .levels import BLOCK_S, dbfs

LEVELS_KEPT = 4096  # blocks waiting to be drained (400 s at 0.1 s)
SCRATCH = 1 << 15  # frames of the largest buffer a card asks for at once


class GuardedReader:
    """A frame reader that measures what it hands out (see the module's docstring)."""

    def __init__(self, inner, rate: int, block_s: float = BLOCK_S):
        self.inner = inner
        self.rate = rate
        self.block = max(1, int(round(rate * block_s)))
        self.position = 0
        self._sum = 0.0  # squares of the block going on (full scale 1.0)
        self._count = 0
        self._levels = np.zeros(LEVELS_KEPT)
        self.written = 0  # blocks completed (the drain reads up to here)
        self._scratch = np.zeros(SCRATCH, dtype=np.float32)

    @property
    def frames(self) -> int:
        """The item's length (the inner reader's: a spooled file may turn out shorter)."""
        return self.inner.frames

    def read_into(self, out: np.ndarray, start: int, count: int) -> int:
        n = self.inner.read_into(out, start, count)
        if n:
            self._measure(out[start : start + n, 0] if out.ndim == 2 else out[start : start + n])
        self.position += n
        if n < count and self.position < self.frames:
            self._silence(count - n)  # the card gets zeros while the item should play
        return n

    def close(self) -> None:
        self.inner.close()

    def _measure(self, frames: np.ndarray) -> None:
        done = 0
        total = len(frames)
        while done < total:
            take = min(total - done, self.block - self._count, SCRATCH)
            part = self._scratch[:take]
            part[:] = frames[done : done + take]
            self._sum += float(np.dot(part, part)) / (32768.0 * 32768.0)
            self._count += take
            done += take
            if self._count >= self.block:
                self._close_block()

    def _silence(self, frames: int) -> None:
        while frames > 0:
            take = min(frames, self.block - self._count)
            self._count += take
            frames -= take
            if self._count >= self.block:
                self._close_block()

    def _close_block(self) -> None:
        rms = math.sqrt(self._sum / self._count) if self._count else 0.0
        level = dbfs(rms)
        self._levels[self.written % LEVELS_KEPT] = level
        self.written += 1
        self._sum, self._count = 0.0, 0

    def levels(self, since: int) -> tuple[list[float], int]:
        """Levels of the blocks completed since block ``since`` (the oldest ones lost if
        nobody drained for a long time), and the count to ask from next."""
        upto = self.written
        first = max(since, upto - LEVELS_KEPT)
        return [float(self._levels[i % LEVELS_KEPT]) for i in range(first, upto)], upto


class DeadAirGuard:
    """Follows one guarded item: levels in, dead-air changes out (not real-time)."""

    def __init__(self, reader: GuardedReader, threshold_db: float, min_s: float):
        self.reader = reader
        self.detector = DeadAirDetector(threshold_db, min_s)
        self.block_s = reader.block / reader.rate
        self._next = 0

    def poll(self) -> list[Started | Ended]:
        """What changed since the last poll."""
        levels, self._next = self.reader.levels(self._next)
        changes = []
        for level in levels:
            change = self.detector.feed(level, self.block_s)
            if change is not None:
                changes.append(change)
        return changes

    def finish(self) -> list[Started | Ended]:
        changes = self.poll()
        end = self.detector.finish()
        return changes + ([end] if end is not None else [])

    @property
    def events(self) -> list[DeadAir]:
        return list(self.detector.events)

    @property
    def total_s(self) -> float:
        return self.detector.total_s
