"""gTTS adapter against a local fake of Google Translate's batchexecute TTS endpoint.

The fake answers like the real service: an anti-XSSI prefix, then a line holding
``["wrb.fr","jQ1olc","[\\"<base64 MP3>\\"]",…]``, one POST per text chunk of ≤100
characters. Each request follows a script: "ok", an HTTP status, "hang" or "garbage".
"""

from __future__ import annotations

import base64
import json
import socket
import subprocess
import threading
import time
import urllib.parse
import wave
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from loabroadcast.config import SpeechSettings
from loabroadcast.errors import EngineUnavailable
from loabroadcast.speech.engines import AutoEngine, GTTSEngine, get_engine
from loabroadcast.speech.engines.gtts import TTS_PATH

SHORT = "Xin chào bà con."
LONG = (
    "Ủy ban nhân dân thị trấn thông báo lịch tiêm chủng mở rộng vào sáng thứ năm. "
    "Đề nghị phụ huynh đưa trẻ đến hội trường khối ba đúng giờ, mang theo sổ tiêm chủng."
)


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    """gTTS passes the environment's proxies to requests: keep 127.0.0.1 direct."""
    for name in ("http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


@pytest.fixture(scope="module")
def mp3_bytes(tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("mp3") / "sine.mp3"
    argv = ["ffmpeg", "-v", "error", "-y", "-f", "lavfi"]
    argv += ["-i", "sine=frequency=440:duration=1:sample_rate=24000", "-ac", "1", str(path)]
    subprocess.run(argv, check=True, timeout=30)
    return path.read_bytes()


def batchexecute_body(mp3: bytes) -> bytes:
    audio = base64.b64encode(mp3).decode("ascii")
    line = f'[["wrb.fr","jQ1olc","[\\"{audio}\\"]",null,null,null,"generic"]]'
    return f')]}}\'\n\n{len(line)}\n{line}\n25\n[["e",4,null,null,{len(line)}]]\n'.encode()


@dataclass
class FakeTranslate:
    """A scripted fake: ``script`` is consumed one entry per request, the last repeats."""

    mp3: bytes
    script: list[object] = field(default_factory=lambda: ["ok"])
    requests: list[dict] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    url: str = ""

    def next_action(self) -> object:
        return self.script.pop(0) if len(self.script) > 1 else self.script[0]


@pytest.fixture
def fake(mp3_bytes) -> Iterator[FakeTranslate]:
    state = FakeTranslate(mp3_bytes)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # keep test output quiet
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            form = urllib.parse.parse_qs(body.decode())
            state.requests.append({"path": self.path, "freq": form.get("f.req", [""])[0]})
            action = state.next_action()
            if action == "hang":
                state.release.wait(30)
                return
            if isinstance(action, int):
                self.send_response(action)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            mp3 = b"this is not an mp3 at all" * 40 if action == "garbage" else state.mp3
            payload = batchexecute_body(mp3)
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield state
    state.release.set()
    server.shutdown()
    server.server_close()


def engine_for(url: str, timeout: float = 2.0, **kwargs) -> GTTSEngine:
    return GTTSEngine(SpeechSettings(gtts_timeout_s=timeout), endpoint=url, **kwargs)


def wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / wav.getframerate()


def test_success_posts_like_gtts_and_writes_wav(fake, tmp_path):
    out = tmp_path / "out.wav"
    result = engine_for(fake.url).synthesize(SHORT, out)
    assert (result.path, result.engine, result.voice, result.fallback) == (out, "gtts", "vi", False)
    assert wav_seconds(out) == pytest.approx(1.0, abs=0.1)
    assert len(fake.requests) == 1
    request = fake.requests[0]
    assert request["path"] == f"/{TTS_PATH}"
    rpc_id, params, *_ = json.loads(request["freq"])[0][0]
    assert rpc_id == "jQ1olc"
    assert json.loads(params)[:2] == ["Xin chào bà con.", "vi"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.wav"]


def test_long_text_is_sent_in_chunks_and_joined(fake, tmp_path):
    out = engine_for(fake.url).synthesize(LONG, tmp_path / "out.wav").path
    assert len(fake.requests) >= 2
    assert wav_seconds(out) == pytest.approx(len(fake.requests), abs=0.2)


def test_429_is_retried_with_backoff(fake, tmp_path):
    fake.script = [429, 503, "ok"]
    waits: list[float] = []
    engine = engine_for(fake.url, backoff_s=0.2, sleep=waits.append)
    engine.synthesize(SHORT, tmp_path / "out.wav")
    assert len(fake.requests) == 3
    assert waits == [0.2, 0.4]  # exponential
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.wav"]


def test_500_forever_fails_in_bounded_time_and_leaves_nothing(fake, tmp_path):
    fake.script = [500]
    started = time.monotonic()
    with pytest.raises(EngineUnavailable, match="500"):
        engine_for(fake.url, backoff_s=0.1).synthesize(SHORT, tmp_path / "out.wav")
    assert time.monotonic() - started < 3.0
    assert len(fake.requests) == 3
    assert list(tmp_path.iterdir()) == []


def test_retries_stop_when_the_budget_is_spent(fake, tmp_path):
    fake.script = [500]
    waits: list[float] = []
    engine = engine_for(fake.url, timeout=2.0, backoff_s=1.0, budget_s=3.5, sleep=waits.append)
    with pytest.raises(EngineUnavailable):
        engine.synthesize(SHORT, tmp_path / "out.wav")
    assert waits == [1.0]  # a second retry (2 s + 2 s timeout) would overrun 3.5 s
    assert list(tmp_path.iterdir()) == []


def test_hanging_server_times_out_and_leaves_nothing(fake, tmp_path):
    fake.script = ["hang"]
    started = time.monotonic()
    with pytest.raises(EngineUnavailable, match="timeout"):
        engine_for(fake.url, timeout=0.5).synthesize(SHORT, tmp_path / "out.wav")
    assert time.monotonic() - started < 2.0
    assert len(fake.requests) == 1  # a timeout is not retried: fall back quickly instead
    assert list(tmp_path.iterdir()) == []


def test_connection_refused_fails_fast(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    started = time.monotonic()
    with pytest.raises(EngineUnavailable, match="Failed to connect"):
        engine_for(f"http://127.0.0.1:{port}").synthesize(SHORT, tmp_path / "out.wav")
    assert time.monotonic() - started < 2.0
    assert list(tmp_path.iterdir()) == []


def test_undecodable_audio_is_an_error_and_leaves_nothing(fake, tmp_path):
    fake.script = ["garbage"]
    with pytest.raises(EngineUnavailable, match="cannot be decoded"):
        engine_for(fake.url).synthesize(SHORT, tmp_path / "out.wav")
    assert list(tmp_path.iterdir()) == []


def test_settings_gtts_host_url_is_the_endpoint(fake, tmp_path):
    engine = get_engine("gtts", SpeechSettings(gtts_host=fake.url, gtts_timeout_s=60))
    assert engine.timeout_s == 10.0  # capped
    engine.synthesize(SHORT, tmp_path / "out.wav")
    assert len(fake.requests) == 1
    assert GTTSEngine(SpeechSettings(gtts_host="com.vn")).tld == "com.vn"


def test_auto_falls_back_to_espeak_within_15_s_when_gtts_hangs(fake, tmp_path):
    fake.script = ["hang"]
    settings = SpeechSettings(engine="auto", gtts_host=fake.url, gtts_timeout_s=1.0)
    auto = get_engine("auto", settings)
    assert isinstance(auto, AutoEngine)
    started = time.monotonic()
    result = auto.synthesize(SHORT, tmp_path / "out.wav")
    assert time.monotonic() - started < 15.0
    assert (result.engine, result.voice, result.fallback) == ("espeak", "vi", True)
    assert "gTTS failed" in result.detail
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.wav"]


def test_auto_uses_gtts_when_it_answers(fake, tmp_path):
    auto = get_engine("auto", SpeechSettings(gtts_host=fake.url, gtts_timeout_s=2.0))
    result = auto.synthesize(SHORT, tmp_path / "out.wav")
    assert (result.engine, result.fallback) == ("gtts", False)
