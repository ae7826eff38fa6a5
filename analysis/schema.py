"""The canonical vocabulary: column names, sectors, counting rules and their labels.

Column names are snake_case and the same from loading to the rendered tables.
"""

RECORD_COLUMNS = ("publication_number", "publication_date", "applicant_name", "applicant_country")
"""Required columns of application-level input, one row per (publication, applicant)."""

OPTIONAL_RECORD_COLUMNS = ("applicant_sequence", "applicant_sector", "provenance")

AGGREGATE_COLUMNS = ("year", "applicant_name", "applicant_country", "published")
"""Required columns of aggregated input, such as WIPO's own published tables."""

OPTIONAL_AGGREGATE_COLUMNS = ("applicant_sector", "provenance")

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

COUNTING_RULES = ("first-named", "every-applicant", "fractional")

COUNTING_DESCRIPTIONS = {
    "first-named": "each application is credited to its first-named applicant only, as WIPO does",
    "every-applicant": "each application is credited once to every applicant named on it (whole counting)",
    "fractional": "each application is split equally among the applicants named on it (1/n each)",
}

RANKING_DESCRIPTION = (
    "standard competition ranking on the number of published applications: applicants "
    "with equal counts share the best rank and the next rank is skipped (1, 2, 2, 4), "
    "as in WIPO's tables"
)

DEFAULT_TOP = 50

TABLE_MIMETYPE = "application/vnd.pct.table+json"
PROVENANCE_MIMETYPE = "application/vnd.pct.provenance+json"
"""How a notebook output carries a table's data and the report's provenance to the
renderer, which writes them out as CSV, XLSX and the manifest."""
