"""Synthetic applicants that live from year to year, as real ones do.

Each year an applicant's publications are last year's times a bounded random growth
(×0.6 to ×1.6; small applicants move by a few publications, and some leave), with its
country's trend; new applicants enter small. Outside education, the sector then takes the
first year's spread of counts in that order (follow_shape), so that no sector drifts; the
counts are fitted around the printed figures (``calibration``) and the sectors' totals
matched by single publications among the applicants below the printed ranks.
"""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.errors import DemoCalibrationError
from analysis.schema import SECTORS
from scripts.demo.calibration import (
    COUNTRY_RANK_FACTS,
    anchors_of,
    first_counts,
    fit_ranks,
    match_total,
    planted_applicants,
    printed_rows,
    shape_anchors,
    slots,
    tail_alpha,
    tail_caps,
    tail_counts,
    year_volumes,
)
from scripts.demo.origins import assign_origins, origin_shares, synthetic_weights

SECTOR_SHARES = {"business": 0.855, "individual": 0.075, "education": 0.05, "government": 0.019, "other": 0.001}
"""Shares of published applications by first-named applicant's sector in 2016, as WIPO gives
them (business 85.5 %, individuals 7.5 %, universities 5 %, government and research 1.9 %)."""

DISTINCT_FIRST_NAMED = (52_500, 54_500)
"""Distinct first-named applicants a year (issue 3 asks for about 52,000-55,000)."""

MEAN_PUBLICATIONS = {"individual": 1.15, "education": 4.0, "government": 4.0, "other": 1.5}
"""Mean publications of a synthetic applicant; business takes the rest."""

GROWTH_BAND = (0.6, 1.6)
GROWTH_SPREAD = 0.2
"""Year-on-year growth of an applicant: log-normal with this spread, kept within the band."""

POISSON_BELOW = 10
"""Applicants expecting fewer publications get one plus a Poisson count (small absolute
moves, no drift upwards); any applicant leaves the data with the chance that a Poisson
count of its expectation is zero."""

ENTRANT_MEAN, ENTRANT_CAP = 1.5, 40
"""New applicants publish 1.5 applications on average and at most 40 (nor as many as the
tenth largest applicant of their sector), so that none enters at the top."""

DRIFT_BAND = (0.8, 1.25)
"""How far a country's trend may move its applicants in one year."""


@dataclass
class Identities:
    """Every synthetic applicant ever drawn: its sector and country, by identity number."""

    sector: list = field(default_factory=list)
    country: list = field(default_factory=list)

    def add(self, sectors, countries):
        """Register new applicants and return their identity numbers."""
        start = len(self.sector)
        self.sector.extend(sectors)
        self.country.extend(countries)
        return np.arange(start, len(self.sector))


@dataclass(frozen=True)
class YearPlan:
    """What a year must hold: its volume, printed applicants, ranks and caps, and each
    sector's synthetic publications (budgets) and applicants (sizes)."""

    year: int
    volume: int
    planted: pd.DataFrame
    anchors_education: list
    anchors_all: list
    caps: dict
    budgets: dict
    sizes: dict
    shares: pd.Series

    @property
    def weights(self):
        """Each origin's share of the year's synthetic publications."""
        return synthetic_weights(self.shares, self.volume, self.planted.groupby("country")["published"].sum())


def plan_year(figures, year, first, rng):
    """Work out a year's targets from the published table (see YearPlan)."""
    volume = year_volumes(figures)[year]
    planted = planted_applicants(figures, year)
    rows = printed_rows(figures, year)
    anchors_all = anchors_of(rows, "rank_all")
    if first:
        anchors_all += shape_anchors(figures, year, anchors_all)
    by_sector = planted.groupby("sector")["published"].sum()
    budgets = {s: round(SECTOR_SHARES[s] * volume) - int(by_sector.get(s, 0)) for s in MEAN_PUBLICATIONS}
    budgets["business"] = volume - int(by_sector.sum()) - sum(budgets.values())
    applicants = int(rng.integers(DISTINCT_FIRST_NAMED[0], DISTINCT_FIRST_NAMED[1], endpoint=True)) - len(planted)
    sizes = {s: round(budgets[s] / MEAN_PUBLICATIONS[s]) for s in MEAN_PUBLICATIONS}
    sizes["business"] = applicants - sum(sizes.values())
    return YearPlan(
        year,
        volume,
        planted,
        anchors_of(rows[rows["table"] == "edu"], "rank"),
        anchors_all,
        tail_caps(figures, year, anchors_all),
        budgets,
        sizes,
        origin_shares(figures, year),
    )


def evolve(previous, drift, rng):
    """Last year's synthetic applicants with this year's proposed counts; those that leave
    are dropped. Columns identity, sector, country, proposed."""
    published = previous["published"].to_numpy(float)
    growth = np.exp(rng.normal(-(GROWTH_SPREAD**2) / 2, GROWTH_SPREAD, len(previous)))
    growth *= previous["country"].map(drift).fillna(1.0).to_numpy()
    expected = np.clip(growth, *GROWTH_BAND) * published
    small = 1 + rng.poisson(np.maximum(expected - 1, 0))
    proposed = np.where(expected < POISSON_BELOW, small, np.floor(expected + rng.random(len(expected))))
    proposed[rng.random(len(expected)) < np.exp(-expected)] = 0
    return previous[["identity", "sector", "country"]].assign(proposed=proposed.astype(np.int64))[proposed > 0]


def follow_shape(synthetic, shapes, plan, rng):
    """Give each sector's applicants, in the order of their proposed counts, the counts of
    the first year's shape (``shapes``: sector to counts, highest first), stretched to this
    year's number of applicants and scaled to its budget: so the spread of counts stays
    what the table prints, and no sector drifts, while who rises and who falls follows
    each applicant's own growth."""
    proposed = synthetic["proposed"].to_numpy().copy()
    sectors, tiebreak = synthetic["sector"].to_numpy(), rng.random(len(synthetic))
    for sector, shape in shapes.items():
        members = np.flatnonzero(sectors == sector)
        order = members[np.lexsort((tiebreak[members], -proposed[members]))]
        quantiles = (np.arange(len(order)) + 0.5) / len(order)
        values = np.interp(quantiles, (np.arange(len(shape)) + 0.5) / len(shape), shape)
        values *= plan.budgets[sector] / values.sum()
        proposed[order] = np.maximum(np.floor(values + rng.random(len(values))), 1)
    return proposed


def entrant_counts(sector, size, incumbents, plan, caps, rng):
    """Draw the proposed counts of a sector's new applicants: small ones after the first
    year; in the first year, the whole sector, heavy-tailed, to be fitted to the table."""
    if incumbents is None:
        mean, cap = plan.budgets[sector] / size, caps[sector]
    else:
        tenth = np.sort(incumbents.loc[incumbents["sector"] == sector, "proposed"].to_numpy())[::-1][9:10]
        cap = int(max(min(ENTRANT_CAP, *(tenth - 1)), 3))
        mean = min(ENTRANT_MEAN, MEAN_PUBLICATIONS.get(sector, ENTRANT_MEAN))
    return tail_counts(size, cap, tail_alpha(mean, cap, f"{plan.year} {sector}"), rng)


def story_order(order, countries, needed, plan):
    """Reorder universities so that the story's country ranks hold (Dalian University of
    Technology 8th in China in 2018): of those placed above the story's count, exactly as
    many come from its country as the rank leaves room for; the rest keep their order."""
    for year, name, rank in COUNTRY_RANK_FACTS:
        story = plan.planted[(plan.planted["name"] == name) & (plan.planted["sector"] == "education")]
        if year != plan.year or story.empty:
            continue
        count, country = int(story["published"].iloc[0]), story["country"].iloc[0]
        education = plan.planted[plan.planted["sector"] == "education"]
        rivals = int(((education["country"] == country) & (education["published"] > count)).sum())
        block = sum(size for anchor, size in zip(plan.anchors_education, needed, strict=True) if anchor.count >= count)
        inside = countries[order] == country
        wanted, have = rank - 1 - rivals, int(inside[:block].sum())
        leave_mask = inside if have > wanted else ~inside
        enter_mask = ~inside if have > wanted else inside
        leaving = np.flatnonzero(leave_mask[:block])[::-1][: abs(have - wanted)][::-1]
        entering = block + np.flatnonzero(enter_mask[block:])[: abs(have - wanted)]
        if len(entering) < abs(have - wanted) or wanted < 0:
            raise DemoCalibrationError(f"{year}: {name} cannot be {rank} in {country}")
        kept = np.setdiff1d(np.arange(block), leaving, assume_unique=True)
        rest = np.setdiff1d(np.arange(block, len(order)), entering, assume_unique=True)
        order = order[np.concatenate([kept, entering, leaving, rest])]
    return order


def calibrate(synthetic, plan, first, rng):
    """Fit the proposed counts around the printed figures and the sectors' totals; returns
    the counts. In the ``first`` year, universities and companies get counts drawn to the
    printed ranks (calibration.first_counts) in the order of their drawn counts; later, only
    those outside their gap move."""
    counts = synthetic["proposed"].to_numpy().copy()
    sectors, countries = synthetic["sector"].to_numpy(), synthetic["country"].to_numpy()
    ranked = np.zeros(len(counts), bool)
    tiebreak = rng.random(len(counts))

    def order_of(sector):
        members = np.flatnonzero(sectors == sector)
        return members[np.lexsort((tiebreak[members], -counts[members]))]

    planted = plan.planted
    education = order_of("education")
    needed = slots(plan.anchors_education, planted.loc[planted["sector"] == "education", "published"])
    if first and plan.anchors_education:
        counts[education] = first_counts(
            len(education), plan.anchors_education, needed, plan.budgets["education"], plan.caps["education"], rng
        )
    education = story_order(education, countries, needed, plan)
    counts, placed = fit_ranks(counts, education, plan.anchors_education, needed, plan.caps["education"], rng)
    ranked |= placed
    for sector in ("government", "individual", "other"):
        counts, _ = fit_ranks(counts, order_of(sector), [], [], plan.caps["other"], rng)
    business = order_of("business")
    known = np.concatenate([planted["published"].to_numpy(), counts[sectors != "business"]])
    needed = slots(plan.anchors_all, known)
    if first:
        counts[business] = first_counts(
            len(business), plan.anchors_all, needed, plan.budgets["business"], plan.caps["other"], rng
        )
    counts, placed = fit_ranks(counts, business, plan.anchors_all, needed, plan.caps["other"], rng)
    ranked |= placed
    for sector in SECTORS:
        tail = np.flatnonzero((sectors == sector) & ~ranked)
        cap = plan.caps["education" if sector == "education" else "other"]
        budget = plan.budgets[sector] - int(counts[(sectors == sector) & ranked].sum())
        counts[tail] = match_total(counts[tail], cap, budget, f"{plan.year} {sector}", rng)
    return counts


@dataclass(frozen=True)
class History:
    """What a year carries over: last year's plan and applicants, and the first year's
    counts of each sector, highest first."""

    plan: YearPlan
    applicants: pd.DataFrame
    shapes: dict


def year_synthetic(plan, history, identities, rng):
    """One year's synthetic first-named applicants: identity, sector, country, published;
    ``history`` is None in the first year."""
    caps = {s: plan.caps["other"] for s in SECTORS}
    if history is None:
        incumbents = pd.DataFrame(
            {
                "identity": pd.Series([], dtype=np.int64),
                "sector": pd.Series([], dtype=object),
                "country": pd.Series([], dtype=object),
                "proposed": pd.Series([], dtype=np.int64),
            }
        )
        caps["business"] = plan.anchors_all[0].count - 1
    else:
        incumbents = evolve(history.applicants, (plan.weights / history.plan.weights).clip(*DRIFT_BAND), rng)
    entrants = []
    for sector in SECTORS:
        mine = incumbents[incumbents["sector"] == sector]
        excess = len(mine) - plan.sizes[sector]
        if excess > 0:
            incumbents = incumbents.drop(mine.sort_values("proposed", kind="stable").index[:excess])
        proposed = entrant_counts(sector, max(-excess, 0), None if history is None else incumbents, plan, caps, rng)
        entrants.append(pd.DataFrame({"sector": sector, "proposed": proposed}))
    entrants = pd.concat(entrants, ignore_index=True)
    taken = pd.concat(
        [
            plan.planted[["country", "published"]],
            incumbents[["country", "proposed"]].rename(columns={"proposed": "published"}),
        ]
    )
    weights = synthetic_weights(plan.shares, plan.volume, taken.groupby("country")["published"].sum())
    entrants["country"] = assign_origins(entrants["proposed"].to_numpy(), weights, rng)
    entrants["identity"] = identities.add(entrants["sector"].to_numpy(), entrants["country"].to_numpy())
    synthetic = pd.concat([incumbents, entrants[incumbents.columns]], ignore_index=True)
    if history is not None:
        synthetic["proposed"] = follow_shape(synthetic, history.shapes, plan, rng)
    return synthetic.assign(published=calibrate(synthetic, plan, history is None, rng)).drop(columns="proposed")


def shapes_of(synthetic):
    """Each sector's counts, highest first: the shape later years follow. Not for
    universities: the first year's table takes their top 20, so the synthetic ones' shape
    lacks a head that later years need; they follow their own growth alone."""
    rows = synthetic[synthetic["sector"] != "education"]
    return {
        sector: np.sort(group["published"].to_numpy())[::-1].astype(float) for sector, group in rows.groupby("sector")
    }
