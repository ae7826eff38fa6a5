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
are the WO publications read. The files are found by patstat_tables, joined by patstat_join.

- applicants are the persons with ``applt_seq_nr`` other than 0 (0: an inventor only),
  in that order, persons sharing a number by person_id (``_order`` is the person_id,
  below 2^40: it orders a publication's rows);
- name: ``psn_name`` (EPO's harmonised name), or ``han_name`` (OECD HAN) with
  ``--source patstat-han``; ``person_name`` where the harmonised one is empty;
- country: ``person_ctry_code``, blank = unknown;
- sector: ``psn_sector`` mapped by SECTORS (patstat_join);
- ``publn_date`` 9999-12-31 is PATSTAT's "unknown": such publications are set aside, counted.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from typing import TYPE_CHECKING

from analysis.errors import SchemaError
from analysis.load import sql_string
from analysis.sources.files import Head
from analysis.sources.patstat_join import (
    SECTORS,
    UNKNOWN_DATE,
    check_persons,
    execute,
    records_sql,
    sector_sql,
    set_aside_sql,
)
from analysis.sources.patstat_tables import CATALOG, TABLES, Scan, delivery_tables, table_of
from analysis.sources.records import raw_select

if TYPE_CHECKING:
    from analysis.sources import Reader, SourceFormat

__all__ = ["CATALOG", "FORMATS", "SECTORS", "TABLES", "detect", "sector_sql"]


def detect(head: Head) -> bool:
    """A PATSTAT table by its file name, or an archive holding such tables."""
    if head.path.suffix.lower() == ".zip":
        return zipfile.is_zipfile(head.path) and any(table_of(n) for n in zipfile.ZipFile(head.path).namelist())
    return head.kind == "text" and head.path.name.lower().startswith("tls2")


def _read(name_columns: tuple[str, ...]) -> Callable[[Reader, list[Head]], str]:
    """A reader whose applicant name is the first non-empty of ``name_columns`` in tls206."""

    def read(reader: Reader, heads: list[Head]) -> str:
        tables = delivery_tables(heads)
        _check_tables(tables, heads, name_columns)
        scans = [scan for parts in tables.values() for scan in parts]
        connection = reader.connection
        other, undated = execute(connection, set_aside_sql(tables), scans)[0]
        if other:
            reader.set_aside["PATSTAT publications of other offices than WO (not PCT applications)"] += other
        if undated:
            reader.set_aside[f"WO publications dated {UNKNOWN_DATE} (PATSTAT's unknown date)"] += undated
        execute(connection, records_sql(tables, name_columns), scans)
        part_label = "[" + ", ".join(sql_string(label) for _, label, _ in tables["tls211"]) + "][_part_index]"
        check_persons(connection, part_label)
        values = {
            "_file": part_label,
            "_row": "pat_publn_id",
            "_label": "'pat_publn_id'",
            "_order": f"{reader.order_base()} + coalesce(person_id, 0)",
            "publication_number": "publication_number",
            "office": "'WO'",
            "kind": "publn_kind",
            "publication_date": "TRY_CAST(publn_date AS DATE)",
            "publication_date_raw": "publn_date",
            "date_hint": "'YYYY-MM-DD'",
            "applicant_name": "applicant_name",
            "applicant_sequence": "sequence",
            "applicant_country": "applicant_country",
            "applicant_sector": "applicant_sector",
            "ipc": "ipc" if "tls209" in tables else "NULL",
        }
        return raw_select("patstat_records", "", "", values)

    return read


def _check_tables(tables: dict[str, list[Scan]], heads: list[Head], name_columns: tuple[str, ...]) -> None:
    """The tables a delivery needs, and the name columns asked for, or a SchemaError."""
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


def _formats() -> tuple[SourceFormat, SourceFormat]:
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
