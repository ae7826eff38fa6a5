import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.dataset import load_dataset
from analysis.errors import MappingError
from analysis.sectors import (
    BUSINESS_PATTERNS,
    EDUCATION_PATTERNS,
    GOVERNMENT_PATTERNS,
    classify_name,
    read_sector_overrides,
    rule_pattern,
)

RULE_PATTERNS = (EDUCATION_PATTERNS, GOVERNMENT_PATTERNS, BUSINESS_PATTERNS)


@pytest.mark.parametrize(
    "name, sector",
    [
        ("Dalian University of Technology", "education"),
        ("DALIAN UNIV OF TECH", "education"),
        ("Universität Stuttgart", "education"),
        ("Université de Lyon", "education"),
        ("Universidad de Chile", "education"),
        ("Imperial College London", "education"),
        ("Korea Advanced Institute of Science and Technology", "education"),
        ("清华大学", "education"),
        ("國立臺灣大學", "education"),
        ("서울대학교", "education"),
        ("Chinese Academy of Sciences", "government"),
        ("Fraunhofer-Gesellschaft", "government"),
        ("中国科学院微生物研究所", "government"),
        ("Huawei Technologies Co., Ltd.", "business"),
        ("Siemens AG", "business"),
        ("华为技术有限公司", "business"),
        ("SMITH, John", "individual"),
        ("Qualcomm", "other"),
    ],
)
def test_keyword_rules_in_several_languages(name, sector):
    assert classify_name(name) == sector


def test_override_first_then_input_sector_then_rules(tmp_path, records_csv):
    overrides = tmp_path / "overrides.csv"
    overrides.write_text("applicant,sector,note\nQualcomm,business,chip maker\n", encoding="utf-8")
    path = records_csv(
        [
            ["WO2018000001", "2018-01-01", "Qualcomm", "US", 1, ""],
            ["WO2018000002", "2018-01-01", "Acme University Hospital", "US", 1, "government"],
            ["WO2018000003", "2018-01-01", "Beta University", "US", 1, ""],
        ]
    )
    ranked = load_dataset(path, overrides_path=overrides).ranked
    assert dict(zip(ranked["applicant"], ranked["sector"], strict=False)) == {
        "Qualcomm": "business",
        "Acme University Hospital": "government",
        "Beta University": "education",
    }


def test_bad_override_sector_names_file_and_line(tmp_path):
    path = tmp_path / "overrides.csv"
    path.write_text("applicant,sector,note\nAcme,university,x\n", encoding="utf-8")
    with pytest.raises(MappingError, match=r"overrides.csv line 2: sector 'university' for 'Acme' is not one of"):
        read_sector_overrides(path)


def _outside_brackets(pattern: str) -> str:
    """The characters of ``pattern`` outside any group or class, escapes dropped."""
    kept, depth, escaped, in_class = [], 0, False, False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char in "()":
            depth += 1 if char == "(" else -1
        elif depth == 0:
            kept.append(char)
    return "".join(kept)


@pytest.mark.parametrize("pattern", [p for patterns in RULE_PATTERNS for p in patterns])
def test_each_keyword_pattern_is_one_alternative(pattern):
    # rule_pattern shares a leading \b among the patterns: "\bA|B" would lose its meaning.
    assert "|" not in _outside_brackets(pattern)


WORDS = sorted(
    {w for patterns in RULE_PATTERNS for p in patterns for w in re.findall(r"[A-Z]+|[^\x00-\x7f]+", p)}
    | {"SCIENCES", "INSTITUTE", "É", "Ü", "ß", "科", "学", "院", "_", "0", "1"}
)
texts = st.lists(st.sampled_from(WORDS) | st.sampled_from([" ", "", ",", "-", ".", "\n", "é"]), max_size=12).map(
    "".join
)


@given(texts)
def test_a_rule_matches_exactly_where_one_of_its_patterns_does(text):
    for patterns in RULE_PATTERNS:
        assert bool(rule_pattern(patterns).search(text)) == any(re.search(p, text) for p in patterns)
