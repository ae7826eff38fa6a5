"""Lens.org patent exports (CSV), in the three layouts Lens has delivered.

- ``lens-2015``: the early export, often re-saved by Excel on a Mac: Mac Roman bytes, CR
  line ends (both handled by analysis.sources.files), ``Result #`` first, dates as
  dd/mm/yy beside a ``Publication Year`` column that fixes their century.
- ``lens-2021``: ``#``, ``Jurisdiction``, ``Kind``, ``Publication Number`` ("WO 2015/075742
  A2"), ISO dates.
- ``lens-2023``: as 2021 with ``Display Key`` in place of ``Publication Number``.

A Lens export mixes offices (US, CN, EP …): every row is passed on with its jurisdiction,
and validation counts only WO publications, tallying the rest by office. Several
applicants share one cell, separated by ";;", first-named first; IPCR symbols likewise.
Lens writes no applicant country: it stays unknown.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from analysis.errors import SchemaError
from analysis.load import sql_string
from analysis.sources.files import Head, column, table_columns
from analysis.sources.records import parse_date, raw_select, split_cells, trimmed

if TYPE_CHECKING:
    from analysis.sources import Reader, SourceFormat

SEPARATOR = ";;"
"""How Lens joins the applicants (and the IPCR symbols) of one publication in one cell."""


@dataclass(frozen=True)
class Layout:
    """One Lens layout: the headers that identify it, where its number is, how it writes dates."""

    name: str
    year: str
    marker: str  # a header that, with the number's, tells this layout from the others
    number: str  # the header of the publication number
    date_hint: str

    @property
    def required(self) -> tuple[str, str, str, str]:
        return (self.marker, self.number, "Publication Date", "Applicants")


LAYOUTS = (
    Layout("lens-2015", "2015", "Result #", "Publication Number", "DD/MM/YY"),
    Layout("lens-2021", "2021", "Lens ID", "Publication Number", "YYYY-MM-DD"),
    Layout("lens-2023", "2023", "Lens ID", "Display Key", "YYYY-MM-DD"),
)


def _find_header(head: Head, layout: Layout) -> tuple[int, str] | None:
    return head.find_header(layout.required, delimiters=(",", ";", "\t"))


def _detects(layout: Layout) -> Callable[[Head], bool]:
    """2015 is told from 2021 by ``Result #``, 2021 from 2023 by which number column it has."""

    def detect(head: Head) -> bool:
        if _find_header(head, layout) is None:
            return False
        return layout.name != "lens-2021" or _find_header(head, LAYOUTS[0]) is None

    return detect


def _number(expression: str) -> str:
    """SQL: the publication number, a Lens document key ("WO_2015_075742_A2_20150528")
    written the way validation reads numbers ("WO 2015 075742 A2")."""
    return f"regexp_replace(regexp_replace({trimmed(expression)}, '_\\d{{8}}$', ''), '_', ' ', 'g')"


def _date(layout: Layout, date: str, year: str | None) -> str:
    """SQL: the publication date. dd/mm/yy takes its century from ``Publication Year``
    when the two agree (otherwise the date is not trusted: NULL, reported by validation);
    dd/mm/yyyy and ISO dates, as a re-saved file may hold, are read as they are."""
    if layout.name != "lens-2015":
        return parse_date(date)
    short = parse_date(date, "%d/%m/%y")
    written_year = f"TRY_CAST({trimmed(year)} AS INTEGER)" if year else "NULL"
    with_year = (
        f"CASE WHEN {written_year} IS NULL THEN {short} "
        f"WHEN year({short}) % 100 = {written_year} % 100 "
        f"THEN make_date({written_year}, month({short}), day({short})) END"
    )
    two_digits = f"regexp_matches({trimmed(date)}, '^\\d{{1,2}}/\\d{{1,2}}/\\d{{2}}$')"
    written_out = f"coalesce({parse_date(date, '%d/%m/%Y')}, {parse_date(date)})"
    return f"CASE WHEN {two_digits} THEN {with_year} ELSE {written_out} END"


def _ipc(expression: str) -> str:
    """SQL: IPCR symbols joined by ";", empty parts left out."""
    split = f"string_split(coalesce({expression}, ''), {sql_string(SEPARATOR)})"
    parts = f"list_filter(list_transform({split}, lambda p: {trimmed('p')}), lambda p: p IS NOT NULL)"
    return f"NULLIF(array_to_string({parts}, ';'), '')"


def _reader(layout: Layout) -> Callable[["Reader", list[Head]], str]:
    def read(reader: "Reader", heads: list[Head]) -> str:
        selects = []
        for head in heads:
            found = _find_header(head, layout)
            if found is None:
                wanted = ", ".join(layout.required)
                raise SchemaError(f"{head.path}: not a {layout.name} export (no header with {wanted})")
            table = reader.scanner.scan(head, *found)
            names = table_columns(reader.connection, table)
            date = column(names, "Publication Date")
            values = {
                "publication_number": _number(column(names, layout.number)),
                "publication_date": _date(layout, date, column(names, "Publication Year")),
                "publication_date_raw": date,
                "date_hint": sql_string(layout.date_hint),
                "applicant_name": column(names, "Applicants"),
            }
            for name, header in (("office", "Jurisdiction"), ("kind", "Kind")):
                if column(names, header):
                    values[name] = trimmed(column(names, header))
            if column(names, "IPCR Classifications"):
                values["ipc"] = _ipc(column(names, "IPCR Classifications"))
            select = raw_select(table, str(head.path), "line", values, reader.order_base())
            selects.append(split_cells(select, SEPARATOR))
        return " UNION ALL BY NAME ".join(f"({s})" for s in selects)

    return read


def _formats() -> tuple["SourceFormat", ...]:
    from analysis.sources import SourceFormat

    download = (
        "lens.org → Patents → search (Jurisdiction filter optional) → Export → CSV; "
        "one file per export, up to Lens's export limit (50,000 records when signed in)"
    )
    return tuple(
        SourceFormat(
            layout.name,
            f"Lens.org patent export, {layout.year} layout (CSV)",
            ",".join(layout.required),
            _detects(layout),
            _reader(layout),
            download=download,
        )
        for layout in LAYOUTS
    )


FORMATS = _formats()
