"""Use-cases shared by the CLI and the daemon.

Each public method is one transaction: it either changes the store completely
(and bumps ``plan_version`` so the daemon re-plans) or raises a ``LoaError`` and
changes nothing.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta

from sqlalchemy import Engine, delete, select

from . import config as config_mod
from .atomic import atomic_write_text
from .clock import Clock, SystemClock
from .config import Settings
from .domain import AiringStatus, Block, Message, MessageStatus, Priority, Programme, Slot
from .domain import parse as p
from .drafts import MessageDraft, Saved
from .errors import Conflict, InvalidInput, LoaError, NotFound, StoreError, first_line
from .i18n import N_
from .listings import Listings
from .recordings import take_in
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
from .userfiles import find_control

log = logging.getLogger("loabroadcast")

MAX_TEXT_CHARS = 20_000


def init_station(settings: Settings) -> tuple[str | None, str, bool]:
    """Create LOA_HOME, its config and database (idempotent); migrate to the newest schema.

    Returns (schema before, schema after, config created).
    """
    home = settings.home
    probe = home / ".write-test"
    try:
        home.mkdir(parents=True, exist_ok=True)
        probe.write_text("ok", encoding="utf-8")
        probe.unlink()
    except OSError as err:
        with contextlib.suppress(OSError):
            probe.unlink()
        raise StoreError(f"cannot write to station folder {home}: {err.strerror}") from None
    created = False
    if not settings.config_path.exists():
        try:  # all of it or nothing, even on a full disk
            atomic_write_text(settings.config_path, config_mod.DEFAULT_CONFIG)
        except OSError as err:
            raise StoreError(
                N_("cannot write {file}: {reason}"),
                file=str(settings.config_path),
                reason=err.strerror or str(err),
            ) from None
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
                if other.one_off and other.day < self.today():
                    continue  # a past one-off session (loa calendar extra)
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
        """The daily slots (one-off sessions are in the calendar)."""
        with db.read_session(self.engine) as s:
            return [repo.to_slot(r) for r in repo.slot_rows(s) if r.on_day is None]

    def remove_slot(self, code: str) -> None:
        with db.read_session(self.engine) as s:
            row = repo.slot_by_code(s, code)
            if row is not None and row.on_day is not None:
                raise Conflict(
                    N_("{code} is a one-off session: remove it with `loa calendar remove ID`"),
                    code=code,
                )
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
            row.status = MessageStatus.APPROVED.value
            row.approved_at = self.now()
            row.approved_by = by
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
            if row is None:
                return None
            r = repo.to_render(row)
            return {
                "engine": r.engine,
                "voice": r.voice,
                "fallback": r.fallback,
                "duration_s": round(r.duration_s, 2),
                "loudness_lufs": r.loudness_lufs,
                "sha256": r.sha256,
                "path": str(r.path),
                "created_at": r.created_at,
            }

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
            codes: list[str] = []  # none: the message's own blocks
            if blocks and [b.lower() for b in blocks] == ["all"]:
                codes = list(repo.all_block_codes(s))  # every block of the station
            elif blocks:
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
        """Is a daemon alive (heartbeat within two ticks), what is on air, what is next."""
        from .store.airings import airings_on, daemon_rows
        from .store.models import AiringRow

        now = self.now()
        rows = daemon_rows(self.engine)
        live = [
            r
            for r in rows
            if r.stopped_at is None and now - r.heartbeat_at <= timedelta(seconds=2 * r.tick_s)
        ]
        newest = live[0] if live else (rows[0] if rows else None)
        daemon = {
            "running": bool(live),
            "pid": newest.pid if newest else None,
            "host": newest.host if newest else None,
            "sink": newest.sink if newest else None,
            "started_at": newest.started_at if newest else None,
            "heartbeat_at": newest.heartbeat_at if newest else None,
        }
        playing = airings_on(
            self.engine, None, self.tz, AiringRow.status == AiringStatus.PLAYING.value
        )
        now_playing = None
        if playing and live:
            a = playing[-1]
            now_playing = {
                "message_id": a.message_id,
                "title": a.title,
                "slot": a.slot,
                "blocks": list(a.blocks),
                "started_at": a.started_at,
            }
        upcoming = []
        for programme in self.schedule(self.today(), 2):
            for item in programme.items:
                if item.start >= now and len(upcoming) < horizon:
                    upcoming.append(
                        {
                            "message_id": item.message_id,
                            "title": item.title,
                            "slot": programme.slot.code,
                            "start": item.start,
                            "blocks": list(item.blocks),
                        }
                    )
        last_error = None
        if newest and newest.last_error:
            last_error = {"text": newest.last_error, "at": newest.last_error_at}
        return {
            "daemon": daemon,
            "now_playing": now_playing,
            "next": upcoming,
            "last_error": last_error,
        }

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
            path, row.audio_duration_s = take_in(d.audio, self.settings.home / "recordings")
            row.audio_path = str(path)
            row.text = None
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
        found = find_control(text)
        if found is not None:
            line, column, char = found
            raise InvalidInput(
                N_(
                    "the message text holds a control character ({code}) at line {line}, "
                    "column {column}: only text, newlines and tabs can be read aloud"
                ),
                code=f"U+{ord(char):04X}",
                line=line,
                column=column,
            )
        if len(text) > MAX_TEXT_CHARS:
            raise InvalidInput(
                f"the message text has {len(text):,} characters; the limit is {MAX_TEXT_CHARS:,}"
            )
        from .text import normalize

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
        from .text import normalize

        return tuple(w.message for w in normalize(text, self.user_dictionary()).warnings)

    def user_dictionary(self) -> dict[str, str]:
        from .text.userdict import load_user_dictionary

        return load_user_dictionary(self.settings.dictionary_path)


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
