"""Live sources in the store (``sources``): rows ⇄ ``domain.content.Source``."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.content import Source, SourceKind
from .models import SourceRow


def to_source(row: SourceRow) -> Source:
    return Source(
        code=row.code, name=row.name, kind=SourceKind(row.kind), url=row.url, device=row.device
    )


def source_rows(session: Session) -> list[SourceRow]:
    return list(session.scalars(select(SourceRow).order_by(SourceRow.code)))


def source_by_code(session: Session, code: str) -> SourceRow | None:
    return session.scalar(select(SourceRow).where(SourceRow.code == code))


def read_source(engine, code: str) -> Source | None:
    """Source ``code`` (None: there is none), in a read session of its own."""
    from . import db

    with db.read_session(engine) as s:
        row = source_by_code(s, code)
        return to_source(row) if row is not None else None
