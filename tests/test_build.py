"""Building many reports: years, jobs, parallel workers, failures and the index."""

import json
from pathlib import Path

import pytest

from analysis.build import ReportFailure, build_reports, expand_jobs, parse_years, write_index
from analysis.errors import OptionError
from analysis.render import ReportJob, ReportOutcome

NOTEBOOKS = Path(__file__).parent / "fixtures" / "notebooks"


@pytest.mark.parametrize(
    ("text", "years"),
    [("2018", [2018]), ("2016-2019", [2016, 2017, 2018, 2019]), ("2016,2018", [2016, 2018]), (" 2019, 2016-2017 ", [2016, 2017, 2019])],
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
    assert (tmp_path / "_failed" / "2018" / "broken-university" / "report.ipynb").is_file()
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert 'href="2018/example-university/report.html"' in index
    assert 'href="2018/annual-rankings/report.pdf"' in index
    assert "broken-university" not in index


def write_manifest(reports_dir, year, slug, title, subtitle="", kind="institution"):
    folder = reports_dir / str(year) / slug
    folder.mkdir(parents=True)
    report = {"kind": kind, "title": title, "subtitle": subtitle}
    (folder / "manifest.json").write_text(json.dumps({"report": report}), encoding="utf-8")
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
