"""A relay item (tiếp âm) on the air path: its live source, connected ahead, as "audio".

:class:`RelayAudio` stands where a verified file's :class:`~loabroadcast.playback.pcm.AirAudio`
stands for other items: the player prepares it ahead (the source starts connecting when
the item is settled, ``prepare_s`` before the slot for a programme's first item, a few
seconds before the previous item ends for the others), its ring fills with the newest
``[relay] buffer_s`` seconds, and on the instant the mixer reads it through a
:class:`~loabroadcast.sources.relay.RelayReader`: live frames while they come, a short
gap then the ``[relay] fallback`` when they stop, live again when the source is back
(it reconnects by itself, backing off). The item lasts its fixed length on the card's
clock whatever the source does.

A source that never sent a frame by the item's instant (and for at least
``connect_timeout_s`` since it began to connect) cannot be reached: the item is logged
``failed`` with the source's reason and the programme goes on
(:meth:`RelayAudio.wait_reachable`).
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from ..clock import Clock
from ..domain.content import Source
from ..errors import PlaybackError
from ..i18n import N_, Lazy
from ..sources import open_live
from ..sources.live import EventKind, LiveSource, SourceEvent, SourceState
from ..sources.relay import Mode, RelayReader

log = logging.getLogger("loabroadcast.player")

EVENT_WORDS = {
    EventKind.CONNECTED: N_("connected"),
    EventKind.DROPPED: N_("dropped"),
    EventKind.FAILED: N_("could not connect"),
}


class RelayAudio:
    """A relay item's live source and its length (see the module's docstring)."""

    sha256 = None  # nothing rendered, nothing to verify: it is live

    def __init__(
        self,
        source: Source,
        live: LiveSource,
        fallback: np.ndarray,
        *,
        rate: int,
        seconds: float,
        connect_timeout_s: float,
        clock: Clock,
    ):
        self.source = source
        self.live = live
        self.fallback = fallback
        self.rate = rate
        self.frames = max(0, int(round(seconds * rate)))
        self.connect_timeout_s = connect_timeout_s
        self.clock = clock
        self.opened = clock.monotonic()  # when it began to connect
        self.relay: RelayReader | None = None  # the reader of its airing, once cued

    @property
    def path(self) -> Path:
        return Path(f"relay-{self.source.code}")  # a label: the file sink names items by it

    @property
    def duration_s(self) -> float:
        return self.frames / self.rate if self.rate else 0.0

    def reader(self) -> RelayReader:
        self.relay = RelayReader(self.live.ring, self.fallback, self.frames, self.rate)
        return self.relay

    # -- before air ----------------------------------------------------------------------

    @property
    def live_now(self) -> bool:
        """Audio comes in and waits in the ring."""
        return self.live.state is SourceState.LIVE and self.live.ring.available > 0

    def wait_reachable(self, seconds: float) -> None:
        """Wait up to ``seconds`` (at least until ``connect_timeout_s`` has passed since it
        began to connect) for the first audio; ``PlaybackError`` with the source's reason
        when none came."""
        since = self.clock.monotonic() - self.opened
        wait = max(seconds, self.connect_timeout_s - since, 0.0)
        if self.live.wait_for(lambda: self.live_now, wait):
            return
        raise PlaybackError(
            N_("relay source {code} could not be reached: {reason}"),
            code=self.source.code,
            reason=self.live.error or Lazy(N_("no audio came")),
        )

    # -- after air -----------------------------------------------------------------------

    def facts(self) -> dict:
        """The as-run facts of its airing: source, dropouts (times live audio was lost
        long enough for the fallback, the dead-air guard's answers included), seconds of
        fallback."""
        reader = self.relay
        dropouts = 0
        fallback_s = 0.0
        if reader is not None:
            dropouts = sum(1 for _at, mode in reader.switches if mode is Mode.FALLBACK)
            fallback_s = round(reader.fallback_s, 2)
        return {"relay_source": self.source.code, "dropouts": dropouts, "fallback_s": fallback_s}

    def close(self) -> None:
        """Stop the source (its ffmpeg, its input stream); again does nothing."""
        self.live.stop()


def open_relay(
    source: Source,
    relay_settings,
    fallback: np.ndarray,
    *,
    rate: int,
    seconds: float,
    clock: Clock,
    message_id: int,
) -> RelayAudio:
    """Start connecting to ``source`` now (the ring fills ahead of the item)."""

    def note(event: SourceEvent) -> None:
        level = logging.INFO if event.kind is EventKind.CONNECTED else logging.WARNING
        log.log(
            level,
            N_("relay of message %(id)s: source %(code)s %(event)s (%(detail)s)"),
            {"id": message_id, "code": source.code, "event": Lazy(EVENT_WORDS[event.kind]),
             "detail": event.detail or "-"},
        )  # fmt: skip

    live = open_live(source, rate, relay_settings, clock=clock, on_event=note)
    audio = RelayAudio(
        source, live, fallback, rate=rate, seconds=seconds,
        connect_timeout_s=relay_settings.connect_timeout_s, clock=clock,
    )  # fmt: skip
    live.start()
    return audio


def load_fallback_or_silence(setting: str, rate: int, on_error) -> np.ndarray:
    """``[relay] fallback`` at ``rate``; a second of silence (reported) when it cannot be
    read: a relay still airs without it."""
    from ..errors import AudioError
    from ..sources.fallback import load_fallback

    try:
        return load_fallback(setting, rate)
    except AudioError as err:
        on_error(err)
        log.error(N_("the relay fallback cannot be used, silence instead: %(reason)s"),
                  {"reason": err})  # fmt: skip
        return np.zeros(rate, dtype=np.int16)


__all__ = ["RelayAudio", "load_fallback_or_silence", "open_relay"]
