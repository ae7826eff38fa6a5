"""The on-disk cache of ranked datasets: served only for the same inputs, rule and code."""

import pandas as pd
import pytest

import analysis.cache as cache
import analysis.dataset as dataset_module
from analysis.dataset import load_dataset


@pytest.fixture(autouse=True)
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setattr(cache, "CACHE_DIR", folder)
    return folder


def _no_work(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("the input was read although a cache entry exists")

    monkeypatch.setattr(dataset_module, "open_source", fail)


def _same(a, b):
    pd.testing.assert_frame_equal(a.ranked, b.ranked)
    assert (a.rows, a.counting, a.inputs, a.unused_aliases) == (b.rows, b.counting, b.inputs, b.unused_aliases)
    assert a.name_lookup == b.name_lookup


def test_a_second_load_is_served_from_the_cache_unchanged(co_applicants, monkeypatch):
    first = load_dataset(co_applicants)
    _no_work(monkeypatch)
    _same(load_dataset(co_applicants), first)


def test_the_counting_rule_is_part_of_the_key(co_applicants):
    load_dataset(co_applicants)
    whole = load_dataset(co_applicants, counting="every-applicant")
    assert whole.counting == "every-applicant"
    assert whole.ranked.set_index("applicant")["published"].to_dict() == {"Alpha University": 3, "Beta Corp": 2, "Gamma Ltd": 2}


def test_an_edited_input_misses_the_cache(records_csv):
    row = ["WO2018000001", "2018-03-01", "Alpha University", "CN", 1, "education"]
    path = records_csv([row])
    assert load_dataset(path).ranked["published"].tolist() == [1]
    records_csv([row, ["WO2018000002", *row[1:]]])
    assert load_dataset(path).ranked["published"].tolist() == [2]


def test_an_edited_alias_table_misses_the_cache(co_applicants, tmp_path):
    aliases = tmp_path / "aliases.csv"
    aliases.write_text("raw_name,canonical_name,note\n", encoding="utf-8")
    assert "Beta Corp" in set(load_dataset(co_applicants, aliases_path=aliases).ranked["applicant"])
    aliases.write_text("raw_name,canonical_name,note\nBeta Corp,Alpha University,test\n", encoding="utf-8")
    assert set(load_dataset(co_applicants, aliases_path=aliases).ranked["applicant"]) == {"Alpha University", "Gamma Ltd"}


def test_a_damaged_entry_is_discarded_and_recomputed(co_applicants, cache_dir):
    first = load_dataset(co_applicants)
    (ranked_path,) = cache_dir.glob("*.ranked.parquet")
    ranked_path.write_bytes(b"not parquet")
    _same(load_dataset(co_applicants), first)
    assert ranked_path.read_bytes() != b"not parquet"


def test_an_entry_is_served_only_under_its_own_key(co_applicants, cache_dir, monkeypatch):
    load_dataset(co_applicants)
    (ranked_path,) = cache_dir.glob("*.ranked.parquet")
    (lookup_path,) = cache_dir.glob("*.lookup.parquet")
    other = "0" * 64
    ranked_path.rename(cache_dir / f"{other}.ranked.parquet")
    lookup_path.rename(cache_dir / f"{other}.lookup.parquet")
    assert cache.read_entry(other) is None
    assert not any(cache_dir.iterdir())


def test_no_cache_neither_reads_nor_writes(co_applicants, cache_dir):
    load_dataset(co_applicants, cache=False)
    assert not cache_dir.exists() or not any(cache_dir.iterdir())


def test_old_entries_are_pruned(co_applicants, cache_dir, monkeypatch):
    monkeypatch.setattr(cache, "KEEP_ENTRIES", 2)
    for rule in ("first-named", "every-applicant", "fractional"):
        load_dataset(co_applicants, counting=rule)
    assert len(list(cache_dir.glob("*.ranked.parquet"))) == 2
    assert len(list(cache_dir.glob("*.lookup.parquet"))) == 2
