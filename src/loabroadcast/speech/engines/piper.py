"""piper-tts adapter: a neural voice from an operator-supplied ``.onnx`` model file.

No package ships a Vietnamese piper voice: the operator downloads one (for example
``vi_VN-vais1000-medium.onnx`` with its ``.onnx.json``) and sets ``speech.piper_model``.
piper-tts is imported lazily, so the rest of loabroadcast works without it.
"""

from __future__ import annotations

import threading
import wave
from pathlib import Path

from ...config import SpeechSettings
from ...errors import EngineUnavailable, SpeechError
from ...wavfile import read_wav_info
from ..audio import atomic_path
from .base import SynthResult

INSTALL_HINT = "piper-tts is not installed: run `pip install piper-tts`"


def _import_piper():
    try:
        from piper import PiperVoice, SynthesisConfig
    except ImportError:
        raise EngineUnavailable(INSTALL_HINT) from None
    return PiperVoice, SynthesisConfig


def model_files(model: str | Path | None) -> tuple[Path, Path]:
    """(model.onnx, model.onnx.json) after checking both exist; ``EngineUnavailable`` if not."""
    if not model:
        raise EngineUnavailable(
            "no piper voice model configured: set speech.piper_model in loa.toml "
            "to a .onnx voice file (with its .onnx.json beside it)"
        )
    onnx = Path(model).expanduser()
    if not onnx.is_file():
        raise EngineUnavailable(f"piper voice model not found: {onnx}")
    config = onnx.with_name(onnx.name + ".json")
    if not config.is_file():
        raise EngineUnavailable(f"piper voice config not found: {config} (put it beside the model)")
    return onnx, config


class PiperEngine:
    """Synthesises with piper-tts; the model loads once, on first use."""

    name = "piper"

    def __init__(self, model: str | Path | None, speed: float = 1.0):
        self.model = Path(model).expanduser() if model else None
        self.voice: str | None = self.model.name.removesuffix(".onnx") if self.model else None
        self.speed = float(speed) if speed > 0 else 1.0
        self._loaded = None
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: SpeechSettings) -> PiperEngine:
        return cls(settings.piper_model, settings.speed)

    def _voice(self):
        if self._loaded is None:
            piper_voice, _ = _import_piper()
            onnx, config = model_files(self.model)
            try:
                self._loaded = piper_voice.load(str(onnx), config_path=str(config))
            except Exception as exc:  # onnxruntime/JSON errors have no common base class
                raise EngineUnavailable(f"cannot load piper voice {onnx}: {exc}") from None
        return self._loaded

    def synthesize(self, text: str, out_wav: Path) -> SynthResult:
        """Speak ``text`` into ``out_wav`` (the model's rate, mono 16-bit WAV)."""
        if not text.strip():
            raise SpeechError("piper: nothing to speak (empty text)")
        _, synthesis_config = _import_piper()
        out_wav = Path(out_wav)
        with self._lock:
            voice = self._voice()
            config = synthesis_config(length_scale=1.0 / self.speed)
            with atomic_path(out_wav) as tmp:
                try:
                    with wave.open(str(tmp), "wb") as wav:
                        voice.synthesize_wav(text, wav, syn_config=config)
                except OSError:
                    raise
                except Exception as exc:  # onnxruntime, phonemizer and wave.Error alike
                    raise SpeechError(f"piper failed: {exc}") from None
                if read_wav_info(tmp).frames == 0:
                    raise SpeechError("piper wrote no audio")
        return SynthResult(out_wav, self.name, self.voice)
