"""bench audio: an hour's recording taken in and approved (converted, normalised, limited,
hashed): wall time and peak resident memory of each `loa` process (VmHWM; with ffmpeg's).

Before issue 10 `loa msg approve` of a one-hour WAV peaked at 3.8 GB and took 56 s.
"""

from __future__ import annotations

import subprocess
import tempfile
import time
from pathlib import Path

from bench_common import PYTHON, Row, init_station, judged, loa, loa_env, log, station_config

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


# VmHWM is the process's own peak: ru_maxrss from wait4 would start from the peak of this
# bench process, which Linux carries across exec; ffmpeg's peak comes with RUSAGE_CHILDREN.
_PEAK = (
    "import atexit, resource, sys\n"
    "def peak():\n"
    "    status = open('/proc/self/status').read()\n"
    "    own = int(status.split('VmHWM:')[1].split()[0])\n"
    "    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "    sys.stderr.write(f'\\nPEAK_KB {max(own, kids)}\\n')\n"
    "atexit.register(peak)\n"
    "from loabroadcast.cli import main\n"
    "sys.argv = ['loa', *sys.argv[1:]]\n"
    "main()\n"
)


def measured(home: Path, *args: str) -> tuple[float, float]:
    """(wall seconds, peak resident MB of the `loa` process and of the ffmpeg it ran)."""
    started = time.perf_counter()
    done = subprocess.run(
        [PYTHON, "-c", _PEAK, *args], env=loa_env(home), stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True, check=False,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    stderr, _, peak = done.stderr.rpartition("PEAK_KB ")
    if done.returncode != 0 or not peak.strip().isdigit():
        raise RuntimeError(f"`loa {' '.join(args)}` failed: {stderr.strip()}")
    return elapsed, int(peak) / 1024


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
