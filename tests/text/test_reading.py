"""Vietnamese number reading: cardinals, decimals, digits, months, ordinals, Roman."""

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loabroadcast.text.reading import (
    read_decimal,
    read_digits,
    read_month,
    read_number,
    read_ordinal,
    roman_to_int,
)

CARDINALS = [
    (0, "không"),
    (1, "một"),
    (4, "bốn"),
    (5, "năm"),
    (10, "mười"),
    (11, "mười một"),
    (14, "mười bốn"),
    (15, "mười lăm"),
    (20, "hai mươi"),
    (21, "hai mươi mốt"),
    (24, "hai mươi tư"),
    (25, "hai mươi lăm"),
    (31, "ba mươi mốt"),
    (34, "ba mươi tư"),
    (55, "năm mươi lăm"),
    (99, "chín mươi chín"),
    (100, "một trăm"),
    (101, "một trăm linh một"),
    (104, "một trăm linh bốn"),
    (105, "một trăm linh năm"),
    (110, "một trăm mười"),
    (111, "một trăm mười một"),
    (115, "một trăm mười lăm"),
    (121, "một trăm hai mươi mốt"),
    (125, "một trăm hai mươi lăm"),
    (150, "một trăm năm mươi"),
    (204, "hai trăm linh bốn"),
    (1000, "một nghìn"),
    (1001, "một nghìn không trăm linh một"),
    (1005, "một nghìn không trăm linh năm"),
    (1010, "một nghìn không trăm mười"),
    (1015, "một nghìn không trăm mười lăm"),
    (1100, "một nghìn một trăm"),
    (2005, "hai nghìn không trăm linh năm"),
    (2015, "hai nghìn không trăm mười lăm"),
    (2021, "hai nghìn không trăm hai mươi mốt"),
    (2022, "hai nghìn không trăm hai mươi hai"),
    (10000, "mười nghìn"),
    (50000, "năm mươi nghìn"),
    (100000, "một trăm nghìn"),
    (250000, "hai trăm năm mươi nghìn"),
    (1000000, "một triệu"),
    (1000005, "một triệu không trăm linh năm"),
    (1250000, "một triệu hai trăm năm mươi nghìn"),
    (1000000000, "một tỷ"),
    (1000000005, "một tỷ không trăm linh năm"),
    (2500000000, "hai tỷ năm trăm triệu"),
    (10**12, "một nghìn tỷ"),
]


@pytest.mark.parametrize(("n", "expected"), CARDINALS)
def test_read_number(n, expected):
    assert read_number(n) == expected


def test_read_number_negative_and_bad_type():
    assert read_number(-5) == "âm năm"
    with pytest.raises(TypeError):
        read_number("5")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        read_number(True)


def test_read_number_is_injective_on_a_dense_range():
    readings = {read_number(n) for n in range(0, 30_000)}
    assert len(readings) == 30_000


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 10**13), st.integers(0, 10**13))
def test_read_number_is_injective(a, b):
    if a != b:
        assert read_number(a) != read_number(b)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10**13))
def test_read_number_is_nfc_words_without_digits(n):
    text = read_number(n)
    assert unicodedata.normalize("NFC", text) == text
    assert not any(ch.isdigit() for ch in text)
    assert "  " not in text and text == text.strip()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2,5", "hai phẩy năm"),
        ("0,5", "không phẩy năm"),
        ("37,5", "ba mươi bảy phẩy năm"),
        ("3,14", "ba phẩy một bốn"),
        ("0,05", "không phẩy không năm"),
        ("3,141", "ba phẩy một bốn một"),
        ("1.250,75", "một nghìn hai trăm năm mươi phẩy bảy năm"),
        ("-2,5", "âm hai phẩy năm"),
        ("12", "mười hai"),
    ],
)
def test_read_decimal(text, expected):
    assert read_decimal(text) == expected


@pytest.mark.parametrize("text", ["", "2,", ",5", "2.5.", "abc", "2,5,1"])
def test_read_decimal_rejects(text):
    with pytest.raises(ValueError):
        read_decimal(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0233.3880.115", "không hai ba ba ba tám tám không một một năm"),
        ("0905 123 456", "không chín không năm một hai ba bốn năm sáu"),
        ("113", "một một ba"),
        ("007", "không không bảy"),
    ],
)
def test_read_digits(text, expected):
    assert read_digits(text) == expected


def test_read_digits_needs_a_digit():
    with pytest.raises(ValueError):
        read_digits("abc")


@pytest.mark.parametrize(
    ("month", "expected"), [(1, "một"), (3, "ba"), (4, "tư"), (10, "mười"), (12, "mười hai")]
)
def test_read_month(month, expected):
    assert read_month(month) == expected


@pytest.mark.parametrize(
    ("n", "expected"),
    [(1, "nhất"), (2, "hai"), (3, "ba"), (4, "tư"), (6, "sáu"), (7, "bảy"), (13, "mười ba")],
)
def test_read_ordinal(n, expected):
    assert read_ordinal(n) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I", 1),
        ("IV", 4),
        ("IX", 9),
        ("XIII", 13),
        ("XIV", 14),
        ("XV", 15),
        ("XIX", 19),
        ("XL", 40),
        ("MMXXII", 2022),
        ("IIII", None),
        ("VX", None),
        ("ABC", None),
        ("", None),
        ("xv", 15),  # either case
        ("xvx", None),
    ],
)
def test_roman_to_int(text, expected):
    assert roman_to_int(text) == expected
