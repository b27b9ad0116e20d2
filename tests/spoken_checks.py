"""Comparing spoken forms (``tests/`` is on pytest's pythonpath).

Two readings are the same when they differ only in case, punctuation, hyphens,
where the tone mark sits ("uỷ" = "ủy") and "ngàn" for "nghìn"; ``expected`` may
list several right readings separated by " || ".
"""

from __future__ import annotations

import re
import unicodedata

from loabroadcast.text import normalize

# Old and new tone-mark placement count as the same ("hoà" = "hòa", "uỷ" = "ủy").
_TONE_PLACEMENT = {
    "oà": "òa",
    "oá": "óa",
    "oả": "ỏa",
    "oã": "õa",
    "oạ": "ọa",
    "oè": "òe",
    "oé": "óe",
    "oẻ": "ỏe",
    "oẽ": "õe",
    "oẹ": "ọe",
    "uỳ": "ùy",
    "uý": "úy",
    "uỷ": "ủy",
    "uỹ": "ũy",
    "uỵ": "ụy",
}
LEFTOVER = re.compile(r"[0-9/%&@#+=₫$€£¥]")


def comparable(text: str) -> str:
    """Lower case, no punctuation or hyphens, one tone placement, "ngàn" = "nghìn"."""
    text = unicodedata.normalize("NFC", text).lower()
    for old, new in _TONE_PLACEMENT.items():
        text = text.replace(old, new)
    text = re.sub(r"[^\w\s]|_", " ", text)
    return " ".join("nghìn" if word == "ngàn" else word for word in text.split())


def matches(actual: str, expected: str) -> bool:
    return any(comparable(actual) == comparable(alt) for alt in expected.split(" || "))


def assert_reads(source: str, expected: str, warnings: list[str] | None = None) -> None:
    """``source`` reads as ``expected``, leaves no digit or sign, and warns only of
    the kinds given (none when ``warnings`` is None)."""
    result = normalize(source)
    assert matches(result.text, expected), result.text
    assert not LEFTOVER.search(result.text), result.text
    assert [w.kind for w in result.warnings] == (warnings or []), result.warnings
