"""espeak-ng adapter: offline Vietnamese speech (voices vi, vi-vn-x-central, vi-vn-x-south)."""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
from pathlib import Path

from ...errors import EngineUnavailable, SpeechError
from ...wavfile import read_wav_info
from ..audio import atomic_path
from .base import SynthResult

log = logging.getLogger("loabroadcast.speech")

VOICES = ("vi", "vi-vn-x-central", "vi-vn-x-south")
DEFAULT_WPM = 175
_MIN_WPM, _MAX_WPM = 80, 450
_VOICE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_+\-]*$")
INSTALL_HINT = (
    "espeak-ng is not installed: run `apt-get install espeak-ng` (Debian/Ubuntu) or install it "
    "from https://github.com/espeak-ng/espeak-ng/releases (Windows)"
)


def find_espeak() -> str:
    """Path of the espeak-ng executable, or ``EngineUnavailable`` saying how to install it."""
    found = shutil.which("espeak-ng")
    if not found:
        raise EngineUnavailable(INSTALL_HINT)
    return found


def words_per_minute(speed: float) -> int:
    """espeak-ng ``-s`` value for a relative ``speed`` (1.0 = espeak's default 175 wpm)."""
    return int(min(_MAX_WPM, max(_MIN_WPM, round(DEFAULT_WPM * speed))))


class EspeakEngine:
    """Runs ``espeak-ng -v VOICE -s WPM -b 1 --stdin -w OUT.wav``; the text goes in on stdin
    as UTF-8, so texts of any length and any characters are safe (no argv limits, no shell)."""

    name = "espeak"

    def __init__(self, voice: str = "vi", speed: float = 1.0, timeout_s: float | None = None):
        if not _VOICE_RE.match(voice or ""):
            raise SpeechError(f"invalid espeak-ng voice name {voice!r} (use one of {VOICES})")
        self.voice: str | None = voice
        self.speed = float(speed)
        self.timeout_s = timeout_s

    def _timeout(self, text: str) -> float:
        # espeak-ng speaks ~300x faster than real time; this is a generous hang guard.
        return self.timeout_s if self.timeout_s is not None else 30.0 + len(text) / 100.0

    def synthesize(self, text: str, out_wav: Path) -> SynthResult:
        """Speak ``text`` into ``out_wav`` (22,050 Hz mono 16-bit WAV)."""
        if not text.strip():
            raise SpeechError("espeak-ng: nothing to speak (empty text)")
        exe = find_espeak()
        out_wav = Path(out_wav)
        argv_base = [exe, "-v", str(self.voice), "-s", str(words_per_minute(self.speed)), "-b", "1"]
        with atomic_path(out_wav) as tmp:
            self._run([*argv_base, "--stdin", "-w", str(tmp)], text)
            if not tmp.is_file() or read_wav_info(tmp).frames == 0:
                raise SpeechError("espeak-ng wrote no audio")
        return SynthResult(out_wav, self.name, self.voice)

    def _run(self, argv: list[str], text: str) -> None:
        timeout = self._timeout(text)
        try:
            proc = subprocess.run(
                argv, input=text.encode("utf-8"), capture_output=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired:
            raise SpeechError(f"espeak-ng did not finish within {timeout:.0f} s") from None
        except FileNotFoundError:
            raise EngineUnavailable(INSTALL_HINT) from None
        except OSError as exc:
            raise SpeechError(f"cannot run espeak-ng: {exc.strerror or exc}") from None
        if proc.returncode != 0:
            lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            reason = lines[-1] if lines else f"exit status {proc.returncode}"
            raise SpeechError(f"espeak-ng failed (voice {self.voice!r}): {reason}")
