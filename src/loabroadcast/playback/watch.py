"""The dead-air guard on the air path: what each item sends to the card, watched.

Every cue's frame reader is wrapped in a :class:`~loabroadcast.sources.guard.GuardedReader`
(in the real-time path it only sums squares into 0.1 s blocks). The thread that follows
the item polls a :class:`Watch` a few times a second: the levels go through the dead-air
detector, and when output stays below ``[playback] silence_db`` for longer than
``silence_s`` while the item should play, that is dead air:

- reported at once (``loa status`` shows it as ``last_error``) and in the daemon log;
- for a relay, answered: the fallback is played and the source is told to reconnect;
- in the as-run log when the item ends: ``dead_air_s`` (its total) and one ``dead_air`` row
  per event (its start and length), written journal-first with the item's last line.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from ..sources.deadair import Ended, Started
from ..sources.guard import DeadAirGuard, GuardedReader

log = logging.getLogger("loabroadcast.player")


class Watch:
    def __init__(
        self,
        reader: GuardedReader,
        *,
        silence_db: float,
        silence_s: float,
        started: Callable[[], datetime | None],
        label: str,
        relay=None,
        on_error: Callable[[str], None] = lambda _text: None,
    ):
        self.guard = DeadAirGuard(reader, silence_db, silence_s)
        self.silence_s = silence_s
        self.started = started  # wall-clock instant of the item's first frame at the card
        self.label = label
        self.relay = relay  # a playback.relaying.RelayAudio, for a relay item
        self.on_error = on_error

    def poll(self) -> None:
        for change in self.guard.poll():
            self._changed(change)

    def _at(self, offset_s: float) -> datetime | None:
        from datetime import timedelta

        first = self.started()
        return first + timedelta(seconds=offset_s) if first is not None else None

    def _changed(self, change: Started | Ended) -> None:
        if isinstance(change, Started):
            at = self._at(change.start_s)
            since = f" since {at.isoformat(timespec='seconds')}" if at is not None else ""
            text = f"dead air on {self.label}{since}: silent for more than {self.silence_s:g} s"
            log.warning("%s", text)
            self.on_error(text)
            if self.relay is not None and self.relay.relay is not None:
                self.relay.relay.fall_back()  # the residents hear the notice, not silence
                self.relay.live.reconnect(f"silent for more than {self.silence_s:g} s")
        else:
            event = change.event
            log.warning("dead air on %s over: %.1f s", self.label, event.length_s)

    def finish(self) -> dict[str, Any]:
        """The as-run values of the item's end: ``dead_air_s``, its events, and a relay's
        facts."""
        for change in self.guard.finish():
            self._changed(change)
        events = []
        for event in self.guard.events:
            at = self._at(event.start_s)
            if at is not None:
                events.append({"started_at": at.isoformat(), "length_s": round(event.length_s, 2)})
        values: dict[str, Any] = {"dead_air_s": round(self.guard.total_s, 2), "dead_air": events}
        if self.relay is not None:
            values.update(self.relay.facts())
        return values
