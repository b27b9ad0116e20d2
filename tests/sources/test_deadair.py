"""The dead-air detector, table-driven: levels in, events out (no audio, no clock)."""

from __future__ import annotations

import pytest

from loabroadcast.sources.deadair import DeadAir, DeadAirDetector, Ended, Started

Q, L = -60.0, -20.0  # a quiet block and a loud one (threshold -40 dBFS)


def run(blocks, threshold=-40.0, min_s=10.0):
    """Feed (level, seconds) pairs; the changes as (position after the block, change)."""
    d = DeadAirDetector(threshold, min_s)
    changes = []
    for level, seconds in blocks:
        change = d.feed(level, seconds)
        if change is not None:
            changes.append((round(d.position_s, 6), change))
    end = d.finish()
    if end is not None:
        changes.append((round(d.position_s, 6), end))
    return d, changes


CASES = {
    "sound throughout": ([(L, 30.0)], []),
    "silence exactly as long as allowed is not dead air": ([(L, 5), (Q, 10.0), (L, 5)], []),
    "a little longer is": (
        [(L, 5), (Q, 10.0), (Q, 0.1), (L, 5)],
        [(15.1, Started(5.0)), (20.1, Ended(DeadAir(5.0, 10.1)))],
    ),
    "short gaps never add up": ([(Q, 6), (L, 0.1), (Q, 6), (L, 0.1), (Q, 6)], []),
    "the event runs to the first loud block": (
        [(L, 1), *[(Q, 1.0)] * 14, (L, 1)],
        [(12.0, Started(1.0)), (16.0, Ended(DeadAir(1.0, 14.0)))],
    ),
    "silence from the start, to the end": (
        [(Q, 12.0)],
        [(12.0, Started(0.0)), (12.0, Ended(DeadAir(0.0, 12.0)))],
    ),
    "exactly at the threshold is sound": ([(-40.0, 20.0)], []),
    "two events": (
        [(Q, 11), (L, 1), (Q, 11)],
        [
            (11.0, Started(0.0)),
            (12.0, Ended(DeadAir(0.0, 11.0))),
            (23.0, Started(12.0)),
            (23.0, Ended(DeadAir(12.0, 11.0))),
        ],
    ),  # fmt: skip
}


@pytest.mark.parametrize(("blocks", "expected"), CASES.values(), ids=CASES.keys())
def test_events(blocks, expected):
    _, changes = run(blocks)
    assert changes == expected


@pytest.mark.parametrize(
    ("threshold", "min_s", "blocks", "events"),
    [
        (-50.0, 2.0, [(-45.0, 5.0)], []),  # above a lower threshold: sound
        (-30.0, 2.0, [(-35.0, 2.5)], [DeadAir(0.0, 2.5)]),  # below a higher one: silence
        (-40.0, 0.5, [(L, 0.1), (Q, 0.6), (L, 0.1)], [DeadAir(0.1, 0.6)]),  # tests' short guard
        (-40.0, 0.0, [(Q, 0.1)], [DeadAir(0.0, 0.1)]),  # any silence at all
    ],
)
def test_settings(threshold, min_s, blocks, events):
    d, _ = run(blocks, threshold, min_s)
    assert d.events == events


def test_the_total_counts_the_event_going_on():
    d = DeadAirDetector(-40.0, 10.0)
    for _ in range(12):
        d.feed(Q, 1.0)
    assert d.in_dead_air and d.total_s == 12.0 and d.quiet_s == 12.0 and d.events == []
    d.feed(L, 1.0)
    assert not d.in_dead_air and d.total_s == 12.0 and d.events == [DeadAir(0.0, 12.0)]
    assert d.finish() is None


def test_a_negative_block_is_refused():
    with pytest.raises(ValueError):
        DeadAirDetector().feed(Q, -1.0)
