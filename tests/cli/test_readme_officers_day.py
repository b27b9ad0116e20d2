"""The README's "officer's day" runs exactly as typed, on any day, against a new station."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.skipif(os.name != "posix", reason="bash, GNU date")]

README = Path(__file__).resolve().parents[2] / "README.md"
FOLDER = "/var/lib/loabroadcast"


def officers_day() -> str:
    text = README.read_text(encoding="utf-8")
    section = text.split("## The officer's day\n", 1)[1]
    return re.search(r"```sh\n(.*?)```", section, re.S).group(1)


def test_the_block_names_the_station_folder_once():
    assert officers_day().count(FOLDER) == 1


def test_the_officers_day_runs_as_written(tmp_path):
    home = tmp_path / "station"
    script = officers_day().replace(FOLDER, str(home))  # the one change: not /var/lib here
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOA_")}
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        LOA_LANG="en",
        LOA_SPEECH_ENGINE="espeak",  # offline: gTTS would be tried first
    )
    done = subprocess.run(
        ["bash", "-e", "-u", "-o", "pipefail", "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    out = done.stdout
    assert "\n1\n" in out and "\n2\n" in out  # the two ids the comments promise
    assert "approved message 1\nrendered " in out
    assert "Lịch tiêm chủng" in out  # in the schedule
    assert "wrote tiem-chung.wav (" in out
    assert "queued play-now request 1 for message 2" in out
    assert (tmp_path / "tiem-chung.txt").is_file() and (tmp_path / "tiem-chung.wav").is_file()
    assert "daemon: NOT running (never started)" in out  # loa status, no daemon here
    assert re.search(r"nothing in the log for \d\d/\d\d/\d{4}\n$", out)  # loa log, today
