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
_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"

_ONSET = r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])"
# vowel groups that end the syllable, and those a final consonant may follow
_OPEN = (
    "iêu|yêu|oai|oay|oao|oeo|uây|uôi|ươi|ươu|uya|uyu|"
    "ai|ao|au|ay|âu|ây|eo|êu|ia|iu|oi|ôi|ơi|ui|ưi|ưu|ua|ưa|y"
)
_CLOSABLE = "uyê|iê|yê|oa|oă|oe|uâ|uê|uô|ươ|uơ|uy|oo|a|ă|â|e|ê|i|o|ô|ơ|u|ư"
_CODA = r"(?:ng|nh|ch|[cmnptk])"
_SYLLABLE = rf"{_ONSET}?(?:(?:{_OPEN})|(?:{_CLOSABLE}){_CODA}?)|gi{_CODA}?"
_SYLLABLE_RE = re.compile(_SYLLABLE)
# the same without the letter marks, for text written without them ("thuedientu")
_ASCII = str.maketrans("ăâêôơưđ", "aaeooud")
_PLAIN_SYLLABLE_RE = re.compile(_SYLLABLE.translate(_ASCII))
_PLAIN_PARTS_RE = re.compile(
    r"(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?([aeiouy]+)(ng|nh|ch|[cmnpt])?"
)
_MARKED_GROUPS = (("uye", "uyê"), ("ieu", "iêu"), ("yeu", "yêu"), ("ie", "iê"), ("ye", "yê"))
_MARKED_GROUPS += (("uoi", "uôi"), ("uo", "uô"), ("eu", "êu"), ("ue", "uê"))


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
    if ch in _SUPERSCRIPTS:
        return DIGIT_WORDS[_SUPERSCRIPTS.index(ch)]
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
    """Split a run of letters written without spaces or marks into Vietnamese
    syllables ("quangtri" → ["quang", "tri"]; the fewest syllables, and of those the
    split with the fewest vowel-initial ones: "hanoi" → "ha noi"), or None."""
    lower = strip_tones(word).translate(_ASCII)
    best: list[list[str] | None] = [None] * (len(lower) + 1)
    best[0] = []
    for end in range(1, len(lower) + 1):
        for start in range(max(0, end - 7), end):
            head = best[start]
            piece = lower[start:end]
            if head is not None and _PLAIN_SYLLABLE_RE.fullmatch(piece):
                candidate = [*head, piece]
                if best[end] is None or _cost(candidate) < _cost(best[end] or []):
                    best[end] = candidate
    return best[len(lower)]


def _cost(pieces: list[str]) -> tuple[int, int]:
    return len(pieces), sum(piece[0] in "aeiouy" for piece in pieces)


def with_marks(plain: str) -> str | None:
    """A syllable written without marks, given the marks its spelling requires so
    that it reads as Vietnamese: "dien" → "diên", "dich" → "dích", "viet" → "viết".

    A final c, ch, p or t takes a rising tone (a toneless one is no Vietnamese);
    None when the spelling breaks the rules (c/g/ng before e, i, y).
    """
    match = _PLAIN_PARTS_RE.fullmatch(plain.lower())
    if match is None or _PLAIN_SYLLABLE_RE.fullmatch(plain.lower()) is None:
        return None
    onset, vowels, coda = match.group(1) or "", match.group(2), match.group(3) or ""
    if onset in ("c", "g", "ng") and vowels[0] in "eiy":
        return None
    if onset in ("k", "gh", "ngh") and vowels[0] not in "eiy":
        return None
    if not coda and vowels in ("ie", "ye", "uo", "uye"):
        return None
    for bare, marked in _MARKED_GROUPS:
        if bare in vowels:
            vowels = vowels.replace(bare, marked)
            break
    if coda in ("c", "ch", "p", "t"):
        vowels = vowels[:-1] + unicodedata.normalize("NFC", vowels[-1] + "\u0301")
    return unicodedata.normalize("NFC", onset + vowels + coda)
