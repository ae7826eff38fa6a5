"""Where each record of a delimited text file starts and how many fields it has, as an
editor shows them: a quoted field may hold line breaks, and DuckDB's reader numbers records,
not lines, and lets one extra empty last field pass for a trailing delimiter.
"""

import csv
from collections.abc import Iterator
from typing import TYPE_CHECKING

from analysis.errors import InputFileError
from analysis.paths import StrPath

if TYPE_CHECKING:  # files imports this module
    from analysis.sources.files import Head

WIDTH_CHECK_BYTES = 256 * 1024**2
"""Text files up to this size have every row's field count checked in Python too."""

MAX_FIELD_CHARACTERS = 2_000_000
"""Python's csv module refuses fields over 128 KiB; DuckDB reads lines up to 2 MB, so a long
(if odd) name is read by both rather than refused by one."""


def _allow_long_fields() -> None:
    csv.field_size_limit(max(csv.field_size_limit(), MAX_FIELD_CHARACTERS))


def check_widths(head: "Head", header_index: int, delimiter: str) -> None:
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


def line_count(path: StrPath) -> int:
    """The number of lines of a text file (a last line without a line end counts)."""
    count, last = 0, b"\n"
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count + (last != b"\n")


def _records(path: StrPath, delimiter: str, header_index: int) -> Iterator[tuple[int, int]]:
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


def record_lines(path: StrPath, delimiter: str, header_index: int) -> list[int] | None:
    """The first line of each record below the header, as the user's editor numbers lines."""
    try:
        return [line for line, _ in _records(path, delimiter, header_index)]
    except csv.Error:
        return None


def first_bad_record(path: StrPath, delimiter: str, header_index: int, expected: int) -> tuple[int, int] | None:
    """(line, fields) of the first record whose number of fields is not ``expected``, or None."""
    try:
        return next(
            ((line, fields) for line, fields in _records(path, delimiter, header_index) if fields != expected), None
        )
    except csv.Error:
        return None
