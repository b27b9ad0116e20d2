"""bench district: a district of 200 stations on one PostgreSQL database (issue 16).

``loa station list`` (the district's overview) as whole processes, median of several runs:
200 stations, each with the heartbeats of three daemon starts (one running, one stale,
one stopped, in turn), a few hundred things on air, and a year of restarts' rows behind
them.

The district's emergency button: a few stations on a database of their own, each with its
real ``loa daemon`` on the file sink (woken by LISTEN/NOTIFY); ``play-now --stations all``
from the office, timed from the moment the requests are written to the first frame of the
emergency at each station's sink; per press, the slowest station counts.

Uses LOA_TEST_PG_URL's server, or starts a throwaway one (scripts/pg-throwaway).
"""

from __future__ import annotations

import math
import os
import statistics
import subprocess
import tempfile
import time
import wave
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench_common import (
    LOA,
    ROOT,
    DaemonProcess,
    Row,
    judged,
    log,
    median_ms,
    stamp,
    time_processes,
    wait_for,
)

GROUP = "district"
STATIONS = 200
OLD_STARTS = 50  # earlier daemon starts of each station (a year of restarts)
EMERGENCY_TEXT = "Thông báo khẩn."
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@contextmanager
def postgres():
    """A PostgreSQL server URL: LOA_TEST_PG_URL's, or a throwaway cluster's."""
    url = os.environ.get("LOA_TEST_PG_URL")
    if url:
        yield url, "the server of LOA_TEST_PG_URL"
        return
    script = str(ROOT / "scripts" / "pg-throwaway")
    out = subprocess.run([script, "start"], capture_output=True, text=True, check=True).stdout
    found = dict(
        line.removeprefix("export ").split("=", 1) for line in out.splitlines() if "=" in line
    )
    try:
        yield found["LOA_TEST_PG_URL"].strip("'"), "a throwaway PostgreSQL cluster"
    finally:
        subprocess.run([script, "stop", found["PG_THROWAWAY_DIR"]], check=False)


def fresh_database(base_url: str, name: str) -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(base_url)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def build_district(url: str, home: Path) -> dict[str, int]:
    """``loa init`` of the district's folder, then the stations and their daemons' rows
    straight through the models."""
    from sqlalchemy import insert

    from loabroadcast.store import db
    from loabroadcast.store.models import (
        AiringRow,
        DaemonStateRow,
        MessageRow,
        MessageStationRow,
        PlanState,
        StationRow,
    )

    env = {**os.environ, "LOA_HOME": str(home), "LOA_DB_URL": url, "LOA_STATION": "huyen"}
    subprocess.run([LOA, "init"], env=env, check=True, capture_output=True)
    now = datetime.now(UTC)
    stations = [
        {"id": n, "code": f"xa-{n:03d}", "name": f"Đài truyền thanh xã {n}",
         "commune": f"Xã {n}", "district": "Huyện Hướng Hóa", "province": "Tỉnh Quảng Trị",
         "created_at": now}
        for n in range(2, STATIONS + 2)
    ]  # fmt: skip
    plans = [{"station_id": s["id"], "version": 0, "changed_at": now} for s in stations]
    beats = []
    for s in stations:
        sid = s["id"]
        for k in range(OLD_STARTS):
            at = now - timedelta(days=365 - k * 7)
            beats.append(_beat(s, f"old-{k}", at, stopped=at))
        state = sid % 3  # running, stale, stopped in turn
        at = now - timedelta(seconds=3 if state == 0 else 600)
        beats.append(_beat(s, "now", at, stopped=at if state == 2 else None))
    message = {"id": 1, "station_id": 1, "title": "Bão số 4", "text": "Bão số 4.",
               "priority": 2, "status": "approved", "all_blocks": True, "repeat": 1,
               "created_at": now, "updated_at": now}  # fmt: skip
    sent = [{"message_id": 1, "station_id": s["id"]} for s in stations]
    playing = [
        {"station_id": s["id"], "occurrence_key": f"play-now/{s['id']}/1", "station": s["name"],
         "message_id": 1, "status": "playing", "blocks": "", "zones": "", "started_at": now,
         "scheduled_at": now, "created_at": now}
        for s in stations if s["id"] % 3 == 0
    ]  # fmt: skip
    engine = db.make_engine(url)
    try:
        with db.write_session(engine) as session:
            session.execute(insert(StationRow), stations)
            session.execute(insert(PlanState), plans)
            session.execute(insert(DaemonStateRow), beats)
            session.execute(insert(MessageRow), [message])
            session.execute(insert(MessageStationRow), sent)
            session.execute(insert(AiringRow), playing)
    finally:
        engine.dispose()
    return {"stations": len(stations) + 1, "heartbeat rows": len(beats), "on air": len(playing)}


def _beat(station: dict, name: str, at: datetime, stopped: datetime | None) -> dict:
    return {
        "instance": f"pc-{station['code']}:{name}",
        "station_id": station["id"],
        "station": station["name"],
        "host": f"pc-{station['code']}",
        "pid": 1000,
        "sink": "device",
        "tick_s": 10.0,
        "started_at": at - timedelta(hours=1),
        "heartbeat_at": at,
        "stopped_at": stopped,
        "last_error": "database error: connection refused" if stopped is None else None,
    }


# -- the district's emergency button -------------------------------------------------------


def short_chimes(folder: Path, seconds: float = 0.15) -> tuple[Path, Path]:
    """Chimes of a fraction of a second (the shipped ones take 5.5 s of every press)."""
    rate = 22050
    paths = []
    for name, freq in (("chime_in.wav", 880.0), ("chime_out.wav", 660.0)):
        frames = bytearray()
        for n in range(int(seconds * rate)):
            value = int(0.3 * 32767 * math.sin(2 * math.pi * freq * n / rate))
            frames += value.to_bytes(2, "little", signed=True)
        path = folder / name
        with wave.open(str(path), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(rate)
            out.writeframes(bytes(frames))
        paths.append(path)
    return paths[0], paths[1]


def commune_config(code: str, url: str, chimes: tuple[Path, Path]) -> str:
    return (
        f'[station]\ncode = "{code}"\nname = "Đài truyền thanh {code}"\ndb_url = "{url}"\n\n'
        f'[speech]\nengine = "espeak"\nchime_in = "{chimes[0]}"\nchime_out = "{chimes[1]}"\n\n'
        "[schedule]\nitem_gap_s = 0.5\n\n"
        '[zones]\ndriver = "none"\n'
    )


def build_communes(url: str, root: Path, n: int):
    """``n`` station folders on ``url`` (the first one's is the office), blocks, a slot that
    never comes within the daemons' horizon, and one emergency message sent to all of
    them, approved and rendered at each station. Returns (stations, message id)."""
    from datetime import date

    from loabroadcast.config import load_settings
    from loabroadcast.domain import Priority
    from loabroadcast.rendering import Renderer
    from loabroadcast.services import MessageDraft, Station, init_station
    from loabroadcast.usecases.district import District

    chimes = short_chimes(root)
    codes = [f"xa-{k}" for k in range(1, n + 1)]
    stations = []
    for k, code in enumerate(codes):
        home = root / code
        home.mkdir()
        (home / "loa.toml").write_text(commune_config(code, url, chimes), encoding="utf-8")
        settings = load_settings(home, env={})
        init_station(settings)
        station = Station.open(settings)
        if k == 0:
            for other in codes[1:]:
                District(station).add(other, f"Đài truyền thanh {other}")
        stations.append(station)
    far = WEEKDAYS[(date.today().weekday() + 3) % 7]
    for station in stations:
        station.add_block("K1", "Khối 1", 1)
        station.add_slot("park", "03:00", "03:30", days=far, name="never in the bench")
    office = stations[0]
    mid = office.add_message(
        MessageDraft(title="Tin khẩn (bench)", text=EMERGENCY_TEXT, blocks=["K1"],
                     slots=["park"], priority=Priority.EMERGENCY, stations=["all"], by="bench")
    ).message.id  # fmt: skip
    office.approve(mid, "bench")
    for station in stations[1:]:
        Renderer(station).render(station.approved_message(mid))
    return stations, mid


def press(office, mid: int, daemons: dict[int, DaemonProcess]) -> list[dict]:
    """One press of the district's button; waits for the emergency at every station.
    Returns, per station: its request's instants and its sink's first frame."""
    from sqlalchemy import select

    from loabroadcast.store import db
    from loabroadcast.store.models import PlayRequestRow

    ids = office.play_now_at(mid, stations=["all"], by="bench")

    def lines() -> dict[int, dict]:
        found = {}
        for daemon in daemons.values():
            for line in daemon.sink_log():
                rid = int(line["key"].split("/")[1]) if line["key"].startswith("play-now/") else 0
                if rid in ids:
                    found[rid] = line
        return found

    def check() -> None:
        for daemon in daemons.values():
            daemon.check_alive()

    wait_for(lambda: len(lines()) == len(ids), 30, check, poll_s=0.05)
    heard = lines()
    with db.read_session(office.engine) as s:
        requests = list(s.scalars(select(PlayRequestRow).where(PlayRequestRow.id.in_(ids))))
    time.sleep(0.3)  # the requests marked done, the daemons idle again
    return [
        {
            "station": r.station_id,
            "asked": r.requested_at.timestamp(),
            "picked": r.picked_at.timestamp() if r.picked_at else None,
            "frame": stamp(heard[r.id]["started_at"]),
        }
        for r in requests
    ]


def emergency_rows(base: str, tmp: Path, quick: bool) -> tuple[list[Row], list[str]]:
    n, presses = (3, 5) if quick else (5, 10)
    url = fresh_database(base, f"loa_bench_button_{os.getpid()}")
    root = tmp / "button"
    root.mkdir()
    log(f"district: {n} stations with a real daemon each, {presses} presses of the button")
    stations, mid = build_communes(url, root, n)
    daemons = {
        st.station_id: DaemonProcess(st.settings.home, root / f"out-{st.station.code}")
        for st in stations
    }
    try:
        for daemon in daemons.values():
            daemon.start()
        for daemon in daemons.values():
            daemon.wait_started(60)
            wait_for(lambda d=daemon: "listening for wake-ups" in d.stderr_tail(80), 30,
                     daemon.check_alive)  # fmt: skip
        press(stations[0], mid, daemons)  # warm-up: first reads, first stream
        results = [press(stations[0], mid, daemons) for _ in range(presses)]
    finally:
        for daemon in daemons.values():
            daemon.stop()
        for station in stations:
            station.close()
    every = [max(r["frame"] - r["asked"] for r in one) * 1000 for one in results]
    each = [(r["frame"] - r["asked"]) * 1000 for one in results for r in one]
    woken = [(r["picked"] - r["asked"]) * 1000 for one in results for r in one if r["picked"]]
    label = f"play-now --stations all -> first frame at every station ({n} daemons, NOTIFY)"
    rows = [
        judged(GROUP, f"{label}, median of {presses}", statistics.median(every), 1000, "ms"),
        judged(GROUP, f"{label}, max of {presses}", max(every), 1000, "ms"),
    ]
    notes = [
        "button: slowest station per press: " + ", ".join(f"{v:.0f}" for v in every) + " ms",
        f"button: any station, median {statistics.median(each):.0f} ms, max {max(each):.0f} ms; "
        f"request stored -> taken by the woken daemon: median {statistics.median(woken):.0f} ms, "
        f"max {max(woken):.0f} ms (the poll alone is every 0.5 s)",
        "button: timed from the requests' instant in the office's transaction; a `loa "
        "play-now` process starts before that (the zones group times the whole command)",
    ]
    return rows, notes


def run(quick: bool = False) -> tuple[list[Row], list[str]]:
    runs = 5 if quick else 10
    with postgres() as (base, where), tempfile.TemporaryDirectory(prefix="loa-bench-d-") as tmp:
        url = fresh_database(base, f"loa_bench_district_{os.getpid()}")
        home = Path(tmp) / "huyen"
        log(f"district: {STATIONS} stations on {where}")
        counts = build_district(url, home)
        env = {**os.environ, "LOA_HOME": str(home), "LOA_DB_URL": url, "LOA_STATION": "huyen",
               "LOA_LANG": "en"}  # fmt: skip
        shown = subprocess.run(
            [LOA, "station", "list"], env=env, capture_output=True, text=True, check=True
        ).stdout.splitlines()
        figures = {
            "loa station list": [LOA, "station", "list"],
            "loa station list --json": [LOA, "station", "list", "--json"],
        }
        log(f"district: timing {len(figures)} commands, {runs} runs each after a warm-up")
        times = time_processes(figures, env, runs)
        button_rows, button_notes = emergency_rows(base, Path(tmp), quick)
    rows, notes = [], [f"{where}: " + ", ".join(f"{n} {k}" for k, n in counts.items())]
    for name in figures:
        label = f"{name} ({STATIONS + 1} stations), median of {runs}"
        rows.append(judged(GROUP, label, median_ms(times[name]), 500, "ms"))
        notes.append(f"{name}: runs {', '.join(f'{t * 1000:.0f}' for t in times[name])} ms")
    notes.append(f"the table's last line: {shown[-1]}")
    rows += button_rows
    notes += button_notes
    return rows, [f"district: {n}" for n in notes]
