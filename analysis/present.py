"""How the report notebooks show tables, figures and sentences: as escaped HTML.

pandas' Styler and IPython's Markdown pass HTML through, so an applicant named
``<script>`` would run in the report; everything here escapes every value it shows.
Tables and the provenance also carry a JSON copy of their data (``application/vnd.pct.*``)
that the renderer writes out as CSV, XLSX and the manifest.
"""

import base64
import io
import numbers
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

import pandas as pd

from analysis.dataset import display_path
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
        return {"text/html": self.html, "text/plain": self.text, **self.data}

    def _repr_html_(self):
        return self.html


def header(column):
    """Return the readable header of a pipeline column."""
    return HEADERS.get(column, column.replace("_", " ").capitalize())


def ranking_columns(year, overall_rank=False):
    """Return the columns of ``ranking.ranking_table`` to show, with headers naming the years.

    Headers stay short so that the applicant's name keeps the width on an A4 page.
    """
    years = {"published_year_minus_2": str(year - 2), "published_year_minus_1": str(year - 1), "published": str(year)}
    shown = ["rank", "applicant", "country", *years, "published_change", "rank_change"]
    return {column: years.get(column) or header(column) for column in shown + (["rank_overall"] if overall_rank else [])}


def movers_columns(year):
    """Return the columns of ``summary.biggest_movers`` to show, with headers naming the years."""
    years = {"published_previous": str(year - 1), "published": str(year), "rank_previous": f"Rank {year - 1}", "rank": f"Rank {year}"}
    shown = ["applicant", "country", *years, "rank_change"]
    return {column: years.get(column) or header(column) for column in shown}


def _is_missing(value):
    return value is None or (not isinstance(value, str) and pd.isna(value))


def json_value(value):
    """Return ``value`` as JSON: None for missing, ints as ints, floats, or text."""
    if _is_missing(value):
        return None
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
    if not isinstance(value, (int, float)):
        return str(value)
    text = format_count(abs(value))
    if value < 0:
        return f"−{text}"
    return f"+{text}" if signed and value > 0 else text


def _is_number(value):
    return isinstance(json_value(value), (int, float))


def _cell(row, column, align):
    value = row[column]
    shown = str(json_value(value)) if column in LABEL_COLUMNS else number(value, signed=column in SIGNED_COLUMNS)
    text = escape(shown)
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


def table(df, name, caption, highlight=None, columns=None):
    """Show ``df`` as an escaped HTML table and carry its data as JSON for CSV and XLSX.

    ``columns`` chooses the columns to show: a list of pipeline columns, or a mapping of
    column to header; all columns but ``provenance`` by default. Rows whose applicant is
    ``highlight`` are marked; a provenance column becomes a mark after the applicant's
    name, explained below the table, and stays in the JSON data.
    """
    if columns is None:
        columns = [column for column in df.columns if column != "provenance"]
    if not isinstance(columns, Mapping):
        columns = {column: header(column) for column in columns}
    # A column of numbers with a few words ("new") is still aligned as numbers.
    align = {column: ' class="num"' if df[column].map(_is_number).any() else "" for column in columns}
    head = "".join(f'<th scope="col"{align[column]}>{escape(label)}</th>' for column, label in columns.items())
    body = []
    for _, row in df.iterrows():
        cells = "".join(_cell(row, column, align[column]) for column in columns)
        marked = highlight is not None and row.get("applicant") == highlight
        body.append(f'<tr class="highlight">{cells}</tr>' if marked else f"<tr>{cells}</tr>")
    html = (
        f'<table class="data"><caption>{escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody>{_provenance_footer(df, columns)}</table>"
    )
    exported = list(columns) + (["provenance"] if "provenance" in df.columns and "provenance" not in columns else [])
    data = {
        "name": name,
        "caption": caption,
        "columns": exported,
        "data": [[json_value(value) for value in row] for row in df[exported].itertuples(index=False)],
    }
    return Output(html, f"{caption} ({len(df):,} rows)", {TABLE_MIMETYPE: data})


def figure(fig, alt, caption):
    """Show a matplotlib figure as an embedded PNG with its alt text and caption, then close it."""
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
        f"<figcaption>{escape(caption)}</figcaption></figure>"
    )
    return Output(html, caption)


def title(text, subtitle=None):
    """Show the report's title, which names what markdown cannot: the institution and year."""
    html = f'<h1 class="title">{escape(text)}</h1>'
    if subtitle:
        html += f'<p class="subtitle">{escape(subtitle)}</p>'
    return Output(html, text)


def paragraphs(*sentences):
    """Show each sentence, or group of sentences, as its own paragraph."""
    html = "".join(f"<p>{escape(sentence)}</p>" for sentence in sentences)
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
            "Published PCT applications", number(now.published), f"in {profile.year}",
            _change(now.published, getattr(before, "published", None), last_year, better_when_lower=False),
        )
    ]
    cards += [
        (
            f"Rank among {scope}", ordinal(getattr(now, rank)), f"of {number(getattr(now, size))}",
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


def _parameter_value(value):
    return shown_path(value) if isinstance(value, str) and Path(value).is_absolute() else json_value(value)


def provenance(dataset, parameters):
    """Show how the report was made, and carry it as JSON for the manifest.

    The inputs with their SHA-256 checksums, the counting and ranking rules, and the
    notebook's parameters.
    """
    inputs = [{"path": shown_path(item.path), "sha256": item.sha256} for item in dataset.inputs]
    shown_parameters = {key: _parameter_value(value) for key, value in parameters.items()}
    counting = dataset.counting
    inputs_html = "".join(
        f'<li><code>{escape(item["path"])}</code><br><span class="checksum">SHA-256 '
        f'<code>{escape(item["sha256"])}</code></span></li>'
        for item in inputs
    )
    parameters_html = "".join(
        f"<li><code>{escape(key)}</code> = <code>{escape(repr(value))}</code></li>"
        for key, value in shown_parameters.items()
    )
    html = (
        '<dl class="provenance">'
        f"<dt>Counting rule</dt><dd>{escape(counting)}: {escape(COUNTING_DESCRIPTIONS[counting])}</dd>"
        f"<dt>Ranking rule</dt><dd>{escape(RANKING_DESCRIPTION[0].upper() + RANKING_DESCRIPTION[1:])}</dd>"
        f"<dt>Inputs</dt><dd><ul>{inputs_html}</ul></dd>"
        f"<dt>Parameters</dt><dd><ul>{parameters_html}</ul></dd>"
        "</dl>"
    )
    data = {"inputs": inputs, "counting": counting, "parameters": shown_parameters}
    text = f"Counting: {counting}; inputs: " + ", ".join(item["path"] for item in inputs)
    return Output(html, text, {PROVENANCE_MIMETYPE: data})
