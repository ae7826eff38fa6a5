"""The report's tables as escaped HTML, each carrying a JSON copy of its data.

pandas' Styler passes HTML through, so an applicant named ``<script>`` would run in the
report: these tables escape every value they show. Names are isolated for bidirectional
text and shortened (``analysis.markup``), whole in the JSON copy
(``application/vnd.pct.table``) that the renderer writes out as CSV and XLSX.
"""

import re
from collections.abc import Hashable, Iterable, Mapping
from html import escape

import pandas as pd

from analysis.markup import name_html, shorten, text_html
from analysis.present.headers import header
from analysis.present.output import Output
from analysis.present.values import is_missing, is_number, json_value, number
from analysis.schema import TABLE_MIMETYPE

Columns = Mapping[str, str] | Iterable[str] | None
"""The columns to show: pipeline columns, a mapping of column to header, or None for all."""

SIGNED_COLUMNS = ("published_change", "rank_change")

LABEL_COLUMNS = ("year",)
"""Numbers that name something rather than count it: no thousands separator."""

PROVENANCE_MARKS = {"published": ("†", "published WIPO figure"), "synthetic": ("‡", "synthetic demo figure")}
"""The mark after an applicant's name, and what it means, by the row's provenance."""

_SCRIPT_TAG = re.compile(r"<script(?=[\s>])", re.IGNORECASE)


def _cell(row: pd.Series, column: Hashable, align: str) -> str:
    value = row[column]
    if column in LABEL_COLUMNS:
        text = escape(str(json_value(value)))
    elif align:
        text = escape(number(value, signed=column in SIGNED_COLUMNS))
    else:
        text = "–" if is_missing(value) else name_html(value)
    if column == "applicant" and not is_missing(row.get("provenance")):
        mark, meaning = PROVENANCE_MARKS[row["provenance"]]
        text += f'<sup class="provenance" title="{escape(meaning)}">{mark}</sup>'
    return f"<td{align}>{text}</td>"


def _provenance_footer(df: pd.DataFrame, columns: Mapping[Hashable, str]) -> str:
    """Explain the marks that the shown rows carry, in a footer row; nothing if none."""
    if "provenance" not in df.columns or "applicant" not in columns:
        return ""
    sources = set(df["provenance"].dropna())
    notes = [f"{mark} {meaning}" for key, (mark, meaning) in PROVENANCE_MARKS.items() if key in sources]
    if not notes:
        return ""
    return f'<tfoot><tr><td colspan="{len(columns)}">{escape("; ".join(notes))}</td></tr></tfoot>'


def _shown_columns(df: pd.DataFrame, columns: Columns) -> Mapping[Hashable, str]:
    """Return the columns to show as a mapping of column to header."""
    if columns is None:
        columns = [column for column in df.columns if column != "provenance"]
    if not isinstance(columns, Mapping):
        columns = {column: header(str(column)) for column in columns}
    return columns


def _table_data(df: pd.DataFrame, name: str, caption: str, columns: Columns) -> dict[str, object]:
    """Return the JSON copy of a table for CSV and XLSX: the shown columns, then provenance."""
    columns = list(_shown_columns(df, columns))
    exported = columns + (["provenance"] if "provenance" in df.columns and "provenance" not in columns else [])
    return {
        "name": name,
        "caption": caption,
        "columns": exported,
        "data": [[json_value(value) for value in row] for row in df[exported].itertuples(index=False)],
    }


def table_html(
    df: pd.DataFrame,
    caption: str,
    highlight: str | None = None,
    columns: Columns = None,
    names: Iterable[str] = (),
) -> str:
    """Return ``df`` as an escaped HTML table in its scrolling box; see ``table``."""
    columns = _shown_columns(df, columns)
    # A column of numbers with a few words ("new") is still aligned as numbers.
    align = {column: ' class="num"' if df[column].map(is_number).any() else "" for column in columns}
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


def table(
    df: pd.DataFrame | None,
    name: str,
    caption: str,
    highlight: str | None = None,
    columns: Columns = None,
    names: Iterable[str] = (),
) -> Output | None:
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


def searchable_table(df: pd.DataFrame, name: str, caption: str, columns: Columns = None) -> Output:
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
            shown[label] = shown[label].map(lambda value: value if is_missing(value) else shorten(value))
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
