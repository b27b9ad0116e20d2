"""Abbreviations with several meanings, the words that settle them, and place prefixes.

* ``AMBIGUOUS``: a token and its common meanings (``TT`` = thông tư / trung tâm /
  thị trấn). Unless the next word settles it (``BY_NEXT_WORD``), the token is
  spelled with Vietnamese letter names and an ``ambiguous-abbreviation`` warning
  asks the officer to write the words.
* ``BY_NEXT_WORD``: for an ambiguous token, the reading chosen by the word that
  follows it (compared in lower case; ``#`` stands for "a number follows", ``Aa`` for
  "a capitalised name follows"):
  "BCH Quân sự" is ban chỉ huy, "BCH Đoàn" ban chấp hành, "TT Y tế" trung tâm,
  "TT 39" thông tư, "CT UBND" chủ tịch, "ĐT 0233…" điện thoại.
* ``BY_PREVIOUS_WORD``: the same, settled by the word before ("Công ty CP" is cổ
  phần, "Đoàn TN" thanh niên).
* ``PREFIXES``: place prefixes written with a dot (``p. Dịch Vọng``, ``kp. 4``,
  ``TP.HCM``, ``Q.1``), expanded only before a capitalised name or a number;
  ``TP`` and ``TX`` also without the dot.
* ``SPECIAL``: short forms written with a slash or a dot (``v/v``, ``K/g``,
  ``v.v.``), matched as written in any case of their first letter.
"""

from __future__ import annotations

AMBIGUOUS: dict[str, tuple[str, ...]] = {
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
    "ĐH": ("đại học", "đại hội", "đường huyện"),
    "HĐ": ("hội đồng", "hợp đồng", "hoạt động"),
    "NN": ("nông nghiệp", "nhà nước", "ngoại ngữ"),
    "LĐ": ("lao động", "lãnh đạo"),
    "ĐT": ("điện thoại", "đào tạo", "đầu tư", "đường tỉnh"),
    "ĐV": ("đảng viên", "đoàn viên", "đơn vị"),
    "HS": ("học sinh", "hồ sơ"),
    "PTTH": ("phổ thông trung học", "phát thanh truyền hình"),
    "CN": ("chủ nhật", "công nghiệp", "công nghệ", "cá nhân"),
    "GĐ": ("giám đốc", "gia đình"),
    "KT": ("kinh tế", "kỹ thuật", "kiểm tra", "kế toán", "ký thay"),
    "TH": ("tiểu học", "trường hợp", "tổng hợp"),
    "MN": ("mầm non", "miền núi", "miền nam"),
    "BV": ("bệnh viện", "bảo vệ"),
    "TS": ("tiến sĩ", "tài sản"),
    "BS": ("bác sĩ", "bổ sung"),
    "KS": ("kỹ sư", "khách sạn"),
    "TL": ("tỉnh lộ", "thừa lệnh", "tỷ lệ"),
    "TM": ("thay mặt", "thương mại"),
    "TN": ("thanh niên", "tài nguyên", "tự nhiên", "tai nạn"),
    "đ/c": ("đồng chí", "địa chỉ"),
}

_NUMBER = "#"
_NAME = "Aa"  # a capitalised name follows: "TS Nguyễn Văn A"

BY_NEXT_WORD: dict[str, dict[str, str]] = {
    "BCH": {
        **dict.fromkeys(("quân", "qs", "pctt", "pctt&tkcn", "pccc", "tkcn", "pclb"), "ban chỉ huy"),
        **dict.fromkeys(("pcccr", "pccc&cnch", "qsđp", "qs-đp"), "ban chỉ huy"),
        **dict.fromkeys(("phòng", "phòng chống", "quân sự", "chqs"), "ban chỉ huy"),
        **dict.fromkeys(
            ("đoàn", "đảng", "công", "hội", "chi", "trung", "tw", "tư"), "ban chấp hành"
        ),
        **dict.fromkeys(
            ("mttq", "hlhpn", "hccb", "hnd", "hpn", "lđlđ", "cđcs", "liên"), "ban chấp hành"
        ),
    },
    "TT": {
        **dict.fromkeys(("y", "văn", "hành", "dịch", "phục", "giáo", "gdnn", "gdtx"), "trung tâm"),
        **dict.fromkeys(("kiểm", "chính", "phát", "truyền", "ytdp", "cdc", "bồi"), "trung tâm"),
        **dict.fromkeys(("số", _NUMBER), "thông tư"),
    },
    "CT": {
        **dict.fromkeys(("ubnd", "hđnd", "mttq", "ubmttq", "uỷ", "ủy", "hội"), "chủ tịch"),
        **dict.fromkeys(("số", _NUMBER), "chỉ thị"),
    },
    "KH": {**dict.fromkeys(("số", _NUMBER), "kế hoạch")},
    "TB": {**dict.fromkeys(("số", _NUMBER), "thông báo")},
    "HD": {**dict.fromkeys(("số", _NUMBER), "hướng dẫn")},
    "CĐ": {**dict.fromkeys(("số", _NUMBER), "công điện")},
    "ĐT": {**dict.fromkeys(("số", _NUMBER), "điện thoại")},
    "BV": {**dict.fromkeys(("đa", "đk", "bvđk", "y", "nhi", "sản", "mắt", "lao"), "bệnh viện")},
    "TS": {**dict.fromkeys(("bs", "bác", _NAME), "tiến sĩ")},
    "BS": {**dict.fromkeys(("ckii", "cki", "ck", "chuyên", _NAME), "bác sĩ")},
    "KS": {**dict.fromkeys((_NAME,), "kỹ sư")},
    "TL": {**dict.fromkeys(("số", _NUMBER), "tỉnh lộ")},
    "ĐH": {**dict.fromkeys((_NUMBER,), "đường huyện")},
}

BY_PREVIOUS_WORD: dict[str, dict[str, str]] = {
    "CP": {"ty": "cổ phần", "của": "chính phủ"},
    "TN": {"đoàn": "thanh niên", "đoàn viên": "thanh niên", "hội": "thanh niên"},
    "HS": {"nộp": "hồ sơ"},
    "CN": {"ngày": "chủ nhật", "và": "chủ nhật"},
}

PREFIXES: dict[str, str] = {
    "tp": "thành phố",
    "tx": "thị xã",
    "tt": "thị trấn",
    "q": "quận",
    "p": "phường",
    "h": "huyện",
    "x": "xã",
    "t": "tỉnh",
    "kp": "khu phố",
    "đ": "đường",
}

SPECIAL: dict[str, str] = {
    "v/v": "về việc",
    "k/g": "kính gửi",
    "v.v.": "vân vân",
    "v.v": "vân vân",
    "đ/c": "đồng chí",
    "TM.": "thay mặt",
    "KT.": "ký thay",
    "TL.": "thừa lệnh",
    "TUQ.": "thừa ủy quyền",
    "Tp.HCM": "thành phố hồ chí minh",
    "TP.HCM": "thành phố hồ chí minh",
    "tp.HCM": "thành phố hồ chí minh",
    "TS.": "tiến sĩ",
    "ThS.": "thạc sĩ",
    "BS.": "bác sĩ",
    "KS.": "kỹ sư",
    "GS.": "giáo sư",
    "PGS.": "phó giáo sư",
    "PGS.TS.": "phó giáo sư tiến sĩ",
    "PGS.TS": "phó giáo sư tiến sĩ",
    "GS.TS.": "giáo sư tiến sĩ",
    "GS.TS": "giáo sư tiến sĩ",
    "BS.CKI": "bác sĩ chuyên khoa một",
    "BS.CKII": "bác sĩ chuyên khoa hai",
}
