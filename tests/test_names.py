import pandas as pd
import pytest

from analysis.errors import MappingError
from analysis.names import Alias, build_name_map, likely_variants, normalise_name, read_aliases
from analysis.paths import APPLICANT_ALIASES


@pytest.mark.parametrize(
    "variant, main",
    [
        ("DALIAN UNIV OF TECH", "Dalian University of Technology"),
        ("Dalian Univ. of Tech.", "Dalian University of Technology"),
        ("Huawei Technologies Co., Ltd.", "HUAWEI TECHNOLOGIES LTD CO"),
        ("Huawei Technologies", "Huawei Technologies Co Ltd"),
        ("The Massachusetts Inst. of Tech.", "Massachusetts Institute of Technology"),
        ("ＡＢＣ　Corp", "ABC Corporation"),
        ("Smith & Nephew plc", "SMITH AND NEPHEW"),
    ],
)
def test_spellings_that_never_tell_applicants_apart_share_a_key(variant, main):
    assert normalise_name(variant) == normalise_name(main)


@pytest.mark.parametrize(
    "one, other",
    [
        ("Guang Dong OPPO Mobile Telecommunications", "Guangdong OPPO Mobile Telecommunications"),
        ("LM Ericsson", "Ericsson"),
        ("Leland Stanford Junior University", "Stanford University"),
        ("Sony Corp", "Sony Group Corp"),
    ],
)
def test_real_variants_are_not_merged_on_a_guess(one, other):
    assert normalise_name(one) != normalise_name(other)


def test_names_in_scripts_without_case_keep_their_characters():
    assert normalise_name("清华大学") == "清华大学"
    assert normalise_name(" 大连理工大学 ") == "大连理工大学"


def raw(*pairs):
    return pd.DataFrame(pairs, columns=["applicant_name", "rows"])


def test_aliases_merge_variants_under_the_canonical_name():
    aliases = [Alias("LM Ericsson", "Ericsson", "")]
    name_map = build_name_map(raw(("LM ERICSSON", 3), ("Ericsson AB", 2)), aliases)
    assert set(name_map.table["applicant"]) == {"Ericsson"}
    assert name_map.unused_aliases == ()


def test_display_name_prefers_proper_case_over_frequency_then_frequency():
    name_map = build_name_map(raw(("DALIAN UNIV OF TECH", 50), ("Dalian Univ of Tech", 9), ("Dalian University of Technology", 3)), [])
    assert set(name_map.table["applicant"]) == {"Dalian University of Technology"}
    name_map = build_name_map(raw(("Acme Corp", 5), ("Acme Corp.", 7)), [])
    assert set(name_map.table["applicant"]) == {"Acme Corp."}


def test_unused_aliases_are_reported_for_review():
    aliases = [Alias("Old Name Ltd", "New Name Ltd", "renamed")]
    assert build_name_map(raw(("Other Corp", 1)), aliases).unused_aliases == tuple(aliases)


def test_alias_lookup_finds_spellings_absent_from_the_data():
    aliases = [Alias("LM Ericsson", "Ericsson", "")]
    lookup = build_name_map(raw(("Ericsson", 1)), aliases).key_to_applicant()
    assert lookup[normalise_name("LM Ericsson")] == "Ericsson"


def test_the_shipped_alias_table_merges_the_names_wipo_prints_differently():
    aliases = read_aliases(APPLICANT_ALIASES)
    names = raw(
        ("University of California system", 1), ("University of California", 1),
        ("Leland Stanford Junior University", 1), ("Stanford University", 1),
        ("Guang Dong OPPO Mobile Telecommunications", 1), ("Guangdong OPPO Mobile Telecommunications", 1),
        ("LM Ericsson", 1), ("Ericsson", 1),
    )
    assert build_name_map(names, aliases).table["applicant"].nunique() == 4


def test_alias_table_errors_name_the_file_and_line(tmp_path):
    path = tmp_path / "aliases.csv"
    path.write_text("raw_name,canonical_name,note\nFoo,,missing\n", encoding="utf-8")
    with pytest.raises(MappingError, match=r"aliases.csv line 2: raw_name and canonical_name are both required"):
        read_aliases(path)


def test_likely_variants_finds_close_names_for_review():
    applicants = pd.DataFrame({
        "applicant": ["Guang Dong OPPO Mobile Telecommunications", "Guangdong OPPO Mobile Telecommunications", "Acme", "Zenith"],
        "published": [1927, 1963, 5, 4],
    })
    found = likely_variants(applicants, threshold=90)
    assert found[["applicant", "variant"]].values.tolist() == [
        ["Guang Dong OPPO Mobile Telecommunications", "Guangdong OPPO Mobile Telecommunications"]
    ]
    assert found["score"].iloc[0] == 100.0


def test_likely_variants_uses_both_ends_as_blocks():
    applicants = pd.DataFrame({"applicant": ["Xenon Photonics Laboratories", "Zenon Photonics Laboratories"], "published": [1, 1]})
    assert len(likely_variants(applicants, threshold=90)) == 1
