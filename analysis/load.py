"""DuckDB connections and SQL quoting, shared by the input formats, validation and counting.

Nothing is read into pandas here: DuckDB scans the files when a query runs, so a large
input is streamed, never loaded whole.
"""

import os
import tempfile
from pathlib import Path

import duckdb

DUCKDB_MEMORY_LIMIT = 5 * 1024**3
"""Bytes DuckDB may hold before it spills its group-bys to disk, so that 50 M input rows are
counted within 8 GiB in all; its own default, 80 % of the machine's memory, applies where
that is less."""


def _duckdb_memory_limit() -> int:
    try:
        physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # no sysconf (Windows): keep the cap
        return DUCKDB_MEMORY_LIMIT
    return min(DUCKDB_MEMORY_LIMIT, int(physical * 0.8))


def _spill_directory() -> Path:
    """Where DuckDB spills: a per-user folder in the system's temporary directory, never the
    working directory (its default for in-memory databases is ``.tmp`` there)."""
    user = os.getuid() if hasattr(os, "getuid") else "user"
    return Path(tempfile.gettempdir()) / f"pct-duckdb-{user}"


def connect() -> duckdb.DuckDBPyConnection:
    """Return an in-memory DuckDB connection with the project's memory cap and spill folder."""
    connection = duckdb.connect()
    try:
        connection.execute("SET enable_progress_bar = false")
    except duckdb.InvalidInputException:
        pass  # a Jupyter kernel refuses the setting without ipywidgets, and draws no bar there anyway
    connection.execute(f"SET memory_limit = '{_duckdb_memory_limit()}B'")
    connection.execute(f"SET temp_directory = {sql_string(_spill_directory())}")
    return connection


def sql_string(text: object) -> str:
    """Quote text as an SQL string literal, for file paths and user-given patterns."""
    return "'" + str(text).replace("'", "''") + "'"


def sql_identifier(name: object) -> str:
    """Quote a column name as an SQL identifier."""
    return '"' + str(name).replace('"', '""') + '"'
