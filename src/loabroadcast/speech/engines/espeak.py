"""espeak-ng adapter: offline Vietnamese speech (voices vi, vi-vn-x-central, vi-vn-x-south)."""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
from pathlib import Path
from xml.sax.saxutils import escape

from ...config import EspeakSettings
from ...errors import EngineUnavailable, SpeechError, os_reason
from ...i18n import N_, said
from ...wavfile import read_wav_info
from ..audio import atomic_path
from .base import SynthResult

log = logging.getLogger("loabroadcast.speech")

VOICES = ("vi", "vi-vn-x-central", "vi-vn-x-south")
DEFAULT_WPM = 175  # espeak-ng's own pace
_MIN_WPM, _MAX_WPM = 80, 450
_VOICE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_+\-]*$")
MAX_SENTENCE_SILENCE_S = 3.0
# A sentence ends at . ! ? ; or … followed by a space or the end of a line, or at a line end.
_SENTENCE_END = re.compile(r"(?<=[.!?;…])[ \t]+|\n+")
INSTALL_HINT = N_(
    "espeak-ng is not installed: run `apt-get install espeak-ng` (Debian/Ubuntu) or install it "
    "from https://github.com/espeak-ng/espeak-ng/releases (Windows)"
)


def find_espeak() -> str:
    """Path of the espeak-ng executable, or ``EngineUnavailable`` saying how to install it."""
    found = shutil.which("espeak-ng")
    if not found:
        raise EngineUnavailable(INSTALL_HINT)
    return found


def words_per_minute(speed: float, rate: float = DEFAULT_WPM) -> int:
    """espeak-ng ``-s`` value: ``rate`` words per minute times the relative ``speed``."""
    return int(min(_MAX_WPM, max(_MIN_WPM, round(rate * speed))))


def with_pauses(text: str, silence_s: float) -> str:
    """``text`` as SSML with a ``silence_s`` break after every sentence and line."""
    ms = round(silence_s * 1000)
    parts = (escape(p.strip()) for p in _SENTENCE_END.split(text))
    return "<speak>" + f'<break time="{ms}ms"/>\n'.join(p for p in parts if p) + "</speak>"


class EspeakEngine:
    """Runs ``espeak-ng -v VOICE -s WPM -b 1 --stdin -w OUT.wav``; the text goes in on stdin
    as UTF-8, so texts of any length and any characters are safe (no argv limits, no shell).

    ``rate`` is the pace in words per minute (times ``speed``); ``sentence_silence`` (seconds),
    unless None, is the pause after each sentence, sent as SSML breaks (``-m``). Both default
    to ``[speech.espeak]``'s defaults.
    """

    name = "espeak"

    def __init__(
        self,
        voice: str = "vi",
        speed: float = 1.0,
        timeout_s: float | None = None,
        *,
        rate: float = EspeakSettings.rate,
        sentence_silence: float | None = EspeakSettings.sentence_silence,
    ):
        if not _VOICE_RE.match(voice or ""):
            raise SpeechError(
                N_("invalid espeak-ng voice name {voice!r} (use one of {voices})"),
                voice=voice,
                voices=VOICES,
            )
        self.voice: str | None = voice
        self.speed = float(speed)
        self.timeout_s = timeout_s
        self.wpm = words_per_minute(self.speed, float(rate))
        self.sentence_silence = (
            None
            if sentence_silence is None
            else min(MAX_SENTENCE_SILENCE_S, max(0.0, float(sentence_silence)))
        )
        # shapes the audio beyond name/voice/speed: the render cache keys on it
        self.tuning = {"wpm": self.wpm, "sentence_silence": self.sentence_silence}

    def _timeout(self, text: str) -> float:
        # espeak-ng speaks ~300x faster than real time; this is a generous hang guard.
        return self.timeout_s if self.timeout_s is not None else 30.0 + len(text) / 100.0

    def synthesize(self, text: str, out_wav: Path) -> SynthResult:
        """Speak ``text`` into ``out_wav`` (22,050 Hz mono 16-bit WAV)."""
        if not text.strip():
            raise SpeechError(N_("espeak-ng: nothing to speak (empty text)"))
        exe = find_espeak()
        out_wav = Path(out_wav)
        argv = [exe, "-v", str(self.voice), "-s", str(self.wpm), "-b", "1"]
        if self.sentence_silence is not None:
            argv.append("-m")
            text = with_pauses(text, self.sentence_silence)
        with atomic_path(out_wav) as tmp:
            self._run([*argv, "--stdin", "-w", str(tmp)], text)
            if not tmp.is_file() or read_wav_info(tmp).frames == 0:
                raise SpeechError(N_("espeak-ng wrote no audio"))
        return SynthResult(out_wav, self.name, self.voice)

    def _run(self, argv: list[str], text: str) -> None:
        timeout = self._timeout(text)
        try:
            proc = subprocess.run(
                argv, input=text.encode("utf-8"), capture_output=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired:
            raise SpeechError(
                N_("espeak-ng did not finish within {seconds} s"), seconds=round(timeout)
            ) from None
        except FileNotFoundError:
            raise EngineUnavailable(INSTALL_HINT) from None
        except OSError as exc:
            raise SpeechError(N_("cannot run espeak-ng: {reason}"), reason=os_reason(exc)) from None
        if proc.returncode != 0:
            lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            reason = lines[-1] if lines else said("exit status {code}", code=proc.returncode)
            raise SpeechError(
                N_("espeak-ng failed (voice {voice!r}): {reason}"), voice=self.voice, reason=reason
            )
