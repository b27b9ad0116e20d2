"""Dates and months in every common spelling.

===============================  ====================================================  =======
written                          spoken                                                note
===============================  ====================================================  =======
``ngày 14/02/2022``              ngày mười bốn tháng hai năm hai nghìn không trăm …
``01-04-2023``, ``29.02.2024``   ngày một tháng tư năm …, ngày hai mươi chín …           [1]
``24 - 7 - 2002``                ngày hai mươi tư tháng bảy năm hai nghìn không trăm …  [1]
``ngày 26/9``, ``đêm 29-12``     ngày hai mươi sáu tháng chín, đêm hai mươi chín …      [2]
``ngày 27.02``                   ngày hai mươi bảy tháng hai                            [2]
``21/02``, ``30/04``             ngày hai mươi mốt tháng hai, ngày ba mươi tháng tư     [3]
``Quốc khánh 2/9``               quốc khánh hai tháng chín                              [4]
``từ 10-15/3/2022``              từ mười đến mười lăm tháng ba năm …
``tháng 4/2023``, ``tháng 4``    tháng tư năm hai nghìn không trăm hai mươi ba, tháng tư
``01/2025``, ``12/2024``         tháng một năm …, tháng mười hai năm …                  [5]
``từ 01-12/2025``                từ tháng một đến tháng mười hai năm …
``tháng 1 2024``                 tháng một năm hai nghìn không trăm hai mươi tư
``quý 1/2023``, ``quý I/2023``   quý một năm hai nghìn không trăm hai mươi ba
``Q1/2024``                      quý một năm hai nghìn không trăm hai mươi tư
``T2-T6``, ``T7, CN``            thứ hai đến thứ sáu, thứ bảy, chủ nhật
``Nghị quyết 15/2020``           nghị quyết mười lăm trên hai nghìn …                   [6]
``12/3/26``                      mười hai tháng ba năm hai mươi sáu                     warned
===============================  ====================================================  =======

[1] A full date that opens a sentence gets "ngày" before it, as an announcer says it.
[2] A day and month joined by ``-`` or ``.`` is a date only after a date word (ngày,
    hôm, mồng, sáng, chiều, tối, đêm, từ, đến, hạn, vào …), a weekday (``thứ Hai``,
    ``Chủ nhật``), a list of days (``ngày 19, 20/3``) or another date (``10/3 - 15/3``).
[3] With a slash, a zero-padded pair (``01/12``) or a famous day (``30/4``, ``2/9``) is a
    date too; any other bare pair (``3/4``) is left to the fraction rule, with a warning.
[4] 8/3, 30/4, 2/9, 20/10, 20/11, 27/7, 22/12, 26/3, 19/5, 3/2, 19/8.
[5] A month and a four-digit year are a month unless a document word stands before
    them (số, nghị định, quyết định, thông tư …): then they are a document number.
[6] Also reported as ``document-code``.
"""

from __future__ import annotations

import re

from ...i18n import said
from ..reading import (
    read_digits,
    read_int_text,
    read_month,
    read_number,
    read_ordinal,
    roman_to_int,
)
from ..scanner import DIGIT, Rule, Scanner, last_words
from .common import valid_day_month

DATE_WORDS = frozenset(
    ["ngày", "hôm", "mồng", "mùng", "sáng", "trưa", "chiều", "tối", "đêm", "khuya", "rạng"]
    + ["trước", "sau", "từ", "đến", "tới", "hết", "hạn", "vào", "dịp", "nay", "khánh"]
)
_WEEKDAYS = frozenset(["hai", "ba", "tư", "năm", "sáu", "bảy", "2", "3", "4", "5", "6", "7"])
_HOLIDAYS = frozenset(
    [(8, 3), (30, 4), (2, 9), (20, 10), (20, 11), (27, 7), (22, 12), (26, 3), (19, 5)]
    + [(3, 2), (19, 8)]
)
DOCUMENT_WORDS = frozenset(
    ["số", "luật", "lệnh", "nghị định", "nghị quyết", "quyết định", "thông tư", "chỉ thị"]
    + ["công văn", "kế hoạch", "thông báo", "pháp lệnh", "công điện", "tờ trình", "báo cáo"]
    + ["hướng dẫn", "văn bản", "quy định", "đề án", "chương trình", "quy chế", "hiệp định"]
)

_FULL_RE = re.compile(
    r"(?P<d>[0-9]{1,2})[ \t]?(?P<sep>[/.\-])[ \t]?(?P<m>[0-9]{1,2})[ \t]?(?P=sep)[ \t]?"
    r"(?P<y>[0-9]{4})(?![0-9])"
)
_SHORT_YEAR_RE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{2})(?![0-9/])")
_RANGE_RE = re.compile(
    r"([0-9]{1,2})[ \t]*[-–][ \t]*([0-9]{1,2})([/.\-])([0-9]{1,2})(?:\3([0-9]{4}))?(?![0-9/])"
)
_MONTH_RANGE_RE = re.compile(r"([0-9]{1,2})[ \t]*[-–][ \t]*([0-9]{1,2})/([0-9]{4})(?![0-9/])")
_MONTH_YEAR_RE = re.compile(r"([0-9]{1,2})([/.\-])([0-9]{4})(?![0-9/])")
_MONTH_SPACE_YEAR_RE = re.compile(r"([0-9]{1,2})[ \t]+([0-9]{4})(?![0-9])")
_DAY_MONTH_RE = re.compile(r"([0-9]{1,2})([/.\-])([0-9]{1,2})(?![0-9])(?![/.\-][0-9])")
_ROMAN_YEAR_RE = re.compile(r"([IVX]{1,4})/([0-9]{4})(?![0-9/])")
_QUARTER_RE = re.compile(r"Q([1-4])[/.\-]([0-9]{4})(?![0-9/])")
_WEEKDAY_RE = re.compile(r"(?:T([2-7])|(CN))(?![^\W_])")
_CHAIN_TAIL_RE = re.compile(r"(?:[0-9]{1,2}[ \t]*(?:,|và|hoặc|-|–)[ \t]*)+$")
_DATE_GAP_RE = re.compile(r"[ \t]*(?:,|;|và|hoặc|đến|tới|-|–)?[ \t]*")


def date_text(day: int, month: int, year: int | None = None) -> str:
    spoken = f"{read_number(day)} tháng {read_month(month)}"
    return spoken if year is None else f"{spoken} năm {read_number(year)}"


def date_context(sc: Scanner, pos: int) -> bool:
    """True when the words before ``pos`` make a day/month pair a date."""
    date_end = sc.kind_end.get("date", -1)
    if 0 <= date_end <= pos and _DATE_GAP_RE.fullmatch(sc.line, date_end, pos):
        return True
    words = last_words(_CHAIN_TAIL_RE.sub("", sc.line[max(0, pos - 80) : pos]), 2)
    if not words:
        return False
    if words[-1] in DATE_WORDS:
        return True
    return len(words) == 2 and (
        (words[0] == "thứ" and words[1] in _WEEKDAYS) or words == ["chủ", "nhật"]
    )


def _opening(sc: Scanner, pos: int) -> str:
    """ "ngày " when a date opens a sentence (nothing but punctuation before it)."""
    return "" if sc.words_before(pos, 1) else "ngày "


def _full(sc: Scanner, m: re.Match[str]) -> str:
    day, month, year = int(m["d"]), int(m["m"]), int(m["y"])
    if valid_day_month(day, month, year):
        sc.note(kind="date")
        return _opening(sc, m.start()) + date_text(day, month, year)
    spoken = ", ".join(read_int_text(p) for p in (m["d"], m["m"], m["y"]))
    sc.warn(
        "ambiguous-date",
        m,
        said(
            "'{text}' is not a valid date; read as '{spoken}' — check it",
            text=m.group(),
            spoken=spoken,
        ),
    )
    sc.note(kind="number")
    return spoken


def _short_year(sc: Scanner, m: re.Match[str]) -> str:
    day, month, yy = int(m[1]), int(m[2]), m[3]
    if not valid_day_month(day, month, 2000 + int(yy)):
        spoken = ", ".join(read_int_text(p) for p in m.groups())
        sc.warn(
            "ambiguous-date",
            m,
            said(
                "'{text}' is not a valid date; read as '{spoken}' — check it",
                text=m.group(),
                spoken=spoken,
            ),
        )
        return spoken
    sc.note(kind="date")
    year = read_digits(yy) if yy.startswith("0") else read_number(int(yy))
    spoken = f"{date_text(day, month)} năm {year}"
    sc.warn(
        "ambiguous-date",
        m,
        said(
            "'{text}' has a two-digit year; read as '{spoken}'"
            " — write {day}/{month}/20{yy} to have the whole year read",
            text=m.group(),
            spoken=spoken,
            day=m[1],
            month=m[2],
            yy=yy,
        ),
    )
    return spoken


def _range(sc: Scanner, m: re.Match[str]) -> str | None:
    first, last, sep, month = int(m[1]), int(m[2]), m[3], int(m[4])
    year = int(m[5]) if m[5] else None
    if not (valid_day_month(first, month, year) and valid_day_month(last, month, year)):
        return None
    if first >= last or (year is None and not date_context(sc, m.start())):
        return None
    if sep != "/" and year is None:
        return None
    sc.note(kind="date")
    return f"{read_number(first)} đến {date_text(last, month, year)}"


def _month_range(sc: Scanner, m: re.Match[str]) -> str | None:
    first, last, year = int(m[1]), int(m[2]), int(m[3])
    if not (1 <= first < last <= 12):
        return None
    words = sc.words_before(m.start(), 1)
    lead = "" if words == ["tháng"] else "tháng "
    sc.note(kind="date")
    return f"{lead}{read_month(first)} đến tháng {read_month(last)} năm {read_number(year)}"


def _month_year(sc: Scanner, m: re.Match[str]) -> str | None:
    first, sep, year = int(m[1]), m[2], int(m[3])
    words = sc.words_before(m.start(), 2)
    last = words[-1] if words else ""
    if last == "tháng" and 1 <= first <= 12:
        sc.note(kind="date")
        return f"{read_month(first)} năm {read_number(year)}"
    if last == "quý" and 1 <= first <= 4:
        return f"{read_number(first)} năm {read_number(year)}"
    document = last in DOCUMENT_WORDS or " ".join(words) in DOCUMENT_WORDS
    if 1 <= first <= 12 and sep != "-" and not document and 1900 <= year <= 2100:
        sc.note(kind="date")
        return f"tháng {read_month(first)} năm {read_number(year)}"
    if sep == "-":
        return None
    spoken = f"{read_int_text(m[1])} trên {read_number(year)}"
    if document:
        sc.warn(
            "document-code",
            m,
            said(
                "'{text}' looks like a document number; read as '{spoken}'"
                " — rewrite it if it should sound different",
                text=m.group(),
                spoken=spoken,
            ),
        )
    else:
        sc.warn(
            "ambiguous-date",
            m,
            said(
                "'{text}' could be a month and year or a document number; read as"
                " '{spoken}' — write 'tháng {month}/{year}' if it is a month",
                text=m.group(),
                spoken=spoken,
                month=first,
                year=year,
            ),
        )
    return spoken


def _month_space_year(sc: Scanner, m: re.Match[str]) -> str | None:
    month = int(m[1])
    if sc.words_before(m.start(), 1) != ["tháng"] or not 1 <= month <= 12:
        return None
    sc.note(kind="date")
    return f"{read_month(month)} năm {read_number(int(m[2]))}"


def _day_month(sc: Scanner, m: re.Match[str]) -> str | None:
    day, sep, month = int(m[1]), m[2], int(m[3])
    if not valid_day_month(day, month):
        return None
    dated = date_context(sc, m.start())
    if not dated and sep == "/":
        padded = m[1].startswith("0") or m[3].startswith("0")
        if padded or (day, month) in _HOLIDAYS:
            sc.note(kind="date")
            return _opening(sc, m.start()) + date_text(day, month)
    if not dated:
        return None
    sc.note(kind="date")
    return date_text(day, month)


def _roman_year(sc: Scanner, m: re.Match[str]) -> str | None:
    value = roman_to_int(m[1])
    words = sc.words_before(m.start(), 1)
    if value is None or words not in (["quý"], ["tháng"]) or value > 12:
        return None
    first = read_month(value) if words == ["tháng"] else read_number(value)
    sc.note(kind="date")
    return f"{first} năm {read_number(int(m[2]))}"


def _quarter(sc: Scanner, m: re.Match[str]) -> str:
    return f"quý {read_number(int(m[1]))} năm {read_number(int(m[2]))}"


def _weekday(sc: Scanner, m: re.Match[str]) -> str | None:
    if m.start() and sc.line[m.start() - 1].isalnum():
        return None
    if m[1]:
        return f"thứ {read_ordinal(int(m[1]))}"
    # "CN" is Sunday only beside another day: "T7, CN", "từ T2 đến CN", "T2-CN"
    beside = sc.kind_end.get("weekday", -1)
    if 0 <= beside <= m.start() and sc.line[beside : m.start()].strip(" ,-–") in ("", "và", "đến"):
        return "chủ nhật"
    return None


FULL = Rule("date", _FULL_RE, _full, first=DIGIT, kind="date")
SHORT_YEAR = Rule("date-short-year", _SHORT_YEAR_RE, _short_year, first=DIGIT, kind="date")
RANGE = Rule("date-range", _RANGE_RE, _range, first=DIGIT, kind="date")
MONTH_RANGE = Rule("month-range", _MONTH_RANGE_RE, _month_range, first=DIGIT, kind="date")
MONTH_YEAR = Rule("month-year", _MONTH_YEAR_RE, _month_year, first=DIGIT, kind="number")
MONTH_SPACE_YEAR = Rule(
    "month-space-year", _MONTH_SPACE_YEAR_RE, _month_space_year, first=DIGIT, kind="date"
)
DAY_MONTH = Rule("day-month", _DAY_MONTH_RE, _day_month, first=DIGIT, kind="date")
ROMAN_YEAR = Rule("roman-quarter", _ROMAN_YEAR_RE, _roman_year, first="u", kind="date")
QUARTER = Rule("quarter", _QUARTER_RE, _quarter, first="u", kind="date")
WEEKDAY = Rule("weekday", _WEEKDAY_RE, _weekday, first="u", kind="weekday")
