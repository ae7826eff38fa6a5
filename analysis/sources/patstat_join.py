"""The PATSTAT join, in DuckDB: WO publications with their applicants, one row per pair.

Each step is one statement over the CSV parts: a count of what is set aside, then the records
themselves in one join of the WO publications, applicant links and persons, materialised
once for validation and counting to read. The WO publications are a CTE of that statement,
not a table: DuckDB streams them into the join where it reads them once, and keeps them for
the statement where the IPC filter or the links of tls207 read them too. Persons are joined as
they are, not first filtered by the links: that filter was a hash join of its own over every
person, and cost more than it saved.
"""

import re

import duckdb

from analysis.errors import InputFileError
from analysis.load import sql_identifier, sql_string
from analysis.sources.files import explain_duckdb_error
from analysis.sources.patstat_tables import Scan, relation
from analysis.sources.records import trimmed

SECTORS = {
    "COMPANY": "business",
    "UNIVERSITY": "education",
    "GOV NON-PROFIT UNIVERSITY": "education",
    "GOV NON-PROFIT": "government",
    "HOSPITAL": "other",
    "GOV NON-PROFIT HOSPITAL": "other",
    "INDIVIDUAL": "individual",
}
"""psn_sector → our sector. A public university is a university (education), as WIPO
counts it; hospitals, public or not, are ``other``. Any other combination of PATSTAT's
words (COMPANY GOV NON-PROFIT, COMPANY UNIVERSITY …), UNKNOWN and blank leave the sector
unset for the project's own rules (overrides, keywords) to decide; a word PATSTAT does not
use is passed on, and validation names it."""

SECTOR_WORDS = ("GOV NON-PROFIT", "COMPANY", "UNIVERSITY", "HOSPITAL", "INDIVIDUAL", "UNKNOWN")

UNKNOWN_DATE = "9999-12-31"
WO = "coalesce(publn_auth = 'WO', false)"
"""PATSTAT writes its codes without padding: compared as written, they are read fastest."""

APPLICANT = "applt_seq_nr IS DISTINCT FROM 0"
"""A link of an applicant: applt_seq_nr 0 is an inventor only."""


def sector_sql(expression: str) -> str:
    """SQL: our sector for a psn_sector value (see SECTORS); values as PATSTAT writes them
    are matched first, cheaply, then any other spelling or combination."""
    value = f"upper({trimmed(expression)})"
    cases = " ".join(f"WHEN {sql_string(k)} THEN {sql_string(v)}" for k, v in SECTORS.items())
    leftover = value
    for word in SECTOR_WORDS:
        leftover = f"replace({leftover}, {sql_string(word)}, '')"
    other = f"CASE {value} {cases} ELSE CASE WHEN trim({leftover}) = '' THEN NULL ELSE {trimmed(expression)} END END"
    return f"CASE {expression} {cases} WHEN 'UNKNOWN' THEN NULL ELSE {other} END"


def execute(connection: duckdb.DuckDBPyConnection, sql: str, scans: list[Scan]) -> list[tuple]:
    """Run ``sql``; a malformed CSV line becomes one line naming the part and its line."""
    try:
        return connection.execute(sql).fetchall()
    except duckdb.Error as error:
        named = re.search(r"file = (.+)", str(error))
        labels = {str(path): label for path, label, _ in scans}
        label = labels.get(named.group(1).strip()) if named else None
        raise explain_duckdb_error(label or "PATSTAT tables", error) from None


def set_aside_sql(tables: dict[str, list[Scan]]) -> str:
    """SQL: the publications of other offices, and the WO publications of unknown date."""
    return f"""
        SELECT count(*) FILTER (WHERE NOT {WO}), count(*) FILTER (WHERE {WO} AND publn_date = '{UNKNOWN_DATE}')
        FROM {relation(tables["tls211"])}"""


def _publications(tables: dict[str, list[Scan]]) -> str:
    """SQL: the WO publications of known date, each with its publication number as one text
    (every scan of the records reads it so)."""
    return f"""
        SELECT pat_publn_id, appln_id, publn_auth || publn_nr AS publication_number, publn_kind, publn_date,
               _part_index
        FROM {relation(tables["tls211"])}
        WHERE {WO} AND publn_date IS DISTINCT FROM '{UNKNOWN_DATE}'"""


def _links(tables: dict[str, list[Scan]]) -> tuple[str, str]:
    """The column applicant links join publications on, and SQL of the links: tls227's by
    publication where it names any for a publication, else tls207's by application."""
    by_application = by_publication = None
    if "tls207" in tables:
        by_application = f"SELECT appln_id, person_id, applt_seq_nr FROM {relation(tables['tls207'])} WHERE {APPLICANT}"
    if "tls227" in tables:
        by_publication = (
            f"SELECT pat_publn_id, person_id, applt_seq_nr FROM {relation(tables['tls227'])} WHERE {APPLICANT}"
        )
    if by_publication is None:
        return "appln_id", by_application
    if by_application is None:
        return "pat_publn_id", by_publication
    return (
        "pat_publn_id",
        f"""
        WITH named AS ({by_publication})
        SELECT * FROM named
        UNION ALL
        SELECT p.pat_publn_id, l.person_id, l.applt_seq_nr
        FROM ({by_application}) AS l JOIN patstat_publications AS p USING (appln_id)
        WHERE p.pat_publn_id NOT IN (SELECT pat_publn_id FROM named WHERE pat_publn_id IS NOT NULL)""",
    )


def _blank_null(expression: str) -> str:
    """SQL: a PATSTAT text without its padding, empty as NULL. PATSTAT pads with spaces only,
    and a plain trim is several times faster than records.trimmed over millions of persons."""
    return f"NULLIF(trim({expression}), '')"


def records_sql(tables: dict[str, list[Scan]], name_columns: tuple[str, ...]) -> str:
    """SQL creating ``patstat_records``: each WO publication with each of its applicants
    (one row with no person where it names none); ``person_found`` is false where a link
    names a person the persons table lacks. ``sequence`` is applt_seq_nr as written (a number
    below 1 is for validation to name); persons sharing a number are told apart by person_id,
    which the reader puts in ``_order``. Only what varies is written: the office is WO for
    every row, and ``ipc`` is a column only where tls209 is given."""
    # CASE, not coalesce: the fallbacks are trimmed only for the rare person that needs them.
    names = [f"trim({sql_identifier(c)})" for c in (*name_columns, "person_name")]
    name = "CASE " + " ".join(f"WHEN {n} <> '' THEN {n}" for n in names) + " END"
    key, links = _links(tables)
    ipc, symbol = "", _blank_null("ipc_class_symbol")
    if "tls209" in tables:
        ipc = f"""LEFT JOIN (
            SELECT appln_id, string_agg(DISTINCT {symbol}, ';' ORDER BY {symbol}) AS ipc
            FROM {relation(tables["tls209"])}
            WHERE appln_id IN (SELECT appln_id FROM patstat_publications) GROUP BY 1) AS i USING (appln_id)"""
    return f"""
        CREATE OR REPLACE TABLE patstat_records AS
        WITH patstat_publications AS ({_publications(tables)})
        SELECT p.pat_publn_id, p.publication_number, p.publn_kind, p.publn_date, p._part_index,
               l.person_id, l.applt_seq_nr AS sequence, s.person_id IS NOT NULL AS person_found,
               s.applicant_name, s.applicant_country, s.applicant_sector{", i.ipc" if ipc else ""}
        FROM patstat_publications AS p
        LEFT JOIN ({links}) AS l USING ({key})
        LEFT JOIN (
            SELECT person_id, {name} AS applicant_name,
                   {_blank_null("person_ctry_code")} AS applicant_country,
                   {sector_sql("psn_sector")} AS applicant_sector
            FROM {relation(tables["tls206"])}) AS s USING (person_id)
        {ipc}"""


def check_persons(connection: duckdb.DuckDBPyConnection, part_label: str) -> None:
    """An applicant link to a person the tables lack means a part of tls206 was left out:
    crediting the next applicant instead would be wrong, so it is an error."""
    missing = connection.execute(
        f"SELECT {part_label}, pat_publn_id, person_id, count(*) OVER () FROM patstat_records "
        "WHERE person_id IS NOT NULL AND NOT person_found ORDER BY pat_publn_id LIMIT 1"
    ).fetchall()
    if missing:
        file, publication, person, total = missing[0]
        raise InputFileError(
            f"{file} pat_publn_id {publication}: applicant person_id {person} is not in tls206 "
            f"({total:,} such links; is a part of tls206 missing?)"
        )
