"""Sentences from the numbers: ordinals, the headline for complete and partial data, unknown
countries, coverage, and the lines that account for every row read."""

from types import SimpleNamespace

import pandas as pd
import pytest

from analysis.coverage import Coverage, year_coverage
from analysis.dataset import load_dataset
from analysis.narrative import headline, ordinal, what_counts
from analysis.profile import institution_profile
from analysis.sources import InputDescription
from analysis.validate import Summary

HEADER = "publication_number,publication_date,applicant_name,applicant_country,applicant_sequence,applicant_sector\n"
ROWS = (
    "WO2018000001,2018-01-04,Alpha University,CN,1,education\n"
    "WO2018000002,2018-01-04,Alpha University,CN,1,education\n"
    "WO2018000003,2018-01-04,Beta University,CN,1,education\n"
    "WO2018000004,2018-01-04,Gamma Corp,US,1,business\n"
    "WO2018000005,2018-01-04,Gamma Corp,US,1,business\n"
    "WO2018000006,2018-01-04,Gamma Corp,US,1,business\n"
    "WO2018000007,2018-01-04,Delta University,,1,education\n"
)


@pytest.mark.parametrize(
    "number, written",
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (22, "22nd"),
        (101, "101st"),
        (111, "111th"),
        (112, "112th"),
        (213, "213th"),
        (836, "836th"),
        (1001, "1001st"),
    ],
)
def test_ordinals(number, written):
    assert ordinal(number) == written


@pytest.mark.slow  # loads the full demo data
def test_complete_data_keeps_wipos_wording(demo_dataset):
    profile = institution_profile(demo_dataset, "Dalian University of Technology", 2018)
    assert profile.complete
    assert headline(profile) == (
        "In 2018, Dalian University of Technology published 53 PCT applications, "
        "which ranked it 44th among the world's "
        "educational institutions, 8th among Chinese educational institutions and 836th among all PCT applicants."
    )


@pytest.fixture
def small(tmp_path):
    """Seven 2018 applications: Gamma Corp 3, Alpha University 2, Beta and Delta University 1 each
    (Delta with no country); far below WIPO's 253,000 for 2018, so partial data."""
    path = tmp_path / "records.csv"
    path.write_text(HEADER + ROWS, encoding="utf-8")
    return path


def test_partial_data_ranks_among_the_applicants_in_this_data(small):
    profile = institution_profile(load_dataset(small, cache=False), "Alpha University", 2018)
    assert not profile.complete
    sentence = headline(profile)
    assert sentence == (
        "In 2018, Alpha University published 2 PCT applications, "
        "which ranked it 1st among the educational institutions "
        "in this data, 1st among Chinese educational institutions and 2nd among the applicants in this data."
    )
    assert "world" not in sentence and "all PCT applicants" not in sentence


def test_an_unknown_country_gives_no_rank_in_a_country(small):
    profile = institution_profile(load_dataset(small, cache=False), "Delta University", 2018)
    assert profile.country is None
    assert headline(profile) == (
        "In 2018, Delta University published 1 PCT application, which ranked it 2nd among the educational institutions "
        "in this data and 3rd among the applicants in this data."
    )


def test_another_counting_rule_is_named_in_the_headline(small):
    profile = institution_profile(load_dataset(small, counting="every-applicant", cache=False), "Gamma Corp", 2018)
    assert headline(profile).startswith(
        "In 2018, Gamma Corp was credited with 3 PCT applications (every-applicant counting), which ranked it 1st"
    )


def test_coverage_is_complete_from_90_percent_of_wipos_total():
    assert Coverage(2018, 90, 100).complete and not Coverage(2018, 89, 100).complete
    assert Coverage(1990, 5, None).complete
    assert Coverage(2018, 240000, 253000).sentence() == (
        "This data holds 240,000 PCT applications for 2018, "
        "about 95% of the about 253,000 WIPO reports: treated as the whole PCT system."
    )
    assert Coverage(2018, 200000, 253000).sentence() == (
        "This data holds 200,000 of the about 253,000 PCT applications WIPO reports for 2018 (79.1%): "
        "ranks are among the applicants in this data, not among all PCT applicants."
    )


def test_a_year_without_counted_applications_in_the_data_is_partial():
    summary = Summary(applications_by_year={2017: 240000})
    coverage = year_coverage(summary, 2018, {2018: 253000})
    assert (coverage.applications, coverage.complete) == (0, False)


def _dataset(summary, ranked):
    return SimpleNamespace(summary=summary, ranked=ranked, years=tuple(sorted(ranked["year"].unique())))


def test_what_counts_accounts_for_every_row_left_out():
    files = (InputDescription("a.csv", "canonical", "utf-8"), InputDescription("b.csv", "patentscope", "cp1252"))
    summary = Summary(
        files=files,
        rows=4_230,
        non_pct_by_office={"US": 2_210, "EP": 1_002, "CN": 900, "JP": 100, "KR": 10, "DE": 1},
        republications=4,
        republications_without_first=1,
        no_applicant=1,
        empty_parts=2,
        set_aside={"rows not kept by the mapping's keep_rows": 5},
        applications_by_year={2017: 1, 2018: 3},
    )
    ranked = pd.DataFrame(
        {
            "year": [2017, 2018, 2018],
            "applicant": ["A", "A", "B"],
            "country": ["CN", "CN", None],
            "published": [1, 2, 1],
        }
    )
    assert what_counts(_dataset(summary, ranked)) == [
        "Read 2 files (canonical 1, patentscope 1; encoding cp1252): 4,230 rows.",
        "4,223 rows are not PCT publications (US 2,210, EP 1,002, CN 900, JP 100, KR 10, …) and were left out.",
        "4 republications (A3, A4, A8, A9 …) never count again and were left out; "
        "1 of them has no first publication in this data.",
        "1 PCT publication names no applicant and is left out of the rankings.",
        "2 empty parts of applicant cells (a doubled or trailing separator) were dropped.",
        "5 rows: rows not kept by the mapping's keep_rows.",
        "4 applications counted, published 2017–2018.",
        "1 of 4 counted applications (25.0%) have an applicant with no known country: "
        "shown as —, left out of country rankings.",
    ]


def test_what_counts_uses_the_singular_for_one(tmp_path):
    summary = Summary(
        files=(InputDescription("a.csv", "canonical", "utf-8"),),
        rows=3,
        non_pct_by_office={"US": 1},
        republications=1,
        republications_without_first=0,
        no_applicant=2,
        empty_parts=1,
        applications_by_year={2018: 1},
    )
    ranked = pd.DataFrame({"year": [2018], "applicant": ["A"], "country": ["CN"], "published": [1]})
    assert what_counts(_dataset(summary, ranked)) == [
        "Read 1 file (canonical 1): 3 rows.",
        "1 row is not a PCT publication (US 1) and was left out.",
        "1 republication (A3, A4, A8, A9 …) never counts again and was left out.",
        "2 PCT publications name no applicant and are left out of the rankings.",
        "1 empty part of applicant cells (a doubled or trailing separator) was dropped.",
        "1 application counted, published 2018.",
        "0 of 1 counted applications (0.0%) have an applicant with no known country: "
        "shown as —, left out of country rankings.",
    ]


def test_what_counts_of_a_real_export_names_non_pct_rows_republications_empty_parts_and_no_applicant(tmp_path):
    path = tmp_path / "resultList.csv"
    path.write_text(
        "Query: university\n"
        "Publication Number,Publication Date,Title,Application Number,Application Date,Applicants,Inventors,IPC\n"
        "WO2018000001,04.01.2018,A,PCT/CN2017/000001,01.01.2017,Alpha University;;Beta Corp;,X,A61K\n"
        "WO2018000002,04.01.2018,B,PCT/CN2017/000002,01.01.2017,,X,A61K\n"
        "WO2017000009A3,04.01.2018,C,PCT/CN2016/000009,01.01.2016,Alpha University,X,A61K\n"
        "US2018000001,04.01.2018,D,US15/000001,01.01.2017,Beta Corp,X,A61K\n"
        "EP3000001,04.01.2018,E,EP17000001,01.01.2017,Beta Corp,X,A61K\n"
        "US2018000002,04.01.2018,F,US15/000002,01.01.2017,Beta Corp,X,A61K\n",
        encoding="utf-8",
    )
    lines = what_counts(load_dataset(path, cache=False))
    assert lines[1:] == [
        "3 rows are not PCT publications (US 2, EP 1) and were left out.",
        "1 republication (A3, A4, A8, A9 …) never counts again and was left out; "
        "1 of them has no first publication in this data.",
        "1 PCT publication names no applicant and is left out of the rankings.",
        "2 empty parts of applicant cells (a doubled or trailing separator) were dropped.",
        "1 application counted, published 2018.",
        "1 of 1 counted applications (100.0%) have an applicant with no known country: "
        "shown as —, left out of country rankings.",
    ]


def test_what_counts_gives_the_unknown_country_share_of_credits_under_another_rule():
    summary = Summary(files=(InputDescription("a.csv", "canonical", "utf-8"),), rows=4, applications_by_year={2018: 2})
    # Two applications of two applicants each, credited to every applicant: 4 credits, 1 to Gamma (no country).
    ranked = pd.DataFrame(
        {"year": [2018] * 3, "applicant": ["A", "B", "Gamma"], "country": ["CN", "US", None], "published": [2, 1, 1]}
    )
    dataset = _dataset(summary, ranked)
    dataset.counting = "every-applicant"
    assert what_counts(dataset)[-1] == (
        "1 of 4 application credits under every-applicant counting (25.0%) go to applicants with no known country: "
        "shown as —, left out of country rankings."
    )
    dataset.counting = "first-named"
    assert what_counts(dataset)[-1].startswith(
        "1 of 4 counted applications (25.0%) have an applicant with no known country"
    )


def test_a_year_beyond_wipos_totals_is_compared_with_the_nearest_one():
    totals = {2022: 278_100, 2023: 272_600}
    summary = Summary(applications_by_year={2025: 500})
    coverage = year_coverage(summary, 2025, totals)
    assert (coverage.wipo_year, coverage.wipo_total, coverage.complete) == (2023, 272_600, False)
    assert coverage.sentence() == (
        "This data holds 500 of the about 272,600 PCT applications WIPO reports for 2025 (its nearest total, for 2023) "
        "(0.2%): ranks are among the applicants in this data, not among all PCT applicants."
    )


@pytest.mark.parametrize(
    "applications, written",
    [(14, "(under 0.1%)"), (109, "(0.1%)"), (500, "(0.2%)")],
)
def test_a_few_applications_are_under_a_tenth_of_a_percent_never_zero(applications, written):
    coverage = Coverage(2015, applications, 218_000)
    assert f"PCT applications WIPO reports for 2015 {written}: ranks are among" in coverage.sentence()


def test_what_counts_names_rows_that_repeat_a_publication(tmp_path):
    first = tmp_path / "part1.csv"
    second = tmp_path / "part2.csv"
    header = "publication_number,publication_date,applicant_name\n"
    first.write_text(header + "WO2018000001,2018-01-04,Alpha\nWO2018000002,2018-01-04,Beta\n", encoding="utf-8")
    second.write_text(header + "WO2018000002,2018-01-04,Beta\nWO2018000003,2018-01-05,Gamma\n", encoding="utf-8")
    lines = what_counts(load_dataset([first, second], cache=False))
    assert (
        "1 row repeats a publication read in another row or file (as overlapping downloads do) and counted once."
        in lines
    )
    assert "3 applications counted, published 2018." in lines
