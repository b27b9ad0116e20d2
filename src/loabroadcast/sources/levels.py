"""Levels of audio in dBFS, and the check that refuses a silent recording or render.

A block's level is its RMS relative to full scale (a full-scale square wave is 0 dBFS,
a full-scale sine −3 dBFS, digital silence :data:`FLOOR_DB`). Blocks of
:data:`BLOCK_S` feed the dead-air detector (``deadair``).

A file is measured by one ffmpeg call that decodes it to mono 16-bit samples at
:data:`MEASURE_RATE` into a pipe, read block by block: bounded memory, any length, any
kind ffmpeg reads. It is refused (:func:`require_audible`) when it is silent or nearly:
nothing, or under :data:`MIN_AUDIBLE_SHARE` of its length, or fewer than
:data:`MIN_AUDIBLE_S` seconds (a quarter of a clip shorter than two seconds: "Xin cảm
ơn." said in 0.9 s is audible for 0.4 s) are at or above ``[playback] silence_db``.
"""

from __future__ import annotations

import math
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import AudioError
from ..i18n import N_, _, said
from .deadair import DEFAULT_SILENCE_DB, DEFAULT_SILENCE_S, DeadAir, DeadAirDetector

FLOOR_DB = -120.0
BLOCK_S = 0.1
MEASURE_RATE = 16_000
MIN_AUDIBLE_S = 0.5
MIN_AUDIBLE_SHARE = 0.05
SHORT_CLIP_SHARE = 0.25
MEASURE_TIMEOUT_S = 600.0


class SilentAudio(AudioError):
    """A recording or a render that is silent or nearly: refused."""


def dbfs(rms: float) -> float:
    """An RMS (full scale 1.0) in dBFS, never below :data:`FLOOR_DB`."""
    if rms <= 10 ** (FLOOR_DB / 20):
        return FLOOR_DB
    return max(FLOOR_DB, 20.0 * math.log10(rms))


def as_float(samples: np.ndarray) -> np.ndarray:
    """int16 samples scaled to ±1 (floats are taken as they are)."""
    data = np.asarray(samples)
    if data.dtype == np.int16:
        return data.astype(np.float32) / np.float32(32768.0)
    return data.astype(np.float32, copy=False)


def level_db(samples: np.ndarray) -> float:
    """The RMS level of ``samples`` (int16 or float) in dBFS."""
    data = as_float(samples)
    if not len(data):
        return FLOOR_DB
    return dbfs(float(np.sqrt(np.mean(np.square(data, dtype=np.float64)))))


def peak_db(samples: np.ndarray) -> float:
    data = as_float(samples)
    if not len(data):
        return FLOOR_DB
    return dbfs(float(np.max(np.abs(data))))


def block_levels(samples: np.ndarray, block: int) -> np.ndarray:
    """Levels in dBFS of consecutive blocks of ``block`` samples (a short last one too)."""
    data = as_float(samples)
    if not len(data):
        return np.zeros(0)
    whole = len(data) // block * block
    parts = []
    if whole:
        squares = np.square(data[:whole].reshape(-1, block), dtype=np.float64)
        parts.append(np.sqrt(squares.mean(axis=1)))
    if whole < len(data):
        parts.append(np.sqrt([np.mean(np.square(data[whole:], dtype=np.float64))]))
    rms = np.concatenate(parts)
    floor = 10 ** (FLOOR_DB / 20)
    return 20.0 * np.log10(np.maximum(rms, floor))


@dataclass
class LevelMeter:
    """The level and peak of everything fed, and of the loudest block."""

    frames: int = 0
    _squares: float = 0.0
    _peak: float = 0.0

    def feed(self, samples: np.ndarray) -> None:
        data = as_float(samples)
        if not len(data):
            return
        self.frames += len(data)
        self._squares += float(np.sum(np.square(data, dtype=np.float64)))
        self._peak = max(self._peak, float(np.max(np.abs(data))))

    @property
    def rms_db(self) -> float:
        return dbfs(math.sqrt(self._squares / self.frames)) if self.frames else FLOOR_DB

    @property
    def peak_db(self) -> float:
        return dbfs(self._peak)


@dataclass(frozen=True)
class FileLevels:
    """What measuring a file found."""

    duration_s: float
    rms_db: float
    peak_db: float
    audible_s: float  # seconds of blocks at or above the threshold
    dead_air: tuple[DeadAir, ...]  # quiet runs longer than silence_s

    @property
    def silent(self) -> bool:
        """Silent, or nearly (see the module's docstring)."""
        least = min(MIN_AUDIBLE_S, SHORT_CLIP_SHARE * self.duration_s)
        return self.audible_s == 0 or self.audible_s < max(
            least, MIN_AUDIBLE_SHARE * self.duration_s
        )

    def dead_air_notes(self, name: str) -> tuple[str, ...]:
        """One warning line per stretch of dead air in the file."""
        return tuple(
            said("{file} is silent for {length} s from {at}: on air the dead-air guard will "
                 "report it", file=name, length=f"{e.length_s:.0f}", at=clock_text(e.start_s))
            for e in self.dead_air
        )  # fmt: skip


def clock_text(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def measure_levels(
    blocks: Iterable[np.ndarray],
    rate: int,
    threshold_db: float = DEFAULT_SILENCE_DB,
    min_s: float = DEFAULT_SILENCE_S,
) -> FileLevels:
    """Measure consecutive sample blocks at ``rate`` (any block sizes)."""
    meter = LevelMeter()
    detector = DeadAirDetector(threshold_db, min_s)
    block = max(1, int(round(rate * BLOCK_S)))
    audible = 0.0
    carry = np.zeros(0, dtype=np.float32)
    for chunk in blocks:
        data = np.concatenate([carry, as_float(chunk)])
        whole = len(data) // block * block
        carry = data[whole:]
        if not whole:
            continue
        meter.feed(data[:whole])
        for level in block_levels(data[:whole], block):
            detector.feed(float(level), block / rate)
            audible += block / rate if level >= threshold_db else 0.0
    if len(carry):
        meter.feed(carry)
        level = block_levels(carry, len(carry))[0]
        detector.feed(float(level), len(carry) / rate)
        audible += len(carry) / rate if level >= threshold_db else 0.0
    detector.finish()
    return FileLevels(
        duration_s=meter.frames / rate,
        rms_db=meter.rms_db,
        peak_db=meter.peak_db,
        audible_s=audible,
        dead_air=tuple(detector.events),
    )


def ffmpeg_path() -> str:
    """Where ffmpeg is; ``AudioError`` saying how to install it when it is not."""
    found = shutil.which("ffmpeg")
    if found is None:
        raise AudioError(N_("ffmpeg is not installed: run `apt-get install ffmpeg`"))
    return found


def measure_file(
    path: Path | str,
    threshold_db: float = DEFAULT_SILENCE_DB,
    min_s: float = DEFAULT_SILENCE_S,
    *,
    shown: str | None = None,
) -> FileLevels:
    """Decode ``path`` with ffmpeg (mono, :data:`MEASURE_RATE`) and measure it."""
    name = shown or Path(path).name
    ffmpeg = ffmpeg_path()
    argv = [ffmpeg, "-hide_banner", "-nostdin", "-nostats", "-v", "error", "-i", str(path),
            "-vn", "-ac", "1", "-ar", str(MEASURE_RATE), "-f", "s16le", "pipe:1"]  # fmt: skip
    try:
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError as err:
        raise AudioError(
            N_("cannot run ffmpeg to measure {file}: {reason}"),
            file=name,
            reason=err.strerror or str(err),
        ) from None
    try:
        levels = measure_levels(_pcm_chunks(proc), MEASURE_RATE, threshold_db, min_s)
        err = proc.stderr.read().decode("utf-8", "replace").strip()
        code = proc.wait(timeout=MEASURE_TIMEOUT_S)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()
    if code != 0 or not levels.duration_s:
        reason = err.splitlines()[-1] if err else _("it holds no audio")
        raise AudioError(N_("cannot read audio file {file}: {reason}"), file=name, reason=reason)
    return levels


def _pcm_chunks(proc: subprocess.Popen) -> Iterable[np.ndarray]:
    odd = b""
    while True:
        data = proc.stdout.read(1 << 16)
        if not data:
            return
        data = odd + data
        cut = len(data) // 2 * 2
        odd = data[cut:]
        yield np.frombuffer(data[:cut], dtype="<i2")


def require_audible(path: Path | str, playback, *, shown: str | None = None) -> FileLevels:
    """Measure ``path``; refuse it (``AudioError``, one line) when it is silent or nearly.
    ``playback``: the ``[playback]`` settings (``silence_db``, ``silence_s``)."""
    threshold = getattr(playback, "silence_db", DEFAULT_SILENCE_DB)
    levels = measure_file(path, threshold, getattr(playback, "silence_s", DEFAULT_SILENCE_S),
                          shown=shown)  # fmt: skip
    if levels.silent:
        raise SilentAudio(
            N_("{file} is silent or nearly: {audible:.1f} s of its {length:.1f} s reach "
               "{limit:g} dBFS ([playback] silence_db; its peak is {peak:.0f} dBFS); "
               "check the recording or the speech engine"),
            file=shown or Path(path).name,
            audible=levels.audible_s,
            length=levels.duration_s,
            limit=threshold,
            peak=levels.peak_db,
        )  # fmt: skip
    return levels
