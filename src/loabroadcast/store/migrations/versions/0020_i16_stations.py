"""stations (issue 16): a district's database holds many; every per-station row says whose

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-30

A ``stations`` table; blocks, slots, calendar entries, messages (the station that wrote
them), message versions, renders, the as-run log, play-now requests, daemon heartbeats,
the audit trail and plan versions get a ``station_id``; messages are sent to stations
through ``message_stations``. Block and slot codes, and occurrence keys, become unique
per station.

The database as it was becomes one station, with every row: its code and name are the
station folder's (``[station] code`` and ``name`` in loa.toml, handed in by
``store.schema.upgrade``), "default" when none is given.

On PostgreSQL the columns are added in place. SQLite cannot add a NOT NULL foreign key
to a table that has rows, nor drop a unique constraint, so there every table that
changes, and every table that points to one, is rebuilt: the old tables are renamed
aside, the new ones created from what the database holds (columns added by other
migrations are kept) and filled with the same rows and ids, then the old ones dropped,
children first (foreign keys stay on throughout; nothing ever points nowhere).

Downgrade is possible while the database holds one station.
"""

from collections.abc import Callable

import sqlalchemy as sa
from alembic import context, op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
# the tables whose rows get a station (``sources``: the live sources of relays, 0019)
OWNED = (
    "plan_state",
    "blocks",
    "slots",
    "calendar_entries",
    "messages",
    "message_versions",
    "renders",
    "airings",
    "daemon_state",
    "play_requests",
    "audit_log",
    "sources",
)
MAYBE_OWNED = ()
# unique before -> unique after (per station)
UNIQUE = {
    "blocks": ("uq_blocks_code", ("code",), "uq_blocks_station_id", ("station_id", "code")),
    "slots": ("uq_slots_code", ("code",), "uq_slots_station_id", ("station_id", "code")),
    "airings": (
        "uq_airings_occurrence_key",
        ("occurrence_key",),
        "uq_airings_station_id",
        ("station_id", "occurrence_key"),
    ),
    "plan_state": (None, (), "uq_plan_state_station_id", ("station_id",)),
    "sources": ("uq_sources_code", ("code",), "uq_sources_station_id", ("station_id", "code")),
}
INDEXED = {"daemon_state": "ix_daemon_state_station_id"}
APPEND_ONLY = "the audit trail is append-only"


def upgrade() -> None:
    conn = op.get_bind()
    op.create_table(
        "stations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("commune", sa.String(length=200), nullable=False),
        sa.Column("district", sa.String(length=200), nullable=False),
        sa.Column("province", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stations")),
        sa.UniqueConstraint("code", name=op.f("uq_stations_code")),
    )
    first = _first_station()
    conn.execute(
        sa.text(
            "INSERT INTO stations (id, code, name, commune, district, province, created_at) "
            "VALUES (1, :code, :name, :commune, :district, :province, :at)"
        ),
        first,
    )
    if conn.dialect.name == "postgresql":  # ids are given from 2 on (0001 wrote plan 1)
        for table in ("stations", "plan_state"):
            conn.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), 1)"))
    owned = _owned(conn)
    if conn.dialect.name == "sqlite":
        _rebuild_sqlite(conn, owned, _with_station)
    else:
        _add_postgresql(owned)
    op.create_table(
        "message_stations",
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["messages.id"],
            name=op.f("fk_message_stations_message_id_messages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["station_id"], ["stations.id"], name=op.f("fk_message_stations_station_id_stations")
        ),
        sa.PrimaryKeyConstraint("message_id", "station_id", name=op.f("pk_message_stations")),
    )
    op.create_index(
        op.f("ix_message_stations_station_id"), "message_stations", ["station_id"], unique=False
    )
    conn.execute(
        sa.text("INSERT INTO message_stations (message_id, station_id) SELECT id, 1 FROM messages")
    )


def downgrade() -> None:
    conn = op.get_bind()
    count = conn.execute(sa.text("SELECT count(*) FROM stations")).scalar()
    if count and count > 1:
        raise RuntimeError(
            f"the database holds {count} stations: it cannot go back to a schema of one"
        )
    op.drop_index(op.f("ix_message_stations_station_id"), table_name="message_stations")
    op.drop_table("message_stations")
    owned = _owned(conn)
    if conn.dialect.name == "sqlite":
        _rebuild_sqlite(conn, owned, _without_station)
    else:
        _drop_postgresql(owned)
    op.drop_table("stations")


# -- the first station ------------------------------------------------------------------------


def _first_station() -> dict:
    """The station folder's [station] (handed in by ``store.schema.upgrade``), else
    "default"."""
    from datetime import UTC, datetime

    given = dict(context.config.attributes.get("station") or {})
    code = str(given.get("code") or "default").strip() or "default"
    return {
        "code": code,
        "name": str(given.get("name") or code).strip() or code,
        "commune": str(given.get("commune") or ""),
        "district": str(given.get("district") or ""),
        "province": str(given.get("province") or ""),
        "at": datetime.now(UTC),
    }


def _owned(conn) -> tuple[str, ...]:
    present = set(sa.inspect(conn).get_table_names())
    return OWNED + tuple(t for t in MAYBE_OWNED if t in present)


# -- PostgreSQL: in place -----------------------------------------------------------------------


def _add_postgresql(owned: tuple[str, ...]) -> None:
    for table in owned:
        # a default fills the rows already there (no UPDATE: the audit trail refuses it),
        # then goes: every new row must name its station
        op.add_column(
            table, sa.Column("station_id", sa.Integer(), nullable=False, server_default="1")
        )
        op.alter_column(table, "station_id", server_default=None)
        op.create_foreign_key(
            op.f(f"fk_{table}_station_id_stations"), table, "stations", ["station_id"], ["id"]
        )
        if table in INDEXED:
            op.create_index(op.f(INDEXED[table]), table, ["station_id"], unique=False)
    for table, (old, _cols, new, columns) in UNIQUE.items():
        if old is not None:
            op.drop_constraint(op.f(old), table, type_="unique")
        op.create_unique_constraint(op.f(new), table, list(columns))


def _drop_postgresql(owned: tuple[str, ...]) -> None:
    for table, (old, columns, new, _cols) in UNIQUE.items():
        op.drop_constraint(op.f(new), table, type_="unique")
        if old is not None:
            op.create_unique_constraint(op.f(old), table, list(columns))
    for table in owned:
        if table in INDEXED:
            op.drop_index(op.f(INDEXED[table]), table_name=table)
        op.drop_constraint(op.f(f"fk_{table}_station_id_stations"), table, type_="foreignkey")
        op.drop_column(table, "station_id")


# -- SQLite: rebuilt ------------------------------------------------------------------------------


def _with_station(table: sa.Table, owned: tuple[str, ...]) -> dict[str, str]:
    """Give ``table`` its station (when owned) and per-station uniques; returns the
    values of new columns for the copy."""
    if table.name not in owned:
        return {}
    table.append_column(
        sa.Column(
            "station_id",
            sa.Integer(),
            sa.ForeignKey("stations.id", name=f"fk_{table.name}_station_id_stations"),
            nullable=False,
        )
    )
    if table.name in INDEXED:
        sa.Index(INDEXED[table.name], table.c.station_id)
    if table.name in UNIQUE:
        old, _cols, new, columns = UNIQUE[table.name]
        _drop_unique(table, old)
        table.append_constraint(sa.UniqueConstraint(*columns, name=new))
    return {"station_id": "1"}


def _without_station(table: sa.Table, owned: tuple[str, ...]) -> dict[str, str]:
    if table.name not in owned:
        return {}
    if table.name in UNIQUE:
        old, columns, new, _cols = UNIQUE[table.name]
        _drop_unique(table, new)
        if old is not None:
            table.append_constraint(sa.UniqueConstraint(*columns, name=old))
    for index in list(table.indexes):
        if "station_id" in index.columns:
            table.indexes.discard(index)
    for fk in list(table.foreign_key_constraints):
        if "station_id" in fk.column_keys:
            table.constraints.discard(fk)
    table._columns.remove(table.c.station_id)  # noqa: SLF001 - no public way to drop one
    return {}


def _drop_unique(table: sa.Table, name: str | None) -> None:
    for constraint in list(table.constraints):
        if isinstance(constraint, sa.UniqueConstraint) and constraint.name == name:
            table.constraints.discard(constraint)


def _rebuild_sqlite(conn, owned: tuple[str, ...], change: Callable) -> None:
    """Rebuild the ``owned`` tables and every table that points to one, as ``change``
    says, keeping every row and id; foreign keys stay on."""
    old = sa.MetaData()
    old.reflect(conn)
    rebuild = _closure(old, set(owned))
    new = sa.MetaData(naming_convention=NAMING)
    for table in old.sorted_tables:  # every table, so foreign keys resolve
        table.to_metadata(new)
    extra = {name: change(new.tables[name], owned) for name in rebuild}
    quote = conn.dialect.identifier_preparer.quote
    trigger_sql = [
        sql
        for (sql,) in conn.execute(
            sa.text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND sql IS NOT NULL")
        )
    ]
    for name in rebuild:  # names are the new tables' now; triggers come back below
        for index in old.tables[name].indexes:
            conn.execute(sa.text(f"DROP INDEX {quote(index.name)}"))
    for (trigger,) in conn.execute(
        sa.text("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    ).all():
        conn.execute(sa.text(f"DROP TRIGGER {quote(trigger)}"))
    for name in rebuild:  # children's references follow the renames: the old stay together
        conn.execute(sa.text(f"ALTER TABLE {quote(name)} RENAME TO {quote('_old_' + name)}"))
    ordered = [t for t in new.sorted_tables if t.name in rebuild]
    new.create_all(conn, tables=ordered)
    for table in ordered:
        kept = [c.name for c in old.tables[table.name].columns if c.name in table.c]
        added = extra[table.name]
        targets = ", ".join(quote(c) for c in [*kept, *added])
        values = ", ".join([*(quote(c) for c in kept), *added.values()])
        conn.execute(
            sa.text(
                f"INSERT INTO {quote(table.name)} ({targets}) "
                f"SELECT {values} FROM {quote('_old_' + table.name)}"
            )
        )
    for table in reversed([t for t in old.sorted_tables if t.name in rebuild]):
        conn.execute(sa.text(f"DROP TABLE {quote('_old_' + table.name)}"))
    for sql in trigger_sql:
        conn.execute(sa.text(sql))
    broken = conn.execute(sa.text("PRAGMA foreign_key_check")).all()
    if broken:
        raise RuntimeError(f"rows point nowhere after the rebuild: {broken[:5]}")


def _closure(meta: sa.MetaData, names: set[str]) -> list[str]:
    """``names`` and every table that points to one of them, transitively."""
    found = set(names)
    grew = True
    while grew:
        grew = False
        for table in meta.tables.values():
            if table.name in found:
                continue
            if any(fk.column.table.name in found for fk in table.foreign_keys):
                found.add(table.name)
                grew = True
    return [t.name for t in meta.sorted_tables if t.name in found]
