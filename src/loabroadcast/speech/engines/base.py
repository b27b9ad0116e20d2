"""The speech engine protocol shared by the gTTS, espeak-ng and piper adapters."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

# Upper bound for one text handed to an engine (the renderer rejects longer messages).
MAX_TEXT_CHARS = 20_000


@dataclass(frozen=True)
class SynthResult:
    """What an engine produced: always a WAV file at ``path``.

    ``engine``/``voice`` name what really spoke (for ``auto`` that is gtts or espeak);
    ``fallback`` is true when the preferred engine failed and another one stood in;
    ``detail`` says why (or carries other notes), ``None`` otherwise.
    """

    path: Path
    engine: str
    voice: str | None
    fallback: bool = False
    detail: str | None = None


@runtime_checkable
class Engine(Protocol):
    """Turns already-spoken (normalised) Vietnamese text into a WAV file.

    ``synthesize`` must write ``out_wav`` completely or not at all, and raise
    ``SpeechError``/``EngineUnavailable`` (never a bare library exception) on failure.
    Adapters may also expose ``speed`` (1.0 = normal); the cache keys on it when present.
    """

    name: str
    voice: str | None

    def synthesize(self, text: str, out_wav: Path) -> SynthResult: ...
