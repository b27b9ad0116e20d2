"""Use-cases shared by the CLI and the daemon.

Each public method is one transaction: it either changes the store completely
(and bumps ``plan_version`` so the daemon re-plans) or raises a ``LoaError`` and
changes nothing.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import Engine, delete, select

from . import config as config_mod
from .clock import Clock, SystemClock
from .config import Settings
from .domain import Block, Message, MessageStatus, Priority, Programme, Slot
from .domain import parse as p
from .drafts import MessageDraft, Saved
from .errors import AudioError, Conflict, InvalidInput, LoaError, NotFound, StoreError, first_line
from .i18n import N_
from .listings import Listings
from .store import db, repo
from .store.models import (
    BlockRow,
    MessageBlockRow,
    MessageRow,
    MessageSlotRow,
    PlayRequestRow,
    SlotRow,
)
from .store.reader import Reader

log = logging.getLogger("loabroadcast")

MAX_TEXT_CHARS = 20_000
EDITABLE_AUDIO = (".mp3", ".wav", ".ogg", ".m4a", ".flac", ".aac", ".opus")


def init_station(settings: Settings) -> tuple[str | None, str, bool]:
    """Create LOA_HOME, its config and database (idempotent); migrate to the newest schema.

    Returns (schema before, schema after, config created).
    """
    home = settings.home
    try:
        home.mkdir(parents=True, exist_ok=True)
        probe = home / ".write-test"
        probe.write_text("ok", encoding="utf-8")
        probe.unlink()
    except OSError as err:
        raise StoreError(f"cannot write to station folder {home}: {err.strerror}") from None
    created = False
    if not settings.config_path.exists():
        tmp = settings.config_path.with_suffix(".tmp")
        tmp.write_text(config_mod.DEFAULT_CONFIG, encoding="utf-8")
        os.replace(tmp, settings.config_path)
        created = True
    from .store import schema

    engine = db.make_engine(settings.database_url)
    try:
        before, after = schema.upgrade(engine)
    except LoaError:
        raise
    except Exception as err:  # noqa: BLE001 - a driver or migration error, shown in one line
        raise StoreError(f"cannot migrate the database: {first_line(err)}") from err
    finally:
        engine.dispose()
    return before, after, created


class Station:
    """The officer's and the daemon's view of one station's store."""

    def __init__(
        self, settings: Settings, clock: Clock | None = None, engine: Engine | None = None
    ):
        self.settings = settings
        self.clock = clock or SystemClock()
        self.tz = settings.zone()
        self._engine = engine
        # The reads people wait on, answered by the same code as `loa msg list`/`schedule`.
        self.listings = Listings(settings, self.clock, lambda: Reader.on_engine(self.engine))

    @classmethod
    def open(cls, settings: Settings, clock: Clock | None = None) -> Station:
        station = cls(settings, clock)
        station.listings.check_schema()
        return station

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = db.make_engine(self.settings.database_url)
        return self._engine

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()

    def now(self) -> datetime:
        return self.clock.now()

    def today(self) -> date:
        return self.clock.now().astimezone(self.tz).date()

    # blocks ---------------------------------------------------------------

    def add_block(self, code: str, name: str, zone: int | None = None) -> Block:
        code = _valid(p.check_code, code, "block")
        name = p.nfc(name).strip()
        if not name:
            raise InvalidInput("block name is empty")
        if zone is not None and not 1 <= zone <= 64:
            raise InvalidInput(f"zone {zone} is out of range (1-64)")
        with db.write_session(self.engine) as s:
            if repo.block_by_code(s, code):
                raise Conflict(f"block {code} already exists")
            row = BlockRow(code=code, name=name, zone=zone)
            s.add(row)
            repo.bump_plan(s, self.now())
            return repo.to_block(row)

    def blocks(self) -> list[Block]:
        with db.read_session(self.engine) as s:
            return [repo.to_block(r) for r in repo.block_rows(s)]

    def remove_block(self, code: str) -> None:
        self._remove(code, "block", repo.block_by_code, MessageRow.blocks, MessageBlockRow.block_id)

    # slots ----------------------------------------------------------------

    def add_slot(
        self, code: str, start: str, end: str, days: str = "daily", name: str = ""
    ) -> Slot:
        code = _valid(p.check_code, code, "slot")
        t_start = _valid(p.parse_time_of_day, start)
        t_end = _valid(p.parse_time_of_day, end)
        weekdays = _valid(p.parse_weekdays, days)
        if t_end <= t_start:
            raise InvalidInput(
                f"slot {code} ends at {end} before it starts at {start} "
                "(a slot cannot cross midnight)"
            )
        slot = Slot(code=code, start=t_start, end=t_end, weekdays=weekdays, name=p.nfc(name))
        with db.write_session(self.engine) as s:
            if repo.slot_by_code(s, code):
                raise Conflict(f"slot {code} already exists")
            for other in map(repo.to_slot, repo.slot_rows(s)):
                if slot.overlaps(other):
                    raise Conflict(
                        f"slot {code} ({_hm(t_start)}-{_hm(t_end)}) overlaps slot {other.code} "
                        f"({_hm(other.start)}-{_hm(other.end)}, {other.days_label})"
                    )
            s.add(
                SlotRow(
                    code=code,
                    name=slot.name,
                    start=t_start.isoformat(),
                    end=t_end.isoformat(),
                    weekdays="".join(str(d) for d in sorted(weekdays)),
                )
            )
            repo.bump_plan(s, self.now())
        return slot

    def slots(self) -> list[Slot]:
        with db.read_session(self.engine) as s:
            return [repo.to_slot(r) for r in repo.slot_rows(s)]

    def remove_slot(self, code: str) -> None:
        self._remove(code, "slot", repo.slot_by_code, MessageRow.slots, MessageSlotRow.slot_id)

    def _remove(self, code: str, what: str, finder, relation, link_column) -> None:
        """Remove a block or slot that no draft or approved message still uses."""
        with db.write_session(self.engine) as s:
            row = finder(s, code)
            if row is None:
                raise NotFound(f"no {what} {code}")
            users = _active_users(s, relation, row)
            if users:
                raise Conflict(
                    f"{what} {code} is used by message(s) {_ids(users)}; cancel or edit them first"
                )
            s.execute(delete(link_column.table).where(link_column == row.id))
            s.delete(row)
            repo.bump_plan(s, self.now())

    # messages -------------------------------------------------------------

    def add_message(self, draft: MessageDraft) -> Saved:
        if not draft.title or not p.nfc(draft.title).strip():
            raise InvalidInput("--title is empty")
        if (draft.text is None) == (draft.audio is None):
            raise InvalidInput("give the message either a text or an audio file")
        if not draft.blocks:
            raise InvalidInput("--blocks is required (block codes, or 'all')")
        if not draft.slots:
            raise InvalidInput("--slots is required (slot codes)")
        draft = replace(
            draft,
            priority=draft.priority or Priority.NORMAL,
            repeat=1 if draft.repeat is None else draft.repeat,
        )
        with db.write_session(self.engine) as s:
            now = self.now()
            row = MessageRow(status=MessageStatus.DRAFT.value, created_at=now, created_by=draft.by)
            warnings = self._apply(s, row, draft, creating=True)
            s.add(row)
            s.flush()
            repo.bump_plan(s, now)
            return Saved(self._message(s, row), warnings)

    def edit_message(self, message_id: int, draft: MessageDraft) -> Saved:
        with db.write_session(self.engine) as s:
            row = self._row(s, message_id)
            if row.status in (MessageStatus.CANCELLED, MessageStatus.EXPIRED):
                raise Conflict(f"message {message_id} is {row.status}; it cannot be edited")
            if draft.text is not None and draft.audio is not None:
                raise InvalidInput("give either a text or an audio file, not both")
            warnings = self._apply(s, row, draft, creating=False)
            notes: tuple[str, ...] = ()
            if row.status != MessageStatus.DRAFT.value:
                notes = (f"message {message_id} was {row.status}; it is a draft again",)
                row.status = MessageStatus.DRAFT.value
                row.approved_at = None
                row.approved_by = None
                row.rejected_reason = None
            repo.bump_plan(s, self.now())
            return Saved(self._message(s, row), warnings, notes)

    def approve(self, message_id: int, by: str | None = None) -> Saved:
        with db.write_session(self.engine) as s:
            row = self._row(s, message_id)
            if row.status == MessageStatus.APPROVED.value:
                return Saved(
                    self._message(s, row), (), (f"message {message_id} is already approved",)
                )
            if row.status == MessageStatus.REJECTED.value:
                raise Conflict(
                    f"message {message_id} was rejected; edit it (it becomes a draft) "
                    "and approve it again"
                )
            if row.status != MessageStatus.DRAFT.value:
                raise Conflict(f"message {message_id} is {row.status}; it cannot be approved")
            if row.valid_until and row.valid_until < self.today():
                raise Conflict(
                    f"message {message_id} ended on {row.valid_until:%d/%m/%Y}; "
                    "change --until to approve it"
                )
            if row.audio_path:
                _check_recording(row)
            row.status = MessageStatus.APPROVED.value
            row.approved_at = self.now()
            row.approved_by = by
            row.flagged = None
            warnings = self.text_warnings(row.text) if row.text else ()
            repo.bump_plan(s, self.now())
            saved = Saved(self._message(s, row), warnings)
        if not self.settings.speech.render_on_approve:
            return saved
        from .rendering import Renderer

        try:
            record = Renderer(self).render(saved.message)
        except LoaError as err:
            note = f"audio not rendered yet ({err}); `loa render` or the daemon will retry"
            return replace(saved, notes=(note,))
        engine = record.engine + (" (fallback)" if record.fallback else "")
        return replace(saved, notes=(f"rendered {record.duration_s:.1f} s of audio with {engine}",))

    def reject(self, message_id: int, reason: str) -> Message:
        reason = p.nfc(reason).strip()
        if not reason:
            raise InvalidInput("--reason is empty")
        with db.write_session(self.engine) as s:
            row = self._row(s, message_id)
            if row.status not in (MessageStatus.DRAFT.value, MessageStatus.APPROVED.value):
                raise Conflict(f"message {message_id} is {row.status}; it cannot be rejected")
            row.status = MessageStatus.REJECTED.value
            row.rejected_reason = reason
            row.approved_at = None
            row.approved_by = None
            repo.bump_plan(s, self.now())
            return self._message(s, row)

    def cancel(self, message_id: int) -> Message:
        with db.write_session(self.engine) as s:
            row = self._row(s, message_id)
            if row.status == MessageStatus.CANCELLED.value:
                raise Conflict(f"message {message_id} is already cancelled")
            row.status = MessageStatus.CANCELLED.value
            repo.bump_plan(s, self.now())
            return self._message(s, row)

    def message(self, message_id: int) -> Message:
        with db.read_session(self.engine) as s:
            return self._message(s, self._row(s, message_id))

    def messages(self, status: str | None = None) -> list[Message]:
        return self.listings.messages(status)

    def message_summaries(self, status: str | None = None) -> list[tuple]:
        """(id, status, priority, title, blocks, slots, from, until) rows for a listing."""
        return self.listings.message_summaries(status)

    def expire(self) -> int:
        """Mark approved and draft messages whose last day has passed as expired."""
        with db.write_session(self.engine) as s:
            rows = s.scalars(
                select(MessageRow)
                .where(MessageRow.status.in_([MessageStatus.APPROVED.value, "draft"]))
                .where(MessageRow.valid_until < self.today())
            ).all()
            for row in rows:
                row.status = MessageStatus.EXPIRED.value
            if rows:
                repo.bump_plan(s, self.now())
            return len(rows)

    # schedule -------------------------------------------------------------

    def schedule(self, first: date | None = None, days: int = 1) -> list[Programme]:
        return self.listings.schedule(first, days)

    def render_info(self, message_id: int) -> dict | None:
        """The newest render of a message, as plain data (None when not rendered)."""
        with db.read_session(self.engine) as s:
            row = repo.latest_renders(s, [message_id]).get(message_id)
            flagged = s.scalar(select(MessageRow.flagged).where(MessageRow.id == message_id))
            if row is None:
                return None
            r = repo.to_render(row)
            return {
                "flagged": flagged,
                "engine": r.engine,
                "voice": r.voice,
                "fallback": r.fallback,
                "duration_s": round(r.duration_s, 2),
                "loudness_lufs": r.loudness_lufs,
                "sha256": r.sha256,
                "path": str(r.path),
                "created_at": r.created_at,
            }

    def flag(self, message_id: int, reason: str) -> None:
        """Mark a message the daemon refused to air (a changed recording); editing or
        approving it again clears the flag."""
        with db.write_session(self.engine) as s:
            row = self._row(s, message_id)
            row.flagged = reason

    def flagged(self) -> list[tuple[int, str, str]]:
        """(id, title, reason) of approved messages the daemon refused to air."""
        with db.read_session(self.engine) as s:
            rows = s.execute(
                select(MessageRow.id, MessageRow.title, MessageRow.flagged)
                .where(MessageRow.flagged.is_not(None))
                .where(MessageRow.status == MessageStatus.APPROVED.value)
                .order_by(MessageRow.id)
            )
            return [tuple(r) for r in rows]

    def plan_version(self) -> int:
        with db.read_session(self.engine) as s:
            return repo.plan_version(s)

    # on air ----------------------------------------------------------------

    def play_now(
        self,
        message_id: int,
        blocks: Sequence[str] | None = None,
        *,
        approve: bool = False,
        by: str | None = None,
    ) -> int:
        """Queue an emergency play (phát ngay) for the daemon; returns the request id."""
        if approve:
            message = self.message(message_id)
            if message.status == MessageStatus.DRAFT:
                self.approve(message_id, by)
        with db.write_session(self.engine) as s:
            row = self._row(s, message_id)
            if row.status != MessageStatus.APPROVED.value:
                raise Conflict(
                    f"message {message_id} is {row.status}; only an approved message can be "
                    "played (use --approve to approve a draft and play it)"
                )
            codes: list[str] = []
            if blocks and [b.lower() for b in blocks] != ["all"]:
                codes = [_lookup(s, repo.block_by_code, c, "block").code for c in blocks]
            request = PlayRequestRow(
                message_id=message_id,
                blocks=",".join(codes),
                requested_by=by,
                requested_at=self.now(),
                status="pending",
            )
            s.add(request)
            s.flush()
            return request.id

    def airings(self, day: date | None = None) -> list:
        from .store.airings import airings_on

        return airings_on(self.engine, day, self.tz)

    def status(self, horizon: int = 5) -> dict:
        """Is a daemon alive, what is on air, what is next, what went wrong."""
        from .dashboard import station_status

        return station_status(self, horizon)

    # helpers --------------------------------------------------------------

    def _row(self, s, message_id: int) -> MessageRow:
        row = s.get(MessageRow, message_id)
        if row is None:
            raise NotFound(f"no message {message_id}")
        return row

    def _message(self, s, row: MessageRow) -> Message:
        return repo.to_message(row, repo.all_block_codes(s) if row.all_blocks else ())

    def _apply(self, s, row: MessageRow, d: MessageDraft, creating: bool) -> tuple[str, ...]:
        """Copy the given fields of ``d`` onto ``row``, validating each."""
        warnings: tuple[str, ...] = ()
        if d.title is not None:
            title = p.nfc(d.title).strip()
            if not title:
                raise InvalidInput("--title is empty")
            row.title = title
        if d.text is not None:
            row.text = self._check_text(d.text)
            row.audio_path = None
            row.audio_duration_s = None
            warnings = self.text_warnings(row.text)
        if d.audio is not None:
            row.audio_path, row.audio_duration_s = self._store_audio(d.audio)
            row.recording_sha256 = _recording_sha256(row.audio_path)
            row.text = None
        row.flagged = None
        if d.blocks is not None:
            if [b.lower() for b in d.blocks] == ["all"]:
                row.all_blocks = True
                row.blocks = []
            else:
                row.all_blocks = False
                row.blocks = [_lookup(s, repo.block_by_code, c, "block") for c in d.blocks]
        if d.slots is not None:
            row.slots = [_lookup(s, repo.slot_by_code, c, "slot") for c in d.slots]
        if d.priority is not None:
            row.priority = int(d.priority)
        if d.repeat is not None:
            if not 1 <= d.repeat <= 10:
                raise InvalidInput("--repeat must be between 1 and 10")
            row.repeat = d.repeat
        if d.max_airings is not None:
            if d.max_airings < 1:
                raise InvalidInput("--max-airings must be at least 1")
            row.max_airings = d.max_airings
        if d.valid_from is not None:
            row.valid_from = d.valid_from
        if d.valid_until is not None:
            row.valid_until = d.valid_until
        if row.valid_from and row.valid_until and row.valid_until < row.valid_from:
            raise InvalidInput(
                f"--until {row.valid_until:%d/%m/%Y} is before --from {row.valid_from:%d/%m/%Y}"
            )
        if creating and row.valid_until and row.valid_until < self.today():
            raise InvalidInput(f"--until {row.valid_until:%d/%m/%Y} is already past")
        if d.category is not None:
            row.category = p.nfc(d.category).strip() or None
        if d.source is not None:
            row.source = p.nfc(d.source).strip() or None
        row.updated_at = self.now()
        return warnings

    def _check_text(self, text: str) -> str:
        text = p.nfc(text).strip()
        if not text:
            raise InvalidInput("the message text is empty")
        if len(text) > MAX_TEXT_CHARS:
            raise InvalidInput(
                f"the message text has {len(text):,} characters; the limit is {MAX_TEXT_CHARS:,}"
            )
        from .speech.normalize import normalize

        spoken = normalize(text, self.user_dictionary()).text
        if not spoken.strip(" .,;:!?-\n"):
            raise InvalidInput("the message text has nothing to read aloud")
        if len(spoken) > MAX_TEXT_CHARS:
            raise InvalidInput(
                f"read aloud, the text has {len(spoken):,} characters (numbers and abbreviations "
                f"spelled out); the limit is {MAX_TEXT_CHARS:,}: split it into two messages"
            )
        return text

    def text_warnings(self, text: str) -> tuple[str, ...]:
        from .speech.normalize import normalize

        return tuple(w.message for w in normalize(text, self.user_dictionary()).warnings)

    def user_dictionary(self) -> dict[str, str]:
        from .speech.abbreviations import load_user_dictionary

        return load_user_dictionary(self.settings.dictionary_path)

    def _store_audio(self, source: Path) -> tuple[str, float]:
        """Copy a recorded announcement into the station folder; returns (path, seconds)."""
        if not source.is_file():
            raise AudioError(f"audio file {source} does not exist")
        if source.suffix.lower() not in EDITABLE_AUDIO:
            raise AudioError(
                f"{source.name} is not a supported audio file ({', '.join(EDITABLE_AUDIO)})"
            )
        from .speech.audio import probe_duration

        seconds = probe_duration(source)
        digest = hashlib.sha256(source.read_bytes()).hexdigest()
        target = self.settings.home / "recordings" / f"{digest[:16]}{source.suffix.lower()}"
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(".part")
            shutil.copyfile(source, tmp)
            os.replace(tmp, target)
        return str(target), seconds


def _recording_sha256(path: str) -> str:
    from .speech.audio import sha256_file

    return sha256_file(path)


def _check_recording(row: MessageRow) -> None:
    """Approval freezes the recording added with the message: refuse one changed since."""
    actual = _recording_sha256(row.audio_path)
    if row.recording_sha256 is None:
        row.recording_sha256 = actual  # added before its sha256 was kept: approve this one
    elif actual != row.recording_sha256:
        raise Conflict(
            N_("message {id}: the recording {path} changed since it was added; add it again "
               "with `loa msg edit {id} --audio FILE`"),
            id=row.id,
            path=row.audio_path,
        )  # fmt: skip


def _valid(fn, value, *args):
    try:
        return fn(value, *args)
    except ValueError as err:
        raise InvalidInput(str(err)) from None


def _lookup(s, finder, code: str, what: str):
    row = finder(s, code)
    if row is None:
        raise NotFound(f"no {what} {code}")
    return row


def _active_users(s, relation, row) -> list[int]:
    query = (
        select(MessageRow.id)
        .where(relation.contains(row))
        .where(MessageRow.status.in_([MessageStatus.DRAFT.value, MessageStatus.APPROVED.value]))
    )
    return list(s.scalars(query))


def _ids(ids: list[int]) -> str:
    shown = ", ".join(str(i) for i in ids[:10])
    return shown + (f" and {len(ids) - 10} more" if len(ids) > 10 else "")


def _hm(t) -> str:
    return t.strftime("%H:%M:%S") if t.second else t.strftime("%H:%M")


__all__ = ["MessageDraft", "Saved", "Station", "init_station"]
