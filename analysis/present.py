"""How the report notebooks show tables, figures and sentences: as escaped HTML.

pandas' Styler and IPython's Markdown pass HTML through, so an applicant named
``<script>`` would run in the report; everything here escapes every value it shows.
Tables and the provenance also carry a JSON copy of their data (``application/vnd.pct.*``)
that the renderer writes out as CSV, XLSX and the manifest.

Names are isolated for bidirectional text and shortened (``analysis.markup``), whole in
the JSON data. Each output carries the report's styles scoped to its box, so that it looks
in JupyterLab as in the report. Imported in a kernel, this module installs
``analysis.ipython``'s display hooks (no stray plot return values, DataFrames as tables).
"""

import base64
import io
import numbers
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

import pandas as pd

from analysis.hashing import display_path
from analysis.markup import boxed, name_html, shorten, text_html
from analysis.narrative import format_count, ordinal, sector_in_country
from analysis.schema import (
    COUNTING_DESCRIPTIONS,
    PROVENANCE_MIMETYPE,
    RANKING_DESCRIPTION,
    SECTOR_LABELS,
    TABLE_MIMETYPE,
)

PNG_DPI = 200
"""Sharp in print at A4 width; fixed so that the same figure always gives the same bytes."""

HEADERS = {
    "rank": "Rank",
    "applicant": "Applicant",
    "country": "Country",
    "sector": "Sector",
    "label": "",
    "year": "Year",
    "published": "Published",
    "published_previous": "Published, year before",
    "published_change": "Change",
    "rank_previous": "Rank, year before",
    "rank_change": "Rank change",
    "rank_overall": "Overall rank",
    "rank_sector": "Rank in sector",
    "rank_sector_country": "Rank in sector and country",
    "applicants": "Applicants",
    "share": "Share (%)",
    "field": "Field of technology",
    "tech_sector": "Sector of technology",
    "applications": "Applications",
    "applications_previous": "Applications, year before",
    "growth": "Growth (%)",
    "sector_share": "Sector's share (%)",
    "specialisation": "Specialisation index",
    "rank_in_sector": "Rank in sector",
    "partner": "Partner",
    "partners": "Partners",
    "with_partner": "With a partner",
    "with_several": "With several applicants",
    "university_applications": "University applications",
    "with_business": "With a business",
}
"""Readable headers for the pipeline's snake_case columns."""

SIGNED_COLUMNS = ("published_change", "rank_change")

LABEL_COLUMNS = ("year",)
"""Numbers that name something rather than count it: no thousands separator."""

PROVENANCE_MARKS = {"published": ("†", "published WIPO figure"), "synthetic": ("‡", "synthetic demo figure")}
"""The mark after an applicant's name, and what it means, by the row's provenance."""


@dataclass(frozen=True)
class Output:
    """One displayed result: escaped HTML, a plain-text fallback, and JSON data by mimetype."""

    html: str
    text: str
    data: dict = field(default_factory=dict)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/html": boxed(self.html), "text/plain": self.text, **self.data}


def header(column):
    """Return the readable header of a pipeline column."""
    return HEADERS.get(column, column.replace("_", " ").capitalize())


def ranking_columns(year, overall_rank=False):
    """Return the columns of ``ranking.ranking_table`` to show, with headers naming the years.

    Headers stay short so that the applicant's name keeps the width on an A4 page.
    """
    years = {"published_year_minus_2": str(year - 2), "published_year_minus_1": str(year - 1), "published": str(year)}
    shown = ["rank", "applicant", "country", *years, "published_change", "rank_change"]
    return {
        column: years.get(column) or header(column) for column in shown + (["rank_overall"] if overall_rank else [])
    }


def movers_columns(year):
    """Return the columns of ``summary.biggest_movers`` to show, with headers naming the years."""
    years = {
        "published_previous": str(year - 1),
        "published": str(year),
        "rank_previous": f"Rank {year - 1}",
        "rank": f"Rank {year}",
    }
    shown = ["applicant", "country", *years, "rank_change"]
    return {column: years.get(column) or header(column) for column in shown}


def _is_missing(value):
    return value is None or (not isinstance(value, str) and pd.isna(value))


def json_value(value):
    """Return ``value`` as JSON: None for missing, booleans, ints as ints, floats, or text."""
    if _is_missing(value):
        return None
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return int(value) if float(value).is_integer() else float(value)
    return str(value)


def number(value, signed=False):
    """Format a count, rank or share: thousands separators, one decimal for fractions."""
    value = json_value(value)
    if value is None:
        return "–"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    text = format_count(abs(value))
    if value < 0:
        return f"−{text}"
    return f"+{text}" if signed and value > 0 else text


def _is_number(value):
    value = json_value(value)
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _cell(row, column, align):
    value = row[column]
    if column in LABEL_COLUMNS:
        text = escape(str(json_value(value)))
    elif align:
        text = escape(number(value, signed=column in SIGNED_COLUMNS))
    else:
        text = "–" if _is_missing(value) else name_html(value)
    if column == "applicant" and not _is_missing(row.get("provenance")):
        mark, meaning = PROVENANCE_MARKS[row["provenance"]]
        text += f'<sup class="provenance" title="{escape(meaning)}">{mark}</sup>'
    return f"<td{align}>{text}</td>"


def _provenance_footer(df, columns):
    """Explain the marks that the shown rows carry, in a footer row; nothing if none."""
    if "provenance" not in df.columns or "applicant" not in columns:
        return ""
    sources = set(df["provenance"].dropna())
    notes = [f"{mark} {meaning}" for key, (mark, meaning) in PROVENANCE_MARKS.items() if key in sources]
    if not notes:
        return ""
    return f'<tfoot><tr><td colspan="{len(columns)}">{escape("; ".join(notes))}</td></tr></tfoot>'


def _shown_columns(df, columns):
    """Return the columns to show as a mapping of column to header."""
    if columns is None:
        columns = [column for column in df.columns if column != "provenance"]
    if not isinstance(columns, Mapping):
        columns = {column: header(str(column)) for column in columns}
    return columns


def table_html(df, caption, highlight=None, columns=None, names=()):
    """Return ``df`` as an escaped HTML table in its scrolling box; see ``table``."""
    columns = _shown_columns(df, columns)
    # A column of numbers with a few words ("new") is still aligned as numbers.
    align = {column: ' class="num"' if df[column].map(_is_number).any() else "" for column in columns}
    head = "".join(f'<th scope="col"{align[column]}>{escape(label)}</th>' for column, label in columns.items())
    body = []
    for _, row in df.iterrows():
        cells = "".join(_cell(row, column, align[column]) for column in columns)
        marked = highlight is not None and row.get("applicant") == highlight
        body.append(f'<tr class="highlight">{cells}</tr>' if marked else f"<tr>{cells}</tr>")
    caption_html = f"<caption>{text_html(caption, [*names, highlight])}</caption>" if caption else ""
    return (
        f'<div class="table-scroll"><table class="data">{caption_html}'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody>{_provenance_footer(df, columns)}</table></div>"
    )


def table(df, name, caption, highlight=None, columns=None, names=()):
    """Show ``df`` as an escaped HTML table and carry its data as JSON for CSV and XLSX.

    ``columns`` chooses the columns to show: a list of pipeline columns, or a mapping of
    column to header; all columns but ``provenance`` by default. Rows whose applicant is
    ``highlight`` are marked; a provenance column becomes a mark after the applicant's
    name, explained below the table, and stays in the JSON data. ``names`` (and
    ``highlight``) are isolated and shortened where the caption mentions them. ``df`` None
    (a section the data cannot fill, whose reason the report states) shows nothing.
    """
    if df is None:
        return None
    html = table_html(df, caption, highlight, columns, names)
    return Output(html, f"{caption} ({len(df):,} rows)", {TABLE_MIMETYPE: _table_data(df, name, caption, columns)})


def _table_data(df, name, caption, columns):
    """Return the JSON copy of a table for CSV and XLSX: the shown columns, then provenance."""
    columns = list(_shown_columns(df, columns))
    exported = columns + (["provenance"] if "provenance" in df.columns and "provenance" not in columns else [])
    return {
        "name": name,
        "caption": caption,
        "columns": exported,
        "data": [[json_value(value) for value in row] for row in df[exported].itertuples(index=False)],
    }


_SCRIPT_TAG = re.compile(r"<script(?=[\s>])", re.IGNORECASE)


def searchable_table(df, name, caption, columns=None):
    """Show every row of ``df`` in a table the reader can search and sort, offline, on screen only.

    For a long ranking in which readers look for their own institution. The output carries
    its own script (itables' DataTables bundle, marked ``data-pct-offline`` so that the
    renderer keeps it) and fetches nothing. Print hides it: keep a static top-N ``table``
    beside it for the PDF. Every row goes to CSV and XLSX, names in full.
    """
    from itables import options, to_html_datatable
    from itables.javascript import generate_init_offline_itables_html

    columns = _shown_columns(df, columns)
    shown = df[list(columns)].rename(columns=columns)
    for label in shown.columns:
        if not pd.api.types.is_numeric_dtype(shown[label]):
            shown[label] = shown[label].map(lambda value: value if _is_missing(value) else shorten(value))
    numeric = [at for at, label in enumerate(shown.columns) if pd.api.types.is_numeric_dtype(shown[label])]
    # maxBytes=0: every row, where itables would drop rows of a large table. The search box
    # first, and kept when the rows fit on one page (itables drops it from its own layout).
    widget = generate_init_offline_itables_html(options.dt_bundle) + to_html_datatable(
        shown,
        caption=escape(caption),
        connected=False,
        maxBytes=0,
        showIndex=False,
        classes="display compact",
        layout={"topStart": "search", "topEnd": "pageLength", "bottomStart": "info", "bottomEnd": "paging"},
        columnDefs=[{"className": "num", "targets": numeric}],
    )
    html = f'<div class="pct-searchable">{_SCRIPT_TAG.sub("<script data-pct-offline", widget)}</div>'
    return Output(
        html, f"{caption} ({len(df):,} rows, searchable)", {TABLE_MIMETYPE: _table_data(df, name, caption, columns)}
    )


def _root_figure(chart):
    """Return the matplotlib Figure that a Figure, SubFigure, Axes or seaborn grid belongs to."""
    from matplotlib.figure import FigureBase

    if isinstance(chart, (list, tuple)) or type(chart).__name__ == "ndarray":
        chart = next(iter(getattr(chart, "flat", chart)), None)  # plt.subplots()'s axes
    figure = chart if isinstance(chart, FigureBase) else getattr(chart, "figure", None)
    if not isinstance(figure, FigureBase):
        raise TypeError(
            f"present.figure shows a matplotlib or seaborn Figure, Axes or grid, not {type(chart).__name__}"
        )
    return figure.get_figure(root=True)


def figure(chart, alt=None, caption=None, names=()):
    """Show a chart as an embedded PNG with its alt text and caption, then close it.

    ``chart`` is a matplotlib Figure or Axes, or a seaborn grid (FacetGrid, PairGrid,
    JointGrid). ``alt`` says what the chart shows for readers who cannot see it and
    ``caption`` titles it in the report; both are required. ``names`` are isolated and
    shortened where the caption mentions them.
    """
    needs = {
        "alt": "a sentence saying what the chart shows, for readers who cannot see it",
        "caption": "the chart's title as the report shows it under the image",
    }
    for argument, value in (("alt", alt), ("caption", caption)):
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f'present.figure needs {argument}="…": {needs[argument]}')
    from analysis.fonts import add_cjk_fallback

    fig = add_cjk_fallback(_root_figure(chart))
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=PNG_DPI, metadata={"Software": None})
    # Only pyplot's figures are shown again by the inline backend, and only once pyplot is
    # loaded; importing it here would cost every report a quarter of a second.
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close(fig)
    source = base64.b64encode(buffer.getvalue()).decode("ascii")
    html = (
        f'<figure class="chart"><img alt="{escape(alt)}" src="data:image/png;base64,{source}">'
        f"<figcaption>{text_html(caption, names)}</figcaption></figure>"
    )
    return Output(html, caption)


def title(text, subtitle=None, names=()):
    """Show the report's title, which names what markdown cannot: the institution and year.

    ``names`` are isolated and shortened where the title mentions them.
    """
    html = f'<h1 class="title">{text_html(text, names)}</h1>'
    if subtitle:
        html += f'<p class="subtitle">{text_html(subtitle, names)}</p>'
    return Output(html, text)


def paragraphs(*sentences, names=()):
    """Show each sentence, or group of sentences, as its own paragraph.

    ``names`` are isolated and shortened where the sentences mention them.
    """
    html = "".join(f"<p>{text_html(sentence, names)}</p>" for sentence in sentences)
    return Output(html, "\n\n".join(sentences))


def note(text):
    """Show a caveat or explanation set apart from the story."""
    return Output(f'<p class="note">{escape(text)}</p>', text)


def _change(current, previous, previous_year, better_when_lower):
    """Describe the move from ``previous`` to ``current``: arrow, amount and class."""
    if _is_missing(previous) or _is_missing(current):
        return "", f"no figure for {previous_year}"
    gain = previous - current if better_when_lower else current - previous
    if gain == 0:
        return "same", f"unchanged since {previous_year}"
    arrow, direction = ("▲", "up") if gain > 0 else ("▼", "down")
    amount = number(abs(gain))
    unit = (" place" if abs(gain) == 1 else " places") if better_when_lower else ""
    return direction, f"{arrow} {amount}{unit} since {previous_year}"


def key_figures(profile):
    """Show a row of cards: published applications and the three ranks, each with its change.

    An arrow up means better: more applications, or a rank nearer the top.
    """
    now, before, last_year = profile.current, profile.previous, profile.year - 1
    scopes = (
        ("rank_overall", "applicants_overall", "all applicants"),
        ("rank_sector", "applicants_sector", SECTOR_LABELS[profile.sector]),
        ("rank_sector_country", "applicants_sector_country", sector_in_country(profile.sector, profile.country)),
    )
    cards = [
        (
            "Published PCT applications",
            number(now.published),
            f"in {profile.year}",
            _change(now.published, getattr(before, "published", None), last_year, better_when_lower=False),
        )
    ]
    cards += [
        (
            f"Rank among {scope}",
            ordinal(getattr(now, rank)),
            f"of {number(getattr(now, size))}",
            _change(getattr(now, rank), getattr(before, rank, None), last_year, better_when_lower=True),
        )
        for rank, size, scope in scopes
    ]
    html = "".join(
        f'<div class="card"><div class="label">{escape(label)}</div>'
        f'<div class="value">{escape(value)}</div><div class="context">{escape(context)}</div>'
        f'<div class="change {direction}">{escape(change)}</div></div>'
        for label, value, context, (direction, change) in cards
    )
    text = "\n".join(f"{label}: {value} {context} ({change})" for label, value, context, (_, change) in cards)
    return Output(f'<div class="key-figures">{html}</div>', text)


def shown_path(path):
    """Return an absolute ``path`` relative to the project, or only its name outside it.

    Absolute paths of temporary folders would make two builds of the same report differ;
    relative paths are shown as given.
    """
    shown = Path(display_path(path)) if Path(path).is_absolute() else Path(path)
    return shown.name if shown.is_absolute() else shown.as_posix()


def provenance(dataset):
    """Show how the report was made, and carry it as JSON for the manifest.

    The inputs with their SHA-256 checksums, and the counting and ranking rules; the
    renderer adds the notebook's parameters from papermill's record of them.
    """
    inputs = [
        {"path": shown_path(item.path), "sha256": item.sha256, **({"format": item.format} if item.format else {})}
        for item in dataset.inputs
    ]
    counting = dataset.counting
    inputs_html = "".join(
        f"<li><code>{escape(item['path'])}</code>{escape(' (' + item['format'] + ')') if 'format' in item else ''}"
        f'<br><span class="checksum">SHA-256 <code>{escape(item["sha256"])}</code></span></li>'
        for item in inputs
    )
    html = (
        '<dl class="provenance">'
        f"<dt>Counting rule</dt><dd>{escape(counting)}: {escape(COUNTING_DESCRIPTIONS[counting])}</dd>"
        f"<dt>Ranking rule</dt><dd>{escape(RANKING_DESCRIPTION[0].upper() + RANKING_DESCRIPTION[1:])}</dd>"
        f"<dt>Inputs</dt><dd><ul>{inputs_html}</ul></dd>"
        "</dl>"
    )
    data = {"inputs": inputs, "counting": counting}
    text = f"Counting: {counting}; inputs: " + ", ".join(item["path"] for item in inputs)
    return Output(html, text, {PROVENANCE_MIMETYPE: data})


if "IPython" in sys.modules:  # a kernel, or an IPython shell; never the command line
    __import__("analysis.ipython").ipython.install()
