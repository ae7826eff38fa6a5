"""Input formats: one module per source, each turning its export into canonical records.

``FORMATS`` is the registry: adding a source is one module with a ``FORMAT`` and one line
here. ``open_inputs`` expands what ``--data`` names (files, folders, globs), detects each
file's format from its header (banner rows above it allowed) unless one is forced, and
returns a Source: a DuckDB view of raw canonical records over all the files, which
validation then parses and checks. Nothing downstream knows formats.
"""

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from analysis.errors import InputFileError, OptionError, SchemaError
from analysis.load import connect, release
from analysis.paths import StrPath
from analysis.sources.files import Head, Scanner, expand_inputs, read_head

if TYPE_CHECKING:
    from analysis.sources.mapping import ColumnMap


@dataclass(frozen=True)
class SourceFormat:
    """One input format.

    ``detect(head)`` says whether a file's first rows are this format's; ``read(reader,
    heads)`` returns SQL selecting the raw canonical records (records.RAW_COLUMNS) of those
    files, or for ``kind`` "aggregated" the canonical aggregated columns (``kind`` may be a
    function of the column mapping, for a mapping that can map either).
    ``example_header`` is shown by ``pct-report sources``.
    """

    name: str
    title: str
    example_header: str
    detect: Callable[[Head], bool]
    read: Callable[["Reader", list[Head]], str]
    kind: str | Callable[["ColumnMap | None"], str] = "records"

    def kind_for(self, column_map: "ColumnMap | None") -> str:
        return self.kind(column_map) if callable(self.kind) else self.kind

    download: str = ""


@dataclass
class Reader:
    """What a format's ``read`` works with: the connection, a scanner that makes a table per
    file, the user's column mapping (if any), and a tally of what was set aside while
    reading (counted, and said in the summary)."""

    connection: duckdb.DuckDBPyConnection
    scanner: Scanner
    column_map: "ColumnMap | None" = None
    set_aside: Counter[str] = field(default_factory=Counter)
    files_read: int = 0

    def order_base(self) -> int:
        """A base for ``_order`` that puts each file's rows after the previous file's."""
        self.files_read += 1
        return self.files_read << 40


@dataclass(frozen=True)
class InputDescription:
    """A file read: as the user named it, its detected format, and its text encoding."""

    path: Path
    format: str
    encoding: str | None


@dataclass
class Source:
    """Opened inputs: ``relation`` names a view in ``connection`` of raw canonical records
    (or aggregated rows, by ``kind``) over every file in ``files``, which hold ``size`` bytes."""

    connection: duckdb.DuckDBPyConnection
    relation: str
    kind: str
    files: tuple[InputDescription, ...]
    set_aside: Counter[str]
    column_map: "ColumnMap | None" = None
    size: int = 0

    def __enter__(self) -> "Source":
        return self

    def __exit__(self, *exception: object) -> None:
        """Drop the views and tables the work made: the connection's schema goes with it."""
        release(self.connection)


def _formats() -> dict[str, SourceFormat]:
    from analysis.sources import canonical, espacenet, google_patents, lens, patentscope, patstat

    return {
        f.name: f
        for f in (
            *canonical.FORMATS,
            patentscope.FORMAT,
            espacenet.FORMAT,
            google_patents.FORMAT,
            *lens.FORMATS,
            *patstat.FORMATS,
        )
    }


FORMATS = _formats()
"""Every format by name, in the order detection tries them."""


def detect_format(head: Head, forced: str | None = None, column_map: "ColumnMap | None" = None) -> SourceFormat:
    """Return the format of a file: the forced one, the mapped one, or the first whose
    ``detect`` accepts its head."""
    if forced:
        return FORMATS[forced]
    if column_map is not None:
        return FORMATS["mapped"]
    for source_format in FORMATS.values():
        if source_format.name != "mapped" and source_format.detect(head):
            return source_format
    from analysis.sources.canonical import resembles

    if resembles(head):
        return FORMATS["canonical"]  # whose reading names the columns it misses
    raise SchemaError(
        f"{head.path}: not a format this tool knows ({', '.join(n for n in FORMATS if n != 'mapped')}); "
        f"its first line is {_first_line(head)!r}. See `pct-report sources`, "
        "or map your headers with --columns MAPPING.yaml"
    )


def _first_line(head: Head) -> str:
    rows = [row for row in head.rows() if any(str(cell).strip() for cell in row)]
    return ",".join(map(str, rows[0]))[:120] if rows else ""


def open_inputs(
    data: StrPath | Iterable[StrPath], source: str | None = None, column_map: "ColumnMap | None" = None
) -> Source:
    """Open everything ``data`` names as one Source, to be used in a ``with`` block.

    ``source`` forces a format by name; ``column_map`` (a ColumnMap) reads the files with
    the user's mapping. Raises InputFileError, SchemaError or OptionError in one line.
    """
    if source is not None and source not in FORMATS:
        raise OptionError(f"unknown source format {source!r}; use one of {', '.join(FORMATS)}")
    files = expand_inputs(data)
    encoding = getattr(column_map, "encoding", None)
    groups = {}
    for path in files:
        head = read_head(path, encoding)
        groups.setdefault(detect_format(head, source, column_map).name, []).append(head)
    kinds = {FORMATS[name].kind_for(column_map) for name in groups}
    if len(kinds) > 1:
        raise InputFileError("the inputs mix application-level records and aggregated counts; give one kind at a time")
    connection = connect()
    try:
        reader = Reader(connection, Scanner(connection), column_map)
        selects = [FORMATS[name].read(reader, heads) for name, heads in groups.items()]
        connection.execute("CREATE VIEW source AS " + " UNION ALL BY NAME ".join(f"({sql})" for sql in selects))
    except BaseException:
        release(connection)
        raise
    described = tuple(
        InputDescription(head.path, name, head.encoding) for name, heads in groups.items() for head in heads
    )
    size = sum(path.stat().st_size for path in files)
    return Source(connection, "source", kinds.pop(), described, reader.set_aside, column_map, size)
