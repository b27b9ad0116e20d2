"""What the normaliser returns: the spoken text and the warnings met on the way."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NormalizeWarning:
    """Something the normaliser did not dare to decide, for the officer to check.

    ``kind`` is a stable English id (``document-code``, ``ambiguous-date``,
    ``ambiguous-number``, ``ambiguous-abbreviation``, ``unknown-abbreviation``,
    ``foreign-word``); ``text`` is the fragment as written, ``position`` its offset
    in the NFC input, ``message`` one translated line for people.
    """

    kind: str
    text: str
    message: str
    position: int


@dataclass(frozen=True)
class Normalized:
    """The spoken form of a text and the warnings met on the way."""

    text: str
    warnings: tuple[NormalizeWarning, ...]
