"""Generate the demo data: synthetic PCT publications built around the figures WIPO printed.

Every educational-institution and top-applicant row of ``data/published`` is planted exactly
(its count, under its printed name, in its year, as first-named applicant), and synthetic
applicants fill the ranks between the printed ones so that every printed rank holds under
WIPO's first-named rule. Everything else is plainly synthetic ("Demo University CN-0017").
The generator is seeded and writes the same bytes on every run; before the file is put in
place, the project's own loading, counting and ranking must reproduce every printed rank.
"""

import json
import math
import os
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pycountry

from analysis.dataset import load_dataset
from analysis.errors import DemoCalibrationError, UnknownInstitutionError
from analysis.load import file_sha256
from analysis.names import normalise_name, read_aliases
from analysis.paths import APPLICANT_ALIASES, DEMO_DATA, PUBLISHED_FIGURES

GENERATOR_VERSION = "1"
DEMO_SEED = 20190319
"""WIPO published its 2018 PCT figures on 19 March 2019."""

SECTOR_SHARES = {"business": 0.855, "individual": 0.075, "education": 0.05, "government": 0.019, "other": 0.001}
"""Shares of published applications by first-named applicant's sector in 2016, as WIPO gives
them (business 85.5 %, individuals 7.5 %, universities 5 %, government and research 1.9 %)."""

DISTINCT_FIRST_NAMED = (52_500, 54_500)
"""Distinct first-named applicants a year (issue 3 asks for about 52,000-55,000)."""

MEAN_PUBLICATIONS = {"individual": 1.15, "education": 4.0, "government": 4.0, "other": 1.5}
"""Mean publications of a synthetic applicant outside the printed top; business takes the rest."""

CO_APPLICANT_PROBABILITIES = (0.775, 0.16, 0.05, 0.015)
"""Chance of 0, 1, 2 or 3 co-applicants: about 1.3 applicants per publication."""

COUNTRY_RANK_FACTS = (
    (2018, "Dalian University of Technology", 8),
)
"""Ranks among a country's educational institutions that the story cites but the table does
not print: Dalian University of Technology was 8th among Chinese universities in 2018."""

FURTHER_ORIGINS = (
    "IT", "CA", "IL", "AU", "ES", "AT", "DK", "FI", "BE", "SG", "NO", "IE", "TR", "BR", "RU",
    "PL", "NZ", "SA", "ZA", "MX", "PT", "HU", "CZ", "MY", "TH",
)
"""Origins after those the table prints, largest first; every other country follows alphabetically."""

ORIGIN_TAIL_EXPONENT = 1.3
"""Zipf exponent that spreads the applications not given by country rows over the other origins."""

HEAD_RATIO = 3.0
"""Applicants ranked above the first printed rank count at most this many times its count."""

HEAD_ALPHA = 1.0
"""Power-law exponent of rank against count where the table gives no rank above."""

WITH_VARIANTS, WITHOUT_SECTOR = 3, 7
VARIANT_SHARE = 0.3
"""A synthetic applicant whose number ends in 3 also appears under spelling variants in 30 %
of its rows; one whose number ends in 7 never gives its sector, which the rules classify."""

RULE_CLASSIFIED_SECTORS = ("business", "education", "government")
"""Sectors whose synthetic names the rules read right whatever the country code; a
foundation of Antigua ("Demo Foundation AG-0001") would read as a company (AG)."""

ROW_GROUP_SIZE = 1 << 19
"""Fixed, so that the file's layout does not depend on pyarrow's defaults."""

SECTOR_CODES = ("business", "education", "government", "individual", "other")
TABLE_SECTORS = {"edu": "education", "business": "business"}
"""The published tables planted in the data, and the sector of their applicants."""

BUSINESS_WORDS = {
    "Electric": "Elec", "Technology": "Tech", "Manufacturing": "Mfg", "Medical": "Med",
    "International": "Intl", "Laboratories": "Labs", "Electronics": "Electr",
}
"""Words of synthetic company names, with the abbreviation that normalisation expands."""
LEGAL_FORMS = {
    "US": "Inc.", "JP": "Co., Ltd.", "CN": "Co., Ltd.", "KR": "Co., Ltd.", "DE": "GmbH", "FR": "SA",
    "GB": "Ltd", "CH": "AG", "SE": "AB", "NL": "BV", "FI": "Oy", "IT": "SpA",
}
DEFAULT_LEGAL_FORM = "Ltd."
"""Legal forms that close synthetic company names, by country; normalisation drops them."""


@dataclass(frozen=True)
class Anchor:
    """Printed counts sharing one rank: the synthetic fill must put rank - 1 applicants above them."""

    count: int
    rank: int
    label: str


def read_published_figures(path=PUBLISHED_FIGURES):
    """Read WIPO's printed figures, keeping each row's file line for error messages.

    Only empty cells are missing values: "NA" is Namibia.
    """
    figures = pd.read_csv(path, dtype={"rank": "Int64", "rank_all": "Int64", "count": "int64"}, keep_default_na=False, na_values=[""])
    return figures.assign(line=np.arange(len(figures)) + 2, source=str(path))


def row_label(row):
    """Name a published row the way a reader finds it in the file."""
    return f"{Path(row.source).name} line {row.line} ({row.year} {row.table} rank {row.rank}: {row.name}, {row.count})"


def year_volumes(figures):
    """Publications to generate per year: the `total` row of each year."""
    totals = figures[figures["table"] == "total"]
    return dict(zip(totals["year"].astype(int), totals["count"].astype(int)))


def anchors_of(rows, rank_column):
    """Group printed rows by count, highest first, checking that equal counts share a rank."""
    anchors = []
    for count, group in rows.dropna(subset=[rank_column]).groupby("count", sort=True):
        ranks = set(group[rank_column].astype(int))
        label = "; ".join(row_label(row) for row in group.itertuples())
        if len(ranks) > 1:
            raise DemoCalibrationError(f"{label}: equal counts printed with different {rank_column}s {sorted(ranks)}")
        anchors.append(Anchor(int(count), ranks.pop(), label))
    return anchors[::-1]


def power_law_counts(size, low, high, alpha, rng):
    """Draw whole counts in [low, high) whose rank falls with count as a power law."""
    top, bottom = float(low) ** -alpha, float(high) ** -alpha
    drawn = (top - rng.random(size) * (top - bottom)) ** (-1.0 / alpha)
    return np.clip(np.floor(drawn), low, high - 1).astype(np.int64)


def fill_ranks(anchors, known_counts, rng):
    """Draw the synthetic counts that give every anchor its printed rank.

    Rank is 1 + the number of applicants with strictly more, so rank - 1 applicants must
    count more than each anchor; those not already known are drawn strictly between it and
    the anchor above, so that no tie appears that the table does not print. Where no whole
    number lies between (2014: Stanford 113 at 201st, Columbia 112 at 206th), the table
    itself implies that they tie with the anchor above, and so they do.
    """
    known_counts = np.asarray(known_counts)
    fills, placed, above = [], 0, None
    for anchor in anchors:
        needed = anchor.rank - 1 - int((known_counts > anchor.count).sum()) - placed
        if needed < 0:
            raise DemoCalibrationError(f"{anchor.label}: {anchor.rank - 1} applicants should count more, but {anchor.rank - 1 - needed} already do")
        if needed:
            high = above.count if above else math.ceil(anchor.count * HEAD_RATIO)
            if high - anchor.count < 2:
                fills.append(np.full(needed, high, np.int64))
            else:
                alpha = math.log(anchor.rank / above.rank) / math.log(high / anchor.count) if above else HEAD_ALPHA
                fills.append(power_law_counts(needed, anchor.count + 1, high, alpha, rng))
            placed += needed
        above = anchor
    return np.concatenate(fills) if fills else np.zeros(0, np.int64)


def origin_shares(figures, year):
    """Share of each origin in a year: printed country rows (nearest year), the rest Zipf-spread."""
    countries = figures[figures["table"] == "country"]
    totals = year_volumes(figures)
    shares = {}
    for code, rows in countries.groupby("country"):
        nearest = rows.iloc[(rows["year"] - year).abs().argsort(kind="stable").iloc[0]]
        shares[code] = nearest["count"] / totals[int(nearest["year"])]
    others = [c for c in FURTHER_ORIGINS if c not in shares]
    others += sorted(c.alpha_2 for c in pycountry.countries if c.alpha_2 not in shares and c.alpha_2 not in others)
    spread = np.arange(1, len(others) + 1, dtype=float) ** -ORIGIN_TAIL_EXPONENT
    spread *= (1.0 - sum(shares.values())) / spread.sum()
    return pd.Series({**shares, **dict(zip(others, spread))})


def synthetic_origin_weights(shares, planted, volume):
    """Origin probabilities for synthetic applicants, leaving room for the planted counts."""
    planted_by_country = planted.groupby("country")["published"].sum()
    room = (shares * volume).sub(planted_by_country, fill_value=0).clip(lower=0)
    return room / room.sum()


def assign_origins(published, weights, rng):
    """Give applicants origins so that each origin gets its weight's share of publications.

    The applicants, in random order, are laid end to end by their publications, and each
    takes the origin under its midpoint on the weights' cumulative scale: the shares come
    out right within one applicant's count, however heavy the tail.
    """
    order = rng.permutation(len(published))
    ends = np.cumsum(published[order])
    middles = (ends - published[order] / 2) / ends[-1]
    slots = np.minimum(np.searchsorted(np.cumsum(weights.to_numpy()), middles), len(weights) - 1)
    origins = np.empty(len(published), dtype=object)
    origins[order] = weights.index.to_numpy()[slots]
    return origins


def place_story_ranks(applicants, year, weights, rng):
    """Move synthetic universities in or out of a country so that the story's country ranks
    hold too (Dalian University of Technology 8th in China in 2018); returns the origins."""
    countries = applicants["country"].to_numpy().copy()
    for fact_year, name, rank in COUNTRY_RANK_FACTS:
        if fact_year != year:
            continue
        anchor = applicants[(applicants["provenance"] == "published") & (applicants["name"] == name)]
        if anchor.empty:
            raise DemoCalibrationError(f"{year}: {name} has no printed educational figure to rank within its country")
        count, country = int(anchor["published"].iloc[0]), anchor["country"].iloc[0]
        above = (applicants["sector"] == "education") & (applicants["published"] > count)
        rivals = int((above & (applicants["provenance"] == "published") & (applicants["country"] == country)).sum())
        candidates = np.flatnonzero(above & (applicants["provenance"] == "synthetic"))
        wanted = rank - 1 - rivals
        if not 0 <= wanted <= len(candidates):
            raise DemoCalibrationError(f"{year}: {name} cannot be {rank} in {country}: {rivals} printed and {len(candidates)} synthetic universities count more")
        inside = candidates[countries[candidates] == country]
        outside = candidates[countries[candidates] != country]
        if len(inside) > wanted:
            leaving = rng.choice(inside, size=len(inside) - wanted, replace=False)
            elsewhere = weights.drop(country)
            countries[leaving] = rng.choice(elsewhere.index.to_numpy(), size=len(leaving), p=(elsewhere / elsewhere.sum()).to_numpy())
        else:
            countries[rng.choice(outside, size=wanted - len(inside), replace=False)] = country
    return countries


def printed_top(figures, year, rng):
    """Plant the year's printed rows and draw the synthetic applicants ranked between them:
    universities among the printed universities, companies among all applicants (nearly
    all of WIPO's top applicants are companies, and the small sectors' budgets stay safe).

    Returns a DataFrame with columns name and country (both None for synthetic applicants,
    whose origins are given later), sector, provenance, published.
    """
    rows = figures[(figures["year"] == year) & figures["table"].isin(list(TABLE_SECTORS))]
    planted = pd.DataFrame({
        "name": rows["name"].to_numpy(),
        "country": rows["country"].to_numpy(),
        "sector": rows["table"].map(TABLE_SECTORS).to_numpy(),
        "provenance": "published",
        "published": rows["count"].to_numpy(),
    })
    education = planted["sector"] == "education"
    university_counts = fill_ranks(anchors_of(rows[rows["table"] == "edu"], "rank"), planted.loc[education, "published"], rng)
    known = np.concatenate([planted["published"].to_numpy(), university_counts])
    company_counts = fill_ranks(anchors_of(rows, "rank_all"), known, rng)
    synthetic = pd.DataFrame({
        "name": None,
        "country": None,
        "sector": ["education"] * len(university_counts) + ["business"] * len(company_counts),
        "provenance": "synthetic",
        "published": np.concatenate([university_counts, company_counts]),
    })
    return pd.concat([planted, synthetic], ignore_index=True)


def tail_caps(figures, year):
    """Highest count outside the printed top: below every printed count that carries a rank,
    and, for universities, below the most WIPO printed for any university in any year (so
    that a year without an educational table, 2017, gets no implausible synthetic leader)."""
    rows = figures[(figures["year"] == year) & figures["table"].isin(list(TABLE_SECTORS))]
    ranked_overall = rows.dropna(subset=["rank_all"])
    if ranked_overall.empty:
        raise DemoCalibrationError(f"{year}: no printed rank among all applicants bounds the applicants below the table")
    overall = int(ranked_overall["count"].min()) - 1
    largest_university = int(figures.loc[figures["table"] == "edu", "count"].max())
    return {"education": min(int(rows["count"].min()), largest_university) - 1, "other": overall}


def truncated_mean(alpha, cap):
    """Mean of floor(Y), Y Pareto(alpha) on [1, cap + 1): the tail's mean publications."""
    floor_tail = (cap + 1.0) ** -alpha
    return float(((np.arange(1, cap + 1, dtype=float) ** -alpha - floor_tail) / (1.0 - floor_tail)).sum())


def tail_alpha(mean, cap, label):
    """Find the Pareto exponent whose capped tail has the wanted mean."""
    low, high = 0.05, 30.0
    if not truncated_mean(high, cap) < mean < truncated_mean(low, cap):
        raise DemoCalibrationError(f"{label}: a mean of {mean:.2f} publications is impossible below {cap + 1}")
    for _ in range(60):
        middle = (low + high) / 2
        low, high = (middle, high) if truncated_mean(middle, cap) > mean else (low, middle)
    return (low + high) / 2


def tail_counts(size, cap, alpha, rng):
    """Draw heavy-tailed whole counts from 1 to cap."""
    floor_tail = (cap + 1.0) ** -alpha
    drawn = (1.0 - rng.random(size) * (1.0 - floor_tail)) ** (-1.0 / alpha)
    return np.clip(np.floor(drawn), 1, cap).astype(np.int64)


def match_total(counts, cap, total, label, rng):
    """Move single publications among applicants until their counts sum to total."""
    while (gap := total - int(counts.sum())) != 0:
        eligible = np.flatnonzero((counts < cap) if gap > 0 else (counts > 1))
        if eligible.size == 0:
            raise DemoCalibrationError(f"{label}: cannot reach {total} publications, no applicant can take {gap:+d}")
        chosen = rng.choice(eligible, size=min(abs(gap), eligible.size), replace=False)
        counts[chosen] += int(np.sign(gap))
    return counts


def tail_applicants(top, year, volume, caps, rng):
    """Draw every applicant below the printed top; each sector's publications add up to its
    share of the year's volume, business taking what the others leave."""
    applicants = int(rng.integers(DISTINCT_FIRST_NAMED[0], DISTINCT_FIRST_NAMED[1], endpoint=True)) - len(top)
    in_top = top.groupby("sector")["published"].sum()
    budgets = {s: round(SECTOR_SHARES[s] * volume) - int(in_top.get(s, 0)) for s in MEAN_PUBLICATIONS}
    budgets["business"] = volume - int(in_top.sum()) - sum(budgets.values())
    sizes = {s: round(budgets[s] / MEAN_PUBLICATIONS[s]) for s in MEAN_PUBLICATIONS}
    sizes["business"] = applicants - sum(sizes.values())
    parts = []
    for sector in SECTOR_CODES:
        cap = caps["education" if sector == "education" else "other"]
        label = f"{year} {sector}"
        if budgets[sector] <= 0 or sizes[sector] <= 0:
            raise DemoCalibrationError(f"{label}: the printed top leaves no room ({budgets[sector]} publications, {sizes[sector]} applicants)")
        alpha = tail_alpha(budgets[sector] / sizes[sector], cap, label)
        parts.append(pd.DataFrame({
            "name": None,
            "country": None,
            "sector": sector,
            "provenance": "synthetic",
            "published": match_total(tail_counts(sizes[sector], cap, alpha, rng), cap, budgets[sector], label, rng),
        }))
    return pd.concat(parts, ignore_index=True)


def number_synthetic(applicants):
    """Number synthetic applicants 1, 2, … by count within sector and country, so that the
    largest synthetic university of China is Demo University CN-0001 in every year."""
    order = applicants.assign(_draw=np.arange(len(applicants))).sort_values(
        ["sector", "country", "published", "_draw"], ascending=[True, True, False, True], kind="stable"
    )
    number = order.groupby(["sector", "country"], sort=False).cumcount() + 1
    return number.reindex(applicants.index).to_numpy()


def synthetic_spellings(sector, country, number):
    """Main spelling and spelling variants of a synthetic applicant; the variants differ only
    in case, abbreviations, punctuation and corporate suffixes, so they normalise alike."""
    if sector == "business":
        word, short = list(BUSINESS_WORDS.items())[number % len(BUSINESS_WORDS)]
        form = LEGAL_FORMS.get(country, DEFAULT_LEGAL_FORM)
        reordered = " ".join(reversed(form.replace(",", "").split()))
        return (f"Demo {word} {country}-{number:04d} {form}",
                [f"DEMO {word.upper()} {country} {number:04d} {form.upper().replace('.', '').replace(',', '')}",
                 f"Demo {short} {country}-{number:04d}",
                 f"Demo {word} {country}-{number:04d}, {reordered}"])
    if sector == "education":
        return (f"Demo University {country}-{number:04d}",
                [f"DEMO UNIV {country}-{number:04d}", f"Demo Univ. {country} {number:04d}", f"The Demo University {country}-{number:04d}"])
    if sector == "government":
        return (f"Demo Research Institute {country}-{number:04d}",
                [f"DEMO RES INST {country}-{number:04d}", f"Demo Research Inst. {country}-{number:04d}", f"The Demo Research Institute {country} {number:04d}"])
    if sector == "individual":
        return (f"DEMO, Person {country}-{number:05d}",
                [f"Demo, Person {country}-{number:05d}", f"DEMO Person {country} {number:05d}", f"DEMO, PERSON {country}-{number:05d}"])
    return (f"Demo Foundation {country}-{number:04d}",
            [f"DEMO FOUNDATION {country}-{number:04d}", f"The Demo Foundation {country}-{number:04d}", f"Demo Foundation {country} {number:04d}"])


NAME_IDS = ["name_id", "variant_1", "variant_2", "variant_3"]
COUNTRY_CODES = tuple(sorted(country.alpha_2 for country in pycountry.countries))
IDENTITY_SPAN = 1_000_000
"""Synthetic identities are packed into one integer: (sector × 1000 + country) × span + number."""


def identity_keys(sectors, countries, numbers):
    """Pack synthetic identities (sector, country, number) into sortable integers."""
    sector_codes = pd.Categorical(sectors, categories=SECTOR_CODES).codes.astype(np.int64)
    country_codes = pd.Categorical(countries, categories=COUNTRY_CODES).codes.astype(np.int64)
    return (sector_codes * 1000 + country_codes) * IDENTITY_SPAN + np.asarray(numbers, np.int64)


def unpack_identity(key):
    """The (sector, country, number) packed into an identity key."""
    head, number = divmod(int(key), IDENTITY_SPAN)
    return SECTOR_CODES[head // 1000], COUNTRY_CODES[head % 1000], number


class NameBook:
    """Every distinct applicant name, numbered once, and the name ids of each synthetic
    identity: its main spelling and variants (-1 where it has none)."""

    def __init__(self):
        self.names = []
        self._ids = {}
        self._keys = np.zeros(0, np.int64)
        self._spellings = np.zeros((0, len(NAME_IDS)), np.int64)

    def name_id(self, name):
        """Number a name the first time it is seen."""
        if name not in self._ids:
            self._ids[name] = len(self.names)
            self.names.append(name)
        return self._ids[name]

    def _spell(self, key):
        sector, country, number = unpack_identity(key)
        main, variants = synthetic_spellings(sector, country, number)
        with_variants = number % 10 == WITH_VARIANTS
        return [self.name_id(main), *[self.name_id(v) if with_variants else -1 for v in variants]]

    def synthetic_ids(self, sectors, countries, numbers):
        """Name ids of synthetic identities, one row each; an identity is spelled once, the
        first year it appears, and keeps its names in every later year."""
        keys = identity_keys(sectors, countries, numbers)
        new = np.setdiff1d(keys, self._keys)
        spelled = np.array([self._spell(key) for key in new], np.int64).reshape(len(new), len(NAME_IDS))
        self._keys = np.concatenate([self._keys, new])
        self._spellings = np.concatenate([self._spellings, spelled])
        order = np.argsort(self._keys, kind="stable")
        self._keys, self._spellings = self._keys[order], self._spellings[order]
        return self._spellings[np.searchsorted(self._keys, keys)]

    def variant_groups(self):
        """Yield (main, variants) of every identity that has variants."""
        for main, *variants in self._spellings[self._spellings[:, 1] >= 0]:
            yield self.names[main], [self.names[v] for v in variants]


def check_names(book, figures):
    """Fail unless variants normalise to their main spelling and no synthetic name can merge
    with a published one (every synthetic key starts with DEMO, no published key does)."""
    for main, variants in book.variant_groups():
        wrong = [v for v in variants if normalise_name(v) != normalise_name(main)]
        if wrong:
            raise DemoCalibrationError(f"spelling variants {wrong} do not normalise like {main!r}")
    real = list(figures.loc[figures["table"].isin(list(TABLE_SECTORS)), "name"])
    real += [name for alias in read_aliases(APPLICANT_ALIASES) for name in (alias.raw_name, alias.canonical_name)]
    clashing = [name for name in real if normalise_name(name).split()[0] == "DEMO"]
    if clashing:
        raise DemoCalibrationError(f"published names {clashing} normalise like synthetic demo names")


def year_applicants(figures, year, volume, shares, book, rng):
    """Every first-named applicant of one year with its publications, names resolved to ids.

    Returns a DataFrame with columns published, country, sector, provenance, name_id,
    variant_1..3 (ids, -1 for none) and unclassified (sector left empty in the data).
    """
    top = printed_top(figures, year, rng)
    applicants = pd.concat([top, tail_applicants(top, year, volume, tail_caps(figures, year), rng)], ignore_index=True)
    synthetic = (applicants["provenance"] == "synthetic").to_numpy()
    weights = synthetic_origin_weights(shares, applicants[~synthetic], volume)
    applicants.loc[synthetic, "country"] = assign_origins(applicants.loc[synthetic, "published"].to_numpy(), weights, rng)
    applicants["country"] = place_story_ranks(applicants, year, weights, rng)
    numbers = np.zeros(len(applicants), np.int64)
    numbers[synthetic] = number_synthetic(applicants[synthetic])
    ids = np.full((len(applicants), len(NAME_IDS)), -1, np.int64)
    made_up = applicants[synthetic]
    ids[synthetic] = book.synthetic_ids(made_up["sector"], made_up["country"], numbers[synthetic])
    ids[~synthetic, 0] = [book.name_id(name) for name in applicants.loc[~synthetic, "name"]]
    applicants[NAME_IDS] = ids
    classifiable = synthetic & applicants["sector"].isin(RULE_CLASSIFIED_SECTORS).to_numpy()
    applicants["unclassified"] = classifiable & (numbers % 10 == WITHOUT_SECTOR)
    return applicants


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


def year_publications(applicants, year, volume, offset, rng):
    """Shuffle a year's publications among its applicants (positions shifted by offset)."""
    first_named = rng.permutation(np.repeat(np.arange(len(applicants)), applicants["published"].to_numpy()))
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


def build_records(figures, seed, progress):
    """Generate the whole table in memory: one row per publication and applicant.

    Columns: publication_number, publication_date, applicant_name, applicant_country,
    applicant_sequence, applicant_sector, provenance; sorted by publication, then sequence.
    """
    rng = np.random.default_rng(seed)
    book = NameBook()
    years, batches, offset = [], [], 0
    for year, volume in sorted(year_volumes(figures).items()):
        applicants = year_applicants(figures, year, volume, origin_shares(figures, year), book, rng)
        batches.append(year_publications(applicants, year, volume, offset, rng))
        years.append(applicants)
        offset += len(applicants)
        progress(f"{year}: {volume:,} publications, {len(applicants):,} first-named applicants")
    check_names(book, figures)
    return assemble(pd.concat(years, ignore_index=True), book, Publications.concatenate(batches), rng)


def assemble(applicants, book, publications, rng):
    """Lay out the rows (first-named, then co-applicants) and pick each row's spelling."""
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
    name_ids = np.where(use_variant, variants[np.arange(len(applicant)), pick], applicants["name_id"].to_numpy()[applicant])
    sector_codes = applicants["sector"].map(SECTOR_CODES.index).to_numpy()[applicant]
    unclassified = applicants["unclassified"].to_numpy()[applicant]
    numbers_text = pc.binary_join_element_wise("WO", pa.array(publications.numbers).cast(pa.string()), "")
    return pa.table({
        "publication_number": pc.take(numbers_text, pa.array(publication)),
        "publication_date": pa.array(publications.dates[publication], pa.date32()),
        "applicant_name": pc.take(pa.array(book.names, pa.string()), pa.array(name_ids)),
        "applicant_country": pc.take(pa.array(applicants["country"].to_numpy(), pa.string()), pa.array(applicant)),
        "applicant_sequence": pa.array(sequence.astype(np.int32)),
        "applicant_sector": pc.take(pa.array(SECTOR_CODES), pa.array(sector_codes, mask=unclassified)),
        "provenance": pc.take(pa.array(applicants["provenance"].to_numpy(), pa.string()), pa.array(applicant)),
    })


def check_published_ranks(dataset, figures):
    """Fail, naming the row, unless the dataset reproduces every printed count and rank."""
    ranked = dataset.ranked.set_index(["year", "applicant"])
    story = {(year, name): rank for year, name, rank in COUNTRY_RANK_FACTS}
    for row in figures[figures["table"].isin(list(TABLE_SECTORS))].itertuples():
        try:
            applicant = dataset.resolve(row.name)
        except UnknownInstitutionError:
            applicant = None
        if (row.year, applicant) not in ranked.index:
            raise DemoCalibrationError(f"{row_label(row)}: not among the demo data's first-named applicants of {row.year}")
        found = ranked.loc[(row.year, applicant)]
        expected = {"published": row.count, "sector": TABLE_SECTORS[row.table], "provenance": "published"}
        expected["rank_sector" if row.table == "edu" else "rank_overall"] = row.rank
        if pd.notna(row.rank_all):
            expected["rank_overall"] = row.rank_all
        if (row.year, row.name) in story:
            expected["rank_sector_country"] = story[(row.year, row.name)]
        wrong = {column: found[column] for column, value in expected.items() if found[column] != value}
        if wrong:
            raise DemoCalibrationError(f"{row_label(row)}: the demo data gives {wrong}, the table prints {expected}")


def sidecar_path(output_path):
    """Where the checksum sidecar of a demo file lives."""
    output_path = Path(output_path)
    return output_path.with_name(output_path.name + ".sha256.json")


def generate_demo(output_path=DEMO_DATA, seed=DEMO_SEED, progress=None):
    """Write the demo Parquet and its checksum sidecar; return the Parquet's path.

    The file is written beside the target, checked with the project's own load, count and
    rank against every printed figure, and only then moved into place. ``progress``, if
    given, receives one line of text per step.
    """
    progress = progress or (lambda message: None)
    output_path = Path(output_path)
    output_path.parent.mkdir(parents=True, exist_ok=True)
    figures = read_published_figures()
    table = build_records(figures, seed, progress)
    partial = output_path.with_name(f".{output_path.stem}.partial.parquet")
    try:
        pq.write_table(table, partial, row_group_size=ROW_GROUP_SIZE, compression="zstd")
        progress(f"checking {table.num_rows:,} rows against the published table")
        check_published_ranks(load_dataset(partial), figures)
        os.replace(partial, output_path)
    finally:
        partial.unlink(missing_ok=True)
    sidecar = {"file": output_path.name, "sha256": file_sha256(output_path), "rows": table.num_rows,
               "seed": seed, "generator_version": GENERATOR_VERSION}
    sidecar_path(output_path).write_text(json.dumps(sidecar, indent=2) + "\n", encoding="utf-8")
    return output_path


def write_demo_data(output_path=DEMO_DATA, progress=None):
    """Generate the demo data with the project's seed (what ``pct-report demo`` runs)."""
    return generate_demo(output_path, DEMO_SEED, progress)
