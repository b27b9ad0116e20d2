"""Addresses: house numbers with a slash, road kilometre posts, place prefixes.

=============================  ==============================================  ===========
written                        spoken                                          note
=============================  ==============================================  ===========
``số 12/3 đường Lê Lợi``       số mười hai xuyệt ba đường lê lợi
``ngõ 15/7``, ``hẻm 123/45``   ngõ mười lăm xuyệt bảy, hẻm một trăm …
``số nhà 12A/3``               số nhà mười hai a xuyệt ba
``Km12+300``, ``km 5``         ki lô mét mười hai cộng ba trăm, ki lô mét năm
``p. Dịch Vọng``, ``P.5``      phường dịch vọng, phường năm
``kp. 4``, ``q.Cầu Giấy``      khu phố bốn, quận cầu giấy
``h. Kim Sơn``, ``x. Phú Mỹ``  huyện kim sơn, xã phú mỹ
``TP. Đông Hà``, ``TP Huế``    thành phố đông hà, thành phố huế
``tx. Tân Uyên``, ``TT. Khe``  thị xã tân uyên, thị trấn khe …
=============================  ==============================================  ===========

A number with a slash is an address (read with "xuyệt") after số nhà, nhà, ngõ,
ngách, hẻm, kiệt, địa chỉ, or before a street word (đường, phố, ngõ, hẻm, kiệt …);
``số 12/3`` alone stays for the date and fraction rules. A prefix is expanded only
before a capitalised name or a number; the one-letter prefixes need their dot, and
upper-case X. and T. are left alone (they are Roman numerals and initials).
"""

from __future__ import annotations

import re

from .. import lexicon
from ..letters import letter_name
from ..reading import read_value
from ..scanner import LOWER, UPPER, Rule, Scanner

_BEFORE = frozenset(["nhà", "ngõ", "ngách", "hẻm", "kiệt", "chỉ", "kiốt", "ki-ốt", "căn"])
_AFTER = frozenset(["đường", "phố", "ngõ", "ngách", "hẻm", "kiệt", "khu", "tổ", "ấp", "thôn"])
_SLASH_RE = re.compile(r"[0-9]+[A-Za-z]?(?:/[0-9]+[A-Za-z]?){1,3}(?![\w/])")
_KM_RE = re.compile(r"[Kk][Mm][ \t]?([0-9]+)(?:[ \t]?\+[ \t]?([0-9]+))?(?![\w])")
_PREFIX_RE = re.compile(
    r"(?P<p>[Tt][Pp]|[Tt][Xx]|[Tt][Tt]|[Kk][Pp]|[qphxtđ]|[QPHĐ])(?P<dot>[ \t]?\.)?[ \t]*"
    r"(?=\S)"
)


def _part(text: str) -> str:
    if text[-1].isalpha():
        return f"{read_value(text[:-1])} {letter_name(text[-1])}"
    return read_value(text)


def _slash(sc: Scanner, m: re.Match[str]) -> str | None:
    words = sc.words_before(m.start(), 2)
    after = sc.next_word(m.end())
    address = bool(words) and words[-1] in _BEFORE
    address = address or after.lower() in _AFTER
    address = address or (words[-1:] == ["số"] and after[:1].isupper())
    if not address:
        return None
    return " xuyệt ".join(_part(p) for p in m.group().split("/"))


def _km(sc: Scanner, m: re.Match[str]) -> str | None:
    if m.start() and sc.line[m.start() - 1].isalnum():
        return None
    spoken = f"ki lô mét {read_value(m[1])}"
    if m[2]:
        spoken += f" cộng {read_value(m[2])}"
    sc.note(value=int(m[1]))
    return spoken


def _prefix(sc: Scanner, m: re.Match[str]) -> str | None:
    if m.start() and sc.line[m.start() - 1].isalnum():
        return None
    following = sc.line[m.end()]
    if not (following.isupper() or following.isdigit()):
        return None
    prefix = m["p"]
    if not m["dot"] and (len(prefix) == 1 or prefix.lower() == "kp"):
        return None
    if not m["dot"] and prefix not in ("TP", "TX"):
        return None
    if m["dot"] and prefix.lower() == "tt" and sc.line[m.end() : m.end() + 1].isdigit():
        return None
    return lexicon.PREFIXES[prefix.lower()]


SLASH = Rule("address", _SLASH_RE, _slash, first="d")
KM = Rule("km-post", _KM_RE, _km, first=UPPER + LOWER, kind="number")
PREFIX = Rule("place-prefix", _PREFIX_RE, _prefix, first=UPPER + LOWER)
