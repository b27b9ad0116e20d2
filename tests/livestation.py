"""A real station folder and real ``loa daemon`` processes for slots seconds ahead
(the ``live`` fixture of tests/daemon; also used by tests/playback)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import wave
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

from loabroadcast.config import load_settings
from loabroadcast.services import MessageDraft, Station, init_station

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
LOA = [sys.executable, "-m", "loabroadcast"]
SHORT = "Thông báo. Khối một họp lúc bảy giờ tối nay."
TINY = "Thông báo họp."  # about a second, chimes included
LONG = " ".join(["Đề nghị bà con chằng chống nhà cửa, chặt tỉa cây xanh."] * 6)
MEDIUM = " ".join(["Đề nghị bà con chằng chống nhà cửa, chặt tỉa cây xanh."] * 2)


def hold_database(db: Path, begin: float, end: float) -> threading.Thread:
    """A writer (a CLI, a backup tool) holding the SQLite file's write lock from the
    monotonic instant ``begin`` to ``end``, in a thread."""

    def hold():
        time.sleep(max(0.0, begin - time.monotonic()))
        conn = sqlite3.connect(db, timeout=30)
        conn.isolation_level = None
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("UPDATE plan_state SET version = version WHERE id = 1")
        time.sleep(max(0.0, end - time.monotonic()))
        conn.execute("COMMIT")
        conn.close()

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    return thread


def monotonic_of(moment: datetime) -> float:
    """The monotonic instant of a wall-clock moment (for timers against slot starts)."""
    return time.monotonic() + (moment - datetime.now(moment.tzinfo)).total_seconds()


@dataclass
class LiveStation:
    home: Path
    env: dict
    out: Path
    station: Station
    procs: list = field(default_factory=list)
    LOA = LOA
    SHORT = SHORT
    TINY = TINY
    LONG = LONG
    MEDIUM = MEDIUM

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
        """The as-run log as ``loa log --all --json`` prints it (read in this process: a
        ``loa`` process every 0.3 s would compete with the daemon for the CPU)."""
        from loabroadcast.cli.daemon import airing_dict

        return [
            json.loads(json.dumps(airing_dict(a, self.station.tz)))
            for a in self.station.airings(None)
        ]

    def cli_log(self) -> list[dict]:
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

    def configure(self, toml: str) -> None:
        """Append to loa.toml (read by the daemons and CLIs started from now on)."""
        with open(self.home / "loa.toml", "a", encoding="utf-8") as handle:
            handle.write("\n" + toml + "\n")

    def status(self) -> dict:
        out = subprocess.run(
            [*LOA, "status", "--json"], env=self.env, capture_output=True, text=True
        )
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)

    def loa(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*LOA, *args], env=self.env, capture_output=True, text=True)

    def relays(self) -> list[str]:
        return self.relay_log.read_text().splitlines() if self.relay_log.exists() else []

    def jsonl(self) -> list[dict]:
        path = self.out / "airings.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def short_chimes(home: Path, seconds: float = 0.15) -> tuple[Path, Path]:
    """Chimes of a fraction of a second (the shipped ones take 5.5 s of every item)."""
    rate = 44100
    t = np.arange(int(seconds * rate)) / rate
    paths = []
    for name, freq in (("chime_in.wav", 880.0), ("chime_out.wav", 660.0)):
        samples = (0.3 * np.sin(2 * np.pi * freq * t) * 32767).astype("<i2")
        path = home / name
        with wave.open(str(path), "wb") as writer:
            writer.setnchannels(1)
            writer.setsampwidth(2)
            writer.setframerate(rate)
            writer.writeframes(samples.tobytes())
        paths.append(path)
    return paths[0], paths[1]


def make_live(
    folder: Path, home: Path, *, name: str = "test", db_url: str | None = None, blocks=True
) -> LiveStation:
    """A station folder ``home`` (relays logged to ``folder``/relays.log, the file sink in
    ``folder``/out), optionally on a shared database ``db_url``."""
    settings = load_settings(home, env={"LOA_DB_URL": db_url} if db_url else {})
    init_station(settings)
    relay_log = folder / "relays.log"
    relay = folder / "relay.sh"
    relay.write_text(f'#!/bin/sh\necho "$1 $2" >> {relay_log}\n')
    relay.chmod(0o755)
    chime_in, chime_out = short_chimes(home)
    db = f'db_url = "{db_url}"\n' if db_url else ""
    (home / "loa.toml").write_text(
        f'[station]\nname = "{name}"\n{db}\n'
        f'[speech]\nengine = "espeak"\nchime_in = "{chime_in}"\nchime_out = "{chime_out}"\n\n'
        "[schedule]\nitem_gap_s = 0.5\ngrace_minutes = 15\n\n"
        f'[zones]\ndriver = "command"\non = ["{relay}", "on", "{{zone}}"]\n'
        f'off = ["{relay}", "off", "{{zone}}"]\nchannels = 8\n',
        encoding="utf-8",
    )
    station = Station.open(load_settings(home, env={}))
    if blocks:
        station.add_block("K1", "Khối 1", 1)
        station.add_block("K2", "Khối 2", 2)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOA_")}
    env.update(LOA_HOME=str(home), LOA_LANG="en")  # tests read English
    ls = LiveStation(home=home, env=env, out=folder / "out", station=station)
    ls.relay_log = relay_log
    return ls


def stop_live(ls: LiveStation) -> None:
    for proc in ls.procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
    ls.station.close()
