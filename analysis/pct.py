"""What counts as a published PCT application, in SQL over raw canonical records.

Only WIPO's publications (office WO) are PCT applications. An international application is
counted once, in the year of its first publication: kind A1 (with search report) or A2
(without), or a WO number written without a kind. Later publications of the same
application — A3 (search report published later), A4 (amended claims), A8 and A9
(corrections) and any other kind — never count again. WO numbers are compared in one form
(WO + year + six digits), however an export writes them: "WO 2015/075742 A2",
"WO2015075742", "WO-2015075742-A2", "WO/2015/075742", "WO2015075742 (A2)", "WO 03/012345".
"""

FIRST_PCT_YEAR = 1978
"""The first PCT applications were published in 1978; an earlier date is an error."""

PCT_OFFICE = "WO"
FIRST_PUBLICATION_KINDS = ("A1", "A2")
REPUBLICATION_KINDS = ("A3", "A4", "A8", "A9")
PCT_KINDS = FIRST_PUBLICATION_KINDS + REPUBLICATION_KINDS
"""The kinds WIPO gives a PCT publication; any other on a WO row is an error."""

_NUMBER = r"^\s*([A-Za-z]{2})(?:[\s/-]*(\d+)(?:[\s/-]+(\d+))?)?\s*-?\s*\(?\s*([A-Za-z]\d?)?\s*\)?\s*$"
"""Office, one or two runs of digits, and a kind code: "WO 2015/075742 A2" → WO, 2015,
075742, A2; "WO2015075742A2" → WO, 2015075742, -, A2."""


def parts_sql(number: str, fast: bool = False) -> str:
    """SQL struct with the office, digits and kind written in a publication number.

    ``fast`` first tries the canonical spelling (WO and ten digits) without a regular
    expression: large inputs in our own schema are written so, and the regular expression
    costs more than the rest of their parsing.
    """
    text = f"CAST({number} AS VARCHAR)"
    parsed = f"regexp_extract({text}, '{_NUMBER}', ['office', 'first', 'second', 'kind'])"
    if not fast:
        return parsed
    return (
        f"CASE WHEN length({text}) = 12 AND starts_with({text}, 'WO') "
        f"AND TRY_CAST(substr({text}, 3) AS UBIGINT) IS NOT NULL "
        f"THEN {{'office': 'WO', 'first': substr({text}, 3), 'second': '', 'kind': ''}} ELSE {parsed} END"
    )


def wo_digits_sql(parts: str) -> str:
    """SQL columns ``wo_year`` and ``wo_serial`` from ``parts``: digits written in one run are
    split by their length: ten are year and serial of today's numbers (2004 on); seven or
    eight are the two-digit year and serial of older ones."""
    return (
        f"CASE WHEN {parts}.second <> '' THEN {parts}.first "
        f"WHEN length({parts}.first) = 10 THEN left({parts}.first, 4) "
        f"WHEN length({parts}.first) IN (7, 8) THEN left({parts}.first, 2) END AS wo_year, "
        f"CASE WHEN {parts}.second <> '' THEN {parts}.second "
        f"WHEN length({parts}.first) = 10 THEN right({parts}.first, 6) "
        f"WHEN length({parts}.first) IN (7, 8) THEN substr({parts}.first, 3) END AS wo_serial"
    )


LAST_TWO_DIGIT_YEAR = 2003
"""WO numbers carry a four-digit year from 2004 on: "WO 20/180000" is no number of 2020."""


def wo_number_sql(year: str = "wo_year", serial: str = "wo_serial") -> str:
    """SQL: the canonical WO number (WO + 4-digit year + 6-digit serial), or NULL, from the
    columns that wo_digits_sql made. A two-digit year is 1978–1999 or 2000–2003."""
    full_year = (
        f"CASE WHEN length({year}) = 4 THEN {year} WHEN length({year}) = 2 AND CAST({year} AS INTEGER) >= "
        f"{FIRST_PCT_YEAR % 100} THEN '19' || {year} "
        f"WHEN length({year}) = 2 AND CAST({year} AS INTEGER) <= {LAST_TWO_DIGIT_YEAR % 100} THEN '20' || {year} END"
    )
    return f"CASE WHEN length({serial}) BETWEEN 1 AND 6 THEN 'WO' || ({full_year}) || lpad({serial}, 6, '0') END"


def is_first_publication_sql(kind: str) -> str:
    """SQL: true for a kind that is an application's first publication (or no kind given)."""
    return f"({kind} IS NULL OR {kind} IN {FIRST_PUBLICATION_KINDS})"
