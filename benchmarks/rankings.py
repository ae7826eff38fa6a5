"""Part 1: all years' rankings from a Parquet file, several ways, each in its own process.

- ``project``: the project's own path, ``load_dataset(path, cache=False).ranked`` (open,
  validate every value, harmonise names, count first-named, rank three scopes).
- ``duckdb``: the floor — the same work written by hand as one DuckDB query on the same
  file: one row per publication with its first-named applicant (deduplication and the
  first-named filter in one GROUP BY), the alias table joined on the raw name, the counts
  per (year, applicant) and the three ranks as window functions. It skips what a hand
  query usually skips: checking values and normalising spellings.
- ``duckdb_tuned``: the floor written the way the project counts, to show that the
  project's own query plan is no easier than the baseline it is compared with.
- ``pandas``: the common peer — read the file into pandas, sort, keep each publication's
  first row, map aliases, count with groupby and rank with ``rank(method="min")``.

Run ``python -m benchmarks.rankings VARIANT PATH``: prints one JSON line with the seconds
the work took inside the process and the number of ranked rows (``phases`` runs the
project's path with a stopwatch on each step and prints them too).
"""

import json
import sys
import time

from analysis.paths import APPLICANT_ALIASES

RANK_COLUMNS = {
    "rank_overall": ["year"],
    "rank_sector": ["year", "sector"],
    "rank_sector_country": ["year", "sector", "country"],
}


def project(path):
    from analysis.dataset import load_dataset

    return load_dataset(path, cache=False).ranked


RANKS_SQL = """
SELECT *,
       rank() OVER (PARTITION BY year ORDER BY published DESC) AS rank_overall,
       rank() OVER (PARTITION BY year, sector ORDER BY published DESC) AS rank_sector,
       rank() OVER (PARTITION BY year, sector, country ORDER BY published DESC) AS rank_sector_country
FROM counts
ORDER BY year, published DESC, applicant
"""
"""The end both floors share: the three scopes' competition ranks over ``counts``."""


FLOOR_SQL = (
    """
WITH first_named AS (
    SELECT arg_min({{'year': year(publication_date), 'name': applicant_name,
                    'country': applicant_country, 'sector': applicant_sector}},
                   applicant_sequence::BIGINT * 4294967296 + file_row_number) AS first
    FROM read_parquet({path}, file_row_number = true)
    GROUP BY publication_number),
aliases AS (SELECT raw_name, canonical_name FROM read_csv({aliases}, header = true, all_varchar = true)),
counts AS (
    SELECT first.year AS year, coalesce(canonical_name, first.name) AS applicant,
           mode(first.country) AS country, mode(first.sector) AS sector, count(*) AS published
    FROM first_named LEFT JOIN aliases ON first.name = raw_name
    GROUP BY ALL)
"""
    + RANKS_SQL
)


TUNED_FLOOR_SQL = (
    """
WITH rows AS (
    SELECT publication_number, publication_date, applicant_name, applicant_country, applicant_sector,
           applicant_sequence::BIGINT * 4294967296 + file_row_number AS order_key
    FROM read_parquet({path}, file_row_number = true)),
tallies AS (
    SELECT year, applicant_name, count(*) AS published
    FROM (SELECT arg_min(year(publication_date), order_key) AS year,
                 arg_min(applicant_name, order_key) AS applicant_name
          FROM rows GROUP BY publication_number)
    GROUP BY ALL),
names AS (
    SELECT applicant_name, mode(applicant_country) AS country, mode(applicant_sector) AS sector
    FROM rows GROUP BY applicant_name),
aliases AS (SELECT raw_name, canonical_name FROM read_csv({aliases}, header = true, all_varchar = true)),
counts AS (
    SELECT year, coalesce(canonical_name, applicant_name) AS applicant,
           mode(country) AS country, mode(sector) AS sector, CAST(sum(published) AS BIGINT) AS published
    FROM tallies JOIN names USING (applicant_name) LEFT JOIN aliases ON applicant_name = raw_name
    GROUP BY ALL)
"""
    + RANKS_SQL
)
"""The floor rewritten the way the project counts: publications reduced to (year, raw name)
tallies before anything is joined, attributes from a second pass over the names."""


def duckdb_tuned(path):
    import duckdb

    from analysis.load import sql_string

    connection = duckdb.connect()
    connection.execute("SET enable_progress_bar = false")
    return connection.sql(TUNED_FLOOR_SQL.format(path=sql_string(path), aliases=sql_string(APPLICANT_ALIASES))).df()


def duckdb_floor(path):
    import duckdb

    from analysis.load import sql_string

    connection = duckdb.connect()
    connection.execute("SET enable_progress_bar = false")
    return connection.sql(FLOOR_SQL.format(path=sql_string(path), aliases=sql_string(APPLICANT_ALIASES))).df()


def pandas_peer(path):
    import pandas as pd

    rows = pd.read_parquet(path)
    rows["row"] = range(len(rows))
    first = rows.sort_values(["publication_number", "applicant_sequence", "row"]).drop_duplicates("publication_number")
    aliases = pd.read_csv(APPLICANT_ALIASES)
    first["applicant"] = first["applicant_name"].map(
        dict(zip(aliases["raw_name"], aliases["canonical_name"], strict=False))
    )
    first["applicant"] = first["applicant"].fillna(first["applicant_name"])
    first["year"] = pd.to_datetime(first["publication_date"]).dt.year
    keys = ["year", "applicant"]
    counts = first.groupby(keys, as_index=False).size().rename(columns={"size": "published"})
    for column, source in (("country", "applicant_country"), ("sector", "applicant_sector")):
        frequency = first.groupby([*keys, source], as_index=False, dropna=False).size()
        mode = frequency.sort_values([*keys, "size"], ascending=[True, True, False]).drop_duplicates(keys)
        counts = counts.merge(mode[[*keys, source]].rename(columns={source: column}), on=keys)
    for column, groups in RANK_COLUMNS.items():
        ranks = counts.groupby(groups, dropna=False)["published"].rank(method="min", ascending=False)
        counts[column] = ranks.astype("int64")
    return counts.sort_values(["year", "published", "applicant"], ascending=[True, False, True])


PHASES = {
    "analysis.dataset": (
        "file_sha256",
        "open_inputs",
        "validate_source",
        "build_name_map",
        "applicant_attributes",
        "count_published",
        "add_ranks",
    ),
}
"""Functions timed by the ``phases`` variant, by the module whose name for them is patched."""


def project_phases(path):
    """Run the project's path with a stopwatch on each step; print where the time goes."""
    import importlib

    spent = {}

    def timed(name, function):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - started

        return wrapper

    for module_name, names in PHASES.items():
        module = importlib.import_module(module_name)
        for name in names:
            setattr(module, name, timed(name, getattr(module, name)))
    ranked = project(path)
    print(json.dumps({"phases": {name: round(seconds, 3) for name, seconds in spent.items()}}))
    return ranked


VARIANTS = {
    "project": project,
    "duckdb": duckdb_floor,
    "duckdb_tuned": duckdb_tuned,
    "pandas": pandas_peer,
    "phases": project_phases,
}


def main(argv):
    variant, path = argv
    import duckdb  # noqa: F401  imported before the clock starts, for every variant alike
    import pandas  # noqa: F401
    import pyarrow  # noqa: F401

    started = time.perf_counter()
    ranked = VARIANTS[variant](path)
    print(json.dumps({"seconds": time.perf_counter() - started, "rows": len(ranked)}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
