"""Tables the report notebooks show beside the core rankings: peers, positions, shares, movers.

Each function takes the ranked table (one row per year and applicant: ``year``,
``applicant``, ``country``, ``sector``, ``provenance``, ``published``, ``rank_overall``,
``rank_sector``, ``rank_sector_country``) and returns a new table; nothing is read or
written here.
"""

import pandas as pd

from analysis.errors import OptionError, UnknownInstitutionError
from analysis.narrative import country_name
from analysis.ranking import SCOPE_RANKS, scope_rows
from analysis.schema import SECTOR_LABELS

OTHERS = "Others"


def _year_rows(ranked: pd.DataFrame, year: int) -> pd.DataFrame:
    return scope_rows(ranked, year)[0]


def _scope_rows(ranked: pd.DataFrame, year: int, applicant: str, scope: str) -> pd.DataFrame:
    """The year's applicants that share ``applicant``'s scope, best rank first."""
    if scope not in SCOPE_RANKS:
        raise OptionError(f"unknown scope {scope!r}; use one of {', '.join(SCOPE_RANKS)}")
    year_rows = _year_rows(ranked, year)
    own = year_rows[year_rows["applicant"] == applicant]
    if own.empty:
        raise UnknownInstitutionError(f'"{applicant}" published no PCT application in {year}')
    sector = own["sector"].iloc[0] if scope in ("sector", "sector_country") else None
    country = own["country"].iloc[0] if scope == "sector_country" else None
    rows, rank = scope_rows(ranked, year, sector, country)
    rows = rows.sort_values([rank, "applicant"], kind="stable").rename(columns={rank: "rank"})
    return rows[["rank", "applicant", "country", "sector", "provenance", "published"]].reset_index(drop=True)


def peers(ranked: pd.DataFrame, year: int, applicant: str, scope: str = "sector", neighbours: int = 3) -> pd.DataFrame:
    """Return ``applicant`` with the ``neighbours`` applicants ranked just above and below it.

    ``scope`` is "overall", "sector" or "sector_country". Columns: rank (in the scope),
    applicant, country, sector, provenance, published.
    """
    rows = _scope_rows(ranked, year, applicant, scope)
    position = rows.index[rows["applicant"] == applicant][0]
    return rows.iloc[max(position - neighbours, 0) : position + neighbours + 1].reset_index(drop=True)


def standing_among_top(
    ranked: pd.DataFrame, year: int, applicant: str, scope: str = "sector", top: int = 50
) -> pd.DataFrame:
    """Return the scope's applicants ranked ``top`` or better, and ``applicant`` even when lower.

    Ties at the boundary are all kept, as WIPO lists them. Columns: rank (in the scope),
    applicant, country, sector, provenance, published.
    """
    rows = _scope_rows(ranked, year, applicant, scope)
    return rows[(rows["rank"] <= top) | (rows["applicant"] == applicant)].reset_index(drop=True)


def _totals(rows: pd.DataFrame, key: str) -> pd.DataFrame:
    """Applicants and published applications per value of ``key``, missing values included."""
    return rows.groupby(key, dropna=False, sort=True).agg(
        applicants=("applicant", "size"), published=("published", "sum")
    )


def _shares(rows: pd.DataFrame, key: str) -> pd.DataFrame:
    table = _totals(rows, key)
    table["share"] = 100 * table["published"] / table["published"].sum()
    return table.sort_values("published", ascending=False, kind="stable").reset_index()


def shares_by_sector(ranked: pd.DataFrame, year: int) -> pd.DataFrame:
    """Return each sector's part of the year's published applications.

    Columns: sector, label (as WIPO names it), applicants, published, share (percent;
    the shares sum to 100).
    """
    table = _shares(_year_rows(ranked, year), "sector")
    table.insert(1, "label", table["sector"].map(SECTOR_LABELS).str.capitalize())
    return table


def shares_by_country(ranked: pd.DataFrame, year: int, top: int = 10) -> pd.DataFrame:
    """Return the ``top`` countries' parts of the year's published applications, the rest as "Others".

    Columns: country (ISO code; "Others" for the rest), label (the country's name),
    applicants, published, share (percent; the shares sum to 100).
    """
    table = _shares(_year_rows(ranked, year), "country")
    table.loc[top:, "country"] = OTHERS
    table = table.groupby("country", sort=False).sum().reset_index()
    # Running text says "the United States"; a label starts with the name itself.
    names = table["country"].map(lambda code: OTHERS if code == OTHERS else country_name(code).removeprefix("the "))
    table.insert(1, "label", names)
    return table


def biggest_movers(
    ranked: pd.DataFrame, year: int, count: int = 10, among_top: int = 100, sector: str | None = None
) -> pd.DataFrame:
    """Return the applicants that climbed or fell furthest in rank since the year before.

    Only applicants with published applications in both years that rank ``among_top`` or
    better in either year are compared, so that the long tail's jumps of thousands of
    places at one or two applications do not crowd out the leaders. With ``sector``, ranks
    within that sector are compared. Columns: applicant, country, sector, provenance,
    published_previous, published, rank_previous, rank, rank_change (places climbed;
    negative for a fall); the ``count`` biggest climbs then the ``count`` biggest falls.
    """
    rank = "rank_sector" if sector else "rank_overall"
    columns = ["applicant", "published", rank]
    current = _year_rows(ranked, year)
    previous = ranked[ranked["year"] == year - 1]
    if sector:
        current, previous = (rows[rows["sector"] == sector] for rows in (current, previous))
    both = current.merge(previous[columns], on="applicant", suffixes=("", "_previous"))
    both = both[(both[rank] <= among_top) | (both[f"{rank}_previous"] <= among_top)]
    both = both.rename(columns={rank: "rank", f"{rank}_previous": "rank_previous"})
    both["rank_change"] = both["rank_previous"] - both["rank"]
    both = both.sort_values(["rank_change", "rank"], ascending=[False, True], kind="stable")
    climbs = both[both["rank_change"] > 0].head(count)
    falls = both[both["rank_change"] < 0].tail(count)
    movers = pd.concat([climbs, falls])
    return movers[
        [
            "applicant",
            "country",
            "sector",
            "provenance",
            "published_previous",
            "published",
            "rank_previous",
            "rank",
            "rank_change",
        ]
    ].reset_index(drop=True)


SOURCES = {"published": "Published WIPO figure", "synthetic": "Synthetic demo data"}
"""How the provenance of a figure reads in a report; figures without one come from the input."""


def provenance_counts(ranked: pd.DataFrame, year: int) -> pd.DataFrame:
    """Return how many of the year's applicants and applications each source of figures gives.

    Columns: source (readable), provenance ("published", "synthetic" or missing for the
    user's own data), applicants, published.
    """
    table = _totals(_year_rows(ranked, year), "provenance").reset_index()
    table.insert(0, "source", table["provenance"].map(SOURCES).fillna("Input data"))
    return table
