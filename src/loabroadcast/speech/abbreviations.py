"""Abbreviations of Vietnamese administration and public life, and the user dictionary.

* ``BUILTIN`` maps a case-sensitive token (as written, NFC) to its spoken expansion
  (lower case, NFC). Only unambiguous abbreviations are in it.
* ``AMBIGUOUS`` lists tokens with several common meanings (``TT`` = thông tư /
  trung tâm / thị trấn). The normaliser never expands them; it leaves the letters
  and reports an ``ambiguous-abbreviation`` warning so the officer writes the words.
* ``PREFIXES`` are place prefixes (``TP.``, ``TX.``, ``TT.``, ``Q.``, ``P.``) that are
  expanded only when a capitalised name or a number follows ("TP. Đông Hà",
  "Q.1", "TT. Khe Sanh").
* ``LETTER_WORDS`` are well-known initialisms that engines read as letters or as a
  word (HIV, ASEAN, OCOP ...): left as written and not reported.

The user dictionary is a UTF-8 text file, one entry a line: ``ABBR<TAB>expansion``.
Blank lines and lines starting with ``#`` are ignored. User entries override the
built-in ones (and may give a meaning to an ambiguous token for one station). The
file is rewritten atomically (temporary file, fsync, ``os.replace``); comments are
not kept when the program rewrites it.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from loabroadcast.atomic import atomic_write_text
from loabroadcast.errors import InvalidInput, NotFound

_BUILTIN: dict[str, str] = {
    # State, Party and the Fatherland Front
    "UBND": "ủy ban nhân dân",
    "HĐND": "hội đồng nhân dân",
    "MTTQ": "mặt trận tổ quốc",
    "MTTQVN": "mặt trận tổ quốc việt nam",
    "UBMTTQ": "ủy ban mặt trận tổ quốc",
    "UBMTTQVN": "ủy ban mặt trận tổ quốc việt nam",
    "QH": "quốc hội",
    "UBTVQH": "ủy ban thường vụ quốc hội",
    "ĐBQH": "đại biểu quốc hội",
    "ĐBHĐND": "đại biểu hội đồng nhân dân",
    "TXCT": "tiếp xúc cử tri",
    "TTg": "thủ tướng chính phủ",
    "TW": "trung ương",
    "TƯ": "trung ương",
    "BCHTW": "ban chấp hành trung ương",
    "BCHTƯ": "ban chấp hành trung ương",
    "BBT": "ban bí thư",
    "UBKT": "ủy ban kiểm tra",
    "ĐU": "đảng ủy",
    "HU": "huyện ủy",
    "ĐCS": "đảng cộng sản",
    "ĐCSVN": "đảng cộng sản việt nam",
    "TCCS": "tổ chức cơ sở",
    "TCCSĐ": "tổ chức cơ sở đảng",
    "BCĐ": "ban chỉ đạo",
    "BQL": "ban quản lý",
    "BQLDA": "ban quản lý dự án",
    "BCHQS": "ban chỉ huy quân sự",
    "BGH": "ban giám hiệu",
    "BĐD": "ban đại diện",
    "HĐQT": "hội đồng quản trị",
    "ĐHĐB": "đại hội đại biểu",
    "VP": "văn phòng",
    "CVP": "chánh văn phòng",
    "PCT": "phó chủ tịch",
    "PBT": "phó bí thư",
    "PGĐ": "phó giám đốc",
    "VN": "việt nam",
    "XHCN": "xã hội chủ nghĩa",
    "CHXHCN": "cộng hòa xã hội chủ nghĩa",
    "CHXHCNVN": "cộng hòa xã hội chủ nghĩa việt nam",
    "HCM": "hồ chí minh",
    "TPHCM": "thành phố hồ chí minh",
    # Administration and documents
    "CCHC": "cải cách hành chính",
    "TTHC": "thủ tục hành chính",
    "HCC": "hành chính công",
    "TTPVHCC": "trung tâm phục vụ hành chính công",
    "BPMC": "bộ phận một cửa",
    "DVC": "dịch vụ công",
    "DVCTT": "dịch vụ công trực tuyến",
    "ĐVHC": "đơn vị hành chính",
    "CBCC": "cán bộ công chức",
    "CBCCVC": "cán bộ công chức viên chức",
    "CBCNV": "cán bộ công nhân viên",
    "CNVC": "công nhân viên chức",
    "CNVCLĐ": "công nhân viên chức lao động",
    "NLĐ": "người lao động",
    "VBQPPL": "văn bản quy phạm pháp luật",
    "QPPL": "quy phạm pháp luật",
    "PBGDPL": "phổ biến giáo dục pháp luật",
    "TGPL": "trợ giúp pháp lý",
    "NĐ": "nghị định",
    "NQ": "nghị quyết",
    "QĐ": "quyết định",
    "TTr": "tờ trình",
    "TCVN": "tiêu chuẩn việt nam",
    "QCVN": "quy chuẩn việt nam",
    "CMND": "chứng minh nhân dân",
    "CCCD": "căn cước công dân",
    "SĐT": "số điện thoại",
    "ĐTDĐ": "điện thoại di động",
    "VPĐKĐĐ": "văn phòng đăng ký đất đai",
    "QSDĐ": "quyền sử dụng đất",
    "GCN": "giấy chứng nhận",
    "GCNQSDĐ": "giấy chứng nhận quyền sử dụng đất",
    "GPXD": "giấy phép xây dựng",
    "GPLX": "giấy phép lái xe",
    "ĐKKD": "đăng ký kinh doanh",
    "MST": "mã số thuế",
    # Ministries, departments and sectors
    "GD&ĐT": "giáo dục và đào tạo",
    "GDĐT": "giáo dục đào tạo",
    "LĐTB&XH": "lao động thương binh và xã hội",
    "LĐTBXH": "lao động thương binh xã hội",
    "TB&XH": "thương binh và xã hội",
    "TN&MT": "tài nguyên và môi trường",
    "TNMT": "tài nguyên môi trường",
    "NN&PTNT": "nông nghiệp và phát triển nông thôn",
    "NNPTNT": "nông nghiệp phát triển nông thôn",
    "PTNT": "phát triển nông thôn",
    "VH-TT": "văn hóa thông tin",
    "VHTT": "văn hóa thông tin",
    "VHTTDL": "văn hóa thể thao và du lịch",
    "VHTT&DL": "văn hóa thể thao và du lịch",
    "KH&CN": "khoa học và công nghệ",
    "KHCN": "khoa học công nghệ",
    "KH&ĐT": "kế hoạch và đầu tư",
    "KHĐT": "kế hoạch đầu tư",
    "TT&TT": "thông tin và truyền thông",
    "TTTT": "thông tin truyền thông",
    "GTVT": "giao thông vận tải",
    "TC-KH": "tài chính kế hoạch",
    "CNTT": "công nghệ thông tin",
    "CĐS": "chuyển đổi số",
    "CSDL": "cơ sở dữ liệu",
    "CSDLQG": "cơ sở dữ liệu quốc gia",
    "KHKT": "khoa học kỹ thuật",
    "TDTT": "thể dục thể thao",
    "VHVN": "văn hóa văn nghệ",
    "VH": "văn hóa",
    "XH": "xã hội",
    "KTTV": "khí tượng thủy văn",
    # Economy, land and construction
    "KT-XH": "kinh tế xã hội",
    "KTXH": "kinh tế xã hội",
    "NTM": "nông thôn mới",
    "NSNN": "ngân sách nhà nước",
    "KBNN": "kho bạc nhà nước",
    "NHNN": "ngân hàng nhà nước",
    "NHCSXH": "ngân hàng chính sách xã hội",
    "HTX": "hợp tác xã",
    "THT": "tổ hợp tác",
    "DN": "doanh nghiệp",
    "DNNVV": "doanh nghiệp nhỏ và vừa",
    "HKD": "hộ kinh doanh",
    "SXKD": "sản xuất kinh doanh",
    "TNHH": "trách nhiệm hữu hạn",
    "GTGT": "giá trị gia tăng",
    "TNCN": "thu nhập cá nhân",
    "TNDN": "thu nhập doanh nghiệp",
    "KCN": "khu công nghiệp",
    "CCN": "cụm công nghiệp",
    "KKT": "khu kinh tế",
    "TMĐT": "thương mại điện tử",
    "XDCB": "xây dựng cơ bản",
    "ĐTXD": "đầu tư xây dựng",
    "CSHT": "cơ sở hạ tầng",
    "GTNT": "giao thông nông thôn",
    "GPMB": "giải phóng mặt bằng",
    "TĐC": "tái định cư",
    "QL": "quốc lộ",
    "CNH": "công nghiệp hóa",
    "HĐH": "hiện đại hóa",
    "CNH-HĐH": "công nghiệp hóa hiện đại hóa",
    "XKLĐ": "xuất khẩu lao động",
    "GQVL": "giải quyết việc làm",
    "BVTV": "bảo vệ thực vật",
    "LMLM": "lở mồm long móng",
    "DTLCP": "dịch tả lợn châu phi",
    "CGC": "cúm gia cầm",
    "ĐBSCL": "đồng bằng sông cửu long",
    "ĐBSH": "đồng bằng sông hồng",
    # Security, defence, disasters and justice
    "CA": "công an",
    "CAND": "công an nhân dân",
    "QĐND": "quân đội nhân dân",
    "QĐNDVN": "quân đội nhân dân việt nam",
    "CSGT": "cảnh sát giao thông",
    "CSKV": "cảnh sát khu vực",
    "CSCĐ": "cảnh sát cơ động",
    "CSHS": "cảnh sát hình sự",
    "ATGT": "an toàn giao thông",
    "TTATGT": "trật tự an toàn giao thông",
    "UBATGT": "ủy ban an toàn giao thông",
    "TNGT": "tai nạn giao thông",
    "ANTT": "an ninh trật tự",
    "TTATXH": "trật tự an toàn xã hội",
    "ANQP": "an ninh quốc phòng",
    "QP-AN": "quốc phòng an ninh",
    "QPAN": "quốc phòng an ninh",
    "QS": "quân sự",
    "QSĐP": "quân sự địa phương",
    "NVQS": "nghĩa vụ quân sự",
    "DQTV": "dân quân tự vệ",
    "LLVT": "lực lượng vũ trang",
    "BĐBP": "bộ đội biên phòng",
    "QK": "quân khu",
    "BTL": "bộ tư lệnh",
    "ANTQ": "an ninh tổ quốc",
    "BVANTQ": "bảo vệ an ninh tổ quốc",
    "PCCC": "phòng cháy chữa cháy",
    "CNCH": "cứu nạn cứu hộ",
    "PCCC&CNCH": "phòng cháy chữa cháy và cứu nạn cứu hộ",
    "PCTT": "phòng chống thiên tai",
    "TKCN": "tìm kiếm cứu nạn",
    "PCTT&TKCN": "phòng chống thiên tai và tìm kiếm cứu nạn",
    "PCLB": "phòng chống lụt bão",
    "ATNĐ": "áp thấp nhiệt đới",
    "BĐKH": "biến đổi khí hậu",
    "PCTN": "phòng chống tham nhũng",
    "PCTP": "phòng chống tội phạm",
    "PCMT": "phòng chống ma túy",
    "TNXH": "tệ nạn xã hội",
    "BLGĐ": "bạo lực gia đình",
    "PCBLGĐ": "phòng chống bạo lực gia đình",
    "THTK": "thực hành tiết kiệm",
    "CLP": "chống lãng phí",
    "VKSND": "viện kiểm sát nhân dân",
    "TAND": "tòa án nhân dân",
    "THADS": "thi hành án dân sự",
    "CCTHADS": "chi cục thi hành án dân sự",
    "TTND": "thanh tra nhân dân",
    "VSMT": "vệ sinh môi trường",
    "BVMT": "bảo vệ môi trường",
    "ONMT": "ô nhiễm môi trường",
    # Health and social affairs
    "BHXH": "bảo hiểm xã hội",
    "BHYT": "bảo hiểm y tế",
    "BHTN": "bảo hiểm thất nghiệp",
    "ATTP": "an toàn thực phẩm",
    "VSATTP": "vệ sinh an toàn thực phẩm",
    "TTYT": "trung tâm y tế",
    "TYT": "trạm y tế",
    "BVĐK": "bệnh viện đa khoa",
    "KCB": "khám chữa bệnh",
    "CSSK": "chăm sóc sức khỏe",
    "CSSKBĐ": "chăm sóc sức khỏe ban đầu",
    "KHHGĐ": "kế hoạch hóa gia đình",
    "DS-KHHGĐ": "dân số kế hoạch hóa gia đình",
    "SXH": "sốt xuất huyết",
    "TCM": "tay chân miệng",
    "TCMR": "tiêm chủng mở rộng",
    "SDD": "suy dinh dưỡng",
    "NCT": "người cao tuổi",
    "NKT": "người khuyết tật",
    "NCC": "người có công",
    "TBLS": "thương binh liệt sĩ",
    "MVNAH": "mẹ việt nam anh hùng",
    "BMVNAH": "bà mẹ việt nam anh hùng",
    "BĐG": "bình đẳng giới",
    "VSTBPN": "vì sự tiến bộ của phụ nữ",
    "HĐLĐ": "hợp đồng lao động",
    "ATVSLĐ": "an toàn vệ sinh lao động",
    "TNLĐ": "tai nạn lao động",
    # Mass organisations, culture and residential life
    "CCB": "cựu chiến binh",
    "HCCB": "hội cựu chiến binh",
    "HND": "hội nông dân",
    "HPN": "hội phụ nữ",
    "LHPN": "liên hiệp phụ nữ",
    "HLHPN": "hội liên hiệp phụ nữ",
    "ĐTN": "đoàn thanh niên",
    "ĐTNCS": "đoàn thanh niên cộng sản",
    "TNCS": "thanh niên cộng sản",
    "TNTP": "thiếu niên tiền phong",
    "LĐLĐ": "liên đoàn lao động",
    "CĐCS": "công đoàn cơ sở",
    "CLB": "câu lạc bộ",
    "TDP": "tổ dân phố",
    "KDC": "khu dân cư",
    "GĐVH": "gia đình văn hóa",
    "NVH": "nhà văn hóa",
    "TTVH": "trung tâm văn hóa",
    "TDĐKXDĐSVH": "toàn dân đoàn kết xây dựng đời sống văn hóa",
    # Education
    "GD": "giáo dục",
    "THCS": "trung học cơ sở",
    "THPT": "trung học phổ thông",
    "GDTX": "giáo dục thường xuyên",
    "GDNN": "giáo dục nghề nghiệp",
    "GDCD": "giáo dục công dân",
    "GDQP": "giáo dục quốc phòng",
    "GDQP-AN": "giáo dục quốc phòng an ninh",
    "GV": "giáo viên",
    "GVCN": "giáo viên chủ nhiệm",
    "SV": "sinh viên",
    "HSSV": "học sinh sinh viên",
    "PHHS": "phụ huynh học sinh",
    "CMHS": "cha mẹ học sinh",
    "SGK": "sách giáo khoa",
    "ĐHQG": "đại học quốc gia",
    "LLCT": "lý luận chính trị",
}

_AMBIGUOUS: dict[str, tuple[str, ...]] = {
    "TT": ("thông tư", "trung tâm", "thị trấn"),
    "TP": ("thành phố", "thực phẩm", "thành phần"),
    "BCH": ("ban chấp hành", "ban chỉ huy"),
    "BTC": ("ban tổ chức", "bộ tài chính"),
    "BCT": ("bộ chính trị", "bộ công thương"),
    "BTV": ("ban thường vụ", "biên tập viên"),
    "TU": ("tỉnh ủy", "thành ủy"),
    "CP": ("chính phủ", "cổ phần"),
    "KH": ("kế hoạch", "khách hàng", "khoa học"),
    "CT": ("chỉ thị", "chủ tịch", "công ty"),
    "TB": ("thông báo", "trung bình", "thương binh"),
    "HD": ("hướng dẫn", "hợp đồng"),
    "CĐ": ("công điện", "công đoàn", "cao đẳng"),
    "ĐH": ("đại học", "đại hội"),
    "HĐ": ("hội đồng", "hợp đồng", "hoạt động"),
    "NN": ("nông nghiệp", "nhà nước", "ngoại ngữ"),
    "LĐ": ("lao động", "lãnh đạo"),
    "ĐT": ("điện thoại", "đào tạo", "đầu tư", "đường tỉnh"),
    "ĐV": ("đảng viên", "đoàn viên", "đơn vị"),
    "HS": ("học sinh", "hồ sơ"),
    "PTTH": ("phổ thông trung học", "phát thanh truyền hình"),
    "CN": ("chủ nhật", "công nghiệp", "công nghệ", "cá nhân"),
    "GĐ": ("giám đốc", "gia đình"),
    "KT": ("kinh tế", "kỹ thuật", "kiểm tra", "kế toán"),
    "TH": ("tiểu học", "trường hợp", "tổng hợp"),
    "MN": ("mầm non", "miền núi", "miền nam"),
    "BV": ("bệnh viện", "bảo vệ"),
}

_PREFIXES: dict[str, str] = {
    "TP": "thành phố",
    "TX": "thị xã",
    "TT": "thị trấn",
    "Q": "quận",
    "P": "phường",
}

LETTER_WORDS: frozenset[str] = frozenset(
    {
        "HIV",
        "AIDS",
        "COVID",
        "SARS",
        "WHO",
        "UNICEF",
        "ASEAN",
        "OCOP",
        "ODA",
        "FDI",
        "GDP",
        "EVN",
        "VNPT",
        "SMS",
        "ATM",
        "USB",
        "TV",
        "GPS",
        "QR",
        "ID",
        "OK",
    }
)

BUILTIN: Mapping[str, str] = MappingProxyType(_BUILTIN)
AMBIGUOUS: Mapping[str, tuple[str, ...]] = MappingProxyType(_AMBIGUOUS)
PREFIXES: Mapping[str, str] = MappingProxyType(_PREFIXES)

_HEADER = "# loabroadcast user abbreviations: ABBR<TAB>expansion, UTF-8, one a line\n"


def lookup(token: str, extra: Mapping[str, str] | None = None) -> str | None:
    """The expansion of ``token``: the user's entry first, then the built-in one."""
    if extra and token in extra:
        return extra[token]
    return _BUILTIN.get(token)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _validate(abbr: str, expansion: str | None = None) -> tuple[str, str | None]:
    abbr = _nfc(abbr.strip()) if isinstance(abbr, str) else abbr
    if not isinstance(abbr, str) or not abbr:
        raise InvalidInput("the abbreviation is empty")
    if any(ch.isspace() for ch in abbr):
        raise InvalidInput(f"the abbreviation {abbr!r} must not contain spaces, tabs or newlines")
    if abbr.startswith("#"):
        raise InvalidInput(f"the abbreviation {abbr!r} must not start with '#'")
    if expansion is None:
        return abbr, None
    expansion = _nfc(expansion.strip()) if isinstance(expansion, str) else expansion
    if not isinstance(expansion, str) or not expansion:
        raise InvalidInput(f"the expansion of {abbr!r} is empty")
    if any(ch in expansion for ch in "\t\r\n\v\f\x85\u2028\u2029"):
        raise InvalidInput(f"the expansion of {abbr!r} must not contain tabs or newlines")
    return abbr, expansion


def load_user_dictionary(path: str | os.PathLike[str]) -> dict[str, str]:
    """Read a user dictionary; a missing file is an empty dictionary."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{path}: not UTF-8 text ({exc.reason})") from exc
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot be read ({exc.strerror})") from exc
    entries: dict[str, str] = {}
    for number, line in enumerate(raw.lstrip("\ufeff").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        abbr, sep, expansion = line.partition("\t")
        if not sep:
            raise InvalidInput(f"{path}:{number}: expected ABBR<TAB>expansion")
        try:
            abbr, expansion = _validate(abbr, expansion)
        except InvalidInput as exc:
            raise InvalidInput(f"{path}:{number}: {exc}") from exc
        entries[abbr] = expansion
    return entries


def _write_atomically(path: Path, entries: Mapping[str, str]) -> None:
    text = _HEADER + "".join(f"{abbr}\t{exp}\n" for abbr, exp in entries.items())
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, text)


def add_user_abbreviation(path: str | os.PathLike[str], abbr: str, expansion: str) -> str | None:
    """Add or replace an entry; returns the expansion it replaced, if any."""
    abbr, expansion = _validate(abbr, expansion)
    path = Path(path)
    entries = load_user_dictionary(path)
    previous = entries.get(abbr)
    entries[abbr] = expansion
    _write_atomically(path, entries)
    return previous


def remove_user_abbreviation(path: str | os.PathLike[str], abbr: str) -> str:
    """Remove an entry; returns its expansion. ``NotFound`` when it is not there."""
    abbr, _ = _validate(abbr)
    path = Path(path)
    entries = load_user_dictionary(path)
    if abbr not in entries:
        raise NotFound(f"{abbr!r} is not in the user dictionary {path}")
    expansion = entries.pop(abbr)
    _write_atomically(path, entries)
    return expansion
