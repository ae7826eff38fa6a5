"""Lens.org exports in their three layouts, read as Lens delivers them (fixtures written by
tests/fixtures/exports/make_fixtures_b.py)."""

from pathlib import Path

import pytest
from cli_runner import run_cli, run_process

from analysis.dataset import load_dataset
from analysis.errors import ValidationError
from analysis.sources import open_inputs
from analysis.validate import validate_source

LENS = Path(__file__).resolve().parent / "fixtures" / "exports" / "lens"


def _published(dataset, applicant):
    rows = dataset.ranked[dataset.ranked["applicant"].str.casefold() == applicant.casefold()]
    return dict(zip(rows["year"], rows["published"], strict=True))


@pytest.mark.parametrize(
    "file, layout",
    [
        ("lens_2015.csv", "lens-2015"),
        ("lens_2021.csv", "lens-2021"),
        ("lens_2023.csv", "lens-2023"),
    ],
)
def test_each_layout_is_detected(file, layout):
    with open_inputs(LENS / file) as source:
        assert [f.format for f in source.files] == [layout]


def test_mac_roman_export_with_cr_line_ends_decodes_accented_names():
    with open_inputs(LENS / "lens_2015.csv") as source:
        assert source.files[0].encoding == "mac-roman"
        names = {row[0] for row in source.connection.execute("SELECT applicant_name FROM source").fetchall()}
    assert {"TECHNISCHE UNIVERSITÄT MÜNCHEN", "SOCIÉTÉ GÉNÉRALE DE TEST"} <= names


def test_a1_and_a3_of_one_application_count_once_in_the_a1_year():
    dataset = load_dataset(LENS / "lens_2015.csv", cache=False)
    assert _published(dataset, "TECHNISCHE UNIVERSITÄT MÜNCHEN") == {2014: 1}
    assert dataset.summary.republications >= 1


def _lens_2015_with(tmp_path, old, new):
    text = (LENS / "lens_2015.csv").read_bytes().decode("mac_roman").replace(old, new)
    (tmp_path / "lens.csv").write_bytes(text.encode("mac_roman"))
    return tmp_path / "lens.csv"


def test_two_digit_years_take_their_century_from_the_publication_year(tmp_path):
    with pytest.raises(ValidationError, match=r"line 2, publication_date: 1914-01-23 is before 1978"):
        load_dataset(_lens_2015_with(tmp_path, "23/01/14,2014", "23/01/14,1914"), cache=False)


def test_a_date_that_disagrees_with_the_publication_year_is_refused(tmp_path):
    expected = r"line 2, publication_date: '23/01/14' is not a date \(expected DD/MM/YY\)"
    with pytest.raises(ValidationError, match=expected):
        load_dataset(_lens_2015_with(tmp_path, "23/01/14,2014", "23/01/14,2015"), cache=False)


def test_national_publications_are_left_out_and_counted_by_office():
    dataset = load_dataset(LENS / "lens_2021.csv", cache=False)
    assert dataset.summary.non_pct_by_office == {"CN": 1, "EP": 1}
    assert _published(dataset, "ZHEJIANG NATIONAL UNIVERSITY") == {}
    assert _published(dataset, "TSINGHUA UNIVERSITY") == {2018: 1}


def test_applicants_split_on_double_semicolons_first_named_first():
    first = load_dataset(LENS / "lens_2021.csv", cache=False)
    every = load_dataset(LENS / "lens_2021.csv", counting="every-applicant", cache=False)
    assert _published(first, "BEIJING WIDGET CO LTD") == {2018: 1}
    assert _published(every, "BEIJING WIDGET CO LTD") == {2018: 2}
    assert first.summary.empty_parts == 1  # the trailing ";;" of row 1, said in the summary


def test_ipcr_symbols_are_kept_joined_by_semicolons():
    with open_inputs(LENS / "lens_2021.csv") as source:
        ipc = (
            validate_source(source)
            .connection.execute("SELECT DISTINCT ipc FROM counted_records WHERE publication_number = 'WO2018100001'")
            .fetchall()
        )
    assert ipc == [("G06F17/30;H04L29/06",)]


def test_display_key_layout_counts_the_a1_only():
    dataset = load_dataset(LENS / "lens_2023.csv", cache=False)
    assert _published(dataset, "UNIVERSIDAD DE CHILE") == {2022: 1}  # first-named of one of its two
    assert _published(dataset, "ACME CORP") == {2022: 1}


def test_document_keys_are_read_as_publication_numbers(tmp_path):
    text = (LENS / "lens_2023.csv").read_text(encoding="utf-8")
    text = text.replace("WO 2022/200002 A1", "WO_2022_200002_A1_20220310")
    (tmp_path / "lens.csv").write_text(text, encoding="utf-8")
    with open_inputs(tmp_path / "lens.csv") as source:
        counted = validate_source(source).connection.execute("SELECT publication_number FROM counted_records")
        numbers = {n for (n,) in counted.fetchall()}
    assert numbers == {"WO2022200001", "WO2022200002"}


@pytest.mark.parametrize(
    "file, year, applicant",
    [
        ("lens_2015.csv", 2014, "SOCIÉTÉ GÉNÉRALE DE TEST"),
        ("lens_2021.csv", 2018, "TSINGHUA UNIVERSITY"),
        ("lens_2023.csv", 2022, "UNIVERSIDAD DE CHILE"),
    ],
)
def test_rank_command_reads_each_layout(file, year, applicant):
    result = run_cli("rank", "--data", LENS / file, "--year", year, "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert applicant.casefold() in result.stdout.casefold()


@pytest.mark.slow
def test_build_command_renders_the_annual_report_of_a_lens_export(tmp_path):
    result = run_process(
        "build", "--data", LENS / "lens_2021.csv", "--year", 2018, "--annual", "--output", tmp_path, "--quiet"
    )
    assert result.returncode == 0, result.stderr
    assert list(tmp_path.glob("2018/*/report.html"))
