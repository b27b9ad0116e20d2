"""What officers type for relays: a source (a stream URL or input[:DEVICE]) and a length."""

from __future__ import annotations

import pytest

from loabroadcast.domain.content import (
    BadValue,
    Source,
    SourceKind,
    format_duration,
    masked,
    parse_duration,
    parse_target,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("http://vov.vn:8000/vov1.mp3", (SourceKind.STREAM, "http://vov.vn:8000/vov1.mp3", None)),
        (" https://radio.vn/live.aac ", (SourceKind.STREAM, "https://radio.vn/live.aac", None)),
        ("HTTP://127.0.0.1/x.ogg", (SourceKind.STREAM, "HTTP://127.0.0.1/x.ogg", None)),
        ("input", (SourceKind.INPUT, None, None)),
        ("Input", (SourceKind.INPUT, None, None)),
        ("input:USB Audio", (SourceKind.INPUT, None, "USB Audio")),
        ("input:3", (SourceKind.INPUT, None, "3")),
    ],
)  # fmt: skip
def test_targets(text, expected):
    assert parse_target(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the source is empty: give a stream URL (http://…) or input[:DEVICE]"),
        ("ftp://x/y", "{url!r} is not a stream this station can relay: give an http:// or "
                      "https:// URL (Icecast, a radio's web stream) or input[:DEVICE] for the "
                      "sound card's input"),
        ("stream.example.vn/vov1.mp3", "{url!r} is not a stream this station can relay: give an "
                                        "http:// or https:// URL (Icecast, a radio's web stream) "
                                        "or input[:DEVICE] for the sound card's input"),
        ("http:///x.mp3", "{url!r} names no server"),
        ("http://x:99999/a", "{url!r} is not a stream URL"),
        ("http://x/a b", "{url!r} is not a stream URL"),
        ("input:", "input: needs a device after the colon, or write just input"),
        ("input:a\tb", "{device!r} is not a sound device name"),
    ],
)  # fmt: skip
def test_bad_targets(text, message):
    with pytest.raises(BadValue) as caught:
        parse_target(text)
    assert caught.value.code == message


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("30m", 1800), ("1h", 3600), ("45s", 45), ("1h30m", 5400), ("2m30s", 150),
        ("1H 30M", 5400), ("1.5h", 5400), ("0,5m", 30), ("00:30:00", 1800), ("1:02:03", 3723),
        ("12:00:00", 43200), ("1s", 1),
    ],
)  # fmt: skip
def test_durations(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("30", "{value!r} is not a length: write 30m, 1h, 45s, 1h30m or HH:MM:SS"),
        ("30:00", "{value!r} is not a length: write 30m, 1h, 45s, 1h30m or HH:MM:SS"),
        ("00:61:00", "{value!r} is not a length: write 30m, 1h, 45s, 1h30m or HH:MM:SS"),
        ("30m30m", "{value!r} is not a length: write 30m, 1h, 45s, 1h30m or HH:MM:SS"),
        ("m", "{value!r} is not a length: write 30m, 1h, 45s, 1h30m or HH:MM:SS"),
        ("nửa giờ", "{value!r} is not a length: write 30m, 1h, 45s, 1h30m or HH:MM:SS"),
        ("", "{value!r} is not a length: write 30m, 1h, 45s, 1h30m or HH:MM:SS"),
        ("0s", "a relay lasts from 1 second to 12 hours, not {value}"),
        ("13h", "a relay lasts from 1 second to 12 hours, not {value}"),
        ("99:00:00", "a relay lasts from 1 second to 12 hours, not {value}"),
    ],
)
def test_bad_durations(text, message):
    with pytest.raises(BadValue) as caught:
        parse_duration(text)
    assert caught.value.code == message


@pytest.mark.parametrize(
    ("seconds", "shown"), [(0, "0:00"), (45, "0:45"), (1800, "30:00"), (3723, "1:02:03")]
)
def test_format_duration(seconds, shown):
    assert format_duration(seconds) == shown


def test_a_streams_password_is_never_shown():
    assert masked("http://source:hackme@ice.example.vn:8000/a.mp3") == (
        "http://source:***@ice.example.vn:8000/a.mp3"
    )
    assert masked("http://ice.example.vn/a.mp3") == "http://ice.example.vn/a.mp3"
    s = Source("T", "", SourceKind.STREAM, url="https://u:p@h/x")
    assert (s.target, s.shown) == ("https://u:p@h/x", "https://u:***@h/x")
    i = Source("I", "", SourceKind.INPUT, device="USB")
    assert (i.target, i.shown) == ("input:USB", "input:USB")
