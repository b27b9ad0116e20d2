"""A4 PDF pages in Vietnamese: fpdf2 with DejaVu Sans embedded (``reports/fonts/``).

Why fpdf2 (PyPI ``fpdf2``): it is pure Python (its dependencies, fontTools, Pillow and
defusedxml, are wheels on every platform a station PC runs, Windows included), embeds a
TrueType font as a subset with a ToUnicode map, so every Vietnamese letter prints and
``pdftotext`` gives the same NFC text back, and it draws tables with wrapped cells. It
imports in about half a second and makes a one-page report in well under one. WeasyPrint
(HTML to PDF) would let the weekly schedule's HTML and PDF share one source, but it needs
Pango from the operating system (absent on Windows) and is several times slower;
ReportLab does the job too but is a larger toolkit than two documents need.

Vietnamese text in NFC needs no shaping: every letter with its tone mark is one glyph
of DejaVu Sans (``test_fonts`` checks the whole alphabet), so fpdf2's text shaping
(HarfBuzz) is not needed. The fonts are found with ``importlib.resources`` and travel in
the wheel; ``fonts/README.md`` says where they come from and under which licence.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import LoaError
from ..i18n import N_

if TYPE_CHECKING:
    from fpdf import FPDF

FONT = "DejaVu"
REGULAR = "DejaVuSans.ttf"
BOLD = "DejaVuSans-Bold.ttf"
MARGIN = 12.0  # mm
INK = (0, 0, 0)
GREY = (235, 235, 235)


def font_path(name: str) -> Path:
    """The shipped font file ``name`` (in the wheel: ``loabroadcast/reports/fonts/``)."""
    found = resources.files("loabroadcast.reports") / "fonts" / name
    if not isinstance(found, Path) or not found.is_file():
        raise LoaError(
            N_("font {name} is missing from the installation: reinstall loabroadcast"), name=name
        )
    return found


def new_document(title: str, subject: str = "") -> FPDF:
    """A4 portrait, 12 mm margins, DejaVu Sans 10 pt, one page started."""
    from fpdf import FPDF

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.add_font(FONT, "", str(font_path(REGULAR)))
    pdf.add_font(FONT, "B", str(font_path(BOLD)))
    pdf.set_title(title)
    if subject:
        pdf.set_subject(subject)
    pdf.set_creator("loabroadcast")
    pdf.set_lang("vi")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, MARGIN)
    pdf.set_font(FONT, size=10)
    pdf.add_page()
    return pdf


def line(pdf: FPDF, text: str, size: float = 10, bold: bool = False, align: str = "L",
         height: float | None = None) -> None:  # fmt: skip
    """One line (wrapped if it is too long) across the page."""
    pdf.set_font(FONT, "B" if bold else "", size)
    pdf.multi_cell(0, height or size * 0.5, text, align=align, new_x="LMARGIN", new_y="NEXT")


def heading_pair(pdf: FPDF, left: Sequence[str], right: Sequence[str], size: float = 10) -> None:
    """Two columns of centred bold lines, as an administrative document's head: the
    station on the left, the national motto on the right."""
    width = pdf.epw / 2
    top = pdf.get_y()
    bottom = top
    for column, lines in enumerate((left, right)):
        pdf.set_xy(pdf.l_margin + column * width, top)
        for index, text in enumerate(lines):
            pdf.set_font(FONT, "B" if index == 0 or column == 1 else "", size)
            pdf.set_x(pdf.l_margin + column * width)
            pdf.multi_cell(width, size * 0.5, text, align="C", new_x="LEFT", new_y="NEXT")
        bottom = max(bottom, pdf.get_y())
    pdf.set_xy(pdf.l_margin, bottom + 2)


def table(
    pdf: FPDF,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    align: Sequence[str] | None = None,
    size: float = 8.5,
    bold_last: bool = False,
) -> None:
    """A bordered table across the page: a grey bold header row, wrapped cells, the last row
    bold when it is a total."""
    from fpdf.fonts import FontFace

    pdf.set_font(FONT, "", size)
    align = align or ["L"] * len(headers)
    heading = FontFace(emphasis="BOLD", fill_color=GREY)
    with pdf.table(
        col_widths=tuple(widths),
        text_align=tuple(align),
        headings_style=heading,
        line_height=size * 0.5,
        width=pdf.epw,
        padding=(0.6, 1.0),
    ) as grid:
        grid.row([str(h) for h in headers])
        for index, cells in enumerate(rows):
            style = FontFace(emphasis="BOLD") if bold_last and index == len(rows) - 1 else None
            grid.row([str(c) for c in cells], style=style)
    pdf.ln(2)


def to_bytes(pdf: FPDF) -> bytes:
    return bytes(pdf.output())
