"""The wheel carries the compiled catalogs (.mo, built by hatch_build.py, not in git)."""

from __future__ import annotations

import gettext
import io
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MO = ("loabroadcast", "click")


def test_the_wheel_contains_the_compiled_catalogs(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
         "--disable-pip-version-check", "-w", str(tmp_path), str(ROOT)],
        check=True, capture_output=True,
    )  # fmt: skip
    (wheel,) = tmp_path.glob("loabroadcast-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        for domain in MO:
            name = f"loabroadcast/locale/vi/LC_MESSAGES/{domain}.mo"
            assert name in names
            catalog = gettext.GNUTranslations(io.BytesIO(archive.read(name)))
            assert catalog.info()["language"] == "vi"
        click = gettext.GNUTranslations(
            io.BytesIO(archive.read("loabroadcast/locale/vi/LC_MESSAGES/click.mo"))
        )
        assert click.gettext("Show this message and exit.") == "Hiện hướng dẫn này rồi thoát."


def test_the_mo_files_are_not_in_git():
    tracked = subprocess.run(
        ["git", "ls-files", "src/loabroadcast/locale"], cwd=ROOT, capture_output=True, text=True
    ).stdout.split()
    assert any(p.endswith(".po") for p in tracked)
    assert not any(p.endswith(".mo") for p in tracked)
