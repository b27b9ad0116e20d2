"""The store on SQLite and PostgreSQL: migrations, transactions, plan_version."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import date

import pytest
from sqlalchemy import text

from loabroadcast.errors import Conflict, InvalidInput, StoreError
from loabroadcast.services import MessageDraft, Station, init_station
from loabroadcast.store import db, schema


def test_init_is_idempotent_and_keeps_data(settings, clock):
    assert init_station(settings)[:2] == (None, schema.HEAD)
    st = Station.open(settings, clock)
    st.add_block("K1", "Khối 1", 1)
    assert init_station(settings)[:2] == (schema.HEAD, schema.HEAD)
    assert [b.code for b in Station.open(settings, clock).blocks()] == ["K1"]
    st.close()


def test_commands_refuse_a_missing_database(tmp_path, clock):
    from loabroadcast.config import load_settings

    settings = load_settings(tmp_path / "empty", env={})
    (tmp_path / "empty").mkdir()
    with pytest.raises(StoreError, match="run `loa init` first"):
        Station.open(settings, clock)


def test_newer_database_is_refused(station, settings, clock):
    with db.write_session(station.engine) as s:
        s.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(StoreError, match="made by a newer version of loabroadcast"):
        Station.open(settings, clock)
    with pytest.raises(StoreError, match="newer version"):
        init_station(settings)


def test_unwritable_home(tmp_path):
    from loabroadcast.config import load_settings

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError, match="cannot write to station folder"):
        init_station(load_settings(blocker / "home", env={}))


def test_every_change_bumps_plan_version(station):
    seen = [station.plan_version()]

    def changed():
        seen.append(station.plan_version())
        return seen[-1] > seen[-2]

    station.add_block("K1", "Khối 1", 1)
    assert changed()
    station.add_slot("sang", "06:00", "06:30")
    assert changed()
    saved = station.add_message(
        MessageDraft(title="Họp", text="Họp tổ dân phố.", blocks=["K1"], slots=["sang"])
    )
    assert changed()
    station.approve(saved.message.id)  # approval, then its render: two changes
    assert changed()
    station.cancel(saved.message.id)
    assert changed()
    station.blocks(), station.schedule()  # reading changes nothing
    assert not changed()


def test_failed_command_changes_nothing(station):
    station.add_block("K1", "Khối 1", 1)
    station.add_slot("sang", "06:00", "06:30")
    version = station.plan_version()
    with pytest.raises(InvalidInput):
        station.add_message(
            MessageDraft(
                title="x",
                text="Họp.",
                blocks=["K1"],
                slots=["sang"],
                valid_from=date(2026, 3, 20),
                valid_until=date(2026, 3, 1),
            )
        )
    with pytest.raises(Conflict):
        station.add_block("K1", "again")
    assert station.messages() == []
    assert station.plan_version() == version


def test_block_in_use_cannot_be_removed(station):
    station.add_block("K1", "Khối 1", 1)
    station.add_slot("sang", "06:00", "06:30")
    saved = station.add_message(
        MessageDraft(title="Họp", text="Họp tổ.", blocks=["K1"], slots=["sang"])
    )
    with pytest.raises(Conflict, match=f"used by message {saved.message.id}"):
        station.remove_block("K1")
    station.cancel(saved.message.id)
    station.remove_block("K1")


def test_concurrent_writers_lose_nothing(settings, clock, tmp_path):
    """Three processes add blocks at once: BEGIN IMMEDIATE + busy_timeout, no lost write."""
    init_station(settings)
    script = textwrap.dedent(
        """
        import sys
        from dataclasses import replace
        from loabroadcast.config import load_settings
        from loabroadcast.services import Station
        settings = replace(load_settings(sys.argv[1], env={}), db_url=sys.argv[2] or None)
        st = Station.open(settings)
        for i in range(15):
            st.add_block(f"P{sys.argv[3]}-{i}", "x")
        """
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(settings.home), settings.db_url or "", str(n)],
            env={**os.environ},
        )
        for n in range(3)
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0]
    st = Station.open(settings, clock)
    assert len(st.blocks()) == 45
    assert st.plan_version() == 45


def test_migration_from_the_first_schema_keeps_data(settings, clock):
    """A station made at schema 0001 upgrades in place with its blocks and messages."""
    from alembic import command
    from alembic.config import Config

    settings.home.mkdir(parents=True)
    engine = db.make_engine(settings.database_url)
    cfg = Config()
    cfg.set_main_option("script_location", str(schema.MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO blocks (code, name, zone) VALUES ('K1', 'Khối 1', 1)"))
    assert schema.current_revision(engine) == "0001"
    with pytest.raises(StoreError, match="older"):
        Station.open(settings, clock)
    engine.dispose()
    assert init_station(settings)[:2] == ("0001", schema.HEAD)
    st = Station.open(settings, clock)
    assert [b.name for b in st.blocks()] == ["Khối 1"]
    st.close()


def test_migrations_match_the_models(settings):
    """No model change without a migration: autogenerate finds nothing to do."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from loabroadcast.store.models import Base

    init_station(settings)
    engine = db.make_engine(settings.database_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == []
