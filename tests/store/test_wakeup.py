"""Waking a station's daemon on PostgreSQL: a play-now and a change of plan NOTIFY the
stations they concern, on commit only; a listener hears its own station's, and listens
again after its link drops."""

from __future__ import annotations

import queue
import time
from dataclasses import replace

import pytest
from sqlalchemy import create_engine, text

from loabroadcast.errors import NotFound
from loabroadcast.services import MessageDraft, Station, init_station
from loabroadcast.store.reader import psycopg_conninfo
from loabroadcast.store.wakeup import PLAN, PLAY_NOW, Listener, channel
from loabroadcast.usecases.district import District


@pytest.fixture
def two(pg_settings, clock):
    settings = replace(pg_settings, speech=replace(pg_settings.speech, render_on_approve=False))
    init_station(settings)
    a = Station.open(settings, clock)
    District(a).add("xa-b", "Xã B")
    b = Station.open(replace(settings, station_code="xa-b"), clock)
    for st in (a, b):
        st.add_block("K1", "Khối 1", 1)
        st.add_slot("sang", "06:00", "06:30")
    yield a, b
    b.close()
    a.close()


def _listen(st) -> tuple[Listener, queue.Queue]:
    heard: queue.Queue = queue.Queue()
    listener = Listener(psycopg_conninfo(st.settings.db_url), st.station_id, heard.put).start()
    assert listener.listening.wait(10)
    return listener, heard


def _drain(heard: queue.Queue, wait_s: float = 0.3) -> list[str]:
    found = []
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        try:
            found.append(heard.get(timeout=max(0.0, deadline - time.monotonic())))
        except queue.Empty:
            break
    return found


def test_play_now_and_plan_changes_wake_the_stations_they_concern(two):
    a, b = two
    la, heard_a = _listen(a)
    lb, heard_b = _listen(b)
    try:
        draft = MessageDraft(title="Bão", text="Bão số 4.", blocks=["all"], slots=["sang"],
                             stations=["all"])  # fmt: skip
        mid = a.add_message(draft).message.id  # both plans change
        assert _drain(heard_a) == [PLAN] and _drain(heard_b) == [PLAN]
        b.add_block("K2", "Khối 2")  # b's plan only
        assert _drain(heard_a) == [] and _drain(heard_b) == [PLAN]
        a.approve(mid)
        _drain(heard_a), _drain(heard_b)
        sent = time.monotonic()
        a.play_now_at(mid, stations=["all"])
        assert heard_a.get(timeout=2) == PLAY_NOW and heard_b.get(timeout=2) == PLAY_NOW
        assert time.monotonic() - sent < 1.0
        with pytest.raises(NotFound):  # a write that fails sends nothing
            a.play_now_at(mid, blocks=["K9"], stations=["all"])
        assert _drain(heard_a) == [] and _drain(heard_b) == []
    finally:
        la.close()
        lb.close()


def test_a_listener_listens_again_after_its_link_drops(two):
    a, _b = two
    listener, heard = _listen(a)
    try:
        admin = create_engine(a.settings.db_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:  # the server drops the listener's connection
            dropped = conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE query = :q AND pid <> pg_backend_pid()"
                ),
                {"q": f"LISTEN {channel(a.station_id)}"},
            ).all()
        admin.dispose()
        assert dropped == [(True,)]
        deadline = time.monotonic() + 10
        while listener.connections < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert listener.connections == 2 and listener.listening.is_set()  # listening again
        a.add_block("K3", "Khối 3")
        assert heard.get(timeout=3) == PLAN
    finally:
        listener.close()
    assert not listener.listening.is_set()


def test_a_link_to_the_server_gives_up_in_seconds_unless_the_url_says_otherwise():
    from loabroadcast.store.link import LINK_DEFAULTS, link_options

    assert link_options("postgresql+psycopg://loa@db.huyen.example/loa") == LINK_DEFAULTS
    own = link_options(
        "postgresql+psycopg://loa@db/loa?sslmode=verify-full&connect_timeout=30&keepalives_idle=60"
    )
    assert "connect_timeout" not in own and "keepalives_idle" not in own
    assert own["tcp_user_timeout"] == LINK_DEFAULTS["tcp_user_timeout"]
