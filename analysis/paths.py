"""Where the project's files live, and how output names are derived safely from user text."""

import re
import unicodedata
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
DEMO_DATA = DATA_DIR / "demo" / "pct_publications.parquet"
PUBLISHED_FIGURES = DATA_DIR / "published" / "wipo_published_figures.csv"
MAPPINGS_DIR = DATA_DIR / "mappings"
APPLICANT_ALIASES = MAPPINGS_DIR / "applicant_aliases.csv"
SECTOR_OVERRIDES = MAPPINGS_DIR / "sector_overrides.csv"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
REPORTS_DIR = PROJECT_ROOT / "reports"


def slugify(text, max_length=80):
    """Turn user text (an institution's name) into one safe path component.

    ASCII letters, digits and single hyphens only, so that no name can climb out of the
    reports folder or collide with hidden files; names written only in other scripts keep
    their characters' code points so that they stay distinct.
    """
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if not slug:
        code_points = "-".join(f"{ord(ch):x}" for ch in str(text) if ch.isalnum())
        slug = f"u{code_points}" if code_points else "unnamed"
    return slug[:max_length].strip("-")
