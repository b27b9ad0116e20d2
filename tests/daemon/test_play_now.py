"""Emergencies (phát ngay) with a real daemon: pre-empt, play, resume; and outside slots."""

from __future__ import annotations

import subprocess
from datetime import datetime

import pytest

pytestmark = pytest.mark.slow


def play_now(live, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*live.LOA, "play-now", *args], env=live.env, capture_output=True, text=True
    )


def test_play_now_preempts_then_the_programme_resumes(live):
    live.slot_in("a", 5, length_s=120)
    long_id = live.add("Tuyên truyền", live.MEDIUM, "a", blocks="K1")
    live.station.add_slot("b", "00:00:00", "00:00:01")  # a slot that never matters
    storm = live.add("Bão số 4", live.TINY, "b", blocks="K2")
    live.start_daemon()
    live.wait_for(
        lambda r: any(x["message_id"] == long_id and x["status"] == "playing" for x in r),
        what="the long item on air",
    )
    result = play_now(live, str(storm), "--by", "Chủ tịch")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("queued play-now request 1 for message")
    rows = live.wait_for(
        lambda r: [x["status"] for x in r if x["message_id"] == long_id] == ["preempted", "played"],
        what="pre-emption, the emergency, and the resumed item",
    )
    assert len(rows) == 3, rows
    pre, emergency, again = rows
    assert (pre["message_id"], pre["status"]) == (long_id, "preempted")
    assert (emergency["message_id"], emergency["status"], emergency["slot"]) == (
        storm,
        "played",
        None,
    )
    assert emergency["blocks"] == ["K2"] and emergency["zones"] == [2]
    assert (again["message_id"], again["status"]) == (long_id, "played")
    ended = datetime.fromisoformat(pre["ended_at"])
    assert datetime.fromisoformat(emergency["started_at"]) >= ended
    assert datetime.fromisoformat(again["started_at"]) >= datetime.fromisoformat(
        emergency["ended_at"]
    )
    # the file sink saw: part of the long item, the emergency, the long item again in full
    lines = live.jsonl()
    assert [(x["message_id"], x["completed"]) for x in lines] == [
        (long_id, False),
        (storm, True),
        (long_id, True),
    ]
    relays = live.relay_log.read_text().splitlines()
    first_on = relays.index("on 1")
    # break before make: K1 for the item, K2 alone for the emergency, K1 again, then off
    assert relays[first_on : first_on + 6] == ["on 1", "off 1", "on 2", "off 2", "on 1", "off 1"]


@pytest.mark.parametrize(
    ("blocks", "aired", "zones"),
    [("K1", ["K1"], [1]), ("all", ["K1", "K2"], [1, 2])],  # `all`: every block, not the message's
)
def test_play_now_outside_any_slot_plays_at_once(live, blocks, aired, zones):
    live.station.add_slot("b", "00:00:00", "00:00:01")
    storm = live.add("Bão số 4", live.TINY, "b", blocks="K2" if blocks == "all" else "all")
    live.start_daemon()
    assert play_now(live, str(storm), "--blocks", blocks).returncode == 0
    [row] = live.wait_for(
        lambda r: any(x["status"] == "played" for x in r), what="the emergency played"
    )
    assert (row["message_id"], row["blocks"], row["zones"]) == (storm, aired, zones)


def test_play_now_refuses_a_draft_unless_approve(live):
    live.station.add_slot("b", "00:00:00", "00:00:01")
    from loabroadcast.services import MessageDraft

    mid = live.station.add_message(
        MessageDraft(title="Nháp", text=live.SHORT, blocks=["K1"], slots=["b"])
    ).message.id
    result = play_now(live, str(mid))
    assert result.returncode == 1
    assert "only an approved message can be played" in result.stderr
    assert play_now(live, str(mid), "--approve", "--by", "Chủ tịch").returncode == 0
    shown = live.station.message(mid)
    assert (shown.status.value, shown.approved_by) == ("approved", "Chủ tịch")
    result = play_now(live, str(mid), "--blocks", "K9")
    assert (result.returncode, result.stderr.strip()) == (1, "loa: error: no block K9")
