"""The weekly schedule for the notice board, as A4 PDF (fpdf2, ``pdfbase``) or HTML.

Large type (a 24 pt title, days at 15 pt, sessions at 13 pt, titles at 12 pt) so that it
reads from a step away; each day is kept on one page; holidays and quiet days are marked
in words, not colour alone (photocopies are grey). The HTML is one self-contained page
(A4 ``@page``, no scripts, no external files) for a screen or a browser's Print.
"""

from __future__ import annotations

from html import escape

from ..calendar.text import lunar_label
from ..i18n import _, dates, language
from . import pdfbase as base
from .present import StationInfo
from .week import Day, Session, WeekSheet


def week_title(sheet: WeekSheet) -> str:
    return _("Week from {first} to {last}").format(
        first=dates.day(sheet.first), last=dates.day(sheet.last)
    )


def day_heading(day: Day) -> str:
    text = dates.day_with_weekday(day.day)
    if day.holiday is not None:
        name = day.holiday.name
        if day.holiday.lunar is not None:
            name += f" ({lunar_label(day.holiday.lunar)})"
        text += f" — {name}"
    return text


def day_note(day: Day) -> str | None:
    """A line under a day's heading when it airs nothing ordinary."""
    if not day.sessions:
        return _("No broadcast sessions")
    if day.quiet:
        reasons = sorted({s.quiet or "" for s in day.sessions} - {""})
        reason = "; ".join(reasons) or _("quiet day")
        return _("No broadcast ({reason}); emergencies only").format(reason=reason)
    return None


def session_heading(s: Session) -> str:
    text = f"{dates.clock(s.start)} – {dates.clock(s.end)}"
    if s.name:
        text += f"  {s.name}"
    if s.one_off:
        text += " (" + _("special session") + ")"
    return text


def session_lines(s: Session, day_quiet: bool = False) -> list[str]:
    """What people read under a session: its titles, or why it is silent (said once for
    the day when the whole day is quiet)."""
    if s.quiet is not None:
        urgent = [_emergency_title(i.title) for i in s.items if i.emergency]
        if day_quiet:
            return urgent
        return [_("No broadcast: {reason}").format(reason=s.quiet or _("quiet day")), *urgent]
    if not s.items:
        return [_("(nothing planned yet)")]
    return [_emergency_title(i.title) if i.emergency else i.title for i in s.items]


def _emergency_title(title: str) -> str:
    return _("EMERGENCY: {title}").format(title=title)


def footer_text() -> str:
    return _("Emergency announcements may air at any time, outside these sessions too.")


# --- PDF ------------------------------------------------------------------------------------


def week_pdf(station: StationInfo, sheet: WeekSheet) -> bytes:
    title = _("BROADCAST SCHEDULE")
    pdf = base.new_document(title, week_title(sheet))
    pdf.set_margins(15, 14, 15)
    pdf.set_auto_page_break(True, 16)
    pdf.set_x(15)
    base.line(pdf, station.title.upper(), size=14, bold=True, align="C", height=7)
    if station.place:
        base.line(pdf, station.place, size=11, align="C", height=6)
    pdf.ln(3)
    base.line(pdf, title, size=24, bold=True, align="C", height=11)
    base.line(pdf, week_title(sheet), size=15, align="C", height=8)
    pdf.ln(4)
    for day in sheet.days:
        _pdf_day(pdf, day)
    pdf.ln(2)
    base.line(pdf, footer_text(), size=11, height=5.5)
    return base.to_bytes(pdf)


def _day_height(day: Day) -> float:
    lines = sum(1 + len(session_lines(s, day.quiet)) for s in day.sessions)
    return 10 + lines * 6.5 + (6.5 if day_note(day) else 0) + 3


def _pdf_day(pdf, day: Day) -> None:
    if pdf.will_page_break(min(_day_height(day), pdf.eph)):
        pdf.add_page()
    pdf.set_fill_color(225, 225, 225)
    pdf.set_font(base.FONT, "B", 15)
    pdf.multi_cell(0, 8.5, day_heading(day), fill=True, new_x="LMARGIN", new_y="NEXT")
    note = day_note(day)
    if note:
        base.line(pdf, note, size=12, bold=True, height=6.5)
    for s in day.sessions:
        pdf.set_font(base.FONT, "B", 13)
        pdf.set_x(pdf.l_margin + 3)
        pdf.multi_cell(0, 6.5, session_heading(s), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(base.FONT, "", 12)
        for text in session_lines(s, day.quiet):
            pdf.set_x(pdf.l_margin + 10)
            pdf.multi_cell(0, 6.2, f"•  {text}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


# --- HTML -----------------------------------------------------------------------------------

_CSS = """
@page { size: A4; margin: 14mm 15mm; }
body { font-family: "DejaVu Sans", "Be Vietnam Pro", "Noto Sans", Arial, sans-serif;
       font-size: 13pt; color: #000; margin: 0 auto; max-width: 190mm; line-height: 1.35; }
header { text-align: center; }
.station { font-size: 15pt; font-weight: bold; text-transform: uppercase; margin: 0; }
.place { font-size: 12pt; margin: 0.2em 0 0; }
h1 { font-size: 24pt; margin: 0.6em 0 0.1em; }
.week { font-size: 15pt; margin: 0 0 1em; }
section.day { break-inside: avoid; page-break-inside: avoid; margin-bottom: 0.8em; }
h2 { font-size: 15pt; background: #e1e1e1; padding: 0.15em 0.4em; margin: 0 0 0.3em; }
section.quiet h2 { border-left: 6px solid #000; }
.note { font-weight: bold; margin: 0.2em 0 0.3em 0.4em; }
h3 { font-size: 13pt; margin: 0.3em 0 0.1em 0.6em; }
ul { margin: 0 0 0.2em 1.4em; padding-left: 1em; font-size: 12pt; }
li.emergency { font-weight: bold; }
footer { margin-top: 1em; font-size: 11pt; }
"""


def week_html(station: StationInfo, sheet: WeekSheet) -> str:
    title = _("BROADCAST SCHEDULE")
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{language()}">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{escape(title)} — {escape(week_title(sheet))}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        f'<p class="station">{escape(station.title)}</p>',
    ]
    if station.place:
        parts.append(f'<p class="place">{escape(station.place)}</p>')
    parts += [f"<h1>{escape(title)}</h1>", f'<p class="week">{escape(week_title(sheet))}</p>']
    parts.append("</header>")
    for day in sheet.days:
        classes = ["day"]
        if day.holiday is not None:
            classes.append("holiday")
        if day.quiet:
            classes.append("quiet")
        parts.append(f'<section class="{" ".join(classes)}">')
        parts.append(f"<h2>{escape(day_heading(day))}</h2>")
        note = day_note(day)
        if note:
            parts.append(f'<p class="note">{escape(note)}</p>')
        for s in day.sessions:
            parts.append(f"<h3>{escape(session_heading(s))}</h3>")
            items = _html_items(s, day.quiet)
            if items:
                parts.append("<ul>")
                for text, item_class in items:
                    attr = f' class="{item_class}"' if item_class else ""
                    parts.append(f"<li{attr}>{escape(text)}</li>")
                parts.append("</ul>")
        parts.append("</section>")
    parts += [f"<footer>{escape(footer_text())}</footer>", "</body>", "</html>", ""]
    return "\n".join(parts)


def _html_items(s: Session, day_quiet: bool) -> list[tuple[str, str]]:
    lines = session_lines(s, day_quiet)
    if s.quiet is not None:
        if day_quiet:
            return [(line, "emergency") for line in lines]
        return [(lines[0], "quiet"), *((line, "emergency") for line in lines[1:])]
    if not s.items:
        return [(lines[0], "empty")]
    return [
        (line, "emergency" if item.emergency else "")
        for line, item in zip(lines, s.items, strict=True)
    ]
