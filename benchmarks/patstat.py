"""PATSTAT at full scale: all years' rankings from a PATSTAT delivery of 5 M PCT applications.

- ``project``: ``load_dataset(folder, cache=False).ranked`` — detect the tables, join and
  filter them in DuckDB, validate every value, harmonise names, count, rank.
- ``duckdb``: the floor — the same join and ranking written by hand as one DuckDB query
  over the same CSV files (FLOOR_SQL): WO publications, their applicants (applt_seq_nr > 0)
  and persons, the first-named per publication, the alias table, counts and three ranks.

The delivery is the demo data written by scripts/demo_to_patstat.py, repeated back in time
(copy k is k × 10 years earlier) up to 5 M publications (``--quick``: 200 k), each table in
two parts. Run ``python -m benchmarks.patstat [--quick]``: prints the table and the ratio;
``python -m benchmarks`` includes it. Each variant runs in its own process
(benchmarks.measure), its peak memory reported.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from statistics import median
from typing import TYPE_CHECKING

from analysis.paths import APPLICANT_ALIASES, DEMO_DATA, PROJECT_ROOT
from analysis.sources.patstat import SECTORS
from benchmarks.rankings import RANKS_SQL

if TYPE_CHECKING:
    import pandas as pd

WORK_DIR = PROJECT_ROOT / "benchmarks" / "work"
FULL, QUICK = 5_000_000, 200_000
REPETITIONS = 2
TARGET = 1.3

_SECTOR_CASE = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in SECTORS.items())

FLOOR_SQL = (
    f"""
WITH publications AS (
    SELECT pat_publn_id, appln_id, year(CAST(publn_date AS DATE)) AS year
    FROM read_csv({{tls211}}, header = true, all_varchar = true)
    WHERE publn_auth = 'WO' AND publn_kind IN ('A1', 'A2') AND publn_date <> '9999-12-31'),
applicants AS (
    SELECT appln_id, person_id, CAST(applt_seq_nr AS INTEGER) AS seq
    FROM read_csv({{tls207}}, header = true, all_varchar = true) WHERE applt_seq_nr <> '0'),
persons AS (
    SELECT person_id, psn_name AS name, NULLIF(trim(person_ctry_code), '') AS country,
           CASE psn_sector {_SECTOR_CASE} END AS sector
    FROM read_csv({{tls206}}, header = true, all_varchar = true)),
first_named AS (
    SELECT arg_min({{{{'year': p.year, 'name': s.name, 'country': s.country, 'sector': s.sector}}}},
                   a.seq * 4294967296 + CAST(a.person_id AS BIGINT)) AS first
    FROM publications AS p JOIN applicants AS a USING (appln_id) JOIN persons AS s USING (person_id)
    GROUP BY p.pat_publn_id),
aliases AS (SELECT raw_name, canonical_name FROM read_csv({{aliases}}, header = true, all_varchar = true)),
counts AS (
    SELECT first.year AS year, coalesce(canonical_name, first.name) AS applicant,
           mode(first.country) AS country, mode(first.sector) AS sector, count(*) AS published
    FROM first_named LEFT JOIN aliases ON first.name = raw_name
    GROUP BY ALL)
"""
    + RANKS_SQL
)
"""The hand-written join and ranking, over the delivery's CSV files (all parts of a table)."""


def delivery(applications: int, work_dir: Path = WORK_DIR) -> Path:
    """Return the folder of a delivery of ``applications`` publications, writing it if missing."""
    from analysis.hashing import file_sha256

    folder = Path(work_dir) / f"patstat_{applications}"
    stamp = {"applications": applications, "source_sha256": file_sha256(DEMO_DATA), "parts": 2}
    sidecar = folder / "stamp.json"
    if sidecar.exists() and json.loads(sidecar.read_text()) == stamp:
        return folder
    sys.path.insert(0, str(PROJECT_ROOT / "scripts"))
    from demo_to_patstat import write_patstat

    for old in folder.glob("*.csv"):
        old.unlink()
    write_patstat(folder, DEMO_DATA, applications, parts=2)
    sidecar.write_text(json.dumps(stamp))
    return folder


def project(folder: str) -> pd.DataFrame:
    from analysis.dataset import load_dataset

    return load_dataset(folder, cache=False).ranked


def duckdb_floor(folder: str) -> pd.DataFrame:
    from analysis.load import connect, sql_string

    tables = {
        name: "[" + ", ".join(sql_string(p) for p in sorted(Path(folder).glob(f"{name}_part*.csv"))) + "]"
        for name in ("tls211", "tls207", "tls206")
    }
    return connect().sql(FLOOR_SQL.format(**tables, aliases=sql_string(APPLICANT_ALIASES))).df()


VARIANTS = {"project": project, "duckdb": duckdb_floor}


def rows(quick: bool, log: Callable[[str], None]) -> list[tuple[str, ...]]:
    """Prepare the delivery (in a child), run both variants in turn; return the table rows."""
    from benchmarks.measure import python, run

    applications = QUICK if quick else FULL
    log(f"PATSTAT delivery of {applications:,} applications")
    folder = run(python("-m", "benchmarks.patstat", "prepare", applications)).output["path"]
    runs = {variant: [] for variant in VARIANTS}
    for repetition in range(REPETITIONS):
        for variant in VARIANTS:
            log(f"PATSTAT {applications:,}: {variant} ({repetition + 1}/{REPETITIONS})")
            runs[variant].append(run(python("-m", "benchmarks.patstat", variant, folder)))
    seconds = {v: median(r.output["seconds"] for r in rs) for v, rs in runs.items()}
    peak = {v: max(r.peak_mib for r in rs) for v, rs in runs.items()}
    ratio = seconds["project"] / seconds["duckdb"]
    label = f"{applications / 1e6:g} M" if applications >= 1_000_000 else f"{applications // 1000} k"
    return [
        (
            "4",
            f"PATSTAT, {label} applications: project / hand-written DuckDB join",
            f"{seconds['project']:.2f} s",
            f"{seconds['duckdb']:.2f} s",
            f"{ratio:.2f} ×",
            f"≤ {TARGET} ×",
            "yes" if ratio <= TARGET else "no",
        ),
        (
            "4",
            f"PATSTAT, {label} applications: peak memory, project / floor",
            f"{peak['project']:.0f} MiB",
            f"{peak['duckdb']:.0f} MiB",
            f"{peak['project'] / peak['duckdb']:.2f} ×",
            "reported",
            "—",
        ),
    ]


def main(argv: list[str]) -> None:
    if argv and argv[0] == "prepare":
        print(json.dumps({"path": str(delivery(int(argv[1])))}))
        return
    if argv and argv[0] in VARIANTS:
        import duckdb  # noqa: F401  imported before the clock starts, for both variants alike
        import pandas  # noqa: F401

        started = time.perf_counter()
        ranked = VARIANTS[argv[0]](argv[1])
        print(json.dumps({"seconds": time.perf_counter() - started, "rows": len(ranked)}), flush=True)
        return
    parser = argparse.ArgumentParser(prog="python -m benchmarks.patstat", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK:,} applications instead of {FULL:,}")
    args = parser.parse_args(argv)
    for row in rows(args.quick, lambda message: print(f"· {message}", file=sys.stderr, flush=True)):
        print(" | ".join(row))


if __name__ == "__main__":
    main(sys.argv[1:])
