"""Engine adapters: espeak-ng really speaks; engine selection; auto fallback."""

from __future__ import annotations

import sys
import wave
from pathlib import Path

import numpy as np
import pytest

from loabroadcast.config import SpeechSettings
from loabroadcast.errors import EngineUnavailable, InvalidInput, SpeechError
from loabroadcast.speech.engines import (
    AutoEngine,
    Engine,
    EspeakEngine,
    GTTSEngine,
    PiperEngine,
    SynthResult,
    get_engine,
)
from loabroadcast.speech.engines import espeak as espeak_module

SENTENCE = "Xin chào bà con khối phố ba. Đây là buổi phát thanh thử nghiệm của thị trấn."


def rms_dbfs(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        assert wav.getsampwidth() == 2
        samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2").astype(float)
    return 20 * np.log10(np.sqrt(np.mean(samples**2)) / 32768 + 1e-12)


def duration(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / wav.getframerate()


@pytest.mark.parametrize("voice", ["vi", "vi-vn-x-central", "vi-vn-x-south"])
def test_espeak_really_speaks_vietnamese(tmp_path, voice):
    out = tmp_path / "speech.wav"
    result = EspeakEngine(voice).synthesize(SENTENCE, out)
    assert result == SynthResult(out, "espeak", voice, False, None)
    assert 2.5 < duration(out) < 12.0  # ~17 syllables per sentence at 175 wpm
    assert rms_dbfs(out) > -35.0  # real speech, not silence


def test_espeak_speed_changes_duration(tmp_path):
    normal = EspeakEngine("vi", 1.0).synthesize(SENTENCE, tmp_path / "a.wav").path
    fast = EspeakEngine("vi", 1.6).synthesize(SENTENCE, tmp_path / "b.wav").path
    assert duration(fast) < 0.8 * duration(normal)
    assert espeak_module.words_per_minute(1.0) == 175
    assert espeak_module.words_per_minute(100) == 450


def test_espeak_handles_very_long_utf8_text(tmp_path):
    text = "\n".join(f"Đoạn {i}: người dân khẩn trương ứng phó với bão lũ." for i in range(300))
    assert len(text) > 15_000
    out = EspeakEngine().synthesize(text, tmp_path / "long.wav").path
    assert duration(out) > 600  # ~13 syllables × 300 lines
    assert rms_dbfs(out) > -35.0


def test_espeak_missing_binary_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(espeak_module.shutil, "which", lambda name: None)
    with pytest.raises(EngineUnavailable, match=r"espeak-ng is not installed: run `apt-get"):
        EspeakEngine().synthesize(SENTENCE, tmp_path / "x.wav")
    assert list(tmp_path.iterdir()) == []


def test_espeak_unknown_voice_fails_cleanly(tmp_path):
    with pytest.raises(SpeechError, match="voice"):
        EspeakEngine("xx-nonexistent").synthesize(SENTENCE, tmp_path / "x.wav")
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(SpeechError, match="invalid espeak-ng voice"):
        EspeakEngine("vi; rm -rf /")


def test_espeak_rejects_empty_text(tmp_path):
    with pytest.raises(SpeechError, match="nothing to speak"):
        EspeakEngine().synthesize("  \n ", tmp_path / "x.wav")


def test_get_engine_builds_each_engine():
    settings = SpeechSettings(voice="vi-vn-x-south", speed=1.2, piper_model="/nope/v.onnx")
    espeak = get_engine("espeak", settings)
    assert isinstance(espeak, EspeakEngine) and espeak.voice == "vi-vn-x-south"
    assert espeak.speed == 1.2
    assert isinstance(get_engine("gtts", settings), GTTSEngine)
    assert isinstance(get_engine("piper", settings), PiperEngine)
    auto = get_engine("auto", settings)
    assert isinstance(auto, AutoEngine) and auto.name == "auto"
    for engine in (espeak, auto):
        assert isinstance(engine, Engine)
    with pytest.raises(InvalidInput, match="unknown speech engine 'festival'"):
        get_engine("festival", settings)


class FailingEngine:
    name = "gtts"
    voice = "vi"

    def __init__(self):
        self.calls = 0

    def synthesize(self, text: str, out_wav: Path) -> SynthResult:
        self.calls += 1
        raise EngineUnavailable("gTTS failed: Failed to connect")


class WorkingEngine:
    name = "gtts"
    voice = "vi"

    def synthesize(self, text: str, out_wav: Path) -> SynthResult:
        EspeakEngine().synthesize(text, out_wav)  # stands in for Google's voice
        return SynthResult(out_wav, "gtts", "vi")


def test_auto_falls_back_to_espeak_and_says_so(tmp_path):
    primary = FailingEngine()
    auto = AutoEngine(primary, EspeakEngine("vi"), cooldown_s=60)
    result = auto.synthesize(SENTENCE, tmp_path / "a.wav")
    assert (result.engine, result.voice, result.fallback) == ("espeak", "vi", True)
    assert "Failed to connect" in result.detail
    assert rms_dbfs(result.path) > -35.0
    # During the cool-down gTTS is not tried again, but the result still says why.
    second = auto.synthesize(SENTENCE, tmp_path / "b.wav")
    assert primary.calls == 1 and second.fallback and "skipped" in second.detail


def test_auto_uses_the_primary_when_it_answers(tmp_path):
    auto = AutoEngine(WorkingEngine(), EspeakEngine("vi"))
    result = auto.synthesize(SENTENCE, tmp_path / "a.wav")
    assert (result.engine, result.fallback, result.detail) == ("gtts", False, None)


def test_piper_not_installed_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "piper", None)  # makes `import piper` fail
    engine = PiperEngine(tmp_path / "voice.onnx")
    with pytest.raises(EngineUnavailable, match=r"piper-tts is not installed: run `pip install"):
        engine.synthesize("Hello.", tmp_path / "x.wav")
