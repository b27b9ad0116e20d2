"""What airs is the approved version: a message edited after approval airs as it was
approved (its audio and its title) until the edit is approved, and the as-run log points to
the version that aired, also when the row reaches the database later from the journal.
Through the player as the daemon wires it (``tests/rig.py``: fake clock, sink and relays;
the real store, journal and audio), for slot items, play-now and the pre-render."""

from __future__ import annotations

import threading
import wave
from datetime import timedelta
from types import SimpleNamespace

import pytest
from test_player import (  # noqa: F401 - fixtures
    DAY,
    SLOT_START,
    ToneEngine,
    add,
    approve_all,
    setup,
    town,
)

from loabroadcast.daemon.jobs import Jobs
from loabroadcast.errors import StoreError
from loabroadcast.playback.outcome import Outcome
from loabroadcast.services import MessageDraft
from loabroadcast.store import db
from loabroadcast.store.models import AiringRow, MessageVersionRow
from rig import make_rig

EDIT = " ".join(["loa"] * 20)


def frames(path) -> int:
    with wave.open(str(path), "rb") as w:
        return w.getnframes()


def version_ids(st, mid) -> dict[int, int]:
    """number -> row id of the versions of ``mid``."""
    with db.read_session(st.engine) as s:
        rows = s.query(MessageVersionRow).filter_by(message_id=mid)
        return {v.number: v.id for v in rows}


def pointed(st) -> list[int | None]:
    """The ``message_version_id`` of each as-run row, oldest first."""
    with db.read_session(st.engine) as s:
        return [r.message_version_id for r in s.query(AiringRow).order_by(AiringRow.id)]


@pytest.fixture
def edited(setup):  # noqa: F811 - the fixture of test_player
    """Message "Họp" approved with 8 words, then edited to "Họp (sửa)" with 20 words (a
    draft version 2, not approved)."""
    st, clock, rig = setup
    mid = add(st, "Họp", "K1", words=8)
    approve_all(st, rig.renderer, mid)
    st.edit_message(mid, MessageDraft(title="Họp (sửa)", text=EDIT, by="Chị Lan"))
    return st, clock, rig, mid


def test_an_edit_waiting_for_approval_airs_the_approved_version(edited):
    st, clock, rig, mid = edited
    assert (st.message(mid).version, st.message(mid).approved_version) == (2, 1)
    [programme] = st.schedule(DAY, 1)
    [item] = programme.items
    approved = st.approved_message(mid)
    assert (approved.version, approved.text) == (1, " ".join(["loa"] * 8))
    clock.set(SLOT_START - timedelta(seconds=5))
    rig.player.run_occurrence("sang", DAY)
    rig.flush()
    [play] = rig.sink.plays
    [airing] = st.airings(None)
    record = rig.renderer.current(approved)
    assert (airing.status.value, airing.version, airing.render_sha256) == (
        "played",
        1,
        record.sha256,
    )
    assert play.meta["title"] == airing.title == "Họp"  # the title approved, not the edit
    assert pointed(st) == [version_ids(st, mid)[1]]
    assert item.duration_s == pytest.approx(record.duration_s)
    assert frames(play.path) == frames(record.path)  # the 8-word audio, not the edit
    assert play.played_s == pytest.approx(record.duration_s, abs=0.05)
    assert st.render_info(mid, 2) is None  # the draft was never rendered for air


def test_once_approved_the_new_version_airs_and_the_log_tells_which(edited):
    st, clock, rig, mid = edited
    clock.set(SLOT_START - timedelta(seconds=5))
    rig.player.run_occurrence("sang", DAY)  # version 1
    approve_all(st, rig.renderer, mid)  # version 2 approved
    clock.set(SLOT_START + timedelta(days=1) - timedelta(seconds=5))
    rig.player.run_occurrence("sang", DAY + timedelta(days=1))
    rig.flush()
    assert [(a.version, a.title, a.written_by, a.approved_by) for a in st.airings(None)] == [
        (1, "Họp", st.actor.name, st.actor.name),
        (2, "Họp (sửa)", "Chị Lan", st.actor.name),
    ]
    first, second = rig.sink.plays
    assert second.played_s > first.played_s + 1.0  # 20 words now
    ids = version_ids(st, mid)
    assert pointed(st) == [ids[1], ids[2]]


class Gate:
    """Between the journal and the database: shut, every write is refused (locked)."""

    def __init__(self):
        self.open = threading.Event()

    def __call__(self, apply, journal_id, entry):
        if not self.open.is_set():
            raise StoreError("database error: database is locked")
        return apply(journal_id, entry)


def test_a_row_written_back_later_points_to_the_version_that_aired(town):  # noqa: F811
    """Version 1 airs while the database takes no as-run writes; version 2 is approved
    before they go in. The row written back from the journal says version 1 (the insert
    listener alone would have said 2)."""
    st, clock = town
    from dataclasses import replace

    st.settings = replace(st.settings, speech=replace(st.settings.speech, render_on_approve=False))
    gate = Gate()
    rig = make_rig(st, clock, engine=ToneEngine(), apply=gate, claim_wait_s=0.3,
                   next_wait_s=0.2)  # fmt: skip
    try:
        mid = add(st, "Họp", "K1", words=8)
        approve_all(st, rig.renderer, mid)
        clock.set(SLOT_START - timedelta(seconds=10))
        rig.player.run_occurrence("sang", DAY)
        assert st.airings(None) == []  # aired; in the journal only
        st.edit_message(mid, MessageDraft(title="Họp (sửa)", text=EDIT))
        approve_all(st, rig.renderer, mid)  # version 2 airs from now on
        gate.open.set()
        rig.flush()
    finally:
        rig.close()
    [airing] = st.airings(None)
    assert (airing.status.value, airing.version, airing.title) == ("played", 1, "Họp")
    assert pointed(st) == [version_ids(st, mid)[1]]
    assert rig.sink.plays[0].meta["title"] == "Họp"


def test_play_now_airs_the_approved_version_of_an_edited_message(edited):
    st, clock, rig, mid = edited
    request = st.play_now(mid, by="Trưởng ban PCTT")
    assert rig.player.play_request(request, mid, ()) is Outcome.PLAYED
    rig.flush()
    [play] = rig.sink.plays
    [airing] = st.airings(None)
    record = rig.renderer.current(st.approved_message(mid))
    assert (airing.version, airing.title, airing.requested_by) == (1, "Họp", "Trưởng ban PCTT")
    assert airing.blocks == ("K1",) and frames(play.path) == frames(record.path)
    assert play.played_s == pytest.approx(record.duration_s, abs=0.05)
    assert pointed(st) == [version_ids(st, mid)[1]]


def test_play_now_without_an_approved_version_fails_in_one_line(edited):
    """Approved when requested, rejected before the daemon took the request: nothing
    airs, the row says why."""
    st, clock, rig, mid = edited
    request = st.play_now(mid)
    st.reject(mid, "sai nội dung")  # the edit is rejected: version 1 airs on...
    st.reject(mid, "không phát nữa")  # ...until it is rejected too
    assert st.approved_message(mid) is None
    assert rig.player.play_request(request, mid, ()) is Outcome.FAILED
    rig.flush()
    assert rig.sink.plays == []
    [airing] = st.airings(None)
    assert airing.status.value == "failed"
    assert airing.error == f"message {mid} has no approved version to air"


def test_the_prerender_renders_the_approved_version_never_the_draft(town):  # noqa: F811
    st, clock = town
    from dataclasses import replace

    st.settings = replace(st.settings, speech=replace(st.settings.speech, render_on_approve=False))
    rig = make_rig(st, clock, engine=ToneEngine())
    try:
        mid = add(st, "Họp", "K1", words=8)
        st.approve(mid)  # not rendered (render_on_approve off)
        st.edit_message(mid, MessageDraft(text=EDIT))  # a draft version 2 waits
        clock.set(SLOT_START - timedelta(hours=2))
        reports: list[str] = []
        daemon = SimpleNamespace(
            station=st,
            clock=clock,
            opt=SimpleNamespace(prerender_h=24, horizon_h=24),
            stop=threading.Event(),
            renderer=rig.renderer,
            health=SimpleNamespace(report=reports.append),
            prep=rig.player.prep,
        )
        Jobs(daemon).prerender()
    finally:
        rig.close()
    assert reports == []
    assert st.render_info(mid, 1) is not None
    assert st.render_info(mid, 2) is None
