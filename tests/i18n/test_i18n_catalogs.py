"""The catalogs are complete, in step with the code, and compiled; the extractor finds
click help that nobody marked."""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest

from loabroadcast.i18n import helptext
from loabroadcast.i18n.extract import click_help
from loabroadcast.i18n.maintain import DOMAINS, LANGS, Tree, problems, read

TREE = Tree(Path(__file__).resolve().parents[2])


def test_catalogs_are_complete_and_in_step_with_the_code():
    """Extracts the code now (as `scripts/i18n update` does) and compares: every id in the
    .pot, every .po entry translated and not fuzzy, fields kept, .mo compiled."""
    found = problems(TREE)
    assert not found, (
        "the message catalogs are out of step with the code. Run `scripts/i18n update`, "
        "translate the new entries in src/loabroadcast/locale/vi/LC_MESSAGES/*.po (drop any "
        "fuzzy flag once checked), then `scripts/i18n compile`. Problems:\n  " + "\n  ".join(found)
    )


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("lang", LANGS)
def test_po_header_is_vietnamese_with_one_plural_form(domain, lang):
    catalog = read(TREE.po(domain, lang))
    assert str(catalog.locale) == "vi"
    assert catalog.num_plurals == 1
    assert not catalog.fuzzy


def test_the_glossary_heads_the_catalog():
    text = TREE.po("loabroadcast", "vi").read_text(encoding="utf-8")
    head = text.split('msgid ""')[0]
    for word in ("khung giờ phát", "nhật ký phát thanh", "phát ngay", "duyệt", "khối/thôn"):
        assert word in head


def test_compiled_catalog_is_read_by_the_standard_library():
    mo = TREE.po("click", "vi").with_suffix(".mo")
    with mo.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)
    assert catalog.gettext("Show this message and exit.") == "Hiện hướng dẫn này rồi thoát."


SOURCE = '''
import click

COMMANDS = {
    "calendar": ("calendar", "calendar", "Public holidays of the station's calendar."),
}


@click.group()
def holiday():
    """Holidays: list, add.

    Days off are not aired.
    """


@holiday.command("add")
@click.option("--name", help="The holiday's "
              "name.")
@click.argument("day")
def add(name, day):
    """Add a holiday. It applies at once.

    \\b
    loa holiday add 2026-09-02 --name "Quốc khánh"
    """


def helper():
    """Not a command: not extracted."""
'''


def test_the_extractor_finds_unmarked_click_help():
    found = {msgid: (line, comments) for line, _, msgid, comments in click_help(SOURCE)}
    assert set(found) == {
        "Public holidays of the station's calendar.",
        "Holidays: list, add.",
        "Days off are not aired.",
        "The holiday's name.",
        "Add a holiday. It applies at once.",
        "Add a holiday.",
    }
    assert found["The holiday's name."][1] == ["help of option --name"]
    assert found["Public holidays of the station's calendar."][1] == ["`loa --help`: calendar"]


@pytest.mark.parametrize(
    ("doc", "short"),
    [
        ("Add a holiday. It applies at once.", "Add a holiday."),
        (
            "Read ABBR as EXPANSION, e.g. `loa dict add HTX x`.",
            "Read ABBR as EXPANSION, e.g. `loa dict add HTX x`.",
        ),  # noqa: E501
        ("No full stop", "No full stop"),
        ("\b\nloa x\n\nThen text. More.", "Then text."),
        ("", ""),
    ],
)
def test_first_sentence(doc, short):
    assert helptext.first_sentence(doc) == short


def test_translate_text_keeps_verbatim_blocks_and_unknown_paragraphs():
    table = {"First paragraph over two lines.": "Đoạn một."}
    text = "First paragraph\nover two lines.\n\n\b\nloa msg add --title x\n\nUnknown one."
    out = helptext.translate_text(text, lambda s: table.get(s, s))
    assert out == "Đoạn một.\n\n\b\nloa msg add --title x\n\nUnknown one."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Print JSON.", "In JSON."),
        ("Print JSON.  [mặc định: 1]", "In JSON.  [mặc định: 1]"),
        ("Unknown.  [required]", "Unknown.  [required]"),
        ("[default: 3]", "[default: 3]"),
    ],
)
def test_translate_help_looks_up_the_help_before_clicks_suffix(text, expected):
    table = {"Print JSON.": "In JSON."}
    assert helptext.translate_help(text, lambda s: table.get(s, s)) == expected
