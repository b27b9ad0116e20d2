"""A real station folder and real ``loa daemon`` processes for slots seconds ahead."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from loabroadcast.config import load_settings
from loabroadcast.services import MessageDraft, Station, init_station

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
LOA = [sys.executable, "-m", "loabroadcast"]
SHORT = "Thông báo. Khối một họp lúc bảy giờ tối nay."
LONG = " ".join(["Đề nghị bà con chằng chống nhà cửa, chặt tỉa cây xanh."] * 6)


@dataclass
class LiveStation:
    home: Path
    env: dict
    out: Path
    station: Station
    procs: list = field(default_factory=list)
    LOA = LOA
    SHORT = SHORT
    LONG = LONG

    def add(self, title: str, text: str, slots: str, blocks="all", priority="normal") -> int:
        draft = MessageDraft(
            title=title,
            text=text,
            blocks=blocks.split(","),
            slots=slots.split(","),
            priority=__import__("loabroadcast.domain", fromlist=["Priority"]).Priority.parse(
                priority
            ),
        )
        mid = self.station.add_message(draft).message.id
        self.station.approve(mid, "test")
        return mid

    def slot_in(self, code: str, seconds: float, length_s: float = 60) -> datetime:
        start = (datetime.now(TZ) + timedelta(seconds=seconds)).replace(microsecond=0)
        end = start + timedelta(seconds=length_s)
        self.station.add_slot(code, f"{start:%H:%M:%S}", f"{end:%H:%M:%S}")
        return start

    def start_daemon(self, *extra: str) -> subprocess.Popen:
        proc = subprocess.Popen(
            [*LOA, "daemon", "--sink", f"file:{self.out}", "--tick", "1", *extra],
            env=self.env,
            stderr=open(self.home / "daemon.stderr", "a"),  # noqa: SIM115
        )
        self.procs.append(proc)
        return proc

    def log(self) -> list[dict]:
        out = subprocess.run(
            [*LOA, "log", "--all", "--json"], env=self.env, capture_output=True, text=True
        )
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)

    def wait_for(self, predicate, timeout: float = 60.0, what: str = "condition") -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            rows = self.log()
            if predicate(rows):
                return rows
            if self.procs and all(p.poll() is not None for p in self.procs):
                break  # every daemon has exited: no point in waiting
            time.sleep(0.3)
        stderr = (self.home / "daemon.stderr").read_text()[-3000:]
        raise AssertionError(f"timed out waiting for {what}: {self.log()}\n{stderr}")

    def jsonl(self) -> list[dict]:
        path = self.out / "airings.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


@pytest.fixture
def live(tmp_path, request):
    home = tmp_path / "home"
    settings = load_settings(home, env={})
    init_station(settings)
    relay_log = tmp_path / "relays.log"
    relay = tmp_path / "relay.sh"
    relay.write_text(f'#!/bin/sh\necho "$1 $2" >> {relay_log}\n')
    relay.chmod(0o755)
    (home / "loa.toml").write_text(
        '[station]\nname = "test"\n\n'
        '[speech]\nengine = "espeak"\n\n'
        "[schedule]\nitem_gap_s = 0.5\ngrace_minutes = 15\n\n"
        f'[zones]\ndriver = "command"\non = ["{relay}", "on", "{{zone}}"]\n'
        f'off = ["{relay}", "off", "{{zone}}"]\nchannels = 8\n',
        encoding="utf-8",
    )
    settings = load_settings(home, env={})
    station = Station.open(settings)
    station.add_block("K1", "Khối 1", 1)
    station.add_block("K2", "Khối 2", 2)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOA_")}
    env["LOA_HOME"] = str(home)
    env["LOA_LANG"] = "en"  # the tests read English; test_i18n_* reads Vietnamese
    ls = LiveStation(home=home, env=env, out=tmp_path / "out", station=station)
    ls.relay_log = relay_log
    yield ls
    for proc in ls.procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
    station.close()
