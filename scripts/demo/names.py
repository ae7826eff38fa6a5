"""Names of the synthetic applicants: plainly synthetic ("Demo University CN-0017"), some
with spelling variants that the project's normalisation must merge, some without a sector
that the keyword rules must find."""

import numpy as np
import pandas as pd

from analysis.errors import DemoCalibrationError
from analysis.names import normalise_name, read_aliases
from analysis.paths import APPLICANT_ALIASES
from scripts.demo.calibration import TABLE_SECTORS

WITH_VARIANTS, WITHOUT_SECTOR = 3, 7
VARIANT_SHARE = 0.3
"""A synthetic applicant whose number ends in 3 also appears under spelling variants in 30 %
of its rows; one whose number ends in 7 never gives its sector, which the rules classify."""

RULE_CLASSIFIED_SECTORS = ("business", "education", "government")
"""Sectors whose synthetic names the rules read right whatever the country code; a
foundation of Antigua ("Demo Foundation AG-0001") would read as a company (AG)."""

BUSINESS_WORDS = {
    "Electric": "Elec",
    "Technology": "Tech",
    "Manufacturing": "Mfg",
    "Medical": "Med",
    "International": "Intl",
    "Laboratories": "Labs",
    "Electronics": "Electr",
}
"""Words of synthetic company names, with the abbreviation that normalisation expands."""
LEGAL_FORMS = {
    "US": "Inc.",
    "JP": "Co., Ltd.",
    "CN": "Co., Ltd.",
    "KR": "Co., Ltd.",
    "DE": "GmbH",
    "FR": "SA",
    "GB": "Ltd",
    "CH": "AG",
    "SE": "AB",
    "NL": "BV",
    "FI": "Oy",
    "IT": "SpA",
}
DEFAULT_LEGAL_FORM = "Ltd."
"""Legal forms that close synthetic company names, by country; normalisation drops them."""

NAME_IDS = ["name_id", "variant_1", "variant_2", "variant_3"]


def business_words(numbers):
    """The word in the names of synthetic companies with these numbers, which also says
    what kind of company each is (synthetic_spellings picks the same word)."""
    return np.array(list(BUSINESS_WORDS))[np.asarray(numbers) % len(BUSINESS_WORDS)]


def synthetic_spellings(sector, country, number):
    """Main spelling and spelling variants of a synthetic applicant; the variants differ only
    in case, abbreviations, punctuation and corporate suffixes, so they normalise alike."""
    if sector == "business":
        word = list(BUSINESS_WORDS)[number % len(BUSINESS_WORDS)]
        short = BUSINESS_WORDS[word]
        form = LEGAL_FORMS.get(country, DEFAULT_LEGAL_FORM)
        reordered = " ".join(reversed(form.replace(",", "").split()))
        return (
            f"Demo {word} {country}-{number:04d} {form}",
            [
                f"DEMO {word.upper()} {country} {number:04d} {form.upper().replace('.', '').replace(',', '')}",
                f"Demo {short} {country}-{number:04d}",
                f"Demo {word} {country}-{number:04d}, {reordered}",
            ],
        )
    if sector == "education":
        return (
            f"Demo University {country}-{number:04d}",
            [
                f"DEMO UNIV {country}-{number:04d}",
                f"Demo Univ. {country} {number:04d}",
                f"The Demo University {country}-{number:04d}",
            ],
        )
    if sector == "government":
        return (
            f"Demo Research Institute {country}-{number:04d}",
            [
                f"DEMO RES INST {country}-{number:04d}",
                f"Demo Research Inst. {country}-{number:04d}",
                f"The Demo Research Institute {country} {number:04d}",
            ],
        )
    if sector == "individual":
        return (
            f"DEMO, Person {country}-{number:05d}",
            [
                f"Demo, Person {country}-{number:05d}",
                f"DEMO Person {country} {number:05d}",
                f"DEMO, PERSON {country}-{number:05d}",
            ],
        )
    return (
        f"Demo Foundation {country}-{number:04d}",
        [
            f"DEMO FOUNDATION {country}-{number:04d}",
            f"The Demo Foundation {country}-{number:04d}",
            f"Demo Foundation {country} {number:04d}",
        ],
    )


def number_identities(identities, totals):
    """Number synthetic applicants 1, 2, … within sector and country by their publications
    over all years, so that Demo University CN-0001 is the largest synthetic Chinese
    university of the demo data. ``identities`` has columns sector and country, ``totals``
    the publications of each row."""
    order = identities.assign(_total=np.asarray(totals), _id=np.arange(len(identities))).sort_values(
        ["sector", "country", "_total", "_id"], ascending=[True, True, False, True], kind="stable"
    )
    number = order.groupby(["sector", "country"], sort=False).cumcount() + 1
    return number.reindex(identities.index).to_numpy()


def spell_all(identities, numbers, planted_names):
    """Number every distinct name once: the printed names, then each synthetic applicant's
    main spelling and, where its number ends in WITH_VARIANTS, its variants.

    Returns (names, planted_ids, synthetic_ids): the list of names, a dict from printed
    name to id, and an array with one row per synthetic applicant of NAME_IDS (-1 for none).
    """
    names = list(dict.fromkeys(planted_names))
    planted_ids = {name: i for i, name in enumerate(names)}
    synthetic_ids = np.full((len(identities), len(NAME_IDS)), -1, np.int64)
    rows = zip(identities["sector"].tolist(), identities["country"].tolist(), numbers.tolist(), strict=True)
    for row, (sector, country, number) in enumerate(rows):
        main, variants = synthetic_spellings(sector, country, number)
        spellings = [main, *variants] if number % 10 == WITH_VARIANTS else [main]
        synthetic_ids[row, : len(spellings)] = range(len(names), len(names) + len(spellings))
        names += spellings
    return names, planted_ids, synthetic_ids


def check_names(names, synthetic_ids, figures):
    """Fail unless variants normalise to their main spelling and no synthetic name can merge
    with a published one (every synthetic key starts with DEMO, no published key does)."""
    for main, *variants in synthetic_ids[synthetic_ids[:, 1] >= 0]:
        wrong = [names[v] for v in variants if normalise_name(names[v]) != normalise_name(names[main])]
        if wrong:
            raise DemoCalibrationError(f"spelling variants {wrong} do not normalise like {names[main]!r}")
    real = list(figures.loc[figures["table"].isin(list(TABLE_SECTORS)), "name"])
    real += [name for alias in read_aliases(APPLICANT_ALIASES) for name in (alias.raw_name, alias.canonical_name)]
    clashing = [name for name in real if normalise_name(name).split()[0] == "DEMO"]
    if clashing:
        raise DemoCalibrationError(f"published names {clashing} normalise like synthetic demo names")


def unclassified(sectors, numbers):
    """Which synthetic applicants leave their sector empty for the keyword rules."""
    return pd.Series(sectors).isin(RULE_CLASSIFIED_SECTORS).to_numpy() & (np.asarray(numbers) % 10 == WITHOUT_SECTOR)
