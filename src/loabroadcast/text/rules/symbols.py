"""Symbols no engine should meet: each is read or silenced.

==================  =====================  ==============================================
written             spoken                 note
==================  =====================  ==============================================
``thực hiện./.``    thực hiện.             the end mark of an official text is silent
``nam & nữ``        nam và nữ
``2 + 3 = 5``       hai cộng ba bằng năm
``~ 50 người``      khoảng năm mươi người  before a number; between numbers "đến"
``> 5``, ``≥ 18``   lớn hơn năm, lớn hơn hoặc bằng mười tám
``± 2``             cộng trừ hai
``abc@xyz``         … a còng …
``#5``              số năm
``HIV/AIDS``        hát i vê ết            a slash between words is a pause
``$``, ``€``, ``₫``  đô la, ơ rô, đồng      a currency sign left alone
``*``, ``_``, ``|``  (silent, a space, a pause)
==================  =====================  ==============================================

Percent, degree and currency signs after a number belong to ``units`` and ``money``;
what reaches this rule is a sign standing on its own.
"""

from __future__ import annotations

import re

from ..scanner import Rule, Scanner
from .common import NUMERIC

_READINGS = {
    "&": "và",
    "+": "cộng",
    "=": "bằng",
    "%": "phần trăm",
    "‰": "phần nghìn",
    "@": "a còng",
    ">": "lớn hơn",
    "<": "nhỏ hơn",
    "≥": "lớn hơn hoặc bằng",
    "≤": "nhỏ hơn hoặc bằng",
    "≈": "xấp xỉ",
    "±": "cộng trừ",
    "÷": "chia",
    "×": "nhân",
    "°": "độ",
    "$": "đô la",
    "€": "ơ rô",
    "£": "bảng anh",
    "¥": "yên nhật",
    "₫": "đồng",
    "№": "số",
    "§": "mục",
    "*": "",
    "_": " ",
    "\\": " ",
    "^": " ",
    "|": ",",
    "/": " ",
}
_END_MARK_RE = re.compile(r"\./\.")
_SYMBOL_RE = re.compile("[" + re.escape("".join(_READINGS)) + "~#]")


def _end_mark(sc: Scanner, m: re.Match[str]) -> str:
    return "."


def _symbol(sc: Scanner, m: re.Match[str]) -> str:
    ch = m.group()
    following = sc.following(m.end())
    if ch == "~":
        return (
            "đến" if sc.follows(m.start(), NUMERIC) else ("khoảng" if following.isdigit() else " ")
        )
    if ch == "#":
        return "số" if following.isdigit() else " "
    glued = m.start() > 0 and sc.line[m.start() - 1].isalpha()
    if ch == "+" and glued and not following.isalnum():
        return " "  # "HIV+" and the like: a mark, not a sum
    return _READINGS[ch]


END_MARK = Rule("end-mark", _END_MARK_RE, _end_mark, chars=".")
SYMBOL = Rule("symbol", _SYMBOL_RE, _symbol, chars="".join(_READINGS) + "~#")
