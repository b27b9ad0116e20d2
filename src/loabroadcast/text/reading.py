"""Reading numbers aloud in Vietnamese (standard northern reading, NFC output).

These are the primitives every rule uses; they know nothing about context.

Conventions
-----------
* Groups of three digits are read with ``nghìn``, ``triệu`` and ``tỷ``; above a
  ``tỷ`` the count of ``tỷ`` is itself read as a number (10^12 = "một nghìn tỷ",
  1 234 567 890 123 = "một nghìn hai trăm ba mươi tư tỷ năm trăm sáu mươi bảy triệu
  tám trăm chín mươi nghìn một trăm hai mươi ba").
* A group that follows a non-zero higher group is read in full, including
  ``không trăm`` (2022 = "hai nghìn không trăm hai mươi hai"); groups that are all
  zero are skipped (1 000 000 = "một triệu").
* A zero tens digit after hundreds is ``linh`` (105 = "một trăm linh năm"; never
  ``lẻ``).
* Units after a tens digit of 2 or more: 1 is ``mốt``, 4 is ``tư``, 5 is ``lăm``
  (21, 24, 25); after ``mười`` only 5 changes (15 = "mười lăm", 14 = "mười bốn");
  after ``linh`` nothing changes (101, 104, 105).
* Decimals use the Vietnamese comma and are read with ``phẩy``; a one-digit
  fractional part is read as a number ("2,5" = "hai phẩy năm"), a longer one digit
  by digit, the way figures are read off a page ("3,14" = "ba phẩy một bốn",
  "0,05" = "không phẩy không năm", "1.234,56" = "… phẩy năm sáu").
* Fractions: ``phần``, with 4 read ``tư`` as a denominator ("3/4" = "ba phần tư").
* Months read 4 as ``tư`` ("tháng tư"); ordinals read 1 as ``nhất`` and 4 as
  ``tư`` ("thứ nhất", "thứ tư"), other ordinals as plain numbers ("thứ hai").
* Identifiers written with a leading zero keep it: ``read_int_text("06")`` is
  "không sáu"; so are digit strings longer than 18 digits (account numbers).
"""

from __future__ import annotations

import re

DIGIT_WORDS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
MAX_CARDINAL_DIGITS = 18

_BILLION = 10**9
_DECIMAL_RE = re.compile(r"([-−]?)([0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,([0-9]+))?")
_ROMAN_RE = re.compile(r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def _below_thousand(n: int, full: bool) -> list[str]:
    """Words for 0 < n < 1000; ``full`` reads the hundreds even when they are zero."""
    hundreds, rest = divmod(n, 100)
    tens, units = divmod(rest, 10)
    words: list[str] = []
    if full or hundreds:
        words += [DIGIT_WORDS[hundreds], "trăm"]
    if tens == 0:
        if units:
            words += ["linh", DIGIT_WORDS[units]] if words else [DIGIT_WORDS[units]]
    elif tens == 1:
        words.append("mười")
        if units:
            words.append("lăm" if units == 5 else DIGIT_WORDS[units])
    else:
        words += [DIGIT_WORDS[tens], "mươi"]
        if units:
            words.append({1: "mốt", 4: "tư", 5: "lăm"}.get(units, DIGIT_WORDS[units]))
    return words


def _below_billion(n: int, leading: bool) -> list[str]:
    """Words for 0 < n < 10^9; ``leading`` is False after a higher non-zero part."""
    words: list[str] = []
    started = not leading
    groups = ((n // 1_000_000, "triệu"), (n // 1000 % 1000, "nghìn"), (n % 1000, ""))
    for group, scale in groups:
        if group == 0:
            continue
        words += _below_thousand(group, full=started)
        if scale:
            words.append(scale)
        started = True
    return words


def _words(n: int) -> list[str]:
    if n < _BILLION:
        return _below_billion(n, leading=True) if n else ["không"]
    high, low = divmod(n, _BILLION)
    words = [*_words(high), "tỷ"]
    if low:
        words += _below_billion(low, leading=False)
    return words


def read_number(n: int) -> str:
    """Read an integer: ``read_number(2022)`` is "hai nghìn không trăm hai mươi hai".

    Negative numbers are read with ``âm``.
    """
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"read_number expects an int, not {type(n).__name__}")
    if n < 0:
        return "âm " + " ".join(_words(-n))
    return " ".join(_words(n))


def read_digits(text: str) -> str:
    """Read every ASCII digit of ``text`` one by one, ignoring separators.

    ``read_digits("0233.3880.115")`` is "không hai ba ba ba tám tám không một một năm".
    """
    digits = [DIGIT_WORDS[int(ch)] for ch in text if "0" <= ch <= "9"]
    if not digits:
        raise ValueError(f"no digits in {text!r}")
    return " ".join(digits)


def read_int_text(digits: str) -> str:
    """A run of digits as written: by value, but digit by digit when it starts with a
    zero (an identifier: "06" is "không sáu") or is longer than 18 digits."""
    if len(digits) > MAX_CARDINAL_DIGITS or (len(digits) > 1 and digits.startswith("0")):
        return read_digits(digits)
    return read_number(int(digits))


def read_value(digits: str) -> str:
    """A run of digits by value, whatever zeros lead it ("06" is "sáu")."""
    if len(digits) > MAX_CARDINAL_DIGITS:
        return read_digits(digits)
    return read_number(int(digits))


def read_fraction_part(digits: str) -> str:
    """The part after ``phẩy``: one digit as a number, more digits one by one."""
    return read_digits(digits)


def read_decimal(text: str) -> str:
    """Read a Vietnamese decimal: ``read_decimal("2,5")`` is "hai phẩy năm".

    The integer part may use ``.`` as the thousands separator ("1.250,5"); a text
    without a comma is read as an integer; a leading minus is ``âm``.
    """
    match = _DECIMAL_RE.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"not a decimal number: {text!r}")
    sign, whole, fraction = match.groups()
    spoken = read_value(whole.replace(".", ""))
    if fraction is not None:
        spoken += " phẩy " + read_fraction_part(fraction)
    return ("âm " if sign else "") + spoken


def read_month(month: int) -> str:
    """The word after ``tháng``: 4 is "tư", the others plain numbers (1 is "một")."""
    return "tư" if month == 4 else read_number(month)


def read_ordinal(n: int) -> str:
    """The word after ``thứ``: 1 is "nhất", 4 is "tư", the others plain numbers."""
    return {1: "nhất", 4: "tư"}.get(n) or read_number(n)


def read_denominator(n: int) -> str:
    """The word after ``phần`` in a fraction: 4 is "tư" ("ba phần tư")."""
    return "tư" if n == 4 else read_number(n)


def read_fraction(numerator: int, denominator: int) -> str:
    """``read_fraction(3, 4)`` is "ba phần tư"."""
    return f"{read_number(numerator)} phần {read_denominator(denominator)}"


def roman_to_int(text: str) -> int | None:
    """The value of a Roman numeral (either case), or None when it is not a valid one."""
    text = text.upper()
    if not text or _ROMAN_RE.fullmatch(text) is None:
        return None
    total = 0
    for index, ch in enumerate(text):
        value = _ROMAN_VALUES[ch]
        following = _ROMAN_VALUES[text[index + 1]] if index + 1 < len(text) else 0
        total += -value if value < following else value
    return total
