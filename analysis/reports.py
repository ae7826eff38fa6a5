"""The kinds of report: each one's notebook, parameters, folder name, title and wording.

Everything that differs between an institution report and the annual rankings is here, so
that rendering, building and the index ask the kind instead of testing its name.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from analysis.errors import OptionError
from analysis.paths import folder_name, slugify

Parameters = dict[str, Any]
"""A notebook's parameters by name, as papermill takes and records them."""


@dataclass(frozen=True)
class ReportKind:
    """One kind of report. The callables take the notebook's parameters as a dict."""

    name: str
    notebook: str
    parameters: tuple[str, ...]
    """The notebook's parameter names, as its parameters cell spells them."""
    folder: Callable[[Parameters], str]
    """The folder name, before a counting rule other than WIPO's is added to it."""
    title: Callable[[Parameters], str]
    """The title when the notebook shows none."""
    subtitle: Callable[[Parameters], str]
    label: Callable[[Parameters], str]
    """How messages name the report."""
    order: int = 0
    """Where the index lists it among a year's reports: lower first."""
    required: tuple[str, ...] = ()
    notebook_defaults: tuple[str, ...] = ()
    """Parameters left out when not given, so that the notebook's own default holds."""


def _country_suffix(parameters: Parameters, before: str = " · ") -> str:
    country = parameters.get("country")
    return f"{before}{country}" if country else ""


INSTITUTION = ReportKind(
    name="institution",
    notebook="institution_report.ipynb",
    parameters=("year", "institution", "data_path", "source", "column_map", "counting", "top_n", "lang"),
    folder=lambda p: folder_name(p["institution"]),
    title=lambda p: f"{p['institution']}: PCT applications in {p['year']}",
    subtitle=lambda p: f"{p['institution']} · {p['year']} · {p['counting']} counting",
    label=lambda p: f'institution report "{p["institution"]}" for {p["year"]}',
    order=1,
    required=("institution",),
    notebook_defaults=("source", "lang"),
)

ANNUAL = ReportKind(
    name="annual",
    notebook="annual_rankings.ipynb",
    parameters=("year", "data_path", "source", "column_map", "counting", "top_n", "country"),
    folder=lambda p: "-".join(["annual-rankings", *filter(None, [slugify(p.get("country") or "")])]),
    title=lambda p: f"PCT rankings {p['year']}",
    subtitle=lambda p: f"Top {p['top_n']} applicants{_country_suffix(p)} · {p['year']} · {p['counting']} counting",
    label=lambda p: f"annual rankings{_country_suffix(p, ' of ')} for {p['year']}",
    notebook_defaults=("source", "country"),
)

KINDS = {kind.name: kind for kind in (INSTITUTION, ANNUAL)}


def report_kind(name: str) -> ReportKind:
    """Return the kind called ``name``; an unknown one is an OptionError naming the choices."""
    try:
        return KINDS[name]
    except KeyError:
        raise OptionError(f"report kind {name!r} is not one of {', '.join(KINDS)}") from None
