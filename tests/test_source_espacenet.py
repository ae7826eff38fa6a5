"""Espacenet result lists read as downloaded (fixtures written by
tests/fixtures/exports/make_fixtures_a.py): banner rows, several publications, dates and
applicants in one cell, "NAME [CC]" applicants, encodings and line ends."""

import pytest
from cli_runner import run_cli, run_process
from test_source_patentscope import EXPORTS, published, ranking, rewritten

from analysis.cli import main
from analysis.dataset import load_dataset
from analysis.errors import InputFileError, ValidationError
from analysis.names import normalise_name
from analysis.sources import open_inputs

ESPACENET = EXPORTS / "espacenet"
CSV = ESPACENET / "results_2015.csv"
XLS = ESPACENET / "results_2015.xls"
XLSX = ESPACENET / "results_2015.xlsx"
DALIAN, SIEMENS = "DALIAN UNIV OF TECHNOLOGY", "SIEMENS AG"


def raw(path, columns, where="true"):
    """Rows of the raw records the reader makes, before validation and harmonisation."""
    with open_inputs(path) as source:
        return source.connection.execute(f"SELECT DISTINCT {columns} FROM source WHERE {where} ORDER BY ALL").fetchall()


@pytest.mark.parametrize("path", [CSV, XLS, XLSX])
def test_csv_and_xls_downloads_are_detected_below_their_banners(path):
    with open_inputs(path) as source:
        assert [f.format for f in source.files] == ["espacenet"]


def test_sources_command_lists_espacenet(capsys):
    assert main(["sources"]) == 0
    assert "espacenet: Espacenet" in capsys.readouterr().out


@pytest.mark.parametrize("path", [CSV, XLS, XLSX])
def test_each_family_counts_through_its_wo_member(path):
    """Seven families: five name one WO application, one names an A1 and its A3, one only CN and US numbers."""
    dataset = load_dataset(path, cache=False)
    assert (
        published(dataset, DALIAN, 2015),
        published(dataset, SIEMENS, 2015),
        published(dataset, "JOHN SMITH", 2015),
    ) == (3, 2, 1)
    assert dataset.summary.rows == 7
    assert dataset.summary.applications == 6
    assert dataset.summary.non_pct_by_office == {"CN": 1}


def test_the_wo_member_takes_the_date_on_its_own_line(tmp_path):
    """The WO member listed second takes the second date (2015), not the US member's (2016)."""
    path = rewritten(
        CSV,
        tmp_path / "results.csv",
        edit=lambda text: text.replace(
            '"WO2015026896 (A1)\nUS2016123456 (A1)"', '"US2016123456 (A1)\nWO2015026896 (A1)"'
        ).replace('"2015-02-26\n2016-05-05"', '"2016-05-05\n2015-02-26"'),
    )
    rows = raw(path, "publication_number, CAST(publication_date AS VARCHAR)", "publication_number LIKE 'WO2015026896%'")
    assert rows == [("WO2015026896 (A1)", "2015-02-26")]


@pytest.mark.parametrize(
    "dates, written",
    [
        ("2015-02-26", "'2015-02-26'"),
        ('"2015-02-26\n2016-05-05\n2016-06-01"', "'2015-02-26 / 2016-05-05 / 2016-06-01'"),
    ],
)
def test_dates_that_do_not_pair_with_the_numbers_are_an_error_naming_the_line(tmp_path, dates, written):
    path = rewritten(CSV, tmp_path / "results.csv", edit=lambda text: text.replace('"2015-02-26\n2016-05-05"', dates))
    with pytest.raises(ValidationError) as raised:
        load_dataset(path, cache=False)
    count = written.count("/") + 1
    problem = (
        f"  - line 9, publication_date: {written} is not a date (expected YYYY-MM-DD, one per publication number: "
        f"the cell has {count} dates for 2 numbers)"
    )
    assert str(raised.value).splitlines()[1:] == [problem] * 2  # once per applicant of the row


@pytest.mark.parametrize("path", [CSV, XLS, XLSX])
def test_bracketed_codes_become_countries_and_leave_the_names(path):
    assert raw(path, "applicant_name, applicant_country") == [(DALIAN, "CN"), ("JOHN SMITH", None), (SIEMENS, "DE")]


def test_applicants_on_one_line_are_split_after_each_code():
    every = load_dataset(CSV, counting="every-applicant", cache=False)
    assert published(every, DALIAN, 2015) == 4  # …026896, …030001, …060001 (second on one line), …070001
    rows = raw(CSV, "applicant_sequence, applicant_name, applicant_country", "publication_number = 'WO2015060001 (A1)'")
    assert rows == [("1", SIEMENS, "DE"), ("2", DALIAN, "CN")]


def test_a_trailing_line_break_adds_no_empty_applicant_and_ipc_is_joined():
    dataset = load_dataset(CSV, cache=False)
    assert dataset.summary.empty_parts == 0
    assert raw(CSV, "ipc", "publication_number = 'WO2015026896 (A1)'") == [("F03D1/06;F03D80/70",)]


def test_an_empty_applicant_line_is_counted(tmp_path):
    path = rewritten(
        CSV,
        tmp_path / "results.csv",
        edit=lambda text: text.replace(
            '"DALIAN UNIV OF TECHNOLOGY [CN]\nSIEMENS AG [DE]"', '"DALIAN UNIV OF TECHNOLOGY [CN]\n\nSIEMENS AG [DE]"'
        ),
    )
    assert load_dataset(path, cache=False).summary.empty_parts == 1


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_every_encoding_and_line_end_gives_the_same_counts(tmp_path, encoding, newline):
    path = rewritten(
        CSV, tmp_path / "results.csv", encoding, newline, edit=lambda text: text.replace("JOHN SMITH", "JOSÉ SMITH")
    )
    dataset = load_dataset(path, cache=False)
    assert (
        published(dataset, DALIAN, 2015),
        published(dataset, SIEMENS, 2015),
        published(dataset, "JOSÉ SMITH", 2015),
    ) == (3, 2, 1)


@pytest.mark.parametrize(
    "edit, fields",
    [
        (lambda text: text.replace('"52145002";', '"52145002";"extra";'), 13),
        (lambda text: text.replace(';"2014-10-22";"52145002"', ""), 10),
    ],
)
def test_a_row_with_more_or_fewer_fields_is_one_line_naming_file_and_line(tmp_path, edit, fields):
    path = rewritten(CSV, tmp_path / "results.csv", edit=edit)
    with pytest.raises(InputFileError) as raised:
        load_dataset(path, cache=False)
    # Every line ends with ";", so the header counts an empty twelfth field; the second family starts on line 16.
    assert str(raised.value) == f"{path} line 16: {fields} fields where the header has 12"


def test_rank_command_reads_the_csv_download(tmp_path):
    result = run_cli("rank", "--data", CSV, "--year", 2015, "--format", "csv", cache_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    expected = [("1", DALIAN, "3"), ("2", SIEMENS, "2"), ("3", "JOHN SMITH", "1")]
    assert ranking(result.stdout) == [(rank, normalise_name(name), count) for rank, name, count in expected]


@pytest.mark.slow
def test_build_command_renders_the_annual_report_of_an_espacenet_export(tmp_path):
    result = run_process(
        "build",
        "--data",
        XLS,
        "--year",
        2015,
        "--annual",
        "--output",
        tmp_path / "reports",
        "--quiet",
        cache_dir=tmp_path / "cache",
    )
    assert result.returncode == 0, result.stderr
    assert list((tmp_path / "reports").glob("2015/*/report.html"))
