"""Column mappings: what a mapping may say, and every malformed or hostile one refused in one line."""

import os

import pytest

from analysis.errors import MappingError
from analysis.sources.mapping import MAX_MAPPING_BYTES, ColumnMap, read_column_map

COLUMNS = "columns: {publication_number: No, publication_date: Date, applicant_name: Name}\n"


def mapping(tmp_path, text):
    path = tmp_path / "mapping.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def refused(path):
    with pytest.raises(MappingError) as caught:
        read_column_map(path)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(str(path))
    return message


def test_every_key_is_read(tmp_path):
    path = mapping(
        tmp_path,
        COLUMNS + "date_format: '%d.%m.%Y'\nsplit_applicants: ';;'\nheader_row: 3\nencoding: cp1252\n"
        "recode:\n  applicant_sector: {Uni: education}\ncountry_names: true\nkeep_rows:\n  Jurisdiction: [WO]\n",
    )
    assert read_column_map(path) == ColumnMap(
        columns={"publication_number": "No", "publication_date": "Date", "applicant_name": "Name"},
        date_format="%d.%m.%Y",
        split_applicants=";;",
        header_row=3,
        encoding="cp1252",
        recode={"applicant_sector": {"Uni": "education"}},
        country_names=True,
        keep_rows={"Jurisdiction": ["WO"]},
    )


def test_headers_that_yaml_1_1_would_read_as_booleans_stay_headers(tmp_path):
    path = mapping(
        tmp_path,
        "columns:\n  publication_number: No\n  publication_date: On\n  applicant_name: Yes\n  applicant_country: off\n",
    )
    assert read_column_map(path).columns == {
        "publication_number": "No",
        "publication_date": "On",
        "applicant_name": "Yes",
        "applicant_country": "off",
    }


def test_a_billion_laughs_mapping_is_refused_without_expanding_it(tmp_path):
    laughs = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
    )
    assert refused(mapping(tmp_path, laughs)).endswith("line 1: YAML anchors and aliases are not allowed in a mapping")


def test_a_key_given_twice_is_refused_naming_it_and_its_line(tmp_path):
    message = refused(mapping(tmp_path, "columns:\n  applicant_name: A\n  applicant_name: B\n"))
    assert message.endswith("line 3: the key 'applicant_name' is given twice")
    assert refused(mapping(tmp_path, COLUMNS + "date_format: '%Y'\ndate_format: '%d'\n")).endswith(
        "line 3: the key 'date_format' is given twice"
    )


@pytest.mark.parametrize("second", ["Name", "name", " NAME "])
def test_two_fields_mapped_to_one_header_are_refused(tmp_path, second):
    path = mapping(tmp_path, f"columns:\n  applicant_name: Name\n  applicant_country: '{second}'\n")
    assert "two fields are mapped to the header" in refused(path)


@pytest.mark.parametrize("pattern", ["'%Q'", "dd.mm.yyyy", "12"])
def test_a_bad_date_format_is_refused_in_one_line(tmp_path, pattern):
    assert "date_format" in refused(mapping(tmp_path, COLUMNS + f"date_format: {pattern}\n"))


def test_split_applicants_with_an_applicant_sequence_column_is_refused(tmp_path):
    path = mapping(tmp_path, "columns: {applicant_name: Names, applicant_sequence: Seq}\nsplit_applicants: ';'\n")
    assert "cannot be combined with an applicant_sequence column" in refused(path)


@pytest.mark.parametrize(
    "text, words",
    [
        ("colums: {}\n", "unknown keys ['colums']"),
        ("- a\n- b\n", "unknown keys"),
        ("columns:\n  applicant: Name\n", "'columns' must map canonical names"),
        ("columns:\n  applicant_name:\n", "applicant_name must name one header"),
        ("header_row: 0\n", "header_row must be a whole number from 1"),
        ("header_row: true\n", "header_row must be a whole number from 1"),
        ("split_applicants: ''\n", "split_applicants must be a non-empty separator"),
        ("encoding: klingon\n", "unknown text encoding 'klingon'"),
        ("country_names: maybe\n", "country_names is true or false"),
        ("keep_rows: {Jurisdiction: WO}\n", "'keep_rows' maps a header to the list"),
        ("recode: {applicant_sector: education}\n", "'recode' maps a canonical column"),
        ("!!python/object/apply:os.system ['true']\n", "not a readable YAML mapping"),
        ("columns: [unclosed\n", "not a readable YAML mapping"),
    ],
)
def test_a_malformed_mapping_is_refused_in_one_line(tmp_path, text, words):
    assert words in refused(mapping(tmp_path, text))


def test_a_mapping_that_is_not_utf_8_is_refused(tmp_path):
    path = tmp_path / "mapping.yaml"
    path.write_bytes(b"columns: {applicant_name: Soci\xe9t\xe9}\n")
    assert "not a readable YAML mapping" in refused(path)


def test_a_mapping_is_bounded_in_size(tmp_path):
    path = mapping(tmp_path, COLUMNS + "#" * MAX_MAPPING_BYTES + "\n")
    assert "too large for the column mapping" in refused(path)


def test_a_folder_a_symlink_loop_or_a_device_is_not_a_mapping(tmp_path):
    os.symlink(tmp_path / "b.yaml", tmp_path / "a.yaml")
    os.symlink(tmp_path / "a.yaml", tmp_path / "b.yaml")
    assert refused(tmp_path).endswith("a folder, not a file (column mapping)")
    assert refused(tmp_path / "a.yaml").endswith("cannot be opened as the column mapping (a loop of symbolic links)")
    with pytest.raises(MappingError, match=r"^/dev/zero: not a regular file \(column mapping\)$"):
        read_column_map("/dev/zero")
    assert refused(mapping(tmp_path, "")).endswith("the file is empty")
