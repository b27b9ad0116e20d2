"""Abbreviations, loanwords and whatever else is still letters.

===========================  ===============================================  ==================
written                      spoken                                           note
===========================  ===============================================  ==================
``UBND``, ``HĐND``           ủy ban nhân dân, hội đồng nhân dân               built-in
``GD&ĐT``, ``KT-XH``         giáo dục và đào tạo, kinh tế xã hội              parts, when known
``v/v``, ``K/g``, ``v.v.``   về việc, kính gửi, vân vân
``đ/c Nguyễn Văn A``         đồng chí nguyễn văn a                            ``đ/c:`` địa chỉ
``COVID``, ``chip``          cô vít, chíp                                     loanwords, any case
``BCH Quân sự``              ban chỉ huy quân sự                              settled by the next
``BCH Đoàn``                 ban chấp hành đoàn                               word
``BTC``                      bê tê xê                                         warned: ambiguous
``PCI``, ``DDCI``            pê xê i, đê đê xê i                              warned: unknown
``HIV``, ``ATM``             hát i vê, a tê em                                well known: spelled
``khối A``, ``Vitamin C``    khối a, vi ta min xê                             one letter
``XIV`` (alone)              mười bốn                                         warned: Roman?
``THÔNG BÁO KHẨN``           thông báo khẩn                                   shouted words
===========================  ===============================================  ==================

The station's dictionary comes first and overrides everything. An all-capitals word
with Vietnamese marks (``THÔNG BÁO``) is a shouted word, not an abbreviation, and so
are plain syllables (``BAN``) on a line that has such words. A word that is no
Vietnamese syllable and no known loanword (``Microsoft``) is left as written and
reported once as ``foreign-word``: engines may read it in another language.
"""

from __future__ import annotations

import re

from ...i18n import said
from .. import lexicon
from ..letters import has_vowel_mark, is_syllable, spell
from ..reading import read_number, roman_to_int
from ..scanner import LOWER, UPPER, Rule, Scanner
from . import vocab

_TOKEN_RE = re.compile(r"[^\W\d_]+(?:[&\-][^\W\d_]+){0,5}")
_WORD_RE = re.compile(r"[^\W\d_]+")
_IVX_RE = re.compile(r"[IVX]{2,}")
_NUMBER_NEXT_RE = re.compile(r"[ \t]*\.?[ \t]*([0-9][0-9 .]*)")
_VOWEL_LETTERS = frozenset("aăâeêioôơuưy")


def _variants(key: str) -> set[str]:
    return {key, key[0].swapcase() + key[1:], key.upper()}


_SPECIAL_KEYS = {variant: key for key in lexicon.SPECIAL for variant in _variants(key)}
_SPECIAL_RE = re.compile(
    r"(?<![\w/.])(?:"
    + "|".join(re.escape(k) for k in sorted(_SPECIAL_KEYS, key=len, reverse=True))
    + r")(?![\w/])"
)


def user_rule(extra: dict[str, str]) -> Rule | None:
    """The station's entries as one rule (built once per ``normalize`` call), or None."""
    keys = sorted((k for k in extra if k), key=len, reverse=True)
    if not keys:
        return None
    pattern = re.compile(
        r"(?<![\w&\-])(?:" + "|".join(re.escape(k) for k in keys) + r")(?![\w&\-])"
    )
    return Rule("user-dictionary", pattern, _user, first="dulo")


def _user(sc: Scanner, m: re.Match[str]) -> str | None:
    return sc.ctx.extra.get(m.group())


def _special(sc: Scanner, m: re.Match[str]) -> str | None:
    key = _SPECIAL_KEYS[m.group()]
    following = sc.following(m.end())
    if key == "đ/c":
        if following == ":" or following.isdigit():
            return "địa chỉ"
        if not following.isupper():
            sc.warn(
                "ambiguous-abbreviation",
                m,
                said(
                    "'{text}' can mean đồng chí or địa chỉ; read as 'đồng chí' — write the words",
                    text=m.group(),
                ),
            )
        return "đồng chí"
    if key in ("TM.", "KT.", "TL.", "TUQ."):
        if key == "TL." and following.isdigit():
            return "tỉnh lộ"
        if not following.isupper():
            return None
    return lexicon.SPECIAL[key]


def _token(sc: Scanner, m: re.Match[str]) -> str | None:
    token = m.group()
    known = lexicon.lookup(token)
    if known is not None:
        return known
    if token in lexicon.AMBIGUOUS:
        return _ambiguous(sc, m, token)
    if "&" in token or "-" in token:
        return _compound(sc, m, token)
    if len(token) == 1:
        return _letter(token)
    unit = vocab.UNITS.get(token)
    if unit is not None and len(token) > 1 and not is_syllable(token):
        return unit  # "giá tính theo kWh", "(m²)"
    upper = sum(ch.isupper() for ch in token)
    if upper < 2:
        _foreign(sc, m, token)
        return None
    if token.isupper():
        if has_vowel_mark(token) or (_shouted(sc) and is_syllable(token)):
            return token.lower()
        if token in lexicon.LETTER_WORDS:
            return spell(token)
        if _IVX_RE.fullmatch(token) and roman_to_int(token):
            value = read_number(roman_to_int(token) or 0)
            sc.warn(
                "ambiguous-number",
                m,
                said(
                    "'{text}' is read as the Roman numeral '{spoken}' — check it",
                    text=token,
                    spoken=value,
                ),
                once=True,
            )
            return value
    spoken = spell(token)
    _warn_unknown(sc, m, spoken)
    return spoken


def _letter(token: str) -> str | None:
    if token.lower() in _VOWEL_LETTERS or has_vowel_mark(token):
        return None  # "a", "Y" (tế), "ở" are words
    return spell(token)


def _ambiguous(sc: Scanner, m: re.Match[str], token: str) -> str:
    settled = _by_next_word(sc, m, token)
    if settled is not None:
        return settled
    spoken = spell(token)
    meanings = " / ".join(lexicon.AMBIGUOUS[token])
    sc.warn(
        "ambiguous-abbreviation",
        m,
        said(
            "'{text}' can mean {meanings}; read letter by letter — write the words out",
            text=token,
            meanings=meanings,
        ),
    )
    return spoken


def _by_next_word(sc: Scanner, m: re.Match[str], token: str) -> str | None:
    before = lexicon.BY_PREVIOUS_WORD.get(token, {})
    words = sc.words_before(m.start(), 2)
    for size in (2, 1):
        if len(words) >= size and " ".join(words[-size:]) in before:
            return before[" ".join(words[-size:])]
    choices = lexicon.BY_NEXT_WORD.get(token)
    if not choices:
        return None
    number = _NUMBER_NEXT_RE.match(sc.line, m.end())
    if number is not None:
        if token == "ĐT":
            digits = sum(ch.isdigit() for ch in number.group(1))
            return "điện thoại" if digits >= 6 else "đường tỉnh"
        return choices.get("#")
    if sc.following(m.end()) == ":" and token == "ĐT":
        return "điện thoại"
    written = sc.next_word(m.end())
    if written[:1].isupper() and "Aa" in choices and lexicon.lookup(written) is None:
        return choices["Aa"]
    word = written.lower()
    if word in choices:
        return choices[word]
    first = _WORD_RE.match(word)
    return choices.get(first.group()) if first else None


def _compound(sc: Scanner, m: re.Match[str], token: str) -> str | None:
    pieces = re.split(r"([&\-])", token)
    parts = pieces[::2]
    if not all(part.isupper() or part in sc.ctx.extra for part in parts):
        readings = []
        for part in parts:
            known = lexicon.lookup(part, sc.ctx.extra)
            if known is None and len(part) > 1 and part.isupper() and not has_vowel_mark(part):
                known = spell(part)  # an acronym among words: never left to an engine
                _warn_unknown(sc, m, known)
            elif known is None and not has_vowel_mark(part) and not is_syllable(part):
                _foreign(sc, m, part)
            readings.append(known or part)
        return _joined(pieces, readings)
    expansions = [lexicon.lookup(part, sc.ctx.extra) for part in parts]
    if any(p in lexicon.AMBIGUOUS and e is None for p, e in zip(parts, expansions, strict=True)):
        spoken = _joined(pieces, [e or spell(p) for p, e in zip(parts, expansions, strict=True)])
        meanings = " / ".join(
            "/".join(lexicon.AMBIGUOUS[p]) for p in parts if p in lexicon.AMBIGUOUS
        )
        sc.warn(
            "ambiguous-abbreviation",
            m,
            said(
                "'{text}' can mean {meanings}; read letter by letter — write the words out",
                text=token,
                meanings=meanings,
            ),
        )
        return spoken
    if any(e is None for e in expansions):
        spoken = _joined(
            pieces, [e or _unknown_part(p) for p, e in zip(parts, expansions, strict=True)]
        )
        _warn_unknown(sc, m, spoken)
        return spoken
    return _joined(pieces, [e or "" for e in expansions])


def _unknown_part(part: str) -> str:
    if has_vowel_mark(part) or is_syllable(part) and not part.isupper():
        return part.lower() if part.isupper() else part
    return spell(part)


def _joined(pieces: list[str], readings: list[str]) -> str:
    spoken = [readings[0]]
    for sep, reading in zip(pieces[1::2], readings[1:], strict=True):
        spoken.append(("và " if sep == "&" else "") + reading)
    return " ".join(spoken)


def _shouted(sc: Scanner) -> bool:
    if "shouted" not in sc.cache:
        sc.cache["shouted"] = any(
            len(tok) > 1 and tok.isupper() and has_vowel_mark(tok) and lexicon.lookup(tok) is None
            for tok in _TOKEN_RE.findall(sc.line)
        )
    return bool(sc.cache["shouted"])


def _warn_unknown(sc: Scanner, m: re.Match[str], spoken: str) -> None:
    sc.warn(
        "unknown-abbreviation",
        m,
        said(
            "'{text}' is not in the abbreviation dictionary; read letter by letter as"
            " '{spoken}' — write it out or add it with `loa dict add`",
            text=m.group(),
            spoken=spoken,
        ),
        once=True,
    )


def _foreign(sc: Scanner, m: re.Match[str], word: str) -> None:
    if has_vowel_mark(word) or is_syllable(word):
        return
    sc.warn(
        "foreign-word",
        m,
        said(
            "'{text}' is not a Vietnamese word; an engine may read it in another language"
            " — write how it sounds or add it with `loa dict add`",
            text=word,
        ),
        once=True,
    )


SPECIAL = Rule("special-abbreviation", _SPECIAL_RE, _special, first=UPPER + LOWER)
TOKEN = Rule("abbreviation", _TOKEN_RE, _token, first=UPPER + LOWER)
