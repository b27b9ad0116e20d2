"""Loudness normalisation in bounded memory: one gain to the EBU R128 target, and a
look-ahead true-peak limiter where that gain would push peaks over the ceiling.

:func:`normalise_stream` reads a :class:`~.pcm.Source` twice and never holds it whole:

1. **measure**: the K-weighted energy and the 4×-oversampled peak of every ~1 ms block
   (:class:`~.loudness.StreamMeter`);
2. **decide**: the gain to the target and, where that gain would exceed the peak ceiling,
   a limiter envelope that lowers the gain around those peaks only (falling at a constant
   dB/ms ahead of a peak, recovering exponentially with a 50 ms time constant after it;
   per block, interpolated linearly per sample, so the gain is never above what any sample
   needs). The gain is raised until the limited programme meets the target (at most 10 dB
   beyond the plain gain: past that the programme stays quieter and a warning is logged).
   The envelope is computed a stretch of blocks at a time with a margin on each side
   (several seconds: far beyond the reach of the attack and of the release);
3. **write**: the samples times gain and envelope, as 16-bit, to an output, measured again
   on the way; should the gain ramps overshoot the peak ceiling, the output is trimmed
   linearly (a third pass over what was written).

Memory: three float32 values per block (at most :data:`~.loudness.MAX_BLOCKS` blocks) and
a few chunks, whatever the length.
"""

from __future__ import annotations

import logging
import math
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from ..atomic import atomic_path
from ..i18n import N_
from .audio import Loudness
from .decode import open_audio
from .loudness import SILENCE_LUFS, StreamMeter, gated_loudness, hop_energies, hop_size
from .pcm import ArraySource, Source, WavWriter, from_pcm16, to_pcm16

log = logging.getLogger("loabroadcast.speech")

# Limiter (on ~1 ms blocks): how fast the gain falls ahead of a peak and recovers after it,
# and the margin kept under the true-peak limit for the difference between this meter and
# others (ffmpeg oversamples to 192 kHz with another filter).
ATTACK_DB_PER_S = 1500.0
RELEASE_S = 0.05  # time constant of the exponential recovery
PEAK_MARGIN_DB = 0.3
_SMOOTH_BLOCKS = 2
_MAX_MAKEUP_DB = 10.0  # at most this much gain beyond the plain linear gain
_TOLERANCE_LU = 0.05
_SPAN_HOPS = 1 << 10  # the envelope is computed this many 100 ms steps at a time
_MARGIN_S = 5.0  # ... with this much on each side


# --- the limiter's envelope --------------------------------------------------------------------


def _sliding_min(values: np.ndarray, half: int) -> np.ndarray:
    """Minimum over ``[n - half, n + half]`` (inside the array), in O(n) (van Herk/Gil-Werman)."""
    if half <= 0 or len(values) == 0:
        return values.copy()
    width = 2 * half + 1
    total = -(-(len(values) + 2 * half) // width) * width
    padded = np.full(total, np.inf)
    padded[half : half + len(values)] = values
    rows = padded.reshape(-1, width)
    prefix = np.minimum.accumulate(rows, axis=1).reshape(-1)
    suffix = np.minimum.accumulate(rows[:, ::-1], axis=1)[:, ::-1].reshape(-1)
    n = len(values)
    return np.minimum(suffix[:n], prefix[width - 1 : width - 1 + n])


def _box_mean(values: np.ndarray, half: int) -> np.ndarray:
    """Mean over ``[n - half, n + half]``, the ends extended with the edge values."""
    if half <= 0 or len(values) == 0:
        return values.copy()
    padded = np.pad(values, half, mode="edge")
    sums = np.concatenate([[0.0], np.cumsum(padded)])
    return (sums[2 * half + 1 :] - sums[: -2 * half - 1]) / (2 * half + 1)


def limiter_envelope(needed_db: np.ndarray, attack_db: float, release_blocks: float) -> np.ndarray:
    """Gain (dB, ≤ 0) per block, never above ``needed_db`` there (nor, so that it can be
    interpolated, above its neighbours' needs).

    Ahead of a block that needs a cut the gain falls at ``attack_db`` per block (look-ahead);
    after it the cut decays exponentially, by a factor e every ``release_blocks`` blocks
    (deep cuts for clicks recover as fast as shallow ones). Both are closed forms over
    running minima/maxima, so no per-sample loop: ``att[n] = min over k ≥ n of
    needed[k] + (k − n)·attack`` and, with ``c = −needed`` and ``λ = 1/release``,
    ``log(−rel[n]) = max over k ≤ n of log c[k] − (n − k)·λ``. Corners are then rounded.
    """
    n = len(needed_db)
    if n == 0 or not (needed_db < 0).any():
        return np.zeros(n)
    index = np.arange(n, dtype=np.float64)
    ahead = needed_db + index * attack_db
    attacked = np.minimum.accumulate(ahead[::-1])[::-1] - index * attack_db
    decay = 1.0 / max(release_blocks, 1e-9)
    with np.errstate(divide="ignore"):
        depth = np.log(np.maximum(-needed_db, 0.0))  # −inf where no cut is needed
    released = -np.exp(np.maximum.accumulate(depth + index * decay) - index * decay)
    envelope = np.minimum(np.minimum(released, attacked), 0.0)
    envelope = _box_mean(_sliding_min(envelope, _SMOOTH_BLOCKS), _SMOOTH_BLOCKS)
    return _sliding_min(envelope, 1)


def envelope_of(
    peaks: np.ndarray,
    gain_db: float,
    ceiling_db: float,
    attack_db: float,
    release_blocks: float,
    span: int,
    margin: int,
) -> Iterator[tuple[int, np.ndarray]]:
    """(first block, envelope) for consecutive stretches of ``span`` blocks: the limiter's
    gain where ``gain_db`` on blocks with true peaks ``peaks`` must stay under ``ceiling_db``
    (each stretch computed with ``margin`` blocks of context on both sides)."""
    n = len(peaks)
    for lo in range(0, n, span):
        hi = min(lo + span, n)
        a, b = max(0, lo - margin), min(n, hi + margin)
        with np.errstate(divide="ignore"):
            peaks_db = 20.0 * np.log10(peaks[a:b].astype(np.float64))
        needed = np.minimum(ceiling_db - gain_db - peaks_db, 0.0)
        yield lo, limiter_envelope(needed, attack_db, release_blocks)[lo - a : hi - a]


# --- outputs -----------------------------------------------------------------------------------


class Output(Protocol):
    """Where the 16-bit samples go: written once in order, then possibly rewritten."""

    def write(self, samples: np.ndarray) -> None: ...

    def rewrite(self, change: Callable[[np.ndarray], np.ndarray]) -> None: ...


class ArrayOutput:
    def __init__(self, frames: int):
        self.samples = np.zeros(frames, dtype=np.int16)
        self._at = 0

    def write(self, samples: np.ndarray) -> None:
        self.samples[self._at : self._at + len(samples)] = samples
        self._at += len(samples)

    def rewrite(self, change: Callable[[np.ndarray], np.ndarray]) -> None:
        for start in range(0, len(self.samples), 1 << 17):
            part = self.samples[start : start + (1 << 17)]
            part[:] = change(part)


class WavOutput:
    """A mono 16-bit WAV file of known length, written as the samples come."""

    def __init__(self, path: Path, frames: int, rate: int):
        self.path = Path(path)
        self._handle = open(self.path, "wb")  # noqa: SIM115 - closed by close()/abort()
        try:
            self._writer = WavWriter(self._handle, frames, rate)
        except BaseException:
            self._handle.close()
            raise

    def write(self, samples: np.ndarray) -> None:
        self._writer.write(samples)

    def close(self) -> None:
        self._writer.close()
        self._handle.close()

    def abort(self) -> None:
        self._handle.close()

    def rewrite(self, change: Callable[[np.ndarray], np.ndarray]) -> None:
        self._handle.flush()
        with open(self.path, "r+b") as handle:
            handle.seek(44)
            while True:
                at = handle.tell()
                data = handle.read(1 << 18)
                if not data:
                    break
                changed = change(np.frombuffer(data, dtype="<i2"))
                handle.seek(at)
                handle.write(np.asarray(changed, dtype="<i2").tobytes())


# --- normalisation -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    loudness: Loudness  # of the written samples, rounded to 0.1
    gain_db: float  # the linear gain applied (before limiting)
    limited_db: float  # the deepest limiter gain reduction (≤ 0)


@dataclass(frozen=True)
class Normalised:
    """The normalised programme as 16-bit samples, and its measured loudness."""

    samples: np.ndarray  # int16
    loudness: Loudness
    gain_db: float
    limited_db: float


def normalise(
    x: np.ndarray, rate: int, target_lufs: float = -16.0, true_peak_db: float = -1.0
) -> Normalised:
    """``x`` (mono floats, in memory) brought to ``target_lufs`` with its true peak ≤
    ``true_peak_db``: :func:`normalise_stream` into an array."""
    source = ArraySource(x)
    output = ArrayOutput(source.frames)
    result = normalise_stream(source, rate, output, target_lufs, true_peak_db)
    return Normalised(output.samples, result.loudness, result.gain_db, result.limited_db)


def normalise_stream(
    source: Source,
    rate: int,
    output: Output,
    target_lufs: float = -16.0,
    true_peak_db: float = -1.0,
) -> Result:
    """Write ``source`` to ``output`` brought to ``target_lufs`` with its true peak ≤
    ``true_peak_db``. The returned loudness is measured on the 16-bit samples and rounded to
    0.1, like an EBU R128 meter's display. A signal quieter than −69 LUFS is only converted.
    """
    meter = StreamMeter(rate, source.frames)
    for chunk in source.chunks():
        meter.feed(chunk)
    energies, peaks = meter.finish()
    block = meter.block
    measured = gated_loudness(hop_energies(energies, rate, block), hop_size(rate))
    if not math.isfinite(measured) or measured < SILENCE_LUFS:
        written = _write(source, output, rate, block, lambda chunk, _: to_pcm16(chunk))
        return Result(Loudness(float("-inf"), _rounded(written.true_peak_dbtp)), 0.0, 0.0)

    ceiling = true_peak_db - PEAK_MARGIN_DB
    gain, envelope = _makeup(energies, peaks, target_lufs - measured, target_lufs, ceiling,
                             rate, block)  # fmt: skip
    scale = np.float32(10.0 ** (gain / 20.0))

    def apply(chunk: np.ndarray, start: int) -> np.ndarray:
        return to_pcm16(chunk * (_gains(envelope, block, start, len(chunk)) * scale))

    written = _write(source, output, rate, block, apply)
    if written.true_peak_dbtp > true_peak_db - PEAK_MARGIN_DB / 2:  # ramps overshot: trim
        trim = np.float32(10.0 ** ((ceiling - written.true_peak_dbtp) / 20.0))
        again = StreamMeter(rate, source.frames, block, blocks=False)

        def trimmed(samples: np.ndarray) -> np.ndarray:
            new = to_pcm16(from_pcm16(samples) * trim)
            again.feed(from_pcm16(new))
            return new

        output.rewrite(trimmed)
        again.finish()
        written = again.loudness()
    if written.integrated_lufs < target_lufs - 0.5:
        log.warning(
            N_(
                "programme loudness %(lufs).1f LUFS stays below the %(target).1f LUFS target: "
                "reaching it would take more than %(gain).0f dB of gain into the true-peak limiter"
            ),
            {"lufs": written.integrated_lufs, "target": target_lufs, "gain": _MAX_MAKEUP_DB},
        )
    return Result(
        Loudness(_rounded(written.integrated_lufs), _rounded(written.true_peak_dbtp)),
        gain_db=gain,
        limited_db=float(envelope.min()) if len(envelope) else 0.0,
    )


def _write(source: Source, output: Output, rate: int, block: int, convert) -> Loudness:
    """Pass ``source`` through ``convert(chunk, start)`` into ``output``; measure what went."""
    meter = StreamMeter(rate, source.frames, block, blocks=False)
    start = 0
    for chunk in source.chunks():
        samples = convert(chunk, start)
        start += len(chunk)
        output.write(samples)
        meter.feed(from_pcm16(samples))
    meter.finish()
    return meter.loudness()


def _gains(envelope_db: np.ndarray, block: int, start: int, count: int) -> np.ndarray:
    """The limiter's gain per sample of [start, start + count): the block gains interpolated
    linearly between block centres (constant beyond the first and last)."""
    if len(envelope_db) == 0:
        return np.ones(count, dtype=np.float32)
    lo = max(0, start // block - 1)
    hi = min(len(envelope_db), (start + count) // block + 2)
    centres = (np.arange(lo, hi) + 0.5) * block - 0.5
    gains = np.power(10.0, envelope_db[lo:hi].astype(np.float64) / 20.0)
    return np.interp(np.arange(start, start + count), centres, gains).astype(np.float32)


def _makeup(
    energies: np.ndarray,
    peaks: np.ndarray,
    linear: float,
    target_lufs: float,
    ceiling: float,
    rate: int,
    block: int,
) -> tuple[float, np.ndarray]:
    """The gain (dB) and limiter envelope that bring the limited programme to the target.

    Limiting only lowers loudness, so the gain lies between the plain linear gain and
    that plus :data:`_MAX_MAKEUP_DB`; it is found by the secant method on the loudness of
    the block energies weighted by the gain (K-weighting commutes with a gain this slow).
    """
    attack = ATTACK_DB_PER_S * block / rate
    release = RELEASE_S * rate / block
    highest = linear + _MAX_MAKEUP_DB
    hop = hop_size(rate)
    per_hop = hop // block
    span = _SPAN_HOPS * per_hop
    margin = int(_MARGIN_S * rate / block)

    def attempt(gain: float) -> tuple[float, np.ndarray]:
        envelope = np.zeros(len(peaks), dtype=np.float32)
        steps = np.zeros(len(energies) // per_hop, dtype=np.float64)
        for lo, part in envelope_of(peaks, gain, ceiling, attack, release, span, margin):
            envelope[lo : lo + len(part)] = part
            whole = min(len(part), len(energies) - lo) // per_hop
            if whole > 0:
                used = part[: whole * per_hop]
                weights = np.power(10.0, (gain + used) / 10.0)
                weighted = energies[lo : lo + whole * per_hop] * weights
                steps[lo // per_hop : lo // per_hop + whole] = weighted.reshape(whole, per_hop).sum(
                    axis=1
                )
        return gated_loudness(steps, hop), envelope

    gain = linear
    reached, envelope = attempt(gain)
    previous: tuple[float, float] | None = None
    for _ in range(8):
        error = target_lufs - reached
        if abs(error) <= _TOLERANCE_LU or (gain >= highest and error > 0):
            break
        slope = 1.0
        if previous is not None and gain != previous[0]:
            slope = min(1.0, max(0.05, (reached - previous[1]) / (gain - previous[0])))
        previous = (gain, reached)
        gain = min(highest, max(linear, gain + error / slope))
        reached, envelope = attempt(gain)
    return gain, envelope


def _rounded(value: float) -> float:
    return round(value, 1) if math.isfinite(value) else value


# --- files -------------------------------------------------------------------------------------


def write_normalised(
    source: Source, out: Path | str, rate: int, target_lufs: float, true_peak_db: float
) -> Result:
    """Normalise ``source`` into the WAV file ``out`` (atomically: all of it or nothing)."""
    with atomic_path(Path(out)) as tmp:
        output = WavOutput(tmp, source.frames, rate)
        try:
            result = normalise_stream(source, rate, output, target_lufs, true_peak_db)
        except BaseException:
            output.abort()
            raise
        output.close()
    return result


def loudnorm(
    src: Path | str,
    dst: Path | str,
    target_lufs: float = -16.0,
    true_peak: float = -1.0,
    sample_rate: int = 44100,
) -> Loudness:
    """Normalise the file ``src`` (any kind ffmpeg reads) into a mono 16-bit WAV ``dst`` at
    ``sample_rate``; returns the loudness of the written samples (−inf for silence, which
    is only converted)."""
    dst = Path(dst)
    with tempfile.TemporaryDirectory(dir=dst.parent, prefix=".loudnorm-") as work:
        source = open_audio(Path(src), sample_rate, Path(work))
        return write_normalised(source, dst, sample_rate, target_lufs, true_peak).loudness
