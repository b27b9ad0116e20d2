"""A report over what the real player logged on a fake clock (fake sink and relays, real
store and audio): three mornings (all played; a device failure; the daemon too late) and a
play-now, cross-checked against the as-run log the player wrote."""

from __future__ import annotations

import math
import struct
import wave
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from loabroadcast.domain import Priority
from loabroadcast.errors import PlaybackError
from loabroadcast.rendering import Renderer
from loabroadcast.reports.period import Period
from loabroadcast.reports.rows import PLAY_NOW, Dimension
from loabroadcast.services import MessageDraft
from loabroadcast.speech.engines.base import SynthResult
from rig import make_rig

from .conftest import TZ
from .test_report_store import reports_of

pytestmark = pytest.mark.parametrize("db_kind", ["sqlite"], indirect=True)
DAYS = [date(2026, 12, 7), date(2026, 12, 8), date(2026, 12, 9)]


class ToneEngine:
    """'Speaks' 0.1 s of tone per word: quick and deterministic."""

    name, voice = "tone", "test"

    def synthesize(self, text: str, out_wav: Path) -> SynthResult:
        rate = 22050
        frames = b"".join(
            struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / rate)))
            for i in range(int(rate * 0.1 * len(text.split())))
        )
        with wave.open(str(out_wav), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(rate)
            w.writeframes(frames)
        return SynthResult(Path(out_wav), self.name, self.voice)


def test_a_report_of_what_the_player_logged(station, clock):
    st = station
    st.settings = replace(st.settings, speech=replace(st.settings.speech, render_on_approve=False))
    clock.set(datetime(2026, 12, 6, 20, 0, tzinfo=TZ))
    st.add_block("K1", "Khối 1", 1)
    st.add_block("K2", "Khối 2", 2)
    st.add_slot("sang", "06:00", "06:30", name="Buổi sáng")
    renderer = Renderer(st, engine=ToneEngine())
    ids = []
    for title, blocks, priority in (
        ("Lịch tiêm chủng", ["K1"], Priority.NORMAL),
        ("Thông báo khẩn về cơn bão số 4", ["K1", "K2"], Priority.EMERGENCY),
    ):
        draft = MessageDraft(title=title, text=" ".join(["loa"] * 20), blocks=blocks,
                             slots=["sang"], priority=priority, category="Y tế")  # fmt: skip
        mid = st.add_message(draft).message.id
        renderer.render(st.approve(mid, "Chủ tịch UBND").message)
        clock.advance(1)
        ids.append(mid)
    rig = make_rig(st, clock, engine=ToneEngine())  # the player as the daemon wires it
    player, sink = rig.player, rig.sink
    try:
        for day, late in zip(DAYS, (0, 0, 20), strict=True):
            clock.set(datetime.combine(day, datetime.min.time(), tzinfo=TZ)
                      + timedelta(hours=6, minutes=late) - timedelta(seconds=5))  # fmt: skip
            if day == DAYS[1]:
                sink.fail_next(PlaybackError("device vanished"))
            player.run_occurrence("sang", day)
        clock.set(datetime(2026, 12, 9, 14, 0, tzinfo=TZ))
        request = st.play_now(ids[1], by="Trưởng ban PCTT")
        player.play_request(request, ids[1], ())
        rig.flush()
    finally:
        rig.close()
    log = st.airings(None)
    assert sorted(a.status.value for a in log) == [
        "failed", "missed", "missed", "played", "played", "played", "played"]  # fmt: skip
    clock.set(datetime(2026, 12, 10, 8, 0, tzinfo=TZ))
    report = reports_of(st).log(Period.of(DAYS[0], DAYS[-1]))
    total = report.breakdown(Dimension.DAY).total
    heard = sum(
        round((a.ended_at - a.started_at).total_seconds())
        for a in log
        if a.started_at and a.ended_at
    )
    assert (total.airings, total.failed, total.missed, total.seconds_aired) == (4, 1, 2, heard)
    lengths = {mid: renderer.ensure(st.message(mid)).duration_s for mid in ids}
    assert total.seconds_requested == 3 * sum(round(s) for s in lengths.values()) + round(
        lengths[ids[1]]
    )  # two items each morning, and the play-now
    slots = {r.key: r.figures for r in report.breakdown(Dimension.SLOT).rows}
    assert slots[PLAY_NOW].airings == 1
    blocks = {r.key: r.figures for r in report.breakdown(Dimension.BLOCK).rows}
    assert blocks["K2"].airings == 2  # the emergency in the first morning and by play-now
    [*_, by_play_now] = report.summary().emergencies
    assert (by_play_now.slot, by_play_now.ordered_by) == (None, "Trưởng ban PCTT")
