"""Where each frame of a programme goes: the placement arithmetic and the real-time fill.

A stream (one per programme, or per emergency outside a programme) is a run of output
buffers. The sound card says, for each buffer, when its first frame will reach the card
(PortAudio's ``outputBufferDacTime``; a paced file sink says "now"). :class:`Mixer`
fills each buffer: silence until a cue's instant, then the cue's frames, contiguous, then
silence again until the next cue. A cue is placed either at an absolute instant (the
programme's first item) or a gap after the previous cue's last frame (the configured pause
between items), or as soon as possible (an emergency). Pre-roll, items and gaps are thus
frames of one stream: no re-open between items, no click, and the gap is exact to the frame.

Instants are seconds on the caller's monotonic scale. :meth:`Mixer.fill` is the real-time
path: it reads no clock, does no I/O, no logging, and allocates nothing but what numpy
slicing needs; it only writes plain attributes of the cues (and sets their ``finished``
event once per cue).
"""

from __future__ import annotations

import enum
import threading
from collections import deque
from typing import Any

import numpy as np

from .pcm import FrameReader


class CueState(enum.Enum):
    QUEUED = "queued"
    PLAYING = "playing"
    DONE = "done"  # every frame reached the card (or will, at ``ended``)
    CUT = "cut"  # stopped part-way (pre-empted, shut down, stream failed)
    DROPPED = "dropped"  # never started: cut while waiting


def frames_until(target: float, dac: float, rate: int) -> int:
    """Frames from a buffer's first frame (at the card at ``dac``) to ``target``:
    the offset in that buffer where a cue due at ``target`` begins (negative: late)."""
    return int(round((target - dac) * rate))


class Cue:
    """One item handed to a stream, and what became of it.

    Give ``at`` (an instant) or ``gap_s`` (seconds after the previous cue's last frame) or
    neither (as soon as possible). ``started``/``ended`` are the instants the first frame
    reached the card and the last one finished (or the cut); ``frames_out`` the frames
    handed to the card; ``underruns`` the times the card ran dry while it played.
    """

    def __init__(
        self,
        reader: FrameReader,
        *,
        at: float | None = None,
        gap_s: float | None = None,
        meta: dict[str, Any] | None = None,
    ):
        self.reader = reader
        self.at = at
        self.gap_s = gap_s
        self.meta = dict(meta or {})
        self.state = CueState.QUEUED
        self.started: float | None = None
        self.ended: float | None = None
        self.frames_out = 0
        self.underruns = 0
        self.starved = 0  # buffers in which a long item's feeder was behind
        self.finished = threading.Event()

    @property
    def frames(self) -> int:
        return self.reader.frames

    @property
    def completed(self) -> bool:
        return self.state is CueState.DONE

    def played_s(self, rate: int) -> float:
        return self.frames_out / rate

    def heard_until(self, now: float, rate: int) -> float | None:
        """The instant up to which this cue has reached the card, as of ``now``."""
        if self.started is None:
            return None
        end = self.ended if self.ended is not None else self.started + self.frames_out / rate
        return min(now, end)


class Mixer:
    """Cues in order, placed by the buffer's DAC time; see the module docstring."""

    def __init__(self, rate: int):
        self.rate = rate
        self.queue: deque[Cue] = deque()
        self.current: Cue | None = None
        self.last_end: float | None = None  # when the previous cue's last frame finished
        self.last_dac: float | None = None  # the newest buffer's instant (a liveness sign)
        self.underruns = 0
        self.dead = False  # the stream failed: nothing starts any more
        self._cuts = 0  # asked by other threads (under their lock)
        self._cuts_done = 0  # seen by the real-time path

    # -- other threads -------------------------------------------------------------------

    def add(self, cue: Cue) -> None:
        self.queue.append(cue)

    def request_cut(self) -> None:
        """Stop what plays at the next buffer and drop what waits (call under a lock)."""
        self._cuts += 1

    @property
    def busy(self) -> bool:
        return self.current is not None or bool(self.queue)

    @property
    def pending_cut(self) -> bool:
        """A cut was asked that the real-time path has not made yet."""
        return self._cuts != self._cuts_done

    # -- the real-time path ----------------------------------------------------------------

    def underrun(self) -> None:
        """The card ran dry before this buffer (a late callback): count it."""
        self.underruns += 1
        cue = self.current
        if cue is not None:
            cue.underruns += 1

    def fill(self, out: np.ndarray, frames: int, dac: float, spans: list | None = None) -> None:
        """Fill ``out[:frames]`` (shape (frames, channels), int16) for a buffer whose first
        frame reaches the card at ``dac``. ``spans`` (when given) gets (cue, start, count)."""
        out[:frames] = 0
        if self.dead:
            return
        self.last_dac = dac
        if self._cuts != self._cuts_done:
            self._cuts_done = self._cuts
            self._cut(dac)
        rate = self.rate
        i = 0
        while i < frames:
            cue = self.current
            if cue is None:
                if not self.queue or self.dead:
                    return
                cue = self.queue[0]
                offset = frames_until(self._target(cue, dac + i / rate), dac + i / rate, rate)
                if offset >= frames - i:
                    return  # due in a later buffer
                i += max(0, offset)
                self.queue.popleft()
                cue.started = dac + i / rate
                cue.state = CueState.PLAYING
                self.current = cue
            n = cue.reader.read_into(out, i, frames - i) if cue.frames_out < cue.frames else 0
            if spans is not None and n:
                spans.append((cue, i, n))
            cue.frames_out += n
            i += n
            if cue.frames_out >= cue.frames:
                self._finish(cue, dac + i / rate, CueState.DONE)
            elif n == 0:
                cue.starved += 1  # a long item's feeder is behind: silence, try again
                return

    def _target(self, cue: Cue, now: float) -> float:
        if cue.at is not None:
            return cue.at
        if cue.gap_s is not None and self.last_end is not None:
            return self.last_end + cue.gap_s
        return now

    def _finish(self, cue: Cue, when: float, state: CueState) -> None:
        cue.ended = when
        cue.state = state
        self.last_end = when
        self.current = None
        cue.finished.set()

    def _cut(self, dac: float) -> None:
        if self.current is not None:
            self._finish(self.current, dac, CueState.CUT)
        while self.queue:
            cue = self.queue.popleft()
            cue.state = CueState.DROPPED
            cue.finished.set()

    def fail(self, when: float) -> None:
        """The stream died: every cue ends at ``when``; nothing starts any more."""
        self.dead = True
        if self.current is not None:
            self._finish(self.current, when, CueState.CUT)
        while self.queue:
            cue = self.queue.popleft()
            cue.state = CueState.DROPPED
            cue.finished.set()
