import dataclasses

import pandas as pd
import pytest

from analysis.coverage import Coverage
from analysis.narrative_zh import change_sentence_zh, country_zh, headline_zh
from analysis.profile import Profile, Standing

DALIAN = "Dalian University of Technology"


def profile(
    published=53,
    ranks=(836, 44, 8),
    previous=None,
    provenance="published",
    counting="first-named",
    sector="education",
    country="CN",
    coverage=None,
):
    """A profile as institution_profile builds it: ranks are (overall, sector, sector in country)."""
    overall, in_sector, in_country = ranks
    now = Standing(2018, published, overall, in_sector, in_country, 50000, 1500, 300)
    return Profile(DALIAN, country, sector, provenance, counting, 2018, now, previous, pd.DataFrame(), coverage)


def test_the_seed_story_in_chinese():
    assert headline_zh(profile(), name_zh="大连理工大学") == (
        "2018年，大连理工大学公开PCT国际专利申请53件，在全球教育机构中排名第44位，"
        "在中国高校中排名第8位，在全部PCT申请人中排名第836位。"
    )


@pytest.mark.parametrize("rank", [11, 12, 21, 101])
def test_ranks_are_written_as_di_n_wei(rank):
    text = headline_zh(profile(ranks=(rank, rank, rank)), name_zh="大连理工大学")
    assert text.count(f"排名第{rank}位") == 3


def test_without_a_chinese_name_the_name_is_kept_as_given():
    assert headline_zh(profile()).startswith(f"2018年，{DALIAN}公开PCT国际专利申请53件")


def test_partial_data_ranks_among_the_applicants_in_this_data():
    partial = Coverage(2018, 1000, 253000)
    text = headline_zh(profile(coverage=partial), name_zh="大连理工大学")
    assert text == (
        "2018年，大连理工大学公开PCT国际专利申请53件，在本数据的教育机构中排名第44位，"
        "在中国高校中排名第8位，在本数据的申请人中排名第836位。"
    )
    whole = Coverage(2018, 253000, 253000)
    assert "在全部PCT申请人中" in headline_zh(profile(coverage=whole))


def test_an_unknown_country_leaves_out_the_country_rank():
    text = headline_zh(profile(country=None, ranks=(836, 44, None)), name_zh="某大学")
    assert text == "2018年，某大学公开PCT国际专利申请53件，在全球教育机构中排名第44位，在全部PCT申请人中排名第836位。"


def test_other_sectors_countries_and_counting_rules():
    text = headline_zh(profile(published=2.5, sector="business", country="XK", counting="fractional"), name_zh="某公司")
    assert text == (
        "2018年，某公司按分数计数计入PCT国际专利申请2.5件，在全球企业中排名第44位，"
        "在XK企业中排名第8位，在全部PCT申请人中排名第836位。"
    )
    assert country_zh("JP") == "日本" and country_zh("KR") == "韩国"
    assert "政府和研究机构" in headline_zh(profile(sector="government", country="DE"))


def test_a_missing_previous_year_is_said_so():
    assert change_sentence_zh(profile(), "大连理工大学") == "本报告所引WIPO表格没有大连理工大学2017年的数字。"
    assert change_sentence_zh(profile(provenance="synthetic"), "大连理工大学") == (
        "本数据中大连理工大学2017年没有公开PCT申请，属新进入者。"
    )


def test_the_change_from_the_previous_year():
    before = Standing(2017, 40, 900, 50, 8, 50000, 1500, 300)
    assert change_sentence_zh(profile(previous=before)) == (
        "申请量比2017年增加13件；在全球教育机构中的排名上升6位（2017年为第50位）。"
    )
    same = dataclasses.replace(before, published=53, rank_sector=44)
    assert change_sentence_zh(profile(previous=same)) == "申请量与2017年持平；在全球教育机构中的排名保持第44位。"
