"""Stations in the store: a district's PostgreSQL database holds many, each sees and
writes only its own rows (both read paths), codes are unique per station, a message is
sent to several; a SQLite database holds exactly one. The scope rules cover every table."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from loabroadcast.config import load_settings
from loabroadcast.errors import Conflict, InvalidInput, NotFound
from loabroadcast.listings import Listings
from loabroadcast.services import MessageDraft, Station, init_station
from loabroadcast.store import db, queries
from loabroadcast.store import stations as station_rows
from loabroadcast.store.airings import AsRun
from loabroadcast.store.models import Base, MessageStationRow, PlanState, StationRow
from loabroadcast.store.reader import Reader
from loabroadcast.store.scope import OWN, RULES, UNSCOPED, Scope
from loabroadcast.usecases.audit import AuditTrail
from loabroadcast.usecases.calendar import CalendarBook
from loabroadcast.usecases.district import District
from loabroadcast.usecases.work import Actor

D = date(2026, 3, 10)  # the clock fixture's day
TEXT = "Họp tổ dân phố lúc 19 giờ."


def test_every_table_has_a_scope_rule():
    """A new table says whose its rows are, or that it has no station of its own."""
    tables = set(Base.metadata.tables)
    assert tables - UNSCOPED == set(RULES)
    for name in RULES:  # a message's is the station that wrote it; it is seen where sent
        assert "station_id" in Base.metadata.tables[name].c, name
    assert {name for name, rule in RULES.items() if rule != OWN} == {"messages"}


@pytest.mark.parametrize(
    ("ids", "sql", "params"),
    [
        ((3,), "b.station_id = ?", (3,)),
        ((1, 2), "b.station_id IN (?, ?)", (1, 2)),
    ],
)
def test_scope_writes_one_condition(ids, sql, params):
    assert Scope.of(*ids).sql("blocks", "b") == (sql, params)
    where, _ = Scope.of(*ids).sql("messages", "m")
    assert where.startswith("m.id IN (SELECT ms_.message_id FROM message_stations ms_ WHERE")


def test_a_scope_names_a_station():
    with pytest.raises(ValueError, match="at least one"):
        Scope(())
    assert Scope.of(2, 1, 2).ids == (1, 2)


# -- SQLite: one station --------------------------------------------------------------------------


def _quiet(settings):
    return replace(settings, speech=replace(settings.speech, render_on_approve=False))


@pytest.fixture
def quiet(tmp_path):
    """A station folder on SQLite."""
    return _quiet(load_settings(tmp_path / "home", env={"LOA_SPEECH_ENGINE": "espeak"}))


def test_sqlite_holds_one_station(quiet, clock):
    init_station(quiet)
    st = Station.open(quiet, clock)
    with pytest.raises(Conflict, match="^a SQLite database holds one station"):
        District(st).add("xa-b", "Xã B")
    # the folder's code names the one station, whatever it is; an explicit other is refused
    assert Listings.open(replace(quiet, station_code="khac"), clock).station.code == "default"
    with pytest.raises(NotFound, match="^no station khac: this database holds one station"):
        Listings.open(quiet, clock, station="khac")
    st.close()


def test_init_names_the_sqlite_station_after_its_folder(quiet, clock):
    init_station(quiet)
    renamed = replace(quiet, station_code="khe-sanh", station="Đài Khe Sanh", commune="TT Khe Sanh")
    init_station(renamed)
    st = Station.open(renamed, clock)
    assert (st.station.code, st.station.name, st.station.commune) == (
        "khe-sanh",
        "Đài Khe Sanh",
        "TT Khe Sanh",
    )
    [entry] = AuditTrail(st).entries(obj="station:khe-sanh")
    assert (entry.before["code"], entry.after["code"]) == ("default", "khe-sanh")
    st.close()


# -- PostgreSQL: a district -----------------------------------------------------------------------


@pytest.fixture
def pg(pg_settings):
    return _quiet(pg_settings)


@pytest.fixture
def district(pg, clock):
    """Two stations of one PostgreSQL database, each with a K1 and a sang of its own."""
    quiet = pg
    init_station(quiet)
    a = Station.open(quiet, clock, actor=Actor.of("Cán bộ A", "test"))
    District(a).add("xa-b", "Xã B", commune="Xã B")
    b = Station.open(replace(quiet, station_code="xa-b"), clock, actor=Actor.of("Cán bộ B", "t"))
    for st, zone in ((a, 1), (b, 5)):
        st.add_block("K1", "Khối 1", zone)
        st.add_slot("sang", "06:00", "06:30")
    b.add_block("K2", "Khối 2", 6)
    b.add_slot("toi", "19:00", "19:30")
    yield a, b
    b.close()
    a.close()


def add(st, title, **fields) -> int:
    fields = {"text": TEXT, "blocks": ["K1"], "slots": ["sang"]} | fields
    return st.add_message(MessageDraft(title=title, **fields)).message.id


def test_codes_are_unique_per_station(district):
    a, b = district
    assert [bl.zone for bl in a.blocks()] == [1]
    assert [(bl.code, bl.zone) for bl in b.blocks()] == [("K1", 5), ("K2", 6)]
    with pytest.raises(Conflict, match="^block K1 already exists"):
        b.add_block("K1", "again")
    with pytest.raises(Conflict, match="^slot sang already exists"):
        a.add_slot("sang", "07:00", "07:30")
    a.remove_block("K1")  # the other station's K1 stays
    assert [bl.code for bl in b.blocks()] == ["K1", "K2"]
    with pytest.raises(Conflict, match="^station xa-b already exists"):
        District(a).add("xa-b", "again")


def test_every_listing_is_the_stations_own(district, clock):
    a, b = district
    mine = add(a, "Của A")
    theirs = add(b, "Của B", blocks=["K2"], slots=["toi"])
    for st in (a, b):
        st.approve(mine if st is a else theirs, "Chủ tịch")
    CalendarBook(b).add_off(D + timedelta(days=1), reason="Bầu cử")
    assert [m.id for m in a.messages()] == [mine]
    assert [m.id for m in b.messages()] == [theirs]
    assert [r[0] for r in a.message_summaries()] == [mine]
    assert [s.code for s in a.slots()] == ["sang"]
    assert [s.code for s in b.slots()] == ["sang", "toi"]
    assert a.listings.calendar_entries(D) == []
    assert len(b.listings.calendar_entries(D)) == 1
    assert [[i.message_id for i in p.items] for p in a.schedule(D, 1)] == [[mine]]
    assert [p.slot.code for p in b.schedule(D, 1) if p.items] == ["toi"]
    # the plain-SQL path (another connection) says the same for each station
    for st, wanted in ((a, [mine]), (b, [theirs])):
        listings = Listings.open(st.settings, clock)
        assert [m.id for m in listings.approved_messages()] == wanted
        with Reader.open(st.settings.database_url) as reader:
            assert [m.id for m in queries.messages(reader, st.scope)] == wanted
    # the other station's message is not there for a reader, a writer or the renderer
    with pytest.raises(NotFound, match=f"^no message {theirs}$"):
        a.message(theirs)
    with pytest.raises(NotFound, match=f"^no message {theirs}$"):
        a.cancel(theirs)
    assert a.approved_message(mine) is not None
    with pytest.raises(NotFound):
        a.approved_message(theirs)
    # a message its daemon refused is flagged where loa status shows it, not elsewhere
    b.flag(theirs, "the recording changed after approval")
    assert [f[0] for f in b.flagged()] == [theirs] and a.flagged() == []
    # each audit trail is its own station's
    assert {e.actor for e in AuditTrail(a).entries()} >= {"Cán bộ A"}
    assert "Cán bộ B" not in {e.actor for e in AuditTrail(a).entries()}
    assert "Cán bộ A" not in {e.actor for e in AuditTrail(b).entries() if e.command != "init"}


def test_the_as_run_log_heartbeats_and_play_now_are_per_station(district, clock):
    a, b = district
    mid = add(a, "Của A")
    a.approve(mid, "Chủ tịch")
    now = clock.now()
    runs = {
        st: AsRun(st.engine, st.station.name, f"host:{n}:x", station_id=st.station_id)
        for n, st in enumerate((a, b))
    }
    for asrun in runs.values():
        asrun.heartbeat(now, host="host", pid=1, sink="null", tick_s=10.0)
    key = f"sang/{D.isoformat()}/{mid}"
    assert runs[a].claim(key, now=now, message_id=mid, slot_code="sang") is not None
    assert runs[a].claim(key, now=now, message_id=mid, slot_code="sang") is None  # held
    assert [r.occurrence_key for r in runs[a].rows_for("sang/")] == [key]
    assert runs[b].rows_for("sang/") == []
    assert [x.message_id for x in a.airings(None)] == [mid]
    assert b.airings(None) == []
    both = Scope.of(a.station_id, b.station_id)
    assert [x.station for x in a.airings(None, both)] == ["default"]
    request = a.play_now(mid)
    assert runs[b].take_play_request(now) is None  # not b's
    assert runs[a].poll_state()[1] is True
    assert runs[a].take_play_request(now).id == request
    assert a.status()["daemon"]["running"] and b.status()["daemon"]["running"]
    assert a.status()["station"] == "default"


def test_a_plan_version_is_a_stations_own(district):
    a, b = district
    before = (a.plan_version(), b.plan_version())
    a.add_block("K9", "Khối 9")
    assert (a.plan_version(), b.plan_version()) == (before[0] + 1, before[1])
    add(a, "Cho cả hai", stations=["default", "xa-b"])  # touches both plans
    assert (a.plan_version(), b.plan_version()) == (before[0] + 2, before[1] + 1)
    with db.read_session(a.engine) as s:
        assert len(s.scalars(select(PlanState)).all()) == 2


def test_a_message_sent_to_every_station(district, clock):
    a, b = district
    mid = add(a, "Bão số 4", stations=["all"], blocks=["all"])
    a.approve(mid, "Chủ tịch UBND huyện")
    assert a.stations_of(mid) == ("default", ("default", "xa-b"))
    assert b.message(mid).blocks == ("K1", "K2")  # every block of b
    assert a.message(mid).blocks == ("K1",)
    [pa] = [p for p in a.schedule(D, 1) if p.items]
    [pb] = [p for p in b.schedule(D, 1) if p.items]
    assert (pa.items[0].blocks, pb.items[0].blocks) == (("K1",), ("K1", "K2"))
    assert [v.slots for v in b.versions(mid)] == [("sang",)]
    # named blocks and slots are each station's own of those codes
    both = add(a, "Họp", stations=["default", "xa-b"], blocks=["K1"])
    with db.read_session(a.engine) as s:
        links = s.scalars(select(MessageStationRow).where(MessageStationRow.message_id == both))
        assert {x.station_id for x in links} == {a.station_id, b.station_id}
    assert b.message(both).blocks == ("K1",)
    # only the message's own station changes it; the others see it and air it
    with pytest.raises(Conflict, match=f"^message {mid} belongs to station default: change"):
        b.cancel(mid)
    with pytest.raises(Conflict, match="^message .* belongs to station default"):
        b.edit_message(mid, MessageDraft(title="Đổi"))
    # and a play-now from its station reaches every station it is sent to
    ids = a.play_now_at(mid, stations=["all"])
    assert len(ids) == 2
    with pytest.raises(Conflict, match="another station's: only it plays it at other"):
        b.play_now_at(mid, stations=["default"])
    assert b.play_now(mid) > max(ids)  # b may play it at b


def test_a_message_refused_where_a_station_lacks_a_code(district):
    a, b = district
    with pytest.raises(NotFound, match="^station default has no block K2$"):
        add(a, "Họp", stations=["all"], blocks=["K2"])
    with pytest.raises(NotFound, match="^station default has no slot toi$"):
        add(b, "Họp", stations=["all"], slots=["toi"])
    with pytest.raises(NotFound, match="^no station xa-q in the database: add it with"):
        add(a, "Họp", stations=["xa-q"])
    with pytest.raises(InvalidInput, match="^a recording stays in this station's folder"):
        a.add_message(
            MessageDraft(
                title="Ghi âm", audio=a.settings.home, blocks=["K1"], slots=["sang"],
                stations=["all"],
            )
        )  # fmt: skip
    assert a.messages() == [] and b.messages() == []  # nothing half-written


def test_station_add_checks_what_it_is_given(district):
    a, _b = district
    bad = [
        (("all", "Tất cả"), "'all' names every station"),
        (("xa c", "Xã C"), "station code 'xa c' is not valid"),
        (("xa-c", "   "), "^NAME is empty$"),
        (("xa-c", "Xã\x07C"), "^NAME holds a control character$"),
        (("xa-c", "x" * 201), "^NAME is longer than 200 characters$"),
    ]
    for args, problem in bad:
        with pytest.raises(InvalidInput, match=problem):
            District(a).add(*args)
    added = District(a).add("xa-c", " Xã  C ", province="Tỉnh Quảng Trị")
    assert (added.name, added.province) == ("Xã C", "Tỉnh Quảng Trị")
    with db.read_session(a.engine) as s:
        assert s.scalar(select(StationRow.name).where(StationRow.code == "xa-c")) == "Xã C"
    with Reader.on_engine(a.engine) as reader:
        assert [s.code for s in station_rows.every(reader)] == ["default", "xa-b", "xa-c"]


def test_init_refuses_a_station_the_district_does_not_have(pg, district):
    with pytest.raises(NotFound, match="^no station xa-z in the database: add it with"):
        init_station(replace(pg, station_code="xa-z"))
