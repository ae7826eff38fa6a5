"""EPO PATSTAT Global deliveries: folders of (part) CSV tables, or archives of them (fixture
written by tests/fixtures/exports/make_fixtures_b.py; its docstring says what it holds)."""

import csv
import importlib.util
import shutil
import zipfile
from pathlib import Path

import duckdb
import pytest
from cli_runner import run_cli, run_process

from analysis.dataset import load_dataset
from analysis.errors import InputFileError, SchemaError, ValidationError
from analysis.load import sql_string
from analysis.paths import DEMO_DATA
from analysis.sources import open_inputs
from analysis.sources.patstat import sector_sql
from analysis.validate import validate_source

PATSTAT = Path(__file__).resolve().parent / "fixtures" / "exports" / "patstat"
PROJECT = Path(__file__).resolve().parents[1]


def _published(dataset, applicant):
    rows = dataset.ranked[dataset.ranked["applicant"].str.casefold() == applicant.casefold()]
    return dict(zip(rows["year"], rows["published"], strict=True))


def _row(dataset, applicant):
    rows = dataset.ranked[dataset.ranked["applicant"].str.casefold() == applicant.casefold()]
    assert len(rows) == 1
    return rows.iloc[0]


@pytest.fixture
def delivery(tmp_path):
    """A copy of the fixture delivery that a test may change."""
    return Path(shutil.copytree(PATSTAT, tmp_path / "patstat"))


def _edit(path, change):
    """Rewrite a CSV table's data rows through ``change(rows)``."""
    with open(path, encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *change(header, rows)])


def test_every_table_of_the_delivery_is_detected_as_patstat():
    assert {f.format for f in open_inputs(PATSTAT).files} == {"patstat"}


def test_first_named_applicant_counts_once_in_the_year_of_the_a1():
    dataset = load_dataset(PATSTAT, cache=False)
    assert _published(dataset, "DALIAN UNIVERSITY OF TECHNOLOGY") == {2018: 1}
    assert _published(dataset, "ACME WIDGETS INC") == {}  # second-named
    every = load_dataset(PATSTAT, counting="every-applicant", cache=False)
    assert _published(every, "ACME WIDGETS INC") == {2018: 1}


def test_persons_sharing_an_applicant_number_are_ordered_by_person_id(delivery):
    def shared(header, rows):
        changed = [[*r[:2], "1", *r[3:]] if r[:2] == ["3", "1"] else r for r in rows]
        return sorted(changed, key=lambda r: r[0] != "3")  # person 3 first in the file

    _edit(delivery / "tls207_pers_appln_part01.csv", shared)
    dataset = load_dataset(delivery, cache=False)
    assert _published(dataset, "DALIAN UNIVERSITY OF TECHNOLOGY") == {2018: 1}  # person_id 1 before 3
    assert _published(dataset, "ACME WIDGETS INC") == {}


def test_inventors_only_are_not_applicants():
    dataset = load_dataset(PATSTAT, counting="every-applicant", cache=False)
    assert _published(dataset, "ZHANG SAN") == {}
    assert dataset.summary.no_applicant == 1  # WO2019000104 names inventors only


def test_national_and_undated_publications_are_set_aside_and_counted():
    dataset = load_dataset(PATSTAT, cache=False)
    assert sorted(dataset.summary.set_aside.values()) == [1, 1]
    assert any("9999-12-31" in reason for reason in dataset.summary.set_aside)
    assert _published(dataset, "ZHEJIANG UNIVERSITY") == {}


def test_country_and_sector_come_from_the_person_table():
    dataset = load_dataset(PATSTAT, counting="every-applicant", cache=False)
    names = ("DALIAN UNIVERSITY OF TECHNOLOGY", "ACME WIDGETS INC", "SEOUL NATIONAL UNIVERSITY")
    dalian, acme, seoul = (_row(dataset, name) for name in names)
    assert (dalian["country"], dalian["sector"]) == ("CN", "education")
    assert (acme["country"], acme["sector"]) == ("US", "business")
    assert seoul["sector"] == "education"  # GOV NON-PROFIT UNIVERSITY
    checked = validate_source(open_inputs(PATSTAT))
    countries = checked.connection.execute(
        "SELECT DISTINCT applicant_country FROM counted_records WHERE applicant_name = 'SEOUL NATIONAL UNIVERSITY'"
    ).fetchall()
    assert countries == [(None,)]  # a blank code is unknown, not guessed


@pytest.mark.parametrize(
    "value, expected",
    [
        ("COMPANY", "business"),
        ("UNIVERSITY", "education"),
        ("GOV NON-PROFIT", "government"),
        ("GOV NON-PROFIT UNIVERSITY", "education"),
        ("HOSPITAL", "other"),
        ("INDIVIDUAL", "individual"),
        ("COMPANY GOV NON-PROFIT", None),
        ("UNKNOWN", None),
        ("  ", None),
        ("MONASTERY", "MONASTERY"),
    ],
)
def test_psn_sector_mapping(value, expected):
    assert duckdb.sql(f"SELECT {sector_sql(sql_string(value))}").fetchall() == [(expected,)]


def test_a_sector_word_patstat_does_not_use_is_named_by_validation(delivery):
    _edit(
        delivery / "tls206_person_part01.csv",
        lambda header, rows: [r[:12] + ["MONASTERY"] + r[13:] if r[0] == "1" else r for r in rows],
    )
    with pytest.raises(ValidationError, match=r"pat_publn_id 101.*'MONASTERY' is not one of"):
        load_dataset(delivery, cache=False)


def test_ipc_symbols_of_the_application_are_kept():
    checked = validate_source(open_inputs(PATSTAT))
    ipc = checked.connection.execute(
        "SELECT DISTINCT ipc FROM counted_records WHERE publication_number = 'WO2018000101'"
    ).fetchall()
    assert ipc == [("A61K  31/00;B01J  21/06",)]


def test_han_names_with_the_patstat_han_source():
    dataset = load_dataset(PATSTAT, counting="every-applicant", source="patstat-han", cache=False)
    assert _published(dataset, "ACME WIDGETS INCORPORATED") == {2018: 1}
    assert _published(dataset, "DALIAN UNIVERSITY OF TECHNOLOGY") == {2018: 1}  # no HAN name: psn_name


def test_persons_of_the_publication_are_preferred_to_those_of_the_application(delivery):
    with open(delivery / "tls227_pers_publn_part01.csv", "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["person_id", "pat_publn_id", "applt_seq_nr", "invt_seq_nr"], [3, 101, 1, 0]])
    dataset = load_dataset(delivery, cache=False)
    assert _published(dataset, "ACME WIDGETS INC") == {2018: 1}
    assert _published(dataset, "SEOUL NATIONAL UNIVERSITY") == {2018: 1}  # no tls227 rows: tls207's


def test_an_archive_of_archives_reads_as_the_folder(tmp_path):
    inner = tmp_path / "tls211_part01.zip"
    with zipfile.ZipFile(inner, "w") as archive:
        for part in PATSTAT.glob("tls211_*"):
            archive.write(part, part.name)
    outer = tmp_path / "data_PATSTAT_Global_01.zip"
    with zipfile.ZipFile(outer, "w") as archive:
        archive.write(inner, inner.name)
        for table in PATSTAT.glob("*.csv"):
            if not table.name.startswith("tls211"):
                archive.write(table, f"csv/{table.name}")
    inner.unlink()
    assert [f.format for f in open_inputs(outer).files] == ["patstat"]
    from_zip, from_folder = load_dataset(outer, cache=False), load_dataset(PATSTAT, cache=False)
    assert from_zip.ranked.equals(from_folder.ranked)


def test_a_missing_part_is_an_error(delivery):
    (delivery / "tls211_pat_publn_part01.csv").unlink()
    with pytest.raises(InputFileError, match=r"tls211 part 1 is missing"):
        load_dataset(delivery, cache=False)


def test_a_missing_table_is_an_error(delivery):
    (delivery / "tls206_person_part01.csv").unlink()
    with pytest.raises(SchemaError, match=r"needs tls206 \(persons\)"):
        load_dataset(delivery, cache=False)


def test_an_applicant_missing_from_the_person_table_is_an_error(delivery):
    _edit(delivery / "tls206_person_part01.csv", lambda header, rows: [r for r in rows if r[0] != "3"])
    with pytest.raises(InputFileError, match=r"pat_publn_id 101: applicant person_id 3 is not in tls206"):
        load_dataset(delivery, cache=False)


def test_a_malformed_line_names_its_part_and_line(delivery):
    with open(delivery / "tls207_pers_appln_part01.csv", "a", encoding="utf-8") as handle:
        handle.write("9,9,1,0,extra\r\n")
    with pytest.raises(InputFileError, match=r"tls207_pers_appln_part01.csv line 8: 5 fields where the header has 4"):
        load_dataset(delivery, cache=False)


def _demo_to_patstat():
    spec = importlib.util.spec_from_file_location("demo_to_patstat", PROJECT / "scripts" / "demo_to_patstat.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow  # reads the demo data
def test_demo_records_written_as_patstat_rank_as_the_records_do(tmp_path):
    sample = tmp_path / "sample.parquet"
    duckdb.sql(f"""
        COPY (SELECT * FROM read_parquet({sql_string(DEMO_DATA)})
              WHERE publication_number IN (
                  SELECT publication_number FROM read_parquet({sql_string(DEMO_DATA)})
                  GROUP BY 1 ORDER BY count(*) DESC, publication_number LIMIT 150)
                 OR hash(publication_number) % 10000 = 0)
        TO {sql_string(sample)} (FORMAT parquet)""")
    assert 300 <= duckdb.sql(f"SELECT count(*) FROM {sql_string(sample)}").fetchall()[0][0] <= 1000
    _demo_to_patstat().write_patstat(tmp_path / "patstat", sample, parts=2)
    assert _ranks(tmp_path / "patstat").equals(_ranks(sample))


RANKED = ["year", "applicant", "country", "sector", "published", "rank_overall", "rank_sector", "rank_sector_country"]


def _ranks(data):
    ranked = load_dataset(data, cache=False).ranked[RANKED]
    return ranked.sort_values(["year", "applicant"]).reset_index(drop=True)


@pytest.mark.parametrize(
    "options, applicant",
    [
        ((), "dalian university of technology"),
        (("--source", "patstat-han", "--counting", "every-applicant"), "acme widgets incorporated"),
    ],
)
def test_rank_command_reads_a_patstat_folder(options, applicant):
    result = run_cli("rank", "--data", PATSTAT, "--year", 2018, "--format", "csv", *options)
    assert result.returncode == 0, result.stderr
    assert applicant in result.stdout.casefold()


@pytest.mark.slow
def test_build_command_renders_the_annual_report_of_a_patstat_folder(tmp_path):
    result = run_process("build", "--data", PATSTAT, "--year", 2018, "--annual", "--output", tmp_path, "--quiet")
    assert result.returncode == 0, result.stderr
    assert list(tmp_path.glob("2018/*/report.html"))
