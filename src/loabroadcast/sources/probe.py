"""``loa source test``: connect to a source, listen for a few seconds, say what came.

It reports how long the first audio took, the format the source sends, the level heard
(RMS and peak in dBFS, as the dead-air guard measures it), any stretch of dead air, and
drops; the audio heard can be kept (to play it to the sink afterwards).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..clock import Clock, SystemClock
from ..domain.content import Source
from .deadair import DeadAir
from .levels import measure_levels
from .live import EventKind, SourceFormat, SourceState

#: A test gives up after this many failed attempts in a row (the daemon never does).
ATTEMPTS = 3

RATE = 48_000


@dataclass(frozen=True)
class SourceReport:
    source: Source
    connected: bool
    connect_s: float | None  # from starting to the first audio
    format: SourceFormat | None
    heard_s: float
    rms_db: float | None
    peak_db: float | None
    dead_air: tuple[DeadAir, ...]
    dropouts: int
    error: str | None  # why it could not connect, or the last drop's reason
    audio: np.ndarray | None = None  # mono int16 at ``rate``, when kept
    rate: int = RATE


def probe_source(
    source: Source,
    settings,
    seconds: float,
    *,
    keep: bool = False,
    rate: int = RATE,
    clock: Clock | None = None,
) -> SourceReport:
    """Listen to ``source`` for ``seconds`` after its first audio (or give up after the
    connect timeout). ``settings``: the station's settings ([relay], [playback])."""
    from . import open_live

    clock = clock or SystemClock()
    live = open_live(source, rate, settings.relay, clock=clock)
    heard: list[np.ndarray] = []
    t0 = clock.monotonic()

    def settled() -> bool:
        failed = sum(1 for e in live.events if e.kind is EventKind.FAILED)
        return live.state is SourceState.LIVE or failed >= ATTEMPTS

    with live:
        live.wait_for(settled, settings.relay.connect_timeout_s + 1.0)
        if live.state is not SourceState.LIVE:
            return SourceReport(source, False, None, live.format, 0.0, None, None, (),
                                live.dropouts, live.error or "no audio came")  # fmt: skip
        connect_s = clock.monotonic() - t0
        want = int(seconds * rate)
        got = 0
        deadline = clock.monotonic() + seconds + settings.relay.connect_timeout_s
        while got < want and clock.monotonic() < deadline:
            live.wait_buffered(min(0.2, (want - got) / rate), 0.5)
            block = live.ring.read(min(want - got, live.ring.capacity))
            if len(block):
                heard.append(block)
                got += len(block)
    audio = np.concatenate(heard) if heard else np.zeros(0, dtype=np.int16)
    playback = settings.playback
    levels = measure_levels([audio], rate, playback.silence_db, playback.silence_s)
    return SourceReport(
        source,
        True,
        connect_s,
        live.format,
        len(audio) / rate,
        levels.rms_db if len(audio) else None,
        levels.peak_db if len(audio) else None,
        levels.dead_air,
        live.dropouts,
        live.error if live.dropouts else None,
        audio if keep else None,
        rate,
    )
