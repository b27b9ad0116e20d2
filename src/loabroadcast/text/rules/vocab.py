"""The tables behind measures and money: units with their prefixes, and currencies.

Units are built from a base and the SI prefixes that go with it (k ki lô, M mê ga,
G gi ga, T tê ra, c xăng ti, d đề xi, m mi li, µ mi crô, n na nô, h héc tô), plus a
few units of their own (ha héc ta, °C độ xê, % phần trăm, hp mã lực …).

Case: a unit written right after its number (``220v``, ``1kw``, ``100Mhz``) is found
whatever its case when the letters can only mean one unit (``kw``, ``KW`` and ``kW``
are all ki lô oát); when the case decides (``mW`` mi li oát, ``MW`` mê ga oát), it is
read as written, and the prefix letter keeps its case (``Mhz`` is mê ga héc). After a
space, a unit is found as written in the table (``5 m``, ``22 kV``) or folded when it
cannot be a Vietnamese word (``5 Kg``): a lone word after a number is more often a
word than a unit.
"""

from __future__ import annotations

import re

from .. import lexicon
from ..letters import has_vowel_mark, is_syllable

# base unit → (reading, prefixes it takes)
_BASES: dict[str, tuple[str, str]] = {
    "m": ("mét", "kcdmµμn"),
    "m2": ("mét vuông", "kcdm"),
    "m²": ("mét vuông", "kcdm"),
    "m3": ("mét khối", "kcdm"),
    "m³": ("mét khối", "kcdm"),
    "g": ("gam", "kmµμ"),
    "l": ("lít", "mdc"),
    "L": ("lít", "m"),
    "s": ("giây", "mµμn"),
    "V": ("vôn", "mkM"),
    "A": ("am pe", "mkµμ"),
    "W": ("oát", "mkMGT"),
    "Wh": ("oát giờ", "kMGT"),
    "VA": ("vôn am pe", "kM"),
    "Hz": ("héc", "kMG"),
    "B": ("bai", "KkMGT"),
    "b": ("bai", "KkMGT"),
    "bps": ("bít trên giây", "KkMG"),
    "Pa": ("pát xcan", "khM"),
    "J": ("jun", "kM"),
    "cal": ("ca lo", "k"),
    "Ah": ("am pe giờ", "m"),
    "Ω": ("ôm", "kM"),
}
_PREFIXES = {
    "k": "ki lô",
    "K": "ki lô",
    "M": "mê ga",
    "G": "gi ga",
    "T": "tê ra",
    "c": "xăng ti",
    "d": "đề xi",
    "m": "mi li",
    "µ": "mi crô",
    "μ": "mi crô",
    "n": "na nô",
    "h": "héc tô",
}
# units that stand alone only with a prefix (a bare "A" or "B" is a letter)
_PREFIX_ONLY = frozenset({"A", "B", "b", "bps", "Ah", "Wh", "VA", "J", "Pa", "Ω", "s"})
_OTHERS: dict[str, str] = {
    "ha": "héc ta",
    "h": "giờ",
    "°C": "độ xê",
    "°c": "độ xê",
    "oC": "độ xê",
    "độ C": "độ xê",
    "độ c": "độ xê",
    "°F": "độ ép",
    "°K": "độ ca",
    "°": "độ",
    "%": "phần trăm",
    "‰": "phần nghìn",
    "hp": "mã lực",
    "HP": "mã lực",
    "mmHg": "mi li mét thủy ngân",
    "atm": "át mốt phe",
    "bar": "ba",
    "dB": "đề xi ben",
    "ppm": "pê pê em",
    "cc": "xê xê",
    "mcg": "mi crô gam",
    "inch": "inh",
    "Km": "ki lô mét",
    "KM": "ki lô mét",
}
# only right after the number: "10p", "30s", "3ph", "220v", "1kw"
_ATTACHED_ONLY = {"p": "phút", "ph": "phút", "s": "giây", "v": "vôn", "w": "oát", "TW": "tê ra oát"}


def _build() -> dict[str, str]:
    table: dict[str, str] = {}
    for base, (reading, prefixes) in _BASES.items():
        if base not in _PREFIX_ONLY:
            table[base] = reading
        for prefix in prefixes:
            table[prefix + base] = f"{_PREFIXES[prefix]} {reading}"
    table.pop("TW", None)  # "TW" is trung ương; tê ra oát only right after a number
    table.update(_OTHERS)
    return table


UNITS: dict[str, str] = _build()
_FOLDED: dict[str, set[str]] = {}
for _unit, _reading in {**UNITS, **_ATTACHED_ONLY}.items():
    _FOLDED.setdefault(_unit.lower(), set()).add(_reading)

_ALL = sorted({*UNITS, *_ATTACHED_ONLY}, key=len, reverse=True)
_UNIT_RE = re.compile(
    "(?:" + "|".join(re.escape(u) for u in _ALL) + r"|[A-Za-zµμΩ°]{1,5}[23²³]?)(?![\w²³])"
)
_BOUNDARY_RE = re.compile(r"(?![\w²³])")

CURRENCIES: dict[str, str] = {
    "₫": "đồng",
    "đ": "đồng",
    "Đ": "đồng",
    "đồng": "đồng",
    "VNĐ": "đồng",
    "VND": "đồng",
    "vnđ": "đồng",
    "vnd": "đồng",
    "Vnđ": "đồng",
    "USD": "đô la mỹ",
    "usd": "đô la mỹ",
    "US$": "đô la mỹ",
    "$": "đô la",
    "€": "ơ rô",
    "EUR": "ơ rô",
    "euro": "ơ rô",
    "Euro": "ơ rô",
    "£": "bảng anh",
    "GBP": "bảng anh",
    "¥": "yên nhật",
    "JPY": "yên nhật",
    "CNY": "nhân dân tệ",
    "NDT": "nhân dân tệ",
    "₹": "ru pi",
    "₩": "uôn",
    "KRW": "uôn hàn quốc",
    "AUD": "đô la úc",
    "SGD": "đô la xinh ga po",
    "THB": "bạt thái",
    "LAK": "kíp lào",
    "KHR": "riên cam pu chia",
}
# currencies that take cents ("xu") when written with one or two decimals
CENT_CURRENCIES = frozenset({"$", "US$", "USD", "usd", "€", "EUR", "euro", "Euro"})
_CURRENCY_RE = re.compile(
    "(?:" + "|".join(re.escape(c) for c in sorted(CURRENCIES, key=len, reverse=True)) + ")"
    r"(?![\w])"
)


_ABBREVIATIONS = frozenset({*lexicon.AMBIGUOUS, *lexicon.BUILTIN})


def unit_at(line: str, pos: int, *, spaced: bool = False) -> tuple[str, int] | None:
    """The unit written at ``pos`` as (reading, end), or None.

    ``spaced`` says a space stands between the number and ``pos``.
    """
    if pos >= len(line) or line[pos].isspace() or line[pos].isdigit():
        return None
    if spaced and line.startswith(("độ C", "độ c"), pos):
        end = pos + 4
        return ("độ xê", end) if _BOUNDARY_RE.match(line, end) else None
    match = _UNIT_RE.match(line, pos)
    if match is None:
        return None
    token = match.group()
    reading = UNITS.get(token)
    if reading is None and not spaced:
        reading = _ATTACHED_ONLY.get(token) or _folded(token)
    elif reading is None and len(token) > 1 and not is_syllable(token):
        reading = _folded(token)  # "5 Kg", "10 KM"; but "5 ma" is no unit
    if reading is None or has_vowel_mark(token):
        return None
    if spaced and token.isupper() and len(token) > 1 and token in _ABBREVIATIONS:
        return None  # "3 TB" are three notices (thông báo), not terabytes
    if spaced and len(token) == 1 and token in "sphvw":
        return None
    return reading, match.end()


def _folded(token: str) -> str | None:
    readings = _FOLDED.get(token.lower())
    if readings is not None and len(readings) == 1 and len(token) > 1:
        return next(iter(readings))
    if len(token) > 1 and token[0] in _PREFIXES:
        rest = token[1:].lower()
        bases = {reading for unit, (reading, _p) in _BASES.items() if unit.lower() == rest}
        if len(bases) == 1:
            return f"{_PREFIXES[token[0]]} {next(iter(bases))}"
    return None


def currency_at(line: str, pos: int) -> tuple[str, str, int] | None:
    """The currency written at ``pos`` as (symbol, reading, end), or None."""
    match = _CURRENCY_RE.match(line, pos)
    if match is None:
        return None
    return match.group(), CURRENCIES[match.group()], match.end()


def currency_after(line: str, pos: int) -> bool:
    """True when a currency follows ``pos`` (after at most one space)."""
    if pos < len(line) and line[pos] in " \t":
        pos += 1
    return currency_at(line, pos) is not None
