"""Announcements from draft to approval, with their versions and audit rows.

Every add or edit that changes a message makes a new version (``domain.versions``);
approving approves the newest and makes it the one that airs. A message edited after
approval is a draft again but airs its approved version until the edit is approved (or
rejected: then the approved version airs on, and the working copy goes back to it).

A message belongs to the station that wrote it: only there is it edited, approved,
rejected or cancelled. It is sent to one or more stations (``--stations``), each of which
sees it, plans it and airs it with its own blocks and slots of the codes it names.
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import replace

from sqlalchemy import select

from ..domain import Message, MessageStatus, Priority
from ..domain import parse as p
from ..domain.audit import find_approver
from ..domain.versions import MessageVersion
from ..drafts import MessageDraft, Saved
from ..errors import Conflict, InvalidInput, LoaError, NotFound
from ..i18n import N_, said
from ..labels import status_word
from ..store import db, repo, versions
from ..store import stations as station_rows
from ..store.models import BlockRow, MessageRow, SlotRow, StationRow
from . import drafting
from .approval import approve_row, content, recording_of, relay_fit, state
from .base import StationContext
from .work import Actor


class Messages:
    """The messages of one station."""

    def __init__(self, ctx: StationContext):
        self.ctx = ctx

    # writing ------------------------------------------------------------------

    def add(self, draft: MessageDraft) -> Saved:
        if not draft.title or not p.nfc(draft.title).strip():
            raise InvalidInput(N_("{option} is empty"), option="--title")
        given = [x for x in (draft.text, draft.audio, draft.relay) if x is not None]
        if len(given) != 1:
            raise InvalidInput(
                N_("give the message one of a text, an audio file or a relay (--relay CODE)")
            )
        if not draft.blocks:
            raise InvalidInput(N_("--blocks is required (block codes, or 'all')"))
        if not draft.slots:
            raise InvalidInput(N_("--slots is required (slot codes)"))
        draft = replace(
            draft,
            priority=draft.priority or Priority.NORMAL,
            repeat=1 if draft.repeat is None else draft.repeat,
        )
        targets = self._targets(draft)
        ids = tuple(t.id for t in targets)
        with self.ctx.work("msg add", draft.by, also=ids) as uow:
            s, now = uow.session, uow.now
            row = MessageRow(
                station_id=self.ctx.station_id,
                status=MessageStatus.DRAFT.value,
                created_at=now,
                created_by=uow.actor.name,
                updated_at=now,
            )
            stations = list(s.scalars(select(StationRow).where(StationRow.id.in_(ids))))
            if len(stations) != len(ids):
                raise Conflict(N_("a station was removed meanwhile: try again"))
            row.stations = stations
            done = drafting.apply(self.ctx, s, row, draft, creating=True, stations=stations)
            s.add(row)
            s.flush()
            versions.snapshot(
                s, row, by=uow.actor.name, now=now, recording_sha256=done.recording_sha256
            )
            uow.record(f"msg:{row.id}", None, state(row, done.recording_sha256))
            return Saved(self._message(s, row), done.warnings + relay_fit(row))

    def _targets(self, draft: MessageDraft) -> list[station_rows.StationRef]:
        """The stations a new message is sent to: this one unless ``draft.stations`` says."""
        if not draft.stations:
            return [self.ctx.station]
        if [c.lower() for c in draft.stations] == [station_rows.ALL]:
            targets = self.ctx.listings.stations(station_rows.ALL)
        else:
            targets = [self.ctx.listings.stations(code)[0] for code in draft.stations]
        if draft.audio is not None and [t.id for t in targets] != [self.ctx.station_id]:
            raise InvalidInput(
                N_(
                    "a recording stays in this station's folder, where other stations cannot "
                    "play it: send them a text, or add the recording at each station"
                )
            )
        return targets

    def sent_to(self, message_id: int) -> tuple[int, ...]:
        """The ids of the stations a message is sent to (none when it is not sent here):
        a change of it re-plans them all, and locks them first, in order."""
        with db.read_session(self.ctx.engine) as s:
            row = s.scalar(
                select(MessageRow).where(
                    MessageRow.id == message_id, self.ctx.scope.orm(MessageRow, seen=True)
                )
            )
            return tuple(st.id for st in row.stations) if row is not None else ()

    def stations_of(self, message_id: int) -> tuple[str, tuple[str, ...]]:
        """(the station the message belongs to, the stations it is sent to), by code."""
        with db.read_session(self.ctx.engine) as s:
            row = self._row(s, message_id)
            owner = s.get(StationRow, row.station_id)
            return owner.code, tuple(st.code for st in row.stations)

    def edit(self, message_id: int, draft: MessageDraft) -> Saved:
        if draft.stations is not None:
            raise InvalidInput(
                N_("the stations of a message cannot change: cancel it and add a new one")
            )
        with self.ctx.work("msg edit", draft.by, also=self.sent_to(message_id)) as uow:
            s = uow.session
            row = self._own_row(s, message_id)
            if row.status in (MessageStatus.CANCELLED, MessageStatus.EXPIRED):
                raise Conflict(
                    N_("message {id} is {status}; it cannot be edited"),
                    id=message_id,
                    status=status_word(row.status),
                )
            if sum(x is not None for x in (draft.text, draft.audio, draft.relay)) > 1:
                raise InvalidInput(
                    N_("give one of a text, an audio file or a relay (--relay CODE), not more")
                )
            before = state(row)
            previous = versions.get(s, row.id, row.version)
            done = drafting.apply(self.ctx, s, row, draft, creating=False)
            sha = done.recording_sha256
            if sha is None and previous is not None and previous.audio_path == row.audio_path:
                sha = previous.recording_sha256
            if content(state(row, sha)) == content(before | recording_of(previous)):
                s.expire(row)  # nothing changed: no new version, no audit row
                row = self._row(s, message_id)
                note = said("nothing changed in message {id}", id=message_id)
                return Saved(self._message(s, row), done.warnings, (note,))
            row.updated_at = uow.now
            notes = self._back_to_draft(row)
            versions.snapshot(s, row, by=uow.actor.name, now=uow.now, recording_sha256=sha)
            if row.approved_version is not None and row.status == MessageStatus.DRAFT.value:
                notes += (
                    said(
                        "message {id} keeps airing version {approved} until version {new} "
                        "is approved",
                        id=message_id,
                        approved=row.approved_version,
                        new=row.version,
                    ),
                )
            uow.record(f"msg:{message_id}", before | recording_of(previous), state(row, sha))
            return Saved(self._message(s, row), done.warnings + relay_fit(row), notes)

    def _back_to_draft(self, row: MessageRow) -> tuple[str, ...]:
        if row.status == MessageStatus.DRAFT.value:
            return ()
        was = row.status
        row.status = MessageStatus.DRAFT.value
        row.rejected_reason = None
        if was == MessageStatus.APPROVED.value:
            return ()  # the approved version airs on: said by the caller
        return (
            said(
                "message {id} was {status}; it is a draft again", id=row.id, status=status_word(was)
            ),
        )

    def approve(self, message_id: int, by: str | None = None) -> Saved:
        actor = self.ctx.actor.named(by)
        actor = replace(actor, name=self.approver(actor))  # as [roles] spells it
        approver = actor.name
        render = self.ctx.settings.speech.render_on_approve
        with ExitStack() as aside:
            renderer = self._check_speech(message_id, aside) if render else None
            with self.ctx.work("msg approve", actor=actor, also=self.sent_to(message_id)) as uow:
                s = uow.session
                row = self._own_row(s, message_id)
                if row.status == MessageStatus.APPROVED.value:
                    return Saved(
                        self._message(s, row),
                        (),
                        (said("message {id} is already approved", id=message_id),),
                    )
                before = state(row)
                approve_row(self.ctx, uow, row, approver)
                uow.record(f"msg:{message_id}", before, state(row))
                warnings = self.ctx.text_warnings(row.text) if row.text else ()
                saved = Saved(self._message(s, row), warnings)
            if renderer is None or saved.message.is_relay:  # a relay airs live: no render
                return saved
            try:
                record = renderer.render(saved.message)
            except LoaError as err:
                note = said(
                    "audio not rendered yet ({reason}); `loa render` or the daemon will retry",
                    reason=err,
                )
                return replace(saved, notes=(note,))
        seconds = f"{record.duration_s:.1f}"
        if record.fallback:
            note = said(
                "rendered {seconds} s of audio with {engine} (fallback)",
                seconds=seconds,
                engine=record.engine,
            )
        else:
            note = said(
                "rendered {seconds} s of audio with {engine}", seconds=seconds, engine=record.engine
            )
        return replace(saved, notes=(note,))

    def _check_speech(self, message_id: int, aside: ExitStack):
        """The renderer for after approval, once the text about to be approved was spoken
        aside (nothing written to the station before the approval) and found audible:
        ``SilentAudio`` refuses the approval. An engine that cannot speak now is no reason
        to refuse: the render after approval says so."""
        from ..rendering import Renderer
        from ..sources.levels import SilentAudio

        renderer = Renderer(self.ctx)
        working = self.message(message_id)
        if working.text and working.status == MessageStatus.DRAFT:
            try:
                aside.enter_context(renderer.speech_aside(working))
            except SilentAudio:
                raise
            except LoaError:
                pass
        return renderer

    def approver(self, actor: Actor) -> str:
        """The name an approval is recorded under; with ``[roles] approvers`` set, only
        one of them, named with ``--by``."""
        approvers = self.ctx.settings.roles.approvers
        if not approvers:
            return actor.name
        names = ", ".join(approvers)
        if not actor.given:
            raise Conflict(
                N_("only an approver can approve: give --by NAME, one of {names}"), names=names
            )
        found = find_approver(actor.name, approvers)
        if found is None:
            raise Conflict(
                N_("{name} is not an approver ([roles] approvers: {names})"),
                name=actor.name,
                names=names,
            )
        return found

    def reject(self, message_id: int, reason: str, by: str | None = None) -> Saved:
        reason = p.nfc(reason).strip()
        if not reason:
            raise InvalidInput(N_("{option} is empty"), option="--reason")
        with self.ctx.work("msg reject", by, also=self.sent_to(message_id)) as uow:
            s = uow.session
            row = self._own_row(s, message_id)
            if row.status not in (MessageStatus.DRAFT.value, MessageStatus.APPROVED.value):
                raise Conflict(
                    N_("message {id} is {status}; it cannot be rejected"),
                    id=message_id,
                    status=status_word(row.status),
                )
            before = state(row)
            version = versions.get(s, row.id, row.version)
            if version is not None:
                version.rejected_by, version.rejected_at = uow.actor.name, uow.now
                version.rejected_reason = reason
            notes: tuple[str, ...] = ()  # i18n.said: shown translated, English in --json
            if row.status == MessageStatus.DRAFT.value and row.approved_version not in (
                None,
                row.version,
            ):
                rejected = row.version
                self._restore(s, row, versions.get(s, row.id, row.approved_version))
                notes = (
                    said(
                        "version {rejected} of message {id} is rejected; "
                        "version {approved} airs on",
                        rejected=rejected,
                        id=message_id,
                        approved=row.approved_version,
                    ),
                )
            else:
                row.status = MessageStatus.REJECTED.value
                row.rejected_reason = reason
                row.approved_at = None
                row.approved_by = None
                row.approved_version = None
            uow.record(f"msg:{message_id}", before, state(row) | {"rejected": reason})
            return Saved(self._message(s, row), (), notes)

    def _restore(self, s, row: MessageRow, v) -> None:
        """The working copy back to version ``v`` (approved, airing)."""
        if row.audio_path != v.audio_path and v.audio_path:
            from ..speech.audio import probe_duration

            row.audio_duration_s = probe_duration(v.audio_path)
        for name in (
            "title",
            "text",
            "audio_path",
            "content_kind",
            "relay_source",
            "duration_s",
            "all_blocks",
            "valid_from",
            "valid_until",
            "priority",
            "repeat",
            "max_airings",
            "category",
            "source",
        ):
            setattr(row, name, getattr(v, name))
        sent = [st.id for st in row.stations]
        codes = [c for c in v.blocks.split(",") if c]
        row.blocks = list(
            s.scalars(
                select(BlockRow).where(BlockRow.code.in_(codes), BlockRow.station_id.in_(sent))
            )
        )
        codes = [c for c in v.slots.split(",") if c]
        row.slots = list(
            s.scalars(select(SlotRow).where(SlotRow.code.in_(codes), SlotRow.station_id.in_(sent)))
        )
        row.status = MessageStatus.APPROVED.value
        row.version = v.number
        row.updated_at = self.ctx.now()

    def cancel(self, message_id: int, by: str | None = None) -> Message:
        with self.ctx.work("msg cancel", by, also=self.sent_to(message_id)) as uow:
            s = uow.session
            row = self._own_row(s, message_id)
            if row.status == MessageStatus.CANCELLED.value:
                raise Conflict(N_("message {id} is already cancelled"), id=message_id)
            before = state(row)
            row.status = MessageStatus.CANCELLED.value
            uow.record(f"msg:{message_id}", before, state(row))
            return self._message(s, row)

    def expire(self) -> int:
        """Mark messages sent to the station whose last day has passed (and their approved
        version's) as expired."""
        today = self.ctx.today()
        scope = self.ctx.scope
        past = (
            select(MessageRow)
            .where(scope.orm(MessageRow, seen=True))
            .where(MessageRow.status.in_(versions.AIRING_STATUSES))
            .where(MessageRow.valid_until < today)
        )
        with db.read_session(self.ctx.engine) as s:  # their stations are locked below
            owners = tuple({row.station_id for row in s.scalars(past)})
        if not owners:
            return 0
        with self.ctx.work("expire", also=owners) as uow:
            s = uow.session
            rows = s.scalars(past.where(MessageRow.station_id.in_(owners))).all()
            expired = 0
            for row in rows:
                airing = versions.get(s, row.id, row.approved_version)
                if (
                    row.status == MessageStatus.DRAFT.value
                    and airing is not None
                    and (airing.valid_until is None or airing.valid_until >= today)
                ):
                    continue  # the approved version still airs
                before = state(row)
                row.status = MessageStatus.EXPIRED.value
                uow.record(f"msg:{row.id}", before, state(row))
                expired += 1
            return expired

    def flag(self, message_id: int, reason: str) -> None:
        """Mark a message whose approved version the daemon refused to air (a changed
        recording); approving a version of it again clears the flag."""
        with self.ctx.work("flag") as uow:
            row = self._row(uow.session, message_id)
            if row.flagged == reason:
                return
            uow.record(
                f"msg:{message_id}", {"flagged": row.flagged}, {"flagged": reason}, plan=False
            )
            row.flagged = reason

    # reading ------------------------------------------------------------------

    def flagged(self) -> list[tuple[int, str, str]]:
        """(id, title, reason) of messages on air whose approved version the daemon
        refused to air."""
        with db.read_session(self.ctx.engine) as s:
            rows = s.execute(
                select(MessageRow.id, MessageRow.title, MessageRow.flagged)
                .where(self.ctx.scope.orm(MessageRow))
                .where(MessageRow.flagged.is_not(None))
                .where(MessageRow.status.in_(versions.AIRING_STATUSES))
                .order_by(MessageRow.id)
            )
            return [tuple(r) for r in rows]

    def message(self, message_id: int) -> Message:
        """The working copy (the newest version, approved or not)."""
        with db.read_session(self.ctx.engine) as s:
            return self._message(s, self._row(s, message_id))

    def approved(self, message_id: int) -> Message | None:
        """The version of ``message_id`` that airs (None when none does): what the player
        renders and airs. ``NotFound`` for an unknown id."""
        with db.read_session(self.ctx.engine) as s:
            self._row(s, message_id)
            return versions.approved_message(s, self.ctx.scope, message_id)

    def airing(self, message_id: int) -> tuple[int, Message] | None:
        """(row id, message) of the version of ``message_id`` that airs; None when none
        does. The id goes into the as-run row of the item that airs it."""
        with db.read_session(self.ctx.engine) as s:
            self._row(s, message_id)
            return versions.approved_version(s, self.ctx.scope, message_id)

    def at_version(self, version_id: int) -> Message:
        """Version ``version_id`` (an airing's ``message_version_id``) as a Message."""
        with db.read_session(self.ctx.engine) as s:
            found = versions.message_of(s, self.ctx.scope, version_id)
        if found is None:
            raise NotFound(N_("no message version {id}"), id=version_id)
        return found

    def versions(self, message_id: int) -> list[MessageVersion]:
        with db.read_session(self.ctx.engine) as s:
            self._row(s, message_id)
        return self.ctx.listings.versions(message_id)

    # helpers --------------------------------------------------------------------

    def _row(self, s, message_id: int) -> MessageRow:
        """A message sent to the station or written there (another station's is not)."""
        row = s.scalar(
            select(MessageRow).where(
                MessageRow.id == message_id, self.ctx.scope.orm(MessageRow, seen=True)
            )
        )
        if row is None:
            raise NotFound(N_("no message {id}"), id=message_id)
        return row

    def _own_row(self, s, message_id: int) -> MessageRow:
        """A message the station wrote: only there is it changed."""
        row = self._row(s, message_id)
        if row.station_id != self.ctx.station_id:
            owner = s.get(StationRow, row.station_id)
            raise Conflict(
                N_("message {id} belongs to station {station}: change it there"),
                id=message_id,
                station=owner.code if owner is not None else "?",
            )
        return row

    def _message(self, s, row: MessageRow) -> Message:
        every = repo.all_block_codes(s, self.ctx.scope) if row.all_blocks else ()
        return repo.to_message(row, self.ctx.station_id, every)
