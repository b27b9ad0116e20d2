"""``loa zone test``: one zone on, the test tone to it, everything off again."""

from __future__ import annotations

import threading
import time

from .config import Settings
from .resources import audio_asset


def run_zone_test(settings: Settings, zone: int, seconds: float, sink_spec: str | None) -> float:
    """Returns the seconds of tone played. Zones are all off before and after, always."""
    from .playback.sinks import make_sink
    from .playback.zones import make_zones

    zones = make_zones(settings.zones)
    sink = make_sink(sink_spec or settings.playback.sink)
    stop = threading.Event()
    timer = threading.Timer(seconds, stop.set)
    played = 0.0
    try:
        zones.all_off()
        sink.open()
        if settings.zones.amp:
            zones.amp(True)
            stop.wait(settings.zones.preroll_s)
        zones.set_zones(frozenset({zone}))
        timer.start()
        tone = audio_asset("test_tone.wav")
        while not stop.is_set():
            started = time.monotonic()
            outcome = sink.play(tone, stop=stop, meta={"zone": zone, "title": "test tone"})
            played += outcome.played_s
            if not outcome.completed or time.monotonic() - started < 0.05:
                break
    finally:
        timer.cancel()
        try:
            zones.close()  # every zone and the amplifier off, port released
        finally:
            sink.close()
    return played
