"""Count published PCT applications per canonical applicant and publication year.

WIPO credits each application to its first-named applicant only; whole counting credits
every named applicant once, fractional counting gives each of n applicants 1/n. The same
(publication, applicant) pair counts once, judged after names are harmonised. The heavy
work is one DuckDB query over the input file.
"""

from concurrent.futures import ThreadPoolExecutor

import duckdb

from analysis.errors import OptionError
from analysis.names import build_name_map
from analysis.schema import COUNTING_RULES

SEQUENCE_SHIFT = 1 << 32
UNNUMBERED = 1 << 30
"""A publication's rows are ordered by applicant_sequence (unnumbered rows last), then by
file order: the order key is sequence * SEQUENCE_SHIFT + row, which fits in a BIGINT."""

_CREDITED_SQL = {
    "every-applicant": """
        SELECT min(year) AS year, applicant, 1 AS credit
        FROM named GROUP BY publication_number, applicant""",
    "fractional": """
        SELECT year, applicant, 1.0 / count(*) OVER (PARTITION BY publication_number) AS credit
        FROM (SELECT publication_number, min(year) AS year, applicant
              FROM named GROUP BY publication_number, applicant)""",
}


def check_counting_rule(counting):
    """Raise OptionError unless ``counting`` is one of the supported rules."""
    if counting not in COUNTING_RULES:
        raise OptionError(f"unknown counting rule {counting!r}; use one of {', '.join(COUNTING_RULES)}")


def name_variants(source):
    """Return every distinct (name, country, sector, provenance) in the input with its row count.

    validate_source tallied them in the scan that checked the values (the table
    ``name_variants``); everything about applicants (their canonical names, countries,
    sectors) is decided on this small table rather than on the full input.
    """
    return source.connection.sql(
        "SELECT applicant_name, applicant_country, applicant_sector, provenance, rows FROM name_variants"
    ).to_arrow_table().to_pandas()


def _most_frequent(column):
    """SQL: each applicant's most frequent non-missing value of ``column``, ties alphabetical."""
    return f"""
        SELECT applicant, first(value ORDER BY rows DESC, value) AS {column}
        FROM (SELECT applicant, {column} AS value, sum(rows) AS rows FROM named
              WHERE {column} IS NOT NULL GROUP BY ALL)
        GROUP BY applicant"""


def applicant_attributes(variants, name_map, sector_overrides, classify):
    """Decide each applicant's country, sector and provenance from all its rows.

    Parameters
    ----------
    variants : DataFrame from name_variants (applicant_name, applicant_country,
        applicant_sector, provenance, rows).
    name_map : NameMap; sector_overrides : dict from normalised name to sector;
    classify : function from a name to a sector, used where no row gives one.

    Returns a DataFrame indexed by applicant with columns country, sector, provenance. The
    most frequent value wins, so one applicant is never split across countries by a
    stray row; the sector comes from the override table first, then the input, then rules.
    The tallies run in DuckDB: one row per spelling, and pandas' group-bys cost more.
    """
    connection = duckdb.connect()
    connection.register("variants", variants)
    connection.register("names", name_map.table[["applicant_name", "group", "applicant"]])
    attributes = connection.sql(f"""
        WITH named AS (
            SELECT n.applicant, n."group", v.applicant_country, v.applicant_sector, v.provenance, v.rows
            FROM variants AS v JOIN names AS n USING (applicant_name))
        SELECT applicant, g."group", country, input_sector, provenance
        FROM ({_most_frequent("applicant_country")}) AS c(applicant, country)
        JOIN (SELECT applicant, min("group") AS "group" FROM named GROUP BY applicant) AS g USING (applicant)
        LEFT JOIN ({_most_frequent("applicant_sector")}) AS s(applicant, input_sector) USING (applicant)
        LEFT JOIN ({_most_frequent("provenance")}) AS p(applicant, provenance) USING (applicant)
        ORDER BY applicant""").to_arrow_table().to_pandas().set_index("applicant")
    connection.close()
    sector = attributes["group"].map(sector_overrides).fillna(attributes["input_sector"])
    unknown = sector.isna()
    sector[unknown] = attributes.index[unknown].map(classify)
    attributes["sector"] = sector
    return attributes[["country", "sector", "provenance"]]


def count_published(source, aliases, sector_overrides, classify, counting="first-named"):
    """Count published applications per applicant and year under a counting rule.

    Returns (counts, name_map): counts has one row per (year, applicant) with columns year,
    applicant, country, sector, provenance, published (int, or float for fractional
    counting), sorted by year, then published descending, then applicant.
    """
    check_counting_rule(counting)
    if source.kind == "aggregated" and counting != "first-named":
        raise OptionError(
            f"{source.path} holds counts already (aggregated input); it cannot be recounted "
            f"with the {counting!r} rule"
        )
    with ThreadPoolExecutor(max_workers=1) as background:
        # The first-named tallies need no harmonised names: DuckDB makes them (and releases
        # the GIL) while Python harmonises the names.
        tallies = background.submit(_tally_first_named, source) if _reduces_first(source.kind, counting) else None
        variants = name_variants(source)
        raw_names = variants.groupby("applicant_name", as_index=False)["rows"].sum()
        name_map = build_name_map(raw_names, aliases)
        attributes = applicant_attributes(variants, name_map, sector_overrides, classify)
        if tallies is not None:
            tallies.result()
    applicants = attributes.reset_index(names="applicant").astype({"provenance": "str"})
    applicants["name_order"] = applicants["applicant"].str.casefold().rank(method="dense").astype("int64")
    connection = source.connection
    connection.register("name_map", name_map.table[["applicant_name", "applicant"]])
    connection.register("applicants", applicants)
    query = f"""
        SELECT c.year, c.applicant, a.country, a.sector, a.provenance, c.published, a.name_order
        FROM ({_counting_sql(source.kind, counting)}) AS c JOIN applicants AS a USING (applicant)
        ORDER BY c.year, c.published DESC, a.name_order, a.country"""
    counts = connection.sql(query).to_arrow_table().to_pandas()
    connection.unregister("name_map")
    connection.unregister("applicants")
    counts["year"] = counts["year"].astype("int64")
    if counting == "fractional" or not (counts["published"] % 1 == 0).all():
        # Rounding can tie sums that differed in the last bits: order again after it.
        counts["published"] = counts["published"].astype("float64").round(6)
        counts = counts.sort_values(["year", "published", "name_order", "country"], ascending=[True, False, True, True])
    else:
        counts["published"] = counts["published"].astype("int64")
    return counts.drop(columns="name_order").reset_index(drop=True), name_map


def _reduces_first(kind, counting):
    return kind == "records" and counting == "first-named"


def _order_key():
    """SQL: a publication's rows ordered by applicant_sequence (unnumbered last), then file order."""
    return f"least(coalesce(applicant_sequence, {UNNUMBERED}), {UNNUMBERED}) * {SEQUENCE_SHIFT} + _row"


def _tally_first_named(source):
    """Create the table first_named_tallies: publications per (year, raw first-named name).

    Each publication is reduced to its first-named raw name; only these tallies, the size
    of a ranking rather than of the input, are later joined to the name map. Runs on its
    own cursor, so that it may run beside the main connection's work.
    """
    cursor = source.connection.cursor()
    try:
        cursor.execute(f"""
            CREATE OR REPLACE TABLE first_named_tallies AS
            WITH first_named AS (
                SELECT arg_min(year(publication_date), {_order_key()}) AS year,
                       arg_min(applicant_name, {_order_key()}) AS applicant_name
                FROM records GROUP BY publication_number)
            SELECT year, applicant_name, count(*) AS published FROM first_named GROUP BY ALL""")
    finally:
        cursor.close()


def _counting_sql(kind, counting):
    """SQL giving (year, applicant, published) from the parsed input and the view name_map."""
    if kind == "aggregated":
        return """
            SELECT year, applicant, sum(published) AS published
            FROM aggregates JOIN name_map USING (applicant_name) GROUP BY ALL"""
    if _reduces_first(kind, counting):
        return """
            SELECT year, applicant, sum(published) AS published
            FROM first_named_tallies JOIN name_map USING (applicant_name) GROUP BY ALL"""
    return f"""
        WITH named AS (
            SELECT publication_number, year(publication_date) AS year, applicant
            FROM records JOIN name_map USING (applicant_name))
        SELECT year, applicant, sum(credit) AS published FROM ({_CREDITED_SQL[counting]}) GROUP BY ALL"""
