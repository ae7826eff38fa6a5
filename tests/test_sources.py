"""Reading inputs: several files, folders and globs, overlapping chunks, CSV layouts, line
ends, text encodings and workbooks. Each expected count is worked out from the rows shown."""

from pathlib import Path

import pandas as pd
import pytest

from analysis.dataset import load_dataset
from analysis.errors import InputFileError, SchemaError, ValidationError

HEADER = "publication_number,publication_date,applicant_name,applicant_country,applicant_sequence\n"


def counts(data, **options):
    """{(year, applicant): published} of the data loaded without the cache."""
    ranked = load_dataset(data, cache=False, **options).ranked
    return {(int(y), a): p for y, a, p in zip(ranked["year"], ranked["applicant"], ranked["published"], strict=False)}


def write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def test_several_files_a_folder_and_a_glob_read_the_same_records(tmp_path):
    folder = tmp_path / "chunks"
    folder.mkdir()
    write(folder / "a.csv", HEADER + "WO2018000001,2018-01-04,Alpha University,CN,1\n")
    write(folder / "b.csv", HEADER + "WO2018000002,2018-02-04,Beta Corp,US,1\n")
    write(folder / ".hidden.csv", HEADER + "WO2018000003,2018-02-04,Hidden Corp,US,1\n")
    write(folder / "notes.md", "not data")
    expected = {(2018, "Alpha University"): 1, (2018, "Beta Corp"): 1}
    assert counts([folder / "a.csv", folder / "b.csv"]) == expected
    assert counts(folder) == expected
    assert counts(str(folder / "*.csv")) == expected


def test_the_same_wo_number_in_two_files_and_four_spellings_counts_once(tmp_path):
    first = write(tmp_path / "a.csv", HEADER + "WO 2015/075742 A2,2015-05-28,Alpha University,CN,1\n")
    second = write(
        tmp_path / "b.csv",
        HEADER
        + "WO2015075742,2015-05-28,Alpha University,CN,1\n"
        + "WO-2015075742-A2,2015-05-28,Alpha University,CN,1\n"
        + "WO/2015/075742,2015-05-28,Alpha University,CN,1\n"
        + "WO/2015/075743,2015-05-28,Alpha University,CN,1\n",
    )
    assert counts([first, second]) == {(2015, "Alpha University"): 2}
    dataset = load_dataset([first, second], cache=False)
    assert dataset.summary.rows == 5 and dataset.summary.applications_by_year == {2015: 2}


def test_overlapping_chunks_keep_the_first_named_applicant_of_the_first_file(tmp_path):
    first = write(
        tmp_path / "a.csv",
        HEADER + "WO2018000001,2018-01-04,Alpha University,CN,1\nWO2018000001,2018-01-04,Beta Corp,US,2\n",
    )
    second = write(tmp_path / "b.csv", HEADER + "WO2018000001,2018-01-04,Alpha University,CN,1\n")
    assert counts([first, second], counting="every-applicant") == {
        (2018, "Alpha University"): 1,
        (2018, "Beta Corp"): 1,
    }
    assert counts([first, second]) == {(2018, "Alpha University"): 1}


def test_a_quoted_field_with_line_breaks_is_one_field_and_later_rows_keep_their_line_numbers(tmp_path):
    path = write(
        tmp_path / "records.csv",
        "publication_number,publication_date,applicant_name,note\n"
        'WO2018000001,2018-01-04,Alpha University,"first line\nsecond line\nthird line"\n'
        "WO2018000002,2018-01-04,Beta Corp,\n"
        "WO2018000003,2018-01-04,,\n",
    )
    with pytest.raises(ValidationError) as caught:
        load_dataset(path, cache=False)
    # Header on line 1, the first record on lines 2–4, Beta Corp on 5, the empty name on 6.
    assert str(caught.value) == f"{path} line 6, applicant_name: is empty"
    write(
        path,
        path.read_text(encoding="utf-8").replace("WO2018000003,2018-01-04,,", "WO2018000003,2018-01-04,Beta Corp,"),
    )
    assert counts(path) == {(2018, "Beta Corp"): 2, (2018, "Alpha University"): 1}


def test_a_blank_line_does_not_shift_the_line_numbers_below_it(tmp_path):
    path = write(
        tmp_path / "records.csv", HEADER + "WO2018000001,2018-01-04,Alpha,CN,1\n\nWO2018000002,2018-01-04,Beta,XX,1\n"
    )
    with pytest.raises(ValidationError, match=r"records\.csv line 4, applicant_country: 'XX'"):
        load_dataset(path, cache=False)


@pytest.mark.parametrize(
    "rows, line, fields",
    [
        ("WO2018000001,2018-01-04,Alpha,CN,1\nWO2018000002,2018-01-04,Beta,CN,1,extra\n", 3, 6),
        ("WO2018000001,2018-01-04,Alpha,CN,1\nWO2018000002,2018-01-04,Beta,CN\n", 3, 4),
        ("WO2018000001,2018-01-04,Alpha,CN,1\nWO2018000002,2018-01-04,Beta,CN,1,\n", 3, 6),
        ("WO2018000001,2018-01-04,Alpha,CN,1,,\nWO2018000002,2018-01-04,Beta,CN,1\n", 2, 7),
        ('WO2018000001,2018-01-04,Alpha,CN,1,"a\nquoted\nnote"\nWO2018000002,2018-01-04,Beta,CN,1,,x\n', 2, 6),
        ('WO2018000001,2018-01-04,Alpha,CN,"1\n"\nWO2018000002,2018-01-04,Beta,CN,1,,x\n', 4, 7),
    ],
)
def test_a_row_with_more_or_fewer_fields_than_the_header_is_an_error_naming_its_line(tmp_path, rows, line, fields):
    path = write(tmp_path / "records.csv", HEADER + rows)
    with pytest.raises(InputFileError) as caught:
        load_dataset(path, cache=False)
    assert str(caught.value) == f"{path} line {line}: {fields} fields where the header has 5"


def test_duplicate_header_names_are_an_error_naming_them(tmp_path):
    path = write(
        tmp_path / "records.csv",
        "publication_number,publication_date,applicant_name,Applicant_Name\nWO2018000001,2018-01-04,A,B\n",
    )
    with pytest.raises(SchemaError) as caught:
        load_dataset(path, cache=False)
    assert str(caught.value) == f"{path}: the header names 'applicant_name', 'Applicant_Name' more than once"


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_lf_crlf_and_cr_line_ends_read_alike_and_name_the_same_line(tmp_path, ending):
    rows = HEADER + "WO2018000001,2018-01-04,Alpha University,CN,1\nWO2018000002,2018-01-04,Beta Corp,CN,1\n"
    path = write(tmp_path / "records.csv", rows.replace("\n", ending))
    assert counts(path) == {(2018, "Alpha University"): 1, (2018, "Beta Corp"): 1}
    write(path, (rows + "WO2018000003,2018-01-04,Gamma,EP,1\n").replace("\n", ending))
    with pytest.raises(ValidationError, match=r"records\.csv line 4, applicant_country: 'EP' is not an ISO 3166-1"):
        load_dataset(path, cache=False)


NAMES = ["Université Paris-Saclay", "Müller GmbH", "Technische Universität München"]


@pytest.mark.parametrize(
    "encoding, prefix, detected",
    [
        ("utf-8", b"", "utf-8"),
        ("utf-8", b"\xef\xbb\xbf", "utf-8-sig"),
        ("utf-16", b"", "utf-16"),
        ("utf-16-le", b"", "utf-16-le"),
        ("utf-16-be", b"", "utf-16-be"),
        ("mac_roman", b"", "mac-roman"),
        ("cp1252", b"", "cp1252"),
    ],
)
def test_text_encodings_are_detected_never_mis_decoded(tmp_path, encoding, prefix, detected):
    text = HEADER + "".join(f"WO20180000{i:02d},2018-01-04,{name},FR,1\n" for i, name in enumerate(NAMES))
    path = tmp_path / "records.csv"
    path.write_bytes(prefix + text.encode(encoding))
    dataset = load_dataset(path, cache=False)
    assert sorted(dataset.ranked["applicant"]) == sorted(NAMES)
    assert [f.encoding for f in dataset.summary.files] == [detected]


def test_latin_1_bytes_outside_windows_1252_are_read_as_latin_1(tmp_path):
    # 0x8D is undefined in Windows-1252, so the file can only be Latin-1 (where it is a C1
    # control, which a name may not hold: the error names the line it is on).
    path = tmp_path / "records.csv"
    path.write_bytes(
        (HEADER + "WO2018000001,2018-01-04,Société Générale,FR,1\n").encode("latin-1")
        + b"WO2018000002,2018-01-04,Bad\x8dName,FR,1\n"
    )
    with pytest.raises(ValidationError) as caught:
        load_dataset(path, cache=False)
    assert str(caught.value) == f"{path} line 3, applicant_name: holds a control character (U+008D)"


def test_an_encoding_set_in_the_mapping_is_used(tmp_path):
    # Mac Roman bytes for "é" (0x8E) read as Windows-1252 would give "Ž": the mapping decides.
    path = tmp_path / "export.csv"
    path.write_bytes("No,Date,Name\nWO2018000001,2018-01-04,Universit\u00e9 de Lyon\n".encode("mac_roman"))
    mapping = write(
        tmp_path / "mapping.yaml",
        "columns: {publication_number: No, publication_date: Date, applicant_name: Name}\nencoding: mac_roman\n",
    )
    assert counts(path, column_map=mapping) == {(2018, "Université de Lyon"): 1}
    write(
        mapping, "columns: {publication_number: No, publication_date: Date, applicant_name: Name}\nencoding: cp1252\n"
    )
    assert counts(path, column_map=mapping) == {(2018, "UniversitŽ de Lyon"): 1}


def test_an_xlsx_workbook_is_read_with_dates_and_row_numbers(tmp_path):
    path = tmp_path / "records.xlsx"
    frame = pd.DataFrame(
        [
            ["WO2018000001", pd.Timestamp("2018-01-04"), "Alpha University", "CN", 1],
            ["WO2018000002", pd.Timestamp("2018-03-04"), "Beta Corp", "ZZ", 1],
        ],
        columns=HEADER.strip().split(","),
    )
    frame.to_excel(path, index=False)
    with pytest.raises(ValidationError) as caught:
        load_dataset(path, cache=False)
    assert str(caught.value) == f"{path} row 3, applicant_country: 'ZZ' is not an ISO 3166-1 alpha-2 country code"
    frame.loc[1, "applicant_country"] = "US"
    frame.to_excel(path, index=False)
    assert counts(path) == {(2018, "Alpha University"): 1, (2018, "Beta Corp"): 1}


def test_a_mapping_reads_banner_lines_a_double_separator_recoding_and_country_names(tmp_path):
    path = write(
        tmp_path / "export.csv",
        "Exported from a search tool\n\n"
        "Number,Published,Applicants,Countries,Type\n"
        "WO/2019/000001,03.01.2019,Alpha Hochschule;;Beta AG,Germany;;Germany,Uni\n"
        "WO/2019/000002,04.01.2019,Beta AG,Germany,Firma\n",
    )
    mapping = write(
        tmp_path / "mapping.yaml",
        "columns:\n  publication_number: Number\n  publication_date: Published\n  applicant_name: Applicants\n"
        "  applicant_country: Countries\n  applicant_sector: Type\n"
        "header_row: 3\ndate_format: '%d.%m.%Y'\nsplit_applicants: ';;'\ncountry_names: true\n"
        "recode:\n  applicant_sector: {Uni: education, Firma: business}\n",
    )
    dataset = load_dataset(path, column_map=mapping, counting="every-applicant", cache=False)
    ranked = dataset.ranked.set_index("applicant")
    assert ranked["published"].to_dict() == {"Beta AG": 2, "Alpha Hochschule": 1}
    assert ranked["country"].to_dict() == {"Beta AG": "DE", "Alpha Hochschule": "DE"}
    assert ranked["sector"].to_dict() == {"Beta AG": "business", "Alpha Hochschule": "education"}


def test_keep_rows_leaves_out_other_rows_and_counts_them(tmp_path):
    path = write(
        tmp_path / "export.csv",
        "No,Date,Name,Jurisdiction\nWO2018000001,2018-01-04,Alpha,WO\nUS2018000001,2018-01-04,Alpha,US\nEP3000000,2018-01-04,Alpha,EP\n",
    )
    mapping = write(
        tmp_path / "mapping.yaml",
        "columns: {publication_number: No, publication_date: Date, "
        "applicant_name: Name}\nkeep_rows:\n  Jurisdiction: [WO]\n",
    )
    dataset = load_dataset(path, column_map=mapping, cache=False)
    assert dataset.summary.set_aside == {"rows not kept by the mapping's keep_rows": 2}
    assert dataset.summary.rows == 1 and dataset.summary.applications_by_year == {2018: 1}


def test_a_header_row_past_the_file_is_one_line(tmp_path):
    path = write(tmp_path / "export.csv", "No,Date,Name\nWO2018000001,2018-01-04,Alpha\n")
    mapping = write(
        tmp_path / "mapping.yaml",
        "columns: {publication_number: No, publication_date: Date, applicant_name: Name}\nheader_row: 50\n",
    )
    with pytest.raises(SchemaError, match=r"export\.csv: no header at row 50"):
        load_dataset(path, column_map=mapping, cache=False)


def test_records_and_aggregated_counts_are_not_mixed(tmp_path):
    records = write(tmp_path / "a.csv", HEADER + "WO2018000001,2018-01-04,Alpha,CN,1\n")
    aggregated = write(tmp_path / "b.csv", "year,applicant_name,published\n2018,Alpha,3\n")
    with pytest.raises(InputFileError, match="mix application-level records and aggregated counts"):
        load_dataset([records, aggregated], cache=False)


def test_a_glob_matching_nothing_and_an_unreadable_parquet_are_one_line(tmp_path):
    with pytest.raises(InputFileError, match=r"nothing-\*\.csv: no file matches this pattern"):
        load_dataset(str(tmp_path / "nothing-*.csv"), cache=False)
    broken = write(tmp_path / "broken.parquet", "not parquet at all")
    with pytest.raises(InputFileError, match=r"broken\.parquet: not a readable Parquet file"):
        load_dataset(broken, cache=False)


def test_a_split_country_cell_needs_one_country_or_one_per_applicant(tmp_path):
    mapping = write(
        tmp_path / "mapping.yaml",
        "columns: {publication_number: No, publication_date: Date, applicant_name: "
        "Names, applicant_country: Countries}\nsplit_applicants: ';'\n",
    )
    path = write(
        tmp_path / "export.csv",
        "No,Date,Names,Countries\nWO2018000001,2018-01-04,Alpha;Gamma,CN\nWO2018000002,2018-01-04,Beta;Alpha,US;CN\n",
    )
    ranked = load_dataset(path, column_map=mapping, counting="every-applicant", cache=False).ranked
    assert dict(zip(ranked["applicant"], ranked["country"], strict=False)) == {
        "Alpha": "CN",
        "Beta": "US",
        "Gamma": "CN",
    }
    write(path, "No,Date,Names,Countries\nWO2018000001,2018-01-04,Alpha;Beta,CN;US;JP\n")
    with pytest.raises(ValidationError) as caught:
        load_dataset(path, column_map=mapping, cache=False)
    assert str(caught.value) == f"{path} line 2, applicant_country: 3 countries for 2 applicants"


def test_a_file_named_twice_is_read_once(tmp_path):
    path = write(
        tmp_path / "records.csv", HEADER + "WO2018000001,2018-01-04,Alpha,CN,1\nWO2018000002,2018-01-04,Alpha,CN,1\n"
    )
    (tmp_path / "link.csv").symlink_to(path)
    dataset = load_dataset(
        [path, str(tmp_path / "rec*.csv"), tmp_path / "link.csv", tmp_path / "." / "records.csv"], cache=False
    )
    assert [str(f.path) for f in dataset.summary.files] == [str(path)]
    assert dataset.summary.rows == 2


@pytest.mark.parametrize(
    "names, encoding",
    [
        (["O\u2019Brien Ltd \u2013 R\u00e9search", "\u201cBest\u201d Corp"], "cp1252"),
        (["O\u2019Brien Universit\u00e9", "Universidad de C\u00f3rdoba", "S\u00e3o Paulo"], "mac_roman"),
        (["\u00c9COLE POLYTECHNIQUE", "\u00d8RSTED A/S"], "mac_roman"),
        (["\u00c9COLE POLYTECHNIQUE", "\u00d8RSTED A/S"], "cp1252"),
    ],
)
def test_curly_quotes_dashes_and_capitals_do_not_mislead_the_encoding(tmp_path, names, encoding):
    # Windows-1252 writes ’ – “ ” in 0x80–0x9F, where Mac Roman writes é, ó, ã: counting
    # bytes there read O’Brien as OíBrien; the letters around them decide.
    path = tmp_path / "records.csv"
    text = HEADER + "".join(f"WO20180000{i:02d},2018-01-04,{name},FR,1\n" for i, name in enumerate(names))
    path.write_bytes(text.encode(encoding))
    assert sorted(load_dataset(path, cache=False).ranked["applicant"]) == sorted(names)


def test_applicants_separated_by_line_breaks_in_a_quoted_cell_are_split(tmp_path):
    mapping = write(
        tmp_path / "mapping.yaml",
        'columns: {publication_number: No, publication_date: Date, applicant_name: Names}\nsplit_applicants: "\\n"\n',
    )
    path = write(
        tmp_path / "export.csv",
        'No,Date,Names\nWO2018000001,2018-01-04,"Alpha\n\nBeta"\nWO2018000002,2018-01-04,"Beta\r\nAlpha"\nWO2018000003,2018-01-04,\n',
    )
    with pytest.raises(ValidationError) as caught:
        load_dataset(path, column_map=mapping, cache=False)
    # Header on line 1, the first record on lines 2–4, the second on 5–6, the empty one on 7.
    assert str(caught.value) == f"{path} line 7, applicant_name: is empty"
    write(
        path, path.read_text(encoding="utf-8").replace("WO2018000003,2018-01-04,\n", "WO2018000003,2018-01-04,Alpha\n")
    )
    dataset = load_dataset(path, column_map=mapping, counting="every-applicant", cache=False)
    assert counts(path, column_map=mapping, counting="every-applicant") == {(2018, "Alpha"): 3, (2018, "Beta"): 2}
    assert dataset.summary.empty_parts == 1


def test_a_name_longer_than_pythons_csv_field_limit_is_read(tmp_path):
    name = "Alpha " + "X" * 200_000
    path = write(
        tmp_path / "records.csv", HEADER + f"WO2018000001,2018-01-04,{name},CN,1\nWO2018000002,2018-01-04,Beta,CN,1\n"
    )
    assert counts(path) == {(2018, name): 1, (2018, "Beta"): 1}


EXPORTS = Path(__file__).resolve().parent / "fixtures" / "exports"


@pytest.mark.parametrize(
    "data",
    [
        EXPORTS / "google" / "gp-search-20261130.csv",
        EXPORTS / "patentscope" / "chunks",
        EXPORTS / "espacenet" / "results_2015.xls",
        EXPORTS / "lens" / "lens_2021.csv",
        EXPORTS / "patstat",
    ],
    ids=["google", "patentscope", "espacenet", "lens", "patstat"],
)
def test_a_large_input_streamed_through_views_counts_as_a_small_one_held_in_a_table(data, monkeypatch):
    small = load_dataset(data, cache=False)
    monkeypatch.setattr("analysis.validate.SMALL_INPUT_BYTES", -1)
    large = load_dataset(data, cache=False)
    pd.testing.assert_frame_equal(small.ranked, large.ranked)
    assert small.summary == large.summary
