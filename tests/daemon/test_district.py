"""Issue 16, a district on one PostgreSQL database: real ``loa daemon`` processes of two
stations (and a standby PC of one of them) on the file sink, slots seconds ahead.

Each station airs only its own items, once; the standby airs nothing twice; the
district's emergency (``loa play-now ID --stations all``) reaches both; with the server
gone from before a programme was settled until after it ended, both stations air on time
and the log is complete once the server is back."""

from __future__ import annotations

import signal
import time
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from livestation import make_live, monotonic_of, stop_live
from loabroadcast.rendering import Renderer
from loabroadcast.store import db
from loabroadcast.store.models import PlayRequestRow
from loabroadcast.usecases.district import District
from pgtools import require_pg

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("needs_pg")]

ON_TIME = timedelta(milliseconds=5)  # the file sink places frames exactly: ms truncation


@pytest.fixture
def needs_pg():
    require_pg()


def at(row: dict, key: str = "started_at") -> datetime:
    return datetime.fromisoformat(row[key])


def played(rows: list[dict], n: int) -> bool:
    return len([r for r in rows if r["status"] == "played"]) >= n


def district(tmp_path, url: str, *, standby: bool = False):
    """Stations xa-a and xa-b on ``url``, each with blocks K1, K2 (a standby folder of
    xa-a too, when asked); slot codes are the stations' own."""
    folders = {name: tmp_path / name for name in ("a", "b", "a2")}
    for folder in folders.values():
        folder.mkdir()
    a = make_live(folders["a"], folders["a"] / "home", name="Xã A", code="xa-a", db_url=url)
    District(a.station).add("xa-b", "Xã B")
    b = make_live(folders["b"], folders["b"] / "home", name="Xã B", code="xa-b", db_url=url)
    found = [a, b]
    if standby:
        found.append(
            make_live(
                folders["a2"],
                folders["a2"] / "home",
                name="Xã A (dự phòng)",
                code="xa-a",
                db_url=url,
                blocks=False,
            )  # fmt: skip
        )
    return found


def ready(ls) -> bool:
    """The daemon holds its plan and its audio: it could air without the database."""
    return "ready ahead: " in (ls.home / "daemon.stderr").read_text()


def render_at(station, message_id: int) -> None:
    """What a station's daemon would render ahead: a message another station sent."""
    Renderer(station).render(station.approved_message(message_id))


def test_two_stations_and_a_standby_air_their_own_once_and_the_emergency_reaches_both(
    tmp_path,
):
    from pgtools import fresh_pg_url

    a, b, a2 = district(tmp_path, fresh_pg_url(), standby=True)
    try:
        start = a.slot_in("s", 9)  # the same code at both stations, their own slots
        b.station.add_slot("s", f"{start:%H:%M:%S}", f"{start + timedelta(seconds=60):%H:%M:%S}")
        mine_a = [a.add("A một", a.TINY, "s", priority="priority"), a.add("A hai", a.TINY, "s")]
        shared = a.add("Huyện", a.TINY, "s", stations="all")
        render_at(b.station, shared)
        mine_b = [b.add("B một", b.TINY, "s", priority="priority")]
        for ls in (a, a2, b):
            ls.start_daemon()
        rows_a = a.wait_for(lambda r: played(r, 3), what="station A's three items")
        rows_b = b.wait_for(lambda r: played(r, 2), what="station B's two items")
        time.sleep(1.0)  # a second airing would be on its way by now
        want_a, want_b = sorted([*mine_a, shared]), sorted([*mine_b, shared])
        assert sorted(r["message_id"] for r in a.log()) == want_a
        assert sorted(r["message_id"] for r in b.log()) == want_b
        assert {r["station"] for r in rows_a} == {"xa-a"}
        assert {r["station"] for r in rows_b} == {"xa-b"}
        heard_a = a.jsonl() + a2.jsonl()  # the PC and its standby: each item once
        assert sorted(line["message_id"] for line in heard_a) == want_a
        assert sorted(line["message_id"] for line in b.jsonl()) == want_b
        for rows in (rows_a, rows_b):
            first = min(rows, key=lambda r: r["started_at"])
            assert abs(at(first) - start) <= ON_TIME, at(first) - start

        # the district's emergency button, from the office (station A's folder)
        done = a.loa("play-now", str(shared), "--stations", "all", "--by", "Chủ tịch huyện")
        assert done.returncode == 0, done.stderr
        assert "at 2 stations" in done.stdout
        a.wait_for(lambda r: played(r, 4), timeout=20, what="the emergency at A")
        b.wait_for(lambda r: played(r, 3), timeout=20, what="the emergency at B")
        with db.read_session(a.station.engine) as s:
            asked = {
                sid: when
                for sid, when in s.execute(
                    select(PlayRequestRow.station_id, PlayRequestRow.requested_at)
                )
            }
        lag = {}
        for ls, heard in ((a, a.jsonl() + a2.jsonl()), (b, b.jsonl())):
            emergency = [x for x in heard if x["key"].startswith("play-now/")]
            assert [x["message_id"] for x in emergency] == [shared]  # once, standby included
            lag[ls.station.station.code] = (
                at(emergency[0]) - asked[ls.station.station_id]
            ).total_seconds()
        print(f"\ndistrict play-now, request to first frame: {lag}")  # measured, not asserted
    finally:
        for ls in (a, a2, b):
            stop_live(ls)


def test_the_server_gone_through_a_slot_both_stations_air_on_time_and_log_it_all(tmp_path):
    from pgtools import PrivateServer

    server = PrivateServer()
    stations = []
    try:
        stations = district(tmp_path, server.url)
        a, b = stations
        for ls in stations:
            ls.configure("[playback]\nprepare_s = 3.0")  # settled 3 s ahead: server gone
        start = a.slot_in("s", 14)
        b.station.add_slot("s", f"{start:%H:%M:%S}", f"{start + timedelta(seconds=60):%H:%M:%S}")
        ids = {
            "xa-a": [a.add("A một", a.TINY, "s", priority="priority"), a.add("A hai", a.TINY, "s")],
            "xa-b": [b.add("B một", b.TINY, "s", priority="priority"),
                     b.add("B hai", b.TINY, "s", blocks="K2")],
        }  # fmt: skip
        for ls in stations:
            ls.start_daemon()
        gone = monotonic_of(start) - 4.5  # before the programmes are settled (3 s ahead)
        while not all(ready(ls) for ls in stations) and time.monotonic() < gone:
            time.sleep(0.1)
        assert all(ready(ls) for ls in stations), "the daemons were not ready in time"
        time.sleep(max(0.0, gone - time.monotonic()))
        server.stop()  # before the programmes are settled, until after they ended
        deadline = monotonic_of(start) + 15.0
        while time.monotonic() < deadline and not all(len(ls.jsonl()) >= 2 for ls in stations):
            time.sleep(0.2)
        heard = {ls.station.station.code: ls.jsonl() for ls in stations}
        server.start()
        for ls in stations:
            code = ls.station.station.code
            assert [x["message_id"] for x in heard[code]] == ids[code]  # aired while gone
            assert abs(at(heard[code][0]) - start) <= ON_TIME, at(heard[code][0]) - start
            assert "on 1" in ls.relays()  # the zones were known ahead, too
        for ls in stations:
            code = ls.station.station.code
            rows = ls.wait_for(lambda r: played(r, 2), timeout=30, what=f"{code}'s log back")
            assert [(r["message_id"], r["status"]) for r in rows] == [
                (mid, "played") for mid in ids[code]
            ]
            assert [at(r) for r in rows] == [at(x) for x in heard[code]]  # the sink's instants

        # the office sees a station whose link is gone (its daemon frozen) as STALE
        frozen = b.procs[0]
        frozen.send_signal(signal.SIGSTOP)
        try:
            time.sleep(2.5)  # two ticks of 1 s without a heartbeat
            listing = a.loa("station", "list")
        finally:
            frozen.send_signal(signal.SIGCONT)
        assert listing.returncode == 0, listing.stderr
        line_a, line_b = (
            next(x for x in listing.stdout.splitlines() if x.startswith(code))
            for code in ("xa-a", "xa-b")
        )
        assert "running" in line_a and "STALE" in line_b, listing.stdout
    finally:
        for ls in stations:
            stop_live(ls)
        server.remove()
