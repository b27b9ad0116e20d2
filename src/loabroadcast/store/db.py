"""Engine and transactions.

SQLite: WAL, ``busy_timeout`` 15 s, ``synchronous=FULL``, foreign keys, and
``BEGIN IMMEDIATE`` for every write transaction (a deferred BEGIN that later
writes loses to "database is locked" when two processes write). PostgreSQL: the
same code, through ``LOA_DB_URL``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.orm import Session

from ..errors import Conflict, StoreError, first_line
from ..i18n import N_

BUSY_TIMEOUT_MS = 15_000


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    try:
        return create_engine(url, pool_pre_ping=True)
    except (exc.ArgumentError, ImportError, exc.NoSuchModuleError) as err:
        raise StoreError(
            N_("cannot use database URL {url}: {reason}"), url=_redact(url), reason=str(err)
        ) from None


def _sqlite_engine(url: str) -> Engine:
    path = url.split("///", 1)[-1]
    if path and path != ":memory:":
        parent = Path(path).parent
        if not parent.is_dir():
            raise StoreError(
                N_("database folder {folder} does not exist: run `loa init`"), folder=str(parent)
            )
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own is deferred).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = FULL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        write = conn.get_execution_options().get("loa_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def _redact(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://…@{rest.split('@', 1)[1]}"
    return url


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """One write transaction: committed on success, rolled back on any error."""
    bind = engine.execution_options(loa_write=True)
    with Session(bind, expire_on_commit=False) as session, _db_errors(), session.begin():
        yield session


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session, _db_errors(), session.begin():
        yield session


@contextmanager
def _db_errors() -> Iterator[None]:
    try:
        yield
    except exc.IntegrityError as err:
        raise Conflict(
            N_(
                "the change conflicts with the data (another user may have made it first): {reason}"
            ),
            reason=first_line(err.orig or err),
        ) from err
    except exc.DBAPIError as err:  # operational (locked, disk full, gone), data, internal
        raise StoreError(
            N_("database error: {reason}"), reason=first_line(err.orig or err)
        ) from err
