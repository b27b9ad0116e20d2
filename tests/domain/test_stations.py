"""A station's daemons judged from their heartbeats: table-driven, no clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from loabroadcast.domain.stations import DaemonBeat, DaemonState, judge

NOW = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)


def beat(name: str, age_s: float, *, tick_s: float = 10.0, stopped: bool = False) -> DaemonBeat:
    at = NOW - timedelta(seconds=age_s)
    return DaemonBeat(name, "pc", 1, "null", tick_s, at - timedelta(hours=1), at,
                      stopped_at=at if stopped else None)  # fmt: skip


@pytest.mark.parametrize(
    ("beats", "state", "running", "newest"),
    [
        ([], DaemonState.NEVER, 0, None),
        ([beat("a", 3)], DaemonState.RUNNING, 1, "a"),
        ([beat("a", 20)], DaemonState.RUNNING, 1, "a"),  # two ticks: still running
        ([beat("a", 20.5)], DaemonState.STALE, 0, "a"),
        ([beat("a", 50, tick_s=30)], DaemonState.RUNNING, 1, "a"),  # its own tick counts
        ([beat("a", 600)], DaemonState.STALE, 0, "a"),
        ([beat("a", 5, stopped=True)], DaemonState.STOPPED, 0, "a"),
        ([beat("old", 900), beat("a", 600, stopped=True)], DaemonState.STOPPED, 0, "a"),
        ([beat("old", 90, stopped=True), beat("a", 600)], DaemonState.STOPPED, 0, "old"),
        ([beat("main", 2), beat("standby", 4)], DaemonState.RUNNING, 2, "main"),
        ([beat("gone", 700), beat("standby", 4)], DaemonState.RUNNING, 1, "standby"),
    ],
)
def test_judge(beats, state, running, newest):
    health = judge(beats, NOW)
    assert (health.state, health.running) == (state, running)
    assert (health.newest.instance if health.newest else None) == newest
    if health.newest is not None:
        assert health.age_s(NOW) == (NOW - health.newest.heartbeat_at).total_seconds()
