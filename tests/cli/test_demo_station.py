"""./scripts/demo builds a station that works at any time of day and on any date: its
builder (scripts/demo_station.py) run against a temporary station with a fake clock."""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from loabroadcast.services import Station
from loabroadcast.testing import FakeClock

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
REPO = Path(__file__).resolve().parents[2]


def _demo():
    spec = importlib.util.spec_from_file_location("demo_station", REPO / "scripts/demo_station.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


demo = _demo()


@pytest.mark.parametrize(
    "now",
    [
        datetime(2026, 3, 11, 5, 59, 40, tzinfo=TZ),  # a Wednesday, just before `sang`
        datetime(2026, 3, 11, 11, 6, tzinfo=TZ),  # inside `trua` (weekdays)
        datetime(2026, 3, 14, 11, 6, tzinfo=TZ),  # a Saturday: no `trua` that day
        datetime(2026, 3, 11, 16, 59, tzinfo=TZ),  # just before `chieu`
        datetime(2026, 3, 11, 23, 59, tzinfo=TZ),  # no room before midnight: at 00:00
        datetime(2026, 3, 11, 23, 57, tzinfo=TZ),  # room before midnight: until 23:59:59
        datetime(2026, 12, 31, 23, 59, 50, tzinfo=TZ),  # the year ends
        datetime(2028, 2, 29, 12, 0, tzinfo=TZ),  # a leap day
    ],
    ids=lambda d: d.strftime("%Y-%m-%d_%H:%M:%S"),
)
def test_demo_station_at_any_time(loa, settings, now):
    station_data, messages = demo.load_data()
    plan = demo.plan_demo(now, station_data, messages)
    assert now < plan.start <= now + timedelta(minutes=3)
    assert plan.start.date() == plan.end.date() and plan.end - plan.start >= demo.ENOUGH
    ids = {}
    with time_machine.travel(now, tick=False):  # the demo's session is today's
        for args in plan.setup:
            result = loa(*args)
            assert result.exit_code == 0, (args, result.stderr)
        for key, args in plan.messages:
            result = loa(*args)
            assert result.exit_code == 0, (key, result.stderr)
            ids[key] = int(result.stdout)
    assert set(demo.DEMO_KEYS) <= set(ids)
    assert len(ids) == len(messages)  # every sample message keeps a slot
    quick = replace(settings, speech=replace(settings.speech, render_on_approve=False))
    station = Station.open(quick, FakeClock(now))
    try:
        for mid in ids.values():
            station.approve(mid, "test")
        [programme] = [
            p for p in station.schedule(plan.start.date(), 1) if p.slot.code == demo.DEMO_SLOT
        ]
    finally:
        station.close()
    assert (programme.occurrence.start, programme.occurrence.end) == (plan.start, plan.end)
    assert sorted(i.message_id for i in programme.items) == sorted(
        ids[k] for k in demo.DEMO_KEYS
    )  # both demo messages fit (estimated lengths)
    assert programme.overflow == ()
