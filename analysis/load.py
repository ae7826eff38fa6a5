"""Open an input file as a DuckDB relation in the canonical schema.

Inputs are CSV, TSV, Parquet or XLSX, either application-level records (one row per
publication and applicant) or aggregated tables (one row per applicant and year). A column
mapping maps a user's own headers, date format and multi-applicant cells onto the canonical
columns. Nothing is read into pandas here: DuckDB scans the file when a query runs, so a
large Parquet file is streamed, never loaded whole.
"""

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from analysis.errors import InputFileError, MappingError, SchemaError
from analysis.schema import (
    AGGREGATE_COLUMNS,
    OPTIONAL_AGGREGATE_COLUMNS,
    OPTIONAL_RECORD_COLUMNS,
    RECORD_COLUMNS,
)

SUPPORTED_SUFFIXES = (".csv", ".tsv", ".parquet", ".xlsx")

DUCKDB_MEMORY_LIMIT = 5 * 1024**3
"""Bytes DuckDB may hold before it spills its group-bys to disk, so that 50 M input rows are
counted within 8 GiB in all; its own default, 80 % of the machine's memory, applies where
that is less."""


def _duckdb_memory_limit():
    try:
        physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # no sysconf (Windows): keep the cap
        return DUCKDB_MEMORY_LIMIT
    return min(DUCKDB_MEMORY_LIMIT, int(physical * 0.8))


def _spill_directory():
    """Where DuckDB spills: a per-user folder in the system's temporary directory, never the
    working directory (its default for in-memory databases is ``.tmp`` there)."""
    user = os.getuid() if hasattr(os, "getuid") else "user"
    return Path(tempfile.gettempdir()) / f"pct-duckdb-{user}"


@dataclass(frozen=True)
class ColumnMap:
    """How a user's file maps onto the canonical columns.

    ``columns`` maps canonical name to the user's header; ``date_format`` is a strftime
    pattern such as ``%d.%m.%Y``; ``split_applicants`` is the separator of a cell that
    holds several applicants, the first of them being the first-named applicant.
    """

    columns: dict = field(default_factory=dict)
    date_format: str | None = None
    split_applicants: str | None = None


def read_column_map(path):
    """Read a column mapping from a small YAML file (keys: columns, date_format, split_applicants)."""
    import yaml

    path = Path(path)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise MappingError(f"{path}: column mapping not found") from None
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise MappingError(f"{path}: not a readable YAML mapping ({error})") from None
    known = {"columns", "date_format", "split_applicants"}
    if not isinstance(document, dict) or set(document) - known:
        unknown = sorted(set(document) - known) if isinstance(document, dict) else document
        raise MappingError(f"{path}: unknown keys {unknown}; expected {sorted(known)}")
    columns = document.get("columns") or {}
    canonical = set(RECORD_COLUMNS + OPTIONAL_RECORD_COLUMNS + AGGREGATE_COLUMNS + OPTIONAL_AGGREGATE_COLUMNS)
    if not isinstance(columns, dict) or set(columns) - canonical:
        raise MappingError(f"{path}: 'columns' must map canonical names ({', '.join(sorted(canonical))}) to your headers")
    return ColumnMap(
        {str(k): str(v) for k, v in columns.items()},
        document.get("date_format"),
        document.get("split_applicants"),
    )


@dataclass
class Source:
    """An opened input: a DuckDB connection with a view ``source`` in canonical columns.

    ``kind`` is "records" or "aggregated"; ``raw_types`` maps each canonical column to the
    DuckDB type it has in the file, so that parsing casts only what needs casting.
    ``row_label`` says how rows are numbered in messages ("line" for text files, whose
    header is line 1; "row" for spreadsheets, counted the same way; "row" from 1 for Parquet).
    """

    path: Path
    connection: duckdb.DuckDBPyConnection
    kind: str
    raw_types: dict
    column_map: ColumnMap
    row_label: str
    row_offset: int

    def locate(self, row):
        """Name a data row the way the user's editor shows it."""
        return f"{self.row_label} {row + self.row_offset}"


def file_sha256(path):
    """Return the sha256 of a file, for manifests and the demo data's sidecar."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sql_string(text):
    """Quote text as an SQL string literal, for file paths and user-given patterns."""
    return "'" + str(text).replace("'", "''") + "'"


def _sql_identifier(name):
    return '"' + str(name).replace('"', '""') + '"'


_CSV_LINE = re.compile(r"CSV Error on Line: (\d+)")


def _explain_duckdb_error(path, error):
    """Turn DuckDB's multi-line reader errors into one line that names the file."""
    text = str(error)
    line = _CSV_LINE.search(text)
    where = f" line {line.group(1)}" if line else ""
    if "not utf-8 encoded" in text or "Invalid unicode" in text:
        return InputFileError(f"{path}{where}: not UTF-8 text; save the file as UTF-8 and try again")
    if "sniffing file" in text:
        return InputFileError(
            f"{path}{where}: cannot be read as {path.suffix[1:].upper()}: its lines do not share one layout "
            "(an unclosed quote, or lines with more fields than the header?)"
        )
    first = text.splitlines()[0] if text else type(error).__name__
    return InputFileError(f"{path}{where}: cannot be read ({first})")


def _scan_text(connection, path, delimiter):
    relation = (
        f"read_csv({sql_string(path)}, header=true, all_varchar=true, delim={sql_string(delimiter)}, "
        "quote='\"', escape='\"', null_padding=true)"
    )
    connection.execute(f"CREATE VIEW file_rows AS SELECT row_number() OVER () AS _row, * FROM {relation}")


def _scan_parquet(connection, path):
    connection.execute(
        f"CREATE VIEW file_rows AS SELECT file_row_number + 1 AS _row, * EXCLUDE (file_row_number) "
        f"FROM read_parquet({sql_string(path)}, file_row_number=true)"
    )


def _scan_xlsx(connection, path):
    """Read a workbook's first sheet with openpyxl (DuckDB's spreadsheet extension would be
    downloaded on first use, and nothing may be downloaded at run time)."""
    import openpyxl
    import pandas as pd

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises several unrelated types for a bad workbook
        raise InputFileError(f"{path}: not a readable XLSX workbook ({error})") from None
    rows = workbook.worksheets[0].iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        raise InputFileError(f"{path}: the first sheet is empty")
    names = [str(cell).strip() if cell is not None else f"column{i + 1}" for i, cell in enumerate(header)]
    values = [["" if cell is None else _cell_text(cell) for cell in row] for row in rows if any(c is not None for c in row)]
    workbook.close()
    frame = pd.DataFrame(values, columns=names, dtype="string")
    frame.insert(0, "_row", range(1, len(frame) + 1))
    # A table, not a registered frame: registrations are private to one cursor, and the
    # counting reads the rows from a second one.
    connection.register("xlsx_frame", frame)
    connection.execute("CREATE TABLE file_rows AS SELECT * FROM xlsx_frame")
    connection.unregister("xlsx_frame")


def _cell_text(cell):
    """Spreadsheet cells arrive typed; dates become ISO text, whole floats lose their '.0'."""
    if hasattr(cell, "date") and callable(cell.date):
        return cell.date().isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def _detect_kind(headers):
    if set(AGGREGATE_COLUMNS) <= headers:
        return "aggregated"
    return "records"


def open_source(path, column_map=None):
    """Open ``path`` and expose it as the view ``source`` with canonical column names.

    Raises InputFileError for a missing, empty, unreadable or unsupported file and
    SchemaError when a required column is missing (naming the headers found).
    """
    path = Path(path)
    column_map = column_map or ColumnMap()
    if not path.is_file():
        raise InputFileError(f"{path}: {'a folder, not a file' if path.is_dir() else 'no such file'}")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise InputFileError(f"{path}: unsupported file type '{suffix or '(none)'}'; use {', '.join(SUPPORTED_SUFFIXES)}")
    if path.stat().st_size == 0:
        raise InputFileError(f"{path}: the file is empty")
    connection = duckdb.connect()
    try:
        connection.execute("SET enable_progress_bar = false")
    except duckdb.InvalidInputException:
        pass  # a Jupyter kernel refuses the setting without ipywidgets, and draws no bar there anyway
    connection.execute(f"SET memory_limit = '{_duckdb_memory_limit()}B'")
    connection.execute(f"SET temp_directory = {sql_string(_spill_directory())}")
    try:
        if suffix in (".csv", ".tsv"):
            _scan_text(connection, path, "\t" if suffix == ".tsv" else ",")
        elif suffix == ".parquet":
            _scan_parquet(connection, path)
        else:
            _scan_xlsx(connection, path)
        described = connection.execute("DESCRIBE file_rows").fetchall()
    except duckdb.Error as error:
        raise _explain_duckdb_error(path, error) from None
    file_types = {name: kind for name, kind, *_ in described if name != "_row"}
    header_of = {canonical: column_map.columns.get(canonical, canonical) for canonical in _all_canonical()}
    present = {canonical for canonical, header in header_of.items() if header in file_types}
    kind = _detect_kind(present)
    required = AGGREGATE_COLUMNS if kind == "aggregated" else RECORD_COLUMNS
    optional = OPTIONAL_AGGREGATE_COLUMNS if kind == "aggregated" else OPTIONAL_RECORD_COLUMNS
    missing = [header_of[c] for c in required if c not in present]
    if missing:
        found = ", ".join(file_types) or "(none)"
        raise SchemaError(
            f"{path}: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"(found: {found}); map your headers with --columns MAPPING.yaml"
        )
    selected = [c for c in required + optional if c in present]
    projection = ", ".join(f"{_sql_identifier(header_of[c])} AS {c}" for c in selected)
    connection.execute(f"CREATE VIEW source AS SELECT _row, {projection} FROM file_rows")
    raw_types = {c: file_types[header_of[c]] for c in selected}
    text_file = suffix != ".parquet"
    return Source(path, connection, kind, raw_types, column_map, "line" if suffix in (".csv", ".tsv") else "row", 1 if text_file else 0)


def _all_canonical():
    return tuple(dict.fromkeys(RECORD_COLUMNS + OPTIONAL_RECORD_COLUMNS + AGGREGATE_COLUMNS + OPTIONAL_AGGREGATE_COLUMNS))
