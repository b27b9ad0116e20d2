"""Plays one slot occurrence, or one emergency, to the sink and the zones.

The programme is re-planned from the store at every item boundary, so a priority
message approved while the slot is on air goes in at the next boundary, and a
cancelled one drops out. Each item is claimed in the store before it airs (a claim
is unique per station, slot, date and message), so a restart or a second daemon
never airs it twice. As-run updates go through a writer thread: a CLI holding the
database for seconds never delays the next item.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ..clock import Clock
from ..domain import AiringStatus, Message, Programme, ProgrammeItem
from ..errors import LoaError, ZoneError
from ..store.airings import SETTLED, AsRun, occurrence_key

log = logging.getLogger("loabroadcast.player")

PREEMPTED = "preempted"
SHUTDOWN = "shutdown"


@dataclass(frozen=True)
class PlayerConfig:
    station: str
    grace: timedelta = timedelta(minutes=15)
    gap_s: float = 2.0
    preroll_s: float = 3.0
    postroll_s: float = 2.0
    overrun_s: float = 5.0  # an item may end this much after the slot's end


class OnAir:
    """The one thing playing now, the means to stop it, and emergencies waiting for air.

    An emergency raises ``urgent`` before it stops what plays; a programme item never
    begins while an emergency waits (``begin`` checks under the same lock), so the
    emergency always gets the sink next.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()  # held while something plays to the sink
        self._guard = threading.Condition()
        self._stop: threading.Event | None = None
        self._reason: str | None = None
        self.urgent = 0  # emergencies waiting for or on air
        self.current: dict | None = None
        self.amp_on = False
        self.programmes = 0  # programmes running (the amplifier stays on while > 0)

    def begin(self, info: dict, *, urgent: bool = False) -> threading.Event | None:
        """Mark ``info`` on air; None when a programme item must yield to an emergency."""
        with self._guard:
            if self.urgent and not urgent:
                return None
            self._stop = threading.Event()
            self._reason = None
            self.current = info
            return self._stop

    def end(self) -> str | None:
        with self._guard:
            reason, self._stop, self.current = self._reason, None, None
            return reason

    def interrupt(self, reason: str) -> bool:
        with self._guard:
            if self._stop is None:
                return False
            self._reason = reason
            self._stop.set()
            return True

    def raise_urgent(self) -> None:
        """An emergency wants the air: stop what plays, hold back programme items."""
        with self._guard:
            self.urgent += 1
            if self._stop is not None:
                self._reason = PREEMPTED
                self._stop.set()

    def lower_urgent(self) -> None:
        with self._guard:
            self.urgent -= 1
            self._guard.notify_all()

    def wait_calm(self, shutdown: threading.Event) -> None:
        """Block while emergencies wait for air (or until shutdown)."""
        with self._guard:
            while self.urgent and not shutdown.is_set():
                self._guard.wait(0.2)


class SerialZones:
    """Zones shared by the programme and emergency threads: one operation at a time."""

    def __init__(self, zones):
        self._zones = zones
        self._lock = threading.Lock()
        self.name = zones.name

    def __getattr__(self, attr):
        method = getattr(self._zones, attr)

        def locked(*args, **kwargs):
            with self._lock:
                return method(*args, **kwargs)

        return locked


class AsRunWriter:
    """Applies as-run updates in order on its own thread; retries while the store is busy."""

    def __init__(self, asrun: AsRun, on_error: Callable[[str], None]):
        self.asrun = asrun
        self.on_error = on_error
        self._queue: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="asrun-writer", daemon=True)
        self._thread.start()

    def update(self, airing_id: int, **values) -> None:
        self._queue.put((airing_id, values))

    def flush(self, timeout: float = 10.0) -> None:
        done = threading.Event()
        self._queue.put((None, done))
        done.wait(timeout)

    def close(self) -> None:
        self.flush()
        self._queue.put(None)
        self._thread.join(5)

    def _run(self) -> None:
        while (job := self._queue.get()) is not None:
            airing_id, values = job
            if airing_id is None:
                values.set()
                continue
            for attempt in range(5):
                try:
                    self.asrun.update(airing_id, **values)
                    break
                except LoaError as err:
                    log.warning("as-run write failed (attempt %d): %s", attempt + 1, err)
                    self.on_error(f"as-run write failed: {err}")
                    threading.Event().wait(min(2**attempt, 10))


class Player:
    def __init__(
        self,
        station,
        renderer,
        asrun: AsRun,
        writer: AsRunWriter,
        sink,
        zones,
        clock: Clock,
        config: PlayerConfig,
        on_air: OnAir,
        shutdown: threading.Event,
        on_error: Callable[[str], None] = lambda _msg: None,
    ):
        self.station = station
        self.renderer = renderer
        self.asrun = asrun
        self.writer = writer
        self.sink = sink
        self.zones = SerialZones(zones)
        self.clock = clock
        self.cfg = config
        self.on_air = on_air
        self.shutdown = shutdown
        self._written: dict[int, str] = {}  # airing id -> status this player wrote last
        self.on_error = on_error

    # timing ------------------------------------------------------------------------

    def wait_until(self, moment: datetime) -> bool:
        """Sleep until ``moment`` (wall clock, re-read as we go); False when shutting down."""
        while not self.shutdown.is_set():
            left = (moment - self.clock.now()).total_seconds()
            if left <= 0:
                return True
            self.clock.sleep(min(left, 0.5), self.shutdown)
        return False

    # programmes --------------------------------------------------------------------

    def programme(self, slot_code: str, day: date) -> Programme | None:
        for programme in self.station.schedule(day, 1):
            if programme.slot.code == slot_code:
                return programme
        return None

    def run_occurrence(self, slot_code: str, day: date) -> None:
        """Play the occurrence of ``slot_code`` on ``day`` to its end."""
        programme = self.programme(slot_code, day)
        if programme is None or not programme.items:
            return
        occ = programme.occurrence
        prefix = occurrence_key(self.cfg.station, slot_code, day, 0)[:-1]
        now = self.clock.now()
        late = [i for i in programme.items if now > i.start + self.cfg.grace or now >= occ.end]
        for item in late:
            self.log_missed(item, slot_code, day)
        if now >= occ.end:
            return
        for item in programme.items:
            if item not in late:
                self._claim(item, slot_code, day, self._rows(prefix, item.message_id))
        self.on_air.programmes += 1
        try:
            self._play_items(slot_code, day, prefix, occ.end)
        finally:
            self.on_air.programmes -= 1
            self._release_unplayed(prefix)
            self._zones_idle()

    def _play_items(self, slot_code: str, day: date, prefix: str, slot_end: datetime) -> None:
        previous_end: datetime | None = None
        while not self.shutdown.is_set():
            self.on_air.wait_calm(self.shutdown)
            with self.on_air.lock:
                if self.on_air.urgent:
                    continue
                programme = self.programme(slot_code, day)
                choice = self._next(programme, slot_code, day, prefix) if programme else None
                if choice is None:
                    return
                item, airing_id, attempt = choice
                now = self.clock.now()
                start = (
                    max(item.start, now)
                    if previous_end is None
                    else max(previous_end + timedelta(seconds=self.cfg.gap_s), now)
                )
                if start + timedelta(seconds=item.duration_s - self.cfg.overrun_s) > slot_end:
                    self._overflow(item, airing_id, attempt)
                    return
                if self._play(item, airing_id, start, slot_code) != "yielded":
                    previous_end = self.clock.now()

    def _rows(self, prefix: str, message_id: int) -> list[tuple[int, str, str | None]]:
        """(airing id, status, claimed by) of an item's claims, with this player's own
        updates applied even before the as-run writer has stored them."""
        return [
            (r.id, self._written.get(r.id, r.status), r.claimed_by)
            for r in self.asrun.attempts(f"{prefix}{message_id}")
        ]

    def _write(self, airing_id: int, **values) -> None:
        if "status" in values:
            self._written[airing_id] = AiringStatus(values["status"]).value
        self.writer.update(airing_id, **values)

    def _claim(self, item: ProgrammeItem, slot: str, day: date, rows) -> tuple[int, int] | None:
        """Claim ``item`` unless it is settled or held elsewhere: (airing id, attempt)."""
        for attempt, (airing_id, status, owner) in enumerate(rows):
            if status == AiringStatus.CLAIMED.value and owner == self.asrun.instance:
                return airing_id, attempt
        busy = {AiringStatus.CLAIMED.value, AiringStatus.PLAYING.value}
        if any(AiringStatus(status) in SETTLED or status in busy for _, status, _ in rows):
            return None
        attempt = len(rows)  # earlier attempts were pre-empted
        key = occurrence_key(self.cfg.station, slot, day, item.message_id, attempt)
        airing_id = self.asrun.claim(key, **self._airing_fields(item, slot, day))
        return None if airing_id is None else (airing_id, attempt)

    def _airing_fields(self, item: ProgrammeItem, slot: str, day: date) -> dict:
        return {
            "now": self.clock.now(),
            "message_id": item.message_id,
            "slot_code": slot,
            "occurrence_date": day,
            "scheduled_at": item.start,
            "blocks": ",".join(item.blocks),
        }

    def _next(self, programme: Programme, slot: str, day: date, prefix: str):
        for item in programme.items:
            claimed = self._claim(item, slot, day, self._rows(prefix, item.message_id))
            if claimed is not None:
                return item, claimed[0], claimed[1]
        return None

    def log_missed(self, item: ProgrammeItem, slot: str, day: date) -> None:
        key = occurrence_key(self.cfg.station, slot, day, item.message_id)
        if self.asrun.log_missed(key, **self._airing_fields(item, slot, day)):
            log.warning("missed: message %s of %s %s (daemon was down)", item.message_id, slot, day)

    def _overflow(self, item: ProgrammeItem, airing_id: int, attempt: int) -> None:
        if attempt:
            log.warning("message %s was pre-empted and no longer fits the slot", item.message_id)
            self._write(
                airing_id,
                status=AiringStatus.MISSED,
                error="pre-empted by an emergency; no longer fits the slot (overflow)",
            )
        else:
            log.warning("message %s does not fit the rest of the slot (overflow)", item.message_id)
            self.asrun.release(airing_id)

    def _release_unplayed(self, prefix: str) -> None:
        for row in self.asrun.rows_for(prefix):
            status = self._written.get(row.id, row.status)
            if row.claimed_by == self.asrun.instance and status == AiringStatus.CLAIMED.value:
                self.asrun.release(row.id)

    # one item ----------------------------------------------------------------------

    def _zone_numbers(self, blocks: tuple[str, ...]) -> frozenset[int]:
        zone_of = {b.code: b.zone for b in self.station.blocks()}
        return frozenset(z for z in (zone_of.get(code) for code in blocks) if z)

    def _amp_on(self) -> None:
        if not self.on_air.amp_on:
            self.zones.amp(True)
            self.on_air.amp_on = True

    def _zones_idle(self) -> None:
        """After the post-roll, every zone and the amplifier off, unless something airs."""
        if self.on_air.programmes > 0:
            return
        self.clock.sleep(self.cfg.postroll_s, self.shutdown)
        with self.on_air.lock:
            if self.on_air.programmes > 0:
                return
            try:
                self.zones.set_zones(frozenset())
                if self.on_air.amp_on:
                    self.zones.amp(False)
            except ZoneError as err:
                self.on_error(str(err))
                log.error("cannot switch zones off: %s", err)
            self.on_air.amp_on = False

    def _play(self, item: ProgrammeItem, airing_id: int, start: datetime, slot: str | None) -> str:
        """Air one item at ``start``; returns the as-run status written."""
        message = self.station.message(item.message_id)
        zones = self._zone_numbers(item.blocks)
        try:
            record = self.renderer.ensure(message)
            if not self.on_air.amp_on:
                self.wait_until(start - timedelta(seconds=self.cfg.preroll_s))
                self._amp_on()
            self.zones.set_zones(zones)
        except (LoaError, OSError) as err:
            return self._failed(airing_id, item, zones, err)
        if not self.wait_until(start):
            self.asrun.release(airing_id)
            return "released"
        return self._air(airing_id, message, item.blocks, zones, record, item.start, slot)

    def _air(self, airing_id, message: Message, blocks, zones, record, scheduled, slot) -> str:
        first_frame: list[datetime] = []
        info = {
            "message_id": message.id,
            "title": message.title,
            "slot": slot,
            "blocks": list(blocks),
            "zones": sorted(zones),
            "scheduled_at": scheduled.isoformat() if scheduled else None,
            "started_at": self.clock.now().isoformat(),
        }
        stop = self.on_air.begin(info, urgent=slot is None)
        if stop is None:
            return "yielded"  # an emergency came first: the item stays claimed, plays later
        self._write(
            airing_id,
            status=AiringStatus.PLAYING,
            started_at=self.clock.now(),
            zones=",".join(str(z) for z in sorted(zones)),
            sink=self.sink.name,
            render_sha256=record.sha256,
        )
        error = None
        try:
            outcome = self.sink.play(
                record.path,
                stop=stop,
                on_start=lambda _mono: first_frame.append(self.clock.now()),
                meta={
                    "message_id": message.id,
                    "title": message.title,
                    "blocks": list(blocks),
                    "zones": sorted(zones),
                    "airing_id": airing_id,
                },
            )
            completed = outcome.completed
        except (LoaError, OSError) as err:
            completed, error = False, err
        reason = self.on_air.end()
        ended = self.clock.now()
        if error is not None:
            status, text = AiringStatus.FAILED, f"{type(error).__name__}: {error}"
            self.on_error(f"message {message.id}: {error}")
            log.error("message %s failed on air: %s", message.id, error)
        elif completed:
            status, text = AiringStatus.PLAYED, None
        elif reason == PREEMPTED:
            status, text = AiringStatus.PREEMPTED, "pre-empted by an emergency (phát ngay)"
        else:
            status, text = AiringStatus.INTERRUPTED, "the daemon was stopped during this item"
        values = {"status": status, "ended_at": ended, "error": text}
        if first_frame:
            values["started_at"] = first_frame[0]
        self._write(airing_id, **values)
        log.info("message %s %s (%s)", message.id, status.value, slot or "play-now")
        return status.value

    def _failed(self, airing_id, item: ProgrammeItem, zones, err) -> str:
        where = "relay" if isinstance(err, ZoneError) else "audio"
        self.on_error(f"message {item.message_id}: {err}")
        log.error("message %s failed (%s): %s", item.message_id, where, err)
        if isinstance(err, ZoneError):
            try:
                self.zones.all_off()
            except ZoneError as again:
                log.error("cannot switch zones off: %s", again)
            self.on_air.amp_on = False
        now = self.clock.now()
        self._write(
            airing_id,
            status=AiringStatus.FAILED,
            started_at=now,
            ended_at=now,
            zones=",".join(str(z) for z in sorted(zones)),
            error=str(err),
        )
        return AiringStatus.FAILED.value

    # emergencies -------------------------------------------------------------------

    def play_request(self, request_id: int, message_id: int, blocks: tuple[str, ...]) -> str:
        """Pre-empt what is on air and play an emergency now (phát ngay)."""
        message = self.station.message(message_id)
        blocks = blocks or message.blocks
        zones = self._zone_numbers(blocks)
        key = f"{self.cfg.station}/play-now/{request_id}/{message_id}"
        now = self.clock.now()
        airing_id = self.asrun.claim(
            key, now=now, message_id=message_id, scheduled_at=now, blocks=",".join(blocks)
        )
        if airing_id is None:
            return "duplicate"
        try:
            record = self.renderer.ensure(message)
        except LoaError as err:
            fake = ProgrammeItem(message_id, message.title, message.priority, blocks, now, 0, True)
            return self._failed(airing_id, fake, zones, err)
        self.on_air.raise_urgent()
        try:
            with self.on_air.lock:
                try:
                    if not self.on_air.amp_on:
                        self._amp_on()
                        self.clock.sleep(self.cfg.preroll_s, self.shutdown)
                    self.zones.set_zones(zones)
                except ZoneError as err:
                    item = ProgrammeItem(
                        message_id, message.title, message.priority, blocks, now, 0, True
                    )
                    return self._failed(airing_id, item, zones, err)
                status = self._air(airing_id, message, blocks, zones, record, now, None)
        finally:
            self.on_air.lower_urgent()
        self._zones_idle()
        return status
