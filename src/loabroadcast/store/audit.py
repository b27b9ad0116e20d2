"""The audit trail in the store: rows are added inside the write they describe, and read
back by time and object. Nothing here (nor anywhere) updates or deletes them; the
database refuses it too (triggers of migration 0017)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.audit import AuditEntry
from .models import AuditRow


def add(
    session: Session,
    *,
    at: datetime,
    actor: str,
    command: str,
    obj: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> AuditRow:
    row = AuditRow(
        at=at,
        actor=actor,
        command=command,
        object=obj,
        before=_dump(before),
        after=_dump(after),
    )
    session.add(row)
    return row


def entries(
    session: Session,
    since: datetime | None = None,
    before: datetime | None = None,
    obj: str | None = None,
) -> list[AuditEntry]:
    """Entries at or after ``since`` and before ``before``, of ``obj`` when given, in the
    order they were written (writers are serialised: that is the order things happened)."""
    query = select(AuditRow).order_by(AuditRow.id)
    if since is not None:
        query = query.where(AuditRow.at >= since)
    if before is not None:
        query = query.where(AuditRow.at < before)
    if obj is not None:
        query = query.where(AuditRow.object == obj)
    return [to_entry(r) for r in session.scalars(query)]


def to_entry(row: AuditRow) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        at=row.at,
        actor=row.actor,
        command=row.command,
        object=row.object,
        before=_load(row.before),
        after=_load(row.after),
    )


def _dump(value: dict[str, Any] | None) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False)


def _load(text: str | None) -> dict[str, Any] | None:
    return None if text is None else json.loads(text)
