"""The reviewed applicant registry: one row per applicant that real exports spell in several
ways (other scripts, EPO-standardised forms, legal names), with its country, sector and
Chinese name.

The registry feeds the name map (its spellings become aliases), the sector and country of
applicants whose data lacks them, the Chinese headline, and splitters that must never cut a
known name at a comma. Every row is reviewed and carries a note saying where it comes from.
"""

from dataclasses import dataclass

from analysis.errors import MappingError
from analysis.mappings import read_mapping
from analysis.names import Alias, normalise_name
from analysis.paths import MAPPINGS_DIR, StrPath
from analysis.schema import SECTORS

APPLICANT_REGISTRY = MAPPINGS_DIR / "applicant_registry.csv"

SPELLING_SEPARATOR = "|"
"""Spellings in one cell are separated by " | " (no applicant name contains a bar)."""


@dataclass(frozen=True)
class RegistryEntry:
    canonical_name: str
    country: str
    sector: str
    name_zh: str
    spellings: tuple[str, ...]
    note: str


def _country_codes() -> frozenset[str]:
    import pycountry

    return frozenset(country.alpha_2 for country in pycountry.countries)


def _entry(path: StrPath, line: int, row: dict[str, str], countries: frozenset[str]) -> RegistryEntry:
    """Build one entry from a registry row, refusing values the rest of the code cannot use."""
    canonical = row.get("canonical_name", "")
    if not canonical:
        raise MappingError(f"{path} line {line}: canonical_name is empty")
    country, sector = row.get("country", ""), row.get("sector", "")
    if country not in countries:
        raise MappingError(
            f"{path} line {line}: country {country!r} of {canonical!r} is not an ISO 3166-1 alpha-2 code"
        )
    if sector not in SECTORS:
        raise MappingError(f"{path} line {line}: sector {sector!r} of {canonical!r} is not one of {', '.join(SECTORS)}")
    cell = row.get("spellings", "")
    spellings = tuple(s.strip() for s in cell.split(SPELLING_SEPARATOR)) if cell else ()
    if "" in spellings:
        raise MappingError(f"{path} line {line}: empty spelling in {cell!r} of {canonical!r}")
    return RegistryEntry(canonical, country, sector, row.get("name_zh", ""), spellings, row.get("note", ""))


@dataclass(frozen=True)
class Registry:
    """Reviewed applicants, looked up by the normalised key of any of their names.

    ``index`` maps the normalised key of every canonical name and spelling to its entry.
    """

    entries: tuple[RegistryEntry, ...]
    index: dict[str, RegistryEntry]

    def entry(self, name: str) -> RegistryEntry | None:
        """Return the entry whose canonical name or a spelling has the key of ``name``, or None."""
        return self.index.get(normalise_name(name))

    def aliases(self) -> list[Alias]:
        """Return one Alias per spelling, to the canonical name, for build_name_map."""
        return [Alias(spelling, e.canonical_name, e.note) for e in self.entries for spelling in e.spellings]

    def sector_overrides(self) -> dict[str, str]:
        """Return a dict from the normalised key of every known name to the applicant's sector."""
        return {key: entry.sector for key, entry in self.index.items()}

    def countries(self) -> dict[str, str]:
        """Return a dict from the normalised key of every known name to the applicant's country,
        for applicants whose data gives none."""
        return {key: entry.country for key, entry in self.index.items()}

    def name_zh(self, canonical: str) -> str | None:
        """Return the Chinese name of an applicant (any of its names will do), or None."""
        found = self.entry(canonical)
        return (found.name_zh or None) if found else None

    def known_names(self) -> tuple[str, ...]:
        """Return every canonical name and spelling, for splitters that must not cut a known
        name at a comma ("Agency For Science, Technology And Research")."""
        return tuple(name for e in self.entries for name in (e.canonical_name, *e.spellings))


def read_registry(path: StrPath = APPLICANT_REGISTRY) -> Registry:
    """Read and validate the applicant registry.

    Columns canonical_name, country (ISO 3166-1 alpha-2), sector (one of schema.SECTORS),
    name_zh, spellings (separated by " | ") and note. A name whose normalised key already
    belongs to another applicant raises MappingError naming both lines, since the registry
    would otherwise merge two applicants.
    """
    countries = _country_codes()
    entries, index, lines = [], {}, {}
    for line, row in read_mapping(path, "applicant registry"):
        entry = _entry(path, line, row, countries)
        for name in (entry.canonical_name, *entry.spellings):
            key = normalise_name(name)
            other = index.get(key)
            if other is not None and other is not entry:
                raise MappingError(
                    f"{path} line {line}: {name!r} of {entry.canonical_name!r} is already a name of "
                    f"{other.canonical_name!r} (line {lines[key]})"
                )
            index[key], lines[key] = entry, line
        entries.append(entry)
    return Registry(tuple(entries), index)
