"""The daemon woken by its station's database: on PostgreSQL a play-now reaches it through
LISTEN/NOTIFY, not the poll (here the poll is a minute apart); a wake-up that lands while
a poll reads is not lost; polls never overlap."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from types import SimpleNamespace

from loabroadcast.daemon import Daemon, DaemonOptions
from loabroadcast.daemon.jobs import Jobs
from loabroadcast.services import MessageDraft, Station, init_station
from loabroadcast.testing import RecordingSink, RecordingZones
from loabroadcast.usecases.district import District


def wait(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def test_a_play_now_wakes_the_stations_daemon_at_once(pg_settings):
    init_station(pg_settings)
    office = Station.open(pg_settings)
    District(office).add("xa-b", "Xã B")
    commune = replace(pg_settings, station_code="xa-b")
    b = Station.open(commune)
    for st in (office, b):
        st.add_block("K1", "Khối 1", 1)
        st.add_slot("dem", "03:00", "03:30", days="sun")
    mid = office.add_message(
        MessageDraft(
            title="Bão", text="Bão số bốn.", blocks=["K1"], slots=["dem"], stations=["all"]
        )  # fmt: skip
    ).message.id
    office.approve(mid)
    sink = RecordingSink()
    slow_poll = DaemonOptions(poll_s=60.0, tick_s=60.0)  # only a wake-up can be in time
    daemon = Daemon(commune, sink=sink, zones=RecordingZones(), options=slow_poll)
    thread = threading.Thread(target=daemon.run, daemon=True)
    thread.start()
    try:
        assert wait(lambda: getattr(daemon, "listener", None) is not None, 20)
        assert daemon.listener.listening.wait(10)
        asked = time.monotonic()
        office.play_now_at(mid, stations=["xa-b"], by="Chủ tịch huyện")
        assert wait(lambda: sink.plays, 10), "the daemon was not woken"
        assert time.monotonic() - asked < 5.0  # not the poll a minute away
        assert [p.meta["message_id"] for p in sink.plays] == [mid]
        assert daemon.status()["station"] == "xa-b"
    finally:
        daemon.stop.set()
        thread.join(15)
        b.close()
        office.close()
    assert not thread.is_alive()


def test_a_wake_up_during_a_poll_reads_once_more_and_polls_never_overlap():
    reads: list[int] = []
    inside = threading.Event()
    release = threading.Event()
    running = [0, 0]  # now, most at once

    def poll_state():
        running[0] += 1
        running[1] = max(running)
        reads.append(len(reads))
        if len(reads) == 1:
            inside.set()
            release.wait(5)
        running[0] -= 1
        return 7, False

    daemon = SimpleNamespace(
        asrun=SimpleNamespace(poll_state=poll_state),
        reconciler=lambda *a, **k: None,
        scheduler=SimpleNamespace(modify_job=lambda *a, **k: None),
        health=SimpleNamespace(clear=lambda _c: None, report=lambda *_a: None),
    )
    jobs = Jobs(daemon)
    first = threading.Thread(target=jobs.poll)
    first.start()
    assert inside.wait(5)
    woken = [threading.Thread(target=jobs.wake, args=("play-now",)) for _ in range(3)]
    for thread in woken:
        thread.start()
    for thread in woken:
        thread.join(5)  # they return at once: the running poll reads for them
    assert len(reads) == 1
    release.set()
    first.join(5)
    assert len(reads) == 2  # one more read, for all three wake-ups
    assert running[1] == 1
