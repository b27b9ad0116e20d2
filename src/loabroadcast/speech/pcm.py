"""Mono PCM in bounded memory: sources read in chunks, 16-bit WAV files written in chunks.

A :class:`Source` knows how many frames it holds and yields them as float32 chunks (full
scale ±1), from the start, each time it is asked: an hour of audio is read twice (to
measure it, then to write it) without ever being held whole. Sources: an array already in
memory, silence, a WAV file (any integer width and channel count, mixed to mono), raw
16-bit samples decoded by ffmpeg into a temporary file, a source faded at both ends, one
band-limited up-sampled by an integer factor, and several played one after the other.

:class:`WavWriter` writes a mono 16-bit WAV whose length is known in advance: its header
first, then the samples as they come.
"""

from __future__ import annotations

import functools
import struct
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO, Protocol

import numpy as np

from ..atomic import atomic_path
from ..errors import AudioError
from ..i18n import N_
from ..wavfile import open_wav

CHUNK = 1 << 17  # samples per chunk (~3 s at 44.1 kHz; 512 KB as float32)
INTERP_HALF_TAPS = 16  # the sinc interpolator's reach on each side (see loudness)


class Source(Protocol):
    frames: int

    def chunks(self, size: int = CHUNK) -> Iterator[np.ndarray]:
        """The samples as float32 chunks of at most ``size``, from the first."""


def to_pcm16(x: np.ndarray) -> np.ndarray:
    """Floats (full scale ±1) to 16-bit samples, rounded and clipped."""
    return np.clip(np.rint(np.asarray(x, dtype=np.float32) * 32768.0), -32768, 32767).astype(
        np.int16
    )


def from_pcm16(samples: np.ndarray) -> np.ndarray:
    return np.asarray(samples, dtype=np.float32) / np.float32(32768.0)


class ArraySource:
    """Samples already in memory (short parts: a chime, a sentence)."""

    def __init__(self, samples: np.ndarray):
        self.samples = np.asarray(samples, dtype=np.float32)
        self.frames = len(self.samples)

    def chunks(self, size: int = CHUNK) -> Iterator[np.ndarray]:
        for start in range(0, self.frames, size):
            yield self.samples[start : start + size]


class Silence:
    def __init__(self, frames: int):
        self.frames = max(0, int(frames))

    def chunks(self, size: int = CHUNK) -> Iterator[np.ndarray]:
        for start in range(0, self.frames, size):
            yield np.zeros(min(size, self.frames - start), dtype=np.float32)


def _ints(data: bytes, width: int) -> np.ndarray:
    """Little-endian integer PCM bytes of ``width`` as float32 scaled to ±1."""
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
        raise AudioError(N_("unsupported WAV sample width {width}"), width=width)
    return ints / np.float32(2.0 ** (8 * width - 1))


def mono(scaled: np.ndarray, channels: int) -> np.ndarray:
    if channels > 1:
        scaled = scaled[: len(scaled) // channels * channels].reshape(-1, channels).mean(axis=1)
    return scaled.astype(np.float32, copy=False)


class WavSource:
    """An integer PCM WAV file, mixed to mono, read a chunk at a time."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        with open_wav(self.path) as wav:
            self.channels, self.width = wav.getnchannels(), wav.getsampwidth()
            self.rate, self.frames = wav.getframerate(), wav.getnframes()
        if self.width not in (1, 2, 3, 4):
            raise AudioError(
                N_("{file}: unsupported WAV sample width {width}"),
                file=str(self.path),
                width=self.width,
            )

    def chunks(self, size: int = CHUNK) -> Iterator[np.ndarray]:
        with open_wav(self.path) as wav:
            left = self.frames
            while left > 0:
                data = wav.readframes(min(size, left))
                if not data:
                    raise AudioError(
                        N_("{file}: the file is shorter than its header says"), file=str(self.path)
                    )
                chunk = mono(_ints(data, self.width), self.channels)
                left -= len(chunk)
                yield chunk


class RawPcm16:
    """Mono 16-bit little-endian samples in a file (``offset`` bytes of header skipped)."""

    def __init__(self, path: Path | str, offset: int = 0, frames: int | None = None):
        self.path, self.offset = Path(path), offset
        size = self.path.stat().st_size - offset
        self.frames = size // 2 if frames is None else min(frames, size // 2)

    def chunks(self, size: int = CHUNK) -> Iterator[np.ndarray]:
        with open(self.path, "rb") as handle:
            handle.seek(self.offset)
            left = self.frames
            while left > 0:
                data = handle.read(2 * min(size, left))
                if len(data) < 2:
                    raise AudioError(N_("{file}: shorter than expected"), file=str(self.path))
                chunk = from_pcm16(np.frombuffer(data[: len(data) // 2 * 2], dtype="<i2"))
                left -= len(chunk)
                yield chunk


class Faded:
    """``inner`` with a raised-cosine fade-in and fade-out of ``samples`` each: no click
    where a file starts or stops on a jump."""

    def __init__(self, inner: Source, samples: int):
        self.inner, self.frames = inner, inner.frames
        self.n = min(samples, self.frames // 2)
        n = max(self.n, 1)
        self.ramp = (0.5 - 0.5 * np.cos(np.pi * (np.arange(n) + 0.5) / n)).astype(np.float32)

    def chunks(self, size: int = CHUNK) -> Iterator[np.ndarray]:
        n, position = self.n, 0
        for chunk in self.inner.chunks(size):
            start, stop = position, position + len(chunk)
            position = stop
            if n <= 0 or (n <= start and stop <= self.frames - n):
                yield chunk
                continue
            chunk = np.array(chunk, dtype=np.float32)
            head = slice(start, min(stop, n))
            if head.start < head.stop:
                chunk[head.start - start : head.stop - start] *= self.ramp[head]
            tail_from = max(start, self.frames - n)
            if tail_from < stop:
                ramp = self.ramp[::-1][tail_from - (self.frames - n) : stop - (self.frames - n)]
                chunk[tail_from - start : stop - start] *= ramp
            yield chunk


class Sequence_:
    """Sources played one after the other."""

    def __init__(self, parts: Sequence[Source]):
        self.parts = list(parts)
        self.frames = sum(p.frames for p in self.parts)

    def chunks(self, size: int = CHUNK) -> Iterator[np.ndarray]:
        for part in self.parts:
            yield from part.chunks(size)


# --- band-limited interpolation (true peak, integer up-sampling) ---------------------------

_KAISER_BETA = 8.0
_BLOCK = 1 << 16


@functools.lru_cache(maxsize=8)
def phase_filters(factor: int) -> np.ndarray:
    """Kaiser-windowed sinc filters for phases 1..factor-1 (rows); tap j weighs
    ``x[n + j - half + 1]`` for the value at ``n + phase / factor``."""
    half = INTERP_HALF_TAPS
    taps = np.arange(-half + 1, half + 1, dtype=np.float64)
    rows = []
    for phase in range(1, factor):
        t = taps - phase / factor
        window = np.i0(_KAISER_BETA * np.sqrt(np.clip(1.0 - (t / half) ** 2, 0.0, None)))
        row = np.sinc(t) * window / np.i0(_KAISER_BETA)
        rows.append(row / row.sum())
    return np.array(rows, dtype=np.float32)


def interpolate(x: np.ndarray, factor: int, start: int, stop: int) -> list[np.ndarray]:
    """The interpolated values at ``n + p / factor`` for n in [start, stop), p = 1..factor-1
    (zeros assumed before and after ``x``)."""
    half = INTERP_HALF_TAPS
    lo, hi = start - half + 1, stop + half
    padded = x[max(lo, 0) : min(hi, len(x))]
    if lo < 0 or hi > len(x):
        before, after = max(0, -lo), max(0, hi - len(x))
        padded = np.concatenate([np.zeros(before, x.dtype), padded, np.zeros(after, x.dtype)])
    return [np.correlate(padded, row, "valid") for row in phase_filters(factor)]


def upsample(x: np.ndarray, factor: int) -> np.ndarray:
    """``x`` at ``factor`` times the rate (band-limited interpolation, original samples kept)."""
    x = np.asarray(x, dtype=np.float32)
    out = np.empty((len(x), factor), dtype=np.float32)
    out[:, 0] = x
    for start in range(0, len(x), _BLOCK):
        stop = min(start + _BLOCK, len(x))
        for p, values in enumerate(interpolate(x, factor, start, stop), start=1):
            out[start:stop, p] = values
    return out.reshape(-1)


class Upsampled:
    """``inner`` at ``factor`` times its rate, by the band-limited interpolator of
    :func:`loabroadcast.speech.loudness.upsample` (the same values, a chunk at a time)."""

    def __init__(self, inner: Source, factor: int):
        self.inner, self.factor, self.frames = inner, factor, inner.frames * factor

    def chunks(self, size: int = CHUNK) -> Iterator[np.ndarray]:
        half = INTERP_HALF_TAPS
        step = max(1, size // self.factor)
        window = np.zeros(0, dtype=np.float32)  # samples from index `base` on
        base = 0  # absolute index of window[0]
        done = 0  # input samples emitted so far
        source = self.inner.chunks(step)
        ended = False
        while done < self.inner.frames:
            while not ended and base + len(window) < min(done + step + half, self.inner.frames):
                try:
                    window = np.concatenate([window, next(source)])
                except StopIteration:
                    ended = True
            stop = min(done + step, self.inner.frames)
            yield self._emit(window, base, done, stop)
            done = stop
            keep = max(0, done - half + 1 - base)  # the interpolator looks back half-1 samples
            window, base = window[keep:], base + keep

    def _emit(self, window: np.ndarray, base: int, start: int, stop: int) -> np.ndarray:
        """Output for input samples [start, stop): each sample, then its phases."""
        half = INTERP_HALF_TAPS
        lo = max(start - half + 1, base)
        hi = min(stop + half, base + len(window))
        local = window[lo - base : hi - base]
        # pad with zeros where the signal has not begun or has ended (as upsample does)
        before = max(0, lo - (start - half + 1))
        after = max(0, (stop + half) - hi)
        padded = np.concatenate([np.zeros(before, np.float32), local, np.zeros(after, np.float32)])
        out = np.empty((stop - start, self.factor), dtype=np.float32)
        out[:, 0] = padded[half - 1 : half - 1 + stop - start]
        phases = interpolate(padded, self.factor, half - 1, half - 1 + stop - start)
        for p, values in enumerate(phases, start=1):
            out[:, p] = values
        return out.reshape(-1)


def wav_header(frames: int, rate: int) -> bytes:
    """The 44-byte header of a mono 16-bit PCM WAV holding ``frames`` samples."""
    data = 2 * frames
    if 36 + data > 0xFFFFFFFF:
        raise AudioError(
            N_("{hours:.1f} hours of audio do not fit in a WAV file"), hours=frames / rate / 3600
        )
    return struct.pack(
        "<4sI4s4sIHHIIHH4sI",
        b"RIFF", 36 + data, b"WAVE", b"fmt ", 16, 1, 1, rate, 2 * rate, 2, 16, b"data", data,
    )  # fmt: skip


class WavWriter:
    """Mono 16-bit samples written to ``handle`` after a header for ``frames`` of them."""

    def __init__(self, handle: BinaryIO, frames: int, rate: int):
        self.handle, self.frames, self.written = handle, frames, 0
        handle.write(wav_header(frames, rate))

    def write(self, samples: np.ndarray) -> None:
        self.written += len(samples)
        if self.written > self.frames:
            raise AudioError(N_("more samples than the WAV header announced"))
        self.handle.write(np.asarray(samples, dtype="<i2").tobytes())

    def close(self) -> None:
        if self.written != self.frames:
            raise AudioError(
                N_("wrote {written} samples, the header says {frames}"),
                written=self.written,
                frames=self.frames,
            )


def write_wav(path: Path | str, samples: np.ndarray, rate: int) -> None:
    """Write 16-bit mono ``samples`` to ``path`` as a PCM WAV, atomically."""
    samples = np.asarray(samples, dtype="<i2")
    with atomic_path(Path(path)) as tmp, open(tmp, "wb") as handle:
        writer = WavWriter(handle, len(samples), rate)
        writer.write(samples)
        writer.close()
