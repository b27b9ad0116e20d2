"""The unattended playout daemon.

Our tables are the truth; APScheduler 3.x holds only in-memory timers that a
reconciler rebuilds from the store at start, whenever ``plan_version`` changes
(polled every second) and on a tick that also writes the heartbeat and catches
wall-clock jumps. Start-up runs in order (lock, zones off, sink, recovery,
scheduler); shutdown runs in reverse in ``finally``.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from .clock import Clock, SystemClock
from .config import Settings
from .domain import Programme
from .errors import LoaError
from .i18n import N_
from .playback.player import SHUTDOWN, AsRunWriter, OnAir, Player, PlayerConfig
from .store.airings import AsRun, instance_name

log = logging.getLogger("loabroadcast.daemon")

#: APScheduler fires on real time, whatever clock the daemon is handed: "run a job now"
#: is asked in real time.
_REALTIME = SystemClock()

JOB_PREFIX = "prog/"
FULL_REPLAN_S = 60.0  # ticks re-plan from scratch this often (new days enter the horizon)


@dataclass(frozen=True)
class DaemonOptions:
    tick_s: float = 10.0  # heartbeat, expiry, clock-jump check, full reconcile
    poll_s: float = 0.5  # plan_version and play-now requests, in one read
    lead_s: float = 2.0  # a programme job fires this long before pre-roll, to prepare
    horizon_h: float = 36.0  # how far ahead timers are kept
    prerender_h: float = 24.0
    jump_s: float = 2.0  # a wall-clock change bigger than this re-plans everything


# --- pure parts ------------------------------------------------------------------------


def job_id(slot: str, day: date) -> str:
    return f"{JOB_PREFIX}{slot}/{day.isoformat()}"


def desired_jobs(
    programmes: Iterable[Programme], now: datetime, lead: timedelta
) -> dict[str, tuple[str, date, datetime]]:
    """Timers wanted now: one per occurrence with something to air that has not ended.

    An occurrence already under way (catch-up after a restart) fires at once.
    """
    wanted = {}
    for p in programmes:
        if not p.items or p.occurrence.end <= now:
            continue
        fire = max(p.occurrence.start - lead, now)
        wanted[job_id(p.slot.code, p.occurrence.day)] = (p.slot.code, p.occurrence.day, fire)
    return wanted


def diff_jobs(
    existing: dict[str, datetime], wanted: dict[str, tuple[str, date, datetime]], running: set[str]
) -> tuple[list[str], list[str], list[str]]:
    """(to add, to remove, to move): only the difference, never a running programme."""
    add = sorted(k for k in wanted if k not in existing and k not in running)
    remove = sorted(k for k in existing if k not in wanted)
    move = sorted(
        k
        for k in wanted
        if k in existing and abs((existing[k] - wanted[k][2]).total_seconds()) > 0.5
    )
    return add, remove, move


def clock_jumped(previous_offset: float | None, offset: float, limit: float) -> bool:
    return previous_offset is not None and abs(offset - previous_offset) > limit


# --- single instance ---------------------------------------------------------------------


class InstanceLock:
    """An exclusive lock file in LOA_HOME: one daemon per station folder."""

    def __init__(self, path: Path):
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> InstanceLock:
        import fcntl

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as err:  # a read-only or foreign station folder: one line
            raise LoaError(
                N_("cannot open the daemon's lock file {file}: {reason}"),
                file=str(self.path),
                reason=err.strerror or str(err),
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            owner = self.path.read_text(encoding="utf-8").strip() or "another process"
            raise LoaError(f"a daemon is already running for this station ({owner})") from None
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()}".encode())
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


# --- the daemon ---------------------------------------------------------------------------


class Daemon:
    def __init__(
        self,
        settings: Settings,
        *,
        sink_spec: str | None = None,
        clock: Clock | None = None,
        options: DaemonOptions | None = None,
        sink=None,
        zones=None,
    ):
        self.settings = settings
        self.sink_spec = sink_spec or settings.playback.sink
        self.clock = clock or SystemClock()
        self.opt = options or DaemonOptions()
        self._sink = sink
        self._zones = zones
        self.stop = threading.Event()
        self.instance = instance_name(os.getpid(), self.clock.now())
        self.last_error: str | None = None
        self._last_error_at: datetime | None = None
        self._running: set[str] = set()
        self._threads: list[threading.Thread] = []
        self._plan_version: int | None = None
        self._offset: float | None = None
        self._day: date | None = None
        self._ticks = 0
        self._state_lock = threading.Lock()

    # errors --------------------------------------------------------------------------

    def record_error(self, text: str) -> None:
        self.last_error = text
        self._last_error_at = self.clock.now()

    # run --------------------------------------------------------------------------------

    def run(self) -> None:
        """Run until ``self.stop`` is set. Raises ``LoaError`` when it cannot start."""
        from apscheduler.schedulers.background import BackgroundScheduler

        from .playback.sinks import make_sink
        from .playback.zones import make_zones
        from .rendering import Renderer
        from .services import Station

        lock = InstanceLock(self.settings.home / "daemon.lock").acquire()
        zones = sink = writer = scheduler = station = None
        try:
            station = Station.open(self.settings, self.clock)
            zones = self._zones or make_zones(self.settings.zones)
            zones.all_off()  # fail-safe before anything else
            sink = self._sink or make_sink(self.sink_spec, self.clock)
            sink.open()
            self.station = station
            asrun = AsRun(
                station.engine, self.settings.station, self.instance, station_id=station.station_id
            )
            self.asrun = asrun
            last_seen = asrun.last_heartbeat()
            asrun.heartbeat(
                self.clock.now(),
                station=self.settings.station,
                host=socket.gethostname(),
                pid=os.getpid(),
                sink=sink.name,
                tick_s=self.opt.tick_s,
                stopped_at=None,
            )
            interrupted, released = asrun.recover(
                self.clock.now(), timedelta(seconds=3 * self.opt.tick_s)
            )
            if interrupted or released:
                log.warning(
                    "recovered after a crash: %d item(s) interrupted, %d claim(s) released",
                    interrupted,
                    released,
                )
            writer = AsRunWriter(asrun, self.record_error)
            self.on_air = OnAir()
            schedule = self.settings.schedule
            self.player = Player(
                station=station,
                renderer=Renderer(station),
                asrun=asrun,
                writer=writer,
                sink=sink,
                zones=zones,
                clock=self.clock,
                config=PlayerConfig(
                    station=self.settings.station,
                    grace=timedelta(minutes=schedule.grace_minutes),
                    gap_s=schedule.item_gap_s,
                    preroll_s=self.settings.zones.preroll_s if self.settings.zones.amp else 0.0,
                    postroll_s=self.settings.zones.postroll_s if self.settings.zones.amp else 0.0,
                ),
                on_air=self.on_air,
                shutdown=self.stop,
                on_error=self.record_error,
            )
            self._log_missed_while_down(last_seen)
            scheduler = BackgroundScheduler(
                timezone=station.tz,
                executors={
                    "default": {"type": "threadpool", "max_workers": 10},
                    "render": {"type": "threadpool", "max_workers": 1},
                },
                job_defaults={
                    "coalesce": True,
                    "max_instances": 1,
                    "misfire_grace_time": schedule.grace_minutes * 60,
                },
            )
            self.scheduler = scheduler
            scheduler.start()
            self.reconcile()
            scheduler.add_job(self.poll, "interval", seconds=self.opt.poll_s, id="poll")
            scheduler.add_job(self.tick, "interval", seconds=self.opt.tick_s, id="tick")
            scheduler.add_job(
                self.prerender, "interval", hours=1, id="prerender", executor="render",
                next_run_time=_REALTIME.now(),
            )  # fmt: skip
            log.info("daemon %s started: sink %s, zones %s", self.instance, sink.name, zones.name)
            while not self.stop.is_set():
                self.stop.wait(1.0)
            log.info("stopping")
        finally:
            self.stop.set()
            if scheduler is not None:
                scheduler.shutdown(wait=False)
            if hasattr(self, "on_air"):
                self.on_air.interrupt(SHUTDOWN)
            deadline = self.clock.monotonic() + 1.5
            for thread in list(self._threads):  # let players write how their item ended
                thread.join(max(0.0, deadline - self.clock.monotonic()))
            if writer is not None:
                writer.close()
            if zones is not None:
                try:
                    zones.all_off()
                finally:
                    zones.close()
            if sink is not None:
                sink.close()
            if station is not None:
                try:
                    AsRun(
                        station.engine,
                        self.settings.station,
                        self.instance,
                        station_id=station.station_id,
                    ).heartbeat(
                        self.clock.now(), stopped_at=self.clock.now(), last_error=self.last_error
                    )
                except LoaError as err:
                    log.warning("could not write the last heartbeat: %s", err)
                station.close()
            lock.release()

    # jobs ------------------------------------------------------------------------------

    def _programmes(self) -> list[Programme]:
        today = self.station.today()
        days = int(self.opt.horizon_h // 24) + 1
        return self.station.schedule(today - timedelta(days=1), days + 1)

    def reconcile(self, force: bool = False) -> None:
        """Make the scheduler's programme timers match the store: only the difference."""
        with self._state_lock:
            self._plan_version = self.station.plan_version()
            now = self.clock.now()
            horizon = now + timedelta(hours=self.opt.horizon_h)
            wanted = {
                k: v
                for k, v in desired_jobs(
                    self._programmes(), now, timedelta(seconds=self.opt.lead_s + self._preroll())
                ).items()
                if v[2] <= horizon
            }
            existing = {
                job.id: job.next_run_time
                for job in self.scheduler.get_jobs()
                if job.id.startswith(JOB_PREFIX) and job.next_run_time is not None
            }
            if force:
                for key in existing:
                    self.scheduler.remove_job(key)
                existing = {}
            add, remove, move = diff_jobs(existing, wanted, self._running)
            for key in remove:
                self.scheduler.remove_job(key)
            for key in move:
                self.scheduler.reschedule_job(key, trigger="date", run_date=wanted[key][2])
            for key in add:
                slot, day, fire = wanted[key]
                self.scheduler.add_job(
                    self._run_programme, "date", run_date=fire, args=(key, slot, day), id=key
                )
            if add or remove or move:
                log.info(
                    "re-planned: %d added, %d removed, %d moved", len(add), len(remove), len(move)
                )

    def _preroll(self) -> float:
        return self.settings.zones.preroll_s if self.settings.zones.amp else 0.0

    def _run_programme(self, key: str, slot: str, day: date) -> None:
        self._running.add(key)
        self._threads.append(threading.current_thread())
        try:
            self.player.run_occurrence(slot, day)
        except LoaError as err:
            self.record_error(f"programme {slot} {day}: {err}")
            log.error("programme %s %s failed: %s", slot, day, err)
        finally:
            self._running.discard(key)
            self._forget_thread()

    def _forget_thread(self) -> None:
        me = threading.current_thread()
        self._threads = [t for t in self._threads if t is not me]

    def poll(self) -> None:
        """Twice a second, one cheap read: has the plan changed, is an emergency waiting?"""
        try:
            version, pending = self.asrun.poll_state()
            if version != self._plan_version:
                self.reconcile()
                self.scheduler.modify_job("prerender", next_run_time=_REALTIME.now())
            if pending:
                self._take_play_request()
        except LoaError as err:
            self.record_error(str(err))
            log.warning("poll failed: %s", err)

    def tick(self) -> None:
        """Heartbeat; a full re-plan when the wall clock jumped, the day changed, or once a
        minute (timers entering the horizon); expiry of messages whose last day passed."""
        try:
            now = self.clock.now()
            offset = now.timestamp() - self.clock.monotonic()
            today = self.station.today()
            self._ticks += 1
            if clock_jumped(self._offset, offset, self.opt.jump_s):
                log.warning("wall clock jumped by %+.1f s: re-planning", offset - self._offset)
                self.reconcile(force=True)
                self.scheduler.wakeup()
            elif today != self._day or self._ticks * self.opt.tick_s >= FULL_REPLAN_S:
                self.station.expire()
                self.reconcile()
            if self._ticks * self.opt.tick_s >= FULL_REPLAN_S:
                self._ticks = 0
            self._offset, self._day = offset, today
            self.asrun.heartbeat(now, last_error=self.last_error, last_error_at=self._last_error_at)
        except LoaError as err:
            self.record_error(str(err))
            log.warning("tick failed: %s", err)

    def _take_play_request(self) -> None:
        request = self.asrun.take_play_request(self.clock.now())
        if request is None:
            return  # another daemon took it
        blocks = tuple(b for b in request.blocks.split(",") if b)
        thread = threading.Thread(
            target=self._emergency, args=(request.id, request.message_id, blocks), daemon=True
        )
        self._threads.append(thread)
        thread.start()

    def _emergency(self, request_id: int, message_id: int, blocks: tuple[str, ...]) -> None:
        status = "failed"
        try:
            status = self.player.play_request(request_id, message_id, blocks)
        except LoaError as err:
            self.record_error(f"play-now {request_id}: {err}")
            log.error("play-now %s failed: %s", request_id, err)
        finally:
            try:
                self.asrun.finish_play_request(request_id, status, self.clock.now())
            except LoaError as err:
                self.record_error(str(err))
            self._forget_thread()

    def prerender(self) -> None:
        """Render everything airing in the next hours that has no audio yet, nearest first."""
        now = self.clock.now()
        until = now + timedelta(hours=self.opt.prerender_h)
        seen: set[int] = set()
        for programme in self._programmes():
            for item in programme.items:
                if item.message_id in seen or not now - timedelta(hours=1) <= item.start <= until:
                    continue
                seen.add(item.message_id)
                if self.stop.is_set():
                    return
                try:
                    message = self.station.message(item.message_id)
                    if self.player.renderer.current(message) is None:
                        self.player.renderer.render(message)
                except LoaError as err:
                    self.record_error(f"render of message {item.message_id}: {err}")
                    log.error("cannot render message %s: %s", item.message_id, err)

    def _log_missed_while_down(self, last_seen: datetime | None) -> None:
        """Items whose time passed while no daemon ran (beyond grace) are logged missed."""
        if last_seen is None:
            return
        now = self.clock.now()
        for programme in self._programmes():
            occ = programme.occurrence
            if occ.end <= last_seen or occ.start >= now or occ.end > now:
                continue  # before the outage, still to come, or still open (caught up)
            for item in programme.items:
                if item.start >= last_seen:
                    self.player.log_missed(item, occ.slot.code, occ.day)
