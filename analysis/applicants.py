"""Decide who each applicant is: its country, sector and provenance, from all its rows.

The name map (analysis.names) has already said which spellings are one applicant; this
tallies what those spellings' rows say, fills a missing country from the applicant registry
(never guessed), and leaves the sector to analysis.sectors.
"""

import duckdb
import pandas as pd

from analysis.names import NameMap
from analysis.sectors import decide_sectors


def _most_frequent(column: str) -> str:
    """SQL: each applicant's most frequent non-missing value of ``column``, ties alphabetical."""
    return f"""
        SELECT applicant, first(value ORDER BY rows DESC, value) AS {column}
        FROM (SELECT applicant, {column} AS value, sum(rows) AS rows FROM named
              WHERE {column} IS NOT NULL GROUP BY ALL)
        GROUP BY applicant"""


def applicant_attributes(
    variants: pd.DataFrame,
    name_map: NameMap,
    sector_overrides: dict[str, str],
    countries: dict[str, str] | None = None,
    connection: duckdb.DuckDBPyConnection | None = None,
) -> pd.DataFrame:
    """Decide each applicant's country, sector and provenance from all its rows.

    Parameters
    ----------
    variants : DataFrame from name_variants (applicant_name, applicant_country,
        applicant_sector, provenance, rows).
    name_map : NameMap; sector_overrides : dict from normalised name to sector;
    countries : dict from normalised name to country, for applicants no row gives one.

    Returns a DataFrame indexed by applicant with columns country (None where no row and
    no registry entry gives one: unknown, never guessed), sector, provenance. The most
    frequent value wins, so one applicant is never split across countries by a stray row;
    the sector is decided by sectors.decide_sectors.
    The tallies run in DuckDB: one row per spelling, and pandas' group-bys cost more. Given
    the load's ``connection``, they run on a cursor of it: a connection of its own (safe
    beside the counting thread) that costs nothing to open, where a new database costs
    about 20 ms, a tenth of loading a small file.
    """
    connection = duckdb.connect() if connection is None else connection.cursor()
    connection.register("variants", variants)
    connection.register("names", name_map.table[["applicant_name", "group", "applicant"]])
    attributes = (
        connection.sql(f"""
        WITH named AS (
            SELECT n.applicant, n."group", v.applicant_country, v.applicant_sector, v.provenance, v.rows
            FROM variants AS v JOIN names AS n USING (applicant_name))
        SELECT applicant, g."group", country, input_sector, provenance
        FROM (SELECT applicant, min("group") AS "group" FROM named GROUP BY applicant) AS g
        LEFT JOIN ({_most_frequent("applicant_country")}) AS c(applicant, country) USING (applicant)
        LEFT JOIN ({_most_frequent("applicant_sector")}) AS s(applicant, input_sector) USING (applicant)
        LEFT JOIN ({_most_frequent("provenance")}) AS p(applicant, provenance) USING (applicant)
        ORDER BY applicant""")
        .to_arrow_table()
        .to_pandas()
        .set_index("applicant")
    )
    connection.close()
    country = attributes["country"].astype("object")
    missing = country.isna()
    country[missing] = attributes.loc[missing, "group"].map(countries or {})
    attributes["country"] = country.where(country.notna(), None)
    attributes["sector"] = decide_sectors(attributes, sector_overrides)
    return attributes[["country", "sector", "provenance"]]
