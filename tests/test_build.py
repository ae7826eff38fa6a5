"""Building many reports: years, jobs, parallel workers, failures and the index."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.build import ReportFailure, build_reports, expand_jobs, parse_years, write_index
from analysis.errors import OptionError
from analysis.render import ReportJob, ReportOutcome

pytestmark = pytest.mark.slow  # executes notebooks

NOTEBOOKS = Path(__file__).parent / "fixtures" / "notebooks"


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("2018", [2018]),
        ("2016-2019", [2016, 2017, 2018, 2019]),
        ("2016,2018", [2016, 2018]),
        (" 2019, 2016-2017 ", [2016, 2017, 2019]),
    ],
)
def test_parse_years_reads_lists_and_ranges(text, years):
    assert parse_years(text) == years


@pytest.mark.parametrize("text", ["", "18", "2019-2016", "2016..2018", "2016,"])
def test_parse_years_rejects_what_is_not_a_year(text):
    with pytest.raises(OptionError):
        parse_years(text)


def test_expand_jobs_makes_one_per_year_and_institution_plus_annual():
    jobs = expand_jobs([2017, 2018], ["A", "B"], annual=True, counting="fractional", top_n=10, country="CN")
    assert [(job.kind, job.year, job.institution) for job in jobs] == [
        ("institution", 2017, "A"), ("institution", 2017, "B"), ("annual", 2017, None),
        ("institution", 2018, "A"), ("institution", 2018, "B"), ("annual", 2018, None),
    ]  # fmt: skip
    assert {job.counting for job in jobs} == {"fractional"} and {job.top_n for job in jobs} == {10}
    assert [job.country for job in jobs if job.kind == "annual"] == ["CN", "CN"]
    assert all(job.country is None for job in jobs if job.kind == "institution")


def test_jobs_that_would_share_a_folder_are_refused(tmp_path):
    jobs = [ReportJob("institution", 2018, "A"), ReportJob("institution", 2018, "A", top_n=10)]
    with pytest.raises(OptionError, match="share"):
        build_reports(jobs, tmp_path, progress=False, notebooks_dir=NOTEBOOKS)


def test_batch_runs_in_workers_and_collects_failures(tmp_path):
    jobs = [
        ReportJob("institution", 2018, "Example University"),
        ReportJob("institution", 2018, "Broken University", top_n=0),
        ReportJob("annual", 2018),
    ]
    results = build_reports(jobs, tmp_path, workers=2, progress=False, notebooks_dir=NOTEBOOKS)
    assert [type(result) for result in results] == [ReportOutcome, ReportFailure, ReportOutcome]
    assert [result.ok for result in results] == [True, False, True]
    assert [result.job for result in results] == jobs
    assert "top_n must be at least 1" in results[1].error
    assert (jobs[1].failed_folder(tmp_path) / "report.ipynb").is_file()
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert f'href="2018/{jobs[0].slug}/report.html"' in index
    assert 'href="2018/annual-rankings/report.pdf"' in index
    assert "broken-university" not in index


def write_manifest(reports_dir, year, slug, title, subtitle="", kind="institution", **fields):
    folder = reports_dir / str(year) / slug
    folder.mkdir(parents=True)
    report = {"kind": kind, "title": title, "subtitle": subtitle}
    (folder / "manifest.json").write_text(json.dumps({"report": report, **fields}), encoding="utf-8")
    (folder / "report.html").write_text("", encoding="utf-8")
    return folder


def test_index_escapes_hostile_titles(tmp_path):
    write_manifest(tmp_path, 2018, "x", "<script>alert(1)</script>", subtitle='"quoted" & <b>bold</b>')
    index = write_index(tmp_path).read_text(encoding="utf-8")
    assert "<script" not in index
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in index
    assert "&quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt;" in index


def test_index_lists_newest_year_first_and_skips_hidden_and_failed_folders(tmp_path):
    write_manifest(tmp_path, 2017, "a", "Old")
    write_manifest(tmp_path, 2019, "b", "New")
    write_manifest(tmp_path, 2019, ".b.tmp123", "Staging")
    write_manifest(tmp_path / "_failed", 2019, "c", "Failed")
    index = write_index(tmp_path).read_text(encoding="utf-8")
    assert index.index("New") < index.index("Old")
    assert "Staging" not in index and "Failed" not in index
    assert 'href="2019/b/report.html"' in index and "report.pdf" not in index


def test_index_shows_the_data_counting_build_time_and_edited_notebooks(tmp_path):
    inputs = [
        {"path": "data/my export.xlsx", "sha256": "ab" * 32, "format": "xlsx"},
        {"path": "aliases.csv", "sha256": "cd" * 32},
    ]
    template = {"path": "institution_report.ipynb", "uncommitted_edits": True}
    write_manifest(
        tmp_path,
        2018,
        "a",
        "Edited",
        inputs=inputs,
        counting="fractional",
        built="2026-12-02T12:00:00+00:00",
        notebook_template=template,
    )
    write_manifest(tmp_path, 2018, "b", "Clean", notebook_template={"uncommitted_edits": False})
    index = write_index(tmp_path).read_text(encoding="utf-8")
    assert "my export.xlsx (xlsx)<br>aliases.csv</td><td>fractional</td><td>2026-12-02T12:00:00+00:00" in index
    assert index.count("uncommitted edits") == 1


def test_index_skips_reports_whose_manifest_is_missing_or_half_written(tmp_path):
    write_manifest(tmp_path, 2018, "whole", "Whole")
    (write_manifest(tmp_path, 2018, "half", "Half") / "manifest.json").write_text(
        '{"report": {"title": "Ha', encoding="utf-8"
    )
    (tmp_path / "2018" / "gone").mkdir()
    index = write_index(tmp_path).read_text(encoding="utf-8")
    assert "Whole" in index and "Half" not in index and "1 report<" in index
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2018", "index.html"]  # no partial file left


def test_a_file_in_place_of_the_output_folder_is_one_line(tmp_path):
    (tmp_path / "reports").write_text("", encoding="utf-8")
    for where in (tmp_path / "reports", tmp_path / "reports" / "inside"):
        with pytest.raises(
            OptionError, match=f"^{where}: cannot write reports there, a file is in the way of the folder$"
        ):
            build_reports([ReportJob("annual", 2018)], where, progress=False, notebooks_dir=NOTEBOOKS)


def test_an_output_folder_without_permission_is_one_line_and_exit_2(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    command = [
        sys.executable,
        "-m",
        "analysis",
        "build",
        "--year",
        "2018",
        "--annual",
        "--output",
        str(locked / "reports"),
    ]
    if os.geteuid() == 0:  # root writes anywhere unless it gives up the capabilities that let it
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", *command]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr == f"pct-report: error: {locked / 'reports'}: cannot write reports there (permission denied)\n"


def test_build_flags_reach_the_notebooks_as_their_parameters(monkeypatch, tmp_path):
    import analysis.build
    from analysis.cli import main

    calls = []
    monkeypatch.setattr(
        analysis.build, "build_reports", lambda jobs, where, **options: calls.append((jobs, where, options)) or []
    )
    flags = [
        "--data",
        "d.csv",
        "--source",
        "lens",
        "--columns",
        "m.yaml",
        "--counting",
        "fractional",
        "--top",
        "7",
        "--country",
        "JP",
    ]
    assert (
        main(
            [
                "build",
                "--year",
                "2018",
                "--institution",
                "A",
                "--annual",
                *flags,
                "--output-dir",
                str(tmp_path),
                "--timeout",
                "9",
                "--replace",
            ]
        )
        == 0
    )
    (jobs, where, options) = calls[0]
    common = {
        "year": 2018,
        "data_path": str(Path("d.csv").resolve()),
        "source": "lens",
        "column_map": str(Path("m.yaml").resolve()),
        "counting": "fractional",
        "top_n": 7,
    }
    assert [job.parameters() for job in jobs] == [{**common, "institution": "A"}, {**common, "country": "JP"}]
    assert where == tmp_path and options["timeout"] == 9 and options["replace"] is True
    main(["build", "--year", "2018", "--annual", "--data", "a.csv", "exports/*.xlsx", "--output-dir", str(tmp_path)])
    assert calls[1][0][0].parameters()["data_path"] == [
        str(Path("a.csv").resolve()),
        str(Path("exports/*.xlsx").resolve()),
    ]
