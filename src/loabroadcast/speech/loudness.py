"""Loudness in numpy: ITU-R BS.1770-4 / EBU R128 integrated loudness, true peak, resampling,
a look-ahead true-peak limiter and 16-bit PCM files, so a programme is normalised without
running ffmpeg (which stays the independent reference: ``audio.measure_loudness``).

* **K-weighting** is applied in the frequency domain: the exact response of the two
  BS.1770 biquads (pre-filter shelf and RLB high-pass, the standard's 48 kHz coefficients,
  moved to other rates by the bilinear transform's frequency warping) multiplies the
  spectrum of 2^16-sample chunks (overlap-add, with ~0.1 s of tail for the filters'
  impulse response to die out): the IIR filters' output to within float32 rounding, at
  ~40 ms per minute of audio.
* **Gating**: 400 ms blocks every 100 ms, absolute gate −70 LUFS, relative gate −10 LU.
* **True peak**: the peak of the signal oversampled 4× by a Kaiser-windowed sinc
  interpolator (32 taps per phase; phase 0 is the signal itself).
* **Normalisation** (:func:`normalise`): one gain to the target loudness; where that gain
  would push the true peak over the ceiling, a look-ahead limiter lowers the gain around
  those peaks only (falling at a constant dB/ms ahead of a peak, recovering exponentially
  with a 50 ms time constant after it; computed on ~1 ms blocks and interpolated linearly
  per sample, so the gain is never above what any sample needs). The gain is raised until
  the limited programme meets the target (at most 10 dB beyond the plain gain: past that
  the programme stays quieter and a warning is logged); the written 16-bit samples are
  measured again and, should the gain ramps overshoot the peak ceiling, trimmed linearly.
"""

from __future__ import annotations

import functools
import logging
import math
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import AudioError
from ..wavfile import open_wav
from .audio import Loudness, atomic_path, decode_pcm16

log = logging.getLogger("loabroadcast.speech")

# ITU-R BS.1770-4 K-weighting at 48 kHz: (b0, b1, b2), (1, a1, a2) of each stage.
K_WEIGHTING_48K = (
    (
        (1.53512485958697, -2.69169618940638, 1.19839281085285),
        (1.0, -1.69065929318241, 0.73248077421585),
    ),
    ((1.0, -2.0, 1.0), (1.0, -1.99004745483398, 0.99007225036621)),
)
ABSOLUTE_GATE_LUFS = -70.0
RELATIVE_GATE_LU = -10.0
OVERSAMPLING = 4
SILENCE_LUFS = -69.0  # quieter than this is treated as silence: nothing to normalise

_OFFSET = -0.691  # the BS.1770 constant: a 997 Hz full-scale sine reads −3.01 LUFS
_FFT_SIZE = 1 << 16
_INTERP_HALF_TAPS = 16
_KAISER_BETA = 8.0
_FFT_RESAMPLE_MAX = 1 << 23  # longer files are resampled by ffmpeg (bounded memory)

# Limiter (on ~1 ms blocks): how fast the gain falls ahead of a peak and recovers after it,
# and the margin kept under the true-peak limit for the difference between this meter and
# others (ffmpeg oversamples to 192 kHz with another filter).
ATTACK_DB_PER_S = 1500.0
RELEASE_S = 0.05  # time constant of the exponential recovery
PEAK_MARGIN_DB = 0.3
_SMOOTH_BLOCKS = 2
_MAX_MAKEUP_DB = 10.0  # at most this much gain beyond the plain linear gain
_TOLERANCE_LU = 0.05
_APPLY_CHUNK = 1 << 20


# --- helpers ---------------------------------------------------------------------------------


def _db(power_ratio: float) -> float:
    return 10.0 * math.log10(power_ratio) if power_ratio > 0 else float("-inf")


def _amplitude_db(amplitude: float) -> float:
    return 20.0 * math.log10(amplitude) if amplitude > 0 else float("-inf")


def hop_size(rate: int) -> int:
    """Samples in 100 ms (the gating step; a gating block is four of them)."""
    return max(1, round(rate / 10))


def block_size(rate: int) -> int:
    """The limiter's block, ~1 ms: the divisor of :func:`hop_size` nearest ``rate / 1000``."""
    hop, want = hop_size(rate), max(1.0, rate / 1000)
    divisors = [d for d in range(1, int(2 * want) + 2) if hop % d == 0]
    return min(divisors, key=lambda d: (abs(d - want), d))


def _smooth_length(n: int) -> int:
    """The smallest integer ≥ ``n`` of the form 2^a·3^b·5^c·7^d (fast FFT sizes)."""
    best = 1 << max(0, (n - 1).bit_length())
    p7 = 1
    while p7 < best:
        p5 = p7
        while p5 < best:
            p3 = p5
            while p3 < best:
                value = p3
                while value < n:
                    value *= 2
                best = min(best, value)
                p3 *= 3
            p5 *= 5
        p7 *= 7
    return best


# --- K-weighting and gating --------------------------------------------------------------------


def k_weighting_response(freqs_hz: np.ndarray, rate: int) -> np.ndarray:
    """Complex response of the BS.1770 K-weighting filter at ``freqs_hz`` for ``rate``.

    The 48 kHz biquads are evaluated at the frequency the bilinear transform maps ``f`` to
    (same analogue prototype), which is how the filter is redesigned for another rate.
    """
    half_angle = np.pi * np.asarray(freqs_hz, dtype=np.float64) / rate
    omega = 2.0 * np.arctan((rate / 48000.0) * np.tan(np.minimum(half_angle, np.pi / 2)))
    z1 = np.exp(-1j * omega)
    z2 = z1 * z1
    response = np.ones_like(z1)
    for (b0, b1, b2), (_, a1, a2) in K_WEIGHTING_48K:
        response *= (b0 + b1 * z1 + b2 * z2) / (1.0 + a1 * z1 + a2 * z2)
    return response


@functools.lru_cache(maxsize=8)
def _k_plan(rate: int, block: int) -> tuple[int, int, np.ndarray]:
    """(FFT size, chunk length, K-weighting response on the rfft bins) for ``rate``."""
    tail = 1 << max(10, math.ceil(math.log2(rate * 0.09)))
    size = max(_FFT_SIZE, 8 * tail)
    chunk = (size - tail) // block * block
    response = k_weighting_response(np.fft.rfftfreq(size, 1.0 / rate), rate)
    return size, chunk, response.astype(np.complex64)


def k_weighted_energies(x: np.ndarray, rate: int, block: int) -> np.ndarray:
    """Sum of squares of the K-weighted ``x`` over consecutive ``block``-sample blocks.

    The filter starts at rest (as an IIR filter would); a final partial block is dropped.
    """
    x = np.asarray(x, dtype=np.float32)
    size, chunk, response = _k_plan(rate, block)
    energies = np.empty(len(x) // block, dtype=np.float64)
    carry = np.zeros(0, dtype=np.float32)
    for start in range(0, len(x), chunk):
        seg = x[start : start + chunk]
        y = np.fft.irfft(np.fft.rfft(seg, size) * response, size).astype(np.float32, copy=False)
        y[: len(carry)] += carry
        carry = y[len(seg) :].copy()
        whole = len(seg) // block
        if whole:
            squares = np.square(y[: whole * block], dtype=np.float64)
            first = start // block
            energies[first : first + whole] = squares.reshape(whole, block).sum(axis=1)
    return energies


def gated_loudness(hop_energies: np.ndarray, hop: int) -> float:
    """Integrated loudness (LUFS) from the K-weighted energy of each 100 ms step."""
    sums = np.asarray(hop_energies, dtype=np.float64)
    if len(sums) < 4:
        return float("-inf")
    blocks = (sums[:-3] + sums[1:-2] + sums[2:-1] + sums[3:]) / (4 * hop)
    with np.errstate(divide="ignore"):
        levels = _OFFSET + 10.0 * np.log10(blocks)
    kept = levels > ABSOLUTE_GATE_LUFS
    if not kept.any():
        return float("-inf")
    relative = _OFFSET + _db(float(blocks[kept].mean())) + RELATIVE_GATE_LU
    kept &= levels > relative
    return _OFFSET + _db(float(blocks[kept].mean()))


def _hop_energies(block_energies: np.ndarray, rate: int, block: int) -> np.ndarray:
    per_hop = hop_size(rate) // block
    whole = len(block_energies) // per_hop
    return block_energies[: whole * per_hop].reshape(whole, per_hop).sum(axis=1)


def integrated_loudness(x: np.ndarray, rate: int) -> float:
    """BS.1770-4 gated integrated loudness of mono ``x`` (floats, full scale ±1) in LUFS."""
    block = block_size(rate)
    energies = k_weighted_energies(x, rate, block)
    return gated_loudness(_hop_energies(energies, rate, block), hop_size(rate))


# --- interpolation, true peak and resampling ---------------------------------------------------


@functools.lru_cache(maxsize=8)
def _phase_filters(factor: int) -> np.ndarray:
    """Kaiser-windowed sinc filters for phases 1..factor-1 (rows); tap j weighs
    ``x[n + j - half + 1]`` for the value at ``n + phase / factor``."""
    half = _INTERP_HALF_TAPS
    taps = np.arange(-half + 1, half + 1, dtype=np.float64)
    rows = []
    for phase in range(1, factor):
        t = taps - phase / factor
        window = np.i0(_KAISER_BETA * np.sqrt(np.clip(1.0 - (t / half) ** 2, 0.0, None)))
        row = np.sinc(t) * window / np.i0(_KAISER_BETA)
        rows.append(row / row.sum())
    return np.array(rows, dtype=np.float32)


def _phases(x: np.ndarray, factor: int, start: int, stop: int) -> list[np.ndarray]:
    """The interpolated values at ``n + p / factor`` for n in [start, stop), p = 1..factor-1."""
    half = _INTERP_HALF_TAPS
    lo, hi = start - half + 1, stop + half
    padded = x[max(lo, 0) : min(hi, len(x))]
    if lo < 0 or hi > len(x):
        before, after = max(0, -lo), max(0, hi - len(x))
        padded = np.concatenate([np.zeros(before, x.dtype), padded, np.zeros(after, x.dtype)])
    return [np.correlate(padded, row, "valid") for row in _phase_filters(factor)]


def upsample(x: np.ndarray, factor: int) -> np.ndarray:
    """``x`` at ``factor`` times the rate (band-limited interpolation, original samples kept)."""
    x = np.asarray(x, dtype=np.float32)
    out = np.empty((len(x), factor), dtype=np.float32)
    out[:, 0] = x
    for start in range(0, len(x), _FFT_SIZE):
        stop = min(start + _FFT_SIZE, len(x))
        for p, values in enumerate(_phases(x, factor, start, stop), start=1):
            out[start:stop, p] = values
    return out.reshape(-1)


def block_peaks(x: np.ndarray, block: int) -> np.ndarray:
    """Per ``block`` samples, the largest magnitude of ``x`` oversampled 4× (the values
    between sample n and n + 1 count for n's block); a final partial block counts."""
    x = np.asarray(x, dtype=np.float32)
    count = -(-len(x) // block)
    peaks = np.zeros(count, dtype=np.float32)
    step = max(block, _FFT_SIZE // block * block)
    for start in range(0, len(x), step):
        stop = min(start + step, len(x))
        high = np.abs(x[start:stop])
        for values in _phases(x, OVERSAMPLING, start, stop):
            np.maximum(high, np.abs(values), out=high)
        pad = -len(high) % block
        if pad:
            high = np.concatenate([high, np.zeros(pad, high.dtype)])
        peaks[start // block : start // block + len(high) // block] = high.reshape(-1, block).max(
            axis=1
        )
    return peaks


def true_peak(x: np.ndarray) -> float:
    """True peak of ``x`` in dBTP (−inf for silence): the peak of ``x`` oversampled 4×."""
    if len(x) == 0:
        return float("-inf")
    return _amplitude_db(float(block_peaks(x, _FFT_SIZE).max()))


def resample(x: np.ndarray, src_rate: int, dst_rate: int) -> np.ndarray | None:
    """``x`` at ``dst_rate``, band-limited; None when it is too long to do here (use ffmpeg).

    Integer up-sampling (22,050 → 44,100 Hz) uses the windowed-sinc interpolator; any
    other ratio an FFT (the spectrum cut or zero-extended, with silence padded so the
    periodic extension does not wrap the ends into each other).
    """
    x = np.asarray(x, dtype=np.float32)
    if src_rate == dst_rate or len(x) == 0:
        return x
    if dst_rate % src_rate == 0 and dst_rate // src_rate <= 8:
        return upsample(x, dst_rate // src_rate)
    if len(x) > _FFT_RESAMPLE_MAX:
        return None
    common = math.gcd(src_rate, dst_rate)
    up, down = dst_rate // common, src_rate // common
    wanted = len(x) * up // down
    pad = max(1024, src_rate // 20)
    k = _smooth_length(-(-(len(x) + pad) // down))
    n_in, n_out = down * k, up * k
    spectrum = np.fft.rfft(x, n_in)
    bins = n_out // 2 + 1
    out = np.zeros(bins, dtype=spectrum.dtype)
    kept = min(bins, len(spectrum))
    out[:kept] = spectrum[:kept]
    if n_out > n_in and n_in % 2 == 0:
        out[n_in // 2] *= 0.5  # the old Nyquist bin is shared by ± frequencies
    elif n_out < n_in and n_out % 2 == 0:
        out[-1] = 0.0  # the new Nyquist bin: drop rather than alias
    y = np.fft.irfft(out, n_out) * (n_out / n_in)
    return y[:wanted].astype(np.float32)


# --- limiter and normalisation -----------------------------------------------------------------


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


@dataclass(frozen=True)
class Normalised:
    """The normalised programme as 16-bit samples, and its measured loudness."""

    samples: np.ndarray  # int16
    loudness: Loudness
    gain_db: float  # the linear gain applied (before limiting)
    limited_db: float  # the deepest limiter gain reduction (≤ 0)


def to_pcm16(x: np.ndarray) -> np.ndarray:
    """Floats (full scale ±1) to 16-bit samples, rounded and clipped."""
    return np.clip(np.rint(np.asarray(x, dtype=np.float32) * 32768.0), -32768, 32767).astype(
        np.int16
    )


def from_pcm16(samples: np.ndarray) -> np.ndarray:
    return np.asarray(samples, dtype=np.float32) / np.float32(32768.0)


def measure(x: np.ndarray, rate: int) -> Loudness:
    """Integrated loudness and true peak of ``x`` (unrounded)."""
    return Loudness(integrated_loudness(x, rate), true_peak(x))


def normalise(
    x: np.ndarray, rate: int, target_lufs: float = -16.0, true_peak_db: float = -1.0
) -> Normalised:
    """``x`` (mono floats) brought to ``target_lufs`` with its true peak ≤ ``true_peak_db``.

    The returned loudness is measured on the 16-bit samples and rounded to 0.1, like an
    EBU R128 meter's display. A signal quieter than −69 LUFS is only converted.
    """
    x = np.asarray(x, dtype=np.float32)
    block = block_size(rate)
    energies = k_weighted_energies(x, rate, block)
    hop = hop_size(rate)
    measured = gated_loudness(_hop_energies(energies, rate, block), hop)
    if not math.isfinite(measured) or measured < SILENCE_LUFS:
        samples = to_pcm16(x)
        peak = true_peak(from_pcm16(samples))
        return Normalised(samples, Loudness(float("-inf"), _rounded(peak)), 0.0, 0.0)

    ceiling = true_peak_db - PEAK_MARGIN_DB
    peaks = block_peaks(x, block)
    with np.errstate(divide="ignore"):
        peaks_db = 20.0 * np.log10(peaks.astype(np.float64))
    linear = target_lufs - measured
    gain, envelope = _makeup(energies, peaks_db, linear, target_lufs, ceiling, rate, block)
    samples = _apply(x, envelope, gain, block)
    written = from_pcm16(samples)
    peak = true_peak(written)
    if peak > true_peak_db - PEAK_MARGIN_DB / 2:  # the gain ramps overshot: trim linearly
        samples = to_pcm16(written * np.float32(10.0 ** ((ceiling - peak) / 20.0)))
        written = from_pcm16(samples)
        peak = true_peak(written)
    loudness = integrated_loudness(written, rate)
    if loudness < target_lufs - 0.5:
        log.warning(
            "programme loudness %.1f LUFS stays below the %.1f LUFS target: reaching it "
            "would take more than %.0f dB of gain into the true-peak limiter",
            loudness,
            target_lufs,
            _MAX_MAKEUP_DB,
        )
    return Normalised(
        samples,
        Loudness(_rounded(loudness), _rounded(peak)),
        gain_db=gain,
        limited_db=float(envelope.min()) if len(envelope) else 0.0,
    )


def _apply(x: np.ndarray, envelope_db: np.ndarray, gain_db: float, block: int) -> np.ndarray:
    """``x`` times the gain and the limiter envelope (interpolated linearly between block
    centres), as 16-bit samples; done in chunks to bound memory."""
    centres = (np.arange(len(envelope_db)) + 0.5) * block - 0.5
    gains = np.power(10.0, envelope_db / 20.0)
    scale = np.float32(10.0 ** (gain_db / 20.0))
    samples = np.empty(len(x), dtype=np.int16)
    for start in range(0, len(x), _APPLY_CHUNK):
        stop = min(start + _APPLY_CHUNK, len(x))
        per_sample = np.interp(np.arange(start, stop), centres, gains).astype(np.float32)
        samples[start:stop] = to_pcm16(x[start:stop] * (per_sample * scale))
    return samples


def _makeup(
    energies: np.ndarray,
    peaks_db: np.ndarray,
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

    def attempt(gain: float) -> tuple[float, np.ndarray]:
        envelope = limiter_envelope(np.minimum(ceiling - gain - peaks_db, 0.0), attack, release)
        weights = np.power(10.0, (gain + envelope[: len(energies)]) / 10.0)
        return gated_loudness(_hop_energies(energies * weights, rate, block), hop), envelope

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


# --- PCM files ---------------------------------------------------------------------------------


def read_wav(path: Path | str) -> tuple[np.ndarray, int]:
    """(mono float samples, rate) of an integer PCM WAV file (channels averaged).

    ``AudioError`` when it is not a WAV the ``wave`` module reads (e.g. float WAV).
    """
    with open_wav(path) as wav:
        channels, width, rate = wav.getnchannels(), wav.getsampwidth(), wav.getframerate()
        data = wav.readframes(wav.getnframes())
    if width == 1:
        ints = np.frombuffer(data, dtype=np.uint8).astype(np.float32) - 128.0
    elif width == 2:
        ints = np.frombuffer(data, dtype="<i2").astype(np.float32)
    elif width == 3:
        raw = np.frombuffer(data[: len(data) // 3 * 3], dtype=np.uint8).reshape(-1, 3)
        joined = raw[:, 0].astype(np.int32) | raw[:, 1].astype(np.int32) << 8
        joined |= raw[:, 2].astype(np.int8).astype(np.int32) << 16
        ints = joined.astype(np.float32)
    elif width == 4:
        ints = np.frombuffer(data, dtype="<i4").astype(np.float32)
    else:
        raise AudioError(f"{path}: unsupported WAV sample width {width}")
    scaled = ints / np.float32(2.0 ** (8 * width - 1))
    if channels > 1:
        scaled = scaled[: len(scaled) // channels * channels].reshape(-1, channels).mean(axis=1)
    return scaled.astype(np.float32, copy=False), rate


def load_mono(path: Path | str, rate: int) -> np.ndarray:
    """``path`` as mono float samples at ``rate``: integer PCM WAVs are read and resampled
    here; anything else (mp3, ogg, float WAV, very long files) is decoded by one ffmpeg call.
    ``AudioError`` for a missing, unsupported or unreadable file."""
    path = Path(path)
    if path.suffix.lower() == ".wav" and path.is_file():
        try:
            samples, src_rate = read_wav(path)
        except AudioError:
            samples, src_rate = None, 0
        if samples is not None and len(samples):
            resampled = resample(samples, src_rate, rate)
            if resampled is not None:
                return resampled
    return from_pcm16(np.frombuffer(decode_pcm16(path, rate), dtype="<i2"))


def write_wav(path: Path | str, samples: np.ndarray, rate: int) -> None:
    """Write 16-bit mono ``samples`` to ``path`` as a PCM WAV, atomically."""
    data = np.asarray(samples, dtype="<i2").tobytes()
    with atomic_path(Path(path)) as tmp, wave.open(str(tmp), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(data)
