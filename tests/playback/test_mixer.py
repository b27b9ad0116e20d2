"""The frame placement arithmetic, with a fake stream clock: buffers of a card whose DAC
times we choose, and cues placed in them."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from loabroadcast.playback.mixer import Cue, CueState, Mixer, frames_until
from loabroadcast.playback.pcm import MemoryReader
from loabroadcast.playback.stream import AirStream
from loabroadcast.testing import FakeClock

RATE = 1000  # one frame per millisecond: instants read as frame numbers
BLOCK = 64


class FakeCard:
    """Asks the mixer for buffers of BLOCK frames; buffer k reaches the card at t0 + k·BLOCK."""

    def __init__(self, mixer: Mixer, t0: float = 100.0, channels: int = 2):
        self.mixer = mixer
        self.t0 = t0
        self.k = 0
        self.out: list[np.ndarray] = []
        self.channels = channels

    def dac(self, k: int | None = None) -> float:
        return self.t0 + (self.k if k is None else k) * BLOCK / RATE

    def run(self, buffers: int, jitter: float = 0.0) -> np.ndarray:
        for _ in range(buffers):
            buf = np.full((BLOCK, self.channels), 999, dtype=np.int16)  # garbage in
            self.mixer.fill(buf, BLOCK, self.dac() + jitter)
            self.out.append(buf.copy())
            self.k += 1
        return np.concatenate(self.out)

    def instant_of(self, frame: int) -> float:
        return self.t0 + frame / RATE


def ramp(n: int, start: int = 1) -> MemoryReader:
    return MemoryReader(np.arange(start, start + n, dtype=np.int16))


@pytest.mark.parametrize(
    ("target", "dac", "expected"),
    [(100.010, 100.0, 10), (100.0, 100.0, 0), (99.995, 100.0, -5), (100.0104, 100.0, 10)],
)
def test_frames_until(target, dac, expected):
    assert frames_until(target, dac, RATE) == expected


def test_a_cue_is_heard_on_its_instant_mid_buffer():
    mixer = Mixer(RATE)
    card = FakeCard(mixer)
    cue = Cue(ramp(50), at=card.instant_of(150))  # in the middle of the third buffer
    mixer.add(cue)
    out = card.run(5)
    first = int(np.flatnonzero(out[:, 0])[0])
    assert first == 150
    assert np.array_equal(out[150:200, 0], np.arange(1, 51))
    assert np.array_equal(out[:, 0], out[:, 1])  # mono to every channel
    assert not out[:150].any() and not out[200:].any()  # silence around it, never garbage
    assert cue.started == pytest.approx(card.instant_of(150))
    assert cue.ended == pytest.approx(card.instant_of(200))
    assert cue.state is CueState.DONE and cue.finished.is_set() and cue.completed


def test_the_gap_after_the_previous_cue_is_exact_to_the_frame():
    mixer = Mixer(RATE)
    card = FakeCard(mixer)
    first = Cue(ramp(70), at=card.instant_of(10))
    second = Cue(ramp(30, start=500), gap_s=0.025)
    third = Cue(ramp(5, start=900), gap_s=0.0)
    for cue in (first, second, third):
        mixer.add(cue)
    out = card.run(4)[:, 0]
    assert second.started - first.ended == pytest.approx(0.025)
    assert third.started == pytest.approx(second.ended)  # back to back: no frame lost
    assert np.array_equal(out[80:105], np.zeros(25))
    assert out[105] == 500 and out[135] == 900


def test_a_cue_queued_late_starts_at_once_and_says_how_late():
    mixer = Mixer(RATE)
    card = FakeCard(mixer)
    card.run(2)
    cue = Cue(ramp(10), at=card.instant_of(30))  # its instant has passed
    mixer.add(cue)
    out = card.run(1)[:, 0]
    assert out[128] == 1  # the first frame of the next buffer
    assert cue.started - cue.at == pytest.approx(0.098)


def test_as_soon_as_possible_is_the_next_buffer():
    mixer = Mixer(RATE)
    card = FakeCard(mixer)
    card.run(1)
    cue = Cue(ramp(10))
    mixer.add(cue)
    card.run(1)
    assert cue.started == pytest.approx(card.dac(1))


def test_placement_follows_the_card_clock_not_the_buffer_count():
    """A card whose buffers arrive with a DAC time that jumps (an underrun moved it):
    the cue still lands on its instant, wherever the buffers fall."""
    mixer = Mixer(RATE)
    card = FakeCard(mixer)
    cue = Cue(ramp(20), at=card.instant_of(300))
    mixer.add(cue)
    card.run(2)
    card.t0 += 0.037  # the card skipped 37 ms: later buffers are heard later
    mixer.underrun()
    card.run(4)
    assert cue.started == pytest.approx(card.t0 - 0.037 + 0.300)
    assert mixer.underruns == 1 and cue.underruns == 0  # it was not on air yet


def test_underruns_count_for_the_cue_on_air():
    mixer = Mixer(RATE)
    card = FakeCard(mixer)
    cue = Cue(ramp(300), at=card.instant_of(0))
    mixer.add(cue)
    card.run(1)
    mixer.underrun()
    mixer.underrun()
    card.run(5)
    assert cue.underruns == 2 and cue.completed


def test_a_cut_ends_what_plays_at_the_next_buffer_and_drops_what_waits():
    mixer = Mixer(RATE)
    card = FakeCard(mixer)
    playing = Cue(ramp(1000), at=card.instant_of(0))
    waiting = Cue(ramp(10), gap_s=0.5)
    mixer.add(playing)
    mixer.add(waiting)
    card.run(3)
    mixer.request_cut()
    assert mixer.pending_cut
    out = card.run(2)[:, 0]
    assert not mixer.pending_cut
    assert playing.state is CueState.CUT and playing.ended == pytest.approx(card.dac(3))
    assert playing.frames_out == 3 * BLOCK
    assert waiting.state is CueState.DROPPED and waiting.started is None
    assert waiting.finished.is_set()
    assert not out[3 * BLOCK :].any()
    emergency = Cue(ramp(5, start=77), at=card.dac() + 0.010)
    mixer.add(emergency)
    out = card.run(1)[:, 0]
    assert emergency.started - playing.ended == pytest.approx(2 * BLOCK / RATE + 0.010)
    assert out[-BLOCK + 10] == 77


def test_heard_until_follows_the_frames_handed_to_the_card():
    mixer = Mixer(RATE)
    card = FakeCard(mixer)
    cue = Cue(ramp(500), at=card.instant_of(0))
    mixer.add(cue)
    card.run(2)
    assert cue.heard_until(card.instant_of(50), RATE) == pytest.approx(card.instant_of(50))
    assert cue.heard_until(card.instant_of(400), RATE) == pytest.approx(card.instant_of(128))


def test_a_dead_stream_starts_nothing():
    mixer = Mixer(RATE)
    card = FakeCard(mixer)
    playing = Cue(ramp(1000), at=card.instant_of(0))
    waiting = Cue(ramp(10), gap_s=0.0)
    mixer.add(playing)
    mixer.add(waiting)
    card.run(1)
    mixer.fail(card.dac())
    out = card.run(2)[:, 0]
    assert playing.state is CueState.CUT and waiting.state is CueState.DROPPED
    assert not out[BLOCK:].any()


@pytest.mark.parametrize(
    ("now", "ready_at", "placement", "want_at"),
    [
        (1000.0, 1000.15, {}, 1000.15),  # still starting: as soon as possible means once ready
        (1000.2, 1000.15, {}, None),  # ready: as soon as possible stays so
        (1000.0, None, {}, None),  # a stream that needs no settling
        (1000.0, 1000.15, {"at": 1000.05}, 1000.05),  # an instant asked for is kept
        (1000.0, 1000.15, {"gap_s": 0.0}, None),  # a gap after the previous cue is kept
    ],
)
def test_a_starting_stream_places_as_soon_as_possible_once_ready(now, ready_at, placement, want_at):
    stream = AirStream(RATE, FakeClock(datetime(2026, 11, 30, tzinfo=UTC), monotonic_start=now))
    stream.ready_at = ready_at
    cue = stream.add(Cue(MemoryReader(np.zeros((10, 1), dtype=np.int16)), **placement))
    assert cue.at == want_at
    assert stream.mixer.queue[0] is cue
