"""Loudness in numpy: ITU-R BS.1770-4 / EBU R128 integrated loudness, true peak and
resampling, measured in bounded memory, so a programme is measured without running ffmpeg
(which stays the independent reference: ``audio.measure_loudness``).

* **K-weighting** is applied in the frequency domain: the exact response of the two
  BS.1770 biquads (pre-filter shelf and RLB high-pass, the standard's 48 kHz coefficients,
  moved to other rates by the bilinear transform's frequency warping) multiplies the
  spectrum of 2^16-sample chunks (overlap-add, with ~0.1 s of tail for the filters'
  impulse response to die out): the IIR filters' output to within float32 rounding, at
  ~40 ms per minute of audio.
* **Gating**: 400 ms blocks every 100 ms, absolute gate −70 LUFS, relative gate −10 LU,
  computed from the K-weighted energy of each 100 ms step: so a stream is measured from its
  step energies, never held whole.
* **True peak**: the peak of the signal oversampled 4× by a Kaiser-windowed sinc
  interpolator (32 taps per phase; phase 0 is the signal itself).
* :class:`StreamMeter` measures a stream fed a chunk at a time: the K-weighted energy and
  the true peak of every ~1 ms block (what the limiter in :mod:`.limiter` works on), the
  very values the whole-array functions give.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path

import numpy as np

from ..errors import AudioError
from .audio import Loudness, decode_pcm16
from .pcm import (  # re-exported: the interpolator and 16-bit conversions live in pcm
    WavSource,
    from_pcm16,
    interpolate,
    to_pcm16,
    upsample,
)

__all__ = [
    "Loudness",
    "StreamMeter",
    "block_peaks",
    "block_size",
    "from_pcm16",
    "gated_loudness",
    "hop_size",
    "integrated_loudness",
    "k_weighted_energies",
    "load_mono",
    "measure",
    "read_wav",
    "resample",
    "to_pcm16",
    "true_peak",
    "upsample",
]

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
#: Longer signals are resampled by ffmpeg (an FFT of the whole would take memory).
FFT_RESAMPLE_MAX = 1 << 21
#: At most this many limiter blocks per programme: a longer one gets longer blocks, so that
#: the per-block arrays (energy, peak, gain: 4 bytes each) stay under ~50 MB.
MAX_BLOCKS = 1 << 22


# --- helpers ---------------------------------------------------------------------------------


def _db(power_ratio: float) -> float:
    return 10.0 * math.log10(power_ratio) if power_ratio > 0 else float("-inf")


def _amplitude_db(amplitude: float) -> float:
    return 20.0 * math.log10(amplitude) if amplitude > 0 else float("-inf")


def hop_size(rate: int) -> int:
    """Samples in 100 ms (the gating step; a gating block is four of them)."""
    return max(1, round(rate / 10))


def block_size(rate: int, frames: int = 0) -> int:
    """The limiter's block: the divisor of :func:`hop_size` nearest ``rate / 1000`` (~1 ms),
    or, for a programme of more than :data:`MAX_BLOCKS` of those, the smallest divisor that
    keeps it to that many blocks."""
    hop, want = hop_size(rate), max(1.0, rate / 1000)
    divisors = [d for d in range(1, hop + 1) if hop % d == 0]
    block = min((d for d in divisors if d <= 2 * want + 1), key=lambda d: (abs(d - want), d))
    if frames > MAX_BLOCKS * block:
        block = next((d for d in divisors if d * MAX_BLOCKS >= frames), hop)
    return block


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


class KWeighting:
    """K-weighted energy of consecutive ``block``-sample blocks of a stream fed a chunk at a
    time (the filter starts at rest, as an IIR filter would; a final partial block is
    dropped): the values :func:`k_weighted_energies` gives for the whole."""

    def __init__(self, rate: int, block: int, frames: int):
        self.block = block
        self.size, self.chunk, self.response = _k_plan(rate, block)
        self.energies = np.zeros(frames // block, dtype=np.float32)
        self._buffer = np.empty(self.chunk, dtype=np.float32)
        self._fill = 0
        self._done = 0  # blocks written
        self._carry = np.zeros(0, dtype=np.float32)

    def feed(self, x: np.ndarray) -> None:
        x = np.asarray(x, dtype=np.float32)
        while len(x):
            take = min(len(x), self.chunk - self._fill)
            self._buffer[self._fill : self._fill + take] = x[:take]
            self._fill += take
            x = x[take:]
            if self._fill == self.chunk:
                self._process(self._buffer)
                self._fill = 0

    def finish(self) -> np.ndarray:
        if self._fill:
            self._process(self._buffer[: self._fill])
            self._fill = 0
        return self.energies

    def _process(self, seg: np.ndarray) -> None:
        y = np.fft.irfft(np.fft.rfft(seg, self.size) * self.response, self.size)
        y = y.astype(np.float32, copy=False)
        y[: len(self._carry)] += self._carry
        self._carry = y[len(seg) :].copy()
        whole = min(len(seg) // self.block, len(self.energies) - self._done)
        if whole > 0:
            squares = np.square(y[: whole * self.block], dtype=np.float64)
            sums = squares.reshape(whole, self.block).sum(axis=1)
            self.energies[self._done : self._done + whole] = sums
            self._done += whole


def k_weighted_energies(x: np.ndarray, rate: int, block: int) -> np.ndarray:
    """Sum of squares of the K-weighted ``x`` over consecutive ``block``-sample blocks.

    The filter starts at rest (as an IIR filter would); a final partial block is dropped.
    """
    meter = KWeighting(rate, block, len(x))
    meter.feed(x)
    return meter.finish().astype(np.float64)


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


def hop_energies(block_energies: np.ndarray, rate: int, block: int) -> np.ndarray:
    """The energy of each whole 100 ms step (float64) from the energies of its blocks."""
    per_hop = hop_size(rate) // block
    whole = len(block_energies) // per_hop
    steps = np.asarray(block_energies[: whole * per_hop], dtype=np.float64)
    return steps.reshape(whole, per_hop).sum(axis=1)


def integrated_loudness(x: np.ndarray, rate: int) -> float:
    """BS.1770-4 gated integrated loudness of mono ``x`` (floats, full scale ±1) in LUFS."""
    block = block_size(rate)
    energies = k_weighted_energies(x, rate, block)
    return gated_loudness(hop_energies(energies, rate, block), hop_size(rate))


# --- interpolation, true peak and resampling ---------------------------------------------------


class TruePeaks:
    """Per ``block`` samples of a stream fed a chunk at a time, the largest magnitude of the
    signal oversampled 4× (the values between sample n and n + 1 count for n's block; a final
    partial block counts): the values :func:`block_peaks` gives for the whole.
    ``keep=False`` keeps only the highest."""

    def __init__(self, block: int, frames: int, keep: bool = True):
        self.block, self.frames = block, frames
        self.peaks = np.zeros(-(-frames // block) if keep else 0, dtype=np.float32)
        self.highest = 0.0
        self._window = np.zeros(0, dtype=np.float32)  # samples from index _base on
        self._base = 0
        self._done = 0  # samples whose peaks are known

    def feed(self, x: np.ndarray) -> None:
        self._window = np.concatenate([self._window, np.asarray(x, dtype=np.float32)])
        ready = self._base + len(self._window) - _INTERP_HALF_TAPS  # has all its context
        stop = ready // self.block * self.block
        if stop > self._done:
            self._process(stop)

    def finish(self) -> np.ndarray:
        if self._done < self.frames:
            self._process(self.frames)
        return self.peaks

    def _process(self, stop: int) -> None:
        start, base, window = self._done, self._base, self._window
        high = np.abs(window[start - base : stop - base])
        for values in interpolate(window, OVERSAMPLING, start - base, stop - base):
            np.maximum(high, np.abs(values), out=high)
        if len(high):
            self.highest = max(self.highest, float(high.max()))
        if len(self.peaks):
            pad = -len(high) % self.block
            if pad:
                high = np.concatenate([high, np.zeros(pad, high.dtype)])
            first = start // self.block
            self.peaks[first : first + len(high) // self.block] = high.reshape(-1, self.block).max(
                axis=1
            )
        self._done = stop
        keep = max(0, stop - _INTERP_HALF_TAPS + 1 - base)  # the look-back of the next block
        self._window, self._base = window[keep:], base + keep


def block_peaks(x: np.ndarray, block: int) -> np.ndarray:
    """Per ``block`` samples, the largest magnitude of ``x`` oversampled 4× (the values
    between sample n and n + 1 count for n's block); a final partial block counts."""
    x = np.asarray(x, dtype=np.float32)
    meter = TruePeaks(block, len(x))
    for start in range(0, len(x), _FFT_SIZE):
        meter.feed(x[start : start + _FFT_SIZE])
    return meter.finish()


class StreamMeter:
    """Integrated loudness and true peak of a stream of ``frames`` samples at ``rate``, fed a
    chunk at a time; with ``blocks=True`` the per-block energies and peaks are kept (for
    the limiter)."""

    def __init__(self, rate: int, frames: int, block: int | None = None, blocks: bool = True):
        self.rate, self.frames = rate, frames
        self.block = block or block_size(rate, frames)
        self.k = KWeighting(rate, self.block, frames)
        self.tp = TruePeaks(self.block, frames, keep=blocks)

    def feed(self, x: np.ndarray) -> None:
        self.k.feed(x)
        self.tp.feed(x)

    def finish(self) -> tuple[np.ndarray, np.ndarray]:
        """(block energies, block peaks)."""
        return self.k.finish(), self.tp.finish()

    def loudness(self) -> Loudness:
        energies = self.k.energies
        lufs = gated_loudness(hop_energies(energies, self.rate, self.block), hop_size(self.rate))
        return Loudness(lufs, _amplitude_db(self.tp.highest) if self.frames else float("-inf"))


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
    if len(x) > FFT_RESAMPLE_MAX:
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


# --- PCM files ---------------------------------------------------------------------------------


def read_wav(path: Path | str) -> tuple[np.ndarray, int]:
    """(mono float samples, rate) of an integer PCM WAV file (channels averaged), whole.

    ``AudioError`` when it is not a WAV the ``wave`` module reads (e.g. float WAV).
    """
    source = WavSource(path)
    chunks = list(source.chunks())
    samples = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)
    return samples, source.rate


def measure(x: np.ndarray, rate: int) -> Loudness:
    """Integrated loudness and true peak of ``x`` (unrounded)."""
    return Loudness(integrated_loudness(x, rate), true_peak(x))


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
