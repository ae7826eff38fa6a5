"""Lay the applicants' counts out as publications: numbers, Thursday dates, co-applicants,
spellings, IPC symbols, one row per (publication, applicant) in the canonical schema."""

from dataclasses import dataclass, fields

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from analysis.schema import SECTORS
from scripts.demo.ipc import draw_ipc
from scripts.demo.names import NAME_IDS, VARIANT_SHARE

CO_APPLICANT_PROBABILITIES = (0.775, 0.16, 0.05, 0.015)
"""Chance of 0, 1, 2 or 3 co-applicants: about 1.3 applicants per publication."""


def publication_dates(year, size, rng):
    """Draw Thursday publication dates in a year, sorted, so numbers follow dates.

    PCT applications are published on Thursdays; day 0 of numpy's calendar, 1 January
    1970, was a Thursday.
    """
    days = np.arange(np.datetime64(f"{year}-01-01"), np.datetime64(f"{year + 1}-01-01"))
    thursdays = days[days.view("int64") % 7 == 0]
    return np.sort(thursdays[rng.integers(0, len(thursdays), size)])


@dataclass(frozen=True)
class Publications:
    """Publications in number order: the position of each one's first-named applicant, how
    many co-applicants it has and who they may be (up to three distinct synthetic
    applicants of its year, never the first-named one), its date and its number."""

    first_named: np.ndarray
    co_counts: np.ndarray
    co_applicants: np.ndarray
    dates: np.ndarray
    numbers: np.ndarray

    @classmethod
    def concatenate(cls, batches):
        """Join the years' publications into one batch."""
        return cls(*(np.concatenate([getattr(b, f.name) for b in batches]) for f in fields(cls)))


def year_publications(applicants, year, offset, rng):
    """Shuffle a year's publications among its applicants (positions shifted by offset)."""
    first_named = rng.permutation(np.repeat(np.arange(len(applicants)), applicants["published"].to_numpy()))
    volume = len(first_named)
    pool = np.flatnonzero((applicants["provenance"] == "synthetic").to_numpy())
    position = np.zeros(len(applicants), np.int64)
    position[pool] = np.arange(len(pool))
    most = len(CO_APPLICANT_PROBABILITIES) - 1
    steps = rng.integers(1, len(pool) - most, size=volume)
    co_applicants = pool[((position[first_named] + steps)[:, None] + np.arange(most)) % len(pool)]
    return Publications(
        first_named + offset,
        rng.choice(most + 1, size=volume, p=CO_APPLICANT_PROBABILITIES),
        co_applicants + offset,
        publication_dates(year, volume, rng),
        year * 1_000_000 + np.arange(1, volume + 1),
    )


def assemble(applicants, names, publications, rng):
    """Lay out the rows (first-named, then co-applicants), pick each row's spelling and draw
    each publication's IPC symbols from its first-named applicant's kind.

    ``applicants`` has one row per (year, applicant) with columns country, sector,
    provenance, kind (index into ipc.KINDS), unclassified and NAME_IDS.
    """
    per_publication = 1 + publications.co_counts
    starts = np.cumsum(per_publication) - per_publication
    publication = np.repeat(np.arange(len(per_publication)), per_publication)
    sequence = np.arange(len(publication)) - starts[publication] + 1
    applicant = publications.first_named[publication]
    co_rows = sequence > 1
    applicant[co_rows] = publications.co_applicants[publication[co_rows], sequence[co_rows] - 2]
    variants = applicants[NAME_IDS[1:]].to_numpy()[applicant]
    pick = rng.integers(0, variants.shape[1], len(applicant))
    use_variant = (variants[:, 0] >= 0) & (rng.random(len(applicant)) < VARIANT_SHARE)
    main_ids = applicants["name_id"].to_numpy()[applicant]
    name_ids = np.where(use_variant, variants[np.arange(len(applicant)), pick], main_ids)
    sector_codes = applicants["sector"].map(SECTORS.index).to_numpy()[applicant]
    unclassified = applicants["unclassified"].to_numpy()[applicant]
    numbers_text = pc.binary_join_element_wise("WO", pa.array(publications.numbers).cast(pa.string()), "")
    ipc = draw_ipc(applicants["kind"].to_numpy()[publications.first_named], rng)
    rows = pa.array(publication)
    return pa.table(
        {
            "publication_number": pc.take(numbers_text, rows),
            "publication_date": pa.array(publications.dates[publication], pa.date32()),
            "applicant_name": pc.take(pa.array(names, pa.string()), pa.array(name_ids)),
            "applicant_country": pc.take(pa.array(applicants["country"].to_numpy(), pa.string()), pa.array(applicant)),
            "applicant_sequence": pa.array(sequence.astype(np.int32)),
            "applicant_sector": pc.take(pa.array(SECTORS), pa.array(sector_codes, mask=unclassified)),
            "provenance": pc.take(pa.array(applicants["provenance"].to_numpy(), pa.string()), pa.array(applicant)),
            "ipc": pc.take(ipc, rows),
        }
    )
