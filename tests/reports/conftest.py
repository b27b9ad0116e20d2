"""A station with a month of as-run log (December 2026), written by the store's as-run
writer as the daemon writes it: every status, a storm warning aired in its slot and by
play-now, with who approved and who ordered it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from loabroadcast.domain import AiringStatus, Priority
from loabroadcast.i18n import set_language
from loabroadcast.services import MessageDraft, Station
from loabroadcast.store.airings import AsRun, occurrence_key

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
FIRST, LAST = date(2026, 12, 1), date(2026, 12, 31)
STORM = "Thông báo khẩn về cơn bão số 4"
CHAIR = "Chủ tịch UBND Lê Văn Bình"
ORDERED_BY = "Trưởng ban Chỉ huy PCTT Hoàng Minh"
REPORT_TIME = datetime(2027, 1, 2, 9, 0, tzinfo=TZ)


@pytest.fixture(autouse=True)
def english():
    """Library calls read English here, whatever an earlier CLI run chose (tests read
    English, as tests/conftest.py says for the CLI)."""
    set_language("en")


@dataclass
class Month:
    station: Station
    ids: dict[str, int]
    request_id: int


def add(st: Station, title: str, text: str, blocks: str, slots: str, **kw) -> int:
    draft = MessageDraft(title=title, text=text, blocks=blocks.split(","), slots=slots.split(","),
                         **kw)  # fmt: skip
    return st.add_message(draft).message.id


def status_of(day: date, slot: str, index: int) -> AiringStatus:
    """The fate of the index-th item of a slot run: mostly played, and every other status."""
    if day == date(2026, 12, 3):
        return AiringStatus.MISSED  # the daemon was down all day
    if (day, slot, index) == (date(2026, 12, 5), "sang", 0):
        return AiringStatus.FAILED
    if (day, slot, index) == (date(2026, 12, 12), "sang", 0):
        return AiringStatus.PREEMPTED
    if (day, slot, index) == (date(2026, 12, 15), "sang", 1):
        return AiringStatus.INTERRUPTED
    return AiringStatus.PLAYED


def write_airing(asrun: AsRun, key: str, status, start: datetime | None, seconds: float,
                 now: datetime, **fields) -> int:  # fmt: skip
    rid = asrun.claim(key, now=now, **fields)
    assert rid is not None
    if status == AiringStatus.CLAIMED:
        return rid
    values = {"status": status}
    if start is not None:
        values |= {"started_at": start, "ended_at": start + timedelta(seconds=seconds)}
    asrun.update(rid, **values)
    return rid


def build_month(st: Station, clock) -> Month:
    st.settings = replace(st.settings, speech=replace(st.settings.speech, render_on_approve=False))
    clock.set(datetime(2026, 11, 30, 8, 0, tzinfo=TZ))
    for code, name, zone in (("K1", "Khối 1", 1), ("K2", "Khối 2", 2), ("KS", "Thôn Khe Sanh", 3)):
        st.add_block(code, name, zone)
    st.add_slot("sang", "06:00", "06:30", name="Buổi sáng")
    st.add_slot("chieu", "17:00", "17:10", days="weekdays", name="Buổi chiều")
    words = " ".join(["Đề nghị bà con thực hiện đúng kế hoạch."] * 12)
    ids = {
        "vaccine": add(st, "Lịch tiêm chủng mở rộng", words, "K1,K2", "sang", category="Y tế",
                       source="Kế hoạch số 12/KH-UBND", valid_from=FIRST,
                       valid_until=date(2026, 12, 20)),
        "reform": add(st, "Tuyên truyền cải cách hành chính", words, "all", "sang,chieu",
                      category="CCHC", source="Kế hoạch số 17/KH-UBND", valid_from=FIRST,
                      valid_until=LAST),
        "storm": add(st, STORM, "Đề nghị bà con chằng chống nhà cửa.", "all", "chieu",
                     category="PCTT", source="Công điện số 05/CĐ-BCH",
                     valid_from=date(2026, 12, 10), valid_until=date(2026, 12, 11),
                     priority=Priority.EMERGENCY),
        "long": add(st, "Bài dài không xếp vừa", " ".join(["loa"] * 3000), "KS", "chieu",
                    category="Văn hóa", valid_from=FIRST, valid_until=LAST),
    }  # fmt: skip
    for key, mid in ids.items():
        st.approve(mid, CHAIR if key == "storm" else "Phó Chủ tịch UBND Nguyễn Văn An")
    clock.set(datetime(2026, 12, 10, 14, 0, tzinfo=TZ))
    request_id = st.play_now(ids["storm"], by=ORDERED_BY)
    asrun = AsRun(st.engine, st.settings.station, "test-daemon")
    now = clock.now()
    for programme in st.schedule(FIRST, 31):
        occ = programme.occurrence
        for index, item in enumerate(programme.items):
            status = status_of(occ.day, occ.slot.code, index)
            fields = {
                "message_id": item.message_id,
                "slot_code": occ.slot.code,
                "occurrence_date": occ.day,
                "scheduled_at": item.start,
                "blocks": ",".join(item.blocks),
            }
            key = occurrence_key(occ.slot.code, occ.day, item.message_id)
            start = None if status == AiringStatus.MISSED else item.start
            length = {AiringStatus.FAILED: 0, AiringStatus.PREEMPTED: 20.4,
                      AiringStatus.INTERRUPTED: 9.6}.get(status, item.duration_s)  # fmt: skip
            write_airing(asrun, key, status, start, length, now, **fields)
            if status == AiringStatus.PREEMPTED:  # aired again after the emergency
                again = item.start + timedelta(minutes=5)
                write_airing(asrun, key + "/r1", AiringStatus.PLAYED, again, item.duration_s,
                             now, **(fields | {"scheduled_at": again}))  # fmt: skip
    at = datetime(2026, 12, 10, 14, 0, 3, tzinfo=TZ)
    write_airing(asrun, f"play-now/{request_id}/{ids['storm']}",
                 AiringStatus.PLAYED, at + timedelta(seconds=1), 95.0, now,
                 message_id=ids["storm"], scheduled_at=at, blocks="K1,K2,KS")  # fmt: skip
    # outside the month, and a claim not started: none of them counts
    for moment, status in (
        (datetime(2026, 11, 30, 23, 59, tzinfo=TZ), AiringStatus.PLAYED),
        (datetime(2027, 1, 1, 0, 0, tzinfo=TZ), AiringStatus.PLAYED),
        (datetime(2026, 12, 31, 17, 0, tzinfo=TZ), AiringStatus.CLAIMED),
    ):
        write_airing(asrun, f"edge/{moment.isoformat()}", status, moment, 60.0, now,
                     message_id=ids["reform"], slot_code="sang", occurrence_date=moment.date(),
                     scheduled_at=moment, blocks="K1")  # fmt: skip
    clock.set(REPORT_TIME)
    return Month(st, ids, request_id)


@pytest.fixture
def month(station, clock) -> Month:
    return build_month(station, clock)
