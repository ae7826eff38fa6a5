"""Render one report: execute its notebook, then write the HTML, PDF, tables and manifest.

Everything happens in this process (papermill, nbconvert, weasyprint): three command-line
calls cost several times as much. The heavy modules are imported while the kernel runs,
and the HTML exporter is made once per process. A report is built in a temporary folder
beside its final place and swapped in only when complete, so a failed build never
replaces an earlier good one.
"""

import csv
import html
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

from analysis import __version__
from analysis.errors import OptionError, ReportError
from analysis.paths import NOTEBOOKS_DIR, PROJECT_ROOT, REPORTS_DIR, slugify
from analysis.schema import COUNTING_RULES, DEFAULT_TOP, PROVENANCE_MIMETYPE, TABLE_MIMETYPE

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "pct"
NOTEBOOKS = {"institution": "institution_report.ipynb", "annual": "annual_rankings.ipynb"}
HIDDEN_CELL_TAGS = ("parameters", "injected-parameters", "remove-cell")
KEY_PACKAGES = (
    "papermill", "nbconvert", "nbformat", "nbclient", "ipykernel", "weasyprint",
    "pandas", "numpy", "duckdb", "pyarrow", "matplotlib", "openpyxl",
)  # fmt: skip


@dataclass(frozen=True)
class ReportJob:
    """One report to build: its kind, year and the parameters its notebook takes."""

    kind: str  # "institution" | "annual"
    year: int
    institution: str | None = None
    data_path: str | None = None
    counting: str = "first-named"
    top_n: int = DEFAULT_TOP
    country: str | None = None
    column_map: str | None = None

    def __post_init__(self):
        if self.kind not in NOTEBOOKS:
            raise OptionError(f"report kind {self.kind!r} is not one of {', '.join(NOTEBOOKS)}")
        if self.kind == "institution" and not (self.institution or "").strip():
            raise OptionError("an institution report needs the institution's name")
        if self.counting not in COUNTING_RULES:
            raise OptionError(f"counting rule {self.counting!r} is not one of {', '.join(COUNTING_RULES)}")

    @property
    def slug(self):
        """The report's folder name: always one safe path component.

        A chosen country and a counting rule other than WIPO's are part of the name, so
        that such a report does not replace the default one.
        """
        parts = [slugify(self.institution) if self.kind == "institution" else "annual-rankings"]
        if self.kind == "annual" and self.country:
            parts.append(slugify(self.country))
        if self.counting != COUNTING_RULES[0]:
            parts.append(self.counting)
        return "-".join(parts)

    @property
    def label(self):
        """Name the report in messages."""
        if self.kind == "institution":
            return f'institution report "{self.institution}" for {self.year}'
        return f"annual rankings for {self.year}"

    def parameters(self):
        """Return the notebook's parameters; file paths are made absolute for the kernel.

        An annual report without a chosen country keeps its notebook's default.
        """
        common = {
            "year": int(self.year),
            "data_path": _absolute(self.data_path),
            "column_map": _absolute(self.column_map),
            "counting": self.counting,
            "top_n": int(self.top_n),
        }
        if self.kind == "institution":
            return {**common, "institution": self.institution}
        return {**common, "country": self.country} if self.country else common

    def folder(self, reports_dir=REPORTS_DIR):
        """Return ``reports/<year>/<slug>``; the slug keeps any name inside ``reports_dir``."""
        return Path(reports_dir) / str(int(self.year)) / self.slug

    def failed_folder(self, reports_dir=REPORTS_DIR):
        """Return where a failed run keeps its executed notebook."""
        return Path(reports_dir) / "_failed" / str(int(self.year)) / self.slug


def _absolute(path):
    return str(Path(path).resolve()) if path else None


@dataclass(frozen=True)
class ReportOutcome:
    """A report that was built, where it is and how long it took."""

    job: ReportJob
    folder: Path
    html: Path
    pdf: Path
    seconds: float
    ok = True  # beside ReportFailure.ok, so callers need no isinstance


def render_report(job, reports_dir=REPORTS_DIR, notebooks_dir=NOTEBOOKS_DIR):
    """Build one report into ``job.folder(reports_dir)``; raise ReportError if it fails."""
    started = time.perf_counter()
    folder = job.folder(reports_dir)
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        try:
            _build(job, Path(notebooks_dir) / NOTEBOOKS[job.kind], staging, started)
        except Exception as exc:
            raise _failure(job, exc, staging / "report.ipynb", job.failed_folder(reports_dir)) from exc
        _swap(staging, folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    shutil.rmtree(job.failed_folder(reports_dir), ignore_errors=True)
    return ReportOutcome(job, folder, folder / "report.html", folder / "report.pdf", time.perf_counter() - started)


def _build(job, template, staging, started):
    """Write every file of the report into ``staging``."""
    import papermill  # before the warm-up thread: both would import jupyter_client

    timings = {}
    warm_up = threading.Thread(target=_warm_up, daemon=True)
    warm_up.start()
    with _timed(timings, "execute"):
        notebook = _execute(papermill, job, template, staging / "report.ipynb")
    warm_up.join()
    provenance = list(_outputs(notebook, PROVENANCE_MIMETYPE))
    inputs = _inputs(job, provenance)
    with _timed(timings, "html"):
        page = _to_html(notebook, job, inputs, template)
        (staging / "report.html").write_text(page, encoding="utf-8")
    with _timed(timings, "pdf"):
        _write_pdf(page, staging)
    with _timed(timings, "tables"):
        tables = _write_tables(list(_outputs(notebook, TABLE_MIMETYPE)), staging)
    timings["total"] = round(time.perf_counter() - started, 3)
    from analysis.load import file_sha256

    manifest = {
        "report": {"kind": job.kind, "title": _page_title(page), "subtitle": _subtitle(job)},
        "parameters": job.parameters(),
        "inputs": inputs,
        "counting": job.counting,
        "provenance": provenance,
        "tables": tables,
        "code_version": _code_version(),
        "packages": _package_versions(),
        "notebook_template": {"path": template.name, "sha256": file_sha256(template)},
        "timings": timings,
    }
    (staging / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


@contextmanager
def _timed(timings, step):
    started = time.perf_counter()
    yield
    timings[step] = round(time.perf_counter() - started, 3)


@cache
def _warm_up():
    """Pay for the first export and layout while the kernel works: imports, templates, fonts.

    Once per process; a worker's later reports find everything loaded.
    """
    import nbformat
    import weasyprint

    import analysis.load  # noqa: F401  file_sha256 is needed after the kernel; its duckdb takes 0.1 s

    sample = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Title\n\n## Section")])
    report = {"title": "", "kicker": "", "subtitle": "", "facts": []}
    page, _ = _exporter().from_notebook_node(sample, resources={"report": report})
    weasyprint.HTML(string=page).render()
    _code_version(), _package_versions()


def _execute(papermill, job, template, output):
    """Execute the notebook template with the job's parameters; return the executed notebook."""
    if not template.is_file():
        raise ReportError(f"notebook template {template} does not exist")
    return papermill.execute_notebook(
        template,
        output,
        parameters=job.parameters(),
        kernel_name="python3",
        # The project root, so that `import analysis` works without installing the package.
        cwd=str(PROJECT_ROOT),
        progress_bar=False,
        # A polite shutdown sometimes waits seconds for a kernel that ignores it.
        shutdown_kernel="immediate",
        # The kernel warns on stderr of every run that local TCP is unencrypted.
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
    )


def _outputs(notebook, mimetype):
    """Yield the data of every output of ``mimetype``, in notebook order."""
    for cell in notebook.cells:
        for output in cell.get("outputs", ()):
            if mimetype in output.get("data", {}):
                yield output["data"][mimetype]


def _inputs(job, provenance):
    """Return the input files with their checksums, as the notebook reported them.

    The notebook has read the data already; hashing a large file again is only done when
    it reported nothing.
    """
    inputs = [item for record in provenance for item in record.get("inputs", ())]
    if not inputs and job.data_path:
        from analysis.load import file_sha256

        inputs = [{"path": Path(job.data_path).name, "sha256": file_sha256(job.data_path)}]
    return inputs


# HTML -------------------------------------------------------------------------------------

_MARKDOWN_HEADING = re.compile(
    r'<h([1-3]) id="([^"]*)">(.*?)<a class="anchor-link" href="[^"]*">.*?</a></h\1>', re.S
)
_CONTENT_TITLE = re.compile(r'<h1 class="title">(.*?)</h1>(?:\s*<p class="subtitle">(.*?)</p>)?', re.S)
_TAG = re.compile(r"<[^>]+>")
_SCRIPT = re.compile(r"<script\b.*?(?:</script\s*>|$)", re.S | re.I)
_TITLE_ELEMENT = re.compile(r"<title>(.*?)</title>", re.S)


def _text(fragment):
    """Return the plain text of an HTML fragment."""
    return html.unescape(_TAG.sub("", fragment)).strip()


def outline(main, fallback_title):
    """Split rendered cells into the title block, the contents' entries and the body.

    The title is the content's ``<h1 class="title">`` (with its ``<p class="subtitle">``),
    else the first markdown heading of level 1, else ``fallback_title``; it moves into the
    masthead. The contents list the markdown headings of levels 1 to 3 that remain, by the
    ids nbconvert gave them.
    """
    title_html = subtitle_html = None
    found = _CONTENT_TITLE.search(main)
    if found:
        title_html, subtitle_html = found.group(1), found.group(2)
        main = main[: found.start()] + main[found.end() :]
    else:
        first = next((m for m in _MARKDOWN_HEADING.finditer(main) if m.group(1) == "1"), None)
        if first:
            title_html = first.group(3)
            main = main[: first.start()] + main[first.end() :]
    if title_html is None:
        title_html = html.escape(fallback_title)
    entries = [
        {"level": int(level), "id": html.unescape(anchor), "text": _text(text)}
        for level, anchor, text in _MARKDOWN_HEADING.findall(main)
    ]
    return {
        "title_html": title_html,
        "title_text": _text(title_html),
        "subtitle_html": subtitle_html,
        "entries": entries,
        "main": main,
    }


def drop_scripts(fragment):
    """Remove script elements: the report runs no JavaScript and loads nothing."""
    return _SCRIPT.sub("", fragment)


@cache
def _exporter():
    """Make the HTML exporter once per process: loading its templates is the slow part."""
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    # No JavaScript or widget views; the project's JSON outputs match, and show nothing.
    config.NbConvertBase.display_data_priority = [
        "text/html", "text/markdown", "image/svg+xml", "image/png", "image/jpeg", "text/plain",
        TABLE_MIMETYPE, PROVENANCE_MIMETYPE,
    ]  # fmt: skip
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = HIDDEN_CELL_TAGS
    exporter = HTMLExporter(
        config=config,
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    exporter.register_filter("outline", outline)
    exporter.register_filter("drop_scripts", drop_scripts)
    return exporter


def _to_html(notebook, job, inputs, template):
    """Render the executed notebook as the report page; the same inputs give the same bytes."""
    facts = [
        ("Made by", f"pct-rankings {__version__} ({_code_version()['git']})"),
        ("Notebook", template.name),
        ("Counting", job.counting),
        *(("Input", f"{Path(item['path']).name} · SHA-256 {item['sha256'][:16]}…") for item in inputs),
    ]
    resources = {
        "metadata": {"path": str(template.parent)},
        "report": {
            "title": _default_title(job),
            "kicker": f"Published PCT applications · {job.year}",
            "subtitle": _subtitle(job),
            "facts": facts,
        },
    }
    body, _ = _exporter().from_notebook_node(notebook, resources=resources)
    return body


def _default_title(job):
    if job.kind == "institution":
        return f"{job.institution}: PCT applications in {job.year}"
    return f"PCT rankings {job.year}"


def _subtitle(job):
    """Say what the report covers, from its parameters."""
    scope = job.institution if job.kind == "institution" else f"Top {job.top_n} applicants"
    country = f" · {job.country}" if job.kind == "annual" and job.country else ""
    return f"{scope}{country} · {job.year} · {job.counting} counting"


def _page_title(page):
    return html.unescape(_TITLE_ELEMENT.search(page).group(1))


def _write_pdf(page, folder):
    """Print the report page to A4 with its print stylesheet."""
    import weasyprint

    weasyprint.HTML(string=page, base_url=str(folder)).write_pdf(folder / "report.pdf")


# Tables -----------------------------------------------------------------------------------

_UNSAFE_FILE = re.compile(r"[^A-Za-z0-9_-]+")  # keeps the content's slugs; nothing can climb out


def _write_tables(tables, folder):
    """Write each table as ``tables/<name>.csv`` and all as sheets of ``tables.xlsx``.

    Return what was written, for the manifest.
    """
    if not tables:
        return []
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    (folder / "tables").mkdir()
    workbook = Workbook(write_only=True)
    written, names, sheets = [], set(), set()
    for table in tables:
        name = _unique(_UNSAFE_FILE.sub("-", str(table.get("name", ""))).strip("-_")[:80] or "table", names)
        # Excel allows 31 characters and compares sheet names regardless of case.
        sheet_name = _unique(name[:28].lower(), sheets)
        with open(folder / "tables" / f"{name}.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(table["columns"])
            writer.writerows(table["data"])
        sheet = workbook.create_sheet(sheet_name)
        sheet.append(table["columns"])
        for row in table["data"]:
            cells = []
            for value in row:
                cell = WriteOnlyCell(sheet, value if isinstance(value, (int, float, type(None))) else str(value))
                if isinstance(value, str):
                    cell.data_type = "s"  # never a formula, whatever a name starts with
                cells.append(cell)
            sheet.append(cells)
        written.append({"name": name, "caption": table.get("caption", ""), "csv": f"tables/{name}.csv", "sheet": sheet_name})
    workbook.save(folder / "tables.xlsx")
    return written


def _unique(name, taken):
    """Return ``name``, or ``name-2``, ``name-3``… if taken; remember it."""
    candidate, number = name, 1
    while candidate in taken:
        number += 1
        candidate = f"{name}-{number}"
    taken.add(candidate)
    return candidate


# Provenance of the code -------------------------------------------------------------------


@cache
def _code_version():
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
def _package_versions():
    versions = {}
    for name in KEY_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


# Swapping and failing ---------------------------------------------------------------------


def _swap(staging, folder):
    """Put the new report in place of the old; the old one goes only once the new is in."""
    old = None
    if folder.exists():
        old = folder.with_name(f".{folder.name}.old.{os.getpid()}")
        os.rename(folder, old)
    try:
        os.rename(staging, folder)
    except OSError:
        if old is not None:
            os.rename(old, folder)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _failure(job, exc, executed, failed_folder):
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
