"""The report's charts: matplotlib figures in one palette, returned for ``present.figure``.

Figures are built with ``matplotlib.figure.Figure`` rather than pyplot, so that nothing is
shown twice by the notebook's inline backend and no global figure state is shared.
"""

import pandas as pd
from matplotlib import font_manager, rc_context, rcParams
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullLocator

from analysis.narrative import sector_in_country
from analysis.present import number
from analysis.schema import SECTOR_LABELS
from analysis.summary import OTHERS

WIDTH = 7.0
"""Inches: the text width of an A4 page with its margins, so that no chart is scaled down."""

BLUE = "#2b5c8a"
TEAL = "#3e9c9c"
PURPLE = "#7b68a6"
ORANGE = "#d9822b"
GREY = "#b8c2cc"
INK = "#333333"

STYLE = {
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

CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK TC", "Noto Sans CJK JP", "Noto Sans CJK KR")
"""Preferred fonts for Chinese, Japanese and Korean names, Simplified Chinese first."""

VALUE_LABEL = {"padding": 3, "fontsize": 7, "color": INK}

THOUSANDS = FuncFormatter(lambda value, _: f"{value:,.0f}")


def _cjk_family():
    """Return the name of an installed CJK font, registering it if matplotlib's cache predates it."""
    known = {font.name for font in font_manager.fontManager.ttflist}
    if not any("CJK" in name for name in known):
        # matplotlib never rescans the system after building its cache, and the set-up may
        # install fonts-noto-cjk after that.
        for path in font_manager.findSystemFonts():
            if "CJK" in path:
                font_manager.fontManager.addfont(path)
        known = {font.name for font in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FAMILIES if name in known), None) or next(
        (name for name in sorted(known) if "CJK" in name), None
    )


def _use_cjk_fallback():
    """Put a CJK font behind DejaVu Sans, so that Chinese names are drawn instead of empty boxes."""
    family = _cjk_family()
    if family:
        rcParams["font.family"] = ["DejaVu Sans", family]


_use_cjk_fallback()


def _figure(height, rows=1):
    with rc_context(STYLE):
        figure = Figure(figsize=(WIDTH, height), layout="constrained")
        axes = figure.subplots(rows, 1, sharex=True, squeeze=False)[:, 0]
    return figure, axes


def _short(name, length=48):
    return name if len(name) <= length else name[: length - 1] + "…"


def trend(profile):
    """Draw the institution's published applications and its three ranks, year by year.

    Ranks are on a logarithmic axis, best at the top, so that a rank among thousands and a
    rank among a dozen can be read on one panel.
    """
    table = profile.trend
    sector = SECTOR_LABELS[profile.sector]
    figure, (counts, ranks) = _figure(5.2, rows=2)
    with rc_context(STYLE):
        bars = counts.bar(table["year"], table["published"], color=BLUE, width=0.6)
        counts.bar_label(bars, labels=[number(value) for value in table["published"]], **VALUE_LABEL)
        counts.set_title(f"{profile.institution}: published PCT applications and ranks")
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
            for year, rank in zip(table["year"], table[column]):
                ranks.annotate(number(rank), (year, rank), textcoords="offset points", xytext=(0, 6),
                               ha="center", fontsize=7, color=colour)
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


def _horizontal_bars(labels, values, value_labels, colours, title, xlabel):
    """Bars from top to bottom in the given order, each with its value printed at its end."""
    figure, (axes,) = _figure(0.7 + 0.2 * len(labels))
    with rc_context(STYLE):
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


def standing(table, institution, title, bars=20):
    """Draw the first ``bars`` applicants of a ranking and ``institution``, after a gap when lower.

    ``table`` is ranked best first with columns rank, applicant, published, such as
    ``summary.standing_among_top``'s result. More than about twenty bars would not stay
    legible once the chart is scaled to the height of an A4 page.
    """
    shown = table.head(bars)
    own = table[table["applicant"] == institution]
    rows = shown if own.index.isin(shown.index).all() else pd.concat([shown, own])
    labels = [f"{rank:,}. {_short(name)}" for rank, name in zip(rows["rank"], rows["applicant"])]
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
    for label, colour in zip(axes.get_yticklabels(), colours):
        if colour == ORANGE:
            label.set_color(ORANGE)
            label.set_fontweight("bold")
    return figure


def shares(table, title):
    """Draw each group's share of the year's published applications; "Others" in grey.

    ``table`` is ``summary.shares_by_sector`` or ``summary.shares_by_country``: label, share.
    """
    colours = [GREY if label == OTHERS else BLUE for label in table["label"]]
    value_labels = [f"{share:.1f} %" for share in table["share"]]
    figure, _ = _horizontal_bars(
        list(table["label"]), list(table["share"]), value_labels, colours, title,
        "Share of published applications (%)",
    )
    return figure


def movers(table, title):
    """Draw the places each applicant climbed (blue) or fell (orange) since the year before.

    ``table`` is ``summary.biggest_movers``: applicant, rank_previous, rank, rank_change.
    """
    labels = [
        f"{_short(name, 40)} ({before:,} → {after:,})"
        for name, before, after in zip(table["applicant"], table["rank_previous"], table["rank"])
    ]
    colours = [BLUE if change > 0 else ORANGE for change in table["rank_change"]]
    value_labels = [number(change, signed=True) for change in table["rank_change"]]
    figure, axes = _horizontal_bars(
        labels, list(table["rank_change"]), value_labels, colours, title, "Places gained (negative: places lost)"
    )
    axes.axvline(0, color="#999999", linewidth=0.8)
    return figure
