"""The rules every value must meet, as SQL, and the error that lists the rows breaking them.

A Check is a condition true for a bad row and the message it gets; raise_problems names the
file and row of the first SHOWN_PROBLEMS and counts the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, NoReturn

import duckdb

from analysis.errors import ValidationError
from analysis.pct import FIRST_PCT_YEAR, PCT_KINDS, PCT_OFFICE
from analysis.schema import PROVENANCES, SECTORS

if TYPE_CHECKING:
    from analysis.sources import Source

SHOWN_PROBLEMS = 20
"""How many problems the error lists; the rest are counted."""

CONTROL_CHARACTERS = "[\\x00-\\x1f\\x7f-\\x9f\\x{2028}\\x{2029}\\x{202a}-\\x{202e}\\x{2066}-\\x{2069}]"
"""C0, DEL and C1 characters, the Unicode line and paragraph separators and the bidirectional
embeddings, overrides and isolates: never part of a name; a name holding one is refused
(they break terminals, spreadsheets and PDF layout, an override shows a name reversed, and
no applicant's name has them)."""


@dataclass(frozen=True)
class Check:
    """One rule: the SQL condition that is true for a bad row, and the message it gets."""

    column: str
    condition: str
    message: str


def text_sql(column: str) -> str:
    """SQL: a value as text without surrounding white space, empty as NULL."""
    return f"NULLIF(trim(CAST({column} AS VARCHAR), ' \t\r\n'), '')"


def quoted_sql(column: str) -> str:
    """SQL that shows a raw value quoted in a message."""
    return f"'''' || coalesce(CAST({column} AS VARCHAR), '') || ''''"


def in_list(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def iso_countries() -> tuple[str, ...]:
    """ISO 3166-1 alpha-2 codes, with those of former countries (SU, DD, CS, YU) that old
    publications carry; WO, EP and ZZ are not among them."""
    import pycountry

    current = {country.alpha_2 for country in pycountry.countries}
    former = {country.alpha_2 for country in pycountry.historic_countries if getattr(country, "alpha_2", None)}
    return tuple(sorted(current | former))


def label_sql(column: str) -> str:
    """SQL: a label (sector, provenance) as lower-case text, empty as NULL."""
    return f"lower({text_sql(column)})"


def number_sql(column: str, raw_type: str) -> str:
    """SQL: a numeric column as DOUBLE, whatever type the file gave it."""
    return f"CAST({column} AS DOUBLE)" if raw_type != "VARCHAR" else f"TRY_CAST({text_sql(column)} AS DOUBLE)"


def applicant_checks(countries: tuple[str, ...]) -> list[Check]:
    """Checks of an applicant's columns (name, country, sector, provenance), valid for any input kind."""
    return [
        Check(
            "applicant_name",
            f"applicant_name IS NOT NULL AND regexp_matches(applicant_name, '{CONTROL_CHARACTERS}')",
            "'holds a control character (' || "
            f"printf('U+%04X', unicode(regexp_extract(applicant_name, '{CONTROL_CHARACTERS}'))) || ')'",
        ),
        Check(
            "applicant_country",
            f"applicant_country IS NOT NULL AND applicant_country NOT IN {in_list(countries)}",
            f"{quoted_sql('raw_applicant_country')} || ' is not an ISO 3166-1 alpha-2 country code'",
        ),
        Check(
            "applicant_sector",
            f"applicant_sector IS NOT NULL AND applicant_sector NOT IN {in_list(SECTORS)}",
            f"{quoted_sql('raw_applicant_sector')} || ' is not one of {', '.join(SECTORS)}'",
        ),
        Check(
            "provenance",
            f"provenance IS NOT NULL AND provenance NOT IN {in_list(PROVENANCES)}",
            f"{quoted_sql('raw_provenance')} || ' is not one of {', '.join(PROVENANCES)}'",
        ),
    ]


def record_checks(strict_applicants: bool, sequence_type: str) -> tuple[list[Check], list[Check]]:
    """Checks of each row's own values, and checks of its applicant's columns."""
    pct = f"office = '{PCT_OFFICE}'"
    # A number's text is never blank: only written text needs trimming to tell "not given".
    sequence_given = (
        f"{text_sql('raw_applicant_sequence')} IS NOT NULL"
        if sequence_type == "VARCHAR"
        else "raw_applicant_sequence IS NOT NULL"
    )
    row_checks = [
        Check(
            "publication_number",
            "office IS NULL",
            f"CASE WHEN {text_sql('raw_publication_number')} IS NULL THEN 'is empty' "
            f"ELSE {quoted_sql('raw_publication_number')} || ' is not a publication number' END",
        ),
        Check(
            "publication_number",
            f"{pct} AND number IS NULL",
            f"{quoted_sql('raw_publication_number')} || ' is not a WO publication number (WO2015075742)'",
        ),
        Check(
            "kind",
            f"{pct} AND kind IS NOT NULL AND kind NOT IN {in_list(PCT_KINDS)}",
            f"{quoted_sql('kind')} || ' is not a kind of PCT publication ({', '.join(PCT_KINDS)})'",
        ),
        Check(
            "publication_date",
            f"{pct} AND publication_date IS NULL",
            f"CASE WHEN {text_sql('publication_date_raw')} IS NULL THEN 'is empty' "
            f"ELSE {quoted_sql('publication_date_raw')} || ' is not a date (expected ' || date_hint || ')' END",
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
            f"{quoted_sql('raw_applicant_sequence')} || ' is not a whole number from 1'",
        ),
    ]
    applicant_rules = applicant_checks(iso_countries())
    if strict_applicants:
        applicant_rules.append(Check("applicant_name", f"{pct} AND applicant_name IS NULL", "'is empty'"))
    return row_checks, applicant_rules


def raise_problems(
    connection: duckdb.DuckDBPyConnection, relation: str, checks: list[Check], any_bad: str, source: Source
) -> NoReturn:
    """Raise ValidationError naming the file and row of the first problems of ``relation``."""
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
