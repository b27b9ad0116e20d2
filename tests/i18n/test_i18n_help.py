"""`--help` of every command in both languages; in Vietnamese no English sentence of the
catalogs shows (the catalogs' English ids are the reference)."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from loabroadcast.cli import cli
from loabroadcast.i18n.helptext import fold
from loabroadcast.i18n.maintain import DOMAINS, Tree, read

TREE = Tree(Path(__file__).resolve().parents[2])
FIELD = re.compile(r"\{[^{}]*\}|%\(\w+\)[sdr]")


def _walk(command: click.Command, path: tuple[str, ...], ctx: click.Context):
    yield path
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            yield from _walk(sub, (*path, name), click.Context(sub, parent=ctx, info_name=name))


PATHS = list(_walk(cli, (), click.Context(cli, info_name="loa")))


def _english_sentences() -> set[str]:
    """Every English phrase of the catalogs long enough to be a sentence (two words or
    more between fields), whose Vietnamese differs from it."""
    phrases = set()
    for domain in DOMAINS:
        for m in read(TREE.po(domain, "vi")):
            ids = [m.id] if isinstance(m.id, str) else list(m.id)
            strings = [m.string] if isinstance(m.string, str) else list(m.string)
            if not m.id or ids[0] in strings:
                continue
            for msgid in ids:
                for chunk in FIELD.split(msgid):
                    chunk = fold(chunk).strip(" '\"()[]:,")
                    if len(chunk.split()) >= 2:
                        phrases.add(chunk)
    return phrases


ENGLISH = _english_sentences()


def _as_words(phrase: str) -> re.Pattern:
    """``phrase`` as whole words ("a device" is not in "loa devices")."""
    return re.compile(rf"(?<!\w){re.escape(phrase)}(?!\w)")


def _help(path, lang, tmp_path) -> str:
    runner = CliRunner(mix_stderr=False)
    result = runner.invoke(
        cli, [*path, "--help"], env={"LOA_LANG": lang, "LOA_HOME": str(tmp_path)}, prog_name="loa"
    )
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_the_reference_has_english_sentences():
    assert "Show this message and exit." in ENGLISH
    assert "Approve a draft: only approved messages air." in ENGLISH
    assert len(ENGLISH) > 100


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "loa")
def test_vietnamese_help_has_no_english_sentence(path, tmp_path):
    out = _help(path, "vi", tmp_path)
    assert out.startswith(f"Cách dùng: {' '.join(('loa', *path))} ")
    assert "Tùy chọn:" in out
    assert "Hiện hướng dẫn này rồi thoát." in out
    flat = fold(out)
    leaked = sorted(s for s in ENGLISH if s in flat and _as_words(s).search(flat))
    assert not leaked, f"English in `loa {' '.join(path)} --help`:\n{out}"


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "loa")
def test_english_help_on_request(path, tmp_path):
    out = _help(path, "en", tmp_path)
    assert out.startswith(f"Usage: {' '.join(('loa', *path))} ")
    assert "Show this message and exit." in out
    assert "Cách dùng" not in out and "Tùy chọn" not in out


def test_vietnamese_top_help_reads_as_an_officer_would(tmp_path):
    out = _help((), "vi", tmp_path)
    assert "Lệnh:" in out
    assert "msg       Tin, thông báo: thêm, duyệt, sửa, hủy." in out
    assert "play-now  Khẩn cấp: phát ngay một tin." in out
    sub = _help(("msg",), "vi", tmp_path)
    assert "approve  Duyệt tin nháp: chỉ tin đã duyệt mới được phát." in sub
    # click's [default: …] suffix and the option's help, both Vietnamese
    slot_add = fold(_help(("slot", "add"), "vi", tmp_path))
    assert "Tên gọi của khung giờ, ví dụ: 'Buổi sáng'." in slot_add
    assert "[mặc định: daily]" in slot_add


def test_a_verbatim_example_stays_as_written(tmp_path):
    out = _help(("msg", "add"), "vi", tmp_path)
    assert 'loa msg add --title "Tiêm chủng" --text-file tiem.txt --blocks K1,K3' in out


def test_version_in_both_languages(tmp_path):
    runner = CliRunner()
    vi = runner.invoke(cli, ["--lang", "vi", "--version"], prog_name="loa")
    en = runner.invoke(cli, ["--lang", "en", "--version"], prog_name="loa")
    assert vi.output.startswith("loa, phiên bản ")
    assert en.output.startswith("loa, version ")
