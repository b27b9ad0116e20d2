"""What residents hear when a relayed source drops: the fallback filler.

``[relay] fallback``: empty (the default) for the shipped notice — "Mất tín hiệu tiếp âm,
xin quý vị chờ trong giây lát", spoken by espeak-ng (``scripts/make-audio``) and followed
by a pause — ``chime`` for the chime, or the path of an audio file of the station's own.
It is decoded once, whole, as mono 16-bit samples at the air's rate, and played in a
loop for as long as the source stays away.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import AudioError
from ..i18n import N_
from ..resources import audio_asset

NOTICE = "relay_lost.wav"
CHIME = "chime_in.wav"
MAX_FALLBACK_S = 300.0


def fallback_path(setting: str) -> Path:
    """The file ``[relay] fallback`` names."""
    value = setting.strip()
    if not value:
        return audio_asset(NOTICE)
    if value.lower() == "chime":
        return audio_asset(CHIME)
    return Path(value).expanduser()


def load_fallback(setting: str, rate: int) -> np.ndarray:
    """The fallback as mono int16 samples at ``rate`` (``AudioError``: one line)."""
    from ..speech.audio import probe_duration
    from ..speech.loudness import load_mono
    from ..speech.pcm import to_pcm16

    path = fallback_path(setting)
    if not path.is_file():
        raise AudioError(N_("[relay] fallback: no audio file {path}"), path=str(path))
    seconds = probe_duration(path)
    if seconds > MAX_FALLBACK_S:
        raise AudioError(
            N_("[relay] fallback: {path} lasts {seconds:.0f} s; a fallback loops, give one "
               "of at most {most:.0f} s"),
            path=str(path), seconds=seconds, most=MAX_FALLBACK_S,
        )  # fmt: skip
    samples = to_pcm16(load_mono(path, rate))
    if not len(samples):
        raise AudioError(N_("[relay] fallback: {path} holds no audio"), path=str(path))
    return samples


class FallbackLoop:
    """The fallback played round and round, from its start each time it is begun."""

    def __init__(self, samples: np.ndarray):
        self.samples = np.asarray(samples, dtype=np.int16)
        self.position = 0

    def restart(self) -> None:
        self.position = 0

    def read_into(self, out: np.ndarray, start: int, count: int) -> int:
        """Copy ``count`` frames (looping) into ``out[start:]``; always ``count``."""
        done = 0
        n = len(self.samples)
        while done < count:
            take = min(count - done, n - self.position)
            frames = self.samples[self.position : self.position + take]
            if out.ndim == 1:
                out[start + done : start + done + take] = frames
            else:
                out[start + done : start + done + take] = frames[:, None]
            done += take
            self.position = (self.position + take) % n
        return count
