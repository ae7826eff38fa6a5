"""Input formats, column mappings and every validation error, each naming file, row and column."""

import pandas as pd
import pytest

from analysis.dataset import load_dataset
from analysis.errors import InputFileError, MappingError, SchemaError, ValidationError
from analysis.sources.mapping import ColumnMap, read_column_map

ROWS = [
    ["WO2018000001", "2018-01-04", "Dalian University of Technology", "CN", 1, "education"],
    ["WO2018000001", "2018-01-04", "Acme Corp", "US", 2, "business"],
    ["WO2018000002", "2018-02-04", "Acme Corp", "US", 1, "business"],
]
HEADER = [
    "publication_number",
    "publication_date",
    "applicant_name",
    "applicant_country",
    "applicant_sequence",
    "applicant_sector",
]


def counts(path, **options):
    ranked = load_dataset(path, **options).ranked
    return dict(zip(ranked["applicant"], ranked["published"], strict=False))


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".parquet", ".xlsx"])
def test_every_supported_format_gives_the_same_counts(tmp_path, suffix):
    frame = pd.DataFrame(ROWS, columns=HEADER)
    path = tmp_path / f"records{suffix}"
    if suffix == ".csv":
        frame.to_csv(path, index=False)
    elif suffix == ".tsv":
        frame.to_csv(path, index=False, sep="\t")
    elif suffix == ".parquet":
        frame.assign(publication_date=pd.to_datetime(frame["publication_date"]).dt.date).to_parquet(path)
    else:
        frame.to_excel(path, index=False)
    assert counts(path) == {"Dalian University of Technology": 1, "Acme Corp": 1}


def test_a_column_mapping_renames_headers_parses_dates_and_splits_applicants(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        "Pub No,Pub Date,Applicants,Countries\n"
        "WO/2014/000001,25.06.2014,Alpha University; Beta Corp,CN;US\n"
        "WO/2014/000002,26.06.2014,Beta Corp;Alpha University,US;CN\n"
        "WO/2014/000003,27.06.2014,Alpha University,CN\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "columns:\n  publication_number: Pub No\n  publication_date: Pub Date\n"
        "  applicant_name: Applicants\n  applicant_country: Countries\n"
        "date_format: '%d.%m.%Y'\nsplit_applicants: ';'\n",
        encoding="utf-8",
    )
    ranked = load_dataset(path, column_map=mapping).ranked
    assert dict(zip(ranked["applicant"], ranked["published"], strict=False)) == {"Alpha University": 2, "Beta Corp": 1}
    assert set(ranked["year"]) == {2014}
    assert dict(zip(ranked["applicant"], ranked["country"], strict=False)) == {
        "Alpha University": "CN",
        "Beta Corp": "US",
    }
    whole = load_dataset(path, column_map=mapping, counting="every-applicant").ranked
    assert dict(zip(whole["applicant"], whole["published"], strict=False)) == {"Alpha University": 3, "Beta Corp": 2}


def test_aggregated_tables_are_accepted(tmp_path):
    path = tmp_path / "wipo.csv"
    path.write_text(
        "year,applicant_name,applicant_country,applicant_sector,published\n"
        "2018,Dalian University of Technology,CN,education,53\n2018,Acme Corp,US,business,60\n",
        encoding="utf-8",
    )
    ranked = load_dataset(path).ranked.set_index("applicant")
    assert ranked.loc["Dalian University of Technology", "rank_overall"] == 2


def test_missing_file(tmp_path):
    with pytest.raises(InputFileError, match=r"nope\.csv: no such file"):
        load_dataset(tmp_path / "nope.csv")


def test_a_csv_without_one_layout_says_so(tmp_path):
    path = tmp_path / "broken.csv"
    path.write_text(
        ",".join(HEADER[:4]) + '\nWO2018000001,2018-01-01,"Acme,US\nWO2018000002,2018-01-01,Beta,US,extra,more\n',
        encoding="utf-8",
    )
    with pytest.raises(InputFileError, match="broken.csv line 2: a quoted field is never closed"):
        load_dataset(path)


def test_a_folder_is_not_taken_for_a_missing_file(tmp_path):
    with pytest.raises(InputFileError, match="a folder with no file to read"):
        load_dataset(tmp_path)


def test_unsupported_file_type(tmp_path):
    path = tmp_path / "data.json"
    path.write_text("{}", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"unsupported file type '\.json'"):
        load_dataset(path)


def test_empty_file_and_header_only_file(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(InputFileError, match="empty.csv: the file is empty"):
        load_dataset(empty)
    header_only = tmp_path / "header.csv"
    header_only.write_text(",".join(HEADER) + "\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="header.csv: no data rows"):
        load_dataset(header_only)


def test_missing_column_names_it_and_the_headers_found(tmp_path):
    path = tmp_path / "records.csv"
    pd.DataFrame(ROWS, columns=HEADER).drop(columns="applicant_name").to_csv(path, index=False)
    with pytest.raises(SchemaError, match=r"records.csv: missing column applicant_name \(found: publication_number, "):
        load_dataset(path)


def test_a_legacy_encoding_is_detected_not_mis_decoded(tmp_path):
    path = tmp_path / "latin1.csv"
    text = ",".join(HEADER) + "\nWO2018000001,2018-01-01,Université de Lyon,FR,1,education\n"
    path.write_bytes(text.encode("cp1252"))
    dataset = load_dataset(path)
    assert list(dataset.ranked["applicant"]) == ["Université de Lyon"]
    assert [f.encoding for f in dataset.summary.files] == ["cp1252"]


def test_unparseable_date_is_one_line_naming_file_line_column_and_value(tmp_path):
    path = tmp_path / "records.csv"
    pd.DataFrame(ROWS[:1] + [["WO2018000009", "2018-13-45", "Acme Corp", "US", 1, "business"]], columns=HEADER).to_csv(
        path, index=False
    )
    with pytest.raises(ValidationError) as caught:
        load_dataset(path)
    assert str(caught.value) == f"{path} line 3, publication_date: '2018-13-45' is not a date (expected YYYY-MM-DD)"


def test_every_problem_is_listed_in_one_error(tmp_path):
    path = tmp_path / "records.csv"
    bad = [
        ["", "2018-01-01", "Acme Corp", "US", 1, "business"],
        ["WO2018000003", "", "", "usa", "x", "firm"],
    ]
    pd.DataFrame(ROWS + bad, columns=HEADER).to_csv(path, index=False)
    with pytest.raises(ValidationError) as caught:
        load_dataset(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: 6 problems in the data")
    for expected in [
        "line 5, publication_number: is empty",
        "line 6, publication_date: is empty",
        "line 6, applicant_name: is empty",
        "line 6, applicant_country: 'usa' is not an ISO 3166-1 alpha-2 country code",
        "line 6, applicant_sequence: 'x' is not a whole number from 1",
        "line 6, applicant_sector: 'firm' is not one of business, education",
    ]:
        assert expected in message


def test_many_problems_are_counted_beyond_those_shown(tmp_path):
    path = tmp_path / "records.csv"
    rows = [[f"WO2018{i:06d}", "not a date", "Acme Corp", "US", 1, "business"] for i in range(50)]
    pd.DataFrame(rows, columns=HEADER).to_csv(path, index=False)
    with pytest.raises(ValidationError, match=r"50 problems in the data(.|\n)*… and 30 more"):
        load_dataset(path)


def test_parquet_rows_are_numbered_from_one(tmp_path):
    path = tmp_path / "records.parquet"
    pd.DataFrame(ROWS + [["WO2018000009", "2018-01-01", "Acme Corp", "XYZ", 1, "business"]], columns=HEADER).to_parquet(
        path
    )
    with pytest.raises(ValidationError, match=r"records.parquet row 4, applicant_country: 'XYZ'"):
        load_dataset(path)


def test_aggregated_values_are_validated(tmp_path):
    path = tmp_path / "agg.csv"
    path.write_text("year,applicant_name,applicant_country,published\n20x8,Acme Corp,US,-3\n", encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        load_dataset(path)
    assert "line 2, year: '20x8' is not a year" in str(caught.value)
    assert "line 2, published: '-3' is not a count of applications" in str(caught.value)


def test_bad_column_mapping_is_refused(tmp_path):
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("columns:\n  applicant: Name\n", encoding="utf-8")
    with pytest.raises(MappingError, match="'columns' must map canonical names"):
        read_column_map(mapping)
    mapping.write_text("colums: {}\n", encoding="utf-8")
    with pytest.raises(MappingError, match=r"unknown keys \['colums'\]"):
        read_column_map(mapping)
    with pytest.raises(MappingError, match=r"missing.yaml: no such file \(column mapping\)"):
        read_column_map(tmp_path / "missing.yaml")


def test_mapped_header_missing_is_named_as_the_user_wrote_it(tmp_path):
    path = tmp_path / "records.csv"
    pd.DataFrame(ROWS, columns=HEADER).to_csv(path, index=False)
    with pytest.raises(SchemaError, match="missing column Applicant"):
        load_dataset(path, column_map=ColumnMap({"applicant_name": "Applicant"}))
