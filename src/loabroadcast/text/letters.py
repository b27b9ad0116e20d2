"""Letters as Vietnamese hears them: letter names, spelling, and what a syllable is.

Anything that is still letters when the rules are done (an unknown acronym, the
letter part of a document code, ``QL1A``) is spelled with the Vietnamese names of
the letters, never left for an engine to read as English ("UBND" alone makes
espeak-ng switch to English; "u bê en đê" does not).

The names are the ones used on air for acronyms (VNPT "vê en pê tê", SMS "ét em
ét"): the one-syllable names for M, N, S, X, and two for L and R:

=====  ==========  =====  ==========  =====  ==========
A      a           I      i           R      e rờ
B      bê          J      gi          S      ét
C      xê          K      ca          T      tê
D      đê          L      e lờ        U      u
Đ      đê          M      em          V      vê
E      e           N      en          W      vê kép
F      ép          O      o           X      ích
G      gờ          P      pê          Y      i dài
H      hát         Q      quy         Z      dét
=====  ==========  =====  ==========  =====  ==========

Ă, Â, Ê, Ô, Ơ, Ư are "á", "ớ", "ê", "ô", "ơ", "ư".

``is_syllable`` says whether a word (any case, any tone) is one Vietnamese
syllable: an onset (b, ch, gh, ngh, qu, …), a vowel group (a, oa, ươ, uyê, …) and a
final (c, ch, m, n, ng, nh, p, t; k for names of the Central Highlands). It is used
to tell a shouted Vietnamese word ("BAN") from an acronym, and a foreign word from a
Vietnamese one.
"""

from __future__ import annotations

import re
import unicodedata

from .reading import DIGIT_WORDS

LETTER_NAMES: dict[str, str] = {
    "a": "a",
    "ă": "á",
    "â": "ớ",
    "b": "bê",
    "c": "xê",
    "d": "đê",
    "đ": "đê",
    "e": "e",
    "ê": "ê",
    "f": "ép",
    "g": "gờ",
    "h": "hát",
    "i": "i",
    "j": "gi",
    "k": "ca",
    "l": "e lờ",
    "m": "em",
    "n": "en",
    "o": "o",
    "ô": "ô",
    "ơ": "ơ",
    "p": "pê",
    "q": "quy",
    "r": "e rờ",
    "s": "ét",
    "t": "tê",
    "u": "u",
    "ư": "ư",
    "v": "vê",
    "w": "vê kép",
    "x": "ích",
    "y": "i dài",
    "z": "dét",
}

# Tone marks (grave, acute, tilde, hook above, dot below); the letter marks
# (breve, circumflex, horn) are part of the letter.
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
_VIETNAMESE_MARKED = frozenset("ăâêôơưđ")

_ONSET = r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])"
_VOWELS = (
    "uyê|uya|uyu|iêu|yêu|oai|oay|oao|oeo|uây|uôi|ươi|ươu|"
    "ai|ao|au|ay|âu|ây|eo|êu|ia|iê|iu|oa|oă|oe|oi|ôi|ơi|oo|ua|uâ|uê|ui|uô|uơ|uy|"
    "ưa|ưi|ươ|ưu|yê|a|ă|â|e|ê|i|o|ô|ơ|u|ư|y"
)
_CODA = r"(?:ng|nh|ch|[cmnptk])"
_SYLLABLE_RE = re.compile(rf"{_ONSET}?(?:{_VOWELS}){_CODA}?|gi{_CODA}?")


def strip_tones(word: str) -> str:
    """``word`` in lower case without its tone mark ("Quảng" → "quang")."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    kept = "".join(ch for ch in decomposed if ch not in _TONE_MARKS)
    return unicodedata.normalize("NFC", kept)


def has_vowel_mark(word: str) -> bool:
    """True when ``word`` carries a Vietnamese tone or letter mark (or đ)."""
    decomposed = unicodedata.normalize("NFD", word)
    return any(unicodedata.combining(ch) for ch in decomposed) or "đ" in word.lower()


def is_syllable(word: str) -> bool:
    """True when ``word`` is spelled like one Vietnamese syllable ("BAN", "khẩn", "Đắk")."""
    return _SYLLABLE_RE.fullmatch(strip_tones(word)) is not None


def letter_name(ch: str) -> str:
    """The Vietnamese name of one letter or digit ("B" → "bê", "7" → "bảy")."""
    if "0" <= ch <= "9":
        return DIGIT_WORDS[int(ch)]
    lower = ch.lower()
    name = LETTER_NAMES.get(lower)
    if name is None:
        name = LETTER_NAMES.get(strip_tones(lower))
    if name is None:
        base = unicodedata.normalize("NFD", lower)[:1]
        name = LETTER_NAMES.get(base, lower)
    return name


def spell(token: str) -> str:
    """Spell ``token`` letter by letter: "UBND" → "u bê en đê", "QL1A" → "quy e lờ một a".

    Characters that are neither letters nor digits are skipped.
    """
    return " ".join(letter_name(ch) for ch in token if ch.isalnum())


def syllables(word: str) -> list[str] | None:
    """Split a run of letters written without spaces into Vietnamese syllables
    ("quangtri" → ["quang", "tri"]), or None when it cannot be done."""
    lower = word.lower()
    best: list[list[str] | None] = [None] * (len(lower) + 1)
    best[0] = []
    for end in range(1, len(lower) + 1):
        for start in range(max(0, end - 7), end):
            head = best[start]
            piece = lower[start:end]
            if head is not None and is_syllable(piece):
                candidate = [*head, piece]
                if best[end] is None or len(candidate) < len(best[end] or []):
                    best[end] = candidate
    return best[len(lower)]
