"""Fakes shipped with the package, for the planner, player and daemon tests.

Standard library only (the playback modules imported here import nothing else
at module level).

- :class:`FakeClock`: a ``Clock`` that moves only when told to.
- :class:`RecordingSink`: a ``Sink`` that "plays" instantly (or in real time with
  ``pace=True``) and records what it was asked to play.
- :class:`RecordingZones`: a ``Zones`` driver that records every operation.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from .clock import Clock, SystemClock
from .errors import PlaybackError, ZoneError
from .playback.sinks import OnStart, PlayOutcome
from .playback.zones import TrackedZones
from .wavfile import read_wav_info

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
    """One ``RecordingSink.play`` call."""

    path: Path
    meta: dict
    started: datetime | None  # from the sink's clock, when the first frame went out
    completed: bool
    played_s: float = 0.0


@dataclass
class RecordingSink:
    """A ``Sink`` that records what it plays.

    Unpaced (default) it returns at once as if the whole file had played; with
    ``pace=True`` it takes as long as the audio and honours ``stop`` within
    milliseconds. The WAV header is read like the real sinks do (a missing file is
    an ``AudioError``). ``fail_next(exc)`` makes the next ``play`` raise ``exc``.
    ``on_start`` gets ``clock.monotonic()``.
    """

    pace: bool = False
    clock: Clock = field(default_factory=SystemClock)
    name: str = "recording"
    plays: list[PlayRecord] = field(default_factory=list)
    opened: int = 0
    closed: int = 0
    play_started: threading.Event = field(default_factory=threading.Event)
    _failures: list[BaseException] = field(default_factory=list, repr=False)

    @property
    def paths(self) -> list[Path]:
        return [record.path for record in self.plays]

    def fail_next(self, exc: BaseException | None = None) -> None:
        """Make the next ``play`` raise ``exc`` (default: a PlaybackError)."""
        self._failures.append(exc or PlaybackError("recording sink: told to fail"))

    def open(self) -> None:
        self.opened += 1

    def close(self) -> None:
        self.closed += 1

    def play(
        self,
        wav: Path,
        *,
        stop: threading.Event,
        on_start: OnStart | None = None,
        meta: dict | None = None,
    ) -> PlayOutcome:
        if self._failures:
            raise self._failures.pop(0)
        info = read_wav_info(Path(wav))
        record = PlayRecord(Path(wav), dict(meta or {}), None, False)
        self.plays.append(record)
        if stop.is_set():
            return PlayOutcome(False, 0.0, None)
        first = self.clock.monotonic()
        record.started = self.clock.now()
        if on_start is not None:
            on_start(first)
        self.play_started.set()
        played = info.duration_s
        if self.pace:
            played = self._wait(info.duration_s, stop)
        record.completed = played >= info.duration_s
        record.played_s = played
        return PlayOutcome(record.completed, played, first)

    @staticmethod
    def _wait(duration_s: float, stop: threading.Event) -> float:
        """Wait in real time; return the seconds waited (all of them unless stopped)."""
        t0 = _REALTIME.monotonic()
        deadline = t0 + duration_s
        while (remaining := deadline - _REALTIME.monotonic()) > 0:
            if stop.wait(remaining):
                return min(duration_s, _REALTIME.monotonic() - t0)
        return duration_s


class RecordingZones(TrackedZones):
    """A ``Zones`` driver that records every operation in ``ops``.

    ``("on", 3)``, ``("off", 3)``, ``("amp", True)``, ``("all_off",)`` and
    ``("close",)``. Switching follows the real drivers (only differences, offs
    before ons, fail safe on error); ``all_off`` is recorded as one operation and
    always succeeds. ``fail_on(zone)`` makes every switch of that zone raise
    ``ZoneError`` until ``heal()``.
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
        self.ops.append(("all_off",))
        self._zone_state = {zone: False for zone in self._all_zones()}
        self._amp_state = False if self.has_amp else None

    def close(self) -> None:
        self.all_off()
        self.ops.append(("close",))
