"""Find applicants by a piece of their name, for people who do not know the exact spelling."""

import pandas as pd

from analysis.names import normalise_name
from analysis.variants import closest_names


def search_applicants(ranked: pd.DataFrame, text: str, limit: int = 20) -> pd.DataFrame:
    """Return applicants whose normalised name contains the normalised ``text``.

    Returns a DataFrame with columns applicant, country, sector, published (all years),
    first_year, last_year, largest totals first; when nothing contains the text, the
    closest names by fuzzy similarity instead.
    """
    summary = ranked.groupby("applicant", as_index=False).agg(
        country=("country", "first"),
        sector=("sector", "first"),
        published=("published", "sum"),
        first_year=("year", "min"),
        last_year=("year", "max"),
    )
    needle = normalise_name(text)
    matches = summary[summary["applicant"].map(normalise_name).str.contains(needle, regex=False)]
    if matches.empty:
        matches = summary[summary["applicant"].isin(closest_names(summary["applicant"], text))]
    return matches.sort_values(["published", "applicant"], ascending=[False, True]).head(limit).reset_index(drop=True)
