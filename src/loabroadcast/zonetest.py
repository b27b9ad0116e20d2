"""``loa zone test``: one zone on, the test tone to it, everything off again.

The tone goes the way a programme does: one stream opened ahead, the tone queued back to
back on it (no gap, no click between repeats), cut when the time is up.
"""

from __future__ import annotations

import math
import threading

from .config import Settings
from .resources import audio_asset

START_LEAD_S = 0.2  # the first frame is placed this long after the stream opens


def run_zone_test(settings: Settings, zone: int, seconds: float, sink_spec: str | None) -> float:
    """Returns the seconds of tone played. Zones are all off before and after, always."""
    from .playback.mixer import Cue
    from .playback.pcm import load_air_audio
    from .playback.sinks import make_sink
    from .playback.zones import make_zones

    zones = make_zones(settings.zones)
    sink = make_sink(sink_spec or settings.playback.sink, latency_s=settings.playback.latency_s)
    tone = load_air_audio(audio_asset("test_tone.wav"))
    never = threading.Event()
    stream = None
    played = 0.0
    try:
        zones.all_off()
        sink.open()
        if settings.zones.amp:
            zones.amp(True)
            never.wait(settings.zones.preroll_s)
        zones.set_zones(frozenset({zone}))
        stream = sink.open_stream(tone.rate)
        start = stream.now() + max(START_LEAD_S, stream.latency_s + 0.05)
        meta = {"zone": zone, "title": "test tone", "path": str(tone.path)}
        cues = [
            stream.add(Cue(tone.reader(), meta=meta, **({"at": start} if i == 0 else {"gap_s": 0})))
            for i in range(math.ceil(seconds / tone.duration_s))
        ]
        stream.sleep_until(start + seconds, never)
        stream.cut()
        for cue in cues:
            stream.wait(cue, 2.0)
        played = sum(cue.played_s(tone.rate) for cue in cues)
        last = max((c.ended for c in cues if c.ended is not None), default=None)
        if last is not None:
            stream.sleep_until(last, never)  # the last frame reaches the card
    finally:
        try:
            if stream is not None:
                stream.close()
            zones.close()  # every zone and the amplifier off, port released
        finally:
            sink.close()
    return min(played, seconds)
