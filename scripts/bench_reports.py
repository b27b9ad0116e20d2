"""bench core, reports (issue 15): ``loa report`` over a year of as-run log.

A station with 30 blocks, 6 daily slots and 700 messages, each valid for two weeks some
time in the past year, and the as-run log the daemon would have written for that year:
every slot run airs the messages valid that day, laid end to end as the planner does
(about 20,000 airings: played, and some missed, failed, pre-empted then aired again,
interrupted), plus a dozen play-now emergencies. Everything is inserted straight through
the store's models. Then ``loa report`` is timed: a month as CSV (target 1 s), the
month's PDF report with its chart (3 s), and the whole year as CSV (a figure only).
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
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
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SLOTS = (
    ("sang-som", "05:30:00", "06:00:00"),
    ("sang", "06:30:00", "07:00:00"),
    ("trua", "11:00:00", "11:30:00"),
    ("chieu", "16:30:00", "17:00:00"),
    ("toi-som", "17:30:00", "18:00:00"),
    ("toi", "20:00:00", "20:30:00"),
)
CATEGORIES = ("CCHC", "PCTT", "Y tế", "An ninh trật tự", "Văn hóa", "Nông nghiệp", "Giáo dục")
STATUS_MIX = (("played", 92), ("missed", 3), ("failed", 2), ("preempted", 2), ("interrupted", 1))
CONFIG = """[station]
name = "Đài Truyền thanh thị trấn Khe Sanh"
timezone = "Asia/Ho_Chi_Minh"
commune = "Thị trấn Khe Sanh"
district = "Huyện Hướng Hóa"
province = "Tỉnh Quảng Trị"

[speech]
engine = "espeak"
"""


def build_year(home: Path, today: date, messages: int = 700, blocks: int = 30) -> dict:
    """``loa init``, the station and a year of as-run log up to yesterday; counts."""
    from sqlalchemy import insert

    from loabroadcast.config import load_settings
    from loabroadcast.store import db, repo
    from loabroadcast.store.models import (
        AiringRow,
        BlockRow,
        MessageBlockRow,
        MessageRow,
        MessageSlotRow,
        PlayRequestRow,
        SlotRow,
    )

    init_station(home, CONFIG)
    settings = load_settings(home, env={})
    rng = random.Random(20261231)
    texts = [m["text"].strip() for m in demo_messages()]
    first = today - timedelta(days=365)
    now = datetime.now(UTC)
    block_rows = [{"id": i, "code": f"K{i:02d}", "name": f"Khối {i}", "zone": i}
                  for i in range(1, blocks + 1)]  # fmt: skip
    slot_rows = [{"id": i, "code": c, "name": f"Buổi {c}", "start": s, "end": e,
                  "weekdays": "0123456"} for i, (c, s, e) in enumerate(SLOTS, start=1)]  # fmt: skip
    rows, links_b, links_s, plan = [], [], [], {}
    for mid in range(1, messages + 1):
        start = first + timedelta(days=rng.randrange(365))
        text = " ".join(rng.choice(texts).split()[: rng.randint(60, 140)])
        emergency = rng.random() < 0.03
        approved = datetime.combine(start - timedelta(days=1), time(9), tzinfo=TZ)
        codes = rng.sample(range(1, blocks + 1), rng.randint(1, 4))
        rows.append({
            "id": mid, "title": f"Thông báo số {mid}", "text": text,
            "category": rng.choice(CATEGORIES), "source": f"Văn bản số {mid % 90}/UBND",
            "priority": 2 if emergency else rng.choice((0, 0, 0, 1)), "status": "approved",
            "all_blocks": False, "valid_from": start, "valid_until": start + timedelta(days=13),
            "repeat": 1, "created_at": approved, "updated_at": approved,
            "approved_by": "Chủ tịch UBND", "approved_at": approved,
        })  # fmt: skip
        links_b += [{"message_id": mid, "block_id": b} for b in codes]
        for s in rng.sample(range(1, len(SLOTS) + 1), 2):
            links_s.append({"message_id": mid, "slot_id": s})
            plan.setdefault(s, []).append((mid, start, codes, 6.0 + len(text.split()) * 0.4))
    airings, requests = _year_log(rng, plan, first, today, now)
    with db.write_session(db.make_engine(settings.database_url)) as s:
        s.execute(insert(BlockRow), block_rows)
        s.execute(insert(SlotRow), slot_rows)
        s.execute(insert(MessageRow), rows)
        s.execute(insert(MessageBlockRow), links_b)
        s.execute(insert(MessageSlotRow), links_s)
        s.execute(insert(PlayRequestRow), requests)
        s.execute(insert(AiringRow), airings)
        repo.bump_plan(s, now)
    counts: dict[str, int] = {}
    for a in airings:
        counts[a["status"]] = counts.get(a["status"], 0) + 1
    return counts


def _year_log(rng, plan, first: date, today: date, now: datetime):
    """The as-run rows of every slot run from ``first`` to yesterday, and play-now ones."""
    airings, requests = [], []
    statuses, weights = zip(*STATUS_MIX, strict=True)
    for day_index in range((today - first).days):
        day = first + timedelta(days=day_index)
        for slot_id, (code, s_start, s_end) in enumerate(SLOTS, start=1):
            cursor = datetime.combine(day, time.fromisoformat(s_start), tzinfo=TZ)
            end = datetime.combine(day, time.fromisoformat(s_end), tzinfo=TZ)
            for mid, valid_from, codes, seconds in plan.get(slot_id, ()):
                if not valid_from <= day <= valid_from + timedelta(days=13):
                    continue
                if cursor + timedelta(seconds=seconds) > end:
                    break  # overflow: the daemon releases it, nothing is logged
                status = rng.choices(statuses, weights)[0]
                key = f"{code}/{day.isoformat()}/{mid}"  # as the daemon keys it
                row = {"occurrence_key": key, "station": "bench", "message_id": mid,
                       "slot_code": code, "occurrence_date": day, "scheduled_at": cursor,
                       "status": status, "blocks": ",".join(f"K{b:02d}" for b in codes),
                       "created_at": now}  # fmt: skip
                heard = {"missed": None, "failed": 0.0, "preempted": seconds / 3,
                         "interrupted": seconds / 2}.get(status, seconds)  # fmt: skip
                if heard is not None:
                    row |= {"started_at": cursor, "ended_at": cursor + timedelta(seconds=heard)}
                airings.append(row)
                if status == "preempted":
                    again = cursor + timedelta(minutes=3)
                    aired_again = {
                        "occurrence_key": key + "/r1",
                        "status": "played",
                        "scheduled_at": again,
                        "started_at": again,
                        "ended_at": again + timedelta(seconds=seconds),
                    }
                    airings.append(row | aired_again)
                cursor += timedelta(seconds=seconds + 2)
    for n in range(1, 13):  # an emergency by play-now each month
        at = datetime.combine(first + timedelta(days=30 * n - 15), time(14), tzinfo=TZ)
        requests.append({"id": n, "message_id": n, "blocks": "", "requested_by": "Trưởng ban PCTT",
                         "requested_at": at, "status": "done"})  # fmt: skip
        airings.append({"occurrence_key": f"play-now/{n}/{n}", "station": "bench",
                        "message_id": n, "scheduled_at": at, "started_at": at,
                        "ended_at": at + timedelta(seconds=80), "status": "played",
                        "blocks": "K01,K02", "created_at": now})  # fmt: skip
    return airings, requests


def rows(home: Path, tmp: Path, today: date, runs: int) -> tuple[list[Row], list[str]]:
    env = loa_env(home)
    last_month = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    year_from = (today - timedelta(days=365)).isoformat()
    pdf = str(tmp / "bao-cao.pdf")
    figures = {  # name: (argv, limit in ms or None)
        f"loa report --month {last_month} --format csv (a year logged)": (
            [LOA, "report", "--month", last_month, "--format", "csv"], 1000),
        "loa report --month M --format pdf (with the chart)": (
            [LOA, "report", "--month", last_month, "--format", "pdf", "--out", pdf, "--force"],
            3000),
        "loa report --from (a year ago) --format csv --by day": (
            [LOA, "report", "--from", year_from, "--until", today.isoformat(), "--format",
             "csv", "--by", "day"], None),
    }  # fmt: skip
    log(f"core: timing loa report, {runs} runs each after a warm-up")
    times = time_processes({name: argv for name, (argv, _) in figures.items()}, env, runs)
    result, notes = [], []
    for name, (_, limit) in figures.items():
        value = median_ms(times[name])
        label = f"{name}, median of {runs}"
        if limit is None:
            result.append(Row(GROUP, label, f"{value:.0f} ms"))
        else:
            result.append(judged(GROUP, label, value, limit, "ms"))
        notes.append(f"{name}: runs {', '.join(f'{t * 1000:.0f}' for t in times[name])} ms")
    heavy = ("sqlalchemy", "matplotlib", "fpdf", "openpyxl", "pydub", "gtts", "apscheduler")
    mods = imported_modules(figures[next(iter(figures))][0], env)
    seen = [m for m in heavy if m in mods]
    result.append(Row(GROUP, "loa report --format csv imports " + "/".join(heavy),
                      ", ".join(seen) or "no", "no", MISS if seen else PASS))  # fmt: skip
    return result, notes


def run(tmp: Path, quick: bool = False) -> tuple[list[Row], list[str]]:
    home = tmp / "reports-home"
    today = datetime.now(TZ).date()
    log("core: building a station with a year of as-run log (about 20,000 airings)")
    import time as _time

    began = _time.perf_counter()
    counts = build_year(home, today)
    notes = [
        f"report station built in {_time.perf_counter() - began:.1f} s: "
        f"{sum(counts.values())} as-run rows ("
        + ", ".join(f"{n} {s}" for s, n in sorted(counts.items(), key=lambda kv: -kv[1]))
        + ")"
    ]
    result, more = rows(home, tmp, today, 3 if quick else 5)
    return result, notes + more
