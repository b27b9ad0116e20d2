"""Which station's rows a command sees and writes: one filter for both read paths.

A district's PostgreSQL database holds many stations; a SQLite database holds one. Every
per-station table says whose a row is in one of two ways (``RULES``):

``own``
    the row has a ``station_id`` (blocks, slots, calendar entries, renders, the as-run
    log, play-now requests, daemon heartbeats, the audit trail, plan versions, and a
    message's versions: its own station's);
``sent``
    the row is a message: it airs at every station it is sent to (``message_stations``),
    whichever station wrote it; it is *seen* (listed, shown, changed) there and at the
    station that wrote it (its ``station_id``), which may send it only to others (a
    district's office writes for its communes).

``Scope.sql(table, alias)`` writes the condition for the plain-SQL path (``store.queries``,
``store.report_reads``: no SQLAlchemy on SQLite), ``Scope.orm(Model)`` builds the same
condition for SQLAlchemy queries (``usecases``, ``store.repo``). Both read ``RULES``: a
table is scoped the same way whichever path reads it. Standard library only at import.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

OWN, SENT = "own", "sent"

#: table -> how a row of it belongs to a station
RULES: dict[str, str] = {
    "blocks": OWN,
    "slots": OWN,
    "calendar_entries": OWN,
    "renders": OWN,
    "airings": OWN,
    "play_requests": OWN,
    "daemon_state": OWN,
    "audit_log": OWN,
    "plan_state": OWN,
    "message_versions": OWN,
    "messages": SENT,
    "sources": OWN,
}

#: tables with no station of their own: the stations themselves, link tables scoped by
#: their ends, and bookkeeping (a journal's mark: a journal is one station folder's, and
#: its lines are written back to that station's rows)
UNSCOPED = frozenset(
    {
        "stations",
        "message_stations",
        "message_blocks",
        "message_slots",
        "alembic_version",
        "journal_marks",
        "dead_air",  # an airing's events: the airing's station
    }
)


@dataclass(frozen=True)
class Scope:
    """The stations (by id) a command acts on: one for a station folder, several for
    ``--station all``."""

    ids: tuple[int, ...]

    def __post_init__(self) -> None:
        if not self.ids:
            raise ValueError("a scope names at least one station")

    @classmethod
    def of(cls, *ids: int) -> Scope:
        return cls(tuple(sorted(set(ids))))

    # plain SQL -------------------------------------------------------------------------

    def sql(
        self, table: str, alias: str | None = None, *, seen: bool = False
    ) -> tuple[str, tuple[Any, ...]]:
        """The condition on ``table`` (as ``alias``) and its parameters, ``?`` placeholders.
        Messages: those that air at the stations; ``seen``: and those they wrote."""
        rule = RULES[table]
        name = alias or table
        own, _ = self.own(name)
        if rule == OWN:
            return own, self.ids
        on_ms, _ = self.own("ms_")
        sent = f"{name}.id IN (SELECT ms_.message_id FROM message_stations ms_ WHERE {on_ms})"
        if seen:
            return f"({own} OR {sent})", self.ids + self.ids
        return sent, self.ids

    def own(self, alias: str) -> tuple[str, tuple[Any, ...]]:
        """``alias.station_id`` is one of the scope's: the rows it owns (a message: that it
        wrote)."""
        if len(self.ids) == 1:
            return f"{alias}.station_id = ?", self.ids
        return f"{alias}.station_id IN ({', '.join('?' * len(self.ids))})", self.ids

    # SQLAlchemy ------------------------------------------------------------------------

    def orm(self, model, *, seen: bool = False) -> Any:
        """The same condition as ``sql`` for a mapped class (a SQLAlchemy expression)."""
        rule = RULES[model.__tablename__]
        own = _test(model.station_id, self.ids)
        if rule == OWN:
            return own
        from sqlalchemy import or_, select

        from .models import MessageStationRow

        sent = model.id.in_(
            select(MessageStationRow.message_id).where(
                _test(MessageStationRow.station_id, self.ids)
            )
        )
        return or_(own, sent) if seen else sent


def _test(column, ids: tuple[int, ...]):
    return column == ids[0] if len(ids) == 1 else column.in_(ids)
