"""The stream source against a real Icecast server fed by ffmpeg: the tone decoded (its
frequency and level), in MP3, AAC and Ogg/Opus; the feeder killed → the drop reported, and
audio again within 3 s of the feeder coming back; an unreachable URL → a clear failure."""

from __future__ import annotations

import time

import numpy as np
import pytest

from loabroadcast.sources.levels import level_db
from loabroadcast.sources.live import EventKind, SourceState
from loabroadcast.sources.stream import StreamSource, parse_format

pytestmark = pytest.mark.slow

RATE = 48_000
# ffmpeg's sine source: amplitude 1/8, so an RMS of 1/(8·√2): −21.1 dBFS
TONE_DB = 20 * np.log10(1 / 8 / np.sqrt(2))


def dominant_hz(samples: np.ndarray, rate: int) -> float:
    x = samples.astype(np.float64) * np.hanning(len(samples))
    spectrum = np.abs(np.fft.rfft(x))
    return float(np.argmax(spectrum) * rate / len(samples))


def listen(source: StreamSource, seconds: float) -> np.ndarray:
    """``seconds`` of audio out of the source's ring, as it comes."""
    want, heard = int(seconds * RATE), []
    got = 0
    deadline = time.monotonic() + seconds + 5
    while got < want and time.monotonic() < deadline:
        source.wait_buffered(0.1, 0.5)
        block = source.ring.read(want - got)
        heard.append(block)
        got += len(block)
    return np.concatenate(heard)


@pytest.mark.parametrize(
    ("codec", "freq", "expect"),
    [("mp3", 440.0, "mp3"), ("aac", 660.0, "aac"), ("opus", 880.0, "opus")],
)
def test_the_tone_comes_through_at_its_frequency_and_level(ice, codec, freq, expect):
    feeder = ice.feed(f"tone-{codec}", freq, codec)
    source = StreamSource(feeder.url, RATE, buffer_s=3.0, connect_timeout_s=3.0)
    with source:
        assert source.wait_live(5), source.error
        audio = listen(source, 1.5)
    assert len(audio) == int(1.5 * RATE)
    steady = audio[RATE // 4 :]  # past any encoder start-up
    assert dominant_hz(steady, RATE) == pytest.approx(freq, abs=2.0)
    assert level_db(steady) == pytest.approx(TONE_DB, abs=1.0)
    assert source.format is not None and source.format.codec == expect
    assert [e.kind for e in source.events] == [EventKind.CONNECTED]
    assert source.dropouts == 0


def test_the_first_audio_comes_quickly_and_the_ring_holds_the_newest_seconds(ice):
    feeder = ice.feed("quick")
    time.sleep(1.5)  # the server holds what came for new listeners (a burst)
    source = StreamSource(feeder.url, RATE, buffer_s=1.0)
    started = time.monotonic()
    with source:
        assert source.wait_live(5)
        first = time.monotonic() - started
        assert source.wait_buffered(1.0, 5)
        time.sleep(0.5)  # the ring is full: the oldest go, it stays 1 s
        assert source.ring.available == source.ring.capacity == RATE
        assert source.ring.dropped > 0
    assert first < 1.5


def test_a_killed_feeder_is_a_drop_and_audio_is_back_within_3_s_of_its_return(ice):
    feeder = ice.feed("drop", 440.0)
    events = []
    source = StreamSource(
        feeder.url, RATE, buffer_s=1.0, connect_timeout_s=3.0, retry_max_s=1.0,
        on_event=events.append,
    )  # fmt: skip
    with source:
        assert source.wait_live(5)
        listen(source, 0.5)
        feeder.kill()
        assert source.wait_for(lambda: source.state is SourceState.CONNECTING, 5)
        assert source.dropouts == 1
        dropped = next(e for e in events if e.kind is EventKind.DROPPED)
        assert dropped.detail  # the reason, in ffmpeg's words
        time.sleep(1.0)  # the upstream stays away: attempts fail (404, no mount)
        assert any(e.kind is EventKind.FAILED for e in events)
        assert "404" in source.error
        feeder.start()
        back = time.monotonic()
        assert source.wait_live(5)
        reconnect_s = time.monotonic() - back
        source.ring.clear()
        audio = listen(source, 0.5)
    assert reconnect_s <= 3.0
    assert dominant_hz(audio, RATE) == pytest.approx(440.0, abs=3.0)
    kinds = [e.kind for e in events]
    assert kinds[0] is EventKind.CONNECTED and kinds[-1] is EventKind.CONNECTED
    assert kinds.count(EventKind.DROPPED) == 1


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://127.0.0.1:{closed}/vov1.mp3", "Connection refused"),
        ("http://127.0.0.1:{port}/no-such-mount.mp3", "404"),
    ],
)
def test_an_unreachable_url_fails_clearly_and_keeps_trying(ice, url, words):
    from icecast import free_port

    events = []
    source = StreamSource(
        url.format(closed=free_port(), port=ice.port), RATE, connect_timeout_s=2.0,
        retry_max_s=0.5, on_event=events.append,
    )  # fmt: skip
    with source:
        assert not source.wait_live(1.5)
        assert source.state is SourceState.CONNECTING
    failed = [e for e in events if e.kind is EventKind.FAILED]
    assert len(failed) >= 2  # it tried again, backing off
    assert words in failed[0].detail
    assert source.dropouts == 0 and source.state is SourceState.STOPPED


def test_stopping_ends_ffmpeg_at_once(ice):
    feeder = ice.feed("stop")
    source = StreamSource(feeder.url, RATE)
    source.start()
    assert source.wait_live(5)
    began = time.monotonic()
    source.stop()
    assert time.monotonic() - began < 1.0
    assert source.state is SourceState.STOPPED


def test_a_reconnect_asked_drops_the_connection_with_its_reason_and_connects_again(ice):
    feeder = ice.feed("again")
    with StreamSource(feeder.url, RATE, retry_max_s=0.5) as source:
        assert source.wait_live(5)
        source.reconnect("silent for more than 10 s")
        assert source.wait_for(lambda: source.dropouts == 1, 3)
        assert source.wait_live(3), source.error
        drop = next(e for e in source.events if e.kind is EventKind.DROPPED)
        assert drop.detail == "silent for more than 10 s"
        assert [e.kind for e in source.events][-1] is EventKind.CONNECTED


def test_ffmpegs_words_about_the_input_are_its_format():
    lines = [
        "Input #0, ogg, from 'http://127.0.0.1:8000/x.ogg':",
        "  Metadata:",
        "    icy-name        : Đài Phát thanh tỉnh",
        "  Stream #0:0: Audio: opus, 48000 Hz, stereo, fltp",
        "Output #0, s16le, to 'pipe:1':",
        "  Stream #0:0: Audio: pcm_s16le, 48000 Hz, mono, s16, 768 kb/s",
    ]
    found = parse_format(lines[:4])
    assert (found.container, found.codec, found.rate, found.channels, found.name) == (
        "ogg", "opus", 48000, "stereo", "Đài Phát thanh tỉnh",
    )  # fmt: skip
    aac = parse_format(["  Stream #0:0: Audio: aac (LC), 44100 Hz, stereo, fltp, 128 kb/s"])
    assert (aac.codec, aac.rate, aac.bitrate) == ("aac", 44100, "128 kb/s")
    assert aac.describe() == "aac, 44100 Hz, stereo, 128 kb/s"
