"""Programme timers from the store: pure parts (which timers, only the difference) and the
reconciler that applies them to APScheduler.

Our tables are the truth; APScheduler 3.x holds only in-memory timers, rebuilt from the
store at start, whenever ``plan_version`` changes, and on the tick. A programme's timer
fires ``lead`` before its start (the preparation time plus the pre-roll): the programme is
settled then, ahead of its instant.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta

from ..domain import Programme
from ..i18n import N_

log = logging.getLogger("loabroadcast.daemon")

JOB_PREFIX = "prog/"


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


class Reconciler:
    """Keeps the scheduler's programme timers equal to the plan (only the difference)."""

    def __init__(
        self,
        scheduler,
        programmes: Callable[[], list[Programme]],
        run: Callable[[str, str, date], None],
        lead: timedelta,
        horizon: timedelta,
        now: Callable[[], datetime],
        on_plan: Callable[[list[Programme]], None] = lambda _p: None,
    ):
        self.scheduler = scheduler
        self.programmes = programmes
        self.run = run
        self.lead = lead
        self.horizon = horizon
        self.now = now
        self.on_plan = on_plan
        self.running: set[str] = set()
        self._lock = threading.Lock()

    def __call__(self, force: bool = False) -> None:
        with self._lock:
            programmes = self.programmes()
            self.on_plan(programmes)
            now = self.now()
            wanted = {
                k: v
                for k, v in desired_jobs(programmes, now, self.lead).items()
                if v[2] <= now + self.horizon
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
            add, remove, move = diff_jobs(existing, wanted, self.running)
            for key in remove:
                self.scheduler.remove_job(key)
            for key in move:
                self.scheduler.reschedule_job(key, trigger="date", run_date=wanted[key][2])
            for key in add:
                slot, day, fire = wanted[key]
                self.scheduler.add_job(
                    self.run, "date", run_date=fire, args=(key, slot, day), id=key
                )
            if add or remove or move:
                log.info(
                    N_("planned again: %(added)d added, %(removed)d removed, %(moved)d moved"),
                    {"added": len(add), "removed": len(remove), "moved": len(move)},
                )
