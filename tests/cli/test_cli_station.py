"""The officer's command line, through click's CliRunner, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest

from cli_checks import one_error_line


@pytest.fixture
def town(loa):
    """Two blocks, two slots."""
    assert loa("block", "add", "K1", "Khối 1", "--zone", "1").exit_code == 0
    assert loa("block", "add", "K2", "Khối 2", "--zone", "2").exit_code == 0
    assert loa("block", "add", "K3", "Thôn Khe Sanh").exit_code == 0
    assert loa("slot", "add", "sang", "06:00", "06:30", "--name", "Buổi sáng").exit_code == 0
    assert loa("slot", "add", "chieu", "17:00", "17:15", "--days", "weekdays").exit_code == 0
    return loa


def add(loa, *extra, text="Thông báo họp tổ dân phố lúc 19 giờ.", title="Họp tổ"):
    result = loa("msg", "add", "--title", title, "--text", text, *extra)
    assert result.exit_code == 0, result.stderr
    return int(result.stdout.strip())


def shown_render(loa, mid):
    return json.loads(loa("msg", "show", str(mid), "--json").stdout)["render"]


def test_blocks_and_slots(town):
    out = town("block", "list").stdout
    assert out.splitlines()[0].split() == ["code", "name", "zone"]
    assert "Thôn Khe Sanh" in out
    data = json.loads(town("slot", "list", "--json").stdout)
    assert [(s["code"], s["start"], s["end"], s["days"]) for s in data] == [
        ("sang", "06:00:00", "06:30:00", "daily"),
        ("chieu", "17:00:00", "17:15:00", "weekdays"),
    ]
    assert town("slot", "remove", "chieu").stdout == "removed slot chieu\n"
    assert town("block", "remove", "K3").exit_code == 0
    assert [b["code"] for b in json.loads(town("block", "list", "--json").stdout)] == ["K1", "K2"]


def msg_add(*extra: str, text="x", blocks="K1", slots="sang") -> tuple[str, ...]:
    """``msg add`` arguments for a valid draft, changed by the keywords, then ``extra``."""
    content = ("--title", "T", "--text", text, "--blocks", blocks, "--slots", slots)
    return ("msg", "add", *content, *extra)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("slot", "add", "x", "25:00", "26:00"), "'25:00' is not a time of day"),
        (("slot", "add", "x", "07:00", "06:00"), "ends at 06:00 before it starts at 07:00"),
        (("slot", "add", "x", "06:15", "06:45"), "overlaps slot sang"),
        (("slot", "add", "sang", "08:00", "08:30"), "slot sang already exists"),
        (("slot", "add", "x", "08:00", "08:30", "--days", "funday"), "unknown day 'funday'"),
        (("block", "add", "K1", "Khối 1"), "block K1 already exists"),
        (("block", "add", "Khối 9", "x"), "block code 'Khối 9' is not valid"),
        (("block", "remove", "K9"), "no block K9"),
        (("slot", "remove", "toi"), "no slot toi"),
        (("msg", "show", "99"), "no message 99"),
        (("msg", "approve", "99"), "no message 99"),
        (msg_add(text="  "), "the message text is empty"),
        (msg_add(blocks="K9"), "no block K9"),
        (msg_add(slots="toi"), "no slot toi"),
        (
            msg_add("--from", "2026-03-20", "--until", "2026-03-10"),
            "--until 10/03/2026 is before --from 20/03/2026",
        ),
    ],
)
def test_bad_input_gets_one_clear_line(town, args, message):
    before = town("msg", "list", "--json").stdout, town("slot", "list", "--json").stdout
    assert message in one_error_line(town(*args))
    assert (town("msg", "list", "--json").stdout, town("slot", "list", "--json").stdout) == before


@pytest.mark.parametrize(
    "args",
    [
        ("msg", "add", "--text", "x", "--blocks", "K1", "--slots", "sang"),  # no title
        ("msg", "add", "--title", "T", "--blocks", "K1", "--slots", "sang"),  # no content
        ("msg", "add", "--title", "T", "--text", "x", "--slots", "sang"),  # no blocks
        msg_add("--priority", "urgent"),
        msg_add("--from", "10-03-2026"),
        msg_add("--text-file", "f.txt"),  # --text and --text-file
        ("msg", "approve", "abc"),
        ("schedule", "--days", "0"),
        ("nonsense",),
    ],
)
def test_bad_usage_exits_2(town, args):
    result = town(*args)
    assert result.exit_code == 2
    assert "Error:" in result.stderr
    assert "Traceback" not in result.stderr


def test_message_lifecycle(town):
    mid = add(town, "--blocks", "K1,K2", "--slots", "sang", "--priority", "uu-tien")
    shown = json.loads(town("msg", "show", str(mid), "--json").stdout)
    assert shown["status"] == "draft"
    assert shown["priority"] == "priority"
    assert shown["blocks"] == ["K1", "K2"]
    assert shown["slots"] == ["sang"]
    approved = town("msg", "approve", str(mid), "--by", "Chị Lan")
    assert approved.stdout.splitlines() == [
        f"approved message {mid}",
        f"rendered {shown_render(town, mid)['duration_s']:.1f} s of audio with espeak",
    ]
    shown = json.loads(town("msg", "show", str(mid), "--json").stdout)
    assert (shown["status"], shown["approved_by"]) == ("approved", "Chị Lan")
    # editing an approved message makes a draft version; the approved one airs on
    edited = town("msg", "edit", str(mid), "--text", "Nội dung mới.")
    assert f"message {mid} keeps airing version 1 until version 2 is approved" in edited.stdout
    shown = json.loads(town("msg", "show", str(mid), "--json").stdout)
    assert (shown["status"], shown["version"], shown["approved_version"]) == ("draft", 2, 1)
    # rejecting the edit keeps version 1 on air; rejecting again takes it off
    rejected = town("msg", "reject", str(mid), "--reason", "Sai ngày")
    assert rejected.stdout.splitlines() == [
        f"rejected message {mid}",
        f"version 2 of message {mid} is rejected; version 1 airs on",
    ]
    shown = json.loads(town("msg", "show", str(mid), "--json").stdout)
    back = ("approved", 1, "Thông báo họp tổ dân phố lúc 19 giờ.")
    assert (shown["status"], shown["version"], shown["text"]) == back
    assert town("msg", "reject", str(mid), "--reason", "Hết hạn").exit_code == 0
    assert json.loads(town("msg", "show", str(mid), "--json").stdout)["status"] == "rejected"
    assert town("msg", "cancel", str(mid)).exit_code == 0
    result = town("msg", "approve", str(mid))
    assert result.exit_code == 1
    assert result.stderr == f"loa: error: message {mid} is cancelled; it cannot be approved\n"
    listed = json.loads(town("msg", "list", "--status", "cancelled", "--json").stdout)
    assert [m["id"] for m in listed] == [mid]


def test_add_json_and_all_blocks(town):
    result = town(
        "msg",
        "add",
        "--title",
        "Bão số 4",
        "--text",
        "Thông báo khẩn.",
        "--blocks",
        "all",
        "--slots",
        "sang,chieu",
        "--priority",
        "khan-cap",
        "--json",
    )
    data = json.loads(result.stdout)
    assert {"id", "status", "priority", "blocks", "slots"} <= data.keys()
    assert data["blocks"] == ["K1", "K2", "K3"]
    assert data["priority"] == "emergency"
    # a block added later is reached too
    town("block", "add", "K4", "Khối 4")
    assert json.loads(town("msg", "show", str(data["id"]), "--json").stdout)["blocks"][-1] == "K4"


def test_text_is_nfc(town):
    decomposed = "Kho\u0302\u0301i 1 ho\u0323p"  # "Khối 1 họp" typed with combining marks
    mid = add(town, "--blocks", "K1", "--slots", "sang", text=decomposed, title=decomposed)
    shown = json.loads(town("msg", "show", str(mid), "--json").stdout)
    assert shown["text"] == "Khối 1 họp"
    assert shown["title"] == "Khối 1 họp"


def test_text_file_missing_or_not_utf8(town, tmp_path):
    bad = tmp_path / "cp1258.txt"
    bad.write_bytes("Thông báo".encode("cp1258"))
    common = ("--title", "T", "--blocks", "K1", "--slots", "sang")
    result = town("msg", "add", *common, "--text-file", str(bad))
    assert result.exit_code == 1
    assert "is not UTF-8" in result.stderr
    result = town("msg", "add", *common, "--text-file", str(tmp_path / "nope.txt"))
    assert result.exit_code == 1
    assert "does not exist" in result.stderr
    good = tmp_path / "tb.txt"
    good.write_text("Thông báo lịch tiêm chủng.", encoding="utf-8")
    assert town("msg", "add", *common, "--text-file", str(good)).exit_code == 0


def test_audio_missing_or_not_audio(town, tmp_path):
    common = ("--title", "T", "--blocks", "K1", "--slots", "sang")
    result = town("msg", "add", *common, "--audio", str(tmp_path / "nope.mp3"))
    assert (result.exit_code, "does not exist" in result.stderr) == (1, True)
    fake = tmp_path / "notes.mp3"
    fake.write_text("this is not audio")
    result = town("msg", "add", *common, "--audio", str(fake))
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert town("msg", "list", "--json").stdout.strip() == "[]"


def test_schedule_json_shape(town):
    a = add(town, "--blocks", "K1,K2", "--slots", "sang", title="Họp tổ")
    b = add(town, "--blocks", "all", "--slots", "sang", "--priority", "emergency", title="Bão")
    add(town, "--blocks", "K1", "--slots", "sang", title="Nháp")  # a draft never airs
    town("msg", "approve", str(a))
    town("msg", "approve", str(b))
    out = json.loads(town("schedule", "--date", "2026-03-10", "--days", "2", "--json").stdout)
    assert out["timezone"] == "Asia/Ho_Chi_Minh"
    first = out["programmes"][0]
    assert (first["date"], first["slot"]) == ("2026-03-10", "sang")
    assert first["start"] == "2026-03-10T06:00:00+07:00"
    assert first["end"] == "2026-03-10T06:30:00+07:00"
    assert [i["message_id"] for i in first["items"]] == [b, a]
    item = first["items"][0]
    assert item["priority"] == "emergency"
    assert item["blocks"] == ["K1", "K2", "K3"]
    assert item["start"] == "2026-03-10T06:00:00+07:00"
    # approval rendered the audio: its real duration replaces the estimate
    assert item["estimated"] is False
    assert item["duration_s"] == round(shown_render(town, b)["duration_s"], 1)
    assert first["overflow"] == []
    # 10/03/2026 is a Tuesday: chieu (weekdays) runs both days
    assert [(p["date"], p["slot"]) for p in out["programmes"]] == [
        ("2026-03-10", "sang"),
        ("2026-03-10", "chieu"),
        ("2026-03-11", "sang"),
        ("2026-03-11", "chieu"),
    ]


def test_schedule_table_and_overflow(town):
    assert town("slot", "add", "toi", "20:00", "20:00:20", "--name", "Buổi tối").exit_code == 0
    long_text = "Tuyên truyền cải cách hành chính năm hai nghìn không trăm hai mươi hai. " * 3
    a = add(town, "--blocks", "K1", "--slots", "toi", text=long_text, title="Tuyên truyền CCHC")
    b = add(town, "--blocks", "K2", "--slots", "toi", title="Lịch cắt điện")
    for mid in (b, a):  # b approved first: a is the one that no longer fits
        town("msg", "approve", str(mid))
    out = town("schedule", "--date", "10/03/2026").stdout
    assert "Tuesday, 10/03/2026  toi (Buổi tối)  20:00-20:00:20" in out  # seconds that matter
    assert "overflow: 1 message does not fit this slot" in out
    lines = out.splitlines()
    overflow_at = next(i for i, line in enumerate(lines) if "overflow" in line)
    assert "Tuyên truyền CCHC" in "\n".join(lines[overflow_at:])
    assert "20:00:00" in next(line for line in lines if "Lịch cắt điện" in line)


def test_message_list_table(town):
    a = add(town, "--blocks", "K1,K2", "--slots", "chieu,sang", "--from", "10/03/2026")
    long_title = "Kế hoạch tuyên truyền cải cách hành chính năm 2026 của Ủy ban nhân dân"
    b = add(town, "--blocks", "all", "--slots", "sang", "--priority", "khan-cap", title=long_title)
    town("msg", "approve", str(b))
    assert town("msg", "list").stdout.splitlines() == [
        "id  status    priority   title                                             "
        "blocks  slots       from        until",
        "--  --------  ---------  ------------------------------------------------  "
        "------  ----------  ----------  -----",
        f"{a}   draft     normal     Họp tổ                                            "
        "K1,K2   sang,chieu  10/03/2026  -",
        f"{b}   approved  emergency  Kế hoạch tuyên truyền cải cách hành chính năm 2…  "
        "all     sang        -           -",
    ]
    assert town("msg", "list", "--status", "approved").stdout.splitlines()[2].startswith(f"{b} ")
    assert town("msg", "list", "--status", "expired").stdout == "no messages with status expired\n"


def test_schedule_table_shortens_a_long_block_list(town):
    for n in range(4, 13):
        assert town("block", "add", f"K{n}", f"Khối {n}").exit_code == 0
    mid = add(town, "--blocks", "all", "--slots", "sang", title="Bão số 4")
    town("msg", "approve", str(mid))
    out = town("schedule", "--date", "2026-03-10").stdout
    row = next(line for line in out.splitlines() if "Bão số 4" in line)
    assert "K1,K10,K11,K12,K2,K3,K4,K5,K6…  Bão số 4" in row
    blocks = json.loads(town("schedule", "--date", "2026-03-10", "--json").stdout)
    assert len(blocks["programmes"][0]["items"][0]["blocks"]) == 12  # JSON has them all
