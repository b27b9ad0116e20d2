"""Programme audio: chime in, optional lead-in, the speech (repeated with a spoken reminder
between), chime out, with pauses; loudness-normalised as a whole (EBU R128 integrated
target, true-peak limit), written as mono 16-bit WAV at ``settings.sample_rate``.

Every input is first converted by ffmpeg to the target format, so pydub only joins PCM
of one format. Files are read and written with the ``wave`` module (opened and closed
here), never through pydub's file helpers, which leak handles.
"""

from __future__ import annotations

import contextlib
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

from pydub import AudioSegment

from ..config import SpeechSettings
from ..errors import AudioError
from ..resources import audio_asset
from .audio import Loudness, atomic_path, import_audio, loudnorm, wav_info

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


def read_segment(path: Path) -> AudioSegment:
    """A PCM WAV file as an AudioSegment (file opened and closed here)."""
    try:
        with wave.open(str(path), "rb") as wav:
            params = wav.getparams()
            frames = wav.readframes(params.nframes)
    except (OSError, EOFError, wave.Error) as exc:
        raise AudioError(f"{path}: not a readable WAV file ({exc})") from None
    return AudioSegment(
        data=frames,
        sample_width=params.sampwidth,
        frame_rate=params.framerate,
        channels=params.nchannels,
    )


def write_segment(segment: AudioSegment, path: Path) -> None:
    """Write an AudioSegment as PCM WAV (file opened and closed here)."""
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(segment.channels)
        wav.setsampwidth(segment.sample_width)
        wav.setframerate(segment.frame_rate)
        wav.writeframes(segment.raw_data)


def _mix(items: list[Item], work: Path, rate: int) -> AudioSegment:
    """Convert each distinct file once, then join files and silences in order."""
    loaded: dict[Path, AudioSegment] = {}
    pieces: list[AudioSegment] = []
    for item in items:
        if isinstance(item, int):
            pieces.append(AudioSegment.silent(duration=item, frame_rate=rate))
            continue
        if item not in loaded:
            loaded[item] = _load(item, work / f"part{len(loaded)}.wav", rate)
        pieces.append(loaded[item])
    data = b"".join(piece.raw_data for piece in pieces)
    return AudioSegment(data=data, sample_width=2, frame_rate=rate, channels=1)


def _load(path: Path, scratch: Path, rate: int) -> AudioSegment:
    """``path`` as mono 16-bit PCM at ``rate``: read directly when it already is, else
    converted by ffmpeg into ``scratch`` (the shipped chimes need no conversion)."""
    if path.suffix.lower() == ".wav":
        with contextlib.suppress(AudioError):
            if wav_info(path)[:3] == (1, 2, rate):
                return read_segment(path)
    return read_segment(import_audio(path, scratch, rate))


def assemble(parts: ProgrammeParts, settings: SpeechSettings, out: Path | str) -> ProgrammeAudio:
    """Build the programme for ``parts`` into ``out`` (atomically) and measure it."""
    out = Path(out)
    rate = int(settings.sample_rate)
    items = sequence(parts, int(settings.pause_ms))
    with tempfile.TemporaryDirectory(prefix=".loa-assemble-", dir=out.parent) as tmp:
        work = Path(tmp)
        mix = _mix(items, work, rate)
        raw = work / "mix.wav"
        write_segment(mix, raw)
        with atomic_path(out) as staged:
            loudness = loudnorm(raw, staged, settings.target_lufs, settings.true_peak_db, rate)
    duration = _duration(out)
    return ProgrammeAudio(out, duration, loudness)


def _duration(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / wav.getframerate()
