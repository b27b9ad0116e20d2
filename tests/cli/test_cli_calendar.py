"""``loa calendar`` and the calendar in ``loa schedule``/``slot add``, on SQLite and PostgreSQL.

The clock is moved to 10/03/2026 05:00 (Hà Nội) so the dates below are in the future;
Tết comes from the lunar library, never typed in.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import lunar_vn
import pytest
import time_machine

from cli_checks import one_error_line

T0 = datetime(2026, 3, 9, 22, 0, tzinfo=UTC)  # 10/03/2026 05:00 in Hà Nội, a Tuesday


def tet(year: int) -> date:
    return lunar_vn.lunar_to_solar(lunar_vn.LunarDate(1, 1, year))


def vn(day: date) -> str:
    return f"{day:%d/%m/%Y}"


@pytest.fixture
def town(loa):
    with time_machine.travel(T0, tick=True):
        assert loa("block", "add", "K1", "Khối 1", "--zone", "1").exit_code == 0
        assert loa("slot", "add", "sang", "06:00", "06:30", "--name", "Buổi sáng").exit_code == 0
        assert loa("slot", "add", "chieu", "17:00", "17:15", "--days", "weekdays").exit_code == 0
        yield loa


def ok(result) -> str:
    assert result.exit_code == 0, result.stderr
    return result.stdout


def add_message(loa, slots: str, priority: str = "normal", title: str = "Họp tổ") -> int:
    out = ok(
        loa(
            "msg", "add", "--title", title, "--text", "Họp tổ dân phố lúc 19 giờ.",
            "--blocks", "K1", "--slots", slots, "--priority", priority,
        )
    )  # fmt: skip
    mid = int(out.strip())
    ok(loa("msg", "approve", str(mid)))
    return mid


def edit_config(loa, *changes: tuple[str, str]) -> None:
    """Change the station's loa.toml as an officer would, in an editor."""
    path = loa.home / "loa.toml"
    text = path.read_text(encoding="utf-8")
    for old, new in changes:
        assert old in text
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")


def test_holidays_of_a_year_with_their_lunar_dates(town):
    day = tet(2027)
    lines = ok(town("calendar", "holidays", "--year", "2027")).splitlines()
    assert lines[0].split() == ["date", "day", "holiday", "lunar", "date"]
    row = next(line for line in lines if line.startswith(vn(day)))
    assert "Lunar New Year" in row and row.endswith("day 1 of Tết")
    labour = next(line for line in lines if "International Labor Day" in line)
    assert labour.startswith("01/05/2027") and "lunar" not in labour  # a solar holiday
    assert lines[-1] == 'only emergencies air on these days ([calendar] on_holidays = "quiet")'
    data = json.loads(ok(town("calendar", "holidays", "--year", "2027", "--json")))
    assert data["year"] == 2027 and data["on_holidays"] == "quiet"
    first = next(h for h in data["holidays"] if h["date"] == day.isoformat())
    assert first == {
        "date": day.isoformat(),
        "name": "Tết Nguyên Đán",
        "name_en": "Lunar New Year",
        "lunar": {"day": 1, "month": 1, "year": 2027, "leap": False},
    }
    hung_kings = next(h for h in data["holidays"] if "Hung Kings" in h["name_en"])
    assert hung_kings["lunar"]["day"] == 10 and hung_kings["lunar"]["month"] == 3
    assert next(h for h in data["holidays"] if h["date"] == "2027-05-01")["lunar"] is None


def test_holidays_default_to_this_year_and_speak_vietnamese(town):
    lines = ok(town("--lang", "vi", "calendar", "holidays")).splitlines()
    row = next(line for line in lines if line.startswith(vn(tet(2026))))
    assert "Tết Nguyên Đán" in row
    assert any("Giỗ Tổ Hùng Vương" in line for line in lines)


def test_quiet_range_listed_and_removed(town):
    out = ok(town("calendar", "off", "2026-04-06", "--until", "12/04/2026", "--reason", "Sửa máy"))
    assert (
        out
        == "calendar entry 1: no programme from 06/04/2026 to 12/04/2026 in all slots (Sửa máy)\n"
    )
    out = ok(town("calendar", "off", "2026-03-20", "--slots", "chieu"))
    assert out == "calendar entry 2: no programme from 20/03/2026 to 20/03/2026 in chieu\n"
    lines = ok(town("calendar", "list")).splitlines()
    assert lines[0].split() == ["id", "kind", "from", "until", "slots", "note"]
    assert lines[2].split() == ["2", "quiet", "20/03/2026", "20/03/2026", "chieu"]
    assert lines[3].split() == ["1", "quiet", "06/04/2026", "12/04/2026", "all", "Sửa", "máy"]
    assert json.loads(ok(town("calendar", "list", "--from", "2026-04-01", "--json"))) == [
        {
            "id": 1,
            "kind": "off",
            "from": "2026-04-06",
            "until": "2026-04-12",
            "slots": [],
            "reason": "Sửa máy",
        }
    ]
    assert json.loads(ok(town("calendar", "list", "--days", "5", "--json"))) == []
    assert ok(town("calendar", "remove", "1")) == "removed calendar entry 1\n"
    assert [e["id"] for e in json.loads(ok(town("calendar", "list", "--json")))] == [2]
    ok(town("calendar", "remove", "2"))
    assert ok(town("calendar", "list")).startswith("no calendar entries: add one with")


def test_schedule_shows_quiet_days_and_airs_emergencies_only(town):
    normal = add_message(town, "sang,chieu")
    urgent = add_message(town, "sang", "emergency", "Bão số 4")
    ok(town("calendar", "off", "2026-03-11", "--reason", "Quốc tang"))
    ok(town("calendar", "off", "2026-03-12", "--slots", "chieu"))
    out = ok(town("schedule", "--date", "2026-03-11", "--days", "2"))
    blocks = out.split("\n\n")
    assert blocks[0].splitlines()[0] == (
        "Wednesday, 11/03/2026  sang (Buổi sáng)  06:00-06:30  (Quốc tang — no broadcast)"
    )
    assert [line.split()[1] for line in blocks[0].splitlines()[3:]] == [str(urgent)]
    assert blocks[1] == "Wednesday, 11/03/2026  chieu  17:00-17:15  (Quốc tang — no broadcast)"
    assert [line.split()[1] for line in blocks[2].splitlines()[3:]] == [str(urgent), str(normal)]
    assert blocks[3].rstrip() == (
        "Thursday, 12/03/2026  chieu  17:00-17:15  (quiet day — no broadcast)"
    )
    data = json.loads(ok(town("schedule", "--date", "2026-03-11", "--json")))
    first = data["programmes"][0]
    assert first["quiet"] == {"kind": "off", "reason": "Quốc tang"}
    assert first["holiday"] is None and first["one_off"] is False
    assert [i["message_id"] for i in first["items"]] == [urgent]


def test_schedule_on_tet(town):
    day = tet(2027)
    add_message(town, "sang")
    urgent = add_message(town, "sang", "emergency", "Bão")
    out = ok(town("schedule", "--date", day.isoformat()))
    head = out.splitlines()[0]
    assert head == (
        f"Saturday, {vn(day)}, day 1 of Tết  sang (Buổi sáng)  06:00-06:30  "
        "(Tết Nguyên Đán — no broadcast)"
    )
    data = json.loads(ok(town("schedule", "--date", day.isoformat(), "--json")))
    sang = data["programmes"][0]
    assert sang["quiet"] == {"kind": "holiday", "reason": "Tết Nguyên Đán"}
    assert sang["holiday"]["lunar"] == {"day": 1, "month": 1, "year": 2027, "leap": False}
    assert [i["message_id"] for i in sang["items"]] == [urgent]


def test_on_holidays_normal_keeps_the_programme(town):
    edit_config(town, ('on_holidays = "quiet"', 'on_holidays = "normal"'))
    day = tet(2027)
    normal = add_message(town, "sang")
    out = ok(town("schedule", "--date", day.isoformat()))
    assert out.splitlines()[0].endswith("06:00-06:30  (Tết Nguyên Đán)")
    assert out.splitlines()[3].split()[1] == str(normal)
    assert ok(town("calendar", "holidays", "--year", "2027")).splitlines()[-1] == (
        'the usual programme airs on these days ([calendar] on_holidays = "normal")'
    )


def test_extra_session_in_msg_add_schedule_and_remove(town):
    out = ok(
        town("calendar", "extra", "2026-05-23", "bau-cu", "15:00", "15:30", "--name", "Bầu cử")
    )
    assert out == "calendar entry 1: session bau-cu on 23/05/2026 15:00-15:30\n"
    mid = add_message(town, "bau-cu")
    blocks = ok(town("schedule", "--date", "2026-05-23")).split("\n\n")
    assert blocks[1].splitlines()[0] == (
        "Saturday, 23/05/2026  bau-cu (Bầu cử)  15:00-15:30  (one-off session)"
    )
    assert blocks[1].splitlines()[3].split()[1] == str(mid)
    assert "bau-cu" not in ok(town("schedule", "--date", "2026-05-22", "--days", "1"))
    assert "bau-cu" not in ok(town("slot", "list"))  # a session, not a daily slot
    listed = json.loads(ok(town("msg", "list", "--json")))
    assert listed[0]["slots"] == ["bau-cu"]
    assert json.loads(ok(town("calendar", "list", "--json"))) == [
        {
            "id": 1,
            "kind": "extra",
            "from": "2026-05-23",
            "until": "2026-05-23",
            "code": "bau-cu",
            "name": "Bầu cử",
            "start": "15:00:00",
            "end": "15:30:00",
        }
    ]
    assert "is used by message " + str(mid) in one_error_line(town("calendar", "remove", "1"))
    assert "one-off session: remove it with `loa calendar remove ID`" in one_error_line(
        town("slot", "remove", "bau-cu")
    )
    ok(town("msg", "cancel", str(mid)))
    assert ok(town("calendar", "remove", "1")) == "removed calendar entry 1\n"
    assert "no slot bau-cu" in one_error_line(
        town("msg", "add", "--title", "T", "--text", "x", "--blocks", "K1", "--slots", "bau-cu")
    )


OFF = ("calendar", "off")
EXTRA = ("calendar", "extra", "2026-03-20")  # a Friday


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((*OFF, "2026-03-20", "--until", "2026-03-10"), "--until 10/03/2026 is before 20/03/2026"),
        ((*OFF, "2026-03-01"), "01/03/2026 is already past"),
        ((*OFF, "2026-03-20", "--slots", "toi"), "no slot toi"),
        ((*EXTRA, "x", "06:15", "06:45"), "overlaps sang (06:00-06:30, daily)"),
        ((*EXTRA, "x", "16:00", "17:05"), "overlaps chieu (17:00-17:15, weekdays)"),
        ((*EXTRA, "y", "09:10", "09:20"), "overlaps ext (09:00-09:30, 20/03/2026)"),
        ((*EXTRA, "sang", "08:00", "08:30"), "slot or session sang already exists"),
        ((*EXTRA, "x", "25:00", "26:00"), "'25:00' is not a time of day"),
        ((*EXTRA, "x", "09:00", "08:00"), "ends at 08:00 before it starts at 09:00"),
        ((*EXTRA, "x y", "08:00", "08:30"), "session code 'x y' is not valid"),
        (("calendar", "extra", "2026-03-01", "x", "08:00", "08:30"), "01/03/2026 is already past"),
        (("calendar", "extra", "2026-03-10", "x", "04:00", "04:30"), "would end at 04:30 today"),
        (("calendar", "remove", "99"), "no calendar entry 99"),
        (("slot", "add", "x", "09:15", "09:45", "--days", "fri"), "overlaps slot ext (09:00-09:30"),
    ],
)
def test_bad_input_gets_one_clear_line(town, args, message):
    ok(town("calendar", "extra", "2026-03-20", "ext", "09:00", "09:30"))
    before = [
        ok(town(*cmd)) for cmd in (("calendar", "list", "--json"), ("slot", "list", "--json"))
    ]
    assert message in one_error_line(town(*args))
    after = [ok(town(*cmd)) for cmd in (("calendar", "list", "--json"), ("slot", "list", "--json"))]
    assert after == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("calendar", "off", "31/02/2026"), "'31/02/2026' is not a date"),
        (("calendar", "off", "2026-03-20", "--until", "someday"), "'someday' is not a date"),
        (("calendar", "extra", "2026-13-01", "x", "08:00", "08:30"), "is not a date"),
        (("calendar", "extra", "2026-03-20", "x", "08:00"), "Missing argument 'END'"),
        (("calendar", "remove", "abc"), "'abc' is not a valid integer"),
        (("calendar", "list", "--days", "0"), "0 is not in the range"),
        (("calendar", "holidays", "--year", "1800"), "1800 is not in the range"),
    ],
)
def test_bad_usage_exits_2(town, args, message):
    result = town(*args)
    assert result.exit_code == 2, result.stderr
    assert message in result.stderr


def test_policy_warnings_in_one_line_each(town):
    edit_config(
        town,
        ("# max_sessions_per_day = 2", "max_sessions_per_day = 2"),
        ("# max_minutes_per_session = 15", "max_minutes_per_session = 15"),
        ('# broadcast_weekdays = "mon-fri"', 'broadcast_weekdays = "mon-fri"'),
    )
    result = town("slot", "add", "toi", "19:00", "19:30")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "warning: toi lasts 30 minutes; [policy] max_minutes_per_session = 15",
        "warning: toi runs on Sat, Sun; [policy] broadcast_weekdays = mon-fri",
        "warning: with toi, up to 3 sessions a day; [policy] max_sessions_per_day = 2",
    ]
    result = town("calendar", "extra", "2026-03-21", "bau-cu", "15:00", "15:10")  # a Saturday
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "warning: bau-cu runs on Sat; [policy] broadcast_weekdays = mon-fri",
        "warning: with bau-cu, 3 sessions on 21/03/2026; [policy] max_sessions_per_day = 2",
    ]
    add_message(town, "sang,toi,chieu,bau-cu")
    add_message(town, "sang", "emergency", "Bão")  # never held to a rule
    result = town("schedule", "--date", "2026-03-16", "--days", "7")  # Monday to Sunday
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "warning: [policy] max_sessions_per_day = 2: more sessions on 6 days, "
        "first 16/03/2026 (3 sessions)",
        "warning: [policy] broadcast_weekdays = mon-fri: 5 sessions on other days, "
        "first sang on 21/03/2026",
    ]
    data = json.loads(ok(town("schedule", "--date", "2026-03-21", "--json")))
    assert data["warnings"][0] == {
        "rule": "broadcast_weekdays",
        "date": "2026-03-21",
        "slot": "sang",
        "value": "sat",
        "limit": ["mon", "tue", "wed", "thu", "fri"],
    }


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("max_sessions_per_day = 0", "[policy] max_sessions_per_day: must be from 1 to 48, not 0"),
        ('max_minutes_per_session = "15"',
         '[policy] max_minutes_per_session: must be a number, not "15"'),
        ('broadcast_weekdays = "mon-fryday"', "[policy] broadcast_weekdays: unknown day 'fryday'"),
    ],
)  # fmt: skip
def test_a_bad_rule_is_refused_before_anything_is_written(town, setting, message):
    edit_config(town, ("[policy]", f"[policy]\n{setting}"))
    assert message in one_error_line(town("slot", "add", "toi", "19:00", "19:30"))
    assert message in one_error_line(town("calendar", "extra", "2026-03-21", "x", "15:00", "15:10"))
    assert message in one_error_line(town("schedule"))
    edit_config(town, (f"[policy]\n{setting}", "[policy]"))  # the officer mends the file
    assert [s["code"] for s in json.loads(ok(town("slot", "list", "--json")))] == ["sang", "chieu"]
    assert json.loads(ok(town("calendar", "list", "--json"))) == []


def test_a_bad_on_holidays_is_one_clear_line(town):
    edit_config(town, ('on_holidays = "quiet"', 'on_holidays = "silent"'))
    assert '[calendar] on_holidays: must be one of quiet | normal, not "silent"' in one_error_line(
        town("schedule")
    )
