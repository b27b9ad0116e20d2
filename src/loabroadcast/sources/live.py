"""What every live source shares: its state, the events it reports, its ring of samples.

A live source runs in threads of its own from :meth:`LiveSource.start` to
:meth:`LiveSource.stop`; it keeps the newest ``buffer_s`` seconds of mono 16-bit samples
at the air's rate in :attr:`LiveSource.ring`, reconnects with back-off by itself, and says
what happened as :class:`SourceEvent`\\ s (``connected``, ``dropped``, ``failed``), kept in
:attr:`LiveSource.events` and handed to ``on_event`` as they happen.
"""

from __future__ import annotations

import enum
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from ..clock import Clock, SystemClock
from .ring import PcmRing

#: Reconnecting starts this soon and doubles up to ``retry_max_s``.
RETRY_MIN_S = 0.25


class SourceState(enum.StrEnum):
    IDLE = "idle"  # not started
    CONNECTING = "connecting"  # trying (again): nothing comes yet
    LIVE = "live"  # audio comes in
    STOPPED = "stopped"


class EventKind(enum.StrEnum):
    CONNECTED = "connected"  # audio began to come (again)
    DROPPED = "dropped"  # audio stopped coming: the source went away or stalled
    FAILED = "failed"  # an attempt to connect failed


@dataclass(frozen=True)
class SourceEvent:
    kind: EventKind
    at: datetime  # wall-clock instant (the source's clock)
    monotonic: float
    detail: str = ""  # why: the server's or the device's words


@dataclass(frozen=True)
class SourceFormat:
    """What the source sends, as far as it says (shown by ``loa source test``)."""

    codec: str = ""  # mp3, aac, opus, vorbis, pcm …
    rate: int | None = None  # the source's own sample rate
    channels: str = ""  # mono, stereo, 1, 2 …
    bitrate: str = ""  # "128 kb/s"
    name: str = ""  # the station's name (icy-name), when it gives one
    container: str = ""  # mp3, ogg, aac …

    def describe(self) -> str:
        parts = [self.codec or self.container or "?"]
        if self.rate:
            parts.append(f"{self.rate} Hz")
        if self.channels:
            parts.append(self.channels)
        if self.bitrate:
            parts.append(self.bitrate)
        return ", ".join(parts)


@dataclass
class Backoff:
    """Waits between attempts: ``first``, doubled each failure, at most ``most``."""

    first: float = RETRY_MIN_S
    most: float = 2.0
    next_s: float = field(init=False)

    def __post_init__(self) -> None:
        self.first = min(self.first, self.most)
        self.next_s = self.first

    def failed(self) -> float:
        """The wait before the next attempt; the one after waits longer."""
        wait = self.next_s
        self.next_s = min(self.most, self.next_s * 2)
        return wait

    def succeeded(self) -> None:
        self.next_s = self.first


class LiveSource:
    """Base of the stream and input sources (see the module's docstring)."""

    kind = "live"

    def __init__(
        self,
        rate: int,
        *,
        buffer_s: float = 3.0,
        retry_max_s: float = 2.0,
        clock: Clock | None = None,
        on_event: Callable[[SourceEvent], None] | None = None,
    ):
        self.rate = int(rate)
        self.buffer_s = float(buffer_s)
        self.clock: Clock = clock or SystemClock()
        self.ring = PcmRing(max(1, int(round(self.rate * self.buffer_s))))
        self.backoff = Backoff(most=retry_max_s)
        self.format: SourceFormat | None = None
        self.events: list[SourceEvent] = []
        self.error: str | None = None  # the last reason it was down
        self.dropouts = 0
        self._on_event = on_event
        self._state = SourceState.IDLE
        self._changed = threading.Condition()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._asked: str | None = None  # a reconnect was asked, for this reason

    # -- life ------------------------------------------------------------------------------

    def start(self) -> None:
        """Connect in the background (and reconnect whenever it drops) until ``stop``."""
        if self._thread is not None:
            return
        self._set_state(SourceState.CONNECTING)
        self._thread = threading.Thread(target=self._run, name=f"source-{self.kind}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._interrupt()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(10)
        self._set_state(SourceState.STOPPED)

    def reconnect(self, reason: str) -> None:
        """Drop the connection going on and connect again (the dead-air guard heard silence
        on a source that still sends); the drop is reported with ``reason``."""
        self._asked = reason
        self._interrupt()

    def _asked_reason(self) -> str | None:
        """The reason of a reconnect asked since the last call (None: none was)."""
        asked, self._asked = self._asked, None
        return asked

    def __enter__(self) -> LiveSource:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    # -- state -----------------------------------------------------------------------------

    @property
    def state(self) -> SourceState:
        return self._state

    def wait_live(self, timeout: float) -> bool:
        """Until audio comes (True) or ``timeout`` seconds pass (False)."""
        return self.wait_for(lambda: self._state is SourceState.LIVE, timeout)

    def wait_buffered(self, seconds: float, timeout: float) -> bool:
        """Until ``seconds`` of audio wait in the ring (True) or ``timeout`` passes."""
        frames = min(self.ring.capacity, int(seconds * self.rate))
        return self.wait_for(lambda: self.ring.available >= frames, timeout)

    def wait_for(self, predicate: Callable[[], bool], timeout: float) -> bool:
        deadline = self.clock.monotonic() + max(0.0, timeout)
        with self._changed:
            while not predicate():
                left = deadline - self.clock.monotonic()
                if left <= 0 or self._stop.is_set():
                    return predicate()
                self._changed.wait(min(left, 0.05))
        return True

    def _set_state(self, state: SourceState) -> None:
        with self._changed:
            self._state = state
            self._changed.notify_all()

    def _audio_came(self) -> None:
        """Called by the reading side for each block written to the ring."""
        if self._state is not SourceState.LIVE and not self._stop.is_set():
            self.backoff.succeeded()
            self._set_state(SourceState.LIVE)
            self._event(EventKind.CONNECTED, self.format.describe() if self.format else "")
        else:
            with self._changed:
                self._changed.notify_all()

    def _went_down(self, reason: str) -> None:
        """The current attempt ended: dropped when audio was coming, else failed."""
        if self._stop.is_set():
            return
        self.error = reason
        if self._state is SourceState.LIVE:
            self.dropouts += 1
            self._event(EventKind.DROPPED, reason)
        else:
            self._event(EventKind.FAILED, reason)
        self._set_state(SourceState.CONNECTING)

    def _event(self, kind: EventKind, detail: str) -> None:
        event = SourceEvent(kind, self.clock.now(), self.clock.monotonic(), detail)
        self.events.append(event)
        if self._on_event is not None:
            self._on_event(event)

    def _pause(self) -> bool:
        """Wait before the next attempt; True when stopped meanwhile."""
        return self.clock.sleep(self.backoff.failed(), self._stop)

    # -- for subclasses --------------------------------------------------------------------

    def _run(self) -> None:
        raise NotImplementedError

    def _interrupt(self) -> None:
        """Wake the reading side (``stop`` was called)."""
