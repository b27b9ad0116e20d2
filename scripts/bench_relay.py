"""``scripts/bench`` group *relay* (issue 13): relaying a live stream (tiếp âm).

A real Icecast server (Debian's icecast2, as its own user, on a loopback port) fed by
``ffmpeg -re -f lavfi -i sine=…`` at 128 kbit/s MP3; the station's stream source reads it.

- first audio after connecting (the connect-ahead's cost);
- reconnect: from the moment the upstream is back (its mount answers) to audio again,
  after the feeder was killed (target ≤ 3 s);
- CPU while relaying: the stream source's process share (its reader thread) plus its
  ffmpeg, over 20 s of a 128 kbit/s MP3, in % of one core (target ≤ 5 %).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

from bench_common import INFO, ROOT, Row, judged, log

sys.path.insert(0, str(ROOT / "tests"))

RATE = 48_000
GROUP = "relay"


def _ticks(pid: int | None = None) -> float:
    """CPU seconds (user + system) of this process, or of process ``pid``."""
    if pid is None:
        t = os.times()
        return t.user + t.system
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _drain(source, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        source.wait_buffered(0.2, 0.5)
        source.ring.read(source.ring.capacity)


def run(quick: bool = False):
    from icecast import start_icecast, stop_icecast
    from loabroadcast.sources.stream import StreamSource

    rows, notes = [], []
    server = start_icecast(source_timeout=2)
    try:
        feeder = server.feed("bench.mp3", 440.0, "mp3")
        time.sleep(1.0)
        connects = []
        for _ in range(3 if quick else 5):
            source = StreamSource(feeder.url, RATE)
            began = time.monotonic()
            with source:
                source.wait_live(10)
                connects.append(time.monotonic() - began)
        rows.append(
            Row(GROUP, "stream: first audio after connecting (median)",
                f"{statistics.median(connects) * 1000:.0f} ms", "", INFO)
        )  # fmt: skip
        log(f"relay: connect {[round(c, 3) for c in connects]}")

        backs = []
        source = StreamSource(feeder.url, RATE, retry_max_s=2.0)
        with source:
            source.wait_live(10)
            for _ in range(2 if quick else 3):
                _drain(source, 1.0)
                feeder.kill()
                source.wait_for(lambda s=source: s.state.value == "connecting", 5)
                time.sleep(2.5)  # away long enough for the back-off to reach its most
                feeder.start()  # returns once the mount answers: the source is back
                back = time.monotonic()
                source.wait_live(10)
                backs.append(time.monotonic() - back)
        rows.append(judged(GROUP, "stream: reconnect after the source is back (worst)",
                           max(backs), 3.0, "s", ".2f"))  # fmt: skip
        notes.append(
            f"relay: reconnect times {[round(b, 2) for b in backs]} s (back-off at most 2 s)"
        )

        seconds = 10.0 if quick else 20.0
        source = StreamSource(feeder.url, RATE)
        with source:
            source.wait_live(10)
            _drain(source, 1.0)
            pid = source._attempt.proc.pid  # the ffmpeg of this connection
            ours, theirs, wall = _ticks(), _ticks(pid), time.monotonic()
            _drain(source, seconds)
            ours, theirs = _ticks() - ours, _ticks(pid) - theirs
            wall = time.monotonic() - wall
        share = 100 * (ours + theirs) / wall
        rows.append(judged(GROUP, "stream: CPU relaying 128 kbit/s MP3 (reader + ffmpeg)",
                           share, 5.0, "% of a core", ".1f"))  # fmt: skip
        notes.append(
            f"relay: over {wall:.0f} s, the reader (this process) {100 * ours / wall:.1f} % "
            f"and ffmpeg {100 * theirs / wall:.1f} % of one core"
        )
    finally:
        stop_icecast(server)
    return rows, notes
