"""The audit trail as plain data: who changed which object, and how. Stdlib only.

An audit entry names its object as ``kind:key`` (``msg:12``, ``block:K1``, ``slot:sang``,
``calendar:3``, ``dict:HTX``, ``voice:vi_VN-vais1000-medium``, ``station:schema``) and
holds the changed fields only, before and after, as JSON-ready values (dates as ISO
text). A created object has no ``before``, a removed one no ``after``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import Enum
from typing import Any

from ..i18n import N_
from .errors import Invalid

OBJECT_KINDS = ("msg", "block", "slot", "calendar", "dict", "voice", "station", "source")
_KEY = re.compile(r"^[^\s:][^\s]{0,199}$")
NAME_MAX = 100  # the column holding who did it


@dataclass(frozen=True)
class ObjectRef:
    """What an entry is about: ``kind:key``."""

    kind: str
    key: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"

    @classmethod
    def parse(cls, text: str) -> ObjectRef:
        """``msg:12`` and the like; ``Invalid`` (a ValueError, one line) for anything else."""
        kind, sep, key = unicodedata.normalize("NFC", text.strip()).partition(":")
        kind = kind.lower()
        if not sep or kind not in OBJECT_KINDS or not _KEY.match(key):
            raise Invalid(
                N_(
                    "{text!r} is not an object: write KIND:KEY, KIND one of {kinds} "
                    "(e.g. msg:12, block:K1, slot:sang)"
                ),
                text=text,
                kinds=", ".join(OBJECT_KINDS),
            )
        if kind in ("msg", "calendar") and not (key.isascii() and key.isdigit()):
            raise Invalid(
                N_("{text!r} is not an object: {kind}: takes a number, e.g. {kind}:12"),
                text=text,
                kind=kind,
            )
        return cls(kind, str(int(key)) if kind in ("msg", "calendar") else key)


@dataclass(frozen=True)
class AuditEntry:
    """One row of the audit trail (append-only)."""

    id: int
    at: datetime
    actor: str
    command: str
    object: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def jsonable(value: Any) -> Any:
    """``value`` as JSON holds it: dates ISO, enums by value, tuples as lists."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, (tuple, list, set, frozenset)):
        items = sorted(value) if isinstance(value, (set, frozenset)) else value
        return [jsonable(v) for v in items]
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    return value


def changes(
    before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The changed fields only: (before, after). A side that is None (created or removed)
    stays None; the other keeps its fields that are not None. Nothing changed: ({}, {})."""
    if before is None or after is None:
        side = before if after is None else after
        kept = {k: jsonable(v) for k, v in (side or {}).items() if v is not None}
        return (None, kept) if before is None else (kept, None)
    old, new = {}, {}
    for key in dict.fromkeys([*before, *after]):
        a, b = jsonable(before.get(key)), jsonable(after.get(key))
        if a != b:
            old[key], new[key] = a, b
    return old, new


def clean_name(name: str) -> str:
    """A person's name as stored (NFC, single spaces); ``ValueError`` when unusable, its
    argument one of ``empty``, ``control`` (a control character), ``long``."""
    text = " ".join(unicodedata.normalize("NFC", name).split())
    if not text:
        raise ValueError("empty")
    if any(unicodedata.category(ch).startswith("C") for ch in text):
        raise ValueError("control")
    if len(text) > NAME_MAX:
        raise ValueError("long")
    return text


def name_key(name: str) -> str:
    """How two spellings of a name compare: NFC, case and spacing ignored."""
    return unicodedata.normalize("NFC", " ".join(name.split())).casefold()


def find_approver(name: str, approvers: tuple[str, ...]) -> str | None:
    """The approver ``name`` names (as the settings spell it), else None."""
    key = name_key(name)
    return next((a for a in approvers if name_key(a) == key), None)
