"""Shared fixtures: a station on SQLite and, when a server can be had, on PostgreSQL."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from loabroadcast.config import Settings, load_settings
from loabroadcast.i18n import set_language
from loabroadcast.services import Station, init_station
from loabroadcast.testing import FakeClock
from pgtools import fresh_pg_url, require_pg

# Tests read loa's English (the catalogs' ids); tests of the Vietnamese interface ask for
# it themselves. Daemons and CLIs started by the tests inherit this.
os.environ["LOA_LANG"] = "en"
set_language("en")  # library calls too, whichever test runs first

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
# 10/03/2026 05:00 in Hà Nội, a Tuesday: before the morning slot.
T0 = datetime(2026, 3, 9, 22, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _english():
    """Library code translates with the process's language: English in every test, whatever
    an earlier test (or a CLI run in Vietnamese) chose."""
    set_language("en")
    yield
    set_language("en")


@pytest.fixture(params=["sqlite", "postgres"])
def db_kind(request) -> str:
    if request.param == "postgres":
        require_pg()
    return request.param


@pytest.fixture
def settings(tmp_path, db_kind) -> Settings:
    home = tmp_path / "home"
    base = load_settings(home, env={"LOA_SPEECH_ENGINE": "espeak"})  # offline, deterministic
    if db_kind == "postgres":
        base = replace(base, db_url=fresh_pg_url())
    return base


@pytest.fixture
def pg_settings(tmp_path) -> Settings:
    """A station folder on a fresh database of the PostgreSQL test server, for what only a
    district's database does (many stations)."""
    require_pg()
    base = load_settings(tmp_path / "home", env={"LOA_SPEECH_ENGINE": "espeak"})
    return replace(base, db_url=fresh_pg_url())


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture
def station(settings, clock) -> Station:
    init_station(settings)
    st = Station.open(settings, clock)
    yield st
    st.close()


@pytest.fixture
def env_for(settings):
    """Environment for CLI runs against ``settings``'s home and database."""

    def build(**extra) -> dict[str, str]:
        env = {
            "LOA_HOME": str(settings.home),
            "LOA_DB_URL": settings.db_url or "",
            "LOA_LANG": "en",
        }
        env.update(extra)
        return env

    return build


@pytest.fixture(scope="session")
def icecast():
    """A real Icecast server on a loopback port for the session (tests/icecast.py)."""
    from icecast import start_icecast, stop_icecast

    server = start_icecast(source_timeout=2)
    try:
        yield server
    finally:
        stop_icecast(server)


@pytest.fixture
def ice(icecast):
    """The session's Icecast server; the feeders this test starts are stopped after it."""
    try:
        yield icecast
    finally:
        icecast.stop_feeders()
