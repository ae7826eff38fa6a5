"""The raw canonical record that every input format produces, and SQL helpers to build it.

A format's reader selects, from its scanned tables, one row per (publication, applicant)
with exactly the columns of RAW_COLUMNS. Values stay as written (validation parses and
checks them, naming ``_file`` and ``_row``), except what only the format knows how to
read: its date pattern, how it splits a cell of several applicants, where it writes a
country.
"""

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from analysis.errors import SchemaError
from analysis.load import sql_string
from analysis.sources.files import Head, table_columns

if TYPE_CHECKING:
    from analysis.sources import Reader

RAW_COLUMNS = {
    "_file": "VARCHAR",  # the file as the user named it, for messages
    "_row": "BIGINT",  # line or row number in that file, as the user sees it
    "_label": "VARCHAR",  # "line" or "row"
    "_order": "BIGINT",  # order of rows across all files (first file first)
    "_part": "INTEGER",  # 1 for the first applicant of a row, 2… for the others of a split cell
    "_empty_parts": "INTEGER",  # empty parts dropped from a split cell, counted on the first part
    "publication_number": "VARCHAR",  # as written: WO2015075742, "WO 2015/075742 A2", US2015123456A1
    "kind": "VARCHAR",  # kind code where the export has its own column (A1, A3 …)
    "office": "VARCHAR",  # publishing office where the export has its own column (WO, US …)
    "publication_date": "DATE",  # parsed by the format; NULL when the text is not a date
    "publication_date_raw": "VARCHAR",  # as written, for messages
    "date_hint": "VARCHAR",  # the expected pattern, for messages
    "applicant_name": "VARCHAR",  # one applicant; NULL when the publication names none
    "applicant_sequence": None,  # 1 = first-named, as written (any type) or as numbered by a split
    "applicant_country": "VARCHAR",  # as written; NULL = unknown
    "applicant_sector": "VARCHAR",
    "provenance": "VARCHAR",
    "ipc": "VARCHAR",  # IPC symbols separated by ";"
}

WHITESPACE = " \t\r\n\u00a0"


def trimmed(expression: str) -> str:
    """SQL: text with surrounding white space (line breaks included) removed, empty as NULL."""
    return f"NULLIF(trim(CAST({expression} AS VARCHAR), {sql_string(WHITESPACE)}), '')"


def parse_date(expression: str, pattern: str | None = None) -> str:
    """SQL: the DATE that ``expression`` holds in ``pattern`` (ISO when None), or NULL.

    A two-digit year (``%y``) is read as the latest year not in the future, so "85" is
    1985 and "24" is 2024; validation then refuses anything before the first PCT year.
    """
    text = trimmed(expression)
    if pattern is None:
        return f"TRY_CAST({text} AS DATE)"
    parsed = f"CAST(try_strptime({text}, {sql_string(pattern)}) AS DATE)"
    if "%y" not in pattern:
        return parsed
    return (
        f"list_transform([{parsed}], lambda d: CASE WHEN d > current_date "
        "THEN CAST(d - INTERVAL 100 YEAR AS DATE) ELSE d END)[1]"
    )


def raw_select(table: str, file_label: str, label: str, values: dict[str, str], order_base: int = 0) -> str:
    """SQL selecting RAW_COLUMNS from ``table``: ``values`` maps column to an SQL expression;
    the rest are typed NULLs. ``_file``, ``_label`` and ``_order`` are filled in here. The
    sequence keeps the type the file gives it (a Parquet integer is not cast to text)."""
    expressions = {
        "_file": sql_string(file_label),
        "_row": "_row",
        "_label": sql_string(label),
        "_order": f"{order_base} + _row",
        "_part": "1",
        "_empty_parts": "0",
        **values,
    }
    return (
        "SELECT "
        + ", ".join(
            f"{expressions[name]} AS {name}"
            if kind is None and name in expressions
            else f"CAST({expressions.get(name, 'NULL')} AS {kind or 'VARCHAR'}) AS {name}"
            for name, kind in RAW_COLUMNS.items()
        )
        + f" FROM {table}"
    )


def split_cells(select_sql: str, separator: str, columns: Sequence[str] = ("applicant_name",)) -> str:
    """SQL: the rows of ``select_sql`` with each of ``columns`` split on ``separator``.

    One row per part, numbered in cell order as ``applicant_sequence``; parts are trimmed
    and empty parts dropped, their number kept in ``_empty_parts`` of the first part. A
    cell with no part at all keeps one row with a NULL name, so that a publication naming
    no applicant is counted, not lost. Further ``columns`` (a country per applicant) are
    split in step with the first; a single value applies to every part.
    """
    first, *others = columns
    parts = (
        f"list_filter(list_transform(string_split(coalesce({first}, ''), {sql_string(separator)}), "
        f"lambda p: {trimmed('p')}), lambda p: p IS NOT NULL)"
    )
    written = f"len(string_split(coalesce({first}, ''), {sql_string(separator)}))"
    other_lists = {
        name: (
            f"list_filter(list_transform(string_split(coalesce({name}, ''), {sql_string(separator)}), "
            f"lambda p: {trimmed('p')}), lambda p: p IS NOT NULL)"
        )
        for name in others
    }
    picked = ", ".join(
        f"CASE WHEN len({name}_parts) = 1 THEN {name}_parts[1] ELSE {name}_parts[i] END AS {name}" for name in others
    )
    other_columns = "".join(f", {expression} AS {name}_parts" for name, expression in other_lists.items())
    replaced = ", ".join(("applicant_sequence", "_part", "_empty_parts", *columns))
    return f"""
        SELECT * EXCLUDE ({replaced}, parts, n, i{"".join(f", {n}_parts" for n in others)}),
               CASE WHEN n = 0 THEN NULL ELSE parts[i] END AS {first},
               CAST(i AS VARCHAR) AS applicant_sequence, CAST(i AS INTEGER) AS _part,
               CAST(CASE WHEN i = 1 THEN (CASE WHEN {first} IS NULL THEN 0 ELSE {written} END) - n ELSE 0 END
                    AS INTEGER) AS _empty_parts
               {", " + picked if picked else ""}
        FROM (SELECT *, {parts} AS parts, len({parts}) AS n{other_columns},
                     unnest(range(1, greatest(len({parts}), 1) + 1)) AS i
              FROM ({select_sql}))"""


def read_files(
    reader: "Reader",
    heads: list[Head],
    header: Sequence[str],
    title: str,
    select: Callable[["Reader", Head, str, list[str]], str],
) -> str:
    """SQL over every file: each scanned below its header and turned into raw records by
    ``select(reader, head, table, names)``. A file forced to this format without the
    header is a SchemaError naming it."""
    selects = []
    for head in heads:
        found = head.find_header(header)
        if found is None:
            raise SchemaError(
                f"{head.path}: not a {title} export; its first rows hold no header with {', '.join(header)}"
            )
        table = reader.scanner.scan(head, *found)
        selects.append(select(reader, head, table, table_columns(reader.connection, table)))
    return " UNION ALL BY NAME ".join(f"({s})" for s in selects)


def row_label(head: Head) -> str:
    """How messages name a row: a text file's line, a workbook's row."""
    return "line" if head.kind == "text" else "row"


def ipc_joined(expression: str) -> str:
    """SQL: the IPC symbols of a cell, whatever separates them (";", ",", line breaks), joined
    by ";" as the records contract wants; spaces inside a symbol ("G06F 3/01") are kept."""
    parts = f"regexp_split_to_array(coalesce(CAST({expression} AS VARCHAR), ''), '[;,\\r\\n]+')"
    return (
        f"NULLIF(array_to_string(list_filter(list_transform({parts}, lambda s: {trimmed('s')}), "
        "lambda s: s IS NOT NULL), ';'), '')"
    )
