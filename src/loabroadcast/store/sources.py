"""Live sources in the store (``sources``): rows ⇄ ``domain.content.Source``."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.content import Source, SourceKind
from .models import SourceRow
from .scope import Scope


def to_source(row: SourceRow) -> Source:
    return Source(
        code=row.code, name=row.name, kind=SourceKind(row.kind), url=row.url, device=row.device
    )


def source_rows(session: Session, scope: Scope) -> list[SourceRow]:
    """The sources of the stations of ``scope`` (a station's own: codes are per station)."""
    query = select(SourceRow).where(scope.orm(SourceRow)).order_by(SourceRow.code)
    return list(session.scalars(query))


def source_by_code(session: Session, scope: Scope, code: str) -> SourceRow | None:
    return session.scalar(select(SourceRow).where(scope.orm(SourceRow), SourceRow.code == code))


def read_source(engine, scope: Scope, code: str) -> Source | None:
    """Source ``code`` of the station (None: there is none), in a read session of its own."""
    from . import db

    with db.read_session(engine) as s:
        row = source_by_code(s, scope, code)
        return to_source(row) if row is not None else None
