"""Engine adapters: espeak-ng really speaks; engine selection; auto fallback."""

from __future__ import annotations

import sys
import wave
from dataclasses import replace
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


# -- pace and pauses ([speech.espeak]) ----------------------------------------------------------


def longest_pause(path: Path, floor_db: float = -45.0) -> float:
    """Seconds of the longest run of 10 ms windows quieter than ``floor_db`` inside speech."""
    with wave.open(str(path), "rb") as wav:
        rate = wav.getframerate()
        samples = np.frombuffer(wav.readframes(wav.getnframes()), "<i2").astype(float) / 32768
    window = rate // 100
    frames = samples[: len(samples) // window * window].reshape(-1, window)
    quiet = 20 * np.log10(np.sqrt((frames**2).mean(axis=1)) + 1e-9) < floor_db
    loud = np.flatnonzero(~quiet)
    inner = quiet[loud[0] : loud[-1]]
    best = run = 0
    for q in inner:
        run = run + 1 if q else 0
        best = max(best, run)
    return best / 100


def test_espeak_sentence_silence_sets_the_pause_between_sentences(tmp_path):
    short = EspeakEngine("vi", sentence_silence=0.2).synthesize(SENTENCE, tmp_path / "a.wav").path
    long = EspeakEngine("vi", sentence_silence=1.0).synthesize(SENTENCE, tmp_path / "b.wav").path
    assert longest_pause(short) == pytest.approx(0.2, abs=0.1)
    assert longest_pause(long) == pytest.approx(1.0, abs=0.1)
    assert duration(long) - duration(short) == pytest.approx(0.8, abs=0.15)


def test_espeak_rate_is_words_per_minute(tmp_path):
    slow = EspeakEngine("vi", rate=120).synthesize(SENTENCE, tmp_path / "a.wav").path
    fast = EspeakEngine("vi", rate=200).synthesize(SENTENCE, tmp_path / "b.wav").path
    assert duration(fast) < 0.75 * duration(slow)
    assert EspeakEngine("vi", 1.2, rate=150).wpm == 180  # speed multiplies the rate


def test_espeak_pauses_are_ssml_with_the_text_escaped(tmp_path):
    ssml = espeak_module.with_pauses("Một & hai <ba>. Bốn!  Năm\n\nSáu; bảy 1.5 tám", 0.4)
    assert ssml == (
        '<speak>Một &amp; hai &lt;ba&gt;.<break time="400ms"/>\n'
        'Bốn!<break time="400ms"/>\n'
        'Năm<break time="400ms"/>\n'
        'Sáu;<break time="400ms"/>\n'
        "bảy 1.5 tám</speak>"
    )
    out = EspeakEngine("vi").synthesize("Một & hai <ba> </speak> bốn.", tmp_path / "x.wav").path
    assert duration(out) > 1.0 and rms_dbfs(out) > -35.0


def test_engines_are_tuned_from_settings_and_the_cache_keys_on_it():
    from loabroadcast.config import EspeakSettings, PiperSettings
    from loabroadcast.speech.cache import speech_key

    settings = SpeechSettings(
        espeak=EspeakSettings(rate=130, sentence_silence=0.8),
        piper=PiperSettings(length_scale=1.3, sentence_silence=0.6, speaker=2),
        piper_model="/nope/v.onnx",
    )
    espeak = get_engine("espeak", settings)
    assert (espeak.wpm, espeak.sentence_silence) == (130, 0.8)
    piper = get_engine("piper", settings)
    assert (piper.length_scale, piper.sentence_silence, piper.speaker) == (1.3, 0.6, 2)
    faster = get_engine("espeak", replace(settings, espeak=EspeakSettings(rate=160)))
    assert speech_key("Xin chào", espeak) != speech_key("Xin chào", faster)
    auto = get_engine("auto", settings)
    assert [e.name for e in auto.engines] == ["gtts", "piper", "espeak"]
    assert auto.tuning == {"piper": piper.tuning, "espeak": espeak.tuning}


# -- the auto chain: gTTS, else Piper, else espeak-ng ---------------------------------------------


class BrokenPiper:
    name = "piper"
    voice = "vi_VN-test-medium"

    def synthesize(self, text: str, out_wav: Path) -> SynthResult:
        raise EngineUnavailable("cannot load piper voice /x.onnx: bad model")


class StandInPiper:
    """Speaks (with espeak-ng) and says it is piper: the chain's order is what is tested."""

    name = "piper"
    voice = "vi_VN-test-medium"

    def synthesize(self, text: str, out_wav: Path) -> SynthResult:
        EspeakEngine().synthesize(text, out_wav)
        return SynthResult(out_wav, "piper", self.voice)


def test_auto_uses_piper_when_gtts_fails(tmp_path):
    auto = AutoEngine(FailingEngine(), StandInPiper(), EspeakEngine("vi"))
    result = auto.synthesize(SENTENCE, tmp_path / "a.wav")
    assert (result.engine, result.voice, result.fallback) == ("piper", "vi_VN-test-medium", True)
    assert result.detail == "gTTS failed: Failed to connect"


def test_auto_falls_through_to_espeak_saying_why_each_failed(tmp_path):
    auto = AutoEngine(FailingEngine(), BrokenPiper(), EspeakEngine("vi"), cooldown_s=60)
    result = auto.synthesize(SENTENCE, tmp_path / "a.wav")
    assert (result.engine, result.fallback) == ("espeak", True)
    assert result.detail == (
        "gTTS failed: Failed to connect; cannot load piper voice /x.onnx: bad model"
    )
    again = auto.synthesize(SENTENCE, tmp_path / "b.wav")
    assert again.detail.startswith("gtts skipped: it failed 0 s ago")
    assert "piper skipped" in again.detail


def test_auto_raises_what_the_last_engine_raises(tmp_path, monkeypatch):
    monkeypatch.setattr(espeak_module.shutil, "which", lambda name: None)
    auto = AutoEngine(FailingEngine(), BrokenPiper(), EspeakEngine("vi"))
    with pytest.raises(EngineUnavailable, match="espeak-ng is not installed"):
        auto.synthesize(SENTENCE, tmp_path / "a.wav")
    assert list(tmp_path.iterdir()) == []


def test_auto_without_a_piper_voice_is_gtts_then_espeak(tmp_path):
    auto = get_engine("auto", SpeechSettings(), tmp_path / "voices")  # nothing installed
    assert [e.name for e in auto.engines] == ["gtts", "espeak"]
    assert auto.voice == "gtts:vi+espeak:vi"
