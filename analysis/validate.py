"""Parse an opened source into typed records and check every value before any counting.

One DuckDB scan counts the rows and the invalid ones; only when something is wrong does a
second query fetch the first problems, each naming its row, column and value. The parsed
view ``records`` (application-level) or ``aggregates`` (already counted) is what the
counting reads. The same scan tallies the rows of each distinct (name, country, sector,
provenance) into the table ``name_variants``, so that the counting need not scan the file
a second time to learn its applicants.
"""

from dataclasses import dataclass

from analysis.errors import InputFileError, ValidationError
from analysis.load import sql_string
from analysis.schema import PROVENANCES, SECTORS

SHOWN_PROBLEMS = 20
"""How many problems the error lists; the rest are counted."""

VARIANT_COLUMNS = ("applicant_name", "applicant_country", "applicant_sector", "provenance")
"""The columns that describe an applicant, tallied per distinct combination for the counting."""

FIRST_PCT_YEAR = 1978
"""The PCT entered into force in 1978; earlier years are typing errors."""

_INTEGER_TYPES = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT"}
_NUMERIC_TYPES = _INTEGER_TYPES | {"FLOAT", "DOUBLE", "REAL"}


@dataclass(frozen=True)
class Check:
    """One rule: the SQL condition that is true for a bad row, and the message it gets."""

    column: str
    condition: str
    message: str


def _text(column):
    return f"NULLIF(trim(CAST({column} AS VARCHAR)), '')"


def _quoted(column):
    """SQL that shows a raw value quoted in a message."""
    return f"'''' || coalesce(CAST({column} AS VARCHAR), '') || ''''"


def _date_expression(source):
    raw_type = source.raw_types["publication_date"]
    if raw_type == "DATE":
        return "publication_date"
    if raw_type.startswith("TIMESTAMP"):
        return "CAST(publication_date AS DATE)"
    text = _text("publication_date")
    if source.column_map.date_format:
        return f"CAST(try_strptime({text}, {sql_string(source.column_map.date_format)}) AS DATE)"
    return f"TRY_CAST({text} AS DATE)"


def _number_expression(source, column, target):
    if source.raw_types.get(column, "").upper() in (_INTEGER_TYPES if target == "BIGINT" else _NUMERIC_TYPES):
        return f"CAST({column} AS {target})"
    return f"TRY_CAST({_text(column)} AS {target})"


def _label_expression(source, column):
    if column not in source.raw_types:
        return "CAST(NULL AS VARCHAR)"
    return f"lower({_text(column)})"


def _in_list(values):
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def _common_checks(source):
    sector_list = ", ".join(SECTORS)
    checks = [
        Check("applicant_name", "applicant_name IS NULL", "'is empty'"),
        Check(
            "applicant_country",
            "applicant_country IS NULL OR NOT regexp_full_match(applicant_country, '[A-Z]{2}')",
            f"{_quoted('raw_applicant_country')} || ' is not an ISO 3166-1 alpha-2 country code'",
        ),
    ]
    if "applicant_sector" in source.raw_types:
        checks.append(Check(
            "applicant_sector",
            f"applicant_sector IS NOT NULL AND applicant_sector NOT IN {_in_list(SECTORS)}",
            f"{_quoted('raw_applicant_sector')} || ' is not one of {sector_list}'",
        ))
    if "provenance" in source.raw_types:
        checks.append(Check(
            "provenance",
            f"provenance IS NOT NULL AND provenance NOT IN {_in_list(PROVENANCES)}",
            f"{_quoted('raw_provenance')} || ' is not one of {', '.join(PROVENANCES)}'",
        ))
    return checks


def _records_plan(source):
    """Parsed columns and checks for application-level records."""
    split = source.column_map.split_applicants
    sequence = _number_expression(source, "applicant_sequence", "BIGINT") if "applicant_sequence" in source.raw_types else "NULL"
    parsed = {
        "publication_number": _text("publication_number"),
        "publication_date": _date_expression(source),
        "applicant_name": _text("applicant_name"),
        "applicant_country": f"upper({_text('applicant_country')})",
        "applicant_sequence": "applicant_sequence" if split else sequence,
        "applicant_sector": _label_expression(source, "applicant_sector"),
        "provenance": _label_expression(source, "provenance"),
    }
    date_hint = source.column_map.date_format or "YYYY-MM-DD"
    checks = [
        Check("publication_number", "publication_number IS NULL", "'is empty'"),
        Check(
            "publication_date",
            "publication_date IS NULL",
            f"CASE WHEN raw_publication_date IS NULL OR trim(CAST(raw_publication_date AS VARCHAR)) = '' THEN 'is empty' "
            f"ELSE {_quoted('raw_publication_date')} || ' is not a date (expected {date_hint})' END",
        ),
        *_common_checks(source),
    ]
    if "applicant_sequence" in source.raw_types and not split:
        checks.append(Check(
            "applicant_sequence",
            f"raw_applicant_sequence IS NOT NULL AND {_text('raw_applicant_sequence')} IS NOT NULL "
            "AND (applicant_sequence IS NULL OR applicant_sequence < 1)",
            f"{_quoted('raw_applicant_sequence')} || ' is not a positive whole number'",
        ))
    return parsed, checks


def _aggregates_plan(source):
    """Parsed columns and checks for aggregated tables (one row per applicant and year)."""
    parsed = {
        "year": _number_expression(source, "year", "BIGINT"),
        "applicant_name": _text("applicant_name"),
        "applicant_country": f"upper({_text('applicant_country')})",
        "published": _number_expression(source, "published", "DOUBLE"),
        "applicant_sector": _label_expression(source, "applicant_sector"),
        "provenance": _label_expression(source, "provenance"),
    }
    checks = [
        Check(
            "year",
            f"year IS NULL OR year < {FIRST_PCT_YEAR} OR year > 2200",
            f"{_quoted('raw_year')} || ' is not a year'",
        ),
        Check(
            "published",
            "published IS NULL OR published < 0 OR isnan(published)",
            f"{_quoted('raw_published')} || ' is not a count of applications'",
        ),
        *_common_checks(source),
    ]
    return parsed, checks


def _split_view(source):
    """Expand cells holding several applicants into one row each, numbered in cell order."""
    separator = sql_string(source.column_map.split_applicants)
    names = f"string_split(CAST(applicant_name AS VARCHAR), {separator})"
    countries = f"string_split(CAST(applicant_country AS VARCHAR), {separator})"
    source.connection.execute(
        "CREATE OR REPLACE VIEW source_split AS "
        f"SELECT * EXCLUDE (applicant_name, applicant_country, i), names[i] AS applicant_name, "
        f"CASE WHEN len(countries) = 1 THEN countries[1] ELSE countries[i] END AS applicant_country, "
        f"i AS applicant_sequence FROM (SELECT *, {names} AS names, {countries} AS countries, "
        f"unnest(range(1, len({names}) + 1)) AS i FROM source) "
    )
    return "source_split"


def validate_source(source):
    """Create the parsed view and raise ValidationError listing every invalid value.

    Returns the number of input rows (after splitting multi-applicant cells) and leaves the
    table ``name_variants`` in the source's connection. Raises InputFileError when the
    file holds no data rows.
    """
    plan = _records_plan if source.kind == "records" else _aggregates_plan
    parsed, checks = plan(source)
    table = _split_view(source) if source.kind == "records" and source.column_map.split_applicants else "source"
    raw_columns = [c for c in parsed if c in source.raw_types or (table == "source_split" and c == "applicant_sequence")]
    raw = ", ".join(f"{c} AS raw_{c}" for c in raw_columns)
    columns = ", ".join(f"{expression} AS {name}" for name, expression in parsed.items())
    view = "records" if source.kind == "records" else "aggregates"
    connection = source.connection
    connection.execute(f"CREATE OR REPLACE VIEW checked AS SELECT _row, {raw}, {columns} FROM {table}")
    connection.execute(f"CREATE OR REPLACE VIEW {view} AS SELECT _row, {', '.join(parsed)} FROM checked")
    any_bad = " OR ".join(f"({c.condition})" for c in checks)
    connection.execute(_variants_sql(parsed, checks, raw_columns))
    rows, bad_rows = connection.execute("SELECT coalesce(sum(rows), 0), coalesce(sum(bad_rows), 0) FROM name_variants").fetchall()[0]
    if rows == 0:
        raise InputFileError(f"{source.path}: no data rows (only a header)")
    if bad_rows:
        _raise_problems(source, checks, any_bad)
    return rows


def _variants_sql(parsed, checks, raw_columns):
    """SQL creating ``name_variants``: rows and invalid rows per distinct applicant variant.

    The file is grouped on its raw applicant columns and only then are they parsed and
    checked, once per distinct value rather than once per row; the checks on other columns
    (publication number, date, sequence, year, count) are counted per row in the same scan.
    """
    grouped = [c for c in VARIANT_COLUMNS if c in raw_columns]
    row_bad = " OR ".join(f"({c.condition})" for c in checks if c.column not in VARIANT_COLUMNS) or "false"
    variant_bad = " OR ".join(f"({c.condition})" for c in checks if c.column in VARIANT_COLUMNS) or "false"
    raw_names = ", ".join([f"raw_{c}" for c in grouped] + [f"raw_{c} AS {c}" for c in grouped])
    parsed_variants = ", ".join([f"raw_{c}" for c in grouped] + [f"{parsed[c]} AS {c}" for c in VARIANT_COLUMNS])
    return f"""
        CREATE OR REPLACE TABLE name_variants AS
        WITH raw_variants AS (
            SELECT {", ".join(f"raw_{c}" for c in grouped)}, count(*) AS rows, count_if({row_bad}) AS bad_rows
            FROM checked GROUP BY ALL),
        variants AS (
            SELECT {parsed_variants}, rows, bad_rows
            FROM (SELECT {raw_names}, rows, bad_rows FROM raw_variants))
        SELECT {", ".join(VARIANT_COLUMNS)}, CAST(sum(rows) AS BIGINT) AS rows,
               CAST(sum(CASE WHEN {variant_bad} THEN rows ELSE bad_rows END) AS BIGINT) AS bad_rows
        FROM variants GROUP BY ALL"""


def _raise_problems(source, checks, any_bad):
    messages = ", ".join(
        f"CASE WHEN {c.condition} THEN '{c.column}: ' || ({c.message}) END" for c in checks
    )
    rows = source.connection.execute(
        f"SELECT _row, list_filter([{messages}], lambda m: m IS NOT NULL) AS problems, "
        f"sum(len(list_filter([{messages}], lambda m: m IS NOT NULL))) OVER () AS total "
        f"FROM checked WHERE {any_bad} ORDER BY _row LIMIT {SHOWN_PROBLEMS}"
    ).fetchall()
    total = int(rows[0][2])
    problems = [f"{source.locate(row)}, {problem}" for row, found, _ in rows for problem in found]
    raise ValidationError(source.path, problems[:SHOWN_PROBLEMS], total)
