"""Which columns the report tables show, under which readable headers.

The pipeline's columns are snake_case from loading to the rendered tables; a reader sees
these headers instead, and the ranking tables name the years they compare.
"""

HEADERS = {
    "rank": "Rank",
    "applicant": "Applicant",
    "country": "Country",
    "sector": "Sector",
    "label": "",
    "year": "Year",
    "published": "Published",
    "published_previous": "Published, year before",
    "published_change": "Change",
    "rank_previous": "Rank, year before",
    "rank_change": "Rank change",
    "rank_overall": "Overall rank",
    "rank_sector": "Rank in sector",
    "rank_sector_country": "Rank in sector and country",
    "applicants": "Applicants",
    "share": "Share (%)",
    "field": "Field of technology",
    "tech_sector": "Sector of technology",
    "applications": "Applications",
    "applications_previous": "Applications, year before",
    "growth": "Growth (%)",
    "sector_share": "Sector's share (%)",
    "specialisation": "Specialisation index",
    "rank_in_sector": "Rank in sector",
    "partner": "Partner",
    "partners": "Partners",
    "with_partner": "With a partner",
    "with_several": "With several applicants",
    "university_applications": "University applications",
    "with_business": "With a business",
}
"""Readable headers for the pipeline's snake_case columns."""


def header(column: str) -> str:
    """Return the readable header of a pipeline column."""
    return HEADERS.get(column, column.replace("_", " ").capitalize())


def ranking_columns(year: int, overall_rank: bool = False) -> dict[str, str]:
    """Return the columns of ``ranking.ranking_table`` to show, with headers naming the years.

    Headers stay short so that the applicant's name keeps the width on an A4 page.
    """
    years = {"published_year_minus_2": str(year - 2), "published_year_minus_1": str(year - 1), "published": str(year)}
    shown = ["rank", "applicant", "country", *years, "published_change", "rank_change"]
    return {
        column: years.get(column) or header(column) for column in shown + (["rank_overall"] if overall_rank else [])
    }


def movers_columns(year: int) -> dict[str, str]:
    """Return the columns of ``summary.biggest_movers`` to show, with headers naming the years."""
    years = {
        "published_previous": str(year - 1),
        "published": str(year),
        "rank_previous": f"Rank {year - 1}",
        "rank": f"Rank {year}",
    }
    shown = ["applicant", "country", *years, "rank_change"]
    return {column: years.get(column) or header(column) for column in shown}
