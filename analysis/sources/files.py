"""Turn what a user names with --data into checked files, and files into DuckDB tables.

Shared by every input format: expanding folders and globs, refusing what is not a regular
file of reasonable size, finding the header below any banner rows, and scanning a sheet or
a delimited file into a table of text columns whose ``_row`` numbers rows the way the
user's editor or spreadsheet shows them (text encodings: ``encodings``; record lines and
field counts: ``lines``).
"""

import csv
import errno
import glob
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from analysis.errors import InputFileError, PctError, SchemaError
from analysis.load import sql_identifier, sql_string
from analysis.paths import StrPath
from analysis.sources.encodings import HEAD_BYTES, detect_encoding, utf8_copy
from analysis.sources.lines import check_widths, first_bad_record, line_count, record_lines

TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
SHEET_SUFFIXES = (".xls", ".xlsx", ".xlsm", ".ods")
SUPPORTED_SUFFIXES = (*TEXT_SUFFIXES, *SHEET_SUFFIXES, ".parquet", ".zip")
MAX_INPUT_BYTES = 200 * 1024**3
"""A bound that no real export reaches, so that a device such as /dev/zero is never read."""
HEAD_ROWS = 40
DELIMITERS = (",", ";", "\t", "|")
NEVER_NULL = "\x01pct-no-null\x01"
"""A null string that no file holds, so that every empty field is a field."""


def check_regular_file(
    path: StrPath,
    what: str = "input",
    max_bytes: int = MAX_INPUT_BYTES,
    error: type[PctError] = InputFileError,
) -> None:
    """Raise ``error`` unless ``path`` is a regular, non-empty file of at most ``max_bytes``."""
    try:
        resolved = Path(path).resolve(strict=True)
        status = resolved.stat()
    except FileNotFoundError:
        raise error(f"{path}: no such file ({what})") from None
    except (OSError, RuntimeError) as problem:  # RuntimeError: a symlink loop
        loop = isinstance(problem, RuntimeError) or getattr(problem, "errno", None) == errno.ELOOP
        reason = "a loop of symbolic links" if loop else problem.strerror or type(problem).__name__
        raise error(f"{path}: cannot be opened as the {what} ({reason})") from None
    if resolved.is_dir():
        raise error(f"{path}: a folder, not a file ({what})")
    if not resolved.is_file():
        raise error(f"{path}: not a regular file ({what})")
    if status.st_size == 0:
        raise error(f"{path}: the file is empty")
    if status.st_size > max_bytes:
        raise error(f"{path}: {status.st_size:,} bytes is too large for the {what} (at most {max_bytes:,})")


def expand_inputs(data: StrPath | Iterable[StrPath]) -> list[Path]:
    """Return the files that ``data`` names: files, folders (their files) and globs, sorted.

    ``data`` is one path or a list of them. A folder yields its visible files of supported
    types; a glob that matches nothing, or a folder with no such file, is an error.
    """
    items = [data] if isinstance(data, (str, Path)) else list(data)
    files = []
    for item in items:
        if not str(item).strip():
            raise InputFileError(
                f"{str(item)!r}: an empty path names no file (a folder is named by its path, such as .)"
            )
        path = Path(item)
        if path.is_dir():
            found = sorted(
                p for p in path.iterdir() if not p.name.startswith(".") and p.suffix.lower() in SUPPORTED_SUFFIXES
            )
            if not found:
                raise InputFileError(f"{path}: a folder with no file to read ({', '.join(SUPPORTED_SUFFIXES)})")
            files += found
        elif not path.exists() and glob.has_magic(str(item)):
            matched = sorted(Path(p) for p in glob.glob(str(item)) if Path(p).is_file())
            if not matched:
                raise InputFileError(f"{item}: no file matches this pattern")
            files += matched
        else:
            files.append(path)
    for path in files:
        check_regular_file(path)
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            raise InputFileError(
                f"{path}: unsupported file type '{path.suffix or '(none)'}'; use {', '.join(SUPPORTED_SUFFIXES)}"
            )
    # The same file named twice (a path and a glob, a relative and an absolute path, a link) is read once.
    unique = {}
    for path in files:
        unique.setdefault(path.resolve(), path)
    return list(unique.values())


# Heads and headers ------------------------------------------------------------------------


@dataclass(frozen=True)
class Head:
    """The first rows of a file, as text cells, for detecting its format and header.

    ``kind`` is "text", "sheet", "parquet" or "archive"; ``text`` the decoded start of a text file;
    ``sheet_rows`` the first rows of a workbook's first sheet.
    """

    path: Path
    kind: str
    encoding: str | None
    text: str = ""
    sheet_rows: tuple[tuple[str, ...], ...] = ()
    columns: tuple[str, ...] = ()

    def rows(self, delimiter: str = ",") -> list[list[str]]:
        """The first rows split by ``delimiter`` (a sheet's rows as they are)."""
        if self.kind == "sheet":
            return [list(row) for row in self.sheet_rows]
        if self.kind == "parquet":
            return [list(self.columns)]
        reader = csv.reader(io.StringIO(self.text), delimiter=delimiter)
        rows = []
        try:
            for row in reader:
                rows.append(row)
                if len(rows) >= HEAD_ROWS:
                    break
        except csv.Error:
            pass  # a quoted field cut off at the end of the head
        return rows

    def find_header(self, required: Iterable[str], delimiters: Iterable[str] = DELIMITERS) -> tuple[int, str] | None:
        """Return (row index, delimiter) of the first row holding every name in ``required``
        (compared case-insensitively, trimmed), or None."""
        wanted = {name.strip().casefold() for name in required}
        for delimiter in delimiters if self.kind == "text" else (",",):
            for index, row in enumerate(self.rows(delimiter)):
                if wanted <= {str(cell).strip().casefold() for cell in row}:
                    return index, delimiter
        return None


def read_head(path: StrPath, encoding: str | None = None) -> Head:
    """Read the start of ``path`` for format detection."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in SHEET_SUFFIXES:
        return Head(
            path,
            "sheet",
            None,
            sheet_rows=tuple(tuple(_cell_text(c) for c in row) for row in _sheet_rows(path, HEAD_ROWS)),
        )
    if suffix == ".parquet":
        try:
            columns = tuple(
                duckdb.sql(f"DESCRIBE SELECT * FROM read_parquet({sql_string(path)})").fetchnumpy()["column_name"]
            )
        except duckdb.Error as error:
            raise InputFileError(f"{path}: not a readable Parquet file ({str(error).splitlines()[0]})") from None
        return Head(path, "parquet", None, columns=columns)
    if suffix == ".zip":
        return Head(path, "archive", None)  # its members are the format's to read (PATSTAT)
    encoding = detect_encoding(path, encoding)
    with open(path, "rb") as handle:
        text = handle.read(HEAD_BYTES).decode(encoding, errors="replace").replace("\r\n", "\n").replace("\r", "\n")
    return Head(path, "text", encoding, text=text.lstrip("\ufeff"))


def _sheet_rows(path: Path, limit: int | None = None) -> list[list[object]]:
    """The rows of a workbook's first sheet, read by python-calamine (no download, .xls too)."""
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
        return sheet.to_python(skip_empty_area=False, nrows=limit) if limit else sheet.to_python(skip_empty_area=False)
    except Exception as error:  # calamine raises its own and OSError types for bad workbooks
        raise InputFileError(f"{path}: not a readable workbook ({' '.join(str(error).split())[:200]})") from None


def _cell_text(cell: object) -> str:
    """Spreadsheet cells arrive typed; dates become ISO text, whole floats lose their '.0'."""
    if cell is None:
        return ""
    if hasattr(cell, "isoformat"):
        return cell.isoformat()[:10] if hasattr(cell, "date") else cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


# Scanning ---------------------------------------------------------------------------------


def header_names(path: StrPath, cells: Iterable[object]) -> list[str]:
    """Return the header's names, refusing empty duplicates that would make a column ambiguous."""
    names = [str(cell).strip() or f"column{i + 1}" for i, cell in enumerate(cells)]
    seen = {}
    for name in names:
        seen[name.casefold()] = seen.get(name.casefold(), 0) + 1
    twice = [name for name in dict.fromkeys(names) if seen[name.casefold()] > 1]
    if twice:
        raise SchemaError(f"{path}: the header names {', '.join(repr(n) for n in twice)} more than once")
    return names


class Scanner:
    """Makes one DuckDB table per scanned file in ``connection``; names them t1, t2, …"""

    def __init__(self, connection: duckdb.DuckDBPyConnection) -> None:
        self.connection = connection
        self.count = 0

    def _name(self) -> str:
        self.count += 1
        return f"t{self.count}"

    def scan(self, head: Head, header_index: int = 0, delimiter: str = ",") -> str:
        """Scan the file of ``head`` below its header row into a table; return its name.

        Every column is text; ``_row`` is the line (text) or row (sheet) number the user
        sees. A row with more or fewer fields than the header is an error naming its line.
        """
        name = self._name()
        if head.kind == "sheet":
            self._scan_sheet(head, header_index, name)
        elif head.kind == "parquet":
            self.connection.execute(
                f"CREATE VIEW {name} AS SELECT file_row_number + 1 AS _row, * EXCLUDE (file_row_number) "
                f"FROM read_parquet({sql_string(head.path)}, file_row_number=true)"
            )
        else:
            self._scan_text(head, header_index, delimiter, name)
        return name

    def _scan_text(self, head: Head, header_index: int, delimiter: str, name: str) -> None:
        rows = head.rows(delimiter)
        _check_header_index(head, header_index, len(rows))
        check_widths(head, header_index, delimiter)
        names = header_names(head.path, rows[header_index])
        path = utf8_copy(head.path, head.encoding)
        columns = "{" + ", ".join(f"{sql_string(n)}: 'VARCHAR'" for n in names) + "}"
        options = (
            f"{sql_string(path)}, header=true, auto_detect=false, skip={header_index}, columns={columns}, "
            f"delim={sql_string(delimiter)}, quote='\"', escape='\"', strict_mode=true, null_padding=false"
        )
        self.connection.execute(
            f"CREATE VIEW {name}_records AS SELECT row_number() OVER () AS _pct_record, * FROM read_csv({options})"
        )
        try:
            # DuckDB takes a trailing empty field ("a,b,c,") for no field, unless an empty field
            # is text rather than NULL: the check reads with a null string no file holds.
            records = self.connection.execute(
                f"SELECT count(*) FROM read_csv({options}, nullstr={sql_string(NEVER_NULL)})"
            ).fetchall()[0][0]
        except duckdb.Error as error:
            raise explain_duckdb_error(head.path, error, header_index, (path, delimiter, len(names))) from None
        lines = None if line_count(path) == records + header_index + 1 else record_lines(path, delimiter, header_index)
        if lines is None or len(lines) != records:
            # One line per record: numbered from the line below the header.
            number = f"_pct_record + {header_index + 1}"
            self.connection.execute(
                f"CREATE VIEW {name} AS SELECT {number} AS _row, * EXCLUDE (_pct_record) FROM {name}_records"
            )
            return
        # A quoted field with a line break, or a blank line, shifts the lines of the records below it.
        import pyarrow as pa

        self.connection.register(f"{name}_line_list", pa.table({"_pct_record": range(1, records + 1), "_row": lines}))
        self.connection.execute(f"CREATE TABLE {name}_lines AS SELECT * FROM {name}_line_list")
        self.connection.unregister(f"{name}_line_list")
        self.connection.execute(
            f"CREATE VIEW {name} AS SELECT l._row, r.* EXCLUDE (_pct_record) "
            f"FROM {name}_records AS r JOIN {name}_lines AS l USING (_pct_record) ORDER BY l._row"
        )

    def _scan_sheet(self, head: Head, header_index: int, name: str) -> None:
        import pandas as pd

        rows = _sheet_rows(head.path)
        _check_header_index(head, header_index, len(rows))
        names = header_names(head.path, [_cell_text(c) for c in rows[header_index]])
        data, numbers = [], []
        for number, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
            cells = [_cell_text(c) for c in row]
            if not any(cell.strip() for cell in cells):
                continue  # an empty spreadsheet row carries nothing
            extra = [c for c in cells[len(names) :] if c.strip()]
            if extra:
                raise InputFileError(f"{head.path} row {number}: more cells than the header has columns ({extra[0]!r})")
            data.append((cells + [""] * len(names))[: len(names)])
            numbers.append(number)
        frame = pd.DataFrame(data, columns=names, dtype="string")
        frame.insert(0, "_row", pd.array(numbers, dtype="int64"))
        # A table, not a registered frame: registrations are private to one cursor.
        self.connection.register("sheet_frame", frame)
        self.connection.execute(f"CREATE TABLE {name} AS SELECT * FROM sheet_frame")
        self.connection.unregister("sheet_frame")


def _check_header_index(head: Head, header_index: int, rows: int) -> None:
    """Refuse a header row (a mapping's header_row) below the rows the file starts with."""
    if header_index >= rows:
        raise SchemaError(
            f"{head.path}: no header at row {header_index + 1}; the header must be within its first {rows} rows"
        )


def explain_duckdb_error(
    path: StrPath, error: duckdb.Error, header_index: int = 0, scanned: tuple[StrPath, str, int] | None = None
) -> InputFileError:
    """Turn DuckDB's multi-line reader errors into one line that names the file and line.

    DuckDB numbers lines by records (a quoted line break does not count); ``scanned`` (the
    file scanned, its delimiter and the header's number of fields) lets a wrong number of
    fields be found again and named by its line in the file.
    """

    text = str(error)
    line = re.search(r"CSV Error on Line: (\d+)", text)
    where = f" line {int(line.group(1)) + header_index}" if line else ""
    found = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", text)
    if found:
        expected, got = found.groups()
        bad = first_bad_record(*scanned[:2], header_index, scanned[2]) if scanned else None
        if bad:
            where, got = f" line {bad[0]}", bad[1]
        return InputFileError(f"{path}{where}: {got} fields where the header has {expected}")
    if "unterminated quote" in text:
        return InputFileError(f"{path}{where}: a quoted field is never closed")
    if "not utf-8" in text.lower() or "Invalid unicode" in text:
        return InputFileError(f"{path}{where}: not UTF-8 text; give its encoding (encoding: in a --columns mapping)")
    first = text.splitlines()[0] if text else type(error).__name__
    return InputFileError(f"{path}{where}: cannot be read ({first})")


def column(head_names: Iterable[str], *candidates: str) -> str | None:
    """The SQL identifier of the first header among ``candidates`` present (case-insensitive), or None."""
    folded = {name.casefold(): name for name in head_names}
    for candidate in candidates:
        if candidate.casefold() in folded:
            return sql_identifier(folded[candidate.casefold()])
    return None


def table_columns(connection: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """The column names of a scanned table, ``_row`` excluded."""
    return [row[0] for row in connection.execute(f"DESCRIBE {table}").fetchall() if row[0] != "_row"]
