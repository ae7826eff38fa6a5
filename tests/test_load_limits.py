"""DuckDB: one database per process, a schema of its own for each piece of work, its memory
cap and spill folder (which keep 50 M rows within 8 GiB)."""

import contextlib
import multiprocessing
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from analysis.dataset import load_dataset
from analysis.errors import ValidationError
from analysis.load import DUCKDB_MEMORY_LIMIT, THREADS_VARIABLE, connect, create_function, cursor, release, session

EXPORTS = Path(__file__).resolve().parent / "fixtures" / "exports"


def test_duckdb_is_capped_and_spills_outside_the_working_directory():
    with session() as connection:
        limit, spill = connection.execute(
            "SELECT current_setting('memory_limit'), current_setting('temp_directory')"
        ).fetchall()[0]
    number, unit = limit.split()
    assert float(number) * {"MiB": 1024**2, "GiB": 1024**3}[unit] <= DUCKDB_MEMORY_LIMIT * 1.001
    assert Path(spill).parent == Path(tempfile.gettempdir())


def work_schemas(connection):
    """The schemas of work in the database, other than ``connection``'s own, and the
    functions registered for them."""
    schemas = connection.execute(
        "SELECT schema_name FROM duckdb_schemas() WHERE schema_name LIKE 'work_%' AND schema_name <> current_schema()"
    ).fetchall()
    functions = connection.execute(
        "SELECT function_name FROM duckdb_functions() WHERE function_name LIKE '%_work_%'"
    ).fetchall()
    return set(schemas) | set(functions)


def test_two_connections_keep_their_views_of_one_name_apart():
    with session() as one, session() as two:
        one.execute("CREATE VIEW source AS SELECT 1 AS x")
        two.execute("CREATE VIEW source AS SELECT 2 AS x")
        assert one.execute("SELECT x FROM source").fetchall() == [(1,)]
        assert two.execute("SELECT x FROM source").fetchall() == [(2,)]


def test_a_cursor_works_in_the_schema_of_its_connection():
    with session() as connection:
        connection.execute("CREATE VIEW counted AS SELECT 7 AS x")
        other = cursor(connection)
        other.execute("CREATE TABLE tallies AS SELECT x + 1 AS y FROM counted")
        other.close()
        assert connection.execute("SELECT y FROM tallies").fetchall() == [(8,)]


def test_a_released_connection_leaves_no_schema_and_no_function():
    with session() as other:
        before = work_schemas(other)
    connection = connect()
    name = create_function(connection, "shout", str.upper, parameters=["VARCHAR"], return_type="VARCHAR")
    assert connection.execute(f"SELECT {name}('a')").fetchall() == [("A",)]
    connection.execute("CREATE TABLE kept AS SELECT 1 AS x")
    release(connection)
    with session() as other:
        assert work_schemas(other) == before
        with pytest.raises(duckdb.CatalogException):
            other.execute(f"SELECT {name}('a')")


@pytest.mark.parametrize("text", ["canonical", "google"])
def test_a_load_that_fails_leaves_nothing_behind(tmp_path, text):
    """Not even the Python function that splits Google's assignees."""
    bad = tmp_path / "records.csv"
    if text == "canonical":
        bad.write_text("publication_number,publication_date,applicant_name\nWO2018000001,2018-13-45,Alpha\n")
    else:
        google = (EXPORTS / "google" / "gp-search-20261130.csv").read_text(encoding="utf-8")
        bad.write_text(google.replace(",2024-08-02,", ",2024-08-32,", 1), encoding="utf-8")
    with session() as other:
        before = work_schemas(other)
    with pytest.raises(ValidationError):
        load_dataset(bad, cache=False)
    with session() as other:
        assert work_schemas(other) == before


def ranked(data):
    return load_dataset(data, cache=False).ranked


def test_loads_on_two_threads_at_once_count_as_one_after_another():
    inputs = [EXPORTS / "google" / "gp-search-20261130.csv", EXPORTS / "patentscope" / "chunks"] * 2
    alone = [ranked(data) for data in inputs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(ranked, inputs))
    for one, other in zip(alone, together, strict=True):
        pd.testing.assert_frame_equal(one, other)


def _leftovers_in_child() -> set:
    with session() as connection:
        return work_schemas(connection)


@pytest.mark.parametrize("open_connection", [True, False])
def test_a_forked_worker_opens_a_database_of_its_own(open_connection):
    """A build's workers are forked; the parent's database and its threads do not carry over,
    and the child must neither use nor close it (closing would wait for those threads)."""
    with session() as connection:
        connection.execute("SELECT 1").fetchall()
    with session() if open_connection else contextlib.nullcontext():
        with multiprocessing.get_context("fork").Pool(1) as pool:
            # A database of its own: none of the parent's schemas are in it.
            assert pool.apply_async(_leftovers_in_child).get(timeout=30) == set()


def _threads_in_child() -> int:
    with session() as connection:
        return connection.execute("SELECT current_setting('threads')").fetchall()[0][0]


@pytest.mark.parametrize("threads", ["1", "3"])
def test_the_environment_caps_duckdbs_threads_in_a_new_database(monkeypatch, threads):
    monkeypatch.setenv(THREADS_VARIABLE, threads)
    with multiprocessing.get_context("fork").Pool(1) as pool:  # a new process opens a new database
        assert pool.apply_async(_threads_in_child).get(timeout=60) == int(threads)
