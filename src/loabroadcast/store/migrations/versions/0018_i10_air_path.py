"""issue 10, the air path: occurrence keys without the station's display name, a flag on
messages the daemon refused, underruns per airing, journal marks

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-30

Occurrence keys were ``<station name>/<slot>/<date>/<message>``: two station folders with
different names on one database aired every occurrence twice. One database is one station
(until the district issue), so keys lose the name (``<slot>/<date>/<message>``). Rows
that collided because of that bug keep their history under ``…/dup<id>``.

The sha256 of each version's recording is ``message_versions.recording_sha256`` (0017);
the approved version's is what the daemon verifies at air. A recording is stored under its
content's name (``recordings/<sha256[:16]>.<ext>``, as ``msg add --audio`` stores it), so a
sha256 that disagrees with its file's name was taken (by 0017) from a file swapped before
the upgrade: it is cleared, and the daemon refuses that recording until it is added again.
``messages.flagged`` says why the daemon refused a message.

Downgrade puts the station's name back in the keys and drops the flag, the underruns and
the journal marks (the cleared sha256 stay cleared: they were not the approved ones).
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

airings = sa.table(
    "airings",
    sa.column("id", sa.Integer),
    sa.column("occurrence_key", sa.String),
    sa.column("station", sa.String),
)
message_versions = sa.table(
    "message_versions",
    sa.column("id", sa.Integer),
    sa.column("audio_path", sa.Text),
    sa.column("recording_sha256", sa.String),
)


def upgrade() -> None:
    # ALTER TABLE … ADD COLUMN: a copy-and-rename of ``messages`` would trip over the
    # foreign keys that point to it
    with op.batch_alter_table("messages", schema=None, recreate="never") as batch_op:
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
    _clear_swapped_recordings(conn)


def downgrade() -> None:
    conn = op.get_bind()
    _rewrite_keys(conn, _with_station)
    op.drop_table("journal_marks")
    # ALTER TABLE … DROP COLUMN (SQLite >= 3.35), for the same reason as above
    with op.batch_alter_table("airings", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("underruns")
    with op.batch_alter_table("messages", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("flagged")


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


def _clear_swapped_recordings(conn) -> None:
    """A version's recording sha256 that its file's content name contradicts: cleared."""
    rows = conn.execute(
        sa.select(
            message_versions.c.id,
            message_versions.c.audio_path,
            message_versions.c.recording_sha256,
        ).where(message_versions.c.recording_sha256.is_not(None))
    ).all()
    for version_id, audio_path, digest in rows:
        name = (audio_path or "").replace("\\", "/").rsplit("/", 1)[-1]
        if not name.startswith(digest[:16]):
            conn.execute(
                sa.update(message_versions)
                .where(message_versions.c.id == version_id)
                .values(recording_sha256=None)
            )
