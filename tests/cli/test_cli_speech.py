"""Speech from the command line: normalising, the dictionary, rendering, preview, the cache.

espeak-ng really speaks (``LOA_SPEECH_ENGINE=espeak``), ffmpeg really measures; the gTTS
fallback test points gTTS at a dead local port, so no test reaches the network.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import select
import socket
import subprocess
import sys
import time
import tomllib
import wave
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli_checks import one_error_line
from loabroadcast.cli import cli

DATED = "Ngày 14/02/2022, UBND thị trấn"
DATED_SPOKEN = (
    "Ngày mười bốn tháng hai năm hai nghìn không trăm hai mươi hai, ủy ban nhân dân thị trấn"
)
CODE_WARNING = "warning: '17/KH-UBND' looks like a document code"


def configure(home: Path, section: str, **values) -> None:
    """Set ``[section] key = value`` in the station's loa.toml (rewritten as TOML)."""
    path = home / "loa.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    data.setdefault(section, {}).update(values)

    def value(v) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, (list, tuple)):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return json.dumps(v, ensure_ascii=False) if isinstance(v, str) else repr(v)

    text = "".join(
        f"[{name}]\n" + "".join(f"{k} = {value(v)}\n" for k, v in table.items()) + "\n"
        for name, table in data.items()
    )
    path.write_text(text, encoding="utf-8")


def sha256(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def wav_format(path) -> tuple[int, int, float]:
    """(channels, bits per sample, seconds) of a WAV file."""
    with wave.open(str(path), "rb") as w:
        return w.getnchannels(), 8 * w.getsampwidth(), w.getnframes() / w.getframerate()


def ebur128(path) -> tuple[float, float]:
    """(integrated LUFS, true peak dBTP) as ffmpeg's ebur128 filter measures them."""
    argv = ["ffmpeg", "-nostats", "-hide_banner", "-i", str(path)]
    argv += ["-af", "ebur128=peak=true", "-f", "null", "-"]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=True)
    summary = done.stderr.rsplit("Summary:", 1)[1]
    lufs = float(re.search(r"I:\s+(-?[\d.]+|-inf) LUFS", summary).group(1))
    peak = float(re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary).group(1))
    return lufs, peak


def make_audio(path: Path, seconds: float = 2) -> Path:
    argv = ["ffmpeg", "-v", "error", "-y", "-f", "lavfi"]
    argv += ["-i", f"sine=frequency=440:duration={seconds}", str(path)]
    subprocess.run(argv, check=True, timeout=60)
    return path


def cache_files(home: Path) -> list[Path]:
    return sorted(p for p in (home / "cache").rglob("*") if p.is_file())


# -- text and dictionary: no database needed, a plain station folder --------------------------


@pytest.fixture
def text_loa(tmp_path, monkeypatch):
    """``loa`` for commands that need no database: the home is a plain folder."""
    home = tmp_path / "home"
    runner = CliRunner(mix_stderr=False)
    monkeypatch.delenv("LOA_DB_URL", raising=False)

    def run(*args, input=None):
        env = {"LOA_HOME": str(home), "LOA_SPEECH_ENGINE": "espeak"}
        return runner.invoke(cli, list(args), env=env, input=input, catch_exceptions=False)

    run.home = home
    return run


@pytest.fixture
def dict_loa(text_loa):
    """``loa`` for the dictionary's changes: they are recorded in the station's audit
    trail, so the folder is a station (SQLite)."""
    assert text_loa("init").exit_code == 0
    return text_loa


def test_normalize_prints_the_spoken_form(text_loa):
    result = text_loa("text", "normalize", DATED)
    assert (result.exit_code, result.stdout, result.stderr) == (0, DATED_SPOKEN + "\n", "")


def test_normalize_needs_no_station(text_loa):
    text_loa("text", "normalize", "UBND")
    assert not text_loa.home.exists()


def test_normalize_stdin_one_line_out_per_line_in(text_loa):
    lines = [DATED, "", "UBND thị trấn", "Gọi 0912 345 678 lúc 7h30", ""]
    result = text_loa("text", "normalize", input="\n".join(lines) + "\n")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        DATED_SPOKEN,
        "",
        "ủy ban nhân dân thị trấn",
        "Gọi không chín một hai ba bốn năm sáu bảy tám lúc bảy giờ ba mươi phút",
        "",
    ]
    # the last line need not end with a newline
    assert text_loa("text", "normalize", input="UBND").stdout == "ủy ban nhân dân\n"


def test_normalize_streams_through_a_pipe(tmp_path):
    """A real process answers each line as soon as it is read, before stdin closes."""
    env = {**os.environ, "LOA_HOME": str(tmp_path / "home"), "PYTHONIOENCODING": "ascii"}
    argv = [sys.executable, "-m", "loabroadcast", "text", "normalize"]
    with subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env) as proc:
        try:
            for line, spoken in [
                ("UBND 1", "ủy ban nhân dân một"),
                ("HĐND 2", "hội đồng nhân dân hai"),
            ]:
                proc.stdin.write(f"{line}\n".encode())
                proc.stdin.flush()
                assert select.select([proc.stdout], [], [], 30)[0], "no answer within 30 s"
                # UTF-8 whatever the locale says (PYTHONIOENCODING=ascii here)
                assert proc.stdout.readline().decode("utf-8") == spoken + "\n"
        finally:
            proc.stdin.close()
        assert proc.wait(timeout=30) == 0


def test_normalize_stdin_from_a_windows_file(text_loa):
    """Notepad writes a BOM and CRLF: neither reaches the spoken form."""
    result = text_loa("text", "normalize", input="\ufeffUBND thị trấn\r\nHĐND\r\n".encode())
    assert result.stdout == "ủy ban nhân dân thị trấn\nhội đồng nhân dân\n"


def test_normalize_stdin_not_utf8(text_loa):
    result = text_loa("text", "normalize", input=b"UBND\nTh\xf4ng b\xe1o\n")
    assert result.exit_code == 1
    assert result.stdout == "ủy ban nhân dân\n"  # what came before the bad line
    assert result.stderr == (
        "loa: error: line 2 of the input is not UTF-8 (byte 3); save the text as UTF-8 and retry\n"
    )


def test_empty_text_is_an_empty_line(text_loa):
    result = text_loa("text", "normalize", "")
    assert (result.exit_code, result.stdout) == (0, "\n")


def test_normalize_warnings_on_stderr(text_loa):
    text = "Kế hoạch số 17/KH-UBND ngày 14/02/2022"
    plain = text_loa("text", "normalize", text)
    assert plain.stderr == ""
    result = text_loa("text", "normalize", text, "--warnings")
    assert result.exit_code == 0
    assert result.stdout == plain.stdout
    assert result.stdout.startswith("Kế hoạch số mười bảy")
    assert result.stderr.startswith(CODE_WARNING)
    assert len(result.stderr.splitlines()) == 1
    # stdin mode warns per line too
    piped = text_loa("text", "normalize", "--warnings", input=f"UBND\n{text}\n")
    assert piped.stdout.splitlines() == ["ủy ban nhân dân", plain.stdout.strip()]
    assert piped.stderr.startswith(CODE_WARNING)


def test_station_dictionary_is_used(dict_loa):
    # unknown: spelled with Vietnamese letter names until the station gives a reading
    spelled = dict_loa("text", "normalize", "HTXDV Quyết Thắng").stdout
    assert spelled == "hát tê ích đê vê Quyết Thắng\n"
    added = dict_loa("dict", "add", "HTXDV", "hợp tác xã dịch vụ")
    assert (added.exit_code, added.stdout) == (0, "HTXDV → hợp tác xã dịch vụ\n")
    result = dict_loa("text", "normalize", "HTXDV Quyết Thắng")
    assert result.stdout == "hợp tác xã dịch vụ Quyết Thắng\n"
    # the contract's example: HTX (built in too) read as the station wrote it
    assert dict_loa("dict", "add", "HTX", "hợp tác xã").stdout == "HTX → hợp tác xã\n"
    assert dict_loa("text", "normalize", "HTX Quyết Thắng").stdout == "hợp tác xã Quyết Thắng\n"
    # replacing an entry says what it replaced
    again = dict_loa("dict", "add", "HTXDV", "hợp tác xã dịch vụ nông nghiệp")
    assert again.stdout == "HTXDV → hợp tác xã dịch vụ nông nghiệp (was: hợp tác xã dịch vụ)\n"


def test_station_entry_overrides_builtin(dict_loa):
    assert dict_loa("text", "normalize", "UBND thị trấn").stdout == "ủy ban nhân dân thị trấn\n"
    added = dict_loa("dict", "add", "UBND", "ủy ban")
    assert added.stdout == "UBND → ủy ban (instead of the built-in: ủy ban nhân dân)\n"
    assert dict_loa("text", "normalize", "UBND thị trấn").stdout == "ủy ban thị trấn\n"
    entries = json.loads(dict_loa("dict", "list", "--builtin", "--json").stdout)
    ubnd = [e for e in entries if e["abbr"] == "UBND"]
    assert ubnd == [{"abbr": "UBND", "expansion": "ủy ban", "source": "station"}]
    # removing it brings the built-in reading back
    assert dict_loa("dict", "remove", "UBND").stdout == "removed UBND\n"
    assert dict_loa("text", "normalize", "UBND thị trấn").stdout == "ủy ban nhân dân thị trấn\n"


def test_dict_list(dict_loa):
    empty = dict_loa("dict", "list")
    assert empty.stdout == "no station abbreviations: add one with `loa dict add ABBR EXPANSION`\n"
    assert json.loads(dict_loa("dict", "list", "--json").stdout) == []
    dict_loa("dict", "add", "KS", "Khe Sanh")
    dict_loa("dict", "add", "HTXDV", "hợp tác xã dịch vụ")
    table = dict_loa("dict", "list").stdout.splitlines()
    assert table[0].split() == ["abbr", "expansion", "source"]
    assert [line.split()[0] for line in table[2:]] == ["HTXDV", "KS"]
    assert table[3].split() == ["KS", "Khe", "Sanh", "station"]
    assert json.loads(dict_loa("dict", "list", "--json").stdout) == [
        {"abbr": "HTXDV", "expansion": "hợp tác xã dịch vụ", "source": "station"},
        {"abbr": "KS", "expansion": "Khe Sanh", "source": "station"},
    ]
    everything = json.loads(dict_loa("dict", "list", "--builtin", "--json").stdout)
    assert len(everything) >= 150
    assert {"abbr": "UBND", "expansion": "ủy ban nhân dân", "source": "built-in"} in everything
    assert {e["source"] for e in everything} == {"built-in", "station"}
    assert [e["abbr"] for e in everything] == sorted(e["abbr"] for e in everything)
    human = dict_loa("dict", "list", "--builtin").stdout
    assert len(human.splitlines()) == len(everything) + 2


def test_dict_remove_unknown(dict_loa):
    dict_loa("dict", "add", "KS", "Khe Sanh")
    line = one_error_line(dict_loa("dict", "remove", "XYZ"))
    assert "'XYZ' is not in the user dictionary" in line
    # a built-in abbreviation is not the station's to remove
    assert "'UBND' is not in the user dictionary" in one_error_line(
        dict_loa("dict", "remove", "UBND")
    )


@pytest.mark.parametrize(
    ("abbr", "expansion", "message"),
    [
        ("", "x", "the abbreviation is empty"),
        ("   ", "x", "the abbreviation is empty"),
        ("H TX", "hợp tác xã", "must not contain spaces, tabs or newlines"),
        ("H\tTX", "hợp tác xã", "must not contain spaces, tabs or newlines"),
        ("H\nTX", "hợp tác xã", "must not contain spaces, tabs or newlines"),
        ("#HTX", "hợp tác xã", "must not start with '#'"),
        ("HTX", "  ", "the expansion of 'HTX' is empty"),
        ("HTX", "hợp tác\txã", "must not contain tabs or newlines"),
    ],
)
def test_dict_add_refuses_bad_entries(dict_loa, abbr, expansion, message):
    dict_loa("dict", "add", "KS", "Khe Sanh")
    path = dict_loa.home / "abbreviations.tsv"
    before = path.read_bytes()
    assert message in one_error_line(dict_loa("dict", "add", abbr, expansion))
    assert path.read_bytes() == before
    assert [p.name for p in dict_loa.home.iterdir() if p.name.endswith(".tmp")] == []


def test_hand_edited_dictionary_with_spaces_for_the_tab(dict_loa):
    """An editor that turned the tab into spaces: one line naming the file and line."""
    path = dict_loa.home / "abbreviations.tsv"
    path.write_text("# ours\nKS\tKhe Sanh\nHTXDV    hợp tác xã dịch vụ\n", encoding="utf-8")
    for args in (("text", "normalize", "KS"), ("dict", "list"), ("dict", "add", "A", "b")):
        line = one_error_line(dict_loa(*args))
        assert line == f"loa: error: {path}:3: expected ABBR<TAB>expansion"
    assert "HTXDV    hợp" in path.read_text(encoding="utf-8")  # the officer's file is kept


def test_dict_add_refused_without_any_file(text_loa):
    one_error_line(text_loa("dict", "add", "A B", "x"))
    assert not text_loa.home.exists()


# -- messages, rendering and the cache: on SQLite and PostgreSQL ------------------------------


@pytest.fixture
def town(loa):
    assert loa("block", "add", "K1", "Khối 1", "--zone", "1").exit_code == 0
    assert loa("slot", "add", "sang", "06:00", "06:30").exit_code == 0
    return loa


def add(loa, *content, title="Họp tổ"):
    if not content:
        content = ("--text", "Họp tổ dân phố lúc 19 giờ.")
    result = loa("msg", "add", "--title", title, *content, "--blocks", "K1", "--slots", "sang")
    assert result.exit_code == 0, result.stderr
    return int(result.stdout.strip())


def add_result(loa, *content):
    return loa("msg", "add", "--title", "T", *content, "--blocks", "K1", "--slots", "sang")


def shown(loa, mid) -> dict:
    result = loa("msg", "show", str(mid), "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def no_messages(loa) -> bool:
    return json.loads(loa("msg", "list", "--json").stdout) == []


def test_text_length_limit(town):
    line = one_error_line(add_result(town, "--text", "a" * 20_001))
    assert line == "loa: error: the message text has 20,001 characters; the limit is 20,000"
    assert no_messages(town)
    add(town, "--text", "a" * 20_000)  # the limit itself is fine


def test_text_whose_spoken_form_is_too_long_is_refused(town):
    text = "UBND họp. " * 1800  # 18,000 characters written, ~38,000 spoken
    result = add_result(town, "--text", text)
    assert "20,000" in one_error_line(result)
    assert no_messages(town)


@pytest.mark.parametrize("text", ["... !!!", "- , ; :", "?!"])
def test_text_with_nothing_to_read(town, text):
    line = one_error_line(add_result(town, "--text", text))
    assert line == "loa: error: the message text has nothing to read aloud"
    assert no_messages(town)


@pytest.mark.parametrize("suffix", ["mp3", "wav"])
def test_recorded_audio_is_levelled(town, tmp_path, suffix):
    source = make_audio(tmp_path / f"tone.{suffix}")
    mid = add(town, "--audio", str(source), title="Ghi âm")
    message = shown(town, mid)
    assert message["text"] is None
    assert Path(message["audio_path"]).is_file()  # copied into the station folder
    approved = town("msg", "approve", str(mid))
    assert approved.exit_code == 0, approved.stderr
    assert approved.stdout.startswith(f"approved message {mid}\nrendered ")
    render = shown(town, mid)["render"]
    assert render["engine"] == "recording"
    assert render["duration_s"] > 2  # chimes around the two seconds
    out = tmp_path / "x.wav"
    result = town("preview", str(mid), "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"wrote {out} (")
    channels, bits, seconds = wav_format(out)
    assert (channels, bits) == (1, 16)
    assert seconds == pytest.approx(render["duration_s"], abs=0.05)
    lufs, peak = ebur128(out)
    assert lufs == pytest.approx(-16, abs=1)
    assert peak <= -1.0
    assert sha256(out) == render["sha256"]
    assert not list(tmp_path.glob("*.part"))


def test_recorded_audio_corrupt_or_not_audio(town, tmp_path):
    corrupt = tmp_path / "notes.mp3"
    corrupt.write_text("Thông báo họp tổ dân phố, not audio at all\n", encoding="utf-8")
    assert "notes.mp3" in one_error_line(add_result(town, "--audio", str(corrupt)))
    for name in ("setup.exe", "tin.txt"):
        other = tmp_path / name
        other.write_bytes(make_audio(tmp_path / "real.wav").read_bytes())  # audio inside!
        line = one_error_line(add_result(town, "--audio", str(other)))
        assert f"{name} is not a supported audio file" in line
    assert no_messages(town)
    assert not list((town.home / "recordings").glob("*"))


def test_approve_renders_and_warns(town):
    mid = add(town, "--text", "Thực hiện Kế hoạch số 17/KH-UBND, họp tổ lúc 19 giờ.")
    added_warnings = town("msg", "show", str(mid)).stderr
    assert CODE_WARNING in added_warnings
    result = town("msg", "approve", str(mid), "--by", "Chủ tịch UBND")
    assert result.exit_code == 0
    render = shown(town, mid)["render"]
    assert result.stdout == (
        f"approved message {mid}\nrendered {render['duration_s']:.1f} s of audio with espeak\n"
    )
    assert result.stderr.startswith(CODE_WARNING)
    assert (render["engine"], render["fallback"]) == ("espeak", False)
    assert re.fullmatch(r"[0-9a-f]{64}", render["sha256"])
    assert render["duration_s"] > 1
    assert render["loudness_lufs"] == pytest.approx(-16, abs=1)
    assert sha256(render["path"]) == render["sha256"]
    assert shown(town, mid)["warnings"][0].startswith("'17/KH-UBND' looks like a document code")
    # nothing is left to render; rendering again with an engine does it anyway
    assert town("render").stdout == "every approved message has its audio\n"
    again = town("render", str(mid), "--engine", "espeak")
    assert again.exit_code == 0
    assert again.stdout == (
        f"message {mid}: {render['duration_s']:.1f} s, espeak, {render['loudness_lufs']} LUFS\n"
    )
    assert shown(town, mid)["render"]["sha256"] == render["sha256"]  # espeak-ng is repeatable


def test_render_pending_in_a_batch(town):
    configure(town.home, "speech", render_on_approve=False)
    ids = [add(town, "--text", f"Tin số {n}.", title=f"Tin {n}") for n in (1, 2, 3)]
    for mid in ids[:2]:
        approved = town("msg", "approve", str(mid))
        assert approved.stdout == f"approved message {mid}\n"
        assert shown(town, mid)["render"] is None
    result = town("render")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("rendering")  # the progress bar (no terminal: its label)
    assert [line.split(":")[0] for line in lines[1:]] == [f"message {mid}" for mid in ids[:2]]
    for mid, line in zip(ids[:2], lines[1:], strict=True):
        render = shown(town, mid)["render"]
        assert line == (
            f"message {mid}: {render['duration_s']:.1f} s, espeak, {render['loudness_lufs']} LUFS"
        )
    assert shown(town, ids[2])["render"] is None  # a draft is not rendered by `loa render`
    assert town("render").stdout == "every approved message has its audio\n"


def test_render_refuses_what_will_not_air(town):
    mid = add(town)
    town("msg", "cancel", str(mid))
    line = one_error_line(town("render", str(mid)))
    assert line == f"loa: error: message {mid} is cancelled; it will not air"
    assert shown(town, mid)["render"] is None
    assert one_error_line(town("render", "99")) == "loa: error: no message 99"


@pytest.mark.parametrize("flow", ["edit-and-reapprove", "preview-then-approve"])
def test_render_after_reapproval_is_settled(town, tmp_path, flow):
    mid = add(town)
    if flow == "edit-and-reapprove":
        town("msg", "approve", str(mid))
        town("msg", "edit", str(mid), "--title", "Họp tổ (sửa)")  # same text: same audio
    else:
        town("preview", str(mid), "--out", str(tmp_path / "draft.wav"))
    assert town("msg", "approve", str(mid)).exit_code == 0  # renders: a cache hit
    assert town("render").stdout == "every approved message has its audio\n"


@pytest.fixture
def no_proxy(monkeypatch):
    """requests honours proxies from the environment: keep 127.0.0.1 direct."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


def dead_port() -> int:
    """A local port nothing listens on (bound, then released): connections are refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gtts_unreachable_falls_back_to_espeak(town, no_proxy):
    configure(town.home, "speech", engine="auto", gtts_host=f"http://127.0.0.1:{dead_port()}")
    mid = add(town)
    started = time.monotonic()
    result = town("msg", "approve", str(mid), engine=None)
    assert time.monotonic() - started < 15
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1].endswith("of audio with espeak (fallback)")
    human = town("msg", "show", str(mid), engine=None).stdout
    rendered = next(line for line in human.splitlines() if line.startswith("rendered"))
    assert "by espeak (fallback" in rendered
    render = shown(town, mid)["render"]
    assert (render["engine"], render["fallback"]) == ("espeak", True)
    # asking for gTTS by name while it is unreachable: one line, the fallback render stays
    line = one_error_line(town("render", str(mid), "--engine", "gtts", engine=None))
    assert line.startswith("loa: error: gTTS failed")
    assert shown(town, mid)["render"] == render


def test_changed_cache_file_is_rendered_again(town, tmp_path):
    mid = add(town)
    town("msg", "approve", str(mid))
    render = shown(town, mid)["render"]
    cached = Path(render["path"])
    good = cached.read_bytes()
    with cached.open("ab") as fh:
        fh.write(b"\x00tampered")
    out = tmp_path / "y.wav"
    result = town("preview", str(mid), "--out", str(out))
    assert result.exit_code == 0
    assert result.stdout.startswith(f"wrote {out} (")
    assert result.stderr == (
        f"warning: the approved audio {cached} changed on disk or vanished: rendering again\n"
    )
    channels, bits, seconds = wav_format(out)
    assert (channels, bits) == (1, 16)
    assert seconds == pytest.approx(render["duration_s"], abs=0.05)
    # the render is whole again, and espeak-ng rendered the very same bytes
    after = shown(town, mid)["render"]
    assert sha256(cached) == sha256(out) == after["sha256"] == render["sha256"]
    assert cached.read_bytes() == good
    # a vanished file too
    cached.unlink()
    assert town("preview", str(mid), "--out", str(out), "--force").exit_code == 0
    assert sha256(out) == render["sha256"]
    # a preview of an approved message does not render when its audio is intact
    again = town("preview", str(mid), "--out", str(out), "--force")
    assert (again.exit_code, again.stderr) == (0, "")


def test_preview_to_a_missing_folder(town, tmp_path):
    mid = add(town)
    target = tmp_path / "nowhere" / "x.wav"
    line = one_error_line(town("preview", str(mid), "--out", str(target)))
    assert line.startswith(f"loa: error: cannot write {target}: ")
    assert not (tmp_path / "nowhere").exists()


def test_cache_prune_after_cancel(town):
    keep = add(town, "--text", "Lịch tiêm chủng sáng thứ năm.", title="Tiêm chủng")
    gone = add(town, "--text", "Lịch cắt điện chiều thứ sáu.", title="Cắt điện")
    for mid in (keep, gone):
        assert town("msg", "approve", str(mid)).exit_code == 0
    kept_path = Path(shown(town, keep)["render"]["path"])
    gone_path = Path(shown(town, gone)["render"]["path"])

    def keys(programme: Path) -> set[str]:
        """The programme's cache key and the keys of the parts it was made of."""
        sidecar = json.loads(programme.with_suffix(".json").read_text(encoding="utf-8"))
        return {programme.stem, *sidecar.get("parts", {}).values()}

    kept_keys, gone_keys = keys(kept_path), keys(gone_path)
    assert len(gone_keys) == 2 and not kept_keys & gone_keys  # programme and speech
    before = cache_files(town.home)
    assert {p.stem for p in before} == kept_keys | gone_keys
    assert town("cache", "prune").stdout == "removed 0 files\n"
    town("msg", "cancel", str(gone))
    result = town("cache", "prune")
    assert result.exit_code == 0
    after = cache_files(town.home)
    n = len(before) - len(after)
    assert result.stdout == f"removed {n} file{'s' if n != 1 else ''}\n"
    assert after == [p for p in before if p.stem not in gone_keys]
    assert len(after) == 4  # a WAV and its JSON sidecar for the programme and the speech
    assert kept_path in after and not gone_path.exists()
    assert town("cache", "prune").stdout == "removed 0 files\n"
    # what is kept still plays without rendering
    out = town.home.parent / "k.wav"
    assert town("preview", str(keep), "--out", str(out)).stderr == ""
    assert sha256(out) == shown(town, keep)["render"]["sha256"]
    assert cache_files(town.home) == after
