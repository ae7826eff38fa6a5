"""Profile one institution: its count and ranks in a year, the year before, and every year."""

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import pandas as pd

from analysis.coverage import Coverage, year_coverage
from analysis.errors import UnknownInstitutionError
from analysis.ranking import SCOPE_RANKS, check_year

if TYPE_CHECKING:
    from analysis.dataset import Dataset


@dataclass(frozen=True)
class Standing:
    """Where an applicant stood in one year, and how many applicants each scope held."""

    year: int
    published: float
    rank_overall: int
    rank_sector: int
    rank_sector_country: int | None
    applicants_overall: int
    applicants_sector: int
    applicants_sector_country: int


@dataclass(frozen=True)
class Profile:
    """One institution in one year. ``trend`` has columns year, published, rank_overall,
    rank_sector, rank_sector_country: one row per year the institution appears in."""

    institution: str
    country: str | None
    sector: str
    provenance: str | float | None
    """``"published"``, ``"synthetic"``, or missing (None or NaN) for figures counted from the input."""
    counting: str
    year: int
    current: Standing
    previous: Standing | None
    trend: pd.DataFrame
    coverage: Coverage | None = None
    """How much of the PCT system the data holds in ``year``: partial data changes the wording."""

    @property
    def complete(self) -> bool:
        return self.coverage is None or self.coverage.complete

    def to_dict(self) -> dict[str, object]:
        """The profile as JSON-ready data (the CLI's --json output, without the headline)."""
        current = asdict(self.current)
        return {
            "institution": self.institution,
            "year": self.year,
            "country": self.country,
            "sector": self.sector,
            "provenance": None if pd.isna(self.provenance) else self.provenance,
            "counting": self.counting,
            "complete_data": self.complete,
            **{key: value for key, value in current.items() if key != "year"},
            "previous": asdict(self.previous) if self.previous else None,
            "trend": self.trend.to_dict(orient="records"),
        }


def _plain(value: object) -> object:
    """numpy scalars become Python numbers, so profiles serialise to JSON as they are."""
    number = value.item() if hasattr(value, "item") else value
    return int(number) if isinstance(number, float) and number.is_integer() else number


def _standing(ranked: pd.DataFrame, year: int, row: pd.Series) -> Standing:
    """Build a Standing from an applicant's ranked row of ``year``, counting each scope's applicants."""
    in_year = ranked[ranked["year"] == year]
    in_sector = in_year["sector"] == row["sector"]
    return Standing(
        year=year,
        published=_plain(row["published"]),
        rank_overall=int(row["rank_overall"]),
        rank_sector=int(row["rank_sector"]),
        rank_sector_country=None if pd.isna(row["rank_sector_country"]) else int(row["rank_sector_country"]),
        applicants_overall=len(in_year),
        applicants_sector=int(in_sector.sum()),
        applicants_sector_country=int((in_sector & (in_year["country"] == row["country"])).sum()),
    )


def institution_profile(dataset: "Dataset", institution: str, year: int) -> Profile:
    """Profile ``institution`` (any spelling the data knows) in ``year``.

    Raises UnknownYearError for a year outside the data and UnknownInstitutionError, with
    the closest names, for an institution the data does not know or that published
    nothing that year.
    """
    ranked = dataset.ranked
    check_year(ranked, year)
    applicant = dataset.resolve(institution)
    rows = ranked[ranked["applicant"] == applicant].sort_values("year")
    by_year = rows.set_index("year")
    if year not in by_year.index:
        years = ", ".join(str(y) for y in by_year.index)
        raise UnknownInstitutionError(
            f"{applicant} has no published PCT applications in {year} in this data (it has {years})"
        )
    current = by_year.loc[year]
    previous = by_year.loc[year - 1] if year - 1 in by_year.index else None
    rank_columns = [column for column, _ in SCOPE_RANKS.values()]
    return Profile(
        institution=applicant,
        country=None if pd.isna(current["country"]) else current["country"],
        sector=current["sector"],
        provenance=current["provenance"],
        counting=dataset.counting,
        year=year,
        current=_standing(ranked, year, current),
        previous=None if previous is None else _standing(ranked, year - 1, previous),
        trend=rows[["year", "published", *rank_columns]].reset_index(drop=True),
        coverage=year_coverage(dataset.summary, year),
    )
