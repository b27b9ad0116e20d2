"""The calendar in the store, on SQLite and PostgreSQL: writes bump plan_version or change
nothing; the plain-SQL read path and the ORM agree; migration 0014 keeps the data."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time, timedelta

import pytest
from sqlalchemy import text

from loabroadcast.domain import Slot
from loabroadcast.domain.calendar import DayOff, ExtraSession, QuietKind
from loabroadcast.errors import Conflict, InvalidInput, NotFound
from loabroadcast.listings import Listings
from loabroadcast.services import MessageDraft, Station, init_station
from loabroadcast.store import db, queries, repo
from loabroadcast.store.reader import Reader
from loabroadcast.usecases.calendar import CalendarBook

D = date(2026, 3, 10)  # the clock fixture's day, a Tuesday


@pytest.fixture
def book(settings, clock):
    settings = replace(settings, speech=replace(settings.speech, render_on_approve=False))
    init_station(settings)
    st = Station.open(settings, clock)
    st.add_block("K1", "Khối 1", 1)
    st.add_slot("sang", "06:00", "06:30", name="Buổi sáng")
    st.add_slot("chieu", "17:00", "17:15", days="weekdays")
    yield CalendarBook(st)
    st.close()


def test_every_calendar_write_bumps_plan_version(book):
    st = book.station
    seen = [st.plan_version()]

    def changed() -> bool:
        seen.append(st.plan_version())
        return seen[-1] > seen[-2]

    off = book.add_off(D, D + timedelta(days=2), ["sang"], "Sửa máy").entry
    assert changed()
    extra = book.add_extra(D + timedelta(days=5), "bau-cu", "15:00", "15:30", "Bầu cử").entry
    assert changed()
    book.remove(off.id)
    assert changed()
    book.remove(extra.id)
    assert changed()
    book.entries(), st.schedule(D, 7)  # reading changes nothing
    assert not changed()


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda b: b.add_off(D, D - timedelta(days=1)), InvalidInput, "is before"),
        (lambda b: b.add_off(D, None, ["sang", "toi"]), NotFound, "no slot toi"),
        (lambda b: b.add_extra(D, "x", "06:10", "06:20"), Conflict, "overlaps sang"),
        (lambda b: b.add_extra(D, "sang", "08:00", "08:10"), Conflict, "already exists"),
        (lambda b: b.add_extra(D, "x", "08:00", "07:00"), InvalidInput, "ends at 07:00"),
        (lambda b: b.remove(42), NotFound, "no calendar entry 42"),
    ],
)
def test_a_refused_write_changes_nothing(book, call, error, message):
    version = book.station.plan_version()
    with pytest.raises(error, match=message):
        call(book)
    assert book.station.plan_version() == version
    assert book.entries() == []
    assert [s.code for s in book.station.slots()] == ["sang", "chieu"]


def test_read_path_and_orm_agree_on_slots_and_entries(book, settings, clock):
    st = book.station
    off = book.add_off(D + timedelta(days=1), D + timedelta(days=7), None, "Quốc tang").entry
    limited = book.add_off(D, None, ["sang"]).entry
    extra = book.add_extra(D + timedelta(days=3), "bau-cu", "15:00", "15:30", "Bầu cử").entry
    assert extra == ExtraSession(
        extra.id, Slot("bau-cu", time(15), time(15, 30), frozenset({4}), "Bầu cử", D + timedelta(3))
    )
    with db.read_session(st.engine) as s:
        orm_slots = [repo.to_slot(r) for r in repo.slot_rows(s, st.scope)]
    # on SQLite this reader is the standard sqlite3 module: no SQLAlchemy involved
    with Reader.open(st.settings.database_url) as reader:
        assert queries.slots(reader, st.scope) == orm_slots
        assert [s.code for s in queries.slots_between(reader, st.scope, D, D)] == ["sang", "chieu"]
        week = queries.slots_between(reader, st.scope, D, D + timedelta(days=6))
        assert [s.code for s in week] == ["sang", "bau-cu", "chieu"]
        assert queries.day_offs(reader, st.scope, D, D) == [limited]
        later = (D + timedelta(days=7), D + timedelta(days=9))
        assert queries.day_offs(reader, st.scope, *later) == [off]
    listings = Listings.open(st.settings, clock)
    assert listings.calendar_entries(D) == [limited, off, extra]
    assert listings.calendar_entries(D + timedelta(days=2), D + timedelta(days=3)) == [off, extra]
    assert listings.calendar_entries(D + timedelta(days=8)) == []
    assert book.entries() == listings.calendar_entries(D)
    assert off == DayOff(off.id, D + timedelta(days=1), D + timedelta(days=7), (), "Quốc tang")


def test_the_schedule_reads_the_calendar(book, clock):
    st = book.station
    mid = st.add_message(
        MessageDraft(title="Họp", text="Họp tổ.", blocks=["K1"], slots=["sang", "chieu"])
    ).message.id
    st.approve(mid)
    book.add_off(D, None, ["sang"], "Sửa loa")
    extra = book.add_extra(D, "them", "09:00", "09:10").entry
    view = Listings.open(st.settings, clock).plan(D, 2)
    assert view.programmes == st.schedule(D, 2)  # the daemon's path says the same
    runs = {(p.occurrence.day, p.slot.code): p for p in view.programmes}
    sang = runs[(D, "sang")]
    assert (sang.occurrence.quiet.kind, sang.occurrence.quiet.reason) == (QuietKind.OFF, "Sửa loa")
    assert sang.items == ()
    assert [i.message_id for i in runs[(D, "chieu")].items] == [mid]
    assert runs[(D, "them")].occurrence.slot == extra.slot
    assert (D + timedelta(days=1), "them") not in runs
    assert [i.message_id for i in runs[(D + timedelta(days=1), "sang")].items] == [mid]


def test_removing_a_session_unlinks_its_cancelled_messages(book):
    st = book.station
    extra = book.add_extra(D, "them", "09:00", "09:10").entry
    draft = MessageDraft(title="Họp", text="Họp tổ.", blocks=["K1"], slots=["sang", "them"])
    mid = st.add_message(draft).message.id
    with pytest.raises(Conflict, match=f"used by message {mid}"):
        book.remove(extra.id)
    st.cancel(mid)
    book.remove(extra.id)
    assert st.message(mid).slots == ("sang",)
    with db.read_session(st.engine) as s:
        assert repo.slot_by_code(s, st.scope, "them") is None


def test_migration_0014_keeps_the_slots_and_goes_back(settings, clock, migrator):
    """A station at 0002 upgrades with its slots (daily, no date); downgrade and again."""
    from alembic import command

    engine, migrate = migrator

    migrate(command.upgrade, "0002")
    with engine.begin() as conn:
        conn.execute(
            text(
                'INSERT INTO slots (code, name, start, "end", weekdays) '
                "VALUES ('sang', 'Buổi sáng', '06:00:00', '06:30:00', '0123456')"
            )
        )
    migrate(command.upgrade, "head")  # through 0014 (and 0017)
    st = Station.open(settings, clock)
    assert [(s.code, s.day) for s in st.slots()] == [("sang", None)]
    book = CalendarBook(st)
    book.add_off(D)
    book.add_extra(D, "them", "09:00", "09:10")
    st.add_block("K1", "Khối 1")
    draft = MessageDraft(title="Họp", text="Họp tổ.", blocks=["K1"], slots=["sang", "them"])
    mid = st.add_message(draft).message.id
    migrate(command.downgrade, "0002")  # a one-off session cannot be said without its date
    migrate(command.upgrade, "head")
    assert [s.code for s in st.slots()] == ["sang"] and book.entries() == []
    assert st.message(mid).slots == ("sang",)
    st.close()
    engine.dispose()
