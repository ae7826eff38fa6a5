"""Count published PCT applications per canonical applicant and publication year.

The rule (analysis.rules) decides how an application is credited: WIPO's first-named rule
by default. The same (publication, applicant) pair counts once, judged after names are
harmonised. The heavy work is one DuckDB query over the validated records.
"""

from concurrent.futures import ThreadPoolExecutor

import duckdb

from analysis.errors import OptionError
from analysis.names import build_name_map
from analysis.rules import RULES

SEQUENCE_SHIFT = 1 << 44
UNNUMBERED = 1 << 18
"""A publication's rows are ordered by applicant_sequence (unnumbered rows last), then by
their order in the files: order_key = sequence * SEQUENCE_SHIFT + _order (below 2^44)."""


def check_counting_rule(counting):
    """Raise OptionError unless ``counting`` is one of the rules."""
    if counting not in RULES:
        raise OptionError(f"unknown counting rule {counting!r}; use one of {', '.join(RULES)}")


def _most_frequent(column):
    """SQL: each applicant's most frequent non-missing value of ``column``, ties alphabetical."""
    return f"""
        SELECT applicant, first(value ORDER BY rows DESC, value) AS {column}
        FROM (SELECT applicant, {column} AS value, sum(rows) AS rows FROM named
              WHERE {column} IS NOT NULL GROUP BY ALL)
        GROUP BY applicant"""


def applicant_attributes(variants, name_map, sector_overrides, classify, countries=None):
    """Decide each applicant's country, sector and provenance from all its rows.

    Parameters
    ----------
    variants : DataFrame from name_variants (applicant_name, applicant_country,
        applicant_sector, provenance, rows).
    name_map : NameMap; sector_overrides : dict from normalised name to sector;
    classify : function from a name to a sector, used where no row gives one.
    countries : dict from normalised name to country, for applicants no row gives one.

    Returns a DataFrame indexed by applicant with columns country (None where no row and
    no registry entry gives one: unknown, never guessed), sector, provenance. The most
    frequent value wins, so one applicant is never split across countries by a stray row;
    the sector comes from the override table first, then the input, then rules.
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
        FROM (SELECT applicant, min("group") AS "group" FROM named GROUP BY applicant) AS g
        LEFT JOIN ({_most_frequent("applicant_country")}) AS c(applicant, country) USING (applicant)
        LEFT JOIN ({_most_frequent("applicant_sector")}) AS s(applicant, input_sector) USING (applicant)
        LEFT JOIN ({_most_frequent("provenance")}) AS p(applicant, provenance) USING (applicant)
        ORDER BY applicant""").to_arrow_table().to_pandas().set_index("applicant")
    connection.close()
    country = attributes["country"].astype("object")
    missing = country.isna()
    country[missing] = attributes.loc[missing, "group"].map(countries or {})
    attributes["country"] = country.where(country.notna(), None)
    sector = attributes["group"].map(sector_overrides).fillna(attributes["input_sector"])
    unknown = sector.isna()
    sector[unknown] = attributes.index[unknown].map(classify)
    attributes["sector"] = sector
    return attributes[["country", "sector", "provenance"]]


def count_published(checked, aliases, sector_overrides, classify, counting="first-named", countries=None):
    """Count published applications per applicant and year under a counting rule.

    ``checked`` is what validate_source returned. ``countries`` maps a normalised name to
    the country of an applicant whose rows give none (the applicant registry). Returns
    (counts, name_map, applications): counts has one row per (year, applicant) with columns year,
    applicant, country (None where unknown), sector, provenance, published (int, or float
    for fractional counting), sorted by year, then published descending, then applicant;
    applications maps each year to the applications counted in it (empty for aggregated input).
    """
    check_counting_rule(counting)
    rule = RULES[counting]
    aggregated = checked.kind == "aggregated"
    if aggregated and not rule.wipo:
        raise OptionError(
            f"{', '.join(str(f.path) for f in checked.summary.files)} holds counts already (aggregated input); "
            f"it cannot be recounted with the {counting!r} rule"
        )
    connection = checked.connection
    connection.execute(_records_view(checked))
    with ThreadPoolExecutor(max_workers=1) as background:
        reduced = None if aggregated or rule.reduce_sql is None else background.submit(_run_on_cursor, connection, rule.reduce_sql)
        variants = checked.variants
        raw_names = variants.groupby("applicant_name", as_index=False)["rows"].sum()
        name_map = build_name_map(raw_names, aliases)
        attributes = applicant_attributes(variants, name_map, sector_overrides, classify, countries or {})
        if reduced is not None:
            reduced.result()
    applicants = attributes.reset_index(names="applicant").astype({"provenance": "str"})
    applicants["name_order"] = applicants["applicant"].str.casefold().rank(method="dense").astype("int64")
    connection.register("name_map", name_map.table[["applicant_name", "applicant"]])
    connection.register("applicants", applicants)
    counted = _AGGREGATED_SQL if aggregated else rule.sql
    query = f"""
        SELECT c.year, c.applicant, a.country, a.sector, a.provenance, c.published, a.name_order
        FROM ({counted}) AS c JOIN applicants AS a USING (applicant)
        ORDER BY c.year, c.published DESC, a.name_order, a.country NULLS LAST"""
    counts = connection.sql(query).to_arrow_table().to_pandas()
    applications = {} if aggregated else {int(y): int(n) for y, n in connection.execute(rule.applications_sql).fetchall()}
    connection.unregister("name_map")
    connection.unregister("applicants")
    counts["year"] = counts["year"].astype("int64")
    counts["country"] = counts["country"].astype("object").where(counts["country"].notna(), None)
    if not rule.whole or not (counts["published"] % 1 == 0).all():
        # Rounding can tie sums that differed in the last bits: order again after it.
        counts["published"] = counts["published"].astype("float64").round(6)
        counts = counts.sort_values(["year", "published", "name_order", "country"], ascending=[True, False, True, True])
    else:
        counts["published"] = counts["published"].astype("int64")
    return counts.drop(columns="name_order").reset_index(drop=True), name_map, applications


_AGGREGATED_SQL = """
    SELECT year, applicant, sum(published) AS published
    FROM records JOIN name_map USING (applicant_name) GROUP BY ALL"""


def _records_view(checked):
    """SQL creating the view ``records`` the rules read: the checked records with an order key."""
    if checked.kind == "aggregated":
        return f"CREATE OR REPLACE VIEW records AS SELECT * FROM {checked.records}"
    return f"""
        CREATE OR REPLACE VIEW records AS
        SELECT publication_number, year, applicant_name,
               CAST(least(coalesce(applicant_sequence, {UNNUMBERED}), {UNNUMBERED}) AS BIGINT) * {SEQUENCE_SHIFT}
                   + (_order % {SEQUENCE_SHIFT}) AS order_key
        FROM {checked.records}"""


def _run_on_cursor(connection, sql):
    """Run ``sql`` on a cursor of its own, so that it may run beside the main connection's work."""
    cursor = connection.cursor()
    try:
        cursor.execute(sql)
    finally:
        cursor.close()
