"""Fixtures of the store tests."""

from __future__ import annotations

import pytest

from loabroadcast.store import db, schema


@pytest.fixture
def migrator(settings):
    """``(engine, migrate)`` on the station's empty database: ``migrate(step, revision)``
    runs an Alembic command (``command.upgrade``/``downgrade``) to ``revision`` in one
    transaction, for tests of a migration with data in its tables."""
    from alembic.config import Config

    settings.home.mkdir(parents=True)
    engine = db.make_engine(settings.database_url)
    cfg = Config()
    cfg.set_main_option("script_location", str(schema.MIGRATIONS))

    def migrate(step, revision):
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            step(cfg, revision)

    return engine, migrate
