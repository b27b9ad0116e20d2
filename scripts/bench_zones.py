"""bench zones: emergencies (phát ngay) through a real daemon, and relay switching.

- ``loa play-now ID`` to the first emergency audio frame at the file sink;
- pre-emption: a long item on air, ``loa play-now``; how fast the item stops;
- ``loabroadcast.playback.bench.bench_relays``: the cost of one relay switch.
"""

from __future__ import annotations

import math
import statistics
import subprocess
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bench_common import (
    ERROR,
    INFO,
    LOA,
    DaemonProcess,
    Row,
    as_run,
    demo_messages,
    init_station,
    judged,
    loa,
    loa_env,
    log,
    open_station,
    pick_timezone,
    probe_durations,
    stamp,
    station_config,
    wait_for,
)
from bench_instant import play_now_heard_rows

GROUP = "zones"
EMERGENCY_TEXT = "Thông báo khẩn."
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def relay_rows(n: int) -> tuple[list[Row], list[str]]:
    from loabroadcast.playback.bench import bench_relays

    log(f"zones: relay switching, {n} switches per driver")
    rows, notes = [], []
    for name, r in bench_relays(n).items():
        if "skipped" in r:
            rows.append(Row(GROUP, f"relay switch, {name}", "skipped", "<= 20 ms", INFO))
            notes.append(f"relay {name}: {r['skipped']}")
            continue
        label = f"relay switch overhead, {name}, median of {r['n']}"
        rows.append(judged(GROUP, label, r["median_ms"], 20, "ms", ".2f"))
        notes.append(f"relay {name}: max {r['max_ms']:.2f} ms")
    return rows, notes


class Emergencies:
    """A station with an approved emergency message and a running daemon."""

    def __init__(self, home: Path, sink: Path, tz: str):
        self.home, self.sink, self.tz = home, sink, ZoneInfo(tz)
        self.station = open_station(home)
        self.daemon = DaemonProcess(home, sink, tick_s=1.0)
        self.emergency_id = 0
        self.launches: list[float] = []

    def prepare(self, long_text: str) -> float:
        """Blocks, a parking slot that never comes in the daemon's horizon, the emergency
        message approved; the long text rendered into the cache. Returns its length."""
        from loabroadcast.domain import Priority
        from loabroadcast.services import MessageDraft

        s = self.station
        s.add_block("K1", "Khối 1", 1)
        s.add_block("K2", "Thôn Khe Sanh", 2)
        far = WEEKDAYS[(date.today().weekday() + 3) % 7]
        s.add_slot("park", "03:00", "03:30", days=far, name="never in the bench")
        saved = s.add_message(
            MessageDraft(
                title="Tin khẩn (bench)", text=EMERGENCY_TEXT, blocks=["K1", "K2"],
                slots=["park"], priority=Priority.EMERGENCY, by="bench",
            )
        )  # fmt: skip
        self.emergency_id = saved.message.id
        s.approve(self.emergency_id, "bench")
        return probe_durations(s, [long_text])[0]

    def emergency_lines(self) -> int:
        return sum(1 for line in self.daemon.sink_log() if line["message_id"] == self.emergency_id)

    def play_now(self) -> None:
        """``loa play-now``, timed from just before the process starts; waits for the end."""
        before = self.emergency_lines()
        self.launches.append(time.time())
        subprocess.run(
            [LOA, "play-now", str(self.emergency_id)],
            env=loa_env(self.home),
            capture_output=True,
            check=True,
        )
        wait_for(lambda: self.emergency_lines() > before, 30, self.daemon.check_alive)
        time.sleep(0.5)  # the request is marked done, zones switched off

    def requests(self) -> list:
        from sqlalchemy import select

        from loabroadcast.store import db
        from loabroadcast.store.models import PlayRequestRow

        with db.read_session(self.station.engine) as s:
            return list(s.scalars(select(PlayRequestRow).order_by(PlayRequestRow.id)))

    def close(self) -> None:
        self.daemon.stop()
        self.station.close()


def play_now_rows(em: Emergencies, n: int) -> tuple[list[Row], list[str]]:
    log(f"zones: {n} x loa play-now, each waited for to its end")
    for _ in range(n):
        em.play_now()
    emergencies = [a for a in as_run(em.home) if a["slot"] is None][:n]
    requests = em.requests()[:n]
    started = [stamp(a["started_at"]) for a in emergencies]
    latency = [(s - t) * 1000 for s, t in zip(started, em.launches, strict=True)]
    cli = [
        (r.requested_at.timestamp() - t) * 1000 for r, t in zip(requests, em.launches, strict=True)
    ]
    poll = [(r.picked_at - r.requested_at).total_seconds() * 1000 for r in requests]
    daemon = [(s - r.picked_at.timestamp()) * 1000 for s, r in zip(started, requests, strict=True)]
    rows = [
        judged(
            GROUP,
            f"play-now launch -> first emergency frame, median of {n}",
            statistics.median(latency),
            1500,
            "ms",
        )
    ]
    notes = [
        "play-now latency per request: " + ", ".join(f"{v:.0f}" for v in latency) + " ms",
        f"play-now median breakdown: CLI start to request stored {statistics.median(cli):.0f} ms, "
        f"request waiting for the daemon's poll {statistics.median(poll):.0f} ms, "
        f"daemon picked it to first frame {statistics.median(daemon):.0f} ms",
    ]
    return rows, notes


def preemption_rows(em: Emergencies, long_s: float, n: int) -> tuple[list[Row], list[str]]:
    """A long item in a slot starting now; each time it (re-)airs, ``loa play-now``."""
    from loabroadcast.services import MessageDraft

    text = demo_messages()[0]
    s = em.station
    start = datetime.now(em.tz).replace(microsecond=0) + timedelta(seconds=5)
    end = start + timedelta(seconds=math.ceil(long_s) + 15 * n + 10)
    s.add_slot("dai", start.strftime("%H:%M:%S"), end.strftime("%H:%M:%S"), name="bench long")
    saved = s.add_message(
        MessageDraft(title=text["title"], text=text["text"], blocks=["K1"], slots=["dai"])
    )
    long_id = saved.message.id
    s.approve(long_id, "bench")
    log(f"zones: pre-emption, {n} x loa play-now while a {long_s:.0f} s item airs")
    first_request = len(em.launches)
    for k in range(n):
        wait_for(
            lambda k=k: len(list(em.sink.glob(f"*_msg{long_id}*.wav"))) > k,
            30,
            em.daemon.check_alive,
            poll_s=0.05,
        )
        time.sleep(2.0)  # well inside the item
        em.play_now()
    time.sleep(1.0)
    airings = as_run(em.home)
    cut = [a for a in airings if a["message_id"] == long_id and a["status"] == "preempted"][:n]
    if len(cut) < n:
        statuses = [(a["message_id"], a["status"]) for a in airings if a["slot"] == "dai"]
        raise RuntimeError(f"expected {n} pre-empted airings, got {statuses}")
    emergencies = [a for a in airings if a["slot"] is None][first_request : first_request + n]
    requests = em.requests()[first_request : first_request + n]
    launches = em.launches[first_request:]
    ended = [stamp(a["ended_at"]) for a in cut]
    stop = [(e - r.picked_at.timestamp()) * 1000 for e, r in zip(ended, requests, strict=True)]
    handover = [
        (stamp(a["started_at"]) - e) * 1000 for a, e in zip(emergencies, ended, strict=True)
    ]
    after_launch = [(e - t) * 1000 for e, t in zip(ended, launches, strict=True)]
    rows = [
        judged(
            GROUP,
            f"pre-emption stop (daemon picked request -> item ended), max of {n}",
            max(stop),
            200,
            "ms",
        ),  # fmt: skip
        Row(
            GROUP,
            f"pre-empted item ended -> emergency first frame, median of {n}",
            f"{statistics.median(handover):.0f} ms",
        ),
        Row(
            GROUP,
            f"play-now launch -> pre-empted item ended, median of {n}",
            f"{statistics.median(after_launch):.0f} ms",
        ),
    ]
    notes = [
        "pre-emption stop per request (picked_at from play_requests -> as-run ended_at): "
        + ", ".join(f"{v:.0f}" for v in stop)
        + " ms; handover "
        + ", ".join(f"{v:.0f}" for v in handover)
        + " ms"
    ]
    return rows, notes


def run(quick: bool = False) -> tuple[list[Row], list[str]]:
    n_play = 3 if quick else 10
    n_pre = 2 if quick else 3
    rows, notes = relay_rows(20 if quick else 50)
    with tempfile.TemporaryDirectory(prefix="loa-bench-zones-") as tmp:
        home, sink = Path(tmp) / "home", Path(tmp) / "sink"
        tz = pick_timezone(n_play * 12 + n_pre * 15 + 180)
        init_station(home, station_config(tz))
        em = Emergencies(home, sink, tz)
        try:
            long_s = em.prepare(demo_messages()[0]["text"])
            em.daemon.start()
            em.daemon.wait_started()
            loa(home, "msg", "show", str(em.emergency_id))  # warm-up: the modules play-now uses
            play_rows, play_notes = play_now_rows(em, n_play)
            cut_rows, cut_notes = preemption_rows(em, long_s, n_pre)
        finally:
            em.close()
    rows += play_rows + cut_rows
    with tempfile.TemporaryDirectory(prefix="loa-bench-playnow-") as tmp:
        try:
            heard_rows, heard_notes = play_now_heard_rows(Path(tmp), quick)
        except Exception as err:  # noqa: BLE001 - the file-sink figures above still count
            heard_rows = [Row(GROUP, "play-now heard, device sink", type(err).__name__, "",
                              ERROR)]  # fmt: skip
            heard_notes = [f"play-now heard: {type(err).__name__}: {err}"]
    rows += heard_rows
    return rows, [f"zones: {n}" for n in notes + play_notes + cut_notes + heard_notes]
