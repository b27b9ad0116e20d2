"""E-mail addresses and web addresses, read out piece by piece.

======================================  =====================================================
written                                 spoken
======================================  =====================================================
``ubnd@quangtri.gov.vn``                u bê en đê a còng quang tri chấm gờ o vê chấm vê en
``dichvucong.gov.vn``                   dích vu cong chấm gờ o vê chấm vê en
``https://www.google.com``              hát tê tê pê ét hai chấm gạch chéo gạch chéo vê kép …
======================================  =====================================================

Letters run together are read as Vietnamese syllables when they split into some
(``quangtri`` → "quang tri", ``thuedientu`` → "thuê diên tu": the marks a spelling
needs are added, the tones cannot be guessed), as a known word (``gmail`` → "gờ
meo"), or spelled;
digits one by one; ``.`` "chấm", ``@`` "a còng", ``/`` "gạch chéo", ``-`` "gạch
ngang", ``_`` "gạch dưới", ``:`` "hai chấm".
"""

from __future__ import annotations

import re

from .. import lexicon
from ..letters import spell, syllables, with_marks
from ..reading import read_digits
from ..scanner import DIGIT, LOWER, UPPER, Rule, Scanner

_TLD = r"(?:vn|com|net|org|gov|edu|info|biz|int)"
_EMAIL_RE = re.compile(
    r"[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63}){1,6}(?<![.\-])"
)
_URL_RE = re.compile(
    r"(?:https?://|www\.)[^\s,;()]{1,200}(?<![.,;:!?])"
    r"|[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63}){0,6}\."
    + _TLD
    + r"(?:\.vn)?(?![\w])(?:/[^\s,;()]*)?"
    r"(?<![.,;:!?])"
)
_PIECE_RE = re.compile(r"[A-Za-z]+|[0-9]+|.")
_SIGNS = {
    ".": "chấm",
    "@": "a còng",
    "/": "gạch chéo",
    "-": "gạch ngang",
    "_": "gạch dưới",
    ":": "hai chấm",
    "?": "chấm hỏi",
    "=": "bằng",
    "&": "và",
    "+": "cộng",
    "%": "phần trăm",
}
_AS_WORDS = {"com": "com", "net": "nét", "info": "in phô"}
_SPELLED = frozenset({"vn", "gov", "org", "edu", "www", "http", "https", "biz", "int"})


def _word(text: str) -> str:
    lower = text.lower()
    if lower in _AS_WORDS:
        return _AS_WORDS[lower]
    if lower in _SPELLED:
        return spell(text)
    known = lexicon.LOANWORDS.get(lower) or lexicon.BUILTIN.get(text)
    if known is not None:
        return known
    split = syllables(lower) if 1 < len(lower) <= 40 else None
    marked = [with_marks(piece) for piece in split or ()]
    if split and all(marked):
        return " ".join(m for m in marked if m)
    return spell(text)


def read_address(text: str) -> str:
    words = []
    for piece in _PIECE_RE.findall(text):
        if piece.isascii() and piece.isdigit():
            words.append(read_digits(piece))
        elif piece.isalpha():
            words.append(_word(piece))
        elif piece in _SIGNS:
            words.append(_SIGNS[piece])
    return " ".join(words)


def _address(sc: Scanner, m: re.Match[str]) -> str | None:
    if m.start() and (sc.line[m.start() - 1].isalnum() or sc.line[m.start() - 1] in "@."):
        return None
    return read_address(m.group())


EMAIL = Rule("email", _EMAIL_RE, _address, first=DIGIT + UPPER + LOWER)
URL = Rule("url", _URL_RE, _address, first=DIGIT + UPPER + LOWER)
