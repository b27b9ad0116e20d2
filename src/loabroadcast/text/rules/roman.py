"""Roman numerals, read as numbers after the words that take them.

===========================  ===========================  ==========================
written                      spoken                       note
===========================  ===========================  ==========================
``khoản III``                khoản ba
``phụ lục I``, ``Phần V``    phụ lục một, phần năm
``Chương IV``, ``mục ix``    chương bốn, mục chín         either case
``thế kỉ XX``, ``thế kỷ XXI``  thế kỉ hai mươi, thế kỷ hai mươi mốt
``Quý II``, ``khóa XV``      quý hai, khóa mười lăm
``Đại hội XIII``             đại hội mười ba
``lần thứ IV``, ``thứ I``    lần thứ tư, thứ nhất         after thứ: an ordinal
``năm MMXXIII``              năm hai nghìn không trăm hai mươi ba
``I. MỤC ĐÍCH`` (a line)     một. mục đích                a heading
===========================  ===========================  ==========================

Single letters are Roman only as I, V and X (``Phần C`` is a letter); lower-case
numerals count after these words too (``phần ix``). A Roman numeral anywhere else is
left to the abbreviation rule (which reads a lone ``XIV`` as a number, with a
warning).
"""

from __future__ import annotations

import re

from ..reading import read_number, read_ordinal, roman_to_int
from ..scanner import LOWER, UPPER, Rule, Scanner

TAKES_ROMAN = frozenset(
    ["kỷ", "kỉ", "chương", "phần", "mục", "khoản", "lục", "khóa", "khoá", "đoạn", "quý"]
    + ["đợt", "kỳ", "kì", "họp", "hội", "hồi", "tập", "loại", "hạng", "bậc", "cấp", "vòng"]
    + ["vực", "khu", "vùng", "số", "năm", "thứ", "bài", "nhóm", "cụm", "tiểu", "phân"]
    + ["động"]  # báo động I, II, III: flood warning levels
)
_ROMAN_RE = re.compile(r"(?:[IVXLCDM]+|[ivxlcdm]+)(?![^\W_])")
_HEADING_RE = re.compile(r"[IVX]{1,5}(?=[.)][ \t])")


def _roman(sc: Scanner, m: re.Match[str]) -> str | None:
    token = m.group()
    if m.start() and sc.line[m.start() - 1].isalnum():
        return None
    word = sc.word_before(m.start())
    if word not in TAKES_ROMAN:
        return None
    if len(token) == 1 and token.upper() not in "IVX":
        return None
    if word == "năm" and len(token) < 3:
        return None
    if word == "số" and not token.isupper():
        return None
    value = roman_to_int(token)
    if value is None:
        return None
    sc.note(value=value)
    return read_ordinal(value) if word == "thứ" else read_number(value)


def _heading(sc: Scanner, m: re.Match[str]) -> str | None:
    if not sc.line_start(m.start()):
        return None
    value = roman_to_int(m.group())
    return None if value is None else read_number(value)


ROMAN = Rule("roman", _ROMAN_RE, _roman, first=UPPER + LOWER, kind="number")
HEADING = Rule("roman-heading", _HEADING_RE, _heading, first=UPPER, kind="number")
