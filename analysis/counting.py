"""Count published PCT applications per canonical applicant and publication year.

The rule (analysis.rules) decides how an application is credited: WIPO's first-named rule
by default. The same (publication, applicant) pair counts once, judged after names are
harmonised. The heavy work is one DuckDB query over the validated records.
"""

from __future__ import annotations

from concurrent.futures import Executor, Future
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from analysis.errors import OptionError
from analysis.load import cursor
from analysis.rules import RULES

if TYPE_CHECKING:
    from analysis.names import NameMap
    from analysis.validate import Checked

SEQUENCE_SHIFT = 1 << 44
UNNUMBERED = 1 << 18
"""A publication's rows are ordered by applicant_sequence (unnumbered rows last), then by
their order in the files: order_key = sequence * SEQUENCE_SHIFT + _order (below 2^44)."""
ORDER_KEY = (
    f"CAST(least(coalesce(applicant_sequence, {UNNUMBERED}), {UNNUMBERED}) AS BIGINT) * {SEQUENCE_SHIFT}"
    f" + (_order % {SEQUENCE_SHIFT})"
)
"""SQL: a counted record's order_key among its publication's rows."""


def check_counting_rule(counting: str) -> None:
    """Raise OptionError unless ``counting`` is one of the rules."""
    if counting not in RULES:
        raise OptionError(f"unknown counting rule {counting!r}; use one of {', '.join(RULES)}")


def reduce_in_background(checked: Checked, counting: str, executor: Executor) -> Future[None] | None:
    """Start the rule's reduction of the records, which needs no harmonised names, on
    ``executor``; return its Future, or None when the rule has none. DuckDB runs it (and
    releases the GIL) while Python harmonises the names."""
    check_counting_rule(counting)
    rule = RULES[counting]
    if checked.kind == "aggregated" or rule.reduce_sql is None:
        return None
    checked.connection.execute(_records_view(checked))
    return executor.submit(_run_on_cursor, checked.connection, rule.reduce_sql)


def count_published(
    checked: Checked,
    name_map: NameMap,
    applicants: pd.DataFrame,
    counting: str = "first-named",
    *,
    reduced: bool = False,
) -> tuple[pd.DataFrame, dict[int, int]]:
    """Count published applications per applicant and year under a counting rule.

    ``checked`` is what validate_source returned, ``name_map`` a NameMap and
    ``applicants`` the table applicant_attributes made (indexed by applicant: country,
    sector, provenance). Returns (counts, applications): counts has one row per (year,
    applicant) with columns year, applicant, country (None where unknown), sector,
    provenance, published (int, or float for fractional counting), sorted by year, then
    published descending, then applicant; applications maps each year to the applications
    counted in it (empty for aggregated input). ``reduced`` says that reduce_in_background's
    work has finished; otherwise the rule's reduction runs here.
    """
    check_counting_rule(counting)
    rule = RULES[counting]
    aggregated = checked.kind == "aggregated"
    if aggregated and not rule.wipo:
        raise OptionError(
            f"{', '.join(str(f.path) for f in checked.summary.files)} holds counts already (aggregated input); "
            f"it cannot be recounted with the {counting!r} rule"
        )
    connection = checked.connection
    connection.execute(_records_view(checked))
    if not aggregated and rule.reduce_sql is not None and not reduced:
        connection.execute(rule.reduce_sql)
    table = applicants.reset_index(names="applicant").astype({"provenance": "str"})
    table["name_order"] = table["applicant"].str.casefold().rank(method="dense").astype("int64")
    connection.register("name_map", name_map.table[["applicant_name", "applicant"]])
    connection.register("applicants", table)
    counted = _AGGREGATED_SQL if aggregated else rule.sql
    query = f"""
        SELECT c.year, c.applicant, a.country, a.sector, a.provenance, c.published, a.name_order
        FROM ({counted}) AS c JOIN applicants AS a USING (applicant)
        ORDER BY c.year, c.published DESC, a.name_order, a.country NULLS LAST"""
    counts = connection.sql(query).to_arrow_table().to_pandas()
    applications = (
        {} if aggregated else {int(y): int(n) for y, n in connection.execute(rule.applications_sql).fetchall()}
    )
    connection.unregister("name_map")
    connection.unregister("applicants")
    counts["year"] = counts["year"].astype("int64")
    counts["country"] = counts["country"].astype("object").where(counts["country"].notna(), None)
    if not rule.whole or not (counts["published"] % 1 == 0).all():
        # Rounding can tie sums that differed in the last bits: order again after it.
        counts["published"] = counts["published"].astype("float64").round(6)
        counts = counts.sort_values(["year", "published", "name_order", "country"], ascending=[True, False, True, True])
    else:
        counts["published"] = counts["published"].astype("int64")
    return counts.drop(columns="name_order").reset_index(drop=True), applications


_AGGREGATED_SQL = """
    SELECT year, applicant, sum(published) AS published
    FROM records JOIN name_map USING (applicant_name) GROUP BY ALL"""


def _records_view(checked: Checked) -> str:
    """SQL creating the view ``records`` the rules read: the checked records with an order key."""
    if checked.kind == "aggregated":
        return f"CREATE OR REPLACE VIEW records AS SELECT * FROM {checked.records}"
    return f"""
        CREATE OR REPLACE VIEW records AS
        SELECT publication_number, year, applicant_name, {ORDER_KEY} AS order_key FROM {checked.records}"""


def _run_on_cursor(connection: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Run ``sql`` on a cursor of its own, so that it may run beside the main connection's work."""
    other = cursor(connection)
    try:
        other.execute(sql)
    finally:
        other.close()
