"""Waking a station's daemon at once, on a district's PostgreSQL database.

A write that a station's daemon must act on (a play-now request, a change of its plan)
sends ``NOTIFY`` on the station's channel in its own transaction: PostgreSQL delivers it
when, and only if, the transaction commits. The daemon holds one connection that
``LISTEN``s on its channel (:class:`Listener`) and, woken, runs its poll at once. It is
only a hint: a notification carries nothing the poll does not read from the tables, one
lost while the link was down changes nothing, and the poll keeps running on its own
interval (the safety net). SQLite has no such thing: there the poll is all.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable

from ..i18n import N_

log = logging.getLogger("loabroadcast.wakeup")

PLAY_NOW, PLAN = "play-now", "plan"
RETRY_S = (0.5, 1.0, 2.0, 5.0)  # between attempts to listen again, then every 5 s


def channel(station_id: int) -> str:
    return f"loa_station_{int(station_id)}"


def notify(session, station_ids: Iterable[int], what: str) -> None:
    """NOTIFY each station's daemon, in ``session``'s transaction (nothing on SQLite)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    from sqlalchemy import text

    for station_id in sorted(set(station_ids)):
        session.execute(
            text("SELECT pg_notify(:channel, :what)"),
            {"channel": channel(station_id), "what": what},
        )


class Listener:
    """A thread that LISTENs on a station's channel and calls ``on_wake(what)`` for every
    notification; it connects again (backing off) whenever the link drops."""

    def __init__(self, conninfo: str, station_id: int, on_wake: Callable[[str], None]):
        self.conninfo = conninfo
        self.channel = channel(station_id)
        self.on_wake = on_wake
        self.listening = threading.Event()  # set while the LISTEN connection is up
        self.connections = 0  # how often it has started to listen
        self._stop = threading.Event()
        self._conn = None
        self._thread = threading.Thread(target=self._run, name="wakeup-listener", daemon=True)

    def start(self) -> Listener:
        self._thread.start()
        return self

    def close(self, timeout: float = 2.0) -> None:
        self._stop.set()
        conn = self._conn
        if conn is not None:
            try:
                conn.cancel_safe(timeout=0.5)  # interrupts the wait for notifications
            except Exception as err:  # noqa: BLE001 - closing: nothing more to do about it
                log.debug("cancel of the listener's wait: %s", err)
        self._thread.join(timeout)

    def _run(self) -> None:
        failures = 0
        while not self._stop.is_set():
            try:
                self._listen()
                failures = 0
            except Exception as err:  # noqa: BLE001 - the link drops: listen again later
                if self._stop.is_set():
                    break
                wait = RETRY_S[min(failures, len(RETRY_S) - 1)]
                failures += 1
                log.warning(
                    N_("listening for wake-ups failed (%(reason)s); again in %(wait).1f s"),
                    {"reason": err, "wait": wait},
                )
                self._stop.wait(wait)
            finally:
                self.listening.clear()
                self._close_conn()

    def _listen(self) -> None:
        import psycopg

        from .link import link_options

        self._conn = psycopg.connect(self.conninfo, autocommit=True, **link_options(self.conninfo))
        self._conn.execute(f"LISTEN {self.channel}")
        self.connections += 1
        self.listening.set()
        log.info(N_("listening for wake-ups on %(channel)s"), {"channel": self.channel})
        while not self._stop.is_set():
            for note in self._conn.notifies(timeout=1.0):
                try:
                    self.on_wake(note.payload)
                except Exception as err:  # noqa: BLE001 - a wake-up is a hint; the poll goes on
                    log.warning(
                        N_("wake-up %(what)s failed: %(reason)s"),
                        {"what": note.payload, "reason": err},
                    )

    def _close_conn(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception as err:  # noqa: BLE001 - a dead link may not close cleanly
                log.debug("closing the listener's connection: %s", err)
