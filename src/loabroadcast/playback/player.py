"""Plays slot occurrences and emergencies: the entry points of the air path.

A slot occurrence is run by :class:`~loabroadcast.playback.occurrence.OccurrenceRun`
(settled ahead, item after item on one stream). An emergency (phát ngay) pre-empts what
plays on the same stream: it cuts the item on air (logged pre-empted; it airs again from
its start afterwards), switches the zones once the cut has reached the card, and goes on
air a moment later; with nothing on air it goes on air at once. Emergencies take turns.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from ..clock import Clock
from ..domain import Priority, ProgrammeItem
from ..errors import LoaError
from ..i18n import N_, Lazy, dates
from ..store.airings import occurrence_key, play_now_key
from .airing import Follower, Live
from .ledger import Ledger
from .occurrence import OccurrenceRun
from .onair import PREEMPTED, OnAir
from .outcome import Outcome
from .prepare import Prepared, Preparer

log = logging.getLogger("loabroadcast.player")

EMERGENCY_GAP_S = 0.1  # between the cut item's last frame and the emergency: relays switch


@dataclass(frozen=True)
class PlayerConfig:
    grace: timedelta = timedelta(minutes=15)
    gap_s: float = 2.0
    overrun_s: float = 5.0  # an item may end this much after the slot's end
    stream_lead_s: float = 0.5  # the stream opens this long before its first frame
    next_lead_s: float = 3.0  # the next item is chosen this long before the current ends
    claim_wait_s: float = 3.0  # the database's answers waited for when a programme settles
    next_wait_s: float = 1.0  # ... and at an item boundary
    progress_s: float = 2.0  # an airing's end is stamped this often while it plays
    silence_db: float = -40.0  # the dead-air guard: quieter than this (dBFS) ...
    silence_s: float = 10.0  # ... for longer than this while an item plays is dead air
    tz: tzinfo | None = None  # the station's, for the times in log lines (None: the PC's)


class Player:
    def __init__(
        self,
        *,
        prep: Preparer,
        ledger: Ledger,
        on_air: OnAir,
        clock: Clock,
        config: PlayerConfig,
        shutdown: threading.Event,
        on_error: Callable[[str], None] = lambda _text: None,
        former_instances: frozenset[str] = frozenset(),
    ):
        self.prep = prep
        self.ledger = ledger
        self.on_air = on_air
        self.clock = clock
        self.cfg = config
        self.shutdown = shutdown
        self.on_error = on_error
        self.former_instances = former_instances  # earlier daemons of this station folder
        self.follower = Follower(
            ledger, on_air, clock, shutdown, config.progress_s, on_error,
            silence_db=config.silence_db, silence_s=config.silence_s, tz=config.tz,
        )  # fmt: skip

    def wait_until(self, moment: datetime) -> bool:
        """Sleep until ``moment`` (wall clock, re-read as we go); False when shutting down."""
        while not self.shutdown.is_set():
            left = (moment - self.clock.now()).total_seconds()
            if left <= 0:
                return True
            self.clock.sleep(min(left, 0.5), self.shutdown)
        return False

    # -- slot occurrences ----------------------------------------------------------------

    def run_occurrence(self, slot: str, day: date) -> None:
        """Settle the occurrence of ``slot`` on ``day`` now, and air it to its end."""
        programme = self.prep.programme(slot, day, self.cfg.claim_wait_s)
        if programme is None or not programme.items:
            return
        occ = programme.occurrence
        now = self.clock.now()
        late = [i for i in programme.items if now > i.start + self.cfg.grace or now >= occ.end]
        run = OccurrenceRun(self, slot, day, occ.end)
        states = self.prep.states(run.prefix, self.cfg.claim_wait_s)
        due = [i for i in programme.items if i not in late]
        wait_s = self._claim_wait(due[0].start if due else now)
        # the version each item airs, read once: it goes into every claim and missed row
        versions = self.prep.airing_versions([i.message_id for i in programme.items], wait_s)
        for item in late:
            if run._standing(item.message_id, states).state == "free":
                found = versions.get(item.message_id)
                self.log_missed(item, slot, day, found[0] if found else None)
        if now >= occ.end:
            return
        if not run.claim(due, wait_s, versions, states):
            return
        self.on_air.acquire()
        try:
            run.air()
        finally:
            run.release_unplayed()
            self.on_air.release()
            self.on_air.idle(self.shutdown)

    def _claim_wait(self, first: datetime) -> float:
        """How long the database's verdicts on the claims may be waited for: never so long
        that the first item would be late."""
        lead = self.on_air.preroll_s + self.cfg.stream_lead_s + 0.5
        budget = (first - self.clock.now()).total_seconds() - lead
        return max(0.1, min(self.cfg.claim_wait_s, budget))

    def log_missed(
        self, item: ProgrammeItem, slot: str, day: date, version_id: int | None = None
    ) -> None:
        key = occurrence_key(slot, day, item.message_id)
        if self.ledger.local(key) is not None:
            return
        fields = self.ledger.claim_fields(item, slot, day, version_id=version_id)
        self.ledger.missed(key, fields, Lazy(N_("the daemon was not running in time")))
        log.warning(
            N_("missed: message %(id)s of %(slot)s %(day)s (the daemon was not running)"),
            {"id": item.message_id, "slot": slot, "day": dates.day(day)},
        )

    # -- emergencies ---------------------------------------------------------------------

    def play_request(self, request_id: int, message_id: int, blocks: tuple[str, ...]) -> Outcome:
        """Pre-empt what is on air and play an emergency now (phát ngay)."""
        key = play_now_key(request_id, message_id)
        if self.ledger.local(key) is not None:
            return Outcome.DUPLICATE
        now = self.clock.now()
        item = ProgrammeItem(message_id, "", Priority.EMERGENCY, tuple(blocks), now, 0.0, True)
        # the message's approved version (never an edit waiting for approval); an item
        # without one fails in one line, logged
        p = self.prep.ready(Prepared(item, key, 0), self.cfg.next_wait_s)
        if p.message is not None and not blocks:
            item = ProgrammeItem(message_id, p.message.title, p.message.priority,
                                 p.message.blocks, now, 0.0, True)  # fmt: skip
            p.item = item
            p.zones = self.prep.zones(item.blocks, self.cfg.next_wait_s)
        fields = self.ledger.claim_fields(item, None, None, version_id=p.version_id,
                                          request_id=request_id)  # fmt: skip
        self.ledger.claim(key, fields)
        if p.error is not None:
            p.release_audio()
            return self.follower.failed_before_air(p, None, p.error)
        self.on_air.raise_urgent()
        try:
            with self.on_air.emergency:
                self.on_air.acquire()
                try:
                    return self._air_emergency(p)
                finally:
                    self.on_air.release()
        finally:
            p.release_audio()  # a relay's source stops whatever happened
            self.on_air.lower_urgent()
            self.on_air.idle(self.shutdown)

    def _air_emergency(self, p: Prepared) -> Outcome:
        on_air = self.on_air
        stream = on_air.stream()
        if not on_air.amp_on:  # nothing on air: amplifier, pre-roll, zones, then at once
            try:
                on_air.power_up(p.zones, self.shutdown, urgent=True)
            except LoaError as err:
                on_air.fail_safe()
                return self.follower.failed_before_air(p, None, err)
            cue = self.follower.cue(p, None)
            stream = on_air.add(cue, urgent=True)
        else:  # cut what plays; the emergency follows its last frame by a moment
            cut_at = on_air.cut_and_wait(PREEMPTED)
            cue = None
            if cut_at is not None:  # queued now, placed on the instant; relays in the gap
                at = max(cut_at, stream.now()) + EMERGENCY_GAP_S
                cue = self.follower.cue(p, None, at=at)
                stream = on_air.add(cue, urgent=True)
                stream.sleep_until(cut_at, threading.Event())
            try:
                on_air.switch(p.zones, urgent=True)
            except LoaError as err:
                if cue is not None:
                    on_air.cut("relay")
                    stream.wait(cue, 1.0)
                on_air.fail_safe()
                return self.follower.failed_before_air(p, None, err)
            if cue is None:
                cue = self.follower.cue(p, None)
                stream = on_air.add(cue, urgent=True)
        live = Live(p, cue, stream, None)
        outcome = self.follower.follow(live)
        self.follower.finish(live, outcome)
        if cue.ended is not None:  # the programme resumes only after the last frame
            stream.sleep_until(cue.ended, self.shutdown)
        p.release_audio()
        return outcome


__all__ = ["Player", "PlayerConfig"]
