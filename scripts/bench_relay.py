"""``scripts/bench`` group *relay* (issue 13): relaying a live stream (tiếp âm).

A real Icecast server (Debian's icecast2, as its own user, on a loopback port) fed by
``ffmpeg -re -f lavfi -i sine=440`` at 128 kbit/s MP3, and a real ``loa daemon`` on the
file sink relaying it in slots seconds ahead; what reached the sink is read back from its
files (``airings.jsonl`` and each item's WAV, analysed in 10 ms blocks: the live tone,
the fallback — a 1200 Hz tone the station configures — or silence).

- relay start lateness: the slot's instant → the first relayed frame at the sink (the
  item's first frame as the sink logged it, plus any silence before the tone in its WAV);
  target ≤ 50 ms;
- reconnect: the feeder killed mid-relay and started again; from the moment its mount
  answers again to the first live frame at the sink after the fallback; target ≤ 3 s;
- CPU while relaying a 128 kbit/s MP3: the daemon process and its ffmpeg child, over the
  middle of a relay, in % of one core; target ≤ 5 %;
- and, for the record, the stream source's first audio after connecting (no daemon).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import wave
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
from bench_common import (
    INFO,
    ROOT,
    DaemonProcess,
    Row,
    init_station,
    judged,
    log,
    open_station,
    station_config,
)

sys.path.insert(0, str(ROOT / "tests"))

RATE = 48_000
GROUP = "relay"
TZ = "Asia/Ho_Chi_Minh"
TONE, FALLBACK = 440.0, 1200.0
BLOCK_S = 0.01


def _ticks(pid: int) -> float:
    """CPU seconds (user + system) of process ``pid``."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found |= {int(c) for c in (task / "children").read_text().split()}
        except OSError:
            continue
    return found


def _fallback_wav(path: Path) -> Path:
    t = np.arange(int(0.5 * RATE)) / RATE
    samples = (0.1 * np.sin(2 * np.pi * FALLBACK * t) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(samples.tobytes())
    return path


def _kinds(path: Path) -> str:
    """One letter per 10 ms block of a WAV: L live tone, F fallback, . silence, ? other."""
    with wave.open(str(path)) as w:
        rate = w.getframerate()
        x = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2") / 32768.0
    n = int(rate * BLOCK_S)
    out = []
    for i in range(len(x) // n):
        block = x[i * n : (i + 1) * n]
        if np.sqrt(np.mean(block**2)) < 0.003:
            out.append(".")
            continue
        spectrum = np.abs(np.fft.rfft(block * np.hanning(n), 8 * n))
        freq = np.argmax(spectrum) * rate / (8 * n)
        out.append("L" if abs(freq - TONE) < 60 else "F" if abs(freq - FALLBACK) < 60 else "?")
    return "".join(out)


def _sink_lines(sink: Path) -> list[dict]:
    path = sink / "airings.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _wait_lines(daemon: DaemonProcess, sink: Path, count: int, until: float) -> list[dict]:
    while time.monotonic() < until:
        daemon.check_alive()
        lines = _sink_lines(sink)
        if len(lines) >= count:
            return lines
        time.sleep(0.2)
    raise RuntimeError(f"the sink got {len(_sink_lines(sink))} of {count} relays in time: "
                       f"{daemon.stderr_tail()}")  # fmt: skip


def _connect_row(url: str, quick: bool) -> tuple[Row, str]:
    from loabroadcast.sources.stream import StreamSource

    connects = []
    for _ in range(3 if quick else 5):
        source = StreamSource(url, RATE)
        began = time.monotonic()
        with source:
            source.wait_live(10)
            connects.append(time.monotonic() - began)
    row = Row(GROUP, "stream: first audio after connecting (median)",
              f"{statistics.median(connects) * 1000:.0f} ms", "", INFO)  # fmt: skip
    return row, f"relay: connect {[round(c, 3) for c in connects]} s"


def run(quick: bool = False):
    from icecast import start_icecast, stop_icecast
    from loabroadcast.domain import Priority
    from loabroadcast.services import MessageDraft
    from loabroadcast.usecases.sources import Sources

    rows, notes = [], []
    tz = ZoneInfo(TZ)
    tmp = Path(tempfile.mkdtemp(prefix="loa-bench-relay-"))
    server = start_icecast(source_timeout=2)
    try:
        feeder = server.feed("bench.mp3", TONE, "mp3")
        time.sleep(1.0)
        row, note = _connect_row(feeder.url, quick)
        rows.append(row)
        notes.append(note)

        home, sink = tmp / "home", tmp / "sink"
        home.mkdir()
        fallback = _fallback_wav(tmp / "fallback.wav")
        init_station(home, station_config(TZ) + "\n[playback]\nprepare_s = 5.0\n\n"
                     f'[relay]\nfallback = "{fallback}"\n')  # fmt: skip
        station = open_station(home)
        station.add_block("K1", "Khối 1", 1)
        Sources(station).add("TINH", feeder.url)
        starts: list[tuple[str, datetime, float]] = []
        late_n = 3 if quick else 5
        plan = [("late", 3.0)] * late_n + [("back", 22.0), ("cpu", 10.0 if quick else 20.0)]
        at = (datetime.now(tz) + timedelta(seconds=9)).replace(microsecond=0)
        for i, (kind, seconds) in enumerate(plan):
            code = f"r{i}"
            end = at + timedelta(seconds=seconds + 2)
            station.add_slot(code, f"{at:%H:%M:%S}", f"{end:%H:%M:%S}")
            draft = MessageDraft(
                title=f"Tiếp âm {i}", relay="TINH", duration_s=seconds, blocks=["all"],
                slots=[code], priority=Priority.NORMAL,
            )  # fmt: skip
            mid = station.add_message(draft).message.id
            station.approve(mid, "bench")
            starts.append((kind, at, seconds))
            at = end + timedelta(seconds=2)
        station.close()
        log(f"relay: {len(plan)} relays from {starts[0][1]:%H:%M:%S} to {at:%H:%M:%S}")

        with DaemonProcess(home, sink, tick_s=10.0) as daemon:
            # start lateness: the first late_n relays
            lines = _wait_lines(daemon, sink, late_n, time.monotonic() + 120)
            lateness = []
            for line, (_kind, start, _s) in zip(lines[:late_n], starts[:late_n], strict=True):
                shape = _kinds(Path(line["path"]))
                first = shape.find("L")
                placed = (datetime.fromisoformat(line["started_at"]) - start).total_seconds()
                lateness.append(placed + max(0, first) * BLOCK_S)
            name = "daemon: relay start lateness, slot → first relayed frame at the sink (worst)"
            rows.append(judged(GROUP, name, max(lateness) * 1000, 50.0, "ms"))
            shown = [round(x * 1000, 1) for x in lateness]
            notes.append(f"relay: start lateness {shown} ms (file sink: instants stamped in "
                         "whole ms, truncated; 10 ms analysis blocks)")  # fmt: skip

            # reconnect: two outages of 5 s in the "back" relay
            _kind, start, _s = starts[late_n]
            backs = []
            for kill_at in (2.0, 11.0):
                _sleep_until(start + timedelta(seconds=kill_at), tz)
                feeder.kill()
                time.sleep(5.0)
                feeder.start()  # returns once the mount answers: the source is back
                backs.append(datetime.now(tz))
            lines = _wait_lines(daemon, sink, late_n + 1, time.monotonic() + 60)
            line = lines[late_n]
            began = datetime.fromisoformat(line["started_at"])
            shape = _kinds(Path(line["path"]))
            resumed = [i for i in range(1, len(shape)) if shape[i] == "L" and shape[i - 1] != "L"
                       and "F" in shape[max(0, i - 50) : i]]  # fmt: skip
            times = []
            for back in backs:
                after = [began + timedelta(seconds=i * BLOCK_S) for i in resumed]
                heard = [t for t in after if t >= back - timedelta(seconds=1)]
                if heard:
                    times.append((heard[0] - back).total_seconds())
            name = "daemon: reconnect, source back → live at the sink (worst)"
            if len(times) == len(backs):
                rows.append(judged(GROUP, name, max(times), 3.0, "s", ".2f"))
            else:
                heard = f"{len(times)} of {len(backs)} heard"
                rows.append(Row(GROUP, name, heard, "<= 3.00 s", "MISS"))
            notes.append(f"relay: reconnect {[round(t, 2) for t in times]} s after the mount "
                         "answered (back-off at most [relay] retry_max_s = 2 s)")  # fmt: skip

            # CPU over the middle of the "cpu" relay
            _kind, start, seconds = starts[late_n + 1]
            _sleep_until(start + timedelta(seconds=2), tz)
            pid = daemon.pid
            kids = _children(pid)
            before = {p: _ticks(p) for p in kids | {pid}}
            wall = time.monotonic()
            time.sleep(seconds - 4)
            after = {p: _ticks(p) for p in kids | {pid} if Path(f"/proc/{p}").exists()}
            wall = time.monotonic() - wall
            ours = after[pid] - before[pid]
            theirs = sum(after[p] - before[p] for p in kids if p in after)
            share = 100 * (ours + theirs) / wall
            rows.append(judged(GROUP, "daemon: CPU relaying 128 kbit/s MP3 (daemon + ffmpeg)",
                               share, 5.0, "% of a core", ".1f"))  # fmt: skip
            notes.append(f"relay: over {wall:.0f} s, the daemon {100 * ours / wall:.1f} % and "
                         f"its ffmpeg {100 * theirs / wall:.1f} % of one core (file sink: the "
                         "paced writer and two WAVs included)")  # fmt: skip
    finally:
        stop_icecast(server)
        shutil.rmtree(tmp, ignore_errors=True)
    return rows, notes


def _sleep_until(moment: datetime, tz: ZoneInfo) -> None:
    time.sleep(max(0.0, (moment - datetime.now(tz)).total_seconds()))
