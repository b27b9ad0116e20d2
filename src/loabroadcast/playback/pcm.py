"""Audio held for air: the file's bytes read once, checked against the approved sha256,
and the very same bytes decoded and played. Nothing re-opens the file after the check.

Short items (minutes) are held in memory as mono 16-bit PCM. Long ones (an hour of a
recorded meeting) would not fit comfortably: they are copied, hashed on the way, into a
private temporary file that no other process can reach (``O_TMPFILE``: it has no name),
and a feeder thread reads ahead from it into a ring buffer. Either way the real-time path
only copies frames that are already in memory (:class:`FrameReader`).

The loudspeaker system is mono: every item is mixed down to one channel here, and the
sinks copy it to every output channel.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import tempfile
import threading
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from ..errors import AudioChanged, AudioError
from ..i18n import N_
from .realtime import request_realtime

log = logging.getLogger("loabroadcast.playback")

#: Files larger than this are fed from a private copy instead of being held in memory
#: (about 12 minutes of 44.1 kHz mono 16-bit audio).
MEMORY_LIMIT_BYTES = 64 << 20
CHUNK = 1 << 20
RING_S = 4.0  # the feeder keeps this much of a long item ahead of the sound card
FEED_S = 0.5  # and reads this much at a time


class FrameReader(Protocol):
    """One airing's sequential view of an item, used by the real-time path."""

    frames: int

    def read_into(self, out: np.ndarray, start: int, count: int) -> int:
        """Copy up to ``count`` next frames into ``out[start:]`` (every channel); return how
        many. Never blocks, never allocates, no I/O: 0 means "not ready" (or the end)."""

    def close(self) -> None:
        """Release what the reader holds (a feeder thread)."""


@dataclass(frozen=True)
class AirAudio:
    """An item's audio, verified: ``sha256`` is of the bytes that will be played."""

    path: Path
    sha256: str
    rate: int
    frames: int
    samples: np.ndarray | None  # mono int16, when held in memory
    spool: _Spool | None = None  # a private copy, when too long for memory

    @property
    def duration_s(self) -> float:
        return self.frames / self.rate if self.rate else 0.0

    def reader(self) -> FrameReader:
        if self.samples is not None:
            return MemoryReader(self.samples)
        assert self.spool is not None
        return SpoolReader(self.spool, self.frames)

    def close(self) -> None:
        if self.spool is not None:
            self.spool.close()


def load_air_audio(
    path: Path | str,
    expected_sha256: str | None = None,
    *,
    rate: int | None = None,
    spool_dir: Path | None = None,
    memory_limit: int = MEMORY_LIMIT_BYTES,
) -> AirAudio:
    """Read ``path`` once; refuse it (:class:`AudioChanged`) unless its sha256 is
    ``expected_sha256`` (when given); decode those same bytes to mono 16-bit PCM at
    ``rate`` (default: the file's own). Errors are one-line :class:`AudioError`\\ s."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        raise AudioError(N_("audio file not found: {path}"), path=str(path)) from None
    except OSError as err:
        raise AudioError(
            N_("cannot read {path}: {reason}"), path=str(path), reason=err.strerror or str(err)
        ) from None
    with os.fdopen(fd, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > memory_limit:
            return _load_spooled(path, handle, expected_sha256, rate, spool_dir)
        data = _read_all(path, handle)
    digest = hashlib.sha256(data).hexdigest()
    _check(path, digest, expected_sha256)
    samples, src_rate = _decode(path, data)
    samples, out_rate = _to_rate(path, samples, src_rate, rate)
    return AirAudio(path, digest, out_rate, len(samples), samples)


def _read_all(path: Path, handle) -> bytes:
    try:
        return handle.read()
    except OSError as err:
        raise AudioError(
            N_("cannot read {path}: {reason}"), path=str(path), reason=err.strerror or str(err)
        ) from None


def _check(path: Path, digest: str, expected: str | None) -> None:
    if expected is not None and digest != expected:
        raise AudioChanged(
            N_("{path} is not the approved audio (sha256 {actual}…, approved {approved}…)"),
            path=str(path),
            actual=digest[:12],
            approved=expected[:12],
        )


def _decode(path: Path, data: bytes) -> tuple[np.ndarray, int]:
    """Mono int16 samples and the rate of WAV ``data``."""
    try:
        with wave.open(io.BytesIO(data), "rb") as reader:
            channels, width = reader.getnchannels(), reader.getsampwidth()
            rate = reader.getframerate()
            raw = reader.readframes(reader.getnframes())
    except (wave.Error, EOFError) as exc:
        raise AudioError(
            N_("{path}: not a PCM WAV file ({reason})"), path=str(path), reason=str(exc)
        ) from None
    if rate <= 0 or channels <= 0:
        raise AudioError(N_("{path}: WAV header has no sample rate or channels"), path=str(path))
    return to_mono16(raw, width, channels, path), rate


def to_mono16(raw: bytes, width: int, channels: int, path: Path | str = "") -> np.ndarray:
    """PCM bytes of any common width as mono int16 (channels averaged)."""
    usable = len(raw) - len(raw) % (width * channels)
    raw = raw[:usable]
    if width == 2:
        ints = np.frombuffer(raw, dtype="<i2").astype(np.int32)
    elif width == 1:
        ints = (np.frombuffer(raw, dtype=np.uint8).astype(np.int32) - 128) << 8
    elif width == 3:
        b = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3)
        ints = b[:, 1].astype(np.int32) | (b[:, 2].astype(np.int8).astype(np.int32) << 8)
    elif width == 4:
        ints = np.frombuffer(raw, dtype="<i4") >> 16
    else:
        raise AudioError(
            N_("{path}: unsupported WAV sample width: {width} bytes"), path=str(path), width=width
        )
    if channels > 1:
        ints = ints.reshape(-1, channels).sum(axis=1) // channels
    return np.ascontiguousarray(ints.astype(np.int16))


def _to_rate(path: Path, samples: np.ndarray, src: int, dst: int | None) -> tuple[np.ndarray, int]:
    """``samples`` at ``dst`` (linear interpolation: only when a station changed its render
    rate between two renders that now air in one stream)."""
    if dst is None or dst == src or len(samples) == 0:
        return samples, src
    log.warning("%s is at %d Hz, the stream at %d Hz: resampled", path, src, dst)
    n = int(round(len(samples) * dst / src))
    positions = np.arange(n, dtype=np.float64) * (src / dst)
    out = np.interp(positions, np.arange(len(samples)), samples.astype(np.float64))
    return np.round(out).astype(np.int16), dst


# --------------------------------------------------------------------------- in memory


class MemoryReader:
    def __init__(self, samples: np.ndarray):
        self.samples = samples
        self.frames = len(samples)
        self._pos = 0

    def read_into(self, out: np.ndarray, start: int, count: int) -> int:
        n = min(count, self.frames - self._pos)
        if n <= 0:
            return 0
        out[start : start + n] = self.samples[self._pos : self._pos + n, None]
        self._pos += n
        return n

    def close(self) -> None:
        """Nothing to release."""


# --------------------------------------------------------------------------- long items


class _Spool:
    """A private, nameless copy of a long WAV: (fd, offset of its mono int16 frames)."""

    def __init__(self, fd: int, offset: int):
        self.fd = fd
        self.offset = offset

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


def _load_spooled(path, handle, expected, rate, spool_dir) -> AirAudio:
    """Copy ``handle`` into a private temporary file, hashing on the way; check; convert
    the copy to mono int16 frames in a second private file when it is not already."""
    digest = hashlib.sha256()
    folder = str(spool_dir) if spool_dir else None
    try:
        copy = tempfile.TemporaryFile(dir=folder)  # noqa: SIM115 - closed below or kept open
    except OSError as err:
        raise AudioError(
            N_("cannot make a private copy of {path}: {reason}"),
            path=str(path),
            reason=err.strerror or str(err),
        ) from None
    try:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
            copy.write(block)
        copy.flush()
        sha = digest.hexdigest()
        _check(path, sha, expected)
        copy.seek(0)
        try:
            reader = wave.open(copy, "rb")  # noqa: SIM115 - the file object stays ours
        except (wave.Error, EOFError) as exc:
            raise AudioError(
                N_("{path}: not a PCM WAV file ({reason})"), path=str(path), reason=str(exc)
            ) from None
        channels, width, src_rate = (
            reader.getnchannels(),
            reader.getsampwidth(),
            reader.getframerate(),
        )
        frames = reader.getnframes()
        if (channels, width) == (1, 2) and rate in (None, src_rate):
            offset = copy.tell()  # wave stops right after the data chunk's header
            fd = os.dup(copy.fileno())
            return AirAudio(path, sha, src_rate, frames, None, _Spool(fd, offset))
        return _converted(path, sha, reader, frames, channels, width, src_rate, rate, folder)
    except OSError as err:
        raise AudioError(
            N_("cannot make a private copy of {path}: {reason}"),
            path=str(path),
            reason=err.strerror or str(err),
        ) from None
    finally:
        copy.close()


def _converted(path, sha, reader, frames, channels, width, src_rate, rate, folder) -> AirAudio:
    """A second private file holding the frames as mono int16 at ``rate``."""
    out = tempfile.TemporaryFile(dir=folder)  # noqa: SIM115 - its fd is kept by the spool
    try:
        total = 0
        while True:
            raw = reader.readframes(src_rate * 10)
            if not raw:
                break
            mono, out_rate = _to_rate(path, to_mono16(raw, width, channels, path), src_rate, rate)
            out.write(mono.tobytes())
            total += len(mono)
        out.flush()
        return AirAudio(path, sha, out_rate if total else src_rate, total, None,
                        _Spool(os.dup(out.fileno()), 0))  # fmt: skip
    finally:
        out.close()


class SpoolReader:
    """Frames of a spooled item through a ring buffer that a feeder thread keeps full."""

    def __init__(self, spool: _Spool, frames: int, rate_hint: int = 48000):
        self.frames = frames
        self._spool = spool
        self._ring = np.zeros(int(RING_S * rate_hint), dtype=np.int16)
        self._size = len(self._ring)
        self._written = 0  # frames the feeder has put in the ring (monotonic counter)
        self._read = 0  # frames the sound card has taken
        self._stop = threading.Event()
        self._wake = threading.Event()
        self.error: str | None = None
        self._thread = threading.Thread(target=self._feed, name="spool-feeder", daemon=True)
        self._thread.start()

    def read_into(self, out: np.ndarray, start: int, count: int) -> int:
        n = min(count, self._written - self._read)
        if n <= 0:
            self._wake.set()
            return 0
        at = self._read % self._size
        first = min(n, self._size - at)
        out[start : start + first] = self._ring[at : at + first, None]
        if n > first:
            out[start + first : start + n] = self._ring[: n - first, None]
        self._read += n
        if self._written - self._read < self._size // 2:
            self._wake.set()
        return n

    def _feed(self) -> None:
        request_realtime()
        chunk = max(1, int(FEED_S * self._size / RING_S))
        while not self._stop.is_set() and self._written < self.frames:
            room = self._size - (self._written - self._read)
            if room < chunk and self._written - self._read > 0:
                self._wake.wait(0.1)
                self._wake.clear()
                continue
            want = min(room, chunk, self.frames - self._written)
            try:
                data = os.pread(self._spool.fd, want * 2, self._spool.offset + self._written * 2)
            except OSError as err:
                self.error = err.strerror or str(err)
                return
            got = len(data) // 2
            if got == 0:
                self.frames = self._written  # the copy is shorter than its header said
                return
            samples = np.frombuffer(data[: got * 2], dtype="<i2")
            at = self._written % self._size
            first = min(got, self._size - at)
            self._ring[at : at + first] = samples[:first]
            if got > first:
                self._ring[: got - first] = samples[first:]
            self._written += got

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(2)
