"""Any audio file as a mono :class:`~.pcm.Source` at the programme's rate, in bounded memory.

* A PCM WAV at the rate is read as it is, a chunk at a time; one at an integer fraction of
  the rate (espeak-ng's 22,050 Hz) is up-sampled a chunk at a time by the windowed-sinc
  interpolator. Neither runs ffmpeg.
* A short file of another kind or rate (a recorded mp3, a chime at 48 kHz) is decoded whole
  — by pydub, through ffmpeg, for compressed kinds — and resampled in numpy.
* Anything long (an hour's recording) is converted by one ffmpeg call into a temporary file
  of raw 16-bit samples in ``work`` (the caller removes the folder), then read in chunks.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np

from ..errors import AudioError
from ..i18n import N_, said
from .audio import SUPPORTED_SUFFIXES, probe_duration, run_ffmpeg
from .loudness import read_wav, resample
from .pcm import ArraySource, RawPcm16, Source, Upsampled, WavSource, from_pcm16

#: Parts of at most this many samples (at either rate) are decoded whole (~47 s at 44.1 kHz:
#: a few tens of MB while resampling).
IN_MEMORY_SAMPLES = 1 << 21

_names = itertools.count()


def open_audio(path: Path, rate: int, work: Path) -> Source:
    """``path`` as mono samples at ``rate`` (see the module's docstring)."""
    path = Path(path)
    if not path.is_file():
        raise AudioError(N_("audio file not found: {file}"), file=str(path))
    if path.suffix.lower() == ".wav":
        try:
            wav: WavSource | None = WavSource(path)
        except AudioError:
            wav = None  # a float or compressed WAV: ffmpeg reads it
        if wav is not None and wav.frames:
            if wav.rate == rate:
                return wav
            if rate % wav.rate == 0 and rate // wav.rate <= 8:
                return Upsampled(wav, rate // wav.rate)
            if max(wav.frames, wav.frames * rate // wav.rate) <= IN_MEMORY_SAMPLES:
                samples, src_rate = read_wav(path)
                resampled = resample(samples, src_rate, rate)
                if resampled is not None:
                    return ArraySource(resampled)
    elif path.suffix.lower() in SUPPORTED_SUFFIXES:
        seconds = probe_duration(path)
        if seconds * max(rate, 48000) <= IN_MEMORY_SAMPLES:
            return ArraySource(_decode_whole(path, rate))
    return _through_ffmpeg(path, rate, work)


def _decode_whole(path: Path, rate: int) -> np.ndarray:
    """A short compressed file decoded by pydub (through ffmpeg), mono, resampled here."""
    from pydub import AudioSegment
    from pydub.exceptions import CouldntDecodeError

    try:
        decoded = AudioSegment.from_file(path).set_channels(1).set_sample_width(2)
    except FileNotFoundError:
        raise AudioError(N_("audio file not found: {file}"), file=str(path)) from None
    except (CouldntDecodeError, IndexError, OSError):
        raise AudioError(
            N_("cannot read audio file {file}: not a recording ffmpeg can decode"), file=path.name
        ) from None
    samples = from_pcm16(np.frombuffer(decoded.raw_data, dtype="<i2"))
    if not len(samples):
        raise AudioError(N_("cannot read audio file {file}: it holds no audio"), file=path.name)
    resampled = resample(samples, decoded.frame_rate, rate)
    return resampled if resampled is not None else samples


def _through_ffmpeg(path: Path, rate: int, work: Path) -> Source:
    """One ffmpeg call: ``path`` as raw mono 16-bit samples at ``rate`` in ``work``."""
    raw = Path(work) / f"part-{next(_names)}.s16"
    args = ["-v", "error", "-y", "-i", str(path), "-vn", "-ac", "1", "-ar", str(rate)]
    run_ffmpeg([*args, "-c:a", "pcm_s16le", "-f", "s16le", str(raw)],
               what=said("cannot read audio file {file}", file=str(path)))  # fmt: skip
    source = RawPcm16(raw)
    if source.frames == 0:
        raise AudioError(N_("cannot read audio file {file}: it holds no audio"), file=str(path))
    return source
