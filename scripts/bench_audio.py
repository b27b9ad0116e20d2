"""bench audio: an hour's recording taken in and approved (converted, normalised, limited,
hashed): wall time and peak resident memory of each `loa` process (ru_maxrss, with ffmpeg).

Before issue 10 `loa msg approve` of a one-hour WAV peaked at 3.8 GB and took 56 s.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from pathlib import Path

from bench_common import LOA, Row, init_station, judged, loa, loa_env, log, station_config

GROUP = "audio"
TZ = "Asia/Ho_Chi_Minh"
LIMIT_MB = 300


def recording(path: Path, seconds: int) -> Path:
    """Speech-like noise (pink, its level swinging 3 times a second), 48 kHz stereo WAV:
    what a handheld recorder gives the officer."""
    noise = f"anoisesrc=color=pink:amplitude=0.25:sample_rate=48000:duration={seconds}"
    swing = f"sine=frequency=3:sample_rate=48000:duration={seconds}"
    argv = ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", noise, "-f", "lavfi", "-i", swing]
    argv += ["-filter_complex", "[0][1]amultiply,volume=6", "-ac", "2", str(path)]
    subprocess.run(argv, check=True, timeout=600)
    return path


def measured(home: Path, *args: str) -> tuple[float, float]:
    """(wall seconds, peak resident MB of the process and the children it waited for)."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [LOA, *args], env=loa_env(home), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace").strip() if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    if proc.returncode != 0:
        raise RuntimeError(f"`loa {' '.join(args)}` failed: {err}")
    return elapsed, usage.ru_maxrss / 1024


def run(quick: bool = False) -> tuple[list[Row], list[str]]:
    seconds = 900 if quick else 3600
    label = "one-hour" if not quick else "15-minute (--quick)"
    with tempfile.TemporaryDirectory(prefix="loa-bench-audio-") as tmp:
        home = Path(tmp) / "home"
        init_station(home, station_config(TZ))
        loa(home, "block", "add", "K1", "Khối 1")
        loa(home, "slot", "add", "sang", "06:00", "06:30")
        log(f"audio: generating a {label} 48 kHz stereo WAV recording")
        wav = recording(Path(tmp) / "ghi-am.wav", seconds)
        size_mb = wav.stat().st_size / 1e6
        log("audio: loa msg add --audio (copy and hash)")
        add_s, add_mb = measured(home, "msg", "add", "--title", "Ghi âm", "--audio", str(wav),
                                 "--blocks", "K1", "--slots", "sang")  # fmt: skip
        log("audio: loa msg approve (convert, normalise, limit, write, hash)")
        approve_s, approve_mb = measured(home, "msg", "approve", "1")
    rows = [
        judged(GROUP, f"{label} recording: msg add --audio, wall", add_s, 10, "s", ".1f"),
        judged(GROUP, f"{label} recording: msg add --audio, peak RSS", add_mb, LIMIT_MB, "MB"),
        judged(GROUP, f"{label} recording: msg approve, wall", approve_s, 28, "s", ".1f"),
        judged(GROUP, f"{label} recording: msg approve, peak RSS", approve_mb, LIMIT_MB, "MB"),
    ]
    notes = [
        f"audio: {seconds} s of 48 kHz stereo 16-bit WAV ({size_mb:.0f} MB) to a 44.1 kHz mono "
        "programme; before issue 10 approve took 56 s and peaked at 3.8 GB",
    ]
    return rows, notes
