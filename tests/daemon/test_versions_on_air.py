"""What airs is the approved version: a message edited after approval airs as it was
approved until the edit is approved, and the as-run log points to the version that aired
(the player of this wave, a fake clock and sink, the real store)."""

from __future__ import annotations

import wave

import pytest
from test_player import DAY, SLOT_START, add, approve_all, setup, town  # noqa: F401 - fixtures

from loabroadcast.services import MessageDraft


def frames(path) -> int:
    with wave.open(str(path), "rb") as w:
        return w.getnframes()


@pytest.fixture
def edited(setup):  # noqa: F811 - the fixture of test_player
    """Message 1 approved with 8 words, then edited to 20 words (a draft, not approved)."""
    st, clock, player, writer = setup
    mid = add(st, "Họp", "K1", words=8)
    approve_all(st, player.renderer, mid)
    st.edit_message(mid, MessageDraft(text=" ".join(["loa"] * 20), by="Chị Lan"))
    return st, clock, player, writer, mid


def test_an_edit_waiting_for_approval_airs_the_approved_version(edited):
    st, clock, player, writer, mid = edited
    assert (st.message(mid).version, st.message(mid).approved_version) == (2, 1)
    [programme] = st.schedule(DAY, 1)
    [item] = programme.items
    approved = st.approved_message(mid)
    assert (approved.version, approved.text) == (1, " ".join(["loa"] * 8))
    clock.set(SLOT_START)
    player.run_occurrence("sang", DAY)
    writer.flush()
    [play] = player.sink.plays
    [airing] = st.airings(None)
    record = player.renderer.current(approved)
    assert (airing.status.value, airing.version, airing.render_sha256) == (
        "played",
        1,
        record.sha256,
    )
    assert item.duration_s == pytest.approx(record.duration_s)
    assert frames(play.path) == frames(record.path)  # the 8-word audio, not the edit


def test_once_approved_the_new_version_airs_and_the_log_tells_which(edited):
    st, clock, player, writer, mid = edited
    clock.set(SLOT_START)
    player.run_occurrence("sang", DAY)  # version 1
    approve_all(st, player.renderer, mid)  # version 2 approved
    next_day = DAY.replace(day=DAY.day + 1)
    clock.set(SLOT_START.replace(day=SLOT_START.day + 1))
    player.run_occurrence("sang", next_day)
    writer.flush()
    assert [(a.version, a.written_by, a.approved_by) for a in st.airings(None)] == [
        (1, st.actor.name, st.actor.name),
        (2, "Chị Lan", st.actor.name),
    ]
    first, second = player.sink.plays
    assert frames(second.path) > frames(first.path)  # 20 words now
