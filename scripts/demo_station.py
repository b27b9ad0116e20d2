"""Build the demo station from scripts/demo-data and play a slot that starts now.

Run through ./scripts/demo. Uses the ``loa`` command line only, as an officer would.

It works at any time of day and on any date. The demo slot ``ngay`` starts about half a
minute from now and lasts two minutes, on today's weekday only; a station slot that would
overlap it today (``trua`` at 11:06, ``sang`` at 05:59, ``chieu`` at 16:59) is kept for the
other days of its week, so every message still has its slots. A slot cannot cross midnight:
late in the evening the demo slot ends at 23:59:59 when that leaves enough time for the
demo's messages, else it starts at midnight (a wait of a minute or two).
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
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "scripts" / "demo-data"
HOME = ROOT / ".demo-home"
LOA = [str(ROOT / ".venv" / "bin" / "loa")]
TZ = "Asia/Ho_Chi_Minh"
DEMO_KEYS = ("bao-so-4", "mat-dien")  # short enough to hear in about a minute
DEMO_SLOT = "ngay"
LEAD = timedelta(seconds=30)  # time to start the daemon and approve (render) the messages
LENGTH = timedelta(minutes=2)
ENOUGH = timedelta(seconds=90)  # the demo's two messages with chimes fit in this
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass
class DemoPlan:
    """What the demo adds, in order: ``loa`` argument lists, and the messages to approve."""

    start: datetime
    end: datetime
    setup: list[list[str]] = field(default_factory=list)  # blocks and slots
    messages: list[tuple[str, list[str]]] = field(default_factory=list)  # (key, msg add args)
    notes: list[str] = field(default_factory=list)


def demo_window(now: datetime) -> tuple[datetime, datetime]:
    """The demo slot: from about ``LEAD`` after ``now`` for ``LENGTH``, never across midnight."""
    start = (now + LEAD).replace(microsecond=0)
    end = start + LENGTH
    midnight = datetime.combine(start.date() + timedelta(days=1), clock_time(0), start.tzinfo)
    if end >= midnight:
        last = midnight - timedelta(seconds=1)  # 23:59:59: slots end within their day
        if last - start >= ENOUGH:
            end = last
        else:
            start, end = midnight, midnight + LENGTH
    return start, end


def _days(text: str) -> set[int]:
    key = text.strip().lower()
    if key in ("daily", "all"):
        return set(range(7))
    if key == "weekdays":
        return set(range(5))
    if key == "weekend":
        return {5, 6}
    return {WEEKDAYS.index(d.strip()) for d in key.split(",")}


def _at(day, hhmm: str, tz) -> datetime:
    return datetime.combine(day, datetime.strptime(hhmm, "%H:%M").time(), tz)


def plan_demo(now: datetime, station: dict, messages: list[dict]) -> DemoPlan:
    """The demo station for ``now`` (a pure function: tested with any time and date)."""
    start, end = demo_window(now)
    plan = DemoPlan(start, end)
    for b in station["block"]:
        plan.setup.append(["block", "add", b["code"], b["name"], "--zone", str(b["zone"])])
    weekday = start.weekday()
    kept: set[str] = set()
    for s in station["slot"]:
        days = _days(s.get("days", "daily"))
        s_start, s_end = (
            _at(start.date(), s["start"], start.tzinfo),
            _at(start.date(), s["end"], start.tzinfo),
        )
        if weekday in days and s_start < end and start < s_end:
            days.discard(weekday)
            plan.notes.append(
                f"slot {s['code']} overlaps the demo slot today: it runs on its other days"
            )
        if not days:
            plan.notes.append(f"slot {s['code']} left out: it runs only today, at the demo's time")
            continue
        kept.add(s["code"])
        plan.setup.append(["slot", "add", s["code"], s["start"], s["end"], "--name", s["name"],
                           "--days", ",".join(WEEKDAYS[d] for d in sorted(days))])  # fmt: skip
    # A one-off session (loa calendar extra): it airs on its date even on a public holiday,
    # when the daily slots are quiet.
    demo_session = [start.date().isoformat(), DEMO_SLOT, f"{start:%H:%M:%S}", f"{end:%H:%M:%S}"]
    plan.setup.append(["calendar", "extra", *demo_session, "--name", "Demo: phát ngay bây giờ"])
    demo_first = sorted(messages, key=lambda m: m["key"] not in DEMO_KEYS)
    for m in demo_first:
        target = station["targets"][m["key"]]
        slots = [c for c in target["slots"].split(",") if c in kept]
        if m["key"] in DEMO_KEYS:
            slots.append(DEMO_SLOT)
        if not slots:
            plan.notes.append(f"message {m['key']} left out: none of its slots runs")
            continue
        priority = {"low": "normal", "high": "priority"}.get(m["priority"], m["priority"])
        plan.messages.append((m["key"], [
            "msg", "add", "--title", m["title"], "--text", m["text"],
            "--blocks", target["blocks"], "--slots", ",".join(slots), "--priority", priority,
            "--category", m["category"], "--source", m["source"], "--by", "demo",
        ]))  # fmt: skip
    return plan


def load_data() -> tuple[dict, list[dict]]:
    station = tomllib.loads((DATA / "station.toml").read_text(encoding="utf-8"))
    messages = tomllib.loads((DATA / "messages.toml").read_text(encoding="utf-8"))["message"]
    return station, messages


# --- running it ----------------------------------------------------------------------------


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


def choose_sink() -> str:
    devices = json.loads(loa("devices", "--json", capture=True) or "[]")
    if devices:
        return "device"
    out = ROOT / "demo-out"
    shutil.rmtree(out, ignore_errors=True)
    return f"file:{out}"


def main() -> None:
    from zoneinfo import ZoneInfo

    shutil.rmtree(HOME, ignore_errors=True)
    station, messages = load_data()
    print("== setting up the demo station in", HOME)
    loa("init", capture=True)
    (HOME / "loa.toml").write_text(
        f'[station]\nname = "khe-sanh"\ntimezone = "{TZ}"\n\n'
        '[speech]\nengine = "auto"\n\n[schedule]\nitem_gap_s = 1.0\n',
        encoding="utf-8",
    )
    now = datetime.now(ZoneInfo(TZ))
    plan = plan_demo(now, station, messages)
    for args in plan.setup:
        loa(*args, capture=True)
    for note in plan.notes:
        print(f"   ({note})")
    print(loa("block", "list", capture=True))
    print(loa("slot", "list", capture=True))

    sink = choose_sink()
    when = f"{plan.start:%d/%m/%Y %H:%M:%S}"
    print(f"== starting the daemon (sink {sink}); slot '{DEMO_SLOT}' starts at {when}")
    env = {**os.environ, "LOA_HOME": str(HOME)}
    env.pop("LOA_DB_URL", None)
    daemon = subprocess.Popen(LOA + ["daemon", "--sink", sink, "--tick", "2"], env=env)
    try:
        time.sleep(2)
        print("== queueing and approving the sample announcements (rendered at approval)")
        for key, args in plan.messages:
            mid = loa(*args, capture=True).strip()
            note = loa("msg", "approve", mid, "--by", "Chủ tịch UBND", capture=True).strip()
            title = args[args.index("--title") + 1]
            print(
                f"   {mid}: {title}  ({note.splitlines()[-1]})" + (" *" if key in DEMO_KEYS else "")
            )

        print("\n== the programme for the coming two days (loa schedule --days 2)")
        print(loa("schedule", "--days", "2", capture=True))

        print(f"== waiting for slot '{DEMO_SLOT}' at {plan.start:%H:%M:%S}: the daemon plays it")
        deadline = time.monotonic() + (plan.end - datetime.now(ZoneInfo(TZ))).total_seconds() + 30
        while time.monotonic() < deadline:
            time.sleep(2)
            log = json.loads(loa("log", "--all", "--json", capture=True))
            demo = [a for a in log if a["slot"] == DEMO_SLOT]
            settled = [a for a in demo if a["status"] not in ("claimed", "playing")]
            if len(settled) >= len(DEMO_KEYS):
                break
            if daemon.poll() is not None:
                sys.exit("demo: the daemon stopped unexpectedly")
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(timeout=15)
    print("\n== as-run log (loa log)")
    print(loa("log", "--date", f"{plan.start:%Y-%m-%d}", capture=True))
    if sink.startswith("file:"):
        out = Path(sink[5:])
        print(f"== the aired audio is in {out}/ (one WAV per item, airings.jsonl beside them)")
        for path in sorted(out.glob("*.wav")):
            print("  ", path.name)


if __name__ == "__main__":
    main()
