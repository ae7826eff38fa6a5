import pandas as pd
import pytest

from analysis.errors import UnknownInstitutionError, UnknownYearError
from analysis.partners import (
    co_application_share,
    institution_partners,
    partner_sectors,
    partnership_share,
    university_business,
)

A = ("A Univ", "education", "CN")
B = ("B Corp", "business", "US")
C = ("C Univ", "education", None)
D = ("D Univ", "education", "CN")
E = ("E Univ", "education", "JP")
G = ("G Inst", "government", "DE")
H = ("H Corp", "business", "JP")


@pytest.fixture
def applications():
    """2017: WO1 A+B, WO2 B+A+G, WO3 A alone, WO4 D+A (A named twice).
    2018: WO5 A+B, WO6 C+H, WO7 E alone, WO8 D+E+B."""
    entries = [
        ("WO1", 2017, A, B),
        ("WO2", 2017, B, A, G),
        ("WO3", 2017, A),
        ("WO4", 2017, D, A, A),
        ("WO5", 2018, A, B),
        ("WO6", 2018, C, H),
        ("WO7", 2018, E),
        ("WO8", 2018, D, E, B),
    ]
    rows = [
        (number, year, name, sequence, sector, country)
        for number, year, *named in entries
        for sequence, (name, sector, country) in enumerate(named, start=1)
    ]
    return pd.DataFrame(rows, columns=["publication_number", "year", "applicant", "sequence", "sector", "country"])


def test_an_institutions_partners_in_any_place_year_by_year(applications):
    table = institution_partners(applications, "A Univ")
    assert table[["year", "partner", "sector", "applications"]].values.tolist() == [
        [2017, "B Corp", "business", 2],
        [2017, "D Univ", "education", 1],
        [2017, "G Inst", "government", 1],
        [2018, "B Corp", "business", 1],
    ]


def test_partners_by_sector(applications):
    table = partner_sectors(applications, "A Univ")
    assert table.values.tolist() == [
        [2017, "business", 1, 2],
        [2017, "education", 1, 1],
        [2017, "government", 1, 1],
        [2018, "business", 1, 1],
    ]


def test_share_of_an_institutions_applications_filed_with_a_partner(applications):
    # 2017: WO1, WO2 and WO4 have a partner; WO3 does not, and A named twice on WO4 is still one applicant.
    table = partnership_share(applications, "A Univ")
    assert table.values.tolist() == [[2017, 4, 3, 75.0], [2018, 1, 1, 100.0]]


def test_share_of_applications_with_several_applicants(applications):
    assert co_application_share(applications).values.tolist() == [[2017, 4, 3, 75.0], [2018, 4, 3, 75.0]]
    single = applications[applications["sequence"] == 1]
    assert co_application_share(single)["with_several"].tolist() == [0, 0]


def test_university_business_co_applications_by_the_universitys_country(applications):
    # 2018: CN universities on WO5 and WO8, both with B Corp; JP on WO7 (alone) and WO8; C Univ's country is unknown.
    table = university_business(applications, 2018)
    assert table.values.tolist() == [["CN", 2, 2, 100.0], ["JP", 2, 1, 50.0], ["unknown", 1, 1, 100.0]]
    assert university_business(applications, 2017).values.tolist() == [["CN", 4, 2, 50.0]]


def test_unknown_institution_and_year_are_errors(applications):
    with pytest.raises(UnknownInstitutionError):
        institution_partners(applications, "Z Univ")
    with pytest.raises(UnknownYearError):
        university_business(applications, 2030)
