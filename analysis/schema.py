"""The canonical vocabulary: column names, sectors, counting rules and their labels.

Column names are snake_case and the same from loading to the rendered tables.
"""

from analysis.rules import RULES

RECORD_COLUMNS = ("publication_number", "publication_date", "applicant_name")
"""Required columns of application-level input, one row per (publication, applicant)."""

OPTIONAL_RECORD_COLUMNS = ("applicant_country", "applicant_sequence", "applicant_sector", "provenance", "kind", "ipc")
"""``kind``: the publication's kind code (A1, A3 …) where not part of its number;
``ipc``: IPC symbols separated by ";"."""

AGGREGATE_COLUMNS = ("year", "applicant_name", "published")
"""Required columns of aggregated input, such as WIPO's own published tables."""

OPTIONAL_AGGREGATE_COLUMNS = ("applicant_country", "applicant_sector", "provenance")

ALL_CANONICAL_COLUMNS = tuple(
    dict.fromkeys(RECORD_COLUMNS + OPTIONAL_RECORD_COLUMNS + AGGREGATE_COLUMNS + OPTIONAL_AGGREGATE_COLUMNS)
)

UNKNOWN_COUNTRY = "—"
"""How an applicant whose country no source gives is shown: never guessed."""

SECTORS = ("business", "education", "government", "individual", "other")

SECTOR_LABELS = {
    "business": "businesses",
    "education": "educational institutions",
    "government": "government and research institutions",
    "individual": "individual applicants",
    "other": "other applicants",
}

PROVENANCES = ("published", "synthetic")
"""`published`: a figure WIPO printed; `synthetic`: generated demo data."""

COUNTING_RULES = tuple(RULES)

COUNTING_DESCRIPTIONS = {name: rule.description for name, rule in RULES.items()}

RANKING_DESCRIPTION = (
    "standard competition ranking on the number of published applications: applicants "
    "with equal counts share the best rank and the next rank is skipped (1, 2, 2, 4), "
    "as in WIPO's tables"
)

DEFAULT_TOP = 50

TABLE_MIMETYPE = "application/vnd.pct.table+json"
PROVENANCE_MIMETYPE = "application/vnd.pct.provenance+json"
CARD_MIMETYPE = "application/vnd.pct.card+json"
"""How a notebook output carries a table's data, the report's provenance and its share card
to the renderer, which writes them out as CSV, XLSX, the manifest and card.png."""
