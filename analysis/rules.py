"""Counting rules: one registry of how an application is credited to its applicants.

Each rule is a name, a sentence for reports and the SQL that credits applications. Adding
a rule is one entry here plus its tests. The SQL reads two relations: ``records``
(publication_number, year, applicant_name, order_key: a publication's applicants in
order, the first-named lowest) and ``name_map`` (applicant_name → applicant). An optional
``reduce_sql`` runs first, on the records alone: it needs no harmonised names, so DuckDB
makes it while Python harmonises them.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class CountingRule:
    name: str
    description: str
    sql: str
    reduce_sql: str | None = None
    whole: bool = True
    wipo: bool = False
    """True for the rule WIPO's rankings use: reports word their figures as WIPO does."""
    applications_sql: str = """
        SELECT year, count(*) FROM (SELECT min(year) AS year FROM records GROUP BY publication_number) GROUP BY year"""
    """Applications counted per year (year, count); a rule whose reduction knows it says so."""


_NAMED = """named AS (
    SELECT publication_number, min(year) AS year, applicant
    FROM records JOIN name_map USING (applicant_name) GROUP BY publication_number, applicant)"""

RULES = {
    rule.name: rule
    for rule in (
        CountingRule(
            "first-named",
            "each application is credited to its first-named applicant only, as WIPO does",
            reduce_sql="""
                CREATE OR REPLACE TABLE first_named_tallies AS
                WITH first_named AS (
                    SELECT min(year) AS year, arg_min(applicant_name, order_key) AS applicant_name
                    FROM records GROUP BY publication_number)
                SELECT year, applicant_name, count(*) AS published FROM first_named GROUP BY ALL""",
            sql="""
                SELECT year, applicant, CAST(sum(published) AS BIGINT) AS published
                FROM first_named_tallies JOIN name_map USING (applicant_name) GROUP BY ALL""",
            applications_sql="SELECT year, sum(published) FROM first_named_tallies GROUP BY year",
            wipo=True,
        ),
        CountingRule(
            "every-applicant",
            "each application is credited once to every applicant named on it (whole counting)",
            sql=f"WITH {_NAMED} SELECT year, applicant, count(*) AS published FROM named GROUP BY ALL",
        ),
        CountingRule(
            "fractional",
            "each application is split equally among the applicants named on it (1/n each)",
            sql=f"""WITH {_NAMED}
                SELECT year, applicant, sum(credit) AS published FROM (
                    SELECT year, applicant, 1.0 / count(*) OVER (PARTITION BY publication_number) AS credit FROM named)
                GROUP BY ALL""",
            whole=False,
        ),
    )
}

DEFAULT_RULE = next(name for name, rule in RULES.items() if rule.wipo)
