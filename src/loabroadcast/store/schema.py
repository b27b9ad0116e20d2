"""Schema versions: Alembic migrations from the first table.

``HEAD`` is the newest revision this code knows; commands other than ``loa init``
only compare it with the database's (cheap: no Alembic import on the CLI path).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, inspect, text

from ..errors import StoreError

HEAD = "0002"
KNOWN = ("0001", "0002")
MIGRATIONS = Path(__file__).with_name("migrations")


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def check_current(engine: Engine) -> None:
    """Refuse to work on a database that is missing, older or newer than this code."""
    try:
        rev = current_revision(engine)
    except Exception as err:  # noqa: BLE001 - any driver error means "cannot open"
        raise StoreError(f"cannot open the database: {str(err).splitlines()[0]}") from err
    if rev is None:
        raise StoreError("no station database here: run `loa init` first")
    if rev not in KNOWN:
        raise StoreError(
            f"the database was made by a newer version of loabroadcast (schema {rev}); "
            "upgrade loabroadcast"
        )
    if rev != HEAD:
        raise StoreError(f"the database schema is older ({rev}): run `loa init` to migrate it")


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Migrate to ``HEAD``; returns (before, after). Users keep their data."""
    from alembic import command
    from alembic.config import Config

    before = current_revision(engine)
    if before is not None and before not in KNOWN:
        raise StoreError(
            f"the database was made by a newer version of loabroadcast (schema {before}); "
            "upgrade loabroadcast"
        )
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return before, HEAD
