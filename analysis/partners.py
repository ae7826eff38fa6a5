"""Who files with whom: an institution's co-applicants, and co-application in a year.

Every applicant named on an application counts here, whatever the counting rule of the
rankings: a partnership is a fact about the application, not a credit. An applicant named
twice on one application (after harmonisation) is one applicant.
"""

import pandas as pd

from analysis.errors import UnknownInstitutionError
from analysis.frames import query
from analysis.load import sql_string
from analysis.ranking import check_year

UNKNOWN_COUNTRY = "unknown"

_NAMED = """
    named AS (
        SELECT publication_number, applicant, min(sector) AS sector, min(country) AS country,
               min(min(year)) OVER (PARTITION BY publication_number) AS year
        FROM applications GROUP BY publication_number, applicant)"""
"""One row per (publication, applicant), with the publication's year."""

_COLUMNS = ["publication_number", "year", "applicant", "sector", "country"]


def _institution_rows(applications: pd.DataFrame, institution: str) -> pd.DataFrame:
    """The applications table cut to the publications naming ``institution``, checked to be some."""
    own = applications.loc[applications["applicant"] == institution, "publication_number"]
    if own.empty:
        raise UnknownInstitutionError(f"{institution} is named on no application in this data")
    return applications.loc[applications["publication_number"].isin(own), _COLUMNS]


def institution_partners(applications: pd.DataFrame, institution: str) -> pd.DataFrame:
    """Return the co-applicants on an institution's applications, year by year.

    ``applications`` has one row per (publication, applicant): publication_number, year,
    applicant, sector, country. Returns a DataFrame with columns year, partner, sector,
    country, applications (the institution's applications naming the partner), largest
    first within a year, then by name.
    """
    rows = _institution_rows(applications, institution)
    return query(
        f"""
        WITH {_NAMED}
        SELECT year, applicant AS partner, sector, country, count(*) AS applications
        FROM named WHERE applicant <> {sql_string(institution)}
        GROUP BY year, applicant, sector, country ORDER BY year, applications DESC, lower(applicant), applicant""",
        applications=rows,
    )


def partner_sectors(applications: pd.DataFrame, institution: str) -> pd.DataFrame:
    """Return, per year and partner sector, how many partners and joint applications an institution had.

    Columns year, sector, partners (distinct co-applicants of that sector), applications
    (the institution's applications naming at least one of them). Universities here are
    other universities: the institution is never its own partner.
    """
    rows = _institution_rows(applications, institution)
    return query(
        f"""
        WITH {_NAMED}
        SELECT year, sector, count(DISTINCT applicant) AS partners, count(DISTINCT publication_number) AS applications
        FROM named WHERE applicant <> {sql_string(institution)}
        GROUP BY ALL ORDER BY year, applications DESC, sector""",
        applications=rows,
    )


def partnership_share(applications: pd.DataFrame, institution: str) -> pd.DataFrame:
    """Return, per year, the share of an institution's applications filed with a partner.

    Columns year, applications (every application naming it, in any place), with_partner,
    share (percent, one decimal).
    """
    return _with_several(_institution_rows(applications, institution), "with_partner")


def co_application_share(applications: pd.DataFrame) -> pd.DataFrame:
    """Return, per year, the share of applications naming more than one applicant.

    Columns year, applications, with_several, share (percent, one decimal).
    """
    return _with_several(applications[_COLUMNS], "with_several")


def _with_several(rows: pd.DataFrame, column: str) -> pd.DataFrame:
    return query(
        f"""
        WITH {_NAMED}
        SELECT year, count(*) AS applications, count(*) FILTER (WHERE applicants > 1) AS {column},
               round(100.0 * count(*) FILTER (WHERE applicants > 1) / count(*), 1) AS share
        FROM (SELECT publication_number, any_value(year) AS year, count(*) AS applicants FROM named GROUP BY ALL)
        GROUP BY year ORDER BY year""",
        applications=rows,
    )


def university_business(applications: pd.DataFrame, year: int) -> pd.DataFrame:
    """Return university–business co-applications of ``year`` by the university's country.

    Columns country (ISO code, or "unknown"), university_applications (applications naming
    a university of that country), with_business (those also naming a business) and share
    (percent, one decimal).
    An application with universities of two countries counts once for each.
    """
    check_year(applications, year)
    return query(
        f"""
        WITH {_NAMED},
        businesses AS (SELECT DISTINCT publication_number FROM named WHERE sector = 'business'),
        universities AS (
            SELECT DISTINCT publication_number, coalesce(country, '{UNKNOWN_COUNTRY}') AS country
            FROM named WHERE sector = 'education' AND year = {int(year)})
        SELECT u.country, count(*) AS university_applications,
               count(b.publication_number) AS with_business,
               round(100.0 * count(b.publication_number) / count(*), 1) AS share
        FROM universities AS u LEFT JOIN businesses AS b USING (publication_number)
        GROUP BY u.country ORDER BY with_business DESC, university_applications DESC, u.country""",
        applications=applications[_COLUMNS],
    )
