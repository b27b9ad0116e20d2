"""The only module that reads the clock. Everything else is handed a ``Clock``."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware (UTC)."""

    def monotonic(self) -> float:
        """Seconds on a clock that never jumps, for measuring intervals."""

    def sleep(self, seconds: float, wake: threading.Event) -> bool:
        """Wait ``seconds`` or until ``wake`` is set; True when it was set."""


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float, wake: threading.Event) -> bool:
        return wake.wait(max(0.0, seconds))
