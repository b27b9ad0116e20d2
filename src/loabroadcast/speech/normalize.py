"""Vietnamese announcement text → the spoken form a TTS engine should read.

``normalize(text)`` expands what is unambiguous and reports what is ambiguous as
``NormalizeWarning`` objects (shown to the officer before approval) instead of
guessing. Standard library only.

Output
------
* Input is NFC-normalised first; positions in warnings are offsets in that NFC text.
* The output is NFC, spaces collapsed, one output line per non-blank input line.
  Sentence punctuation (``. , ; : ! ?``) is kept: engines pause on it. Words that
  are not touched keep their case; expansions are lower case.

What is expanded
----------------
* Dates: ``14/02/2022`` (also ``-`` or ``.`` as separator) → "mười bốn tháng hai năm
  hai nghìn không trăm hai mươi hai" (the word "ngày" is not added: it is usually
  written). ``10-15/3/2022`` → "mười đến mười lăm tháng ba năm …". ``tháng 4/2023`` →
  "tháng tư năm …"; ``quý 1/2023`` → "quý một năm …". Months: 4 is "tư", 1 is "một".
* A two-digit year (``12/3/26``) is read as written ("mười hai tháng ba năm hai mươi
  sáu"; ``05`` is "không năm") with an ``ambiguous-date`` warning: the century is
  not guessed.
* A day/month without a year (``26/9``) is read as a date only after a date word
  (ngày, hôm, mồng, mùng, sáng, trưa, chiều, tối, đêm, khuya, trước, sau, từ, đến,
  tới, hết, hạn), after a weekday (``thứ Hai``, ``Chủ nhật``), after a list of days
  (``ngày 19, 20/3``, ``ngày 19 và 20/3``) or right after another date
  (``10/3 - 15/3``). Otherwise ``17/12`` is read "mười bảy, mười hai" (the slash is
  a pause) with an ``ambiguous-date`` warning; ``15/2020`` without ``tháng`` is read
  the same way with the same warning (month/year or document number?). Other
  number/number pairs get an ``ambiguous-number`` warning.
* Times: ``7h30`` / ``7g30`` / ``7:30`` → "bảy giờ ba mươi phút"; ``11h00`` →
  "mười một giờ"; ``7h`` → "bảy giờ"; ``13 giờ 30`` → "mười ba giờ ba mươi phút";
  ``16 giờ 00`` → "mười sáu giờ".
* Numbers: ``.`` groups thousands (``1.250.000``), ``,`` marks decimals (``2,5`` →
  "hai phẩy năm"). A dot that does not group thousands (``2.5``) is read "hai chấm
  năm" with an ``ambiguous-number`` warning. Two-digit counts with a leading zero
  are read by value (``06 nội dung`` → "sáu"); longer digit strings with a leading
  zero and strings of more than 12 digits are read digit by digit.
* A dash between two numbers, dates or times is "đến" (``2021-2030``, ``7h-11h``);
  a minus glued to a temperature is "âm" (``-2°C``); a hyphen between a name and a
  number is a space (``COVID-19`` → "COVID mười chín").
* A slash before a unit of time or count is "một" (``50.000đ/tháng`` → "năm mươi
  nghìn đồng một tháng", ``người/hộ``); ``24/24h`` and ``24/7`` are read "hai mươi
  bốn trên …". Other slashes between words (``HIV/AIDS``, ``và/hoặc``) are kept.
* Units right after a number (km, m, cm, mm, kg, g, ha, m2/m², m3/m³, km2, kV, V,
  kW, kWh, MW, W, km/h, m/s, °C, độ C, l, ml, %, đ, VNĐ) are spelled out.
* Phone numbers are read digit by digit: ``0`` + 9 or 10 more digits (separators
  ``.``, ``-`` or space allowed), ``+84 …``, ``1800``/``1900`` numbers, and any
  number of 3+ digits after a phone word (gọi, bấm, quay, hotline, tổng đài,
  đường dây nóng, điện thoại, ĐT, SĐT, fax, zalo, optionally followed by "số").
  The emergency numbers 111, 112, 113, 114, 115 after a bare "số" are read digit
  by digit with an ``ambiguous-number`` warning (a house number is written
  "số nhà 115"). Otherwise ``số 17`` stays a number.
* Numbers joined by commas after a residential or administrative unit (khối, thôn,
  tổ, xóm, ấp, bản, buôn, phố, khu, cụm, đội, phường) are a list, not a decimal:
  ``khối 1,2`` → "khối một, hai" (``khu 1,5 ha`` stays a measure).
* Ordinals: ``thứ 1`` → "thứ nhất", ``thứ 4`` → "thứ tư", ``thứ 6`` → "thứ sáu".
* Roman numerals after khóa, kỳ họp, Đại hội, thứ, quý, thế kỷ, chương, phần,
  mục, đợt, kỳ, giai đoạn, loại, hạng, vòng, tập, bậc, cấp, khu vực
  (``khóa XV`` → "khóa mười lăm", ``lần thứ XIII`` → "lần thứ mười ba",
  ``quý I/2023`` → "quý một năm …"). Elsewhere ``XV`` is an unknown abbreviation.
* Abbreviations from ``abbreviations.BUILTIN`` and the user dictionary (``extra``,
  which overrides everything, and whose keys may hold digits or dots: ``F0``,
  ``K.3``), matched case-sensitively as whole tokens; tokens joined by
  ``&`` or ``-`` are expanded part by part when every part is known
  (``PCTT&TKCN``); ``&`` is "và". Place prefixes ``TP.``, ``TX.``, ``TT.``, ``Q.``,
  ``P.`` are expanded before a capitalised name or a number.
* An all-capitals word with Vietnamese vowel marks (``THÔNG BÁO``) is a shouted
  word, not an abbreviation: it is lower-cased; so are plausible syllables
  (``BAN``) on a line that has such shouted words.

What is left and reported
-------------------------
* Ambiguous abbreviations (``TT``, ``BCH``, ``BTC``, ``CĐ`` …: see
  ``abbreviations.AMBIGUOUS``) stay as letters → ``ambiguous-abbreviation``.
* Unknown all-capitals tokens (``PCI``, ``DDCI``) stay as letters for the engine to
  spell → ``unknown-abbreviation``, once per token and text. Well-known
  initialisms (``abbreviations.LETTER_WORDS``: HIV, ASEAN …) are not reported.
* Document codes (``17/KH-UBND``, ``39/2020/TT-BTTTT``, ``05/CĐ-BCH``) follow one
  convention: each number is read as a number, the letter codes are left as
  written for the engine to spell, a slash is a pause (", ") and a hyphen a space:
  ``17/KH-UBND`` → "mười bảy, KH UBND". Every code is reported as
  ``document-code`` so the officer can rewrite it ("Kế hoạch số 17 của Ủy ban …").
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from loabroadcast.speech import abbreviations as _abbr
from loabroadcast.speech.numbers import (
    read_decimal,
    read_digits,
    read_fraction_part,
    read_month,
    read_number,
    read_ordinal,
    roman_to_int,
)

__all__ = [
    "NormalizeWarning",
    "Normalized",
    "normalize",
    "read_decimal",
    "read_digits",
    "read_number",
    "spoken",
]


@dataclass(frozen=True)
class NormalizeWarning:
    """Something the normaliser did not dare to decide, for the officer to check."""

    kind: str
    text: str
    message: str
    position: int


@dataclass(frozen=True)
class Normalized:
    """The spoken form of a text and the warnings met on the way."""

    text: str
    warnings: tuple[NormalizeWarning, ...]


# --- vocabulary -------------------------------------------------------------------

_UNITS: dict[str, str] = {
    "km/h": "ki lô mét trên giờ",
    "m/s": "mét trên giây",
    "km²": "ki lô mét vuông",
    "km2": "ki lô mét vuông",
    "kWh": "ki lô oát giờ",
    "kW": "ki lô oát",
    "kV": "ki lô vôn",
    "MW": "mê ga oát",
    "m²": "mét vuông",
    "m2": "mét vuông",
    "m³": "mét khối",
    "m3": "mét khối",
    "mm": "mi li mét",
    "cm": "xen ti mét",
    "km": "ki lô mét",
    "Km": "ki lô mét",
    "kg": "ki lô gam",
    "Kg": "ki lô gam",
    "ha": "héc ta",
    "ml": "mi li lít",
    "°C": "độ xê",
    "°": "độ",
    "%": "phần trăm",
    "VNĐ": "việt nam đồng",
    "VND": "việt nam đồng",
    "đ": "đồng",
    "m": "mét",
    "g": "gam",
    "l": "lít",
    "V": "vôn",
    "W": "oát",
}
_DEGREE_C = "độ xê"

_DATE_WORDS = frozenset(
    [
        "ngày",
        "hôm",
        "mồng",
        "mùng",
        "sáng",
        "trưa",
        "chiều",
        "tối",
        "đêm",
        "khuya",
        "trước",
        "sau",
        "từ",
        "đến",
        "tới",
        "hết",
        "hạn",
    ]
)
_WEEKDAY_WORDS = frozenset(["hai", "ba", "tư", "năm", "sáu", "bảy", "2", "3", "4", "5", "6", "7"])
# Residential and administrative units: "khối 1,2" lists two blocks, it is no decimal.
_UNIT_WORDS = frozenset(
    ["khối", "thôn", "tổ", "xóm", "ấp", "bản", "buôn", "phố", "khu", "cụm", "đội", "phường"]
)
_ROMAN_CONTEXT = frozenset(
    [
        *("khóa", "khoá", "họp", "hội", "thứ", "quý", "kỷ", "chương", "phần", "mục", "đợt"),
        *("kỳ", "đoạn", "loại", "hạng", "vòng", "tập", "bậc", "cấp", "vực"),
    ]
)
_PHONE_PHRASES = (
    ("gọi",),
    ("bấm",),
    ("quay",),
    ("hotline",),
    ("fax",),
    ("zalo",),
    ("đt",),
    ("sđt",),
    ("tổng", "đài"),
    ("dây", "nóng"),
    ("điện", "thoại"),
)
_HOTLINES = frozenset({"111", "112", "113", "114", "115"})
_MAX_DAY = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)

# --- patterns (compiled once) ---------------------------------------------------

_UNIT_ALT = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))
_UNIT = rf"(?:[ \t]?(?P<unit>(?:độ[ \t]?C|{_UNIT_ALT})(?![\w²³])))?"

_DOC_CODE_RE = re.compile(r"[0-9]+(?:/[0-9]+)*/[A-ZĐ][A-Za-zĐđ&]+(?:-[A-ZĐ][A-Za-zĐđ&]*)*(?!\w)")
_PHONE_RE = re.compile(r"(?:\+84[ .]?[0-9]{1,3}|0[0-9]{2,3})(?:[ .\-]?[0-9]{2,4}){2,4}(?![0-9])")
_SERVICE_NUMBER_RE = re.compile(r"1[89]00(?:[ .]?[0-9]{2,4}){1,2}(?![0-9])")
_FULL_DATE_RE = re.compile(r"([0-9]{1,2})([/.\-])([0-9]{1,2})\2([0-9]{4})(?![0-9])")
_DATE_RANGE_RE = re.compile(
    r"([0-9]{1,2})[ \t]*[-–][ \t]*([0-9]{1,2})/([0-9]{1,2})(?:/([0-9]{4}))?(?![0-9/])"
)
_SHORT_YEAR_DATE_RE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{2})(?![0-9/])")
_MONTH_YEAR_RE = re.compile(r"([0-9]{1,2})/([0-9]{4})(?![0-9/])")
_ROUND_THE_CLOCK_RE = re.compile(r"24/(24|7)(h)?(?![\w/])")
_DAY_MONTH_RE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})(?![0-9/])")
_TIME_HM_RE = re.compile(r"([0-9]{1,2})[hHgG]([0-9]{2})(?:[ \t]*phút|ph|p|')?(?!\w)")
_TIME_H_RE = re.compile(r"([0-9]{1,2})[hH](?!\w)")
_TIME_COLON_RE = re.compile(r"([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?(?![0-9])")
_TIME_WORDS_RE = re.compile(
    r"([0-9]{1,2})[ \t]*giờ(?!\w)(?:[ \t]*([0-9]{2})(?![0-9]|[.,:][0-9]|/)(?:[ \t]*phút(?!\w))?)?"
)
_UNIT_LIST_RE = re.compile(r"[0-9]{1,3}(?:,[0-9]{1,3})+(?![0-9])")
_NUMBER_RE = re.compile(
    r"(?P<num>[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]+)?(?![0-9])"
    r"|[0-9]+,[0-9]+"
    r"|[0-9]+\.[0-9]+"
    r"|[0-9]+)" + _UNIT
)
_THOUSANDS_RE = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]+)?")
_DASH_RE = re.compile(r"[-–](?=[ \t]*[0-9])")
_NEGATIVE_RE = re.compile(r"-[0-9]+(?:,[0-9]+)?[ \t]?(?:°|độ)")
_AMPERSAND_RE = re.compile(r"&")
_PER_RE = re.compile(
    r"/(giây|phút|giờ|ngày|tuần|tháng|quý|năm|người|hộ|lần|suất|khẩu|con|chiếc|km|kg|ha|lít|m2|m²)"
    r"(?!\w)"
)
_ROMAN_YEAR_RE = re.compile(r"([IVX]{1,4})/([0-9]{4})(?![0-9/])")
_PREFIX_RE = re.compile(r"(?:(?P<a>TP|TX)(?:\.|(?=[ \t]))|(?P<b>TT|Q|P)\.)[ \t]*")
_TOKEN_RE = re.compile(r"[^\W\d_]+(?:[&\-][^\W\d_]+)*")
_PLAIN_RE = re.compile(r"[^\W\d_]+|.", re.DOTALL)
_LINE_RE = re.compile(r"[^\r\n]+")
_SPACES_RE = re.compile(r"[^\S\r\n]+")
_SPACE_BEFORE_PUNCT_RE = re.compile(r" +([,.;:!?)\]…])")
_SPACE_AFTER_OPEN_RE = re.compile(r"([(\[]) +")
_TAIL_WORD_RE = re.compile(r"[^\W_]+$")
_CHAIN_TAIL_RE = re.compile(r"(?:[0-9]{1,2}[ \t]*(?:,|và|hoặc|-|–)[ \t]*)+$")
_DATE_GAP_RE = re.compile(r"[ \t]*(?:,|;|và|hoặc|đến|tới|-|–)?[ \t]*")
_SYLLABLE_RE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}(?:ng|nh|ch|[cmnpt])?"
)


# --- small helpers --------------------------------------------------------------


def _last_words(text: str, count: int) -> list[str]:
    """The last ``count`` words of ``text`` (lower case) separated only by spaces."""
    tail = text[-80:].rstrip(" \t")
    words: list[str] = []
    while len(words) < count:
        match = _TAIL_WORD_RE.search(tail)
        if match is None:
            break
        words.insert(0, match.group().lower())
        tail = tail[: match.start()]
        if not tail.endswith((" ", "\t")):
            break
        tail = tail.rstrip(" \t")
    return words


def _has_vowel_mark(word: str) -> bool:
    return any(unicodedata.combining(ch) for ch in unicodedata.normalize("NFD", word))


def _plain_letters(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word.lower().replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _is_syllable(word: str) -> bool:
    return _SYLLABLE_RE.fullmatch(_plain_letters(word)) is not None


def _valid_day_month(day: int, month: int, year: int | None = None) -> bool:
    if not 1 <= month <= 12 or day < 1:
        return False
    if month == 2 and year is not None and not calendar.isleap(year):
        return day <= 28
    return day <= _MAX_DAY[month - 1]


def _read_int_text(digits: str) -> str:
    """Read a run of digits by value; a leading zero run of 3+ digits digit by digit."""
    if len(digits) > 12 or (len(digits) > 2 and digits.startswith("0")):
        return read_digits(digits)
    return read_number(int(digits))


def _date(day: int, month: int, year: int | None = None) -> str:
    spoken = f"{read_number(day)} tháng {read_month(month)}"
    return spoken if year is None else f"{spoken} năm {read_number(year)}"


def _tidy(text: str) -> str:
    text = _SPACES_RE.sub(" ", text)
    text = _SPACE_BEFORE_PUNCT_RE.sub(r"\1", text)
    text = _SPACE_AFTER_OPEN_RE.sub(r"\1", text)
    return text.strip()


def _extra_pattern(extra: Mapping[str, str]) -> re.Pattern[str] | None:
    keys = sorted((k for k in extra if k), key=len, reverse=True)
    if not keys:
        return None
    alternatives = "|".join(re.escape(k) for k in keys)
    return re.compile(rf"(?<![\w&\-])(?:{alternatives})(?![\w&\-])")


# --- the scanner ----------------------------------------------------------------


class _Context:
    """State shared by all lines of one ``normalize`` call."""

    def __init__(self, extra: Mapping[str, str] | None) -> None:
        self.extra: dict[str, str] = {
            unicodedata.normalize("NFC", k): unicodedata.normalize("NFC", v)
            for k, v in (extra or {}).items()
        }
        self.extra_re = _extra_pattern(self.extra)
        self.warnings: list[NormalizeWarning] = []
        self.reported: set[tuple[str, str]] = set()

    def lookup(self, token: str) -> str | None:
        return _abbr.lookup(token, self.extra)

    def known(self, token: str) -> bool:
        return token in self.extra or token in _abbr.BUILTIN or token in _abbr.AMBIGUOUS


_Handler = Callable[["_LineScanner", re.Match[str]], "str | None"]


class _LineScanner:
    """Walks one line left to right, trying the rules in order at each position."""

    def __init__(self, line: str, offset: int, ctx: _Context) -> None:
        self.line = line
        self.offset = offset
        self.ctx = ctx
        self.numeric_end = -1
        self.date_end = -1
        self._shouted: bool | None = None

    # infrastructure

    def run(self) -> str:
        out: list[str] = []
        pos, end = 0, len(self.line)
        rules = _RULES
        if self.ctx.extra_re is not None:
            rules = ((self.ctx.extra_re, _LineScanner._user_entry, False), *_RULES)
        while pos < end:
            for pattern, handler, numeric in rules:
                match = pattern.match(self.line, pos)
                if match is None or match.end() == pos:
                    continue
                spoken = handler(self, match)
                if spoken is None:
                    continue
                out.append(f" {spoken} ")
                pos = match.end()
                if numeric:
                    self.numeric_end = pos
                break
            else:
                plain = _PLAIN_RE.match(self.line, pos)
                out.append(plain.group())
                pos = plain.end()
        return _tidy("".join(out))

    def warn(
        self,
        kind: str,
        match: re.Match[str],
        message: str,
        once: bool = False,
        group: int | str = 0,
    ) -> None:
        fragment = match.group(group)
        if once:
            if (kind, fragment) in self.ctx.reported:
                return
            self.ctx.reported.add((kind, fragment))
        position = self.offset + match.start(group)
        self.ctx.warnings.append(NormalizeWarning(kind, fragment, message, position))

    def words_before(self, pos: int, count: int) -> list[str]:
        return _last_words(self.line[:pos], count)

    def date_context(self, pos: int) -> bool:
        if self.date_end >= 0 and _DATE_GAP_RE.fullmatch(self.line, self.date_end, pos):
            return True
        before = _CHAIN_TAIL_RE.sub("", self.line[max(0, pos - 80) : pos])
        words = _last_words(before, 2)
        if not words:
            return False
        if words[-1] in _DATE_WORDS:
            return True
        return len(words) == 2 and (
            (words[0] == "thứ" and words[1] in _WEEKDAY_WORDS) or words == ["chủ", "nhật"]
        )

    def phone_context(self, pos: int) -> bool:
        words = self.words_before(pos, 3)
        if words and words[-1] == "số":
            words = words[:-1]
        return any(tuple(words[-len(p) :]) == p for p in _PHONE_PHRASES)

    def shouted_line(self) -> bool:
        if self._shouted is None:
            self._shouted = any(
                len(tok) > 1 and tok.isupper() and _has_vowel_mark(tok) and not self.ctx.known(tok)
                for tok in _TOKEN_RE.findall(self.line)
            )
        return self._shouted

    # rules

    def _user_entry(self, match: re.Match[str]) -> str | None:
        return self.ctx.extra.get(match.group())

    def _doc_code(self, match: re.Match[str]) -> str:
        parts = []
        for part in match.group().split("/"):
            parts.append(_read_int_text(part) if part.isdigit() else part.replace("-", " "))
        spoken = ", ".join(parts)
        self.warn(
            "document-code",
            match,
            f"'{match.group()}' looks like a document code; read as '{spoken}'"
            " — rewrite it if it should sound different",
        )
        return spoken

    def _phone(self, match: re.Match[str]) -> str | None:
        text = match.group()
        digits = sum(ch.isdigit() for ch in text)
        if text.startswith("+"):
            return "cộng " + read_digits(text) if 11 <= digits <= 12 else None
        return read_digits(text) if 10 <= digits <= 11 else None

    def _service_number(self, match: re.Match[str]) -> str | None:
        digits = sum(ch.isdigit() for ch in match.group())
        return read_digits(match.group()) if 8 <= digits <= 10 else None

    def _full_date(self, match: re.Match[str]) -> str:
        day, month, year = int(match[1]), int(match[3]), int(match[4])
        if _valid_day_month(day, month, year):
            self.date_end = match.end()
            return _date(day, month, year)
        spoken = ", ".join(_read_int_text(p) for p in (match[1], match[3], match[4]))
        self.warn(
            "ambiguous-date",
            match,
            f"'{match.group()}' is not a valid date; read as '{spoken}' — check it",
        )
        return spoken

    def _short_year_date(self, match: re.Match[str]) -> str:
        day, month, yy = int(match[1]), int(match[2]), match[3]
        if not _valid_day_month(day, month, 2000 + int(yy)):
            spoken = ", ".join(_read_int_text(p) for p in match.groups())
            self.warn(
                "ambiguous-date",
                match,
                f"'{match.group()}' is not a valid date; read as '{spoken}' — check it",
            )
            return spoken
        self.date_end = match.end()
        year = read_digits(yy) if yy.startswith("0") else read_number(int(yy))
        spoken = f"{_date(day, month)} năm {year}"
        self.warn(
            "ambiguous-date",
            match,
            f"'{match.group()}' has a two-digit year; read as '{spoken}'"
            f" — write {match[1]}/{match[2]}/20{yy} to have the whole year read",
        )
        return spoken

    def _date_range(self, match: re.Match[str]) -> str | None:
        first, last, month = int(match[1]), int(match[2]), int(match[3])
        year = int(match[4]) if match[4] else None
        if not (_valid_day_month(first, month, year) and _valid_day_month(last, month, year)):
            return None
        if first >= last or (year is None and not self.date_context(match.start())):
            return None
        self.date_end = match.end()
        return f"{read_number(first)} đến {_date(last, month, year)}"

    def _month_year(self, match: re.Match[str]) -> str:
        first, year = int(match[1]), int(match[2])
        words = self.words_before(match.start(), 1)
        if words == ["tháng"] and 1 <= first <= 12:
            self.date_end = match.end()
            return f"{read_month(first)} năm {read_number(year)}"
        if words == ["quý"] and 1 <= first <= 4:
            return f"{read_number(first)} năm {read_number(year)}"
        spoken = f"{_read_int_text(match[1])}, {read_number(year)}"
        self.warn(
            "ambiguous-date",
            match,
            f"'{match.group()}' could be a month and year or a document number; read as"
            f" '{spoken}' — write 'tháng {first}/{year}' if it is a month",
        )
        return spoken

    def _round_the_clock(self, match: re.Match[str]) -> str:
        spoken = f"hai mươi bốn trên {read_number(int(match[1]))}"
        return spoken + " giờ" if match[2] else spoken

    def _day_month(self, match: re.Match[str]) -> str:
        day, month = int(match[1]), int(match[2])
        valid = _valid_day_month(day, month)
        if valid and self.date_context(match.start()):
            self.date_end = match.end()
            return _date(day, month)
        spoken = f"{_read_int_text(match[1])}, {_read_int_text(match[2])}"
        if valid:
            self.warn(
                "ambiguous-date",
                match,
                f"'{match.group()}' could be a date, a fraction or a document number; read as"
                f" '{spoken}' — write 'ngày {match.group()}' if it is a date",
            )
        else:
            self.warn(
                "ambiguous-number",
                match,
                f"'{match.group()}' could be a fraction or a number pair; read as"
                f" '{spoken}' — write it out in words",
            )
        return spoken

    def _clock(self, hour: str, minute: str | None, second: str | None = None) -> str | None:
        if int(hour) > 24 or (minute and int(minute) > 59) or (second and int(second) > 59):
            return None
        spoken = f"{read_number(int(hour))} giờ"
        if minute and int(minute):
            spoken += f" {read_number(int(minute))} phút"
        if second and int(second):
            spoken += f" {read_number(int(second))} giây"
        return spoken

    def _time_hm(self, match: re.Match[str]) -> str | None:
        return self._clock(match[1], match[2])

    def _time_h(self, match: re.Match[str]) -> str | None:
        return self._clock(match[1], None)

    def _time_colon(self, match: re.Match[str]) -> str | None:
        return self._clock(match[1], match[2], match[3])

    def _time_words(self, match: re.Match[str]) -> str | None:
        return self._clock(match[1], match[2])

    def _unit_list(self, match: re.Match[str]) -> str | None:
        words = self.words_before(match.start(), 1)
        if not words or words[-1] not in _UNIT_WORDS:
            return None
        number = _NUMBER_RE.match(self.line, match.start())
        if number is not None and number["unit"]:
            return None  # "khu 1,5 ha": a measure after all
        return ", ".join(_read_int_text(part) for part in match.group().split(","))

    def _number(self, match: re.Match[str]) -> str:
        num, unit = match["num"], match["unit"]
        if "." in num and _THOUSANDS_RE.fullmatch(num) is None:
            whole, _, fraction = num.partition(".")
            spoken = f"{_read_int_text(whole)} chấm {read_fraction_part(fraction)}"
            self.warn(
                "ambiguous-number",
                match,
                f"'{num}' uses a dot, which in Vietnamese groups thousands; read as"
                f" '{spoken}' — write {whole},{fraction} for a decimal",
                group="num",
            )
        elif "," in num or "." in num:
            spoken = read_decimal(num)
        elif unit:
            spoken = _read_int_text(num)
        else:
            spoken = self._integer(num, match)
        if unit:
            spoken += " " + (_DEGREE_C if unit.startswith("độ") else _UNITS[unit])
        return spoken

    def _integer(self, digits: str, match: re.Match[str]) -> str:
        value = int(digits)
        words = self.words_before(match.start(), 1)
        last = words[-1] if words else ""
        if last == "thứ":
            return read_ordinal(value)
        if last == "tháng" and 1 <= value <= 12:
            return read_month(value)
        if len(digits) >= 3 and self.phone_context(match.start()):
            return read_digits(digits)
        if last == "số" and digits in _HOTLINES:
            spoken = read_digits(digits)
            self.warn(
                "ambiguous-number",
                match,
                f"'số {digits}' is read as the hotline '{spoken}'"
                " — write 'số nhà' for a house number",
            )
            return spoken
        return _read_int_text(digits)

    def _dash(self, match: re.Match[str]) -> str | None:
        start = match.start()
        if self.numeric_end >= 0 and not self.line[self.numeric_end : start].strip():
            return "đến"
        before = self.line[start - 1] if start else " "
        if before in " \t(" and _NEGATIVE_RE.match(self.line, start):
            return "âm"
        if before.isalpha():
            return ""  # COVID-19: the hyphen joins a name and a number
        return None

    def _ampersand(self, match: re.Match[str]) -> str:
        return "và"

    def _per(self, match: re.Match[str]) -> str:
        return "một " + _UNITS.get(match[1], match[1])

    def _roman_year(self, match: re.Match[str]) -> str | None:
        value = roman_to_int(match[1])
        words = self.words_before(match.start(), 1)
        if value is None or words not in (["quý"], ["tháng"]) or value > 12:
            return None
        first = read_month(value) if words == ["tháng"] else read_number(value)
        return f"{first} năm {read_number(int(match[2]))}"

    def _prefix(self, match: re.Match[str]) -> str | None:
        following = self.line[match.end() : match.end() + 1]
        if not following or not (following.isupper() or following.isdigit()):
            return None
        return _abbr.PREFIXES[match["a"] or match["b"]]

    def _token(self, match: re.Match[str]) -> str | None:
        token = match.group()
        expansion = self.ctx.lookup(token)
        if expansion is not None:
            return expansion
        if not token[0].isupper():
            return None
        roman = self._roman(token, match)
        if roman is not None:
            return roman
        if token in _abbr.AMBIGUOUS:
            self._warn_ambiguous(token, match)
            return token
        if "&" in token or "-" in token:
            return self._compound(token, match)
        if len(token) < 2 or not token.isupper() or token in _abbr.LETTER_WORDS:
            return None
        if _has_vowel_mark(token) or (self.shouted_line() and _is_syllable(token)):
            return token.lower()
        self._warn_unknown(match)
        return token

    def _roman(self, token: str, match: re.Match[str]) -> str | None:
        words = self.words_before(match.start(), 1)
        if not words or words[-1] not in _ROMAN_CONTEXT:
            return None
        value = roman_to_int(token)
        if value is None:
            return None
        return read_ordinal(value) if words[-1] == "thứ" else read_number(value)

    def _compound(self, token: str, match: re.Match[str]) -> str | None:
        pieces = re.split(r"([&\-])", token)
        parts = pieces[::2]
        if not all(part.isupper() for part in parts):
            return None
        if any(part in _abbr.AMBIGUOUS and self.ctx.lookup(part) is None for part in parts):
            self._warn_ambiguous(token, match)
            return token
        expansions = [self.ctx.lookup(part) for part in parts]
        if any(exp is None for exp in expansions):
            self._warn_unknown(match)
            return token
        spoken = [expansions[0]]
        for sep, exp in zip(pieces[1::2], expansions[1:], strict=True):
            spoken.append(("và " if sep == "&" else "") + exp)
        return " ".join(spoken)

    def _warn_ambiguous(self, token: str, match: re.Match[str]) -> None:
        meanings = " / ".join(
            "/".join(_abbr.AMBIGUOUS[p]) for p in re.split(r"[&\-]", token) if p in _abbr.AMBIGUOUS
        )
        self.warn(
            "ambiguous-abbreviation",
            match,
            f"'{token}' can mean {meanings}; left as letters — write the words out",
        )

    def _warn_unknown(self, match: re.Match[str]) -> None:
        self.warn(
            "unknown-abbreviation",
            match,
            f"'{match.group()}' is not in the abbreviation dictionary; left for the engine"
            " to spell — write it out or add it to the user dictionary",
            once=True,
        )


_RULES: tuple[tuple[re.Pattern[str], _Handler, bool], ...] = (
    (_DOC_CODE_RE, _LineScanner._doc_code, False),
    (_PHONE_RE, _LineScanner._phone, False),
    (_SERVICE_NUMBER_RE, _LineScanner._service_number, False),
    (_FULL_DATE_RE, _LineScanner._full_date, True),
    (_SHORT_YEAR_DATE_RE, _LineScanner._short_year_date, True),
    (_DATE_RANGE_RE, _LineScanner._date_range, True),
    (_ROUND_THE_CLOCK_RE, _LineScanner._round_the_clock, False),
    (_MONTH_YEAR_RE, _LineScanner._month_year, True),
    (_TIME_HM_RE, _LineScanner._time_hm, True),
    (_TIME_H_RE, _LineScanner._time_h, True),
    (_TIME_COLON_RE, _LineScanner._time_colon, True),
    (_TIME_WORDS_RE, _LineScanner._time_words, True),
    (_DAY_MONTH_RE, _LineScanner._day_month, True),
    (_UNIT_LIST_RE, _LineScanner._unit_list, True),
    (_NUMBER_RE, _LineScanner._number, True),
    (_DASH_RE, _LineScanner._dash, False),
    (_AMPERSAND_RE, _LineScanner._ampersand, False),
    (_PER_RE, _LineScanner._per, False),
    (_ROMAN_YEAR_RE, _LineScanner._roman_year, True),
    (_PREFIX_RE, _LineScanner._prefix, False),
    (_TOKEN_RE, _LineScanner._token, False),
)


# --- public API -----------------------------------------------------------------


def normalize(text: str, extra: Mapping[str, str] | None = None) -> Normalized:
    """Turn announcement text into its spoken form, with warnings for what is unclear.

    ``extra`` is the user dictionary (``ABBR -> expansion``); it overrides the
    built-in abbreviations.
    """
    text = unicodedata.normalize("NFC", text)
    ctx = _Context(extra)
    lines = []
    for line in _LINE_RE.finditer(text):
        spoken_line = _LineScanner(line.group(), line.start(), ctx).run()
        if spoken_line:
            lines.append(spoken_line)
    result = unicodedata.normalize("NFC", "\n".join(lines))
    return Normalized(result, tuple(ctx.warnings))


def spoken(text: str, extra: Mapping[str, str] | None = None) -> str:
    """Only the spoken form: ``normalize(text, extra).text``."""
    return normalize(text, extra).text
