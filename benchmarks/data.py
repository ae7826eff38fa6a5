"""Make benchmark inputs of a chosen size from the demo data, inside DuckDB.

The demo generator has no volume parameter (its volumes are WIPO's), so a file of N rows is
the demo file repeated: copy k renumbers every publication (``WO<k>-…``, so no copy
collides with another) and moves its dates k × 10 years later (so copies add years of
rankings rather than inflating the same ones), and the last copy stops at N rows. Names,
countries and sectors are the demo's: the set of distinct applicants stays realistic
(about 85 k spellings) while the rows grow.
"""

import json
from pathlib import Path

import duckdb

from analysis.hashing import file_sha256
from analysis.load import sql_string
from analysis.paths import DEMO_DATA, PROJECT_ROOT

WORK_DIR = PROJECT_ROOT / "benchmarks" / "work"
YEARS_PER_COPY = 10


def scaled_input(rows, source=DEMO_DATA, work_dir=WORK_DIR):
    """Return the path of a Parquet file of exactly ``rows`` rows, writing it if missing.

    The file is rebuilt when the demo data changes (its sha256 is kept in a sidecar); the
    demo data itself is generated first when it is missing.
    """
    work_dir = Path(work_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    if not Path(source).exists() and Path(source) == DEMO_DATA:
        from scripts.demo.generate import generate_demo  # a fresh clone has no demo data yet (run from the root)

        generate_demo(DEMO_DATA)
    target = work_dir / f"pct_{rows}.parquet"
    sidecar = target.with_suffix(".json")
    stamp = {"rows": rows, "source_sha256": file_sha256(source), "years_per_copy": YEARS_PER_COPY}
    if target.exists() and sidecar.exists() and json.loads(sidecar.read_text()) == stamp:
        return target
    connection = duckdb.connect()
    connection.execute("SET enable_progress_bar = false")
    base = connection.execute(f"SELECT count(*) FROM read_parquet({sql_string(source)})").fetchall()[0][0]
    copies = -(-rows // base)
    partial = target.with_name(f".{target.name}.partial")
    connection.execute(f"""
        COPY (
            SELECT CASE WHEN k = 0 THEN publication_number ELSE 'WO' || k || '-' || publication_number[3:] END
                       AS publication_number,
                   CAST(publication_date + to_years(CAST(k * {YEARS_PER_COPY} AS INTEGER)) AS DATE) AS publication_date,
                   applicant_name, applicant_country, applicant_sequence, applicant_sector, provenance
            FROM range({copies}) AS copies(k), read_parquet({sql_string(source)}, file_row_number=true)
            WHERE k * {base} + file_row_number < {rows}
        ) TO {sql_string(partial)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)""")
    connection.close()
    partial.replace(target)
    sidecar.write_text(json.dumps(stamp))
    return target


if __name__ == "__main__":
    import sys

    print(json.dumps({"path": str(scaled_input(int(sys.argv[1])))}))
