"""PATENTSCOPE result lists (WIPO), read as downloaded: .xls, .xlsx or .csv.

The download holds an empty row and a "Query: …" row above the header, then one row per
document: ``Publication Number`` (WO2015197496, or a national number such as US…, CN…),
``Publication Date`` (26.02.2015), ``Title``, ``Application Number``, ``Application Date``,
``Applicants`` separated by ";" (commas belong to names: "MINVIELLE, EUGENIO"),
``Inventors`` and ``IPC``. A keyword search also returns national publications; they are
read, left out by validation (their office is not WO) and counted by office. PATENTSCOPE
gives no applicant country, so it stays unknown.

The helpers below the format are shared by the other result-list exports (espacenet,
google_patents).
"""

import csv

from analysis.errors import InputFileError, SchemaError
from analysis.load import sql_string
from analysis.sources.files import column, table_columns
from analysis.sources.records import parse_date, raw_select, split_cells, trimmed

HEADER = ("Publication Number", "Publication Date", "Application Number", "Applicants")
OTHER_EXPORTS = ("Jurisdiction", "Lens ID", "Result #", "Family number")
"""Headers of other exports (Lens, Espacenet) that share some of PATENTSCOPE's names."""
DATE_PATTERN = "%d.%m.%Y"


def detect(head):
    """True for a PATENTSCOPE header (below its banner rows), not another export's."""
    found = head.find_header(HEADER)
    if found is None:
        return False
    index, delimiter = found
    names = {str(cell).strip().casefold() for cell in head.rows(delimiter)[index]}
    return not any(name.casefold() in names for name in OTHER_EXPORTS)


def read(reader, heads):
    """Raw records of PATENTSCOPE result lists: one per (publication, applicant)."""
    return read_files(reader, heads, HEADER, "PATENTSCOPE", _select)


def _select(reader, head, table, names):
    date = column(names, "Publication Date")
    ipc = column(names, "IPC")
    values = {
        "publication_number": trimmed(column(names, "Publication Number")),
        "publication_date": _date(head, date),
        "publication_date_raw": date,
        "date_hint": sql_string("DD.MM.YYYY"),
        "applicant_name": column(names, "Applicants"),
        "ipc": ipc_joined(ipc) if ipc else "NULL",
    }
    select = raw_select(table, str(head.path), row_label(head), values, reader.order_base())
    return split_cells(select, ";")


def _date(head, date):
    """SQL: the publication date; a workbook may type the cell, which the scanner writes as ISO."""
    written = parse_date(date, DATE_PATTERN)
    return f"coalesce({written}, {parse_date(date, '%Y-%m-%d')})" if head.kind == "sheet" else written


# Shared by the result-list exports ------------------------------------------------------


def read_files(reader, heads, header, title, select):
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
        check_widths(head, *found)
        table = reader.scanner.scan(head, *found)
        selects.append(select(reader, head, table, table_columns(reader.connection, table)))
    return " UNION ALL BY NAME ".join(f"({s})" for s in selects)


def check_widths(head, header_index, delimiter):
    """Raise InputFileError at the first record of a text file whose number of fields is not
    the header's, naming the line an editor shows (a record may span lines).

    The scanner alone lets through one extra field when the row's last cell is empty (its
    CSV reader takes it for a trailing delimiter) and would shift the row's values; result
    lists are small (a few thousand rows), so the file is read once more here.
    """
    if head.kind != "text":
        return
    with open(head.path, encoding=head.encoding, newline="") as handle:
        records = csv.reader(handle, delimiter=delimiter)
        for _ in range(header_index):
            next(records, None)
        start = 1
        try:
            width = len(next(records, []))
            start = records.line_num + 1
            for record in records:
                if record and len(record) != width:
                    raise InputFileError(f"{head.path} line {start}: {len(record)} fields where the header has {width}")
                start = records.line_num + 1
        except csv.Error as error:
            raise InputFileError(f"{head.path} line {start}: cannot be read ({error})") from None


def row_label(head):
    """How messages name a row: a text file's line, a workbook's row."""
    return "line" if head.kind == "text" else "row"


def ipc_joined(expression):
    """SQL: the IPC symbols of a cell, whatever separates them (";", ",", line breaks), joined
    by ";" as the records contract wants; spaces inside a symbol ("G06F 3/01") are kept."""
    parts = f"regexp_split_to_array(coalesce(CAST({expression} AS VARCHAR), ''), '[;,\\r\\n]+')"
    return f"NULLIF(array_to_string(list_filter(list_transform({parts}, lambda s: {trimmed('s')}), lambda s: s IS NOT NULL), ';'), '')"


def _format():
    from analysis.sources import SourceFormat

    return SourceFormat(
        "patentscope",
        "PATENTSCOPE (WIPO) result list, as downloaded (.xls, .xlsx, .csv)",
        "Publication Number,Publication Date,Title,Application Number,Application Date,Applicants,Inventors,IPC",
        detect,
        read,
        download=(
            "patentscope.wipo.int → search → (logged in) Download → 'Download the result list': "
            "up to 10,000 rows per file; split larger searches by publication date and pass all files"
        ),
    )


FORMAT = _format()
