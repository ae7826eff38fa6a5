"""The command line: each subcommand, and bad input as one line and a non-zero exit."""

import json

import pytest
from cli_runner import run_cli, run_process

from analysis.cli import main

HEADER = "publication_number,publication_date,applicant_name,applicant_country,applicant_sequence\n"


@pytest.fixture
def data(tmp_path):
    path = tmp_path / "records.csv"
    path.write_text(
        HEADER
        + "WO2018000001,2017-05-01,Alpha University,CN,1\n"
        + "WO2018000002,2018-05-01,Alpha University,CN,1\nWO2018000002,2018-05-01,Beta Corp,US,2\n"
        + "WO2018000003,2018-06-01,Beta Corp,US,1\nWO2018000004,2018-06-01,ALPHA UNIV,CN,1\n",
        encoding="utf-8",
    )
    return path


def test_profile_json_has_the_documented_keys(data, capsys):
    assert main(["profile", "--year", "2018", "--institution", "Alpha University", "--data", str(data), "--json"]) == 0
    profile = json.loads(capsys.readouterr().out)
    for key in [
        "institution",
        "year",
        "country",
        "sector",
        "counting",
        "published",
        "rank_overall",
        "rank_sector",
        "rank_sector_country",
        "previous",
        "headline",
    ]:
        assert key in profile
    assert (profile["published"], profile["rank_overall"], profile["previous"]["published"]) == (2, 1, 1)
    assert profile["headline"].startswith("In 2018, Alpha University published 2 PCT applications")


def test_rank_csv_and_json(data, capsys):
    assert main(["rank", "--year", "2018", "--data", str(data), "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(
        "rank,applicant,country,sector,provenance,published_year_minus_2,published_year_minus_1,published,"
    )
    assert lines[1].startswith("1,Alpha University,CN,education,")
    assert (
        main(["rank", "--year", "2018", "--data", str(data), "--format", "json", "--counting", "every-applicant"]) == 0
    )
    rows = json.loads(capsys.readouterr().out)
    assert [(r["applicant"], r["published"], r["rank"]) for r in rows] == [
        ("Alpha University", 2, 1),
        ("Beta Corp", 2, 1),
    ]
    assert {r["counting"] for r in rows} == {"every-applicant"}


def test_rank_in_a_sector_within_a_country(data, capsys):
    assert (
        main(
            [
                "rank",
                "--year",
                "2018",
                "--sector",
                "business",
                "--country",
                "US",
                "--data",
                str(data),
                "--format",
                "json",
            ]
        )
        == 0
    )
    assert [r["applicant"] for r in json.loads(capsys.readouterr().out)] == ["Beta Corp"]


def test_validate_and_applicants(data, capsys):
    assert main(["validate", "--data", str(data)]) == 0
    out = capsys.readouterr().out
    assert "valid; 2 applicants" in out and "Read 1 file (canonical 1): 5 rows." in out
    assert "4 applications counted, published 2017–2018." in out
    assert main(["applicants", "--search", "alpha", "--data", str(data)]) == 0
    assert "Alpha University" in capsys.readouterr().out


def test_unused_aliases_are_noted_only_for_data_that_holds_the_whole_pct_system(data, capsys, monkeypatch):
    """A keyword export lacks most of the reviewed alias table's names by design; data that
    holds the whole year (here: WIPO's totals made as small as the file) can show it stale."""
    assert main(["validate", "--data", str(data)]) == 0
    out = capsys.readouterr().out
    assert "ranks are among the applicants in this data" in out and "alias entr" not in out
    monkeypatch.setattr("analysis.coverage.wipo_totals", lambda: {2017: 1, 2018: 3})
    assert main(["validate", "--data", str(data)]) == 0
    out = capsys.readouterr().out
    assert "ranks are among the applicants in this data" not in out
    assert "alias entries match no name in this data" in out


@pytest.mark.parametrize(
    "args, message",
    [
        (["profile", "--year", "2018", "--institution", "Alpha", "--data", "{missing}"], "no such file"),
        (
            ["profile", "--year", "2030", "--institution", "Alpha University", "--data", "{data}"],
            "year 2030 is not in the data",
        ),
        (
            ["profile", "--year", "2018", "--institution", "Alpha Univrsity", "--data", "{data}"],
            'did you mean: "Alpha University"',
        ),
        (["rank", "--year", "2018", "--data", "{latin}"], "'WO1' is not a WO publication number"),
        (["rank", "--year", "2018", "--data", "{nocolumn}"], "missing column applicant_name"),
        (["validate", "--data", "{baddate}"], "publication_date: '31/02/2018' is not a date"),
        (["validate", "--data", "{empty}"], "the file is empty"),
        (["validate", "--data", "{json}"], "unsupported file type '.json'"),
    ],
)
def test_bad_input_is_one_line_and_a_non_zero_exit(tmp_path, data, args, message):
    files = {
        "missing": tmp_path / "missing.csv",
        "data": data,
        "latin": tmp_path / "latin.csv",
        "nocolumn": tmp_path / "nocolumn.csv",
        "baddate": tmp_path / "baddate.csv",
        "empty": tmp_path / "empty.csv",
        "json": tmp_path / "data.json",
    }
    files["latin"].write_bytes((HEADER + "WO1,2018-01-01,Université,FR,1\n").encode("latin-1"))
    files["nocolumn"].write_text(
        "publication_number,publication_date,applicant_country\nWO2018000001,2018-01-01,FR\n", encoding="utf-8"
    )
    files["baddate"].write_text(HEADER + "WO2018000001,31/02/2018,Alpha,CN,1\n", encoding="utf-8")
    files["empty"].write_bytes(b"")
    files["json"].write_text("{}", encoding="utf-8")
    assert_one_line_error(run_cli(*[a.format(**files) for a in args]), message)


def assert_one_line_error(result, message):
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("pct-report: error: ")
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_usage_error_exits_2_with_the_usage(data):
    """argparse's own exit, as the in-process runner reports it: status 2, usage on stderr."""
    result = run_cli("rank", "--data", data)
    assert result.returncode == 2 and result.stdout == ""
    assert "usage: pct-report rank" in result.stderr and "required: --year" in result.stderr


def test_the_installed_pct_report_script_ranks(data):
    """The entry point the package installs, in a process of its own: what the in-process
    tests call through analysis.cli.main, a user meets through this script."""
    result = run_process("rank", "--year", 2018, "--data", data, "--format", "csv", entry_point=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1].startswith("1,Alpha University,CN,education,")


@pytest.mark.slow  # a second a process
def test_python_m_analysis_refuses_bad_input_in_one_line(tmp_path):
    assert_one_line_error(run_process("rank", "--year", 2018, "--data", tmp_path / "missing.csv"), "no such file")
