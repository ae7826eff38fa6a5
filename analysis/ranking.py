"""Rank applicants as WIPO prints its tables: standard competition ranking ("1224").

Applicants with equal counts share the best rank and the next rank skips: in 2014 three
universities had 81 applications, all 13th, and the next (79) was 16th. Ranks are computed
for every year in three scopes: all applicants, one sector, one sector within one country.
"""

import pandas as pd

from analysis.errors import OptionError, UnknownYearError
from analysis.schema import DEFAULT_TOP, SECTORS

SCOPE_RANKS = {
    "overall": ("rank_overall", ["year"]),
    "sector": ("rank_sector", ["year", "sector"]),
    "sector_country": ("rank_sector_country", ["year", "sector", "country"]),
}
"""Each scope's rank column and the groups it ranks within."""

NEW_ENTRY = "new"
NO_PUBLISHED_FIGURE = "no published figure"

TABLE_COLUMNS = [
    "rank",
    "applicant",
    "country",
    "sector",
    "provenance",
    "published_year_minus_2",
    "published_year_minus_1",
    "published",
    "published_change",
    "rank_previous",
    "rank_change",
    "rank_overall",
]


def competition_rank(published: pd.Series, groups: list[pd.Series] | None = None) -> pd.Series:
    """Return standard competition ranks ("1224") of ``published``, descending, within groups.

    A row whose group holds a missing value (an applicant whose country is unknown) has no
    rank in that scope: missing, never a guess.
    """
    if groups is None:
        return published.rank(method="min", ascending=False).astype("int64")
    ranks = published.groupby(groups, sort=False, dropna=True).rank(method="min", ascending=False)
    return ranks.astype("int64") if ranks.notna().all() else ranks.astype("Int64")


def add_ranks(counts: pd.DataFrame) -> pd.DataFrame:
    """Add rank_overall, rank_sector and rank_sector_country to a counts table.

    ``counts`` has one row per (year, applicant) with columns year, applicant, country,
    sector, provenance, published.
    """
    ranked = counts.copy()
    for column, groups in SCOPE_RANKS.values():
        ranked[column] = competition_rank(ranked["published"], [ranked[g] for g in groups])
    return ranked


def check_year(ranked: pd.DataFrame, year: int) -> None:
    """Raise UnknownYearError unless the data has applications published in ``year``."""
    years = sorted(ranked["year"].unique())
    if year not in years:
        span = f"{years[0]}–{years[-1]}" if years else "no year"
        raise UnknownYearError(f"year {year} is not in the data, which covers {span}")


def scope_of(sector: str | None, country: str | None) -> str:
    """Name the scope a (sector, country) selection ranks in, checking the selection."""
    if sector is not None and sector not in SECTORS:
        raise OptionError(f"unknown sector {sector!r}; use one of {', '.join(SECTORS)}")
    if country is not None and sector is None:
        raise OptionError("a country ranking needs a sector too (WIPO ranks a sector within a country)")
    return "overall" if sector is None else ("sector" if country is None else "sector_country")


def scope_rows(
    ranked: pd.DataFrame, year: int, sector: str | None = None, country: str | None = None
) -> tuple[pd.DataFrame, str]:
    """Return the year's rows of one scope, and the name of the rank column that orders them.

    Raises UnknownYearError for a year outside the data, OptionError for a bad selection.
    """
    check_year(ranked, year)
    rank_column, _ = SCOPE_RANKS[scope_of(sector, country)]
    rows = ranked[ranked["year"] == year]
    if sector is not None:
        rows = rows[rows["sector"] == sector]
    if country is not None:
        rows = rows[rows["country"] == country.upper()]
    return rows, rank_column


def _year_values(ranked: pd.DataFrame, year: int, columns: dict[str, str]) -> pd.DataFrame:
    """One year's values of ``columns`` per applicant, renamed, for joining onto a table."""
    return ranked.loc[ranked["year"] == year, ["applicant", *columns]].rename(columns=columns)


def _rank_change(row: pd.Series) -> int | str:
    if pd.notna(row["rank_previous"]):
        return int(row["rank_previous"]) - int(row["rank"])
    return NO_PUBLISHED_FIGURE if row["provenance"] == "published" else NEW_ENTRY


def ranking_table(
    ranked: pd.DataFrame, year: int, sector: str | None = None, country: str | None = None, top: int = DEFAULT_TOP
) -> pd.DataFrame:
    """Return the top ``top`` applicants of ``year`` in a scope, with their history.

    Parameters
    ----------
    ranked : DataFrame from add_ranks.
    sector, country : None for all applicants; a sector; or a sector within a country.
    top : keep ranks up to this one; applicants tied at the boundary all stay.

    Returns a DataFrame with columns rank, applicant, country, sector, provenance,
    published_year_minus_2, published_year_minus_1, published, published_change,
    rank_previous (rank in the same scope in the previous year), rank_change (previous
    rank minus this rank, so moving up is positive; "new" where the applicant was absent,
    "no published figure" for a published figure with none the year before) and
    rank_overall. Rows tied on rank are listed by applicant name, case-insensitively,
    then country.
    """
    selected, rank_column = scope_rows(ranked, year, sector, country)
    selected = selected[selected[rank_column] <= top]
    table = selected.assign(rank=selected[rank_column])[
        ["rank", "applicant", "country", "sector", "provenance", "published", "rank_overall"]
    ]
    table = table.merge(
        _year_values(ranked, year - 2, {"published": "published_year_minus_2"}), on="applicant", how="left"
    )
    table = table.merge(
        _year_values(ranked, year - 1, {"published": "published_year_minus_1", rank_column: "rank_previous"}),
        on="applicant",
        how="left",
    )
    table["rank_previous"] = table["rank_previous"].astype("Int64")
    if pd.api.types.is_integer_dtype(ranked["published"]):
        history = ["published_year_minus_2", "published_year_minus_1"]
        table[history] = table[history].astype("Int64")
    table["published_change"] = table["published"] - table["published_year_minus_1"]
    table["rank_change"] = [_rank_change(row) for _, row in table.iterrows()]
    table = table.assign(_name=table["applicant"].str.casefold())
    table = table.sort_values(["rank", "_name", "country"]).drop(columns="_name")
    return table[TABLE_COLUMNS].reset_index(drop=True)
