import pandas as pd
import pytest

from analysis.errors import MappingError, UnknownInstitutionError
from analysis.fields import (
    NO_IPC,
    NO_IPC_REASON,
    OUTSIDE_CONCORDANCE,
    annual_fields,
    field_counts,
    institution_fields,
    no_ipc_reason,
    normalise_ipc,
    read_concordance,
)

COLUMNS = ["publication_number", "year", "applicant", "sequence", "sector", "country", "ipc"]


@pytest.fixture(scope="module")
def concordance():
    return read_concordance()


def publications(*entries):
    """Rows of the applications table: each entry is (number, year, ipc, applicants…),
    an applicant being (name, sector, country), listed in sequence order."""
    rows = []
    for number, year, ipc, *applicants in entries:
        for sequence, (name, sector, country) in enumerate(applicants, start=1):
            rows.append((number, year, name, sequence, sector, country, ipc))
    return pd.DataFrame(rows, columns=COLUMNS)


A = ("A Univ", "education", "CN")
B = ("B Corp", "business", "US")
C = ("C Univ", "education", None)
D = ("D Univ", "education", "CN")
E = ("E Univ", "education", "JP")
F = ("F Univ", "education", "KR")


@pytest.mark.parametrize(
    "symbol, normalised",
    [
        ("G01N 33/53", "G01N  33/53"),
        ("G01N33/53", "G01N  33/53"),
        ("G01N0033530000", "G01N  33/53"),
        ("G01N 33/53 (2006.01)", "G01N  33/53"),
        ("g01n 33/53", "G01N  33/53"),
        ("A61K  31/00", "A61K  31/00"),
        (" H04N 101/10 ", "H04N 101/10"),
        ("H04N0101100000", "H04N 101/10"),
        ("H04N0005232000", "H04N   5/232"),
        ("G06F", "G06F"),
        ("H04N 5", "H04N   5/"),
        ("", None),
        ("not IPC", None),
        (None, None),
    ],
)
def test_symbols_are_normalised_to_the_concordance_padding(symbol, normalised):
    assert normalise_ipc(symbol) == normalised


def _samples(prefix):
    """Symbols inside a concordance prefix, written the ways exports write them."""
    subclass = prefix[:4]
    group = prefix[4:].strip(" /") or "7"
    return [
        f"{subclass} {group}/04",
        f"{subclass}{group}/04",
        f"{subclass}{int(group):04d}040000",
        f"{subclass.lower()} {group}/04 (2006.01)",
    ]


def test_every_pattern_of_all_35_fields_maps_back_to_its_field(concordance):
    assert len(concordance.fields) == 35
    matched = set()
    for prefix, field_number in concordance.prefixes.items():
        for sample in _samples(prefix):
            assert concordance.field_of(sample) == field_number, (prefix, sample)
        matched.add(field_number)
    assert matched == set(range(1, 36))


def test_main_groups_are_told_apart_by_their_padding(concordance):
    # H04N 1/ is telecommunications, H04N 101/ and H04N 11/ audio-visual, H04N 21/ digital communication.
    assert [concordance.field_of(s) for s in ["H04N 1/00", "H04N 101/00", "H04N 11/00", "H04N 21/20"]] == [3, 2, 2, 4]
    assert concordance.field_of("G01N 33/50") == 11 and concordance.field_of("G01N 21/00") == 10
    assert concordance.field_of("G01N 99/00") is None


def test_a_pattern_that_is_not_a_prefix_is_refused(tmp_path):
    path = tmp_path / "concordance.csv"
    path.write_text("field_number,sector,field,ipc_code\n1,S,F,G06_%\n", encoding="utf-8")
    with pytest.raises(MappingError, match="line 2"):
        read_concordance(path)


def _weights(counts):
    return {(r.year, r.applicant, r.field): r.weight for r in counts.itertuples()}


@pytest.fixture
def mixed():
    """WO1: two fields and two applicants; WO2: one field named twice; WO3: no IPC;
    WO4: a symbol the concordance does not cover; WO5: the year before."""
    return publications(
        ("WO1", 2018, "G06F 3/01;H04N 5/232", A, B),
        ("WO2", 2018, "G06F3/01; G06F 17/30", A),
        ("WO3", 2018, None, B, A),
        ("WO4", 2018, "G01N 99/00", C),
        ("WO5", 2017, "A61K 31/00", A),
    )


def test_first_named_counting_divides_an_application_equally_among_its_fields(mixed, concordance):
    counts = field_counts(mixed, concordance)
    assert _weights(counts) == {
        (2017, "A Univ", "Pharmaceuticals"): 1.0,
        (2018, "A Univ", "Computer technology"): 1.5,
        (2018, "A Univ", "Audio-visual technology"): 0.5,
        (2018, "B Corp", NO_IPC): 1.0,
        (2018, "C Univ", OUTSIDE_CONCORDANCE): 1.0,
    }
    assert counts.loc[counts["field"] == "Computer technology", ["field_number", "tech_sector"]].iloc[0].tolist() == [
        6,
        "Electrical engineering",
    ]
    assert counts["field_number"].isna().sum() == 2


def test_every_applicant_and_fractional_counting_credit_co_applicants(mixed, concordance):
    whole = _weights(field_counts(mixed, concordance, "every-applicant"))
    assert whole[(2018, "B Corp", "Computer technology")] == 0.5
    assert whole[(2018, "A Univ", NO_IPC)] == 1.0
    fractional = _weights(field_counts(mixed, concordance, "fractional"))
    assert fractional[(2018, "A Univ", "Computer technology")] == 1.25
    assert fractional[(2018, "B Corp", "Audio-visual technology")] == 0.25
    assert fractional[(2018, "A Univ", NO_IPC)] == 0.5


@pytest.fixture
def sector_data():
    """2018 education: A 3×G06F, 1×C12N, 1 without IPC; D 1×G06F, 3×C12N; E 4×C12N; F 1×C12N.
    B Corp (business) 10×G06F. 2017: D 2×G06F, E 4×C12N, A 1×A61K 31."""
    entries = []

    def add(count, year, ipc, applicant):
        for _ in range(count):
            entries.append((f"WO{len(entries):04d}", year, ipc, applicant))

    add(3, 2018, "G06F 3/01", A)
    add(1, 2018, "C12N 15/10", A)
    add(1, 2018, None, A)
    add(1, 2018, "G06F 3/01", D)
    add(3, 2018, "C12N 15/10", D)
    add(4, 2018, "C12N 15/10", E)
    add(1, 2018, "C12N 15/10", F)
    add(10, 2018, "G06F 3/01", B)
    add(2, 2017, "G06F 3/01", D)
    add(4, 2017, "C12N 15/10", E)
    add(1, 2017, "A61K 31/00", A)
    return publications(*entries)


def test_institution_fields_give_shares_specialisation_and_ranks_within_its_sector(sector_data, concordance):
    table = institution_fields(field_counts(sector_data, concordance), "A Univ", 2018)
    assert table["field"].tolist() == ["Computer technology", "Biotechnology", NO_IPC]
    computer, biotech, no_ipc = (row for _, row in table.iterrows())
    # Education worldwide: computer technology 4 of 13 classified applications, biotechnology 9 of 13.
    assert computer["share"] == pytest.approx(0.75) and computer["sector_share"] == pytest.approx(4 / 13)
    assert computer["specialisation"] == pytest.approx(0.75 / (4 / 13))
    assert biotech["specialisation"] == pytest.approx(0.25 / (9 / 13))
    assert (computer["rank_in_sector"], computer["applicants_in_sector"]) == (1, 2)
    # Biotechnology: E 4, D 3, A 1, F 1 — A and F share third place.
    assert (biotech["rank_in_sector"], biotech["applicants_in_sector"]) == (3, 4)
    assert no_ipc["applications"] == 1 and pd.isna(no_ipc["share"]) and pd.isna(no_ipc["rank_in_sector"])


def test_an_institution_absent_that_year_is_an_error(sector_data, concordance):
    with pytest.raises(UnknownInstitutionError):
        institution_fields(field_counts(sector_data, concordance), "B Corp", 2017)


def test_annual_fields_by_field_sector_growth_and_leader(sector_data, concordance):
    summary = annual_fields(field_counts(sector_data, concordance), concordance, 2018, top=2)
    by_field = summary.by_field.set_index("field")
    assert len(by_field) == 36  # 35 fields and the applications without IPC
    assert by_field.loc["Computer technology", "applications"] == 14
    assert by_field.loc["Computer technology", "share"] == pytest.approx(14 / 23)
    assert by_field.loc["Computer technology", "growth"] == pytest.approx(14 / 2 - 1)
    assert by_field.loc["Pharmaceuticals", "growth"] == pytest.approx(-1)
    assert pd.isna(by_field.loc["Optics", "growth"]) and by_field.loc["Optics", "applications_previous"] == 0
    assert by_field.loc[NO_IPC, "applications"] == 1 and pd.isna(by_field.loc[NO_IPC, "share"])
    assert summary.fastest["field"].tolist() == ["Computer technology", "Biotechnology"]
    sectors = summary.by_sector.set_index("tech_sector")["applications"]
    assert sectors.to_dict() == {
        "Electrical engineering": 14,
        "Instruments": 0,
        "Chemistry": 9,
        "Mechanical engineering": 0,
        "Other fields": 0,
    }
    assert summary.leaders[["field", "applicant", "applications"]].values.tolist() == [
        ["Computer technology", "B Corp", 10],
        ["Biotechnology", "E Univ", 4],
    ]


def test_without_a_previous_year_growth_is_unknown(sector_data, concordance):
    summary = annual_fields(field_counts(sector_data, concordance), concordance, 2017)
    assert summary.by_field["applications_previous"].isna().all()
    assert summary.fastest.empty


def test_data_without_ipc_gives_the_reason_line(mixed, concordance):
    assert no_ipc_reason(mixed) is None
    blank = mixed.assign(ipc=None)
    assert no_ipc_reason(blank) == NO_IPC_REASON
    assert no_ipc_reason(mixed.drop(columns="ipc")) == NO_IPC_REASON
    assert set(field_counts(blank, concordance)["field"]) == {NO_IPC}
