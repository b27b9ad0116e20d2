"""Times of day and durations.

==========================  ===============================================  ==================
written                     spoken                                           note
==========================  ===============================================  ==================
``7h30``, ``7g30``          bảy giờ ba mươi phút
``7h``, ``11h00``           bảy giờ, mười một giờ                            zero minutes unsaid
``lúc 7g``, ``24g``         lúc bảy giờ, hai mươi tư giờ                    ``500g`` is gam
``7:30``, ``5:20:35``       bảy giờ ba mươi phút, năm giờ hai mươi phút …
``lúc 7.30``                lúc bảy giờ ba mươi phút                        after lúc / hồi
``13 giờ 30``               mười ba giờ ba mươi phút
``16 giờ 00``               mười sáu giờ
``9h2m2s``, ``12h24p30s``   chín giờ hai phút hai giây, …
``21g26p``                  hai mươi mốt giờ hai mươi sáu phút
``10h30 am``, ``8h pm``     mười giờ ba mươi phút sáng, tám giờ chiều
``3p20s``, ``05p00s``       ba phút hai mươi giây, năm phút                  durations
``7h-11h``                  bảy giờ đến mười một giờ                         (the dash rule)
``24/7``, ``24/24h``        hai mươi bốn trên bảy, hai mươi bốn trên hai mươi tư giờ
==========================  ===============================================  ==================

An hour above 24 or minutes above 59 are not a time (``100h`` is "một trăm giờ" of
duration, read as a measure).
"""

from __future__ import annotations

import re

from ..reading import read_number
from ..scanner import DIGIT, Rule, Scanner

_TIME_WORDS = frozenset(
    ["lúc", "từ", "đến", "tới", "vào", "sáng", "trưa", "chiều", "tối", "đêm", "khuya"]
    + ["khoảng", "trước", "sau", "hồi", "hết", "hạn", "chậm", "đúng", "giờ"]
)
_DAY_PARTS = frozenset(["sáng", "trưa", "chiều", "tối", "đêm", "khuya"])
_MERIDIEM = r"(?P<ap>[ \t]?(?:am|pm|AM|PM|a\.m\.|p\.m\.)(?![^\W\d_]))?"
_HM_RE = re.compile(
    r"(?P<h>[0-9]{1,2})(?:[ \t]?[hH]|[gG])[ \t]?(?P<m>[0-9]{1,2})"
    r"(?P<mu>[ \t]?(?:phút|ph|p|m|')(?![^\W\d_]))?"
    r"(?:(?P<s>[0-9]{1,2})[ \t]?(?:giây|s|\")(?![^\W\d_]))?" + _MERIDIEM + r"(?![0-9])"
)
_H_RE = re.compile(r"(?P<h>[0-9]{1,2})(?P<u>[hHgG])(?![^\W_])" + _MERIDIEM)
_COLON_RE = re.compile(
    r"(?P<h>[0-9]{1,2}):(?P<m>[0-9]{2})(?::(?P<s>[0-9]{2}))?(?![0-9:])" + _MERIDIEM
)
_DOT_RE = re.compile(r"(?P<h>[0-9]{1,2})\.(?P<m>[0-9]{2})(?![0-9.])")
_WORDS_RE = re.compile(
    r"(?P<h>[0-9]{1,2})[ \t]*giờ(?![^\W_])"
    r"(?:[ \t]*(?:(?P<m>[0-9]{2})(?![0-9]|[.,:/][0-9])(?:[ \t]*phút(?![^\W_]))?"
    r"|(?P<m1>[0-9]{1,2})[ \t]*phút(?![^\W_])))?"
)
_DURATION_RE = re.compile(
    r"(?P<m>[0-9]{1,3})[ \t]?(?:ph|p)(?P<s>[0-9]{1,2})[ \t]?(?:giây|s)?(?![^\W_])"
)
_ROUND_RE = re.compile(r"24/(24|7)(h)?(?![^\W_]|/)")


def clock(hour: str, minute: str | None, second: str | None = None, ap: str = "") -> str | None:
    """ "7", "30" → "bảy giờ ba mươi phút"; None when it is no time of day."""
    if int(hour) > 24 or (minute and int(minute) > 59) or (second and int(second) > 59):
        return None
    spoken = f"{read_number(int(hour))} giờ"
    if minute and int(minute):
        spoken += f" {read_number(int(minute))} phút"
    if second and int(second):
        spoken += f" {read_number(int(second))} giây"
    ap = (ap or "").strip().lower()
    if ap:
        spoken += " sáng" if ap.startswith("a") else " chiều"
    return spoken


def _hm(sc: Scanner, m: re.Match[str]) -> str | None:
    if len(m["m"]) == 1 and not m["mu"]:
        return None
    return clock(m["h"], m["m"], m["s"], m["ap"] or "")


def _h(sc: Scanner, m: re.Match[str]) -> str | None:
    if m["u"] == "G" or (m["u"] == "g" and not _hour_context(sc, m)):
        return None  # "500g" is a weight, "4G" a network
    return clock(m["h"], None, None, m["ap"] or "")


def _hour_context(sc: Scanner, m: re.Match[str]) -> bool:
    if int(m["h"]) > 24:
        return False
    if sc.word_before(m.start()) in _TIME_WORDS:
        return True
    after = sc.following(m.end())
    return not after.isalnum() or sc.next_word(m.end()).lower() in _DAY_PARTS


def _colon(sc: Scanner, m: re.Match[str]) -> str | None:
    return clock(m["h"], m["m"], m["s"], m["ap"] or "")


def _dot(sc: Scanner, m: re.Match[str]) -> str | None:
    if sc.word_before(m.start()) not in ("lúc", "hồi"):
        return None
    return clock(m["h"], m["m"])


def _words(sc: Scanner, m: re.Match[str]) -> str | None:
    return clock(m["h"], m["m"] or m["m1"])


def _duration(sc: Scanner, m: re.Match[str]) -> str | None:
    minutes, seconds = int(m["m"]), int(m["s"])
    if seconds > 59:
        return None
    spoken = f"{read_number(minutes)} phút"
    return spoken + (f" {read_number(seconds)} giây" if seconds else "")


def _round_the_clock(sc: Scanner, m: re.Match[str]) -> str:
    spoken = f"hai mươi bốn trên {read_number(int(m[1]))}"
    return spoken + " giờ" if m[2] else spoken


HOUR_MINUTE = Rule("time", _HM_RE, _hm, first=DIGIT, kind="time")
HOUR = Rule("time-hour", _H_RE, _h, first=DIGIT, kind="time")
COLON = Rule("time-colon", _COLON_RE, _colon, first=DIGIT, kind="time")
DOT = Rule("time-dot", _DOT_RE, _dot, first=DIGIT, kind="time")
WORDS = Rule("time-words", _WORDS_RE, _words, first=DIGIT, kind="time")
DURATION = Rule("duration", _DURATION_RE, _duration, first=DIGIT, kind="time")
ROUND_THE_CLOCK = Rule("round-the-clock", _ROUND_RE, _round_the_clock, first=DIGIT)
