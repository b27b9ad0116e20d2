"""Playing one file on any sink (``loa preview``, ``loa zone test``): one stream, one cue
as soon as possible, followed to its last frame. Shared by every sink (the device sink
too, which is why it is not in :mod:`loabroadcast.playback.sinks`)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .mixer import Cue
from .pcm import load_air_audio

OnStart = Any  # Callable[[float], None]: called with the first frame's instant


@dataclass(frozen=True)
class PlayOutcome:
    """What happened to one ``play`` call. ``first_frame_monotonic`` is the instant the
    first frame reached the card, on the stream's monotonic scale; None if nothing played."""

    completed: bool
    played_s: float
    first_frame_monotonic: float | None


def play_file(
    sink, wav: Path, stop: threading.Event, on_start: OnStart | None, meta: dict | None
) -> PlayOutcome:
    """``Sink.play`` for every sink: one stream, one cue as soon as possible."""
    audio = load_air_audio(Path(wav))
    if stop.is_set():
        audio.close()
        return PlayOutcome(False, 0.0, None)
    stream = sink.open_stream(audio.rate)
    try:
        cue = stream.add(Cue(audio.reader(), meta={"path": str(wav), **(meta or {})}))
        announced = False
        while not stream.wait(cue, 0.01):
            if cue.started is not None and not announced:
                announced = True
                if on_start is not None:
                    on_start(cue.started)
            if stop.is_set():
                stream.cut()
                stream.wait(cue, 2.0)
                break
        if not cue.completed:
            stream.check()  # a dead card is an error, not a short item
        if cue.started is not None and not announced and on_start is not None:
            on_start(cue.started)
        if cue.completed and cue.ended is not None:  # the last frames reach the card
            stream.sleep_until(cue.ended, threading.Event())
    finally:
        stream.close()
        audio.close()
    return PlayOutcome(cue.completed, cue.played_s(audio.rate), cue.started)
