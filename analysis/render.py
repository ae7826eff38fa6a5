"""Render one report: execute its notebook, export the page, print the PDF, write the tables
and the manifest, then swap the finished folder in.

Each step is its own module (``execute``, ``export_html``, ``tables``, ``manifest``,
``atomic``; weasyprint prints the PDF in one call here); this one runs them in order, in one
process: three command-line calls cost several times as much. The heavy modules are imported
while the kernel runs. A report is built under its lock in a hidden folder beside its final
place and swapped in only when complete, so a failed build never replaces an earlier good one.
"""

import base64
import os
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analysis import __version__, atomic
from analysis.errors import OptionError, ReportError
from analysis.execute import DEFAULT_TIMEOUT, bundles, execute, outputs, recorded_parameters
from analysis.export_html import Outline, to_html
from analysis.hashing import file_sha256
from analysis.manifest import (
    Manifest,
    code_version,
    data_checksum,
    make_manifest,
    manifest_text,
    package_versions,
    read_manifest,
)
from analysis.paths import NOTEBOOKS_DIR, REPORTS_DIR, StrPath
from analysis.reports import Parameters, ReportKind, report_kind
from analysis.schema import CARD_MIMETYPE, COUNTING_RULES, DEFAULT_TOP, PROVENANCE_MIMETYPE, TABLE_MIMETYPE
from analysis.tables import write_tables

if TYPE_CHECKING:
    from nbformat import NotebookNode

_PATH_PARAMETERS = ("data_path", "column_map")


@dataclass(frozen=True)
class ReportJob:
    """One report to build: its kind and the parameters its notebook takes, by their names."""

    kind: str  # a name in analysis.reports.KINDS
    year: int
    institution: str | None = None
    data_path: str | tuple[str, ...] | None = None  # files, folders or globs
    counting: str = "first-named"
    top_n: int = DEFAULT_TOP
    country: str | None = None
    column_map: str | None = None
    source: str | None = None  # an input format forced by name
    lang: str | None = None  # "zh": the institution report adds its headline in Chinese

    def __post_init__(self) -> None:
        kind = report_kind(self.kind)
        for name in kind.required:
            if not str(getattr(self, name) or "").strip():
                raise OptionError(f"a {kind.name} report needs its {name}")
        if self.counting not in COUNTING_RULES:
            raise OptionError(f"counting rule {self.counting!r} is not one of {', '.join(COUNTING_RULES)}")

    @property
    def spec(self) -> ReportKind:
        """The ReportKind of this job."""
        return report_kind(self.kind)

    @property
    def slug(self) -> str:
        """The report's folder name: always one safe path component.

        A counting rule other than WIPO's is part of the name, so that such a report does
        not replace the default one.
        """
        name = self.spec.folder(self.parameters())
        return name if self.counting == COUNTING_RULES[0] else f"{name}-{self.counting}"

    @property
    def label(self) -> str:
        """Name the report in messages."""
        return self.spec.label(self.parameters())

    def parameters(self) -> Parameters:
        """Return the notebook's parameters; file paths are made absolute for the kernel."""
        spec = self.spec
        values = {name: getattr(self, name) for name in spec.parameters}
        for name in _PATH_PARAMETERS:
            if isinstance(values.get(name), tuple):
                values[name] = [_absolute(path) for path in values[name]]
            elif values.get(name):
                values[name] = _absolute(values[name])
        return {
            name: value for name, value in values.items() if value is not None or name not in spec.notebook_defaults
        }

    def folder(self, reports_dir: StrPath = REPORTS_DIR) -> Path:
        """Return ``reports/<year>/<slug>``; the slug keeps any name inside ``reports_dir``."""
        return Path(reports_dir) / str(int(self.year)) / self.slug

    def failed_folder(self, reports_dir: StrPath = REPORTS_DIR) -> Path:
        """Return where a failed run keeps its executed notebook."""
        return Path(reports_dir) / "_failed" / str(int(self.year)) / self.slug


def _absolute(path: StrPath) -> str:
    """The kernel runs in the project's root: a path relative to here must not change meaning."""
    return str(Path(path).resolve())


@dataclass(frozen=True)
class ReportOutcome:
    """A report that was built, where it is and how long it took."""

    job: ReportJob
    folder: Path
    html: Path
    pdf: Path
    seconds: float
    ok = True  # beside ReportFailure.ok, so callers need no isinstance


def render_report(
    job: ReportJob,
    reports_dir: StrPath = REPORTS_DIR,
    notebooks_dir: StrPath = NOTEBOOKS_DIR,
    *,
    replace: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
) -> ReportOutcome:
    """Build one report into ``job.folder(reports_dir)``; raise ReportError if it fails.

    A report already there that was built from other data is kept, and the build refused,
    unless ``replace``. ``timeout`` bounds the execution of the notebook, in seconds.
    """
    started = time.perf_counter()
    folder = job.folder(atomic.writable_folder(reports_dir))
    folder.parent.mkdir(parents=True, exist_ok=True)
    atomic.clean_leftovers(folder.parent)
    with atomic.report_lock(folder):
        staging = atomic.new_staging(folder)
        try:
            try:
                manifest = _build(job, Path(notebooks_dir) / job.spec.notebook, staging, started, timeout)
            except Exception as exc:
                raise _failure(job, exc, staging / "report.ipynb", job.failed_folder(reports_dir)) from exc
            if not replace:
                _refuse_other_data(job, folder, manifest)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        atomic.publish(staging, folder)
        shutil.rmtree(job.failed_folder(reports_dir), ignore_errors=True)
    return ReportOutcome(job, folder, folder / "report.html", folder / "report.pdf", time.perf_counter() - started)


def _build(job: ReportJob, template: Path, staging: Path, started: float, timeout: float) -> Manifest:
    """Write every file of the report into ``staging``; return its manifest."""
    import papermill  # noqa: F401  before the warm-up thread: both would import jupyter_client

    timings = {}
    warm_up = threading.Thread(target=_warm_up, daemon=True)
    warm_up.start()
    with _timed(timings, "execute"):
        notebook = execute(template, staging / "report.ipynb", job.parameters(), timeout)
    warm_up.join()
    parameters = recorded_parameters(notebook)
    provenance = list(outputs(notebook, PROVENANCE_MIMETYPE))
    inputs = _inputs(parameters, provenance)
    with _timed(timings, "html"):
        page, outline = _to_html(notebook, job.spec, parameters, inputs, template)
        (staging / "report.html").write_text(page, encoding="utf-8")
    with _timed(timings, "pdf"):
        _write_pdf(page, staging)
    with _timed(timings, "tables"):
        tables = write_tables(list(outputs(notebook, TABLE_MIMETYPE)), staging)
        for card in bundles(notebook, CARD_MIMETYPE):
            (staging / "card.png").write_bytes(base64.b64decode(card["image/png"]))
    timings["total"] = round(time.perf_counter() - started, 3)
    title = outline["title_text"] or job.spec.title(parameters)
    manifest = make_manifest(job.spec, title, parameters, inputs, provenance, tables, template, timings)
    (staging / "manifest.json").write_text(manifest_text(manifest), encoding="utf-8")
    return manifest


@contextmanager
def _timed(timings: dict[str, float], step: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    timings[step] = round(time.perf_counter() - started, 3)


@cache
def _warm_up() -> None:
    """Pay for the first export and layout while the kernel works: imports, templates, fonts.

    Once per process; a worker's later reports find everything loaded.
    """
    import nbformat
    import weasyprint

    sample = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Title\n\n## Section")])
    page, _ = to_html(sample, {"title": "", "kicker": "", "subtitle": "", "facts": []})
    weasyprint.HTML(string=page).render()
    code_version(), package_versions()


def _inputs(parameters: Parameters, provenance: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the input files with their checksums (and format), as the notebook reported them.

    The notebook has read the data already; hashing a large file again is only done when
    it reported nothing.
    """
    inputs = [item for record in provenance for item in record.get("inputs", ())]
    if not inputs and parameters.get("data_path"):
        data = parameters["data_path"]
        paths = [Path(path) for path in (data if isinstance(data, list) else [data])]
        inputs = [{"path": path.name, "sha256": file_sha256(path)} for path in paths if path.is_file()]
    return inputs


def _to_html(
    notebook: "NotebookNode",
    kind: ReportKind,
    parameters: Parameters,
    inputs: list[dict[str, Any]],
    template: Path,
) -> tuple[str, Outline]:
    """Render the executed notebook as the report page; the same inputs give the same bytes."""
    facts = [
        ("Made by", f"pct-rankings {__version__} ({code_version()['git']})"),
        ("Notebook", template.name),
        ("Counting", parameters.get("counting", "")),
        *(("Input", _input_fact(item)) for item in inputs),
    ]
    report = {
        "title": kind.title(parameters),
        "kicker": f"Published PCT applications · {parameters.get('year', '')}",
        "subtitle": kind.subtitle(parameters),
        "facts": facts,
    }
    return to_html(notebook, report)


def _input_fact(item: dict[str, Any]) -> str:
    shown = f" ({item['format']})" if item.get("format") else ""
    return f"{Path(item['path']).name}{shown} · SHA-256 {item['sha256'][:16]}…"


def _write_pdf(page: str, folder: Path) -> None:
    """Print the report page to A4 with its print stylesheet."""
    import weasyprint

    weasyprint.HTML(string=page, base_url=str(folder)).write_pdf(folder / "report.pdf")


def _refuse_other_data(job: ReportJob, folder: Path, manifest: Manifest) -> None:
    """Refuse to replace a report built from other data, or a folder that is no report."""
    if not os.path.lexists(folder):
        return
    existing = read_manifest(folder)
    choose = "choose another place with --output DIR, or replace it with --replace"
    if existing is None:
        raise ReportError(f"{job.label}: {folder} exists but holds no report; {choose}")
    before, now = data_checksum(existing), data_checksum(manifest)
    if before and now and before != now:
        raise ReportError(
            f"{job.label}: {folder} holds a report built from other data "
            f"({existing['inputs'][0].get('path', '?')}, SHA-256 {before[:12]}…); {choose}"
        )


def _failure(job: ReportJob, exc: BaseException, executed: Path, failed_folder: Path) -> ReportError:
    """Keep the executed notebook under ``_failed`` and say in one line what went wrong."""
    where = ""
    if executed.exists():
        failed_folder.mkdir(parents=True, exist_ok=True)
        kept = failed_folder / "report.ipynb"
        os.replace(executed, kept)
        where = f"; the executed notebook is kept at {kept}"
    if hasattr(exc, "ename"):  # papermill's PapermillExecutionError
        reason = f"cell In [{exc.exec_count}] raised {exc.ename}: {exc.evalue}"
    else:
        reason = str(exc) if isinstance(exc, ReportError) else f"{type(exc).__name__}: {exc}"
    return ReportError(" ".join(f"{job.label} failed: {reason}{where}".split()))
