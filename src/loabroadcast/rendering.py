"""Render use-cases: approved text or recording → the exact programme audio that airs.

Every render is recorded (engine, voice, duration, loudness, sha256) for the version of
the message it reads; the player checks the file against that record before air and
renders again, logged, when it was changed or lost. What airs is the message's approved
version (``ensure``), even while an edit of it waits for approval. The sha256 of the
audio approved is kept on the version; a render that replaces it leaves an audit row.

Renders are the station's: its own cache holds the file (a message sent to several
stations is rendered by each, with its own engine and dictionary). The audio noted on an
approved version is that of the message's own station.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from sqlalchemy import select

from .domain import Message, MessageStatus, RenderRecord
from .errors import AudioChanged, Conflict, NotFound
from .i18n import N_, _
from .store import db, repo, versions
from .store.models import MessageRow, RenderRow

log = logging.getLogger("loabroadcast.render")


class Renderer:
    def __init__(self, station, engine_name: str | None = None, engine=None):
        self.station = station
        self.settings = station.settings.speech
        if engine_name:
            self.settings = replace(self.settings, engine=engine_name)
        self._engine = engine
        self._aside = None  # speech spoken aside before an approval (speech_aside)
        from .speech.cache import RenderCache

        self.cache = RenderCache(station.settings.cache_dir, station.clock)

    @property
    def engine(self):
        if self._engine is None:
            from .speech.engines import get_engine

            voices = self.station.settings.voices_dir  # installed Piper voices
            self._engine = get_engine(self.settings.engine, self.settings, voices)
        return self._engine

    def spoken(self, text: str) -> str:
        from .text import normalize

        return normalize(text, self.station.user_dictionary()).text

    def render(self, message: Message, *, force: bool = False) -> RenderRecord:
        """Render one message (a cache hit is quick) and record it. Speech that comes out
        silent (or nearly) is refused; a relay has nothing to render."""
        from .speech.render import render_message

        self._refuse_relay(message)
        self._adopt_aside()
        if message.audio_path and message.status == MessageStatus.APPROVED:
            self.check_recording(message)
        spoken = self.spoken(message.text) if message.text else None
        # a recording needs the engine only for a lead-in or reminder: built, not loaded
        engine = self.engine
        record = render_message(
            message, spoken, self.settings, self.cache, engine, force=force,
            check_body=self._audible,
        )  # fmt: skip
        return self._save(record, message)

    @contextmanager
    def speech_aside(self, message: Message) -> Iterator[None]:
        """Speak the text of ``message`` into a temporary folder (the station's cache is
        not written) and refuse it (``SilentAudio``) when it is silent or nearly. Inside
        the ``with``, a render of it finds the speech in the cache: it is filed there on
        first use, not spoken again."""
        from .speech.cache import RenderCache, speech_key
        from .speech.render import checked_text

        text = checked_text(message, self.spoken(message.text))
        found = self.cache.lookup(speech_key(text, self.engine))
        if found is not None:
            self._audible(found.path)
            yield
            return
        with tempfile.TemporaryDirectory(prefix="loa-speech-") as folder:
            entry = RenderCache(folder, self.station.clock).speech(text, self.engine)
            self._audible(entry.path)
            self._aside = entry
            try:
                yield
            finally:
                self._aside = None

    def _adopt_aside(self) -> None:
        """File the speech spoken aside into the cache (one copy, no second synthesis)."""
        entry, self._aside = self._aside, None
        if entry is None:
            return
        meta = {
            k: v
            for k, v in entry.meta.items()
            if k not in ("format", "key", "kind", "sha256", "created")
        }

        def produce(tmp: Path) -> dict:
            shutil.copyfile(entry.path, tmp)
            return meta

        self.cache.get_or_create(entry.key, "speech", produce)

    def _audible(self, path: Path) -> None:
        from .sources.levels import require_audible

        require_audible(path, self.station.settings.playback, shown=_("the speech"))

    @staticmethod
    def _refuse_relay(message: Message) -> None:
        if message.is_relay:
            raise Conflict(
                N_("message {id} is a relay: it airs live from source {source}, there is no "
                   "audio to render"),
                id=message.id,
                source=message.relay_source,
            )  # fmt: skip

    def check_recording(self, message: Message) -> None:
        """Refuse (``AudioChanged``) the recording of an approved version that is not the
        one approved: its sha256 was taken when it was added, approval froze it (on the
        version, ``message_versions.recording_sha256``)."""
        from .speech.audio import sha256_file

        with db.read_session(self.station.engine) as s:
            version = versions.get(s, message.id, message.version)
            approved = version.recording_sha256 if version is not None else None
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
        """Record a render of ``message``'s version; the same audio already recorded
        since approval is reused. The audio of an approved version is noted on it."""
        with self.station.work("render") as uow:
            s = uow.session
            scope = self.station.scope
            latest = repo.latest_renders(s, scope, [message.id], message.version).get(message.id)
            if (
                latest is not None
                and (latest.sha256, latest.key) == (record.sha256, record.key)
                and (message.approved_at is None or latest.created_at >= message.approved_at)
            ):
                self._note(uow, message, latest.sha256)
                return repo.to_render(latest)
            row = repo.render_row(record, uow.now, self.station.station_id, message.version)
            s.add(row)
            uow.bump_plan()  # durations changed: the schedule is re-laid
            self._note(uow, message, record.sha256)
            return repo.to_render(row)

    def _note(self, uow, message: Message, sha256: str) -> None:
        """Keep ``sha256`` as the audio of ``message``'s version when it is approved; a
        render that replaces approved audio leaves an audit row."""
        version = versions.get(uow.session, message.id, message.version)
        if version is None or version.approved_at is None or version.render_sha256 == sha256:
            return
        if version.station_id != self.station.station_id:
            return  # another station's own render of a message sent to it
        if version.render_sha256 is not None:
            uow.record(
                f"msg:{message.id}",
                {"render_sha256": version.render_sha256},
                {"render_sha256": sha256},
                plan=False,
            )
        version.render_sha256 = sha256

    def current(self, message: Message) -> RenderRecord | None:
        """The render approved with the message, if it is still newer than the approval."""
        return self._current_of([message]).get(message.id)

    def _current_of(self, messages: list[Message]) -> dict[int, RenderRecord]:
        """Current renders of ``messages`` (of the version each is) by id, in one query."""
        with db.read_session(self.station.engine) as s:
            rows = repo.latest_version_renders(s, self.station.scope, [m.id for m in messages])
        current = {}
        for m in messages:
            row = rows.get((m.id, m.version))
            if row is not None and not (m.approved_at and row.created_at < m.approved_at):
                current[m.id] = repo.to_render(row)
        return current

    def ensure(self, message: Message) -> RenderRecord:
        """The verified audio of ``message``'s approved version: the recorded render when
        its sha256 still matches, else a new render (logged: air time should never have to
        render). ``message`` may be the working copy: while an edit waits for approval, the
        approved version airs. An approved version passed in (``Station.version_message``
        of an airing's claim) airs as it is."""
        from .speech.render import verify_render

        message = self.airing_version(message)
        record = self.current(message)
        if record is not None and verify_render(record):
            return record
        if record is None:
            log.warning(
                N_("message %(id)s had no audio at air time: rendering now"), {"id": message.id}
            )
        else:
            log.warning(
                N_("message %(id)s: cached audio %(path)s changed or vanished: rendering again"),
                {"id": message.id, "path": record.path},
            )
        return self.render(message, force=record is not None)

    def airing_version(self, message: Message) -> Message:
        """``message`` when it is an approved version, else the version of it that airs;
        ``Conflict`` when none does."""
        if message.status == MessageStatus.APPROVED and message.version == (
            message.approved_version
        ):
            return message
        with db.read_session(self.station.engine) as s:
            approved = versions.approved_message(s, self.station.scope, message.id)
        if approved is None:
            raise Conflict(N_("message {id} has no approved version to air"), id=message.id)
        return approved

    def pending(self, ids: Iterable[int] | None = None) -> list[Message]:
        """Approved versions of the messages that air (or the given ids) without a current
        render."""
        messages = [m for m in self.messages_for(ids) if not m.is_relay]
        current = self._current_of(messages)
        return [m for m in messages if m.id not in current]

    def messages_for(self, ids: Iterable[int] | None) -> list[Message]:
        """The given messages, each as the version that airs when one does, else as its
        working copy (``NotFound`` for an unknown id); or every message's version that
        airs."""
        if ids is None:  # relays air live: none has audio to render
            return [m for m in self.station.listings.approved_messages() if not m.is_relay]
        found = []
        scope = self.station.scope
        with db.read_session(self.station.engine) as s:
            for mid in ids:
                approved = versions.approved_message(s, scope, mid)
                if approved is None:
                    row = s.scalar(
                        select(MessageRow).where(MessageRow.id == mid, scope.orm(MessageRow))
                    )
                    if row is None:
                        raise NotFound(N_("no message {id}"), id=mid)
                    every = repo.all_block_codes(s, scope) if row.all_blocks else ()
                    approved = repo.to_message(row, self.station.station_id, every)
                found.append(approved)
        return found

    def keep_keys(self) -> set[str]:
        """Cache keys that active (draft or approved) messages still need."""
        with db.read_session(self.station.engine) as s:
            rows = s.execute(
                select(RenderRow.key)
                .join(MessageRow, MessageRow.id == RenderRow.message_id)
                .where(self.station.scope.orm(RenderRow))
                .where(MessageRow.status.in_([MessageStatus.APPROVED.value, "draft"]))
            )
            return {key for (key,) in rows}
