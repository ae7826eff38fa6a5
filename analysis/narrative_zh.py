"""The headline and the change sentence in Chinese, from the same numbers as the English ones.

"2018年，大连理工大学公开PCT国际专利申请53件，在全球教育机构中排名第44位，在中国高校中排名第8位，
在全部PCT申请人中排名第836位。"
"""

from typing import TYPE_CHECKING

from analysis.errors import OptionError
from analysis.narrative import format_count
from analysis.rules import RULES

if TYPE_CHECKING:
    from analysis.profile import Profile

SECTOR_WORLD_ZH = {
    "business": "企业",
    "education": "教育机构",
    "government": "政府和研究机构",
    "individual": "个人申请人",
    "other": "其他申请人",
}
"""A sector among the world's applicants ('在全球教育机构中')."""

SECTOR_COUNTRY_ZH = {**SECTOR_WORLD_ZH, "education": "高校"}
"""A sector within one country ('在中国高校中'), as the Chinese press writes it."""

COUNTRY_ZH = {
    "CH": "瑞士",
    "CN": "中国",
    "DE": "德国",
    "DK": "丹麦",
    "FR": "法国",
    "GB": "英国",
    "IN": "印度",
    "JP": "日本",
    "KR": "韩国",
    "NL": "荷兰",
    "SE": "瑞典",
    "SG": "新加坡",
    "US": "美国",
}
"""The countries of data/published/wipo_published_figures.csv; others are written as their ISO code."""

COUNTING_ZH = {"every-applicant": "按全部申请人计数", "fractional": "按分数计数"}
"""Rules other than WIPO's first-named one, named in the sentence as the English one names them."""


def country_zh(code: str | None) -> str:
    """The Chinese name of an ISO 3166-1 alpha-2 code, or the code itself when not in the table."""
    return COUNTRY_ZH.get(code, str(code))


def _applications(profile: "Profile", published: float) -> str:
    if RULES[profile.counting].wipo:
        return f"公开PCT国际专利申请{format_count(published)}件"
    rule = COUNTING_ZH.get(profile.counting, f"按{profile.counting}计数")
    return f"{rule}计入PCT国际专利申请{format_count(published)}件"


def headline_zh(profile: "Profile", name_zh: str | None = None) -> str:
    """The story sentence of a profile in Chinese, as ``narrative.headline`` words it in English.

    ``name_zh`` is the institution's Chinese name (from the registry's ``name_zh``), the
    profile's name where None. When the data covers only part of PCT publications
    (``profile.complete`` False), the ranks are among the applicants in this data.
    """
    now = profile.current
    name = name_zh or profile.institution
    world = "在全球" if profile.complete else "在本数据的"
    overall = "在全部PCT申请人中" if profile.complete else "在本数据的申请人中"
    places = [f"{world}{SECTOR_WORLD_ZH[profile.sector]}中排名第{now.rank_sector}位"]
    if profile.country is not None and now.rank_sector_country is not None:
        places.append(
            f"在{country_zh(profile.country)}{SECTOR_COUNTRY_ZH[profile.sector]}中排名第{now.rank_sector_country}位"
        )
    return (
        f"{profile.year}年，{name}{_applications(profile, now.published)}，"
        f"{'，'.join(places)}，{overall}排名第{now.rank_overall}位。"
    )


def change_sentence_zh(profile: "Profile", name_zh: str | None = None) -> str:
    """How the year compares with the one before, in Chinese, or that there is no figure for it."""
    name = name_zh or profile.institution
    before = profile.previous
    if before is None:
        if profile.provenance == "published":
            return f"本报告所引WIPO表格没有{name}{profile.year - 1}年的数字。"
        return f"本数据中{name}{profile.year - 1}年没有公开PCT申请，属新进入者。"
    difference = float(profile.current.published) - float(before.published)
    if difference == 0:
        count = f"与{before.year}年持平"
    else:
        count = f"比{before.year}年{'增加' if difference > 0 else '减少'}{format_count(abs(difference))}件"
    sector = SECTOR_WORLD_ZH[profile.sector]
    moved = before.rank_sector - profile.current.rank_sector
    if moved == 0:
        place = f"在全球{sector}中的排名保持第{before.rank_sector}位"
    else:
        place = (
            f"在全球{sector}中的排名{'上升' if moved > 0 else '下降'}{abs(moved)}位"
            f"（{before.year}年为第{before.rank_sector}位）"
        )
    return f"申请量{count}；{place}。"


LANGUAGES = ("auto", "en", "zh")
"""A report's ``lang``: "auto" adds the Chinese sentences for a Chinese institution."""


def chinese_sentences(profile: "Profile", lang: str = "auto", name_zh: str | None = None) -> list[str]:
    """The headline and change sentence in Chinese where the report asks for them, else none.

    ``lang`` "zh" always adds them, "en" never, "auto" for a Chinese institution.
    """
    if lang not in LANGUAGES:
        raise OptionError(f"lang {lang!r} is not one of {', '.join(LANGUAGES)}")
    if lang == "en" or (lang == "auto" and profile.country != "CN"):
        return []
    return [headline_zh(profile, name_zh), change_sentence_zh(profile, name_zh)]
