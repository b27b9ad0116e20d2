"""The scanner: walks one line left to right and asks the rules, in order, at each place.

A *rule* (``Rule``) is a precompiled pattern anchored at the current position, a
handler that turns the match into spoken words (or declines with ``None``), the
kinds of character a match can start with (so that a position is only offered to
the rules that can match there), and the *kind* of what it reads (``number``,
``date``, ``time``, ``money``, ``measure``) so that a later dash or slash knows what
it stands between. The rules live in ``text.rules``; their order is the registry in
``text.rules.REGISTRY``.

Each position is tried once and every match moves forward, so the scan is linear in
the length of the line (times the handful of rules that can start at a character).
A position no rule takes is copied: a whole word, or one character.

Handlers read their context from the scanner: ``words_before`` (the raw words just
before a match, lower case), ``next_word``, ``following``, ``line_start``, and what
was read last (``last_kind``, ``last_end``, ``last_value``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from .model import NormalizeWarning

Handler = Callable[["Scanner", re.Match[str]], "str | tuple[str, int] | None"]

DIGIT = "d"
UPPER = "u"
LOWER = "l"
OTHER = "o"

_PLAIN_RE = re.compile(r"[^\W\d_]+|.", re.DOTALL)
_HEAD_WORD_RE = re.compile(r"[ \t]*([^\W_]+(?:[&\-][^\W_]+){0,5})")
_SPACES_RE = re.compile(r"[^\S\r\n]+")
_SPACE_BEFORE_PUNCT_RE = re.compile(r" +([,.;:!?)\]…])")
_SPACE_AFTER_OPEN_RE = re.compile(r"([(\[]) +")
_REPEATED_COMMA_RE = re.compile(r"(?:, *){2,}")
_OPENING = frozenset("([{\"'“‘-–—•*")


def char_class(ch: str) -> str:
    if "0" <= ch <= "9":
        return DIGIT
    if ch.isalpha():
        return UPPER if ch.isupper() else LOWER
    return OTHER


@dataclass(frozen=True)
class Rule:
    """One reading: ``pattern`` is matched at the position, ``handler`` speaks it.

    ``first`` holds the character classes a match can start with (``d`` digit,
    ``u`` upper-case letter, ``l`` lower-case letter); ``chars`` lists other
    characters it can start with. ``kind`` names what the reading is (for ranges).
    """

    name: str
    pattern: re.Pattern[str]
    handler: Handler
    first: str = ""
    chars: str = ""
    kind: str = ""

    def can_start(self, ch: str) -> bool:
        return ch in self.chars or char_class(ch) in self.first


@dataclass
class Context:
    """State shared by every line of one ``normalize`` call."""

    extra: Mapping[str, str]
    warnings: list[NormalizeWarning] = field(default_factory=list)
    reported: set[tuple[str, str]] = field(default_factory=set)


class Dispatch:
    """The rules that can start at each character (computed once per character)."""

    def __init__(self, rules: tuple[Rule, ...]) -> None:
        self.rules = rules
        self._by_char: dict[str, tuple[Rule, ...]] = {}

    def at(self, ch: str) -> tuple[Rule, ...]:
        found = self._by_char.get(ch)
        if found is None:
            found = tuple(rule for rule in self.rules if rule.can_start(ch))
            self._by_char[ch] = found
        return found


class Scanner:
    """Walks one line, trying the rules in order at each position."""

    def __init__(self, line: str, offset: int, ctx: Context) -> None:
        self.line = line
        self.offset = offset
        self.ctx = ctx
        self.last_kind = ""
        self.last_end = -1
        self.last_value: float | None = None
        self.kind_end: dict[str, int] = {}
        self.flags: dict[str, object] = {}
        self.cache: dict[str, object] = {}
        self._content_start = -1

    # -- the walk ----------------------------------------------------------------

    def run(self, dispatch: Dispatch) -> str:
        line, out = self.line, []
        pos, end = 0, len(line)
        while pos < end:
            ch = line[pos]
            if ch == " " or ch == "\t":
                out.append(" ")
                pos += 1
                continue
            for rule in dispatch.at(ch):
                match = rule.pattern.match(line, pos)
                if match is None or match.end() == pos:
                    continue
                result = rule.handler(self, match)
                if result is None:
                    self.flags.clear()
                    continue
                spoken, stop = (result, match.end()) if isinstance(result, str) else result
                out.append(f" {spoken} ")
                self.last_value = self.flags.pop("value", None)  # type: ignore[assignment]
                self.last_kind = str(self.flags.pop("kind", rule.kind))
                self.last_end = stop
                if self.last_kind:
                    self.kind_end[self.last_kind] = stop
                pos = stop
                break
            else:
                plain = _PLAIN_RE.match(line, pos)
                assert plain is not None
                out.append(plain.group())
                pos = plain.end()
                if not plain.group().isspace():
                    self.last_kind, self.last_end = "", pos
        return tidy("".join(out))

    def note(self, *, kind: str | None = None, value: float | None = None) -> None:
        """Tell the walk what the reading being returned is (overrides the rule's kind)."""
        if kind is not None:
            self.flags["kind"] = kind
        if value is not None:
            self.flags["value"] = value

    # -- context -----------------------------------------------------------------

    def words_before(self, pos: int, count: int = 1) -> list[str]:
        """The last ``count`` words before ``pos`` (lower case), joined only by spaces."""
        return last_words(self.line[max(0, pos - 80) : pos], count)

    def word_before(self, pos: int) -> str:
        words = self.words_before(pos, 1)
        return words[0] if words else ""

    def phrase_before(self, pos: int, phrases: frozenset[str], longest: int = 3) -> bool:
        """True when the words before ``pos`` end with one of ``phrases``."""
        words = self.words_before(pos, longest)
        return any(" ".join(words[i:]) in phrases for i in range(len(words)))

    def next_word(self, end: int) -> str:
        """The word right after ``end`` (spaces only between), as written."""
        match = _HEAD_WORD_RE.match(self.line, end)
        return match.group(1) if match else ""

    def line_start(self, pos: int) -> bool:
        """True when only spaces and opening marks stand before ``pos`` on its line."""
        if self._content_start < 0:
            index = 0
            while index < len(self.line) and (
                self.line[index].isspace() or self.line[index] in _OPENING
            ):
                index += 1
            self._content_start = index
        return pos <= self._content_start

    def following(self, end: int) -> str:
        """The first character after ``end`` that is not a space ("" at the end)."""
        index = end
        while index < len(self.line) and self.line[index] in " \t":
            index += 1
        return self.line[index : index + 1]

    def follows(self, pos: int, kinds: str | tuple[str, ...] = ()) -> bool:
        """True when the last reading ends just before ``pos`` (spaces between) and,
        when ``kinds`` is given, was of one of those kinds."""
        if self.last_end < 0 or self.line[self.last_end : pos].strip():
            return False
        if not kinds:
            return bool(self.last_kind)
        return self.last_kind in ((kinds,) if isinstance(kinds, str) else kinds)

    # -- warnings ----------------------------------------------------------------

    def warn(
        self,
        kind: str,
        match: re.Match[str],
        message: str,
        *,
        once: bool = False,
        group: int | str = 0,
    ) -> None:
        fragment = match.group(group)
        if once:
            if (kind, fragment) in self.ctx.reported:
                return
            self.ctx.reported.add((kind, fragment))
        position = self.offset + match.start(group)
        self.ctx.warnings.append(NormalizeWarning(kind, fragment, message, position))


def last_words(text: str, count: int) -> list[str]:
    """The last ``count`` words of ``text`` (lower case) separated only by spaces."""
    words: list[str] = []
    end = len(text)
    while end and text[end - 1] in " \t":
        end -= 1
    while len(words) < count and end:
        start = end
        while start and (text[start - 1].isalnum()):
            start -= 1
        if start == end:
            break
        words.insert(0, text[start:end].lower())
        if not start or text[start - 1] not in " \t":
            break
        end = start
        while end and text[end - 1] in " \t":
            end -= 1
    return words


def tidy(text: str) -> str:
    """One space between words, none before closing punctuation or after opening."""
    text = _SPACES_RE.sub(" ", text)
    text = _SPACE_BEFORE_PUNCT_RE.sub(r"\1", text)
    text = _SPACE_AFTER_OPEN_RE.sub(r"\1", text)
    text = _REPEATED_COMMA_RE.sub(", ", text)
    return text.strip()
