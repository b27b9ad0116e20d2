"""The one owner of what is on air: the output stream programmes and emergencies share,
the relays, the amplifier, the item now playing, and emergencies waiting for air.

An emergency raises ``urgent`` and cuts the stream under the same lock under which a
programme queues its next item (:meth:`OnAir.add`), so once an emergency wants the air no
programme item can slip in before it. Emergencies take turns (one does not cut another).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from ..clock import Clock
from ..errors import LoaError, ZoneError
from .mixer import Cue
from .stream import AirStream

log = logging.getLogger("loabroadcast.player")

PREEMPTED = "preempted"
SHUTDOWN = "shutdown"


class SerialZones:
    """Zones shared by the programme and emergency threads: one operation at a time."""

    def __init__(self, zones):
        self._zones = zones
        self._lock = threading.Lock()
        self.name = zones.name

    def __getattr__(self, attr):
        method = getattr(self._zones, attr)

        def locked(*args, **kwargs):
            with self._lock:
                return method(*args, **kwargs)

        return locked


class OnAir:
    def __init__(
        self,
        sink,
        zones,
        clock: Clock,
        *,
        rate: int,
        preroll_s: float = 0.0,
        postroll_s: float = 0.0,
        on_error: Callable[[str], None] = lambda _text: None,
    ):
        self.sink = sink
        self.zones = SerialZones(zones)
        self.clock = clock
        self.rate = rate
        self.preroll_s = preroll_s
        self.postroll_s = postroll_s
        self.on_error = on_error
        self._guard = threading.Condition()
        self._stream: AirStream | None = None
        self._users = 0
        self.cut_reason: str | None = None  # why the last cut was made
        self.urgent = 0  # emergencies waiting for or on air
        self.emergency = threading.Lock()  # emergencies air one after the other
        self.amp_on = False
        self.now_playing: dict[str, Any] | None = None

    # -- the stream ----------------------------------------------------------------------

    def acquire(self) -> None:
        """One more user of the air (a programme, an emergency): the stream stays open."""
        with self._guard:
            self._users += 1

    def stream(self) -> AirStream:
        """The shared stream, opened (again, after a failure) when needed."""
        with self._guard:
            if self._stream is not None and self._stream.error is not None:
                self._stream.close()
                self._stream = None
            if self._stream is None:
                self._stream = self.sink.open_stream(self.rate)
            return self._stream

    def release(self) -> None:
        with self._guard:
            self._users -= 1
            if self._users <= 0 and self._stream is not None:
                self._users = 0
                self._stream.close()
                self._stream = None

    @property
    def users(self) -> int:
        return self._users

    def add(self, cue: Cue, *, urgent: bool = False) -> AirStream | None:
        """Queue ``cue``; None (nothing queued) when a programme item must yield."""
        with self._guard:
            if self.urgent and not urgent:
                return None
        stream = self.stream()
        with self._guard:
            if self.urgent and not urgent:
                return None
            stream.add(cue)
            return stream

    def cut(self, reason: str) -> bool:
        """Stop what plays now (and drop what waits); False when nothing was on air."""
        with self._guard:
            self.cut_reason = reason
            if self._stream is None:
                return False
            self._stream.cut()
            return True

    def cut_and_wait(self, reason: str, timeout: float = 1.0) -> float | None:
        """Cut, and once the stream has taken the cut, the instant it reaches the card
        (None when nothing was on air)."""
        with self._guard:
            stream = self._stream
            busy = stream is not None and stream.mixer.busy
        if stream is None or not busy:
            return None
        self.cut(reason)
        deadline = stream.now() + timeout
        while stream.mixer.pending_cut and stream.now() < deadline and stream.error is None:
            stream.wait_buffer()
        return stream.mixer.last_end

    # -- emergencies ---------------------------------------------------------------------

    def raise_urgent(self) -> None:
        with self._guard:
            self.urgent += 1

    def lower_urgent(self) -> None:
        with self._guard:
            self.urgent -= 1
            self._guard.notify_all()

    def wait_calm(self, shutdown: threading.Event) -> None:
        """Block while emergencies wait for air (or until shutdown)."""
        with self._guard:
            while self.urgent and not shutdown.is_set():
                self._guard.wait(0.2)

    # -- relays --------------------------------------------------------------------------

    def power_up(
        self,
        zones: frozenset[int],
        shutdown: threading.Event,
        until: datetime | None = None,
        *,
        urgent: bool = False,
    ) -> bool:
        """Amplifier on when it was off, its pre-roll (until ``until``, or the whole
        ``preroll_s``), then ``zones``. A programme (not ``urgent``) gets False and changes
        nothing while an emergency has the air."""
        if not self.amp_on:
            self.zones.amp(True)
            self.amp_on = True
            wait = self.preroll_s if until is None else (until - self.clock.now()).total_seconds()
            self.clock.sleep(max(0.0, min(wait, self.preroll_s)), shutdown)
        return self.switch(zones, urgent=urgent)

    def switch(self, zones: frozenset[int], *, urgent: bool = False) -> bool:
        """Switch to ``zones``; a programme (not ``urgent``) gets False and switches nothing
        while an emergency has the air."""
        with self._guard:
            if self.urgent and not urgent:
                return False
            self.zones.set_zones(zones)
            return True

    def fail_safe(self) -> None:
        """After a relay failure: everything off (what cannot be switched is reported)."""
        try:
            self.zones.all_off()
        except ZoneError as err:
            self.on_error(err)
            log.error("cannot switch zones off: %s", err)
        self.amp_on = False

    def idle(self, shutdown: threading.Event) -> None:
        """After the post-roll, every zone and the amplifier off, unless the air is in use."""
        if self._users > 0:
            return
        self.clock.sleep(self.postroll_s, shutdown)
        with self._guard:
            if self._users > 0:
                return
            try:
                self.zones.set_zones(frozenset())
                if self.amp_on:
                    self.zones.amp(False)
            except LoaError as err:
                self.on_error(err)
                log.error("cannot switch zones off: %s", err)
            self.amp_on = False

    # -- now playing ---------------------------------------------------------------------

    def show(self, info: dict[str, Any] | None) -> None:
        self.now_playing = info
