"""Numbers: cardinals, negatives, decimals, separators, fractions, ordinals, ranges.

==============================  =============================================  ============
written                         spoken                                         note
==============================  =============================================  ============
``125 ca mắc``                  một trăm hai mươi lăm ca mắc
``1.250.000``, ``1 250 000``    một triệu hai trăm năm mươi nghìn              ``.``/spaces group
``1,234,567``                   một triệu hai trăm ba mươi tư nghìn …          English grouping
``2,5 ha``                      hai phẩy năm héc ta                            comma = decimal
``3,14``                        ba phẩy một bốn                                digits after phẩy
``-12,5``, ``-25``              âm mười hai phẩy năm, âm hai mươi lăm
``1234567890123``               một nghìn hai trăm ba mươi tư tỷ …             a full cardinal
``06 nội dung``                 sáu nội dung                                   a count
``Đề án 06``, ``số 01``         đề án không sáu, số không một                  an identifier
``2.5 ha``                      hai phẩy năm héc ta                            warned: write 2,5
``mục 1.2``, ``1.1.`` (line)    mục một chấm hai, một chấm một                 section numbers
``192.168.0.1``                 một chín hai chấm một sáu tám chấm …
``thứ 1``, ``thứ 4``            thứ nhất, thứ tư
``giải 2``, ``hạng 1``          giải nhì, hạng nhất
``1/2``, ``3/4``, ``9/4``       một phần hai, ba phần tư, chín phần tư         warned: or a date?
``5 1/2``, ``-3/4``             năm và một phần hai, âm ba phần tư
``2021-2030``, ``khối 2-3``     … đến …                                        a rising range
``tỷ số 4-0``, ``3-4-3``        bốn, không; ba, bốn, ba                        scores, formations
``3 x 4``, ``100cm x 50cm``     ba nhân bốn, … nhân …
``tỷ lệ 1:500``                 tỷ lệ một trên năm trăm
==============================  =============================================  ============

A number with a leading zero is an identifier and keeps its zero ("không sáu"),
except where it counts something: before a noun ("06 nội dung", "02 người") or after
a residential unit ("tổ 05" = "tổ năm"). Phone words (gọi, điện thoại, hotline …)
and code words (mã, tài khoản, biển số …) make a number of three or more digits be
read digit by digit.
"""

from __future__ import annotations

import re

from ...i18n import said
from ..reading import (
    read_decimal,
    read_digits,
    read_fraction,
    read_fraction_part,
    read_int_text,
    read_month,
    read_ordinal,
    read_value,
)
from ..scanner import DIGIT, Rule, Scanner
from . import vocab
from .common import NUMERIC, valid_day_month

_RESIDENTIAL = frozenset(
    ["khối", "thôn", "tổ", "xóm", "ấp", "bản", "buôn", "phố", "khu", "cụm", "đội", "phường"]
    + ["quận", "lớp", "tầng", "đợt", "lần", "khóa", "khoá", "kỳ", "kì", "trạm", "tuyến"]
)
_IDENTIFIER = frozenset(
    ["án", "số", "mã", "hiệu", "phòng", "lô", "thửa", "tờ", "kiốt", "căn", "trình", "quyết"]
    + ["thị", "định", "hoạch", "tư", "văn", "báo", "bản"]
)
_SECTION_WORDS = frozenset(
    ["mục", "khoản", "điều", "phần", "chương", "tiết", "bước", "ý", "tiêu", "chí", "bảng"]
    + ["hình", "biểu", "phụ", "lục", "điểm", "tiểu", "version", "phiên", "bản"]
)
_PHONE_PHRASES = frozenset(
    ["gọi", "bấm", "quay", "hotline", "fax", "zalo", "đt", "sđt", "tổng đài", "dây nóng"]
    + ["điện thoại", "đường dây", "liên hệ số", "gọi số", "gọi đến số", "gọi tới số"]
)
_CODE_PHRASES = frozenset(
    ["mã", "mã số", "mã hồ sơ", "mã bưu chính", "bưu chính", "tài khoản", "stk", "biển số"]
    + ["số tài khoản", "số hiệu", "số seri", "serial", "số cccd", "số cmnd", "căn cước"]
)
_LIST_WORDS = frozenset(
    ["khối", "thôn", "tổ", "xóm", "ấp", "bản", "buôn", "phố", "khu", "cụm", "đội", "phường"]
)
_HOTLINES = frozenset({"111", "112", "113", "114", "115"})
_SCORE_WORDS = frozenset(["tỷ số", "tỉ số", "đội hình", "sơ đồ", "thắng", "thua", "hòa", "hoà"])

SIGN = r"(?P<sign>[-−](?=\d))?"
NUM = (
    r"(?P<num>[0-9]{1,3}(?:\.[0-9]{3}){1,6}(?:,[0-9]+)?(?![0-9])(?!\.[0-9])"
    r"|[0-9]{1,3}(?:,[0-9]{3}){2,6}(?:\.[0-9]+)?(?![0-9])(?!,[0-9])"
    r"|[0-9]{1,3}(?:,[0-9]{3}){1,6}\.[0-9]+(?![0-9])"
    r"|[0-9]+,[0-9]+(?![0-9])(?!,[0-9])"
    r"|[0-9]+\.[0-9]+(?![0-9])(?!\.[0-9])"
    r"|[0-9]+)"
)
_NUMBER_RE = re.compile(SIGN + NUM)
_SPACED_RE = re.compile(
    SIGN + r"(?P<num>[0-9]{1,3}(?:[ \u00a0\u202f][0-9]{3}){1,6}(?:,[0-9]+)?)(?![0-9])(?!,[0-9])"
)
_SECTION_RE = re.compile(r"[0-9]{1,2}(?:\.[0-9]{1,2}){1,4}(?=\.?[ \t]|\.?$)")
_DOTTED_RE = re.compile(r"[0-9]+(?:\.[0-9]+){2,8}(?![0-9])(?!\.[0-9])")
_VN_THOUSANDS_RE = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+")
_CHAIN_RE = re.compile(r"[0-9]{1,3}(?:[ \t]?[-–][ \t]?[0-9]{1,3}){2,8}(?![0-9/.,:])")
_LIST_RE = re.compile(r"[0-9]{1,3}(?:,[ \t]?[0-9]{1,3}){1,12}(?![0-9])")
_MIXED_RE = re.compile(
    SIGN + r"(?P<whole>[0-9]+)[ \t]+(?P<num>[0-9]{1,2})/(?P<den>[0-9]{1,2})(?![0-9/])"
)
_FRACTION_RE = re.compile(SIGN + r"(?P<num>[0-9]{1,3})/(?P<den>[0-9]{1,3})(?![0-9/])")
_DASH_RE = re.compile(r"[-–—](?=[ \t]*(?:[-−]?[0-9]|[$€£¥]|T[2-7](?!\w)|CN(?!\w)))")
_NEXT_NUMBER_RE = re.compile(r"[-–—][ \t]*([0-9][0-9.]*(?:,[0-9]+)?)")
_TIMES_RE = re.compile(r"[xX×](?=[ \t]?[0-9])")
_RATIO_RE = re.compile(r"([0-9]+):([0-9]+)(?![0-9:])")


def _number_value(text: str) -> float | None:
    """The value of a written number (Vietnamese grouping), for range decisions."""
    if is_dot_decimal(text):
        text = text.replace(",", "")
    else:
        text = text.replace(".", "").replace(" ", "").replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


def negative_allowed(sc: Scanner, start: int) -> bool:
    """A minus glued to a number is "âm" unless it joins two numbers (a range)."""
    before = sc.line[start - 1] if start else " "
    return before in " \t([{:;=" and not sc.follows(start, NUMERIC)


def read_integer(sc: Scanner, digits: str, start: int, end: int) -> str:
    """A plain run of digits, read the way its context asks."""
    words = sc.words_before(start, 3)
    last = words[-1] if words else ""
    value = int(digits) if len(digits) <= 18 else None
    if value is not None:
        if last == "thứ":
            return read_ordinal(value)
        if last == "tháng" and 1 <= value <= 12:
            return read_month(value)
        if last in ("giải", "hạng") and value in (1, 2) and not digits.startswith("0"):
            return "nhất" if value == 1 else ("nhì" if last == "giải" else "hai")
    if len(digits) >= 3 and _phone_or_code(words):
        return read_digits(digits)
    if len(digits) > 1 and digits.startswith("0"):
        if last in _RESIDENTIAL:
            return read_value(digits)
        if last not in _IDENTIFIER and sc.next_word(end)[:1].islower():
            return read_value(digits)  # a count: "06 nội dung"
        return read_digits(digits)
    return read_int_text(digits)


def _phone_or_code(words: list[str]) -> bool:
    for size in (3, 2, 1):
        if len(words) >= size and " ".join(words[-size:]) in _PHONE_PHRASES | _CODE_PHRASES:
            return True
    return False


def is_dot_decimal(num: str) -> bool:
    """True for "2.5": a dot that cannot group thousands."""
    return "." in num and "," not in num and _VN_THOUSANDS_RE.fullmatch(num) is None


def amount(num: str) -> str:
    """Any written number by value: "1.250.000", "1 250 000", "2,5", "1,234,567", "2.5"."""
    num = re.sub(r"[ \u00a0\u202f]", ".", num)
    if "," in num and "." in num and num.index(",") < num.index("."):
        whole, _dot, fraction = num.partition(".")  # 1,123.56: English grouping
        return read_value(whole.replace(",", "")) + " phẩy " + read_fraction_part(fraction)
    if num.count(",") >= 2:
        return read_value(num.replace(",", ""))
    if "," in num or _VN_THOUSANDS_RE.fullmatch(num):
        return read_decimal(num)
    if "." in num:
        whole, _dot, fraction = num.partition(".")
        return f"{read_value(whole)} phẩy {read_fraction_part(fraction)}"
    return read_value(num)


def warn_dot_decimal(sc: Scanner, m: re.Match[str], num: str, spoken: str) -> None:
    sc.warn(
        "ambiguous-number",
        m,
        said(
            "'{text}' uses a dot, which in Vietnamese groups thousands; read as the decimal"
            " '{spoken}' — write {comma} for a decimal",
            text=num,
            spoken=spoken,
            comma=num.replace(".", ","),
        ),
        group="num",
    )


def _number(sc: Scanner, m: re.Match[str]) -> str | None:
    sign, num = m["sign"], m["num"]
    if sign and not negative_allowed(sc, m.start()):
        return None
    if num.isdigit():
        spoken = _integer(sc, m, num)
    elif is_dot_decimal(num) and sc.word_before(m.start()) in _SECTION_WORDS:
        whole, _dot, fraction = num.partition(".")
        spoken = f"{read_value(whole)} chấm {read_value(fraction)}"
    else:
        spoken = amount(num)
        if is_dot_decimal(num):
            warn_dot_decimal(sc, m, num, spoken)
    sc.note(value=(-1 if sign else 1) * (_number_value(num) or 0))
    return "âm " + spoken if sign else spoken


def _integer(sc: Scanner, m: re.Match[str], digits: str) -> str:
    words = sc.words_before(m.start(), 3)
    after = sc.next_word(m.end())
    house = after[:1].isupper() or after.lower() in ("đường", "phố", "ngõ", "hẻm", "kiệt")
    if words[-1:] == ["số"] and digits in _HOTLINES and not (house or _phone_or_code(words[:-1])):
        spoken = read_digits(digits)
        sc.warn(
            "ambiguous-number",
            m,
            said(
                "'số {digits}' is read as the hotline '{spoken}'"
                " — write 'số nhà' for a house number",
                digits=digits,
                spoken=spoken,
            ),
            group="num",
        )
        return spoken
    return read_integer(sc, digits, m.start("num"), m.end())


def _list(sc: Scanner, m: re.Match[str]) -> str | None:
    if sc.word_before(m.start()) not in _LIST_WORDS:
        return None
    if vocab.unit_at(sc.line, m.end() + 1, spaced=True) or vocab.unit_at(sc.line, m.end()):
        return None  # "khu 1,5 ha": a measure after all
    return ", ".join(read_int_text(part) for part in m.group().split(","))


def _spaced(sc: Scanner, m: re.Match[str]) -> str | None:
    num = m["num"]
    if num.count(" ") == 1 and not vocab.currency_after(sc.line, m.end()):
        # "3 250 con" is 3250, but "khối 1 200 hộ" may be block 1 and 200 households
        if sc.word_before(m.start()) in _RESIDENTIAL | _IDENTIFIER | _DATE_LIKE:
            return None
        if not sc.next_word(m.end())[:1].islower():
            return None
    if m["sign"] and not negative_allowed(sc, m.start()):
        return None
    sc.note(value=_number_value(re.sub(r"[ \u00a0\u202f]", "", num)))
    return ("âm " if m["sign"] else "") + amount(num)


def _section(sc: Scanner, m: re.Match[str]) -> str | None:
    if not sc.line_start(m.start()):
        return None
    return " chấm ".join(read_value(part) for part in m.group().split("."))


def _dotted(sc: Scanner, m: re.Match[str]) -> str | None:
    if _VN_THOUSANDS_RE.fullmatch(m.group()):
        return None
    parts = m.group().split(".")
    return " chấm ".join(
        read_digits(p) if len(p) >= 3 or (len(p) > 1 and p[0] == "0") else read_value(p)
        for p in parts
    )


def _chain(sc: Scanner, m: re.Match[str]) -> str:
    return ", ".join(read_value(p) for p in re.split(r"[ \t]*[-–][ \t]*", m.group()))


def _mixed(sc: Scanner, m: re.Match[str]) -> str | None:
    num, den = int(m["num"]), int(m["den"])
    if not 0 < num < den or sc.word_before(m.start()) in _DATE_LIKE:
        return None
    if m["sign"] and not negative_allowed(sc, m.start()):
        return None
    spoken = f"{read_value(m['whole'])} và {read_fraction(num, den)}"
    return "âm " + spoken if m["sign"] else spoken


_DATE_LIKE = frozenset(["ngày", "mùng", "mồng", "hôm", "từ", "đến", "và", "tháng"])


def _fraction(sc: Scanner, m: re.Match[str]) -> str | tuple[str, int] | None:
    if m["sign"] and not negative_allowed(sc, m.start()):
        return None
    num, den = int(m["num"]), int(m["den"])
    if den == 0:
        return None
    spoken = read_fraction(num, den)
    end = m.end()
    unit = vocab.unit_at(sc.line, end)
    if unit is None and sc.line[end : end + 1] == " ":
        unit = vocab.unit_at(sc.line, end + 1, spaced=True)
    if unit is not None:
        spoken += " " + unit[0]
        end = unit[1]
    elif valid_day_month(num, den) and not m["sign"]:
        sc.warn(
            "ambiguous-date",
            m,
            said(
                "'{text}' could be a date or a fraction; read as the fraction '{spoken}'"
                " — write 'ngày {text}' if it is a date",
                text=m.group(),
                spoken=spoken,
            ),
        )
    sc.note(kind="number")
    return ("âm " + spoken if m["sign"] else spoken), end


def _dash(sc: Scanner, m: re.Match[str]) -> str | None:
    start = m.start()
    if not sc.follows(start, NUMERIC):
        before = sc.line[start - 1] if start else " "
        return "" if before.isalpha() else None  # COVID-19: a name and its number
    if sc.last_kind == "number":
        if sc.phrase_before(_first_number_start(sc, start), _SCORE_WORDS, 2):
            return ","
        following = _NEXT_NUMBER_RE.match(sc.line, start)
        if following and sc.last_value is not None:
            value = _number_value(following.group(1).rstrip("."))
            if value is not None and value <= sc.last_value:
                return ","
    sc.note(kind=sc.last_kind)
    return "đến"


def _first_number_start(sc: Scanner, dash: int) -> int:
    start = max(0, dash - 40)
    head = sc.line[start:dash].rstrip()
    index = len(head)
    while index and (head[index - 1].isdigit() or head[index - 1] in ".,"):
        index -= 1
    return start + index


def _times(sc: Scanner, m: re.Match[str]) -> str | None:
    if not sc.follows(m.start(), NUMERIC):
        return None
    return "nhân"


def _ratio(sc: Scanner, m: re.Match[str]) -> str | None:
    if not sc.phrase_before(m.start(), frozenset(["tỷ lệ", "tỉ lệ", "bản đồ"]), 2):
        return None
    return f"{read_value(m[1])} trên {read_value(m[2])}"


SECTION = Rule("section", _SECTION_RE, _section, first=DIGIT, kind="number")
DOTTED = Rule("dotted", _DOTTED_RE, _dotted, first=DIGIT, kind="number")
CHAIN = Rule("chain", _CHAIN_RE, _chain, first=DIGIT, kind="number")
MIXED = Rule("mixed-fraction", _MIXED_RE, _mixed, first=DIGIT, chars="-−", kind="number")
FRACTION = Rule("fraction", _FRACTION_RE, _fraction, first=DIGIT, chars="-−", kind="number")
RATIO = Rule("ratio", _RATIO_RE, _ratio, first=DIGIT, kind="number")
LIST = Rule("number-list", _LIST_RE, _list, first=DIGIT, kind="number")
SPACED = Rule("spaced-number", _SPACED_RE, _spaced, first=DIGIT, chars="-−", kind="number")
NUMBER = Rule("number", _NUMBER_RE, _number, first=DIGIT, chars="-−", kind="number")
DASH = Rule("dash", _DASH_RE, _dash, chars="-–—")
TIMES = Rule("times", _TIMES_RE, _times, first="ul", chars="×")
