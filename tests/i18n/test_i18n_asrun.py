"""`loa status` and `loa log` as exact text in both languages, with an airing that failed
with a reason and the daemon's last error: the store keeps a message's id and parameters
(i18n.records), each reader sees it in the language asked for, ``--json`` in English, and
text written before messages were kept (plain English) reads back as it is."""

from __future__ import annotations

import json
import logging
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from test_i18n_output import _message, station_in

from loabroadcast.config import load_settings
from loabroadcast.daemon.health import Health
from loabroadcast.domain import AiringStatus
from loabroadcast.errors import AudioChanged, PlaybackError
from loabroadcast.i18n import N_, Lazy, said, set_language
from loabroadcast.i18n.records import keep
from loabroadcast.services import Station
from loabroadcast.store.airings import AsRun, occurrence_key
from loabroadcast.testing import FakeClock

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DAY = date(2026, 3, 10)


def at(hour, minute, second=0, ms=0) -> datetime:
    return datetime(2026, 3, 10, hour, minute, second, ms * 1000, tzinfo=TZ)


@pytest.fixture
def loa(tmp_path):
    """``loa ARGS`` (language ``lang``) on a station: blocks K1, K2; slots sang (06:00-06:30,
    daily) and toi (20:00-20:00:20, daily); audio is not rendered on approval."""
    return station_in(tmp_path, ("sang", "06:00", "06:30"), ("toi", "20:00", "20:00:20"))


@pytest.fixture
def aired(loa, tmp_path):
    """Messages 1 and 2 in slot sang (06:00) and 3-5 in toi (20:00) on 10/03/2026; at
    06:00 message 2 played, message 1 failed (the sound device stopped), and the daemon
    stopped at 06:02 with that failure as its last error."""
    _message(loa, "Lịch tiêm chủng", "Tiêm chủng cho trẻ em tại trạm y tế.", "sang")
    _message(loa, "Bão số 4", "Bão số 4 vào đất liền.", "sang", "--priority", "khan-cap")
    _message(loa, "Lịch cắt điện", "Ngày mai cắt điện.", "toi")
    st = Station.open(load_settings(tmp_path / "home", env={"LOA_TIMEZONE": "Asia/Ho_Chi_Minh"}))
    asrun = AsRun(st.engine, "default", "pc:4242:0", station_id=st.station_id)
    fields = {"slot_code": "sang", "occurrence_date": DAY, "blocks": "K1"}
    played = asrun.claim(occurrence_key("sang", DAY, 2), now=at(5, 59, 30), message_id=2,
                         scheduled_at=at(6, 0), **fields)  # fmt: skip
    asrun.update(played, status=AiringStatus.PLAYED, started_at=at(6, 0, 0, 12),
                 ended_at=at(6, 0, 8, 340), zones="1")  # fmt: skip
    failed = asrun.claim(occurrence_key("sang", DAY, 1), now=at(5, 59, 30), message_id=1,
                         scheduled_at=at(6, 0, 10), **fields)  # fmt: skip
    # what the daemon keeps of a failure (playback.ledger, daemon.health): ids and params
    err = PlaybackError(
        N_("sound output {name} failed while playing: {reason}"),
        name="device",
        reason=said("the sound device stopped taking audio"),
    )
    asrun.update(failed, status=AiringStatus.FAILED, started_at=at(6, 0, 10, 5),
                 ended_at=at(6, 0, 12, 500), zones="1", error=keep(err))  # fmt: skip
    health = Health(FakeClock(at(6, 0, 12)))
    health.report(said("message {id}: {reason}", id=1, reason=err))
    text, when = health.last_error()
    asrun.heartbeat(at(6, 2), station="default", host="pc", pid=4242, sink="device",
                    tick_s=10.0, last_error=text, last_error_at=when)  # fmt: skip
    asrun.heartbeat(at(6, 2), stopped_at=at(6, 2))
    yield st
    st.close()


STATUS_EN = """\
daemon: NOT running (last heartbeat 10/03/2026 06:02:00)
on air: nothing
next                 slot  id  title
-------------------  ----  --  ---------------
10/03/2026 20:00:00  toi   3   Lịch cắt điện
11/03/2026 06:00:00  sang  2   Bão số 4
11/03/2026 06:00:10  sang  1   Lịch tiêm chủng
11/03/2026 20:00:00  toi   3   Lịch cắt điện
last error: message 1: sound output device failed while playing: the sound device stoppe\
d taking audio
"""

STATUS_VI = """\
trình phát tự động: KHÔNG chạy (báo hoạt động lần cuối lúc 10/03/2026 06:02:00)
đang phát: không có gì
sắp phát             khung giờ  số  tiêu đề
-------------------  ---------  --  ---------------
10/03/2026 20:00:00  toi        3   Lịch cắt điện
11/03/2026 06:00:00  sang       2   Bão số 4
11/03/2026 06:00:10  sang       1   Lịch tiêm chủng
11/03/2026 20:00:00  toi        3   Lịch cắt điện
lỗi gần nhất: tin 1: đầu ra âm thanh device bị lỗi khi đang phát: thiết bị âm thanh ngừn\
g nhận âm thanh
"""


@pytest.mark.parametrize(("lang", "expected"), [("en", STATUS_EN), ("vi", STATUS_VI)])
def test_status_snapshot(loa, aired, lang, expected):
    with time_machine.travel(at(6, 5), tick=False):
        result = loa("status", lang=lang)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == expected
    assert result.stderr == ""


LOG_EN = """\
scheduled            started       ended         slot  id  version  status  blocks  zone\
s  title
-------------------  ------------  ------------  ----  --  -------  ------  ------  ----\
-  -------------------------------------------------------------------------------------\
------------
10/03/2026 06:00:00  06:00:00.012  06:00:08.340  sang  2   1        played  K1      1   \
   Bão số 4
10/03/2026 06:00:10  06:00:10.005  06:00:12.500  sang  1   1        failed  K1      1   \
   Lịch tiêm chủng [sound output device failed while playing: the sound device stopped t\
aking audio]
"""

LOG_VI = """\
giờ theo lịch        bắt đầu       kết thúc      khung giờ  số  phiên bản  trạng thái  k\
hối  cụm loa  tiêu đề
-------------------  ------------  ------------  ---------  --  ---------  ----------  -\
---  -------  --------------------------------------------------------------------------\
--------------------------
10/03/2026 06:00:00  06:00:00.012  06:00:08.340  sang       2   1          đã phát     K\
1    1        Bão số 4
10/03/2026 06:00:10  06:00:10.005  06:00:12.500  sang       1   1          lỗi         K\
1    1        Lịch tiêm chủng [đầu ra âm thanh device bị lỗi khi đang phát: thiết bị âm \
thanh ngừng nhận âm thanh]
"""


@pytest.mark.parametrize(("lang", "expected"), [("en", LOG_EN), ("vi", LOG_VI)])
def test_log_snapshot(loa, aired, lang, expected):
    result = loa("log", "--date", "2026-03-10", lang=lang)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == expected
    assert result.stderr == ""


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_json_stays_english(loa, aired, lang):
    log = json.loads(loa("log", "--date", "2026-03-10", "--json", lang=lang).stdout)
    assert [a["error"] for a in log] == [
        None,
        "sound output device failed while playing: the sound device stopped taking audio",
    ]
    with time_machine.travel(at(6, 5), tick=False):
        status = json.loads(loa("status", "--json", lang=lang).stdout)
    assert status["last_error"]["text"] == (
        "message 1: sound output device failed while playing: the sound device stopped taking audio"
    )


def test_plain_old_text_reads_back_as_it_is(loa, aired):
    """A reason written before reasons were kept as messages (English text) is shown as
    it is, in both languages; a kept word (Lazy) is translated."""
    asrun = AsRun(aired.engine, "default", "pc:4242:0", station_id=aired.station_id)
    fields = {"slot_code": "toi", "occurrence_date": DAY, "blocks": "K1", "message_id": 3}
    old = asrun.claim(occurrence_key("toi", DAY, 3), now=at(19, 0), scheduled_at=at(20, 0),
                      **fields)  # fmt: skip
    asrun.update(old, status=AiringStatus.MISSED, started_at=at(20, 20), ended_at=at(20, 20),
                 error="the daemon was not running in time")  # fmt: skip
    for lang in ("en", "vi"):
        out = loa("log", "--date", "2026-03-10", lang=lang).stdout
        assert out.splitlines()[-1].endswith("Lịch cắt điện [the daemon was not running in time]")
    asrun.update(old, error=keep(Lazy(N_("the daemon was not running in time"))))
    out = loa("log", "--date", "2026-03-10", lang="vi").stdout
    assert out.splitlines()[-1].endswith(
        "Lịch cắt điện [trình phát tự động không chạy vào giờ phát]"
    )


def test_the_daemons_log_lines_for_people_read_in_the_officers_words():
    """``loa daemon`` writes INFO and above in the reader's language (a reason inside a
    line too), with journald's level prefix; debug lines stay English."""
    from loabroadcast.cli.daemon import JournalFormatter

    formatter = JournalFormatter(journald=True)

    def line(level: int, msg: str, args) -> str:
        record = logging.LogRecord("loabroadcast.player", level, __file__, 1, msg, args, None)
        return formatter.format(record)

    failed = N_("message %(id)s failed (%(slot)s): %(reason)s")
    args = {
        "id": 7,
        "slot": Lazy(N_("play-now")),
        "reason": said("the sound device stopped taking audio"),
    }
    assert line(logging.ERROR, failed, args) == (
        "<3>ERROR loabroadcast.player: message 7 failed (play-now): the sound device stopped "
        "taking audio"
    )
    set_language("vi")
    args["reason"] = said("the sound device stopped taking audio")  # said now, in Vietnamese
    assert line(logging.ERROR, failed, args) == (
        "<3>LỖI loabroadcast.player: tin 7 không phát được (phát ngay): thiết bị âm thanh "
        "ngừng nhận âm thanh"
    )
    assert line(logging.DEBUG, "claim %s", ("k",)) == "<7>DEBUG loabroadcast.player: claim k"


def test_a_refusal_reads_in_the_readers_words(loa, aired):
    """Why the daemon refused a message (a changed recording) is kept as a message: loa
    status says it in each reader's language, --json in English, loa audit in words."""
    refusal = AudioChanged(
        N_(
            "message {id}: the recording {path} changed since it was approved "
            "(sha256 {actual}…, approved {approved}…); refused"
        ),
        id=1,
        path="/srv/ghi-am.mp3",
        actual="aaaaaaaaaaaa",
        approved="bbbbbbbbbbbb",
    )
    aired.flag(1, keep(refusal))
    with time_machine.travel(at(6, 5), tick=False):
        en = loa("status", lang="en").stdout.splitlines()[-2]
        vi = loa("status", lang="vi").stdout.splitlines()[-2]
        data = json.loads(loa("status", "--json", lang="vi").stdout)
    assert en == (
        "refused: message 1 (Lịch tiêm chủng): message 1: the recording /srv/ghi-am.mp3 "
        "changed since it was approved (sha256 aaaaaaaaaaaa…, approved bbbbbbbbbbbb…); refused"
    )
    assert vi.startswith("từ chối phát: tin 1 (Lịch tiêm chủng): tin 1: ")
    assert "/srv/ghi-am.mp3" in vi and "refused" not in vi
    assert data["flagged"][0]["reason"] == en.split("(Lịch tiêm chủng): ")[1]
    audit = loa("audit", "--object", "msg:1", lang="vi").stdout
    assert "bị từ chối phát vì: - → tin 1: bản ghi âm /srv/ghi-am.mp3" in audit
