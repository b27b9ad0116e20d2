"""Measures: a number and its unit, and what a slash after them means.

=========================  ================================================  ==============
written                    spoken                                            note
=========================  ================================================  ==============
``150 km``, ``5km``        một trăm năm mươi ki lô mét, năm ki lô mét
``22 kV``, ``250kVA``      hai mươi hai ki lô vôn, … ki lô vôn am pe
``220v``, ``1kw``          hai trăm hai mươi vôn, một ki lô oát                 case folded
``500mg``, ``250 ml``      năm trăm mi li gam, … mi li lít
``175cm``, ``2,5 ha``      … xăng ti mét, hai phẩy năm héc ta
``200 m²``, ``10 m3``      hai trăm mét vuông, mười mét khối
``25°c``, ``37 độ C``      hai mươi lăm độ xê, ba mươi bảy độ xê
``-2°C``                   âm hai độ xê
``37%``                    ba mươi bảy phần trăm
``60 km/h``                sáu mươi ki lô mét trên giờ                        a rate: trên
``1.200m³/s``              một nghìn hai trăm mét khối trên giây
``80mg/100ml``             tám mươi mi li gam trên một trăm mi li lít
``120 lít/người``          … lít một người                                   a word: một
``3 lần/ngày``             ba lần một ngày
``2GB``, ``100Mhz``        hai gi ga bai, một trăm mê ga héc
``10p``, ``30s``           mười phút, ba mươi giây                           only glued
=========================  ================================================  ==============

A slash after a unit symbol and before another unit symbol is "trên" (a rate); before
a word (a count or a time: người, hộ, ngày, tháng …) it is "một". The same words
after a plain word ("đồng/người", "lần/ngày") are "một" too. Any other slash
between words ("HIV/AIDS", "và/hoặc") is a pause (see ``symbols``).
"""

from __future__ import annotations

import re

from ..scanner import DIGIT, Rule, Scanner
from . import vocab
from .numbers import NUM, SIGN, amount, is_dot_decimal, negative_allowed, warn_dot_decimal

PER_WORDS = frozenset(
    ["giây", "phút", "giờ", "ngày", "đêm", "tuần", "tháng", "quý", "năm", "vụ", "lượt"]
    + ["người", "hộ", "lần", "suất", "khẩu", "con", "chiếc", "cái", "xe", "ca", "kíp"]
    + ["buổi", "trẻ", "em", "cháu", "học", "sinh", "bệnh", "nhân", "khách", "phòng"]
    + ["tấn", "tạ", "yến", "sào", "mẫu", "lít", "mét", "gam", "cân", "kg", "km", "ha"]
    + ["số", "bao", "thùng", "chai", "hộp", "gói", "liều", "viên", "đơn", "vị", "trang"]
    + ["bộ", "cuốn", "tờ", "thửa", "lô", "căn", "giường", "bàn", "ghế", "cây", "cặp"]
)
_MEASURE_RE = re.compile(SIGN + NUM + r"(?P<space>[ \t]?)(?=\S)")
_NUMBER_AFTER_SLASH_RE = re.compile(r"/" + NUM)
_WORD_RE = re.compile(r"[^\W\d_]+")
_PER_RE = re.compile(r"/(?=[^\W_])")


def per_after(line: str, pos: int, *, rate: bool) -> tuple[str, int] | None:
    """What a slash at ``pos`` says: "trên …" or "một …" with what follows, and the end.

    ``rate`` is True after a unit symbol (a measure), False after money or a word;
    after money any word is "một" (a price for each), otherwise only the words of
    ``PER_WORDS``.
    """
    if pos >= len(line) or line[pos] != "/":
        return None
    number = _NUMBER_AFTER_SLASH_RE.match(line, pos)
    if number is not None:
        space = 1 if line[number.end() : number.end() + 1] in (" ", "\t") else 0
        unit = vocab.unit_at(line, number.end() + space, spaced=bool(space))
        if unit is not None:
            return f"trên {amount(number['num'])} {unit[0]}", unit[1]
        return None
    unit = vocab.unit_at(line, pos + 1)
    if unit is not None:
        word = "trên" if rate else "một"
        return f"{word} {unit[0]}", unit[1]
    match = _WORD_RE.match(line, pos + 1)
    if match is None:
        return None
    word = match.group()
    if word.lower() in PER_WORDS or (not rate and word.islower()):
        return f"một {word}", match.end()  # a price: "50.000 đồng/thẻ"
    return None


def _measure(sc: Scanner, m: re.Match[str]) -> tuple[str, int] | None:
    if m["sign"] and not negative_allowed(sc, m.start()):
        return None
    unit = vocab.unit_at(sc.line, m.end(), spaced=bool(m["space"]))
    if unit is None:
        return None
    reading, end = unit
    num = m["num"]
    number = amount(num)
    if is_dot_decimal(num):
        warn_dot_decimal(sc, m, num, number)
    spoken = f"{'âm ' if m['sign'] else ''}{number} {reading}"
    while True:
        per = per_after(sc.line, end, rate=True)
        if per is None:
            break
        spoken += " " + per[0]
        end = per[1]
    sc.note(value=_value(num, m["sign"]))
    return spoken, end


def _value(num: str, sign: str | None) -> float:
    cleaned = num.replace(".", "").replace(",", ".") if not is_dot_decimal(num) else num
    try:
        value = float(cleaned.replace(" ", ""))
    except ValueError:
        return 0.0
    return -value if sign else value


def _per(sc: Scanner, m: re.Match[str]) -> tuple[str, int] | None:
    start = m.start()
    if not start or not sc.line[start - 1].isalpha():
        return None
    word_before = sc.word_before(start)
    rate = sc.follows(start, "measure") and word_before not in vocab.CURRENCIES
    per = per_after(sc.line, start, rate=rate)
    if per is not None and not rate and word_before not in vocab.CURRENCIES:
        following = per[0].removeprefix("một ")
        if following.lower() not in PER_WORDS and vocab.unit_at(sc.line, start + 1) is None:
            return None  # "và/hoặc": not a price
    return per


MEASURE = Rule("measure", _MEASURE_RE, _measure, first=DIGIT, chars="-−", kind="measure")
PER = Rule("per", _PER_RE, _per, chars="/")
