"""bench core: CLI start-up and the schedule of a station with 10,000 messages.

The station is made by ``loa init``, then 200 blocks, 6 daily slots, 10,000 messages and
a full calendar (a year of quiet ranges and one-off sessions, beside Viet Nam's public
holidays) are inserted straight through the store's SQLAlchemy models (the services
would take minutes). Messages get no renders, so the schedule uses estimated durations.
"""

from __future__ import annotations

import json
import random
import subprocess
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bench_common import (
    LOA,
    MISS,
    PASS,
    Row,
    demo_messages,
    imported_modules,
    init_station,
    judged,
    loa_env,
    log,
    median_ms,
    time_processes,
)

GROUP = "core"
TZ = "Asia/Ho_Chi_Minh"
SLOTS = (  # code, start, end: six non-overlapping daily slots
    ("sang-som", "05:30:00", "06:00:00"),
    ("sang", "06:30:00", "07:00:00"),
    ("trua", "11:00:00", "11:30:00"),
    ("chieu", "16:30:00", "17:00:00"),
    ("toi-som", "17:30:00", "18:00:00"),
    ("toi", "20:00:00", "20:30:00"),
)
EXTRAS = 100  # one-off sessions over the coming year, 14:00-14:30 on distinct days
QUIET_RANGES = 40  # quiet ranges of 1-7 days, half of them limited to one or two slots
BLOCK_KINDS = ("Khối", "Thôn", "Tổ dân phố")
STATUS_MIX = (  # status, weight
    ("approved", 80),
    ("draft", 8),
    ("expired", 6),
    ("cancelled", 4),
    ("rejected", 2),
)
PRIORITY_MIX = ((0, 80), (1, 15), (2, 5))
HEAVY = ("pydub", "gtts", "apscheduler")
READ_HEAVY = (*HEAVY, "sqlalchemy")  # the listings read SQLite with the standard library


def build_station(home: Path, today: date, messages: int = 10_000, blocks: int = 200) -> dict:
    """``loa init`` and the bulk insert; returns counts by status."""
    from sqlalchemy import insert

    from loabroadcast.config import load_settings
    from loabroadcast.store import db, repo
    from loabroadcast.store.models import (
        BlockRow,
        CalendarEntryRow,
        MessageBlockRow,
        MessageRow,
        MessageSlotRow,
        MessageVersionRow,
        SlotRow,
    )

    init_station(home)
    settings = load_settings(home, env={})
    engine = db.make_engine(settings.database_url)
    rng = random.Random(20260310)
    samples = demo_messages()
    now = datetime.now(UTC)
    block_rows = [
        {
            "id": i,
            "code": f"K{i:03d}",
            "name": f"{BLOCK_KINDS[i % len(BLOCK_KINDS)]} {i}",
            "zone": (i - 1) % 64 + 1,
        }
        for i in range(1, blocks + 1)
    ]
    slot_rows = [
        {
            "id": i,
            "code": code,
            "name": f"Khung {code}",
            "start": s,
            "end": e,
            "weekdays": "0123456",
        }
        for i, (code, s, e) in enumerate(SLOTS, start=1)
    ]
    extra_rows, entry_rows = _calendar(rng, today, now, first_id=len(SLOTS) + 1)
    rows, links_b, links_s, versions = [], [], [], []
    counts: dict[str, int] = {}
    slot_code = {r["id"]: r["code"] for r in slot_rows + extra_rows}
    for mid in range(1, messages + 1):
        row = _message(mid, rng, samples, today, now)
        counts[row["status"]] = counts.get(row["status"], 0) + 1
        rows.append(row)
        codes_b, codes_s = [], []
        if not row["all_blocks"]:
            for b in rng.sample(range(1, blocks + 1), rng.randint(1, 3)):
                links_b.append({"message_id": mid, "block_id": b})
                codes_b.append(block_rows[b - 1]["code"])
        for s in rng.sample(range(1, len(SLOTS) + 1), rng.randint(1, 2)):
            links_s.append({"message_id": mid, "slot_id": s})
            codes_s.append(slot_code[s])
        if rng.random() < 0.05:  # also in a one-off session
            extra = rng.choice(extra_rows)["id"]
            links_s.append({"message_id": mid, "slot_id": extra})
            codes_s.append(slot_code[extra])
        versions.append(_version(row, codes_b, codes_s))
    try:
        with db.write_session(engine) as s:
            s.execute(insert(BlockRow), block_rows)
            s.execute(insert(SlotRow), slot_rows + extra_rows)
            s.execute(insert(CalendarEntryRow), entry_rows)
            s.execute(insert(MessageRow), rows)
            s.execute(insert(MessageVersionRow), versions)
            s.execute(insert(MessageBlockRow), links_b)
            s.execute(insert(MessageSlotRow), links_s)
            repo.bump_plan(s, now)
    finally:
        engine.dispose()
    return counts


def _calendar(
    rng: random.Random, today: date, now: datetime, first_id: int
) -> tuple[list[dict], list[dict]]:
    """A full year's calendar: one-off session slots and calendar entries (quiet ranges
    and the sessions' entries), as ``loa calendar off``/``extra`` would store them."""
    days = sorted(rng.sample(range(1, 366), EXTRAS))
    extras, entries = [], []
    for n, offset in enumerate(days):
        day = today + timedelta(days=offset)
        slot_id = first_id + n
        extras.append(
            {
                "id": slot_id,
                "code": f"them-{n + 1}",
                "name": f"Buổi phát thêm {n + 1}",
                "start": "14:00:00",
                "end": "14:30:00",
                "weekdays": str(day.weekday()),
                "on_day": day,
            }
        )
        entries.append(
            {"kind": "extra", "first_day": day, "last_day": day, "slots": "", "reason": "",
             "slot_id": slot_id, "created_at": now}
        )  # fmt: skip
    for _ in range(QUIET_RANGES):
        first = today + timedelta(days=rng.randint(0, 360))
        limited = rng.random() < 0.5
        codes = rng.sample([c for c, _, _ in SLOTS], rng.randint(1, 2)) if limited else []
        entries.append(
            {"kind": "off", "first_day": first, "last_day": first + timedelta(rng.randint(0, 6)),
             "slots": ",".join(codes), "reason": "Sửa chữa thiết bị", "slot_id": None,
             "created_at": now}
        )  # fmt: skip
    return extras, entries


def _pick(rng: random.Random, mix) -> object:
    return rng.choices([v for v, _ in mix], weights=[w for _, w in mix])[0]


def _message(mid: int, rng: random.Random, samples: list[dict], today: date, now: datetime):
    """One realistic message row: validity windows spread over a year around ``today``."""
    sample = samples[mid % len(samples)]
    status = _pick(rng, STATUS_MIX)
    created = now - timedelta(days=rng.uniform(1, 60))
    if status == "expired":
        valid_from = today - timedelta(days=rng.randint(20, 120))
        valid_until = valid_from + timedelta(days=rng.randint(1, 15))
    else:
        valid_from = today + timedelta(days=rng.randint(-30, 330))
        valid_until = valid_from + timedelta(days=rng.randint(1, 30))
        if rng.random() < 0.05:
            valid_until = None  # until cancelled
    approved = status in ("approved", "expired")
    return {
        "id": mid,
        "title": f"{sample['title']} (đợt {mid})",
        "text": sample["text"].strip(),
        "category": sample.get("category"),
        "source": sample.get("source"),
        "priority": _pick(rng, PRIORITY_MIX),
        "status": status,
        "all_blocks": rng.random() < 0.05,
        "valid_from": valid_from,
        "valid_until": valid_until,
        "repeat": rng.choice((1, 1, 1, 2, 2, 3)),
        "max_airings": rng.choice((None, None, None, 3, 5, 10)),
        "created_by": "bench",
        "created_at": created,
        "updated_at": created,
        "approved_by": "Chủ tịch UBND" if approved else None,
        "approved_at": created + timedelta(hours=rng.uniform(0.1, 20)) if approved else None,
        "rejected_reason": "trùng nội dung" if status == "rejected" else None,
        "version": 1,
        "approved_version": 1 if approved else None,
    }


def _version(row: dict, blocks: list[str], slots: list[str]) -> dict:
    """The message's version 1 (approved when the message was), as ``loa msg add`` and
    ``msg approve`` write it."""
    fields = ("title", "text", "category", "source", "priority", "all_blocks", "valid_from",
              "valid_until", "repeat", "max_airings", "created_by", "created_at",
              "approved_by", "approved_at")  # fmt: skip
    return {
        "message_id": row["id"],
        "number": 1,
        "blocks": ",".join(sorted(blocks)),
        "slots": ",".join(slots),
        **{name: row[name] for name in fields},
    }


def _schedule_note(home: Path, day: date, days: int) -> str:
    out = subprocess.run(
        [LOA, "schedule", "--date", day.isoformat(), "--days", str(days), "--json"],
        env=loa_env(home),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    programmes = json.loads(out)["programmes"]
    items = sum(len(p["items"]) for p in programmes)
    overflow = sum(len(p["overflow"]) for p in programmes)
    quiet = sum(1 for p in programmes if p.get("quiet"))
    one_off = sum(1 for p in programmes if p.get("one_off"))
    return (
        f"{len(programmes)} slot runs ({quiet} quiet, {one_off} one-off), "
        f"{items} items, {overflow} overflow"
    )


def import_rows(env: dict[str, str], day: date) -> tuple[list[Row], list[str]]:
    """Does start-up import the speech or scheduler libraries? (it should not)."""
    checks = {
        "import loabroadcast.cli": ["-c", "import loabroadcast.cli"],
        "loa --help": [LOA, "--help"],
    }
    heavy_seen: set[str] = set()
    notes = []
    for label, argv in checks.items():
        mods = imported_modules(argv, env)
        heavy_seen |= {m for m in HEAVY if m in mods}
        top = sorted(mods.items(), key=lambda kv: -kv[1])[:4]
        notes.append(
            f"{label} biggest imports: "
            + ", ".join(f"{name} {us / 1000:.0f} ms" for name, us in top)
        )
    rows = [
        Row(
            GROUP,
            "loa --help imports pydub/gtts/apscheduler",
            "yes: " + ",".join(sorted(heavy_seen)) if heavy_seen else "no",
            "no",
            MISS if heavy_seen else PASS,
        )
    ]
    for label, argv in {
        "msg list": [LOA, "msg", "list"],
        "schedule": [LOA, "schedule", "--date", day.isoformat()],
    }.items():
        mods = imported_modules(argv, env)
        seen = [m for m in READ_HEAVY if m in mods]
        rows.append(
            Row(
                GROUP,
                f"loa {label} imports {'/'.join(READ_HEAVY)}",
                ", ".join(seen) or "no",
                "no",
                MISS if seen else PASS,
            )
        )
        top = sorted(mods.items(), key=lambda kv: -kv[1])[:5]
        notes.append(
            f"loa {label} biggest imports: "
            + ", ".join(f"{name} {us / 1000:.0f} ms" for name, us in top)
        )
    return rows, notes


def timing_rows(env: dict[str, str], day: date, runs: int) -> tuple[list[Row], list[str]]:
    """Whole ``loa`` processes: median wall time of ``runs`` after a warm-up."""
    d = day.isoformat()
    figures = {  # name: (argv, limit in ms)
        "loa --help": ([LOA, "--help"], 150),
        "loa msg list (10,000 messages)": ([LOA, "msg", "list"], 500),
        "loa schedule --date D (1 day)": ([LOA, "schedule", "--date", d], 500),
        "loa schedule --date D --days 30": ([LOA, "schedule", "--date", d, "--days", "30"], 2000),
        "loa schedule --days 366 (full calendar)": ([LOA, "schedule", "--days", "366"], 2000),
    }
    log(f"core: timing {len(figures)} commands, {runs} runs each after a warm-up, in turns")
    times = time_processes({name: argv for name, (argv, _) in figures.items()}, env, runs)
    rows, notes = [], []
    for name, (_, limit) in figures.items():
        rows.append(judged(GROUP, f"{name}, median of {runs}", median_ms(times[name]), limit, "ms"))
        notes.append(f"{name}: runs {', '.join(f'{t * 1000:.0f}' for t in times[name])} ms")
    return rows, notes


def run(quick: bool = False) -> tuple[list[Row], list[str]]:
    with tempfile.TemporaryDirectory(prefix="loa-bench-core-") as tmp:
        home = Path(tmp) / "home"
        today = datetime.now(ZoneInfo(TZ)).date()
        log(
            "core: building a station with 10,000 messages, 200 blocks, 6 slots, "
            f"{EXTRAS} one-off sessions, {QUIET_RANGES} quiet ranges"
        )
        began = time.perf_counter()
        counts = build_station(home, today)
        notes = [
            f"station built in {time.perf_counter() - began:.1f} s: "
            + ", ".join(f"{n} {s}" for s, n in sorted(counts.items(), key=lambda kv: -kv[1]))
        ]
        env = loa_env(home)
        day = today + timedelta(days=30)
        rows, timing_notes = timing_rows(env, day, 3 if quick else 5)
        notes += timing_notes
        notes.append(f"schedule D={day.isoformat()}: {_schedule_note(home, day, 1)}")
        notes.append(f"schedule D +30 days: {_schedule_note(home, day, 30)}")
        notes.append(f"schedule today +366 days: {_schedule_note(home, today, 366)}")
        log("core: checking what start-up imports")
        more_rows, more_notes = import_rows(env, day)
        import bench_reports  # issue 15: loa report over a year of as-run log

        report_rows, report_notes = bench_reports.run(Path(tmp), quick)
    return rows + more_rows + report_rows, [f"core: {n}" for n in notes + more_notes + report_notes]
