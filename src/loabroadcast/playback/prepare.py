"""Settling a programme ahead of its instant: the plan, the claims, the verified audio.

The database plans; the instant belongs to the player. Everything an item needs is read
here, ahead, by a store worker with a deadline: when the store does not answer in time
(locked, full, gone), the last answer it gave is used instead (the plan the reconciler
read, the messages, renders and zones seen before), and the item airs as planned.
Audio is read once and verified in memory against the approved render
(:func:`~loabroadcast.playback.pcm.load_air_audio`): those bytes, and only those, air.

What airs of a message is its approved version, never the working copy (an edit waiting
for approval does not air): the version is read when the item is claimed, its row id goes
into the claim (and so into the as-run row, even one written back from the journal later),
and the item airs that version's title, blocks and audio.

A relay's "audio" is its live source (:mod:`~loabroadcast.playback.relaying`): settling
the item starts connecting to it, so that a few seconds wait in its ring by the instant.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ..domain import Message, Programme, ProgrammeItem, RenderRecord
from ..errors import AudioChanged, AudioError, Conflict, LoaError, StoreError
from ..i18n import N_, dates, said
from ..i18n.records import keep
from .pcm import AirAudio, load_air_audio
from .relaying import RelayAudio, load_fallback_or_silence, open_relay

log = logging.getLogger("loabroadcast.player")


class StoreSlow(StoreError):
    """The store did not answer within the time the air could spare."""


@dataclass
class Prepared:
    """An item ready for air: its claim, its verified audio, its zones."""

    item: ProgrammeItem
    key: str
    attempt: int
    version_id: int | None = None  # the message version claimed (None: not known then)
    message: Message | None = None  # that version, as a message
    audio: AirAudio | RelayAudio | None = None
    aired_s: float = 0.0  # a relay pre-empted in this occurrence: how much of it aired
    zones: frozenset[int] = frozenset()
    error: LoaError | None = None  # it cannot air: logged failed with this reason

    def release_audio(self) -> None:
        if self.audio is not None:
            self.audio.close()


class Preparer:
    """Reads for the player through a store worker with a deadline, and remembers the last
    good answers to air from when the store stops answering."""

    def __init__(
        self,
        station,
        renderer,
        asrun,
        *,
        rate: int,
        spool_dir: Path | None = None,
        wait_s: float = 2.0,
        on_error: Callable[[str], None] = lambda _text: None,
    ):
        self.station = station
        self.renderer = renderer
        self.asrun = asrun
        self.rate = rate
        self.spool_dir = spool_dir
        self.wait_s = wait_s
        self.on_error = on_error
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="store-read")
        self._plans: dict[tuple[str, date], Programme] = {}
        self._airing: dict[int, tuple[int, Message] | None] = {}  # message -> what airs
        self._versions: dict[int, Message] = {}  # version id -> that version (frozen)
        self._renders: dict[int, RenderRecord] = {}
        self._zone_of: dict[str, int | None] = {}
        self._sources: dict[str, Any] = {}  # code -> domain.content.Source, last read
        self._fallback: Any = None  # [relay] fallback's samples, read once

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    # -- the store, with a deadline --------------------------------------------------------

    def ask(self, fn: Callable[..., Any], *args: Any, wait_s: float | None = None) -> Any:
        """``fn(*args)`` on a store worker; ``StoreSlow`` when it takes longer than
        ``wait_s`` (it goes on in the background; its answer is dropped)."""
        future = self._pool.submit(fn, *args)
        try:
            return future.result(timeout=self.wait_s if wait_s is None else wait_s)
        except FutureTimeout:
            raise StoreSlow(N_("the database did not answer in time")) from None

    def remember(self, programmes: list[Programme]) -> None:
        """The reconciler's plan: what airs when the store cannot be asked. Plans of days
        before the day ahead of the earliest one given are forgotten (a daemon runs for
        months)."""
        for p in programmes:
            self._plans[(p.slot.code, p.occurrence.day)] = p
        if programmes:
            keep_from = min(p.occurrence.day for p in programmes) - timedelta(days=1)
            for key in [k for k in self._plans if k[1] < keep_from]:
                del self._plans[key]

    def programme(self, slot: str, day: date, wait_s: float | None = None) -> Programme | None:
        try:
            found = next(
                (p for p in self.ask(self.station.schedule, day, 1, wait_s=wait_s)
                 if p.slot.code == slot),
                None,
            )  # fmt: skip
        except LoaError as err:
            self.on_error(
                said("programme {slot} {day}: {reason}", slot=slot, day=dates.day(day), reason=err)
            )
            log.warning("programme %s %s read from memory: %s", slot, day, err)
            return self._plans.get((slot, day))
        if found is not None:
            self._plans[(slot, day)] = found
        else:
            self._plans.pop((slot, day), None)
        return found

    def states(self, prefix: str, wait_s: float | None = None) -> dict[str, tuple[str, str]]:
        """key -> (status, owner) of the as-run rows of an occurrence; {} when unknown."""
        try:
            return self.ask(self.asrun.known_states, prefix, wait_s=wait_s)
        except LoaError as err:
            log.warning("as-run state of %s unknown: %s", prefix, err)
            return {}

    def zones(self, blocks: tuple[str, ...], wait_s: float | None = None) -> frozenset[int]:
        try:
            self._zone_of = {b.code: b.zone for b in self.ask(self.station.blocks, wait_s=wait_s)}
        except LoaError as err:
            log.warning("zones from memory: %s", err)
        return frozenset(z for z in (self._zone_of.get(code) for code in blocks) if z)

    def airing_versions(
        self, message_ids, wait_s: float | None = None
    ) -> dict[int, tuple[int, Message] | None]:
        """message id -> (version id, that version) of the version that airs now, None
        when none does; read in one go, from memory when the store does not answer (an id
        missing from the answer: not known at all)."""
        ids = list(dict.fromkeys(message_ids))
        try:
            found = self.ask(lambda: [self.station.airing_version(m) for m in ids], wait_s=wait_s)
        except LoaError as err:
            log.warning("approved versions of %s from memory: %s", ids, err)
            return {m: self._airing[m] for m in ids if m in self._airing}
        for mid, answer in zip(ids, found, strict=True):
            self._remember(mid, answer)
        return dict(zip(ids, found, strict=True))

    def _remember(self, message_id: int, answer: tuple[int, Message] | None) -> None:
        self._airing[message_id] = answer
        if answer is not None:
            self._versions[answer[0]] = answer[1]

    def version(self, version_id: int, wait_s: float | None = None) -> Message:
        """Message version ``version_id`` (what a claim recorded); versions are frozen, so
        one read is kept."""
        if version_id not in self._versions:
            self._versions[version_id] = self.ask(
                self.station.version_message, version_id, wait_s=wait_s
            )
        return self._versions[version_id]

    def warm(self, message_ids) -> None:
        """Remember the approved versions of these messages and their renders: what airs
        if the store is gone when their time comes (the blocks' zones too)."""
        self.zones(())
        for message_id, found in self.airing_versions(message_ids).items():
            if found is None:
                continue
            try:
                if found[1].is_relay:  # nothing rendered: its source is what it needs
                    self.source(found[1].relay_source or "")
                    continue
                self._current(found[1], None)
            except LoaError as err:
                log.warning("cannot read the audio of message %s ahead: %s", message_id, err)

    # -- audio ---------------------------------------------------------------------------

    def ready(self, prepared: Prepared, wait_s: float | None = None) -> Prepared:
        """Message, zones and verified audio of ``prepared`` (``error`` set when it
        cannot air)."""
        mid = prepared.item.message_id
        try:
            prepared.message = self._airs(prepared, wait_s)
            prepared.zones = self.zones(prepared.item.blocks or prepared.message.blocks, wait_s)
            if prepared.message.is_relay:
                prepared.audio = self.relay(prepared.message, prepared.aired_s, wait_s)
            else:
                prepared.audio = self.audio(prepared.message, wait_s)
        except AudioChanged as err:
            prepared.error = err
            self._flag(mid, err)
        except (LoaError, OSError) as err:
            prepared.error = err if isinstance(err, LoaError) else AudioError(str(err))
        return prepared

    def _airs(self, prepared: Prepared, wait_s: float | None) -> Message:
        """The version ``prepared`` claimed, or (none recorded) the one that airs now."""
        if prepared.version_id is not None:
            return self.version(prepared.version_id, wait_s)
        mid = prepared.item.message_id
        try:
            found = self.ask(self.station.airing_version, mid, wait_s=wait_s)
        except StoreError as err:
            if mid not in self._airing:
                raise
            log.warning("approved version of message %s from memory: %s", mid, err)
            found = self._airing[mid]
        else:
            self._remember(mid, found)
        if found is None:
            raise Conflict(N_("message {id} has no approved version to air"), id=mid)
        prepared.version_id, message = found
        return message

    def audio(self, message: Message, wait_s: float | None = None) -> AirAudio:
        """The approved audio of ``message``, read once and verified; rendered again when
        the file changed or vanished (logged: air time should never have to render)."""
        record = self._current(message, wait_s)
        if record is not None:
            try:
                return self._load(record)
            except AudioChanged:
                log.warning(
                    "message %s: cached audio %s changed or vanished: rendering again",
                    message.id,
                    record.path,
                )
            except AudioError as err:
                log.warning("message %s: %s: changed or vanished: rendering again",
                            message.id, err)  # fmt: skip
        else:
            log.warning(
                N_("message %(id)s had no audio at air time: making it now"), {"id": message.id}
            )
        record = self.renderer.render(message, force=record is not None)
        self._renders[message.id] = record
        return self._load(record)

    # -- relays --------------------------------------------------------------------------

    def relay(self, message: Message, aired_s: float = 0.0, wait_s: float | None = None):
        """A relay's live source, connecting from now on, for what is left of its length
        (all of it, unless it was pre-empted after ``aired_s`` seconds)."""
        source = self.source(message.relay_source or "", wait_s)
        settings = self.station.settings.relay
        if self._fallback is None:
            self._fallback = load_fallback_or_silence(settings.fallback, self.rate, self.on_error)
        seconds = max(0.0, float(message.duration_s or 0.0) - aired_s)
        return open_relay(
            source, settings, self._fallback, rate=self.rate, seconds=seconds,
            clock=self.station.clock, message_id=message.id,
        )  # fmt: skip

    def source(self, code: str, wait_s: float | None = None):
        """Source ``code`` (from memory when the store does not answer in time)."""
        from ..store.sources import read_source

        try:
            found = self.ask(
                read_source, self.station.engine, self.station.scope, code, wait_s=wait_s
            )
        except StoreError as err:
            if code not in self._sources:
                raise
            log.warning("source %s from memory: %s", code, err)
            return self._sources[code]
        if found is None:
            raise Conflict(N_("no source {code} to relay"), code=code)
        self._sources[code] = found
        return found

    def _current(self, message: Message, wait_s: float | None) -> RenderRecord | None:
        try:
            record = self.ask(self.renderer.current, message, wait_s=wait_s)
        except StoreError as err:
            log.warning("render of message %s from memory: %s", message.id, err)
            return self._renders.get(message.id)
        if record is not None:
            self._renders[message.id] = record
        return record

    def _load(self, record: RenderRecord) -> AirAudio:
        return load_air_audio(record.path, record.sha256, rate=self.rate, spool_dir=self.spool_dir)

    def _flag(self, message_id: int, reason: object) -> None:
        log.error(N_("message %(id)s refused: %(reason)s"), {"id": message_id, "reason": reason})
        self.on_error(reason)  # it names the message
        try:
            self.ask(self.station.flag, message_id, keep(reason))
        except LoaError as err:
            log.warning("cannot flag message %s: %s", message_id, err)
