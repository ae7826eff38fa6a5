"""Parse raw canonical records, check every value, and decide which rows count.

``validate_source(source)`` returns a Checked value: the view of counted records, a tally
of applicant spellings for harmonising names, and a Summary that accounts for every row
read — counted, left out as not a PCT publication (by office), left out as a
republication, left out for naming no applicant — so that the CLI and every report can say
what counts. A value that is wrong is an error naming its file and row; nothing is
accepted or dropped in silence.
"""

from dataclasses import dataclass, field

import pandas as pd

from analysis.errors import InputFileError, ValidationError
from analysis.pct import (
    FIRST_PCT_YEAR,
    PCT_KINDS,
    PCT_OFFICE,
    is_first_publication_sql,
    parts_sql,
    wo_digits_sql,
    wo_number_sql,
)
from analysis.schema import PROVENANCES, SECTORS

SHOWN_PROBLEMS = 20
"""How many problems the error lists; the rest are counted."""

VARIANT_COLUMNS = ("applicant_name", "applicant_country", "applicant_sector", "provenance")
"""The columns that describe an applicant, tallied per distinct combination for the counting."""

CONTROL_CHARACTERS = "[\\x00-\\x1f\\x7f-\\x9f\\x{2028}\\x{2029}\\x{202a}-\\x{202e}\\x{2066}-\\x{2069}]"
"""C0, DEL and C1 characters, the Unicode line and paragraph separators and the bidirectional
embeddings, overrides and isolates: never part of a name; a name holding one is refused
(they break terminals, spreadsheets and PDF layout, an override shows a name reversed, and
no applicant's name has them)."""


COUNTED_VIEW = """
    CREATE OR REPLACE VIEW counted_records AS
    SELECT number AS publication_number, year(publication_date) AS year, applicant_name, applicant_country,
           applicant_sector, provenance, ipc, applicant_sequence, _order
    FROM classified WHERE status = 'counted' AND applicant_name IS NOT NULL"""


@dataclass(frozen=True)
class Check:
    """One rule: the SQL condition that is true for a bad row, and the message it gets."""

    column: str
    condition: str
    message: str


@dataclass(frozen=True)
class Summary:
    """What was read and what counts. Row counts are rows of the input files (a row of
    several applicants is one); ``applications_by_year`` is filled in by the counting."""

    files: tuple = ()
    rows: int = 0
    non_pct_by_office: dict = field(default_factory=dict)
    republications: int = 0
    republications_without_first: int = 0
    no_applicant: int = 0
    counted_rows: int = 0
    """Rows of first publications with an applicant: more than the applications counted
    where overlapping downloads repeat a publication (it counts once)."""
    empty_parts: int = 0
    set_aside: dict = field(default_factory=dict)
    applications_by_year: dict = field(default_factory=dict)

    @property
    def non_pct(self):
        return sum(self.non_pct_by_office.values())

    @property
    def applications(self):
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

    connection: object
    records: str
    kind: str
    variants: pd.DataFrame
    summary: Summary


def _text(column):
    return f"NULLIF(trim(CAST({column} AS VARCHAR), ' \t\r\n'), '')"


def _quoted(column):
    """SQL that shows a raw value quoted in a message."""
    return f"'''' || coalesce(CAST({column} AS VARCHAR), '') || ''''"


def _in_list(values):
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def _iso_countries():
    """ISO 3166-1 alpha-2 codes, with those of former countries (SU, DD, CS, YU) that old
    publications carry; WO, EP and ZZ are not among them."""
    import pycountry

    current = {country.alpha_2 for country in pycountry.countries}
    former = {country.alpha_2 for country in pycountry.historic_countries if getattr(country, "alpha_2", None)}
    return tuple(sorted(current | former))


def _label(column):
    return f"lower({_text(column)})"


def _number(column, raw_type):
    """SQL: a numeric column as DOUBLE, whatever type the file gave it."""
    return f"CAST({column} AS DOUBLE)" if raw_type != "VARCHAR" else f"TRY_CAST({_text(column)} AS DOUBLE)"


def _applicant_checks(countries):
    return [
        Check(
            "applicant_name",
            f"applicant_name IS NOT NULL AND regexp_matches(applicant_name, '{CONTROL_CHARACTERS}')",
            "'holds a control character (' || "
            f"printf('U+%04X', unicode(regexp_extract(applicant_name, '{CONTROL_CHARACTERS}'))) || ')'",
        ),
        Check(
            "applicant_country",
            f"applicant_country IS NOT NULL AND applicant_country NOT IN {_in_list(countries)}",
            f"{_quoted('raw_applicant_country')} || ' is not an ISO 3166-1 alpha-2 country code'",
        ),
        Check(
            "applicant_sector",
            f"applicant_sector IS NOT NULL AND applicant_sector NOT IN {_in_list(SECTORS)}",
            f"{_quoted('raw_applicant_sector')} || ' is not one of {', '.join(SECTORS)}'",
        ),
        Check(
            "provenance",
            f"provenance IS NOT NULL AND provenance NOT IN {_in_list(PROVENANCES)}",
            f"{_quoted('raw_provenance')} || ' is not one of {', '.join(PROVENANCES)}'",
        ),
    ]


def _types(connection, relation):
    return dict(connection.execute(f"SELECT column_name, column_type FROM (DESCRIBE {relation})").fetchall())


def validate_source(source, strict_applicants=None):
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


def _code(column, common, from_number):
    """SQL: an office or kind code, upper-cased without its padding, else ``from_number`` (the
    code written in the publication number). A code written exactly as one of ``common`` is
    itself: most rows are, and for them this skips the trimming and casing."""
    parsed = f"upper(coalesce({_text(column)}, {from_number}))"
    return f"CASE WHEN {column} IN {_in_list(common)} THEN {column} ELSE {parsed} END"


def _record_views(source):
    """Create the views ``parsed`` (every value parsed) and ``classified`` (with each row's
    status: counted, republication or not-pct) over the source's raw records; return the raw
    records' column types."""
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
               applicant_name, {_number("applicant_sequence", types["applicant_sequence"])} AS applicant_sequence,
               applicant_sequence AS raw_applicant_sequence, applicant_country AS raw_applicant_country,
               applicant_sector AS raw_applicant_sector, provenance AS raw_provenance, {_text("ipc")} AS ipc
        FROM (SELECT *, {wo_digits_sql("p")}
              FROM (SELECT *, {parts} AS p
                    FROM (SELECT *, coalesce({CANONICAL_NUMBER}, false) AS canonical FROM {source.relation})))""")
    first = is_first_publication_sql("kind")
    connection.execute(f"""
        CREATE OR REPLACE VIEW classified AS
        SELECT *, CASE WHEN office IS DISTINCT FROM '{PCT_OFFICE}' THEN 'not-pct'
                       WHEN NOT {first} THEN 'republication' ELSE 'counted' END AS status,
               {_parsed_applicant_columns()}
        FROM parsed""")
    return types


def counted_records(source):
    """Create, over inputs already validated, the view of counted records (as Checked.records
    describes it) without checking them again; return its name."""
    _record_views(source)
    source.connection.execute(COUNTED_VIEW)
    return "counted_records"


def _validate_records(source, strict_applicants):
    connection = source.connection
    if strict_applicants is None:
        strict_applicants = all(f.format in ("canonical", "mapped") for f in source.files)
    types = _record_views(source)
    row_checks, applicant_checks = _record_checks(strict_applicants, types["applicant_sequence"])
    tally = _tally(connection, row_checks, applicant_checks)
    if tally.empty or tally["source_rows"].sum() == 0:
        raise InputFileError(f"{', '.join(str(f.path) for f in source.files)}: no data rows (only a header)")
    if tally["bad_rows"].sum():
        checks = row_checks + applicant_checks
        _raise_problems(connection, "classified", checks, " OR ".join(f"({c.condition})" for c in checks), source)
    return _classified(source, tally)


def _parsed_applicant_columns():
    return (
        f"upper({_text('raw_applicant_country')}) AS applicant_country, "
        f"{_label('raw_applicant_sector')} AS applicant_sector, {_label('raw_provenance')} AS provenance"
    )


def _record_checks(strict_applicants, sequence_type):
    """Checks of each row's own values, and checks of its applicant's columns."""
    pct = f"office = '{PCT_OFFICE}'"
    # A number's text is never blank: only written text needs trimming to tell "not given".
    sequence_given = (
        f"{_text('raw_applicant_sequence')} IS NOT NULL"
        if sequence_type == "VARCHAR"
        else "raw_applicant_sequence IS NOT NULL"
    )
    row_checks = [
        Check(
            "publication_number",
            "office IS NULL",
            f"CASE WHEN {_text('raw_publication_number')} IS NULL THEN 'is empty' "
            f"ELSE {_quoted('raw_publication_number')} || ' is not a publication number' END",
        ),
        Check(
            "publication_number",
            f"{pct} AND number IS NULL",
            f"{_quoted('raw_publication_number')} || ' is not a WO publication number (WO2015075742)'",
        ),
        Check(
            "kind",
            f"{pct} AND kind IS NOT NULL AND kind NOT IN {_in_list(PCT_KINDS)}",
            f"{_quoted('kind')} || ' is not a kind of PCT publication ({', '.join(PCT_KINDS)})'",
        ),
        Check(
            "publication_date",
            f"{pct} AND publication_date IS NULL",
            f"CASE WHEN {_text('publication_date_raw')} IS NULL THEN 'is empty' "
            f"ELSE {_quoted('publication_date_raw')} || ' is not a date (expected ' || date_hint || ')' END",
        ),
        Check(
            "publication_date",
            f"{pct} AND (publication_date < DATE '{FIRST_PCT_YEAR}-01-01' OR publication_date > current_date)",
            f"CAST(publication_date AS VARCHAR) || ' is ' || CASE WHEN publication_date > current_date "
            f"THEN 'in the future' ELSE 'before {FIRST_PCT_YEAR}, when the first PCT applications were published' END",
        ),
        Check(
            "applicant_sequence",
            f"{sequence_given} AND (applicant_sequence IS NULL OR applicant_sequence < 1 "
            "OR applicant_sequence <> floor(applicant_sequence) OR "
            "isnan(applicant_sequence) OR isinf(applicant_sequence))",
            f"{_quoted('raw_applicant_sequence')} || ' is not a whole number from 1'",
        ),
    ]
    applicant_checks = _applicant_checks(_iso_countries())
    if strict_applicants:
        applicant_checks.append(Check("applicant_name", f"{pct} AND applicant_name IS NULL", "'is empty'"))
    return row_checks, applicant_checks


def _tally(connection, row_checks, applicant_checks):
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


def _classified(source, tally):
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


def _validate_aggregated(source):
    connection = source.connection
    types = _types(connection, source.relation)
    connection.execute(f"""
        CREATE OR REPLACE VIEW classified AS
        SELECT _file, _row, _label, year AS raw_year, published AS raw_published,
               {_number("year", types["year"])} AS year_value, {_number("published", types["published"])} AS published,
               {_text("applicant_name")} AS applicant_name,
               upper({_text("applicant_country")}) AS applicant_country, applicant_country AS raw_applicant_country,
               {_label("applicant_sector")} AS applicant_sector, applicant_sector AS raw_applicant_sector,
               {_label("provenance")} AS provenance, provenance AS raw_provenance
        FROM {source.relation}""")
    checks = [
        Check(
            "year",
            f"year_value IS NULL OR year_value <> floor(year_value) OR year_value < {FIRST_PCT_YEAR} "
            "OR year_value > year(current_date)",
            f"{_quoted('raw_year')} || ' is not a year from {FIRST_PCT_YEAR} to this year'",
        ),
        Check(
            "published",
            "published IS NULL OR published < 0 OR isnan(published) OR isinf(published)",
            f"{_quoted('raw_published')} || ' is not a count of applications'",
        ),
        Check("applicant_name", "applicant_name IS NULL", "'is empty'"),
        *_applicant_checks(_iso_countries()),
    ]
    any_bad = " OR ".join(f"({c.condition})" for c in checks)
    rows, bad = connection.execute(f"SELECT count(*), count_if({any_bad}) FROM classified").fetchall()[0]
    if rows == 0:
        raise InputFileError(f"{', '.join(str(f.path) for f in source.files)}: no data rows (only a header)")
    if bad:
        _raise_problems(connection, "classified", checks, any_bad, source)
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


def _raise_problems(connection, relation, checks, any_bad, source):
    messages = ", ".join(f"CASE WHEN {c.condition} THEN '{c.column}: ' || ({c.message}) END" for c in checks)
    found = connection.execute(
        f"SELECT _file, _label, _row, list_filter([{messages}], lambda m: m IS NOT NULL) AS problems, "
        f"sum(len(list_filter([{messages}], lambda m: m IS NOT NULL))) OVER () AS total "
        f"FROM {relation} WHERE {any_bad} ORDER BY _file, _row LIMIT {SHOWN_PROBLEMS}"
    ).fetchall()
    total = int(found[0][4])
    files = {row[0] for row in found}
    single = len(files) == 1 and len(source.files) == 1
    where = (lambda f, label, row: f"{label} {row}") if single else (lambda f, label, row: f"{f} {label} {row}")
    problems = [f"{where(f, label, row)}, {problem}" for f, label, row, listed, _ in found for problem in listed]
    path = next(iter(files)) if single else ", ".join(str(f.path) for f in source.files)[:200]
    raise ValidationError(path, problems[:SHOWN_PROBLEMS], total)
