"""Money: amounts with a currency, and the k / tr / tỷ shorthands.

==========================  ==================================================  ============
written                     spoken                                              note
==========================  ==================================================  ============
``50.000₫``, ``50.000đ``    năm mươi nghìn đồng
``100.000 VNĐ``, ``10 VND`` một trăm nghìn đồng, mười đồng
``200 USD``, ``10 usd``     hai trăm đô la mỹ, mười đô la mỹ
``$15``, ``15$``            mười lăm đô la
``€20``, ``£5``, ``¥100``   hai mươi ơ rô, năm bảng anh, một trăm yên nhật
``5,99$``, ``2,50€``        năm đô la chín mươi chín xu, hai ơ rô năm mươi xu  cents
``0,5$``                    năm mươi xu
``500k``, ``10k VND``       năm trăm nghìn, mười nghìn đồng
``1tr5``, ``2tr``           một triệu năm trăm nghìn, hai triệu
``1,5tr``, ``1tỷ2``         một phẩy năm triệu, một tỷ hai trăm triệu
``50.000đ/tháng``           năm mươi nghìn đồng một tháng                       a price: một
``12.000đ/m³``              mười hai nghìn đồng một mét khối
``50.000đ-100.000đ``        năm mươi nghìn đồng đến một trăm nghìn đồng
==========================  ==================================================  ============

The digits after a shorthand continue the amount: ``1tr5`` is 1 500 000, ``1tr25``
1 250 000, ``5k5`` 5 500. Đồng keeps its decimals ("10,5 đồng" = "mười phẩy năm
đồng"); dollars, euros and pounds with one or two decimals are read with xu.
"""

from __future__ import annotations

import re

from ..reading import read_number, read_value
from ..scanner import DIGIT, Rule, Scanner
from . import vocab
from .numbers import NUM, SIGN, amount, is_dot_decimal, negative_allowed
from .units import per_after

_SCALES = {
    "k": 10**3,
    "K": 10**3,
    "tr": 10**6,
    "Tr": 10**6,
    "TR": 10**6,
    "triệu": 10**6,
    "tỷ": 10**9,
    "tỉ": 10**9,
}
_SCALE_WORDS = {10**3: "nghìn", 10**6: "triệu", 10**9: "tỷ"}
_SCALE = r"(?:(?P<scale>k|K|tr|Tr|TR|tỷ|tỉ|triệu)(?P<tail>[0-9]{1,3})?(?![^\W\d_]))?"
_SUFFIX_RE = re.compile(SIGN + NUM + _SCALE + r"(?P<space>[ \t]?)")
_PREFIX_RE = re.compile(r"(?P<cur>US\$|\$|€|£|¥|₫)[ \t]?" + NUM + _SCALE)


def _scaled(num: str, scale: str | None, tail: str | None) -> str:
    """The amount with its shorthand: ("1", "tr", "5") → "một triệu năm trăm nghìn"."""
    if not scale:
        return amount(num)
    factor = _SCALES[scale]
    if num.isdigit():
        total = int(num) * factor
        if tail:
            total += int(tail) * factor // 10 ** len(tail)
        return read_number(total)
    spoken = f"{amount(num)} {_SCALE_WORDS[factor]}"
    if tail:
        spoken += " " + read_value(tail)
    return spoken


def _with_cents(num: str, currency: str) -> str | None:
    """ "5,99" dollars → "năm đô la chín mươi chín xu" (None when it has no cents)."""
    separator = "," if "," in num else ("." if is_dot_decimal(num) else "")
    if not separator:
        return None
    whole, _sep, cents = num.rpartition(separator)
    if not 1 <= len(cents) <= 2 or not whole.replace(".", "").isdigit():
        return None
    cents_value = int(cents.ljust(2, "0"))
    parts = []
    if int(whole.replace(".", "")):
        parts.append(f"{amount(whole)} {currency}")
    if cents_value:
        parts.append(f"{read_number(cents_value)} xu")
    return " ".join(parts) or f"không {currency}"


def _spoken(num: str, scale: str | None, tail: str | None, symbol: str, reading: str) -> str:
    if symbol in vocab.CENT_CURRENCIES and not scale:
        cents = _with_cents(num, reading)
        if cents is not None:
            return cents
    return f"{_scaled(num, scale, tail)} {reading}"


def _suffix(sc: Scanner, m: re.Match[str]) -> tuple[str, int] | None:
    if m["sign"] and not negative_allowed(sc, m.start()):
        return None
    currency = vocab.currency_at(sc.line, m.end())
    if currency is None and not m["scale"]:
        return None
    if currency is None:
        spoken, end = _scaled(m["num"], m["scale"], m["tail"]), m.end() - len(m["space"])
    else:
        symbol, reading, end = currency
        spoken = _spoken(m["num"], m["scale"], m["tail"], symbol, reading)
    return _finish(sc, m, spoken, end)


def _prefix(sc: Scanner, m: re.Match[str]) -> tuple[str, int] | None:
    symbol = m["cur"]
    reading = vocab.CURRENCIES[symbol]
    spoken = _spoken(m["num"], m["scale"], m["tail"], symbol, reading)
    return _finish(sc, m, spoken, m.end())


def _finish(sc: Scanner, m: re.Match[str], spoken: str, end: int) -> tuple[str, int]:
    if m.groupdict().get("sign"):
        spoken = "âm " + spoken
    while True:
        per = per_after(sc.line, end, rate=False)
        if per is None:
            break
        spoken += " " + per[0]
        end = per[1]
    return spoken, end


SUFFIX = Rule("money", _SUFFIX_RE, _suffix, first=DIGIT, chars="-−", kind="money")
PREFIX = Rule("money-symbol-first", _PREFIX_RE, _prefix, chars="$€£¥₫U", kind="money")
