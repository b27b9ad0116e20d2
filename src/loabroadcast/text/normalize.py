"""Vietnamese announcement text → the words a Vietnamese announcer would say.

``normalize(text, user_dictionary)`` expands what is unambiguous and reports what is
ambiguous as ``NormalizeWarning`` objects (shown to the officer before approval)
instead of guessing. Standard library only; regexes are compiled once.

Output
------
* The input is NFC-normalised first; positions in warnings are offsets in that text.
* The output is NFC, spaces collapsed, one output line per non-blank input line.
  Sentence punctuation (``. , ; : ! ?``) is kept: engines pause on it. Words that
  are not touched keep their case; expansions are lower case.
* No digit and none of ``/ % & @ # + = ₫ $ €`` is left for an engine to misread, and
  nothing is left as bare capital letters: what is still letters is spelled with
  Vietnamese letter names (``text.letters``).

The readings
------------
One module per kind of reading, each with its table of examples:
``rules.numbers`` (cardinals, negatives, decimals, fractions, ordinals, ranges),
``rules.dates``, ``rules.times``, ``rules.money``, ``rules.units``, ``rules.codes``
(document codes, roads, serial codes, phone numbers), ``rules.addresses`` (xuyệt,
kilometre posts, place prefixes), ``rules.roman``, ``rules.electronic``,
``rules.abbrev`` (the dictionary, loanwords, acronyms) and ``rules.symbols``. The
scanner (``text.scanner``) tries them in the order of ``rules.REGISTRY``.

Warnings
--------
``document-code`` (a code read by the documented convention), ``ambiguous-date``,
``ambiguous-number``, ``ambiguous-abbreviation`` (read letter by letter),
``unknown-abbreviation`` (read letter by letter), ``foreign-word`` (left as written).
Unknown abbreviations and foreign words are reported once per text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from .model import Normalized, NormalizeWarning
from .rules import REGISTRY
from .rules.abbrev import user_rule
from .scanner import Context, Dispatch, Scanner

__all__ = ["NormalizeWarning", "Normalized", "normalize", "spoken"]

_LINE_RE = re.compile(r"[^\r\n]+")
_DISPATCH = Dispatch(REGISTRY)


def normalize(text: str, user_dictionary: Mapping[str, str] | None = None) -> Normalized:
    """Turn announcement text into its spoken form, with warnings for what is unclear.

    ``user_dictionary`` is the station's dictionary (``ABBR -> reading``); it
    overrides the built-in one.
    """
    text = unicodedata.normalize("NFC", text)
    extra = {
        unicodedata.normalize("NFC", k): unicodedata.normalize("NFC", v)
        for k, v in (user_dictionary or {}).items()
    }
    ctx = Context(extra)
    rule = user_rule(extra)
    dispatch = _DISPATCH if rule is None else Dispatch((rule, *REGISTRY))
    lines = []
    for line in _LINE_RE.finditer(text):
        spoken_line = Scanner(line.group(), line.start(), ctx).run(dispatch)
        if spoken_line:
            lines.append(spoken_line)
    result = unicodedata.normalize("NFC", "\n".join(lines))
    return Normalized(result, tuple(ctx.warnings))


def spoken(text: str, user_dictionary: Mapping[str, str] | None = None) -> str:
    """Only the spoken form: ``normalize(text, user_dictionary).text``."""
    return normalize(text, user_dictionary).text
