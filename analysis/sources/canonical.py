"""The project's own schemas, and any export read through a user's column mapping.

``canonical``: application-level records with our column names (CSV, TSV, Parquet or a
workbook). ``aggregated``: counts per applicant and year, such as WIPO's own tables.
``mapped``: either of them under the user's headers, date pattern, separator, header row,
encoding, recoding and row filter (``--columns MAPPING.yaml``).
"""

from collections.abc import Iterable
from typing import TYPE_CHECKING

import duckdb

from analysis.errors import SchemaError, ValidationError
from analysis.load import sql_string
from analysis.schema import (
    AGGREGATE_COLUMNS,
    OPTIONAL_AGGREGATE_COLUMNS,
    OPTIONAL_RECORD_COLUMNS,
    RECORD_COLUMNS,
)
from analysis.sources.files import Head, column, table_columns
from analysis.sources.records import parse_date, raw_select, split_cells, trimmed

if TYPE_CHECKING:
    from analysis.sources import Reader, SourceFormat
    from analysis.sources.mapping import ColumnMap


def resembles(head: Head) -> bool:
    """True for a file whose header uses our column names but lacks some required one."""
    names = {str(cell).strip() for row in head.rows()[:10] for cell in row}
    return len(names & set(RECORD_COLUMNS + OPTIONAL_RECORD_COLUMNS + AGGREGATE_COLUMNS)) >= 2


def _has_header(head: Head, required: Iterable[str]) -> bool:
    return head.find_header(required, delimiters=(",", "\t", ";")) is not None


def _read_records(reader: "Reader", heads: list[Head], headers: dict[str, str] | None = None) -> str:
    """Raw records from files whose headers are ``headers`` (canonical → header), canonical by default."""
    column_map = reader.column_map
    headers = headers or {}
    selects = []
    for head in heads:
        wanted = [headers.get(c, c) for c in RECORD_COLUMNS]
        found = _header_row(head, wanted, column_map)
        table = reader.scanner.scan(head, *found)
        names = table_columns(reader.connection, table)
        types = dict(reader.connection.execute(f"SELECT column_name, column_type FROM (DESCRIBE {table})").fetchall())
        present = {c: column(names, headers.get(c, c)) for c in (*RECORD_COLUMNS, *OPTIONAL_RECORD_COLUMNS)}
        missing = [headers.get(c, c) for c in RECORD_COLUMNS if present[c] is None]
        if missing:
            raise _missing(head, missing, names)
        date = present["publication_date"]
        pattern = getattr(column_map, "date_format", None)
        is_date = types.get(date.strip('"').replace('""', '"'), "").startswith(("DATE", "TIMESTAMP"))
        values = {
            "publication_number": present["publication_number"],
            "publication_date": f"CAST({date} AS DATE)" if is_date else parse_date(date, pattern),
            "publication_date_raw": f"CAST({date} AS VARCHAR)",
            "date_hint": sql_string(_hint(pattern)),
            "applicant_name": trimmed(present["applicant_name"]),
        }
        split = getattr(column_map, "split_applicants", None)
        for name in OPTIONAL_RECORD_COLUMNS:
            if present[name] is not None:
                if name == "applicant_sequence" or (split and name == "applicant_country"):
                    values[name] = present[name]  # a split country cell is recoded part by part, below
                else:
                    values[name] = trimmed(_recoded(reader, name, present[name]))
        label = "row" if head.kind != "text" else "line"
        select = raw_select(table, str(head.path), label, values, reader.order_base()) + _keep_rows(
            reader, head, table, names
        )
        if split:
            columns = ("applicant_name", "applicant_country") if present["applicant_country"] else ("applicant_name",)
            if present["applicant_country"]:
                _check_split_countries(reader, head, select, split, label)
            select = split_cells(select, split, columns)
            if present["applicant_country"]:
                recoded = trimmed(_recoded(reader, "applicant_country", "applicant_country"))
                select = f"SELECT * REPLACE ({recoded} AS applicant_country) FROM ({select})"
        selects.append(select)
    return " UNION ALL BY NAME ".join(f"({s})" for s in selects)


def _check_split_countries(reader: "Reader", head: Head, select: str, separator: str, label: str) -> None:
    """Refuse rows whose country cell has several parts but not one per applicant: pairing
    them would give applicants the wrong countries."""
    from analysis.validate import SHOWN_PROBLEMS

    def parts(name: str) -> str:
        return (
            f"len(list_filter(string_split(coalesce({name}, ''), {sql_string(separator)}), "
            f"lambda p: {trimmed('p')} IS NOT NULL))"
        )

    found = reader.connection.execute(f"""
        SELECT _row, names, countries, count(*) OVER () FROM (
            SELECT _row, {parts("applicant_name")} AS names, {parts("applicant_country")} AS countries FROM ({select}))
        WHERE countries > 1 AND countries <> names ORDER BY _row LIMIT {SHOWN_PROBLEMS}""").fetchall()
    if found:
        problems = [
            f"{label} {row}, applicant_country: {countries} countries for {names} applicant{'s' * (names != 1)}"
            for row, names, countries, _ in found
        ]
        raise ValidationError(str(head.path), problems, found[0][3])


def _hint(pattern: str | None) -> str:
    return "YYYY-MM-DD" if pattern is None else pattern


def _header_row(head: Head, wanted: list[str], column_map: "ColumnMap | None") -> tuple[int, str]:
    """(row index, delimiter) of the header: the mapping's header_row, else the first row
    holding every required header."""
    header_row = getattr(column_map, "header_row", None)
    found = head.find_header(wanted)
    if header_row is not None:
        delimiter = found[1] if found else ","
        return header_row - 1, delimiter
    if found is None:
        rows = [row for row in head.rows() if any(str(c).strip() for c in row)] or [[]]
        closest = max(rows[:10], key=lambda row: len({str(c).strip() for c in row} & set(wanted)))
        present = {str(c).strip().casefold() for c in closest}
        raise _missing(head, [w for w in wanted if w.casefold() not in present], closest)
    return found


def _missing(head: Head, missing: list[str], names: Iterable[object]) -> SchemaError:
    found = ", ".join(str(n) for n in names if str(n) != "_row") or "(none)"
    return SchemaError(
        f"{head.path}: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
        f"(found: {found[:300]}); map your headers with --columns MAPPING.yaml"
    )


def _recoded(reader: "Reader", canonical: str, expression: str) -> str:
    """SQL: the column's value after the mapping's recoding and country-name reading."""
    column_map = reader.column_map
    recode = getattr(column_map, "recode", {}).get(canonical, {})
    if recode:
        cases = " ".join(f"WHEN {sql_string(k)} THEN {sql_string(v)}" for k, v in recode.items())
        expression = f"CASE trim(CAST({expression} AS VARCHAR)) {cases} ELSE {expression} END"
    if canonical == "applicant_country" and getattr(column_map, "country_names", False):
        _country_table(reader.connection)
        expression = (
            f"coalesce((SELECT code FROM country_names WHERE name = lower(trim(CAST({expression} AS VARCHAR)))), "
            f"{expression})"
        )
    return expression


def _country_table(connection: duckdb.DuckDBPyConnection) -> None:
    """A table from country names (official, common, short) to ISO codes, from pycountry."""
    import pycountry

    names = {}
    for country in pycountry.countries:
        for attribute in ("name", "official_name", "common_name"):
            value = getattr(country, attribute, None)
            if value:
                names.setdefault(value.lower(), country.alpha_2)
    rows = ", ".join(f"({sql_string(n)}, {sql_string(c)})" for n, c in names.items())
    connection.execute(f"CREATE TABLE IF NOT EXISTS country_names AS SELECT * FROM (VALUES {rows}) AS t(name, code)")


def _keep_rows(reader: "Reader", head: Head, table: str, names: list[str]) -> str:
    """SQL WHERE clause keeping the rows the mapping asks for; the others are counted."""
    keep = getattr(reader.column_map, "keep_rows", {})
    if not keep:
        return ""
    conditions = []
    for header, values in keep.items():
        identifier = column(names, header)
        if identifier is None:
            raise SchemaError(f"{head.path}: keep_rows names the header {header!r}, which the file does not have")
        conditions.append(f"trim(CAST({identifier} AS VARCHAR)) IN ({', '.join(sql_string(v) for v in values)})")
    condition = " AND ".join(conditions)
    left_out = reader.connection.execute(
        f"SELECT count(*) FROM {table} WHERE NOT coalesce({condition}, false)"
    ).fetchall()[0][0]
    if left_out:
        reader.set_aside["rows not kept by the mapping's keep_rows"] += left_out
    return f" WHERE {condition}"


def _read_aggregated(reader: "Reader", heads: list[Head], headers: dict[str, str] | None = None) -> str:
    headers = headers or {}
    selects = []
    for head in heads:
        wanted = [headers.get(c, c) for c in AGGREGATE_COLUMNS]
        table = reader.scanner.scan(head, *_header_row(head, wanted, reader.column_map))
        names = table_columns(reader.connection, table)
        present = {c: column(names, headers.get(c, c)) for c in (*AGGREGATE_COLUMNS, *OPTIONAL_AGGREGATE_COLUMNS)}
        label = "row" if head.kind != "text" else "line"
        values = ", ".join(
            f"{_recoded(reader, c, present[c]) if present[c] else 'CAST(NULL AS VARCHAR)'} AS {c}" for c in present
        )
        selects.append(
            f"SELECT {sql_string(str(head.path))} AS _file, _row, {sql_string(label)} AS _label, {values} FROM {table}"
        )
    return " UNION ALL BY NAME ".join(f"({s})" for s in selects)


def mapped_kind(column_map: "ColumnMap") -> str:
    """A mapping that names a ``published`` column maps counts; any other maps records."""
    return "aggregated" if "published" in column_map.columns else "records"


def _read_mapped(reader: "Reader", heads: list[Head]) -> str:
    headers = reader.column_map.columns
    if mapped_kind(reader.column_map) == "aggregated":
        return _read_aggregated(reader, heads, headers)
    return _read_records(reader, heads, headers)


def _formats() -> tuple["SourceFormat", ...]:
    from analysis.sources import SourceFormat

    return (
        SourceFormat(
            "canonical",
            "This project's records: one row per publication and applicant (CSV, TSV, Parquet, XLSX)",
            ",".join((*RECORD_COLUMNS, *OPTIONAL_RECORD_COLUMNS)),
            lambda head: _has_header(head, RECORD_COLUMNS),
            _read_records,
        ),
        SourceFormat(
            "aggregated",
            "Counts per applicant and year, such as WIPO's published tables",
            ",".join((*AGGREGATE_COLUMNS, *OPTIONAL_AGGREGATE_COLUMNS)),
            lambda head: _has_header(head, AGGREGATE_COLUMNS),
            _read_aggregated,
            kind="aggregated",
        ),
        SourceFormat(
            "mapped",
            "Any other table, read through your --columns MAPPING.yaml",
            "(your own headers)",
            lambda head: False,
            _read_mapped,
            kind=mapped_kind,
        ),
    )


FORMATS = _formats()
