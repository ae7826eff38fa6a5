"""PATENTSCOPE result lists (WIPO), read as downloaded: .xls, .xlsx or .csv.

The download holds an empty row and a "Query: …" row above the header, then one row per
document: ``Publication Number`` (WO2015197496, or a national number such as US…, CN…),
``Publication Date`` (26.02.2015), ``Title``, ``Application Number``, ``Application Date``,
``Applicants`` separated by ";" (commas belong to names: "MINVIELLE, EUGENIO"),
``Inventors`` and ``IPC``. A keyword search also returns national publications; they are
read, left out by validation (their office is not WO) and counted by office. PATENTSCOPE
gives no applicant country, so it stays unknown.

"""

from typing import TYPE_CHECKING

from analysis.load import sql_string
from analysis.sources.files import Head, column
from analysis.sources.records import ipc_joined, parse_date, raw_select, read_files, row_label, split_cells, trimmed

if TYPE_CHECKING:
    from analysis.sources import Reader, SourceFormat

HEADER = ("Publication Number", "Publication Date", "Application Number", "Applicants")
OTHER_EXPORTS = ("Jurisdiction", "Lens ID", "Result #", "Family number")
"""Headers of other exports (Lens, Espacenet) that share some of PATENTSCOPE's names."""
DATE_PATTERN = "%d.%m.%Y"


def detect(head: Head) -> bool:
    """True for a PATENTSCOPE header (below its banner rows), not another export's."""
    found = head.find_header(HEADER)
    if found is None:
        return False
    index, delimiter = found
    names = {str(cell).strip().casefold() for cell in head.rows(delimiter)[index]}
    return not any(name.casefold() in names for name in OTHER_EXPORTS)


def read(reader: "Reader", heads: list[Head]) -> str:
    """Raw records of PATENTSCOPE result lists: one per (publication, applicant)."""
    return read_files(reader, heads, HEADER, "PATENTSCOPE", _select)


def _select(reader: "Reader", head: Head, table: str, names: list[str]) -> str:
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


def _date(head: Head, date: str) -> str:
    """SQL: the publication date; a workbook may type the cell, which the scanner writes as ISO."""
    written = parse_date(date, DATE_PATTERN)
    return f"coalesce({written}, {parse_date(date, '%Y-%m-%d')})" if head.kind == "sheet" else written


def _format() -> "SourceFormat":
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
