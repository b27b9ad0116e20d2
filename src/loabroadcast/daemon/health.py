"""What went wrong lately, for ``loa status``: conditions that clear themselves when they
are over (the store refusing writes), and the newest one-off failure (an item that failed).

A failure is kept as ``i18n.records`` keeps a message (its id and parameters as JSON, or
plain text from a library), so ``loa status`` shows it in the reader's language."""

from __future__ import annotations

import threading
from datetime import datetime

from ..clock import Clock
from ..i18n.records import keep

#: Which ongoing condition ``loa status`` shows first.
WEIGHT = {"journal": 0, "store": 1, "heartbeat": 2, "poll": 3}


class Health:
    def __init__(self, clock: Clock):
        self.clock = clock
        self._lock = threading.Lock()
        self._conditions: dict[str, tuple[str, datetime]] = {}
        self._event: tuple[str, datetime] | None = None

    def report(self, message: object, condition: str | None = None) -> None:
        """A failure (a message object: ``i18n.said``, an explained error; or text): a
        one-off event, or the ``condition`` named (until :meth:`clear`)."""
        text = keep(message) or ""
        with self._lock:
            if condition is None:
                self._event = (text, self.clock.now())
            else:  # an ongoing condition keeps the time it began
                began = self._conditions.get(condition, (text, self.clock.now()))[1]
                self._conditions[condition] = (text, began)

    def clear(self, condition: str) -> None:
        with self._lock:
            self._conditions.pop(condition, None)

    def ongoing(self) -> dict[str, str]:
        with self._lock:
            return {name: text for name, (text, _at) in self._conditions.items()}

    def last_error(self) -> tuple[str, datetime] | None:
        """The weightiest ongoing condition (:data:`WEIGHT`: the as-run log first), else
        the newest one-off failure."""
        with self._lock:
            if self._conditions:
                name = min(self._conditions, key=lambda n: (WEIGHT.get(n, len(WEIGHT)), n))
                return self._conditions[name]
            return self._event
