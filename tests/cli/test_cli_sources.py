"""``loa source`` and relay messages (tiếp âm) on the command line, SQLite and PostgreSQL."""

from __future__ import annotations

import json
import wave
from datetime import UTC, datetime, timedelta

import pytest

from cli_checks import one_error_line

URL = "http://radio.example.vn:8000/tinh.mp3"


@pytest.fixture
def town(loa):
    assert loa("block", "add", "K1", "Khối 1", "--zone", "1").exit_code == 0
    assert loa("slot", "add", "sang", "06:00", "06:30", "--name", "Buổi sáng").exit_code == 0
    assert loa("slot", "add", "trua", "11:00", "11:15").exit_code == 0
    add = loa("source", "add", "TINH", URL, "--name", "Đài PT-TH tỉnh", "--by", "Anh Tuấn")
    assert (add.exit_code, add.stdout) == (0, f"added source TINH: {URL}\n"), add.stderr
    return loa


def relay(loa, *extra, source="TINH", duration="30m", slots="sang"):
    args = ("msg", "add", "--title", "Thời sự tỉnh", "--relay", source, "--duration", duration,
            "--blocks", "all", "--slots", slots, *extra)  # fmt: skip
    result = loa(*args)
    assert result.exit_code == 0, result.stderr
    return int(result.stdout.strip())


def test_sources_added_listed_removed(town):
    assert town("source", "add", "THU", "input").stdout == "added source THU: input\n"
    assert town("source", "add", "THU2", "input:USB Audio").stdout == (
        "added source THU2: input:USB Audio\n"
    )
    secret = "http://relay:matkhau@ice.example.vn/a.ogg"
    assert town("source", "add", "ICE", secret).stdout == (
        "added source ICE: http://relay:***@ice.example.vn/a.ogg\n"
    )
    lines = town("source", "list").stdout.splitlines()
    assert lines[0].split() == ["code", "kind", "source", "name"]
    assert [line.split()[:3] for line in lines[2:]] == [
        ["ICE", "stream", "http://relay:***@ice.example.vn/a.ogg"],
        ["THU", "input", "input"],
        ["THU2", "input", "input:USB"],
        ["TINH", "stream", URL],
    ]
    assert "Đài PT-TH tỉnh" in lines[-1]
    data = json.loads(town("source", "list", "--json").stdout)
    assert data[-1] == {"code": "TINH", "name": "Đài PT-TH tỉnh", "kind": "stream", "url": URL,
                        "device": None}  # fmt: skip
    assert data[2]["device"] == "USB Audio"
    assert town("source", "remove", "THU2").stdout == "removed source THU2\n"
    trail = json.loads(town("audit", "--object", "source:TINH", "--json").stdout)
    assert [(r["command"], r["actor"], r["after"]) for r in trail] == [
        ("source add", "Anh Tuấn",
         {"name": "Đài PT-TH tỉnh", "kind": "stream", "url": URL}),
    ]  # fmt: skip
    [added] = json.loads(town("audit", "--object", "source:ICE", "--json").stdout)
    assert "matkhau" not in json.dumps(added)  # the trail never keeps a password


def test_an_empty_list_says_how_to_add_one(loa):
    assert loa("source", "list").stdout == (
        "no sources yet: add one with `loa source add CODE URL`\n"
    )
    assert json.loads(loa("source", "list", "--json").stdout) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("source", "add", "TINH", URL), "source TINH already exists"),
        (("source", "add", "A B", URL), "source code 'A B' is not valid"),
        (("source", "add", "X", "ftp://radio.vn/a.mp3"),
         "'ftp://radio.vn/a.mp3' is not a stream this station can relay: give an http:// or "
         "https:// URL"),
        (("source", "add", "X", "radio.vn/a.mp3"), "is not a stream this station can relay"),
        (("source", "add", "X", "http://"), "'http://' names no server"),
        (("source", "add", "X", "input:"), "input: needs a device after the colon"),
        (("source", "add", "X", URL, "--name", "x" * 201), "longer than 200 characters"),
        (("source", "remove", "NOPE"), "no source NOPE"),
        (("source", "test", "NOPE"), "no source NOPE"),
    ],
)  # fmt: skip
def test_bad_source_input_is_one_line(town, args, message):
    assert message in one_error_line(town(*args))
    assert len(json.loads(town("source", "list", "--json").stdout)) == 1  # nothing written


def test_source_usage_errors(town):
    assert town("source", "add", "X").exit_code == 2
    assert town("source", "test", "TINH", "--seconds", "0").exit_code == 2
    assert town("source", "test", "TINH", "--seconds", "abc").exit_code == 2


def test_a_relay_is_planned_approved_and_shown_as_a_relay(town):
    mid = relay(town, "--by", "Chị Lan")
    shown = json.loads(town("msg", "show", str(mid), "--json").stdout)
    assert (shown["kind"], shown["relay_source"], shown["duration_s"]) == ("relay", "TINH", 1800)
    assert (shown["text"], shown["audio_path"], shown["render"]) == (None, None, None)
    approved = town("msg", "approve", str(mid), "--by", "Chủ tịch")
    assert approved.stdout == f"approved message {mid}\n"  # nothing rendered: it airs live
    text = town("msg", "show", str(mid)).stdout
    assert f"relay        TINH ({URL}) for 30:00, live: nothing to render" in text
    day = (datetime.now(UTC) + timedelta(days=3)).astimezone().date().isoformat()
    plan = json.loads(town("schedule", "--date", day, "--json").stdout)
    [item] = [i for p in plan["programmes"] for i in p["items"]]
    assert (item["message_id"], item["relay_source"], item["duration_s"]) == (mid, "TINH", 1800)
    assert item["estimated"] is False
    assert "Thời sự tỉnh (relay of TINH)" in town("schedule", "--date", day).stdout
    assert town("render").stdout == "every approved message has its audio\n"
    assert "is a relay: it airs live from source TINH" in one_error_line(town("render", str(mid)))
    assert "is a relay" in one_error_line(town("preview", str(mid), "--out", "x.wav"))
    versions = json.loads(town("msg", "show", str(mid), "--versions", "--json").stdout)
    [v] = versions["versions"]
    assert (v["kind"], v["relay_source"], v["duration_s"], v["approved_by"]) == (
        "relay", "TINH", 1800, "Chủ tịch"
    )  # fmt: skip


@pytest.mark.parametrize(
    ("duration", "seconds"), [("1h", 3600), ("45s", 45), ("00:15:00", 900), ("1h30m", 5400)]
)
def test_relay_lengths(town, duration, seconds):
    mid = relay(town, duration=duration)
    assert json.loads(town("msg", "show", str(mid), "--json").stdout)["duration_s"] == seconds


def test_a_relay_longer_than_its_slot_is_accepted_with_a_warning(town):
    result = town("msg", "add", "--title", "Dài", "--relay", "TINH", "--duration", "20m",
                  "--blocks", "K1", "--slots", "sang,trua")  # fmt: skip
    assert result.exit_code == 0
    assert result.stderr == (
        "warning: the relay lasts 20:00, longer than slot trua (15:00): it will not fit there\n"
    )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--relay", "NOPE", "--duration", "30m"), "no source NOPE: add it with `loa source add`"),
        (("--relay", "TINH"), "a relay needs --duration, e.g. --duration 30m"),
        (("--relay", "TINH", "--duration", "30m", "--repeat", "2"),
         "--repeat reads a text or a recording again; a relay airs once, for its --duration"),
    ],
)  # fmt: skip
def test_bad_relays_are_one_line_and_write_nothing(town, extra, message):
    args = ("msg", "add", "--title", "T", "--blocks", "K1", "--slots", "sang", *extra)
    assert one_error_line(town(*args)) == f"loa: error: {message}"
    assert json.loads(town("msg", "list", "--json").stdout) == []


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--text", "Họp", "--duration", "30m"), "--duration is the length of a relay"),
        (("--relay", "TINH", "--duration", "30"), "'30' is not a length"),
        (("--relay", "TINH", "--duration", "13h"), "a relay lasts from 1 second to 12 hours"),
        (("--relay", "TINH", "--text", "Họp", "--duration", "1h"), "give only one of"),
    ],
)
def test_relay_options_misused(town, extra, message):
    result = town("msg", "add", "--title", "T", "--blocks", "K1", "--slots", "sang", *extra)
    assert result.exit_code in (1, 2)
    assert message in result.stderr
    assert json.loads(town("msg", "list", "--json").stdout) == []


def test_a_source_in_use_cannot_go_until_its_messages_do(town):
    mid = relay(town)
    assert one_error_line(town("source", "remove", "TINH")) == (
        f"loa: error: source TINH is relayed by message(s) {mid}; cancel or edit them first"
    )
    town("msg", "approve", str(mid))
    # edited into a text, the approved version still relays it until the edit is approved
    assert town("msg", "edit", str(mid), "--text", "Thông báo họp.").exit_code == 0
    edited = json.loads(town("msg", "show", str(mid), "--json").stdout)
    assert (edited["kind"], edited["relay_source"], edited["duration_s"]) == ("speech", None, None)
    assert "relayed by message(s)" in one_error_line(town("source", "remove", "TINH"))
    assert town("msg", "cancel", str(mid)).exit_code == 0
    assert town("source", "remove", "TINH").exit_code == 0


def test_a_text_edited_into_a_relay(town):
    result = town("msg", "add", "--title", "T", "--text", "Họp tổ.", "--blocks", "K1",
                  "--slots", "sang")  # fmt: skip
    mid = int(result.stdout)
    assert town("msg", "edit", str(mid), "--relay", "TINH", "--duration", "10m").exit_code == 0
    shown = json.loads(town("msg", "show", str(mid), "--json").stdout)
    assert (shown["kind"], shown["text"], shown["duration_s"]) == ("relay", None, 600)
    assert "--duration is the length of a relay" in one_error_line(
        town("msg", "edit", str(mid), "--text", "Họp.", "--duration", "5m")
    )


def test_the_log_shows_a_relays_source_length_dropouts_and_fallback(town, settings):
    from loabroadcast.domain import AiringStatus
    from loabroadcast.store import db
    from loabroadcast.store.airings import AsRun

    mid = relay(town)
    town("msg", "approve", str(mid))
    start = datetime(2026, 3, 10, 23, 0, tzinfo=UTC)  # 06:00 on 11/03 in Hà Nội
    engine = db.make_engine(settings.database_url)
    try:
        asrun = AsRun(engine, settings.station, "test", station_id=1)  # SQLite: one station
        rid = asrun.claim("k", now=start, message_id=mid, slot_code="sang",
                          occurrence_date=start.date(), scheduled_at=start)  # fmt: skip
        asrun.update(rid, status=AiringStatus.PLAYED, started_at=start,
                     ended_at=start + timedelta(seconds=1800), relay_source="TINH",
                     dropouts=2, fallback_s=14.6, dead_air_s=0.0)  # fmt: skip
    finally:
        engine.dispose()
    [row] = json.loads(town("log", "--date", "2026-03-11", "--json").stdout)
    assert {k: row[k] for k in ("relay_source", "aired_s", "dropouts", "fallback_s",
                                "dead_air_s")} == {  # fmt: skip
        "relay_source": "TINH", "aired_s": 1800.0, "dropouts": 2, "fallback_s": 14.6,
        "dead_air_s": 0.0,
    }  # fmt: skip
    text = town("log", "--date", "2026-03-11").stdout
    assert "Thời sự tỉnh (relay of TINH, 30:00 live, 2 dropouts, fallback 15 s)" in text


def test_a_silent_recording_is_refused_and_leaves_nothing(town, tmp_path):
    silent = tmp_path / "im-lang.wav"
    with wave.open(str(silent), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(b"\0\0" * 16000 * 3)
    result = town("msg", "add", "--title", "T", "--audio", str(silent), "--blocks", "K1",
                  "--slots", "sang")  # fmt: skip
    assert one_error_line(result).startswith(
        "loa: error: im-lang.wav is silent or nearly: 0.0 s of its 3.0 s reach -40 dBFS "
    )
    assert json.loads(town("msg", "list", "--json").stdout) == []
    recordings = town.home / "recordings"
    assert not recordings.exists() or list(recordings.iterdir()) == []


def test_silent_speech_is_refused_at_approval(town, monkeypatch):
    """A speech engine that speaks silence (a broken voice) cannot get a message approved."""
    from loabroadcast.speech import engines
    from loabroadcast.speech.engines.base import SynthResult

    result = town("msg", "add", "--title", "T", "--text", "Họp tổ dân phố.", "--blocks", "K1",
                  "--slots", "sang")  # fmt: skip
    mid = int(result.stdout)

    class Mute:
        name, voice = "mute", None

        def synthesize(self, text, out_wav):
            with wave.open(str(out_wav), "wb") as w:
                w.setnchannels(1)
                w.setsampwidth(2)
                w.setframerate(22050)
                w.writeframes(b"\0\0" * 22050 * 2)
            return SynthResult(out_wav, "mute", None)

    monkeypatch.setattr(engines, "get_engine", lambda *a, **k: Mute())
    refused = town("msg", "approve", str(mid), engine=None)
    assert one_error_line(refused).startswith(
        "loa: error: the speech is silent or nearly: 0.0 s of its 2.0 s reach -40 dBFS"
    )
    assert json.loads(town("msg", "show", str(mid), "--json").stdout)["status"] == "draft"
    assert list((town.home / "cache").rglob("*.wav")) == []  # nothing kept


# -- loa source test against a real Icecast server ---------------------------------------


# real time, against Icecast: the database plays no part (SQLite only)
@pytest.mark.slow
@pytest.mark.parametrize("db_kind", ["sqlite"], indirect=True)
def test_source_test_reports_the_format_and_level_and_plays_to_the_sink(loa, ice, tmp_path):
    feeder = ice.feed("tinh.mp3", 440.0)
    assert loa("source", "add", "TINH", feeder.url).exit_code == 0
    result = loa("source", "test", "TINH", "--seconds", "1.5")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"source TINH ({feeder.url}): connected in ")
    assert lines[1] == "format: mp3, 48000 Hz, mono, 128 kb/s"
    assert lines[2].startswith("heard 1.5 s: level -21.")
    data = json.loads(loa("source", "test", "TINH", "--seconds", "1", "--json").stdout)
    assert data["format"]["codec"] == "mp3" and data["heard_s"] == 1.0
    assert data["rms_db"] == pytest.approx(-21.1, abs=1.0) and data["dropouts"] == 0
    out = tmp_path / "out"
    played = loa("source", "test", "TINH", "--seconds", "1", "--play", "--sink", f"file:{out}")
    assert played.exit_code == 0, played.stderr
    assert played.stdout.splitlines()[-1] == f"playing 1.0 s of TINH on file:{out}"
    [wav] = [w for w in out.glob("*.wav") if not w.stem.endswith("_timeline")]
    with wave.open(str(wav)) as w:
        assert (w.getframerate(), w.getnframes()) == (48000, 48000)


@pytest.mark.slow
@pytest.mark.parametrize("db_kind", ["sqlite"], indirect=True)
def test_source_test_of_an_unreachable_stream_is_one_line(loa, ice):
    assert loa("source", "add", "GONE", ice.url("khong-co.mp3")).exit_code == 0
    line = one_error_line(loa("source", "test", "GONE", "--seconds", "1"))
    assert line == (
        f"loa: error: source GONE ({ice.url('khong-co.mp3')}): cannot connect: "
        f"{ice.url('khong-co.mp3')}: Server returned 404 Not Found"
    )
