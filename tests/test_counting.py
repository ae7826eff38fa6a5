import pytest

from analysis.dataset import load_dataset
from analysis.errors import OptionError


def published(dataset, year=2018):
    rows = dataset.ranked[dataset.ranked["year"] == year]
    return dict(zip(rows["applicant"], rows["published"], strict=False))


def test_first_named_credits_only_the_first_applicant(co_applicants):
    assert published(load_dataset(co_applicants)) == {"Alpha University": 2, "Beta Corp": 1, "Gamma Ltd": 1}


def test_every_applicant_credits_each_named_applicant_once(co_applicants):
    counts = published(load_dataset(co_applicants, counting="every-applicant"))
    assert counts == {"Alpha University": 3, "Beta Corp": 2, "Gamma Ltd": 2}


def test_fractional_splits_each_application_among_distinct_applicants(co_applicants):
    counts = published(load_dataset(co_applicants, counting="fractional"))
    assert counts == pytest.approx(
        {"Alpha University": 0.5 + 1 / 3 + 1, "Beta Corp": 0.5 + 1 / 3, "Gamma Ltd": 1 / 3 + 1}
    )
    assert sum(counts.values()) == pytest.approx(4)


def test_same_applicant_twice_on_one_publication_counts_once_after_harmonising(records_csv):
    path = records_csv(
        [
            ["WO2018000001", "2018-01-01", "Delta Inc", "US", 1, "business"],
            ["WO2018000001", "2018-01-01", "DELTA, INC.", "US", 2, "business"],
        ]
    )
    for rule in ("first-named", "every-applicant", "fractional"):
        assert published(load_dataset(path, counting=rule)) == {"Delta Inc": 1}


def test_file_order_decides_the_first_named_applicant_when_sequence_is_absent(records_csv):
    header = ["publication_number", "publication_date", "applicant_name", "applicant_country"]
    path = records_csv(
        [["WO2018000001", "2018-01-01", "Zeta Corp", "US"], ["WO2018000001", "2018-01-01", "Alpha Corp", "US"]],
        header=header,
    )
    assert published(load_dataset(path)) == {"Zeta Corp": 1}


def test_year_is_the_publication_year(records_csv):
    path = records_csv(
        [
            ["WO2018000001", "2017-12-31", "Alpha Corp", "US", 1, "business"],
            ["WO2018000002", "2018-01-01", "Alpha Corp", "US", 1, "business"],
        ]
    )
    assert sorted(load_dataset(path).ranked["year"]) == [2017, 2018]


def test_country_is_the_most_frequent_so_one_stray_row_does_not_split_an_applicant(records_csv):
    path = records_csv(
        [
            ["WO2018000001", "2018-01-01", "Omega Corp", "US", 1, "business"],
            ["WO2018000002", "2018-01-01", "Omega Corp", "US", 1, "business"],
            ["WO2018000003", "2018-01-01", "Omega Corp", "GB", 1, "business"],
        ]
    )
    ranked = load_dataset(path).ranked
    assert ranked[["applicant", "country", "published"]].values.tolist() == [["Omega Corp", "US", 3]]


def test_country_ties_are_broken_alphabetically(records_csv):
    path = records_csv(
        [
            ["WO2018000001", "2018-01-01", "Omega Corp", "US", 1, "business"],
            ["WO2018000002", "2018-01-01", "Omega Corp", "GB", 1, "business"],
        ]
    )
    assert load_dataset(path).ranked["country"].tolist() == ["GB"]


def test_aggregated_input_cannot_be_recounted_with_another_rule(tmp_path):
    path = tmp_path / "agg.csv"
    path.write_text("year,applicant_name,applicant_country,published\n2018,Alpha Corp,US,5\n", encoding="utf-8")
    assert published(load_dataset(path)) == {"Alpha Corp": 5}
    with pytest.raises(OptionError, match="cannot be recounted"):
        load_dataset(path, counting="fractional")


def test_unknown_counting_rule_is_refused(co_applicants):
    with pytest.raises(OptionError, match="unknown counting rule 'whole'"):
        load_dataset(co_applicants, counting="whole")


def test_counting_takes_checked_records_as_a_value_without_a_file():
    """The counting reads what validation hands it: an in-memory table is enough."""
    import duckdb
    import pandas as pd

    from analysis.applicants import applicant_attributes
    from analysis.counting import count_published
    from analysis.names import build_name_map
    from analysis.validate import Checked, Summary

    records = pd.DataFrame(
        {
            "publication_number": ["WO2018000001", "WO2018000001", "WO2018000002", "WO2019000003"],
            "year": [2018, 2018, 2018, 2019],
            "applicant_name": ["Alpha Univ", "Beta Corp", "Beta Corp", "ALPHA UNIVERSITY"],
            "applicant_country": ["CN", "US", "US", "CN"],
            "applicant_sector": ["education", "business", "business", "education"],
            "provenance": [None, None, None, None],
            "ipc": [None, None, None, None],
            "applicant_sequence": [1.0, 2.0, 1.0, 1.0],
            "_order": [1, 2, 3, 4],
        }
    )
    connection = duckdb.connect()
    connection.register("memory", records)
    variants = records.groupby(["applicant_name", "applicant_country", "applicant_sector", "provenance"], dropna=False)
    variants = variants.size().reset_index(name="rows")
    checked = Checked(connection, "memory", "records", variants, Summary())
    name_map = build_name_map(variants.groupby("applicant_name", as_index=False)["rows"].sum(), [])
    applicants = applicant_attributes(variants, name_map, {})
    counts, applications = count_published(checked, name_map, applicants, "every-applicant")
    # Both spellings of Alpha are one applicant, shown in its properly cased spelling.
    assert counts[["year", "applicant", "published"]].values.tolist() == [
        [2018, "Beta Corp", 2],
        [2018, "Alpha Univ", 1],
        [2019, "Alpha Univ", 1],
    ]
    assert applications == {2018: 2, 2019: 1}
