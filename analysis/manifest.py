"""The manifest of a report: how it was made, from what, by which code, and when.

It is the one file in a report that is not the same from one build to the next (its build
time and timings); the report's HTML never carries them, so that it stays byte-identical.
"""

import json
import subprocess
from datetime import UTC, datetime
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from analysis import __version__
from analysis.hashing import file_sha256
from analysis.paths import PROJECT_ROOT, StrPath
from analysis.reports import Parameters, ReportKind

Manifest = dict[str, Any]
"""A manifest as JSON reads it: its values are whatever the report recorded."""

KEY_PACKAGES = (
    "papermill", "nbconvert", "nbformat", "nbclient", "ipykernel", "weasyprint",
    "pandas", "numpy", "duckdb", "pyarrow", "matplotlib", "openpyxl",
)  # fmt: skip


def make_manifest(
    kind: ReportKind,
    title: str,
    parameters: Parameters,
    inputs: list[dict[str, Any]],
    provenance: list[dict[str, Any]],
    tables: list[dict[str, str]],
    template: Path,
    timings: dict[str, float],
) -> Manifest:
    """Return the manifest of a report built now from ``template`` with ``parameters``.

    ``parameters`` are those papermill recorded in the executed notebook; ``inputs`` the
    input files (path, sha256 and, where the notebook knew it, format).
    """
    return {
        "report": {"kind": kind.name, "title": title, "subtitle": kind.subtitle(parameters)},
        "parameters": parameters,
        "inputs": inputs,
        "counting": parameters.get("counting"),
        "provenance": provenance,
        "tables": tables,
        "built": datetime.now(UTC).isoformat(timespec="seconds"),
        "code_version": code_version(),
        "packages": package_versions(),
        "notebook_template": template_state(template),
        "timings": timings,
    }


def manifest_text(manifest: Manifest) -> str:
    return json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"


def read_manifest(folder: StrPath) -> Manifest | None:
    """Return the manifest of the report in ``folder``, or None if it is missing or unreadable.

    A report may vanish or be replaced while it is read; that is not an error.
    """
    try:
        manifest = json.loads((Path(folder) / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) and isinstance(manifest.get("report"), dict) else None


def data_checksum(manifest: Manifest) -> str | None:
    """Return the sha256 of the data a report was built from: its first input, or None."""
    inputs = manifest.get("inputs") or [{}]
    return inputs[0].get("sha256") if isinstance(inputs[0], dict) else None


def template_state(template: StrPath) -> dict[str, object]:
    """Return the template's name, sha256 and whether git shows uncommitted edits to it.

    ``uncommitted_edits`` is None when git cannot tell (no git, or outside a checkout).
    """
    template = Path(template)
    try:
        status = subprocess.run(
            ["git", "status", "--porcelain", "--", template.name],
            cwd=template.parent, capture_output=True, text=True, timeout=10, check=True,
        ).stdout  # fmt: skip
        edited = bool(status.strip())
    except (OSError, subprocess.SubprocessError):
        edited = None
    return {"path": template.name, "sha256": file_sha256(template), "uncommitted_edits": edited}


@cache
def code_version() -> dict[str, str]:
    """Return the package version and ``git describe`` of the checkout, or "unknown"."""
    try:
        described = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=10, check=True,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        described = ""
    return {"analysis": __version__, "git": described or "unknown"}


@cache
def package_versions() -> dict[str, str | None]:
    versions = {}
    for name in KEY_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions
