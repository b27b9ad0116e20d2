"""The dead-air guard as the player uses it (playback.watch): levels of what a cue hands to
the card, dead air reported at once, a relay answered with its fallback and a reconnect,
and the as-run values of the item's end. The card's buffers are simulated; the relay's
source is a real stream source that is never started (nothing to connect to)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from loabroadcast.clock import SystemClock
from loabroadcast.domain.content import Source, SourceKind
from loabroadcast.playback.relaying import RelayAudio
from loabroadcast.playback.watch import Watch
from loabroadcast.sources.guard import GuardedReader
from loabroadcast.sources.stream import StreamSource

RATE = 8000
BUF = 160  # 20 ms
START = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)
NOTICE = -3000


class Tape:
    def __init__(self, samples):
        self.samples = np.asarray(samples, dtype=np.int16)
        self.frames = len(self.samples)
        self.pos = 0

    def read_into(self, out, start, count):
        n = min(count, self.frames - self.pos)
        out[start : start + n] = self.samples[self.pos : self.pos + n, None]
        self.pos += n
        return n

    def close(self):
        pass


def pull(reader, seconds: float, watch: Watch | None = None) -> np.ndarray:
    out = np.zeros((BUF, 1), dtype=np.int16)
    heard = []
    for _ in range(int(seconds * RATE / BUF)):
        n = reader.read_into(out, 0, BUF)
        heard.append(out[:n, 0].copy())
        if watch is not None:
            watch.poll()
    return np.concatenate(heard)


def tone(seconds: float) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return (0.2 * 32767 * np.sin(2 * np.pi * 500 * t)).astype(np.int16)


def test_a_file_that_goes_silent_is_dead_air_reported_once_and_logged_with_its_start():
    samples = np.concatenate([tone(1.0), np.zeros(int(2.0 * RATE), np.int16), tone(1.0)])
    reader = GuardedReader(Tape(samples), RATE)
    said = []
    watch = Watch(reader, silence_db=-40.0, silence_s=1.0, started=lambda: START,
                  message_id=7, on_error=said.append)  # fmt: skip
    pull(reader, 4.0, watch)
    values = watch.finish()
    assert said == ["dead air on message 7: silent for more than 1 s"]
    assert values == {
        "dead_air_s": 2.0,
        "dead_air": [{"started_at": (START + timedelta(seconds=1)).isoformat(), "length_s": 2.0}],
    }


def test_a_loud_item_has_no_dead_air_but_is_watched():
    reader = GuardedReader(Tape(tone(2.0)), RATE)
    watch = Watch(reader, silence_db=-40.0, silence_s=0.5, started=lambda: START, message_id=1)
    pull(reader, 2.0, watch)
    assert watch.finish() == {"dead_air_s": 0.0, "dead_air": []}


def relay_audio(seconds: float) -> RelayAudio:
    live = StreamSource("http://127.0.0.1:9/tinh.mp3", RATE, buffer_s=1.0)  # never started
    source = Source("TINH", "", SourceKind.STREAM, live.url, None)
    notice = np.full(int(0.5 * RATE), NOTICE, dtype=np.int16)
    return RelayAudio(source, live, notice, rate=RATE, seconds=seconds, connect_timeout_s=2.0,
                      clock=SystemClock())  # fmt: skip


def test_a_relay_source_sending_silence_gets_the_fallback_and_a_reconnect():
    audio = relay_audio(6.0)
    reader = GuardedReader(audio.reader(), RATE)
    watch = Watch(reader, silence_db=-40.0, silence_s=1.0, started=lambda: START,
                  message_id=3, relay=audio)  # fmt: skip
    audio.live.ring.write(tone(0.5))
    pull(reader, 0.5, watch)
    silence = np.zeros(BUF, np.int16)
    heard = []
    for _ in range(int(2.5 * RATE / BUF)):  # upstream off the air: it sends silence
        audio.live.ring.write(silence)
        heard.append(pull(reader, BUF / RATE, watch))
    heard = np.concatenate(heard)
    assert NOTICE in heard[int(1.0 * RATE) :]  # the notice, once silence passed 1 s
    assert audio.live._asked_reason() == "silent for more than 1 s"  # told to reconnect
    values = watch.finish()
    assert values["relay_source"] == "TINH" and values["dropouts"] == 1
    assert values["fallback_s"] == pytest.approx(0.5)  # the notice once, whole
    assert values["dead_air_s"] == pytest.approx(1.1, abs=0.1)  # over when the notice came


def test_an_unreachable_relay_says_why_once_its_time_to_connect_has_passed():
    audio = relay_audio(5.0)
    audio.live.error = "Connection refused"
    audio.opened -= 10.0  # it has been trying for 10 s
    from loabroadcast.errors import PlaybackError

    with pytest.raises(PlaybackError) as caught:
        audio.wait_reachable(0.0)
    assert str(caught.value) == "relay source TINH could not be reached: Connection refused"
    assert audio.facts() == {"relay_source": "TINH", "dropouts": 0, "fallback_s": 0.0}
