"""One slot occurrence on air: settled ahead, then item after item on one stream.

When its job fires (``prepare_s`` before the slot), the occurrence is settled: the
programme read, every item that is still due claimed (journal first; the database's
verdict waited for briefly), the first item's audio read and verified. The stream opens
just before the first instant, the amplifier and the zones go on for the pre-roll, and the
first item is placed on its instant to the frame.

While item N plays, item N+1 is chosen a few seconds before N ends: the programme is read
again, so a priority message approved during the slot goes in at the next boundary (when
the store does not answer in time, the plan in hand is kept), claimed if new, verified,
and queued on the same stream the configured gap after N's last frame. Zones switch
between the two, after N's last frame has reached the card. An emergency cuts the stream:
the cut item is logged pre-empted and airs again from its start afterwards.

A relay (tiếp âm) starts connecting to its source when it is chosen; it is queued ahead
only once audio comes from the source, and a source that sent nothing by the relay's
instant is logged ``failed`` with its reason while the programme goes on. Pre-empted, a
relay resumes live for what is left of its length.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from ..domain import AiringStatus, ProgrammeItem
from ..errors import LoaError, PlaybackError
from ..i18n import N_, Lazy
from ..store.airings import SETTLED, occurrence_key, occurrence_prefix
from ..store.journal import TAKEN
from .airing import Live
from .mixer import CueState
from .outcome import Outcome
from .prepare import Prepared
from .relaying import RelayAudio

log = logging.getLogger("loabroadcast.player")

BUSY = {AiringStatus.CLAIMED, AiringStatus.PLAYING}  # claimed and not yet done with

RELAY_REST_S = 1.0  # a pre-empted relay with less than this left does not resume


@dataclass
class _Standing:
    attempt: int  # the attempt to air next (0: first airing, N: N-th re-airing)
    state: str  # "free" | "mine" | "done"


class OccurrenceRun:
    def __init__(self, player: Any, slot: str, day: date, end: datetime):
        self.p = player  # the playback.player.Player that runs it (not imported: a circle)
        self.slot = slot
        self.day = day
        self.end = end
        self.prefix = occurrence_prefix(slot, day)
        # keys of this run: "claimed" | "airing" | "done" | "preempted"
        self.mine: dict[str, str] = {}
        self.attempt: dict[int, int] = {}  # message -> the attempt this run airs next
        self.version: dict[str, int | None] = {}  # key -> the message version it claimed
        self.aired: dict[int, float] = {}  # a relay pre-empted: seconds of it aired so far
        self.chosen: list[Prepared] = []  # every item prepared: its audio closed at the end
        self.rate = player.on_air.rate

    # -- claims --------------------------------------------------------------------------

    def _standing(self, message_id: int, states: dict) -> _Standing:
        """Where ``message_id`` stands in this occurrence (database + local journal)."""
        ledger = self.p.ledger
        statuses: list[tuple[str, str | None]] = []
        attempt = 0
        while True:
            key = occurrence_key(self.slot, self.day, message_id, attempt)
            local = ledger.local(key)
            if key in self.mine:
                mine = self.mine[key]
                statuses.append(("mine" if mine == "claimed" else "done" if mine == "airing"
                                 else mine, None))  # fmt: skip
            elif local is not None and local.get("status"):
                statuses.append((str(local["status"]), str(local.get("instance"))))
            elif key in states:
                statuses.append(states[key])
            else:
                break
            attempt += 1
        if not statuses:
            return _Standing(0, "free")
        status, owner = statuses[-1]
        if status == "mine":
            return _Standing(len(statuses) - 1, "mine")
        if status == "done" or status in SETTLED:
            return _Standing(len(statuses) - 1, "done")
        if status in ("preempted", AiringStatus.PREEMPTED.value):
            return _Standing(len(statuses), "free")
        if status in BUSY and (owner == ledger.instance or owner in self.p.former_instances):
            return _Standing(len(statuses) - 1, "free" if status == "claimed" else "done")
        return _Standing(len(statuses) - 1, "done")  # another daemon's

    def claim(
        self,
        items: list[ProgrammeItem],
        wait_s: float,
        versions: dict | None = None,
        states: dict | None = None,
    ) -> list[ProgrammeItem]:
        """Claim every item of ``items`` that is free, each with the message version it
        airs; the items this run may air. ``versions`` and ``states`` (the occurrence's
        claims) when the caller has just read them, else they are read here."""
        if states is None:
            states = self.p.prep.states(self.prefix, wait_s)
        free, ours = [], []
        for item in items:
            standing = self._standing(item.message_id, states)
            if standing.state == "mine":
                ours.append(item)
            elif standing.state == "free":
                free.append((item, standing.attempt))
        if versions is None and free:
            versions = self.p.prep.airing_versions([i.message_id for i, _ in free], wait_s)
        versions = versions or {}
        claimed, entries = [], []
        for item, attempt in free:
            if item.message_id in versions and versions[item.message_id] is None:
                log.info("message %s of %s %s has no approved version any more: not aired",
                         item.message_id, self.slot, self.day)  # fmt: skip
                continue
            found = versions.get(item.message_id)
            version_id = found[0] if found else None
            key = occurrence_key(self.slot, self.day, item.message_id, attempt)
            self.version[key] = version_id
            fields = self.p.ledger.claim_fields(item, self.slot, self.day, version_id=version_id)
            entries.append(self.p.ledger.claim(key, fields))
            claimed.append((item, attempt, key))
        verdicts = self.p.ledger.verdicts(entries, wait_s)
        for (item, attempt, key), verdict in zip(claimed, verdicts, strict=True):
            if verdict == TAKEN:
                log.info("message %s of %s %s is another daemon's", item.message_id,
                         self.slot, self.day)  # fmt: skip
                continue
            if verdict is None:
                log.warning("claim of %s not confirmed by the database in time: airing it; "
                            "the journal keeps it", key)  # fmt: skip
            self.mine[key] = "claimed"
            self.attempt[item.message_id] = attempt
            ours.append(item)
        return ours

    def release_unplayed(self) -> None:
        for key, state in list(self.mine.items()):
            if state == "claimed":
                self.p.ledger.release(key)
                self.mine[key] = "done"
        for prepared in self.chosen:  # a relay's source stops with the run at the latest
            prepared.release_audio()
        self.chosen.clear()

    # -- choosing ------------------------------------------------------------------------

    def choose(self, wait_s: float) -> Prepared | None:
        """The next item to air (re-planned from the store), claimed and ready."""
        programme = self.p.prep.programme(self.slot, self.day, wait_s)
        if programme is None:
            return None
        for item in programme.items:
            key = occurrence_key(self.slot, self.day, item.message_id,
                                 self.attempt.get(item.message_id, 0))  # fmt: skip
            if self.mine.get(key) in ("done", "airing"):
                continue
            if item.message_id in self.aired and (
                self.aired[item.message_id] >= item.duration_s - RELAY_REST_S
            ):
                continue  # a relay pre-empted near its end: nothing left to resume
            if self.mine.get(key) != "claimed" and not self.claim([item], wait_s):
                continue
            key = occurrence_key(self.slot, self.day, item.message_id,
                                 self.attempt.get(item.message_id, 0))  # fmt: skip
            if self.mine.get(key) != "claimed":
                continue
            attempt = self.attempt.get(item.message_id, 0)
            prepared = Prepared(item, key, attempt, version_id=self.version.get(key),
                                aired_s=self.aired.get(item.message_id, 0.0))  # fmt: skip
            self.chosen.append(prepared)
            return self.p.prep.ready(prepared, wait_s)
        return None

    def fits(self, p: Prepared, start: datetime) -> bool:
        duration = p.audio.duration_s if p.audio is not None else p.item.duration_s
        return start + timedelta(seconds=duration - self.p.cfg.overrun_s) <= self.end

    def overflow(self, p: Prepared) -> None:
        if p.attempt:
            log.warning(
                N_("message %(id)s was pre-empted and no longer fits the slot"),
                {"id": p.item.message_id},
            )
            self.p.ledger.ended(
                p.key,
                AiringStatus.MISSED,
                error=Lazy(N_("pre-empted by an emergency; no longer fits the slot (overflow)")),
            )
        else:
            log.warning(
                N_("message %(id)s does not fit the rest of the slot (overflow)"),
                {"id": p.item.message_id},
            )
            self.p.ledger.release(p.key)
        self.mine[p.key] = "done"
        p.release_audio()

    def done(self, p: Prepared) -> None:
        self.mine[p.key] = "done"
        p.release_audio()

    def again(self, p: Prepared, wait_s: float) -> Prepared | None:
        """``p`` pre-empted: its re-airing (the next attempt), claimed."""
        self.done(p)
        self.mine[p.key] = "preempted"
        self.attempt[p.item.message_id] = p.attempt + 1
        return self.choose(wait_s)

    # -- on air --------------------------------------------------------------------------

    def air(self) -> None:
        p = self.p
        pending = self.choose(p.cfg.next_wait_s)
        live: Live | None = None
        last: Live | None = None
        while not p.shutdown.is_set():
            if live is None:
                if pending is None:
                    break
                if pending.error is not None:
                    p.follower.failed_before_air(pending, self.slot, pending.error)
                    self.done(pending)
                    pending = self.choose(p.cfg.next_wait_s)
                    continue
                live = self._start(pending, last)
                if live is None:  # an emergency first, a relay failure, or no room left
                    pending = self._after_no_start(pending)
                    continue
                pending = None
            outcome, queued, pending = self._follow(live)
            p.follower.finish(live, outcome)
            if outcome is Outcome.YIELDED:  # an emergency came before its first frame
                self._unqueue(queued)
                self.mine[live.key] = "claimed"
                pending, live = live.prepared, None
                p.on_air.wait_calm(p.shutdown)
                continue
            self.done(live.prepared)
            last, live = live, None
            if outcome is Outcome.PREEMPTED:
                if isinstance(last.prepared.audio, RelayAudio):  # resumes live, for the rest
                    aired = last.prepared.aired_s + last.cue.played_s(self.rate)
                    self.aired[last.prepared.item.message_id] = aired
                self._unqueue(queued)
                pending = self.again(last.prepared, p.cfg.next_wait_s)
                p.on_air.wait_calm(p.shutdown)
            elif p.shutdown.is_set() or outcome is Outcome.INTERRUPTED:
                self._unqueue(queued)
                break
            elif queued is not None and queued.cue.state is CueState.DROPPED:
                self.mine[queued.key] = "claimed"  # the stream died under it: start afresh
                pending = queued.prepared
            elif queued is not None:
                live = self._switch(queued, last)
                if live is None:
                    pending = self.choose(p.cfg.next_wait_s)
            elif pending is None:
                pending = self.choose(p.cfg.next_wait_s)
        if last is not None and last.cue.ended is not None:
            last.stream.sleep_until(last.cue.ended, p.shutdown)  # the last frame is heard

    def _after_no_start(self, pending: Prepared) -> Prepared | None:
        if self.mine.get(pending.key) == "done":
            return self.choose(self.p.cfg.next_wait_s)
        self.p.on_air.wait_calm(self.p.shutdown)  # an emergency first: then this one
        return pending

    def _start(self, pending: Prepared, last: Live | None) -> Live | None:
        """Put ``pending`` on the stream: the run's first item on its instant after the
        pre-roll; any other (after an emergency, a failure) the gap after the last frame."""
        p = self.p
        now = p.clock.now()
        if last is None:
            at = max(pending.item.start, now)
        else:
            ended = last.cue.ended
            at = max(last.stream.moment(ended) if ended is not None else now, now)
            at += timedelta(seconds=p.cfg.gap_s)
        if not self.fits(pending, at):
            self.overflow(pending)
            return None
        if last is None:
            preroll = 0.0 if p.on_air.amp_on else p.on_air.preroll_s
            p.wait_until(at - timedelta(seconds=preroll + p.cfg.stream_lead_s))
            p.on_air.stream()  # opened now, fed silence until the first frame
        elif last.cue.ended is not None:
            last.stream.sleep_until(last.cue.ended, p.shutdown)
        if isinstance(pending.audio, RelayAudio):
            try:  # audio from the source by the instant (it has been connecting since chosen)
                pending.audio.wait_reachable((at - p.clock.now()).total_seconds())
            except PlaybackError as err:
                p.follower.failed_before_air(pending, self.slot, err)
                self.done(pending)
                return None
        try:  # the pre-roll is the time left before the first frame, never a delay
            if not p.on_air.power_up(pending.zones, p.shutdown, until=at):
                return None  # an emergency has the relays: this item waits for it
        except LoaError as err:
            return self._relay_failed(pending, err)
        if last is None:
            where = {"at": p.on_air.stream().instant(max(at, p.clock.now()))}
        else:
            where = {"gap_s": p.cfg.gap_s}
        return self._queue(pending, where)

    def _queue(self, pending: Prepared, where: dict) -> Live | None:
        cue = self.p.follower.cue(pending, self.slot, **where)
        try:
            stream = self.p.on_air.add(cue)
        except LoaError as err:  # no sound card to open a stream on
            self.p.follower.failed_before_air(pending, self.slot, err)
            self.done(pending)
            return None
        if stream is None:
            return None
        self.mine[pending.key] = "airing"
        return Live(pending, cue, stream, self.slot)

    def _follow(self, live: Live) -> tuple[Outcome, Live | None, Prepared | None]:
        """Follow ``live`` to its end; a few seconds before it, choose the next item and
        queue it the configured gap after ``live``'s last frame. Returns (outcome, the
        next item queued, the next item when it could not be queued)."""
        p = self.p
        outcome = p.follower.follow(live, until=live.expected_end() - p.cfg.next_lead_s)
        queued: Live | None = None
        upcoming: Prepared | None = None
        if outcome is None:
            upcoming = self.choose(p.cfg.next_wait_s)
            if upcoming is not None and upcoming.error is None:
                start = live.stream.moment(live.expected_end()) + timedelta(seconds=p.cfg.gap_s)
                if not self.fits(upcoming, start):
                    self.overflow(upcoming)
                    upcoming = None
                elif isinstance(upcoming.audio, RelayAudio) and not upcoming.audio.live_now:
                    pass  # its source has not sent yet: started after this item, or failed
                else:
                    queued = self._queue(upcoming, {"gap_s": p.cfg.gap_s})
                    if queued is not None:
                        upcoming = None
            outcome = p.follower.follow(live)
        return outcome, queued, upcoming

    def _unqueue(self, queued: Live | None) -> None:
        """A queued next item the cut dropped: it keeps its claim and airs later."""
        if queued is not None and queued.cue.started is None:
            self.mine[queued.key] = "claimed"

    def _switch(self, queued: Live, last: Live) -> Live | None:
        """Zones for ``queued`` once ``last``'s last frame is heard (in the gap)."""
        p = self.p
        if queued.prepared.zones == last.prepared.zones:
            return queued
        if last.cue.ended is not None:
            last.stream.sleep_until(last.cue.ended, p.shutdown)
        try:
            if not p.on_air.switch(queued.prepared.zones):
                return queued  # an emergency cut in: its cut drops this cue, handled there
        except LoaError as err:
            p.on_air.cut("relay")
            queued.stream.wait(queued.cue, 1.0)
            return self._relay_failed(queued.prepared, err)
        return queued

    def _relay_failed(self, pending: Prepared, err: LoaError) -> None:
        self.p.follower.failed_before_air(pending, self.slot, err)
        self.p.on_air.fail_safe()
        self.done(pending)
        return None
