"""Render use-cases: approved text or recording → the exact programme audio that airs.

Every render is recorded (engine, voice, duration, loudness, sha256); the player
checks the file against that record before air and renders again, logged, when it
was changed or lost.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import replace

from sqlalchemy import select

from .domain import Message, MessageStatus, RenderRecord
from .errors import AudioChanged
from .i18n import N_
from .store import db, repo
from .store.models import MessageRow, RenderRow

log = logging.getLogger("loabroadcast.render")


class Renderer:
    def __init__(self, station, engine_name: str | None = None, engine=None):
        self.station = station
        self.settings = station.settings.speech
        if engine_name:
            self.settings = replace(self.settings, engine=engine_name)
        self._engine = engine
        from .speech.cache import RenderCache

        self.cache = RenderCache(station.settings.cache_dir, station.clock)

    @property
    def engine(self):
        if self._engine is None:
            from .speech.engines import get_engine

            self._engine = get_engine(self.settings.engine, self.settings)
        return self._engine

    def spoken(self, text: str) -> str:
        from .speech.normalize import normalize

        return normalize(text, self.station.user_dictionary()).text

    def render(self, message: Message, *, force: bool = False) -> RenderRecord:
        """Render one message (a cache hit is quick) and record it."""
        from .speech.render import render_message

        if message.audio_path and message.status == MessageStatus.APPROVED:
            self.check_recording(message)
        spoken = self.spoken(message.text) if message.text else None
        engine = None if message.audio_path else self.engine
        record = render_message(message, spoken, self.settings, self.cache, engine, force=force)
        return self._save(record, message)

    def check_recording(self, message: Message) -> None:
        """Refuse (``AudioChanged``) an approved message's recording that is not the one
        approved: its sha256 was recorded when it was added, approval froze it."""
        from .speech.audio import sha256_file

        with db.read_session(self.station.engine) as s:
            approved = s.scalar(
                select(MessageRow.recording_sha256).where(MessageRow.id == message.id)
            )
        path = str(message.audio_path)
        actual = sha256_file(path)
        if approved is None:
            raise AudioChanged(
                N_("message {id}: no approved sha256 for the recording {path}; add it again "
                   "with `loa msg edit {id} --audio FILE` and approve it"),
                id=message.id,
                path=path,
            )  # fmt: skip
        if actual != approved:
            raise AudioChanged(
                N_("message {id}: the recording {path} changed since it was approved "
                   "(sha256 {actual}…, approved {approved}…); refused"),
                id=message.id,
                path=path,
                actual=actual[:12],
                approved=approved[:12],
            )  # fmt: skip

    def _save(self, record: RenderRecord, message: Message) -> RenderRecord:
        """Record a render; the same audio already recorded since approval is reused."""
        now = self.station.now()
        with db.write_session(self.station.engine) as s:
            latest = repo.latest_renders(s, [record.message_id]).get(record.message_id)
            if (
                latest is not None
                and (latest.sha256, latest.key) == (record.sha256, record.key)
                and (message.approved_at is None or latest.created_at >= message.approved_at)
            ):
                return repo.to_render(latest)
            row = repo.render_row(record, now)
            s.add(row)
            repo.bump_plan(s, now)  # durations changed: the schedule is re-laid
            return repo.to_render(row)

    def current(self, message: Message) -> RenderRecord | None:
        """The render approved with the message, if it is still newer than the approval."""
        return self._current_of([message]).get(message.id)

    def _current_of(self, messages: list[Message]) -> dict[int, RenderRecord]:
        """Current renders of ``messages`` by id, in one query."""
        with db.read_session(self.station.engine) as s:
            rows = repo.latest_renders(s, [m.id for m in messages])
        current = {}
        for m in messages:
            row = rows.get(m.id)
            if row is not None and not (m.approved_at and row.created_at < m.approved_at):
                current[m.id] = repo.to_render(row)
        return current

    def ensure(self, message: Message) -> RenderRecord:
        """The verified audio for ``message``: the recorded render when its sha256 still
        matches, else a new render (logged: air time should never have to render)."""
        from .speech.render import verify_render

        record = self.current(message)
        if record is not None and verify_render(record):
            return record
        if record is None:
            log.warning("message %s had no audio at air time: rendering now", message.id)
        else:
            log.warning(
                "message %s: cached audio %s changed or vanished: rendering again",
                message.id,
                record.path,
            )
        return self.render(message, force=record is not None)

    def pending(self, ids: Iterable[int] | None = None) -> list[Message]:
        """Approved messages (or the given ids) without a current render."""
        messages = self.messages_for(ids)
        current = self._current_of(messages)
        return [m for m in messages if m.id not in current]

    def messages_for(self, ids: Iterable[int] | None) -> list[Message]:
        """The given messages (``NotFound`` for an unknown id), or every approved one."""
        if ids is None:
            return self.station.messages(MessageStatus.APPROVED.value)
        return [self.station.message(mid) for mid in ids]

    def keep_keys(self) -> set[str]:
        """Cache keys that active (draft or approved) messages still need."""
        with db.read_session(self.station.engine) as s:
            rows = s.execute(
                select(RenderRow.key)
                .join(MessageRow, MessageRow.id == RenderRow.message_id)
                .where(MessageRow.status.in_([MessageStatus.APPROVED.value, "draft"]))
            )
            return {key for (key,) in rows}
