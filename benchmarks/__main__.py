"""Run every benchmark of issue 5, print the table and write ``benchmarks/RESULTS.md``.

``python -m benchmarks`` runs it all (about 10–15 minutes on 2 cores); ``--quick`` runs
only the 1 M-row rankings, ``--no-50m`` skips the 50 M-row run.
"""

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from statistics import median

from benchmarks import patstat, reports
from benchmarks.data import WORK_DIR
from benchmarks.machine import describe
from benchmarks.measure import python, run
from benchmarks.rankings import FLOOR_SQL, TUNED_FLOOR_SQL

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
KEPT_MARKER = "<!-- Everything below this line is written by hand and kept when the benchmarks run again. -->"
MEMORY_LIMIT_GIB = 8
REPETITIONS = {1_000_000: 3, 10_000_000: 2, 50_000_000: 1}
PANDAS_LIMIT = 10_000_000
"""pandas holds the whole file in memory (4+ GiB at 10 M rows): it is not run beyond this."""


PHASE_LABELS = {
    "count_published": "count_published: the rule's tallies (their reduction ran on a second cursor beside "
    "build_name_map and applicant_attributes) joined to the names, ordered and fetched",
    "file_sha256": "file_sha256 (inputs, aliases, overrides, registry)",
}


@dataclass
class Row:
    """One line of the table: a measure, both sides, the ratio and whether it meets its target."""

    part: str
    measure: str
    project: str
    baseline: str
    ratio: str
    target: str
    met: str


def _seconds(value):
    return f"{value:.2f} s"


def _mib(value):
    return f"{value / 1024:.2f} GiB" if value >= 1024 else f"{value:.0f} MiB"


def _rows_label(rows):
    return f"{rows // 1_000_000} M" if rows % 1_000_000 == 0 else f"{rows:,}"


def prepared_input(size):
    """Write (or find) the input of ``size`` rows in a child process and return its path.

    Linux counts the parent's peak memory at spawn time in every child's ru_maxrss, so the
    parent does no heavy work itself: generating 50 M rows would inflate every later figure.
    """
    return Path(run(python("-m", "benchmarks.data", size)).output["path"])


def rankings(sizes, log):
    """Part 1: each size, each variant in its own process, repetitions interleaved."""
    rows, details = [], []
    for size in sizes:
        path = prepared_input(size)
        variants = ["project", "duckdb", "duckdb_tuned"] + (["pandas"] if size <= PANDAS_LIMIT else [])
        runs = {variant: [] for variant in variants}
        for repetition in range(REPETITIONS[size]):
            for variant in variants:
                log(f"rankings {_rows_label(size)} rows: {variant} ({repetition + 1}/{REPETITIONS[size]})")
                runs[variant].append(run(python("-m", "benchmarks.rankings", variant, path)))
        seconds = {v: median(r.output["seconds"] for r in rs) for v, rs in runs.items()}
        peak = {v: max(r.peak_mib for r in rs) for v, rs in runs.items()}
        label = _rows_label(size)
        ratio = seconds["project"] / seconds["duckdb"]
        rows.append(
            Row(
                "1",
                f"rankings, {label} rows: project / DuckDB floor",
                _seconds(seconds["project"]),
                _seconds(seconds["duckdb"]),
                f"{ratio:.2f} ×",
                "≤ 1.2 ×",
                "yes" if ratio <= 1.2 else "no",
            )
        )
        tuned = seconds["project"] / seconds["duckdb_tuned"]
        rows.append(
            Row(
                "1",
                f"rankings, {label} rows: project / tuned DuckDB floor",
                _seconds(seconds["project"]),
                _seconds(seconds["duckdb_tuned"]),
                f"{tuned:.2f} ×",
                "(≤ 1.2 ×)",
                "yes" if tuned <= 1.2 else "no",
            )
        )
        if "pandas" in seconds:
            speedup = seconds["pandas"] / seconds["project"]
            rows.append(
                Row(
                    "1",
                    f"rankings, {label} rows: pandas / project (speed-up)",
                    _seconds(seconds["project"]),
                    _seconds(seconds["pandas"]),
                    f"{speedup:.2f} × faster",
                    "≥ 3 × faster",
                    "yes" if speedup >= 3 else "no",
                )
            )
        within = peak["project"] <= MEMORY_LIMIT_GIB * 1024
        rows.append(
            Row(
                "1",
                f"rankings, {label} rows: peak memory, project / floor",
                _mib(peak["project"]),
                _mib(peak["duckdb"]),
                f"{peak['project'] / peak['duckdb']:.2f} ×",
                f"≤ {MEMORY_LIMIT_GIB} GiB" if size >= 50_000_000 else "reported",
                ("yes" if within else "no") if size >= 50_000_000 else "—",
            )
        )
        details.append((label, seconds, peak, {v: median(r.seconds for r in rs) for v, rs in runs.items()}))
    return rows, details


def phases(size, log):
    """Where the project's time goes at ``size`` rows (one run with a stopwatch on each step)."""
    log(f"phases of the project at {_rows_label(size)} rows")
    result = run(python("-m", "benchmarks.rankings", "phases", prepared_input(size)))
    return result.output["phases"], result.output["seconds"]


def report_rows(log):
    """Parts 2 and 3, or a "not measured" line saying why."""
    missing = reports.missing_parts()
    if missing:
        return [
            Row(
                "2",
                "one report: pct-report build / papermill floor",
                "—",
                "—",
                f"not measured: {missing}",
                "≤ 1.5 ×",
                "—",
            ),
            Row("3", "20 reports: one build / 20 builds", "—", "—", f"not measured: {missing}", "≤ 0.6 ×", "—"),
        ], {}
    work = WORK_DIR / "reports"
    work.mkdir(parents=True, exist_ok=True)
    log("one report against papermill on a parameters-only notebook (3 runs each)")
    report, floor = reports.one_report(work, 3)
    log("20 reports in one build, then as 20 separate builds")
    together, separate = reports.batch(work)
    one = report.seconds / floor.seconds
    share = together.seconds / separate.seconds
    rows = [
        Row(
            "2",
            "one report (HTML + PDF): pct-report build / papermill floor",
            _seconds(report.seconds),
            _seconds(floor.seconds),
            f"{one:.2f} ×",
            "≤ 1.5 ×",
            "yes" if one <= 1.5 else "no",
        ),
        Row(
            "3",
            f"{reports.BATCH_SIZE} reports: one build / {reports.BATCH_SIZE} builds in a row",
            _seconds(together.seconds),
            _seconds(separate.seconds),
            f"{share:.2f} ×",
            "≤ 0.6 ×",
            "yes" if share <= 0.6 else "no",
        ),
    ]
    return rows, {"report_timings": _report_timings(work / "one")}


def _report_timings(folder):
    """The steps of the last single report, from its manifest."""
    import json

    manifests = sorted(Path(folder).glob("*/*/manifest.json"))
    return json.loads(manifests[-1].read_text(encoding="utf-8")).get("timings", {}) if manifests else {}


def table(rows):
    """Return the table as Markdown."""
    header = ["Part", "Measure", "Project", "Baseline", "Ratio", "Target", "Met"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += [
        "| " + " | ".join([r.part, r.measure, r.project, r.baseline, r.ratio, r.target, r.met]) + " |" for r in rows
    ]
    return "\n".join(lines)


def write_results(machine, rows, details, phase_times, extra, quick):
    kept = ""
    if RESULTS.exists() and KEPT_MARKER in RESULTS.read_text(encoding="utf-8"):
        kept = RESULTS.read_text(encoding="utf-8").split(KEPT_MARKER, 1)[1]
    parts = [
        "# Benchmark results",
        "",
        "Written by `python -m benchmarks` (`make bench`)"
        + (" with `--quick`" if quick else "")
        + ". Every ratio compares two figures measured in the same run; "
        "each variant ran in its own process.",
        "",
        "## Machine",
        "",
    ]
    parts += [f"- **{label}:** {value}" for label, value in machine]
    parts += ["", "## Results", "", table(rows), ""]
    parts += [
        "## Rankings in detail",
        "",
        "Seconds are the work inside the child process (interpreter start and the import of duckdb, "
        "pandas and pyarrow excluded for every variant alike); wall includes them. Peak memory is the "
        "child's maximum resident set size (wait4).",
        "",
        "| Rows | Variant | Seconds (median) | Wall | Peak memory |",
        "|---|---|---|---|---|",
    ]
    for label, seconds, peak, wall in details:
        for variant in seconds:
            parts.append(
                f"| {label} | {variant} | {seconds[variant]:.2f} | {wall[variant]:.2f} | {_mib(peak[variant])} |"
            )
    if phase_times:
        times, total = phase_times
        parts += [
            "",
            f"## Where the project's time goes ({total:.2f} s at 10 M rows, one run)",
            "",
            "| Step | Seconds |",
            "|---|---|",
        ]
        parts += [f"| {PHASE_LABELS.get(name, name)} | {seconds:.2f} |" for name, seconds in times.items()]
        parts += [f"| (rest: Dataset, name look-up dict, imports) | {total - sum(times.values()):.2f} |"]
    if extra.get("report_timings"):
        parts += ["", "## Steps of one report (its manifest)", "", "| Step | Seconds |", "|---|---|"]
        parts += [f"| {name} | {seconds} |" for name, seconds in extra["report_timings"].items()]
    shown = {"path": "'<input>.parquet'", "aliases": "'data/mappings/applicant_aliases.csv'"}
    parts += [
        "",
        "## The DuckDB floor",
        "",
        "The hand-written query, one row per publication carrying its first-named applicant's attributes:",
        "",
        "```sql",
        FLOOR_SQL.format(**shown).strip(),
        "```",
        "",
        "The tuned floor, written the way the project counts (publications reduced to (year, raw name) "
        "tallies first, attributes from a second pass grouped by name):",
        "",
        "```sql",
        TUNED_FLOOR_SQL.format(**shown).strip(),
        "```",
        "",
        "The inputs are the demo data repeated (benchmarks/data.py): copy k renumbers its publications "
        "and moves its dates k × 10 years on, so larger files add years of rankings over the demo's "
        "~85 k distinct spellings.",
        "",
        KEPT_MARKER,
    ]
    RESULTS.write_text("\n".join(parts) + (kept if kept else "\n"), encoding="utf-8")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only the 1 M-row rankings")
    parser.add_argument("--no-50m", action="store_true", help="skip the 50 M-row run")
    args = parser.parse_args(argv)

    def log(message):
        print(f"· {message}", file=sys.stderr, flush=True)

    machine = describe()
    sizes = [1_000_000] if args.quick else [1_000_000, 10_000_000] + ([] if args.no_50m else [50_000_000])
    rows, details = rankings(sizes, log)
    phase_times = None if args.quick else phases(10_000_000, log)
    extra = {}
    if not args.quick:
        more, extra = report_rows(log)
        rows += more
    rows += [Row(*row) for row in patstat.rows(args.quick, log)]
    print(table(rows))
    write_results(machine, rows, details, phase_times, extra, args.quick)
    print(f"\nwritten to {RESULTS}")


if __name__ == "__main__":
    main()
