"""Build many reports at once and list them all in ``reports/index.html``.

Years and institutions expand into jobs; the jobs run in worker processes, each of which
imports the heavy modules and makes its HTML exporter once, and each of which dies with
the process that started it. A failed report is recorded and the others go on.
"""

import ctypes
import os
import re
import signal
import sys
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any

from analysis.atomic import writable_folder
from analysis.errors import OptionError, ReportError
from analysis.execute import DEFAULT_TIMEOUT
from analysis.index import write_index
from analysis.paths import NOTEBOOKS_DIR, REPORTS_DIR, StrPath
from analysis.render import ReportJob, ReportOutcome, render_report

_PR_SET_PDEATHSIG = 1

_YEAR_PART = re.compile(r"^\s*(\d{4})\s*(?:-\s*(\d{4})\s*)?$")


@dataclass(frozen=True)
class ReportFailure:
    """A report that could not be built, and the one-line reason."""

    job: ReportJob
    error: str
    ok = False


def parse_years(text: object) -> list[int]:
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


def expand_jobs(years: Iterable[int], institutions: Iterable[str], annual: bool, **common: object) -> list[ReportJob]:
    """Return one job per year and institution, plus the annual rankings of each year if asked.

    ``common`` holds the notebook parameters every report shares, by their names:
    data_path, column_map, counting, top_n, lang (which the institution reports take) and
    country (which only the annual rankings take).
    """
    country = common.pop("country", None)
    jobs = []
    for year in years:
        jobs += [ReportJob("institution", year, institution=name, **common) for name in institutions]
        if annual:
            jobs.append(ReportJob("annual", year, country=country, **common))
    return jobs


def build_reports(
    jobs: Iterable[ReportJob],
    reports_dir: StrPath = REPORTS_DIR,
    workers: int = 2,
    progress: bool = True,
    notebooks_dir: StrPath = NOTEBOOKS_DIR,
    *,
    replace: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
) -> list[ReportOutcome | ReportFailure]:
    """Render ``jobs``, in parallel when ``workers`` > 1, then write the index.

    Return a ReportOutcome or a ReportFailure per job, in the order of ``jobs``. A folder
    that cannot take reports is an OptionError before anything is built.
    """
    from tqdm import tqdm

    writable_folder(reports_dir)
    jobs = list(dict.fromkeys(jobs))
    _check_folders(jobs, reports_dir)
    options = {"replace": replace, "timeout": timeout}
    results = [None] * len(jobs)
    with tqdm(total=len(jobs), desc="reports", unit="report", file=sys.stderr, disable=not progress) as bar:
        if workers <= 1 or len(jobs) <= 1:
            for index, job in enumerate(jobs):
                results[index] = _render(job, reports_dir, notebooks_dir, options)
                bar.update()
        else:
            with worker_pool(min(workers, len(jobs))) as pool:
                futures = {
                    pool.submit(_render, job, reports_dir, notebooks_dir, options): i for i, job in enumerate(jobs)
                }
                for future in as_completed(futures):
                    results[futures[future]] = future.result()
                    bar.update()
    write_index(reports_dir)
    return results


def worker_pool(workers: int) -> ProcessPoolExecutor:
    """Return a process pool whose workers are killed when this process dies, however it dies."""
    return ProcessPoolExecutor(max_workers=workers, initializer=_die_with_parent, initargs=(os.getpid(),))


def _die_with_parent(parent: int) -> None:
    """Ask Linux to kill this worker when its parent goes (a no-op elsewhere)."""
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except AttributeError:
        return
    prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)


def _check_folders(jobs: list[ReportJob], reports_dir: StrPath) -> None:
    """Refuse two different jobs that would write the same folder."""
    seen = {}
    for job in jobs:
        other = seen.setdefault(job.folder(reports_dir), job)
        if other is not job:
            raise OptionError(
                f"{job.label} and {other.label} with other parameters would share {job.folder(reports_dir)}"
            )


def _render(
    job: ReportJob, reports_dir: StrPath, notebooks_dir: StrPath, options: dict[str, Any]
) -> ReportOutcome | ReportFailure:
    """Render one job, turning its ReportError into a record (runs in a worker process)."""
    try:
        return render_report(job, reports_dir, notebooks_dir, **options)
    except ReportError as exc:
        return ReportFailure(job, str(exc))
