"""The demo data's synthetic applicants change from year to year the way real ones do, and
its publications carry IPC symbols whose fields of technology have WIPO's shares.

Needs the session's demo file (`make data`); the years come from the data.
"""

import ast

import nbformat
import pandas as pd
import pytest

from analysis.fields import read_concordance
from analysis.paths import NOTEBOOKS_DIR
from analysis.summary import biggest_movers

pytestmark = pytest.mark.slow  # loads the full demo data

WIPO_2016_FIELD_SHARES = {
    "Digital communication": 0.085,
    "Computer technology": 0.082,
    "Electrical machinery, apparatus, energy": 0.069,
    "Medical technology": 0.068,
    "Measurement": 0.044,
}
"""WIPO's five largest fields of technology among 2016's published PCT applications (data/README.md)."""

SYMBOL = "[A-H][0-9]{2}[A-Z] [0-9]{1,3}/[0-9]{2,3}"
"""An IPC symbol in the ordinary form: subclass, main group, subgroup ("G01N 33/53")."""

LIFE_SCIENCES_AND_MATERIALS = {
    "Pharmaceuticals",
    "Biotechnology",
    "Measurement",
    "Analysis of biological materials",
    "Materials, metallurgy",
}


@pytest.fixture(scope="module")
def sql(demo_sql):
    return demo_sql


@pytest.fixture(scope="module")
def ranked(demo_dataset):
    return demo_dataset.ranked


def synthetic_history(ranked):
    """Each synthetic applicant's year with the year before: year, applicant, sector,
    published, rank_overall, rank_sector and published_before (missing for a newcomer)."""
    synthetic = ranked[ranked["provenance"] == "synthetic"]
    before = synthetic[["year", "applicant", "published"]].assign(year=lambda rows: rows["year"] + 1)
    before = before.rename(columns={"published": "published_before"})
    history = synthetic.merge(before, on=["year", "applicant"], how="left")
    return history[history["year"] > ranked["year"].min()]


def test_no_synthetic_applicant_jumps_from_under_10_to_over_500(ranked):
    history = synthetic_history(ranked)
    jumps = history[(history["published_before"] < 10) & (history["published"] > 500)]
    assert jumps.empty, jumps


def test_no_synthetic_applicant_is_new_in_the_top_10(ranked):
    history = synthetic_history(ranked)
    new = history["published_before"].isna()
    in_sector_top = (history["rank_sector"] <= 10) & history["sector"].isin(["business", "education"])
    top = (history["rank_overall"] <= 10) | in_sector_top
    assert history[new & top].empty, history[new & top]


def test_synthetic_applicants_above_20_mostly_change_by_a_factor_from_0_6_to_1_6(ranked):
    history = synthetic_history(ranked).dropna(subset=["published_before"])
    large = history[history["published_before"] > 20]
    ratio = large["published"] / large["published_before"]
    assert len(large) > 5_000
    assert ratio.between(0.6, 1.6).mean() > 0.97
    assert ratio.between(0.25, 4).all(), large[~ratio.between(0.25, 4)]


def test_the_default_annual_reports_movers_make_no_implausible_jump(ranked):
    notebook = nbformat.read(NOTEBOOKS_DIR / "annual_rankings.ipynb", as_version=4)
    cell = next(c for c in notebook.cells if c.cell_type == "code")
    parameters = {n.targets[0].id: ast.literal_eval(n.value) for n in ast.parse(cell.source).body}
    movers = biggest_movers(ranked, parameters["year"], count=10, among_top=2 * parameters["top_n"])
    synthetic = movers[movers["provenance"] == "synthetic"]
    assert len(synthetic) > 0
    assert not ((synthetic["published_previous"] < 10) & (synthetic["published"] > 500)).any()
    assert (synthetic["published"] / synthetic["published_previous"]).between(0.5, 2).all(), synthetic


def test_each_publication_has_one_to_four_ipc_symbols_on_all_its_rows(sql):
    bad = sql(rf"""
        SELECT publication_number FROM demo GROUP BY publication_number
        HAVING count(DISTINCT ipc) <> 1 OR count(ipc) <> count(*)
            OR NOT bool_and(regexp_full_match(ipc, '{SYMBOL}(;{SYMBOL}){{0,3}}'))
        LIMIT 5""")
    assert bad.empty, bad


@pytest.fixture(scope="module")
def fields_by_sector(sql):
    """Field shares of a sample of publications (WIPO's fractional count: each publication's
    distinct fields share it equally), by first-named applicant's sector."""
    concordance = read_concordance()
    names = dict(zip(concordance.fields["field_number"], concordance.fields["field"], strict=True))
    sample = sql("""
        SELECT applicant_sector AS sector, ipc FROM demo
        WHERE applicant_sequence = 1 AND hash(publication_number) % 20 = 0""")
    rows = []
    for sector, ipc in zip(sample["sector"], sample["ipc"], strict=True):
        fields = {concordance.field_of(symbol) for symbol in ipc.split(";")}
        rows += [(sector, names.get(field), 1 / len(fields)) for field in fields]
    return pd.DataFrame(rows, columns=["sector", "field", "weight"])


def test_every_ipc_symbol_falls_in_one_field_of_the_concordance(fields_by_sector):
    assert fields_by_sector["field"].notna().all()
    assert fields_by_sector["field"].nunique() == len(read_concordance().fields)


def test_field_shares_are_close_to_wipos(fields_by_sector):
    shares = fields_by_sector.groupby("field")["weight"].sum() / fields_by_sector["weight"].sum()
    for field, share in WIPO_2016_FIELD_SHARES.items():
        assert abs(shares[field] - share) < 0.015, (field, shares[field], share)
    assert set(shares.nlargest(4).index) == set(list(WIPO_2016_FIELD_SHARES)[:4])


def test_universities_lean_to_life_sciences_and_materials(fields_by_sector):
    leaning = fields_by_sector.assign(lean=fields_by_sector["field"].isin(LIFE_SCIENCES_AND_MATERIALS))
    leaning["lean_weight"] = leaning["weight"] * leaning["lean"]
    totals = leaning.groupby(leaning["sector"] == "education")[["lean_weight", "weight"]].sum()
    shares = totals["lean_weight"] / totals["weight"]
    assert shares[True] > 1.5 * shares[False]
