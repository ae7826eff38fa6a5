"""The fast name map and applicant attributes give what short brute-force pandas versions give.

build_name_map and applicant_attributes are written for speed (lists and dicts; DuckDB
tallies); the plain pandas references below are the oracle of a property test.
"""

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.applicants import applicant_attributes
from analysis.names import Alias, _display_preference, build_name_map, normalise_name
from analysis.sectors import classify_name

SPELLINGS = [
    "Acme Corp",
    "ACME CORP",
    "Acme Corp.",
    "Acme Corporation",
    "acme",
    "The Acme Co Ltd",
    "Dalian Univ of Tech",
    "DALIAN UNIV OF TECH",
    "Dalian University of Technology",
    "LM Ericsson",
    "Ericsson",
    "Ericsson AB",
    "SMITH, John",
    "Smith, John",
    "Natl Lab",
    "National Laboratory",
    "大连理工大学",
    "大連理工大学",
    "Ｔｏｙｏｔａ",
    "Toyota",
    "Müller GmbH",
    "Muller GmbH",
    "Ltd",
]
COUNTRIES = ["CN", "US", "SE", "JP", None]
SECTORS = ["business", "education", "individual", None]


def reference_name_map(raw_names, aliases):
    names = raw_names[["applicant_name", "rows"]].copy()
    names["key"] = names["applicant_name"].map(normalise_name)
    alias_key = {normalise_name(a.raw_name): normalise_name(a.canonical_name) for a in aliases}
    canonical_display = {normalise_name(a.canonical_name): a.canonical_name for a in aliases}
    names["group"] = names["key"].map(lambda key: alias_key.get(key, key))
    preference = names["applicant_name"].map(_display_preference)
    names["miscased"] = preference.str[0]
    names["abbreviated"] = preference.str[1]
    best = names.sort_values(
        ["group", "miscased", "abbreviated", "rows", "applicant_name"], ascending=[True, True, True, False, True]
    ).drop_duplicates("group")
    display = dict(zip(best["group"], best["applicant_name"], strict=False))
    display.update({group: name for group, name in canonical_display.items() if group in display})
    names["applicant"] = names["group"].map(display)
    present = set(names["key"])
    unused = tuple(a for a in aliases if normalise_name(a.raw_name) not in present)
    return names[["applicant_name", "key", "group", "applicant"]].reset_index(drop=True), unused


def reference_lookup(table, aliases):
    """Every known spelling's key to its applicant, from the name map's table alone."""
    lookup = dict(zip(table["group"], table["applicant"], strict=True))
    lookup.update(zip(table["key"], table["applicant"], strict=True))
    for alias in aliases:
        applicant = lookup.get(normalise_name(alias.canonical_name))
        if applicant is not None:
            lookup.setdefault(normalise_name(alias.raw_name), applicant)
    return lookup


def _most_frequent(table, column):
    known = table.dropna(subset=[column])
    totals = known.groupby(["applicant", column], as_index=False)["rows"].sum()
    totals = totals.sort_values(["applicant", "rows", column], ascending=[True, False, True])
    return totals.drop_duplicates("applicant").set_index("applicant")[column]


def reference_attributes(variants, table, overrides, classify):
    merged = variants.merge(table[["applicant_name", "group", "applicant"]], on="applicant_name")
    applicants = sorted(merged["applicant"].unique())
    attributes = pd.DataFrame({"country": _most_frequent(merged, "applicant_country").reindex(applicants)})
    groups = merged.groupby("applicant")["group"].min().reindex(attributes.index)
    sector = groups.map(overrides).fillna(_most_frequent(merged, "applicant_sector").reindex(attributes.index))
    unknown = sector.isna()
    sector[unknown] = attributes.index[unknown].map(classify)
    attributes["sector"] = sector
    attributes["provenance"] = _most_frequent(merged, "provenance").reindex(attributes.index)
    return attributes


raw_names = st.dictionaries(st.sampled_from(SPELLINGS), st.integers(1, 5), min_size=1).map(
    lambda counts: pd.DataFrame({"applicant_name": list(counts), "rows": list(counts.values())})
)
alias_lists = st.lists(
    st.tuples(st.sampled_from(SPELLINGS), st.sampled_from(SPELLINGS + ["Acme Holdings", "Ericsson"])), max_size=3
).map(lambda pairs: [Alias(raw, canonical, "") for raw, canonical in pairs])


@settings(deadline=None)
@given(raw_names, alias_lists)
def test_the_name_map_matches_the_pandas_reference(raw, aliases):
    expected_table, expected_unused = reference_name_map(raw, aliases)
    name_map = build_name_map(raw, aliases)
    assert name_map.table.astype(object).to_dict("records") == expected_table.astype(object).to_dict("records")
    assert name_map.unused_aliases == expected_unused
    assert name_map.key_to_applicant() == reference_lookup(expected_table, aliases)


variant_rows = st.lists(
    st.tuples(
        st.sampled_from(SPELLINGS),
        st.sampled_from(COUNTRIES),
        st.sampled_from(SECTORS),
        st.sampled_from(["published", "synthetic", None]),
        st.integers(1, 4),
    ),
    min_size=1,
    max_size=12,
    unique_by=lambda row: row[:4],
)


@settings(deadline=None)
@given(variant_rows, alias_lists)
def test_applicant_attributes_match_the_pandas_reference(rows, aliases):
    variants = pd.DataFrame(
        rows, columns=["applicant_name", "applicant_country", "applicant_sector", "provenance", "rows"]
    )
    variants = variants.astype(
        {"applicant_name": "str", "applicant_country": "str", "applicant_sector": "str", "provenance": "str"}
    )
    raw = variants.groupby("applicant_name", as_index=False)["rows"].sum()
    name_map = build_name_map(raw, aliases)
    overrides = {normalise_name("Ericsson"): "business"}
    expected = reference_attributes(variants, name_map.table, overrides, classify_name)
    found = applicant_attributes(variants, name_map, overrides)
    pd.testing.assert_frame_equal(
        found.sort_index().astype(object).where(found.sort_index().notna(), None),
        expected.sort_index().astype(object).where(expected.sort_index().notna(), None),
        check_names=False,
    )
