"""PATENTSCOPE result lists read as downloaded (fixtures written by
tests/fixtures/exports/make_fixtures_a.py): banner rows, national rows beside WO ones,
applicants separated by ";", overlapping chunks, encodings and line ends."""

import csv
import io
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from cli_runner import run_cli, run_process

from analysis.cli import main
from analysis.dataset import load_dataset
from analysis.errors import (
    InputFileError,
    SchemaError,
    UnknownInstitutionError,
    ValidationError,
)
from analysis.names import normalise_name
from analysis.sources import open_inputs
from analysis.sources.files import read_head
from analysis.sources.patentscope import detect

EXPORTS = Path(__file__).resolve().parent / "fixtures" / "exports"
PATENTSCOPE = EXPORTS / "patentscope"
CHUNKS = PATENTSCOPE / "chunks"
HEADER = [
    "Publication Number",
    "Publication Date",
    "Title",
    "Application Number",
    "Application Date",
    "Applicants",
    "Inventors",
    "IPC",
]


def published(dataset, spelling, year):
    """The count in ``year`` of the applicant a spelling of the export refers to (the reviewed
    registry may name it otherwise), 0 when it is not ranked."""
    try:
        applicant = dataset.resolve(spelling)
    except UnknownInstitutionError:
        return 0
    rows = dataset.ranked[(dataset.ranked["applicant"] == applicant) & (dataset.ranked["year"] == year)]
    return int(rows["published"].sum())


def ranking(output):
    """(rank, applicant's comparison key, published) of each row of `rank --format csv`."""
    return [(r["rank"], normalise_name(r["applicant"]), r["published"]) for r in csv.DictReader(io.StringIO(output))]


def rewritten(source, target, encoding="utf-8", newline="\r\n", edit=lambda text: text):
    """Write the text of a fixture again in another encoding or with other line ends."""
    raw = source.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    text = edit(text.replace("\r\n", "\n")).replace("\n", newline)
    target.write_bytes(text.encode(encoding))
    return target


@pytest.mark.parametrize(
    "path", [PATENTSCOPE / "resultList.xls", PATENTSCOPE / "resultList_2016.xlsx", CHUNKS / "resultList_2016_part1.csv"]
)
def test_each_download_is_detected_below_its_query_banner(path):
    with open_inputs(path) as source:
        assert [f.format for f in source.files] == ["patentscope"]


def test_sources_command_lists_patentscope(capsys):
    assert main(["sources"]) == 0
    assert "patentscope: PATENTSCOPE" in capsys.readouterr().out


def test_a_lens_header_with_the_same_names_is_not_taken_for_patentscope(tmp_path):
    lens = tmp_path / "lens.csv"
    lens.write_text(
        "#,Jurisdiction,Kind,Publication Number,Lens ID,Publication Date,Application Number,Applicants\n",
        encoding="utf-8",
    )
    assert not detect(read_head(lens))


def test_national_rows_are_left_out_and_counted_by_office():
    """Acme has 9 WO and 72 national publications in the keyword export: it gets 9."""
    dataset = load_dataset(PATENTSCOPE / "resultList.xls", cache=False)
    assert published(dataset, "ACME ROBOTICS CO., LTD.", 2015) == 9
    assert dataset.summary.non_pct_by_office == {"CN": 20, "US": 20, "EP": 12, "JP": 10, "KR": 10}
    assert dataset.summary.rows == 9 + 72 + 5


def test_applicants_split_at_semicolons_keep_the_commas_of_names():
    dataset = load_dataset(PATENTSCOPE / "resultList.xls", cache=False)
    ranks = dict(zip(dataset.ranked["applicant"], dataset.ranked["rank_overall"], strict=False))
    assert published(dataset, "MINVIELLE, EUGENIO", 2015) == 2
    assert published(dataset, "DALIAN UNIVERSITY OF TECHNOLOGY", 2015) == 3
    order = [
        ranks[dataset.resolve(n)]
        for n in ("ACME ROBOTICS CO., LTD.", "DALIAN UNIVERSITY OF TECHNOLOGY", "MINVIELLE, EUGENIO")
    ]
    assert order == [1, 2, 3]
    assert dataset.summary.empty_parts == 1  # "DALIAN …; SIEMENS …; " ends with an empty part
    every = load_dataset(PATENTSCOPE / "resultList.xls", counting="every-applicant", cache=False)
    assert published(every, "SIEMENS AKTIENGESELLSCHAFT", 2015) == 2


def test_ipc_symbols_are_joined_by_semicolons_and_countries_stay_unknown():
    with open_inputs(PATENTSCOPE / "resultList.xls") as source:
        rows = source.connection.execute(
            "SELECT ipc, applicant_country FROM source WHERE publication_number = 'WO2015100001'"
        ).fetchall()
    assert rows == [("B25J 15/00;B25J 9/16", None)]


@pytest.mark.parametrize(
    "data",
    [CHUNKS, str(CHUNKS / "*.csv"), [CHUNKS / "resultList_2016_part1.csv", CHUNKS / "resultList_2016_part2.csv"]],
)
def test_overlapping_chunks_count_each_publication_once(data):
    dataset = load_dataset(data, cache=False)
    assert published(dataset, "UNIVERSITÉ DE GENÈVE", 2016) == 2
    assert published(dataset, "NESTEC S.A.", 2016) == 2
    assert dataset.summary.applications == 4
    assert dataset.summary.non_pct_by_office == {"CH": 1}


def test_chunks_in_windows_1252_and_utf8_with_bom_read_the_same_names():
    with open_inputs(CHUNKS) as source:
        assert [f.encoding for f in source.files] == ["cp1252", "utf-8-sig"]
        names = {row[0] for row in source.connection.execute("SELECT DISTINCT applicant_name FROM source").fetchall()}
    assert names == {"UNIVERSITÉ DE GENÈVE", "NESTEC S.A."}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_every_encoding_and_line_end_gives_the_same_counts(tmp_path, encoding, newline):
    path = rewritten(CHUNKS / "resultList_2016_part2.csv", tmp_path / "part2.csv", encoding, newline)
    dataset = load_dataset(path, cache=False)
    assert published(dataset, "NESTEC S.A.", 2016) == 2  # WO2016000103, and WO2016000104 whose title spans two lines
    assert published(dataset, "UNIVERSITÉ DE GENÈVE", 2016) == 1


@pytest.mark.parametrize(
    "edit, fields",
    [
        (lambda text: text.replace("WO2016000102,", "WO2016000102,extra,"), 9),
        (
            lambda text: text.replace(
                '02.07.2015,UNIVERSITÉ DE GENÈVE; NESTEC S.A.,"MÜLLER, Jörg",A23C 19/02\n', "02.07.2015\n"
            ),
            5,
        ),
    ],
)
def test_a_row_with_more_or_fewer_fields_is_one_line_naming_file_and_line(tmp_path, edit, fields):
    path = rewritten(CHUNKS / "resultList_2016_part1.csv", tmp_path / "part1.csv", edit=edit)
    with pytest.raises(InputFileError) as raised:
        load_dataset(path, cache=False)
    assert str(raised.value) == f"{path} line 5: {fields} fields where the header has 8"


def test_a_date_not_written_dd_mm_yyyy_is_an_error_naming_its_line(tmp_path):
    path = rewritten(
        CHUNKS / "resultList_2016_part1.csv",
        tmp_path / "part1.csv",
        edit=lambda t: t.replace("07.01.2016", "2016/01/07"),
    )
    with pytest.raises(ValidationError) as raised:
        load_dataset(path, cache=False)
    assert str(raised.value) == f"{path} line 4, publication_date: '2016/01/07' is not a date (expected DD.MM.YYYY)"


def test_a_date_typed_by_the_workbook_is_read(tmp_path):
    book = openpyxl.Workbook()
    for row in [
        [""],
        ["Query: PA:(nestec)"],
        HEADER,
        [
            "WO2016000103",
            datetime(2016, 1, 21),
            "Rösti",
            "PCT/CH2015/000003",
            datetime(2015, 7, 3),
            "NESTEC S.A.",
            "DUPONT, Zoë",
            "A23L 19/12",
        ],
    ]:
        book.active.append(row)
    book.save(tmp_path / "typed.xlsx")
    assert published(load_dataset(tmp_path / "typed.xlsx", cache=False), "NESTEC S.A.", 2016) == 1


def test_a_file_forced_to_patentscope_without_its_header_is_refused(tmp_path):
    other = tmp_path / "other.csv"
    other.write_text("number,date,who\nWO2015000001,01.01.2015,A\n", encoding="utf-8")
    with pytest.raises(SchemaError, match="other.csv: not a PATENTSCOPE export"):
        open_inputs(other, source="patentscope")


def test_rank_command_reads_the_xls_download(tmp_path):
    result = run_cli(
        "rank", "--data", PATENTSCOPE / "resultList.xls", "--year", 2015, "--format", "csv", cache_dir=tmp_path
    )
    assert result.returncode == 0, result.stderr
    expected = [
        ("1", "ACME ROBOTICS CO., LTD.", "9"),
        ("2", "DALIAN UNIVERSITY OF TECHNOLOGY", "3"),
        ("3", "MINVIELLE, EUGENIO", "2"),
    ]
    assert ranking(result.stdout) == [(rank, normalise_name(name), count) for rank, name, count in expected]


@pytest.mark.slow
def test_build_command_renders_the_annual_report_of_patentscope_chunks(tmp_path):
    result = run_process(
        "build",
        "--data",
        CHUNKS / "*.csv",
        "--year",
        2016,
        "--annual",
        "--output",
        tmp_path / "reports",
        "--quiet",
        cache_dir=tmp_path / "cache",
    )
    assert result.returncode == 0, result.stderr
    assert list((tmp_path / "reports").glob("2016/*/report.html"))
