"""What counts: WO publications only, once per international application in the year of its
first publication, every value checked and every row left out accounted for."""

import datetime

import pytest

from analysis.dataset import load_dataset
from analysis.errors import ValidationError

HEADER = "publication_number,publication_date,applicant_name,applicant_country,applicant_sequence,kind\n"
NEXT_YEAR = datetime.date.today().year + 1


def write(path, text):
    path.write_text(text, encoding="utf-8", newline="")
    return path


def load(tmp_path, rows, header=HEADER, **options):
    return load_dataset(write(tmp_path / "records.csv", header + rows), cache=False, **options)


def counts(dataset):
    ranked = dataset.ranked
    return {(int(y), a): p for y, a, p in zip(ranked["year"], ranked["applicant"], ranked["published"], strict=False)}


def error(tmp_path, rows, header=HEADER, **options):
    with pytest.raises(ValidationError) as caught:
        load(tmp_path, rows, header, **options)
    return str(caught.value)


def test_only_wo_publications_count_and_the_others_are_counted_by_office(tmp_path):
    rows = (
        "WO2018000001,2018-01-04,Alpha,CN,1,A1\n"
        + "US2018000001A1,2018-01-04,Alpha,CN,1,\n" * 3
        + "EP3000001,2018-01-04,Alpha,CN,1,A1\n" * 2
        + "CN108000001A,2018-01-04,Alpha,CN,1,\n"
    )
    dataset = load(tmp_path, rows)
    assert counts(dataset) == {(2018, "Alpha"): 1}
    assert dataset.summary.non_pct_by_office == {"US": 3, "EP": 2, "CN": 1}
    assert dataset.summary.rows == 7


def test_a1_a2_and_a_number_without_kind_count_once_each(tmp_path):
    rows = (
        "WO2018000001,2018-01-04,Alpha,CN,1,A1\n"
        "WO2018000002,2018-01-04,Alpha,CN,1,A2\n"
        "WO2018000003,2018-01-04,Alpha,CN,1,\n"
        "WO2018000004A1,2018-01-04,Alpha,CN,1,\n"
    )
    assert counts(load(tmp_path, rows)) == {(2018, "Alpha"): 4}


@pytest.mark.parametrize("kind", ["A3", "A4", "A8", "A9"])
def test_a_republication_never_counts_even_without_its_first_publication(tmp_path, kind):
    rows = f"WO2018000001,2018-01-04,Alpha,CN,1,A1\nWO2017000009,2018-03-04,Beta,US,1,{kind}\n"
    dataset = load(tmp_path, rows)
    assert counts(dataset) == {(2018, "Alpha"): 1}
    assert (dataset.summary.republications, dataset.summary.republications_without_first) == (1, 1)


def test_the_a1_and_a3_of_one_application_in_two_years_count_once_in_the_a1_year(tmp_path):
    # The A3 is listed first and in a later year; a kind written in the number counts too.
    rows = "WO2016000001A3,2017-02-01,Alpha,CN,1,\nWO 2016/000001 A1,2016-12-01,Alpha,CN,1,\n"
    dataset = load(tmp_path, rows)
    assert counts(dataset) == {(2016, "Alpha"): 1}
    assert dataset.summary.applications_by_year == {2016: 1}
    assert (dataset.summary.republications, dataset.summary.republications_without_first) == (1, 0)


def test_an_old_two_digit_wo_number_is_one_application(tmp_path):
    rows = (
        "WO 03/012345,2003-02-13,Alpha,CN,1,A1\nWO2003012345,2003-02-13,Alpha,CN,1,A1\n"
        "WO 99/12345,1999-03-18,Alpha,CN,1,A1\n"
    )
    assert counts(load(tmp_path, rows)) == {(1999, "Alpha"): 1, (2003, "Alpha"): 1}


@pytest.mark.parametrize(
    "date, message",
    [
        ("0001-01-01", "0001-01-01 is before 1978, when the first PCT applications were published"),
        ("1900-01-01", "1900-01-01 is before 1978, when the first PCT applications were published"),
        ("1977-12-31", "1977-12-31 is before 1978, when the first PCT applications were published"),
        ("9999-12-31", "9999-12-31 is in the future"),
        (f"{NEXT_YEAR}-01-01", f"{NEXT_YEAR}-01-01 is in the future"),
        ("31/02/2018", "'31/02/2018' is not a date (expected YYYY-MM-DD)"),
    ],
)
def test_a_date_before_1978_in_the_future_or_unreadable_is_an_error_naming_the_row(tmp_path, date, message):
    rows = f"WO2018000001,2018-01-04,Alpha,CN,1,A1\nWO2018000002,{date},Alpha,CN,1,A1\n"
    assert error(tmp_path, rows) == f"{tmp_path / 'records.csv'} line 3, publication_date: {message}"


def test_a_non_pct_row_needs_no_pct_date(tmp_path):
    dataset = load(tmp_path, "WO2018000001,2018-01-04,Alpha,CN,1,A1\nUS2018000001,1900-01-01,Alpha,CN,1,\n")
    assert dataset.summary.non_pct_by_office == {"US": 1}


def test_two_digit_years_resolve_to_the_latest_year_not_in_the_future(tmp_path):
    mapping = write(
        tmp_path / "mapping.yaml",
        "columns: {publication_number: No, publication_date: Date, applicant_name: Name}\ndate_format: '%d.%m.%y'\n",
    )
    path = write(tmp_path / "export.csv", "No,Date,Name\nWO1985000001,04.07.85,Alpha\nWO2024000001,04.07.24,Beta\n")
    assert counts(load_dataset(path, column_map=mapping, cache=False)) == {(1985, "Alpha"): 1, (2024, "Beta"): 1}
    write(path, "No,Date,Name\nWO1985000001,04.07.85,Alpha\nWO1977000001,04.07.77,Beta\n")
    with pytest.raises(ValidationError) as caught:
        load_dataset(path, column_map=mapping, cache=False)
    assert (
        str(caught.value)
        == f"{path} line 3, publication_date: 1977-07-04 is before 1978, when the first PCT applications were published"
    )


@pytest.mark.parametrize("sequence", ["1.5", "0", "-1", "inf", "nan", "first"])
def test_an_applicant_sequence_that_is_not_a_whole_number_from_1_is_an_error(tmp_path, sequence):
    rows = f"WO2018000001,2018-01-04,Alpha,CN,{sequence},A1\n"
    assert (
        error(tmp_path, rows)
        == f"{tmp_path / 'records.csv'} line 2, applicant_sequence: '{sequence}' is not a whole number from 1"
    )


@pytest.mark.parametrize(
    "character, code",
    [
        ("\x00", "U+0000"),
        ("\x07", "U+0007"),
        ("\x1b", "U+001B"),
        ("\x7f", "U+007F"),
        ("\x85", "U+0085"),
        ("\u202e", "U+202E"),
        ("\u2066", "U+2066"),
        ("\u2028", "U+2028"),
    ],
)
def test_a_control_character_in_a_name_is_an_error_naming_the_row(tmp_path, character, code):
    rows = f"WO2018000001,2018-01-04,Alpha,CN,1,A1\nWO2018000002,2018-01-04,Be{character}ta,CN,1,A1\n"
    assert (
        error(tmp_path, rows)
        == f"{tmp_path / 'records.csv'} line 3, applicant_name: holds a control character ({code})"
    )


@pytest.mark.parametrize("country", ["WO", "EP", "ZZ", "XK", "USA"])
def test_a_country_that_is_not_iso_3166_1_alpha_2_is_an_error(tmp_path, country):
    rows = f"WO2018000001,2018-01-04,Alpha,{country},1,A1\n"
    assert error(tmp_path, rows) == (
        f"{tmp_path / 'records.csv'} line 2, applicant_country: '{country}' is not an ISO 3166-1 alpha-2 country code"
    )


def test_a_missing_country_stays_unknown_and_out_of_the_sector_in_country_rank(tmp_path):
    rows = (
        "WO2018000001,2018-01-04,Alpha University,,1,A1\n"
        "WO2018000002,2018-01-04,Alpha University,,1,A1\n"
        "WO2018000003,2018-01-04,Beta University,CN,1,A1\n"
    )
    ranked = load(tmp_path, rows).ranked.set_index("applicant")
    assert ranked.loc["Alpha University", "country"] is None
    assert ranked.loc["Beta University", "country"] == "CN"
    assert ranked["rank_sector"].to_dict() == {"Alpha University": 1, "Beta University": 2}
    assert ranked.loc["Beta University", "rank_sector_country"] == 1
    assert ranked["rank_sector_country"].isna().to_dict() == {"Alpha University": True, "Beta University": False}


def test_a_pct_row_with_no_applicant_is_an_error_in_the_canonical_schema(tmp_path):
    rows = "WO2018000001,2018-01-04,Alpha,CN,1,A1\nWO2018000002,2018-01-04,  ,CN,1,A1\n"
    assert error(tmp_path, rows) == f"{tmp_path / 'records.csv'} line 3, applicant_name: is empty"


def test_a_pct_publication_with_no_applicant_in_an_export_is_counted_in_the_summary(tmp_path):
    # A PATENTSCOPE result list: a banner row, then one row per document; the second names no applicant.
    path = write(
        tmp_path / "resultList.csv",
        "Query: university\n"
        "Publication Number,Publication Date,Title,Application Number,Application Date,Applicants,Inventors,IPC\n"
        "WO2018000001,04.01.2018,A,PCT/CN2017/000001,01.01.2017,Alpha University;Beta Corp,X,A61K\n"
        "WO2018000002,04.01.2018,B,PCT/CN2017/000002,01.01.2017,,X,A61K\n"
        "US2018000001,04.01.2018,C,US15/000001,01.01.2017,Beta Corp,X,A61K\n",
    )
    dataset = load_dataset(path, cache=False)
    assert dataset.summary.no_applicant == 1
    assert dataset.summary.non_pct_by_office == {"US": 1}
    assert counts(dataset) == {(2018, "Alpha University"): 1}


def test_empty_parts_of_a_split_cell_are_dropped_and_counted(tmp_path):
    mapping = write(
        tmp_path / "mapping.yaml",
        "columns: {publication_number: No, publication_date: Date, applicant_name: Names}\nsplit_applicants: ';'\n",
    )
    path = write(
        tmp_path / "export.csv",
        "No,Date,Names\nWO2018000001,2018-01-04,Alpha;;Beta;\nWO2018000002,2018-01-04,Beta; ;Alpha\n",
    )
    dataset = load_dataset(path, column_map=mapping, counting="every-applicant", cache=False)
    assert counts(dataset) == {(2018, "Alpha"): 2, (2018, "Beta"): 2}
    assert dataset.summary.empty_parts == 3
    assert dataset.summary.rows == 2


AGGREGATED = "year,applicant_name,applicant_country,published\n"


@pytest.mark.parametrize(
    "year, published, message",
    [
        ("2018", "inf", "published: 'inf' is not a count of applications"),
        ("2018", "1e309", "published: '1e309' is not a count of applications"),
        ("2018", "nan", "published: 'nan' is not a count of applications"),
        ("2018", "-1", "published: '-1' is not a count of applications"),
        ("2018.5", "3", "year: '2018.5' is not a year from 1978 to this year"),
        ("inf", "3", "year: 'inf' is not a year from 1978 to this year"),
        ("1900", "3", "year: '1900' is not a year from 1978 to this year"),
        (str(NEXT_YEAR), "3", f"year: '{NEXT_YEAR}' is not a year from 1978 to this year"),
    ],
)
def test_aggregated_counts_must_be_finite_and_years_whole(tmp_path, year, published, message):
    rows = f"2018,Alpha,CN,5\n{year},Beta,US,{published}\n"
    assert error(tmp_path, rows, AGGREGATED) == f"{tmp_path / 'records.csv'} line 3, {message}"


def test_a_whole_year_written_as_a_decimal_is_accepted_in_aggregated_counts(tmp_path):
    assert counts(load(tmp_path, "2018.0,Alpha,CN,5\n2018,Beta,US,3\n", AGGREGATED)) == {
        (2018, "Alpha"): 5,
        (2018, "Beta"): 3,
    }


def test_several_problems_are_listed_with_their_files_and_lines(tmp_path):
    first = write(tmp_path / "a.csv", HEADER + "WO2018000001,2018-01-04,Alpha,ZZ,1,A1\n")
    second = write(
        tmp_path / "b.csv", HEADER + "WO2018000002,2018-01-04,Beta,CN,1,A1\nWO2018000003,1970-01-01,Gamma,CN,1.5,A1\n"
    )
    with pytest.raises(ValidationError) as caught:
        load_dataset([first, second], cache=False)
    assert str(caught.value).splitlines()[1:] == [
        f"  - {first} line 2, applicant_country: 'ZZ' is not an ISO 3166-1 alpha-2 country code",
        f"  - {second} line 3, publication_date: 1970-01-01 is before 1978, "
        "when the first PCT applications were published",
        f"  - {second} line 3, applicant_sequence: '1.5' is not a whole number from 1",
    ]
    assert caught.value.total == 3


@pytest.mark.parametrize("number", ["WO 04/012345", "WO20180000", "WO 77/12345", "WO2018", "WO 2018/1234567"])
def test_a_wo_number_that_no_year_could_have_written_is_an_error(tmp_path, number):
    # Two-digit years ran from 1978 to 2003; from 2004 the year has four digits and the serial six.
    rows = f"{number},2018-01-04,Alpha,CN,1,A1\n"
    assert error(tmp_path, rows) == (
        f"{tmp_path / 'records.csv'} line 2, publication_number: "
        f"'{number}' is not a WO publication number (WO2015075742)"
    )
