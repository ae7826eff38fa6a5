"""Count and rank published PCT applications the way WIPO does.

The package reads application-level records (or aggregated tables), harmonises applicant
names, classifies sectors, counts published applications per applicant and year, ranks
them with WIPO's ties, profiles one institution and writes the sentences and charts that
the report notebooks show.
"""

__version__ = "0.1.0"
