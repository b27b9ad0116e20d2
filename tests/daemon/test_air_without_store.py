"""Air never waits on the store (fake clock and sink, real SQLite and journal): a store
that does not answer, that cannot be read, and a restart before it answers again."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from test_player import DAY, SLOT_START, ToneEngine, add, approve_all, log, town  # noqa: F401

from loabroadcast.errors import StoreError
from rig import make_rig


class Gate:
    """Stands between the journal and the database: shut, every write waits."""

    def __init__(self):
        self.open = threading.Event()
        self.calls = 0

    def __call__(self, apply, journal_id, entry):
        self.calls += 1
        if not self.open.is_set():
            raise StoreError("database error: database is locked")
        return apply(journal_id, entry)


@pytest.fixture
def station(town):  # noqa: F811 - the fixture imported above
    st, clock = town
    from dataclasses import replace

    st.settings = replace(st.settings, speech=replace(st.settings.speech, render_on_approve=False))
    return st, clock


def rig_for(st, clock, gate, instance="d1", **config):
    return make_rig(st, clock, engine=ToneEngine(), instance=instance, apply=gate,
                    folder=st.settings.home / "station", claim_wait_s=0.3, next_wait_s=0.2,
                    **config)  # fmt: skip


def test_a_store_that_does_not_answer_does_not_move_the_programme(station):
    st, clock = station
    a, b = add(st, "Một", "K1"), add(st, "Hai", "K2")
    gate = Gate()
    rig = rig_for(st, clock, gate)
    approve_all(st, rig.renderer, a, b)
    clock.set(SLOT_START - timedelta(seconds=10))
    rig.player.run_occurrence("sang", DAY)
    assert log(st) == []  # nothing in the database yet...
    plays = rig.sink.plays
    assert [p.meta["message_id"] for p in plays] == [a, b]  # ...but it aired, on time
    assert plays[0].started == SLOT_START
    assert rig.journal.backlog >= 6
    gate.open.set()
    rig.flush()
    rig.close()
    assert log(st) == [(a, "played"), (b, "played")]
    first, second = st.airings(None)
    assert first.started_at == SLOT_START
    assert abs(second.started_at - first.ended_at - timedelta(seconds=1)) < timedelta(
        milliseconds=1
    )
    assert gate.calls > rig.journal._next - 1  # it was refused before it went in


def test_a_store_that_cannot_be_read_airs_what_was_read_before(station, monkeypatch):
    st, clock = station
    a = add(st, "Một", "K1")
    gate = Gate()
    gate.open.set()
    rig = rig_for(st, clock, gate)
    approve_all(st, rig.renderer, a)
    rig.player.prep.remember(st.schedule(DAY, 1))  # the reconciler's plan
    rig.player.prep.zones(("K1",))
    rig.player.prep.warm([a])  # the prerender's reads
    clock.set(SLOT_START - timedelta(seconds=10))

    def gone(*_a, **_k):
        raise StoreError("database error: connection refused")

    for name in ("schedule", "airing_version", "version_message", "blocks"):
        monkeypatch.setattr(st, name, gone)
    monkeypatch.setattr(rig.renderer, "current", gone)
    monkeypatch.setattr(rig.player.prep.asrun, "known_states", gone)
    rig.player.run_occurrence("sang", DAY)
    monkeypatch.undo()
    rig.flush()
    rig.close()
    assert [p.meta["message_id"] for p in rig.sink.plays] == [a]
    assert rig.sink.plays[0].started == SLOT_START
    assert log(st) == [(a, "played")]


def test_plans_of_past_days_are_forgotten(station, monkeypatch):
    """A daemon runs for months: what it keeps in memory for a store that cannot be read
    is the reconciler's plan from the day before it on, not every programme ever read."""
    st, clock = station
    a = add(st, "Một", "K1")
    rig = rig_for(st, clock, Gate())
    approve_all(st, rig.renderer, a)
    prep = rig.player.prep
    prep.remember(st.schedule(DAY, 1))
    later = DAY + timedelta(days=3)
    prep.remember(st.schedule(later, 1))

    def gone(*_a, **_k):
        raise StoreError("database error: connection refused")

    monkeypatch.setattr(st, "schedule", gone)
    try:
        assert prep.programme("sang", DAY) is None
        assert prep.programme("sang", later).occurrence.day == later
    finally:
        monkeypatch.undo()
        rig.close()


def test_after_a_restart_the_journal_keeps_an_occurrence_from_airing_twice(station):
    """The first daemon aired and died before the database heard of it; the next one
    (same station folder, the store still shut) reads the journal and airs nothing
    twice; once the store opens, the log is whole."""
    st, clock = station
    a, b = add(st, "Một", "K1"), add(st, "Hai", "K1")
    gate = Gate()
    first = rig_for(st, clock, gate, instance="d1")
    approve_all(st, first.renderer, a, b)
    clock.set(SLOT_START - timedelta(seconds=10))
    first.player.run_occurrence("sang", DAY)
    assert [p.meta["message_id"] for p in first.sink.plays] == [a, b]
    first.close()  # "killed": nothing reached the database
    assert log(st) == []
    second = rig_for(st, clock, gate, instance="d2")
    second.player.run_occurrence("sang", DAY)
    assert second.sink.plays == []
    gate.open.set()
    second.flush()
    second.close()
    assert log(st) == [(a, "played"), (b, "played")]
