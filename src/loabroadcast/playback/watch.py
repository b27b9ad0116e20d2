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

from ..i18n import N_, said
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
        message_id: int,
        relay=None,
        on_error: Callable[[str], None] = lambda _text: None,
    ):
        self.guard = DeadAirGuard(reader, silence_db, silence_s)
        self.silence_s = silence_s
        self.started = started  # wall-clock instant of the item's first frame at the card
        self.message_id = message_id
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
        seconds = f"{self.silence_s:g}"
        if isinstance(change, Started):
            log.warning(
                N_("dead air on message %(id)s: silent for more than %(seconds)s s"),
                {"id": self.message_id, "seconds": seconds},
            )
            self.on_error(
                said("dead air on message {id}: silent for more than {seconds} s",
                     id=self.message_id, seconds=seconds)
            )  # fmt: skip
            if self.relay is not None and self.relay.relay is not None:
                self.relay.relay.fall_back()  # the residents hear the notice, not silence
                self.relay.live.reconnect(f"silent for more than {seconds} s")
        else:
            log.warning(
                N_("dead air on message %(id)s over after %(seconds)s s"),
                {"id": self.message_id, "seconds": f"{change.event.length_s:.1f}"},
            )

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
