"""issue 10, the air path: occurrence keys without the station's display name, the
approved recording's sha256 and a flag on messages, underruns per airing, journal marks

Revision ID: 0003_i10
Revises: 0002
Create Date: 2026-11-30

Occurrence keys were ``<station name>/<slot>/<date>/<message>``: two station folders with
different names on one database aired every occurrence twice. One database is one station
(until the district issue), so keys lose the name (``<slot>/<date>/<message>``). Rows
that collided because of that bug keep their history under ``…/dup<id>``.

A recorded message's approved recording is the file whose sha256 its name begins with
(``recordings/<sha256[:16]>.<ext>``, as ``msg add --audio`` stores it): that sha256 is
recorded when the file still matches; otherwise it stays NULL and the daemon refuses it.
"""

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0003_i10"
down_revision = "0002"
branch_labels = None
depends_on = None

airings = sa.table(
    "airings",
    sa.column("id", sa.Integer),
    sa.column("occurrence_key", sa.String),
    sa.column("station", sa.String),
)
messages = sa.table(
    "messages",
    sa.column("id", sa.Integer),
    sa.column("audio_path", sa.Text),
    sa.column("recording_sha256", sa.String),
)


def upgrade() -> None:
    with op.batch_alter_table("messages", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("recording_sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("flagged", sa.Text(), nullable=True))
    with op.batch_alter_table("airings", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("underruns", sa.Integer(), nullable=True))
    op.create_table(
        "journal_marks",
        sa.Column("journal", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("journal", name=op.f("pk_journal_marks")),
    )
    conn = op.get_bind()
    _rewrite_keys(conn, _without_station)
    _record_recordings(conn)


def downgrade() -> None:
    conn = op.get_bind()
    _rewrite_keys(conn, _with_station)
    op.drop_table("journal_marks")
    # ALTER TABLE … DROP COLUMN (SQLite >= 3.35): a copy-and-rename of ``messages`` would
    # trip over the foreign keys of the airings that point to it
    with op.batch_alter_table("airings", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("underruns")
    with op.batch_alter_table("messages", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("flagged")
        batch_op.drop_column("recording_sha256")


def _without_station(key: str, station: str) -> str:
    prefix = f"{station}/"
    return key[len(prefix) :] if key.startswith(prefix) else key


def _with_station(key: str, station: str) -> str:
    return f"{station}/{key}"


def _rewrite_keys(conn, change) -> None:
    """Every key through ``change``; later rows that would collide get ``/dup<id>``.
    Two passes (a unique temporary key first) so no step breaks the unique constraint."""
    rows = conn.execute(
        sa.select(airings.c.id, airings.c.occurrence_key, airings.c.station).order_by(airings.c.id)
    ).all()
    wanted: dict[int, str] = {}
    taken: set[str] = set()
    for row_id, key, station in rows:
        new = change(key, station)
        if new in taken:
            new = f"{new}/dup{row_id}"
        taken.add(new)
        if new != key:
            wanted[row_id] = new
    for row_id in wanted:
        conn.execute(
            sa.update(airings).where(airings.c.id == row_id).values(occurrence_key=f"~{row_id}")
        )
    for row_id, new in wanted.items():
        conn.execute(sa.update(airings).where(airings.c.id == row_id).values(occurrence_key=new))


def _record_recordings(conn) -> None:
    rows = conn.execute(
        sa.select(messages.c.id, messages.c.audio_path).where(messages.c.audio_path.is_not(None))
    ).all()
    for message_id, audio_path in rows:
        digest = _sha256(audio_path)
        name = audio_path.replace("\\", "/").rsplit("/", 1)[-1]
        if digest and name.startswith(digest[:16]):
            conn.execute(
                sa.update(messages)
                .where(messages.c.id == message_id)
                .values(recording_sha256=digest)
            )


def _sha256(path: str) -> str | None:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()
