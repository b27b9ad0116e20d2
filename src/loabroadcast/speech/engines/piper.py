"""piper-tts adapter: a neural voice from a ``.onnx`` model file and its ``.onnx.json``.

The model is a voice installed with ``loa voice install NAME`` (``speech.piper_voice``) or
the operator's own file (``speech.piper_model``). piper-tts is imported lazily, so the rest
of loabroadcast works without it.
"""

from __future__ import annotations

import threading
import wave
from pathlib import Path

from ...config import PiperSettings, SpeechSettings
from ...errors import EngineUnavailable, LoaError, SpeechError
from ...i18n import N_
from ...wavfile import read_wav_info
from ..audio import atomic_path
from .base import SynthResult

INSTALL_HINT = N_("piper-tts is not installed: run `pip install piper-tts`")
LENGTH_SCALE_RANGE = (0.5, 2.5)
MAX_SENTENCE_SILENCE_S = 3.0


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
            N_(
                "no piper voice model configured: install one with `loa voice install NAME` "
                "(and set speech.piper_voice), or set speech.piper_model in loa.toml "
                "to a .onnx voice file (with its .onnx.json beside it)"
            )
        )
    onnx = Path(model).expanduser()
    if not onnx.is_file():
        raise EngineUnavailable(N_("piper voice model not found: {path}"), path=onnx)
    config = onnx.with_name(onnx.name + ".json")
    if not config.is_file():
        raise EngineUnavailable(
            N_("piper voice config not found: {path} (put it beside the model)"), path=config
        )
    return onnx, config


def _clamp(value: float, low: float, high: float) -> float:
    return min(high, max(low, float(value)))


class PiperEngine:
    """Synthesises with piper-tts; the model loads once, on first use.

    ``length_scale`` (> 1 reads slower) is divided by ``speed``; ``sentence_silence``
    seconds of silence follow each sentence (both default to ``[speech.piper]``'s
    defaults); ``speaker`` picks a speaker of a multi-speaker voice. ``problem``, when
    given, is raised instead of loading (a configured voice that is not installed), so
    ``auto`` can say why it did not use Piper.
    """

    name = "piper"

    def __init__(
        self,
        model: str | Path | None,
        speed: float = 1.0,
        *,
        length_scale: float = PiperSettings.length_scale,
        sentence_silence: float = PiperSettings.sentence_silence,
        speaker: int | None = None,
        problem: LoaError | None = None,
    ):
        self.model = Path(model).expanduser() if model else None
        self.voice: str | None = self.model.name.removesuffix(".onnx") if self.model else None
        self.speed = float(speed) if speed > 0 else 1.0
        self.length_scale = _clamp(length_scale / self.speed, *LENGTH_SCALE_RANGE)
        self.sentence_silence = _clamp(sentence_silence, 0.0, MAX_SENTENCE_SILENCE_S)
        self.speaker = speaker
        self.problem = problem
        # shapes the audio beyond name/voice/speed: the render cache keys on it
        self.tuning = {
            "length_scale": round(self.length_scale, 4),
            "sentence_silence": self.sentence_silence,
            "speaker": speaker,
        }
        self._loaded = None
        self._lock = threading.Lock()

    @classmethod
    def from_settings(
        cls, settings: SpeechSettings, model: str | Path | None = None, **kwargs
    ) -> PiperEngine:
        """An engine for ``model`` (default ``settings.piper_model``) tuned by
        ``settings.piper``."""
        tuning: PiperSettings = settings.piper
        return cls(
            model if model is not None else settings.piper_model,
            settings.speed,
            length_scale=tuning.length_scale,
            sentence_silence=tuning.sentence_silence,
            speaker=tuning.speaker,
            **kwargs,
        )

    def load(self) -> None:
        """Load the model now (it otherwise loads on the first ``synthesize``)."""
        with self._lock:
            self._voice()

    def _voice(self):
        if self.problem is not None:
            raise self.problem
        if self._loaded is None:
            piper_voice, _ = _import_piper()
            onnx, config = model_files(self.model)
            try:
                self._loaded = piper_voice.load(str(onnx), config_path=str(config))
            except Exception as exc:  # onnxruntime/JSON errors have no common base class
                raise EngineUnavailable(
                    N_("cannot load piper voice {path}: {reason}"), path=str(onnx), reason=str(exc)
                ) from None
        return self._loaded

    def synthesize(self, text: str, out_wav: Path) -> SynthResult:
        """Speak ``text`` into ``out_wav`` (the model's rate, mono 16-bit WAV)."""
        if not text.strip():
            raise SpeechError(N_("piper: nothing to speak (empty text)"))
        out_wav = Path(out_wav)
        with self._lock:
            voice = self._voice()
            _, synthesis_config = _import_piper()
            config = synthesis_config(length_scale=self.length_scale, speaker_id=self.speaker)
            with atomic_path(out_wav) as tmp:
                try:
                    self._write(voice, text, config, tmp)
                except OSError:
                    raise
                except Exception as exc:  # onnxruntime, phonemizer and wave.Error alike
                    raise SpeechError(N_("piper failed: {reason}"), reason=str(exc)) from None
                if read_wav_info(tmp).frames == 0:
                    raise SpeechError(N_("piper wrote no audio"))
        return SynthResult(out_wav, self.name, self.voice)

    def _write(self, voice, text: str, config, tmp: Path) -> None:
        """One chunk per sentence, ``sentence_silence`` of silence between sentences."""
        rate = int(voice.config.sample_rate)
        gap = bytes(2 * round(rate * self.sentence_silence))  # mono, 16-bit
        with open(tmp, "wb") as fh, wave.open(fh, "wb") as wav:
            wav.setframerate(rate)
            wav.setsampwidth(2)
            wav.setnchannels(1)
            for index, chunk in enumerate(voice.synthesize(text, syn_config=config)):
                if index:
                    wav.writeframes(gap)
                wav.writeframes(chunk.audio_int16_bytes)
