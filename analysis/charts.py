"""The report's charts: matplotlib figures in one palette, returned for ``present.figure``.

Figures are built with ``matplotlib.figure.Figure`` rather than pyplot, so that nothing is
shown twice by the notebook's inline backend and no global figure state is shared. Each is
made and drawn in ``chart_style()``, from matplotlib's defaults, so a notebook's
``sns.set_theme()`` or rcParams changes never reach them.
"""

from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from cycler import cycler
from matplotlib import style
from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullLocator

from analysis.fonts import cjk_family
from analysis.narrative import sector_in_country
from analysis.present.values import number
from analysis.schema import SECTOR_LABELS
from analysis.summary import OTHERS

if TYPE_CHECKING:
    from analysis.profile import Profile

WIDTH = 7.0
"""Inches: the text width of an A4 page with its margins, so that no chart is scaled down."""

BLUE = "#2b5c8a"
TEAL = "#3e9c9c"
PURPLE = "#7b68a6"
ORANGE = "#d9822b"
GREY = "#b8c2cc"
INK = "#333333"

STYLE = {
    "font.family": ["DejaVu Sans", *filter(None, [cjk_family()])],
    "axes.prop_cycle": cycler(color=[BLUE, TEAL, PURPLE, ORANGE, GREY]),
    "axes.grid": False,
    "axes.facecolor": "white",
    "figure.facecolor": "white",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#999999",
    "axes.labelcolor": INK,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.titlepad": 10,
    "axes.labelsize": 9,
    "font.size": 9,
    "xtick.color": INK,
    "ytick.color": INK,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "legend.frameon": False,
    "legend.fontsize": 8,
}
"""The charts' look, over matplotlib's defaults: a CJK font behind DejaVu Sans, so that
Chinese, Japanese and Korean names are drawn instead of empty boxes."""

VALUE_LABEL = {"padding": 3, "fontsize": 7, "color": INK}

THOUSANDS = FuncFormatter(lambda value, _: f"{value:,.0f}")

BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"))
"""matplotlib draws text in stored order without a bidi algorithm: its controls would only be boxes."""


def chart_style() -> AbstractContextManager[None]:
    """Return a context in which matplotlib's defaults and the charts' STYLE are in force.

    Starting from the defaults, not from ``rcParams``, is what keeps a notebook's
    ``sns.set_theme()`` or rcParams changes out of the project's charts.
    """
    return style.context(["default", STYLE])


class ChartFigure(Figure):
    """A figure drawn in ``chart_style()`` whenever it is drawn, saved or shown.

    Some properties are only read from rcParams at drawing time (ticks made for a new
    view, for instance), so creating the artists inside the style is not enough.
    """

    def draw(self, renderer: RendererBase) -> None:
        with chart_style():
            return super().draw(renderer)


def _figure(height: float, rows: int = 1) -> tuple[ChartFigure, np.ndarray]:
    with chart_style():
        figure = ChartFigure(figsize=(WIDTH, height), layout="constrained")
        axes = figure.subplots(rows, 1, sharex=True, squeeze=False)[:, 0]
    return figure, axes


def _short(name: str, length: int = 48) -> str:
    """Return ``name`` without bidi controls, cut to ``length`` characters with an ellipsis."""
    name = name.translate(BIDI_CONTROLS)
    return name if len(name) <= length else name[: length - 1] + "…"


def _every_year(table: pd.DataFrame) -> pd.DataFrame:
    """Return ``table`` with a row for each year of its span; years without data hold NaN.

    Lines are drawn with gaps at NaN, so a year without data is not bridged.
    """
    years = pd.RangeIndex(table["year"].min(), table["year"].max() + 1, name="year")
    return table.set_index("year").reindex(years).reset_index()


def trend(profile: "Profile") -> Figure:
    """Draw the institution's published applications and its three ranks, year by year.

    Ranks are on a logarithmic axis, best at the top, so that a rank among thousands and a
    rank among a dozen can be read on one panel. Ticks fall on whole years, and a year in
    which the institution published nothing is a gap, not a line joining its neighbours.
    """
    table = _every_year(profile.trend)
    published = table.dropna(subset=["published"])
    sector = SECTOR_LABELS[profile.sector]
    figure, (counts, ranks) = _figure(5.2, rows=2)
    with chart_style():
        bars = counts.bar(published["year"], published["published"], color=BLUE, width=0.6)
        counts.bar_label(bars, labels=[number(value) for value in published["published"]], **VALUE_LABEL)
        counts.set_title(f"{_short(profile.institution, 60)}: published PCT applications and ranks")
        counts.set_ylabel("Published applications")
        counts.yaxis.set_major_formatter(THOUSANDS)
        counts.yaxis.set_major_locator(MaxNLocator(5, integer=True))
        scopes = (
            ("rank_overall", "Rank among all applicants", BLUE),
            ("rank_sector", f"Rank among {sector}", TEAL),
            ("rank_sector_country", f"Rank among {sector_in_country(profile.sector, profile.country)}", PURPLE),
        )
        for column, label, colour in scopes:
            ranks.plot(table["year"], table[column], marker="o", color=colour, label=label)
            for year, rank in zip(published["year"], published[column], strict=False):
                ranks.annotate(
                    number(rank),
                    (year, rank),
                    textcoords="offset points",
                    xytext=(0, 6),
                    ha="center",
                    fontsize=7,
                    color=colour,
                )
        ranks.set_yscale("log")
        ranks.invert_yaxis()
        ranks.margins(y=0.2)
        ranks.yaxis.set_major_locator(LogLocator(subs=(1, 3)))
        ranks.yaxis.set_major_formatter(THOUSANDS)
        ranks.yaxis.set_minor_locator(NullLocator())
        ranks.set_ylabel("Rank (log scale, best at top)")
        ranks.set_xlabel("Publication year")
        ranks.xaxis.set_major_locator(MaxNLocator(integer=True))
        figure.legend(*ranks.get_legend_handles_labels(), loc="outside lower left")
    return figure


def _horizontal_bars(
    labels: list[str], values: list[float], value_labels: list[str], colours: list[str], title: str, xlabel: str
) -> tuple[Figure, Axes]:
    """Bars from top to bottom in the given order, each with its value printed at its end."""
    figure, (axes,) = _figure(0.7 + 0.2 * len(labels))
    with chart_style():
        positions = range(len(labels))
        bars = axes.barh(positions, values, color=colours, height=0.7)
        axes.bar_label(bars, labels=value_labels, **VALUE_LABEL)
        axes.set_yticks(positions, labels)
        axes.invert_yaxis()
        axes.tick_params(axis="y", length=0)
        axes.spines["left"].set_visible(False)
        axes.xaxis.set_major_formatter(THOUSANDS)
        axes.set_xlabel(xlabel)
        axes.set_title(title)
        axes.margins(x=0.12)
    return figure, axes


def standing(table: pd.DataFrame, institution: str, title: str, bars: int = 20) -> Figure:
    """Draw the first ``bars`` applicants of a ranking and ``institution``, after a gap when lower.

    ``table`` is ranked best first with columns rank, applicant, published, such as
    ``summary.standing_among_top``'s result. More than about twenty bars would not stay
    legible once the chart is scaled to the height of an A4 page.
    """
    shown = table.head(bars)
    own = table[table["applicant"] == institution]
    rows = shown if own.index.isin(shown.index).all() else pd.concat([shown, own])
    labels = [f"{rank:,}. {_short(name)}" for rank, name in zip(rows["rank"], rows["applicant"], strict=False)]
    values = list(rows["published"])
    colours = [ORANGE if name == institution else BLUE for name in rows["applicant"]]
    value_labels = [number(value) for value in values]
    at = colours.index(ORANGE)
    # A competition rank above one's position means applicants are left out before it.
    if rows["rank"].iloc[at] > at + 1:
        # An empty row labelled with an ellipsis stands for the applicants in between.
        for column, filler in ((labels, "…"), (values, 0), (colours, "none"), (value_labels, "")):
            column.insert(at, filler)
    figure, axes = _horizontal_bars(labels, values, value_labels, colours, title, "Published applications")
    for label, colour in zip(axes.get_yticklabels(), colours, strict=False):
        if colour == ORANGE:
            label.set_color(ORANGE)
            label.set_fontweight("bold")
    return figure


def shares(table: pd.DataFrame, title: str) -> Figure:
    """Draw each group's share of the year's published applications; "Others" in grey.

    ``table`` is ``summary.shares_by_sector`` or ``summary.shares_by_country``: label, share.
    """
    colours = [GREY if label == OTHERS else BLUE for label in table["label"]]
    value_labels = [f"{share:.1f} %" for share in table["share"]]
    figure, _ = _horizontal_bars(
        [_short(label) for label in table["label"]],
        list(table["share"]),
        value_labels,
        colours,
        title,
        "Share of published applications (%)",
    )
    return figure


def movers(table: pd.DataFrame, title: str) -> Figure:
    """Draw the places each applicant climbed (blue) or fell (orange) since the year before.

    ``table`` is ``summary.biggest_movers``: applicant, rank_previous, rank, rank_change.
    """
    labels = [
        f"{_short(name, 40)} ({before:,} → {after:,})"
        for name, before, after in zip(table["applicant"], table["rank_previous"], table["rank"], strict=False)
    ]
    colours = [BLUE if change > 0 else ORANGE for change in table["rank_change"]]
    value_labels = [number(change, signed=True) for change in table["rank_change"]]
    figure, axes = _horizontal_bars(
        labels, list(table["rank_change"]), value_labels, colours, title, "Places gained (negative: places lost)"
    )
    with chart_style():
        axes.axvline(0, color="#999999", linewidth=0.8)
    return figure
