import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis import variants
from analysis.errors import MappingError
from analysis.names import (
    _SEPARATORS,
    Alias,
    _tokens,
    build_name_map,
    normalise_name,
    read_aliases,
)
from analysis.paths import APPLICANT_ALIASES
from analysis.variants import likely_variants


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


@pytest.mark.parametrize(
    "written, plain",
    [
        ("GIVAUDAN S.A.", "GIVAUDAN SA"),
        ("Givaudan S. A.", "Givaudan"),
        ("Koninklijke Philips N.V.", "KONINKLIJKE PHILIPS NV"),
        ("ASML Netherlands B.V.", "ASML NETHERLANDS BV"),
        ("Huawei Technologies Co., Ltd.", "HUAWEI TECHNOLOGIES CO LTD"),
        ("SIEMENS AKTIENGESELLSCHAFT", "Siemens AG"),
        ("Qualcomm Incorporated", "QUALCOMM INC"),
        ("Novozymes A/S", "NOVOZYMES AS"),
        ("Pirelli & C. S.p.A.", "PIRELLI & C SPA"),
        ("Acme Holdings, L.L.C.", "ACME HOLDINGS LLC"),
        ("KABUSHIKI KAISHA TOSHIBA", "Toshiba Corp"),
    ],
)
def test_legal_forms_however_written_share_a_key(written, plain):
    assert normalise_name(written) == normalise_name(plain)


@pytest.mark.parametrize(
    "one, other",
    [
        ("株式会社日立製作所", "日立製作所株式会社"),
        ("㈱日立製作所", "株式会社日立製作所"),
        ("（株）日立製作所", "日立製作所株式会社"),
        ("삼성전자 주식회사", "삼성전자주식회사"),
        ("㈜엘지화학", "주식회사 엘지화학"),
        ("华为技术有限公司", "华为技术 有限公司"),
        ("华为终端（深圳）有限公司", "华为终端(深圳)有限公司"),
        ("京东方科技集团股份有限公司", "京东方科技集团　股份有限公司"),
        ("ＳＯＮＹ株式会社", "SONY 株式会社"),
    ],
)
def test_cjk_names_differing_in_legal_form_place_spacing_or_width_share_a_key(one, other):
    assert normalise_name(one) == normalise_name(other)


@pytest.mark.parametrize(
    "name, key",
    [
        ("华为技术有限公司", "华为技术"),
        ("中兴通讯股份有限公司", "中兴通讯"),
        ("株式会社ブリヂストン", "ブリヂストン"),
        ("서울대학교", "서울대학교"),
        ("株式会社", "株式会社"),
        ("股份有限公司", "股份有限公司"),
        ("주식회사", "주식회사"),
        ("S.A.", "S A"),
        ("Co., Ltd.", "CO LTD"),
    ],
)
def test_only_the_legal_form_is_dropped_and_a_bare_legal_form_keeps_itself(name, key):
    assert normalise_name(name) == key


@pytest.mark.parametrize(
    "one, other",
    [
        ("SAMSUNG", "MSUNG"),
        ("SA Power Networks", "Power Networks"),
        ("Vitamin A", "Vitamin"),
        ("株式会社", "有限公司"),
        ("ビクター", "ヒクター"),
        ("ЙОД", "ИОД"),
        ("华为技术有限公司深圳分公司", "华为技术有限公司"),
    ],
)
def test_legal_form_letters_inside_names_and_marks_of_other_scripts_tell_names_apart(one, other):
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
    name_map = build_name_map(
        raw(("DALIAN UNIV OF TECH", 50), ("Dalian Univ of Tech", 9), ("Dalian University of Technology", 3)), []
    )
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
        ("University of California system", 1),
        ("University of California", 1),
        ("Leland Stanford Junior University", 1),
        ("Stanford University", 1),
        ("Guang Dong OPPO Mobile Telecommunications", 1),
        ("Guangdong OPPO Mobile Telecommunications", 1),
        ("LM Ericsson", 1),
        ("Ericsson", 1),
    )
    assert build_name_map(names, aliases).table["applicant"].nunique() == 4


def test_alias_table_errors_name_the_file_and_line(tmp_path):
    path = tmp_path / "aliases.csv"
    path.write_text("raw_name,canonical_name,note\nFoo,,missing\n", encoding="utf-8")
    with pytest.raises(MappingError, match=r"aliases.csv line 2: raw_name and canonical_name are both required"):
        read_aliases(path)


def test_likely_variants_finds_close_names_for_review():
    applicants = pd.DataFrame(
        {
            "applicant": [
                "Guang Dong OPPO Mobile Telecommunications",
                "Guangdong OPPO Mobile Telecommunications",
                "Acme",
                "Zenith",
            ],
            "published": [1927, 1963, 5, 4],
        }
    )
    found = likely_variants(applicants, threshold=90)
    assert found[["applicant", "variant"]].values.tolist() == [
        ["Guang Dong OPPO Mobile Telecommunications", "Guangdong OPPO Mobile Telecommunications"]
    ]
    assert found["score"].iloc[0] == 100.0


def test_likely_variants_uses_both_ends_as_blocks():
    applicants = pd.DataFrame(
        {"applicant": ["Xenon Photonics Laboratories", "Zenon Photonics Laboratories"], "published": [1, 1]}
    )
    assert len(likely_variants(applicants, threshold=90)) == 1


def test_likely_variants_proposes_word_order_and_abbreviation_matches():
    applicants = pd.DataFrame(
        {
            "applicant": [
                "UNIV DALIAN TECH",
                "Dalian University of Technology",
                "Dalian Maritime University",
                "UNIV TSINGHUA",
                "Tsinghua University",
            ],
            "published": [3, 53, 9, 4, 70],
        }
    )
    found = likely_variants(applicants, threshold=90)
    same = found[found["match"] == "same words"]
    assert sorted(map(sorted, same[["applicant", "variant"]].values.tolist())) == [
        ["Dalian University of Technology", "UNIV DALIAN TECH"],
        ["Tsinghua University", "UNIV TSINGHUA"],
    ]
    assert set(same["score"]) == {100.0}
    assert len(found) == len(same)


def test_likely_variants_keeps_the_same_best_pairs_whatever_the_limit():
    # Families of equally long names tie on score, so the list is cut among ties by name.
    family = [
        f"{word} Photonics {n:02d}" for word in ("Zeta", "Acme", "Mira", "Bolt", "Kilo", "Dyne") for n in range(30)
    ]
    applicants = pd.DataFrame({"applicant": family, "published": range(len(family))})
    every = likely_variants(applicants, threshold=85, limit=100_000)
    assert len(every) > 1000
    for limit in (7, 25, 300):
        pd.testing.assert_frame_equal(likely_variants(applicants, threshold=85, limit=limit), every.head(limit))
    assert every["score"].is_monotonic_decreasing


def test_big_blocks_are_split_by_more_letters_and_still_find_pairs(monkeypatch):
    monkeypatch.setattr(variants, "BLOCK_MAX", 2)
    compared = []
    compare = variants._add_close_pairs
    monkeypatch.setattr(
        variants,
        "_add_close_pairs",
        lambda best, keys, members: compared.append(len(members)) or compare(best, keys, members),
    )
    applicants = pd.DataFrame(
        {
            "applicant": [
                "Acme Alpha Widgets",
                "Acme Alpha Widgetz",
                "Acme Beta Gizmos",
                "Acme Gamma Tools",
                "Acme Delta Parts",
            ],
            "published": [1, 1, 1, 1, 1],
        }
    )
    found = likely_variants(applicants, threshold=90)
    assert found[["applicant", "variant", "match"]].values.tolist() == [
        ["Acme Alpha Widgets", "Acme Alpha Widgetz", "spelling"]
    ]
    assert compared and max(compared) <= 2


def _regex_tokens(text: str) -> list[str]:
    return [token for token in _SEPARATORS.split(text) if token]


@pytest.mark.parametrize("code", range(128))
def test_an_ascii_name_splits_into_the_words_the_separators_pattern_gives(code):
    text = f"A{chr(code)}B {chr(code) * 2}C{chr(code)}"
    assert _tokens(text) == _regex_tokens(text)


@given(st.text(st.characters(max_codepoint=0x7F)) | st.text())
def test_any_name_splits_into_the_words_the_separators_pattern_gives(text):
    assert _tokens(text) == _regex_tokens(text)
