"""What went wrong lately, for ``loa status``: conditions that clear themselves when they
are over (the store refusing writes), and the newest one-off failure (an item that failed)."""

from __future__ import annotations

import threading
from datetime import datetime

from ..clock import Clock


class Health:
    def __init__(self, clock: Clock):
        self.clock = clock
        self._lock = threading.Lock()
        self._conditions: dict[str, tuple[str, datetime]] = {}
        self._event: tuple[str, datetime] | None = None

    def report(self, text: str, condition: str | None = None) -> None:
        """A failure: a one-off event, or the ``condition`` named (until :meth:`clear`)."""
        with self._lock:
            entry = (text, self.clock.now())
            if condition is None:
                self._event = entry
            else:
                self._conditions[condition] = entry

    def clear(self, condition: str) -> None:
        with self._lock:
            self._conditions.pop(condition, None)

    def ongoing(self) -> dict[str, str]:
        with self._lock:
            return {name: text for name, (text, _at) in self._conditions.items()}

    def last_error(self) -> tuple[str, datetime] | None:
        """The newest ongoing condition, else the newest event."""
        with self._lock:
            if self._conditions:
                return max(self._conditions.values(), key=lambda e: e[1])
            return self._event
