"""The unattended playout daemon: start-up in named steps, shutdown in reverse.

Each ``start_*`` step acquires one thing and registers its ``stop_*``; :meth:`Daemon.run`
runs the steps in order and, whatever happens, the registered stops in reverse (Mopidy's
shape). The order matters: the instance lock first (one daemon per station folder), the
status file, the relays all off before anything else, the sink, the store, the journal
(replayed before anything airs), the player, the scheduler, then (on PostgreSQL) the
wake-up listener.

A daemon is its station folder's station's (``[station] code``): it plans, claims and
airs only that station's occurrences, takes only its play-now requests, and its
heartbeats, journal lines and status carry it. Several daemons of one station (a standby
PC) share its claims, so none airs an occurrence another has.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from ..clock import Clock, SystemClock
from ..config import Settings
from ..errors import LoaError
from ..i18n import N_, NP_, said
from ..i18n.records import shown, stored
from ..presence import InstanceLock, StatusFile
from ..store.airings import AsRun, instance_name
from .health import Health
from .jobs import REALTIME, Jobs
from .reconcile import Reconciler

log = logging.getLogger("loabroadcast.daemon")

INTERRUPTED_BY_CRASH = stored(N_("the daemon stopped during this item (crash or power loss)"))
STORE_LATE_S = 3.0  # as-run lines waiting this long for the database are reported


@dataclass(frozen=True)
class DaemonOptions:
    tick_s: float = 10.0  # heartbeat, expiry, clock-jump check, full reconcile
    poll_s: float = 0.5  # plan_version and play-now requests, in one read
    horizon_h: float = 36.0  # how far ahead timers are kept
    prerender_h: float = 24.0
    jump_s: float = 2.0  # a wall-clock change bigger than this re-plans everything
    status_s: float = 1.0  # the status file is rewritten this often


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
        self.health = Health(self.clock)
        self.jobs = Jobs(self)
        self._stops: list[tuple[str, Callable[[], None]]] = []
        self.on_air = None

    # -- run -----------------------------------------------------------------------------

    def run(self) -> None:
        """Run until ``self.stop`` is set. Raises ``LoaError`` when it cannot start."""
        try:
            for step in (
                self.start_lock,
                self.start_status,
                self.start_zones,
                self.start_sink,
                self.start_store,
                self.start_journal,
                self.start_player,
                self.start_scheduler,
                self.start_wakeup,
            ):
                step()
            log.info(
                N_("daemon %(instance)s started: sink %(sink)s, zones %(zones)s"),
                {"instance": self.instance, "sink": self.sink.name, "zones": self.zones.name},
            )
            while not self.stop.is_set():
                self.write_status()
                self.stop.wait(self.opt.status_s)
            log.info(N_("stopping"))
        finally:
            self.stop.set()
            while self._stops:
                name, stop = self._stops.pop()
                try:
                    stop()
                except Exception as err:  # noqa: BLE001 - the other stops must still run
                    log.error("%s failed: %s", name, err)

    def _on_stop(self, stop: Callable[[], None]) -> None:
        self._stops.append((stop.__name__, stop))

    # -- steps ---------------------------------------------------------------------------

    def start_lock(self) -> None:
        self.lock = InstanceLock(self.settings.home).acquire()
        self._on_stop(self.stop_lock)

    def stop_lock(self) -> None:
        self.lock.release()

    def start_status(self) -> None:
        self.status_file = StatusFile(self.settings.home)
        try:
            self.status_file.open()
        except OSError as err:  # status is a courtesy: the daemon airs without it
            log.warning("cannot allocate %s: %s", self.status_file.path, err.strerror or err)
        self._on_stop(self.stop_status)

    def stop_status(self) -> None:
        self.status_file.close(final={**self.status(), "stopped": True, "now_playing": None})

    def start_zones(self) -> None:
        from ..playback.zones import make_zones

        self.zones = self._zones or make_zones(self.settings.zones)
        self._on_stop(self.stop_zones)
        self.zones.all_off()  # fail-safe before anything else

    def stop_zones(self) -> None:
        try:
            self.zones.all_off()
        finally:
            self.zones.close()

    def start_sink(self) -> None:
        from ..playback.sinks import make_sink

        self.sink = self._sink or make_sink(
            self.sink_spec, self.clock, latency_s=self.settings.playback.latency_s
        )
        self.sink.open()
        self._on_stop(self.sink.close)

    def start_store(self) -> None:
        from ..rendering import Renderer
        from ..services import Station

        self.station = Station.open(self.settings, self.clock)
        self._on_stop(self.station.close)
        self.asrun = AsRun(
            self.station.engine,
            self.settings.station,
            self.instance,
            station_id=self.station.station_id,
        )
        self.renderer = Renderer(self.station)
        self.last_seen = self.asrun.last_heartbeat()
        try:  # a database that reads but cannot write (a full disk) must not stop the air
            self.asrun.heartbeat(
                self.clock.now(),
                station=self.settings.station,
                host=socket.gethostname(),
                pid=os.getpid(),
                sink=self.sink.name,
                tick_s=self.opt.tick_s,
                stopped_at=None,
            )
        except LoaError as err:
            self.health.report(said("heartbeat: {reason}", reason=err), "heartbeat")
            log.error(N_("cannot write the heartbeat: %(reason)s"), {"reason": err})
        self._on_stop(self.stop_store)

    def stop_store(self) -> None:
        writer = getattr(self, "writer", None)
        if writer is not None and not writer.healthy:
            log.warning("the database takes no writes: no last heartbeat")
            return
        last = self.health.last_error()
        try:
            self.asrun.heartbeat(
                self.clock.now(),
                stopped_at=self.clock.now(),
                last_error=last[0] if last else None,
                now_playing=None,
            )
        except LoaError as err:
            log.warning("could not write the last heartbeat: %s", err)

    def start_journal(self) -> None:
        """Open the journal; what an earlier daemon of this folder left unfinished is
        settled (claims released, items on air interrupted at their last progress stamp)
        before anything airs; then the writer takes it all to the database."""
        from ..store.journal import Journal, JournalWriter

        self.journal = Journal(self.settings.home, self.clock)
        entries = self.journal.open()
        self.former_instances = frozenset(
            str(e.data["instance"]) for e in entries if e.data.get("instance")
        ) - {self.instance}
        claimed, playing = self.journal.unfinished()
        now = self.clock.now().isoformat()
        for key in claimed:
            owner = self.journal.state[key].get("instance")
            self.journal.append("release", key=key, instance=owner, at=now)
        for key, state in playing:
            ended = state.get("ended_at") or state.get("started_at")
            self.journal.append(
                "update", key=key, instance=state.get("instance"), at=now,
                values={"status": "interrupted", "ended_at": ended, "error": INTERRUPTED_BY_CRASH},
            )  # fmt: skip
        if claimed or playing:
            log.warning(
                N_("journal: claims released: %(claims)d; items interrupted by the last stop: "
                   "%(items)d"),
                {"claims": len(claimed), "items": len(playing)},
            )  # fmt: skip
        self.writer = JournalWriter(
            self.journal, self.asrun.apply, self.asrun.journal_mark, self._store_writes
        ).start()
        self._on_stop(self.stop_journal)
        try:
            interrupted, released = self.asrun.recover(
                self.clock.now(), timedelta(seconds=3 * self.opt.tick_s)
            )
        except LoaError as err:
            self.health.report(said("recovery after a stop: {reason}", reason=err), "store")
            log.error("cannot look for a crashed daemon's rows: %s", err)
            interrupted = released = 0
        if interrupted or released:
            log.warning(
                N_("recovered after a crash: items interrupted: %(items)d; claims released: "
                   "%(claims)d"),
                {"items": interrupted, "claims": released},
            )  # fmt: skip

    def _store_writes(self, text: str | None) -> None:
        if text is None:
            self.health.clear("store")
        else:
            self.health.report(text, "store")

    def stop_journal(self) -> None:
        if not self.writer.flush(3.0):
            log.warning(
                N_("as-run lines left in the journal for the next start: %(n)d"),
                {"n": self.journal.backlog},
            )
        self.writer.close(0.5)
        self.journal.close()

    def start_player(self) -> None:
        from ..playback.ledger import Ledger
        from ..playback.onair import OnAir
        from ..playback.player import Player, PlayerConfig
        from ..playback.prepare import Preparer

        zones_cfg = self.settings.zones
        amp = zones_cfg.amp is not None
        rate = int(self.settings.speech.sample_rate)
        self.on_air = OnAir(
            self.sink,
            self.zones,
            self.clock,
            rate=rate,
            preroll_s=zones_cfg.preroll_s if amp else 0.0,
            postroll_s=zones_cfg.postroll_s if amp else 0.0,
            on_error=self.health.report,
        )
        self.prep = Preparer(
            self.station,
            self.renderer,
            self.asrun,
            rate=rate,
            spool_dir=self.settings.cache_dir,
            on_error=self.health.report,
        )
        self.ledger = Ledger(self.journal, self.instance, self.settings.station, self.clock)
        self.player = Player(
            prep=self.prep,
            ledger=self.ledger,
            on_air=self.on_air,
            clock=self.clock,
            config=PlayerConfig(
                grace=timedelta(minutes=self.settings.schedule.grace_minutes),
                gap_s=self.settings.schedule.item_gap_s,
                silence_db=self.settings.playback.silence_db,
                silence_s=self.settings.playback.silence_s,
                tz=self.station.tz,
            ),
            shutdown=self.stop,
            on_error=self.health.report,
            former_instances=self.former_instances,
        )
        self._on_stop(self.stop_player)
        self.jobs.log_missed_while_down(self.last_seen)

    def stop_player(self) -> None:
        """The cut, the players' last lines, and every relay off now: not after the
        database has had its say (it may be locked for seconds)."""
        from ..errors import ZoneError
        from ..playback.onair import SHUTDOWN

        self.on_air.cut(SHUTDOWN)
        deadline = self.clock.monotonic() + 1.5
        for thread in self.jobs.threads:  # let players write how their item ended
            thread.join(max(0.0, deadline - self.clock.monotonic()))
        self.prep.close()
        try:
            self.zones.all_off()
        except ZoneError as err:
            log.error(N_("cannot switch every zone off: %(reason)s"), {"reason": err})

    def start_scheduler(self) -> None:
        from apscheduler.schedulers.background import BackgroundScheduler

        schedule = self.settings.schedule
        self.scheduler = BackgroundScheduler(
            timezone=self.station.tz,
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
        preroll = self.on_air.preroll_s
        self.reconciler = Reconciler(
            self.scheduler,
            self.jobs.programmes,
            self.jobs.run_programme,
            lead=timedelta(seconds=self.settings.playback.prepare_s + preroll),
            horizon=timedelta(hours=self.opt.horizon_h),
            now=self.clock.now,
            on_plan=self.prep.remember,
        )
        self.scheduler.start()
        self._on_stop(self.stop_scheduler)
        self.reconciler()
        self.scheduler.add_job(self.jobs.poll, "interval", seconds=self.opt.poll_s, id="poll")
        self.scheduler.add_job(self.jobs.tick, "interval", seconds=self.opt.tick_s, id="tick")
        self.scheduler.add_job(
            self.jobs.prerender, "interval", hours=1, id="prerender", executor="render",
            next_run_time=REALTIME.now(),
        )  # fmt: skip

    def stop_scheduler(self) -> None:
        self.scheduler.shutdown(wait=False)

    def start_wakeup(self) -> None:
        """On a district's PostgreSQL database, LISTEN on the station's channel: a play-now
        or a change of plan wakes the poll at once (:mod:`loabroadcast.store.wakeup`). The
        poll goes on at its interval (the safety net); on SQLite it is all there is."""
        from ..store.reader import psycopg_conninfo
        from ..store.wakeup import Listener

        conninfo = psycopg_conninfo(self.settings.database_url)
        if conninfo is None:
            return
        self.listener = Listener(conninfo, self.station.station_id, self.jobs.wake).start()
        self._on_stop(self.stop_wakeup)

    def stop_wakeup(self) -> None:
        self.listener.close()

    # -- status --------------------------------------------------------------------------

    def status(self) -> dict:
        last = self.health.last_error()
        journal = getattr(self, "journal", None)
        return {
            "station": self.settings.station_code,
            "pid": os.getpid(),
            "instance": self.instance,
            "host": socket.gethostname(),
            "sink": getattr(getattr(self, "sink", None), "name", None),
            "updated_at": self.clock.now().isoformat(),
            "now_playing": self.on_air.now_playing if self.on_air is not None else None,
            "last_error": {"text": last[0], "at": last[1].isoformat()} if last else None,
            "problems": self.health.ongoing(),
            "journal_backlog": journal.backlog if journal is not None else 0,
        }

    def write_status(self) -> None:
        """The status file, every second; also notices as-run lines waiting too long for
        the database (a lock, a full disk, a server away), whatever its timeouts."""
        journal = getattr(self, "journal", None)
        if journal is not None:
            waited = journal.waiting_s()
            if waited >= STORE_LATE_S:
                why = self.health.ongoing().get("store")
                late = said(
                    NP_(
                        "the database has taken no as-run writes for {s} s ({n} line waits "
                        "in the journal)",
                        "the database has taken no as-run writes for {s} s ({n} lines wait "
                        "in the journal)",
                    ),
                    s=f"{waited:.0f}",
                    n=journal.backlog,
                )
                if why:
                    late = said("{late}: {reason}", late=late, reason=shown(why))
                self.health.report(late, "journal")
            else:
                self.health.clear("journal")
        self.status_file.write(self.status())
