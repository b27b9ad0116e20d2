"""The district from the command line: ``loa station add/list``, ``--station`` on the
commands that read per-station data, ``msg add --stations`` and ``play-now --stations``.
Many stations live in a PostgreSQL database; a SQLite one keeps one and behaves as always."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from cli_checks import one_error_line
from loabroadcast.cli import cli
from loabroadcast.clock import SystemClock
from loabroadcast.services import Station, init_station
from loabroadcast.store.airings import AsRun

TEXT = "Bão số 4 đang vào đất liền."


# -- SQLite: one station ---------------------------------------------------------------------------


def test_a_new_folder_is_one_station_and_sqlite_keeps_one(loa, db_kind):
    listed = loa("station", "list")
    assert listed.exit_code == 0, listed.stderr
    assert listed.stdout.splitlines() == [
        "code     name     daemon         heartbeat  on air  last error",
        "-------  -------  -------------  ---------  ------  ----------",
        "default  default  never started  -          -       -",
        "1 station (never started: 1)",
    ]
    added = loa("station", "add", "xa-b", "Xã B")
    if db_kind == "postgres":
        assert added.stdout == "added station xa-b (Xã B)\n"
        assert loa("schedule", "--station", "xa-b").stdout.startswith("no slots on these days")
        return
    assert one_error_line(added) == (
        "loa: error: a SQLite database holds one station: put the district on PostgreSQL "
        "([station] db_url) to add stations"
    )
    assert one_error_line(loa("schedule", "--station", "xa-b")) == (
        "loa: error: no station xa-b: this database holds one station, default"
    )
    assert loa("schedule", "--station", "default").exit_code == 0


# -- PostgreSQL: a district -----------------------------------------------------------------------


@pytest.fixture
def district(pg_settings, tmp_path, monkeypatch):
    """The district's own folder (station ``huyen``) and two communes' folders, on one
    PostgreSQL database; ``run(folder, *args)`` runs ``loa`` in a folder."""
    monkeypatch.setenv("LOA_TIMEZONE", "Asia/Ho_Chi_Minh")
    settings = replace(pg_settings, station_code="huyen", station="Huyện Hướng Hóa")
    init_station(settings)
    runner = CliRunner(mix_stderr=False)
    homes = {"huyen": settings.home}

    def run(folder, *args):
        env = {
            "LOA_HOME": str(homes[folder]),
            "LOA_DB_URL": settings.db_url,
            "LOA_STATION": folder,
            "LOA_LANG": "en",
            "LOA_SPEECH_ENGINE": "espeak",
        }
        return runner.invoke(cli, list(args), env=env, catch_exceptions=False)

    for code, name in (("xa-a", "Xã A"), ("xa-b", "Xã B")):
        added = run("huyen", "station", "add", code, name, "--commune", name)
        assert added.stdout == f"added station {code} ({name})\n", added.stderr
        homes[code] = tmp_path / code
        assert run(code, "init").exit_code == 0
        written = (homes[code] / "loa.toml").read_text(encoding="utf-8")
        assert f'\ncode = "{code}" ' in written  # the new folder names its station
        assert run(code, "block", "add", "K1", f"Thôn 1 {name}", "--zone", "1").exit_code == 0
        assert run(code, "slot", "add", "sang", "06:00", "06:30").exit_code == 0
    assert run("xa-b", "block", "add", "K2", "Thôn 2 Xã B", "--zone", "2").exit_code == 0
    run.settings = settings
    return run


def _station(run, code: str) -> Station:
    return Station.open(replace(run.settings, station_code=code))


def test_station_list_is_the_districts_overview(district):
    """Running with what is on air, stale (no heartbeat for minutes, never said it
    stopped) with its last error, stopped, never started: in JSON and in a table."""
    now = SystemClock().now()
    a, b, huyen = (_station(district, c) for c in ("xa-a", "xa-b", "huyen"))
    mid = int(
        district(
            "huyen", "msg", "add", "--title", "Bão số 4", "--text", TEXT,
            "--stations", "xa-a,xa-b", "--blocks", "all", "--slots", "sang",
        ).stdout
    )  # fmt: skip
    assert district("huyen", "msg", "approve", str(mid)).exit_code == 0
    beats = {
        a: (now, None, None),
        b: (now - timedelta(minutes=5), None, "database error: connection refused"),
        huyen: (now - timedelta(hours=3), now - timedelta(hours=3), None),
    }
    for st, (at, stopped, error) in beats.items():
        asrun = AsRun(st.engine, st.station.name, f"pc-{st.station.code}:1:x",
                      station_id=st.station_id)  # fmt: skip
        asrun.heartbeat(at, host=f"pc-{st.station.code}", pid=1, sink="null", tick_s=10.0,
                        stopped_at=stopped, last_error=error)  # fmt: skip
    asrun = AsRun(a.engine, "Xã A", "pc-xa-a:1:x", station_id=a.station_id)
    rid = asrun.claim(f"sang/{now.date()}/{mid}", now=now, message_id=mid, slot_code="sang")
    asrun.update(rid, status="playing", started_at=now)
    result = district("xa-a", "station", "list", "--json")
    assert result.exit_code == 0, result.stderr
    found = {s["code"]: s for s in json.loads(result.stdout)}
    assert list(found) == ["huyen", "xa-a", "xa-b"]
    assert {c: (s["daemon"], s["stale"]) for c, s in found.items()} == {
        "huyen": ("stopped", False),
        "xa-a": ("running", False),
        "xa-b": ("stale", True),
    }
    assert found["xa-a"]["on_air"]["title"] == "Bão số 4"
    assert found["xa-a"]["daemons_running"] == 1
    assert 290 <= found["xa-b"]["heartbeat_age_s"] <= 330
    assert found["xa-b"]["last_error"]["text"] == "database error: connection refused"
    assert found["xa-b"]["on_air"] is None
    assert datetime.fromisoformat(found["xa-a"]["heartbeat_at"]) == now.astimezone(UTC)
    table = district("huyen", "station", "list")
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["code", "name", "daemon", "heartbeat", "on", "air", "last", "error"]
    assert lines[2].startswith("huyen  Huyện Hướng Hóa  stopped")
    assert "running" in lines[3] and f"Bão số 4 ({mid})" in lines[3]
    assert "STALE 5 min" in lines[4] and "database error: connection refused" in lines[4]
    assert lines[-1] == "3 stations (stopped: 1, running: 1, STALE: 1)"
    for st in (a, b, huyen):
        st.close()


def test_a_message_for_every_station_and_the_district_emergency(district):
    added = district(
        "huyen", "msg", "add", "--title", "Bão số 4", "--text", TEXT,
        "--stations", "all", "--blocks", "all", "--slots", "sang",
    )  # fmt: skip
    assert one_error_line(added) == "loa: error: station huyen has no slot sang"
    mid = int(
        district(
            "huyen", "msg", "add", "--title", "Bão số 4", "--text", TEXT,
            "--stations", "xa-a,xa-b", "--blocks", "K1", "--slots", "sang",
        ).stdout
    )  # fmt: skip
    assert district("huyen", "msg", "approve", str(mid)).exit_code == 0
    for code, count in (("xa-a", 1), ("xa-b", 1), ("huyen", 1)):
        listed = json.loads(district(code, "msg", "list", "--json").stdout)
        assert [m["id"] for m in listed] == [mid], code
        assert len(listed) == count
    shown = json.loads(district("xa-b", "msg", "show", str(mid), "--json").stdout)
    assert (shown["station"], shown["stations"], shown["blocks"]) == (
        "huyen",
        ["xa-a", "xa-b"],
        ["K1"],
    )
    assert one_error_line(district("xa-b", "msg", "cancel", str(mid))) == (
        f"loa: error: message {mid} belongs to station huyen: change it there"
    )
    schedule = json.loads(
        district("huyen", "schedule", "--station", "all", "--json", "--days", "2").stdout
    )
    planned = {s["station"]: [i["message_id"] for p in s["programmes"] for i in p["items"]]
               for s in schedule["stations"]}  # fmt: skip
    assert planned == {"huyen": [], "xa-a": [mid, mid], "xa-b": [mid, mid]}
    played = district("huyen", "play-now", str(mid), "--stations", "all", "--by", "Chủ tịch")
    assert played.exit_code == 0, played.stderr
    assert played.stdout.startswith("queued play-now requests ")
    assert played.stdout.endswith(f" for message {mid} at 2 stations\n")
    status = json.loads(district("huyen", "status", "--station", "all", "--json").stdout)
    assert [s["station"] for s in status] == ["huyen", "xa-a", "xa-b"]


def test_log_and_report_of_one_station_or_all(district):
    now = SystemClock().now()
    mid = int(
        district(
            "xa-a", "msg", "add", "--title", "Họp", "--text", "Họp thôn.",
            "--blocks", "K1", "--slots", "sang",
        ).stdout
    )  # fmt: skip
    assert district("xa-a", "msg", "approve", str(mid)).exit_code == 0
    a = _station(district, "xa-a")
    asrun = AsRun(a.engine, "Xã A", "pc:1:x", station_id=a.station_id)
    rid = asrun.claim("sang/x/1", now=now, message_id=mid, slot_code="sang",
                      scheduled_at=now, blocks="K1")  # fmt: skip
    asrun.update(rid, status="played", started_at=now, ended_at=now + timedelta(seconds=60))
    a.close()
    every = json.loads(district("huyen", "log", "--station", "all", "--json").stdout)
    assert [(x["station"], x["message_id"]) for x in every] == [("xa-a", mid)]
    assert json.loads(district("xa-b", "log", "--json").stdout) == []
    assert json.loads(district("xa-b", "log", "--station", "xa-a", "--json").stdout) == every
    table = district("huyen", "log", "--station", "all").stdout.splitlines()
    assert table[0].split()[:2] == ["station", "scheduled"] and table[2].startswith("xa-a ")
    report = district("huyen", "report", "--station", "all", "--by", "block", "--format", "csv")
    assert report.exit_code == 0, report.stderr
    rows = list(csv.reader(io.StringIO(report.stdout)))
    assert rows[1][:2] == ["xa-a/K1", "Thôn 1 Xã A (xa-a/K1)"]
    assert [r[0] for r in rows[1:]] == ["xa-a/K1", ""]  # blocks with something, the total
    mine = district("xa-a", "report", "--by", "block", "--format", "csv").stdout
    assert [r[:2] for r in csv.reader(io.StringIO(mine))][1:2] == [["K1", "Thôn 1 Xã A (K1)"]]
    theirs = district("xa-b", "report", "--by", "block", "--format", "csv").stdout
    assert [r[0] for r in csv.reader(io.StringIO(theirs))][1:] == [""]  # nothing at xa-b


def test_the_folders_daemon_is_not_another_stations(district):
    """The office's own daemon (its lock held, its status file written) says nothing of a
    commune's: `loa status --station xa-a` reads only xa-a's heartbeats."""
    from loabroadcast.presence import InstanceLock, StatusFile

    home = district.settings.home
    lock = InstanceLock(home).acquire()
    status = StatusFile(home).open()
    try:
        status.write({"station": "huyen", "host": "office", "sink": "null",
                      "now_playing": {"message_id": 1, "title": "Tin huyện"},
                      "last_error": {"text": "the office's trouble", "at": None}})  # fmt: skip
        own = json.loads(district("huyen", "status", "--json").stdout)
        assert own["daemon"]["running"] and own["daemon"]["lock_held"]
        assert own["now_playing"]["title"] == "Tin huyện"
        theirs = json.loads(district("huyen", "status", "--station", "xa-a", "--json").stdout)
        assert theirs["station"] == "xa-a"
        assert not theirs["daemon"]["running"] and not theirs["daemon"]["lock_held"]
        assert theirs["now_playing"] is None and theirs["last_error"] is None
    finally:
        status.close()
        lock.release()


def test_bad_input_is_one_line(district):
    assert one_error_line(district("huyen", "station", "add", "xa-a", "again")) == (
        "loa: error: station xa-a already exists"
    )
    assert one_error_line(district("huyen", "station", "add", "all", "Tất cả")) == (
        "loa: error: 'all' names every station: choose another code"
    )
    assert one_error_line(district("huyen", "station", "add", "xa-c", "  ")) == (
        "loa: error: NAME is empty"
    )
    usage = district("huyen", "station", "add", "xã c", "Xã C")
    assert usage.exit_code == 2 and "station code 'xã c' is not valid" in usage.stderr
    assert one_error_line(district("huyen", "log", "--station", "xa-q")) == (
        "loa: error: no station xa-q in the database: add it with `loa station add xa-q NAME`"
    )
    both = district("huyen", "msg", "add", "--title", "x", "--text", "x", "--blocks", "all",
                    "--slots", "sang", "--stations", "xa-a,all")  # fmt: skip
    assert both.exit_code == 2 and "'all' stands alone: every station" in both.stderr
    week = district("huyen", "schedule", "--station", "all", "--week", "--out", "w.pdf")
    assert week.exit_code == 2
    assert "--out writes one station's week: give --station CODE" in week.stderr
