"""who did what (issue 17): the audit trail, message versions, the version that aired

Revision ID: 0017
Revises: 0014
Create Date: 2026-12-01

Existing messages become their first version (an approved one approved, with its
``approved_by``/``approved_at`` and its newest render's sha256); renders belong to it; an
airing points to it when the message was not changed after the airing was claimed; a
play-now airing points to its request. The audit trail starts empty and append-only:
the database itself refuses UPDATE and DELETE on it (triggers).

Downgrade keeps the messages as they are (their working copy) and drops the versions,
the trail and the links.
"""

import hashlib
import re
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0014"
branch_labels = None
depends_on = None

APPEND_ONLY = "the audit trail is append-only"
_PLAY_NOW = re.compile(r"(?:^|/)play-now/(\d+)/")


def upgrade() -> None:
    op.create_table(
        "message_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("audio_path", sa.Text(), nullable=True),
        sa.Column("recording_sha256", sa.String(length=64), nullable=True),
        sa.Column("all_blocks", sa.Boolean(), nullable=False),
        sa.Column("blocks", sa.Text(), nullable=False),
        sa.Column("slots", sa.Text(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("repeat", sa.Integer(), nullable=False),
        sa.Column("max_airings", sa.Integer(), nullable=True),
        sa.Column("category", sa.String(length=100), nullable=True),
        sa.Column("source", sa.String(length=300), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_by", sa.String(length=100), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rejected_by", sa.String(length=100), nullable=True),
        sa.Column("rejected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rejected_reason", sa.Text(), nullable=True),
        sa.Column("render_sha256", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name=op.f("fk_message_versions_message_id_messages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_versions")),
        sa.UniqueConstraint("message_id", "number", name=op.f("uq_message_versions_message_id")),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("command", sa.String(length=100), nullable=False),
        sa.Column("object", sa.String(length=200), nullable=False),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_at"), "audit_log", ["at"])
    op.create_index(op.f("ix_audit_log_object"), "audit_log", ["object"])
    # Plain ADD COLUMN (no batch copy: other tables' foreign keys point to these).
    op.add_column(
        "messages", sa.Column("version", sa.Integer(), nullable=False, server_default="1")
    )
    op.add_column("messages", sa.Column("approved_version", sa.Integer(), nullable=True))
    op.add_column("renders", sa.Column("version", sa.Integer(), nullable=True))
    with op.batch_alter_table("airings") as batch:  # nothing points to airings: a copy is safe
        batch.add_column(sa.Column("message_version_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("play_request_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_airings_message_version_id_message_versions"),
            "message_versions",
            ["message_version_id"],
            ["id"],
        )
        batch.create_foreign_key(
            op.f("fk_airings_play_request_id_play_requests"),
            "play_requests",
            ["play_request_id"],
            ["id"],
        )
    _first_versions()
    _append_only()


def _first_versions() -> None:
    """Every message becomes its version 1; renders and airings point to it."""
    conn = op.get_bind()
    codes = {"blocks": {}, "slots": {}}
    for mid, code in conn.execute(
        sa.text(
            "SELECT mb.message_id, b.code FROM message_blocks mb "
            "JOIN blocks b ON b.id = mb.block_id ORDER BY b.code"
        )
    ):
        codes["blocks"].setdefault(mid, []).append(code)
    for mid, code in conn.execute(
        sa.text(
            "SELECT ms.message_id, s.code FROM message_slots ms "
            "JOIN slots s ON s.id = ms.slot_id ORDER BY s.start, s.code"
        )
    ):
        codes["slots"].setdefault(mid, []).append(code)
    renders = dict(
        conn.execute(
            sa.text(
                "SELECT message_id, sha256 FROM renders "
                "WHERE id IN (SELECT max(id) FROM renders GROUP BY message_id)"
            )
        ).all()
    )
    messages = conn.execute(
        sa.text(
            "SELECT id, title, text, audio_path, all_blocks, valid_from, valid_until, "
            "priority, repeat, max_airings, category, source, created_by, created_at, "
            "approved_by, approved_at FROM messages ORDER BY id"
        )
    ).mappings()
    insert = sa.text(
        "INSERT INTO message_versions (message_id, number, title, text, audio_path, "
        "recording_sha256, all_blocks, blocks, slots, valid_from, valid_until, priority, "
        "repeat, max_airings, category, source, created_by, created_at, approved_by, "
        "approved_at, render_sha256) VALUES (:id, 1, :title, :text, :audio_path, "
        ":recording_sha256, :all_blocks, :blocks, :slots, :valid_from, :valid_until, "
        ":priority, :repeat, :max_airings, :category, :source, :created_by, :created_at, "
        ":approved_by, :approved_at, :render_sha256)"
    )
    for m in list(messages):
        approved = m["approved_at"] is not None
        conn.execute(
            insert,
            {
                **m,
                "recording_sha256": _sha256(m["audio_path"]),
                "blocks": ",".join(codes["blocks"].get(m["id"], ())),
                "slots": ",".join(codes["slots"].get(m["id"], ())),
                "render_sha256": renders.get(m["id"]) if approved else None,
            },
        )
    # approved_at is kept by cancel and expiry, cleared by edit and reject (schema 0014)
    conn.execute(sa.text("UPDATE messages SET approved_version = 1 WHERE approved_at IS NOT NULL"))
    conn.execute(sa.text("UPDATE renders SET version = 1"))
    # an airing claimed after the message's last change aired what version 1 holds
    conn.execute(
        sa.text(
            "UPDATE airings SET message_version_id = (SELECT v.id FROM message_versions v "
            "JOIN messages m ON m.id = v.message_id WHERE v.message_id = airings.message_id "
            "AND v.number = 1 AND airings.created_at >= m.updated_at)"
        )
    )
    requests = {rid for (rid,) in conn.execute(sa.text("SELECT id FROM play_requests"))}
    rows = conn.execute(
        sa.text("SELECT id, occurrence_key FROM airings WHERE occurrence_key LIKE '%play-now/%'")
    ).all()
    for airing_id, key in rows:
        found = _PLAY_NOW.search(key)
        if found and int(found[1]) in requests:
            conn.execute(
                sa.text("UPDATE airings SET play_request_id = :rid WHERE id = :id"),
                {"rid": int(found[1]), "id": airing_id},
            )


def _sha256(path: str | None) -> str | None:
    """The recording's sha256 when its file is still there (None otherwise)."""
    if not path:
        return None
    try:
        digest = hashlib.sha256()
        with Path(path).open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()
    except OSError:
        return None


def _append_only() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{APPEND_ONLY}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE PROCEDURE audit_log_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
            "FOR EACH STATEMENT EXECUTE PROCEDURE audit_log_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
                f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_log_no_truncate ON audit_log")
        op.execute("DROP TRIGGER audit_log_no_change ON audit_log")
        op.execute("DROP FUNCTION audit_log_append_only()")
    else:
        op.execute("DROP TRIGGER audit_log_no_update")
        op.execute("DROP TRIGGER audit_log_no_delete")
    with op.batch_alter_table("airings") as batch:
        batch.drop_constraint(op.f("fk_airings_play_request_id_play_requests"), type_="foreignkey")
        batch.drop_constraint(
            op.f("fk_airings_message_version_id_message_versions"), type_="foreignkey"
        )
        batch.drop_column("play_request_id")
        batch.drop_column("message_version_id")
    # A message edited after approval was still airing its approved version: at 0014 an
    # edited message is a draft that does not air, with no approval.
    op.execute(
        "UPDATE messages SET approved_by = NULL, approved_at = NULL "
        "WHERE status = 'draft' AND approved_version IS NOT NULL"
    )
    op.drop_column("renders", "version")
    op.drop_column("messages", "approved_version")
    op.drop_column("messages", "version")
    op.drop_index(op.f("ix_audit_log_object"), table_name="audit_log")
    op.drop_index(op.f("ix_audit_log_at"), table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_table("message_versions")
