"""Speech engines behind one protocol: gtts (online), espeak (offline), piper, and auto.

``get_engine(name, settings)`` is the only constructor the rest of the code needs.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace
from pathlib import Path

from ...config import SpeechSettings
from ...errors import AudioError, InvalidInput, SpeechError
from .base import MAX_TEXT_CHARS, Engine, SynthResult
from .espeak import EspeakEngine
from .gtts import GTTSEngine
from .piper import PiperEngine

__all__ = [
    "MAX_TEXT_CHARS",
    "AutoEngine",
    "Engine",
    "EspeakEngine",
    "GTTSEngine",
    "PiperEngine",
    "SynthResult",
    "get_engine",
]

log = logging.getLogger("loabroadcast.speech")

ENGINE_NAMES = ("auto", "gtts", "espeak", "piper")


class AutoEngine:
    """gTTS when it answers, else espeak-ng.

    The result names the engine that really spoke; ``fallback=True`` and ``detail`` (why
    gTTS was not used) mark an espeak-ng stand-in. After a gTTS failure, gTTS is skipped
    for ``cooldown_s`` so a batch of renders while offline does not wait on every message.
    """

    name = "auto"

    def __init__(self, primary: Engine, fallback: Engine, cooldown_s: float = 120.0):
        self.primary = primary
        self.fallback = fallback
        self.voice: str | None = f"{primary.name}:{primary.voice}+{fallback.name}:{fallback.voice}"
        self.speed = float(getattr(primary, "speed", 1.0))
        self.cooldown_s = cooldown_s
        self._failed_at: float | None = None
        self._failed_why = ""
        self._lock = threading.Lock()

    def _skip_reason(self) -> str | None:
        with self._lock:
            if self._failed_at is None:
                return None
            age = time.monotonic() - self._failed_at
            if age >= self.cooldown_s:
                self._failed_at = None
                return None
            return f"{self.primary.name} skipped: it failed {age:.0f} s ago ({self._failed_why})"

    def _mark_failed(self, why: str) -> None:
        with self._lock:
            self._failed_at, self._failed_why = time.monotonic(), why

    def synthesize(self, text: str, out_wav: Path) -> SynthResult:
        """Try the primary engine, fall back on any speech/audio failure."""
        reason = self._skip_reason()
        if reason is None:
            try:
                result = self.primary.synthesize(text, out_wav)
            except (SpeechError, AudioError) as exc:
                reason = str(exc)
                self._mark_failed(reason)
                log.warning("%s failed, using %s: %s", self.primary.name, self.fallback.name, exc)
            else:
                with self._lock:
                    self._failed_at = None
                return result
        result = self.fallback.synthesize(text, out_wav)
        return replace(result, fallback=True, detail=reason)


def get_engine(name: str, settings: SpeechSettings) -> Engine:
    """The engine called ``name`` (auto, gtts, espeak, piper), configured from ``settings``."""
    key = (name or "").strip().lower()
    if key in ("espeak", "espeak-ng"):
        return EspeakEngine(settings.voice, settings.speed)
    if key == "gtts":
        return GTTSEngine(settings)
    if key == "piper":
        return PiperEngine.from_settings(settings)
    if key == "auto":
        return AutoEngine(GTTSEngine(settings), EspeakEngine(settings.voice, settings.speed))
    raise InvalidInput(f"unknown speech engine {name!r} (use one of: {', '.join(ENGINE_NAMES)})")
