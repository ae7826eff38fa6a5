"""Origins of the synthetic applicants: each year's country shares follow the printed
country rows, and every other country gets a Zipf-spread share of the rest."""

import numpy as np
import pandas as pd
import pycountry

from scripts.demo.calibration import year_volumes

FURTHER_ORIGINS = (
    "IT",
    "CA",
    "IL",
    "AU",
    "ES",
    "AT",
    "DK",
    "FI",
    "BE",
    "SG",
    "NO",
    "IE",
    "TR",
    "BR",
    "RU",
    "PL",
    "NZ",
    "SA",
    "ZA",
    "MX",
    "PT",
    "HU",
    "CZ",
    "MY",
    "TH",
)
"""Origins after those the table prints, largest first; every other country follows alphabetically."""

ORIGIN_TAIL_EXPONENT = 1.3
"""Zipf exponent that spreads the applications not given by country rows over the other origins."""

COUNTRY_CODES = tuple(sorted(country.alpha_2 for country in pycountry.countries))


def origin_shares(figures, year):
    """Share of each origin in a year: printed country rows (nearest year), the rest Zipf-spread."""
    countries = figures[figures["table"] == "country"]
    totals = year_volumes(figures)
    shares = {}
    for code, rows in countries.groupby("country"):
        nearest = rows.iloc[(rows["year"] - year).abs().argsort(kind="stable").iloc[0]]
        shares[code] = nearest["count"] / totals[int(nearest["year"])]
    others = [c for c in FURTHER_ORIGINS if c not in shares]
    others += sorted(c for c in COUNTRY_CODES if c not in shares and c not in others)
    spread = np.arange(1, len(others) + 1, dtype=float) ** -ORIGIN_TAIL_EXPONENT
    spread *= (1.0 - sum(shares.values())) / spread.sum()
    return pd.Series({**shares, **dict(zip(others, spread, strict=True))})


def synthetic_weights(shares, volume, taken):
    """Share of each origin among the publications still to be given: the origin's share
    of the year's volume less what ``taken`` (publications by country: printed applicants,
    and synthetic ones whose origin is known) already gives it."""
    room = (shares * volume).sub(taken, fill_value=0).clip(lower=0)
    return room / room.sum()


def assign_origins(published, weights, rng):
    """Give applicants origins so that each origin gets its weight's share of publications.

    The applicants, in random order, are laid end to end by their publications, and each
    takes the origin under its midpoint on the weights' cumulative scale: the shares come
    out right within one applicant's count, however heavy the tail.
    """
    origins = np.empty(len(published), dtype=object)
    if len(published) == 0:
        return origins
    order = rng.permutation(len(published))
    ends = np.cumsum(published[order])
    middles = (ends - published[order] / 2) / ends[-1]
    slots = np.minimum(np.searchsorted(np.cumsum(weights.to_numpy()), middles), len(weights) - 1)
    origins[order] = weights.index.to_numpy()[slots]
    return origins
