"""Build many reports at once and list them all in ``reports/index.html``.

Years and institutions expand into jobs; the jobs run in worker processes, each of which
imports the heavy modules and makes its HTML exporter once. A failed report is recorded
and the others go on.
"""

import html
import json
import re
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from analysis.errors import OptionError, ReportError
from analysis.paths import NOTEBOOKS_DIR, REPORTS_DIR
from analysis.render import TEMPLATES_DIR, TEMPLATE_NAME, ReportJob, render_report

_YEAR_PART = re.compile(r"^\s*(\d{4})\s*(?:-\s*(\d{4})\s*)?$")


@dataclass(frozen=True)
class ReportFailure:
    """A report that could not be built, and the one-line reason."""

    job: ReportJob
    error: str
    ok = False


def parse_years(text):
    """Return the years that ``"2016-2019"``, ``"2016,2018"`` or a mix of them name, sorted."""
    years = set()
    for part in str(text).split(","):
        match = _YEAR_PART.match(part)
        if not match:
            raise OptionError(f'years "{text}": "{part.strip()}" is not a year (2018) or a range (2016-2019)')
        first, last = int(match.group(1)), int(match.group(2) or match.group(1))
        if last < first:
            raise OptionError(f'years "{text}": the range {first}-{last} runs backwards')
        years.update(range(first, last + 1))
    return sorted(years)


def expand_jobs(years, institutions, annual, **common):
    """Return one job per year and institution, plus the annual rankings of each year if asked.

    ``common`` holds the parameters every report shares: data_path, counting, top_n and
    country (which only the annual rankings take).
    """
    country = common.pop("country", None)
    jobs = []
    for year in years:
        jobs += [ReportJob("institution", year, institution=name, **common) for name in institutions]
        if annual:
            jobs.append(ReportJob("annual", year, country=country, **common))
    return jobs


def build_reports(jobs, reports_dir=REPORTS_DIR, workers=2, progress=True, notebooks_dir=NOTEBOOKS_DIR):
    """Render ``jobs``, in parallel when ``workers`` > 1, then write the index.

    Return a ReportOutcome or a ReportFailure per job, in the order of ``jobs``.
    """
    from tqdm import tqdm

    jobs = list(dict.fromkeys(jobs))
    _check_folders(jobs, reports_dir)
    results = [None] * len(jobs)
    with tqdm(total=len(jobs), desc="reports", unit="report", file=sys.stderr, disable=not progress) as bar:
        if workers <= 1 or len(jobs) <= 1:
            for index, job in enumerate(jobs):
                results[index] = _render(job, reports_dir, notebooks_dir)
                bar.update()
        else:
            with ProcessPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
                futures = {pool.submit(_render, job, reports_dir, notebooks_dir): i for i, job in enumerate(jobs)}
                for future in as_completed(futures):
                    results[futures[future]] = future.result()
                    bar.update()
    write_index(reports_dir)
    return results


def _check_folders(jobs, reports_dir):
    """Refuse two different jobs that would write the same folder."""
    seen = {}
    for job in jobs:
        other = seen.setdefault(job.folder(reports_dir), job)
        if other is not job:
            raise OptionError(f"{job.label} and {other.label} with other parameters would share {job.folder(reports_dir)}")


def _render(job, reports_dir, notebooks_dir):
    """Render one job, turning its ReportError into a record (runs in a worker process)."""
    try:
        return render_report(job, reports_dir, notebooks_dir)
    except ReportError as exc:
        return ReportFailure(job, str(exc))


def write_index(reports_dir=REPORTS_DIR):
    """Write ``index.html`` listing every report under ``reports_dir``, newest year first."""
    reports_dir = Path(reports_dir)
    reports_dir.mkdir(parents=True, exist_ok=True)
    by_year = {}
    for manifest_path in sorted(reports_dir.glob("[0-9]*/[!._]*/manifest.json")):
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        by_year.setdefault(manifest_path.parent.parent.name, []).append((manifest_path.parent, manifest["report"]))
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
    index = reports_dir / "index.html"
    index.write_text(page, encoding="utf-8")
    return index


def _year_section(year, reports, reports_dir):
    """Return one year's table of reports: title, subtitle and links to the files."""
    rows = []
    for folder, report in sorted(reports, key=lambda item: (item[1].get("kind") != "annual", item[1].get("title", ""))):
        base = quote(folder.relative_to(reports_dir).as_posix())
        links = [("HTML", "report.html"), ("PDF", "report.pdf"), ("Tables", "tables.xlsx")]
        files = " · ".join(
            f'<a href="{html.escape(base)}/{name}">{label}</a>' for label, name in links if (folder / name).exists()
        )
        rows.append(
            f'<tr><td><a href="{html.escape(base)}/report.html">{html.escape(report.get("title", ""))}</a>'
            f'<div class="sub">{html.escape(report.get("subtitle", ""))}</div></td><td>{files}</td></tr>'
        )
    return (
        f"<h2>{html.escape(year)}</h2>\n<table class=\"index\"><thead><tr><th>Report</th><th>Files</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>\n"
    )
