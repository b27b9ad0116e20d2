"""Printing: aligned tables for people (dd/mm/yyyy), JSON for programs (ISO 8601)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any

import click

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


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], indent: str = "") -> str:
    cells = [[_cell(v) for v in row] for row in rows]
    sizes = [[width(c) for c in row] for row in cells]
    widths = [width(h) for h in headers]
    for row in sizes:
        widths = [max(w, n) for w, n in zip(widths, row, strict=True)]

    def line(texts, lengths) -> str:
        padded = (t + " " * (w - n) for t, n, w in zip(texts, lengths, widths, strict=True))
        return (indent + "  ".join(padded)).rstrip()

    lines = [line(headers, [width(h) for h in headers])]
    lines.append(indent + "  ".join("-" * w for w in widths))
    lines.extend(line(texts, lengths) for texts, lengths in zip(cells, sizes, strict=True))
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        return "-"
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M:%S")
    if isinstance(value, date):
        return f"{value.day:02d}/{value.month:02d}/{value.year}"
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, (list, tuple, set, frozenset)):
        return ",".join(str(v) for v in value)
    return str(value)


def _default(value: Any) -> Any:
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def echo_json(obj: Any) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, indent=2, default=_default))


def vn_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def warn(lines: Sequence[str]) -> None:
    for line in lines:
        click.echo(f"warning: {line}", err=True)
