"""tiếp âm (issue 13): live sources, relay messages, the dead-air guard's as-run fields

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02

New tables: ``sources`` (a stream's URL or a sound card input that relays air) and
``dead_air`` (each dead-air event of an airing: when it began, how long it lasted).

Messages and their versions gain a content kind (``speech`` | ``recording`` | ``relay``)
and, for a relay, its source's code and its length on air (``duration_s``). Existing
messages and versions get the kind their content says: a recording when they have an
audio file, speech otherwise. Airings gain ``dead_air_s`` and a relay's source, dropouts
and fallback seconds (all empty for what aired before: nothing watched it).

A relay message names its source by code, as versions name blocks and slots: the code
is checked where messages are written and ``loa source remove`` refuses a source in use
(a foreign key would need a copy of ``messages``, which other tables point to).

Downgrade drops relay messages' new columns and the two tables; relay messages would no
longer make sense to the older code, so they are cancelled first (kept, not deleted).
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("device", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sources")),
        sa.UniqueConstraint("code", name=op.f("uq_sources_code")),
    )
    op.create_table(
        "dead_air",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("airing_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("length_s", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["airing_id"], ["airings.id"], name=op.f("fk_dead_air_airing_id_airings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dead_air")),
    )
    op.create_index(op.f("ix_dead_air_airing_id"), "dead_air", ["airing_id"])
    # Plain ADD COLUMN (no batch copy: other tables' foreign keys point to these).
    for table in ("messages", "message_versions"):
        op.add_column(
            table,
            sa.Column(
                "content_kind", sa.String(length=20), nullable=False, server_default="speech"
            ),
        )
        op.add_column(table, sa.Column("relay_source", sa.String(length=40), nullable=True))
        op.add_column(table, sa.Column("duration_s", sa.Float(), nullable=True))
        op.execute(f"UPDATE {table} SET content_kind = 'recording' WHERE audio_path IS NOT NULL")
    op.create_index(op.f("ix_messages_relay_source"), "messages", ["relay_source"])
    op.add_column("airings", sa.Column("dead_air_s", sa.Float(), nullable=True))
    op.add_column("airings", sa.Column("relay_source", sa.String(length=40), nullable=True))
    op.add_column("airings", sa.Column("dropouts", sa.Integer(), nullable=True))
    op.add_column("airings", sa.Column("fallback_s", sa.Float(), nullable=True))


def downgrade() -> None:
    op.execute("UPDATE messages SET status = 'cancelled' WHERE content_kind = 'relay'")
    for column in ("fallback_s", "dropouts", "relay_source", "dead_air_s"):
        op.drop_column("airings", column)
    op.drop_index(op.f("ix_messages_relay_source"), table_name="messages")
    for table in ("message_versions", "messages"):
        for column in ("duration_s", "relay_source", "content_kind"):
            op.drop_column(table, column)
    op.drop_index(op.f("ix_dead_air_airing_id"), table_name="dead_air")
    op.drop_table("dead_air")
    op.drop_table("sources")
