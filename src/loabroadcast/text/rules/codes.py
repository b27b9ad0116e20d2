"""Codes: document numbers, road numbers, serial codes, phone numbers.

================================  ==================================================  =========
written                           spoken                                              note
================================  ==================================================  =========
``17/KH-UBND``                    mười bảy trên ca hát, u bê en đê                    [1]
``39/2020/TT-BTTTT``              ba mươi chín trên hai nghìn không trăm hai mươi …   [1]
``05/CĐ-BCH``                     không năm trên xê đê, bê xê hát                     [1]
``QL1A``, ``QL.9``, ``ĐT.741``    quốc lộ một a, quốc lộ chín, đường tỉnh bảy trăm …
``6A1``, ``12A``, ``3G``          sáu a một, mười hai a, ba gờ
``U23``, ``F0``, ``H5N1``         u hai mươi ba, ép không, hát năm en một
``COVID-19``                      cô vít mười chín
``29A-12345``, ``ISO-9001``       hai mươi chín a một hai ba bốn năm, …               [2]
``0233.3880.115``                 không hai ba ba ba tám tám không một một năm        phones
``+84 905 123 456``               cộng tám bốn chín không năm …
``(093) 655-5449``                không chín ba sáu năm năm năm bốn bốn chín
``gọi 113``, ``1900 6868``        gọi một một ba, một chín không không sáu tám sáu tám
================================  ==================================================  =========

[1] The one documented reading of a document code: each number by value (a leading
    zero kept: "không năm"), each slash "trên", each hyphen a pause, the letters spelled
    with Vietnamese letter names — unless the station dictionary gives a part a
    reading (``loa dict add KH-UBND "kế hoạch của ủy ban nhân dân"``). Every code is
    also reported as ``document-code``, so the officer can rewrite it in words.
[2] In a code, letters are read by the dictionary (QL quốc lộ, COVID cô vít) or
    spelled; digits are read by value up to two digits, up to four when they open the
    code (``102A``) and after a road prefix, and one by one when longer
    (``29A-12345``) or when they start with a zero.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ...i18n import said
from .. import lexicon
from ..letters import is_syllable, spell
from ..reading import read_digits, read_int_text, read_value
from ..scanner import DIGIT, UPPER, Rule, Scanner

ROADS = {"QL": "quốc lộ", "TL": "tỉnh lộ", "ĐT": "đường tỉnh", "ĐH": "đường huyện"}
ROADS |= {"HL": "hương lộ", "Km": "ki lô mét", "KM": "ki lô mét", "km": "ki lô mét"}

_DOC_CODE_RE = re.compile(
    r"[0-9]+(?:/[0-9]+){0,3}/[A-ZĐ][A-Za-zĐđ0-9&]*(?:[-–][A-ZĐ][A-Za-zĐđ0-9&]*){0,4}(?![\w])"
)
_ROAD_RE = re.compile(r"(QL|TL|ĐT|ĐH|HL)(?:\.[ \t]?|[ \t])?([0-9]{1,4})([A-Z]?)(?![\w])")
_SERIAL_RE = re.compile(r"[^\W_]+(?:[-–][^\W_]+){0,5}")
_RUN_RE = re.compile(r"[^\W\d_]+|[0-9]+")
_PHONE_RE = re.compile(
    r"(?:\+[0-9]{1,3}[ .\-]?)?(?:\([0-9]{2,4}\)|[0-9]{1,4})(?:[ .\-]?[0-9]{2,4}){2,4}(?![0-9])"
)
_SERVICE_RE = re.compile(r"1[89]00(?:[ .]?[0-9]{2,4}){1,2}(?![0-9])")
_CARD_RE = re.compile(r"[0-9]{4}(?:[ \-][0-9]{4}){2,4}(?![0-9])")
_TIMES_INSIDE_RE = re.compile(r"[0-9]+[xX×][0-9]+")


def read_letters(text: str, extra: Mapping[str, str], *, expand: bool = True) -> str:
    """A run of letters inside a code: the station's entry, a road prefix, a known
    abbreviation or loanword (when ``expand``), a Vietnamese syllable as it is, or
    its spelling."""
    if text in extra:
        return extra[text]
    if text in ROADS:
        return ROADS[text]
    known = lexicon.lookup(text) if expand else None
    if known is not None and text not in lexicon.AMBIGUOUS:
        return known
    if text.islower() and len(text) > 1 and is_syllable(text):
        return text
    return spell(text)


def read_code(
    text: str, extra: Mapping[str, str], *, expand: bool = True, opening: bool = True
) -> str:
    """Letters and digits of a code, each run read as the module docstring says;
    ``opening`` is False for the parts after the first hyphen."""
    words: list[str] = []
    road = False
    for index, run in enumerate(_RUN_RE.findall(text)):
        if run.isascii() and run.isdigit():
            short = len(run) <= (4 if index == 0 and opening else 2)  # "102A": a house
            if road or (short and not (len(run) > 1 and run[0] == "0")):
                words.append(read_value(run))
            else:
                words.append(read_digits(run))
            road = False
        else:
            words.append(read_letters(run, extra, expand=expand))
            road = run in ROADS
    return " ".join(words)


def _doc_code(sc: Scanner, m: re.Match[str]) -> str:
    code = m.group()
    numbers, _slash, letters = code.rpartition("/")
    parts = [read_int_text(n) for n in numbers.split("/")]
    if letters in sc.ctx.extra:
        parts.append(sc.ctx.extra[letters])
    else:
        pieces = re.split(r"[-–]", letters)
        parts.append(", ".join(read_code(p, sc.ctx.extra, expand=False) for p in pieces))
    spoken = " trên ".join(parts)
    sc.warn(
        "document-code",
        m,
        said(
            "'{code}' looks like a document code; read as '{spoken}'"
            " — rewrite it if it should sound different",
            code=code,
            spoken=spoken,
        ),
    )
    return spoken


def _road(sc: Scanner, m: re.Match[str]) -> str | None:
    if m.start() and sc.line[m.start() - 1].isalnum():
        return None
    if m[1] == "ĐT" and len(m[2]) < 2:
        return None
    spoken = f"{ROADS[m[1]]} {read_value(m[2])}"
    return spoken + (f" {spell(m[3])}" if m[3] else "")


def _serial(sc: Scanner, m: re.Match[str]) -> str | None:
    token = m.group()
    if not any(ch.isdigit() for ch in token) or not any(ch.isalpha() for ch in token):
        return None
    if m.start() and sc.line[m.start() - 1].isalnum():
        return None
    if _TIMES_INSIDE_RE.fullmatch(token):
        return None
    pieces = re.split(r"[-–]", token)
    if pieces[0].isdigit():
        return None  # "101-102A": a range, read by the number and dash rules
    if all(p.isdigit() or p.isalpha() for p in pieces) and not pieces[-1].isdigit():
        return None  # "2021-KH" and the like: left to the other rules
    known = lexicon.lookup(token, sc.ctx.extra)
    if known is not None:
        return known
    return " ".join(read_code(p, sc.ctx.extra, opening=i == 0) for i, p in enumerate(pieces))


def _phone(sc: Scanner, m: re.Match[str]) -> str | None:
    text = m.group()
    digits = sum(ch.isdigit() for ch in text)
    if text.startswith("+"):
        return "cộng " + read_digits(text) if 9 <= digits <= 13 else None
    plain = text.lstrip("(")
    if not plain.startswith("0"):
        return None
    return read_digits(text) if 10 <= digits <= 11 else None


def _service(sc: Scanner, m: re.Match[str]) -> str | None:
    digits = sum(ch.isdigit() for ch in m.group())
    return read_digits(m.group()) if 8 <= digits <= 10 else None


def _card(sc: Scanner, m: re.Match[str]) -> str:
    return read_digits(m.group())


DOC_CODE = Rule("document-code", _DOC_CODE_RE, _doc_code, first=DIGIT)
ROAD = Rule("road", _ROAD_RE, _road, first=UPPER, kind="number")
SERIAL = Rule("serial", _SERIAL_RE, _serial, first=DIGIT + UPPER)
PHONE = Rule("phone", _PHONE_RE, _phone, first=DIGIT, chars="+(")
SERVICE = Rule("service-number", _SERVICE_RE, _service, first=DIGIT)
CARD = Rule("card-number", _CARD_RE, _card, first=DIGIT)
