"""The files of a PATSTAT delivery: which table each is, its parts in order, and the SQL that scans them.

Large tables come in parts (``tls211_part01.csv``, ``_part02`` …); archives may hold the CSV
files or further archives. A missing part, or a header without a column read, is an error
naming the file.
"""

import re
import zipfile
from pathlib import Path

from analysis.errors import InputFileError, SchemaError
from analysis.load import sql_string
from analysis.sources.encodings import _temp_folder, utf8_copy
from analysis.sources.files import Head, read_head

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

Scan = tuple[Path, str, list[str]]
"""One part of a table: the UTF-8 file DuckDB scans, the label messages name it by, its header."""

_PART = re.compile(r"_part(\d+)$", re.IGNORECASE)


def table_of(name: str) -> str | None:
    """``tls211`` from "tls211_pat_publn_part02.csv"; None for a name that is no PATSTAT table."""
    match = re.match(r"(tls\d{3})", Path(name).name.lower())
    return match.group(1) if match else None


def _extract(path: Path, label: str, folder: Path) -> list[tuple[Path, str]]:
    """The CSV members of an archive (and of archives inside it) as (extracted path, label)."""
    found = []
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            if member.endswith("/") or table_of(member) is None:
                continue
            target = Path(archive.extract(member, folder))
            where = f"{label}:{member}"
            inner = member.lower().endswith(".zip")
            found += _extract(target, where, target.with_suffix("")) if inner else [(target, where)]
    return found


def delivery_tables(heads: list[Head]) -> dict[str, list[Scan]]:
    """The delivery's tables read here: {table: [Scan of each part, in part order]}."""
    tables = {}
    for head in heads:
        if head.path.suffix.lower() == ".zip":
            folder = _temp_folder() / f"patstat-{len(list(_temp_folder().iterdir()))}"
            members = [(read_head(path), label) for path, label in _extract(head.path, str(head.path), folder)]
        else:
            members = [(head, str(head.path))]
        for member, label in members:
            tables.setdefault(table_of(member.path.name), []).append((member, label))
    return {name: _checked_parts(name, files) for name, files in tables.items() if name in TABLES}


def _checked_parts(name: str, files: list[tuple[Head, str]]) -> list[Scan]:
    """The Scan of each part of one table, in part order; a missing part or a header without
    the columns read is an error."""
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


def _part_number(path: Path) -> int:
    match = _PART.search(Path(path).stem)
    return int(match.group(1)) if match else 0


def relation(scans: list[Scan]) -> str:
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
