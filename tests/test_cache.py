"""The on-disk cache of ranked datasets: served only for the same inputs, rule and code."""

import shutil

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import analysis.cache as cache
import analysis.dataset as dataset_module
import analysis.hashing as hashing
from analysis.dataset import load_dataset


@pytest.fixture(autouse=True)
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.CACHE_ENV, str(folder))
    return folder


def _no_work(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("the input was read although a cache entry exists")

    monkeypatch.setattr(dataset_module, "open_inputs", fail)


def _same(a, b):
    pd.testing.assert_frame_equal(a.ranked, b.ranked)
    assert (a.summary, a.counting, a.inputs, a.unused_aliases) == (b.summary, b.counting, b.inputs, b.unused_aliases)
    assert a.name_lookup == b.name_lookup


def test_a_second_load_is_served_from_the_cache_unchanged(co_applicants, monkeypatch):
    first = load_dataset(co_applicants)
    _no_work(monkeypatch)
    _same(load_dataset(co_applicants), first)


def test_the_counting_rule_is_part_of_the_key(co_applicants):
    load_dataset(co_applicants)
    whole = load_dataset(co_applicants, counting="every-applicant")
    assert whole.counting == "every-applicant"
    assert whole.ranked.set_index("applicant")["published"].to_dict() == {
        "Alpha University": 3,
        "Beta Corp": 2,
        "Gamma Ltd": 2,
    }


def test_an_edited_input_misses_the_cache(records_csv):
    row = ["WO2018000001", "2018-03-01", "Alpha University", "CN", 1, "education"]
    path = records_csv([row])
    assert load_dataset(path).ranked["published"].tolist() == [1]
    records_csv([row, ["WO2018000002", *row[1:]]])
    assert load_dataset(path).ranked["published"].tolist() == [2]


def test_the_same_bytes_under_another_name_are_reported_under_that_name(co_applicants, tmp_path):
    """A report cites the files it read: a copy of a file read before is not served under the
    first name (the demo generator checks its output under a temporary name, then renames it)."""
    copy = tmp_path / "renamed.csv"
    shutil.copyfile(co_applicants, copy)
    load_dataset(co_applicants)
    [described] = load_dataset(copy).summary.files
    assert described.path == copy


def test_an_edited_alias_table_misses_the_cache(co_applicants, tmp_path):
    aliases = tmp_path / "aliases.csv"
    aliases.write_text("raw_name,canonical_name,note\n", encoding="utf-8")
    assert "Beta Corp" in set(load_dataset(co_applicants, aliases_path=aliases).ranked["applicant"])
    aliases.write_text("raw_name,canonical_name,note\nBeta Corp,Alpha University,test\n", encoding="utf-8")
    assert set(load_dataset(co_applicants, aliases_path=aliases).ranked["applicant"]) == {
        "Alpha University",
        "Gamma Ltd",
    }


def _served_again_after(damage, co_applicants, cache_dir):
    """Load, damage the entry, load again: the result is the first one, and the entry is rebuilt."""
    first = load_dataset(co_applicants)
    (ranked_path,) = cache_dir.glob("*.ranked.parquet")
    damage(ranked_path)
    damaged = ranked_path.read_bytes()
    _same(load_dataset(co_applicants), first)
    assert ranked_path.read_bytes() != damaged
    _same(load_dataset(co_applicants), first)


def test_an_unreadable_entry_is_discarded_and_recomputed(co_applicants, cache_dir):
    _served_again_after(lambda path: path.write_bytes(b"not parquet"), co_applicants, cache_dir)


def test_one_changed_byte_is_discarded_and_recomputed(co_applicants, cache_dir):
    def change_one_byte(path):
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0xFF
        path.write_bytes(bytes(data))

    _served_again_after(change_one_byte, co_applicants, cache_dir)


def test_one_flipped_bit_in_a_year_is_discarded_and_recomputed(co_applicants, cache_dir):
    def flip_a_year(path):
        table = pq.read_table(path)
        years = table.column("year").to_pylist()
        years[0] ^= 1  # 2018 becomes 2019: still a valid file with a plausible value
        index = table.schema.get_field_index("year")
        table = table.set_column(index, table.schema.field(index), pa.array(years, table.column("year").type))
        pq.write_table(table, path)

    _served_again_after(flip_a_year, co_applicants, cache_dir)


def test_an_entry_is_served_only_under_its_own_key(co_applicants, cache_dir):
    load_dataset(co_applicants)
    other = "0" * 64
    for path in cache_dir.iterdir():
        path.rename(cache_dir / path.name.replace(path.name.split(".")[0], other))
    assert cache.read_entry(other) is None
    assert not any(cache_dir.iterdir())


def test_the_key_covers_every_file_of_the_package_and_the_mappings(tmp_path, monkeypatch):
    package, mappings = tmp_path / "analysis", tmp_path / "mappings"
    shutil.copytree(hashing.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(hashing.MAPPINGS_DIR, mappings)
    monkeypatch.setattr(hashing, "PACKAGE_DIR", package)
    monkeypatch.setattr(hashing, "MAPPINGS_DIR", mappings)
    keys = [cache.cache_key(["a", "b", "c"], "first-named", None)]
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"compiled")
    assert cache.cache_key(["a", "b", "c"], "first-named", None) == keys[0]
    for edit in (
        package / "templates" / "pct" / "index.html.j2",
        package / "new_module.py",
        mappings / "sector_overrides.csv",
    ):
        with open(edit, "a", encoding="utf-8") as handle:
            handle.write(" ")
        keys.append(cache.cache_key(["a", "b", "c"], "first-named", None))
    # An edit that keeps the size: the package's digests are reused only while a file's
    # time and size are unchanged.
    schema = package / "schema.py"
    text = schema.read_bytes()
    schema.write_bytes(b"#" + text[1:] if text[:1] != b"#" else b" " + text[1:])
    keys.append(cache.cache_key(["a", "b", "c"], "first-named", None))
    assert len(set(keys)) == 5


def test_no_cache_neither_reads_nor_writes(co_applicants, cache_dir):
    load_dataset(co_applicants, cache=False)
    assert not cache_dir.exists() or not any(cache_dir.iterdir())


def test_old_entries_are_pruned(co_applicants, cache_dir, monkeypatch):
    monkeypatch.setattr(cache, "KEEP_ENTRIES", 2)
    for rule in ("first-named", "every-applicant", "fractional"):
        load_dataset(co_applicants, counting=rule)
    assert len(list(cache_dir.glob("*.ranked.parquet"))) == 2
    assert len(list(cache_dir.glob("*.lookup.parquet"))) == 2
    assert len(list(cache_dir.glob("*.sha256.json"))) == 2


def test_the_cache_folder_is_read_from_the_environment_at_each_call(co_applicants, tmp_path, monkeypatch):
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "elsewhere"))
    load_dataset(co_applicants)
    assert len(list((tmp_path / "elsewhere").glob("*.sha256.json"))) == 1


def test_an_entry_keeps_the_loader_summary_with_its_paths_tuples_and_dicts(tmp_path):
    from pathlib import Path

    from analysis.names import Alias
    from analysis.sources import InputDescription
    from analysis.validate import Summary

    summary = Summary(
        files=(InputDescription(Path("data/a.csv"), "csv", "utf-8"),), rows=3, non_pct_by_office={"EP": 2}
    )
    ranked = pd.DataFrame({"applicant": ["Alpha"], "year": [2018], "published": [3.0]})
    cache.write_entry("k" * 64, ranked, summary, {"alpha": "Alpha"}, (Alias("A", "Alpha", "note"),), tmp_path)
    stored_ranked, stored_summary, lookup, unused = cache.read_entry("k" * 64, tmp_path)
    pd.testing.assert_frame_equal(stored_ranked, ranked)
    assert (stored_summary, lookup, unused) == (summary, {"alpha": "Alpha"}, (Alias("A", "Alpha", "note"),))
    assert isinstance(stored_summary.files[0].path, Path)


def test_a_flipped_digit_in_the_stored_summary_is_discarded_and_recomputed(co_applicants, cache_dir):
    first = load_dataset(co_applicants)
    (record,) = cache_dir.glob("*.sha256.json")
    text = record.read_text(encoding="utf-8")
    rows = f'"rows": {{"value": {first.summary.rows}}}'
    assert rows in text
    record.write_text(text.replace(rows, f'"rows": {{"value": {first.summary.rows ^ 1}}}'), encoding="utf-8")
    assert load_dataset(co_applicants).summary.rows == first.summary.rows
