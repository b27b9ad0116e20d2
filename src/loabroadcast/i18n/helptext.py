"""Help text cut into the units the catalog translates: the same cut when extracting
(``i18n/extract.py``) and when showing help (``i18n/clickhelp.py``).

A command's docstring is cleaned as click cleans it (``inspect.cleandoc``, up to a form
feed) and cut into paragraphs at blank lines; each paragraph, its whitespace folded to
single spaces, is one message id (click re-wraps paragraphs anyway). A paragraph that
starts with a ``\\b`` line is shown verbatim and not translated: keep those for examples
(``loa msg add --title …``). A command listed in a group shows its first sentence, also
a message id of its own.

Only the standard library: this runs whenever help is shown.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

VERBATIM = "\b"


def fold(text: str) -> str:
    """``text`` with every run of whitespace made one space (how it is looked up)."""
    return " ".join(text.split())


def paragraphs(text: str) -> list[str]:
    """The paragraphs of cleaned help text (lines kept), split at empty lines."""
    found, lines = [], []
    for line in text.splitlines():
        if line.strip():
            lines.append(line)
        elif lines:
            found.append("\n".join(lines))
            lines = []
    if lines:
        found.append("\n".join(lines))
    return found


def is_verbatim(paragraph: str) -> bool:
    return paragraph.lstrip(" ").startswith(VERBATIM)


# The heading a verbatim paragraph (examples, kept as typed) may start with: the only
# words in it that are translated
VERBATIM_HEADINGS = ("Examples:",)  # extracted by i18n/extract.py


def translate_verbatim(paragraph: str, gettext: Callable[[str], str]) -> str:
    """A verbatim paragraph as typed, its heading (``Examples:``) in the reader's words."""
    lines = paragraph.split("\n")
    for i, line in enumerate(lines[:2]):
        word = line.strip()
        if word in VERBATIM_HEADINGS:
            lines[i] = line.replace(word, gettext(word))
            break
    return "\n".join(lines)


def clean(doc: str) -> str:
    """A docstring as click shows it: de-indented, cut at a form feed."""
    return inspect.cleandoc(doc).partition("\f")[0]


def first_sentence(doc: str) -> str:
    """The first sentence of the first paragraph: what a group lists for a command."""
    parts = [p for p in paragraphs(clean(doc)) if not is_verbatim(p)]
    if not parts:
        return ""
    words = parts[0].split()
    for i, word in enumerate(words):
        # a full stop before a capital ends the sentence ("e.g. `loa …`" does not)
        if word.endswith(".") and i + 1 < len(words) and words[i + 1][:1].isupper():
            return " ".join(words[: i + 1])
    return " ".join(words)


def docstring_msgids(doc: str) -> list[str]:
    """The message ids of a command's docstring: each paragraph, and the first sentence."""
    ids = [fold(p) for p in paragraphs(clean(doc)) if not is_verbatim(p)]
    short = first_sentence(doc)
    if short and short not in ids:
        ids.append(short)
    return ids


def translate_text(text: str, gettext: Callable[[str], str]) -> str:
    """Help text with each paragraph the catalog knows translated, the rest unchanged."""
    out = []
    for paragraph in paragraphs(text):
        if is_verbatim(paragraph):
            out.append(translate_verbatim(paragraph, gettext))
            continue
        key = fold(paragraph)
        translated = gettext(key)
        if translated == key:
            out.append(paragraph)
        else:
            indent = paragraph[: len(paragraph) - len(paragraph.lstrip(" "))]
            out.append(indent + translated)
    return "\n\n".join(out)


def translate_help(text: str, gettext: Callable[[str], str]) -> str:
    """An option's or a command's one-line help; click may have added ``  [default: …]``
    (its words already translated by click): the help before it is looked up alone."""
    key = fold(text)
    translated = gettext(key)
    if translated != key or not text.endswith("]"):
        return translated if translated != key else text
    head, sep, extra = text.rpartition("  [")
    if not sep or not head:
        return text
    head_key = fold(head)
    translated = gettext(head_key)
    return text if translated == head_key else f"{translated}  [{extra}"
