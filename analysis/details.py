"""Application-level detail for the sections on fields of technology and co-applicants.

The rankings need counts only, and stay fast on tens of millions of rows. These sections
need every (publication, applicant) row with its IPC codes: they are read again from the
inputs only when a report asks for them, and kept in the cache beside the ranked result.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import pandas as pd

from analysis.cache import read_table, write_table
from analysis.names import normalise_name

if TYPE_CHECKING:
    from analysis.dataset import Dataset
    from analysis.fields import AnnualFields


@dataclass(frozen=True)
class Details:
    """``applications``: one row per (publication, applicant) counted, with columns
    publication_number, year, applicant, sequence (1 = first-named), sector, country (None
    where unknown) and ipc (symbols separated by ";", or None). ``fields``: the field counts
    under the dataset's counting rule (analysis.fields.field_counts), or None with
    ``no_fields_reason`` saying why."""

    applications: pd.DataFrame
    fields: pd.DataFrame | None
    no_fields_reason: str | None

    def notes(self) -> list[str]:
        """The one line a report prints where the data cannot be divided by field."""
        return [self.no_fields_reason] if self.no_fields_reason else []

    def institution_fields(self, institution: str, year: int, top: int = 12) -> pd.DataFrame | None:
        """The institution's leading fields in ``year`` (analysis.fields.institution_fields), or
        None without IPC codes, so that the report shows no empty table."""
        from analysis.fields import institution_fields

        if self.fields is None:
            return None
        table = institution_fields(self.fields, institution, year).head(top)
        return _in_percent(table, ("share", "sector_share")).round({"specialisation": 2})

    def annual_fields(self, year: int) -> "AnnualFields | None":
        """The year by field of technology (analysis.fields.annual_fields), or None without IPC codes."""
        from analysis.fields import annual_fields, read_concordance

        if self.fields is None:
            return None
        found = annual_fields(self.fields, read_concordance(), year)
        return replace(
            found,
            by_field=_in_percent(found.by_field, ("share", "growth")),
            by_sector=_in_percent(found.by_sector, ("share",)),
            fastest=_in_percent(found.fastest, ("growth",)),
        )


def _in_percent(table: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """Shares and growth as the report's tables show them: percent, one decimal."""
    return table.assign(**{column: (table[column].astype("float64") * 100).round(1) for column in columns})


def application_details(dataset: "Dataset", years: Iterable[int]) -> Details:
    """The Details of ``years`` (a report's year and the one before) of a dataset from
    load_dataset(...): read once, then from the cache."""
    from analysis.fields import field_counts, no_ipc_reason, read_concordance

    years = sorted({int(year) for year in years})
    part = "-".join(map(str, years))
    applications = read_table(dataset.key, f"applications-{part}") if dataset.key else None
    if applications is None:
        applications = _read_applications(dataset, years)
        if dataset.key:
            write_table(dataset.key, f"applications-{part}", applications)
    reason = no_ipc_reason(applications)
    if reason is not None:
        return Details(applications, None, reason)
    fields = read_table(dataset.key, f"fields-{part}") if dataset.key else None
    if fields is None:
        fields = field_counts(applications, read_concordance(), dataset.counting)
        if dataset.key:
            write_table(dataset.key, f"fields-{part}", fields)
    return Details(applications, fields, None)


def _read_applications(dataset: "Dataset", years: list[int]) -> pd.DataFrame:
    """Read the inputs again (they were validated when the dataset was made) for ``years``."""
    from analysis.counting import ORDER_KEY
    from analysis.fields import APPLICATION_COLUMNS
    from analysis.sources import open_inputs
    from analysis.validate import counted_records

    origin = dataset.origin
    with open_inputs(origin["files"], origin["source"], origin["column_map"]) as opened:
        if opened.kind == "aggregated":
            return pd.DataFrame(columns=APPLICATION_COLUMNS)
        records = counted_records(opened)
        in_years = f"year IN ({', '.join(map(str, years))})"
        spellings = opened.connection.execute(f"SELECT DISTINCT applicant_name FROM {records} WHERE {in_years}").df()[
            "applicant_name"
        ]
        names = pd.DataFrame(
            {
                "applicant_name": spellings,
                "applicant": [dataset.name_lookup.get(normalise_name(name)) for name in spellings],
            }
        )
        latest = dataset.ranked.sort_values("year").drop_duplicates("applicant", keep="last")
        connection = opened.connection
        connection.register("names", names)
        connection.register("attributes", latest[["applicant", "sector", "country"]])
        applications = (
            connection.sql(f"""
            SELECT publication_number, year, applicant,
                   CAST(row_number() OVER (PARTITION BY publication_number ORDER BY order_key) AS INTEGER) AS sequence,
                   sector, country, ipc
            FROM (SELECT publication_number, min(year) AS year, applicant, min(ipc) AS ipc,
                         min({ORDER_KEY}) AS order_key
                  FROM {records} JOIN names USING (applicant_name) WHERE {in_years}
                  GROUP BY publication_number, applicant)
            JOIN attributes USING (applicant)
            ORDER BY publication_number, sequence""")
            .to_arrow_table()
            .to_pandas()
        )
    applications["country"] = applications["country"].astype(object).where(applications["country"].notna(), None)
    return applications
