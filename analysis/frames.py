"""Run DuckDB SQL over pandas tables: the group-bys of the report tables, which pandas does more slowly."""

import pandas as pd

from analysis.load import session


def query(sql: str, **tables: pd.DataFrame) -> pd.DataFrame:
    """Return the result of ``sql`` as a DataFrame, each keyword a DataFrame registered under its name."""
    with session() as connection:
        for name, table in tables.items():
            connection.register(name, table)
        return connection.sql(sql).to_df()
