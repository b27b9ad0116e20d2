"""Programme audio: chime in, optional lead-in, the speech (repeated with a spoken reminder
between), chime out, with pauses; loudness-normalised as a whole (EBU R128 integrated
target, true-peak limit), written as mono 16-bit WAV at ``settings.sample_rate``.

The running order is assembled with pydub: each distinct file is decoded once into an
``AudioSegment`` (WAV natively, mp3/ogg/m4a through ffmpeg), made mono 16-bit at the
programme's rate (resampled by :func:`loabroadcast.speech.loudness.resample`, a
windowed-sinc interpolator, rather than pydub's linear one), faded at both ends, and laid
end to end with silent pauses. The whole programme then goes through
:func:`loabroadcast.speech.loudness.normalise` (numpy: BS.1770 loudness, true-peak
limiter) and is exported by pydub, atomically.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pydub import AudioSegment
from pydub.exceptions import CouldntDecodeError

from ..config import SpeechSettings
from ..errors import AudioError
from ..resources import audio_asset
from .audio import Loudness, atomic_path
from .loudness import from_pcm16, load_mono, normalise, resample, to_pcm16

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


FADE_MS = 3  # every file fades in and out: no click when one starts or stops on a jump


def segment_of(samples: np.ndarray, rate: int) -> AudioSegment:
    """Float mono samples as a 16-bit pydub segment."""
    pcm = np.asarray(to_pcm16(samples), dtype="<i2")
    return AudioSegment(data=pcm.tobytes(), sample_width=2, frame_rate=rate, channels=1)


def samples_of(segment: AudioSegment) -> np.ndarray:
    """A 16-bit mono pydub segment as float samples."""
    return from_pcm16(np.frombuffer(segment.raw_data, dtype="<i2"))


def decode(path: Path, rate: int) -> np.ndarray:
    """Float mono samples of ``path`` at ``rate``: PCM WAVs are read directly, anything
    else (mp3, ogg, m4a…) is decoded by pydub through ffmpeg."""
    if path.suffix.lower() == ".wav":
        return load_mono(path, rate)
    try:
        decoded = AudioSegment.from_file(path).set_channels(1).set_sample_width(2)
    except FileNotFoundError:
        raise AudioError(f"audio file not found: {path}") from None
    except (CouldntDecodeError, IndexError, OSError):
        raise AudioError(
            f"cannot read audio file {path.name}: not a recording ffmpeg can decode"
        ) from None
    samples = samples_of(decoded)
    resampled = resample(samples, decoded.frame_rate, rate)
    return resampled if resampled is not None else load_mono(path, rate)


def load_segment(path: Path, rate: int) -> AudioSegment:
    """One file, decoded once, mono 16-bit at ``rate``, faded in and out.

    The fades are applied to the samples (pydub's work in whole milliseconds and would
    trim a file's last fraction of a millisecond)."""
    samples = np.array(decode(path, rate), dtype=np.float32)
    _fade_ends(samples, int(FADE_MS * rate / 1000))
    return segment_of(samples, rate)


def _fade_ends(part: np.ndarray, samples: int) -> None:
    """Raised-cosine fade-in and fade-out of ``samples`` each, in place."""
    n = min(samples, len(part) // 2)
    if n <= 0:
        return
    ramp = (0.5 - 0.5 * np.cos(np.pi * (np.arange(n) + 0.5) / n)).astype(np.float32)
    part[:n] *= ramp
    part[len(part) - n :] *= ramp[::-1]


def mix(items: list[Item], rate: int) -> AudioSegment:
    """The running order as one segment at ``rate`` (each distinct file read once)."""
    loaded: dict[Path, AudioSegment] = {}
    pieces = []
    for item in items:
        if isinstance(item, int):
            pieces.append(AudioSegment.silent(duration=max(0, item), frame_rate=rate))
        else:
            if item not in loaded:
                loaded[item] = load_segment(item, rate)
            pieces.append(loaded[item])
    programme = AudioSegment.empty().set_frame_rate(rate).set_sample_width(2).set_channels(1)
    for piece in pieces:
        programme += piece
    return programme


def assemble(parts: ProgrammeParts, settings: SpeechSettings, out: Path | str) -> ProgrammeAudio:
    """Build the programme for ``parts`` into ``out`` (atomically) and measure it."""
    out = Path(out)
    rate = int(settings.sample_rate)
    running = mix(sequence(parts, int(settings.pause_ms)), rate)
    result = normalise(
        samples_of(running), rate, float(settings.target_lufs), float(settings.true_peak_db)
    )
    final = AudioSegment(
        data=np.asarray(result.samples, dtype="<i2").tobytes(),
        sample_width=2,
        frame_rate=rate,
        channels=1,
    )
    with atomic_path(out) as tmp, open(tmp, "wb") as handle:
        final.export(handle, format="wav")
    return ProgrammeAudio(out, len(result.samples) / rate, result.loudness)
