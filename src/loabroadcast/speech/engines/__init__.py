"""Speech engines behind one protocol: gtts (online), espeak (offline), piper, and auto
(gTTS when it answers, else an installed Piper voice, else espeak-ng).

``get_engine(name, settings)`` is the only constructor the rest of the code needs.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace
from pathlib import Path

from ...config import SpeechSettings
from ...errors import AudioError, EngineUnavailable, InvalidInput, SpeechError
from ...i18n import N_
from ..voices import choose_piper
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
    """The first engine of a chain that answers: gTTS, else a Piper voice, else espeak-ng.

    The result names the engine that really spoke; ``fallback=True`` and ``detail`` (why
    the engines before it were not used) mark a stand-in. An engine that is unavailable
    (``EngineUnavailable``: no network, no model) is skipped for ``cooldown_s``, so a batch
    of renders while offline does not wait on it for every message.
    """

    name = "auto"

    def __init__(self, *engines: Engine, cooldown_s: float = 120.0):
        if len(engines) < 2:
            raise ValueError("AutoEngine needs at least two engines")
        self.engines = engines
        self.voice: str | None = "+".join(f"{e.name}:{e.voice}" for e in engines)
        self.speed = float(getattr(engines[0], "speed", 1.0))
        # what shapes the audio beyond name/voice/speed, for the render cache
        self.tuning = {e.name: t for e in engines if (t := getattr(e, "tuning", None))}
        self.cooldown_s = cooldown_s
        self._failed: dict[int, tuple[float, str]] = {}
        self._lock = threading.Lock()

    @property
    def primary(self) -> Engine:
        return self.engines[0]

    @property
    def fallback(self) -> Engine:
        return self.engines[-1]

    def _skip_reason(self, index: int) -> str | None:
        with self._lock:
            failed = self._failed.get(index)
            if failed is None:
                return None
            age = time.monotonic() - failed[0]
            if age >= self.cooldown_s:
                del self._failed[index]
                return None
            name = self.engines[index].name
            return f"{name} skipped: it failed {age:.0f} s ago ({failed[1]})"

    def synthesize(self, text: str, out_wav: Path) -> SynthResult:
        """Try each engine in turn; the last one's failure is raised."""
        reasons: list[str] = []
        last = len(self.engines) - 1
        for index, engine in enumerate(self.engines):
            reason = self._skip_reason(index) if index < last else None
            if reason is None:
                try:
                    result = engine.synthesize(text, out_wav)
                except (SpeechError, AudioError) as exc:
                    if index == last:
                        raise
                    reason = str(exc)
                    if isinstance(exc, EngineUnavailable):
                        with self._lock:
                            self._failed[index] = (time.monotonic(), reason)
                    nxt = self.engines[index + 1].name
                    log.warning(
                        N_("%(engine)s failed, trying %(next)s: %(reason)s"),
                        {"engine": engine.name, "next": nxt, "reason": exc},
                    )
                else:
                    if index == 0:
                        with self._lock:
                            self._failed.pop(0, None)
                        return result
                    return replace(result, fallback=True, detail="; ".join(reasons))
            reasons.append(reason)
        raise AssertionError("unreachable: the last engine returns or raises")


def piper_engine(settings: SpeechSettings, voices_dir: Path | None) -> PiperEngine | None:
    """The Piper engine ``settings`` choose (a voice installed in ``voices_dir``, or
    ``piper_model``), or None when no Piper voice is configured or installed."""
    choice = choose_piper(settings, voices_dir)
    if choice.model is None and choice.problem is None:
        return None
    return PiperEngine.from_settings(settings, choice.model, problem=choice.problem)


def espeak_engine(settings: SpeechSettings) -> EspeakEngine:
    tuning = settings.espeak
    return EspeakEngine(
        settings.voice,
        settings.speed,
        rate=tuning.rate,
        sentence_silence=tuning.sentence_silence,
    )


def get_engine(name: str, settings: SpeechSettings, voices_dir: Path | None = None) -> Engine:
    """The engine called ``name`` (auto, gtts, espeak, piper), configured from ``settings``;
    Piper voices installed in ``voices_dir`` (``LOA_HOME/voices``) are used when given."""
    key = (name or "").strip().lower()
    if key in ("espeak", "espeak-ng"):
        return espeak_engine(settings)
    if key == "gtts":
        return GTTSEngine(settings)
    if key == "piper":
        return piper_engine(settings, voices_dir) or PiperEngine.from_settings(settings)
    if key == "auto":
        piper = piper_engine(settings, voices_dir)
        chain = [GTTSEngine(settings), *([piper] if piper else []), espeak_engine(settings)]
        return AutoEngine(*chain)
    raise InvalidInput(
        N_("unknown speech engine {name!r} (use one of: {names})"),
        name=name,
        names=", ".join(ENGINE_NAMES),
    )
