"""rules.dates and rules.times: every common spelling of a date, a month, a time."""

import pytest

from spoken_checks import assert_reads

Y2022 = "hai nghìn không trăm hai mươi hai"
Y2024 = "hai nghìn không trăm hai mươi tư"
Y2025 = "hai nghìn không trăm hai mươi lăm"

DATES = [
    ("Ngày 14/02/2022", f"ngày mười bốn tháng hai năm {Y2022}"),
    ("ngày 10/3/2022", f"ngày mười tháng ba năm {Y2022}"),
    ("trước ngày 31/10/2022", f"trước ngày ba mươi mốt tháng mười năm {Y2022}"),
    ("ngày 01-04-2023", "ngày một tháng tư năm hai nghìn không trăm hai mươi ba"),
    ("ngày 29.02.2024", f"ngày hai mươi chín tháng hai năm {Y2024}"),
    ("14/02/2022, UBND ban hành", f"ngày mười bốn tháng hai năm {Y2022}, ủy ban nhân dân ban hành"),
    ("25-03-1975", "ngày hai mươi lăm tháng ba năm một nghìn chín trăm bảy mươi lăm"),
    ("10.05.2000", "ngày mười tháng năm năm hai nghìn"),
    ("24 - 7 - 2002", "ngày hai mươi tư tháng bảy năm hai nghìn không trăm linh hai"),
    ("Chủ nhật, 13/3/2022", f"chủ nhật, ngày mười ba tháng ba năm {Y2022}"),
    ("Chủ nhật 13/3/2022", f"chủ nhật mười ba tháng ba năm {Y2022}"),
    ("hạn cuối 30/6/2025", f"hạn cuối ba mươi tháng sáu năm {Y2025}"),
    ("ngày 26/9", "ngày hai mươi sáu tháng chín"),
    ("sáng 17/12", "sáng mười bảy tháng mười hai"),
    ("hôm 2/9", "hôm hai tháng chín"),
    ("sáng mùng 8/3", "sáng mùng tám tháng ba"),
    ("rạng sáng 30/04", "rạng sáng ba mươi tháng tư"),
    ("đêm 29-12", "đêm hai mươi chín tháng mười hai"),
    ("ngày 27.02", "ngày hai mươi bảy tháng hai"),
    ("ngày 14/4 hàng năm", "ngày mười bốn tháng tư hàng năm"),
    ("21/02", "ngày hai mươi mốt tháng hai"),
    ("lễ Quốc khánh 2/9", "lễ quốc khánh hai tháng chín"),
    ("kỷ niệm 30/4", "kỷ niệm ba mươi tháng tư"),
    ("thứ Hai 14/3", "thứ hai mười bốn tháng ba"),
    ("từ 10/3 đến 15/3", "từ mười tháng ba đến mười lăm tháng ba"),
    ("từ 10/3 - 15/3", "từ mười tháng ba đến mười lăm tháng ba"),
    ("từ 20/4 đến 30/6", "từ hai mươi tháng tư đến ba mươi tháng sáu"),
    ("ngày 19 và 20/3", "ngày mười chín và hai mươi tháng ba"),
    ("ngày 10/3 và 15/3", "ngày mười tháng ba và mười lăm tháng ba"),
    ("từ 10-15/3/2022", f"từ mười đến mười lăm tháng ba năm {Y2022}"),
    ("từ ngày 18-22/3/2024", f"từ ngày mười tám đến hai mươi hai tháng ba năm {Y2024}"),
    ("từ 20-30/4", "từ hai mươi đến ba mươi tháng tư"),
    ("tháng 4/2023", "tháng tư năm hai nghìn không trăm hai mươi ba"),
    ("tháng 01/2024", f"tháng một năm {Y2024}"),
    ("tháng 04/1969", "tháng tư năm một nghìn chín trăm sáu mươi chín"),
    ("01/2025", f"tháng một năm {Y2025}"),
    ("trong 12/2024", f"trong tháng mười hai năm {Y2024}"),
    ("từ 01/2025 đến 12/2025", f"từ tháng một năm {Y2025} đến tháng mười hai năm {Y2025}"),
    (
        "từ 02/2023 - 11/2024",
        f"từ tháng hai năm hai nghìn không trăm hai mươi ba đến tháng mười một năm {Y2024}",
    ),
    ("từ 01-12/2025", f"từ tháng một đến tháng mười hai năm {Y2025}"),
    ("tháng 1-3/2025", f"tháng một đến tháng ba năm {Y2025}"),
    ("tháng 1 2024", f"tháng một năm {Y2024}"),
    ("quý 1/2023", "quý một năm hai nghìn không trăm hai mươi ba"),
    ("quý I/2025", f"quý một năm {Y2025}"),
    ("tháng 10/2022", f"tháng mười năm {Y2022}"),
    ("năm học 2025-2026", f"năm học {Y2025} đến hai nghìn không trăm hai mươi sáu"),
]

TIMES = [
    ("từ 7h30 đến 11h00", "từ bảy giờ ba mươi phút đến mười một giờ"),
    ("lúc 7h", "lúc bảy giờ"),
    ("lúc 20h", "lúc hai mươi giờ"),
    ("lúc 5h00", "lúc năm giờ"),
    ("0h", "không giờ"),
    ("01h", "một giờ"),
    ("lúc 7:30", "lúc bảy giờ ba mươi phút"),
    ("lúc 7g30", "lúc bảy giờ ba mươi phút"),
    ("lúc 7g", "lúc bảy giờ"),
    ("24g", "hai mươi tư giờ"),
    ("lúc 7h05", "lúc bảy giờ năm phút"),
    ("lúc 7h30 phút", "lúc bảy giờ ba mươi phút"),
    ("lúc 7.30", "lúc bảy giờ ba mươi phút"),
    ("hồi 16 giờ 00", "hồi mười sáu giờ"),
    ("từ 13 giờ 30", "từ mười ba giờ ba mươi phút"),
    ("trước 20 giờ 30 phút", "trước hai mươi giờ ba mươi phút"),
    ("1 giờ 30 phút", "một giờ ba mươi phút"),
    ("2 giờ 5 phút", "hai giờ năm phút"),
    ("7h - 11h", "bảy giờ đến mười một giờ"),
    ("từ 7h30-11h00", "từ bảy giờ ba mươi phút đến mười một giờ"),
    ("10:00-11:00", "mười giờ đến mười một giờ"),
    ("8:05", "tám giờ năm phút"),
    ("00:30", "không giờ ba mươi phút"),
    ("5:20:35", "năm giờ hai mươi phút ba mươi lăm giây"),
    ("8:00:00", "tám giờ"),
    ("03:00:03", "ba giờ ba giây"),
    ("9h2m2s", "chín giờ hai phút hai giây"),
    ("21g26p", "hai mươi mốt giờ hai mươi sáu phút"),
    ("12h24p30s", "mười hai giờ hai mươi tư phút ba mươi giây"),
    ("9h20p- 10h30", "chín giờ hai mươi phút đến mười giờ ba mươi phút"),
    ("10h30 am", "mười giờ ba mươi phút sáng"),
    ("8h pm", "tám giờ chiều"),
    ("3p20s", "ba phút hai mươi giây"),
    ("12p03s", "mười hai phút ba giây"),
    ("05p00s", "năm phút"),
    ("10p", "mười phút"),
    ("30s", "ba mươi giây"),
    ("trực 24/24h", "trực hai mươi bốn trên hai mươi tư giờ"),
    ("phục vụ 24/7", "phục vụ hai mươi bốn trên bảy"),
    ("sau 100h", "sau một trăm giờ"),
    ("mua 500g đường", "mua năm trăm gam đường"),
]


@pytest.mark.parametrize(("source", "expected"), DATES + TIMES)
def test_dates_and_times(source, expected):
    assert_reads(source, expected)


@pytest.mark.parametrize(
    ("source", "expected", "warnings"),
    [
        ("3/4", "ba phần tư", ["ambiguous-date"]),
        (
            "ngày 32/13/2022",
            "ngày ba mươi hai, mười ba, hai nghìn không trăm hai mươi hai",
            ["ambiguous-date"],
        ),
        ("Ngày 12/3/26 họp", "ngày mười hai tháng ba năm hai mươi sáu họp", ["ambiguous-date"]),
        (
            "Nghị quyết 12/2021",
            "nghị quyết mười hai trên hai nghìn không trăm hai mươi mốt",
            ["document-code"],
        ),
        ("mã 15/2020", "mã mười lăm trên hai nghìn không trăm hai mươi", ["ambiguous-date"]),
        ("29-12", "hai mươi chín, mười hai", []),
    ],
)
def test_what_is_not_surely_a_date_is_warned(source, expected, warnings):
    assert_reads(source, expected, warnings)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("làm việc từ T2-T6", "làm việc từ thứ hai đến thứ sáu"),
        ("T7, CN nghỉ", "thứ bảy, chủ nhật nghỉ"),
        ("từ T2 đến CN", "từ thứ hai đến chủ nhật"),
        ("ngày CN", "ngày chủ nhật"),
        ("T4", "thứ tư"),
        ("doanh thu Q1/2024", "doanh thu quý một năm hai nghìn không trăm hai mươi tư"),
    ],
)
def test_weekdays_and_quarters_in_short(source, expected):
    assert_reads(source, expected)
