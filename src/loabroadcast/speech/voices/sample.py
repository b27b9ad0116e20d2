"""``loa voice test``: a sample read by one installed voice, as the station's settings tune it."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from ...config import Settings
from ...errors import AudioError, os_reason
from ...i18n import N_
from ..engines.base import SynthResult
from ..engines.piper import PiperEngine
from .library import VoiceLibrary

SAMPLE_TEXT = (
    "Xin chào bà con. Đây là giọng đọc thử của hệ thống loa truyền thanh. "
    "Ủy ban nhân dân thị trấn thông báo lịch tiêm chủng mở rộng vào sáng thứ năm."
)


def render_sample(
    settings: Settings, name: str, out_wav: Path, text: str | None = None
) -> SynthResult:
    """``text`` (a Vietnamese sample by default) spoken by installed voice ``name`` into
    ``out_wav``, with the ``[speech.piper]`` settings; ``NotFound`` when not installed."""
    voice = VoiceLibrary(settings.voices_dir).get(name)
    engine = PiperEngine.from_settings(settings.speech, voice.model)
    spoken = unicodedata.normalize("NFC", text) if text and text.strip() else SAMPLE_TEXT
    try:
        return engine.synthesize(spoken, Path(out_wav))
    except OSError as exc:
        raise AudioError(
            N_("cannot write {path}: {reason}"), path=out_wav, reason=os_reason(exc)
        ) from None
