"""Where the project's files live, and how output names are derived safely from user text."""

import hashlib
import os
import re
import unicodedata
from pathlib import Path

StrPath = str | os.PathLike[str]
"""A file's path as the callers give it: text or a Path."""

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
DEMO_DATA = DATA_DIR / "demo" / "pct_publications.parquet"
PUBLISHED_FIGURES = DATA_DIR / "published" / "wipo_published_figures.csv"
MAPPINGS_DIR = DATA_DIR / "mappings"
APPLICANT_ALIASES = MAPPINGS_DIR / "applicant_aliases.csv"
SECTOR_OVERRIDES = MAPPINGS_DIR / "sector_overrides.csv"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
REPORTS_DIR = PROJECT_ROOT / "reports"


def slugify(text: object, max_bytes: int = 80) -> str:
    """Turn user text into a readable path component: letters and digits of any script.

    NFKC and lower case; every other run of characters becomes one hyphen, so that no
    separator, dot or space survives. Bounded in UTF-8 bytes (a filesystem counts bytes),
    never cutting a character. May be empty.
    """
    kept = [
        ch if unicodedata.category(ch)[0] in "LNM" else "-" for ch in unicodedata.normalize("NFKC", str(text)).lower()
    ]
    slug = re.sub(r"-+", "-", "".join(kept)).strip("-")
    return slug.encode("utf-8")[:max_bytes].decode("utf-8", "ignore").strip("-")


def folder_name(text: object, max_bytes: int = 80) -> str:
    """Return the folder name of an institution: readable, and different for every exact name.

    Names that slugify alike ("X & Y University", "X Y University", long names with the same
    start, "!!!") differ in the short hash of the exact text that follows the readable part.
    """
    digest = hashlib.sha256(str(text).encode("utf-8")).hexdigest()[:10]
    return f"{slugify(text, max_bytes) or 'unnamed'}-{digest}"
