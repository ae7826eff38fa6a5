"""How much of the PCT system the data holds, and the words that follow from it.

A keyword export is not the PCT system. Each year's counted applications are compared with
WIPO's yearly total (data/published); below COMPLETE_SHARE the data is partial, and the
headline and tables rank "among the applicants in this data" rather than among all PCT
applicants or the world's institutions. Complete data keeps WIPO's wording.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from analysis.validate import Summary

COMPLETE_SHARE = 0.9
"""Data holding at least this share of WIPO's yearly total is treated as the whole system:
WIPO's totals are rounded and count filings, so a complete extract lands near, not at, 1."""


@dataclass(frozen=True)
class Coverage:
    """One year's counted applications against WIPO's total (None where WIPO gives none)."""

    year: int
    applications: int
    wipo_total: int | None
    wipo_year: int | None = None
    """The year of ``wipo_total``: the nearest year WIPO's figures here give, where not ``year``."""

    @property
    def share(self) -> float | None:
        return None if not self.wipo_total else self.applications / self.wipo_total

    @property
    def complete(self) -> bool:
        """True unless the data clearly holds less than the whole; aggregated input, which
        carries no application count, counts as whole (the report says so)."""
        return self.share is None or self.share >= COMPLETE_SHARE

    def sentence(self) -> str:
        """The coverage as the report states it."""
        if self.wipo_total is None:
            return (
                f"WIPO's total for {self.year} is not in this project's published figures, "
                "so the coverage of the data cannot be stated."
            )
        basis = "" if self.wipo_year in (None, self.year) else f" (its nearest total, for {self.wipo_year})"
        if self.complete:
            return (
                f"This data holds {self.applications:,} PCT applications for {self.year}, "
                f"about {self.share:.0%} of the about {self.wipo_total:,} WIPO reports{basis}: "
                "treated as the whole PCT system."
            )
        return (
            f"This data holds {self.applications:,} of the about {self.wipo_total:,} PCT applications WIPO reports "
            f"for {self.year}{basis} ({_percent(self.share)}): "
            "ranks are among the applicants in this data, not among all PCT applicants."
        )


def _percent(share: float) -> str:
    """A share to one decimal; a keyword export's few applications read "under 0.1%", not "0.0%"."""
    written = f"{share:.1%}"
    return "under 0.1%" if share > 0 and written == "0.0%" else written


def wipo_totals() -> dict[int, int]:
    """WIPO's yearly totals of PCT applications, by year, from the published figures."""
    from analysis.published import read_published_figures

    figures = read_published_figures()
    totals = figures[figures["table"] == "total"]
    return {int(year): int(count) for year, count in zip(totals["year"], totals["count"], strict=False)}


def year_coverage(summary: "Summary", year: int, totals: dict[int, int] | None = None) -> Coverage:
    """The Coverage of ``year`` for a dataset's summary (aggregated input: treated as whole)."""
    totals = wipo_totals() if totals is None else totals
    if not summary.applications_by_year or not totals:
        return Coverage(int(year), 0, None)
    # A year WIPO's figures here do not reach is compared with the nearest one: the system
    # changes by a few percent a year, while a keyword export holds a small fraction of it.
    nearest = min(totals, key=lambda known: (abs(known - int(year)), -known))
    return Coverage(int(year), int(summary.applications_by_year.get(int(year), 0)), totals[nearest], nearest)
