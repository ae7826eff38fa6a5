"""Plant WIPO's printed figures and fit the synthetic counts around them, so that every
printed rank holds under WIPO's first-named rule and competition ranking ("1224").

A printed rank r at count c means exactly r - 1 applicants count more than c. The synthetic
applicants that must count more are taken in the order of their proposed counts and moved,
where they stand outside, just inside the gap between c and the printed count above; every
other synthetic applicant is kept below the smallest printed count.
"""

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import DemoCalibrationError, UnknownInstitutionError

TABLE_SECTORS = {"edu": "education", "business": "business"}
"""The published tables planted in the data, and the sector of their applicants."""

COUNTRY_RANK_FACTS = ((2018, "Dalian University of Technology", 8),)
"""Ranks among a country's educational institutions that the story cites but the table does
not print: Dalian University of Technology was 8th among Chinese universities in 2018."""

HEAD_RATIO = 3.0
"""Applicants ranked above the first printed rank count at most this many times its count."""

FILL_ALPHA = 1.0
"""Power-law exponent of rank against count for counts drawn inside a gap."""

NEAR_EDGE = 1.1
"""Counts moved into an empty gap land within 10 % of the edge they crossed."""


@dataclass(frozen=True)
class Anchor:
    """Printed counts sharing one rank: rank - 1 applicants must count more."""

    count: int
    rank: int
    label: str


def row_label(row):
    """Name a published row the way a reader finds it in the file."""
    return f"{Path(row.source).name} line {row.line} ({row.year} {row.table} rank {row.rank}: {row.name}, {row.count})"


def year_volumes(figures):
    """Publications to generate per year: the `total` row of each year."""
    totals = figures[figures["table"] == "total"]
    return dict(zip(totals["year"].astype(int), totals["count"].astype(int), strict=True))


def printed_rows(figures, year):
    """The year's rows of the tables that name applicants."""
    return figures[(figures["year"] == year) & figures["table"].isin(list(TABLE_SECTORS))]


def planted_applicants(figures, year):
    """The year's printed applicants as first-named applicants: name, country, sector,
    provenance ("published") and published (the printed count)."""
    rows = printed_rows(figures, year)
    return pd.DataFrame(
        {
            "name": rows["name"].to_numpy(),
            "country": rows["country"].to_numpy(),
            "sector": rows["table"].map(TABLE_SECTORS).to_numpy(),
            "provenance": "published",
            "published": rows["count"].to_numpy(),
        }
    )


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


def shape_anchors(figures, year, anchors):
    """Ranks among all applicants printed for other years below this year's lowest printed
    one, scaled to this year's volume: they give the first year's tail the depth the later
    years print (2018: 836th with 53), so that no applicant must jump to reach it."""
    volumes = year_volumes(figures)
    deepest = anchors[-1] if anchors else Anchor(math.inf, 0, "")
    others = figures[(figures["year"] != year) & figures["table"].isin(list(TABLE_SECTORS))]
    deeper = others.dropna(subset=["rank_all"])
    deeper = deeper[deeper["rank_all"] > deepest.rank].sort_values("rank_all")
    shaped = []
    for row in deeper.itertuples():
        count = round(row.count * volumes[year] / volumes[row.year])
        if count < min([deepest.count, *(a.count for a in shaped)]):
            shaped.append(Anchor(count, int(row.rank_all), f"{row_label(row)} scaled to {year}"))
    return shaped


def power_law_counts(size, low, high, alpha, rng):
    """Draw whole counts in [low, high) whose rank falls with count as a power law."""
    top, bottom = float(low) ** -alpha, float(high) ** -alpha
    drawn = (top - rng.random(size) * (top - bottom)) ** (-1.0 / alpha)
    return np.clip(np.floor(drawn), low, high - 1).astype(np.int64)


def slots(anchors, known_counts):
    """Synthetic applicants needed in each gap: above the first anchor, then between each
    anchor and the next, given the counts already known (printed and fixed synthetic)."""
    known_counts = np.asarray(known_counts)
    needed, placed = [], 0
    for anchor in anchors:
        missing = anchor.rank - 1 - int((known_counts > anchor.count).sum()) - placed
        if missing < 0:
            counting = anchor.rank - 1 - missing
            raise DemoCalibrationError(
                f"{anchor.label}: {anchor.rank - 1} applicants should count more, but {counting} already do"
            )
        needed.append(missing)
        placed += missing
    return needed


def fit_between(values, low, high, rng):
    """Move counts (sorted, highest first) into the open gap (low, high), keeping their order:
    those inside stay; those outside get counts drawn between the gap's edge they crossed and
    the nearest count inside (or, with none inside, within NEAR_EDGE of that edge). Where
    no whole number lies between (2014: Stanford 113 at 201st, Columbia 112 at 206th), the
    table itself implies a tie with the count above, and so it is."""
    values = np.asarray(values, np.int64).copy()
    if high - low < 2:
        values[:] = high
        return values
    inside = values[(values > low) & (values < high)]
    above, below = values >= high, values <= low
    if inside.size:
        top, bottom = int(inside.max()), int(inside.min())
    else:
        top = max(low + 1, math.floor((high - 1) / NEAR_EDGE))
        bottom = min(high - 1, math.ceil((low + 1) * NEAR_EDGE))
    values[above] = np.sort(power_law_counts(int(above.sum()), top, high, FILL_ALPHA, rng))[::-1]
    values[below] = np.sort(power_law_counts(int(below.sum()), low + 1, bottom + 1, FILL_ALPHA, rng))[::-1]
    return values


def first_counts(size, anchors, needed, total, cap, rng):
    """Counts of a sector's synthetic applicants in the first year, highest first: power-law
    draws in each gap between printed counts, then a power-law tail that continues from the
    lowest printed rank and adds up to ``total`` (so that later years, which only carry
    counts forward, find the depth the table prints without a jump)."""
    fill, above = [], None
    for anchor, number in zip(anchors, needed, strict=True):
        high = above.count if above else math.ceil(anchor.count * HEAD_RATIO)
        low = min(anchor.count + 1, high)
        alpha = FILL_ALPHA
        if above and high > low:
            alpha = math.log(anchor.rank / above.rank) / math.log(high / anchor.count)
        fill.append(np.sort(power_law_counts(number, low, max(high, low + 1), alpha, rng))[::-1])
        above = anchor
    fill = np.concatenate([np.zeros(0, np.int64), *fill])
    steps = 1.0 + np.arange(1, size - len(fill) + 1) / anchors[-1].rank
    left = total - int(fill.sum())

    def tail(exponent):
        return np.clip(np.floor(anchors[-1].count * steps**-exponent + 0.5), 1, cap).astype(np.int64)

    low, high = 0.05, 10.0
    for _ in range(50):
        middle = (low + high) / 2
        low, high = (middle, high) if tail(middle).sum() > left else (low, middle)
    return np.concatenate([fill, tail(high)])


def fit_ranks(proposed, order, anchors, needed, cap, rng):
    """Give synthetic applicants, taken in ``order``, the counts that put every anchor at its
    rank: the first needed[0] go above the first anchor, the next needed[1] between it and
    the second, and so on; the rest stay at ``cap`` or below. Returns (counts, ranked), the
    latter marking those placed between anchors."""
    counts, ranked = np.asarray(proposed, np.int64).copy(), np.zeros(len(proposed), bool)
    start, above = 0, None
    for anchor, size in zip(anchors, needed, strict=True):
        chosen = order[start : start + size]
        high = above.count if above else math.ceil(anchor.count * HEAD_RATIO)
        counts[chosen] = fit_between(counts[chosen], anchor.count, high, rng)
        ranked[chosen] = True
        start, above = start + size, anchor
    rest = order[start:]
    counts[rest] = fit_between(counts[rest], 0, cap + 1, rng)
    return counts, ranked


def tail_caps(figures, year, anchors_all):
    """Highest count outside the printed ranks: below every printed count of the year, and,
    for universities, below the most WIPO printed for any university in any year (so that a
    year without an educational table, 2017, gets no implausible synthetic leader)."""
    if not anchors_all:
        raise DemoCalibrationError(f"{year}: no printed rank among all applicants bounds those below the table")
    overall = anchors_all[-1].count - 1
    largest_university = int(figures.loc[figures["table"] == "edu", "count"].max())
    return {"education": min(int(printed_rows(figures, year)["count"].min()), largest_university) - 1, "other": overall}


def truncated_mean(alpha, cap):
    """Mean of floor(Y), Y Pareto(alpha) on [1, cap + 1): the mean of tail_counts."""
    floor_tail = (cap + 1.0) ** -alpha
    return float(((np.arange(1, cap + 1, dtype=float) ** -alpha - floor_tail) / (1.0 - floor_tail)).sum())


def tail_alpha(mean, cap, label):
    """Find the Pareto exponent whose capped counts have the wanted mean."""
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
            raise DemoCalibrationError(
                f"{row_label(row)}: not among the demo data's first-named applicants of {row.year}"
            )
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
