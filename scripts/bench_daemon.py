"""bench daemon: a real ``loa daemon --sink file:DIR --tick 1`` process, then (bench_instant)
a ``loa daemon --sink device`` judged at the card by a witness, beside ``paplay``.

Start lateness (scheduled time to the first audio frame handed to the sink) over
short slots a few seconds ahead, one item each; the gap between the items of one
slot; then the same daemon idle (nothing to air in the next hour): CPU and RSS.
"""

from __future__ import annotations

import math
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bench_common import (
    ERROR,
    INFO,
    MISS,
    PASS,
    DaemonProcess,
    Row,
    as_run,
    cpu_seconds,
    init_station,
    judged,
    log,
    open_station,
    pick_timezone,
    probe_durations,
    stamp,
    station_config,
    status_kb,
    wait_for,
)
from bench_instant import instant_rows

GROUP = "daemon"
GAP_S = 1.0
GAP_ITEMS = 4
SETUP_S = 5.0  # from "daemon ready" to the first slot, plus 0.15 s per message to add


def _hms(moment: datetime) -> str:
    return moment.strftime("%H:%M:%S")


@dataclass
class Layout:
    late: list[tuple[str, datetime]] = field(default_factory=list)  # (slot code, start)
    end: datetime | None = None  # end of the last slot
    margin_s: float = 0.0  # from "everything added" to the first slot


def lay_out(station, tz: ZoneInfo, lateness: list[float], gap: list[float]) -> Layout:
    """Add one short slot per lateness item, then one slot with the gap items, starting
    ``SETUP_S`` from now; each message added and approved (renders are cache hits)."""
    from loabroadcast.services import MessageDraft

    now = datetime.now(tz).replace(microsecond=0)
    start = now + timedelta(seconds=SETUP_S + 0.15 * (len(lateness) + len(gap)))
    layout = Layout()
    for i, duration in enumerate(lateness):
        end = start + timedelta(seconds=math.ceil(duration))
        code = f"s{i:02d}"
        station.add_slot(code, _hms(start), _hms(end), name=f"bench {i}")
        layout.late.append((code, start))
        start = end + timedelta(seconds=1)
    layout.end = start + timedelta(seconds=math.ceil(sum(gap) + GAP_S * len(gap)) + 2)
    station.add_slot("gap", _hms(start), _hms(layout.end), name="bench gap")
    texts = late_texts(len(lateness)) + gap_texts(len(gap))
    codes = [c for c, _ in layout.late] + ["gap"] * len(gap)
    for i, (text, code) in enumerate(zip(texts, codes, strict=True)):
        saved = station.add_message(
            MessageDraft(title=f"bench {i}", text=text, blocks=["K1"], slots=[code], by="bench")
        )
        station.approve(saved.message.id, "bench")
    layout.margin_s = (layout.late[0][1] - datetime.now(tz)).total_seconds()
    if layout.margin_s < 3:
        log("daemon: WARNING: setting up took longer than planned; first slots are tight")
    return layout


def late_texts(n: int) -> list[str]:
    return [f"Số {i + 1}." for i in range(n)]  # short: the chimes make 7 s already


def gap_texts(n: int) -> list[str]:
    return [f"Mục {i + 1}." for i in range(n)]


def lateness_rows(airings: list[dict], sink_log: list[dict], codes: set[str]) -> tuple[list, list]:
    late = [a for a in airings if a["slot"] in codes and a["status"] == "played"]
    if not late:
        return [Row(GROUP, "slots that played their item", f"0/{len(codes)}", "all", MISS)], [
            f"nothing played: {_statuses(airings)}; daemon log: see its stderr"
        ]
    ms = [(stamp(a["started_at"]) - stamp(a["scheduled_at"])) * 1000 for a in late]
    by_item = {(line.get("message_id"), line.get("slot")): line for line in sink_log}
    sink_ms = [
        (stamp(by_item[key]["started_at"]) - stamp(a["scheduled_at"])) * 1000
        for a in late
        if (key := (a["message_id"], a["slot"])) in by_item
    ]
    n = len(late)
    rows = [
        Row(
            GROUP,
            "slots that played their item",
            f"{n}/{len(codes)}",
            "all",
            PASS if n == len(codes) else MISS,
        ),  # fmt: skip
        judged(GROUP, f"start lateness, median of {n} airings", statistics.median(ms), 20, "ms"),
        judged(GROUP, f"start lateness, max of {n} airings", max(ms), 100, "ms"),
    ]
    notes = [
        "lateness per airing (as-run started_at - scheduled_at): "
        + ", ".join(f"{v:.0f}" for v in ms)
        + " ms",
        f"cross-check, file sink airings.jsonl started_at: median {statistics.median(sink_ms):.0f}"
        f" ms, max {max(sink_ms):.0f} ms (the instant its first frame was written)"
        if sink_ms
        else "cross-check: no airings.jsonl lines matched",
    ]
    if len(late) < len(codes):
        notes.append(f"only {len(late)} of {len(codes)} slots played: {_statuses(airings)}")
    return rows, notes


def gap_rows(airings: list[dict]) -> tuple[list, list]:
    items = sorted(
        (a for a in airings if a["slot"] == "gap" and a["status"] == "played"),
        key=lambda a: a["started_at"],
    )
    if len(items) < 2:
        row = Row(GROUP, "gap between items", f"{len(items)} item(s) played", "", MISS)
        return [row], [f"the gap slot did not play: {_statuses(airings)}"]
    gaps = [
        stamp(b["started_at"]) - stamp(a["ended_at"])
        for a, b in zip(items, items[1:], strict=False)
    ]
    excess = [(g - GAP_S) * 1000 for g in gaps]
    rows = [
        judged(
            GROUP,
            f"gap between items - item_gap_s {GAP_S:g} s, max of {len(gaps)}",
            max(excess),
            50,
            "ms",
        )
    ]
    notes = [f"gaps in the {len(items)}-item slot: " + ", ".join(f"{g:.3f}" for g in gaps) + " s"]
    return rows, notes


def _statuses(airings: list[dict]) -> str:
    return ", ".join(f"{a['slot']}:{a['status']}" for a in airings)


def wait_until_aired(daemon: DaemonProcess, layout: Layout, items: int, tz: ZoneInfo) -> None:
    """Until the sink has logged ``items`` items, or a while after the last slot's end."""
    wait_s = (layout.end - datetime.now(tz)).total_seconds()
    log(f"daemon: {len(layout.late)} slots + a {GAP_ITEMS}-item slot, done in {wait_s:.0f} s")
    try:
        wait_for(lambda: len(daemon.sink_log()) >= items, wait_s + 10, daemon.check_alive, 0.5)
    except TimeoutError:
        log(f"daemon: only {len(daemon.sink_log())} of {items} items reached the sink")


class CpuMeter:
    """CPU time and resident memory of one process over a window of wall time."""

    def __init__(self, daemon: DaemonProcess):
        self.daemon = daemon
        self.cpu0, self.wall0 = cpu_seconds(daemon.pid), time.monotonic()
        self.rss_kb: list[int] = []

    def sample(self) -> None:
        self.daemon.check_alive()
        self.rss_kb.append(status_kb(self.daemon.pid, "VmRSS"))

    def result(self) -> tuple[float, float, float]:
        """(CPU %, CPU seconds, wall seconds) since the start."""
        cpu, wall = cpu_seconds(self.daemon.pid) - self.cpu0, time.monotonic() - self.wall0
        return cpu / wall * 100, cpu, wall


def idle_rows(busy: DaemonProcess, fresh: DaemonProcess, seconds: float) -> tuple[list, list]:
    """Both daemons idle (nothing to air in the next hour), measured over the same window:
    ``fresh`` (the default tick, as a station runs it) is judged for CPU; ``busy`` (--tick 1,
    it has just aired the items) for memory, its CPU shown for information."""
    log(f"daemon: idle daemons, measuring CPU and RSS over {seconds:.0f} s")
    meters = [CpuMeter(busy), CpuMeter(fresh)]
    began = time.monotonic()
    while (left := seconds - (time.monotonic() - began)) > 0:
        time.sleep(min(5.0, left))
        for meter in meters:
            meter.sample()
    (pct, cpu, wall), (fresh_pct, fresh_cpu, _) = (m.result() for m in meters)
    rows = [
        judged(
            GROUP, f"idle daemon CPU over {wall:.0f} s (default --tick 10)", fresh_pct, 0.5, "%",
            ".2f",
        ),
        judged(
            GROUP,
            "idle daemon RSS (VmRSS, max of samples, after airing)",
            max(meters[0].rss_kb) / 1024,
            80,
            "MB",
            ".1f",
        ),
        Row(GROUP, "idle CPU of the daemon that aired them, --tick 1", f"{pct:.2f} %"),
    ]  # fmt: skip
    notes = [
        f"idle (--tick 1): {cpu:.2f} s CPU in {wall:.1f} s; peak RSS of the process (VmHWM) "
        f"{status_kb(busy.pid, 'VmHWM') / 1024:.1f} MB; measured on the daemon that has just "
        f"aired the items above; the default-tick daemon used {fresh_cpu:.2f} s, RSS "
        f"{max(meters[1].rss_kb) / 1024:.1f} MB"
    ]
    return rows, notes


def fresh_daemon(tmp: Path, tz: str) -> DaemonProcess:
    """A second station with nothing to air, for a daemon at the default tick."""
    home = tmp / "home-idle"
    init_station(home, station_config(tz, gap_s=GAP_S))
    return DaemonProcess(home, tmp / "sink-idle", tick_s=10.0)


def measure(station, tmp: Path, tz: str, n_late: int, idle_s: float) -> tuple[list, list]:
    """Lateness and gaps of a daemon started on ``station``, then it and a fresh one idle."""
    home = Path(station.settings.home)
    station.add_block("K1", "Khối 1", 1)
    log(f"daemon: rendering {n_late + GAP_ITEMS} short messages to learn their length")
    late_d = probe_durations(station, late_texts(n_late))
    gap_d = probe_durations(station, gap_texts(GAP_ITEMS))
    with DaemonProcess(home, tmp / "sink", tick_s=1.0) as daemon:
        startup = daemon.wait_started()
        rss_start = status_kb(daemon.pid, "VmRSS") / 1024
        layout = lay_out(station, ZoneInfo(tz), late_d, gap_d)
        wait_until_aired(daemon, layout, n_late + GAP_ITEMS, ZoneInfo(tz))
        with fresh_daemon(tmp, tz) as other:
            other.wait_started()
            time.sleep(3.0)  # the as-run writer stores the last item's end
            airings = as_run(home)
            codes = {c for c, _ in layout.late}
            parts = [lateness_rows(airings, daemon.sink_log(), codes), gap_rows(airings)]
            parts.append(idle_rows(daemon, other, idle_s))
    rows = [row for part in parts for row in part[0]]
    rows.append(Row(GROUP, "daemon start-up to 'started' log line", f"{startup:.2f} s", "", INFO))
    rows.append(Row(GROUP, "daemon RSS right after start", f"{rss_start:.1f} MB", "", INFO))
    notes = [note for part in parts for note in part[1]]
    notes.append(
        f"station timezone {tz}; programmes {min(late_d):.1f}-{max(late_d):.1f} s long; slots "
        f"and messages added while the daemon ran, {layout.margin_s:.1f} s before the first slot"
    )
    return rows, notes


def run(quick: bool = False) -> tuple[list[Row], list[str]]:
    n_late = 6 if quick else 20
    idle_s = 20.0 if quick else 60.0
    with tempfile.TemporaryDirectory(prefix="loa-bench-daemon-") as tmp:
        tz = pick_timezone(n_late * 12 + 120 + idle_s)
        home = Path(tmp) / "home"
        init_station(home, station_config(tz, gap_s=GAP_S))
        station = open_station(home)
        try:
            rows, notes = measure(station, Path(tmp), tz, n_late, idle_s)
        finally:
            station.close()
    with tempfile.TemporaryDirectory(prefix="loa-bench-instant-") as tmp:
        try:
            more_rows, more_notes = instant_rows(Path(tmp), quick)
        except Exception as err:  # noqa: BLE001 - the file-sink figures above still count
            more_rows = [Row(GROUP, "on the instant, device sink", type(err).__name__, "", ERROR)]
            more_notes = [f"on the instant: {type(err).__name__}: {err}"]
    return rows + more_rows, [f"daemon: {n}" for n in notes + more_notes]
