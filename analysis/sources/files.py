"""Turn what a user names with --data into checked files, and files into DuckDB tables.

Shared by every input format: expanding folders and globs, refusing what is not a regular
file of reasonable size, detecting text encodings (a legacy single-byte file is read in
the encoding it was written in, never mis-decoded as UTF-8), finding the header below any
banner rows, and scanning a sheet or a delimited file into a table of text columns whose
``_row`` numbers rows the way the user's editor or spreadsheet shows them.
"""

import atexit
import codecs
import csv
import errno
import glob
import io
import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import duckdb

from analysis.errors import InputFileError, SchemaError
from analysis.load import sql_identifier, sql_string

TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
SHEET_SUFFIXES = (".xls", ".xlsx", ".xlsm", ".ods")
SUPPORTED_SUFFIXES = (*TEXT_SUFFIXES, *SHEET_SUFFIXES, ".parquet", ".zip")
MAX_INPUT_BYTES = 200 * 1024**3
"""A bound that no real export reaches, so that a device such as /dev/zero is never read."""
HEAD_BYTES = 256 * 1024
"""How much of a text file is decoded to find its header and delimiter."""
HEAD_ROWS = 40
ENCODING_SAMPLE_BYTES = 8 * 1024**2
DELIMITERS = (",", ";", "\t", "|")
WIDTH_CHECK_BYTES = 256 * 1024**2
"""Text files up to this size have every row's field count checked in Python too."""
LEGACY_ENCODINGS = ("cp1252", "mac_roman", "latin-1")
NEVER_NULL = "\x01pct-no-null\x01"
"""A null string that no file holds, so that every empty field is a field."""


def check_regular_file(path, what="input", max_bytes=MAX_INPUT_BYTES, error=InputFileError):
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


def check_encoding(name, where):
    """Raise InputFileError unless Python knows the encoding ``name``."""
    try:
        codecs.lookup(str(name))
    except LookupError:
        raise InputFileError(
            f"{where}: unknown text encoding {name!r} (try utf-8, cp1252, mac_roman, utf-16)"
        ) from None


def expand_inputs(data):
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


# Text encodings ---------------------------------------------------------------------------


def detect_encoding(path, declared=None):
    """Return the encoding of a text file: the declared one, a BOM's, UTF-8, or a legacy one.

    The first ENCODING_SAMPLE_BYTES decide (a multi-gigabyte table is not read twice); a
    later byte that is not UTF-8 is reported by the scan with its line, never mis-decoded.
    A file that is not UTF-8 is one of the single-byte encodings exports use (Windows-1252,
    Mac Roman, Latin-1): the one whose reading looks most like names (``plausibility``).
    The choice is reported in the validation summary.
    """
    if declared:
        check_encoding(declared, str(path))
        return codecs.lookup(declared).name
    with open(path, "rb") as handle:
        sample = handle.read(ENCODING_SAMPLE_BYTES)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    unmarked = _utf16_without_bom(sample[:4096])
    if unmarked:
        return unmarked
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=len(sample) < ENCODING_SAMPLE_BYTES)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    candidates = []
    for encoding in LEGACY_ENCODINGS:  # in order of preference when they read alike
        try:
            candidates.append((encoding, sample.decode(encoding)))
        except UnicodeDecodeError:
            pass  # Windows-1252 leaves five bytes undefined
    best = max(candidates, key=lambda candidate: plausibility(candidate[1][:SCORED_CHARACTERS]))[0]
    return codecs.lookup(best).name


def _utf16_without_bom(start):
    """'utf-16-le' or 'utf-16-be' for UTF-16 text written without a byte-order mark: Latin
    text then has a zero byte in every other position (high bytes in LE, low in BE)."""
    half = len(start) // 2
    if half < 8:
        return None
    odd, even = start[1::2].count(0), start[0::2].count(0)
    if odd >= 0.4 * half and even <= odd / 8:
        return "utf-16-le"
    if even >= 0.4 * half and odd <= even / 8:
        return "utf-16-be"
    return None


SCORED_CHARACTERS = 1 << 20
_NON_ASCII = re.compile("[^\x00-\x7f]")


def plausibility(text):
    """Score how much the non-ASCII characters of ``text`` look like names' letters.

    Counting bytes in 0x80–0x9F took Windows-1252 curly quotes and dashes (O’Brien) for Mac
    Roman letters; reading each candidate decoding instead, an accented letter in the case
    of its word, a dash or a quotation mark scores, while a capital inside a lower-case word
    (RÈsearch, UniversitŽ), a lower-case letter before a capital (OíBrien), a maths symbol
    or a control character costs.
    """
    score = 0
    for match in _NON_ASCII.finditer(text):
        start, end = match.span()
        character = match.group()
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        category = unicodedata.category(character)
        if category == "Ll":
            score += -2 if after.isupper() else 2 if (before.isalpha() or after.isalpha()) else 0
        elif category == "Lu":
            score += -2 if before.islower() or (before.isalpha() and after.islower()) else 2
        elif category in ("Pd", "Pi", "Pf"):
            # Between two letters only an apostrophe belongs (O’Brien); not C—rdoba, S‹o.
            inside = before.isalpha() and after.isalpha()
            score += -2 if inside and character != "\u2019" else 2
        elif category[0] in "SC" and character not in "™®©°€£":
            score -= 3
    return score


_TEMP = []


def _temp_folder():
    if not _TEMP:
        folder = Path(tempfile.mkdtemp(prefix="pct-inputs-"))
        atexit.register(shutil.rmtree, folder, True)
        _TEMP.append(folder)
    return _TEMP[0]


def utf8_copy(path, encoding):
    """Return a UTF-8, LF-terminated version of a text file that DuckDB can scan.

    UTF-8 files with LF or CRLF line ends are scanned as they are; others (a legacy
    encoding, UTF-16, CR-only line ends of old Mac exports) are copied once, line ends
    made LF, so line numbers stay those of the original.
    """
    with open(path, "rb") as handle:
        head = handle.read(HEAD_BYTES)
    if encoding == "utf-8" and not (b"\r" in head and b"\n" not in head):
        return Path(path)
    target = _temp_folder() / f"{len(list(_temp_folder().iterdir()))}-{Path(path).stem}.csv"
    with (
        open(path, encoding=encoding, newline=None) as source,
        open(target, "w", encoding="utf-8", newline="\n") as copy,
    ):
        shutil.copyfileobj(source, copy, 1 << 20)
    return target


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
    sheet_rows: tuple = ()
    columns: tuple = ()

    def rows(self, delimiter=","):
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

    def find_header(self, required, delimiters=DELIMITERS):
        """Return (row index, delimiter) of the first row holding every name in ``required``
        (compared case-insensitively, trimmed), or None."""
        wanted = {name.strip().casefold() for name in required}
        for delimiter in delimiters if self.kind == "text" else (",",):
            for index, row in enumerate(self.rows(delimiter)):
                if wanted <= {str(cell).strip().casefold() for cell in row}:
                    return index, delimiter
        return None


def read_head(path, encoding=None):
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


def _sheet_rows(path, limit=None):
    """The rows of a workbook's first sheet, read by python-calamine (no download, .xls too)."""
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
        return sheet.to_python(skip_empty_area=False, nrows=limit) if limit else sheet.to_python(skip_empty_area=False)
    except Exception as error:  # calamine raises its own and OSError types for bad workbooks
        raise InputFileError(f"{path}: not a readable workbook ({' '.join(str(error).split())[:200]})") from None


def _cell_text(cell):
    """Spreadsheet cells arrive typed; dates become ISO text, whole floats lose their '.0'."""
    if cell is None:
        return ""
    if hasattr(cell, "isoformat"):
        return cell.isoformat()[:10] if hasattr(cell, "date") else cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


MAX_FIELD_CHARACTERS = 2_000_000
"""Python's csv module refuses fields over 128 KiB; DuckDB reads lines up to 2 MB, so a long
(if odd) name is read by both rather than refused by one."""


def _allow_long_fields():
    csv.field_size_limit(max(csv.field_size_limit(), MAX_FIELD_CHARACTERS))


def check_widths(head, header_index, delimiter):
    """Raise InputFileError at the first record of a text file whose number of fields is not
    the header's, naming the line an editor shows (a record may span lines).

    DuckDB's reader lets through one extra field when the row's last cell is empty (it
    takes it for a trailing delimiter) and would shift the row's values, so files up to
    WIDTH_CHECK_BYTES (every export) are read once more here; larger ones rely on DuckDB.
    """
    if head.kind != "text" or head.path.stat().st_size > WIDTH_CHECK_BYTES:
        return
    with open(head.path, encoding=head.encoding, newline="") as handle:
        records = csv.reader(handle, delimiter=delimiter, strict=True)
        _allow_long_fields()
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
            reason = "a quoted field is never closed" if "end of data" in str(error) else f"cannot be read ({error})"
            raise InputFileError(f"{head.path} line {start}: {reason}") from None


# Scanning ---------------------------------------------------------------------------------


def header_names(path, cells):
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

    def __init__(self, connection):
        self.connection = connection
        self.count = 0

    def _name(self):
        self.count += 1
        return f"t{self.count}"

    def scan(self, head, header_index=0, delimiter=","):
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

    def _scan_text(self, head, header_index, delimiter, name):
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
        lines = (
            None if _line_count(path) == records + header_index + 1 else _record_lines(path, delimiter, header_index)
        )
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

    def _scan_sheet(self, head, header_index, name):
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


def _line_count(path):
    """The number of lines of a text file (a last line without a line end counts)."""
    count, last = 0, b"\n"
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count + (last != b"\n")


def _records(path, delimiter, header_index):
    """(first line, number of fields) of each record below the header of a UTF-8 text file,
    blank lines skipped as DuckDB skips them."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter, quotechar='"', doublequote=True)
        _allow_long_fields()
        for _ in range(header_index + 1):
            next(reader, None)
        end = reader.line_num
        for row in reader:
            if row:
                yield end + 1, len(row)
            end = reader.line_num


def _record_lines(path, delimiter, header_index):
    """The first line of each record below the header, as the user's editor numbers lines."""
    try:
        return [line for line, _ in _records(path, delimiter, header_index)]
    except csv.Error:
        return None


def _first_bad_record(path, delimiter, header_index, expected):
    """(line, fields) of the first record whose number of fields is not ``expected``, or None."""
    try:
        return next(
            ((line, fields) for line, fields in _records(path, delimiter, header_index) if fields != expected), None
        )
    except csv.Error:
        return None


def _check_header_index(head, header_index, rows):
    """Refuse a header row (a mapping's header_row) below the rows the file starts with."""
    if header_index >= rows:
        raise SchemaError(
            f"{head.path}: no header at row {header_index + 1}; the header must be within its first {rows} rows"
        )


def explain_duckdb_error(path, error, header_index=0, scanned=None):
    """Turn DuckDB's multi-line reader errors into one line that names the file and line.

    DuckDB numbers lines by records (a quoted line break does not count); ``scanned`` (the
    file scanned, its delimiter and the header's number of fields) lets a wrong number of
    fields be found again and named by its line in the file.
    """
    import re

    text = str(error)
    line = re.search(r"CSV Error on Line: (\d+)", text)
    where = f" line {int(line.group(1)) + header_index}" if line else ""
    found = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", text)
    if found:
        expected, got = found.groups()
        bad = _first_bad_record(*scanned[:2], header_index, scanned[2]) if scanned else None
        if bad:
            where, got = f" line {bad[0]}", bad[1]
        return InputFileError(f"{path}{where}: {got} fields where the header has {expected}")
    if "unterminated quote" in text:
        return InputFileError(f"{path}{where}: a quoted field is never closed")
    if "not utf-8" in text.lower() or "Invalid unicode" in text:
        return InputFileError(f"{path}{where}: not UTF-8 text; give its encoding (encoding: in a --columns mapping)")
    first = text.splitlines()[0] if text else type(error).__name__
    return InputFileError(f"{path}{where}: cannot be read ({first})")


def column(head_names, *candidates):
    """The SQL identifier of the first header among ``candidates`` present (case-insensitive), or None."""
    folded = {name.casefold(): name for name in head_names}
    for candidate in candidates:
        if candidate.casefold() in folded:
            return sql_identifier(folded[candidate.casefold()])
    return None


def table_columns(connection, table):
    """The column names of a scanned table, ``_row`` excluded."""
    return [row[0] for row in connection.execute(f"DESCRIBE {table}").fetchall() if row[0] != "_row"]
