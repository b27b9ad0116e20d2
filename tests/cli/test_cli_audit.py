"""Who did what, from the command line, on SQLite and PostgreSQL: every command that
changes the station leaves exactly one audit row with the changed fields; approvers;
``loa audit`` and its filters; ``msg show --versions``; ``loa log --json``.

The clock is moved to 10/03/2026 05:00 (Hà Nội) so the dates below are in the future.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import time_machine

from cli_checks import one_error_line
from loabroadcast.store import schema

T0 = datetime(2026, 3, 9, 22, 0, tzinfo=UTC)  # 10/03/2026 05:00 in Hà Nội, a Tuesday
TEXT = "Họp tổ dân phố lúc 19 giờ."


def ok(result) -> str:
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.fixture
def town(loa):
    """Blocks K1, K2; slots sang (used), trua (unused); message 1 a draft, message 2
    approved by Chủ tịch; calendar entry 1 (a quiet day); HTX in the dictionary."""
    with time_machine.travel(T0, tick=True):
        ok(loa("block", "add", "K1", "Khối 1", "--zone", "1"))
        ok(loa("block", "add", "K2", "Khối 2", "--zone", "2"))
        ok(loa("slot", "add", "sang", "06:00", "06:30"))
        ok(loa("slot", "add", "trua", "11:00", "11:15", "--days", "weekdays"))
        for title in ("Họp tổ", "Tiêm chủng"):
            ok(loa("msg", "add", "--title", title, "--text", TEXT, "--blocks", "K1"
                   , "--slots", "sang", "--by", "Chị Lan"))  # fmt: skip
        ok(loa("msg", "approve", "2", "--by", "Chủ tịch"))
        ok(loa("calendar", "off", "2026-03-20", "--reason", "Sửa máy"))
        ok(loa("dict", "add", "HTX", "hợp tác xã"))
        yield loa


def trail(loa, *args: str) -> list[dict]:
    return json.loads(ok(loa("audit", "--json", *args)))


# (command, object, before, after): the changed fields only
CASES = [
    (
        ("block", "add", "K3", "Khối 3", "--zone", "3"),
        "block:K3",
        None,
        {"name": "Khối 3", "zone": 3},
    ),
    (("block", "remove", "K2"), "block:K2", {"name": "Khối 2", "zone": 2}, None),
    (
        ("slot", "add", "toi", "19:00", "19:30", "--name", "Buổi tối"),
        "slot:toi",
        None,
        {"name": "Buổi tối", "start": "19:00:00", "end": "19:30:00", "days": "daily"},
    ),
    (
        ("slot", "remove", "trua"),
        "slot:trua",
        {"start": "11:00:00", "end": "11:15:00", "days": "weekdays"},
        None,
    ),
    (
        (
            "msg",
            "add",
            "--title",
            "Bão",
            "--text",
            "Bão số 4.",
            "--blocks",
            "all",
            "--slots",
            "sang",
            "--priority",
            "khan-cap",
            "--until",
            "2026-03-12",
        ),
        "msg:3",
        None,
        {
            "title": "Bão",
            "text": "Bão số 4.",
            "blocks": "all",
            "slots": ["sang"],
            "valid_until": "2026-03-12",
            "priority": "emergency",
            "repeat": 1,
            "status": "draft",
            "version": 1,
        },
    ),  # fmt: skip
    (
        ("msg", "edit", "1", "--title", "Họp tổ (sửa)", "--blocks", "K1,K2"),
        "msg:1",
        {"title": "Họp tổ", "blocks": ["K1"], "version": 1},
        {"title": "Họp tổ (sửa)", "blocks": ["K1", "K2"], "version": 2},
    ),
    (
        ("msg", "edit", "2", "--text", "Họp lúc 20 giờ."),
        "msg:2",
        {"text": TEXT, "status": "approved", "version": 1},
        {"text": "Họp lúc 20 giờ.", "status": "draft", "version": 2},
    ),
    (
        ("msg", "approve", "1", "--by", "Chị Lan"),
        "msg:1",
        {"status": "draft", "approved_version": None, "approved_by": None},
        {"status": "approved", "approved_version": 1, "approved_by": "Chị Lan"},
    ),
    (
        ("msg", "reject", "1", "--reason", "Sai ngày"),
        "msg:1",
        {"status": "draft", "rejected": None},
        {"status": "rejected", "rejected": "Sai ngày"},
    ),
    (
        ("msg", "reject", "2", "--reason", "Hết hạn"),
        "msg:2",
        {"status": "approved", "approved_version": 1, "approved_by": "Chủ tịch", "rejected": None},
        {
            "status": "rejected",
            "approved_version": None,
            "approved_by": None,
            "rejected": "Hết hạn",
        },
    ),  # fmt: skip
    (("msg", "cancel", "2"), "msg:2", {"status": "approved"}, {"status": "cancelled"}),
    (
        ("play-now", "2", "--blocks", "K2"),
        "msg:2",
        {"play_request": None, "play_version": None, "play_blocks": None},
        {"play_request": 1, "play_version": 1, "play_blocks": ["K2"]},
    ),
    (
        ("play-now", "1", "--approve", "--by", "Chủ tịch"),
        "msg:1",
        {
            "status": "draft",
            "approved_version": None,
            "approved_by": None,
            "play_request": None,
            "play_version": None,
            "play_blocks": None,
        },
        {
            "status": "approved",
            "approved_version": 1,
            "approved_by": "Chủ tịch",
            "play_request": 1,
            "play_version": 1,
            "play_blocks": "message",
        },
    ),  # fmt: skip
    (
        ("calendar", "off", "2026-03-12", "--until", "2026-03-13", "--slots", "sang"),
        "calendar:2",
        None,
        {"kind": "off", "from": "2026-03-12", "until": "2026-03-13", "slots": ["sang"]},
    ),
    (
        ("calendar", "extra", "2026-03-14", "bau-cu", "15:00", "15:30", "--name", "Bầu cử"),
        "calendar:2",
        None,
        {
            "kind": "extra",
            "day": "2026-03-14",
            "code": "bau-cu",
            "start": "15:00:00",
            "end": "15:30:00",
            "name": "Bầu cử",
        },
    ),  # fmt: skip
    (
        ("calendar", "remove", "1"),
        "calendar:1",
        {
            "kind": "off",
            "from": "2026-03-20",
            "until": "2026-03-20",
            "slots": "all",
            "reason": "Sửa máy",
        },
        None,
    ),  # fmt: skip
    (("dict", "add", "KS", "Khe Sanh"), "dict:KS", None, {"expansion": "Khe Sanh"}),
    (
        ("dict", "add", "HTX", "hợp tác xã dịch vụ"),
        "dict:HTX",
        {"expansion": "hợp tác xã"},
        {"expansion": "hợp tác xã dịch vụ"},
    ),
    (("dict", "remove", "HTX"), "dict:HTX", {"expansion": "hợp tác xã"}, None),
]


@pytest.mark.parametrize(("args", "obj", "before", "after"), CASES, ids=lambda a: " ".join(a)
                         if isinstance(a, tuple) else None)  # fmt: skip
def test_every_writing_command_leaves_one_audit_row(town, args, obj, before, after):
    with time_machine.travel(T0, tick=True):
        earlier = trail(town)
        ok(town(*args, *(() if "--by" in args else ("--by", "Anh Tuấn"))))
        rows = trail(town)
    assert rows[: len(earlier)] == earlier  # nothing before it changed
    [row] = rows[len(earlier) :]
    assert (row["object"], row["before"], row["after"]) == (obj, before, after)
    given = args[args.index("--by") + 1] if "--by" in args else "Anh Tuấn"
    assert row["actor"] == given
    assert row["command"] == " ".join(a for a in args[:2] if not a[0].isdigit())
    assert datetime.fromisoformat(row["at"]).utcoffset().total_seconds() == 7 * 3600


def test_without_by_the_computer_user_acts(town):
    import getpass

    with time_machine.travel(T0, tick=True):
        ok(town("block", "add", "K9", "Khối 9"))
    [row] = trail(town, "--object", "block:K9")
    assert (row["actor"], row["command"]) == (getpass.getuser(), "block add")


def test_a_refused_or_empty_change_leaves_no_row(town):
    with time_machine.travel(T0, tick=True):
        earlier = trail(town)
        assert town("block", "add", "K1", "again").exit_code == 1  # exists
        assert town("msg", "approve", "2").stdout.endswith("is already approved\n")
        out = ok(town("msg", "edit", "1", "--title", "Họp tổ"))  # the same title
        assert "nothing changed in message 1" in out
        bad = town("msg", "edit", "1", "--until", "2026-03-01", "--from", "2026-03-05")
        assert bad.exit_code == 1
        ok(town("init"))  # up to date: nothing to record
        assert town("block", "add", "K8", "x", "--by", " ").exit_code == 1
    assert trail(town) == earlier
    assert json.loads(ok(town("msg", "show", "1", "--json")))["version"] == 1


def test_init_records_a_migration_and_a_new_config(town):
    rows = trail(town, "--object", "station:schema")
    assert [(r["command"], r["before"], r["after"]["schema"]) for r in rows] == [
        ("init", None, schema.HEAD)
    ]
    assert rows[0]["after"]["config"].endswith("loa.toml")


def test_a_render_replacing_approved_audio_leaves_a_row(town):
    """The same audio again changes nothing; other audio (here read faster) is recorded."""
    with time_machine.travel(T0, tick=True):
        shown = json.loads(ok(town("msg", "show", "2", "--json")))
        first = shown["render"]["sha256"]
        earlier = trail(town)
        ok(town("render", "2", "--force"))
        assert trail(town) == earlier  # espeak reads the same bytes
        config = town.home / "loa.toml"
        text = config.read_text(encoding="utf-8")
        config.write_text(text.replace("[speech]\n", "[speech]\nspeed = 1.4\n"), "utf-8")
        ok(town("render", "2", "--force", "--by", "Kỹ thuật"))
    [row] = trail(town)[len(earlier) :]
    assert (row["object"], row["command"], row["actor"]) == ("msg:2", "render", "Kỹ thuật")
    assert row["before"] == {"render_sha256": first}
    assert row["after"]["render_sha256"] != first
    versions = json.loads(ok(town("msg", "show", "2", "--versions", "--json")))["versions"]
    assert versions[0]["render_sha256"] == row["after"]["render_sha256"]


# -- approvers ------------------------------------------------------------------------------


@pytest.fixture
def approvers(town):
    config = town.home / "loa.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace("[roles]", '[roles]\napprovers = ["Nguyễn Văn A", "Trần Thị Bình"]'),
        encoding="utf-8",
    )
    return town


def test_approvers_only_may_approve(approvers):
    loa = approvers
    with time_machine.travel(T0, tick=True):
        line = one_error_line(loa("msg", "approve", "1"))
        assert line == (
            "loa: error: only an approver can approve: give --by NAME, one of "
            "Nguyễn Văn A, Trần Thị Bình"
        )
        line = one_error_line(loa("msg", "approve", "1", "--by", "Chị Lan"))
        assert line == (
            "loa: error: Chị Lan is not an approver ([roles] approvers: Nguyễn Văn A, "
            "Trần Thị Bình)"
        )
        line = one_error_line(loa("play-now", "1", "--approve", "--by", "Chị Lan"))
        assert "Chị Lan is not an approver" in line
        assert json.loads(ok(loa("msg", "show", "1", "--json")))["status"] == "draft"
        # any case, any Unicode form, extra spaces: recorded as the settings spell it
        decomposed = "tra\u0302\u0300n  thi\u0323 bi\u0300nh"
        ok(loa("msg", "approve", "1", "--by", decomposed))
        # an approved message plays without an approver; a draft needs one
        ok(loa("play-now", "2"))
        ok(loa("msg", "add", "--title", "Bão", "--text", "Bão.", "--blocks", "K1",
               "--slots", "sang"))  # fmt: skip
        assert one_error_line(loa("play-now", "3", "--approve")).startswith(
            "loa: error: only an approver can approve"
        )
        ok(loa("play-now", "3", "--approve", "--by", "NGUYỄN VĂN A"))
    shown = json.loads(ok(loa("msg", "show", "1", "--json")))
    assert (shown["status"], shown["approved_by"]) == ("approved", "Trần Thị Bình")
    assert json.loads(ok(loa("msg", "show", "3", "--json")))["approved_by"] == "Nguyễn Văn A"
    [approval] = [r for r in trail(loa, "--object", "msg:1") if r["command"] == "msg approve"]
    assert approval["actor"] == "Trần Thị Bình"


def test_approvers_setting_is_checked(town):
    config = town.home / "loa.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("[roles]", '[roles]\napprovers = "A"'), encoding="utf-8")
    assert "[roles] approvers: must be a list of names in quotes" in one_error_line(
        town("msg", "list")
    )


# -- loa audit ------------------------------------------------------------------------------


def test_audit_filters_by_day_and_object(town):
    with time_machine.travel(datetime(2026, 3, 11, 2, 0, tzinfo=UTC), tick=True):
        ok(town("block", "add", "K5", "Khối 5", "--by", "Hôm sau"))  # 11/03 09:00

    def trail_(*args):  # without `loa init`'s row: the fixture ran it on today's date
        return [r for r in trail(town, *args) if r["object"] != "station:schema"]

    everything = trail_()
    days = {r["at"][:10] for r in everything}
    assert days == {"2026-03-10", "2026-03-11"}
    assert trail_("--from", "2026-03-11") == [everything[-1]]
    assert trail_("--from", "11/03/2026", "--until", "11/03/2026") == [everything[-1]]
    assert trail_("--until", "2026-03-10") == everything[:-1]
    assert trail_("--from", "2026-03-12") == []
    msg2 = trail(town, "--object", "msg:2")
    assert [r["command"] for r in msg2] == ["msg add", "msg approve"]
    assert trail(town, "--object", "MSG:02") == msg2
    assert trail(town, "--object", "msg:2", "--until", "2026-03-09") == []
    human = ok(town("audit", "--object", "msg:2")).splitlines()
    assert human[0].split() == ["when", "who", "command", "object", "change"]
    assert human[2].startswith("10/03/2026 05:")
    assert "Chị Lan" in human[2] and "created: title=Tiêm chủng" in human[2]
    assert "status: draft → approved" in human[3] and "Chủ tịch" in human[3]
    assert ok(town("audit", "--object", "block:Z9")) == "nothing in the audit trail\n"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("--object", "msg12"), 2, "'msg12' is not an object: write KIND:KEY"),
        (("--object", "msg:abc"), 2, "'msg:abc' is not an object"),
        (("--object", "user:x"), 2, "'user:x' is not an object"),
        (("--object", "block:"), 2, "'block:' is not an object"),
        (("--from", "2026-13-01"), 2, "2026-13-01"),
        (
            ("--from", "2026-03-11", "--until", "2026-03-10"),
            1,
            "loa: error: --from 11/03/2026 is after --until 10/03/2026",
        ),
    ],
)
def test_audit_bad_input(town, args, code, message):
    result = town("audit", *args)
    assert result.exit_code == code
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    if code == 1:
        assert one_error_line(result) == message


def test_no_command_changes_or_removes_audit_rows(town):
    """The commands that remove things remove the thing, never its history."""
    with time_machine.travel(T0, tick=True):
        before = trail(town)
        removals = (
            ("msg", "cancel", "1"),
            ("block", "remove", "K2"),
            ("dict", "remove", "HTX"),
            ("calendar", "remove", "1"),
            ("slot", "remove", "trua"),
            ("init",),
        )
        for args in removals:
            ok(town(*args))
    after = trail(town)
    assert after[: len(before)] == before
    assert len(after) == len(before) + 5


# -- versions and the as-run log -------------------------------------------------------------


def test_msg_show_versions(town):
    with time_machine.travel(T0, tick=True):
        ok(town("msg", "edit", "2", "--text", "Họp lúc 20 giờ.", "--by", "Chị Lan"))
        shown = ok(town("msg", "show", "2"))
        assert "version      2 (draft); version 1 airs until this one is approved" in shown
        human = ok(town("msg", "show", "2", "--versions")).splitlines()
        data = json.loads(ok(town("msg", "show", "2", "--versions", "--json")))
    assert human[0].split()[:2] == ["version", "state"]
    assert human[2].split()[:3] == ["1", "approved,", "airs"]
    assert "Chủ tịch" in human[2] and "Chị Lan" in human[2]
    assert human[3].split()[:2] == ["2", "draft"]
    assert human[5:7] == ["version 1: Tiêm chủng", TEXT]
    assert human[7].startswith("approved audio: sha256 ")
    assert human[8:] == ["", "version 2: Tiêm chủng", "Họp lúc 20 giờ."]
    [v1, v2] = data["versions"]
    assert (v1["version"], v1["state"], v1["text"], v1["approved_by"]) == (
        1, "approved", TEXT, "Chủ tịch"
    )  # fmt: skip
    assert (v2["version"], v2["state"], v2["created_by"], v2["approved_by"]) == (
        2, "draft", "Chị Lan", None
    )  # fmt: skip
    assert len(v1["render_sha256"]) == 64 and v2["render_sha256"] is None
    assert one_error_line(town("msg", "show", "9", "--versions")) == "loa: error: no message 9"


def test_log_json_tells_the_version_and_who(town, settings):
    """Claims through the store's own path (AsRun.claim) as the daemon makes them."""
    from dataclasses import replace

    from loabroadcast.services import Station
    from loabroadcast.store.airings import AsRun, occurrence_key, play_now_key

    with time_machine.travel(T0, tick=True):
        request = int(ok(town("play-now", "2", "--by", "Trưởng thôn")).split()[3])
        ok(town("msg", "edit", "2", "--text", "Họp lúc 20 giờ.", "--by", "Chị Lan"))
        station = Station.open(replace(settings, home=town.home))
        asrun = AsRun(station.engine, "default", "test:1:0")
        now = station.now()
        asrun.claim(play_now_key(request, 2), now=now, message_id=2, scheduled_at=now)
        ok(town("msg", "approve", "2", "--by", "Chủ tịch"))
        key = occurrence_key("sang", now.date(), 2)
        asrun.claim(key, now=now, message_id=2, slot_code="sang", scheduled_at=now)
        station.close()
        rows = json.loads(ok(town("log", "--all", "--json")))
        human = ok(town("log", "--all")).splitlines()
    assert [(r["message_id"], r["version"], r["approved_by"], r["requested_by"]) for r in rows] == [
        (2, 1, "Chủ tịch", "Trưởng thôn"),  # the edit waited: version 1 aired
        (2, 2, "Chủ tịch", None),
    ]
    assert [r["written_by"] for r in rows] == ["Chị Lan", "Chị Lan"]
    assert human[0].split()[4:6] == ["id", "version"]
