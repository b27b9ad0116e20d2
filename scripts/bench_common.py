"""Shared parts of ``scripts/bench``: result rows, timing, throwaway stations, daemons.

Not part of the package and not part of the test suite. Runs inside ``.venv``.
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = ROOT / ".venv" / "bin"
LOA = str(VENV_BIN / "loa")
PYTHON = str(VENV_BIN / "python")
DEMO_MESSAGES = ROOT / "scripts" / "demo-data" / "messages.toml"

PASS, MISS, INFO, ERROR = "PASS", "MISS", "info", "ERROR"


# --- results ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    group: str
    name: str
    value: str
    target: str = ""
    result: str = INFO


def judged(group: str, name: str, value: float, limit: float, unit: str, fmt: str = ".0f") -> Row:
    """A measured figure against an upper limit (value <= limit passes)."""
    return Row(
        group,
        name,
        f"{value:{fmt}} {unit}",
        f"<= {limit:{fmt}} {unit}",
        PASS if value <= limit else MISS,
    )


def print_table(rows: Sequence[Row], notes: Sequence[str]) -> None:
    headers = ("group", "figure", "measured", "target", "result")
    cells = [(r.group, r.name, r.value, r.target, r.result) for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)).rstrip()

    print(line(headers))
    print(line(["-" * w for w in widths]))
    for c in cells:
        print(line(c))
    if notes:
        print("\nnotes:")
        for note in notes:
            print(f"  - {note}")


def log(text: str) -> None:
    """Progress on stderr, so stdout carries only the table."""
    print(f"bench: {text}", file=sys.stderr, flush=True)


# --- processes -----------------------------------------------------------------------------


def loa_env(home: Path) -> dict[str, str]:
    """The environment for a ``loa`` process on ``home``: no other LOA_* setting leaks in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOA_")}
    env["LOA_HOME"] = str(home)
    env["LOA_LANG"] = "en"  # the bench reads the daemon's English log lines
    env["PYTHONUNBUFFERED"] = "1"
    return env


def loa(home: Path, *args: str) -> str:
    """Run ``loa ARGS`` on ``home``; its stdout. Raises with stderr when it fails."""
    result = subprocess.run(
        [LOA, *args], env=loa_env(home), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"`loa {' '.join(args)}` failed: {result.stderr.strip()}")
    return result.stdout


def loa_json(home: Path, *args: str):
    return json.loads(loa(home, *args, "--json"))


def time_processes(
    commands: dict[str, Sequence[str]], env: dict[str, str], runs: int = 5
) -> dict[str, list[float]]:
    """Wall seconds of ``runs`` runs of each command (stdout to /dev/null), after one
    warm-up run of each; the commands take turns, so a burst of load elsewhere on the
    machine hits them all alike."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for i in range(runs + 1):
        for name, argv in commands.items():
            elapsed = _timed_run(argv, env)
            if i:
                times[name].append(elapsed)
    return times


def _timed_run(argv: Sequence[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(
        list(argv), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        err = result.stderr.decode(errors="replace").strip()
        raise RuntimeError(f"`{' '.join(argv)}` failed: {err}")
    return elapsed


def median_ms(seconds: Iterable[float]) -> float:
    return statistics.median(seconds) * 1000.0


def imported_modules(argv: Sequence[str], env: dict[str, str]) -> dict[str, int]:
    """Top-level package -> cumulative import microseconds, from ``python -X importtime``."""
    result = subprocess.run(
        [PYTHON, "-X", "importtime", *argv],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    found: dict[str, int] = {}
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = (part.strip() for part in line[len("import time:") :].split("|"))
        if not cumulative.isdigit():
            continue
        top = name.split(".")[0]
        found[top] = max(found.get(top, 0), int(cumulative))
    return found


# --- throwaway stations ----------------------------------------------------------------------


def demo_messages() -> list[dict]:
    return tomllib.loads(DEMO_MESSAGES.read_text(encoding="utf-8"))["message"]


def init_station(home: Path, config: str | None = None) -> None:
    """``loa init`` in ``home``, then (optionally) replace its loa.toml with ``config``."""
    loa(home, "init")
    if config is not None:
        (home / "loa.toml").write_text(config, encoding="utf-8")


def open_station(home: Path):
    """The station's services, in this process (settings from ``home`` only)."""
    from loabroadcast.config import load_settings
    from loabroadcast.services import Station

    return Station.open(load_settings(home, env={}))


def station_config(tz: str, *, gap_s: float = 1.0) -> str:
    return (
        f'[station]\nname = "bench"\ntimezone = "{tz}"\n\n'
        '[speech]\nengine = "espeak"\n\n'
        f"[schedule]\nitem_gap_s = {gap_s}\n\n"
        '[zones]\ndriver = "none"\n'
    )


# --- the daemon ------------------------------------------------------------------------------


class DaemonProcess:
    """A real ``loa daemon --sink file:DIR`` process; stopped (and waited for) on exit."""

    def __init__(
        self,
        home: Path,
        sink_dir: Path,
        tick_s: float = 1.0,
        *,
        sink: str | None = None,
        env: dict[str, str] | None = None,
    ):
        self.home = home
        self.sink_dir = sink_dir
        self.tick_s = tick_s
        self.sink = sink or f"file:{sink_dir}"  # or "device" (with a sound server in env)
        self.extra_env = env or {}
        self.proc: subprocess.Popen | None = None
        self.stderr_path = home / "daemon.stderr"

    def __enter__(self) -> DaemonProcess:
        return self.start()

    def start(self) -> DaemonProcess:
        argv = [LOA, "daemon", "--sink", self.sink, "--tick", str(self.tick_s)]
        with open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen(
                argv,
                env={**loa_env(self.home), **self.extra_env},
                stdout=subprocess.DEVNULL,
                stderr=err,
            )
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)

    def check_alive(self) -> None:
        if self.proc is not None and self.proc.poll() is not None:
            raise RuntimeError(f"the daemon exited ({self.proc.returncode}): {self.stderr_tail()}")

    def stderr_tail(self, lines: int = 5) -> str:
        try:
            text = self.stderr_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return " | ".join(text.strip().splitlines()[-lines:])

    def wait_started(self, timeout: float = 30.0) -> float:
        """Seconds until the daemon logged that it started."""
        begun = time.monotonic()
        wait_for(lambda: "started: sink" in self.stderr_tail(50), timeout, self.check_alive)
        return time.monotonic() - begun

    def sink_log(self) -> list[dict]:
        """The file sink's ``airings.jsonl`` (one line per item, written when it ends)."""
        path = self.sink_dir / "airings.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def wait_for(
    predicate: Callable[[], bool],
    timeout: float,
    check: Callable[[], None] | None = None,
    poll_s: float = 0.1,
) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if check:
            check()
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up after {timeout:.0f} s")
        time.sleep(poll_s)


def as_run(home: Path) -> list[dict]:
    """``loa log --all --json``."""
    return loa_json(home, "log", "--all")


def stamp(iso: str | None) -> float | None:
    """Epoch seconds of an ISO 8601 instant (as ``loa log --json`` prints them)."""
    return datetime.fromisoformat(iso).timestamp() if iso else None


def pick_timezone(needed_s: float) -> str:
    """The station's zone, unless its day ends within ``needed_s`` (slots cannot cross
    midnight): then a zone whose local time is far from midnight."""
    from zoneinfo import ZoneInfo

    for tz in ("Asia/Ho_Chi_Minh", "Etc/GMT-1", "Etc/GMT+11"):
        now = datetime.now(ZoneInfo(tz))
        seconds_of_day = now.hour * 3600 + now.minute * 60 + now.second
        if seconds_of_day + needed_s < 86_000:
            return tz
    raise RuntimeError("no timezone keeps the benchmark's slots inside one day")


def probe_durations(station, texts: Sequence[str]) -> list[float]:
    """Render ``texts`` into the station's cache (so approval is a cache hit) and return
    each programme's duration in seconds, as ``loa msg show --json`` would report it."""
    from loabroadcast.domain import Message
    from loabroadcast.rendering import Renderer
    from loabroadcast.speech.render import render_message

    renderer = Renderer(station)
    durations = []
    for text in texts:
        record = render_message(
            Message(id=0, title="probe", text=text),
            renderer.spoken(text),
            renderer.settings,
            renderer.cache,
            renderer.engine,
        )
        durations.append(record.duration_s)
    return durations


# --- /proc --------------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """utime + stime (+ waited-for children) of ``pid``, in seconds."""
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text[text.rindex(")") + 2 :].split()  # fields[0] is field 3 (state)
    ticks = sum(int(fields[i]) for i in (11, 12, 13, 14))  # utime stime cutime cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def status_kb(pid: int, key: str) -> int:
    """A ``kB`` value of /proc/PID/status, e.g. VmRSS or VmHWM."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise KeyError(key)
