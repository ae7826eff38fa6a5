"""Keep ranked datasets on disk so that repeated CLI calls and every report of a batch skip
the work of loading, validating, counting and ranking the same input again.

An entry is keyed by everything the result depends on: the sha256 of the input file and of
the alias and override tables, the counting rule, the column mapping, the package version,
the bytes of the modules that compute the result and the versions of DuckDB, pandas and
pyarrow. A key therefore never matches a stale result; an entry that cannot be read, or
that names another key, is deleted and treated as missing. Each file is written beside its
final name and renamed into place, so a reader never sees half an entry, and two writers of
one key store the same result.
"""

import hashlib
import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from analysis import __version__
from analysis.names import Alias
from analysis.paths import PROJECT_ROOT

CACHE_DIR = PROJECT_ROOT / ".cache" / "datasets"
FORMAT = 1
"""Bumped when the layout of an entry changes."""
KEEP_ENTRIES = 16
"""Entries beyond the most recently written ones are deleted: keys change with every
edit of the code or data, and old entries would otherwise pile up."""

_RESULT_MODULES = ("cache", "counting", "dataset", "load", "mappings", "names", "ranking", "schema", "sectors", "validate")
"""Modules whose code decides the ranked result: editing one of them invalidates every entry."""

_META = b"pct_cache"


def _code_digest():
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for name in _RESULT_MODULES:
        digest.update((package / f"{name}.py").read_bytes())
    return digest.hexdigest()


def cache_key(input_hashes, counting, column_map):
    """Return the hex key of a result made from files with ``input_hashes`` (sha256 of the
    input, alias and override files, in that order), a counting rule and a ColumnMap."""
    document = {
        "format": FORMAT,
        "version": __version__,
        "code": _code_digest(),
        "libraries": [duckdb.__version__, pd.__version__, pa.__version__],
        "inputs": list(input_hashes),
        "counting": counting,
        "column_map": None if column_map is None else asdict(column_map),
    }
    return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()


def _paths(key, cache_dir):
    folder = Path(cache_dir if cache_dir is not None else CACHE_DIR)
    return folder / f"{key}.ranked.parquet", folder / f"{key}.lookup.parquet"


def read_entry(key, cache_dir=None):
    """Return (ranked, rows, name_lookup, unused_aliases) stored under ``key``, or None.

    The ranked file is written last, so it marks a complete entry.
    """
    ranked_path, lookup_path = _paths(key, cache_dir)
    if not ranked_path.exists():
        return None
    try:
        ranked_table = pq.read_table(ranked_path)
        meta = json.loads(ranked_table.schema.metadata[_META])
        if meta["key"] != key:
            raise ValueError("entry names another key")
        lookup = pq.read_table(lookup_path)
        name_lookup = dict(zip(lookup.column("key").to_pylist(), lookup.column("applicant").to_pylist()))
        ranked = ranked_table.replace_schema_metadata(None).to_pandas()
    except (OSError, KeyError, TypeError, ValueError, pa.ArrowException):
        _discard(ranked_path, lookup_path)
        return None
    unused = tuple(Alias(*fields) for fields in meta["unused_aliases"])
    return ranked, meta["rows"], name_lookup, unused


def write_entry(key, ranked, rows, name_lookup, unused_aliases, cache_dir=None):
    """Store a result under ``key``; a cache that cannot be written is skipped silently,
    since the caller already holds the result."""
    ranked_path, lookup_path = _paths(key, cache_dir)
    meta = {"key": key, "rows": int(rows), "unused_aliases": [[a.raw_name, a.canonical_name, a.note] for a in unused_aliases]}
    table = pa.Table.from_pandas(ranked, preserve_index=False)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), _META: json.dumps(meta).encode()})
    lookup = pa.table({"key": list(name_lookup), "applicant": list(name_lookup.values())})
    try:
        ranked_path.parent.mkdir(parents=True, exist_ok=True)
        _write_atomic(lookup, lookup_path)
        _write_atomic(table, ranked_path)
        _prune(ranked_path.parent)
    except OSError:
        pass


def _write_atomic(table, path):
    handle, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    os.close(handle)
    try:
        pq.write_table(table, partial)
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


def _prune(folder):
    entries = sorted(folder.glob("*.ranked.parquet"), key=lambda p: p.stat().st_mtime, reverse=True)
    for ranked_path in entries[KEEP_ENTRIES:]:
        _discard(ranked_path, ranked_path.with_name(ranked_path.name.replace(".ranked.", ".lookup.")))


def _discard(*paths):
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            pass

