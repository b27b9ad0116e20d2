"""Programme audio: chime in, optional lead-in, the speech (repeated with a spoken reminder
between), chime out, with pauses; loudness-normalised as a whole (EBU R128 integrated
target, true-peak limit), written as mono 16-bit WAV at ``settings.sample_rate``.

The running order is a :class:`~.pcm.Source` laid end to end from the parts: each distinct
file opened once at the programme's rate (:func:`~.decode.open_audio`: read in chunks, or
converted by ffmpeg into a temporary file when long), faded at both ends, and silent
pauses. :func:`~.limiter.normalise_stream` reads it twice (measure, then write), so an
hour's recording repeated twice never sits in memory: memory stays bounded whatever the
length. The file is written atomically.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..config import SpeechSettings
from ..resources import audio_asset
from .audio import Loudness
from .decode import open_audio
from .limiter import write_normalised
from .pcm import Faded, Sequence_, Silence, Source

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


def timeline(items: list[Item], rate: int, work: Path) -> Source:
    """The running order as one source at ``rate`` (each distinct file opened once)."""
    opened: dict[Path, Source] = {}
    pieces: list[Source] = []
    fade = int(FADE_MS * rate / 1000)
    for item in items:
        if isinstance(item, int):
            pieces.append(Silence(int(rate * (max(0, item) / 1000.0))))
            continue
        if item not in opened:
            opened[item] = Faded(open_audio(item, rate, work), fade)
        pieces.append(opened[item])
    return Sequence_(pieces)


def assemble(parts: ProgrammeParts, settings: SpeechSettings, out: Path | str) -> ProgrammeAudio:
    """Build the programme for ``parts`` into ``out`` (atomically) and measure it."""
    out = Path(out)
    rate = int(settings.sample_rate)
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".assemble-") as work:
        running = timeline(sequence(parts, int(settings.pause_ms)), rate, Path(work))
        result = write_normalised(
            running, out, rate, float(settings.target_lufs), float(settings.true_peak_db)
        )
    return ProgrammeAudio(out, running.frames / rate, result.loudness)
