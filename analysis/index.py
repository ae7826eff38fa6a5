"""List every report in ``reports/index.html``: what it shows, from which data, built when.

Reports may be replaced or deleted by another build while the index is written: one whose
manifest is missing or unreadable is left out, and the page itself is replaced in one step.
"""

import html
from pathlib import Path
from urllib.parse import quote

from analysis.atomic import clean_partials, write_file
from analysis.export_html import TEMPLATE_NAME, TEMPLATES_DIR
from analysis.manifest import Manifest, read_manifest
from analysis.paths import REPORTS_DIR, StrPath
from analysis.reports import KINDS

_LINKS = (("HTML", "report.html"), ("PDF", "report.pdf"), ("Tables", "tables.xlsx"))


def write_index(reports_dir: StrPath = REPORTS_DIR) -> Path:
    """Write ``index.html`` listing every report under ``reports_dir``, newest year first."""
    reports_dir = Path(reports_dir)
    reports_dir.mkdir(parents=True, exist_ok=True)
    by_year = {}
    for folder in sorted(reports_dir.glob("[0-9]*/[!._]*")):
        manifest = read_manifest(folder)
        if manifest is not None:
            by_year.setdefault(folder.parent.name, []).append((folder, manifest))
    sections = [_year_section(year, reports, reports_dir) for year, reports in sorted(by_year.items(), reverse=True)]
    count = sum(len(reports) for reports in by_year.values())
    css = (TEMPLATES_DIR / TEMPLATE_NAME / "report.css").read_text(encoding="utf-8")
    page = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>PCT application reports</title>\n<style>\n{css}</style>\n</head>\n<body>\n"
        '<header class="masthead"><p class="kicker">Published PCT applications</p>'
        '<h1 class="report-title">Reports</h1>'
        f'<p class="report-subtitle">{count} report{"" if count == 1 else "s"}</p></header>\n'
        f"<main>\n{''.join(sections) or '<p>No report has been built yet.</p>'}\n</main>\n</body>\n</html>\n"
    )
    clean_partials(reports_dir)
    return write_file(reports_dir / "index.html", page)


def _year_section(year: str, reports: list[tuple[Path, Manifest]], reports_dir: Path) -> str:
    """Return one year's table of reports: title, data, counting, build and links to the files."""
    rows = []
    for folder, manifest in sorted(reports, key=_listing_order):
        report = manifest["report"]
        base = html.escape(quote(folder.relative_to(reports_dir).as_posix()))
        files = " · ".join(f'<a href="{base}/{name}">{label}</a>' for label, name in _LINKS if (folder / name).exists())
        rows.append(
            f'<tr><td><a href="{base}/report.html">{_e(report.get("title"))}</a>'
            f'<div class="sub">{_e(report.get("subtitle"))}</div></td>'
            f"<td>{_data(manifest)}</td><td>{_e(manifest.get('counting'))}</td>"
            f"<td>{_built(manifest)}</td><td>{files}</td></tr>"
        )
    head = "".join(f"<th>{name}</th>" for name in ("Report", "Data", "Counting", "Built", "Files"))
    return (
        f'<h2>{_e(year)}</h2>\n<table class="index"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>\n"
    )


def _listing_order(item: tuple[Path, Manifest]) -> tuple[int, str]:
    report = item[1]["report"]
    kind = KINDS.get(report.get("kind"))
    return (kind.order if kind else len(KINDS), str(report.get("title", "")))


def _e(value: object) -> str:
    return html.escape(str(value)) if value is not None else ""


def _data(manifest: Manifest) -> str:
    """Name the input files, each with its format where the notebook reported one."""
    items = [item for item in manifest.get("inputs") or () if isinstance(item, dict)]
    return "<br>".join(
        _e(Path(str(item.get("path", ""))).name) + (f" ({_e(item['format'])})" if item.get("format") else "")
        for item in items
    )


def _built(manifest: Manifest) -> str:
    """Say when the report was built, and whether its notebook had uncommitted edits then."""
    edited = (manifest.get("notebook_template") or {}).get("uncommitted_edits")
    note = '<div class="sub">notebook with uncommitted edits</div>' if edited else ""
    return _e(manifest.get("built")) + note
