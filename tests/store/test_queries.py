"""The plain-SQL read side (``store.reader``, ``store.queries``, ``listings``) on SQLite
and PostgreSQL: the same answers as the ORM wrote them, one snapshot, nothing written."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from loabroadcast.domain import AiringStatus, MessageStatus, Priority, Slot
from loabroadcast.errors import InvalidInput, StoreError
from loabroadcast.listings import Listings
from loabroadcast.services import MessageDraft, Station, init_station
from loabroadcast.store import db, queries
from loabroadcast.store.models import AiringRow, RenderRow
from loabroadcast.store.reader import Reader, sqlite_file

D = date(2026, 3, 10)  # a Tuesday; the clock fixture's day


@pytest.fixture
def quiet(settings, clock):
    """A station that does not render at approval (no audio needed here)."""
    settings = replace(settings, speech=replace(settings.speech, render_on_approve=False))
    init_station(settings)
    st = Station.open(settings, clock)
    yield st
    st.close()


def _add(st, title, *, approve=True, **fields):
    fields = {"text": "Họp tổ dân phố lúc 19 giờ.", "blocks": ["K1"], "slots": ["sang"]} | fields
    mid = st.add_message(MessageDraft(title=title, **fields)).message.id
    if approve:
        st.approve(mid, "Chủ tịch")
    return mid


@pytest.fixture
def town(quiet):
    quiet.add_block("K2", "Khối 2", 2)
    quiet.add_block("K1", "Khối 1", 1)
    quiet.add_slot("toi", "19:00", "19:30", name="Buổi tối")
    quiet.add_slot("sang", "06:00", "06:30", days="weekdays", name="Buổi sáng")
    return quiet


def test_messages_read_back_as_written(town, settings, clock):
    a = _add(town, "Bão số 4", blocks=["all"], slots=["toi", "sang"], priority=Priority.EMERGENCY)
    b = _add(
        town,
        "Cắt điện",
        blocks=["K2", "K1"],
        valid_from=D,
        valid_until=D + timedelta(days=3),
        source="EVN",
        category="điện",
        max_airings=4,
        repeat=2,
    )
    c = _add(town, "Nháp", approve=False)
    town.add_block("K3", "Khối 3")  # a message for every block reaches it
    listings = Listings.open(settings, clock)
    messages = {m.id: m for m in listings.messages()}
    assert list(messages) == [a, b, c]
    assert messages[a].blocks == ("K1", "K2", "K3")
    assert messages[a].slots == ("sang", "toi")  # by start time
    assert messages[b].blocks == ("K1", "K2")
    got = messages[b]
    assert (got.valid_from, got.valid_until) == (D, D + timedelta(days=3))
    assert (got.source, got.category, got.max_airings, got.repeat) == ("EVN", "điện", 4, 2)
    assert got.approved_at == clock.now() and got.approved_at.tzinfo == UTC
    assert got.approved_by == "Chủ tịch"
    assert messages[c].status == MessageStatus.DRAFT
    assert listings.messages("draft") == [messages[c]]
    # the write side answers through the same code, on its engine
    assert town.messages() == list(messages.values())
    assert listings.message_summaries() == [
        (a, "approved", "emergency", "Bão số 4", "all", "sang,toi", None, None),
        (b, "approved", "normal", "Cắt điện", "K1,K2", "sang", D, D + timedelta(days=3)),
        (c, "draft", "normal", "Nháp", "K1", "sang", None, None),
    ]
    assert listings.message_summaries("approved") == town.message_summaries("approved")[:2]


@pytest.mark.parametrize(
    ("valid_from", "valid_until", "placed"),
    [
        (None, None, True),
        (D, D, True),  # both ends inclusive
        (D + timedelta(days=1), None, False),  # starts after the day
        (None, D - timedelta(days=1), False),  # ended the day before
        (D - timedelta(days=30), D, True),
        (D, D + timedelta(days=30), True),
    ],
)
def test_approved_between_keeps_only_what_may_air(town, valid_from, valid_until, placed):
    town.clock.set(datetime(2026, 3, 1, tzinfo=UTC))  # approvals happen before D
    mid = _add(town, "Tin", valid_from=valid_from, valid_until=valid_until)
    _add(town, "Nháp", approve=False)
    cancelled = _add(town, "Hủy")
    town.cancel(cancelled)
    with Reader.on_engine(town.engine) as reader:
        found = [m.id for m in queries.approved_between(reader, D, D)]
    assert found == ([mid] if placed else [])


def test_durations_and_played_counts_only_for_the_days(town):
    now = town.now()
    inside = _add(town, "Trong", valid_from=D, valid_until=D)
    outside = _add(town, "Ngoài", valid_from=D + timedelta(days=5))
    with db.write_session(town.engine) as s:
        for mid, seconds in ((inside, 30.0), (inside, 41.5), (outside, 12.0)):
            s.add(_render(mid, seconds, now))
        for n, (mid, status) in enumerate(
            [(inside, "played"), (inside, "played"), (inside, "missed"), (outside, "played")]
        ):
            s.add(_airing(n, mid, status, now))
    with Reader.on_engine(town.engine) as reader:
        assert queries.rendered_durations(reader, D, D) == {inside: 41.5}  # the newest render
        assert queries.played_counts(reader, D, D) == {inside: 2}
        later = D + timedelta(days=5)
        assert queries.rendered_durations(reader, later, later) == {outside: 12.0}


def test_schedule_of_listings_matches_the_station(town, settings, clock):
    _add(town, "Bão", blocks=["all"], slots=["sang", "toi"], priority=Priority.EMERGENCY)
    _add(town, "Họp", slots=["sang"])
    _add(town, "Nháp", approve=False)
    listings = Listings.open(settings, clock)
    week = listings.schedule(D, 7)
    assert week == town.schedule(D, 7)
    assert [(p.occurrence.day, p.occurrence.slot.code) for p in week[:3]] == [
        (D, "sang"),
        (D, "toi"),
        (D + timedelta(days=1), "sang"),
    ]
    assert [i.title for i in week[0].items] == ["Bão", "Họp"]
    assert week[0].occurrence.slot == Slot(
        "sang", time(6), time(6, 30), frozenset(range(5)), "Buổi sáng"
    )
    assert listings.schedule(None, 1) == listings.schedule(D, 1)  # today, station time
    with pytest.raises(InvalidInput, match="--days must be between 1 and 366"):
        listings.schedule(D, 367)


def test_a_reader_sees_one_snapshot(town):
    with Reader.on_engine(town.engine) as reader:
        before = queries.block_codes(reader)
        town.add_block("K9", "Khối 9")  # committed by another connection meanwhile
        assert queries.block_codes(reader) == before
    with Reader.on_engine(town.engine) as reader:
        assert queries.block_codes(reader) == (*before, "K9")


def test_a_reader_writes_nothing(town, settings):
    opened = Reader.open(settings.database_url)
    with opened as reader, pytest.raises(StoreError, match="^database error: "):
        reader.rows("DELETE FROM blocks")
    assert [b.code for b in town.blocks()] == ["K1", "K2"]


def test_listings_check_the_schema(settings, clock):
    with pytest.raises(StoreError, match="run `loa init`"):
        Listings.open(settings, clock)
    with pytest.raises(InvalidInput, match="unknown timezone 'Asia/Hanoi'"):
        Listings(replace(settings, timezone="Asia/Hanoi"), clock)


# SQLite without SQLAlchemy ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("sqlite:////srv/loa/loa.db", "/srv/loa/loa.db"),
        ("sqlite:///loa.db", "loa.db"),
        ("sqlite:///:memory:", None),
        ("sqlite://", None),
        ("sqlite:////srv/loa.db?timeout=30", None),  # options: SQLAlchemy reads it
        ("postgresql+psycopg://loa@/loa?host=/run", None),
    ],
)
def test_which_urls_open_without_sqlalchemy(url, path):
    assert sqlite_file(url) == (None if path is None else Path(path))


def _open(url: str) -> None:
    with Reader.open(url):
        pass


def test_sqlite_reader_needs_a_station_file(tmp_path):
    missing = tmp_path / "loa.db"
    with pytest.raises(StoreError, match="no station database here: run `loa init` first"):
        _open(f"sqlite:///{missing}")
    assert not missing.exists()  # nothing half-made
    with pytest.raises(StoreError, match="database folder .* does not exist: run `loa init`"):
        _open(f"sqlite:///{tmp_path / 'nowhere' / 'loa.db'}")
    missing.write_bytes(b"not a database, just bytes" * 100)
    with pytest.raises(StoreError, match="^cannot open the database: file is not a database"):
        _open(f"sqlite:///{missing}")


def test_sqlite_reader_waits_out_a_writer(tmp_path, clock):
    """WAL: a read while another process holds the write lock answers at once."""
    from loabroadcast.config import load_settings

    settings = load_settings(tmp_path / "home", env={})
    init_station(settings)
    Station.open(settings, clock).add_block("K1", "Khối 1")
    writer = sqlite3.connect(sqlite_file(settings.database_url), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO blocks (code, name) VALUES ('K2', 'Khối 2')")
    try:
        with Reader.open(settings.database_url) as reader:
            assert queries.block_codes(reader) == ("K1",)
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def _render(mid: int, seconds: float, now: datetime, version: int = 1) -> RenderRow:
    return RenderRow(
        message_id=mid,
        version=version,  # the approved version's render is what the planner times
        key=f"k{mid}-{seconds}",
        path="/nowhere.wav",
        engine="espeak",
        duration_s=seconds,
        sha256="0" * 64,
        created_at=now,
    )


def _airing(n: int, mid: int, status: str, now: datetime) -> AiringRow:
    assert status in {s.value for s in AiringStatus}
    return AiringRow(
        occurrence_key=f"default|sang|{n}|{mid}",
        station="default",
        message_id=mid,
        slot_code="sang",
        occurrence_date=D,
        status=status,
        created_at=now,
    )


def test_an_unreachable_server_is_one_clear_line(tmp_path, clock):
    """No server behind the URL: the driver's error becomes one StoreError line."""
    from loabroadcast.config import load_settings

    url = f"postgresql+psycopg://loa@/loa?host={tmp_path / 'no-server'}&connect_timeout=2"
    settings = replace(load_settings(tmp_path / "home", env={}), db_url=url)
    with pytest.raises(StoreError, match="^cannot open the database: connection is bad") as err:
        Listings.open(settings, clock)
    assert "\n" not in str(err.value)
