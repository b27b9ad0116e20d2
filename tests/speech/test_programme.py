"""Programme assembly and render_message with real espeak-ng and ffmpeg."""

from __future__ import annotations

import re
import subprocess
import wave
from dataclasses import replace
from pathlib import Path

import pytest
from pydub import AudioSegment

from loabroadcast.config import SpeechSettings
from loabroadcast.domain.models import Message
from loabroadcast.errors import AudioError, SpeechError
from loabroadcast.resources import audio_asset
from loabroadcast.speech import audio
from loabroadcast.speech.bench import CCHC_TEXT, _spoken
from loabroadcast.speech.cache import RenderCache
from loabroadcast.speech.engines import EspeakEngine
from loabroadcast.speech.programme import ProgrammeParts, assemble, sequence
from loabroadcast.speech.render import render_message, verify_render

SPOKEN = (
    "Trạm Y tế thị trấn thông báo: đề nghị mỗi gia đình dành mười phút mỗi tuần "
    "để diệt lăng quăng, bọ gậy."
)
SETTINGS = SpeechSettings(engine="espeak")


class CountingEspeak(EspeakEngine):
    def __init__(self):
        super().__init__("vi")
        self.calls = 0

    def synthesize(self, text, out_wav):
        self.calls += 1
        return super().synthesize(text, out_wav)


def ebur128(path: Path) -> tuple[float, float]:
    """(integrated LUFS, true peak dBTP) measured independently with ffmpeg."""
    argv = ["ffmpeg", "-hide_banner", "-nostats", "-i", str(path)]
    argv += ["-af", "ebur128=peak=true:framelog=verbose", "-f", "null", "-"]
    err = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=True).stderr
    summary = err[err.rindex("Summary:") :]
    lufs = float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1))
    peak = float(re.search(r"Peak:\s+(-?[\d.]+) dBFS", summary).group(1))
    return lufs, peak


def wav_format(path: Path) -> tuple[int, int, int, float]:
    with wave.open(str(path), "rb") as wav:
        n, rate = wav.getnframes(), wav.getframerate()
        return wav.getnchannels(), wav.getsampwidth(), rate, n / rate


def seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / wav.getframerate()


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> RenderCache:
    return RenderCache(tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="module")
def once(cache):
    return render_message(Message(id=1, title="Y tế", repeat=1), SPOKEN, SETTINGS, cache)


@pytest.fixture(scope="module")
def twice(cache):
    return render_message(Message(id=2, title="Y tế", repeat=2), SPOKEN, SETTINGS, cache)


def test_sequence_running_order():
    body, lead, rem = Path("body.wav"), Path("lead.wav"), Path("rem.wav")
    cin, cout = Path("in.wav"), Path("out.wav")
    parts = ProgrammeParts(body, 3, lead, rem, cin, cout)
    assert sequence(parts, 500) == [
        *(cin, 500, lead, 500, body),
        *(500, rem, 500, body),
        *(500, rem, 500, body),
        *(500, cout),
    ]
    default = sequence(ProgrammeParts(body), 700)
    assert default == [audio_asset("chime_in.wav"), 700, body, 700, audio_asset("chime_out.wav")]


def test_programme_is_loudness_normalised_mono_16bit_44100(once):
    channels, width, rate, length = wav_format(once.path)
    assert (channels, width, rate) == (1, 2, 44100)
    lufs, peak = ebur128(once.path)
    assert lufs == pytest.approx(-16.0, abs=1.0)
    assert peak <= -1.0
    assert once.loudness_lufs == pytest.approx(lufs, abs=0.2)
    assert once.duration_s == pytest.approx(length, abs=0.01)


def test_record_describes_the_render(once):
    assert (once.message_id, once.engine, once.voice, once.fallback) == (1, "espeak", "vi", False)
    assert once.path.name == f"{once.key}.wav"
    assert once.created_at is not None and once.created_at.tzinfo is not None
    assert verify_render(once)


def test_repeat_adds_reminder_and_speech(once, twice, tmp_path):
    speech = seconds(EspeakEngine("vi").synthesize(SPOKEN, tmp_path / "s.wav").path)
    reminder = seconds(EspeakEngine("vi").synthesize("Xin nhắc lại", tmp_path / "r.wav").path)
    pauses = 2 * SETTINGS.pause_ms / 1000
    extra = twice.duration_s - once.duration_s
    assert extra == pytest.approx(speech + reminder + pauses, abs=0.3)
    lufs, peak = ebur128(twice.path)
    assert lufs == pytest.approx(-16.0, abs=1.0) and peak <= -1.0
    assert twice.key != once.key


def test_second_render_is_a_cache_hit_without_the_engine(cache, once):
    engine = CountingEspeak()
    again = render_message(Message(id=1, title="Y tế"), SPOKEN, SETTINGS, cache, engine)
    assert engine.calls == 0
    assert (again.key, again.sha256, again.path) == (once.key, once.sha256, once.path)


def test_lead_in_makes_it_longer(cache, once):
    settings = replace(SETTINGS, lead_in="Sau đây là thông báo của Ủy ban nhân dân thị trấn")
    led = render_message(Message(id=3, title="Y tế"), SPOKEN, settings, cache)
    assert led.duration_s > once.duration_s + 2.0
    assert led.key != once.key


def test_tampered_render_fails_verification(cache, tmp_path):
    record = render_message(Message(id=4, title="x"), "Kiểm tra tệp.", SETTINGS, cache)
    data = bytearray(record.path.read_bytes())
    data[5000] ^= 0x55
    record.path.write_bytes(bytes(data))
    assert not verify_render(record)
    assert not verify_render(replace(record, path=tmp_path / "gone.wav"))
    fresh = render_message(Message(id=4, title="x"), "Kiểm tra tệp.", SETTINGS, cache)
    assert verify_render(fresh) and fresh.sha256 == record.sha256


def test_recorded_message_gets_the_same_treatment(cache, tmp_path):
    mp3 = tmp_path / "thong-bao.mp3"
    tone = "sine=frequency=330:duration=4:sample_rate=48000"
    argv = ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", tone, "-af", "volume=-25dB", str(mp3)]
    subprocess.run(argv, check=True, timeout=30)
    message = Message(id=5, title="Ghi âm", audio_path=str(mp3), repeat=2)
    record = render_message(message, None, SETTINGS, cache)
    assert (record.engine, record.voice) == ("recording", None)
    reminder = seconds(EspeakEngine("vi").synthesize("Xin nhắc lại", tmp_path / "r.wav").path)
    chimes = seconds(audio_asset("chime_in.wav")) + seconds(audio_asset("chime_out.wav"))
    expected = chimes + 2 * 4.0 + reminder + 4 * SETTINGS.pause_ms / 1000
    assert record.duration_s == pytest.approx(expected, abs=0.3)
    lufs, peak = ebur128(record.path)
    assert lufs == pytest.approx(-16.0, abs=1.0) and peak <= -1.0


def test_bad_recordings_are_audio_errors(cache, tmp_path):
    fake = tmp_path / "fake.mp3"
    fake.write_text("không phải âm thanh", encoding="utf-8")
    with pytest.raises(AudioError, match="cannot read audio file"):
        render_message(Message(id=6, title="x", audio_path=str(fake)), None, SETTINGS, cache)
    missing = Message(id=7, title="x", audio_path=str(tmp_path / "missing.mp3"))
    with pytest.raises(AudioError, match="not found"):
        render_message(missing, None, SETTINGS, cache)
    assert not [p for p in cache.root.rglob("*.tmp")]


def test_empty_or_too_long_text_is_a_speech_error(cache):
    with pytest.raises(SpeechError, match="nothing to speak"):
        render_message(Message(id=8, title="x"), " \n ", SETTINGS, cache)
    with pytest.raises(SpeechError, match="nothing to speak"):
        render_message(Message(id=8, title="x"), None, SETTINGS, cache)
    with pytest.raises(SpeechError, match="too long") as info:
        render_message(Message(id=8, title="x"), "a " * 10_001, SETTINGS, cache)
    assert "\n" not in str(info.value)


def test_assemble_at_another_sample_rate(tmp_path):
    speech = EspeakEngine("vi").synthesize("Xin chào.", tmp_path / "s.wav").path
    settings = replace(SETTINGS, sample_rate=22050, pause_ms=300)
    result = assemble(ProgrammeParts(speech), settings, tmp_path / "p.wav")
    assert wav_format(result.path)[:3] == (1, 2, 22050)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.wav", "s.wav"]


def test_long_sample_is_assembled_without_ffmpeg_and_meets_the_guarantees(tmp_path, monkeypatch):
    """The ~1,100-character CCHC sample (≈ 64 s): WAV parts never go through ffmpeg, and
    ffmpeg's ebur128 (the independent reference) confirms loudness and true peak."""
    text, _ = _spoken(CCHC_TEXT)
    speech = EspeakEngine("vi").synthesize(text, tmp_path / "cchc.wav").path
    reminder = EspeakEngine("vi").synthesize("Xin nhắc lại", tmp_path / "r.wav").path

    def no_ffmpeg(*args, **kwargs):
        raise AssertionError("ffmpeg was called for WAV inputs")

    monkeypatch.setattr(audio, "_ffmpeg", no_ffmpeg)
    parts = ProgrammeParts(speech, repeat=2, reminder=reminder)
    result = assemble(parts, SETTINGS, tmp_path / "p.wav")
    monkeypatch.undo()
    assert wav_format(result.path)[:3] == (1, 2, 44100)
    assert result.duration_s > 2 * 55
    lufs, peak = ebur128(result.path)
    assert lufs == pytest.approx(-16.0, abs=1.0) and peak <= -1.0
    assert result.loudness.integrated_lufs == pytest.approx(lufs, abs=0.2)
    assert result.loudness.true_peak_dbtp == pytest.approx(peak, abs=0.2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cchc.wav", "p.wav", "r.wav"]


def test_each_distinct_recording_is_decoded_once(tmp_path, monkeypatch):
    mp3 = tmp_path / "ghi-am.mp3"
    square = "sine=frequency=220:duration=3:sample_rate=48000,aeval=0.9*sgn(val(0))"
    argv = ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", square, str(mp3)]
    subprocess.run(argv, check=True, timeout=30)  # starts and stops on a jump, peaks > 0 dBTP
    calls: list[Path] = []
    real = AudioSegment.from_file

    def counting(path, *rest, **kwargs):
        calls.append(path)
        return real(path, *rest, **kwargs)

    monkeypatch.setattr(AudioSegment, "from_file", counting)
    result = assemble(ProgrammeParts(mp3, repeat=3), SETTINGS, tmp_path / "p.wav")
    monkeypatch.undo()
    assert len(calls) == 1
    lufs, peak = ebur128(result.path)
    assert lufs == pytest.approx(-16.0, abs=1.0) and peak <= -1.0


def test_pause_lengths_are_exact(tmp_path):
    speech = EspeakEngine("vi").synthesize("Xin chào.", tmp_path / "s.wav").path
    chime = seconds(audio_asset("chime_in.wav")) + seconds(audio_asset("chime_out.wav"))
    body = seconds(speech)
    for pause_ms in (0, 250, 1000):
        settings = replace(SETTINGS, pause_ms=pause_ms)
        result = assemble(ProgrammeParts(speech), settings, tmp_path / f"p{pause_ms}.wav")
        expected = chime + body + 2 * pause_ms / 1000
        assert result.duration_s == pytest.approx(expected, abs=2 / 44100)
        assert seconds(result.path) == result.duration_s
