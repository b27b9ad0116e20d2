"""On air from the command line: status, the as-run log, play-now, devices, zone test, init.

No daemon runs here: these are what the officer and the installer see around it.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import wave
from datetime import date, datetime, time, timedelta
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from cli_checks import one_error_line
from loabroadcast.cli import cli

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def town(loa):
    assert loa("block", "add", "K1", "Khối 1", "--zone", "1").exit_code == 0
    assert loa("block", "add", "K2", "Khối 2", "--zone", "2").exit_code == 0
    assert loa("slot", "add", "sang", "06:00", "06:30").exit_code == 0
    return loa


def add(loa, title="Họp tổ", text="Họp tổ dân phố lúc 19 giờ.", blocks="K1,K2"):
    result = loa(
        "msg", "add", "--title", title, "--text", text, "--blocks", blocks, "--slots", "sang"
    )
    assert result.exit_code == 0, result.stderr
    return int(result.stdout.strip())


def next_six_oclock(now: datetime) -> datetime:
    """The first 06:00 station time at or after ``now``."""
    local = now.astimezone(TZ)
    day = local.date() if local.time() <= time(6) else local.date() + timedelta(days=1)
    return datetime.combine(day, time(6), TZ)


def station_today() -> date:
    return datetime.now(TZ).date()


# -- status ------------------------------------------------------------------------------------


def test_status_never_started(town):
    mid = add(town, title="Lịch tiêm chủng")
    add(town, title="Nháp")  # a draft never airs
    before = datetime.now(TZ)
    assert town("msg", "approve", str(mid)).exit_code == 0
    result = town("status", "--json")
    after = datetime.now(TZ)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["daemon"]["running"] is False
    assert data["daemon"]["pid"] is None
    assert data["daemon"]["heartbeat_at"] is None
    assert {"running", "pid", "heartbeat_at", "host", "sink", "started_at"} <= data["daemon"].keys()
    assert data["now_playing"] is None
    assert data["last_error"] is None
    assert data["next"], "an approved message in a daily slot is always next"
    first = data["next"][0]
    expected = {next_six_oclock(before).isoformat(), next_six_oclock(after).isoformat()}
    assert first["start"] in expected
    assert first["start"].endswith("+07:00")
    assert {k: first[k] for k in ("message_id", "title", "slot", "blocks")} == {
        "message_id": mid,
        "title": "Lịch tiêm chủng",
        "slot": "sang",
        "blocks": ["K1", "K2"],
    }
    starts = [datetime.fromisoformat(n["start"]) for n in data["next"]]
    assert all(s.tzinfo is not None and s >= before for s in starts)
    assert starts == sorted(starts)
    assert {n["message_id"] for n in data["next"]} == {mid}

    human = town("status")
    assert human.exit_code == 0
    lines = human.stdout.splitlines()
    assert lines[:2] == ["daemon: NOT running (never started)", "on air: nothing"]
    assert lines[2].split() == ["next", "slot", "id", "title"]
    shown_start = datetime.fromisoformat(first["start"]).strftime("%d/%m/%Y %H:%M:%S")
    assert lines[4].split() == [*shown_start.split(), "sang", str(mid), "Lịch", "tiêm", "chủng"]


def test_status_of_an_empty_station(loa):
    data = json.loads(loa("status", "--json").stdout)
    assert data["next"] == []
    assert (data["now_playing"], data["last_error"]) == (None, None)
    assert loa("status").stdout == "daemon: NOT running (never started)\non air: nothing\n"


# -- the as-run log ----------------------------------------------------------------------------


def test_log_of_an_empty_station(loa):
    today = station_today().strftime("%d/%m/%Y")
    result = loa("log")
    assert (result.exit_code, result.stdout) == (0, f"nothing in the log for {today}\n")
    assert loa("log", "--date", "2026-03-10").stdout == "nothing in the log for 10/03/2026\n"
    assert loa("log", "--date", "10/03/2026").stdout == "nothing in the log for 10/03/2026\n"
    assert loa("log", "--all").stdout == "nothing in the log\n"
    for args in (("--json",), ("--all", "--json"), ("--date", "2026-03-10", "--json")):
        result = loa("log", *args)
        assert (result.exit_code, json.loads(result.stdout)) == (0, [])


@pytest.mark.parametrize("bad", ["32/13/2026", "2026-02-30", "hôm qua", "10-03-2026"])
def test_log_bad_date_is_usage(loa, bad):
    result = loa("log", "--date", bad)
    assert result.exit_code == 2
    assert "Invalid value for '--date'" in result.stderr
    assert result.stdout == ""


# -- play-now ----------------------------------------------------------------------------------


def test_play_now(town):
    assert one_error_line(town("play-now", "99")) == "loa: error: no message 99"
    draft = add(town, title="Bão số 4")
    line = one_error_line(town("play-now", str(draft)))
    assert f"message {draft} is draft; only an approved message can be played" in line
    town("msg", "approve", str(draft))
    result = town("play-now", str(draft))
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == f"queued play-now request 1 for message {draft}\n"
    limited = town("play-now", str(draft), "--blocks", "K2", "--by", "Chủ tịch")
    assert limited.stdout == f"queued play-now request 2 for message {draft}\n"
    assert one_error_line(town("play-now", str(draft), "--blocks", "K9")) == (
        "loa: error: no block K9"
    )
    # --approve approves a draft first
    other = add(town, title="Lũ quét")
    approved = town("play-now", str(other), "--approve", "--by", "Chủ tịch")
    assert approved.stdout == f"queued play-now request 3 for message {other}\n"
    assert json.loads(town("msg", "show", str(other), "--json").stdout)["status"] == "approved"


def test_play_now_of_a_cancelled_message(town):
    mid = add(town)
    town("msg", "approve", str(mid))
    town("msg", "cancel", str(mid))
    line = one_error_line(town("play-now", str(mid)))
    assert line.startswith(f"loa: error: message {mid} is cancelled; only an approved message")
    # --approve does not bring a cancelled message back
    one_error_line(town("play-now", str(mid), "--approve"))


# -- devices -----------------------------------------------------------------------------------


def test_devices_json(tmp_path):
    result = CliRunner(mix_stderr=False).invoke(
        cli, ["devices", "--json"], env={"LOA_HOME": str(tmp_path / "home")}
    )
    assert result.exit_code == 0, result.stderr
    found = json.loads(result.stdout)
    assert isinstance(found, list)
    for device in found:
        assert set(device) == {"index", "name", "channels", "default"}
        assert device["channels"] >= 1


# -- zone test ---------------------------------------------------------------------------------

RELAY = """#!/bin/sh
# relay hook for the tests: logs "on 2" / "off 2"; FAIL_ON=on makes switching on fail
echo "$1 $2" >> "{log}"
if [ "$1" = "{fail_on}" ]; then
    echo "relay board not answering" >&2
    exit 1
fi
"""


@pytest.fixture
def installer(tmp_path):
    """A station folder whose loa.toml drives zones through a relay shell script."""
    home = tmp_path / "home"
    home.mkdir()
    relay_log = tmp_path / "relay.log"
    script = tmp_path / "relay.sh"
    runner = CliRunner(mix_stderr=False)

    def setup(fail_on: str = "never", channels: int = 8) -> None:
        script.write_text(RELAY.format(log=relay_log, fail_on=fail_on), encoding="utf-8")
        script.chmod(script.stat().st_mode | stat.S_IXUSR)
        (home / "loa.toml").write_text(
            "[zones]\n"
            'driver = "command"\n'
            f'on = ["{script}", "on", "{{zone}}"]\n'
            f'off = ["{script}", "off", "{{zone}}"]\n'
            f"channels = {channels}\n",
            encoding="utf-8",
        )

    def run(*args):
        return runner.invoke(cli, list(args), env={"LOA_HOME": str(home)}, catch_exceptions=False)

    def relay() -> list[str]:
        return relay_log.read_text(encoding="utf-8").splitlines() if relay_log.exists() else []

    run.setup, run.relay, run.script = setup, relay, script
    setup()
    return run


ALL_OFF = [f"off {z}" for z in range(1, 9)]


def test_zone_test(installer, tmp_path):
    out = tmp_path / "out"
    result = installer("zone", "test", "2", "--seconds", "1", "--sink", f"file:{out}")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "zone 2: played 1.0 s of test tone; all zones off\n"
    log = installer.relay()
    assert log[:8] == ALL_OFF  # everything off first
    assert log[8] == "on 2"
    rest = log[9:]
    assert set(rest) == set(ALL_OFF)  # then everything off again
    assert rest[:8] == ALL_OFF
    wavs = [w for w in out.glob("*.wav") if not w.name.endswith("_timeline.wav")]
    assert len(wavs) == 1
    with wave.open(str(wavs[0]), "rb") as w:
        seconds = w.getnframes() / w.getframerate()
    assert seconds == pytest.approx(1.0, abs=0.2)
    lines = (out / "airings.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    aired = json.loads(lines[0])
    assert (aired["zone"], aired["title"]) == (2, "test tone")
    assert aired["played_s"] == pytest.approx(1.0, abs=0.2)
    assert Path(aired["path"]) == wavs[0]


@pytest.mark.parametrize("number", ["99", "0", "two"])
def test_zone_test_bad_number_is_usage(installer, number):
    result = installer("zone", "test", number, "--seconds", "1", "--sink", "null")
    assert result.exit_code == 2
    assert "Invalid value for 'NUMBER'" in result.stderr
    assert installer.relay() == []


def test_zone_beyond_the_board(installer):
    """Zone 9 on an 8-channel board: a plain error, and the relays are still all off."""
    line = one_error_line(installer("zone", "test", "9", "--seconds", "1", "--sink", "null"))
    assert line == "loa: error: zone 9 is out of range for command (1..8)"
    assert "on 9" not in installer.relay()
    assert installer.relay()[-8:] == ALL_OFF


def test_zone_test_failing_relay(installer, tmp_path):
    installer.setup(fail_on="on")
    out = tmp_path / "out"
    result = installer("zone", "test", "2", "--seconds", "1", "--sink", f"file:{out}")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == (
        f"loa: error: zone 2 on: {installer.script} exited with status 1: relay board not answering"
    )
    log = installer.relay()
    assert log[:9] == [*ALL_OFF, "on 2"]
    assert log[-8:] == ALL_OFF  # every zone off was tried after the failure
    assert not list(out.glob("*.wav"))  # no tone without the relay


def test_zone_test_relay_that_cannot_switch_off(installer):
    installer.setup(fail_on="off")
    result = installer("zone", "test", "2", "--seconds", "1", "--sink", "null")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        f"loa: error: could not turn every zone off: zone 1 off: {installer.script} "
        "exited with status 1: relay board not answering (and 7 more)"
    )
    assert "on 2" not in installer.relay()  # never on when off failed


# -- init --------------------------------------------------------------------------------------


def test_init_in_an_unwritable_place(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    home = blocker / "home"
    result = CliRunner(mix_stderr=False).invoke(cli, ["init"], env={"LOA_HOME": str(home)})
    line = one_error_line(result)
    assert line == f"loa: error: cannot write to station folder {home}: Not a directory"
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def _obeying_file_modes() -> list[str]:
    """An argv prefix under which root, as CI runs, is refused by file modes like anyone."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")  # util-linux, on every Debian
    assert setpriv, "setpriv is needed to test a read-only folder as root"
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_init_in_a_read_only_folder(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOA_")}
    env["LOA_HOME"] = str(locked / "home")
    env["LOA_LANG"] = "en"
    try:
        loa = [sys.executable, "-c", "from loabroadcast.cli import main; main()"]
        done = subprocess.run(
            [*_obeying_file_modes(), *loa, "init"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        result = SimpleNamespace(exit_code=done.returncode, stdout=done.stdout, stderr=done.stderr)
        assert "Permission denied" in one_error_line(result)
        assert not (locked / "home").exists()
    finally:
        locked.chmod(0o700)
