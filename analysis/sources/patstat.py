"""EPO PATSTAT Global, as delivered: a folder (or zip archives) of CSV tables.

One delivery is several files, read together: ``tls211`` (publications), ``tls206``
(persons), ``tls207`` (persons of an application) and/or ``tls227`` (persons of a
publication, preferred where it names a publication's applicants), and ``tls209`` (IPC)
where present. Large tables come in parts (``tls211_part01.csv``, ``_part02`` …), archives
may hold the CSV files or further archives. Every other table (tls201 …) is not needed.

Only WIPO's publications (``publn_auth`` WO) are PCT applications; the others are counted
as set aside, never joined. The tables are joined and filtered in DuckDB into one table of
raw records, one per (WO publication, applicant), which validation then checks: a problem
names the tls211 file and the publication's ``pat_publn_id``, and the rows it reports read
are the WO publications read (``_order`` is the pat_publn_id, below 2^40).

- applicants are the persons with ``applt_seq_nr`` other than 0 (0: an inventor only),
  numbered 1, 2 … per publication in that order, persons sharing a number by person_id;
- name: ``psn_name`` (EPO's harmonised name), or ``han_name`` (OECD HAN) with
  ``--source patstat-han``; ``person_name`` where the harmonised one is empty;
- country: ``person_ctry_code``, blank = unknown;
- sector: ``psn_sector`` mapped by SECTORS below;
- ``publn_date`` 9999-12-31 is PATSTAT's "unknown": such publications are set aside, counted.
"""

import re
import zipfile
from pathlib import Path

import duckdb

from analysis.errors import InputFileError, SchemaError
from analysis.load import sql_identifier, sql_string
from analysis.sources.encodings import _temp_folder, utf8_copy
from analysis.sources.files import explain_duckdb_error, read_head
from analysis.sources.records import raw_select, trimmed

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

TABLES = {
    "tls211": ("pat_publn_id", "publn_auth", "publn_nr", "publn_kind", "appln_id", "publn_date"),
    "tls206": ("person_id", "person_name", "person_ctry_code", "psn_name", "psn_sector"),
    "tls207": ("person_id", "appln_id", "applt_seq_nr"),
    "tls227": ("person_id", "pat_publn_id", "applt_seq_nr"),
    "tls209": ("appln_id", "ipc_class_symbol"),
}
"""The tables read and the columns each must have (PATSTAT Data Catalog names)."""

NUMBERS = {"pat_publn_id": "BIGINT", "appln_id": "BIGINT", "person_id": "BIGINT", "applt_seq_nr": "INTEGER"}
"""Columns read as numbers: ids join faster as integers, and PATSTAT writes them so."""

CATALOG = {
    "tls201": (
        "appln_id",
        "appln_auth",
        "appln_nr",
        "appln_kind",
        "appln_filing_date",
        "appln_filing_year",
        "appln_nr_epodoc",
        "appln_nr_original",
        "ipr_type",
        "receiving_office",
        "internat_appln_id",
        "int_phase",
        "reg_phase",
        "nat_phase",
        "earliest_filing_date",
        "earliest_filing_year",
        "earliest_filing_id",
        "earliest_publn_date",
        "earliest_publn_year",
        "earliest_pat_publn_id",
        "granted",
        "docdb_family_id",
        "inpadoc_family_id",
        "docdb_family_size",
        "nb_citing_docdb_fam",
        "nb_applicants",
        "nb_inventors",
    ),
    "tls206": (
        "person_id",
        "person_name",
        "person_name_orig_lg",
        "person_address",
        "person_ctry_code",
        "nuts",
        "nuts_level",
        "doc_std_name_id",
        "doc_std_name",
        "psn_id",
        "psn_name",
        "psn_level",
        "psn_sector",
        "han_id",
        "han_name",
        "han_harmonized",
    ),
    "tls207": ("person_id", "appln_id", "applt_seq_nr", "invt_seq_nr"),
    "tls209": (
        "appln_id",
        "ipc_class_symbol",
        "ipc_class_level",
        "ipc_version",
        "ipc_value",
        "ipc_position",
        "ipc_gener_auth",
    ),
    "tls211": (
        "pat_publn_id",
        "publn_auth",
        "publn_nr",
        "publn_nr_original",
        "publn_kind",
        "appln_id",
        "publn_date",
        "publn_lg",
        "publn_first_grant",
        "publn_claims",
    ),
    "tls227": ("person_id", "pat_publn_id", "applt_seq_nr", "invt_seq_nr"),
}
"""Every column of the tables as PATSTAT Global delivers them (Data Catalog, 2021 on), for
the scripts and fixtures that write deliveries."""

_PART = re.compile(r"_part(\d+)$", re.IGNORECASE)


def _table_of(name):
    """``tls211`` from "tls211_pat_publn_part02.csv"; None for a name that is no PATSTAT table."""
    match = re.match(r"(tls\d{3})", Path(name).name.lower())
    return match.group(1) if match else None


def detect(head):
    """A PATSTAT table by its file name, or an archive holding such tables."""
    if head.path.suffix.lower() == ".zip":
        return zipfile.is_zipfile(head.path) and any(_table_of(n) for n in zipfile.ZipFile(head.path).namelist())
    return head.kind == "text" and head.path.name.lower().startswith("tls2")


def _extract(path, label, folder):
    """The CSV members of an archive (and of archives inside it) as (extracted path, label)."""
    found = []
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            if member.endswith("/") or _table_of(member) is None:
                continue
            target = Path(archive.extract(member, folder))
            where = f"{label}:{member}"
            inner = member.lower().endswith(".zip")
            found += _extract(target, where, target.with_suffix("")) if inner else [(target, where)]
    return found


def _files(heads):
    """The delivery's tables: {table: [(path to scan, label, header)]}, parts in order."""
    tables = {}
    for head in heads:
        if head.path.suffix.lower() == ".zip":
            folder = _temp_folder() / f"patstat-{len(list(_temp_folder().iterdir()))}"
            members = [(read_head(path), label) for path, label in _extract(head.path, str(head.path), folder)]
        else:
            members = [(head, str(head.path))]
        for member, label in members:
            tables.setdefault(_table_of(member.path.name), []).append((member, label))
    return {name: _checked_parts(name, files) for name, files in tables.items() if name in TABLES}


def _checked_parts(name, files):
    """(UTF-8 path, label, header) of each part of one table, in part order; a missing part
    or a header without the columns read is an error."""
    files = sorted(files, key=lambda f: (_part_number(f[0].path), f[1]))
    numbers = [_part_number(head.path) for head, _ in files]
    if any(numbers) and numbers != list(range(1, len(numbers) + 1)):
        missing = sorted(set(range(1, max(numbers) + 1)) - set(numbers))
        where = ", ".join(label for _, label in files)
        part = missing[0] if missing else "(repeated)"
        raise InputFileError(f"{where}: {name} part {part} is missing or given twice; give every part")
    scans = []
    for head, label in files:
        rows = head.rows()
        header = [cell.strip().lower() for cell in rows[0]] if rows else []
        absent = [c for c in TABLES[name] if c not in header]
        if absent:
            columns = f"column{'s' if len(absent) > 1 else ''} {', '.join(absent)}"
            raise SchemaError(f"{label}: missing {columns} of PATSTAT's {name} (found: {', '.join(header)[:300]})")
        scans.append((utf8_copy(head.path, head.encoding), label, header))
    return scans


def _part_number(path):
    match = _PART.search(Path(path).stem)
    return int(match.group(1)) if match else 0


def _relation(scans):
    """SQL: the rows of one table's parts, with ``_part_index`` (1 for the first part). Identifiers and
    applicant numbers are read as integers (a line where one is not is an error naming it),
    everything else as text."""
    selects = []
    for index, (path, _, header) in enumerate(scans, start=1):
        columns = "{" + ", ".join(f"{sql_string(c)}: '{NUMBERS.get(c, 'VARCHAR')}'" for c in header) + "}"
        selects.append(
            f"SELECT *, {index} AS _part_index FROM read_csv({sql_string(path)}, header=true, auto_detect=false, "
            f"columns={columns}, delim=',', quote='\"', escape='\"', strict_mode=true, null_padding=false)"
        )
    return "(" + " UNION ALL BY NAME ".join(selects) + ")"  # parts may order their columns differently


def sector_sql(expression):
    """SQL: our sector for a psn_sector value (see SECTORS); values as PATSTAT writes them
    are matched first, cheaply, then any other spelling or combination."""
    value = f"upper({trimmed(expression)})"
    cases = " ".join(f"WHEN {sql_string(k)} THEN {sql_string(v)}" for k, v in SECTORS.items())
    leftover = value
    for word in SECTOR_WORDS:
        leftover = f"replace({leftover}, {sql_string(word)}, '')"
    other = f"CASE {value} {cases} ELSE CASE WHEN trim({leftover}) = '' THEN NULL ELSE {trimmed(expression)} END END"
    return f"CASE {expression} {cases} WHEN 'UNKNOWN' THEN NULL ELSE {other} END"


def _execute(connection, sql, scans):
    """Run ``sql``; a malformed CSV line becomes one line naming the part and its line."""
    try:
        return connection.execute(sql).fetchall()
    except duckdb.Error as error:
        named = re.search(r"file = (.+)", str(error))
        labels = {str(path): label for path, label, _ in scans}
        label = labels.get(named.group(1).strip()) if named else None
        raise explain_duckdb_error(label or "PATSTAT tables", error) from None


def _read(name_columns):
    """A reader whose applicant name is the first non-empty of ``name_columns`` in tls206."""

    def read(reader, heads):
        tables = _files(heads)
        needed = {"tls211": "tls211 (publications)", "tls206": "tls206 (persons)"}
        absent = [what for table, what in needed.items() if table not in tables]
        if "tls207" not in tables and "tls227" not in tables:
            absent.append("tls207 or tls227 (applicants)")
        if absent:
            given = ", ".join(str(h.path) for h in heads)[:300]
            raise SchemaError(f"{given}: a PATSTAT delivery needs {', '.join(absent)} as well")
        for name in name_columns:
            header = tables["tls206"][0][2]
            if name not in header:
                where = tables["tls206"][0][1]
                raise SchemaError(f"{where}: no column {name} (an older PATSTAT edition?); use --source patstat")
        scans = [scan for parts in tables.values() for scan in parts]
        connection = reader.connection
        _set_aside(reader, tables, scans)
        _execute(connection, _publications_sql(tables), scans)
        _execute(connection, _links_sql(tables), scans)
        _execute(connection, _records_sql(tables, name_columns), scans)
        part_label = "[" + ", ".join(sql_string(label) for _, label, _ in tables["tls211"]) + "][_part_index]"
        _check_persons(connection, part_label)
        values = {
            "_file": part_label,
            "_row": "pat_publn_id",
            "_label": "'pat_publn_id'",
            "_order": f"{reader.order_base()} + pat_publn_id",
            "publication_number": "publn_auth || publn_nr",
            "office": "publn_auth",
            "kind": "publn_kind",
            "publication_date": "TRY_CAST(publn_date AS DATE)",
            "publication_date_raw": "publn_date",
            "date_hint": "'YYYY-MM-DD'",
            "applicant_name": "applicant_name",
            "applicant_sequence": "sequence",
            "applicant_country": "applicant_country",
            "applicant_sector": "applicant_sector",
            "ipc": "ipc",
        }
        return raw_select("patstat_records", "", "", values)

    return read


def _set_aside(reader, tables, scans):
    """Count the publications of other offices and WO publications of unknown date."""
    other, undated = _execute(
        reader.connection,
        f"""
        SELECT count(*) FILTER (WHERE NOT {WO}), count(*) FILTER (WHERE {WO} AND publn_date = '{UNKNOWN_DATE}')
        FROM {_relation(tables["tls211"])}""",
        scans,
    )[0]
    if other:
        reader.set_aside["PATSTAT publications of other offices than WO (not PCT applications)"] += other
    if undated:
        reader.set_aside[f"WO publications dated {UNKNOWN_DATE} (PATSTAT's unknown date)"] += undated


def _publications_sql(tables):
    return f"""
        CREATE OR REPLACE TABLE patstat_publications AS
        SELECT pat_publn_id, appln_id, publn_auth, publn_nr, publn_kind, publn_date, _part_index
        FROM {_relation(tables["tls211"])}
        WHERE {WO} AND publn_date IS DISTINCT FROM '{UNKNOWN_DATE}'"""


def _links_sql(tables):
    """Applicant links of the WO publications: tls227's where it names any for a publication,
    else tls207's (by application). ``sequence`` numbers a publication's applicants 1, 2 …
    in applt_seq_nr order, persons sharing a number by person_id, so that the first-named
    is never a tie; a number below 1 or missing is passed on as written, for validation."""
    applicant = "applt_seq_nr IS DISTINCT FROM 0"
    parts = []
    if "tls227" in tables:
        parts.append(f"""
            SELECT pat_publn_id, person_id, applt_seq_nr FROM {_relation(tables["tls227"])}
            WHERE {applicant} AND pat_publn_id IN (SELECT pat_publn_id FROM patstat_publications)""")
    if "tls207" in tables:
        named = " AND p.pat_publn_id NOT IN (SELECT pat_publn_id FROM patstat_links_227)" if parts else ""
        parts.append(f"""
            SELECT p.pat_publn_id, l.person_id, l.applt_seq_nr
            FROM {_relation(tables["tls207"])} AS l JOIN patstat_publications AS p USING (appln_id)
            WHERE l.{applicant}{named}""")
    links = "SELECT * FROM patstat_links_227 UNION ALL " + parts[1] if len(parts) == 2 else parts[0]
    first = f"CREATE OR REPLACE TABLE patstat_links_227 AS {parts[0]}; " if len(parts) == 2 else ""
    return (
        first
        + f"""
        CREATE OR REPLACE TABLE patstat_links AS
        SELECT pat_publn_id, person_id,
               CASE WHEN applt_seq_nr >= 1 THEN row_number() OVER (
                   PARTITION BY pat_publn_id ORDER BY applt_seq_nr, person_id) ELSE applt_seq_nr END AS sequence
        FROM ({links})"""
    )


def _blank_null(expression):
    """SQL: a PATSTAT text without its padding, empty as NULL. PATSTAT pads with spaces only,
    and a plain trim is several times faster than records.trimmed over millions of persons."""
    return f"NULLIF(trim({expression}), '')"


def _records_sql(tables, name_columns):
    # CASE, not coalesce: the fallbacks are trimmed only for the rare person that needs them.
    names = [f"trim({sql_identifier(c)})" for c in (*name_columns, "person_name")]
    name = "CASE " + " ".join(f"WHEN {n} <> '' THEN {n}" for n in names) + " END"
    ipc, symbol = "", _blank_null("ipc_class_symbol")
    if "tls209" in tables:
        ipc = f"""LEFT JOIN (
            SELECT appln_id, string_agg(DISTINCT {symbol}, ';' ORDER BY {symbol}) AS ipc
            FROM {_relation(tables["tls209"])}
            WHERE appln_id IN (SELECT appln_id FROM patstat_publications) GROUP BY 1) AS i USING (appln_id)"""
    return f"""
        CREATE OR REPLACE TABLE patstat_records AS
        SELECT p.*, l.person_id, l.sequence, s.person_id IS NOT NULL AS person_found,
               s.applicant_name, s.applicant_country, s.applicant_sector, {"i.ipc" if ipc else "NULL"} AS ipc
        FROM patstat_publications AS p
        LEFT JOIN patstat_links AS l USING (pat_publn_id)
        LEFT JOIN (
            SELECT person_id, {name} AS applicant_name,
                   {_blank_null("person_ctry_code")} AS applicant_country,
                   {sector_sql("psn_sector")} AS applicant_sector
            FROM {_relation(tables["tls206"])}
            WHERE person_id IN (SELECT person_id FROM patstat_links)) AS s USING (person_id)
        {ipc}"""


def _check_persons(connection, part_label):
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


def _formats():
    from analysis.sources import SourceFormat

    download = (
        "PATSTAT Global (EPO, subscription): download the edition's archives of tls211, tls206, tls207 "
        "(or tls227) and optionally tls209; give the folder (or the .zip files) as --data"
    )
    header = "tls211_pat_publn: " + ",".join(TABLES["tls211"])
    return (
        SourceFormat(
            "patstat",
            "EPO PATSTAT Global tables (tls211, tls206, tls207/tls227, tls209), names as psn_name",
            header,
            detect,
            _read(("psn_name",)),
            download=download,
        ),
        SourceFormat(
            "patstat-han",
            "EPO PATSTAT Global tables, names as OECD HAN (han_name); chosen with --source",
            header,
            lambda head: False,
            _read(("han_name", "psn_name")),
            download=download,
        ),
    )


FORMATS = _formats()
