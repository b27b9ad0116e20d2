"""The Vietnamese text normaliser: sample table, rule families, warnings, properties."""

import tomllib
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loabroadcast.text import Normalized, NormalizeWarning, normalize, spoken
from spoken_checks import LEFTOVER, comparable, matches

HERE = Path(__file__).resolve().parent
TSV = HERE.parent / "data" / "normalize.tsv"
SHARED = HERE.parents[1].parent / "shared" / "samples"  # <clone>/../shared/samples


def _samples() -> list[tuple[str, str]]:
    rows = []
    for line in TSV.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            source, expected = line.split("\t", 1)
            rows.append((source, expected))
    return rows


def kinds(result: Normalized) -> list[tuple[str, str]]:
    return [(w.kind, w.text) for w in result.warnings]


# --- the shared sample table ----------------------------------------------------


def test_comparable_helper():
    assert comparable("Ủy ban, nhân-dân!") == comparable("uỷ ban nhân dân")
    assert comparable("hoà bình") == comparable("hòa bình")
    assert comparable("năm ngàn") == "năm nghìn"


# Rows of the shared table this copy corrects (issue 12), to be taken over in shared/:
# "chip" is said "chíp" (espeak-ng reads the bare spelling as an English word).
CORRECTED = {"cấp CCCD gắn chip": "cấp căn cước công dân gắn chíp"}


def test_sample_copy_matches_shared_file():
    shared = SHARED / "normalize.tsv"
    if not shared.exists():
        pytest.skip("shared/ is not beside the checkout")
    ours = TSV.read_text(encoding="utf-8").splitlines()
    theirs = shared.read_text(encoding="utf-8").splitlines()
    assert len(ours) == len(theirs)
    for mine, shared_line in zip(ours, theirs, strict=True):
        source = shared_line.split("\t", 1)[0]
        if source in CORRECTED:
            assert mine == f"{source}\t{CORRECTED[source]}"
        else:
            assert mine == shared_line


@pytest.mark.parametrize(("source", "expected"), _samples())
def test_sample_table(source, expected):
    result = normalize(source)
    assert matches(result.text, expected), result.text


# --- rule families --------------------------------------------------------------

DATES = [
    ("Ngày 14/02/2022", "ngày mười bốn tháng hai năm hai nghìn không trăm hai mươi hai"),
    (
        "trước ngày 31/10/2022",
        "trước ngày ba mươi mốt tháng mười năm hai nghìn không trăm hai mươi hai",
    ),
    ("ngày 01-04-2023", "ngày một tháng tư năm hai nghìn không trăm hai mươi ba"),
    ("ngày 29.02.2024", "ngày hai mươi chín tháng hai năm hai nghìn không trăm hai mươi tư"),
    ("ngày 26/9", "ngày hai mươi sáu tháng chín"),
    ("sáng 17/12", "sáng mười bảy tháng mười hai"),
    ("từ 10/3 đến 15/3", "từ mười tháng ba đến mười lăm tháng ba"),
    ("từ 10/3 - 15/3", "từ mười tháng ba đến mười lăm tháng ba"),
    ("thứ Hai 14/3", "thứ hai mười bốn tháng ba"),
    ("Chủ nhật 13/3/2022", "chủ nhật mười ba tháng ba năm hai nghìn không trăm hai mươi hai"),
    (
        "hai ngày 19 và 20/3/2022",
        "hai ngày mười chín và hai mươi tháng ba năm hai nghìn không trăm hai mươi hai",
    ),
    ("ngày 19 và 20/3", "ngày mười chín và hai mươi tháng ba"),
    ("ngày 19, 20/3", "ngày mười chín hai mươi tháng ba"),
    ("ngày 10/3 và 15/3", "ngày mười tháng ba và mười lăm tháng ba"),
    ("từ 10-15/3/2022", "từ mười đến mười lăm tháng ba năm hai nghìn không trăm hai mươi hai"),
    ("ngày 10-15/3", "ngày mười đến mười lăm tháng ba"),
    ("tháng 4/2023", "tháng tư năm hai nghìn không trăm hai mươi ba"),
    ("tháng 01/2024", "tháng một năm hai nghìn không trăm hai mươi tư"),
    ("tháng 4", "tháng tư"),
    ("tháng 12", "tháng mười hai"),
    ("quý 1/2023", "quý một năm hai nghìn không trăm hai mươi ba"),
    ("quý I/2023", "quý một năm hai nghìn không trăm hai mươi ba"),
    (
        "giai đoạn 2021-2030",
        "giai đoạn hai nghìn không trăm hai mươi mốt đến hai nghìn không trăm ba mươi",
    ),
    (
        "năm 2021 - 2025",
        "năm hai nghìn không trăm hai mươi mốt đến hai nghìn không trăm hai mươi lăm",
    ),
]

TIMES = [
    ("từ 7h30 đến 11h00", "từ bảy giờ ba mươi phút đến mười một giờ"),
    ("lúc 7h", "lúc bảy giờ"),
    ("lúc 20h", "lúc hai mươi giờ"),
    ("lúc 5h00", "lúc năm giờ"),
    ("lúc 7:30", "lúc bảy giờ ba mươi phút"),
    ("lúc 7g30", "lúc bảy giờ ba mươi phút"),
    ("lúc 7h05", "lúc bảy giờ năm phút"),
    ("lúc 7h30 phút", "lúc bảy giờ ba mươi phút"),
    ("hồi 16 giờ 00", "hồi mười sáu giờ"),
    ("hồi 16 giờ 00 phút.", "hồi mười sáu giờ."),
    ("từ 13 giờ 30", "từ mười ba giờ ba mươi phút"),
    ("trước 20 giờ 30 phút", "trước hai mươi giờ ba mươi phút"),
    ("từ 7 giờ", "từ bảy giờ"),
    ("7h - 11h", "bảy giờ đến mười một giờ"),
    ("trực 24/24h", "trực hai mươi bốn trên hai mươi tư giờ"),
]

NUMBERS_AND_UNITS = [
    ("125 ca mắc", "một trăm hai mươi lăm ca mắc"),
    ("06 nội dung", "sáu nội dung"),
    ("Lệ phí 0 đồng", "lệ phí không đồng"),
    ("50.000 đồng", "năm mươi nghìn đồng"),
    ("1.250.000 đồng", "một triệu hai trăm năm mươi nghìn đồng"),
    ("50.000đ", "năm mươi nghìn đồng"),
    ("100.000 VNĐ", "một trăm nghìn đồng"),
    ("50.000đ/tháng", "năm mươi nghìn đồng một tháng"),
    ("tăng 37%", "tăng ba mươi bảy phần trăm"),
    ("giảm 2,5%", "giảm hai phẩy năm phần trăm"),
    ("2,5 ha", "hai phẩy năm héc ta"),
    ("7ha", "bảy héc ta"),
    ("150 km", "một trăm năm mươi ki lô mét"),
    ("60 km/h", "sáu mươi ki lô mét trên giờ"),
    ("22 kV", "hai mươi hai ki lô vôn"),
    ("220 V", "hai trăm hai mươi vôn"),
    ("5 kW", "năm ki lô oát"),
    ("100 kWh", "một trăm ki lô oát giờ"),
    ("30 MW", "ba mươi mê ga oát"),
    ("3 m", "ba mét"),
    ("15 cm", "mười lăm xăng ti mét"),
    ("mưa 120 mm", "mưa một trăm hai mươi mi li mét"),
    ("5 kg", "năm ki lô gam"),
    ("500 g", "năm trăm gam"),
    ("3 tấn", "ba tấn"),
    ("200 m2", "hai trăm mét vuông"),
    ("200 m²", "hai trăm mét vuông"),
    ("10 m3", "mười mét khối"),
    ("10 m³", "mười mét khối"),
    ("5 km2", "năm ki lô mét vuông"),
    ("2 l", "hai lít"),
    ("250 ml", "hai trăm năm mươi mi li lít"),
    ("37 độ C", "ba mươi bảy độ xê"),
    ("35°C", "ba mươi lăm độ xê"),
    ("-2°C", "âm hai độ xê"),
    ("cấp 12, giật cấp 14", "cấp mười hai, giật cấp mười bốn"),
    ("từ 2 đến 7 ngày", "từ hai đến bảy ngày"),
    ("khối 2-3", "khối hai đến ba"),
    ("Khối 1,2 và 3 họp", "khối một, hai và ba họp"),
    ("các thôn 1,2,3,10", "các thôn một, hai, ba, mười"),
    ("tổ dân phố 4,5", "tổ dân phố bốn, năm"),
    ("Tổ 3,4 cắt điện", "tổ ba, bốn cắt điện"),
    ("khu 1,5 ha", "khu một phẩy năm héc ta"),  # a measure, not a list
    ("giá 1,5 triệu", "giá một phẩy năm triệu"),
    ("số 17", "số mười bảy"),
    ("bão số 4", "bão số bốn"),
    ("có 115 hộ", "có một trăm mười lăm hộ"),
    ("COVID-19", "cô vít mười chín"),
]

PHONES = [
    ("số điện thoại 0233.3880.115", "số điện thoại không hai ba ba ba tám tám không một một năm"),
    ("gọi 0905 123 456", "gọi không chín không năm một hai ba bốn năm sáu"),
    ("0905123456", "không chín không năm một hai ba bốn năm sáu"),
    ("0905-123-456", "không chín không năm một hai ba bốn năm sáu"),
    ("+84 905 123 456", "cộng tám bốn chín không năm một hai ba bốn năm sáu"),
    ("gọi 113", "gọi một một ba"),
    ("gọi số 114", "gọi số một một bốn"),
    ("đường dây nóng 1022", "đường dây nóng một không hai hai"),
    ("tổng đài 1900 6868", "tổng đài một chín không không sáu tám sáu tám"),
    ("điện thoại 3880115", "điện thoại ba tám tám không một một năm"),
]

ORDINALS = [
    ("thứ 2", "thứ hai"),
    ("Thứ 4", "thứ tư"),
    ("thứ 6", "thứ sáu"),
    ("thứ 1", "thứ nhất"),
    ("Thứ Năm", "thứ năm"),
    ("lần thứ 15", "lần thứ mười lăm"),
    ("khóa XV", "khóa mười lăm"),
    ("kỳ họp thứ 5", "kỳ họp thứ năm"),
    ("Đại hội XIII", "đại hội mười ba"),
    ("lần thứ IV", "lần thứ tư"),
    ("thế kỷ XXI", "thế kỷ hai mươi mốt"),
    ("giai đoạn II", "giai đoạn hai"),
    ("trường cấp III", "trường cấp ba"),
]

ABBREVIATIONS = [
    ("UBND thị trấn", "ủy ban nhân dân thị trấn"),
    ("HĐND tỉnh", "hội đồng nhân dân tỉnh"),
    ("Sở GD&ĐT", "sở giáo dục và đào tạo"),
    ("phát triển KT-XH", "phát triển kinh tế xã hội"),
    ("Ban Chỉ huy PCTT&TKCN", "ban chỉ huy phòng chống thiên tai và tìm kiếm cứu nạn"),
    ("HĐND-UBND", "hội đồng nhân dân ủy ban nhân dân"),
    ("TP. Đông Hà", "thành phố đông hà"),
    ("TP Đông Hà", "thành phố đông hà"),
    ("TP.HCM", "thành phố hồ chí minh"),
    ("TX. Quảng Trị", "thị xã quảng trị"),
    ("TT. Khe Sanh", "thị trấn khe sanh"),
    ("Q.1", "quận một"),
    ("P. Đông Lương", "phường đông lương"),
    ("nam & nữ", "nam và nữ"),
    ("Thị trấn Khe Sanh", "thị trấn khe sanh"),
    ("THÔNG BÁO KHẨN", "thông báo khẩn"),
    ("BAN CHỈ HUY", "ban chỉ huy"),
    ("phòng chống HIV/AIDS", "phòng chống hát i vê ết"),
]


@pytest.mark.parametrize(
    ("source", "expected"), DATES + TIMES + NUMBERS_AND_UNITS + PHONES + ORDINALS + ABBREVIATIONS
)
def test_rule_families(source, expected):
    result = normalize(source)
    assert matches(result.text, expected), result.text


@pytest.mark.parametrize(
    "source", [s for s, _ in DATES + TIMES + NUMBERS_AND_UNITS + PHONES + ORDINALS]
)
def test_rule_families_leave_no_digits_and_no_warnings(source):
    result = normalize(source)
    assert not LEFTOVER.search(result.text)
    assert result.warnings == ()


# --- warnings -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected_text", "warnings"),
    [
        (
            "Kế hoạch số 17/KH-UBND về",
            "Kế hoạch số mười bảy trên ca hát, u bê en đê về",
            [("document-code", "17/KH-UBND")],
        ),
        (
            "Thông tư 39/2020/TT-BTTTT",
            "Thông tư ba mươi chín trên hai nghìn không trăm hai mươi trên tê tê, bê tê tê tê tê",
            [("document-code", "39/2020/TT-BTTTT")],
        ),
        (
            "Công điện 05/CĐ-BCH",
            "Công điện không năm trên xê đê, bê xê hát",
            [("document-code", "05/CĐ-BCH")],
        ),
        (
            "Quyết định 123/QĐ-TTg",
            "Quyết định một trăm hai mươi ba trên quy đê, tê tê gờ",
            [("document-code", "123/QĐ-TTg")],
        ),
        ("hạn 17/12", "hạn mười bảy tháng mười hai", []),
        ("còn 3/12 hộ", "còn ba phần mười hai hộ", [("ambiguous-date", "3/12")]),
        ("3/4", "ba phần tư", [("ambiguous-date", "3/4")]),
        ("đạt 3/45", "đạt ba phần bốn mươi lăm", []),
        (
            "Nghị định 15/2020",
            "Nghị định mười lăm trên hai nghìn không trăm hai mươi",
            [("document-code", "15/2020")],
        ),
        (
            "mã 15/2020",
            "mã mười lăm trên hai nghìn không trăm hai mươi",
            [("ambiguous-date", "15/2020")],
        ),
        ("ngày 32/13/2022", None, [("ambiguous-date", "32/13/2022")]),
        (
            "Ngày 12/3/26 họp",
            "Ngày mười hai tháng ba năm hai mươi sáu họp",
            [("ambiguous-date", "12/3/26")],
        ),
        ("ngày 1/1/05", "ngày một tháng một năm không năm", [("ambiguous-date", "1/1/05")]),
        (
            "hạn 29/2/25",
            "hạn hai mươi chín, hai, hai mươi lăm",
            [("ambiguous-date", "29/2/25")],
        ),
        ("rộng 2.5 ha", "rộng hai phẩy năm héc ta", [("ambiguous-number", "2.5")]),
        ("số 115.", "số một một năm.", [("ambiguous-number", "115")]),
        ("số 115 Trần Phú", "số một trăm mười lăm Trần Phú", []),
        ("TT Khe Sanh", "tê tê Khe Sanh", [("ambiguous-abbreviation", "TT")]),
        ("TT Y tế", "trung tâm Y tế", []),
        ("BCH Đoàn", "ban chấp hành Đoàn", []),
        ("BCH Quân sự", "ban chỉ huy Quân sự", []),
        ("BCH họp", "bê xê hát họp", [("ambiguous-abbreviation", "BCH")]),
        ("Thủ tướng và BTC", "Thủ tướng và bê tê xê", [("ambiguous-abbreviation", "BTC")]),
        ("KH-UBND", "ca hát ủy ban nhân dân", [("ambiguous-abbreviation", "KH-UBND")]),
        (
            "chỉ số PAR INDEX, ICT, PCI, PCI",
            "chỉ số pê a e rờ i en đê e ích, i xê tê, pê xê i, pê xê i",
            [
                ("unknown-abbreviation", "PAR"),
                ("unknown-abbreviation", "INDEX"),
                ("unknown-abbreviation", "ICT"),
                ("unknown-abbreviation", "PCI"),
            ],
        ),
        ("R&D", "e rờ và đê", [("unknown-abbreviation", "R&D")]),
        ("HIV, ASEAN, OCOP", "hát i vê, a xê an, ô cốp", []),
        ("đ/c Lan", "đồng chí Lan", []),
        ("gặp đ/c", "gặp đồng chí", [("ambiguous-abbreviation", "đ/c")]),
        ("Đ/c: số 5", "địa chỉ: số năm", []),
        ("dùng Microsoft", "dùng Microsoft", [("foreign-word", "Microsoft")]),
        ("đợt XIV", "đợt mười bốn", []),
        ("XIV", "mười bốn", [("ambiguous-number", "XIV")]),
    ],
)
def test_warnings(source, expected_text, warnings):
    result = normalize(source)
    if expected_text is not None:
        assert result.text == expected_text
    assert kinds(result) == warnings
    for warning in result.warnings:
        assert isinstance(warning, NormalizeWarning)
        assert source[warning.position :].startswith(warning.text)
        assert warning.text in warning.message
        assert "\n" not in warning.message


def test_document_code_message_shows_the_reading():
    (warning,) = normalize("số 17/KH-UBND").warnings
    assert warning.message == (
        "'17/KH-UBND' looks like a document code; read as 'mười bảy trên ca hát, u bê en đê'"
        " — rewrite it if it should sound different"
    )


def test_unknown_reported_once_per_text_across_lines():
    result = normalize("PCI tăng.\nPCI giảm.")
    assert kinds(result) == [("unknown-abbreviation", "PCI")]
    assert result.warnings[0].position == 0


def test_positions_count_from_the_start_of_the_whole_text():
    text = "Dòng một.\n\n  Chỉ số ICT và 17/12."
    result = normalize(text)
    assert [text[w.position : w.position + len(w.text)] for w in result.warnings] == [
        "ICT",
        "17/12",
    ]


# --- output shape ---------------------------------------------------------------


def test_output_is_nfc_collapsed_and_keeps_lines_and_punctuation():
    text = unicodedata.normalize("NFD", "  Thông báo:   ngày 26/9 ,  UBND họp!\r\n\n\nHết?  ")
    result = normalize(text)
    assert result.text == "Thông báo: ngày hai mươi sáu tháng chín, ủy ban nhân dân họp!\nHết?"
    assert unicodedata.normalize("NFC", result.text) == result.text


def test_spoken_is_the_text_of_normalize():
    assert spoken("ngày 26/9") == normalize("ngày 26/9").text
    assert spoken("") == ""
    assert normalize("") == Normalized("", ())


def test_results_are_frozen():
    result = normalize("PCI")
    with pytest.raises(AttributeError):
        result.text = "x"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        result.warnings[0].kind = "x"  # type: ignore[misc]


# --- sample messages ------------------------------------------------------------


def _messages() -> list[dict]:
    # the demo ships a copy of shared/samples/messages.toml
    path = HERE.parents[1] / "scripts" / "demo-data" / "messages.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))["message"]


MESSAGES = _messages()
EXPECTED_MESSAGE_WARNINGS = {
    "cchc-2022": [
        ("document-code", "17/KH-UBND"),
        ("document-code", "204/KH-UBND"),
        ("unknown-abbreviation", "PAR"),
        ("unknown-abbreviation", "INDEX"),
        ("unknown-abbreviation", "ICT"),
        ("unknown-abbreviation", "PCI"),
        ("unknown-abbreviation", "DDCI"),
        ("unknown-abbreviation", "IPA"),
    ],
}


@pytest.mark.parametrize("message", MESSAGES, ids=lambda m: m["key"])
def test_sample_messages(message):
    result = normalize(message["text"])
    assert not LEFTOVER.search(result.text), result.text
    assert kinds(result) == EXPECTED_MESSAGE_WARNINGS.get(message["key"], [])
    assert result.text.count("\n") == message["text"].strip().count("\n")
    for field in ("title", "source"):
        assert not LEFTOVER.search(spoken(message[field]))


def test_sample_message_sources_report_document_codes():
    codes = [
        w.text
        for m in MESSAGES
        for w in normalize(m["source"]).warnings
        if w.kind == "document-code"
    ]
    assert codes == ["17/KH-UBND", "05/CĐ-BCH"]


# --- properties -----------------------------------------------------------------

WORDS = [
    *("ngày", "tháng", "năm", "thứ", "số", "gọi", "từ", "đến", "và", "trước", "sau"),
    *("sáng", "chiều", "khối", "thôn", "hộ", "người", "UBND", "HĐND", "CCCD", "thị"),
    *("trấn", "Khe", "Sanh", "thông", "báo", ",", ".", ";", ":", "!", "?"),
]


def _integer() -> st.SearchStrategy[str]:
    plain = st.integers(0, 10**12).map(str)
    grouped = st.integers(1000, 10**12).map(lambda n: f"{n:,}".replace(",", "."))
    decimal = st.tuples(st.integers(0, 10**6), st.integers(0, 999)).map(lambda t: f"{t[0]},{t[1]}")
    return st.one_of(plain, grouped, decimal)


def _date() -> st.SearchStrategy[str]:
    full = st.dates().map(lambda d: f"{d.day}/{d.month}/{d.year}")
    padded = st.dates().map(lambda d: f"{d.day:02d}/{d.month:02d}/{d.year}")
    short = st.dates().map(lambda d: f"{d.day}/{d.month}")
    return st.one_of(full, padded, short)


def _time() -> st.SearchStrategy[str]:
    hm = st.tuples(st.integers(0, 23), st.integers(0, 59))
    return st.one_of(
        hm.map(lambda t: f"{t[0]}h{t[1]:02d}"),
        hm.map(lambda t: f"{t[0]}h"),
        hm.map(lambda t: f"{t[0]}:{t[1]:02d}"),
        hm.map(lambda t: f"{t[0]} giờ {t[1]:02d}"),
    )


def _unit() -> st.SearchStrategy[str]:
    units = st.sampled_from(["km", "ha", "%", "kV", "m2", "°C", "đ", "kg"])
    return st.tuples(st.integers(0, 10**6), units).map(lambda t: f"{t[0]} {t[1]}")


TOKENS = st.one_of(st.sampled_from(WORDS), _integer(), _date(), _time(), _unit())


@settings(max_examples=300, deadline=None)
@given(st.lists(TOKENS, max_size=12))
def test_structured_text_leaves_no_digits(tokens):
    result = normalize(" ".join(tokens))
    assert not LEFTOVER.search(result.text), (tokens, result.text)
    assert unicodedata.normalize("NFC", result.text) == result.text


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_text_never_raises(text):
    result = normalize(text)
    assert isinstance(result.text, str)
    nfc = unicodedata.normalize("NFC", text)
    for warning in result.warnings:
        assert nfc[warning.position :].startswith(warning.text)
