"""What the mixer reads a relay from (live, a short gap, the fallback, live again), and the
dead-air guard's tap on what goes to the card. The card's buffers are simulated: these are
the real-time paths, driven buffer by buffer."""

from __future__ import annotations

import numpy as np
import pytest

from loabroadcast.sources.deadair import DeadAir, Ended, Started
from loabroadcast.sources.guard import DeadAirGuard, GuardedReader
from loabroadcast.sources.relay import Mode, RelayReader
from loabroadcast.sources.ring import PcmRing

RATE = 1000  # frames per second, small numbers
BUF = 20  # frames per card buffer (20 ms)
LIVE, NOTICE = 1000, -2000  # sample values that tell live audio from the fallback


def pull(reader, buffers: int, channels: int = 2) -> np.ndarray:
    """What the card gets over ``buffers`` buffers (channel 0)."""
    out = np.zeros((BUF, channels), dtype=np.int16)
    got = []
    for _ in range(buffers):
        n = reader.read_into(out, 0, BUF)
        got.append(out[:n, 0].copy())
    return np.concatenate(got)


def relay(frames=10_000, ring_s=1.0, **kw):
    ring = PcmRing(int(ring_s * RATE))
    notice = np.full(300, NOTICE, dtype=np.int16)
    return ring, RelayReader(ring, notice, frames, RATE, grace_s=0.1, resume_s=0.2, **kw)


def test_live_while_it_comes():
    ring, reader = relay()
    ring.write(np.full(500, LIVE, dtype=np.int16))
    heard = pull(reader, 20)
    assert heard.tolist() == [LIVE] * 400
    assert (reader.mode, reader.live_frames, reader.switches) == (Mode.LIVE, 400, [])


def test_dry_ring_a_short_gap_then_the_fallback_then_live_again():
    ring, reader = relay()
    ring.write(np.full(100, LIVE, dtype=np.int16))
    heard = pull(reader, 20)  # 100 live, 100 silence (grace), 200 fallback
    assert heard[:100].tolist() == [LIVE] * 100
    assert heard[100:200].tolist() == [0] * 100
    assert heard[200:].tolist() == [NOTICE] * 200
    ring.write(np.full(150, LIVE, dtype=np.int16))  # not enough to resume (0.2 s)
    assert set(pull(reader, 2).tolist()) == {NOTICE}
    ring.write(np.full(100, LIVE, dtype=np.int16))  # 250 waiting: resume
    assert pull(reader, 5).tolist() == [LIVE] * 100
    assert [mode for _, mode in reader.switches] == [
        Mode.GAP, Mode.FALLBACK, Mode.LIVE,
    ]  # fmt: skip
    assert [at for at, _ in reader.switches] == [100, 200, 440]
    assert reader.fallback_frames == 240 and reader.fallback_s == 0.24


def test_a_hiccup_shorter_than_the_grace_is_silence_not_the_notice():
    ring, reader = relay()
    ring.write(np.full(100, LIVE, dtype=np.int16))
    pull(reader, 5)
    pull(reader, 2)  # 40 frames of gap
    ring.write(np.full(400, LIVE, dtype=np.int16))
    heard = pull(reader, 5)
    assert set(heard.tolist()) == {LIVE}
    assert reader.fallback_frames == 0 and reader.gap_frames == 40


def test_it_always_hands_out_what_is_asked_up_to_its_length():
    ring, reader = relay(frames=50)
    heard = pull(reader, 5)
    assert len(heard) == 50 and reader.position == 50
    assert reader.read_into(np.zeros((BUF, 1), dtype=np.int16), 0, BUF) == 0


def test_the_guards_answer_holds_the_notice_once_whole():
    ring, reader = relay()
    ring.write(np.full(1000, LIVE, dtype=np.int16))
    pull(reader, 5)
    reader.fall_back()  # what waits in the ring is the silence the guard heard: dropped
    heard = pull(reader, 1)
    ring.write(np.full(500, LIVE, dtype=np.int16))  # the source sends again
    heard = np.concatenate([heard, pull(reader, 19)])
    assert heard[:300].tolist() == [NOTICE] * 300  # the whole notice
    assert heard[300:].tolist() == [LIVE] * 100  # then live again


# -- the guard ------------------------------------------------------------------------


class Tape:
    """A frame reader over fixed samples that can be told to fall behind."""

    def __init__(self, samples):
        self.samples = np.asarray(samples, dtype=np.int16)
        self.frames = len(self.samples)
        self.pos = 0
        self.behind = False

    def read_into(self, out, start, count):
        if self.behind:
            return 0
        n = min(count, self.frames - self.pos)
        out[start : start + n] = self.samples[self.pos : self.pos + n, None]
        self.pos += n
        return n

    def close(self):
        pass


def tone_then_silence(loud_s, quiet_s, loud_again_s=0.0):
    loud = (0.1 * 32767 * np.sin(np.arange(int(loud_s * RATE)) * 0.3)).astype(np.int16)
    again = loud[: int(loud_again_s * RATE)]
    return np.concatenate([loud, np.zeros(int(quiet_s * RATE), dtype=np.int16), again])


def test_the_guard_hears_a_file_that_goes_silent_midway():
    reader = GuardedReader(Tape(tone_then_silence(1.0, 3.0, 1.0)), RATE)
    guard = DeadAirGuard(reader, -40.0, 2.0)
    changes = []
    for _ in range(5 * RATE // BUF):
        pull(reader, 1)
        changes += guard.poll()
    changes += guard.finish()
    assert changes == [Started(1.0), Ended(DeadAir(1.0, 3.0))]
    assert guard.total_s == pytest.approx(3.0)
    assert reader.written == 50  # 5 s in blocks of 0.1 s


def test_a_feeder_behind_is_silence_on_the_card():
    tape = Tape(tone_then_silence(10.0, 0.0))
    reader = GuardedReader(tape, RATE)
    guard = DeadAirGuard(reader, -40.0, 1.0)
    pull(reader, 25)  # 0.5 s
    tape.behind = True
    pull(reader, 75)  # 1.5 s of nothing handed out
    tape.behind = False
    pull(reader, 25)
    assert guard.finish() == [Started(0.5), Ended(DeadAir(0.5, 1.5))]


def test_a_loud_item_is_never_dead_air_and_its_level_is_measured():
    reader = GuardedReader(Tape(tone_then_silence(3.0, 0.0)), RATE)
    guard = DeadAirGuard(reader, -40.0, 0.5)
    pull(reader, 150)
    assert guard.finish() == []
    levels, upto = reader.levels(0)
    assert upto == 30 and all(-24.0 < level < -22.0 for level in levels)  # 0.1 FS sine
