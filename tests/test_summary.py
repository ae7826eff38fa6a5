import pandas as pd
import pytest

from analysis import summary
from analysis.errors import UnknownInstitutionError, UnknownYearError
from analysis.ranking import add_ranks


def ranked_frame(rows):
    """Rank (year, applicant, country, sector, published) rows the way the dataset does."""
    counts = pd.DataFrame(rows, columns=["year", "applicant", "country", "sector", "published"])
    counts["provenance"] = "synthetic"
    return add_ranks(counts)


@pytest.fixture
def ranked():
    universities = [
        (f"University {letter}", "CN" if i % 2 else "US", "education", 100 - 10 * i)
        for i, letter in enumerate("ABCDEFGH")
    ]
    firms = [("Big Firm", "JP", "business", 500), ("Small Firm", "US", "business", 5)]
    this_year = [(2018, *row) for row in universities + firms]
    # A year earlier University H led and University A was last; Small Firm published nothing.
    last_year = [
        (2017, name, country, sector, 10 + 10 * i) for i, (name, country, sector, _) in enumerate(universities)
    ]
    last_year.append((2017, "Big Firm", "JP", "business", 400))
    return ranked_frame(this_year + last_year)


def test_peers_are_the_applicants_just_above_and_below(ranked):
    peers = summary.peers(ranked, 2018, "University D", scope="sector", neighbours=2)
    assert peers["applicant"].tolist() == [
        "University B",
        "University C",
        "University D",
        "University E",
        "University F",
    ]
    assert peers["rank"].tolist() == [2, 3, 4, 5, 6]


def test_peers_of_the_leader_are_only_those_below(ranked):
    peers = summary.peers(ranked, 2018, "University A", scope="sector", neighbours=2)
    assert peers["applicant"].tolist() == ["University A", "University B", "University C"]


def test_peers_in_sector_and_country_rank_within_the_country(ranked):
    peers = summary.peers(ranked, 2018, "University D", scope="sector_country", neighbours=1)
    assert peers["applicant"].tolist() == ["University B", "University D", "University F"]
    assert set(peers["country"]) == {"CN"}
    assert peers["rank"].tolist() == [1, 2, 3]


def test_peers_of_an_unknown_applicant_raise_a_clear_error(ranked):
    with pytest.raises(UnknownInstitutionError, match="Nowhere University"):
        summary.peers(ranked, 2018, "Nowhere University")


def test_an_unknown_year_raises_a_clear_error(ranked):
    with pytest.raises(UnknownYearError, match="1999"):
        summary.shares_by_sector(ranked, 1999)


def test_standing_among_top_appends_the_applicant_ranked_below_the_top(ranked):
    standing = summary.standing_among_top(ranked, 2018, "University G", scope="sector", top=3)
    assert standing["applicant"].tolist() == ["University A", "University B", "University C", "University G"]
    assert standing["rank"].tolist() == [1, 2, 3, 7]


def test_standing_among_top_lists_an_applicant_inside_the_top_once(ranked):
    standing = summary.standing_among_top(ranked, 2018, "University B", scope="sector", top=3)
    assert standing["applicant"].tolist() == ["University A", "University B", "University C"]


def test_standing_among_top_keeps_every_applicant_tied_at_the_boundary():
    ranked = ranked_frame(
        [(2018, name, "US", "education", count) for name, count in [("A", 9), ("B", 5), ("C", 5), ("D", 1)]]
    )
    standing = summary.standing_among_top(ranked, 2018, "A", top=2)
    assert standing["applicant"].tolist() == ["A", "B", "C"]


def test_shares_by_sector_sum_to_one_hundred_percent(ranked):
    shares = summary.shares_by_sector(ranked, 2018)
    assert shares["share"].sum() == pytest.approx(100)
    # Largest first: the universities' 520 applications, then the firms' 505.
    assert shares["sector"].tolist() == ["education", "business"]
    assert shares["label"].tolist() == ["Educational institutions", "Businesses"]
    assert shares.set_index("sector").loc["education", "applicants"] == 8


def test_shares_by_country_fold_all_but_the_top_into_others(ranked):
    shares = summary.shares_by_country(ranked, 2018, top=1)
    assert shares["country"].tolist() == ["JP", "Others"]
    assert shares["label"].tolist() == ["Japan", "Others"]
    assert shares["share"].sum() == pytest.approx(100)
    assert shares["published"].sum() == ranked.loc[ranked["year"] == 2018, "published"].sum()


def test_country_labels_read_as_names_not_running_text(ranked):
    shares = summary.shares_by_country(ranked, 2018)
    assert "United States" in shares["label"].tolist()


def test_movers_compare_only_applicants_present_in_both_years(ranked):
    movers = summary.biggest_movers(ranked, 2018, count=3)
    assert "Small Firm" not in movers["applicant"].tolist()
    assert (movers["rank_change"] == movers["rank_previous"] - movers["rank"]).all()


def test_movers_list_the_biggest_climbs_then_the_biggest_falls(ranked):
    movers = summary.biggest_movers(ranked, 2018, count=2)
    # University A climbed from 9th to 2nd overall; University H fell from 2nd to 9th.
    assert movers["applicant"].tolist() == ["University A", "University B", "University G", "University H"]
    assert movers["rank_change"].tolist() == [7, 5, -5, -7]


def test_movers_within_a_sector_use_sector_ranks(ranked):
    movers = summary.biggest_movers(ranked, 2018, count=1, sector="education")
    assert movers["rank_change"].tolist() == [7, -7]
    assert set(movers["sector"]) == {"education"}


def test_movers_ignore_applicants_outside_the_leaders_in_both_years(ranked):
    movers = summary.biggest_movers(ranked, 2018, count=10, among_top=3)
    assert set(movers["applicant"]) == {"University A", "University B", "University G", "University H"}


def test_movers_of_the_first_year_are_none(ranked):
    assert summary.biggest_movers(ranked, 2017).empty


def test_provenance_counts_name_each_source():
    counts = pd.DataFrame(
        {
            "year": 2018,
            "applicant": ["A", "B", "C"],
            "country": "US",
            "sector": "education",
            "provenance": ["published", "synthetic", None],
            "published": [3, 2, 1],
        }
    )
    table = summary.provenance_counts(add_ranks(counts), 2018)
    assert table["source"].tolist() == ["Published WIPO figure", "Synthetic demo data", "Input data"]
    assert table["published"].tolist() == [3, 2, 1]
