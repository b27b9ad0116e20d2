"""bench district: a district of 200 stations on one PostgreSQL database (issue 16).

``loa station list`` (the district's overview) as whole processes, median of several runs:
200 stations, each with the heartbeats of three daemon starts (one running, one stale,
one stopped, in turn), a few hundred things on air, and a year of restarts' rows behind
them. Uses LOA_TEST_PG_URL's server, or starts a throwaway one (scripts/pg-throwaway).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench_common import LOA, ROOT, Row, judged, log, median_ms, time_processes

GROUP = "district"
STATIONS = 200
OLD_STARTS = 50  # earlier daemon starts of each station (a year of restarts)


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
    rows, notes = [], [f"{where}: " + ", ".join(f"{n} {k}" for k, n in counts.items())]
    for name in figures:
        label = f"{name} ({STATIONS + 1} stations), median of {runs}"
        rows.append(judged(GROUP, label, median_ms(times[name]), 500, "ms"))
        notes.append(f"{name}: runs {', '.join(f'{t * 1000:.0f}' for t in times[name])} ms")
    notes.append(f"the table's last line: {shown[-1]}")
    return rows, [f"district: {n}" for n in notes]
