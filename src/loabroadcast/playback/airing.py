"""One item on air: its cue on the shared stream, followed to its end, logged as it goes.

The as-run log says what the card did: ``started_at``/``ended_at`` are the instants the
first and last frames reached the card (the stream's timing, mapped to the wall clock),
``underruns`` how often the card ran dry while it played, and while it plays its
``ended_at`` is stamped every few seconds, so an item cut short by a crash keeps how long
it really aired. One daemon log line per airing. Every item is watched for dead air
(:mod:`~loabroadcast.playback.watch`); a relay's source, dropouts and fallback seconds go
into its last line.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from ..clock import Clock
from ..domain import AiringStatus
from ..errors import PlaybackError
from ..i18n import N_, Lazy, said
from ..sources.guard import GuardedReader
from .ledger import Ledger
from .mixer import Cue, CueState
from .onair import PREEMPTED, SHUTDOWN, OnAir
from .outcome import Outcome
from .prepare import Prepared
from .relaying import RelayAudio
from .stream import AirStream
from .watch import Watch

log = logging.getLogger("loabroadcast.player")

WATCH_S = 0.2  # the dead-air guard's levels are looked at this often
# How an item went, in the player's log line
OUTCOME_WORDS = {
    Outcome.PLAYED: N_("played"),
    Outcome.FAILED: N_("failed"),
    Outcome.INTERRUPTED: N_("interrupted"),
    Outcome.PREEMPTED: N_("pre-empted"),
    Outcome.MISSED: N_("missed"),
    Outcome.YIELDED: N_("waits for the emergency"),
    Outcome.RELEASED: N_("not aired"),
    Outcome.DUPLICATE: N_("aired by another daemon"),
}


@dataclass
class Live:
    """A prepared item whose cue is on a stream."""

    prepared: Prepared
    cue: Cue
    stream: AirStream
    slot: str | None
    logged: bool = False
    stamped: float | None = None  # when its progress was last stamped (monotonic)
    error: object = None  # a message object (i18n.records keeps it) or text
    info: dict[str, Any] = field(default_factory=dict)
    watch: Watch | None = None  # the dead-air guard on what it sends to the card

    @property
    def key(self) -> str:
        return self.prepared.key

    def expected_end(self) -> float:
        """When its last frame should reach the card (stream instant)."""
        cue = self.cue
        start = cue.started if cue.started is not None else (cue.at or self.stream.now())
        return start + cue.frames / self.stream.rate


class Follower:
    """Follows cues to their end for the player: logging, progress stamps, outcome."""

    def __init__(
        self,
        ledger: Ledger,
        on_air: OnAir,
        clock: Clock,
        shutdown: threading.Event,
        progress_s: float,
        on_error,
        *,
        silence_db: float = -40.0,
        silence_s: float = 10.0,
        tz: tzinfo | None = None,
    ):
        self.ledger = ledger
        self.on_air = on_air
        self.clock = clock
        self.shutdown = shutdown
        self.progress_s = progress_s
        self.on_error = on_error
        self.silence_db = silence_db
        self.silence_s = silence_s
        self.tz = tz  # log lines show the station's time (None: the PC's)

    def meta(self, p: Prepared, slot: str | None) -> dict[str, Any]:
        m = p.message
        meta = {
            "message_id": p.item.message_id,
            "title": m.title if m else p.item.title,
            "blocks": list(p.item.blocks),
            "zones": sorted(p.zones),
            "slot": slot,
            "key": p.key,
        }
        if isinstance(p.audio, RelayAudio):
            meta["relay_source"] = p.audio.source.code
        return meta

    def cue(self, p: Prepared, slot: str | None, **where: Any) -> Cue:
        """The item's cue; its frames pass the dead-air guard's tap on their way."""
        assert p.audio is not None
        reader = GuardedReader(p.audio.reader(), self.on_air.rate)
        return Cue(reader, meta={"path": str(p.audio.path), **self.meta(p, slot)},
                   **where)  # fmt: skip

    def _watch(self, live: Live) -> Watch | None:
        reader = live.cue.reader
        if not isinstance(reader, GuardedReader):
            return None
        cue, stream = live.cue, live.stream
        relay = live.prepared.audio if isinstance(live.prepared.audio, RelayAudio) else None
        return Watch(
            reader,
            silence_db=self.silence_db,
            silence_s=self.silence_s,
            started=lambda: stream.moment(cue.started) if cue.started is not None else None,
            message_id=live.prepared.item.message_id,
            relay=relay,
            on_error=self.on_error,
        )

    def follow(self, live: Live, until: float | None = None) -> Outcome | None:
        """Until the cue ends (its outcome) or the stream instant ``until`` (None)."""
        if live.stamped is None:
            live.stamped = self.clock.monotonic()
        if live.watch is None:
            live.watch = self._watch(live)
        cut_for_shutdown = False
        while True:
            if not live.logged and live.cue.started is not None:
                self._log_playing(live)
            if live.watch is not None:
                live.watch.poll()
            if live.cue.finished.is_set():
                return self._outcome(live)
            if self.shutdown.is_set() and not cut_for_shutdown:
                cut_for_shutdown = True
                self.on_air.cut(SHUTDOWN)
            now = live.stream.now()
            if until is not None and now >= until:
                return None
            step = self.progress_s - (self.clock.monotonic() - live.stamped)
            step = max(0.001, min(WATCH_S, step if until is None else min(step, until - now)))
            try:
                live.stream.wait(live.cue, max(0.0, step))
            except PlaybackError as err:
                live.error = err
                return Outcome.FAILED
            if live.logged and self.clock.monotonic() - live.stamped >= self.progress_s:
                live.stamped = self.clock.monotonic()
                heard = live.cue.heard_until(live.stream.now(), live.stream.rate)
                if heard is not None and not live.cue.finished.is_set():
                    self.ledger.progress(live.key, live.stream.moment(heard))

    def _outcome(self, live: Live) -> Outcome:
        state = live.cue.state
        if state is CueState.DONE:
            return Outcome.PLAYED
        if live.stream.error is not None:
            live.error = live.stream.error
            return Outcome.FAILED
        reason = self.on_air.cut_reason
        if state is CueState.DROPPED:
            return Outcome.YIELDED if reason == PREEMPTED else Outcome.RELEASED
        return Outcome.PREEMPTED if reason == PREEMPTED else Outcome.INTERRUPTED

    def _log_playing(self, live: Live) -> None:
        live.logged = True
        p, cue = live.prepared, live.cue
        started = live.stream.moment(cue.started)
        live.info = {**self.meta(p, live.slot), "scheduled_at": p.item.start.isoformat(),
                     "started_at": started.isoformat()}  # fmt: skip
        self.on_air.show(live.info)
        version = {} if p.version_id is None else {"message_version_id": p.version_id}
        self.ledger.playing(
            p.key,
            started,
            zones=",".join(str(z) for z in sorted(p.zones)),
            sink=self.on_air.sink.name,
            render_sha256=p.audio.sha256 if p.audio else None,
            **version,  # the version that airs, when the claim could not tell it
        )

    def finish(self, live: Live, outcome: Outcome) -> Outcome:
        """Write how ``live`` ended; release its claim when it never started."""
        cue, p = live.cue, live.prepared
        if self.on_air.now_playing is live.info:
            self.on_air.show(None)
        if cue.started is not None and not live.logged:
            self._log_playing(live)
            self.on_air.show(None)
        if outcome in (Outcome.YIELDED, Outcome.RELEASED):
            if outcome is Outcome.RELEASED:
                self.ledger.release(p.key)
            return outcome
        ended = live.stream.moment(cue.ended) if cue.ended is not None else self.clock.now()
        text = {
            Outcome.PREEMPTED: Lazy(N_("pre-empted by an emergency (phát ngay)")),
            Outcome.INTERRUPTED: Lazy(N_("the daemon was stopped during this item")),
            Outcome.FAILED: live.error,
        }.get(outcome)
        values: dict[str, Any] = {"ended_at": ended, "error": text, "underruns": cue.underruns}
        if cue.started is None:
            values["started_at"] = ended
        if live.watch is None and cue.started is not None:
            live.watch = self._watch(live)
        if live.watch is not None and cue.started is not None:
            values.update(live.watch.finish())
        elif isinstance(p.audio, RelayAudio):
            values.update(p.audio.facts())
        status = outcome.airing_status or AiringStatus.FAILED
        self.ledger.ended(p.key, status, **values)
        if outcome is Outcome.FAILED:
            self.on_error(said("message {id}: {reason}", id=p.item.message_id, reason=text))
        self.report(live, outcome)
        return outcome

    def report(self, live: Live, outcome: Outcome) -> None:
        """One log line for people: how the item went, when it started, how long."""
        cue, p = live.cue, live.prepared
        fields: dict[str, Any] = {
            "id": p.item.message_id,
            "outcome": Lazy(OUTCOME_WORDS.get(outcome, outcome.value)),
            "slot": live.slot or Lazy(N_("play-now")),
            "seconds": f"{cue.played_s(live.stream.rate):.1f}",
            "underruns": cue.underruns,
        }
        if cue.started is None:
            template = N_("message {id} {outcome} ({slot}), {seconds} s, underruns: {underruns}")
        else:
            moment = live.stream.moment(cue.started).astimezone(self.tz)
            fields["start"] = moment.strftime("%H:%M:%S.%f")[:-3]
            template = N_(
                "message {id} {outcome} ({slot}) at {start}, {seconds} s, underruns: {underruns}"
            )
            if cue.at is not None:
                fields["late"] = f"{(cue.started - cue.at) * 1000:+.1f}"
                template = N_(
                    "message {id} {outcome} ({slot}) at {start}, {late} ms from its instant, "
                    "{seconds} s, underruns: {underruns}"
                )
        line = said(template, **fields)
        level = logging.WARNING if cue.underruns or outcome is Outcome.FAILED else logging.INFO
        if live.error:
            log.log(level, N_("%(line)s: %(reason)s"), {"line": line, "reason": live.error})
        else:
            log.log(level, "%(line)s", {"line": line})

    def failed_before_air(self, p: Prepared, slot: str | None, error: object) -> Outcome:
        """An item that could not go on air at all (audio refused, relay stuck)."""
        now: datetime = self.clock.now()
        relay = {"relay_source": p.message.relay_source} if p.message and p.message.is_relay else {}
        self.ledger.ended(
            p.key,
            AiringStatus.FAILED,
            started_at=now,
            ended_at=now,
            zones=",".join(str(z) for z in sorted(p.zones)),
            error=error,
            **relay,
        )
        self.on_error(said("message {id}: {reason}", id=p.item.message_id, reason=error))
        log.error(
            N_("message %(id)s failed (%(slot)s): %(reason)s"),
            {"id": p.item.message_id, "slot": slot or Lazy(N_("play-now")), "reason": error},
        )
        return Outcome.FAILED
