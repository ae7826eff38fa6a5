"""Parse raw canonical records, check every value, and decide which rows count.

``validate_source(source)`` returns a Checked value: the view of counted records, a tally
of applicant spellings for harmonising names, and a Summary that accounts for every row
read — counted, left out as not a PCT publication (by office), left out as a
republication, left out for naming no applicant — so that the CLI and every report can say
what counts. A value that is wrong is an error naming its file and row; nothing is
accepted or dropped in silence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from analysis.errors import InputFileError
from analysis.pct import (
    FIRST_PCT_YEAR,
    PCT_KINDS,
    PCT_OFFICE,
    is_first_publication_sql,
    parts_sql,
    wo_digits_sql,
    wo_number_sql,
)
from analysis.validate.checks import (
    SHOWN_PROBLEMS,
    Check,
    applicant_checks,
    in_list,
    iso_countries,
    label_sql,
    number_sql,
    quoted_sql,
    raise_problems,
    record_checks,
    text_sql,
)

if TYPE_CHECKING:
    from analysis.sources import InputDescription, Source

__all__ = ["SHOWN_PROBLEMS", "VARIANT_COLUMNS", "Checked", "Summary", "counted_records", "validate_source"]

VARIANT_COLUMNS = ("applicant_name", "applicant_country", "applicant_sector", "provenance")
"""The columns that describe an applicant, tallied per distinct combination for the counting."""

COUNTED_VIEW = """
    CREATE OR REPLACE VIEW counted_records AS
    SELECT number AS publication_number, year(publication_date) AS year, applicant_name, applicant_country,
           applicant_sector, provenance, ipc, applicant_sequence, _order
    FROM classified WHERE status = 'counted' AND applicant_name IS NOT NULL"""


@dataclass(frozen=True)
class Summary:
    """What was read and what counts. Row counts are rows of the input files (a row of
    several applicants is one); ``applications_by_year`` is filled in by the counting."""

    files: tuple[InputDescription, ...] = ()
    rows: int = 0
    non_pct_by_office: dict[str, int] = field(default_factory=dict)
    republications: int = 0
    republications_without_first: int = 0
    no_applicant: int = 0
    counted_rows: int = 0
    """Rows of first publications with an applicant: more than the applications counted
    where overlapping downloads repeat a publication (it counts once)."""
    empty_parts: int = 0
    set_aside: dict[str, int] = field(default_factory=dict)
    applications_by_year: dict[int, int] = field(default_factory=dict)

    @property
    def non_pct(self) -> int:
        return sum(self.non_pct_by_office.values())

    @property
    def applications(self) -> int:
        return sum(self.applications_by_year.values())


@dataclass
class Checked:
    """Validated input, passed on to the counting as a value.

    ``records`` names a view in ``connection`` of counted application-level rows
    (publication_number as WO + year + serial, year, applicant_name, applicant_country,
    applicant_sector, provenance, ipc, applicant_sequence, _order) or, for ``kind``
    "aggregated", of counts (year, applicant_name, applicant_country, published,
    applicant_sector, provenance). ``variants`` tallies rows per distinct applicant_name,
    applicant_country, applicant_sector, provenance.
    """

    connection: duckdb.DuckDBPyConnection
    records: str
    kind: str
    variants: pd.DataFrame
    summary: Summary


def _types(connection: duckdb.DuckDBPyConnection, relation: str) -> dict[str, str]:
    return dict(connection.execute(f"SELECT column_name, column_type FROM (DESCRIBE {relation})").fetchall())


def validate_source(source: Source, strict_applicants: bool | None = None) -> Checked:
    """Check every value of ``source`` and return a Checked value.

    Raises ValidationError listing the problems (each naming file and row) and
    InputFileError when the files hold no data rows.
    """
    if source.kind == "aggregated":
        return _validate_aggregated(source)
    return _validate_records(source, strict_applicants)


CANONICAL_NUMBER = (
    "length(publication_number) = 12 AND starts_with(publication_number, 'WO') "
    "AND TRY_CAST(substr(publication_number, 3) AS UBIGINT) IS NOT NULL"
)
"""A number written as the canonical WO number, as parts_sql's fast path takes it: it is its
own canonical form, with office WO and no kind. Most rows of large inputs are written so,
and the general parse (a struct of parts, then the digits split) costs more than the rest of
validation together."""


def _code(column: str, common: tuple[str, ...], from_number: str) -> str:
    """SQL: an office or kind code, upper-cased without its padding, else ``from_number`` (the
    code written in the publication number). A code written exactly as one of ``common`` is
    itself: most rows are, and for them this skips the trimming and casing."""
    parsed = f"upper(coalesce({text_sql(column)}, {from_number}))"
    return f"CASE WHEN {column} IN {in_list(common)} THEN {column} ELSE {parsed} END"


SMALL_INPUT_BYTES = 32 * 1024**2
"""Inputs up to this size get ``classified`` as a table, not a view. DuckDB plans a query
over the view chain (format, parse, classify) in some 20 ms, more than running it over a
few thousand rows, and validation and counting run a dozen queries; a large input is
streamed through the views instead of being held twice."""


def _record_views(source: Source) -> dict[str, str]:
    """Create the view ``parsed`` (every value parsed) and ``classified`` (with each row's
    status: counted, republication or not-pct; a table for a small input) over the source's
    raw records; return the raw records' column types."""
    connection = source.connection
    types = _types(connection, source.relation)
    parts = f"CASE WHEN NOT canonical THEN {parts_sql('publication_number', fast=True)} END"
    office = _code("office", (PCT_OFFICE,), f"CASE WHEN canonical THEN '{PCT_OFFICE}' ELSE NULLIF(p.office, '') END")
    kind = _code("kind", PCT_KINDS, "CASE WHEN NOT canonical THEN NULLIF(p.kind, '') END")
    connection.execute(f"""
        CREATE OR REPLACE VIEW parsed AS
        SELECT _file, _row, _label, _order, _part, _empty_parts, publication_number AS raw_publication_number,
               {office} AS office, {kind} AS kind,
               CASE WHEN canonical THEN publication_number ELSE {wo_number_sql()} END AS number,
               publication_date, publication_date_raw, date_hint,
               applicant_name, {number_sql("applicant_sequence", types["applicant_sequence"])} AS applicant_sequence,
               applicant_sequence AS raw_applicant_sequence, applicant_country AS raw_applicant_country,
               applicant_sector AS raw_applicant_sector, provenance AS raw_provenance, {text_sql("ipc")} AS ipc
        FROM (SELECT *, {wo_digits_sql("p")}
              FROM (SELECT *, {parts} AS p
                    FROM (SELECT *, coalesce({CANONICAL_NUMBER}, false) AS canonical FROM {source.relation})))""")
    first = is_first_publication_sql("kind")
    relation = "TABLE" if source.size <= SMALL_INPUT_BYTES else "VIEW"
    connection.execute(f"""
        CREATE OR REPLACE {relation} classified AS
        SELECT *, CASE WHEN office IS DISTINCT FROM '{PCT_OFFICE}' THEN 'not-pct'
                       WHEN NOT {first} THEN 'republication' ELSE 'counted' END AS status,
               {_parsed_applicant_columns()}
        FROM parsed""")
    return types


def counted_records(source: Source) -> str:
    """Create, over inputs already validated, the view of counted records (as Checked.records
    describes it) without checking them again; return its name."""
    _record_views(source)
    source.connection.execute(COUNTED_VIEW)
    return "counted_records"


def _validate_records(source: Source, strict_applicants: bool | None) -> Checked:
    connection = source.connection
    if strict_applicants is None:
        strict_applicants = all(f.format in ("canonical", "mapped") for f in source.files)
    types = _record_views(source)
    row_rules, applicant_rules = record_checks(strict_applicants, types["applicant_sequence"])
    tally = _tally(connection, row_rules, applicant_rules)
    if tally.empty or tally["source_rows"].sum() == 0:
        raise InputFileError(f"{', '.join(str(f.path) for f in source.files)}: no data rows (only a header)")
    if tally["bad_rows"].sum():
        rules = row_rules + applicant_rules
        raise_problems(connection, "classified", rules, " OR ".join(f"({c.condition})" for c in rules), source)
    return _classified(source, tally)


def _parsed_applicant_columns() -> str:
    return (
        f"upper({text_sql('raw_applicant_country')}) AS applicant_country, "
        f"{label_sql('raw_applicant_sector')} AS applicant_sector, {label_sql('raw_provenance')} AS provenance"
    )


def _tally(
    connection: duckdb.DuckDBPyConnection, row_checks: list[Check], applicant_checks: list[Check]
) -> pd.DataFrame:
    """One scan: rows per (status, office, applicant spelling), with the rows failing a check.

    The applicant's columns are checked once per distinct spelling rather than once per
    row; the checks of each row's own values are counted in the same scan.
    """
    row_bad = " OR ".join(f"({c.condition})" for c in row_checks)
    applicant_bad = " OR ".join(f"({c.condition})" for c in applicant_checks)
    raw = "office, applicant_name, raw_applicant_country, raw_applicant_sector, raw_provenance"
    return (
        connection.sql(f"""
        SELECT status, office, applicant_name, applicant_country, applicant_sector, provenance, rows, source_rows,
               empty_parts, CASE WHEN {applicant_bad} THEN rows ELSE bad_rows END AS bad_rows
        FROM (SELECT status, {raw}, {_parsed_applicant_columns()}, count(*) AS rows,
                     count_if(_part = 1) AS source_rows, coalesce(sum(_empty_parts), 0) AS empty_parts,
                     count_if({row_bad}) AS bad_rows
              FROM classified GROUP BY ALL)""")
        .to_arrow_table()
        .to_pandas()
    )


def _classified(source: Source, tally: pd.DataFrame) -> Checked:
    """Count what is left out, build the counted view and the spelling tally."""
    connection = source.connection
    not_pct = tally[tally["status"] == "not-pct"]
    by_office = not_pct.groupby("office", dropna=False)["source_rows"].sum().sort_values(ascending=False, kind="stable")
    counted_rows = tally[tally["status"] == "counted"]
    no_applicant = int(counted_rows.loc[counted_rows["applicant_name"].isna(), "source_rows"].sum())
    republications = int(tally.loc[tally["status"] == "republication", "source_rows"].sum())
    without_first = 0
    if republications:
        without_first = connection.execute("""
            SELECT count(*) FROM classified WHERE status = 'republication' AND _part = 1
            AND number NOT IN (SELECT number FROM classified WHERE status = 'counted')""").fetchall()[0][0]
    connection.execute(COUNTED_VIEW)
    counted = tally[(tally["status"] == "counted") & tally["applicant_name"].notna()]
    variants = counted.groupby(list(VARIANT_COLUMNS), dropna=False, as_index=False)["rows"].sum()
    summary = Summary(
        files=source.files,
        rows=int(tally["source_rows"].sum()),
        non_pct_by_office={str(k if k is not None else "?"): int(v) for k, v in by_office.items()},
        republications=republications,
        republications_without_first=int(without_first),
        no_applicant=no_applicant,
        counted_rows=int(counted_rows["source_rows"].sum()) - no_applicant,
        empty_parts=int(tally["empty_parts"].sum()),
        set_aside=dict(source.set_aside),
    )
    return Checked(connection, "counted_records", "records", variants, summary)


def _validate_aggregated(source: Source) -> Checked:
    connection = source.connection
    types = _types(connection, source.relation)
    connection.execute(f"""
        CREATE OR REPLACE VIEW classified AS
        SELECT _file, _row, _label, year AS raw_year, published AS raw_published,
               {number_sql("year", types["year"])} AS year_value,
               {number_sql("published", types["published"])} AS published,
               {text_sql("applicant_name")} AS applicant_name,
               upper({text_sql("applicant_country")}) AS applicant_country, applicant_country AS raw_applicant_country,
               {label_sql("applicant_sector")} AS applicant_sector, applicant_sector AS raw_applicant_sector,
               {label_sql("provenance")} AS provenance, provenance AS raw_provenance
        FROM {source.relation}""")
    checks = [
        Check(
            "year",
            f"year_value IS NULL OR year_value <> floor(year_value) OR year_value < {FIRST_PCT_YEAR} "
            "OR year_value > year(current_date)",
            f"{quoted_sql('raw_year')} || ' is not a year from {FIRST_PCT_YEAR} to this year'",
        ),
        Check(
            "published",
            "published IS NULL OR published < 0 OR isnan(published) OR isinf(published)",
            f"{quoted_sql('raw_published')} || ' is not a count of applications'",
        ),
        Check("applicant_name", "applicant_name IS NULL", "'is empty'"),
        *applicant_checks(iso_countries()),
    ]
    any_bad = " OR ".join(f"({c.condition})" for c in checks)
    rows, bad = connection.execute(f"SELECT count(*), count_if({any_bad}) FROM classified").fetchall()[0]
    if rows == 0:
        raise InputFileError(f"{', '.join(str(f.path) for f in source.files)}: no data rows (only a header)")
    if bad:
        raise_problems(connection, "classified", checks, any_bad, source)
    connection.execute("""
        CREATE OR REPLACE VIEW counted_records AS
        SELECT CAST(year_value AS BIGINT) AS year, applicant_name, applicant_country, published,
               applicant_sector, provenance FROM classified""")
    variants = (
        connection.sql(f"""
        SELECT {", ".join(VARIANT_COLUMNS)}, count(*) AS rows FROM counted_records GROUP BY ALL""")
        .to_arrow_table()
        .to_pandas()
    )
    summary = Summary(files=source.files, rows=int(rows), set_aside=dict(source.set_aside))
    return Checked(connection, "counted_records", "aggregated", variants, summary)
