"""Streaming gives the very values the whole-array computations give, whatever the chunks."""

from __future__ import annotations

import wave

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loabroadcast.speech import limiter as LM
from loabroadcast.speech import loudness as L
from loabroadcast.speech import pcm

RATE = 44100


def noise(n: int, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n).astype(np.float32) * 0.2
    x[n // 3 : n // 3 + 50] = 0.99  # a click: peaks and the limiter have work
    return x


class Chunked:
    """A source that hands out its samples in uneven chunks (as a real one may)."""

    def __init__(self, x: np.ndarray, sizes: list[int]):
        self.x, self.sizes, self.frames = x, sizes, len(x)

    def chunks(self, size: int = pcm.CHUNK):
        start, i = 0, 0
        while start < self.frames:
            step = self.sizes[i % len(self.sizes)]
            yield self.x[start : start + step]
            start, i = start + step, i + 1


def joined(source, size=pcm.CHUNK) -> np.ndarray:
    parts = list(source.chunks(size))
    return np.concatenate(parts) if parts else np.zeros(0, np.float32)


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(0, 150_000),
    sizes=st.lists(st.integers(1, 70_000), min_size=1, max_size=4),
    factor=st.sampled_from([2, 3, 4]),
)
def test_upsampled_in_chunks_is_upsample(n, sizes, factor):
    x = noise(n)
    source = pcm.Upsampled(Chunked(x, sizes), factor)
    assert source.frames == n * factor
    for size in (1000, pcm.CHUNK):
        np.testing.assert_array_equal(joined(source, size), pcm.upsample(x, factor))


@settings(max_examples=25, deadline=None)
@given(n=st.integers(0, 300_000), sizes=st.lists(st.integers(1, 90_000), min_size=1, max_size=4))
def test_meters_in_chunks_equal_the_whole(n, sizes):
    x = noise(n)
    block = L.block_size(RATE)
    meter = L.StreamMeter(RATE, n, block)
    for chunk in Chunked(x, sizes).chunks():
        meter.feed(chunk)
    energies, peaks = meter.finish()
    np.testing.assert_allclose(energies, L.k_weighted_energies(x, RATE, block), rtol=1e-6)
    np.testing.assert_array_equal(peaks, L.block_peaks(x, block))
    assert meter.loudness().integrated_lufs == pytest.approx(L.integrated_loudness(x, RATE))
    if n:
        assert meter.loudness().true_peak_dbtp == pytest.approx(L.true_peak(x), abs=1e-5)


def test_faded_fades_both_ends_only():
    x = np.ones(1000, dtype=np.float32)
    for size in (7, 100, 1000):
        y = joined(pcm.Faded(pcm.ArraySource(x), 50), size)
        assert y[0] < 0.01 and y[-1] < 0.01 and (y[50:950] == 1.0).all()
        np.testing.assert_allclose(y[:50], y[::-1][:50])
        assert (np.diff(y[:50]) > 0).all()


def test_wav_and_raw_sources_read_what_was_written(tmp_path):
    samples = pcm.to_pcm16(noise(100_000))
    pcm.write_wav(tmp_path / "a.wav", samples, RATE)
    with wave.open(str(tmp_path / "a.wav")) as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getnframes()) == (1, 2, 100_000)
    wav_source = pcm.WavSource(tmp_path / "a.wav")
    np.testing.assert_array_equal(joined(wav_source, 3333), pcm.from_pcm16(samples))
    raw = pcm.RawPcm16(tmp_path / "a.wav", offset=44)
    np.testing.assert_array_equal(joined(raw, 4096), pcm.from_pcm16(samples))


def test_the_limiter_envelope_in_stretches_is_the_envelope_of_the_whole():
    rng = np.random.default_rng(7)
    peaks = (rng.random(50_000) ** 6).astype(np.float32)  # mostly quiet, a few loud blocks
    peaks[12_345] = 1.0
    gain, ceiling, attack, release = 12.0, -1.3, 1.5, 50.0
    whole_needed = np.minimum(ceiling - gain - 20 * np.log10(peaks.astype(np.float64)), 0.0)
    whole = LM.limiter_envelope(whole_needed, attack, release)
    parts = np.zeros(len(peaks))
    for lo, part in LM.envelope_of(peaks, gain, ceiling, attack, release, 4096, 5000):
        parts[lo : lo + len(part)] = part
    np.testing.assert_allclose(parts, whole, atol=1e-9)
    assert whole.min() < -10


def test_normalise_stream_into_a_file_is_normalise_in_memory(tmp_path):
    x = noise(5 * RATE)
    in_memory = LM.normalise(x, RATE, -16.0, -1.0)
    result = LM.write_normalised(Chunked(x, [12_345]), tmp_path / "n.wav", RATE, -16.0, -1.0)
    written = pcm.WavSource(tmp_path / "n.wav")
    np.testing.assert_array_equal(pcm.to_pcm16(joined(written)), in_memory.samples)
    assert result.loudness == in_memory.loudness
    assert result.loudness.integrated_lufs == pytest.approx(-16.0, abs=0.2)
    assert result.loudness.true_peak_dbtp <= -1.0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["n.wav"]


def test_a_long_programme_gets_longer_blocks():
    assert L.block_size(RATE) == 45  # ~1 ms
    assert L.block_size(RATE, 3600 * RATE) == 45  # an hour: still ~1 ms
    four_hours = L.block_size(RATE, 4 * 3600 * RATE)
    assert 4 * 3600 * RATE / four_hours <= L.MAX_BLOCKS and L.hop_size(RATE) % four_hours == 0
