"""The bar chart of a report: minutes aired per week, stacked by category (matplotlib).

Drawn on matplotlib's Agg canvas without pyplot (no GUI backend, no global state), in
DejaVu Sans, which has every Vietnamese letter. Imported only by the commands that draw
(``loa report --format pdf`` or ``--chart``): matplotlib takes most of a second to load.
"""

from __future__ import annotations

import io

from ..i18n import _
from .present import category_label, week_label
from .rows import Summary

WIDTH_PX, HEIGHT_PX, DPI = 1600, 800, 200
MAX_CATEGORIES = 8  # the rest are drawn together as "other"
OTHER = "(other)"
COLOURS = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
)  # fmt: skip


def series(s: Summary) -> list[tuple[str, list[float]]]:
    """(label, minutes per week) of each category drawn, most aired first."""
    ranked = sorted(s.weekly.items(), key=lambda kv: (-sum(kv[1]), kv[0]))
    drawn = [(category_label(key), [v / 60 for v in values]) for key, values in ranked]
    if len(drawn) > MAX_CATEGORIES:
        rest = drawn[MAX_CATEGORIES - 1 :]
        other = [sum(values[i] for _label, values in rest) for i in range(len(s.weeks))]
        drawn = [*drawn[: MAX_CATEGORIES - 1], (_("Other"), other)]
    return drawn


def chart_png(s: Summary, width_px: int = WIDTH_PX, height_px: int = HEIGHT_PX) -> bytes:
    """The chart as a PNG of ``width_px`` × ``height_px``."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width_px / DPI, height_px / DPI), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    labels = [week_label(w.first, w.last) for w in s.weeks]
    positions = list(range(len(labels)))
    bottom = [0.0] * len(labels)
    drawn = series(s)
    for index, (label, values) in enumerate(drawn):
        axes.bar(positions, values, bottom=bottom, label=label, width=0.6,
                 color=COLOURS[index % len(COLOURS)])  # fmt: skip
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    axes.set_xticks(positions, labels, fontsize=6.5)
    axes.tick_params(axis="y", labelsize=6)
    axes.set_ylabel(_("Minutes aired"), fontsize=7)
    axes.set_title(_("Minutes aired per week, by category"), fontsize=8)
    axes.grid(axis="y", linewidth=0.3, alpha=0.6)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    if drawn:
        axes.legend(fontsize=6.5, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    else:
        axes.text(0.5, 0.5, _("Nothing aired in this period"), ha="center", va="center",
                  transform=axes.transAxes, fontsize=8)  # fmt: skip
        axes.set_ylim(0, 1)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
