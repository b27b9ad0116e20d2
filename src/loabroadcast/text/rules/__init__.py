"""The rules, one module per kind of reading, and the order the scanner tries them in.

Each module documents its readings with a table of examples (and has its own tests
in ``tests/text``). ``REGISTRY`` is the order: the more specific a pattern, the
earlier it comes — a document code before a date, a date before a fraction, money
before a measure, a measure before a plain number, a known abbreviation before a
spelled one. A rule that matches but declines (its handler returns None) lets the
next one try.
"""

from __future__ import annotations

from ..scanner import Rule
from . import (
    abbrev,
    addresses,
    codes,
    dates,
    electronic,
    money,
    numbers,
    roman,
    symbols,
    times,
    units,
)

REGISTRY: tuple[Rule, ...] = (
    symbols.END_MARK,
    abbrev.SPECIAL,
    electronic.EMAIL,
    electronic.URL,
    codes.DOC_CODE,
    codes.PHONE,
    codes.SERVICE,
    codes.CARD,
    addresses.SLASH,
    addresses.KM,
    dates.FULL,
    dates.SHORT_YEAR,
    dates.RANGE,
    dates.MONTH_RANGE,
    times.ROUND_THE_CLOCK,
    dates.MONTH_YEAR,
    dates.MONTH_SPACE_YEAR,
    times.HOUR_MINUTE,
    times.DURATION,
    times.HOUR,
    times.COLON,
    times.DOT,
    times.WORDS,
    dates.DAY_MONTH,
    numbers.SECTION,
    numbers.DOTTED,
    numbers.CHAIN,
    numbers.LIST,
    money.PREFIX,
    money.SUFFIX,
    units.MEASURE,
    numbers.MIXED,
    numbers.FRACTION,
    numbers.RATIO,
    dates.QUARTER,
    dates.WEEKDAY,
    codes.ROAD,
    codes.SERIAL,
    numbers.SPACED,
    numbers.NUMBER,
    numbers.DASH,
    numbers.TIMES,
    dates.ROMAN_YEAR,
    roman.HEADING,
    roman.ROMAN,
    addresses.PREFIX,
    abbrev.TOKEN,
    units.PER,
    symbols.SYMBOL,
)

__all__ = ["REGISTRY"]
