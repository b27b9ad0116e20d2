"""Migration 0020 (issue 16's stations, after 0019) on SQLite and PostgreSQL: a database
of schema 0019, with rows in every table, becomes one station (the folder's code and
name) with every row and id intact; going back gives the 0019 schema exactly, with the
same rows; the audit trail stays append-only throughout."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
import sqlalchemy as sa

from loabroadcast.errors import Conflict
from loabroadcast.services import MessageDraft, Station, folder_station, init_station
from loabroadcast.store import db, schema
from loabroadcast.store.airings import AsRun, occurrence_key
from loabroadcast.store.models import DeadAirRow, JournalMarkRow
from loabroadcast.usecases.calendar import CalendarBook
from loabroadcast.usecases.sources import Sources
from loabroadcast.usecases.work import Actor

TABLES_0019 = (
    "airings",
    "audit_log",
    "blocks",
    "calendar_entries",
    "daemon_state",
    "dead_air",
    "journal_marks",
    "message_blocks",
    "message_slots",
    "message_versions",
    "messages",
    "plan_state",
    "play_requests",
    "renders",
    "slots",
    "sources",
)


def _migrate(engine, step: str, revision: str, station: dict | None = None) -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(schema.MIGRATIONS))
    cfg.attributes["station"] = station or {}
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        getattr(command, step)(cfg, revision)


def _schema(engine) -> dict:
    """What the database says of each table: columns, keys, uniques, indexes."""
    found = {}
    with engine.connect() as conn:
        inspector = sa.inspect(conn)
        for table in sorted(inspector.get_table_names()):
            if table == "alembic_version":
                continue
            found[table] = {
                "columns": sorted(
                    (c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(table)
                ),
                "pk": sorted(inspector.get_pk_constraint(table)["constrained_columns"]),
                "fks": sorted(
                    (tuple(f["constrained_columns"]), f["referred_table"])
                    for f in inspector.get_foreign_keys(table)
                ),
                "uniques": sorted(
                    (u["name"], tuple(u["column_names"]))
                    for u in inspector.get_unique_constraints(table)
                ),
                "indexes": sorted(
                    (i["name"], tuple(i["column_names"]), bool(i["unique"]))
                    for i in inspector.get_indexes(table)
                ),
            }
    return found


def _rows(engine, tables=TABLES_0019, without=("station_id",)) -> dict[str, list]:
    """Every row of each table (its columns but ``without``), in id order."""
    found = {}
    with engine.connect() as conn:
        inspector = sa.inspect(conn)
        for table in tables:
            names = [c["name"] for c in inspector.get_columns(table) if c["name"] not in without]
            cols = ", ".join(f'"{n}"' for n in sorted(names))
            rows = conn.execute(sa.text(f"SELECT {cols} FROM {table}")).all()
            found[table] = sorted(tuple(map(str, r)) for r in rows)
    return found


def _a_busy_station(settings, clock) -> None:
    """A station of every kind of row: blocks, slots, a quiet day and a one-off session,
    messages (approved, edited, cancelled) with renders, versions, airings, a play-now,
    a daemon's heartbeat, and the audit trail of it all."""
    init_station(settings)
    st = Station.open(settings, clock, actor=Actor.of("Chị Lan", "test"))
    st.add_block("K1", "Khối 1", 1)
    st.add_block("K2", "Khối 2", 2)
    st.add_slot("sang", "06:00", "06:30")
    book = CalendarBook(st)
    book.add_off(st.today() + timedelta(days=2), reason="Quốc tang")
    book.add_extra(st.today() + timedelta(days=1), "bau-cu", "15:00", "15:30", "Bầu cử")
    text = "Họp tổ dân phố lúc 19 giờ."
    ids = [
        st.add_message(MessageDraft(title=t, text=text, blocks=b, slots=["sang"])).message.id
        for t, b in (("Họp", ["K1"]), ("Bão", ["all"]), ("Hủy", ["K2"]))
    ]
    for mid in ids:
        st.approve(mid, "Chủ tịch")  # renders with espeak
    st.edit_message(ids[0], MessageDraft(title="Họp (sửa)"))
    st.cancel(ids[2])
    asrun = AsRun(st.engine, "Khe Sanh", "pc:1:x", station_id=st.station_id)
    asrun.heartbeat(clock.now(), host="pc", pid=1, sink="null", tick_s=10.0)
    key = occurrence_key("sang", st.today(), ids[1])
    rid = asrun.claim(key, now=clock.now(), message_id=ids[1], slot_code="sang")
    asrun.update(rid, status="played", started_at=clock.now(), ended_at=clock.now(), underruns=0)
    with db.write_session(st.engine) as s:  # a daemon's journal written back up to line 7
        s.add(JournalMarkRow(journal="a" * 32, seq=7, applied_at=clock.now()))
        s.add(DeadAirRow(airing_id=rid, started_at=clock.now(), length_s=2.5))
    Sources(st).add("vov1", "https://radio.example/vov1.mp3", "VOV1")
    st.play_now(ids[1], by="Trưởng thôn")
    st.close()


def test_a_0019_database_becomes_one_station_with_every_row(settings, clock, db_kind):
    settings = replace(settings, station_code="khe-sanh", station="Đài truyền thanh Khe Sanh")
    settings.home.mkdir(parents=True)
    engine = db.make_engine(settings.database_url)
    _migrate(engine, "upgrade", "0019")
    as_made = _schema(engine)  # what 0019 itself made
    _migrate(engine, "upgrade", "head", folder_station(settings))
    _a_busy_station(settings, clock)
    _migrate(engine, "downgrade", "0019")
    assert _schema(engine) == as_made
    before = _rows(engine)
    assert all(before[t] for t in TABLES_0019), [t for t in TABLES_0019 if not before[t]]

    _migrate(engine, "upgrade", "head", folder_station(settings))
    assert _rows(engine) == before
    with engine.connect() as conn:
        stations = conn.execute(sa.text("SELECT id, code, name FROM stations")).all()
        assert stations == [(1, "khe-sanh", "Đài truyền thanh Khe Sanh")]
        for table in (*TABLES_0019, "message_stations"):
            if table in ("message_blocks", "message_slots", "journal_marks", "dead_air"):
                continue
            owners = conn.execute(sa.text(f"SELECT DISTINCT station_id FROM {table}")).all()
            assert owners == [(1,)], table
        sent = conn.execute(sa.text("SELECT count(*) FROM message_stations")).scalar()
        assert sent == len(before["messages"])
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            conn.execute(sa.text("UPDATE audit_log SET actor = 'x'"))
    st = Station.open(settings, clock)
    assert st.station.code == "khe-sanh"
    assert [b.code for b in st.blocks()] == ["K1", "K2"]
    assert [m.title for m in st.messages()] == ["Họp (sửa)", "Bão", "Hủy"]
    assert [a.status.value for a in st.airings(None)] == ["played"]
    assert st.schedule(st.today(), 1)[0].items  # planned as before
    st.add_block("K3", "Khối 3")  # the station goes on writing
    with pytest.raises(Conflict):
        st.add_block("K1", "again")
    st.close()
    engine.dispose()


def test_going_back_refuses_a_district(pg_settings, clock):
    from loabroadcast.usecases.district import District

    init_station(pg_settings)
    st = Station.open(pg_settings, clock)
    District(st).add("xa-b", "Xã B")
    st.close()
    engine = db.make_engine(pg_settings.database_url)
    with pytest.raises(RuntimeError, match="holds 2 stations: it cannot go back"):
        _migrate(engine, "downgrade", "0019")
    assert schema.current_revision(engine) == schema.HEAD
    engine.dispose()
