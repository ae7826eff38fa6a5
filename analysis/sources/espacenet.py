"""Espacenet (EPO) result lists, read as downloaded: .csv (";"-separated, every field quoted,
every line ending in ";"), .xlsx or the older .xls.

Banner rows ("Espacenet", the search query, the date of the export) sit above the header
``No``, ``Title``, ``Inventors``, ``Applicants``, ``Publication number``, ``Earliest
priority``, ``IPC``, ``CPC``, ``Publication date``, ``Earliest publication``, ``Family
number``. Each row is a family, and its cells hold several values on separate lines:

- ``Publication number``: the family's publications, "WO2015026896 (A1)" or
  "WO2015026896A1", one a line. The WO members are the PCT publications: a row yields one
  record per WO member (an A1 and its A3 in one cell are one application; validation counts
  the A1 and sets the A3 aside as a republication). A row with no WO member is not a PCT
  publication: it yields one record under its first number, which validation leaves out and
  counts by that number's office.
- ``Publication date``: one date (YYYY-MM-DD) per publication number, in the same order; a
  WO member takes the date on its own line. A single date belongs to a single number; a cell
  whose dates do not pair with its numbers leaves the date unread, which validation reports
  with the row (a date is never borrowed from another family member).
- ``Applicants``: "NAME [CC]" one a line; CC is the applicant's country, stripped from the
  name. A name without brackets has an unknown country. Names written on one line
  ("A [CN] B [DE]") are split after each bracketed code.
- ``IPC``: symbols one a line, joined by ";".
"""

from typing import TYPE_CHECKING

from analysis.load import sql_string
from analysis.sources.files import Head, column
from analysis.sources.records import ipc_joined, parse_date, raw_select, read_files, row_label, split_cells, trimmed

if TYPE_CHECKING:
    from analysis.sources import Reader, SourceFormat

HEADER = ("Publication number", "Applicants", "Publication date", "Family number")
LINE = "\n"
TRAILING = sql_string(" \t\n")
"""White space that may end a cell and adds no applicant."""


def detect(head: Head) -> bool:
    """True for an Espacenet results list header (banner rows above it allowed)."""
    return head.find_header(HEADER) is not None


def read(reader: "Reader", heads: list[Head]) -> str:
    """Raw records of Espacenet result lists: one per (WO publication, applicant)."""
    return read_files(reader, heads, HEADER, "Espacenet", _select)


def _text(expression: str) -> str:
    """SQL: a cell as text whose line breaks (CR, LF or CRLF) are all LF."""
    return f"regexp_replace(coalesce(CAST({expression} AS VARCHAR), ''), '\\r\\n?', chr(10), 'g')"


def _lines(expression: str) -> str:
    """SQL: the non-empty, trimmed lines of a cell."""
    return (
        f"list_filter(list_transform(string_split({_text(expression)}, chr(10)), lambda v: {trimmed('v')}), "
        "lambda v: v IS NOT NULL)"
    )


def _members(numbers: str, dates: str) -> str:
    """SQL: the publications a row counts as, each {number, date}: its WO members, or else
    its first number alone (NULL number for an empty cell, which validation reports)."""
    paired = (
        "list_transform(range(1, len(n) + 1), lambda i: {'number': n[i], "
        "'date': CASE WHEN len(d) = len(n) THEN d[i] END})"
    )
    wo = "list_filter(pairs, lambda p: upper(left(p.number, 2)) = 'WO')"
    first = "[{'number': n[1], 'date': CASE WHEN len(d) <= 1 THEN d[1] END}]"
    return (
        f"(SELECT CASE WHEN len({wo}) > 0 THEN {wo} ELSE {first} END "
        f"FROM (SELECT n, d, {paired} AS pairs FROM (SELECT {_lines(numbers)} AS n, {_lines(dates)} AS d)))"
    )


def _select(reader: "Reader", head: Head, table: str, names: list[str]) -> str:
    numbers, dates = column(names, "Publication number"), column(names, "Publication date")
    ipc = column(names, "IPC")
    date_count = f"len({_lines(dates)})"
    hint = (
        f"CASE WHEN {date_count} = len({_lines(numbers)}) THEN 'YYYY-MM-DD' ELSE "
        f"'YYYY-MM-DD, one per publication number: the cell has ' || {date_count} || ' dates for ' "
        f"|| len({_lines(numbers)}) || ' numbers' END"
    )
    values = {
        "publication_number": "member.number",
        "publication_date": parse_date("member.date"),
        # The whole cell, on one line, where its dates do not pair with the numbers.
        "publication_date_raw": f"coalesce(member.date, NULLIF(array_to_string({_lines(dates)}, ' / '), ''))",
        "date_hint": hint,
        "applicant_name": _one_per_line(column(names, "Applicants")),
        "ipc": ipc_joined(ipc) if ipc else "NULL",
    }
    members = f"(SELECT *, unnest({_members(numbers, dates)}) AS member FROM {table})"
    select = raw_select(members, str(head.path), row_label(head), values, reader.order_base())
    return _with_countries(_one_input_row(split_cells(select, LINE)))


def _one_input_row(select: str) -> str:
    """SQL: the records of ``select`` numbered so that a row yielding several WO members (an
    A1 and its A3) is still one input row: only its first record is part 1 and carries the
    count of empty applicant lines, which every member repeats."""
    return (
        "SELECT * EXCLUDE (_rn, _row_empty) REPLACE (CAST(_rn AS INTEGER) AS _part, "
        "CAST(CASE WHEN _rn = 1 THEN _row_empty ELSE 0 END AS INTEGER) AS _empty_parts) "
        "FROM (SELECT *, row_number() OVER (PARTITION BY _order ORDER BY publication_number, _part) AS _rn, "
        f"max(_empty_parts) OVER (PARTITION BY _order) AS _row_empty FROM ({select}))"
    )


def _one_per_line(expression: str) -> str:
    """SQL: the applicants cell with one "NAME [CC]" per line, also where a line holds
    several; a trailing line break adds no empty applicant."""
    split = f"regexp_replace({_text(expression)}, '(\\[[A-Za-z]{{2}}\\])[ \\t]*\\n?', '\\1' || chr(10), 'g')"
    return f"rtrim({split}, {TRAILING})"


def _with_countries(select: str) -> str:
    """SQL: the records of ``select`` with a trailing "[CC]" moved from the name to the country."""
    code = r"\s*\[([A-Za-z]{2})\]\s*$"
    return (
        f"SELECT * REPLACE ({trimmed(f'regexp_replace(applicant_name, {sql_string(code)}, {sql_string(chr(32))})')} "
        "AS applicant_name, "
        f"NULLIF(regexp_extract(applicant_name, {sql_string(code)}, 1), '') AS applicant_country) FROM ({select})"
    )


def _format() -> "SourceFormat":
    from analysis.sources import SourceFormat

    return SourceFormat(
        "espacenet",
        "Espacenet (EPO) results list, as downloaded (.csv, .xlsx, .xls)",
        (
            "No;Title;Inventors;Applicants;Publication number;Earliest priority;IPC;CPC;"
            "Publication date;Earliest publication;Family number"
        ),
        detect,
        read,
        download=(
            "worldwide.espacenet.com → results list → Download → the list as CSV or Excel: "
            "up to 500 families per file; split larger searches by publication date and pass all files"
        ),
    )


FORMAT = _format()
