"""The daemon's scheduled work: programmes, the poll, the tick, pre-rendering, play-now."""

from __future__ import annotations

import logging
import threading
from datetime import date, datetime, timedelta
from typing import Any

from ..clock import SystemClock
from ..domain import Programme
from ..errors import LoaError
from ..i18n import N_, dates, said
from .reconcile import clock_jumped

log = logging.getLogger("loabroadcast.daemon")

#: APScheduler fires on real time, whatever clock the daemon is handed: "run a job now"
#: is asked in real time.
REALTIME = SystemClock()
FULL_REPLAN_S = 60.0  # ticks re-plan from scratch this often (new days enter the horizon)


class Jobs:
    def __init__(self, daemon: Any):
        self.d = daemon  # the daemon.app.Daemon whose jobs these are (not imported: a circle)
        self._threads: list[threading.Thread] = []
        self._plan_version: int | None = None
        self._offset: float | None = None
        self._day: date | None = None
        self._ticks = 0
        self._polling = threading.Lock()
        self._poll_again = threading.Event()

    @property
    def threads(self) -> list[threading.Thread]:
        return list(self._threads)

    def _track(self) -> None:
        self._threads.append(threading.current_thread())

    def _forget(self) -> None:
        me = threading.current_thread()
        self._threads = [t for t in self._threads if t is not me]

    # -- programmes ----------------------------------------------------------------------

    def programmes(self) -> list[Programme]:
        station = self.d.station
        today = station.today()
        days = int(self.d.opt.horizon_h // 24) + 1
        return station.schedule(today - timedelta(days=1), days + 1)

    def run_programme(self, key: str, slot: str, day: date) -> None:
        self.d.reconciler.running.add(key)
        self._track()
        try:
            self.d.player.run_occurrence(slot, day)
        except LoaError as err:
            self.d.health.report(
                said("programme {slot} {day}: {reason}", slot=slot, day=dates.day(day), reason=err)
            )
            log.error(
                N_("programme %(slot)s %(day)s failed: %(reason)s"),
                {"slot": slot, "day": dates.day(day), "reason": err},
            )
        finally:
            self.d.reconciler.running.discard(key)
            self._forget()

    # -- the poll and the tick -----------------------------------------------------------

    def poll(self) -> None:
        """Twice a second, one cheap read: has the plan changed, is an emergency waiting?

        Also run at once when the database wakes the daemon (:meth:`wake`). Polls never
        overlap: one asked for while another runs makes that one read once more, so a
        wake-up that lands during a read is never lost."""
        self._poll_again.set()
        while self._poll_again.is_set() and self._polling.acquire(blocking=False):
            try:
                while self._poll_again.is_set():
                    self._poll_again.clear()
                    self._poll_once()
            finally:
                self._polling.release()

    def wake(self, what: str) -> None:
        """The database says a play-now waits or the plan changed (``what``, a hint): poll
        now rather than at the next interval."""
        log.debug("woken: %s", what)
        self.poll()

    def _poll_once(self) -> None:
        try:
            version, pending = self.d.asrun.poll_state()
            if version != self._plan_version:
                self._plan_version = version
                self.d.reconciler()
                self.d.scheduler.modify_job("prerender", next_run_time=REALTIME.now())
            if pending:
                self._take_play_request()
            self.d.health.clear("poll")
        except LoaError as err:
            self.d.health.report(err, "poll")
            log.warning("poll failed: %s", err)

    def tick(self) -> None:
        """Heartbeat; a full re-plan when the wall clock jumped, the day changed, or once a
        minute (timers entering the horizon); expiry of messages whose last day passed."""
        d = self.d
        try:
            now = d.clock.now()
            offset = now.timestamp() - d.clock.monotonic()
            today = d.station.today()
            self._ticks += 1
            if clock_jumped(self._offset, offset, d.opt.jump_s):
                log.warning(
                    N_("the clock jumped by %(s)s s: planning again"),
                    {"s": f"{offset - self._offset:+.1f}"},
                )
                d.reconciler(force=True)
                d.scheduler.wakeup()
            elif today != self._day or self._ticks * d.opt.tick_s >= FULL_REPLAN_S:
                d.reconciler()
                d.station.expire()
            if self._ticks * d.opt.tick_s >= FULL_REPLAN_S:
                self._ticks = 0
            self._offset, self._day = offset, today
            last = d.health.last_error()
            d.asrun.heartbeat(
                now,
                last_error=last[0] if last else None,
                last_error_at=last[1] if last else None,
                now_playing=d.on_air.now_playing,
            )
            d.health.clear("heartbeat")
        except LoaError as err:
            d.health.report(said("heartbeat: {reason}", reason=err), "heartbeat")
            log.warning("tick failed: %s", err)

    # -- play-now ------------------------------------------------------------------------

    def _take_play_request(self) -> None:
        request = self.d.asrun.take_play_request(self.d.clock.now())
        if request is None:
            return  # another daemon took it
        blocks = tuple(b for b in request.blocks.split(",") if b)
        thread = threading.Thread(
            target=self._emergency,
            args=(request.id, request.message_id, blocks),
            name=f"play-now-{request.id}",
            daemon=True,
        )
        self._threads.append(thread)
        thread.start()

    def _emergency(self, request_id: int, message_id: int, blocks: tuple[str, ...]) -> None:
        status = "failed"
        try:
            status = self.d.player.play_request(request_id, message_id, blocks).request_status
        except LoaError as err:
            self.d.health.report(
                said("play-now request {request}: {reason}", request=request_id, reason=err)
            )
            log.error(
                N_("play-now request %(request)s failed: %(reason)s"),
                {"request": request_id, "reason": err},
            )
        finally:
            try:
                self.d.asrun.finish_play_request(request_id, status, self.d.clock.now())
            except LoaError as err:
                self.d.health.report(err)
            self._forget()

    # -- ahead of air --------------------------------------------------------------------

    def prerender(self) -> None:
        """Render everything airing in the next hours that has no audio yet, nearest first."""
        d = self.d
        now = d.clock.now()
        until = now + timedelta(hours=d.opt.prerender_h)
        seen: set[int] = set()
        for programme in self.programmes():
            for item in programme.items:
                if item.message_id in seen or not now - timedelta(hours=1) <= item.start <= until:
                    continue
                seen.add(item.message_id)
                if d.stop.is_set():
                    return
                try:  # the version that airs, never an edit waiting for approval
                    message = d.station.approved_message(item.message_id)
                    if message is None or message.is_relay:
                        continue  # a relay airs live: nothing to render
                    if d.renderer.current(message) is None:
                        d.renderer.render(message)
                except LoaError as err:
                    d.health.report(
                        said(
                            "cannot make the audio of message {id}: {reason}",
                            id=item.message_id,
                            reason=err,
                        )
                    )
                    log.error(
                        N_("cannot make the audio of message %(id)s: %(reason)s"),
                        {"id": item.message_id, "reason": err},
                    )
        d.prep.warm(seen)
        log.info(
            N_("ready ahead: %(n)d message(s) held to air without the database"), {"n": len(seen)}
        )

    def log_missed_while_down(self, last_seen: datetime | None) -> None:
        """Items whose time passed while no daemon ran (beyond grace) are logged missed."""
        if last_seen is None:
            return
        now = self.d.clock.now()
        for programme in self.programmes():
            occ = programme.occurrence
            if occ.end <= last_seen or occ.start >= now or occ.end > now:
                continue  # before the outage, still to come, or still open (caught up)
            for item in programme.items:
                if item.start >= last_seen:
                    self.d.player.log_missed(item, occ.slot.code, occ.day)
