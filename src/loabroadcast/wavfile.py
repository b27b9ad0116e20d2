"""PCM WAV headers, read one way for the whole program (speech, playback, tests).

Standard library only. Errors are one-line :class:`AudioError`s.
"""

from __future__ import annotations

import wave
from pathlib import Path
from typing import NamedTuple

from .errors import AudioError, os_reason
from .i18n import N_


class WavInfo(NamedTuple):
    """The header of a PCM WAV file (a tuple: ``channels, width, rate, frames = info``)."""

    channels: int
    sample_width: int  # bytes per sample
    rate: int
    frames: int

    @property
    def duration_s(self) -> float:
        return self.frames / self.rate if self.rate else 0.0


def open_wav(path: Path | str) -> wave.Wave_read:
    """``wave.open(path, "rb")`` with one-line errors and a header that has a rate and channels."""
    try:
        reader = wave.open(str(path), "rb")  # noqa: SIM115 - returned to the caller
    except FileNotFoundError:
        raise AudioError(N_("audio file not found: {file}"), file=str(path)) from None
    except (wave.Error, EOFError) as exc:
        raise AudioError(
            N_("{file}: not a PCM WAV file ({reason})"), file=str(path), reason=str(exc)
        ) from None
    except OSError as exc:
        raise AudioError(
            N_("{file}: cannot read ({reason})"), file=str(path), reason=os_reason(exc)
        ) from None
    if reader.getframerate() <= 0 or reader.getnchannels() <= 0:
        reader.close()
        raise AudioError(N_("{file}: WAV header has no sample rate or channels"), file=str(path))
    return reader


def read_wav_info(path: Path | str) -> WavInfo:
    """Read a WAV header. Raises :class:`AudioError` for a missing or non-PCM file."""
    with open_wav(path) as reader:
        return WavInfo(
            reader.getnchannels(), reader.getsampwidth(), reader.getframerate(), reader.getnframes()
        )
