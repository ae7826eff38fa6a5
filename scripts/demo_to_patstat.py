"""Write canonical records (the demo data by default) as a PATSTAT Global delivery.

    python scripts/demo_to_patstat.py OUTPUT_FOLDER [--source FILE.parquet] [--applications N] [--parts K]

Writes tls201, tls211, tls206 and tls207 CSV files with every column of PATSTAT's Data
Catalog (those the records cannot fill are empty), each table in K parts
(``tls211_part01.csv`` …), all in DuckDB. Each publication becomes a WO A1 of its own
application; each (publication, applicant) row a person of its own, as PATSTAT keeps a
person per name and address as written; the applicant order is the records' own (sequence,
then file order); sectors map back through analysis.sources.patstat.SECTORS.

``--applications N`` repeats the records until N publications: copy k moves dates and
WO numbers k × 10 years earlier, so that 5 M applications span the PCT's whole history.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.load import connect, sql_string
from analysis.paths import DEMO_DATA
from analysis.sources.patstat import CATALOG, SECTORS

YEARS_PER_COPY = 10
PSN_SECTORS = {ours: theirs for theirs, ours in reversed(SECTORS.items())}
"""Our sector → the plain psn_sector word that maps to it (the first in SECTORS)."""


def _prepare(connection, source, applications):
    """Tables ``publications`` (id, number, date) and ``links`` (one per applicant row)."""
    rows = f"read_parquet({sql_string(source)}, file_row_number=true)"
    connection.execute(f"CREATE TEMP TABLE src AS SELECT *, file_row_number AS r FROM {rows}")
    distinct = connection.execute("SELECT count(DISTINCT publication_number) FROM src").fetchall()[0][0]
    wanted = applications or distinct
    copies = -(-wanted // distinct)
    connection.execute(f"""
        CREATE TEMP TABLE publications AS
        SELECT row_number() OVER (ORDER BY k, publication_number) AS id, k, publication_number,
               'WO' || (CAST(substr(publication_number, 3, 4) AS INTEGER) - k * {YEARS_PER_COPY})
                   || substr(publication_number, 7) AS number,
               CAST(date - to_years(CAST(k * {YEARS_PER_COPY} AS INTEGER)) AS DATE) AS date
        FROM (SELECT publication_number, min(publication_date) AS date FROM src GROUP BY 1), range({copies}) AS c(k)
        QUALIFY id <= {wanted}""")
    connection.execute("""
        CREATE TEMP TABLE links AS
        SELECT p.id, row_number() OVER (ORDER BY p.id, s.r) AS person_id,
               row_number() OVER (PARTITION BY p.id ORDER BY coalesce(s.applicant_sequence, 2147483647), s.r) AS seq,
               s.applicant_name, s.applicant_country, s.applicant_sector
        FROM publications AS p JOIN src AS s USING (publication_number)
        WHERE s.applicant_name IS NOT NULL""")
    return wanted


def _copy(connection, table, values, source, key, folder, parts, total):
    """COPY one table, in ``parts`` files split on ``key``, with every catalogue column."""
    columns = ", ".join(f"{values.get(c, 'NULL')} AS {c}" for c in CATALOG[table])
    for part in range(1, parts + 1):
        low, high = total * (part - 1) // parts, total * part // parts
        target = Path(folder) / f"{table}_part{part:02d}.csv"
        connection.execute(
            f"COPY (SELECT {columns} FROM {source} WHERE {key} > {low} AND {key} <= {high}) "
            f"TO {sql_string(target)} (FORMAT csv, HEADER true)"
        )


def write_patstat(folder, source=DEMO_DATA, applications=None, parts=1):
    """Write the delivery into ``folder``; return the number of WO publications written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    connection = connect()
    written = _prepare(connection, source, applications)
    people = connection.execute("SELECT count(*) FROM links").fetchall()[0][0]
    sectors = " ".join(f"WHEN {sql_string(ours)} THEN {sql_string(theirs)}" for ours, theirs in PSN_SECTORS.items())
    _copy(
        connection,
        "tls201",
        {
            "appln_id": "id",
            "appln_auth": "'WO'",
            "appln_nr": "substr(number, 3)",
            "appln_kind": "'W'",
            "appln_filing_year": "year(date) - 1",
            "ipr_type": "'PI'",
            "receiving_office": "'IB'",
            "granted": "'N'",
        },
        "publications",
        "id",
        folder,
        parts,
        written,
    )
    _copy(
        connection,
        "tls211",
        {
            "pat_publn_id": "id",
            "publn_auth": "'WO'",
            "publn_nr": "substr(number, 3)",
            "publn_kind": "'A1'",
            "appln_id": "id",
            "publn_date": "date",
            "publn_lg": "'en'",
            "publn_first_grant": "'N'",
            "publn_claims": "0",
        },
        "publications",
        "id",
        folder,
        parts,
        written,
    )
    _copy(
        connection,
        "tls206",
        {
            "person_id": "person_id",
            "person_name": "applicant_name",
            "person_ctry_code": "applicant_country",
            "psn_id": "person_id",
            "psn_name": "applicant_name",
            "psn_level": "0",
            "psn_sector": f"CASE applicant_sector {sectors} ELSE 'UNKNOWN' END",
            "han_id": "0",
        },
        "links",
        "person_id",
        folder,
        parts,
        people,
    )
    _copy(
        connection,
        "tls207",
        {
            "person_id": "person_id",
            "appln_id": "id",
            "applt_seq_nr": "seq",
            "invt_seq_nr": "0",
        },
        "links",
        "person_id",
        folder,
        parts,
        people,
    )
    connection.close()
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path)
    parser.add_argument("--source", type=Path, default=DEMO_DATA, help="canonical records (Parquet; default: demo)")
    parser.add_argument("--applications", type=int, default=None, help="repeat the records to this many publications")
    parser.add_argument("--parts", type=int, default=1)
    args = parser.parse_args(argv)
    written = write_patstat(args.output, args.source, args.applications, args.parts)
    print(f"{written:,} WO publications written to {args.output}")


if __name__ == "__main__":
    main()
