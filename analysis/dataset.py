"""Load an input into a ranked dataset: the one call a notebook, the CLI or a test makes.

open → validate → harmonise names → count → rank. The result carries what a report needs
to say how it was made: the counting rule and every input file with its sha256.
"""

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.cache import cache_key, read_entry, write_entry
from analysis.counting import count_published
from analysis.errors import UnknownInstitutionError
from analysis.load import ColumnMap, file_sha256, open_source, read_column_map
from analysis.names import normalise_name, read_aliases
from analysis.paths import APPLICANT_ALIASES, DEMO_DATA, PROJECT_ROOT, SECTOR_OVERRIDES
from analysis.ranking import add_ranks
from analysis.sectors import classify_name, read_sector_overrides
from analysis.validate import validate_source


@dataclass(frozen=True)
class InputFile:
    """A file the dataset was made from: its path (relative to the project where it lies
    inside it, so reports do not depend on where the checkout is) and its sha256."""

    path: str
    sha256: str


@dataclass(frozen=True)
class Dataset:
    """Ranked counts and how they were made.

    ``ranked`` has one row per (year, applicant): year, applicant, country, sector,
    provenance, published, rank_overall, rank_sector, rank_sector_country.
    """

    ranked: pd.DataFrame
    counting: str
    inputs: tuple
    rows: int
    name_lookup: dict
    unused_aliases: tuple

    @property
    def years(self):
        return tuple(int(y) for y in sorted(self.ranked["year"].unique()))

    def resolve(self, name):
        """Return the canonical applicant a user's spelling refers to.

        Exact canonical names match first, then any spelling with the same normalised key
        (so "DALIAN UNIV OF TECH" finds Dalian University of Technology). Otherwise raise
        UnknownInstitutionError with the closest names.
        """
        applicants = self.ranked["applicant"]
        if (applicants == name).any():
            return name
        found = self.name_lookup.get(normalise_name(name))
        if found is not None:
            return found
        raise UnknownInstitutionError(f"no applicant named {name!r} in the data", closest_names(applicants.unique(), name))


def closest_names(candidates, name, limit=5):
    """The candidates most like ``name``, best first, for a helpful error message."""
    from rapidfuzz import fuzz, process

    matches = process.extract(
        normalise_name(name), list(candidates), scorer=fuzz.WRatio, processor=normalise_name, limit=limit, score_cutoff=60
    )
    return [match for match, _, _ in matches]


def display_path(path):
    """A path relative to the project when it lies inside it, else as given."""
    resolved = Path(path).resolve()
    try:
        return str(resolved.relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def load_dataset(
    path=None,
    counting="first-named",
    column_map=None,
    aliases_path=APPLICANT_ALIASES,
    overrides_path=SECTOR_OVERRIDES,
    *,
    cache=True,
):
    """Load, validate, harmonise, count and rank an input file.

    ``path`` None means the project's demo data; ``column_map`` is a ColumnMap or the path
    of a YAML mapping. Every problem is raised as a PctError subclass naming the file.
    ``cache`` False neither reads nor writes the on-disk cache of ranked results
    (analysis.cache), for timing the work itself.
    """
    path = Path(path) if path is not None else DEMO_DATA
    if column_map is not None and not isinstance(column_map, ColumnMap):
        column_map = read_column_map(column_map)
    files = (path, Path(aliases_path), Path(overrides_path))
    inputs = tuple(InputFile(display_path(p), file_sha256(p)) if p.is_file() else None for p in files)
    key = cache_key([i.sha256 for i in inputs], counting, column_map) if cache and all(inputs) else None
    stored = read_entry(key) if key else None
    if stored is not None:
        ranked, rows, name_lookup, unused = stored
        return Dataset(ranked, counting, inputs, rows, name_lookup, unused)
    source = open_source(path, column_map)
    rows = validate_source(source)
    aliases = read_aliases(aliases_path)
    counts, name_map = count_published(source, aliases, read_sector_overrides(overrides_path), classify_name, counting)
    source.connection.close()
    dataset = Dataset(add_ranks(counts), counting, inputs, rows, name_map.key_to_applicant(), name_map.unused_aliases)
    if key:
        write_entry(key, dataset.ranked, rows, dataset.name_lookup, dataset.unused_aliases)
    return dataset
