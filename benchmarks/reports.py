"""Parts 2 and 3: reports through ``pct-report build`` against their baselines.

Part 2, one report (HTML + PDF) against the floor: ``python -m papermill`` on a notebook
that holds only a parameters cell, in the same environment — the cost of starting
papermill and a kernel, which any notebook report pays before doing anything.

Part 3, a batch of 20 institution reports in one ``pct-report build`` (its default two
workers) against the same 20 reports as 20 separate ``pct-report build`` runs, one after
another.

Both sides run with the ranked dataset already in the on-disk cache (one load warms it
before anything is timed), as every report after the first finds it.
"""

import importlib.util
import shutil

import nbformat

from analysis.paths import NOTEBOOKS_DIR
from benchmarks.measure import best_of, python, run

YEAR = 2018
INSTITUTION = "Dalian University of Technology"
BATCH_SIZE = 20


def missing_parts():
    """Return why the report benchmarks cannot run yet, or None when their code has landed."""
    for module in ("analysis.render", "analysis.build"):
        if importlib.util.find_spec(module) is None:
            return f"{module} has not landed yet"
    try:
        from analysis.build import build_reports, expand_jobs  # noqa: F401
        from analysis.render import ReportJob, render_report  # noqa: F401
    except ImportError as error:
        return f"the report machinery does not import ({error})"
    if not (NOTEBOOKS_DIR / "institution_report.ipynb").is_file():
        return "notebooks/institution_report.ipynb has not landed yet"
    return None


def build_command(institutions, output_dir, workers=None):
    command = python("-m", "analysis", "build", "--year", YEAR, "--output-dir", output_dir, "--quiet")
    for name in institutions:
        command += ["--institution", name]
    return command + (["--workers", str(workers)] if workers else [])


def parameters_only_notebook(path):
    """Write the floor's notebook: the institution report's parameters cell and nothing else."""
    cell = nbformat.v4.new_code_cell(
        f'year = {YEAR}\ninstitution = "{INSTITUTION}"\ndata_path = None\ncolumn_map = None\n'
        'counting = "first-named"\ntop_n = 50'
    )
    cell.metadata["tags"] = ["parameters"]
    notebook = nbformat.v4.new_notebook(cells=[cell])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, path)
    return path


def warm_cache():
    """Load the demo dataset once so that its ranked result is in the on-disk cache."""
    run(python("-c", "from analysis.dataset import load_dataset; load_dataset()"))


def one_report(work_dir, repetitions):
    """Return (report Run, papermill floor Run): medians of ``repetitions`` runs each, interleaved."""
    floor_notebook = parameters_only_notebook(work_dir / "parameters_only.ipynb")
    floor = python(
        "-m",
        "papermill",
        floor_notebook,
        work_dir / "parameters_only.out.ipynb",
        "-p",
        "year",
        YEAR,
        "-p",
        "institution",
        INSTITUTION,
        "--kernel",
        "python3",
        "--no-progress-bar",
    )
    report = build_command([INSTITUTION], work_dir / "one", workers=1)
    warm_cache()
    runs = {"report": [], "floor": []}
    for _ in range(repetitions):
        runs["floor"].append(best_of(floor, 1))
        runs["report"].append(best_of(report, 1))
    return tuple(_median_run(runs[name]) for name in ("report", "floor"))


def batch_institutions():
    """The 20 institutions of the batch: the year's top educational institutions in the demo
    data (found in a child process, to keep this one small: see measure.run)."""
    code = (
        "import json; from analysis.dataset import load_dataset; from analysis.ranking import ranking_table; "
        f"table = ranking_table(load_dataset().ranked, {YEAR}, sector='education', top={BATCH_SIZE}); "
        f"print(json.dumps({{'institutions': table['applicant'].head({BATCH_SIZE}).tolist()}}))"
    )
    return run(python("-c", code)).output["institutions"]


def batch(work_dir):
    """Return (one build of 20 reports, 20 builds of one report, one after another) as Runs."""
    warm_cache()
    institutions = batch_institutions()
    shutil.rmtree(work_dir / "batch", ignore_errors=True)
    shutil.rmtree(work_dir / "separate", ignore_errors=True)
    together = run(build_command(institutions, work_dir / "batch"))
    separate = [run(build_command([name], work_dir / "separate")) for name in institutions]
    total = sum(r.seconds for r in separate)
    return together, type(together)(total, max(r.peak_mib for r in separate), {})


def _median_run(runs):
    ordered = sorted(runs, key=lambda r: r.seconds)
    middle = ordered[len(ordered) // 2]
    return type(middle)(middle.seconds, max(r.peak_mib for r in runs), middle.output)
