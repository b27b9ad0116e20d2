"""A station's daemon as the district sees it, from its heartbeats: pure, no clock read.

A daemon writes a heartbeat every tick (``tick_s``). It is **running** while its newest
heartbeat is at most two ticks old (as ``loa status`` has always judged); **stale** when
it never said it stopped but has not been heard from since: it crashed, or lost its link
to the server and airs on from its own journal; **stopped** when it said so on its way
out; **never** when no daemon of the station ever ran. A station whose running daemons
are several has a standby (they never air one occurrence twice: claims are per station).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

STALE_TICKS = 2  # heartbeats missed before a daemon counts as gone


class DaemonState(enum.StrEnum):
    RUNNING = "running"
    STALE = "stale"
    STOPPED = "stopped"
    NEVER = "never"


@dataclass(frozen=True)
class DaemonBeat:
    """One daemon's heartbeat row."""

    instance: str
    host: str
    pid: int
    sink: str | None
    tick_s: float
    started_at: datetime
    heartbeat_at: datetime
    stopped_at: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None

    def alive(self, now: datetime) -> bool:
        return self.stopped_at is None and (now - self.heartbeat_at).total_seconds() <= (
            STALE_TICKS * self.tick_s
        )


@dataclass(frozen=True)
class OnAirNow:
    message_id: int
    title: str
    slot: str | None  # None: a play-now
    started_at: datetime | None


@dataclass(frozen=True)
class StationHealth:
    state: DaemonState
    running: int  # daemons heard from within two ticks (more than one: a standby)
    newest: DaemonBeat | None  # the freshest heartbeat (a live one first)

    def age_s(self, now: datetime) -> float | None:
        if self.newest is None:
            return None
        return max(0.0, (now - self.newest.heartbeat_at).total_seconds())


def judge(beats: Sequence[DaemonBeat], now: datetime) -> StationHealth:
    """The state of a station's daemons from their heartbeats (any order)."""
    if not beats:
        return StationHealth(DaemonState.NEVER, 0, None)
    ordered = sorted(beats, key=lambda b: b.heartbeat_at, reverse=True)
    live = [b for b in ordered if b.alive(now)]
    if live:
        return StationHealth(DaemonState.RUNNING, len(live), live[0])
    newest = ordered[0]
    state = DaemonState.STOPPED if newest.stopped_at is not None else DaemonState.STALE
    return StationHealth(state, 0, newest)
