"""The dead-air detector: levels in, dead-air events out. Pure (standard library only).

What airs is measured block by block (the level in dBFS of each block, see ``levels``).
A *quiet run* is a run of consecutive blocks below the threshold (``[playback]
silence_db``, −40 dBFS by default). A quiet run that lasts **longer** than ``min_s``
(``[playback] silence_s``, 10 s by default) is dead air: an event that starts where the
quiet run started and lasts as long as the whole run, to the first block at or above
the threshold (or to :meth:`DeadAirDetector.finish`).

The detector says so as it happens — :class:`Started` the moment a quiet run passes
``min_s`` (so the player can answer: a relay falls back and reconnects; the daemon
reports it), :class:`Ended` when it is over — and keeps every event. Times are seconds
from the first block fed (the caller maps them to instants).
"""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_SILENCE_DB = -40.0
DEFAULT_SILENCE_S = 10.0


@dataclass(frozen=True)
class DeadAir:
    """One event: ``start_s`` seconds after watching began, ``length_s`` long."""

    start_s: float
    length_s: float

    @property
    def end_s(self) -> float:
        return self.start_s + self.length_s


@dataclass(frozen=True)
class Started:
    """A quiet run has just become dead air; it began at ``start_s``."""

    start_s: float


@dataclass(frozen=True)
class Ended:
    """Dead air is over (sound came back, or watching stopped)."""

    event: DeadAir


@dataclass
class DeadAirDetector:
    threshold_db: float = DEFAULT_SILENCE_DB
    min_s: float = DEFAULT_SILENCE_S
    position_s: float = 0.0  # seconds fed so far
    events: list[DeadAir] = field(default_factory=list)
    _quiet_from: float | None = None  # where the current quiet run began
    _dead: bool = False  # the current quiet run is dead air

    def __post_init__(self) -> None:
        if self.min_s < 0:
            raise ValueError("min_s must not be negative")

    @property
    def in_dead_air(self) -> bool:
        return self._dead

    @property
    def quiet_s(self) -> float:
        """Length of the quiet run going on now (0 when there is sound)."""
        return 0.0 if self._quiet_from is None else self.position_s - self._quiet_from

    @property
    def total_s(self) -> float:
        """Seconds of dead air so far, the event going on included."""
        done = sum(e.length_s for e in self.events)
        return done + (self.quiet_s if self._dead else 0.0)

    def feed(self, level_db: float, seconds: float) -> Started | Ended | None:
        """One block: its level and its length. Returns what changed, if anything."""
        if seconds < 0:
            raise ValueError("a block cannot last a negative time")
        start = self.position_s
        self.position_s = round(self.position_s + seconds, 6)  # no drift over hours
        if level_db < self.threshold_db:
            if self._quiet_from is None:
                self._quiet_from = start
            if not self._dead and self.quiet_s > self.min_s:
                self._dead = True
                return Started(self._quiet_from)
            return None
        if self._quiet_from is None:
            return None
        ended = self._close(start)
        return ended

    def finish(self) -> Ended | None:
        """Stop watching: a dead-air run going on ends here."""
        return self._close(self.position_s)

    def _close(self, at: float) -> Ended | None:
        begun, dead = self._quiet_from, self._dead
        self._quiet_from, self._dead = None, False
        if begun is None or not dead:
            return None
        event = DeadAir(begun, at - begun)
        self.events.append(event)
        return Ended(event)
