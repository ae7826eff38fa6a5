"""The figures WIPO printed (data/published/wipo_published_figures.csv), read in one place.

The demo generator plants them, the back-test checks the demo data against them and the
ranking tests rank them: all three must read the same values the same way.
"""

import numpy as np
import pandas as pd

from analysis.paths import PUBLISHED_FIGURES, StrPath

FIGURE_TYPES = {"year": "int64", "rank": "Int64", "rank_all": "Int64", "count": "int64"}


def read_published_figures(path: StrPath = PUBLISHED_FIGURES) -> pd.DataFrame:
    """Read WIPO's printed figures, one row each, keeping each row's file line for messages.

    Returns a DataFrame with columns year, table (edu, business, country, total), rank and
    rank_all (Int64, missing where not printed), name, country, count, source_url, and
    line (the row's line in the file) and source (the file's path). Only empty cells are
    missing values: "NA" is Namibia.
    """
    figures = pd.read_csv(path, dtype=FIGURE_TYPES, keep_default_na=False, na_values=[""])
    return figures.assign(line=np.arange(len(figures)) + 2, source=str(path))
