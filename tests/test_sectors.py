import pytest

from analysis.dataset import load_dataset
from analysis.errors import MappingError
from analysis.sectors import classify_name, read_sector_overrides


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
