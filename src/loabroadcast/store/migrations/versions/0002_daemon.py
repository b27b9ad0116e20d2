"""daemon state (heartbeat, now playing) and play-now requests

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "daemon_state",
        sa.Column("instance", sa.String(length=200), nullable=False),
        sa.Column("station", sa.String(length=100), nullable=False),
        sa.Column("host", sa.String(length=200), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("sink", sa.String(length=300), nullable=True),
        sa.Column("tick_s", sa.Float(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stopped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("now_playing", sa.Text(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_error_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("instance", name=op.f("pk_daemon_state")),
    )
    op.create_table(
        "play_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("blocks", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.String(length=100), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("picked_by", sa.String(length=200), nullable=True),
        sa.Column("picked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name=op.f("fk_play_requests_message_id_messages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_play_requests")),
    )
    with op.batch_alter_table("play_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_play_requests_message_id"), ["message_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_play_requests_status"), ["status"], unique=False)


def downgrade() -> None:
    op.drop_table("play_requests")
    op.drop_table("daemon_state")
