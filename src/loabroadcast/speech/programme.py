"""Programme audio: chime in, optional lead-in, the speech (repeated with a spoken reminder
between), chime out, with pauses; loudness-normalised as a whole (EBU R128 integrated
target, true-peak limit), written as mono 16-bit WAV at ``settings.sample_rate``.

Assembly is done in numpy: each distinct file is read once (integer PCM WAVs with the
``wave`` module, resampled here when their rate differs; other kinds decoded by one ffmpeg
call each), the running order is laid out in one array, and
:func:`loabroadcast.speech.loudness.normalise` brings it to the loudness target under the
true-peak limit. No temporary files besides the atomically written output.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..config import SpeechSettings
from ..resources import audio_asset
from .audio import Loudness
from .loudness import load_mono, normalise, write_wav

Item = Path | int  # a file to play, or a pause in milliseconds


@dataclass(frozen=True)
class ProgrammeParts:
    """The pieces of one programme (all paths to audio files ffmpeg can read)."""

    body: Path
    repeat: int = 1
    lead_in: Path | None = None
    reminder: Path | None = None
    chime_in: Path | None = None  # None: the shipped audio/chime_in.wav
    chime_out: Path | None = None  # None: the shipped audio/chime_out.wav


@dataclass(frozen=True)
class ProgrammeAudio:
    path: Path
    duration_s: float
    loudness: Loudness


def sequence(parts: ProgrammeParts, pause_ms: int) -> list[Item]:
    """The running order: files and pauses (ms), e.g. chime, pause, body, …, chime."""
    chime_in = parts.chime_in or audio_asset("chime_in.wav")
    chime_out = parts.chime_out or audio_asset("chime_out.wav")
    items: list[Item] = [chime_in, pause_ms]
    if parts.lead_in is not None:
        items += [parts.lead_in, pause_ms]
    items.append(parts.body)
    for _ in range(max(1, parts.repeat) - 1):
        items.append(pause_ms)
        if parts.reminder is not None:
            items += [parts.reminder, pause_ms]
        items.append(parts.body)
    items += [pause_ms, chime_out]
    return items


FADE_MS = 3.0  # every file fades in and out: no click when one starts or stops on a jump


def mix(items: list[Item], rate: int) -> np.ndarray:
    """The running order as one mono float array at ``rate`` (each distinct file read once,
    with :data:`FADE_MS` raised-cosine fades at both ends)."""
    loaded: dict[Path, np.ndarray] = {}
    lengths: list[int] = []
    for item in items:
        if isinstance(item, int):
            lengths.append(max(0, int(item * rate / 1000)))
            continue
        if item not in loaded:
            loaded[item] = load_mono(item, rate)
        lengths.append(len(loaded[item]))
    out = np.zeros(sum(lengths), dtype=np.float32)
    fade = int(FADE_MS * rate / 1000)
    position = 0
    for item, length in zip(items, lengths, strict=True):
        if not isinstance(item, int):
            out[position : position + length] = loaded[item]
            _fade_ends(out[position : position + length], fade)
        position += length
    return out


def _fade_ends(part: np.ndarray, samples: int) -> None:
    """Raised-cosine fade-in and fade-out of ``samples`` each, in place."""
    n = min(samples, len(part) // 2)
    if n <= 0:
        return
    ramp = (0.5 - 0.5 * np.cos(np.pi * (np.arange(n) + 0.5) / n)).astype(np.float32)
    part[:n] *= ramp
    part[len(part) - n :] *= ramp[::-1]


def assemble(parts: ProgrammeParts, settings: SpeechSettings, out: Path | str) -> ProgrammeAudio:
    """Build the programme for ``parts`` into ``out`` (atomically) and measure it."""
    out = Path(out)
    rate = int(settings.sample_rate)
    signal = mix(sequence(parts, int(settings.pause_ms)), rate)
    result = normalise(signal, rate, float(settings.target_lufs), float(settings.true_peak_db))
    write_wav(out, result.samples, rate)
    return ProgrammeAudio(out, len(result.samples) / rate, result.loudness)
