"""Relay switching overhead, for ``scripts/bench``: ``python -m loabroadcast.playback.bench``.

Measures one ``set_zones`` call that switches one relay:

- ``serial_pty``: :class:`SerialZones` writing LC frames into a pseudo-terminal
  whose other side is drained by a thread (pyserial write + flush/tcdrain);
- ``command``: :class:`CommandZones` running a trivial ``/bin/sh`` script (the
  cost of starting a process per switch).
"""

from __future__ import annotations

import os
import select
import statistics
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from ..clock import SystemClock
from .zones import CommandZones, SerialZones, TrackedZones

_CLOCK = SystemClock()


def _time_switches(zones: TrackedZones, n: int) -> dict:
    """Toggle zone 1 ``n`` times; one relay operation per call."""
    zones.all_off()
    times_ms: list[float] = []
    for i in range(n):
        wanted = frozenset({1}) if i % 2 == 0 else frozenset()
        begun = _CLOCK.monotonic()
        ops = zones.set_zones(wanted)
        times_ms.append((_CLOCK.monotonic() - begun) * 1000.0)
        if len(ops) != 1:
            raise RuntimeError(f"expected one relay operation, got {ops}")
    zones.close()
    return {
        "n": n,
        "median_ms": round(statistics.median(times_ms), 3),
        "max_ms": round(max(times_ms), 3),
    }


def _drain(fd: int, done: threading.Event) -> None:
    while not done.is_set():
        if select.select([fd], [], [], 0.05)[0]:
            try:
                os.read(fd, 4096)
            except OSError:
                return


def bench_serial_pty(n: int = 50) -> dict:
    master, slave = os.openpty()
    done = threading.Event()
    reader = threading.Thread(target=_drain, args=(master, done), daemon=True)
    reader.start()
    try:
        return _time_switches(SerialZones(os.ttyname(slave), 9600, channels=1), n)
    finally:
        done.set()
        reader.join()
        os.close(master)
        os.close(slave)


def bench_command(n: int = 50) -> dict:
    with tempfile.TemporaryDirectory(prefix="loa-bench-") as tmp:
        script = Path(tmp) / "relay"
        script.write_text("#!/bin/sh\nexit 0\n")
        script.chmod(0o755)
        argv = [str(script), "{zone}"]
        return _time_switches(CommandZones(argv, argv, 5.0, channels=1), n)


def bench_relays(n: int = 50) -> dict:
    """Per-switch overhead of each relay driver: {driver: {n, median_ms, max_ms}}."""
    results: dict[str, dict] = {}
    benches: dict[str, Callable[[int], dict]] = {
        "serial_pty": bench_serial_pty,
        "command": bench_command,
    }
    for name, bench in benches.items():
        if name == "serial_pty" and not hasattr(os, "openpty"):
            results[name] = {"n": 0, "skipped": "no pseudo-terminals on this system"}
            continue
        results[name] = bench(n)
    return results


def main() -> None:
    results = bench_relays()
    print(f"{'relay driver':<14}{'n':>6}{'median ms':>12}{'max ms':>10}")
    for name, row in results.items():
        if "skipped" in row:
            print(f"{name:<14}  skipped: {row['skipped']}")
        else:
            print(f"{name:<14}{row['n']:>6}{row['median_ms']:>12.3f}{row['max_ms']:>10.3f}")


if __name__ == "__main__":
    main()
