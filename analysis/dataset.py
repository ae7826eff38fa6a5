"""Load inputs into a ranked dataset: the one call a notebook, the CLI or a test makes.

open (any source format) → validate → harmonise names → count → rank. The result carries
what a report needs to say how it was made: the counting rule, every input file with its
format and sha256, and a summary of what counted and what was left out.
"""

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.applicants import applicant_attributes
from analysis.cache import cache_key, read_entry, write_entry
from analysis.counting import count_published, reduce_in_background
from analysis.errors import UnknownInstitutionError
from analysis.hashing import display_path, file_sha256
from analysis.names import Alias, build_name_map, normalise_name, read_aliases
from analysis.paths import APPLICANT_ALIASES, DEMO_DATA, SECTOR_OVERRIDES, StrPath
from analysis.ranking import add_ranks
from analysis.registry import APPLICANT_REGISTRY, read_registry
from analysis.sectors import read_sector_overrides
from analysis.sources import open_inputs
from analysis.sources.mapping import ColumnMap, read_column_map
from analysis.validate import Summary, validate_source
from analysis.variants import closest_names


@dataclass(frozen=True)
class InputFile:
    """A file the dataset was made from: its path (relative to the project where it lies
    inside it, so reports do not depend on where the checkout is), its sha256 and, for
    data files, the format it was read as."""

    path: str
    sha256: str
    format: str | None = None


@dataclass(frozen=True)
class Dataset:
    """Ranked counts and how they were made.

    ``ranked`` has one row per (year, applicant): year, applicant, country, sector,
    provenance, published, rank_overall, rank_sector, rank_sector_country.
    """

    ranked: pd.DataFrame
    counting: str
    inputs: tuple[InputFile, ...]
    summary: Summary
    name_lookup: dict[str, str]
    unused_aliases: tuple[Alias, ...]
    origin: dict[str, Any] | None = None
    """How the data was read (files, source, column_map), for reading its detail again."""
    key: str | None = None
    """The cache key of this result, under which its details are kept too."""

    @property
    def rows(self) -> int:
        return self.summary.rows

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(int(y) for y in sorted(self.ranked["year"].unique()))

    def resolve(self, name: str) -> str:
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
        raise UnknownInstitutionError(
            f"no applicant named {name!r} in the data", closest_names(applicants.unique(), name)
        )


def load_dataset(
    path: StrPath | Iterable[StrPath] | None = None,
    counting: str = "first-named",
    column_map: ColumnMap | StrPath | None = None,
    aliases_path: StrPath = APPLICANT_ALIASES,
    overrides_path: StrPath = SECTOR_OVERRIDES,
    *,
    registry_path: StrPath = APPLICANT_REGISTRY,
    source: str | None = None,
    cache: bool = True,
) -> Dataset:
    """Load, validate, harmonise, count and rank the data; the result's ``ranked`` is the table.

    ``path`` is a file, a folder, a glob or a list of them (None: the project's demo data);
    ``source`` forces an input format by name (see analysis.sources.FORMATS);
    ``column_map`` is a ColumnMap or the path of a YAML mapping. Every problem is raised as
    a PctError subclass naming the file. ``cache`` False neither reads nor writes the
    on-disk cache of ranked results (analysis.cache), for timing the work itself.
    """
    from analysis.sources.files import expand_inputs

    data = path if path is not None else DEMO_DATA
    if column_map is not None and not isinstance(column_map, ColumnMap):
        column_map = read_column_map(column_map)
    files = expand_inputs(data)
    tables = [Path(aliases_path), Path(overrides_path), Path(registry_path)]
    paths = files + [t for t in tables if t.is_file()]
    origin = {"files": files, "source": source, "column_map": column_map}
    with ThreadPoolExecutor(max_workers=1) as hashing:
        # The checksums are read beside the work (hashlib releases the GIL); the cache needs them first.
        digests = hashing.submit(lambda: [file_sha256(p) for p in paths])
        # The entry's summary names the files it was read from: the same bytes under another
        # name are another entry, or a report would cite a file the user never gave.
        names = [str(f) for f in files]
        key = cache_key([*digests.result(), source or "", *names], counting, column_map) if cache else None
        stored = read_entry(key) if key else None
        if stored is None:
            dataset = _load(files, source, column_map, counting, aliases_path, overrides_path, registry_path)
        else:
            ranked, summary, name_lookup, unused = stored
            dataset = Dataset(ranked, counting, (), summary, name_lookup, unused)
        inputs = _with_formats(_inputs(paths, digests.result()), dataset.summary)
    dataset = replace(dataset, inputs=inputs, origin=origin, key=key)
    if key and stored is None:
        write_entry(key, dataset.ranked, dataset.summary, dataset.name_lookup, dataset.unused_aliases)
    return dataset


def _load(
    files: list[Path],
    source: str | None,
    column_map: ColumnMap | None,
    counting: str,
    aliases_path: StrPath,
    overrides_path: StrPath,
    registry_path: StrPath,
) -> Dataset:
    """Open, validate, harmonise names, count and rank: a Dataset without its inputs and origin."""
    reviewed = read_aliases(aliases_path)
    registry = read_registry(registry_path)
    overrides = registry.sector_overrides() | read_sector_overrides(overrides_path)
    with open_inputs(files, source, column_map) as opened, ThreadPoolExecutor(max_workers=1) as background:
        checked = validate_source(opened)
        reduction = reduce_in_background(checked, counting, background)
        spellings = checked.variants.groupby("applicant_name", as_index=False)["rows"].sum()
        name_map = build_name_map(spellings, reviewed + registry.aliases())
        applicants = applicant_attributes(
            checked.variants, name_map, overrides, registry.countries(), connection=opened.connection
        )
        if reduction is not None:
            reduction.result()
        counts, applications = count_published(checked, name_map, applicants, counting, reduced=reduction is not None)
    summary = replace(checked.summary, applications_by_year=applications)
    # Registry spellings that this data does not use are expected; stale alias rows are not.
    unused = tuple(alias for alias in name_map.unused_aliases if alias in reviewed)
    return Dataset(add_ranks(counts), counting, (), summary, name_map.key_to_applicant(), unused)


def _inputs(paths: list[Path], digests: list[str]) -> tuple[InputFile, ...]:
    return tuple(InputFile(display_path(p), digest) for p, digest in zip(paths, digests, strict=True))


def _with_formats(inputs: tuple[InputFile, ...], summary: Summary) -> tuple[InputFile, ...]:
    """The inputs with each data file's detected format."""
    formats = {display_path(f.path): f.format for f in summary.files}
    return tuple(InputFile(i.path, i.sha256, formats.get(i.path)) for i in inputs)
