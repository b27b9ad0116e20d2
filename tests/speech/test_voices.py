"""Piper voices: the index, installing (checked, atomic, resumed), removing, and which voice
speaks. A local HTTP mirror serves a real Piper voice (tests/voice_server.py); no test
reaches the internet.
"""

from __future__ import annotations

import hashlib
import json
import socket
import time
from dataclasses import replace
from pathlib import Path

import pytest

from loabroadcast.config import load_settings
from loabroadcast.errors import Conflict, EngineUnavailable, InvalidInput, NotFound
from loabroadcast.speech.voices import (
    DownloadError,
    VoiceIndexError,
    VoiceLibrary,
    check_name,
    choose_piper,
    install_voice,
    list_voices,
    remove_voice,
)
from loabroadcast.speech.voices.fetch import download_file, fetch_index
from loabroadcast.speech.voices.index import RemoteFile, file_url, parse_index
from voice_server import JOE, VI_TEST, joe_files, link_tree

NO_WAIT = {"sleep": lambda _s: None}


def station(tmp_path: Path, url: str = "http://127.0.0.1:9", **speech):
    """Settings of a station in ``tmp_path/home`` reading the index at ``url``."""
    settings = load_settings(tmp_path / "home", env={})
    return replace(settings, speech=replace(settings.speech, voices_url=url, **speech))


def dead_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def folder_names(path: Path) -> list[str]:
    return sorted(p.name for p in path.iterdir()) if path.exists() else []


def md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()


# -- the index ---------------------------------------------------------------------------------


def test_index_entries_as_the_public_voices_json_writes_them(voice_server):
    index = fetch_index(voice_server.url, 5)
    assert index.url == f"{voice_server.url}/voices.json"
    joe = index.voices[JOE]
    assert (joe.language, joe.family, joe.quality, joe.num_speakers) == ("en_US", "en", "medium", 1)
    assert not joe.vietnamese and index.voices["vi_VN-vivos-x_low"].vietnamese
    assert [f.name for f in joe.files] == ["MODEL_CARD", f"{JOE}.onnx", f"{JOE}.onnx.json"]
    model = joe.files[1]
    assert model.size_bytes == (joe_files() / f"{JOE}.onnx").stat().st_size
    assert model.md5 == md5(joe_files() / f"{JOE}.onnx") and model.sha256 is None
    assert model.checks == ("md5",)
    assert file_url(index.url, model.path) == (f"{voice_server.url}/en/en_US/joe/medium/{JOE}.onnx")


def test_broken_index_entries_are_set_aside_with_the_reason():
    good = {"size_bytes": 10, "md5_digest": "a" * 32}
    data = {
        "ok-voice-low": {"files": {"x/ok-voice-low.onnx": good, "x/ok-voice-low.onnx.json": good}},
        "no-model-low": {"files": {"x/no-model-low.onnx.json": good}},
        "escape-x-low": {
            "files": {"../../escape-x-low.onnx": good, "x/escape-x-low.onnx.json": good}
        },
        "nodigest-x-low": {
            "files": {
                "x/nodigest-x-low.onnx": {"size_bytes": 10},
                "x/nodigest-x-low.onnx.json": good,
            }
        },
        "sha-x-low": {
            "files": {
                "x/sha-x-low.onnx": {"size_bytes": 10, "sha256_digest": "b" * 64},
                "x/sha-x-low.onnx.json": good,
            }
        },
        "junk": "not an entry",
    }
    index = parse_index("http://mirror/voices.json", data)
    assert sorted(index.voices) == ["ok-voice-low", "sha-x-low"]
    assert index.voices["sha-x-low"].files[0].checks == ("sha256",)
    assert {key: str(reason) for key, reason in index.broken.items()} == {
        "no-model-low": "lists no no-model-low.onnx",
        "escape-x-low": "unsafe file path '../../escape-x-low.onnx'",
        "nodigest-x-low": "no md5 or sha256 digest for x/nodigest-x-low.onnx",
        "junk": "not an object",
    }
    with pytest.raises(VoiceIndexError, match="is not a Piper voices index"):
        parse_index("http://mirror/voices.json", ["a", "list"])


def test_unreachable_index_is_one_line_quickly():
    url = dead_url()
    started = time.monotonic()
    with pytest.raises(VoiceIndexError) as caught:
        fetch_index(url, 5)
    assert time.monotonic() - started < 2
    assert str(caught.value) == (
        f"the voice index {url}/voices.json could not be reached: connection refused"
    )


def test_a_silent_index_server_times_out(voice_server):
    voice_server.script("voices.json", "hang")
    started = time.monotonic()
    with pytest.raises(VoiceIndexError, match="no answer within the timeout"):
        fetch_index(voice_server.url, 0.5)
    assert time.monotonic() - started < 3


# -- installing --------------------------------------------------------------------------------


def test_install_downloads_checks_and_installs_atomically(voice_server, tmp_path):
    settings = station(tmp_path, voice_server.url)
    started, steps = [], []
    done = install_voice(settings, JOE, on_start=started.append, progress=steps.append)
    assert done.fresh and done.checks == ("md5",) and not done.in_use  # English: not chosen
    assert [e.key for e in started] == [JOE]
    assert sum(steps) == started[0].size_bytes
    folder = settings.voices_dir / JOE
    assert done.voice.folder == folder and done.voice.model == folder / f"{JOE}.onnx"
    assert folder_names(folder) == ["MODEL_CARD", f"{JOE}.onnx", f"{JOE}.onnx.json", "voice.json"]
    for name in ("MODEL_CARD", f"{JOE}.onnx", f"{JOE}.onnx.json"):
        assert (folder / name).read_bytes() == (joe_files() / name).read_bytes()
    manifest = json.loads((folder / "voice.json").read_text())
    assert manifest["source"] == f"{voice_server.url}/voices.json"
    assert (
        manifest["sha256"][f"{JOE}.onnx"]
        == hashlib.sha256((joe_files() / f"{JOE}.onnx").read_bytes()).hexdigest()
    )
    assert folder_names(settings.voices_dir) == [".lock", JOE]  # no partial left
    # again: nothing downloaded
    before = len(voice_server.requests)
    again = install_voice(settings, JOE)
    assert not again.fresh and len(voice_server.requests) == before + 1  # the index only


def test_the_only_vietnamese_voice_is_chosen_when_installed(voice_server, tmp_path):
    settings = station(tmp_path, voice_server.url)
    done = install_voice(settings, VI_TEST)
    assert done.in_use and done.voice.vietnamese
    assert choose_piper(settings.speech, settings.voices_dir).model == done.voice.model


def test_corrupted_download_is_refused_and_nothing_installed(voice_server, tmp_path):
    settings = station(tmp_path, voice_server.url)
    voice_server.script(f"{JOE}.onnx", "corrupt")
    with pytest.raises(DownloadError) as caught:
        install_voice(settings, JOE, sleep=lambda _s: None)
    assert str(caught.value).startswith(f"{JOE}.onnx: md5 ")
    assert str(caught.value).endswith(
        f"does not match the index ({md5(joe_files() / f'{JOE}.onnx')}): download refused"
    )
    assert not (settings.voices_dir / JOE).exists()
    partial = settings.voices_dir / ".partial" / JOE
    assert not (partial / f"{JOE}.onnx.part").exists()  # the bad file is gone
    assert VoiceLibrary(settings.voices_dir).installed() == []


def test_a_file_of_the_wrong_size_is_refused(voice_server, tmp_path):
    index = fetch_index(voice_server.url, 5)
    card = next(f for f in index.voices[JOE].files if f.name == "MODEL_CARD")
    wrong = RemoteFile(card.path, card.size_bytes - 1, card.md5)
    part = tmp_path / "MODEL_CARD.part"
    url = file_url(index.url, card.path)
    with pytest.raises(DownloadError, match="MODEL_CARD is 280 bytes, the index says 279"):
        download_file(url, part, wrong, **NO_WAIT)
    assert not part.exists()
    assert len(voice_server.file_requests("MODEL_CARD")) == 1
    # shorter than the index says: the rest is asked for, there is none (416), refused
    longer = RemoteFile(card.path, card.size_bytes + 1, card.md5)
    with pytest.raises(DownloadError, match="MODEL_CARD is 280 bytes, the index says 281"):
        download_file(url, part, longer, **NO_WAIT)
    assert not part.exists()
    assert [r["range"] for r in voice_server.file_requests("MODEL_CARD")] == [
        None,
        None,
        "bytes=280-",
    ]


def test_interrupted_download_resumes_with_a_range_request(voice_server, tmp_path):
    settings = station(tmp_path, voice_server.url)
    voice_server.script(f"{JOE}.onnx", "drop", "drop", "ok")
    waits = []
    install_voice(settings, JOE, sleep=waits.append)
    tries = voice_server.file_requests(f"{JOE}.onnx")
    size = (joe_files() / f"{JOE}.onnx").stat().st_size
    assert tries[0]["range"] is None
    first = size // 3
    second = first + (size - first) // 3
    assert [t["range"] for t in tries[1:]] == [f"bytes={first}-", f"bytes={second}-"]
    assert waits == [0.5, 1.0]
    model = settings.voices_dir / JOE / f"{JOE}.onnx"
    assert md5(model) == md5(joe_files() / f"{JOE}.onnx")


def test_a_server_that_ignores_the_range_starts_the_file_over(voice_server, tmp_path):
    settings = station(tmp_path, voice_server.url)
    voice_server.script(f"{JOE}.onnx", "drop", "ignore-range")
    steps = []
    install_voice(settings, JOE, progress=steps.append, **NO_WAIT)
    size = sum(f.stat().st_size for f in joe_files().iterdir() if f.name != "__init__.py")
    assert sum(steps) == size  # the restart took back what the first try had counted
    assert min(steps) < 0
    assert md5(settings.voices_dir / JOE / f"{JOE}.onnx") == md5(joe_files() / f"{JOE}.onnx")


def test_a_download_that_keeps_failing_is_kept_and_resumed_next_time(voice_server, tmp_path):
    settings = station(tmp_path, voice_server.url)
    voice_server.script(f"{JOE}.onnx", "drop")
    with pytest.raises(DownloadError) as caught:
        install_voice(settings, JOE, **NO_WAIT)
    message = str(caught.value)
    assert message.startswith(f"downloading {JOE}.onnx failed (the connection was closed early)")
    assert message.endswith("run the same command again to resume")
    assert not (settings.voices_dir / JOE).exists()
    part = settings.voices_dir / ".partial" / JOE / f"{JOE}.onnx.part"
    kept = part.stat().st_size
    assert kept > 0
    # the link is back: the next install asks only for the rest
    voice_server.script(f"{JOE}.onnx", "ok")
    voice_server.requests.clear()
    install_voice(settings, JOE)
    assert voice_server.file_requests(f"{JOE}.onnx") == [
        {"path": f"/en/en_US/joe/medium/{JOE}.onnx", "range": f"bytes={kept}-"}
    ]
    assert md5(settings.voices_dir / JOE / f"{JOE}.onnx") == md5(joe_files() / f"{JOE}.onnx")
    assert folder_names(settings.voices_dir) == [".lock", JOE]


def test_a_silent_file_server_times_out_and_keeps_nothing_installed(voice_server, tmp_path):
    settings = station(tmp_path, voice_server.url)
    voice_server.script("MODEL_CARD", "hang")
    started = time.monotonic()
    with pytest.raises(DownloadError, match="no answer within the timeout"):
        install_voice(settings, JOE, timeout_s=0.3, **NO_WAIT)
    assert time.monotonic() - started < 5
    assert VoiceLibrary(settings.voices_dir).installed() == []


def test_http_errors(voice_server, tmp_path):
    settings = station(tmp_path, voice_server.url)
    voice_server.script("MODEL_CARD", 404)
    with pytest.raises(DownloadError, match=r"cannot download .*/MODEL_CARD: HTTP 404"):
        install_voice(settings, JOE, **NO_WAIT)
    voice_server.script("MODEL_CARD", 503, "ok")
    install_voice(settings, JOE, **NO_WAIT)  # a busy server is tried again
    assert len(voice_server.file_requests("MODEL_CARD")) == 3


def test_install_refuses_unknown_and_bad_names(voice_server, tmp_path):
    settings = station(tmp_path, voice_server.url)
    with pytest.raises(NotFound, match=r"voice vi_VN-nobody-low is not in the index http://"):
        install_voice(settings, "vi_VN-nobody-low")
    voice_server.requests.clear()
    for bad in ("../etc", "a/b", "a\\b", "", ".hidden", "x" * 200, "vi_VN-a.onnx"):
        with pytest.raises(InvalidInput, match="is not a voice name"):
            install_voice(settings, bad)
    assert voice_server.requests == []  # refused before any request


def test_install_with_the_index_offline_is_one_line(tmp_path):
    settings = station(tmp_path, dead_url())
    with pytest.raises(VoiceIndexError, match="could not be reached: connection refused"):
        install_voice(settings, JOE)
    assert not settings.voices_dir.exists() or folder_names(settings.voices_dir) == []


def test_an_installed_voice_with_other_files_needs_force(voice_server, tmp_path):
    settings = station(tmp_path, voice_server.url)
    folder = settings.voices_dir / JOE
    folder.mkdir(parents=True)  # copied by hand: no record of where it came from
    for name in (f"{JOE}.onnx", f"{JOE}.onnx.json"):
        (folder / name).symlink_to(joe_files() / name)
    with pytest.raises(Conflict, match="installed already, with other files .* --force"):
        install_voice(settings, JOE)
    done = install_voice(settings, JOE, replace=True)
    assert done.fresh and (folder / "voice.json").is_file()
    assert not (folder / f"{JOE}.onnx").is_symlink()


# -- removing ----------------------------------------------------------------------------------


def test_remove(installed_template, tmp_path):
    settings = station(tmp_path)
    link_tree(installed_template, settings.voices_dir)
    remove_voice(settings, JOE)
    assert [v.name for v in VoiceLibrary(settings.voices_dir).installed()] == [VI_TEST]
    with pytest.raises(NotFound, match=f"voice {JOE} is not installed"):
        remove_voice(settings, JOE)
    with pytest.raises(InvalidInput, match="is not a voice name"):
        remove_voice(settings, "../voices")
    assert (installed_template / JOE / f"{JOE}.onnx").is_file()  # links, not the template


def test_the_voice_piper_voice_names_cannot_be_removed(installed_template, tmp_path):
    settings = station(tmp_path, piper_voice=JOE)
    link_tree(installed_template, settings.voices_dir)
    with pytest.raises(Conflict, match=r"voice en_US-joe-medium is in use \(piper_voice"):
        remove_voice(settings, JOE)
    assert (settings.voices_dir / JOE / f"{JOE}.onnx").is_file()


def test_remove_clears_an_unfinished_download(voice_server, tmp_path):
    settings = station(tmp_path, voice_server.url)
    voice_server.script(f"{JOE}.onnx", "drop")
    with pytest.raises(DownloadError):
        install_voice(settings, JOE, **NO_WAIT)
    remove_voice(settings, JOE)
    assert folder_names(settings.voices_dir) == [".lock"]


# -- which voice speaks ------------------------------------------------------------------------


def test_choose_piper(installed_template, tmp_path):
    settings = station(tmp_path)
    voices = settings.voices_dir
    speech = settings.speech
    assert choose_piper(speech, voices) == (None, None)  # nothing installed
    link_tree(installed_template, voices)
    # only one installed voice is Vietnamese: it is chosen
    assert choose_piper(speech, voices).model == voices / VI_TEST / f"{VI_TEST}.onnx"
    # piper_voice names one, even an English one
    chosen = choose_piper(replace(speech, piper_voice=JOE), voices)
    assert chosen == (voices / JOE / f"{JOE}.onnx", None)
    # piper_model: the operator's own file
    own = tmp_path / "own.onnx"
    assert choose_piper(replace(speech, piper_model=str(own)), voices).model == own
    # a piper_voice that is not installed says how to install it
    missing = choose_piper(replace(speech, piper_voice="vi_VN-vais1000-medium"), voices)
    assert missing.model is None and isinstance(missing.problem, EngineUnavailable)
    assert str(missing.problem) == (
        "piper voice vi_VN-vais1000-medium is not installed: "
        "run `loa voice install vi_VN-vais1000-medium`"
    )
    bad = choose_piper(replace(speech, piper_voice="../x"), voices)
    assert bad.model is None and "is not a voice name" in str(bad.problem)
    # two Vietnamese voices and no choice: none is guessed
    link_tree(voices / VI_TEST, voices / "vi_VN-copy-medium")
    (voices / "vi_VN-copy-medium" / f"{VI_TEST}.onnx").rename(
        voices / "vi_VN-copy-medium" / "vi_VN-copy-medium.onnx"
    )
    (voices / "vi_VN-copy-medium" / f"{VI_TEST}.onnx.json").rename(
        voices / "vi_VN-copy-medium" / "vi_VN-copy-medium.onnx.json"
    )
    several = choose_piper(speech, voices)
    assert several.model is None
    assert str(several.problem) == (
        "several Vietnamese piper voices are installed (vi_VN-copy-medium, vi_VN-test-medium): "
        "choose one with piper_voice in [speech] of loa.toml"
    )


def test_check_name():
    assert check_name("vi_VN-vivos-x_low") == "vi_VN-vivos-x_low"
    with pytest.raises(InvalidInput):
        check_name("vi_VN/vivos")


# -- listing -----------------------------------------------------------------------------------


def test_list_online_shows_installed_and_vietnamese_voices(
    voice_server, installed_template, tmp_path
):
    settings = station(tmp_path, voice_server.url)
    link_tree(installed_template, settings.voices_dir)
    listing = list_voices(settings)
    assert listing.index_error is None and listing.choice_problem is None
    rows = {v.name: v for v in listing.voices}
    assert list(rows) == [JOE, VI_TEST, "vi_VN-vais1000-medium", "vi_VN-vivos-x_low"]
    assert (rows[VI_TEST].installed, rows[VI_TEST].in_use, rows[VI_TEST].available) == (
        True,
        True,
        True,
    )
    assert rows["vi_VN-vivos-x_low"].size_bytes == 28_130_791 + 6_019
    assert not rows["vi_VN-vivos-x_low"].installed


def test_list_offline_shows_what_is_installed(installed_template, tmp_path):
    settings = station(tmp_path, dead_url())
    link_tree(installed_template, settings.voices_dir)
    listing = list_voices(settings)
    assert [v.name for v in listing.voices] == [JOE, VI_TEST]
    assert listing.index_error.endswith("could not be reached: connection refused")


def test_a_mirror_folder_works_as_a_file_url(mirror, tmp_path):
    settings = station(tmp_path, mirror.as_uri())
    done = install_voice(settings, VI_TEST)
    assert done.fresh and done.in_use
    assert md5(done.voice.model) == md5(joe_files() / f"{JOE}.onnx")
    assert [v.name for v in list_voices(settings).voices][:1] == [VI_TEST]
