"""DuckDB connections and SQL quoting, shared by the input formats, validation and counting.

Nothing is read into pandas here: DuckDB scans the files when a query runs, so a large
input is streamed, never loaded whole. A process opens one in-memory database; each piece
of work (a load, a report table) takes a connection to it in a schema of its own, and
gives it back with everything it made.
"""

import itertools
import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

DUCKDB_MEMORY_LIMIT = 5 * 1024**3
"""Bytes DuckDB may hold before it spills its group-bys to disk, so that 50 M input rows are
counted within 8 GiB in all; its own default, 80 % of the machine's memory, applies where
that is less."""


THREADS_VARIABLE = "PCT_DUCKDB_THREADS"
"""Set, the number of threads DuckDB may use (its default: one per core). `make test-fast`
sets 1: each of its workers has a core, and their small queries would fight over them."""


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


_database: duckdb.DuckDBPyConnection | None = None
_database_lock = threading.Lock()
_schema_numbers = itertools.count(1)
_functions: dict[str, list[str]] = {}
"""The Python functions registered in each schema's name, which ``release`` removes."""
_inherited: list[duckdb.DuckDBPyConnection] = []


def _forget_parents_database() -> None:
    """In a forked child (a build's workers are): leave the parent's database alone, never
    closed, for closing it waits for its threads, which did not come along; open another."""
    global _database, _database_lock
    if _database is not None:
        _inherited.append(_database)
    _database, _database_lock = None, threading.Lock()


if hasattr(os, "register_at_fork"):  # not on Windows, which does not fork
    os.register_at_fork(after_in_child=_forget_parents_database)


def _open_database() -> duckdb.DuckDBPyConnection:
    """Return the process's in-memory DuckDB database, opened on first use with the project's
    memory cap and spill folder. Opening one costs some 20 ms, more than loading a small file;
    a connection to an open one costs nothing."""
    global _database
    with _database_lock:
        if _database is None:
            _database = duckdb.connect()
            _database.execute(f"SET memory_limit = '{_duckdb_memory_limit()}B'")
            _database.execute(f"SET temp_directory = {sql_string(_spill_directory())}")
            if os.environ.get(THREADS_VARIABLE):
                _database.execute(f"SET threads = {int(os.environ[THREADS_VARIABLE])}")
        return _database


def _quiet(connection: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    try:
        connection.execute("SET enable_progress_bar = false")
    except duckdb.InvalidInputException:
        pass  # a Jupyter kernel refuses the setting without ipywidgets, and draws no bar there anyway
    return connection


def connect() -> duckdb.DuckDBPyConnection:
    """Return a connection to the process's database in a schema of its own, where its
    unqualified views and tables go: two loads at once never see each other's. Give it back
    with ``release``."""
    connection = _quiet(_open_database().cursor())
    schema = f"work_{next(_schema_numbers)}"
    connection.execute(f"CREATE SCHEMA {schema}; SET schema = '{schema}'")
    return connection


def _schema(connection: duckdb.DuckDBPyConnection) -> str:
    """The schema a connection from ``connect`` works in."""
    return connection.execute("SELECT current_schema()").fetchall()[0][0]


def cursor(connection: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Return another connection in ``connection``'s schema, for work beside it on another thread."""
    schema = _schema(connection)
    other = _quiet(connection.cursor())
    other.execute(f"SET schema = {sql_string(schema)}")
    return other


def create_function(
    connection: duckdb.DuckDBPyConnection, name: str, function: Callable[..., object], **options: object
) -> str:
    """Register ``function`` for SQL on a connection from ``connect`` and return the name to
    call it by: ``name`` and the schema's, for a function lives in the whole database."""
    schema = _schema(connection)
    qualified = f"{name}_{schema}"
    connection.create_function(qualified, function, **options)
    _functions.setdefault(schema, []).append(qualified)
    return qualified


def release(connection: duckdb.DuckDBPyConnection) -> None:
    """Drop the schema of a connection from ``connect`` with all it holds, remove its
    functions (DuckDB would crash calling one after its connection closed), and close it."""
    schema = _schema(connection)
    connection.execute(f"DROP SCHEMA {sql_identifier(schema)} CASCADE")
    for name in _functions.pop(schema, []):
        connection.remove_function(name)
    connection.close()


@contextmanager
def session() -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection from ``connect``, released when the block ends, however it ends."""
    connection = connect()
    try:
        yield connection
    finally:
        release(connection)


def sql_string(text: object) -> str:
    """Quote text as an SQL string literal, for file paths and user-given patterns."""
    return "'" + str(text).replace("'", "''") + "'"


def sql_identifier(name: object) -> str:
    """Quote a column name as an SQL identifier."""
    return '"' + str(name).replace('"', '""') + '"'
