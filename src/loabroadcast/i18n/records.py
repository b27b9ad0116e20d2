"""A message kept for later (a database column, a JSON file): its English id and its
parameters, shown in the language of whoever reads it back.

The daemon writes why an item failed when it fails; the officer reads it days later with
``loa log``, in Vietnamese, and ``--json`` gives it in English. So what is stored is not
the sentence but ``{"id": "cannot open the sound device {name}: {reason}", "params":
{"name": "default", "reason": {"os": "permission denied", "english": "Permission
denied"}}}``: :func:`record` makes it from an explained error (``LoaError``, the domain's
``Invalid``), an ``i18n.said`` sentence or a ``Lazy`` word, :func:`recorded` turns it back
into an object that ``str()`` shows in the current language and ``.english`` in English.
Plain text (an error from a library) is kept as it is. Standard library only.
"""

from __future__ import annotations

import json
from typing import Any

from . import Lazy, Said, fill, gettext, ngettext


def record(message: object) -> dict[str, Any] | None:
    """``{"id": …, "params": {…}}`` of a message object, None for anything else."""
    msgid = getattr(message, "code", None) or getattr(message, "msgid", None)
    if isinstance(message, Lazy):
        return (
            {"id": message.msgid, "context": message.context}
            if message.context
            else {"id": message.msgid}
        )
    params = getattr(message, "params", None)
    if not isinstance(msgid, (str, tuple, list)) or not isinstance(params, dict):
        return None
    found: dict[str, Any] = {"id": list(msgid) if isinstance(msgid, (tuple, list)) else msgid}
    if params:
        found["params"] = {str(k): _encode(v) for k, v in params.items()}
    return found


def dumps(message: object) -> str | None:
    """:func:`record` as JSON text (None when ``message`` is not a message object)."""
    found = record(message)
    return None if found is None else json.dumps(found, ensure_ascii=False, sort_keys=True)


def loads(text: str | None) -> Recorded | None:
    """The message of :func:`dumps` (None for None or text that is not one)."""
    if not text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return recorded(data) if isinstance(data, dict) and "id" in data else None


def keep(message: object) -> str | None:
    """What a text column or a JSON file keeps of ``message``: its :func:`dumps` when it is
    a message object, else its English (``.english``) or its text; None stays None."""
    if message is None:
        return None
    found = dumps(message)
    if found is not None:
        return found
    english = getattr(message, "english", None)
    return english if isinstance(english, str) else str(message)


def stored(msgid: str, /, **params: object) -> str:
    """The kept form of ``msgid`` (marked with ``N_``) and its parameters, not translated
    now: for a message written where no one reads it (the as-run log)."""
    found: dict[str, Any] = {"id": msgid}
    if params:
        found["params"] = {str(k): _encode(v) for k, v in params.items()}
    return json.dumps(found, ensure_ascii=False, sort_keys=True)


def shown(text: str | None) -> str | None:
    """Kept text read back: a stored message as a ``Said`` (this language, ``.english``
    kept), plain old text (written before messages were stored) as it is."""
    found = loads(text) if text and text.startswith("{") else None
    if found is None:
        return text
    return Said(str(found), found.english, found.msgid, found.params)


def english_of(text: str | None) -> str | None:
    """Kept text in English (for ``--json`` and logs), plain old text as it is."""
    found = getattr(text, "english", None)
    if isinstance(found, str):
        return found
    found = loads(text) if text and text.startswith("{") else None
    return text if found is None else found.english


def _encode(value: object) -> Any:
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, Lazy):
        return {"lazy": value.msgid, "context": value.context}
    if type(value).__name__ == "OsReason":
        return {"os": value.msgid, "english": value.english}
    found = record(value)
    if found is not None:
        return {"message": found}
    english = getattr(value, "english", None)
    if isinstance(english, str) and not isinstance(value, str):
        return english
    return str(value)


def _decode(value: Any) -> object:
    if isinstance(value, dict):
        if "lazy" in value:
            return Lazy(str(value["lazy"]), value.get("context"))
        if "os" in value:
            from ..errors import OsReason

            return OsReason(str(value["os"]), str(value.get("english", value["os"])))
        if "message" in value and isinstance(value["message"], dict):
            return recorded(value["message"])
    return value


def recorded(data: dict[str, Any]) -> Recorded:
    return Recorded(data)


class Recorded:
    """A stored message read back: ``str()`` in the current language, ``.english``."""

    __slots__ = ("msgid", "context", "params")

    def __init__(self, data: dict[str, Any]):
        raw = data["id"]
        self.msgid: str | tuple[str, str] = tuple(raw) if isinstance(raw, list) else str(raw)
        self.context = data.get("context")
        self.params = {k: _decode(v) for k, v in (data.get("params") or {}).items()}

    def _n(self) -> int:
        n = self.params.get("n", 1)
        return n if isinstance(n, int) else 1

    def _english_template(self) -> str:
        if isinstance(self.msgid, tuple):
            return self.msgid[0] if self._n() == 1 else self.msgid[1]
        return self.msgid

    def __str__(self) -> str:
        if isinstance(self.msgid, tuple):
            template = ngettext(self.msgid[0], self.msgid[1], self._n())
        elif self.context:
            return str(Lazy(self.msgid, self.context))
        else:
            template = gettext(self.msgid)
        return _fill(template, self.params, self._english_template())

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    @property
    def english(self) -> str:
        return _fill(self._english_template(), self.params, None, english=True)

    def __repr__(self) -> str:
        return f"Recorded({self.msgid!r})"


def _fill(template: str, params: dict, fallback: str | None, english: bool = False) -> str:
    """``fill``, and never an exception: a stored message outlives the code that wrote it
    (a parameter may be gone from a later id)."""
    if not params:  # as an error without parameters shows it: as written
        return template
    try:
        return fill(template, params, english=english, fallback=fallback)
    except (KeyError, IndexError, ValueError):
        return template


__all__ = [
    "Recorded",
    "dumps",
    "english_of",
    "keep",
    "loads",
    "record",
    "recorded",
    "shown",
    "stored",
]
