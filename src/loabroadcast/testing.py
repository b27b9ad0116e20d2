"""Fakes shipped with the package, for the planner, player and daemon tests.

Standard library only (the playback modules imported here import nothing else
at module level).

- :class:`FakeClock`: a ``Clock`` that moves only when told to.
- :class:`RecordingSink`: a ``Sink`` whose card runs on the given clock (instantly with a
  ``FakeClock``) and records what it aired.
- :class:`RecordingZones`: a ``Zones`` driver that records every operation.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from .clock import Clock, SystemClock
from .errors import PlaybackError, ZoneError
from .playback.mixer import Cue
from .playback.sinks import PlayOutcome, play_file
from .playback.stream import AirStream
from .playback.zones import TrackedZones

__all__ = ["FakeClock", "PlayRecord", "RecordingSink", "RecordingZones"]

_REALTIME = SystemClock()


def _require_aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"FakeClock needs a timezone-aware datetime, not {moment!r}")
    return moment.astimezone(UTC)


class FakeClock:
    """A clock for tests: ``now()`` (aware, UTC) and ``monotonic()`` move only when told.

    ``advance`` moves both; ``set`` jumps the wall clock alone, as NTP or an
    officer fixing the PC's time would, so clock-jump handling can be tested.
    Thread-safe.
    """

    def __init__(self, start: datetime, monotonic_start: float = 1000.0) -> None:
        self._now = _require_aware(start)
        self._monotonic = float(monotonic_start)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def monotonic(self) -> float:
        with self._lock:
            return self._monotonic

    def advance(self, delta: float | timedelta) -> datetime:
        """Move both clocks forward by ``delta`` (seconds or a timedelta); return now()."""
        seconds = delta.total_seconds() if isinstance(delta, timedelta) else float(delta)
        if seconds < 0:
            raise ValueError("FakeClock.advance cannot go backwards; use set() for a wall jump")
        with self._lock:
            self._now += timedelta(seconds=seconds)
            self._monotonic += seconds
            return self._now

    def sleep(self, seconds: float, wake: threading.Event | None = None) -> bool:
        """``Clock.sleep``: returns at once, as if ``seconds`` had passed (both clocks
        move), unless ``wake`` is already set. True when ``wake`` is set."""
        if wake is not None and wake.is_set():
            return True
        self.advance(max(0.0, seconds))
        return wake is not None and wake.is_set()

    def set(self, moment: datetime) -> None:
        """Jump the wall clock to ``moment`` (forwards or backwards); monotonic stays."""
        aware = _require_aware(moment)
        with self._lock:
            self._now = aware


@dataclass
class PlayRecord:
    """One item a ``RecordingSink`` stream aired (or ``play`` call)."""

    path: Path
    meta: dict
    started: datetime | None  # from the sink's clock, when the first frame went out
    completed: bool
    played_s: float = 0.0
    underruns: int = 0


class RecordingSink:
    """A ``Sink`` whose "card" runs on its ``clock`` and that records what it airs.

    With a ``FakeClock`` it costs no real time: waiting for an item moves the fake clock
    in 20 ms buffers, as a card would take them, so timing logic is tested exactly and at
    once; with the real clock it plays in real time. Placement, gaps, cuts and pre-emption
    are the real :class:`~loabroadcast.playback.mixer.Mixer`'s. ``fail_next(exc)`` makes the
    next item's stream die once that item is on air, as a sound card that vanishes does
    (its ``wait`` raises ``PlaybackError``; the next stream works). ``plays`` lists what
    aired, in order; ``streams`` counts the streams opened. ``real_per_buffer`` slows a
    fake clock's card down (real seconds per 20 ms buffer), for tests racing another thread.
    """

    def __init__(
        self, clock: Clock | None = None, name: str = "recording", real_per_buffer: float = 0.0
    ):
        self.clock: Clock = clock or SystemClock()
        self.real_per_buffer = real_per_buffer  # real seconds a fake 20 ms buffer takes
        self.name = name
        self.plays: list[PlayRecord] = []
        self.opened = 0
        self.closed = 0
        self.streams = 0
        self.play_started = threading.Event()
        self._failures: list[BaseException] = []

    @property
    def paths(self) -> list[Path]:
        return [record.path for record in self.plays]

    def fail_next(self, exc: BaseException | None = None) -> None:
        """Make the stream of the next item fail while it airs (default: a PlaybackError)."""
        self._failures.append(exc or PlaybackError("recording sink: told to fail"))

    def open(self) -> None:
        self.opened += 1

    def close(self) -> None:
        self.closed += 1

    def open_stream(self, rate: int) -> AirStream:
        self.streams += 1
        return _ClockStream(self, rate)

    def play(self, wav, *, stop, on_start=None, meta=None) -> PlayOutcome:
        return play_file(self, Path(wav), stop, on_start, meta)


class _ClockStream(AirStream):
    """Buffers of 20 ms taken on the sink's clock, whenever the stream is used."""

    def __init__(self, sink: RecordingSink, rate: int):
        super().__init__(rate, sink.clock)
        self.name = sink.name
        self.sink = sink
        self._block = max(1, round(rate * 0.02))
        self._buffer = np.zeros((self._block, 1), dtype=np.int16)
        self._t0 = self.clock.monotonic()
        self._k = 0
        self._pump_lock = threading.Lock()
        self._records: dict[int, PlayRecord] = {}
        self._cues: list[Cue] = []
        self._doomed: tuple[Cue, BaseException] | None = None

    def pump(self) -> None:
        """Hand the card every buffer whose instant has come."""
        with self._pump_lock:
            now = self.clock.monotonic()
            while self.error is None and self._t0 + self._k * self._block / self.rate < now:
                due = self._t0 + self._k * self._block / self.rate
                spans: list = []
                self.mixer.fill(self._buffer, self._block, due, spans)
                self._k += 1
                for cue, _start, _count in spans:
                    self._record(cue)
                self._settle(due)

    def _record(self, cue: Cue) -> None:
        record = self._records.get(id(cue))
        if record is None:
            record = PlayRecord(Path(cue.meta.get("path", "")), dict(cue.meta),
                                self.moment(cue.started), False)  # fmt: skip
            self._records[id(cue)] = record
            self.sink.plays.append(record)
            self.sink.play_started.set()
            if self.sink._failures and self._doomed is None:
                self._doomed = (cue, self.sink._failures.pop(0))

    def _settle(self, due: float) -> None:
        for cue in self._cues:
            record = self._records.get(id(cue))
            if record is not None:
                record.played_s = cue.played_s(self.rate)
                record.underruns = cue.underruns
                record.completed = cue.completed
        if self._doomed is not None and self._doomed[0].started is not None:
            self.error = str(self._doomed[1])
            self.mixer.fail(due)
            self._doomed = None

    def add(self, cue: Cue) -> Cue:
        self.pump()
        super().add(cue)
        self._cues.append(cue)
        self.pump()
        return cue

    def cut(self) -> None:
        self.pump()
        super().cut()

    def wait(self, cue: Cue, timeout: float) -> bool:
        deadline = self.clock.monotonic() + max(0.0, timeout)
        never = threading.Event()
        while True:
            self.pump()
            if cue.finished.is_set():
                self.pump()
                return True
            self.check()
            left = deadline - self.clock.monotonic()
            if left <= 0:
                return False
            self.clock.sleep(min(self._block / self.rate, left), never)
            # let other threads (an emergency) take their turn
            _REALTIME.sleep(self.sink.real_per_buffer, never)

    def wait_buffer(self) -> None:
        self.clock.sleep(self._block / self.rate, threading.Event())
        self.pump()

    def sleep_until(self, instant: float, wake: threading.Event) -> bool:
        woke = super().sleep_until(instant, wake)
        self.pump()
        return woke

    def close(self) -> None:
        self.pump()
        super().close()


class RecordingZones(TrackedZones):
    """A ``Zones`` driver that records every operation in ``ops``.

    ``("on", 3)``, ``("off", 3)``, ``("amp", True)``, ``("all_off",)`` and
    ``("close",)``. Switching follows the real drivers (only differences, offs
    before ons, fail safe on error); ``all_off`` is recorded as one operation and fails
    like the real drivers' when a relay is stuck. ``fail_on(zone)`` makes every switch of
    that zone (off included) raise ``ZoneError`` until ``heal()``.
    """

    name = "recording"

    def __init__(self, channels: int | None = None, *, amp: bool = True) -> None:
        super().__init__(channels=channels, amp=None)
        self._with_amp = amp
        self.ops: list[tuple] = []
        self._failing: set[int] = set()

    @property
    def has_amp(self) -> bool:
        return self._with_amp

    def fail_on(self, zone: int) -> None:
        """Every later switch of ``zone`` fails (a stuck relay)."""
        self._failing.add(zone)

    def heal(self, zone: int | None = None) -> None:
        """Stop failing on ``zone`` (or on every zone)."""
        if zone is None:
            self._failing.clear()
        else:
            self._failing.discard(zone)

    def _switch(self, channel: int, on: bool) -> None:
        state = "on" if on else "off"
        if channel in self._failing:
            raise ZoneError(f"zone {channel} {state}: relay failed (RecordingZones.fail_on)")
        self.ops.append((state, channel))

    def _switch_amp(self, on: bool) -> None:
        self.ops.append(("amp", on))

    def all_off(self) -> None:
        """Recorded as one operation; like the real drivers it tries every relay, then
        raises ``ZoneError`` naming the stuck ones (their state stays unknown)."""
        self.ops.append(("all_off",))
        stuck = [zone for zone in self._all_zones() if zone in self._failing]
        self._zone_state = {zone: False for zone in self._all_zones() if zone not in stuck}
        self._amp_state = False if self.has_amp else None
        if stuck:
            first = f"zone {stuck[0]} off: relay failed (RecordingZones.fail_on)"
            more = f" (and {len(stuck) - 1} more)" if len(stuck) > 1 else ""
            raise ZoneError(f"could not turn every zone off: {first}{more}")

    def close(self) -> None:
        self.all_off()
        self.ops.append(("close",))
