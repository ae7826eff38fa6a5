"""The demo data: deterministic, shaped like WIPO's PCT statistics, plainly synthetic where not
published, built so that the project's name normalisation and sector rules are exercised, and
with synthetic applicants that change from year to year the way real ones do.

Tests that read the session's demo file need `make data` to have run (`make test` and
`make test-fast` do); a missing file fails. The years come from the published table.
"""

import json

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pycountry
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.hashing import file_sha256
from analysis.names import normalise_name, read_aliases
from analysis.paths import APPLICANT_ALIASES
from analysis.sectors import classify_name
from scripts.demo.calibration import year_volumes
from scripts.demo.generate import DEMO_SEED, generate_demo, sidecar_path
from scripts.demo.names import RULE_CLASSIFIED_SECTORS, synthetic_spellings

pytestmark = pytest.mark.slow  # loads or generates the full demo data

WIPO_2016_SECTOR_SHARES = {"business": 0.855, "individual": 0.075, "education": 0.05, "government": 0.019}
"""WIPO, PCT Yearly Review 2017: shares of 2016 publications by first-named applicant's sector."""

SCHEMA = pa.schema(
    [
        ("publication_number", pa.string()),
        ("publication_date", pa.date32()),
        ("applicant_name", pa.string()),
        ("applicant_country", pa.string()),
        ("applicant_sequence", pa.int32()),
        ("applicant_sector", pa.string()),
        ("provenance", pa.string()),
        ("ipc", pa.string()),
    ]
)


def sector_of_template(name):
    """The sector a synthetic name was made for, read from its template."""
    if name.startswith("Demo University "):
        return "education"
    if name.startswith("Demo Research Institute "):
        return "government"
    return "business"


@pytest.fixture(scope="module")
def sql(demo_sql):
    return demo_sql


@pytest.fixture(scope="module")
def ranked(demo_dataset):
    return demo_dataset.ranked


@pytest.fixture(scope="module")
def figures(published_figures):
    return published_figures


@pytest.fixture(scope="module")
def printed(figures):
    return figures[figures["table"].isin(["edu", "business"])]


def year_totals(figures):
    totals = figures[figures["table"] == "total"]
    return dict(zip(totals["year"], totals["count"], strict=True))


@pytest.mark.slow
def test_generating_twice_gives_identical_bytes_and_a_matching_sidecar(tmp_path):
    first = generate_demo(tmp_path / "a" / "pct_publications.parquet")
    second = generate_demo(tmp_path / "b" / "pct_publications.parquet")
    assert first.read_bytes() == second.read_bytes()
    sidecar = json.loads(sidecar_path(first).read_text(encoding="utf-8"))
    assert sidecar["sha256"] == file_sha256(first)
    assert sidecar["rows"] == pq.read_metadata(first).num_rows


@pytest.mark.slow
def test_another_seed_also_reproduces_every_printed_rank(tmp_path):
    generate_demo(tmp_path / "pct_publications.parquet", seed=DEMO_SEED + 1)


def test_the_session_demo_file_matches_its_sidecar(demo_path):
    sidecar = json.loads(sidecar_path(demo_path).read_text(encoding="utf-8"))
    assert sidecar["sha256"] == file_sha256(demo_path)
    assert sidecar["rows"] == pq.read_metadata(demo_path).num_rows
    assert {"seed", "generator_version"} <= set(sidecar)


def test_the_file_has_the_canonical_schema_and_no_pandas_or_time_metadata(demo_path):
    schema = pq.read_schema(demo_path)
    assert schema.remove_metadata() == SCHEMA
    assert set(schema.metadata or {}) <= {b"ARROW:schema"}


def test_each_publication_has_one_first_named_applicant_and_numbered_co_applicants(sql):
    bad = sql("""
        SELECT publication_number FROM demo GROUP BY publication_number
        HAVING count_if(applicant_sequence = 1) <> 1 OR max(applicant_sequence) <> count(*)
            OR min(publication_date) <> max(publication_date)
        LIMIT 5""")
    assert bad.empty, bad
    totals = sql("""
        SELECT count(*) AS rows,
               count_if(NOT regexp_full_match(publication_number, 'WO[0-9]{10}')
                        OR substr(publication_number, 3, 4) <> CAST(year(publication_date) AS VARCHAR)) AS misnumbered,
               (SELECT count(*) FROM (SELECT DISTINCT publication_number, applicant_name FROM demo)) AS distinct_pairs
        FROM demo""").iloc[0]
    assert totals["misnumbered"] == 0
    assert totals["distinct_pairs"] == totals["rows"]


def test_publications_appear_on_thursdays_in_every_year_of_the_published_table(sql, figures):
    days = sql("SELECT DISTINCT isodow(publication_date) AS day, year(publication_date) AS year FROM demo")
    assert set(days["day"]) == {4}
    assert sorted(days["year"].unique()) == sorted(year_volumes(figures))


def test_yearly_volumes_are_wipos_totals(sql, figures):
    volumes = sql("SELECT year(publication_date) AS year, count(DISTINCT publication_number) AS n FROM demo GROUP BY 1")
    for year, total in year_totals(figures).items():
        got = volumes.loc[volumes["year"] == year, "n"].item()
        assert abs(got - total) <= 0.01 * total, (year, got, total)


def test_about_1_3_applicants_per_publication(sql):
    ratio = sql("SELECT count(*) / count(DISTINCT publication_number) AS r FROM demo")["r"].item()
    assert 1.25 <= ratio <= 1.35


def test_52_to_55_thousand_distinct_first_named_applicants_a_year(ranked):
    per_year = ranked.groupby("year")["applicant"].size()
    assert per_year.between(52_000, 55_000).all(), per_year


def test_applications_per_applicant_are_heavy_tailed(ranked):
    for _, year in ranked.groupby("year")["published"]:
        assert (year == 1).mean() > 0.5
        assert year.max() > 1000 * year.median()


def test_sector_shares_are_close_to_wipos_2016_shares(ranked):
    totals = ranked.groupby(["year", "sector"])["published"].sum().unstack(fill_value=0)
    shares = totals.div(totals.sum(axis=1), axis=0)
    for sector, share in WIPO_2016_SECTOR_SHARES.items():
        assert (shares[sector] - share).abs().max() < max(0.1 * share, 0.005), (sector, shares[sector])


def test_well_over_a_hundred_origins(ranked):
    assert ranked["country"].nunique() >= 150
    assert ranked.groupby("year")["country"].nunique().min() >= 120
    assert all(pycountry.countries.get(alpha_2=code) for code in ranked["country"].unique())


def test_country_shares_are_close_to_the_printed_country_rows(ranked, figures):
    totals = year_totals(figures)
    by_country = ranked.groupby(["year", "country"])["published"].sum()
    for row in figures[figures["table"] == "country"].itertuples():
        printed_share = row.count / totals[row.year]
        demo_share = by_country[(row.year, row.country)] / totals[row.year]
        assert abs(demo_share - printed_share) < 0.015, (row.year, row.country, printed_share, demo_share)


def test_printed_names_are_planted_exactly_as_first_named_applicants(sql, printed):
    planted = sql("""
        SELECT year(publication_date) AS year, applicant_name AS name, applicant_country AS country,
               applicant_sector AS sector, count(*) AS count,
               min(applicant_sequence) AS first, max(applicant_sequence) AS last
        FROM demo WHERE provenance = 'published' GROUP BY ALL""")
    sectors = printed["table"].map({"edu": "education", "business": "business"})
    expected = printed.assign(sector=sectors, first=1, last=1)
    columns = ["year", "name", "country", "sector", "count", "first", "last"]
    got = planted[columns].sort_values(["year", "name"]).reset_index(drop=True)
    want = expected[columns].sort_values(["year", "name"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)


def test_synthetic_names_are_plainly_synthetic_and_never_merge_with_published_ones(sql, printed):
    names = sql("SELECT DISTINCT applicant_name FROM demo WHERE provenance = 'synthetic'")["applicant_name"]
    keys = set(names.map(normalise_name))
    assert all(key.startswith("DEMO ") for key in keys)
    real = set(printed["name"]) | {n for a in read_aliases(APPLICANT_ALIASES) for n in (a.raw_name, a.canonical_name)}
    assert not keys & {normalise_name(name) for name in real}


def test_spelling_variants_in_the_data_merge_into_one_applicant(sql, ranked):
    names = sql("SELECT DISTINCT year(publication_date) AS year, applicant_name FROM demo WHERE applicant_sequence = 1")
    names["key"] = names["applicant_name"].map(normalise_name)
    spellings = names.groupby(["year", "key"])["applicant_name"].nunique()
    assert (spellings > 1).sum() > 10_000
    assert names[names["applicant_name"].str.contains(r"\bUNIV\b")].shape[0] > 100
    distinct_keys = spellings.groupby(level="year").size()
    assert (distinct_keys == ranked.groupby("year")["applicant"].size()).all()


@given(
    sector=st.sampled_from(["business", "education", "government", "individual", "other"]),
    country=st.sampled_from(sorted(c.alpha_2 for c in pycountry.countries)),
    number=st.integers(min_value=1, max_value=99_999),
)
def test_every_spelling_variant_normalises_like_its_main_spelling(sector, country, number):
    main, variants = synthetic_spellings(sector, country, number)
    assert {normalise_name(v) for v in variants} == {normalise_name(main)}
    assert normalise_name(main).startswith("DEMO ")


@given(
    sector=st.sampled_from(RULE_CLASSIFIED_SECTORS),
    country=st.sampled_from(sorted(c.alpha_2 for c in pycountry.countries)),
    number=st.integers(min_value=1, max_value=99_999),
)
def test_the_sector_rules_classify_every_synthetic_main_spelling(sector, country, number):
    main, _ = synthetic_spellings(sector, country, number)
    assert classify_name(main) == sector


def test_some_rows_leave_the_sector_to_the_rules_and_printed_rows_never_do(sql, ranked):
    shares = sql("""
        SELECT provenance, avg(CAST(applicant_sector IS NULL AS DOUBLE)) AS unclassified FROM demo GROUP BY 1""")
    unclassified = dict(zip(shares["provenance"], shares["unclassified"], strict=True))
    assert unclassified["published"] == 0
    assert 0.02 < unclassified["synthetic"] < 0.2
    left = sql("SELECT DISTINCT applicant_name FROM demo WHERE applicant_sector IS NULL")["applicant_name"]
    expected = dict(zip(left, left.map(sector_of_template), strict=True))
    assert set(expected.values()) == set(RULE_CLASSIFIED_SECTORS)
    classified = ranked[ranked["applicant"].isin(expected)]
    assert classified["applicant"].nunique() == len(expected)
    assert (classified["sector"] == classified["applicant"].map(expected)).all()


def test_co_applicants_are_synthetic_and_only_whole_counting_credits_them(sql):
    co = sql("SELECT provenance, count(*) AS n FROM demo WHERE applicant_sequence > 1 GROUP BY 1")
    assert set(co["provenance"]) == {"synthetic"}
    on_printed = sql("""
        SELECT count(*) AS n FROM demo WHERE applicant_sequence > 1 AND publication_number IN
            (SELECT publication_number FROM demo WHERE provenance = 'published')""")["n"].item()
    assert on_printed > 0
