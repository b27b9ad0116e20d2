"""The built-in dictionary: abbreviations officers write, loanwords, ambiguous forms.

* ``BUILTIN``: unambiguous abbreviations, case-sensitive as written (``UBND`` →
  "ủy ban nhân dân"), gathered from ``state``, ``sectors`` and ``society``, plus the
  short forms written with a slash or a dot (``v/v`` → "về việc").
* ``LOANWORDS``: loanwords and names in Vietnamese syllables, any case
  (``COVID`` → "cô vít", ``chip`` → "chíp").
* ``AMBIGUOUS`` / ``BY_NEXT_WORD`` / ``BY_PREVIOUS_WORD`` / ``PREFIXES`` / ``LETTER_WORDS``: see
  ``ambiguous`` and ``loanwords``.

``loa dict list --builtin`` shows ``BUILTIN``, ``LOANWORDS`` and the meanings of
``AMBIGUOUS``; the station's own
dictionary (``text.userdict``) overrides both.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from .ambiguous import AMBIGUOUS as _AMBIGUOUS
from .ambiguous import BY_NEXT_WORD as _BY_NEXT_WORD
from .ambiguous import BY_PREVIOUS_WORD as _BY_PREVIOUS_WORD
from .ambiguous import PREFIXES as _PREFIXES
from .ambiguous import SPECIAL as _SPECIAL
from .loanwords import LETTER_WORDS
from .loanwords import LOANWORDS as _LOANWORDS
from .sectors import SECTORS
from .society import SOCIETY
from .state import STATE

_ABBREVIATIONS: dict[str, str] = {**STATE, **SECTORS, **SOCIETY}
_BUILTIN: dict[str, str] = {**_ABBREVIATIONS, **_SPECIAL}

BUILTIN: Mapping[str, str] = MappingProxyType(_BUILTIN)
LOANWORDS: Mapping[str, str] = MappingProxyType(_LOANWORDS)
AMBIGUOUS: Mapping[str, tuple[str, ...]] = MappingProxyType(_AMBIGUOUS)
BY_NEXT_WORD: Mapping[str, Mapping[str, str]] = MappingProxyType(_BY_NEXT_WORD)
BY_PREVIOUS_WORD: Mapping[str, Mapping[str, str]] = MappingProxyType(_BY_PREVIOUS_WORD)
PREFIXES: Mapping[str, str] = MappingProxyType(_PREFIXES)
SPECIAL: Mapping[str, str] = MappingProxyType(_SPECIAL)


def lookup(token: str, extra: Mapping[str, str] | None = None) -> str | None:
    """The reading of ``token``: the station's entry first, then the built-in
    abbreviation (as written), then a loanword (any case)."""
    if extra and token in extra:
        return extra[token]
    found = _ABBREVIATIONS.get(token)
    if found is None:
        found = _LOANWORDS.get(token.lower())
    return found


def builtin_entries() -> dict[str, str]:
    """Every built-in entry as ``loa dict list --builtin`` shows it; an ambiguous one
    lists its meanings ("ban chấp hành | ban chỉ huy"): the next or previous word
    chooses, else it is spelled and reported."""
    ambiguous = {k: " | ".join(v) for k, v in _AMBIGUOUS.items()}
    return {**ambiguous, **_LOANWORDS, **_BUILTIN}


__all__ = [
    "AMBIGUOUS",
    "BUILTIN",
    "BY_NEXT_WORD",
    "BY_PREVIOUS_WORD",
    "LETTER_WORDS",
    "LOANWORDS",
    "PREFIXES",
    "SPECIAL",
    "builtin_entries",
    "lookup",
]
