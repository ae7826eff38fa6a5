"""Applications by field of technology, counted the way WIPO counts them.

WIPO's IPC–Technology Concordance (``data/mappings/ipc_technology_concordance.csv``) maps
IPC symbols to 35 fields in 5 technology sectors. An application whose IPC symbols fall in
several fields is divided equally among those fields (fractional counting), so every
application adds up to one across fields before the applicant counting rule is applied.
Applications without IPC symbols are counted as "no IPC", and those whose symbols fall
outside the concordance as "IPC outside the concordance"; neither enters any share.
"""

import re
from dataclasses import dataclass

import pandas as pd

from analysis.counting import check_counting_rule
from analysis.errors import MappingError, OptionError, UnknownInstitutionError
from analysis.frames import query
from analysis.load import session
from analysis.mappings import read_mapping
from analysis.paths import MAPPINGS_DIR, StrPath
from analysis.ranking import check_year

CONCORDANCE = MAPPINGS_DIR / "ipc_technology_concordance.csv"
IPC_SEPARATOR = ";"
GROUP_WIDTH = 4
"""The concordance pads main groups with spaces to four characters: 'H04N   3/', 'H04N 101/'."""

NO_IPC = "no IPC"
OUTSIDE_CONCORDANCE = "IPC outside the concordance"
NO_IPC_REASON = "This data carries no IPC codes, so applications cannot be divided by field of technology."

FIELD_COLUMNS = ["field_number", "field", "tech_sector"]

_PATSTAT = re.compile(r"([A-H]\d\d[A-Z])(\d{4})(\d{6})")
"""'G01N0033530000': subclass, main group on four digits, subgroup on six (right-padded with zeros)."""
_SYMBOL = re.compile(r"([A-H])\s*(\d\d)\s*([A-Z])(?:\s*(\d{1,4})(?:\s*/\s*(\d{1,6}))?)?")
_VERSION = re.compile(r"\(.*?\)")
"""An edition such as '(2006.01)' after the symbol."""

APPLICATION_COLUMNS = ["publication_number", "year", "applicant", "sequence", "sector", "country", "ipc"]
"""One row per (publication, applicant), as analysis.details reads them for the field counts."""


def normalise_ipc(symbol: object) -> str | None:
    """Return an IPC symbol in the concordance's padded form ('G01N  33/53'), or None.

    Accepts the forms exports write: 'G01N 33/53', 'G01N33/53', 'g01n 33/53', 'A61K  31/00',
    'G01N 33/53 (2006.01)' and PATSTAT's 'G01N0033530000'. A subclass alone stays a
    subclass ('G06F'); a main group without subgroup keeps its slash ('H04N   5/') so that
    it still falls in its group. Anything else (blank, not IPC) gives None.
    """
    if not isinstance(symbol, str):
        return None
    text = _VERSION.sub(" ", symbol).strip().upper()
    compact = re.sub(r"\s+", "", text)
    patstat = _PATSTAT.fullmatch(compact)
    if patstat:
        subclass, group, subgroup = patstat.groups()
        subgroup = subgroup.rstrip("0").ljust(2, "0")
    else:
        match = _SYMBOL.match(text)
        if match is None:
            return None
        section, klass, letter, group, subgroup = match.groups()
        subclass = f"{section}{klass}{letter}"
        if group is None:
            return subclass
    return f"{subclass}{int(group):>{GROUP_WIDTH}}/{subgroup or ''}"


@dataclass(frozen=True)
class Concordance:
    """The IPC–technology concordance: ``fields`` (field_number, field, tech_sector; one row
    per field), ``prefixes``, each LIKE pattern's fixed prefix mapped to its field, and
    ``lengths``, the prefixes' lengths, longest first."""

    fields: pd.DataFrame
    prefixes: dict[str, int]
    lengths: tuple[int, ...]

    def field_of(self, symbol: object) -> int | None:
        """Return the field number of one IPC symbol as exports write it, or None.

        The longest matching prefix wins (a main group before its subclass).
        """
        normalised = normalise_ipc(symbol)
        if normalised is None:
            return None
        for length in self.lengths:
            if len(normalised) >= length and normalised[:length] in self.prefixes:
                return self.prefixes[normalised[:length]]
        return None


def read_concordance(path: StrPath = CONCORDANCE) -> Concordance:
    """Read the concordance CSV (field_number, sector, field, ipc_code, …) into a Concordance.

    Each ``ipc_code`` must be a prefix followed by one '%' (the only LIKE form the table
    uses), so that matching is a prefix look-up; a prefix given to two fields is an error.
    """
    prefixes, fields = {}, {}
    for line, row in read_mapping(path, "IPC–technology concordance"):
        pattern = row["ipc_code"]
        prefix = pattern[:-1]
        if not pattern.endswith("%") or "%" in prefix or "_" in prefix or not prefix:
            raise MappingError(f"{path} line {line}: ipc_code {pattern!r} is not a prefix followed by '%'")
        number = int(row["field_number"])
        if prefixes.setdefault(prefix, number) != number:
            raise MappingError(f"{path} line {line}: {pattern!r} is given to fields {prefixes[prefix]} and {number}")
        fields[number] = (row["field"], row["sector"])
    table = pd.DataFrame(
        [(number, field, sector) for number, (field, sector) in sorted(fields.items())], columns=FIELD_COLUMNS
    )
    return Concordance(table, prefixes, tuple(sorted({len(prefix) for prefix in prefixes}, reverse=True)))


def no_ipc_reason(applications: pd.DataFrame) -> str | None:
    """The report's one line when the data has no IPC codes at all, else None."""
    if "ipc" not in applications.columns:
        return NO_IPC_REASON
    present = applications["ipc"].dropna().astype(str).str.strip()
    return None if (present != "").any() else NO_IPC_REASON


_CREDITED_SQL = {
    "first-named": """
        SELECT publication_number, year, applicant, 1.0 AS credit FROM named
        QUALIFY row_number() OVER (PARTITION BY publication_number ORDER BY sequence, applicant) = 1""",
    "every-applicant": "SELECT publication_number, year, applicant, 1.0 AS credit FROM named",
    "fractional": """
        SELECT publication_number, year, applicant, 1.0 / count(*) OVER (PARTITION BY publication_number) AS credit
        FROM named""",
}
"""Each rule's credit per (publication, applicant); an applicant named twice counts once."""


def field_counts(applications: pd.DataFrame, concordance: Concordance, counting: str = "first-named") -> pd.DataFrame:
    """Count each applicant's applications by field of technology, year by year.

    Parameters
    ----------
    applications : DataFrame, one row per (publication, applicant): publication_number,
        year, applicant, sequence, sector, country, ipc (symbols separated by ';', or None).
    concordance : Concordance from read_concordance.
    counting : first-named (WIPO's rule: the applicant with the lowest sequence, 1 being the
        first-named), every-applicant or fractional.

    Returns a DataFrame with columns year, applicant, sector, country, field_number
    (Int64; missing for the two unclassified rows), field (the field's name, "no IPC" or
    "IPC outside the concordance"), tech_sector and weight: the applicant's credit under
    the counting rule, divided equally among each application's distinct fields. An
    applicant's sector and country are taken as one per applicant, as the dataset decides them.
    """
    check_counting_rule(counting)
    if counting not in _CREDITED_SQL:
        raise OptionError(f"fields of technology cannot yet be counted with the {counting!r} rule")
    with session() as connection:
        connection.register("applications", applications.reindex(columns=APPLICATION_COLUMNS))
        connection.execute(f"""
            CREATE TEMP TABLE symbols AS
            SELECT DISTINCT publication_number, trim(symbol) AS raw
            FROM (SELECT publication_number, unnest(string_split(ipc, '{IPC_SEPARATOR}')) AS symbol
                  FROM applications WHERE ipc IS NOT NULL)
            WHERE trim(symbol) <> ''""")
        # Each distinct symbol is normalised once in Python: far fewer than the rows.
        raw = connection.sql("SELECT DISTINCT raw FROM symbols").to_df()["raw"]
        symbol_fields = pd.DataFrame({"raw": raw, "field_number": [concordance.field_of(s) for s in raw]})
        connection.register("symbol_fields", symbol_fields.astype({"field_number": "Int64"}))
        connection.register("fields", concordance.fields)
        counts = connection.sql(f"""
            WITH shares AS (
                SELECT publication_number, field_number, NULL AS label,
                       1.0 / count(*) OVER (PARTITION BY publication_number) AS share
                FROM (SELECT DISTINCT publication_number, field_number
                      FROM symbols JOIN symbol_fields USING (raw) WHERE field_number IS NOT NULL)),
            unclassified AS (
                SELECT p.publication_number, NULL::BIGINT AS field_number,
                       CASE WHEN s.publication_number IS NULL THEN '{NO_IPC}' ELSE '{OUTSIDE_CONCORDANCE}' END AS label,
                       1.0 AS share
                FROM (SELECT DISTINCT publication_number FROM applications) AS p
                ANTI JOIN shares USING (publication_number)
                LEFT JOIN (SELECT DISTINCT publication_number FROM symbols) AS s USING (publication_number)),
            named AS (
                SELECT publication_number, applicant, min(sequence) AS sequence,
                       min(min(year)) OVER (PARTITION BY publication_number) AS year
                FROM applications GROUP BY publication_number, applicant),
            attributes AS (
                SELECT applicant, min(sector) AS sector, min(country) AS country FROM applications GROUP BY applicant)
            SELECT c.year, c.applicant, a.sector, a.country, s.field_number,
                   coalesce(f.field, s.label) AS field, f.tech_sector, round(sum(c.credit * s.share), 6) AS weight
            FROM ({_CREDITED_SQL[counting]}) AS c
            JOIN (SELECT * FROM shares UNION ALL SELECT * FROM unclassified) AS s USING (publication_number)
            JOIN attributes AS a USING (applicant)
            LEFT JOIN fields AS f USING (field_number)
            GROUP BY ALL
            ORDER BY c.year, c.applicant, s.field_number NULLS LAST, field""").to_df()
    return counts.astype({"year": "int64", "field_number": "Int64", "weight": "float64"})


def _year_rows(counts: pd.DataFrame, year: int) -> pd.DataFrame:
    """One year's rows of a field_counts table, checking that the year is in it."""
    check_year(counts, year)
    return counts[counts["year"] == year]


def institution_fields(counts: pd.DataFrame, institution: str, year: int) -> pd.DataFrame:
    """Return an institution's applications by field in ``year``, with its specialisation and ranks.

    ``counts`` is a field_counts table; ``institution`` its canonical name. Returns a
    DataFrame with columns field_number, field, tech_sector, applications, share (of its
    classified applications), sector_share (its sector's worldwide share of the field),
    specialisation (share ÷ sector_share), rank_in_sector (competition rank among the
    sector's applicants in the field, "1224") and applicants_in_sector, largest field
    first; its unclassified applications ("no IPC", "IPC outside the concordance") close
    the table with no share or rank.
    """
    rows = _year_rows(counts, year)
    own = rows[rows["applicant"] == institution]
    if own.empty:
        raise UnknownInstitutionError(f"{institution} has no published PCT applications in {year} in this data")
    peers = rows[rows["sector"] == own["sector"].iloc[0]]
    return query(
        """
        WITH classified AS (SELECT * FROM peers WHERE field_number IS NOT NULL),
        ranked AS (
            SELECT applicant, field_number, field, tech_sector, weight,
                   rank() OVER (PARTITION BY field_number ORDER BY weight DESC) AS rank_in_sector,
                   count(*) OVER (PARTITION BY field_number) AS applicants_in_sector,
                   sum(weight) OVER (PARTITION BY field_number) / sum(weight) OVER () AS sector_share,
                   weight / sum(weight) OVER (PARTITION BY applicant) AS share
            FROM classified)
        SELECT field_number, field, tech_sector, weight AS applications, share, sector_share,
               share / sector_share AS specialisation, rank_in_sector, applicants_in_sector
        FROM ranked WHERE applicant IN (SELECT applicant FROM own)
        UNION ALL
        SELECT field_number, field, tech_sector, weight, NULL, NULL, NULL, NULL, NULL
        FROM own WHERE field_number IS NULL
        ORDER BY field_number IS NULL, applications DESC, field_number, field""",
        peers=peers,
        own=own,
    ).astype({"field_number": "Int64", "rank_in_sector": "Int64", "applicants_in_sector": "Int64"})


@dataclass(frozen=True)
class AnnualFields:
    """A year by field of technology.

    ``by_field``: field_number, field, tech_sector, applications, share, applications_previous,
    growth (applications ÷ previous − 1; missing where the previous year had none or is not
    in the data), all 35 fields then the unclassified rows; ``by_sector``: tech_sector,
    applications, share; ``fastest``: the ``top`` fields of by_field with the highest growth;
    ``leaders``: field_number, field, applicant, country, sector, applications — each
    field's leading applicants (all of them when tied).
    """

    year: int
    by_field: pd.DataFrame
    by_sector: pd.DataFrame
    fastest: pd.DataFrame
    leaders: pd.DataFrame


def annual_fields(counts: pd.DataFrame, concordance: Concordance, year: int, top: int = 5) -> AnnualFields:
    """Summarise ``year`` of a field_counts table by field and technology sector.

    Counted under the rule the table was made with: first-named counting credits each
    application once, so its totals are numbers of applications, as WIPO's are.
    """
    rows = _year_rows(counts, year)
    has_previous = (counts["year"] == year - 1).any()
    previous = counts[counts["year"] == year - 1]
    by_field = query(
        f"""
        WITH now AS (SELECT field_number, field, sum(weight) AS applications FROM rows GROUP BY ALL),
        before AS (SELECT field_number, field, sum(weight) AS applications FROM previous GROUP BY ALL),
        listed AS (
            SELECT field_number, field, tech_sector FROM fields
            UNION ALL SELECT DISTINCT NULL, field, NULL FROM rows WHERE field_number IS NULL)
        SELECT l.field_number, l.field, l.tech_sector, coalesce(n.applications, 0) AS applications,
               CASE WHEN l.field_number IS NOT NULL
                    THEN coalesce(n.applications, 0)
                         / sum(n.applications) FILTER (WHERE l.field_number IS NOT NULL) OVER ()
               END AS share,
               CASE WHEN {has_previous} THEN coalesce(b.applications, 0) END AS applications_previous,
               CASE WHEN b.applications > 0 THEN coalesce(n.applications, 0) / b.applications - 1 END AS growth
        FROM listed AS l
        LEFT JOIN now AS n
            ON n.field IS NOT DISTINCT FROM l.field AND n.field_number IS NOT DISTINCT FROM l.field_number
        LEFT JOIN before AS b
            ON b.field IS NOT DISTINCT FROM l.field AND b.field_number IS NOT DISTINCT FROM l.field_number
        ORDER BY l.field_number NULLS LAST, l.field""",
        rows=rows,
        previous=previous,
        fields=concordance.fields,
    )
    by_field = by_field.astype({"field_number": "Int64"})
    classified = by_field[by_field["field_number"].notna()]
    by_sector = classified.groupby("tech_sector", sort=False, as_index=False)["applications"].sum()
    by_sector["share"] = by_sector["applications"] / by_sector["applications"].sum()
    fastest = classified.dropna(subset=["growth"]).sort_values(["growth", "field_number"], ascending=[False, True])
    leaders = query(
        """
        SELECT field_number, field, applicant, country, sector, weight AS applications FROM rows
        WHERE field_number IS NOT NULL
        QUALIFY rank() OVER (PARTITION BY field_number ORDER BY weight DESC) = 1
        ORDER BY field_number, lower(applicant)""",
        rows=rows,
    ).astype({"field_number": "Int64"})
    return AnnualFields(year, by_field, by_sector, fastest.head(top).reset_index(drop=True), leaders)
