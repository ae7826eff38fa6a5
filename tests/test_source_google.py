"""Google Patents "Download (CSV)" read as downloaded (fixture written by
tests/fixtures/exports/make_fixtures_a.py): the search URL line, kinds in the id, national
rows, and assignees joined by ", " that also occurs inside names."""

import pytest
from cli_runner import run_cli, run_process
from test_source_patentscope import EXPORTS, published, ranking, rewritten

from analysis.cli import main
from analysis.dataset import load_dataset
from analysis.errors import InputFileError, ValidationError
from analysis.names import normalise_name
from analysis.registry import read_registry
from analysis.sources import open_inputs
from analysis.sources.google_patents import AssigneeSplitter, is_legal_form

GOOGLE = EXPORTS / "google" / "gp-search-20261130.csv"
MICROSOFT = "Microsoft Technology Licensing, Llc"
ASTAR = "Agency For Science, Technology And Research"


def without_url_line(text):
    return text.split("\n", 1)[1]


@pytest.mark.parametrize("edit", [lambda text: text, without_url_line])
def test_detected_with_or_without_the_search_url_line(tmp_path, edit):
    path = rewritten(GOOGLE, tmp_path / "gp.csv", newline="\n", edit=edit)
    with open_inputs(path) as source:
        assert [f.format for f in source.files] == ["google"]


def test_sources_command_lists_google(capsys):
    assert main(["sources"]) == 0
    assert "google: Google Patents" in capsys.readouterr().out


@pytest.mark.parametrize(
    "piece",
    [
        "Llc",
        "Inc.",
        "Ltd.",
        "Co.",
        "S.A.",
        "GmbH",
        "AG",
        "B.V.",
        "Corp",
        "L.L.C.",
        "GmbH & Co. KG",
        "A/S",
        "S.p.A.",
        "S.A. de C.V.",
        "Sdn. Bhd.",
        "Ltda",
        "Pvt. Ltd.",
    ],
)
def test_legal_forms_are_recognised(piece):
    assert is_legal_form(piece)


@pytest.mark.parametrize(
    "piece", ["Nestec S.A.", "Bosch", "Technology And Research", "AG Solutions", "De Nora", "A B C", ""]
)
def test_names_are_not_legal_forms(piece):
    assert not is_legal_form(piece)


@pytest.mark.parametrize(
    "cell, applicants",
    [
        (
            "Samsung Electronics Co., Ltd., Samsung Display Co., Ltd.",
            ["Samsung Electronics Co., Ltd.", "Samsung Display Co., Ltd."],
        ),
        ("Acme Widgets, Inc., Nestec S.A., Bosch GmbH", ["Acme Widgets, Inc.", "Nestec S.A.", "Bosch GmbH"]),
        (f"{MICROSOFT}, {ASTAR}", [MICROSOFT, ASTAR]),
        (f"{ASTAR}, Nanyang Technological University", [ASTAR, "Nanyang Technological University"]),
        ("Jane Doe, , John Roe", ["Jane Doe", "", "John Roe"]),
        ("", [""]),
    ],
)
def test_assignees_split_without_cutting_known_names_or_legal_forms(cell, applicants):
    assert AssigneeSplitter([ASTAR, MICROSOFT]).split(cell) == applicants


def test_a_comma_name_missing_from_the_known_names_stays_ambiguous():
    """Documented: without the registry, A*STAR reads as two applicants."""
    assert AssigneeSplitter().split(ASTAR) == ["Agency For Science", "Technology And Research"]


@pytest.mark.parametrize(
    "known", ["AGENCY FOR SCIENCE, TECHNOLOGY AND RESEARCH", "Agency for Science,Technology and Research"]
)
def test_known_names_match_whatever_their_case_and_spacing(known):
    assert AssigneeSplitter([known]).split(f"{ASTAR}, Acme") == [ASTAR, "Acme"]


@pytest.mark.parametrize("cell", ["", '""', '" "'])
def test_an_empty_assignee_is_a_publication_naming_no_applicant(tmp_path, cell):
    path = rewritten(
        GOOGLE,
        tmp_path / "gp.csv",
        newline="\n",
        edit=lambda text: text.replace(
            "WO-2024160005-A1,A publication naming no applicant,,",
            f"WO-2024160005-A1,A publication naming no applicant,{cell},",
        ),
    )
    summary = load_dataset(path, cache=False).summary
    assert (summary.no_applicant, summary.empty_parts) == (1, 0)


def test_no_registry_name_is_ever_cut():
    known = read_registry().known_names()
    splitter = AssigneeSplitter(known)
    for name in known:
        assert splitter.split(f"Acme Widgets, Inc., {name}, Bosch GmbH") == [
            "Acme Widgets, Inc.",
            name,
            "Bosch GmbH",
        ], name


def test_wo_rows_count_and_national_rows_are_counted_by_office():
    dataset = load_dataset(GOOGLE, cache=False)
    assert published(dataset, MICROSOFT, 2024) == 2
    assert published(dataset, ASTAR, 2024) == 2
    assert published(dataset, "Samsung Electronics Co., Ltd.", 2024) == 1
    assert published(dataset, "Acme Widgets, Inc.", 2024) == 1
    summary = dataset.summary
    assert summary.non_pct_by_office == {"US": 2, "CN": 1, "EP": 1}
    assert (summary.rows, summary.republications, summary.no_applicant, summary.applications) == (12, 1, 1, 6)


def test_every_applicant_is_read_whole_with_no_country():
    with open_inputs(GOOGLE) as source:
        rows = source.connection.execute(
            "SELECT DISTINCT applicant_name, applicant_country FROM source WHERE applicant_name IS NOT NULL ORDER BY 1"
        ).fetchall()
    names = [
        ASTAR,
        "Acme Widgets, Inc.",
        "Bosch GmbH",
        MICROSOFT,
        "Nanyang Technological University",
        "Nestec S.A.",
        "Samsung Display Co., Ltd.",
        "Samsung Electronics Co., Ltd.",
    ]
    assert rows == [(name, None) for name in sorted(names)]
    every = load_dataset(GOOGLE, counting="every-applicant", cache=False)
    for applicant in ("Samsung Display Co., Ltd.", "Nanyang Technological University", "Nestec S.A.", "Bosch GmbH"):
        assert published(every, applicant, 2024) == 1, applicant


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_every_encoding_and_line_end_gives_the_same_counts(tmp_path, encoding, newline):
    def edit(text):
        return text.replace("Nestec S.A.", "Société Nestlé S.A.").replace(
            ",Device,", ',"Device\nwith a line break",', 1
        )

    dataset = load_dataset(
        rewritten(GOOGLE, tmp_path / "gp.csv", encoding, newline, edit), counting="every-applicant", cache=False
    )
    assert published(dataset, MICROSOFT, 2024) == 2
    assert published(dataset, "Société Nestlé S.A.", 2024) == 1


@pytest.mark.parametrize(
    "edit, fields",
    [
        (lambda text: text.replace("WO-2024160004-A1,Device,", "WO-2024160004-A1,Device,extra,"), 11),
        (lambda text: text.replace(",,https://patents.google.com/patent/WO2024160003A1/en,", ""), 7),
    ],
)
def test_a_row_with_more_or_fewer_fields_is_one_line_naming_file_and_line(tmp_path, edit, fields):
    path = rewritten(GOOGLE, tmp_path / "gp.csv", newline="\n", edit=edit)
    with pytest.raises(InputFileError) as raised:
        load_dataset(path, cache=False)
    line = 8 if fields == 11 else 7
    assert str(raised.value) == f"{path} line {line}: {fields} fields where the header has 10"


def test_rank_command_reads_the_csv_download(tmp_path):
    result = run_cli("rank", "--data", GOOGLE, "--year", 2024, "--format", "csv", cache_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    expected = [
        ("1", ASTAR, "2"),
        ("1", MICROSOFT, "2"),
        ("3", "Acme Widgets, Inc.", "1"),
        ("3", "Samsung Electronics Co., Ltd.", "1"),
    ]
    assert ranking(result.stdout) == [(rank, normalise_name(name), count) for rank, name, count in expected]


@pytest.mark.slow
def test_build_command_renders_the_annual_report_of_a_google_export(tmp_path):
    result = run_process(
        "build",
        "--data",
        GOOGLE,
        "--year",
        2024,
        "--annual",
        "--output",
        tmp_path / "reports",
        "--quiet",
        cache_dir=tmp_path / "cache",
    )
    assert result.returncode == 0, result.stderr
    assert list((tmp_path / "reports").glob("2024/*/report.html"))


def test_a_bad_date_below_a_title_on_two_lines_names_the_editors_line(tmp_path):
    def edit(text):
        text = text.replace("WO-2024158987-A1,Device,", 'WO-2024158987-A1,"Device\nwith a line break",')
        return text.replace(
            "2024-01-05,2024-08-02,,https://patents.google.com/patent/WO2024158988A1",
            "2024-01-05,02/08/2024,,https://patents.google.com/patent/WO2024158988A1",
        )

    path = rewritten(GOOGLE, tmp_path / "gp.csv", newline="\n", edit=edit)
    with pytest.raises(ValidationError) as raised:
        load_dataset(path, cache=False)
    assert str(raised.value) == f"{path} line 5, publication_date: '02/08/2024' is not a date (expected YYYY-MM-DD)"
