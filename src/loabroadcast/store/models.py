"""SQLAlchemy 2.0 tables. Instants are stored as aware UTC; times of day as 'HH:MM:SS'."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, on SQLite and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime stored; pass an aware datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def station_fk() -> Mapped[int]:
    """The station a row belongs to (``store.scope`` filters on it)."""
    return mapped_column(ForeignKey("stations.id"), nullable=False)


class StationRow(Base):
    """A station (đài truyền thanh cơ sở): a commune's loudspeakers and its daemon. One
    SQLite database holds exactly one; a district's PostgreSQL database holds many."""

    __tablename__ = "stations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    commune: Mapped[str] = mapped_column(String(200), default="")
    district: Mapped[str] = mapped_column(String(200), default="")
    province: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PlanState(Base):
    """One row per station: ``version`` goes up with every change its daemon must see."""

    __tablename__ = "plan_state"
    __table_args__ = (UniqueConstraint("station_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    station_id: Mapped[int] = station_fk()
    version: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class BlockRow(Base):
    __tablename__ = "blocks"
    __table_args__ = (UniqueConstraint("station_id", "code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    station_id: Mapped[int] = station_fk()
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    zone: Mapped[int | None] = mapped_column(Integer)


class SlotRow(Base):
    __tablename__ = "slots"
    __table_args__ = (UniqueConstraint("station_id", "code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    station_id: Mapped[int] = station_fk()
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200), default="")
    start: Mapped[str] = mapped_column(String(8))
    end: Mapped[str] = mapped_column(String(8))
    weekdays: Mapped[str] = mapped_column(String(7), default="0123456")
    on_day: Mapped[date | None] = mapped_column(Date)  # a one-off session (calendar extra)


class CalendarEntryRow(Base):
    """The officer's calendar: a quiet range (kind ``off``: ``slots`` comma-joined codes,
    empty for all) or a one-off session (kind ``extra``: its dated slot is ``slot_id``)."""

    __tablename__ = "calendar_entries"
    __table_args__ = (UniqueConstraint("slot_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    station_id: Mapped[int] = station_fk()
    kind: Mapped[str] = mapped_column(String(10))
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    slots: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("slots.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SourceRow(Base):
    """A live source relays air (tiếp âm): a stream's URL or a sound card input."""

    __tablename__ = "sources"
    __table_args__ = (UniqueConstraint("station_id", "code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    station_id: Mapped[int] = station_fk()
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(10))  # stream | input
    url: Mapped[str | None] = mapped_column(Text)
    device: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class MessageBlockRow(Base):
    __tablename__ = "message_blocks"
    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True
    )
    block_id: Mapped[int] = mapped_column(ForeignKey("blocks.id"), primary_key=True)


class MessageSlotRow(Base):
    __tablename__ = "message_slots"
    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True
    )
    slot_id: Mapped[int] = mapped_column(ForeignKey("slots.id"), primary_key=True)


class MessageStationRow(Base):
    """The stations a message is sent to (its owner's among them, usually)."""

    __tablename__ = "message_stations"
    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True
    )
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"), primary_key=True, index=True)


class MessageRow(Base):
    """A message belongs to the station that wrote it (``station_id``: only there is it
    edited, approved or cancelled) and airs at the stations ``message_stations`` lists."""

    __tablename__ = "messages"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    station_id: Mapped[int] = station_fk()
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str | None] = mapped_column(Text)
    audio_path: Mapped[str | None] = mapped_column(Text)
    audio_duration_s: Mapped[float | None] = mapped_column(Float)
    category: Mapped[str | None] = mapped_column(String(100))
    source: Mapped[str | None] = mapped_column(String(300))
    priority: Mapped[int] = mapped_column(Integer, default=0, index=True)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    all_blocks: Mapped[bool] = mapped_column(Boolean, default=False)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    repeat: Mapped[int] = mapped_column(Integer, default=1)
    max_airings: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    approved_by: Mapped[str | None] = mapped_column(String(100))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rejected_reason: Mapped[str | None] = mapped_column(Text)
    # the working copy is version ``version``; ``approved_version`` airs (message_versions,
    # whose ``recording_sha256`` is the sha256 of each version's recording)
    version: Mapped[int] = mapped_column(Integer, default=1)
    approved_version: Mapped[int | None] = mapped_column(Integer)
    # speech | recording | relay (domain.content); a relay's source and length on air
    content_kind: Mapped[str] = mapped_column(String(20), default="speech")
    relay_source: Mapped[str | None] = mapped_column(String(40), index=True)
    duration_s: Mapped[float | None] = mapped_column(Float)
    # why the daemon refused to air it (a changed recording), None when nothing is wrong
    flagged: Mapped[str | None] = mapped_column(Text)

    blocks: Mapped[list[BlockRow]] = relationship(
        secondary="message_blocks", order_by=BlockRow.code, lazy="selectin"
    )
    slots: Mapped[list[SlotRow]] = relationship(
        secondary="message_slots", order_by=SlotRow.start, lazy="selectin"
    )
    stations: Mapped[list[StationRow]] = relationship(
        secondary="message_stations", order_by=StationRow.code, lazy="selectin"
    )


class RenderRow(Base):
    __tablename__ = "renders"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    station_id: Mapped[int] = station_fk()  # the station whose cache holds the file
    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(64))
    path: Mapped[str] = mapped_column(Text)
    engine: Mapped[str] = mapped_column(String(40))
    voice: Mapped[str | None] = mapped_column(String(200))
    duration_s: Mapped[float] = mapped_column(Float)
    loudness_lufs: Mapped[float | None] = mapped_column(Float)
    sha256: Mapped[str] = mapped_column(String(64))
    fallback: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int | None] = mapped_column(Integer)  # of the message, rendered


class AiringRow(Base):
    """The as-run log (nhật ký phát thanh). ``occurrence_key`` makes a claim unique in its
    station; ``station`` is the display name the daemon had."""

    __tablename__ = "airings"
    __table_args__ = (UniqueConstraint("station_id", "occurrence_key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    station_id: Mapped[int] = station_fk()
    occurrence_key: Mapped[str] = mapped_column(String(200))
    station: Mapped[str] = mapped_column(String(100))
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), index=True)
    slot_code: Mapped[str | None] = mapped_column(String(40))
    occurrence_date: Mapped[date | None] = mapped_column(Date, index=True)
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), index=True)
    blocks: Mapped[str] = mapped_column(Text, default="")
    zones: Mapped[str] = mapped_column(Text, default="")
    sink: Mapped[str | None] = mapped_column(String(300))
    render_sha256: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(Text)
    claimed_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # the approved version when claimed (filled by store.airings), the play-now request
    message_version_id: Mapped[int | None] = mapped_column(ForeignKey("message_versions.id"))
    play_request_id: Mapped[int | None] = mapped_column(ForeignKey("play_requests.id"))
    # the dead-air guard: seconds below [playback] silence_db for longer than silence_s
    # (None: nothing watched this airing); a relay's source, its drops, the fallback's time
    dead_air_s: Mapped[float | None] = mapped_column(Float)
    relay_source: Mapped[str | None] = mapped_column(String(40))
    dropouts: Mapped[int | None] = mapped_column(Integer)
    fallback_s: Mapped[float | None] = mapped_column(Float)
    underruns: Mapped[int | None] = mapped_column(Integer)  # the card ran dry this often


class DeadAirRow(Base):
    """One dead-air event of an airing: when it began and how long it lasted."""

    __tablename__ = "dead_air"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    airing_id: Mapped[int] = mapped_column(ForeignKey("airings.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    length_s: Mapped[float] = mapped_column(Float)


class JournalMarkRow(Base):
    """How far a station folder's local as-run journal has been written into the database:
    entries up to ``seq`` are in, each applied in the transaction that moved the mark."""

    __tablename__ = "journal_marks"
    journal: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class DaemonStateRow(Base):
    """One row per running daemon: heartbeat, what is on air, the last error."""

    __tablename__ = "daemon_state"
    instance: Mapped[str] = mapped_column(String(200), primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"), nullable=False, index=True)
    station: Mapped[str] = mapped_column(String(100))
    host: Mapped[str] = mapped_column(String(200))
    pid: Mapped[int] = mapped_column(Integer)
    sink: Mapped[str | None] = mapped_column(String(300))
    tick_s: Mapped[float] = mapped_column(Float, default=10.0)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime)
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    now_playing: Mapped[str | None] = mapped_column(Text)  # JSON
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PlayRequestRow(Base):
    """An emergency ``play-now`` waiting for the daemon (phát ngay)."""

    __tablename__ = "play_requests"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    station_id: Mapped[int] = station_fk()  # the station whose daemon plays it
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), index=True)
    blocks: Mapped[str] = mapped_column(Text, default="")
    requested_by: Mapped[str | None] = mapped_column(String(100))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    picked_by: Mapped[str | None] = mapped_column(String(200))
    picked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class MessageVersionRow(Base):
    """A frozen version of a message: made by an add or an edit, approved at most once."""

    __tablename__ = "message_versions"
    __table_args__ = (UniqueConstraint("message_id", "number"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    station_id: Mapped[int] = station_fk()  # the message's own station
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str | None] = mapped_column(Text)
    audio_path: Mapped[str | None] = mapped_column(Text)
    recording_sha256: Mapped[str | None] = mapped_column(String(64))
    all_blocks: Mapped[bool] = mapped_column(Boolean, default=False)
    blocks: Mapped[str] = mapped_column(Text, default="")  # codes, comma-joined
    slots: Mapped[str] = mapped_column(Text, default="")
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    repeat: Mapped[int] = mapped_column(Integer, default=1)
    max_airings: Mapped[int | None] = mapped_column(Integer)
    category: Mapped[str | None] = mapped_column(String(100))
    source: Mapped[str | None] = mapped_column(String(300))
    created_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    approved_by: Mapped[str | None] = mapped_column(String(100))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rejected_by: Mapped[str | None] = mapped_column(String(100))
    rejected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rejected_reason: Mapped[str | None] = mapped_column(Text)
    render_sha256: Mapped[str | None] = mapped_column(String(64))  # the audio approved
    content_kind: Mapped[str] = mapped_column(String(20), default="speech")
    relay_source: Mapped[str | None] = mapped_column(String(40))
    duration_s: Mapped[float | None] = mapped_column(Float)


class AuditRow(Base):
    """The audit trail, append-only: the database refuses UPDATE and DELETE (triggers of
    migration 0017). ``before``/``after``: JSON of the changed fields."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    station_id: Mapped[int] = station_fk()  # the station whose officer (or daemon) acted
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(100))
    command: Mapped[str] = mapped_column(String(100))
    object: Mapped[str] = mapped_column(String(200), index=True)
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
