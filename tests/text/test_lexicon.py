"""The built-in abbreviation dictionary and the officer's user dictionary file."""

import unicodedata

import pytest

from loabroadcast.errors import InvalidInput, NotFound
from loabroadcast.text import normalize, spoken
from loabroadcast.text.lexicon import AMBIGUOUS, BUILTIN, LETTER_WORDS, PREFIXES, lookup
from loabroadcast.text.userdict import (
    add_user_abbreviation,
    load_user_dictionary,
    remove_user_abbreviation,
)

REQUIRED = {
    "UBND": "ủy ban nhân dân",
    "HĐND": "hội đồng nhân dân",
    "MTTQ": "mặt trận tổ quốc",
    "CCHC": "cải cách hành chính",
    "TTHC": "thủ tục hành chính",
    "CCCD": "căn cước công dân",
    "BHXH": "bảo hiểm xã hội",
    "BHYT": "bảo hiểm y tế",
    "BHTN": "bảo hiểm thất nghiệp",
    "THCS": "trung học cơ sở",
    "THPT": "trung học phổ thông",
    "PCCC": "phòng cháy chữa cháy",
    "PCTT": "phòng chống thiên tai",
    "TKCN": "tìm kiếm cứu nạn",
    "HTX": "hợp tác xã",
    "CSGT": "cảnh sát giao thông",
    "ATGT": "an toàn giao thông",
    "ATTP": "an toàn thực phẩm",
    "VSATTP": "vệ sinh an toàn thực phẩm",
    "KT-XH": "kinh tế xã hội",
    "NTM": "nông thôn mới",
    "ĐBQH": "đại biểu quốc hội",
    "ĐU": "đảng ủy",
    "BCĐ": "ban chỉ đạo",
    "CAND": "công an nhân dân",
    "QĐND": "quân đội nhân dân",
    "CA": "công an",
    "UBKT": "ủy ban kiểm tra",
    "KHKT": "khoa học kỹ thuật",
    "GD&ĐT": "giáo dục và đào tạo",
    "LĐTB&XH": "lao động thương binh và xã hội",
    "TN&MT": "tài nguyên và môi trường",
    "NN&PTNT": "nông nghiệp và phát triển nông thôn",
    "VH-TT": "văn hóa thông tin",
    "CNTT": "công nghệ thông tin",
}


def test_dictionary_is_large_enough():
    assert len(BUILTIN) >= 180


@pytest.mark.parametrize(("abbr", "expansion"), sorted(REQUIRED.items()))
def test_required_entries(abbr, expansion):
    assert BUILTIN[abbr] == expansion


def test_entries_are_clean():
    for abbr, expansion in BUILTIN.items():
        assert abbr and not any(ch.isspace() for ch in abbr), abbr
        assert unicodedata.normalize("NFC", abbr) == abbr, abbr
        assert expansion, abbr
        assert expansion == expansion.lower(), abbr
        assert unicodedata.normalize("NFC", expansion) == expansion, abbr
        assert expansion == " ".join(expansion.split()), abbr
        assert not any(ch.isdigit() for ch in expansion), abbr


def test_ambiguous_tokens_are_never_expanded_by_the_builtin_dictionary():
    assert {"TT", "BCH", "BTC"} <= set(AMBIGUOUS)
    # đ/c is read "đồng chí" (its commoner meaning) with an ambiguity warning
    assert set(AMBIGUOUS) & set(BUILTIN) == {"đ/c"}
    assert all(len(meanings) >= 2 for meanings in AMBIGUOUS.values())
    assert not set(LETTER_WORDS) & set(BUILTIN)
    assert PREFIXES["tt"] == "thị trấn"


def test_lookup_prefers_the_user_entry():
    assert lookup("UBND") == "ủy ban nhân dân"
    assert lookup("UBND", {"UBND": "ủy ban"}) == "ủy ban"
    assert lookup("XYZ") is None


def test_user_dictionary_missing_file_is_empty(tmp_path):
    assert load_user_dictionary(tmp_path / "none.tsv") == {}


def test_user_dictionary_add_replace_remove(tmp_path):
    path = tmp_path / "sub" / "abbr.tsv"
    assert add_user_abbreviation(path, "KDC", "khu dân cư") is None
    assert add_user_abbreviation(path, "PAR", "chỉ số cải cách hành chính") is None
    assert load_user_dictionary(path) == {
        "KDC": "khu dân cư",
        "PAR": "chỉ số cải cách hành chính",
    }
    assert add_user_abbreviation(path, "KDC", "khu dân cư số") == "khu dân cư"
    assert load_user_dictionary(path)["KDC"] == "khu dân cư số"
    assert remove_user_abbreviation(path, "KDC") == "khu dân cư số"
    assert load_user_dictionary(path) == {"PAR": "chỉ số cải cách hành chính"}
    lines = path.read_text(encoding="utf-8").splitlines()
    assert "PAR\tchỉ số cải cách hành chính" in lines
    assert [p.name for p in path.parent.iterdir()] == ["abbr.tsv"]  # no temp file left


def test_user_dictionary_normalises_to_nfc(tmp_path):
    path = tmp_path / "abbr.tsv"
    decomposed = unicodedata.normalize("NFD", "BCĐ")
    add_user_abbreviation(path, decomposed, unicodedata.normalize("NFD", "  ban chỉ đạo "))
    assert load_user_dictionary(path) == {"BCĐ": "ban chỉ đạo"}


@pytest.mark.parametrize(
    ("abbr", "expansion"),
    [
        ("", "x"),
        ("   ", "x"),
        ("A B", "x"),
        ("A\tB", "x"),
        ("#A", "x"),
        ("AB", ""),
        ("AB", "  "),
        ("AB", "a\tb"),
        ("AB", "a\nb"),
    ],
)
def test_user_dictionary_rejects_bad_entries(tmp_path, abbr, expansion):
    with pytest.raises(InvalidInput):
        add_user_abbreviation(tmp_path / "abbr.tsv", abbr, expansion)
    assert not (tmp_path / "abbr.tsv").exists()


def test_user_dictionary_remove_missing(tmp_path):
    path = tmp_path / "abbr.tsv"
    with pytest.raises(NotFound):
        remove_user_abbreviation(path, "KDC")
    add_user_abbreviation(path, "KDC", "khu dân cư")
    with pytest.raises(NotFound):
        remove_user_abbreviation(path, "XYZ")


def test_user_dictionary_file_format(tmp_path):
    path = tmp_path / "abbr.tsv"
    path.write_text("\ufeff# comment\n\nKDC\tkhu dân cư\r\nTT\tthị trấn\n", encoding="utf-8")
    assert load_user_dictionary(path) == {"KDC": "khu dân cư", "TT": "thị trấn"}
    path.write_text("KDC khu dân cư\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match=":1:"):
        load_user_dictionary(path)
    path.write_bytes("KDC\tkhu d\u00e2n c\u01b0\n".encode("cp1258", errors="replace") + b"\xff")
    with pytest.raises(InvalidInput):
        load_user_dictionary(path)


def test_user_entries_override_builtin_and_ambiguous():
    extra = {"TT": "thị trấn", "UBND": "ủy ban", "PAR": "chỉ số cải cách hành chính"}
    result = normalize("TT Khe Sanh, UBND, chỉ số PAR", extra)
    assert result.text == "thị trấn Khe Sanh, ủy ban, chỉ số chỉ số cải cách hành chính"
    assert result.warnings == ()


def test_user_entries_may_hold_digits_and_dots():
    assert spoken("đi F0 và K.3", {"F0": "ép không", "K.3": "khối ba"}) == "đi ép không và khối ba"


def test_the_builtin_listing_shows_every_entry_the_officer_may_meet():
    from loabroadcast.text.lexicon import LOANWORDS, builtin_entries

    entries = builtin_entries()
    assert entries["BCH"] == "ban chấp hành | ban chỉ huy"
    assert entries["đ/c"] == "đồng chí"  # read so, with a warning: see AMBIGUOUS
    assert entries["chip"] == "chíp"
    assert set(BUILTIN) | set(LOANWORDS) | set(AMBIGUOUS) == set(entries)
    for abbr in ("BCH", "CHQS", "MTTQ", "HĐND", "BHXH", "CSGT", "PCCC", "TTYT", "THCS"):
        assert abbr in entries
    for abbr in ("THPT", "ĐVT", "v/v", "k/g", "đ/c", "covid", "rubella", "panô"):
        assert abbr in entries
