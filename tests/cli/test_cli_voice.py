"""``loa voice``: exit codes and exact output, against a local mirror of the voices index
(tests/voice_server.py serves a real Piper voice); and an approval read by an installed
voice while gTTS is unreachable. No test reaches the internet.
"""

from __future__ import annotations

import json
import socket
import wave
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli_checks import one_error_line
from loabroadcast.cli import cli
from voice_server import (
    JOE,
    VI_TEST,
    installed_template,
    link_tree,
    mirror,
    no_proxy,
    voice_server,
)

__all__ = ["installed_template", "mirror", "no_proxy", "voice_server"]  # fixtures used here


def dead_url() -> str:
    """A local URL nothing listens on: connections are refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def speech_config(home: Path, **values: str) -> None:
    """Write ``[speech]`` settings into the station's loa.toml (a new file, or added
    right under the ``[speech]`` line of the one ``loa init`` wrote)."""
    lines = "".join(f'{key} = "{value}"\n' for key, value in values.items())
    path = home / "loa.toml"
    if path.is_file():
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("[speech]\n", "[speech]\n" + lines, 1), encoding="utf-8")
    else:
        home.mkdir(parents=True, exist_ok=True)
        path.write_text("[speech]\n" + lines, encoding="utf-8")


@pytest.fixture
def voice_loa(tmp_path, monkeypatch):
    """``loa`` for voice commands: a station on SQLite (installing and removing a voice
    is recorded in its audit trail)."""
    home = tmp_path / "home"
    runner = CliRunner(mix_stderr=False)
    monkeypatch.delenv("LOA_DB_URL", raising=False)

    def run(*args):
        env = {"LOA_HOME": str(home)}
        return runner.invoke(cli, list(args), env=env, catch_exceptions=False)

    assert run("init").exit_code == 0
    run.home = home
    return run


@pytest.fixture
def online(voice_loa, voice_server):
    speech_config(voice_loa.home, voices_url=voice_server.url)
    voice_loa.server = voice_server
    return voice_loa


def installed(home: Path, template: Path, *names: str) -> None:
    for name in names:
        link_tree(template / name, home / "voices" / name)


AVAILABLE = (
    "vi_VN-vais1000-medium  vi_VN     medium   63.2 MB  available\n"
    "vi_VN-vivos-x_low      vi_VN     x_low    28.1 MB  available\n"
)


def test_list_online_shows_the_vietnamese_voices_of_the_index(online):
    result = online("voice", "list")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "NAME                   LANGUAGE  QUALITY  SIZE     STATE\n"
        "---------------------  --------  -------  -------  ---------\n"
        "vi_VN-test-medium      vi_VN     medium   63.2 MB  available\n" + AVAILABLE
    )
    every = online("voice", "list", "--all").stdout
    assert f"{JOE}       en_US     medium   63.2 MB  available\n" in every


def test_list_shows_installed_voices_first_and_the_one_in_use(online, installed_template):
    installed(online.home, installed_template, JOE, VI_TEST)
    result = online("voice", "list")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "NAME                   LANGUAGE  QUALITY  SIZE     STATE\n"
        "---------------------  --------  -------  -------  -----------------\n"
        "en_US-joe-medium       en_US     medium   63.2 MB  installed\n"
        "vi_VN-test-medium      vi_VN     medium   63.2 MB  installed, in use\n" + AVAILABLE
    )


def test_list_json(online, installed_template):
    installed(online.home, installed_template, VI_TEST)
    data = json.loads(online("voice", "list", "--json").stdout)
    assert data["index"] == {
        "url": f"{online.server.url}/voices.json",
        "reachable": True,
        "error": None,
    }
    assert data["problem"] is None
    first = data["voices"][0]
    model = online.home / "voices" / VI_TEST / f"{VI_TEST}.onnx"
    assert first == {
        "name": VI_TEST,
        "language": "vi_VN",
        "quality": "medium",
        "num_speakers": 1,
        "size_bytes": sum(p.stat().st_size for p in model.parent.iterdir()),
        "installed": True,
        "available": True,
        "in_use": True,
        "model": str(model),
    }
    assert [v["name"] for v in data["voices"][1:]] == ["vi_VN-vais1000-medium", "vi_VN-vivos-x_low"]


def test_list_offline_shows_what_is_installed_and_says_so_in_one_line(
    voice_loa, installed_template
):
    url = dead_url()
    speech_config(voice_loa.home, voices_url=url)
    installed(voice_loa.home, installed_template, VI_TEST)
    result = voice_loa("voice", "list")
    assert result.exit_code == 0
    assert result.stdout == (
        "NAME               LANGUAGE  QUALITY  SIZE     STATE\n"
        "-----------------  --------  -------  -------  -----------------\n"
        "vi_VN-test-medium  vi_VN     medium   63.2 MB  installed, in use\n"
    )
    assert result.stderr == (
        f"warning: the voice index {url}/voices.json could not be reached: connection refused\n"
    )
    data = json.loads(voice_loa("voice", "list", "--json").stdout)
    assert data["index"]["reachable"] is False
    assert [v["name"] for v in data["voices"]] == [VI_TEST]


def test_list_offline_with_nothing_installed(voice_loa):
    speech_config(voice_loa.home, voices_url=dead_url())
    result = voice_loa("voice", "list")
    assert (result.exit_code, result.stdout) == (0, "no voice installed\n")
    assert len(result.stderr.splitlines()) == 1


def test_list_warns_when_no_vietnamese_voice_can_be_chosen(online, installed_template):
    installed(online.home, installed_template, VI_TEST)
    link_tree(installed_template / VI_TEST, online.home / "voices" / "vi_VN-copy-medium")
    copy = online.home / "voices" / "vi_VN-copy-medium"
    for suffix in (".onnx", ".onnx.json"):
        (copy / f"{VI_TEST}{suffix}").rename(copy / f"vi_VN-copy-medium{suffix}")
    result = online("voice", "list")
    assert "in use" not in result.stdout
    assert result.stderr == (
        "warning: several Vietnamese piper voices are installed "
        "(vi_VN-copy-medium, vi_VN-test-medium): choose one with piper_voice in [speech] "
        "of loa.toml\n"
    )


def test_install(online):
    result = online("voice", "install", VI_TEST)
    folder = online.home / "voices" / VI_TEST
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        f"downloading {VI_TEST}\n"
        f"installed {VI_TEST} (medium, 63.2 MB) in {folder}: size + md5 checked\n"
        "loa reads with it when gTTS cannot be reached\n"
    )
    again = online("voice", "install", VI_TEST)
    assert (again.exit_code, again.stdout) == (
        0,
        f"voice {VI_TEST} is installed already\nloa reads with it when gTTS cannot be reached\n",
    )
    english = online("voice", "install", JOE)
    assert english.stdout.splitlines()[-1] == (
        f'to read with it, set piper_voice = "{JOE}" in [speech] of loa.toml'
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("vi_VN-nobody-low", "voice vi_VN-nobody-low is not in the index http://"),
        ("../voices", "'../voices' is not a voice name (letters, digits, '_' and '-', like"),
        ("vi/VN", "'vi/VN' is not a voice name"),
    ],
)
def test_install_bad_names(online, name, message):
    line = one_error_line(online("voice", "install", name))
    assert line.startswith(f"loa: error: {message}")
    assert not (online.home / "voices").exists() or not any((online.home / "voices").iterdir())


def test_install_of_a_corrupted_file_is_refused(online):
    online.server.script(f"{VI_TEST}.onnx", "corrupt")
    result = online("voice", "install", VI_TEST)
    assert result.exit_code == 1
    assert result.stdout == f"downloading {VI_TEST}\n"  # the progress bar's label
    assert result.stderr.startswith(f"loa: error: {VI_TEST}.onnx: md5 ")
    assert result.stderr.endswith("download refused\n")
    assert not (online.home / "voices" / VI_TEST).exists()
    assert "installed" not in online("voice", "list").stdout


def test_install_offline_is_one_line(voice_loa):
    url = dead_url()
    speech_config(voice_loa.home, voices_url=url)
    line = one_error_line(voice_loa("voice", "install", VI_TEST))
    assert line == (
        f"loa: error: the voice index {url}/voices.json could not be reached: connection refused"
    )


def test_remove(voice_loa, installed_template):
    installed(voice_loa.home, installed_template, JOE, VI_TEST)
    result = voice_loa("voice", "remove", JOE)
    assert (result.exit_code, result.stdout, result.stderr) == (0, f"removed voice {JOE}\n", "")
    assert not (voice_loa.home / "voices" / JOE).exists()
    line = one_error_line(voice_loa("voice", "remove", JOE))
    assert line == f"loa: error: voice {JOE} is not installed (see `loa voice list`)"
    line = one_error_line(voice_loa("voice", "remove", "../home"))
    assert line.startswith("loa: error: '../home' is not a voice name")


def test_remove_the_voice_in_use_is_refused(voice_loa, installed_template):
    speech_config(voice_loa.home, piper_voice=VI_TEST)
    installed(voice_loa.home, installed_template, VI_TEST)
    line = one_error_line(voice_loa("voice", "remove", VI_TEST))
    assert line == (
        f"loa: error: voice {VI_TEST} is in use (piper_voice in [speech] of loa.toml): "
        "change that setting first"
    )
    assert (voice_loa.home / "voices" / VI_TEST / f"{VI_TEST}.onnx").is_file()


def test_voice_test_writes_a_sample(voice_loa, installed_template, tmp_path):
    installed(voice_loa.home, installed_template, JOE)
    out = tmp_path / "sample.wav"
    result = voice_loa("voice", "test", JOE, "Good morning. This is a test.", "--out", str(out))
    assert (result.exit_code, result.stdout, result.stderr) == (0, f"wrote {out} ({JOE})\n", "")
    with wave.open(str(out), "rb") as wav:
        assert (wav.getnchannels(), wav.getframerate()) == (1, 22050)
        assert 1.5 < wav.getnframes() / wav.getframerate() < 8
    missing = one_error_line(voice_loa("voice", "test", VI_TEST, "--out", str(out)))
    assert missing == f"loa: error: voice {VI_TEST} is not installed (see `loa voice list`)"
    nowhere = tmp_path / "no" / "such" / "folder" / "x.wav"
    line = one_error_line(voice_loa("voice", "test", JOE, "--out", str(nowhere)))
    assert line == f"loa: error: cannot write {nowhere}: No such file or directory"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "sample.wav"]


# -- the normal render path: approval while gTTS is unreachable ----------------------------------


def add_message(loa) -> int:
    assert loa("block", "add", "K1", "Khối 1", "--zone", "1").exit_code == 0
    assert loa("slot", "add", "sang", "06:00", "06:30").exit_code == 0
    result = loa(
        "msg", "add", "--title", "Thông báo", "--text", "Xin chào bà con. Họp tổ dân phố.",
        "--blocks", "K1", "--slots", "sang",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    return int(result.stdout.split()[-1])


@pytest.mark.parametrize(
    ("config", "voice"),
    [({"piper_voice": JOE}, JOE), ({}, VI_TEST)],
    ids=["piper_voice", "the-only-vietnamese-voice"],
)
def test_approval_reads_with_the_installed_voice_when_gtts_is_down(
    loa, installed_template, no_proxy, config, voice
):
    installed(loa.home, installed_template, JOE, VI_TEST)
    speech_config(loa.home, gtts_host=dead_url(), **config)
    mid = add_message(loa)
    approved = loa("msg", "approve", str(mid), engine="auto")
    assert approved.exit_code == 0, approved.stderr
    assert approved.stdout.splitlines()[1].endswith("of audio with piper (fallback)")
    shown = loa("msg", "show", str(mid), engine="auto").stdout
    assert f"\nvoice        {voice}\n" in shown
    assert "by piper (fallback: the preferred engine was unavailable)" in shown
    render = json.loads(loa("msg", "show", str(mid), "--json", engine="auto").stdout)["render"]
    assert (render["engine"], render["voice"], render["fallback"]) == ("piper", voice, True)
    assert render["duration_s"] > 3  # chimes and speech


def test_installing_and_removing_a_voice_is_recorded(online):
    """One audit row each; installing the very same files again records nothing; a refused
    removal records nothing."""

    def trail():
        return json.loads(online("audit", "--object", f"voice:{VI_TEST}", "--json").stdout)

    assert online("voice", "install", VI_TEST, "--by", "Kỹ thuật").exit_code == 0
    assert online("voice", "install", VI_TEST).exit_code == 0  # installed already
    speech_config(online.home, piper_voice=VI_TEST)
    assert online("voice", "remove", VI_TEST).exit_code == 1  # in use
    [row] = trail()
    assert (row["actor"], row["command"], row["before"]) == ("Kỹ thuật", "voice install", None)
    assert row["after"]["language"] == "vi_VN" and row["after"]["checks"] == ["md5"]
    assert row["after"]["size_bytes"] > 0
    config = online.home / "loa.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        f'piper_voice = "{VI_TEST}"\n', ""), encoding="utf-8")  # fmt: skip
    assert online("voice", "remove", VI_TEST, "--by", "Kỹ thuật").exit_code == 0
    installed_row, removed = trail()
    held = {k: v for k, v in installed_row["after"].items() if k != "checks"}
    assert (removed["command"], removed["before"], removed["after"]) == ("voice remove", held, None)
