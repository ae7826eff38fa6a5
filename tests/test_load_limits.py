"""DuckDB's memory cap and spill folder, which keep 50 M rows within 8 GiB."""

import tempfile
from pathlib import Path

from analysis.load import DUCKDB_MEMORY_LIMIT, connect


def test_duckdb_is_capped_and_spills_outside_the_working_directory():
    connection = connect()
    limit, spill = connection.execute(
        "SELECT current_setting('memory_limit'), current_setting('temp_directory')"
    ).fetchall()[0]
    number, unit = limit.split()
    assert float(number) * {"MiB": 1024**2, "GiB": 1024**3}[unit] <= DUCKDB_MEMORY_LIMIT * 1.001
    assert Path(spill).parent == Path(tempfile.gettempdir())
