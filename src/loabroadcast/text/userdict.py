"""The station's own abbreviation dictionary: a UTF-8 text file beside the database.

One entry a line: ``ABBR<TAB>expansion``. Blank lines and lines starting with ``#``
are ignored. Entries override the built-in readings (and may give a meaning to an
ambiguous token, or a reading to a document-code part, for one station). The file
is rewritten atomically (temporary file, fsync, ``os.replace``); comments are not
kept when the program rewrites it.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Mapping
from pathlib import Path

from ..atomic import atomic_write_text
from ..errors import InvalidInput, NotFound, os_reason
from ..i18n import N_

_HEADER = "# loabroadcast user abbreviations: ABBR<TAB>expansion, UTF-8, one a line\n"


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _validate(abbr: str, expansion: str | None = None) -> tuple[str, str | None]:
    abbr = _nfc(abbr.strip()) if isinstance(abbr, str) else abbr
    if not isinstance(abbr, str) or not abbr:
        raise InvalidInput(N_("the abbreviation is empty"))
    if any(ch.isspace() for ch in abbr):
        raise InvalidInput(
            N_("the abbreviation {abbr!r} must not contain spaces, tabs or newlines"), abbr=abbr
        )
    if abbr.startswith("#"):
        raise InvalidInput(N_("the abbreviation {abbr!r} must not start with '#'"), abbr=abbr)
    if expansion is None:
        return abbr, None
    expansion = _nfc(expansion.strip()) if isinstance(expansion, str) else expansion
    if not isinstance(expansion, str) or not expansion:
        raise InvalidInput(N_("the expansion of {abbr!r} is empty"), abbr=abbr)
    if any(ch in expansion for ch in "\t\r\n\v\f\x85\u2028\u2029"):
        raise InvalidInput(
            N_("the expansion of {abbr!r} must not contain tabs or newlines"), abbr=abbr
        )
    return abbr, expansion


def load_user_dictionary(path: str | os.PathLike[str]) -> dict[str, str]:
    """Read a user dictionary; a missing file is an empty dictionary."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            N_("{file}: not UTF-8 text ({reason})"), file=str(path), reason=exc.reason
        ) from exc
    except OSError as exc:
        raise InvalidInput(
            N_("{file}: cannot be read ({reason})"), file=str(path), reason=os_reason(exc)
        ) from exc
    entries: dict[str, str] = {}
    for number, line in enumerate(raw.lstrip("\ufeff").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        abbr, sep, expansion = line.partition("\t")
        if not sep:
            raise InvalidInput(
                N_("{file}:{line}: expected ABBR<TAB>expansion"), file=str(path), line=number
            )
        try:
            abbr, expansion = _validate(abbr, expansion)
        except InvalidInput as exc:
            raise InvalidInput(
                N_("{file}:{line}: {reason}"), file=str(path), line=number, reason=exc
            ) from exc
        entries[abbr] = expansion
    return entries


def _write_atomically(path: Path, entries: Mapping[str, str]) -> None:
    text = _HEADER + "".join(f"{abbr}\t{exp}\n" for abbr, exp in entries.items())
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, text)


def add_user_abbreviation(path: str | os.PathLike[str], abbr: str, expansion: str) -> str | None:
    """Add or replace an entry; returns the expansion it replaced, if any."""
    abbr, expansion = _validate(abbr, expansion)
    path = Path(path)
    entries = load_user_dictionary(path)
    previous = entries.get(abbr)
    entries[abbr] = expansion
    _write_atomically(path, entries)
    return previous


def remove_user_abbreviation(path: str | os.PathLike[str], abbr: str) -> str:
    """Remove an entry; returns its expansion. ``NotFound`` when it is not there."""
    abbr, _ = _validate(abbr)
    path = Path(path)
    entries = load_user_dictionary(path)
    if abbr not in entries:
        raise NotFound(
            N_("{abbr!r} is not in the user dictionary {file}"), abbr=abbr, file=str(path)
        )
    expansion = entries.pop(abbr)
    _write_atomically(path, entries)
    return expansion
