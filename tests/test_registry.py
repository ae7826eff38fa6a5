import csv

import pandas as pd
import pytest
from conftest import write_csv

from analysis.errors import MappingError
from analysis.names import build_name_map, normalise_name, read_aliases
from analysis.paths import APPLICANT_ALIASES, PUBLISHED_FIGURES
from analysis.registry import read_registry

REGISTRY_HEADER = ["canonical_name", "country", "sector", "name_zh", "spellings", "note"]
TABLE_SECTORS = {"edu": "education", "business": "business"}


@pytest.fixture(scope="module")
def registry():
    return read_registry()


@pytest.fixture(scope="module")
def printed():
    """The applicants of WIPO's edu and business tables, as printed."""
    with open(PUBLISHED_FIGURES, encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle) if row["table"] in TABLE_SECTORS]


def test_registry_covers_every_applicant_wipo_printed_with_its_country_and_sector(registry, printed):
    alias_canonical = {alias.raw_name: alias.canonical_name for alias in read_aliases(APPLICANT_ALIASES)}
    for row in printed:
        entry = registry.entry(row["name"])
        assert entry is not None, row["name"]
        assert entry.canonical_name == alias_canonical.get(row["name"], row["name"])
        assert (entry.country, entry.sector) == (row["country"], TABLE_SECTORS[row["table"]])


def test_every_chinese_university_wipo_printed_has_its_chinese_name(registry, printed):
    universities = {row["name"] for row in printed if row["table"] == "edu" and row["country"] == "CN"}
    assert len(universities) >= 8
    for name in universities:
        assert (registry.name_zh(name) or "").endswith("大学"), name
    assert registry.name_zh("UNIV DALIAN TECH") == "大连理工大学"
    assert registry.name_zh("Huawei Technologies") == "华为技术有限公司"


def test_every_spelling_resolves_to_its_canonical_name_through_the_name_map(registry):
    aliases = read_aliases(APPLICANT_ALIASES) + registry.aliases()
    raw = pd.DataFrame({"applicant_name": list(registry.known_names()), "rows": 1})
    table = build_name_map(raw, aliases).table
    applicant = dict(zip(table["applicant_name"], table["applicant"], strict=False))
    for entry in registry.entries:
        for name in (entry.canonical_name, *entry.spellings):
            assert applicant[name] == entry.canonical_name, name
            assert registry.entry(name) is entry


def test_registry_merges_no_two_applicants_that_wipo_printed_apart(registry, printed):
    names = pd.DataFrame({"applicant_name": sorted({row["name"] for row in printed}), "rows": 1})
    aliases = read_aliases(APPLICANT_ALIASES)
    alone = build_name_map(names, aliases).table["applicant"].nunique()
    assert build_name_map(names, aliases + registry.aliases()).table["applicant"].nunique() == alone


def test_registry_and_alias_table_agree(registry):
    for alias in read_aliases(APPLICANT_ALIASES):
        assert registry.entry(alias.raw_name) is registry.entry(alias.canonical_name), alias


@pytest.mark.parametrize(
    "spelling, canonical",
    [
        ("삼성전자 주식회사", "Samsung Electronics"),
        ("삼성전자주식회사", "Samsung Electronics"),
        ("Samsung Electronics Co., Ltd.", "Samsung Electronics"),
        ("三菱電機株式会社", "Mitsubishi Electric"),
        ("HUAWEI TECH CO LTD", "Huawei Technologies"),
        ("华为技术有限公司", "Huawei Technologies"),
        ("UNIV CALIFORNIA", "University of California"),
        ("MASSACHUSETTS INST TECHNOLOGY", "Massachusetts Institute of Technology"),
        ("UNIV TSINGHUA", "Tsinghua University"),
        ("Tsinghua Univ.", "Tsinghua University"),
    ],
)
def test_entry_matches_any_spelling_by_its_normalised_key(registry, spelling, canonical):
    assert registry.entry(spelling).canonical_name == canonical


def test_names_outside_the_registry_have_no_entry(registry):
    assert registry.entry("Dalian Maritime University") is None
    assert registry.entry("UNIV WASHINGTON") is None
    assert registry.name_zh("Dalian Maritime University") is None
    assert registry.name_zh("Johns Hopkins University") is None


def test_known_names_keep_names_with_commas_whole(registry):
    known = registry.known_names()
    for name in (
        "Agency For Science, Technology And Research",
        "Microsoft Technology Licensing, Llc",
        "Board of Regents, The University of Texas System",
    ):
        assert name in known


def test_sectors_and_countries_are_keyed_by_every_known_name(registry):
    sectors, countries = registry.sector_overrides(), registry.countries()
    for name in ("Dalian University of Technology", "UNIV DALIAN TECH", "大连理工大学"):
        assert sectors[normalise_name(name)] == "education"
        assert countries[normalise_name(name)] == "CN"
    assert sectors[normalise_name("Agency For Science, Technology And Research")] == "government"


def test_every_registry_row_says_where_it_comes_from(registry):
    assert all(entry.note for entry in registry.entries)


GOOD = ["Acme University", "CN", "education", "", "ACME UNIV", "test row"]


@pytest.mark.parametrize(
    "bad_row, message",
    [
        (
            ["Beta Corp", "China", "business", "", "", "x"],
            r"line 3: country 'China' of 'Beta Corp' is not an ISO 3166-1 alpha-2 code",
        ),
        (["Beta Corp", "cn", "business", "", "", "x"], r"line 3: country 'cn' of 'Beta Corp'"),
        (
            ["Beta Corp", "US", "company", "", "", "x"],
            r"line 3: sector 'company' of 'Beta Corp' is not one of business, education",
        ),
        (["", "US", "business", "", "BETA", "x"], r"line 3: canonical_name is empty"),
        (
            ["Beta Corp", "US", "business", "", "BETA | | BETA CORP", "x"],
            r"line 3: empty spelling in 'BETA \| \| BETA CORP' of 'Beta Corp'",
        ),
        (
            ["Beta Corp", "US", "business", "", "BETA | Acme Univ.", "x"],
            r"line 3: 'Acme Univ.' of 'Beta Corp' is already a name of 'Acme University' \(line 2\)",
        ),
        (
            ["ACME UNIVERSITY", "US", "education", "", "", "x"],
            r"line 3: 'ACME UNIVERSITY' of 'ACME UNIVERSITY' is already a name of 'Acme University' \(line 2\)",
        ),
    ],
)
def test_bad_registry_rows_are_refused_naming_file_line_and_value(tmp_path, bad_row, message):
    path = write_csv(tmp_path / "registry.csv", REGISTRY_HEADER, [GOOD, bad_row])
    with pytest.raises(MappingError, match=r"registry\.csv " + message):
        read_registry(path)


def test_a_good_registry_reads_back(tmp_path):
    path = write_csv(tmp_path / "registry.csv", REGISTRY_HEADER, [GOOD])
    entry = read_registry(path).entry("Acme Univ")
    assert (entry.canonical_name, entry.country, entry.spellings) == ("Acme University", "CN", ("ACME UNIV",))
    assert [(a.raw_name, a.canonical_name) for a in read_registry(path).aliases()] == [("ACME UNIV", "Acme University")]


def test_a_missing_registry_is_named(tmp_path):
    with pytest.raises(MappingError, match=r"nowhere\.csv: applicant registry not found"):
        read_registry(tmp_path / "nowhere.csv")
