"""the station's calendar (issue 14): quiet ranges and one-off sessions

Revision ID: 0014
Revises: 0002
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("slots", sa.Column("on_day", sa.Date(), nullable=True))
    op.create_table(
        "calendar_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("slots", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("slot_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["slot_id"], ["slots.id"], name=op.f("fk_calendar_entries_slot_id_slots")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_entries")),
        sa.UniqueConstraint("slot_id", name=op.f("uq_calendar_entries_slot_id")),
    )


def downgrade() -> None:
    # One-off sessions cannot be said without a date: they go, with their message links.
    op.execute(
        "DELETE FROM message_slots WHERE slot_id IN (SELECT id FROM slots WHERE on_day IS NOT NULL)"
    )
    op.drop_table("calendar_entries")
    op.execute("DELETE FROM slots WHERE on_day IS NOT NULL")
    # A plain DROP COLUMN (SQLite >= 3.35): a batch copy of `slots` would trip the
    # foreign keys of message_slots.
    op.drop_column("slots", "on_day")
