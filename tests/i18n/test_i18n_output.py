"""What people read, in both languages: `loa schedule` and refused input as exact text,
plural forms through real messages, Vietnamese error lines and table headers, and the
errors that carry their message id and parameters from every layer to the edge."""

from __future__ import annotations

import errno
import json
import logging

import pytest
from click.testing import CliRunner

from loabroadcast.cli import cli
from loabroadcast.domain import parse
from loabroadcast.domain.errors import Invalid
from loabroadcast.errors import Conflict, InvalidInput, NotFound, os_reason
from loabroadcast.i18n import N_, NP_, Lazy, english, said, set_language
from loabroadcast.i18n.logs import PeopleFormatter


def station_in(tmp_path, sang: tuple[str, ...], toi: tuple[str, ...]):
    """``loa ARGS`` (language ``lang``) on a station: blocks K1, K2; slots ``loa slot add``
    ``sang`` and ``toi``; audio is not rendered on approval, so lengths are the planner's
    estimates and every run prints the same."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "loa.toml").write_text("[speech]\nrender_on_approve = false\n", encoding="utf-8")
    runner = CliRunner(mix_stderr=False)

    def run(*args, lang="en"):
        env = {"LOA_HOME": str(home), "LOA_LANG": lang, "LOA_TIMEZONE": "Asia/Ho_Chi_Minh"}
        return runner.invoke(cli, list(args), env=env, prog_name="loa")

    for args in (
        ("init",),
        ("block", "add", "K1", "Khối 1", "--zone", "1"),
        ("block", "add", "K2", "Khối 2"),
        ("slot", "add", *sang),
        ("slot", "add", *toi),
    ):
        assert run(*args).exit_code == 0
    return run


@pytest.fixture
def station(tmp_path):
    """Slots sang (06:00-06:30, daily, "Buổi sáng") and toi (20:00-20:00:20, weekdays)."""
    return station_in(tmp_path, ("sang", "06:00", "06:30", "--name", "Buổi sáng"),
                      ("toi", "20:00", "20:00:20", "--days", "weekdays"))  # fmt: skip


def _message(run, title, text, slots, *extra) -> int:
    result = run("msg", "add", "--title", title, "--text", text, "--blocks", "K1",
                 "--slots", slots, *extra)  # fmt: skip
    assert result.exit_code == 0, result.stderr
    mid = int(result.stdout)
    assert run("msg", "approve", str(mid)).exit_code == 0
    return mid


@pytest.fixture
def planned(station):
    _message(station, "Lịch tiêm chủng", "Tiêm chủng cho trẻ em tại trạm y tế.", "sang")
    _message(station, "Bão số 4", "Bão số 4 vào đất liền.", "sang", "--priority", "khan-cap")
    long = "Tuyên truyền cải cách hành chính năm hai nghìn không trăm hai mươi sáu. " * 3
    _message(station, "Cải cách hành chính", long, "toi")
    _message(station, "Lịch cắt điện", "Ngày mai cắt điện.", "toi")
    _message(station, "Họp tổ dân phố", "Tối nay họp tổ dân phố lúc bảy giờ.", "toi")
    return station


SCHEDULE_EN = """\
Tuesday, 10/03/2026  sang (Buổi sáng)  06:00-06:30
  time      id  priority   length  blocks  title
  --------  --  ---------  ------  ------  ---------------
  06:00:00  2   emergency  ~0:08   K1      Bão số 4
  06:00:10  1   normal     ~0:10   K1      Lịch tiêm chủng

Tuesday, 10/03/2026  toi  20:00-20:00:20
  time      id  priority  length  blocks  title
  --------  --  --------  ------  ------  --------------
  20:00:00  4   normal    ~0:08   K1      Lịch cắt điện
  20:00:09  5   normal    ~0:10   K1      Họp tổ dân phố
  overflow: 1 message does not fit this slot
  id  priority  length  title
  --  --------  ------  -------------------
  3   normal    ~0:23   Cải cách hành chính
"""

SCHEDULE_VI = """\
Thứ Ba, 10/03/2026  sang (Buổi sáng)  06:00-06:30
  giờ       số  mức độ        thời lượng  khối  tiêu đề
  --------  --  ------------  ----------  ----  ---------------
  06:00:00  2   khẩn cấp      ~0:08       K1    Bão số 4
  06:00:10  1   thông thường  ~0:10       K1    Lịch tiêm chủng

Thứ Ba, 10/03/2026  toi  20:00-20:00:20
  giờ       số  mức độ        thời lượng  khối  tiêu đề
  --------  --  ------------  ----------  ----  --------------
  20:00:00  4   thông thường  ~0:08       K1    Lịch cắt điện
  20:00:09  5   thông thường  ~0:10       K1    Họp tổ dân phố
  không xếp vừa: 1 tin không đủ chỗ trong khung giờ này
  số  mức độ        thời lượng  tiêu đề
  --  ------------  ----------  -------------------
  3   thông thường  ~0:23       Cải cách hành chính
"""


@pytest.mark.parametrize(("lang", "expected"), [("en", SCHEDULE_EN), ("vi", SCHEDULE_VI)])
def test_schedule_snapshot(planned, lang, expected):
    result = planned("schedule", "--date", "2026-03-10", lang=lang)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == expected
    assert result.stderr == ""


def test_schedule_json_stays_english(planned):
    vi = json.loads(planned("schedule", "--date", "2026-03-10", "--json", lang="vi").stdout)
    en = json.loads(planned("schedule", "--date", "2026-03-10", "--json", lang="en").stdout)
    assert vi == en
    assert vi["programmes"][0]["items"][0]["priority"] == "emergency"


REFUSED = [
    (
        ("slot", "add", "chieu", "17:00", "16:00"),
        "loa: error: slot chieu ends at 16:00 before it starts at 17:00 "
        "(a slot cannot cross midnight)",
        "loa: lỗi: khung giờ chieu kết thúc lúc 16:00, trước giờ bắt đầu 17:00 "
        "(khung giờ không được kéo qua nửa đêm)",
    ),
    (
        ("slot", "add", "dem", "25:00", "26:00"),  # refused by the domain (a ValueError)
        "loa: error: '25:00' is not a time of day: hours 0-23, minutes and seconds 0-59",
        "loa: lỗi: '25:00' không phải giờ trong ngày: giờ từ 0-23, phút và giây từ 0-59",
    ),
    (
        ("msg", "add", "--title", "T", "--text", "x", "--blocks", "K9", "--slots", "sang"),
        "loa: error: no block K9",
        "loa: lỗi: không có khối/thôn K9",
    ),
    (
        ("msg", "approve", "99"),
        "loa: error: no message 99",
        "loa: lỗi: không có tin số 99",
    ),
    (
        ("slot", "add", "sang2", "06:10", "06:20"),
        "loa: error: slot sang2 (06:10-06:20) overlaps slot sang (06:00-06:30, daily)",
        "loa: lỗi: khung giờ sang2 (06:10-06:20) trùng giờ với khung giờ sang "
        "(06:00-06:30, hằng ngày)",
    ),
]


@pytest.mark.parametrize(("args", "en", "vi"), REFUSED, ids=lambda a: " ".join(a)[:30])
def test_a_refused_input_in_both_languages(station, args, en, vi):
    for lang, expected in (("en", en), ("vi", vi)):
        result = station(*args, lang=lang)
        assert result.exit_code == 1
        assert result.stdout == ""
        assert result.stderr == expected + "\n"


def test_a_refused_cancelled_message_names_its_status_in_the_readers_words(station):
    mid = _message(station, "Họp", "Họp tổ.", "sang")
    assert station("msg", "cancel", str(mid)).exit_code == 0
    en = station("play-now", str(mid), lang="en").stderr
    vi = station("play-now", str(mid), lang="vi").stderr
    assert en.startswith(f"loa: error: message {mid} is cancelled; only an approved message")
    assert vi.startswith(f"loa: lỗi: tin {mid} đang ở trạng thái đã hủy; chỉ tin đã duyệt")


def test_a_usage_error_in_both_languages(station):
    args = ("msg", "add", "--title", "T", "--text", "x", "--audio", "a.mp3", "--blocks", "K1",
            "--slots", "sang")  # fmt: skip
    en, vi = station(*args, lang="en"), station(*args, lang="vi")
    assert en.exit_code == vi.exit_code == 2
    assert "Error: give only one of --text, --text-file, --audio and --relay" in en.stderr
    assert "Lỗi: chỉ dùng một trong --text, --text-file, --audio và --relay" in vi.stderr


# -- plural forms through real messages ------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "en", "vi"),
    [
        (1, "overflow: 1 message does not fit this slot", "không xếp vừa: 1 tin không đủ chỗ"),
        (2, "overflow: 2 messages do not fit this slot", "không xếp vừa: 2 tin không đủ chỗ"),
    ],
)
def test_overflow_plural(station, n, en, vi):
    for i in range(n + 1):
        _message(station, f"Tin {i}", "Tuyên truyền cải cách hành chính ở địa phương. " * 2, "toi")
    assert en in station("schedule", "--date", "2026-03-10", lang="en").stdout
    assert vi in station("schedule", "--date", "2026-03-10", lang="vi").stdout


def test_a_conflict_counts_the_messages_in_use(station):
    first = _message(station, "Một", "Tin một.", "toi")
    one = station("slot", "remove", "toi", lang="en").stderr
    assert one == f"loa: error: slot toi is used by message {first}; cancel or edit it first\n"
    second = _message(station, "Hai", "Tin hai.", "toi")
    two = station("slot", "remove", "toi", lang="en").stderr
    assert two == (
        f"loa: error: slot toi is used by messages {first}, {second}; cancel or edit them first\n"
    )
    vi = station("slot", "remove", "toi", lang="vi").stderr
    assert vi == (
        f"loa: lỗi: khung giờ toi đang được tin {first}, {second} dùng; "
        "hãy hủy hoặc sửa tin đó trước\n"
    )


def test_cache_prune_counts_files(station):
    assert station("cache", "prune", lang="en").stdout == "removed 0 files\n"
    assert station("cache", "prune", lang="vi").stdout == "đã xóa 0 tệp\n"


# -- Vietnamese mode: error lines, table headers, notes ---------------------------------------


def test_vietnamese_tables_and_lines(station):
    _message(station, "Họp tổ", "Họp tổ dân phố.", "sang")
    assert station("block", "list", lang="vi").stdout.splitlines()[:3] == [
        "mã  tên     cụm loa",
        "--  ------  -------",
        "K1  Khối 1  1",
    ]
    assert station("slot", "list", lang="vi").stdout.splitlines() == [
        "mã    tên        bắt đầu  kết thúc  ngày phát",
        "----  ---------  -------  --------  -------------------",
        "sang  Buổi sáng  06:00    06:30     hằng ngày",
        "toi              20:00    20:00:20  Thứ Hai đến Thứ Sáu",
    ]
    messages = station("msg", "list", lang="vi").stdout.splitlines()
    assert "trạng thái" in messages[0] and "mức độ" in messages[0] and "tiêu đề" in messages[0]
    assert "đã duyệt" in messages[2] and "thông thường" in messages[2]
    shown = station("msg", "show", "1", lang="vi").stdout
    for label in ("tiêu đề", "trạng thái      đã duyệt", "mức độ          thông thường"):
        assert label in shown
    assert station("msg", "list", "--status", "expired", lang="vi").stdout == (
        "không có tin nào ở trạng thái hết hạn\n"
    )
    assert station("msg", "cancel", "1", lang="vi").stdout == "đã hủy tin 1\n"
    assert station("msg", "cancel", "1", lang="vi").stderr == "loa: lỗi: tin 1 đã bị hủy rồi\n"


def test_notes_are_read_in_vietnamese_and_given_in_english_to_programs(station):
    mid = _message(station, "Họp tổ", "Họp tổ dân phố.", "sang")
    shown = station("msg", "edit", str(mid), "--title", "Họp tổ 2", lang="vi").stdout
    assert shown.splitlines() == [
        f"đã sửa tin {mid}",
        f"tin {mid} vẫn phát phiên bản 1 cho đến khi phiên bản 2 được duyệt",
    ]
    result = station("msg", "edit", str(mid), "--title", "Họp tổ 3", "--json", lang="vi")
    notes = json.loads(result.stdout)["notes"]
    assert notes == [f"message {mid} keeps airing version 1 until version 3 is approved"]


def test_warnings_start_with_the_readers_word(station):
    text = ["text", "normalize", "--warnings", "Kế hoạch số 17/KH-UBND"]
    assert station(*text, lang="en").stderr.startswith("warning: '17/KH-UBND' looks like")
    assert station(*text, lang="vi").stderr.startswith("cảnh báo: '17/KH-UBND' có vẻ là")


# -- loa.toml ---------------------------------------------------------------------------------


def test_loa_init_writes_the_settings_in_the_chosen_language(tmp_path):
    for lang, comment in (("vi", "# Cài đặt của đài"), ("en", "# loabroadcast station settings")):
        home = tmp_path / lang
        result = CliRunner(mix_stderr=False).invoke(
            cli, ["--lang", lang, "--home", str(home), "init"]
        )
        assert result.exit_code == 0, result.stderr
        text = (home / "loa.toml").read_text(encoding="utf-8")
        assert text.startswith(comment)
        assert f'language = "{lang}"' in text
        assert 'engine = "auto"' in text and "[speech]" in text  # keys stay English
    vi = (tmp_path / "vi" / "loa.toml").read_text(encoding="utf-8")
    assert "# ngày lễ chỉ phát tin khẩn cấp" not in vi  # a comment follows its setting…
    assert 'on_holidays = "quiet"    # quiet: ngày lễ chỉ phát tin khẩn cấp' in vi


# -- errors carry (code, params) to the edge ------------------------------------------------


def test_an_error_is_shown_in_the_readers_language_and_kept_in_english():
    err = NotFound(N_("no message {id}"), id=12)
    assert (err.code, err.params) == ("no message {id}", {"id": 12})
    set_language("vi")
    assert str(err) == "không có tin số 12"
    assert err.english == "no message 12"
    set_language("en")
    assert str(err) == "no message 12"


def test_a_domain_refusal_keeps_its_id_through_the_use_case():
    with pytest.raises(Invalid) as caught:
        parse.parse_date("31/02/2026")
    assert isinstance(caught.value, ValueError)
    again = InvalidInput.of(caught.value)
    assert again.code == "{text!r} is not a date (YYYY-MM-DD or dd/mm/yyyy)"
    assert again.params == {"text": "31/02/2026"}
    set_language("vi")
    assert str(again) == "'31/02/2026' không phải ngày tháng (dd/mm/yyyy hoặc YYYY-MM-DD)"
    assert again.english == "'31/02/2026' is not a date (YYYY-MM-DD or dd/mm/yyyy)"


def test_an_error_plural_is_chosen_by_n():
    message = NP_(
        "slot {code} is used by message {ids}; cancel or edit it first",
        "slot {code} is used by messages {ids}; cancel or edit them first",
    )
    one, two = (
        Conflict(message, code="toi", ids="3", n=1),
        Conflict(message, code="toi", ids="3, 4", n=2),
    )
    assert str(one) == "slot toi is used by message 3; cancel or edit it first"
    assert two.english == "slot toi is used by messages 3, 4; cancel or edit them first"
    set_language("vi")
    assert str(two) == "khung giờ toi đang được tin 3, 4 dùng; hãy hủy hoặc sửa tin đó trước"


def test_words_inside_a_message_follow_its_language():
    err = Conflict(
        N_("message {id} is {status}; it cannot be edited"),
        id=4,
        status=Lazy("cancelled", context="message status"),
    )
    assert err.english == "message 4 is cancelled; it cannot be edited"
    set_language("vi")
    assert str(err) == "tin 4 đang ở trạng thái đã hủy; không sửa được nữa"
    assert err.english == "message 4 is cancelled; it cannot be edited"


def test_the_operating_systems_reason_in_words():
    full = os_reason(OSError(errno.ENOSPC, "No space left on device"))
    err = InvalidInput(N_("cannot write {file}: {reason}"), file="x.wav", reason=full)
    assert str(err) == "cannot write x.wav: No space left on device"  # English: the system's
    set_language("vi")
    assert str(err) == "không ghi được x.wav: ổ đĩa đã đầy"
    assert err.english == "cannot write x.wav: No space left on device"
    odd = os_reason(OSError(errno.EXFULL, "Exchange full"))
    assert odd == "Exchange full"  # an errno not worded: the system's own words


def test_said_keeps_its_english():
    set_language("vi")
    note = said("message {id} is already approved", id=3)
    assert note == "tin 3 đã được duyệt rồi"
    assert english(note) == note.english == "message 3 is already approved"
    assert english("plain") == "plain"


def test_log_lines_for_people_are_translated_debug_stays_english():
    formatter = PeopleFormatter("%(levelname)s %(message)s")

    def line(level: int, msg: str, args) -> str:
        record = logging.LogRecord("loa", level, __file__, 1, msg, args, None)
        return formatter.format(record)

    set_language("vi")
    info = line(
        logging.WARNING,
        "%(engine)s failed, trying %(next)s: %(reason)s",
        {"engine": "gtts", "next": "espeak", "reason": "timeout"},
    )
    assert info == "CẢNH BÁO gtts bị lỗi, chuyển sang espeak: timeout"
    debug = line(logging.DEBUG, "%(engine)s failed, trying %(next)s: %(reason)s",
                 {"engine": "gtts", "next": "espeak", "reason": "timeout"})  # fmt: skip
    assert debug == "DEBUG gtts failed, trying espeak: timeout"
