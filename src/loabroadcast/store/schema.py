"""Schema versions: Alembic migrations from the first table.

``HEAD`` is the newest revision this code knows; commands other than ``loa init``
only compare it with the database's (cheap: no Alembic import on the CLI path).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import StoreError
from ..i18n import N_

if TYPE_CHECKING:
    from sqlalchemy import Engine

HEAD = "0020"
KNOWN = ("0001", "0002", "0014", "0017", "0018", "0019", "0020")
MIGRATIONS = Path(__file__).with_name("migrations")


def current_revision(engine: Engine) -> str | None:
    from .queries import schema_revision
    from .reader import Reader

    with Reader.on_engine(engine) as reader:
        return schema_revision(reader)


def require_current(revision: str | None) -> None:
    """Refuse a database that is missing (``revision`` None), older or newer than this code."""
    if revision is None:
        raise StoreError(N_("no station database here: run `loa init` first"))
    _refuse_newer(revision)
    if revision != HEAD:
        raise StoreError(
            N_("the database schema is older ({revision}): run `loa init` to migrate it"),
            revision=revision,
        )


def _refuse_newer(revision: str) -> None:
    if revision not in KNOWN:
        raise StoreError(
            N_(
                "the database was made by a newer version of loabroadcast (schema {revision}); "
                "upgrade loabroadcast"
            ),
            revision=revision,
        )


def upgrade(engine: Engine, station: dict[str, str] | None = None) -> tuple[str | None, str]:
    """Migrate to ``HEAD``; returns (before, after). Users keep their data. ``station``:
    the folder's ``[station]`` (code, name, place), which a database of one station
    becomes when it first learns of stations."""
    from alembic import command
    from alembic.config import Config

    before = current_revision(engine)
    if before is not None:
        _refuse_newer(before)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["station"] = dict(station or {})
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return before, HEAD
