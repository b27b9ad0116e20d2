"""What reaches an engine is plain Vietnamese: espeak-ng never switches language on it.

The sample messages and a corpus of realistic announcements (tests/data/
announcements.txt) are normalised and given to ``espeak-ng -v vi -q -x`` in one batch;
its phoneme output marks a switch to another language as ``(en)``. The normalised
text also must hold no digit and none of the signs an engine reads badly or not at
all.
"""

import re
import subprocess
import tomllib
from pathlib import Path

import pytest

from loabroadcast.text import normalize

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent / "data" / "announcements.txt"
MESSAGES = HERE.parents[1] / "scripts" / "demo-data" / "messages.toml"
LEFTOVER = re.compile(r"[0-9/%&@#+=₫$€£¥]")
SWITCH = re.compile(r"\((?!vi\))[a-z]{2,3}(?:-[a-z0-9]+)?\)")


def announcements() -> list[str]:
    text = CORPUS.read_text(encoding="utf-8")
    return [p.strip() for p in text.split("\n\n") if p.strip() and not p.startswith("#")]


def sample_texts() -> list[str]:
    messages = tomllib.loads(MESSAGES.read_text(encoding="utf-8"))["message"]
    return [m[field] for m in messages for field in ("title", "text", "source")]


def spoken_lines() -> list[str]:
    lines: list[str] = []
    for text in sample_texts() + announcements():
        lines += normalize(text).text.splitlines()
    return lines


def phonemes(lines: list[str]) -> list[str]:
    """espeak-ng's phonemes of each line, in one process (one line per clause)."""
    marker = "mốc"
    batch = "\n".join(f"{line}\n{marker}." for line in lines)
    out = subprocess.run(
        ["espeak-ng", "-v", "vi", "-q", "-x", "--stdin"],
        input=batch,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    marker_phonemes = subprocess.run(
        ["espeak-ng", "-v", "vi", "-q", "-x", marker],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    chunks = out.split(marker_phonemes)
    return [c.strip() for c in chunks[: len(lines)]]


def test_the_corpus_is_realistic_and_large():
    paragraphs = announcements()
    assert len(paragraphs) >= 10
    assert sum(len(p) for p in paragraphs) > 5000


def test_normalised_texts_leave_nothing_an_engine_could_misread():
    leftovers = [(line, LEFTOVER.findall(line)) for line in spoken_lines()]
    assert [item for item in leftovers if item[1]] == []


def test_espeak_never_switches_to_another_language():
    lines = spoken_lines()
    spoken = phonemes(lines)
    assert len(spoken) == len(lines)
    switched = [(line, ph) for line, ph in zip(lines, spoken, strict=True) if SWITCH.search(ph)]
    assert switched == [], "espeak-ng switched language on: " + "; ".join(
        " ".join(word for word in line.split() if _switches(word)) for line, _ph in switched
    )


def _switches(word: str) -> bool:
    out = subprocess.run(
        ["espeak-ng", "-v", "vi", "-q", "-x", word], capture_output=True, text=True, check=True
    ).stdout
    return bool(SWITCH.search(out))


@pytest.mark.parametrize(
    "raw",
    ["UBND", "PAR INDEX", "COVID-19", "chip", "Rubella", "17/KH-UBND", "QL1A", "email"],
)
def test_the_words_that_used_to_switch_no_longer_do(raw):
    spoken = normalize(raw).text
    assert not _switches(spoken), spoken
