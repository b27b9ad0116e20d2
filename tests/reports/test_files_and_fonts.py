"""Report files are written whole or not at all; the shipped font prints every Vietnamese
letter and travels in the wheel with its licence."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import pytest

from loabroadcast.reports import files
from loabroadcast.reports.files import OutputError, write_new
from loabroadcast.reports.pdfbase import BOLD, REGULAR, font_path

ROOT = Path(__file__).resolve().parents[2]


def test_a_new_file_is_written_whole(tmp_path):
    out = write_new(tmp_path / "a.csv", b"x,y\r\n")
    assert out.read_bytes() == b"x,y\r\n"
    assert oct(out.stat().st_mode & 0o777) == oct(0o644 & ~_umask())
    assert [p.name for p in tmp_path.iterdir()] == ["a.csv"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_an_existing_file_needs_force(tmp_path):
    out = tmp_path / "a.csv"
    out.write_bytes(b"old")
    with pytest.raises(OutputError, match="exists: add --force"):
        write_new(out, b"new")
    assert out.read_bytes() == b"old"
    write_new(out, b"new", force=True)
    assert out.read_bytes() == b"new"


@pytest.mark.parametrize("kind", ["folder", "fifo", "device"])
def test_only_regular_files_even_with_force(tmp_path, kind):
    if kind == "folder":
        target = tmp_path / "d"
        target.mkdir()
    elif kind == "fifo":
        target = tmp_path / "p"
        os.mkfifo(target)
    else:
        target = Path("/dev/null")
    with pytest.raises(OutputError, match="not a regular file"):
        write_new(target, b"x", force=True)
    with pytest.raises(OutputError, match="not a regular file"):
        files.check_target(target, force=True)


def test_a_full_disk_leaves_nothing_behind(tmp_path, monkeypatch):
    out = tmp_path / "a.pdf"
    out.write_bytes(b"old")

    def full(fd, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(files.os, "write", full)
    with pytest.raises(OutputError, match="No space left on device"):
        write_new(out, b"new", force=True)
    assert out.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.pdf"]


def test_a_name_taken_meanwhile_is_not_replaced(tmp_path, monkeypatch):
    out = tmp_path / "a.csv"
    real_link = os.link

    def racing_link(src, dst):
        Path(dst).write_bytes(b"someone else's")
        return real_link(src, dst)

    monkeypatch.setattr(files.os, "link", racing_link)
    with pytest.raises(OutputError, match="exists"):
        write_new(out, b"mine")
    assert out.read_bytes() == b"someone else's"
    assert [p.name for p in tmp_path.iterdir()] == ["a.csv"]


def test_without_hard_links_a_missing_name_is_still_written(tmp_path, monkeypatch):
    def no_links(src, dst):
        raise OSError(errno.EPERM, "Operation not permitted")  # FAT, some shares

    monkeypatch.setattr(files.os, "link", no_links)
    assert write_new(tmp_path / "a.csv", b"x").read_bytes() == b"x"
    with pytest.raises(OutputError, match="exists"):
        write_new(tmp_path / "a.csv", b"y")


VOWELS = "aăâeêioôơuưy"
TONES = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")  # sắc huyền hỏi ngã nặng


def vietnamese_letters() -> set[str]:
    letters = set("bcdđghklmnpqrstvx")
    for vowel in VOWELS:
        for tone in TONES:
            letters.add(unicodedata.normalize("NFC", vowel + tone))
    return letters | {c.upper() for c in letters}


@pytest.mark.parametrize("name", [REGULAR, BOLD])
def test_the_font_has_every_vietnamese_letter(name):
    from fontTools.ttLib import TTFont

    letters = vietnamese_letters()
    assert len(letters) == 2 * (17 + 12 * 6)
    assert all(len(c) == 1 for c in letters)  # each is one precomposed character in NFC
    cmap = TTFont(font_path(name)).getBestCmap()
    missing = sorted(c for c in letters if ord(c) not in cmap)
    assert not missing


def test_the_wheel_carries_the_fonts_and_their_licence(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
         "--disable-pip-version-check", "-w", str(tmp_path), str(ROOT)],
        check=True, capture_output=True,
    )  # fmt: skip
    (wheel,) = tmp_path.glob("loabroadcast-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        folder = "loabroadcast/reports/fonts/"
        for name in (REGULAR, BOLD, "LICENSE", "README.md"):
            assert folder + name in names
        assert archive.read(folder + REGULAR) == font_path(REGULAR).read_bytes()
        assert b"Bitstream" in archive.read(folder + "LICENSE")
