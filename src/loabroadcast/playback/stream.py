"""The output stream every sink hands out: cues in, frames to the card, instants back.

:class:`AirStream` is what the player talks to, whatever the sink: it converts wall-clock
instants (the player's ``datetime``) to the stream's monotonic scale and back, queues cues
on a :class:`~loabroadcast.playback.mixer.Mixer`, cuts, and waits. :class:`PacedStream`
is the stream of the sinks that have no sound card (file, null): a thread hands one
buffer to the "card" every 20 ms at its instant, so a file sink has the same timing
semantics as the sound card (the instant a frame is written is the instant it is heard).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta

import numpy as np

from ..clock import Clock, SystemClock
from ..errors import Explained, PlaybackError
from ..i18n import N_
from .mixer import Cue, Mixer
from .realtime import request_realtime

#: Real time, for pacing audio: a card plays in real time whatever clock the rest of the
#: program is handed.
REALTIME = SystemClock()

#: Buffers of the paced (file, null) streams, in seconds.
BLOCK_S = 0.02


class AirStream:
    """Base of every sink's stream. ``clock`` gives the instants' scale (monotonic) and
    their mapping to wall-clock time."""

    name = "stream"
    latency_s = 0.0  # from "as soon as possible" to the card, about
    #: Until this instant (monotonic) the stream is still starting: a cue asked for "as
    #: soon as possible" is placed here instead (None: a stream that needs no settling).
    ready_at: float | None = None

    def __init__(self, rate: int, clock: Clock):
        self.rate = rate
        self.clock = clock
        self.mixer = Mixer(rate)
        self.error: str | None = None
        self._guard = threading.Lock()
        self._closed = False

    # -- instants ------------------------------------------------------------------------

    def now(self) -> float:
        return self.clock.monotonic()

    def instant(self, moment: datetime) -> float:
        """``moment`` (aware) on this stream's monotonic scale."""
        return self.clock.monotonic() + (moment - self.clock.now()).total_seconds()

    def moment(self, instant: float) -> datetime:
        """An instant of this stream as an aware wall-clock ``datetime``."""
        return self.clock.now() + timedelta(seconds=instant - self.clock.monotonic())

    # -- cues ----------------------------------------------------------------------------

    def add(self, cue: Cue) -> Cue:
        self.check()
        self.mixer.add(self.settled(cue))
        return cue

    def settled(self, cue: Cue) -> Cue:
        """``cue``, placed at :attr:`ready_at` when it asks for "as soon as possible"
        while the stream is still starting."""
        starting = self.ready_at is not None and self.now() < self.ready_at
        if starting and cue.at is None and cue.gap_s is None:
            cue.at = self.ready_at
        return cue

    def cut(self) -> None:
        """Stop what plays at the next buffer and drop every queued cue."""
        with self._guard:
            self.mixer.request_cut()

    def wait(self, cue: Cue, timeout: float) -> bool:
        """Until ``cue`` has finished (True) or ``timeout`` seconds have passed (False);
        ``PlaybackError`` when the stream has died."""
        deadline = REALTIME.monotonic() + max(0.0, timeout)
        while True:
            left = deadline - REALTIME.monotonic()
            if cue.finished.wait(max(0.0, min(0.05, left))):
                return True
            self.check()
            if left <= 0:
                return False

    def wait_buffer(self) -> None:
        """Let the card take (about) one more buffer."""
        REALTIME.sleep(0.002, threading.Event())

    def sleep_until(self, instant: float, wake: threading.Event) -> bool:
        """Wait until ``instant``; True when ``wake`` was set first."""
        return self.clock.sleep(max(0.0, instant - self.now()), wake)

    def check(self) -> None:
        if self.error is not None:
            raise PlaybackError(
                N_("sound output {name} failed while playing: {reason}"),
                name=self.name,
                reason=self.error,
            )

    def close(self) -> None:
        self._closed = True


class PacedStream(AirStream):
    """A stream without a card: one buffer every :data:`BLOCK_S`, at its instant, to
    ``write(buffer, instant, spans)`` (None: nowhere)."""

    def __init__(
        self,
        rate: int,
        name: str,
        write: Callable[[np.ndarray, float, list], None] | None = None,
        *,
        clock: Clock | None = None,
    ):
        super().__init__(rate, clock or REALTIME)
        self.name = name
        self._write = write
        self._block = max(1, round(rate * BLOCK_S))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"paced-{name}", daemon=True)
        self._t0 = REALTIME.monotonic()
        self._offset = self.clock.monotonic() - self._t0  # the stream's scale vs real time
        self._thread.start()

    def _run(self) -> None:
        request_realtime()
        buffer = np.zeros((self._block, 1), dtype=np.int16)
        k = 0
        try:
            while not self._stop.is_set():
                due = self._t0 + k * self._block / self.rate
                left = due - REALTIME.monotonic()
                if left > 0 and self._stop.wait(left):
                    break
                spans: list = [] if self._write is not None else None
                self.mixer.fill(buffer, self._block, due + self._offset, spans)
                if self._write is not None:
                    self._write(buffer, due + self._offset, spans)
                k += 1
        except Exception as exc:  # noqa: BLE001 - a failing "card": the player is told
            self.error = exc if isinstance(exc, Explained) else str(exc) or type(exc).__name__
            self.mixer.fail(self.mixer.last_dac or self.now())

    def close(self) -> None:
        self._stop.set()
        if self._thread is not threading.current_thread():
            self._thread.join(2)
        super().close()
