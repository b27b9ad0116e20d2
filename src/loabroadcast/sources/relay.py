"""A relay item's frames for the air: the live source while it comes, the fallback when
it does not.

:class:`RelayReader` is what the mixer reads a relay (tiếp âm) from, in the sound card's
real-time path: it never blocks, never allocates, does no I/O, and always hands out as
many frames as asked (up to the item's length), so a relay lasts its planned length on
the card's clock whatever the source does.

- Live: frames from the source's ring (it holds a few seconds, connected ahead).
- The ring runs dry (the stream dropped, stalled, or the input stopped): silence for at
  most ``grace_s`` (a network hiccup), then the fallback from its start, looped.
- Back to live as soon as ``resume_s`` of live audio wait in the ring again (the source
  reconnected): the fallback is cut there.
- :meth:`RelayReader.fall_back` forces the fallback (the dead-air guard heard silence on
  a source that still sends: an upstream off the air): the notice is heard once, whole,
  then live audio resumes when it comes (the caller reconnects the source meanwhile).

Every switch is noted (frame position, mode) for the as-run log, with the frames the
fallback filled.
"""

from __future__ import annotations

import enum

import numpy as np

from .fallback import FallbackLoop
from .ring import PcmRing

GRACE_S = 0.3  # silence tolerated when the ring runs dry, before the fallback
RESUME_S = 0.5  # live audio waiting before the fallback is cut


class Mode(enum.StrEnum):
    LIVE = "live"
    GAP = "gap"  # the ring ran dry: silence, briefly
    FALLBACK = "fallback"


class RelayReader:
    def __init__(
        self,
        ring: PcmRing,
        fallback: np.ndarray,
        frames: int,
        rate: int,
        *,
        grace_s: float = GRACE_S,
        resume_s: float = RESUME_S,
    ):
        self.ring = ring
        self.loop = FallbackLoop(fallback)
        self.frames = int(frames)
        self.rate = rate
        self.grace = int(grace_s * rate)
        self.resume = max(1, int(resume_s * rate))
        self.mode = Mode.LIVE
        self.position = 0  # frames handed out
        self.live_frames = 0
        self.fallback_frames = 0
        self.gap_frames = 0
        self.switches: list[tuple[int, Mode]] = []  # (position, mode entered)
        self._gap_left = 0
        self._forced = False
        self._hold = 0  # fallback frames still to play before live may resume

    # -- other threads -------------------------------------------------------------------

    def fall_back(self) -> None:
        """Play the fallback until fresh live audio comes (the dead-air guard's answer)."""
        self._forced = True

    def close(self) -> None:
        """Nothing held here: the source is the caller's to stop."""

    @property
    def fallback_s(self) -> float:
        return self.fallback_frames / self.rate

    # -- the real-time path --------------------------------------------------------------

    def read_into(self, out: np.ndarray, start: int, count: int) -> int:
        count = min(count, self.frames - self.position)
        done = 0
        while done < count:
            want = count - done
            if self._forced:
                self._forced = False
                self.ring.clear()  # what waits is the silence the guard heard
                self.loop.restart()
                self._hold = len(self.loop.samples)  # the notice is heard once, whole
                self._switch(Mode.FALLBACK, done)
            if self.mode is Mode.LIVE:
                n = self.ring.read_into(out, start + done, want)
                self.live_frames += n
                done += n
                if done < count:
                    self._gap_left = self.grace
                    self._switch(Mode.GAP, done)
                continue
            if self._hold <= 0 and self.ring.available >= (
                1 if self.mode is Mode.GAP else self.resume
            ):
                self._switch(Mode.LIVE, done)
                continue
            if self.mode is Mode.GAP:
                n = min(want, self._gap_left)
                if n:
                    _zero(out, start + done, n)
                    self.gap_frames += n
                    self._gap_left -= n
                    done += n
                if self._gap_left <= 0 and done < count:
                    self.loop.restart()
                    self._switch(Mode.FALLBACK, done)
                continue
            n = self.loop.read_into(out, start + done, want)
            self.fallback_frames += n
            self._hold -= n
            done += n
        self.position += count
        return count

    def _switch(self, mode: Mode, done: int) -> None:
        if mode is not self.mode:
            self.mode = mode
            self.switches.append((self.position + done, mode))


def _zero(out: np.ndarray, start: int, count: int) -> None:
    out[start : start + count] = 0
