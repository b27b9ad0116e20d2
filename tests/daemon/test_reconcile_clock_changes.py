"""The reconciler's timers on the days the clocks change (Europe/Berlin), fake clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from loabroadcast.daemon import desired_jobs, job_id
from loabroadcast.domain import Message, MessageStatus, Slot
from loabroadcast.domain.planner import PlanInput, plan

BERLIN = ZoneInfo("Europe/Berlin")
SPRING, AUTUMN = date(2027, 3, 28), date(2027, 10, 31)
LEAD = timedelta(seconds=5)
SLOTS = (
    Slot("dem", time(2, 30), time(2, 45)),  # wholly in the spring gap
    Slot("dst", time(2, 50), time(3, 20)),  # starts in the gap, ends after it
    Slot("sang", time(6, 0), time(6, 30)),
)
AUTUMN_SLOTS = (Slot("fold", time(2, 30), time(3, 0)), Slot("sang", time(6, 0), time(6, 30)))


def programmes(slots, day):
    messages = tuple(
        Message(
            id=n, title=s.code, status=MessageStatus.APPROVED, text="một hai", blocks=("K1",),
            slots=(s.code,), approved_at=datetime(2027, 1, 1, tzinfo=UTC),
        )
        for n, s in enumerate(slots, start=1)
    )  # fmt: skip
    data = PlanInput(messages, slots, {m.id: 60.0 for m in messages}, {}, gap_s=0.0)
    return plan(data, day - timedelta(days=1), 3, BERLIN)


def u(day, hh, mm=0):
    return datetime.combine(day, time(hh, mm), UTC)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # 01:00 CET: the two gap slots fire when the clocks jump (01:00 UTC), one after the other
        (u(SPRING, 0), {"dem": u(SPRING, 1) - LEAD, "dst": u(SPRING, 1, 15) - LEAD,
                        "sang": u(SPRING, 4) - LEAD}),
        # just after the jump (03:05 CEST): dem is under way (catch up at once), dst to come
        (u(SPRING, 1, 5), {"dem": u(SPRING, 1, 5), "dst": u(SPRING, 1, 15) - LEAD,
                           "sang": u(SPRING, 4) - LEAD}),
        # 03:20 CEST: both have ended
        (u(SPRING, 1, 20), {"sang": u(SPRING, 4) - LEAD}),
    ],
)  # fmt: skip
def test_spring_forward(now, expected):
    wanted = desired_jobs(programmes(SLOTS, SPRING), now, LEAD)
    today = {k.split("/")[1]: fire for k, (_, day, fire) in wanted.items() if day == SPRING}
    assert today == expected
    assert all(fire >= now for _, _, fire in wanted.values())


@pytest.mark.parametrize(
    ("now", "wanted_fold"),
    [
        (u(AUTUMN, 0), u(AUTUMN, 0, 30) - LEAD),  # 02:00 CEST: fires before the first 02:30
        (u(AUTUMN, 0, 40), u(AUTUMN, 0, 40)),  # under way: at once
        (u(AUTUMN, 1, 0), None),  # 02:00 CET: the wall clock says 02:00 again, but it ended
        (u(AUTUMN, 1, 40), None),  # 02:40 CET, the second 02:40: it does not run again
    ],
)
def test_fall_back(now, wanted_fold):
    wanted = desired_jobs(programmes(AUTUMN_SLOTS, AUTUMN), now, LEAD)
    assert wanted.get(job_id("fold", AUTUMN), (None, None, None))[2] == wanted_fold
