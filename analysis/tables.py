"""Write the report's tables as CSV files and as the sheets of one workbook, safe to open.

A spreadsheet reads a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return as a formula. In CSV such text gets a leading single quote, as OWASP recommends
(numbers, and text that is a plain number such as "-5", stay as they are); in the workbook
every text cell is typed as a string.
"""

import csv
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # openpyxl is imported when a report has tables
    from openpyxl.cell import Cell as SheetCell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

Cell = str | int | float | None
"""A value of a table's JSON data, as the notebook wrote it."""

_UNSAFE_FILE = re.compile(r"[^A-Za-z0-9_-]+")  # keeps the content's slugs; nothing can climb out
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def csv_cell(value: object) -> Cell:
    """Return ``value`` as a CSV cell that no spreadsheet runs as a formula."""
    if value is None or isinstance(value, (int, float)):
        return value
    text = str(value)
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def write_tables(tables: list[dict[str, Any]], folder: Path) -> list[dict[str, str]]:
    """Write each table as ``tables/<name>.csv`` and all as sheets of ``tables.xlsx``.

    ``tables`` are the notebook's table outputs: dicts of name, caption, columns and data
    (rows). Return what was written, for the manifest.
    """
    if not tables:
        return []
    from openpyxl import Workbook

    (folder / "tables").mkdir()
    workbook = Workbook(write_only=True)
    written, names, sheets = [], set(), set()
    for table in tables:
        name = _unique(_UNSAFE_FILE.sub("-", str(table.get("name", ""))).strip("-_")[:80] or "table", names)
        # Excel allows 31 characters and compares sheet names regardless of case.
        sheet_name = _unique(name[:28].lower(), sheets)
        with open(folder / "tables" / f"{name}.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow([csv_cell(column) for column in table["columns"]])
            writer.writerows([csv_cell(value) for value in row] for row in table["data"])
        sheet = workbook.create_sheet(sheet_name)
        for row in [table["columns"], *table["data"]]:
            sheet.append([_sheet_cell(sheet, value) for value in row])
        written.append(
            {"name": name, "caption": table.get("caption", ""), "csv": f"tables/{name}.csv", "sheet": sheet_name}
        )
    workbook.save(folder / "tables.xlsx")
    return written


def _sheet_cell(sheet: "WriteOnlyWorksheet", value: object) -> "SheetCell":
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value if isinstance(value, (int, float, type(None))) else str(value))
    if isinstance(cell.value, str):
        cell.data_type = "s"  # never a formula, whatever a name starts with
    return cell


def _unique(name: str, taken: set[str]) -> str:
    """Return ``name``, or ``name-2``, ``name-3``… if taken; remember it."""
    candidate, number = name, 1
    while candidate in taken:
        number += 1
        candidate = f"{name}-{number}"
    taken.add(candidate)
    return candidate
