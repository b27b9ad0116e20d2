"""What an officer hands in for a message, and what saving it hands back.

Plain data (no store): the CLI builds drafts without importing the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .domain import Message, Priority


@dataclass(frozen=True)
class MessageDraft:
    """What an officer gives for a new message, or the fields of an edit."""

    title: str | None = None
    text: str | None = None
    audio: Path | None = None
    blocks: Sequence[str] | None = None  # ["all"] for every block
    slots: Sequence[str] | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    priority: Priority | None = None
    repeat: int | None = None
    max_airings: int | None = None
    category: str | None = None
    source: str | None = None
    by: str | None = None
    stations: Sequence[str] | None = None  # station codes, ["all"]; None: this station
    relay: str | None = None  # a source's code: the message relays it live (tiếp âm)
    duration_s: float | None = None  # a relay's length on air


@dataclass(frozen=True)
class Saved:
    message: Message
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)


def read_text_file(path: Path) -> str:
    """The text of a ``--text-file``: a regular UTF-8 file, bounded, no control characters."""
    from .userfiles import read_text_file as read

    return read(path)
