"""Build the demo station from scripts/demo-data and play a slot that starts now.

Run through ./scripts/demo. Uses the ``loa`` command line only, as an officer would.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "scripts" / "demo-data"
HOME = ROOT / ".demo-home"
LOA = [str(ROOT / ".venv" / "bin" / "loa")]
TZ = "Asia/Ho_Chi_Minh"
DEMO_KEYS = ("bao-so-4", "mat-dien")  # short enough to hear in about a minute


def loa(*args: str, capture: bool = False) -> str:
    env = {**os.environ, "LOA_HOME": str(HOME)}
    env.pop("LOA_DB_URL", None)  # the demo runs on the embedded SQLite default
    result = subprocess.run(
        LOA + list(args), env=env, text=True, capture_output=capture, check=False
    )
    if result.returncode != 0:
        if capture:
            sys.stderr.write(result.stderr)
        sys.exit(f"demo: `loa {' '.join(args)}` failed")
    return result.stdout if capture else ""


def at(now: datetime, hhmm: str) -> datetime:
    """Today's ``hhmm`` in the zone of ``now``."""
    return datetime.combine(now.date(), datetime.strptime(hhmm, "%H:%M").time(), now.tzinfo)


def choose_sink() -> str:
    devices = json.loads(loa("devices", "--json", capture=True) or "[]")
    if devices:
        return "device"
    out = ROOT / "demo-out"
    shutil.rmtree(out, ignore_errors=True)
    return f"file:{out}"


def main() -> None:
    shutil.rmtree(HOME, ignore_errors=True)
    station = tomllib.loads((DATA / "station.toml").read_text(encoding="utf-8"))
    messages = tomllib.loads((DATA / "messages.toml").read_text(encoding="utf-8"))["message"]
    print("== setting up the demo station in", HOME)
    loa("init", capture=True)
    (HOME / "loa.toml").write_text(
        f'[station]\nname = "khe-sanh"\ntimezone = "{TZ}"\n\n'
        '[speech]\nengine = "auto"\n\n[schedule]\nitem_gap_s = 1.0\n',
        encoding="utf-8",
    )
    for b in station["block"]:
        loa("block", "add", b["code"], b["name"], "--zone", str(b["zone"]), capture=True)

    from zoneinfo import ZoneInfo

    now = datetime.now(ZoneInfo(TZ))
    start = (now + timedelta(seconds=45)).replace(microsecond=0)
    end = start + timedelta(minutes=2)
    demo_slot = ("ngay", start.strftime("%H:%M:%S"), end.strftime("%H:%M:%S"))
    for s in station["slot"]:
        s_start, s_end = (at(now, s["start"]), at(now, s["end"]))
        if s_start < end and start < s_end:
            print(f"   (slot {s['code']} overlaps the demo slot today: left out)")
            continue
        loa("slot", "add", s["code"], s["start"], s["end"], "--name", s["name"],
            "--days", s.get("days", "daily"), capture=True)  # fmt: skip
    if end.date() == start.date():
        loa("slot", "add", *demo_slot, "--name", "Demo: phát ngay bây giờ",
            "--days", start.strftime("%a").lower()[:3], capture=True)  # fmt: skip
    print(loa("block", "list", capture=True))
    print(loa("slot", "list", capture=True))

    sink = choose_sink()
    print(f"== starting the daemon (sink {sink}); slot 'ngay' starts at {start:%H:%M:%S}")
    env = {**os.environ, "LOA_HOME": str(HOME)}
    env.pop("LOA_DB_URL", None)
    daemon = subprocess.Popen(LOA + ["daemon", "--sink", sink, "--tick", "2"], env=env)
    try:
        time.sleep(2)
        print("== queueing and approving the sample announcements (rendered at approval)")
        for m in sorted(messages, key=lambda m: m["key"] not in DEMO_KEYS):  # demo's first
            target = station["targets"][m["key"]]
            slots = target["slots"] + (",ngay" if m["key"] in DEMO_KEYS else "")
            priority = {"low": "normal", "high": "priority"}.get(m["priority"], m["priority"])
            mid = loa(
                "msg", "add", "--title", m["title"], "--text", m["text"],
                "--blocks", target["blocks"], "--slots", slots, "--priority", priority,
                "--category", m["category"], "--source", m["source"], "--by", "demo",
                capture=True,
            ).strip()  # fmt: skip
            note = loa("msg", "approve", mid, "--by", "Chủ tịch UBND", capture=True).strip()
            print(f"   {mid}: {m['title']}  ({note.splitlines()[-1]})")

        print("\n== the programme for the coming two days (loa schedule --days 2)")
        print(loa("schedule", "--days", "2", capture=True))

        print(f"== waiting for slot 'ngay' at {start:%H:%M:%S}: the daemon plays it")
        deadline = time.monotonic() + (end - now).total_seconds() + 30
        wanted = 0
        while time.monotonic() < deadline:
            time.sleep(2)
            log = json.loads(loa("log", "--json", capture=True))
            demo = [a for a in log if a["slot"] == "ngay"]
            wanted = wanted or len(DEMO_KEYS)
            settled = [a for a in demo if a["status"] not in ("claimed", "playing")]
            if len(settled) >= wanted:
                break
            if daemon.poll() is not None:
                sys.exit("demo: the daemon stopped unexpectedly")
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(timeout=15)
    print("\n== as-run log (loa log)")
    print(loa("log", capture=True))
    if sink.startswith("file:"):
        out = Path(sink[5:])
        print(f"== the aired audio is in {out}/ (one WAV per item, airings.jsonl beside them)")
        for path in sorted(out.glob("*.wav")):
            print("  ", path.name)


if __name__ == "__main__":
    main()
