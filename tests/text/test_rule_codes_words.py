"""rules.codes, addresses, roman, electronic, abbrev and symbols: what is letters and signs."""

import pytest

from loabroadcast.text import normalize
from loabroadcast.text.letters import is_syllable, spell, syllables, with_marks
from spoken_checks import assert_reads

CODES = [
    ("Kế hoạch số 17/KH-UBND", "kế hoạch số mười bảy trên ca hát, u bê en đê"),
    ("Công điện 05/CĐ-BCH", "công điện không năm trên xê đê, bê xê hát"),
    (
        "Nghị định số 102/2024/NĐ-CP",
        "nghị định số một trăm linh hai trên hai nghìn không trăm hai mươi tư trên en đê, xê pê",
    ),
    ("Công văn 1234/UBND-VP", "công văn một nghìn hai trăm ba mươi tư trên u bê en đê, vê pê"),
    (
        "Luật số 45/2019/QH14",
        "luật số bốn mươi lăm trên hai nghìn không trăm mười chín trên quy hát mười bốn",
    ),
]

ROADS_AND_SERIALS = [
    ("QL1A", "quốc lộ một a"),
    ("QL.9", "quốc lộ chín"),
    ("QL 279", "quốc lộ hai trăm bảy mươi chín"),
    ("tuyến ĐT.585", "tuyến đường tỉnh năm trăm tám mươi lăm"),
    ("Quốc lộ 1A", "quốc lộ một a"),
    ("lớp 6A1", "lớp sáu a một"),
    ("lớp 9A", "lớp chín a"),
    ("U23 Việt Nam", "u hai mươi ba việt nam"),
    ("ca F0", "ca ép không"),
    ("F1, F2", "ép một, ép hai"),
    ("cúm A H5N1", "cúm a hát năm en một"),
    ("COVID-19", "cô vít mười chín"),
    ("covid-19", "cô vít mười chín"),
    ("SARS-CoV-2", "sát cô vi hai"),
    ("biển 29A-12345", "biển hai mươi chín a một hai ba bốn năm"),
    ("ISO-9001", "i ét o chín không không một"),
    ("mạng 5G", "mạng năm gờ"),
    ("ống D300", "ống đê ba không không"),
]

PHONES = [
    ("số điện thoại 0233.3880.115", "số điện thoại không hai ba ba ba tám tám không một một năm"),
    ("gọi 0905 123 456", "gọi không chín không năm một hai ba bốn năm sáu"),
    ("0905-123-456", "không chín không năm một hai ba bốn năm sáu"),
    ("(0233) 3852 456", "không hai ba ba ba tám năm hai bốn năm sáu"),
    ("+84 905 123 456", "cộng tám bốn chín không năm một hai ba bốn năm sáu"),
    ("+84912345678", "cộng tám bốn chín một hai ba bốn năm sáu bảy tám"),
    ("gọi 113", "gọi một một ba"),
    ("gọi số 114", "gọi số một một bốn"),
    ("đường dây nóng 1022", "đường dây nóng một không hai hai"),
    ("tổng đài 1900 6868", "tổng đài một chín không không sáu tám sáu tám"),
    ("1800.1090", "một tám không không một không chín không"),
    ("điện thoại 3880115", "điện thoại ba tám tám không một một năm"),
    (
        "thẻ 1234 5678 9012 3456",
        "thẻ một hai ba bốn năm sáu bảy tám chín không một hai ba bốn năm sáu",
    ),
]

ADDRESSES = [
    ("số 12/3 đường Lê Lợi", "số mười hai xuyệt ba đường lê lợi"),
    ("ngõ 15/7", "ngõ mười lăm xuyệt bảy"),
    ("hẻm 123/45", "hẻm một trăm hai mươi ba xuyệt bốn mươi lăm"),
    ("kiệt 82/4 Hùng Vương", "kiệt tám mươi hai xuyệt bốn hùng vương"),
    ("số nhà 12A/3", "số nhà mười hai a xuyệt ba"),
    ("Số nhà 101-102A", "số nhà một trăm linh một đến một trăm linh hai a"),
    ("tại Km12+300", "tại ki lô mét mười hai cộng ba trăm"),
    ("Km 15 + 500", "ki lô mét mười lăm cộng năm trăm"),
    ("tại Km 3 đường Lê Duẩn", "tại ki lô mét ba đường lê duẩn"),
    ("p. Dịch Vọng", "phường dịch vọng"),
    ("P. Đông Lương", "phường đông lương"),
    ("P.5", "phường năm"),
    ("kp. 4", "khu phố bốn"),
    ("q.Cầu Giấy", "quận cầu giấy"),
    ("Q.1", "quận một"),
    ("h. Kim Sơn", "huyện kim sơn"),
    ("H. Hướng Hóa", "huyện hướng hóa"),
    ("x. Phú Mỹ", "xã phú mỹ"),
    ("t . Bà Rịa - Vũng Tàu", "tỉnh bà rịa vũng tàu"),
    ("tx. Tân Uyên", "thị xã tân uyên"),
    ("TX. Quảng Trị", "thị xã quảng trị"),
    ("TT. Khe Sanh", "thị trấn khe sanh"),
    ("TP. Đông Hà", "thành phố đông hà"),
    ("TP Đông Hà", "thành phố đông hà"),
    ("tp.Hà Nội", "thành phố hà nội"),
    ("TP.HCM", "thành phố hồ chí minh"),
    ("Tp.HCM", "thành phố hồ chí minh"),
    ("đ. Lê Lợi", "đường lê lợi"),
    (
        "Số nhà 123, đường Nguyễn Văn Cừ, quận 1",
        "số nhà một trăm hai mươi ba, đường nguyễn văn cừ, quận một",
    ),
]

ROMAN = [
    ("khoản III", "khoản ba"),
    ("phụ lục I", "phụ lục một"),
    ("Phụ lục II", "phụ lục hai"),
    ("Chương IV", "chương bốn"),
    ("thế kỉ XX", "thế kỉ hai mươi"),
    ("thế kỷ XXI", "thế kỷ hai mươi mốt"),
    ("Quý II", "quý hai"),
    ("khóa XV", "khóa mười lăm"),
    ("Quốc hội khóa XVI", "quốc hội khóa mười sáu"),
    ("Đại hội XIII", "đại hội mười ba"),
    ("lần thứ IV", "lần thứ tư"),
    ("lần thứ XXVI", "lần thứ hai mươi sáu"),
    ("kỳ họp thứ IX", "kỳ họp thứ chín"),
    ("mục ix", "mục chín"),
    ("phần xl", "phần bốn mươi"),
    ("giai đoạn II", "giai đoạn hai"),
    ("trường cấp III", "trường cấp ba"),
    ("đô thị loại II", "đô thị loại hai"),
    ("báo động III", "báo động ba"),
    ("năm MMXXIII", "năm hai nghìn không trăm hai mươi ba"),
    ("I. MỤC ĐÍCH, YÊU CẦU", "một. mục đích, yêu cầu"),
    ("Phần C", "phần xê"),
]

ABBREVIATIONS = [
    ("UBND thị trấn", "ủy ban nhân dân thị trấn"),
    ("HĐND tỉnh", "hội đồng nhân dân tỉnh"),
    ("UBMTTQVN xã", "ủy ban mặt trận tổ quốc việt nam xã"),
    ("BCHQS xã", "ban chỉ huy quân sự xã"),
    ("CHQS huyện", "chỉ huy quân sự huyện"),
    ("BHXH", "bảo hiểm xã hội"),
    ("CSGT", "cảnh sát giao thông"),
    ("TTYT huyện", "trung tâm y tế huyện"),
    ("trường THCS và THPT", "trường trung học cơ sở và trung học phổ thông"),
    ("ĐVT: đồng", "đơn vị tính: đồng"),
    ("Sở GD&ĐT", "sở giáo dục và đào tạo"),
    ("Phòng NN&PTNT", "phòng nông nghiệp và phát triển nông thôn"),
    ("phát triển KT-XH", "phát triển kinh tế xã hội"),
    ("HĐND-UBND", "hội đồng nhân dân ủy ban nhân dân"),
    ("v/v tổ chức", "về việc tổ chức"),
    ("V/v tổ chức", "về việc tổ chức"),
    ("K/g: các hộ", "kính gửi: các hộ"),
    ("giấy tờ, v.v.", "giấy tờ, vân vân."),
    ("đ/c Nguyễn Văn An", "đồng chí nguyễn văn an"),
    ("Đ/c: số 5 Lê Lợi", "địa chỉ: số năm lê lợi"),
    ("TM. ỦY BAN NHÂN DÂN", "thay mặt ủy ban nhân dân"),
    ("KT. CHỦ TỊCH", "ký thay chủ tịch"),
    ("BCH Quân sự", "ban chỉ huy quân sự"),
    ("BCH PCTT&TKCN xã", "ban chỉ huy phòng chống thiên tai và tìm kiếm cứu nạn xã"),
    ("BCH Đoàn xã", "ban chấp hành đoàn xã"),
    ("TT Y tế", "trung tâm y tế"),
    ("TT 39", "thông tư ba mươi chín"),
    ("CT UBND xã", "chủ tịch ủy ban nhân dân xã"),
    ("Công ty CP Cấp nước", "công ty cổ phần cấp nước"),
    ("Đoàn TN", "đoàn thanh niên"),
    ("ĐT: 0905123456", "điện thoại: không chín không năm một hai ba bốn năm sáu"),
    ("COVID", "cô vít"),
    ("Covid", "cô vít"),
    ("gắn chip", "gắn chíp"),
    ("vắc xin Rubella", "vắc xin ru bê la"),
    ("treo panô", "treo pa nô"),
    ("qua Zalo", "qua da lô"),
    ("trên Facebook", "trên phây búc"),
    ("ứng dụng VNeID", "ứng dụng vê en e ai đi"),
    ("HIV/AIDS", "hát i vê ết"),
    ("máy ATM", "máy a tê em"),
    ("ASEAN", "a xê an"),
    ("sản phẩm OCOP", "sản phẩm ô cốp"),
    ("khối A", "khối a"),
    ("Vitamin C", "vi ta min xê"),
    ("Trạm Y tế", "trạm y tế"),
    ("THÔNG BÁO KHẨN", "thông báo khẩn"),
    ("BAN CHỈ HUY", "ban chỉ huy"),
    ("Thị trấn Khe Sanh", "thị trấn khe sanh"),
    ("nộp thuế GTGT", "nộp thuế giá trị gia tăng"),
    ("8% VAT", "tám phần trăm vê a tê"),
    ("370 tỷ USD", "ba trăm bảy mươi tỷ đô la mỹ"),
    ("TS Nguyễn Văn An", "tiến sĩ nguyễn văn an"),
    ("BS Lê Thị Hoa", "bác sĩ lê thị hoa"),
    ("BS.CKII Trần Hùng", "bác sĩ chuyên khoa hai trần hùng"),
    ("PGS.TS Lê Văn", "phó giáo sư tiến sĩ lê văn"),
    ("Công ty TNHH", "công ty trách nhiệm hữu hạn"),
    ("CTCP Cấp nước", "công ty cổ phần cấp nước"),
    ("huy chương HCV", "huy chương huy chương vàng"),
    ("LHQ", "liên hợp quốc"),
    ("CLB hưu trí", "câu lạc bộ hưu trí"),
    ("HLV", "huấn luyện viên"),
    ("ĐBQH khóa XV", "đại biểu quốc hội khóa mười lăm"),
    ("cán bộ CBCCVC", "cán bộ cán bộ công chức viên chức"),
    ("PCCC&CNCH", "phòng cháy chữa cháy và cứu nạn cứu hộ"),
    ("Ban CHQS", "ban chỉ huy quân sự"),
    ("NVQS năm 2025", "nghĩa vụ quân sự năm hai nghìn không trăm hai mươi lăm"),
    ("thẻ BHYT", "thẻ bảo hiểm y tế"),
    ("MTTQ Việt Nam", "mặt trận tổ quốc việt nam"),
    ("Hội LHPN", "hội liên hiệp phụ nữ"),
    ("xã đạt chuẩn NTM", "xã đạt chuẩn nông thôn mới"),
    ("tổ TDP số 3", "tổ tổ dân phố số ba"),
]

SYMBOLS_AND_ADDRESSES = [
    ("nghiêm túc tổ chức thực hiện./.", "nghiêm túc tổ chức thực hiện."),
    ("nam & nữ", "nam và nữ"),
    ("2 + 3 = 5", "hai cộng ba bằng năm"),
    ("~ 50 người", "khoảng năm mươi người"),
    ("> 5 tuổi", "lớn hơn năm tuổi"),
    ("≥ 18 tuổi", "lớn hơn hoặc bằng mười tám tuổi"),
    ("±2", "cộng trừ hai"),
    ("và/hoặc", "và hoặc"),
    ("#5", "số năm"),
    ("ubnd@quangtri.gov.vn", "u bê en đê a còng quang tri chấm gờ o vê chấm vê en"),
    ("dichvucong.gov.vn", "dích vu cong chấm gờ o vê chấm vê en"),
    ("www.google.com", "vê kép vê kép vê kép chấm gu gồ chấm com"),
    (
        "https://vietnamnet.vn",
        "hát tê tê pê ét hai chấm gạch chéo gạch chéo viết nam nét chấm vê en",
    ),
    ("congan.xa@gmail.com", "co ngan chấm xa a còng gờ meo chấm com"),
]


@pytest.mark.parametrize(
    ("source", "expected"),
    ROADS_AND_SERIALS + PHONES + ADDRESSES + ROMAN + SYMBOLS_AND_ADDRESSES,
)
def test_codes_and_signs(source, expected):
    assert_reads(source, expected)


@pytest.mark.parametrize(("source", "expected"), CODES)
def test_document_codes_have_one_reading_and_a_warning(source, expected):
    assert_reads(source, expected, ["document-code"])


@pytest.mark.parametrize(("source", "expected"), ABBREVIATIONS)
def test_abbreviations(source, expected):
    assert_reads(source, expected)


@pytest.mark.parametrize(
    ("source", "expected", "kind"),
    [
        ("BTC", "bê tê xê", "ambiguous-abbreviation"),
        ("BCH họp", "bê xê hát họp", "ambiguous-abbreviation"),
        ("gặp đ/c", "gặp đồng chí", "ambiguous-abbreviation"),
        ("chỉ số PCI", "chỉ số pê xê i", "unknown-abbreviation"),
        ("chỉ số DDCI", "chỉ số đê đê xê i", "unknown-abbreviation"),
        ("XIV", "mười bốn", "ambiguous-number"),
        ("dùng Microsoft", "dùng Microsoft", "foreign-word"),
    ],
)
def test_what_is_unclear_is_spelled_or_kept_and_warned(source, expected, kind):
    assert_reads(source, expected, [kind])


def test_a_document_code_part_reads_as_the_station_says():
    extra = {"KH-UBND": "kế hoạch của ủy ban nhân dân"}
    result = normalize("số 17/KH-UBND", extra)
    assert result.text == "số mười bảy trên kế hoạch của ủy ban nhân dân"


LETTERS = [
    ("UBND", "u bê en đê"),
    ("QL1A", "quy e lờ một a"),
    ("FJWZ", "ép gi vê kép dét"),
    ("XYRS", "ích i dài e rờ ét"),
    ("ĐƠN", "đê ơ en"),
    ("KHMG", "ca hát em gờ"),
]


@pytest.mark.parametrize(("token", "spoken"), LETTERS)
def test_letters_have_vietnamese_names(token, spoken):
    assert spell(token) == spoken


@pytest.mark.parametrize(
    ("word", "syllable"),
    [("BAN", True), ("khẩn", True), ("Đắk", True), ("nghiêng", True), ("người", True)]
    + [("khuya", True), ("gìn", True), ("PCI", False), ("video", False), ("clip", False)]
    + [("online", False), ("INDEX", False), ("aim", False)],
)
def test_is_syllable(word, syllable):
    assert is_syllable(word) is syllable


@pytest.mark.parametrize(
    ("run", "spoken"),
    [("quangtri", "quang tri"), ("thuedientu", "thuê diên tu"), ("hanoi", "ha noi")]
    + [("dichvucong", "dích vu cong"), ("vietnam", "viết nam"), ("gdt", None)],
)
def test_runs_of_letters_split_into_syllables(run, spoken):
    split = syllables(run)
    marked = " ".join(with_marks(p) or "?" for p in split) if split else None
    assert marked == spoken
