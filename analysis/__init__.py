"""Count and rank published PCT applications the way WIPO does.

The package reads application-level records (or aggregated tables), harmonises applicant
names, classifies sectors, counts published applications per applicant and year, ranks
them with WIPO's ties, profiles one institution and writes the sentences and charts that
the report notebooks show. In a notebook::

    from analysis import load_dataset, ranking_table, institution_profile, headline, present
    dataset = load_dataset()                       # the demo data; or load_dataset("export.csv")
    present.table(ranking_table(dataset.ranked, 2018, sector="education"), "top", "Top universities, 2018")
    profile = institution_profile(dataset, "Dalian University of Technology", 2018)
    present.paragraphs(headline(profile), names=[profile.institution])

The names below are imported on first use, so ``import analysis`` stays cheap.
"""

from importlib import import_module

__version__ = "0.1.0"

_EXPORTS = {
    "load_dataset": "analysis.dataset",
    "ranking_table": "analysis.ranking",
    "institution_profile": "analysis.profile",
    "search_applicants": "analysis.search",
    "headline": "analysis.narrative",
    "change_sentence": "analysis.narrative",
    "present": "analysis.present",
    "charts": "analysis.charts",
    "summary": "analysis.summary",
}
"""Public name → the module that defines it (a module is exported as itself)."""

__all__ = [
    "__version__",
    "change_sentence",
    "charts",
    "headline",
    "institution_profile",
    "load_dataset",
    "present",
    "ranking_table",
    "search_applicants",
    "summary",
]  # fmt: skip


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'analysis' has no attribute {name!r}")
    imported = import_module(module)
    value = imported if module.rpartition(".")[2] == name else getattr(imported, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
