"""Google Patents "Download (CSV)", read as downloaded.

An optional first line ``search URL:,https://patents.google.com/?q=…`` sits above the header
``id,title,assignee,inventor/author,priority date,filing/creation date,publication date,
grant date,result link,representative figure link``. ``id`` carries office and kind
(WO-2024158987-A1); national ids (US-…, CN-…) are left out by validation and counted by
office. Dates are YYYY-MM-DD. Google gives no applicant country, so it stays unknown.

``assignee`` joins the applicants with ", " — the same characters that occur inside names
("Microsoft Technology Licensing, Llc", "Samsung Electronics Co., Ltd.", "Agency For
Science, Technology And Research"). The cell is split at every ", " and pieces are joined
back when (1) together they spell a name of the reviewed applicant registry (the longest
such run wins), or (2) a piece is a legal form that belongs to the name before it (Llc,
Inc, Ltd., Co., S.A., GmbH, AG, B.V., Corp, S.A. de C.V. …: the words of
names.CORPORATE_SUFFIXES and a few more, also written letter by letter).

What stays ambiguous: a name with a comma that is neither in the registry nor ends in a
legal form ("Board of Regents, The University of X" when X is not in the registry) is read
as two applicants; add it to data/mappings/applicant_registry.csv. A legal form missing
from LEGAL_FORMS is read as an applicant of its own.
"""

import re
from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING

from analysis.load import create_function, sql_string
from analysis.names import CORPORATE_SUFFIXES, normalise_name
from analysis.sources.files import Head, column
from analysis.sources.records import parse_date, raw_select, read_files, row_label, split_cells, trimmed

if TYPE_CHECKING:
    from analysis.sources import Reader, SourceFormat

HEADER = ("id", "assignee", "publication date", "result link")
SEPARATOR = ", "
"""How Google joins the applicants of one publication."""
PART = "\x1f"
"""Joins the split applicants for split_cells: the unit separator is never part of a name."""
_WORDS = re.compile(r"[\s.,/&]+")
LEGAL_FORMS = CORPORATE_SUFFIXES | {"LTDA", "SDN", "BHD", "PVT", "DE", "RL"}
"""names.CORPORATE_SUFFIXES and the words of a few more forms that Google writes after a
comma (Ltda, Sdn. Bhd., Pvt. Ltd., S.A. de C.V., S. de R.L.)."""


def detect(head: Head) -> bool:
    """True for a Google Patents CSV header (below its "search URL:" line, if any)."""
    return head.find_header(HEADER, delimiters=(",",)) is not None


def is_legal_form(piece: str) -> bool:
    """True when a piece of an assignee cell is only a legal form ("Ltd.", "S.A. de C.V.",
    "GmbH & Co. KG"); letters written one by one count as one word ("S.p.A." is SPA)."""
    words = []
    for word in _WORDS.split(piece.upper()):
        if len(word) == 1 and words and words[-1][1]:
            words[-1] = (words[-1][0] + word, True)
        elif word:
            words.append((word, len(word) == 1))
    return bool(words) and all(word in LEGAL_FORMS for word, _ in words)


class AssigneeSplitter:
    """Splits Google's assignee cells without cutting a known name or a legal form off its name."""

    def __init__(self, known_names: Iterable[str] = ()) -> None:
        names = [name for name in known_names if name.strip()]
        self.known = {normalise_name(name) for name in names}
        self.widest = max((name.count(",") + 1 for name in names), default=1)

    def split(self, cell: str) -> list[str]:
        """Return the applicants of a cell in order; empty pieces stay as "" to be counted."""
        pieces = [piece.strip() for piece in cell.split(SEPARATOR)]
        applicants, start = [], 0
        while start < len(pieces):
            end = self._known_run(pieces, start)
            while end < len(pieces) and is_legal_form(pieces[end]):
                end += 1
            applicants.append(SEPARATOR.join(pieces[start:end]))
            start = end
        return applicants

    def _known_run(self, pieces: list[str], start: int) -> int:
        """The end of the longest run of pieces from ``start`` that spells a known name, or start + 1."""
        for end in range(min(len(pieces), start + self.widest), start + 1, -1):
            if normalise_name(SEPARATOR.join(pieces[start:end])) in self.known:
                return end
        return start + 1


def read(reader: "Reader", heads: list[Head], known_names: Iterable[str] | None = None) -> str:
    """Raw records of Google Patents CSVs: one per (publication, applicant).

    ``known_names`` defaults to every name and spelling of the applicant registry.
    """
    if known_names is None:
        from analysis.registry import read_registry

        known_names = read_registry().known_names()
    splitter = AssigneeSplitter(known_names)

    def applicants(cell: str | None) -> str | None:
        """One cell's applicants joined by PART; a blank cell names none (NULL)."""
        return PART.join(splitter.split(cell)) if cell and cell.strip() else None

    assignees = create_function(
        reader.connection,
        "google_assignees",
        applicants,
        parameters=["VARCHAR"],
        return_type="VARCHAR",
        null_handling="special",
    )
    return read_files(reader, heads, HEADER, "Google Patents", partial(_select, assignees=assignees))


def _select(reader: "Reader", head: Head, table: str, names: list[str], assignees: str) -> str:
    date = column(names, "publication date")
    values = {
        "publication_number": trimmed(column(names, "id")),
        "publication_date": parse_date(date),
        "publication_date_raw": date,
        "date_hint": sql_string("YYYY-MM-DD"),
        "applicant_name": f"{assignees}(CAST({column(names, 'assignee')} AS VARCHAR))",
    }
    select = raw_select(table, str(head.path), row_label(head), values, reader.order_base())
    return split_cells(select, PART)


def _format() -> "SourceFormat":
    from analysis.sources import SourceFormat

    return SourceFormat(
        "google",
        "Google Patents search results, 'Download (CSV)' as downloaded",
        (
            "id,title,assignee,inventor/author,priority date,filing/creation date,publication date,grant date,"
            "result link,representative figure link"
        ),
        detect,
        read,
        download=(
            "patents.google.com → search → 'Download (CSV)' above the results: at most 1,000 rows "
            "per file; split larger searches by date (before:/after:) and pass all files"
        ),
    )


FORMAT = _format()
