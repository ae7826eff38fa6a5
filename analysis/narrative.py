"""Sentences written from the numbers: ordinals, country names and the headline."""

from collections.abc import Mapping
from typing import TYPE_CHECKING

import pycountry

from analysis.rules import RULES
from analysis.schema import COUNTING_DESCRIPTIONS, SECTOR_LABELS, UNKNOWN_COUNTRY

if TYPE_CHECKING:
    from analysis.dataset import Dataset
    from analysis.profile import Profile

COUNTRY_NAMES = {
    "KR": "the Republic of Korea",
    "KP": "the Democratic People's Republic of Korea",
    "TW": "Taiwan",
    "IR": "Iran",
    "RU": "the Russian Federation",
    "US": "the United States",
    "GB": "the United Kingdom",
    "NL": "the Netherlands",
    "CZ": "Czechia",
    "VN": "Viet Nam",
    "BO": "Bolivia",
    "VE": "Venezuela",
    "TZ": "Tanzania",
    "MD": "the Republic of Moldova",
}
"""Names as WIPO writes them in running text, where ISO's list reads awkwardly."""

COUNTRY_ADJECTIVES = {
    "AT": "Austrian",
    "AU": "Australian",
    "BE": "Belgian",
    "BR": "Brazilian",
    "CA": "Canadian",
    "CH": "Swiss",
    "CN": "Chinese",
    "DE": "German",
    "DK": "Danish",
    "ES": "Spanish",
    "FI": "Finnish",
    "FR": "French",
    "GB": "British",
    "IE": "Irish",
    "IL": "Israeli",
    "IN": "Indian",
    "IT": "Italian",
    "JP": "Japanese",
    "KR": "Korean",
    "NL": "Dutch",
    "NO": "Norwegian",
    "NZ": "New Zealand",
    "PL": "Polish",
    "PT": "Portuguese",
    "RU": "Russian",
    "SA": "Saudi",
    "SE": "Swedish",
    "SG": "Singaporean",
    "TR": "Turkish",
    "US": "US",
    "ZA": "South African",
}


def ordinal(number: int) -> str:
    """Return 1st, 2nd, 3rd, 4th … 11th, 12th, 13th … 21st, 101st, 111th, 836th."""
    number = int(number)
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def format_count(value: float) -> str:
    """Whole counts with thousands separators; fractional counts to one decimal."""
    value = float(value)
    return f"{value:,.0f}" if value.is_integer() else f"{value:,.1f}"


def applications(value: float) -> str:
    """'1 PCT application', '53 PCT applications'."""
    return f"{format_count(value)} PCT application{'' if float(value) == 1 else 's'}"


def country_name(code: str | None) -> str:
    """The English name of an ISO 3166-1 alpha-2 code, for running text ('China'); an
    unknown country is shown as unknown, never guessed."""
    if code is None:
        return UNKNOWN_COUNTRY
    if code in COUNTRY_NAMES:
        return COUNTRY_NAMES[code]
    country = pycountry.countries.get(alpha_2=str(code))
    if country is None:
        return str(code)
    return getattr(country, "common_name", None) or country.name


def sector_in_country(sector: str, code: str | None) -> str:
    """'Chinese educational institutions' or 'educational institutions in Brazil'."""
    label = SECTOR_LABELS[sector]
    if code is None:
        return f"{label} of unknown country"
    if code in COUNTRY_ADJECTIVES:
        return f"{COUNTRY_ADJECTIVES[code]} {label}"
    return f"{label} in {country_name(code)}"


def headline(profile: "Profile") -> str:
    """The story sentence of a profile, in the style of WIPO's press coverage.

    "In 2018, Dalian University of Technology published 53 PCT applications, which ranked
    it 44th among the world's educational institutions, 8th among Chinese educational
    institutions and 836th among all PCT applicants."
    """
    now = profile.current
    if RULES[profile.counting].wipo:
        verb = f"published {applications(now.published)}"
    else:
        verb = f"was credited with {applications(now.published)} ({profile.counting} counting)"
    if profile.complete:
        sector_scope, overall_scope = f"the world's {SECTOR_LABELS[profile.sector]}", "all PCT applicants"
    else:
        sector_scope = f"the {SECTOR_LABELS[profile.sector]} in this data"
        overall_scope = "the applicants in this data"
    places = [f"{ordinal(now.rank_sector)} among {sector_scope}"]
    if profile.country is not None and now.rank_sector_country is not None:
        places.append(f"{ordinal(now.rank_sector_country)} among {sector_in_country(profile.sector, profile.country)}")
    return (
        f"In {profile.year}, {profile.institution} {verb}, which ranked it "
        f"{', '.join(places)} and {ordinal(now.rank_overall)} among {overall_scope}."
    )


def change_sentence(profile: "Profile") -> str:
    """How the year compares with the one before, or that there is no figure for it."""
    before = profile.previous
    if before is None:
        if profile.provenance == "published":
            return f"WIPO's tables reproduced here give no figure for {profile.institution} in {profile.year - 1}."
        return (
            f"{profile.institution} published no PCT applications in {profile.year - 1} in this data: "
            "it is a new entrant."
        )
    difference = float(profile.current.published) - float(before.published)
    if difference == 0:
        count = f"the same number as in {before.year}"
    else:
        count = f"{format_count(abs(difference))} {'more' if difference > 0 else 'fewer'} than in {before.year}"
    moved = before.rank_sector - profile.current.rank_sector
    if moved == 0:
        place = f"it kept its place among {SECTOR_LABELS[profile.sector]} ({ordinal(before.rank_sector)})"
    else:
        direction = "up" if moved > 0 else "down"
        places = f"{abs(moved)} place{'s' if abs(moved) != 1 else ''}"
        place = (
            f"it moved {direction} {places} among {SECTOR_LABELS[profile.sector]}, from {ordinal(before.rank_sector)}"
        )
    return f"That is {count}; {place}."


def counting_sentence(counting: str) -> str:
    """The counting rule in force, as a sentence for the methods section."""
    return f"Counting rule: {COUNTING_DESCRIPTIONS[counting]}."


def _listed(counts: Mapping[str, int], limit: int = 5) -> str:
    shown = ", ".join(f"{key} {value:,}" for key, value in list(counts.items())[:limit])
    return shown + (", …" if len(counts) > limit else "")


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else (plural or word + 's')}"


def what_counts(dataset: "Dataset") -> list[str]:
    """Sentences accounting for every row read: what was counted and what was left out, why.

    Written by ``pct-report validate`` and in every report's method section.
    """
    summary = dataset.summary
    formats = {}
    for description in summary.files:
        formats[description.format] = formats.get(description.format, 0) + 1
    encodings = sorted({f.encoding for f in summary.files if f.encoding not in (None, "utf-8")})
    read = (
        f"Read {_plural(len(summary.files), 'file')} ({_listed(formats)}"
        f"{'; encoding ' + ', '.join(encodings) if encodings else ''}): {_plural(summary.rows, 'row')}."
    )
    lines = [read]
    if summary.non_pct:
        lines.append(
            f"{_plural(summary.non_pct, 'row is', 'rows are')} not "
            f"{'a PCT publication' if summary.non_pct == 1 else 'PCT publications'} "
            f"({_listed(summary.non_pct_by_office)}) and {'was' if summary.non_pct == 1 else 'were'} left out."
        )
    if summary.republications:
        without = summary.republications_without_first
        lines.append(
            f"{_plural(summary.republications, 'republication')} (A3, A4, A8, A9 …) never "
            f"{'counts' if summary.republications == 1 else 'count'} again and "
            f"{'was' if summary.republications == 1 else 'were'} left out"
            + (
                f"; {without:,} of them {'has' if without == 1 else 'have'} no first publication in this data."
                if without
                else "."
            )
        )
    repeated = summary.counted_rows - summary.applications if summary.applications_by_year else 0
    if repeated > 0:
        verb = "repeats" if repeated == 1 else "repeat"
        lines.append(
            f"{_plural(repeated, 'row')} {verb} a publication read in another row or file "
            "(as overlapping downloads do) and counted once."
        )
    if summary.no_applicant:
        verb = "is" if summary.no_applicant == 1 else "are"
        names = _plural(summary.no_applicant, "PCT publication names", "PCT publications name")
        lines.append(f"{names} no applicant and {verb} left out of the rankings.")
    if summary.empty_parts:
        lines.append(
            f"{_plural(summary.empty_parts, 'empty part')} of applicant cells (a doubled or trailing separator) "
            f"{'was' if summary.empty_parts == 1 else 'were'} dropped."
        )
    lines += [f"{_plural(count, 'row')}: {reason}." for reason, count in summary.set_aside.items()]
    years = dataset.years
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else f"{years[0]}" if years else "no year"
    if summary.applications_by_year:
        lines.append(f"{_plural(summary.applications, 'application')} counted, published {span}.")
    else:
        lines.append(f"Aggregated counts for {span}.")
    ranked = dataset.ranked
    unknown = float(ranked.loc[ranked["country"].isna(), "published"].sum())
    total = float(ranked["published"].sum())
    counting = getattr(dataset, "counting", None)
    if total and (counting is None or RULES[counting].wipo):
        lines.append(
            f"{format_count(unknown)} of {format_count(total)} counted applications ({unknown / total:.1%}) "
            "have an applicant with no known country: shown as —, left out of country rankings."
        )
    elif total:  # other rules credit an application to several applicants: the shares are of credits
        lines.append(
            f"{format_count(unknown)} of {format_count(total)} application credits under {counting} counting "
            f"({unknown / total:.1%}) go to applicants with no known country: shown as —, left out of country rankings."
        )
    return lines


def data_source(dataset: "Dataset") -> str:
    """Name the data in a line: its files and their formats ('pct_publications.parquet (canonical)')."""
    from pathlib import Path

    files = [f"{Path(f.path).name} ({f.format})" for f in dataset.summary.files]
    shown = ", ".join(files[:3]) + (f" and {len(files) - 3} more" if len(files) > 3 else "")
    return shown or "no file"


def method_sentences(dataset: "Dataset", year: int) -> list[str]:
    """What counts, and how much of the PCT system the data holds in ``year``: the method section's words."""
    from analysis.coverage import year_coverage

    return [*what_counts(dataset), year_coverage(dataset.summary, year).sentence()]
