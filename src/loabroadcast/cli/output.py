"""Printing: aligned tables for people (dd/mm/yyyy), JSON for programs (ISO 8601)."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any

import click

from ..i18n import _, dates
from ..i18n import english as _english

_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_WIDE = re.compile(
    "[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
    "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\U0001f300-\U0001faff]"
)


def width(text: str) -> int:
    """Columns a string takes in a terminal: combining marks take none, CJK and emoji two.

    Vietnamese in NFC is one column a letter; the regexes keep 10,000-row tables quick.
    """
    if text.isascii():
        return len(text)
    return len(text) - len(_COMBINING.findall(text)) + len(_WIDE.findall(text))


# labels and titles repeat down a column and from one table to the next ("thông thường",
# a message on every day of a year's schedule): each measured once
_width = functools.lru_cache(maxsize=8192)(width)


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], indent: str = "") -> str:
    """Rows under headers, columns aligned by terminal width; built column by column
    (one pass per column, no call per cell) so 10,000-row listings print quickly."""
    columns = [[v if type(v) is str else _cell(v) for v in col] for col in zip(*rows, strict=True)]
    if not columns:
        columns = [[] for _ in headers]
    padded = []
    rule = []
    for header, col in zip(headers, columns, strict=True):
        sizes = [len(c) if c.isascii() else _width(c) for c in col]
        w = max(width(header), *sizes) if sizes else width(header)
        padded.append(
            [header + " " * (w - width(header))]
            + [c + " " * (w - n) for c, n in zip(col, sizes, strict=True)]
        )
        rule.append("-" * w)
    lines = [(indent + "  ".join(cells)).rstrip() for cells in zip(*padded, strict=True)]
    lines.insert(1, indent + "  ".join(rule))
    return "\n".join(lines)


def shorten(text: str, n: int) -> str:
    """``text`` cut to ``n`` characters, the last one an ellipsis when it was longer."""
    return text if len(text) <= n else text[: n - 1] + "…"


def _cell(value: Any) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        return "-"
    if isinstance(value, datetime):
        return dates.moment(value, seconds=True)
    if isinstance(value, date):
        return dates.day(value)
    if isinstance(value, time):
        return dates.clock(value, seconds=True)
    if isinstance(value, (list, tuple, set, frozenset)):
        return ",".join(str(v) for v in value)
    return str(value)


def _default(value: Any) -> Any:
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    english = getattr(value, "english", None)  # a message object (i18n.Lazy, records)
    if isinstance(english, str):
        return english
    raise TypeError(f"cannot serialise {type(value).__name__}")


def _in_english(value: Any) -> Any:
    """Sentences shown in the reader's language (``i18n.Said``, a ``str``) in English."""
    if isinstance(value, dict):
        return {k: _in_english(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_in_english(v) for v in value]
    english = getattr(value, "english", None) if isinstance(value, str) else None
    return english if isinstance(english, str) else value


def echo_json(obj: Any) -> None:
    """``obj`` as JSON; ``--json`` stays English, whatever the language shown."""
    click.echo(json.dumps(_in_english(obj), ensure_ascii=False, indent=2, default=_default))


def vn_date(day: date) -> str:
    """``dd/mm/yyyy`` (``i18n.dates`` has times and weekday names too)."""
    return dates.day(day)


def english(lines: Sequence[Any]) -> list:
    """Notes and warnings as ``--json`` gives them: in English (``i18n.said``)."""
    return [_english(line) for line in lines]


def warn(lines: Sequence[str]) -> None:
    """Each line on stderr after ``warning:`` (``cảnh báo:``)."""
    for line in lines:
        # TRANSLATORS: a warning line on stderr
        click.echo(_("warning: {text}").format(text=line), err=True)
