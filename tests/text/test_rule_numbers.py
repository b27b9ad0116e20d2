"""rules.numbers: cardinals, negatives, separators, decimals, fractions, ordinals, ranges."""

import pytest

from spoken_checks import assert_reads

CARDINALS = [
    ("có 125 ca mắc", "có một trăm hai mươi lăm ca mắc"),
    ("21 người", "hai mươi mốt người"),
    ("105 hộ", "một trăm linh năm hộ"),
    ("toàn xã có 4.826 cử tri", "toàn xã có bốn nghìn tám trăm hai mươi sáu cử tri"),
    ("dân số 12.450 người", "dân số mười hai nghìn bốn trăm năm mươi người"),
    ("ngân sách 1.250.000.000 đồng", "ngân sách một tỷ hai trăm năm mươi triệu đồng"),
    ("thu 3 250 con", "thu ba nghìn hai trăm năm mươi con"),
    ("hỗ trợ 1 250 000 đồng", "hỗ trợ một triệu hai trăm năm mươi nghìn đồng"),
    ("tổng 1,234,567 lượt", "tổng một triệu hai trăm ba mươi tư nghìn năm trăm sáu mươi bảy lượt"),
    ("mã 1234567890123", "mã một hai ba bốn năm sáu bảy tám chín không một hai ba"),
    (
        "đạt 1234567890123",
        "đạt một nghìn hai trăm ba mươi tư tỷ năm trăm sáu mươi bảy triệu tám trăm chín mươi"
        " nghìn một trăm hai mươi ba",
    ),
    ("1000001", "một triệu không trăm linh một"),
    ("2015", "hai nghìn không trăm mười lăm"),
    ("Lệ phí 0 đồng", "lệ phí không đồng"),
    ("năm 1975", "năm một nghìn chín trăm bảy mươi lăm"),
    ("trồng 500 cây", "trồng năm trăm cây"),
    ("gồm 14 thôn", "gồm mười bốn thôn"),
    ("41 hộ nghèo", "bốn mươi mốt hộ nghèo"),
    ("có 24 hộ", "có hai mươi tư hộ"),
    ("có 1.001 hộ", "có một nghìn không trăm linh một hộ"),
]

NEGATIVES_AND_DECIMALS = [
    ("nhiệt độ -2", "nhiệt độ âm hai"),
    ("-12,5", "âm mười hai phẩy năm"),
    ("-25", "âm hai mươi lăm"),
    ("(-3)", "(âm ba)"),
    ("tăng trưởng -1,5", "tăng trưởng âm một phẩy năm"),
    ("2,5 ha", "hai phẩy năm héc ta"),
    ("lãi suất 0,5", "lãi suất không phẩy năm"),
    ("hệ số 3,14", "hệ số ba phẩy một bốn"),
    ("đạt 9,75 điểm", "đạt chín phẩy bảy năm điểm"),
    ("0,05", "không phẩy không năm"),
    ("1.234,56", "một nghìn hai trăm ba mươi tư phẩy năm sáu"),
    ("-1.234,56", "âm một nghìn hai trăm ba mươi tư phẩy năm sáu"),
    ("1,5 triệu", "một phẩy năm triệu"),
    ("15,6", "mười lăm phẩy sáu"),
    ("1,123.56", "một nghìn một trăm hai mươi ba phẩy năm sáu"),
]

LEADING_ZEROS = [
    ("Đề án 06", "đề án không sáu"),
    ("triển khai Đề án 06 của Chính phủ", "triển khai đề án không sáu của chính phủ"),
    ("đưa ra 06 nội dung", "đưa ra sáu nội dung"),
    ("gồm 02 đồng chí", "gồm hai đồng chí"),
    ("có 01 ca nghi sởi", "có một ca nghi sởi"),
    ("tổ 05", "tổ năm"),
    ("Kế hoạch số 01", "kế hoạch số không một"),
    ("phòng 05", "phòng không năm"),
    ("tài khoản 0123456", "tài khoản không một hai ba bốn năm sáu"),
]

CONTEXTS = [
    ("thứ 2", "thứ hai"),
    ("Thứ 4", "thứ tư"),
    ("thứ 1", "thứ nhất"),
    ("lần thứ 15", "lần thứ mười lăm"),
    ("đứng thứ 24", "đứng thứ hai mươi tư"),
    ("tháng 4", "tháng tư"),
    ("tháng 12", "tháng mười hai"),
    ("đạt giải 1", "đạt giải nhất"),
    ("giải 2", "giải nhì"),
    ("xếp hạng 1", "xếp hạng nhất"),
    ("gọi 113", "gọi một một ba"),
    ("mã bưu chính 520000", "mã bưu chính năm hai không không không không"),
    (
        "số tài khoản 102010001234",
        "số tài khoản một không hai không một không không không một hai ba bốn",
    ),
    ("biển số 74", "biển số bảy mươi tư"),
    ("bão số 4", "bão số bốn"),
    ("số 17", "số mười bảy"),
    ("Khối 1,2 và 3 họp", "khối một, hai và ba họp"),
    ("các thôn 1, 2, 3", "các thôn một, hai, ba"),
    ("khu 1,5 ha", "khu một phẩy năm héc ta"),
    ("mục 1.2", "mục một chấm hai"),
    ("khoản 2.3", "khoản hai chấm ba"),
    ("điều 5.1", "điều năm chấm một"),
    ("1.1. Mục tiêu", "một chấm một. mục tiêu"),
    ("IP 192.168.0.1", "i pê một chín hai chấm một sáu tám chấm không chấm một"),
]

FRACTIONS_AND_RANGES = [
    ("giảm 1/3 so với năm trước", "giảm một phần ba so với năm trước", ["ambiguous-date"]),
    ("đạt 3/45 chỉ tiêu", "đạt ba phần bốn mươi lăm chỉ tiêu", []),
    ("1/2", "một phần hai", ["ambiguous-date"]),
    ("9/4", "chín phần tư", ["ambiguous-date"]),
    ("-3/4", "âm ba phần tư", []),
    ("5 1/2", "năm và một phần hai", []),
    ("23 1/5", "hai mươi ba và một phần năm", []),
    ("1/2kg", "một phần hai ki lô gam", []),
    ("3/4 m", "ba phần tư mét", []),
    (
        "giai đoạn 2021-2030",
        "giai đoạn hai nghìn không trăm hai mươi mốt đến hai nghìn không trăm ba mươi",
        [],
    ),
    (
        "năm 2021 - 2025",
        "năm hai nghìn không trăm hai mươi mốt đến hai nghìn không trăm hai mươi lăm",
        [],
    ),
    ("khối 2-3", "khối hai đến ba", []),
    ("từ 2 đến 7 ngày", "từ hai đến bảy ngày", []),
    ("cấp 15-16", "cấp mười lăm đến mười sáu", []),
    ("với tỉ số 4-0", "với tỉ số bốn không", []),
    ("tỷ số 2 - 1", "tỷ số hai một", []),
    ("Đội hình 3-4-3", "đội hình ba bốn ba", []),
    ("12-34-56", "mười hai ba mươi tư năm mươi sáu", []),
    ("3 x 4", "ba nhân bốn", []),
    ("kích thước 2x3", "kích thước hai nhân ba", []),
    ("tỷ lệ 1:500", "tỷ lệ một trên năm trăm", []),
    ("nhóm 6-10 người", "nhóm sáu đến mười người", []),
    ("độ tuổi 18-45", "độ tuổi mười tám đến bốn mươi lăm", []),
]


@pytest.mark.parametrize(
    ("source", "expected"), CARDINALS + NEGATIVES_AND_DECIMALS + LEADING_ZEROS + CONTEXTS
)
def test_numbers(source, expected):
    assert_reads(source, expected)


@pytest.mark.parametrize(("source", "expected", "warnings"), FRACTIONS_AND_RANGES)
def test_fractions_and_ranges(source, expected, warnings):
    assert_reads(source, expected, warnings)


@pytest.mark.parametrize(
    ("source", "expected"),
    [("rộng 2.5 ha", "rộng hai phẩy năm héc ta"), ("đạt 40.1", "đạt bốn mươi phẩy một")],
)
def test_a_dot_that_cannot_group_thousands_is_a_warned_decimal(source, expected):
    assert_reads(source, expected, ["ambiguous-number"])


def test_a_hotline_number_after_so_is_warned():
    assert_reads("số 115.", "số một một năm.", ["ambiguous-number"])
    assert_reads("số 115 Trần Phú", "số một trăm mười lăm trần phú")
