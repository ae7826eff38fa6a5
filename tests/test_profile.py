import json

import pytest

from analysis.dataset import load_dataset
from analysis.errors import UnknownInstitutionError, UnknownYearError
from analysis.narrative import change_sentence, country_name, headline, ordinal, sector_in_country
from analysis.profile import institution_profile


@pytest.mark.parametrize(
    "number, text",
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
        (44, "44th"),
        (101, "101st"),
        (111, "111th"),
        (112, "112th"),
        (836, "836th"),
        (1000, "1000th"),
    ],
)
def test_ordinals(number, text):
    assert ordinal(number) == text


@pytest.fixture
def story(tmp_path):
    """An aggregated table shaped like the 2018 story, with a previous year."""
    path = tmp_path / "story.csv"
    rows = ["year,applicant_name,applicant_country,applicant_sector,published"]
    rows += [f"2018,Company {i},US,business,{100 + i}" for i in range(5)]
    rows += [
        "2018,Shenzhen University,CN,education,201",
        "2018,Harvard University,US,education,169",
        "2018,Dalian University of Technology,CN,education,53",
        "2018,Tokyo Tech,JP,education,53",
        "2017,Dalian University of Technology,CN,education,40",
        "2017,Shenzhen University,CN,education,150",
        "2017,Harvard University,US,education,30",
        "2016,Dalian University of Technology,CN,education,20",
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return load_dataset(path)


def test_profile_gives_counts_and_ranks_in_three_scopes_and_the_year_before(story):
    profile = institution_profile(story, "dalian univ of tech", 2018)
    assert profile.institution == "Dalian University of Technology"
    now = profile.current
    assert (now.published, now.rank_overall, now.rank_sector, now.rank_sector_country) == (53, 8, 3, 2)
    assert (now.applicants_overall, now.applicants_sector, now.applicants_sector_country) == (9, 4, 2)
    before = profile.previous
    assert (before.year, before.published, before.rank_sector) == (2017, 40, 2)
    assert profile.trend["year"].tolist() == [2016, 2017, 2018]
    assert profile.trend["published"].tolist() == [20, 40, 53]


def test_headline_states_the_story(story):
    profile = institution_profile(story, "Dalian University of Technology", 2018)
    assert headline(profile) == (
        "In 2018, Dalian University of Technology published 53 PCT applications, which ranked it 3rd among "
        "the world's educational institutions, "
        "2nd among Chinese educational institutions and 8th among all PCT applicants."
    )
    assert change_sentence(profile) == (
        "That is 13 more than in 2017; it moved down 1 place among educational institutions, from 2nd."
    )


def test_profile_serialises_to_json(story):
    data = institution_profile(story, "Harvard University", 2018).to_dict()
    assert json.loads(json.dumps(data))["previous"]["rank_sector"] == 3
    assert data["rank_sector_country"] == 1


def test_unknown_institution_suggests_the_closest_names(story):
    with pytest.raises(UnknownInstitutionError, match=r'did you mean: "Dalian University of Technology"'):
        institution_profile(story, "Dalian Univ Technology", 2018)


def test_institution_absent_that_year_says_which_years_it_has(story):
    with pytest.raises(
        UnknownInstitutionError, match=r"Tokyo Tech has no published PCT applications in 2017 .*\(it has 2018\)"
    ):
        institution_profile(story, "Tokyo Tech", 2017)


def test_unknown_year(story):
    with pytest.raises(UnknownYearError, match="year 2030 is not in the data, which covers 2016–2018"):
        institution_profile(story, "Tokyo Tech", 2030)


def test_a_new_entrant_is_called_one():
    class Profile:
        institution, year, previous, provenance = "Tokyo Tech", 2018, None, None

    assert (
        change_sentence(Profile())
        == "Tokyo Tech published no PCT applications in 2017 in this data: it is a new entrant."
    )
    Profile.provenance = "published"
    assert "give no figure for Tokyo Tech in 2017" in change_sentence(Profile())


def test_country_words():
    assert country_name("CN") == "China"
    assert country_name("KR") == "the Republic of Korea"
    assert sector_in_country("education", "CN") == "Chinese educational institutions"
    assert sector_in_country("business", "BR") == "Brazilian businesses"
    assert sector_in_country("business", "UY") == "businesses in Uruguay"


def test_headline_names_a_non_default_counting_rule(story, tmp_path):
    path = tmp_path / "records.csv"
    path.write_text(
        "publication_number,publication_date,applicant_name,applicant_country\n"
        "WO2018000001,2018-01-01,Alpha University,CN\nWO2018000001,2018-01-01,Beta University,CN\n",
        encoding="utf-8",
    )
    profile = institution_profile(load_dataset(path, counting="fractional"), "Beta University", 2018)
    assert headline(profile).startswith(
        "In 2018, Beta University was credited with 0.5 PCT applications (fractional counting), which ranked it 1st"
    )
