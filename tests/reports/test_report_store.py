"""The report over a month of as-run log, on SQLite and PostgreSQL: every breakdown adds
up to the log's own total, counted here straight from the airings table."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import select

from loabroadcast.domain import AiringStatus
from loabroadcast.reports.period import Period
from loabroadcast.reports.rows import NONE, PLAY_NOW, Dimension
from loabroadcast.store import db
from loabroadcast.store.models import AiringRow
from loabroadcast.usecases.reports import Reports

from .conftest import CHAIR, FIRST, LAST, ORDERED_BY, STORM, TZ

DECEMBER = Period.of_month(2026, 12)
PARTITIONS = [d for d in Dimension if d != Dimension.BLOCK]


def reports_of(station) -> Reports:
    from loabroadcast.store.reader import Reader

    return Reports(station.settings, station.clock, lambda: Reader.on_engine(station.engine))


def raw_log(station) -> list[AiringRow]:
    """December's rows as stored, claims left out: what the report must add up to."""
    start = datetime.combine(FIRST, time(), tzinfo=TZ)
    end = datetime.combine(LAST + timedelta(days=1), time(), tzinfo=TZ)
    with db.read_session(station.engine) as s:
        return list(
            s.scalars(
                select(AiringRow)
                .where(AiringRow.scheduled_at >= start)
                .where(AiringRow.scheduled_at < end)
                .where(AiringRow.status != AiringStatus.CLAIMED.value)
            )
        )


def seconds(row: AiringRow) -> int:
    if row.started_at is None or row.ended_at is None:
        return 0
    return round((row.ended_at - row.started_at).total_seconds())


def expected_total(rows: list[AiringRow]) -> dict:
    by_status = {s: sum(1 for r in rows if r.status == s) for s in AiringStatus}
    return {
        "airings": sum(by_status[s] for s in ("played", "preempted", "interrupted", "playing")),
        "seconds_aired": sum(seconds(r) for r in rows),
        "missed": by_status[AiringStatus.MISSED],
        "failed": by_status[AiringStatus.FAILED],
        "preempted": by_status[AiringStatus.PREEMPTED],
        "interrupted": by_status[AiringStatus.INTERRUPTED],
        "dead_air_s": 0,
    }


@pytest.fixture
def december(month):
    return reports_of(month.station).log(DECEMBER)


def test_the_total_is_the_raw_log_of_the_month(month, december):
    rows = raw_log(month.station)
    assert {r.status for r in rows} == {"played", "missed", "failed", "preempted", "interrupted"}
    total = december.breakdown(Dimension.CATEGORY).total
    for name, value in expected_total(rows).items():
        assert getattr(total, name) == value, name
    assert total.airings > 50 and total.missed >= 3


@pytest.mark.parametrize("by", PARTITIONS, ids=str)
def test_every_breakdown_adds_up_to_the_total(december, by):
    b = december.breakdown(by)
    assert b.rows
    for name in ("airings", "seconds_aired", "seconds_requested", "missed", "failed",
                 "preempted", "interrupted", "dead_air_s"):  # fmt: skip
        assert sum(getattr(r.figures, name) for r in b.rows) == getattr(b.total, name), name
    assert b.total == december.breakdown(Dimension.CATEGORY).total


def test_blocks_count_each_block_an_airing_reached(month, december):
    b = december.breakdown(Dimension.BLOCK)
    rows = raw_log(month.station)
    for row in b.rows:
        mine = [r for r in rows if row.key in r.blocks.split(",")]
        assert row.figures.seconds_aired == sum(seconds(r) for r in mine), row.key
        assert row.figures.missed == sum(1 for r in mine if r.status == "missed")
    assert [r.key for r in b.rows] == ["K1", "K2", "KS"]
    assert [r.label for r in b.rows] == ["Khối 1", "Khối 2", "Thôn Khe Sanh"]
    reached = sum(seconds(r) * len(r.blocks.split(",")) for r in rows)
    assert sum(r.figures.seconds_aired for r in b.rows) == reached > b.total.seconds_aired
    assert b.total.seconds_aired == sum(seconds(r) for r in rows)


def test_requested_is_what_the_plan_asked_for(month, december):
    st = month.station
    planned = 0
    for programme in st.schedule(FIRST, 31):
        planned += sum(round(i.duration_s) for i in programme.items)
        planned += sum(round(o.duration_s) for o in programme.overflow)
    storm = next(m for m in st.messages() if m.id == month.ids["storm"])
    from loabroadcast.domain.planner import estimate_duration

    planned += round(estimate_duration(storm))  # the play-now request
    assert december.breakdown(Dimension.CATEGORY).total.seconds_requested == planned
    by_category = {r.key: r.figures for r in december.breakdown(Dimension.CATEGORY).rows}
    # the long message never fits the 10-minute afternoon slot: asked for, never aired
    assert by_category["Văn hóa"].seconds_requested > 0
    assert by_category["Văn hóa"].seconds_aired == 0 and by_category["Văn hóa"].airings == 0


def test_expired_messages_are_still_planned_on_their_days(month, december):
    month.station.expire()  # the vaccination drive ended on 20/12
    again = reports_of(month.station).log(DECEMBER)
    assert again.breakdown(Dimension.MESSAGE).total == december.breakdown(Dimension.MESSAGE).total


def test_play_now_is_its_own_slot_and_the_emergencies_say_who_ordered_them(month, december):
    slots = {r.key: r for r in december.breakdown(Dimension.SLOT).rows}
    assert list(slots) == ["sang", "chieu", PLAY_NOW]
    assert slots["sang"].label == "Buổi sáng"
    assert slots[PLAY_NOW].figures.airings == 1
    assert slots[PLAY_NOW].figures.seconds_aired == 95
    s = december.summary()
    assert [(e.slot, e.ordered_by, e.approved_by) for e in s.emergencies] == [
        (None, ORDERED_BY, CHAIR),  # by play-now at 14:00 on 10/12 …
        ("chieu", CHAIR, CHAIR),  # … in its slot at 17:00 …
        ("chieu", CHAIR, CHAIR),  # … and in its slot on 11/12
    ]
    assert all(e.title == STORM for e in s.emergencies)
    assert s.emergency_airings == 3
    assert s.relay_seconds == 0 and s.own_seconds == s.total.seconds_aired


def test_sessions_and_weeks(month, december):
    s = december.summary()
    on_air = {(r.slot_code, r.occurrence_date) for r in raw_log(month.station)
              if r.status in ("played", "preempted", "interrupted") and r.slot_code}  # fmt: skip
    assert s.sessions == len(on_air) + 1  # and the play-now
    assert s.weeks[0].first == FIRST and s.weeks[-1].last == LAST
    assert len(s.weeks) == 5  # Tue 1/12 … Sun 6/12, …, Mon 28/12 … Thu 31/12
    assert sum(sum(v) for v in s.weekly.values()) == s.total.seconds_aired


def test_days_of_the_month_and_missed_day(december):
    days = {r.key: r.figures for r in december.breakdown(Dimension.DAY).rows}
    assert min(days) == "2026-12-01" and max(days) == "2026-12-31"
    assert days["2026-12-03"].airings == 0 and days["2026-12-03"].missed > 0
    assert days["2026-12-03"].seconds_requested > 0


def test_sources_and_priorities(december):
    sources = [r.key for r in december.breakdown(Dimension.SOURCE).rows]
    assert "Kế hoạch số 17/KH-UBND" in sources and sources[-1] == NONE
    priorities = [r.key for r in december.breakdown(Dimension.PRIORITY).rows]
    assert priorities == ["emergency", "normal"]


def test_an_empty_month_is_a_report_of_nothing(month):
    empty = reports_of(month.station).log(Period.of_month(2026, 10))
    b = empty.breakdown(Dimension.CATEGORY)
    assert b.rows == () and b.total.empty
    assert empty.summary().empty


def test_a_future_month_asks_for_nothing_yet(month):
    later = reports_of(month.station).log(Period.of_month(2027, 2))
    assert later.breakdown(Dimension.DAY).total.seconds_requested == 0
