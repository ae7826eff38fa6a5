"""Back-test: the project's own loading, counting and ranking of the demo data give every rank
that WIPO printed — educational institutions, top applicants, and ranks among all applicants.

The expected values come from data/published only; nothing here uses the generator.
"""

import pytest

pytestmark = pytest.mark.slow  # loads the full demo data


class Ranking:
    """The demo dataset, its ranked rows also indexed by (year, applicant): the printed rows
    are looked up one by one in half a million."""

    def __init__(self, dataset):
        self.resolve, self.ranked = dataset.resolve, dataset.ranked
        self.indexed = dataset.ranked.set_index(["year", "applicant"], drop=False).sort_index()


@pytest.fixture(scope="module")
def dataset(demo_dataset):
    return Ranking(demo_dataset)


@pytest.fixture(scope="module")
def printed(published_figures):
    return published_figures[published_figures["table"].isin(["edu", "business"])]


def ranking_of(dataset, year, name):
    """The ranked row of the applicant a printed name refers to, in one year."""
    key = (year, dataset.resolve(name))
    found = dataset.indexed.loc[[key]] if key in dataset.indexed.index else dataset.indexed.iloc[:0]
    assert len(found) == 1, f"{year} {name}: {len(found)} rows in the ranking"
    return found.iloc[0]


def mismatches(dataset, rows, column, expected):
    """List the printed rows whose ranked ``column`` differs from ``expected`` (a column of rows)."""
    wrong = []
    for row in rows.itertuples():
        got = ranking_of(dataset, row.year, row.name)[column]
        want = getattr(row, expected)
        if got != want:
            wrong.append(f"{row.year} {row.table} {row.name}: printed {expected} {want}, demo {column} {got}")
    return wrong


def test_every_printed_count_holds_under_the_first_named_rule(dataset, printed):
    assert mismatches(dataset, printed, "published", "count") == []


def test_every_printed_educational_rank_holds(dataset, printed):
    education = printed[printed["table"] == "edu"]
    assert mismatches(dataset, education, "rank_sector", "rank") == []
    assert {ranking_of(dataset, r.year, r.name)["sector"] for r in education.itertuples()} == {"education"}


def test_every_printed_top_applicant_rank_holds_among_all_applicants(dataset, printed):
    assert mismatches(dataset, printed[printed["table"] == "business"], "rank_overall", "rank") == []


def test_every_printed_rank_among_all_applicants_holds(dataset, printed):
    assert mismatches(dataset, printed.dropna(subset=["rank_all"]), "rank_overall", "rank_all") == []


def test_printed_names_carry_published_provenance(dataset, printed):
    assert {ranking_of(dataset, r.year, r.name)["provenance"] for r in printed.itertuples()} == {"published"}


def test_dalian_2018_has_53_applications_44th_in_education_8th_in_china_836th_overall(dataset):
    dalian = ranking_of(dataset, 2018, "Dalian University of Technology")
    ranks = (dalian["published"], dalian["rank_sector"], dalian["rank_sector_country"], dalian["rank_overall"])
    assert ranks == (53, 44, 8, 836)
    assert (dalian["sector"], dalian["country"]) == ("education", "CN")


def test_dalian_2019_has_141_applications_7th_in_education(dataset):
    dalian = ranking_of(dataset, 2019, "Dalian University of Technology")
    assert (dalian["published"], dalian["rank_sector"]) == (141, 7)


def test_three_universities_tied_at_81_in_2014_share_13th_and_the_next_is_16th(dataset):
    for name in ("University of Florida", "Kyoto University", "Danmarks Tekniske Universitet"):
        tied = ranking_of(dataset, 2014, name)
        assert (tied["published"], tied["rank_sector"], tied["rank_overall"]) == (81, 13, 293)
    tokyo = ranking_of(dataset, 2014, "University of Tokyo")
    assert (tokyo["published"], tokyo["rank_sector"], tokyo["rank_overall"]) == (79, 16, 304)


def test_printed_applicants_appear_only_in_years_with_a_printed_figure(dataset, printed):
    ranked = dataset.ranked
    resolved = printed.assign(applicant=printed["name"].map(dataset.resolve))
    printed_years = resolved.groupby("applicant")["year"].apply(set)
    for applicant, years in printed_years.items():
        assert set(ranked.loc[ranked["applicant"] == applicant, "year"]) == years, applicant
