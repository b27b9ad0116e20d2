"""Read-only access in plain SQL over the DB-API, for the reads people wait on.

Importing SQLAlchemy takes 0.2-0.3 s on a station PC, more than half of what
``loa msg list`` or ``loa schedule`` may take over 10,000 messages. So those reads
(see ``queries``) are plain SQL written for SQLite and PostgreSQL alike, run through
a :class:`Reader`: on the SQLite default it opens the file with the standard
``sqlite3`` module and SQLAlchemy is never imported; any other database URL, and
every process that already has an engine (the daemon, the write commands), reads
through the engine's pooled DB-API connection. Each ``with`` block is one read
transaction, so its queries see one snapshot of the station.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ..errors import StoreError, first_line
from ..i18n import N_

if TYPE_CHECKING:
    from sqlalchemy import Engine

BUSY_TIMEOUT_S = 15.0


class Reader:
    """One DB-API connection inside a read transaction; SQL uses ``?`` placeholders."""

    def __init__(self, conn: Any, dialect: str, errors: type[Exception], paramstyle: str):
        self._conn = conn
        self.dialect = dialect
        self._errors = errors
        self._qmark = paramstyle == "qmark"

    @classmethod
    @contextmanager
    def open(cls, url: str) -> Iterator[Reader]:
        """A reader on the database at ``url``, without SQLAlchemy when it is a SQLite file."""
        path = sqlite_file(url)
        if path is None:
            from .db import make_engine

            engine = make_engine(url)
            try:
                with cls.on_engine(engine) as reader:
                    yield reader
            finally:
                engine.dispose()
            return
        conn = _open_sqlite(path)
        try:
            with cls(conn, "sqlite", sqlite3.Error, "qmark")._transaction() as reader:
                yield reader
        finally:
            conn.close()

    @classmethod
    @contextmanager
    def on_engine(cls, engine: Engine) -> Iterator[Reader]:
        """A reader on a pooled connection of ``engine`` (its connect-time settings apply)."""
        dbapi = engine.dialect.loaded_dbapi
        try:
            conn = engine.raw_connection()  # raises the driver's own errors, not SQLAlchemy's
        except dbapi.Error as err:
            raise StoreError(
                N_("cannot open the database: {reason}"), reason=first_line(err)
            ) from err
        try:
            reader = cls(conn, engine.dialect.name, dbapi.Error, dbapi.paramstyle)
            with reader._transaction():
                yield reader
        finally:
            conn.close()  # back to the pool

    @contextmanager
    def _transaction(self) -> Iterator[Reader]:
        try:
            if self.dialect == "sqlite":
                self._conn.execute("BEGIN")  # autocommit connection: one snapshot from here
            elif self.dialect == "postgresql":
                self.rows("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield self
        finally:
            with suppress(self._errors):  # the connection is closed next; nothing was written
                self._end()

    def _end(self) -> None:
        if self.dialect != "sqlite":
            self._conn.rollback()
        elif self._conn.in_transaction:
            self._conn.execute("ROLLBACK")

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        """All rows of one query; driver errors become one clear StoreError line."""
        if not self._qmark:
            sql = sql.replace("?", "%s")
        if self.dialect == "sqlite":  # stored as SQLAlchemy stores them: ISO text
            params = [_sqlite_value(p) for p in params]
        cur = self._conn.cursor()
        try:
            cur.execute(sql, tuple(params))
            return cur.fetchall() if cur.description is not None else []
        except self._errors as err:
            raise StoreError(N_("database error: {reason}"), reason=first_line(err)) from err
        finally:
            cur.close()

    def has_table(self, name: str) -> bool:
        if self.dialect == "sqlite":
            sql = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
        else:
            sql = "SELECT 1 FROM information_schema.tables WHERE table_name = ?"
        return bool(self.rows(sql, (name,)))


def _sqlite_value(value: Any) -> Any:
    """A parameter as SQLAlchemy stores it on SQLite: dates as ISO text, aware instants
    as naive UTC text with microseconds (``models.UTCDateTime``), so text order is time
    order."""
    if type(value) is date:
        return value.isoformat()
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime in a query; pass an aware datetime")
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


def sqlite_file(url: str) -> Path | None:
    """The file of a plain ``sqlite:///PATH`` URL; None for anything else (memory, options)."""
    if not url.startswith("sqlite:///") or "?" in url:
        return None
    path = url[len("sqlite:///") :]
    if not path or path == ":memory:":
        return None
    return Path(path)


def _open_sqlite(path: Path) -> sqlite3.Connection:
    if not path.parent.is_dir():
        raise StoreError(
            N_("database folder {folder} does not exist: run `loa init`"), folder=str(path.parent)
        )
    if not path.exists():  # sqlite3 would create an empty file: say what is missing instead
        raise StoreError(N_("no station database here: run `loa init` first"))
    try:
        conn = sqlite3.connect(
            f"file:{quote(str(path))}?mode=rw",
            uri=True,
            timeout=BUSY_TIMEOUT_S,
            isolation_level=None,
        )
        conn.execute("PRAGMA query_only = ON")
        conn.execute("PRAGMA schema_version").fetchone()  # reads the header: is it a database?
    except sqlite3.Error as err:
        raise StoreError(N_("cannot open the database: {reason}"), reason=first_line(err)) from err
    return conn
