from fractions import Fraction

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.dataset import load_dataset
from analysis.errors import OptionError, UnknownYearError
from analysis.published import read_published_figures
from analysis.ranking import NEW_ENTRY, NO_PUBLISHED_FIGURE, add_ranks, competition_rank, ranking_table


def counts_frame(rows):
    return pd.DataFrame(rows, columns=["year", "applicant", "country", "sector", "provenance", "published"])


def test_ties_share_the_best_rank_and_the_next_rank_is_skipped():
    assert competition_rank(pd.Series([81, 90, 81, 79, 81])).tolist() == [2, 1, 2, 5, 2]


def test_the_2014_educational_table_ties_as_wipo_printed_them(tmp_path):
    figures = read_published_figures()
    table = figures[(figures["year"] == 2014) & (figures["table"] == "edu") & (figures["rank"] <= 20)]
    path = tmp_path / "edu2014.csv"
    pd.DataFrame(
        {
            "year": 2014,
            "applicant_name": table["name"].tolist(),
            "applicant_country": table["country"].tolist(),
            "applicant_sector": "education",
            "published": table["count"].astype(int).tolist(),
        }
    ).to_csv(path, index=False)
    dataset = load_dataset(path)
    ranked = dataset.ranked
    assert len(ranked) == 20
    assert len(ranked[ranked["rank_sector"] == 13]) == 3
    assert ranked.loc[ranked["published"] == 79, "rank_sector"].item() == 16
    got = dict(zip(ranked["applicant"], ranked["rank_sector"], strict=False))
    printed = dict(zip(table["name"], table["rank"].astype(int), strict=False))
    assert {name: got[dataset.resolve(name)] for name in printed} == printed


def ranked_example():
    return add_ranks(
        counts_frame(
            [
                (2017, "Alpha University", "CN", "education", None, 10),
                (2017, "Beta University", "CN", "education", None, 12),
                (2017, "Gamma Corp", "US", "business", None, 30),
                (2018, "Alpha University", "CN", "education", None, 15),
                (2018, "Beta University", "CN", "education", None, 12),
                (2018, "Delta University", "US", "education", None, 15),
                (2018, "Gamma Corp", "US", "business", None, 30),
                (2018, "Epsilon Corp", "US", "business", "published", 40),
                (2016, "Alpha University", "CN", "education", None, 4),
            ]
        )
    )


def test_scopes_rank_all_applicants_a_sector_and_a_sector_within_a_country():
    ranked = ranked_example()
    year = ranked[ranked["year"] == 2018].set_index("applicant")
    assert year["rank_overall"].to_dict() == {
        "Alpha University": 3,
        "Beta University": 5,
        "Delta University": 3,
        "Gamma Corp": 2,
        "Epsilon Corp": 1,
    }
    assert year.loc["Beta University", "rank_sector"] == 3
    assert year.loc["Beta University", "rank_sector_country"] == 2
    assert year.loc["Delta University", "rank_sector_country"] == 1


def test_ranking_table_lists_ties_by_name_and_gives_history_and_movement():
    table = ranking_table(ranked_example(), 2018, sector="education")
    assert table["applicant"].tolist() == ["Alpha University", "Delta University", "Beta University"]
    assert table["rank"].tolist() == [1, 1, 3]
    alpha = table.iloc[0]
    assert (alpha["published_year_minus_2"], alpha["published_year_minus_1"], alpha["published"]) == (4, 10, 15)
    assert alpha["published_change"] == 5
    assert (alpha["rank_previous"], alpha["rank_change"]) == (2, 1)
    beta = table.iloc[2]
    assert (beta["rank_previous"], beta["rank_change"]) == (1, -2)
    assert table.iloc[1]["rank_change"] == NEW_ENTRY
    assert table["rank_overall"].tolist() == [3, 3, 5]


def test_published_figures_without_a_previous_year_say_so_rather_than_new():
    table = ranking_table(ranked_example(), 2018)
    epsilon = table[table["applicant"] == "Epsilon Corp"].iloc[0]
    assert epsilon["rank_change"] == NO_PUBLISHED_FIGURE


def test_country_scope_and_top_keeps_ties_at_the_boundary():
    ranked = ranked_example()
    assert ranking_table(ranked, 2018, sector="education", country="cn")["applicant"].tolist() == [
        "Alpha University",
        "Beta University",
    ]
    assert ranking_table(ranked, 2018, sector="education", top=1)["applicant"].tolist() == [
        "Alpha University",
        "Delta University",
    ]


def test_bad_selections_are_refused():
    ranked = ranked_example()
    with pytest.raises(UnknownYearError, match="2030 is not in the data, which covers 2016–2018"):
        ranking_table(ranked, 2030)
    with pytest.raises(OptionError, match="needs a sector"):
        ranking_table(ranked, 2018, country="CN")
    with pytest.raises(OptionError, match="unknown sector"):
        ranking_table(ranked, 2018, sector="universities")


def brute_force_rank(values):
    """Rank i = 1 + number of values strictly greater: the definition, pair by pair."""
    return [1 + sum(other > value for other in values) for value in values]


publications = st.lists(
    st.tuples(
        st.integers(0, 30),  # publication id
        st.integers(2016, 2018),  # year
        st.lists(
            st.sampled_from(["Ann Corp", "Bob University", "Cy Institute", "Dee Ltd", "ANN CORP"]),
            min_size=1,
            max_size=4,
        ),
    ),
    min_size=1,
    max_size=40,
    unique_by=lambda p: p[0],
)


def brute_force_counts(pubs, rule):
    """Count the plain way: loop over publications and their applicants, harmonised by case.

    Fractions are exact, so that three thirds tie with one whole as they should.
    """
    totals = {}
    for _, year, names in pubs:
        distinct = list(dict.fromkeys(n.upper() for n in names))
        credited = {"first-named": distinct[:1], "every-applicant": distinct, "fractional": distinct}[rule]
        for name in credited:
            share = Fraction(1, len(distinct)) if rule == "fractional" else 1
            totals[(year, name)] = totals.get((year, name), 0) + share
    return totals


# 40 examples in `make test`, the "fast" profile's handful in `make test-fast` (tests/conftest.py).
@settings(max_examples=min(40, settings.default.max_examples), deadline=None)
@given(pubs=publications, rule=st.sampled_from(["first-named", "every-applicant", "fractional"]))
def test_counting_and_ranking_match_a_brute_force_reference(tmp_path_factory, pubs, rule):
    path = tmp_path_factory.mktemp("prop") / "records.csv"
    rows = [
        [f"WO{year}{pid:06d}", f"{year}-06-01", name, "US", seq, "business"]
        for pid, year, names in pubs
        for seq, name in enumerate(names, start=1)
    ]
    pd.DataFrame(
        rows,
        columns=[
            "publication_number",
            "publication_date",
            "applicant_name",
            "applicant_country",
            "applicant_sequence",
            "applicant_sector",
        ],
    ).to_csv(path, index=False)
    ranked = load_dataset(path, counting=rule).ranked
    expected = brute_force_counts(pubs, rule)
    got = {
        (int(y), a.upper()): p
        for y, a, p in zip(ranked["year"], ranked["applicant"], ranked["published"], strict=False)
    }
    assert got.keys() == expected.keys()
    assert got == pytest.approx({key: float(value) for key, value in expected.items()})
    for year in {y for y, _ in expected}:
        names = [a for y, a in expected if y == year]
        values = [expected[(year, a)] for a in names]
        ranks = dict(zip(names, brute_force_rank(values), strict=False))
        year_rows = ranked[ranked["year"] == year]
        assert dict(zip(year_rows["applicant"].str.upper(), year_rows["rank_overall"], strict=False)) == ranks
