"""Keep ranked datasets on disk so that repeated CLI calls and every report of a batch skip
the work of loading, validating, counting and ranking the same input again.

An entry is keyed by everything the result depends on: the sha256 of the input file and of
the alias and override tables, the counting rule, the column mapping, the package version,
the bytes of every file of the package and of ``data/mappings`` and the versions of DuckDB,
pandas and pyarrow. A key therefore never matches a stale result.

An entry is never trusted blindly: its checksum file, written last, holds the sha256 of the
bytes of its other files and is checked on every read. An entry that is damaged in any way
(a changed byte, a flipped bit, another key) is deleted and treated as missing, so that the
result is computed again: never an error, never a wrong result. The folder is
``$PCT_CACHE_DIR`` when set (read at each call), else ``.cache/datasets``.
"""

import hashlib
import importlib
import json
import os
from collections.abc import Iterable
from dataclasses import asdict, fields, is_dataclass
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from analysis import __version__
from analysis.atomic import clean_partials, write_file
from analysis.hashing import code_sha256
from analysis.names import Alias
from analysis.paths import PROJECT_ROOT, StrPath

if TYPE_CHECKING:
    from analysis.sources.mapping import ColumnMap
    from analysis.validate import Summary

CACHE_ENV = "PCT_CACHE_DIR"
DEFAULT_CACHE_DIR = PROJECT_ROOT / ".cache" / "datasets"
FORMAT = 2
"""Bumped when the layout of an entry changes."""
KEEP_ENTRIES = 16
"""Entries beyond the most recently written ones are deleted: keys change with every
edit of the code or data, and old entries would otherwise pile up."""

_PARTS = ("ranked", "lookup")


def cache_folder() -> Path:
    """Return the cache folder: ``$PCT_CACHE_DIR``, else ``.cache/datasets`` in the project."""
    return Path(os.environ.get(CACHE_ENV) or DEFAULT_CACHE_DIR)


def cache_key(inputs: Iterable[str], counting: str, column_map: "ColumnMap | None") -> str:
    """Return the hex key of a result made from ``inputs`` (the sha256 of the input, alias
    and override files, in that order, and whatever else decides the result or is stored
    with it), a counting rule and a ColumnMap."""
    document = {
        "format": FORMAT,
        "version": __version__,
        "code": code_sha256(),
        "libraries": [duckdb.__version__, pd.__version__, pa.__version__],
        "inputs": list(inputs),
        "counting": counting,
        "column_map": None if column_map is None else asdict(column_map),
    }
    return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()


def _paths(key: str, folder: StrPath | None) -> tuple[dict[str, Path], Path]:
    folder = Path(folder) if folder is not None else cache_folder()
    return {part: folder / f"{key}.{part}.parquet" for part in _PARTS}, folder / f"{key}.sha256.json"


def read_entry(
    key: str, cache_dir: StrPath | None = None
) -> tuple[pd.DataFrame, "Summary", dict[str, str], tuple[Alias, ...]] | None:
    """Return (ranked, summary, name_lookup, unused_aliases) stored under ``key``, or None.

    The checksum file is written last, so it marks a complete entry; the parquet files are
    read into memory, checked against it and parsed from the checked bytes.
    """
    paths, checksum_path = _paths(key, cache_dir)
    if not checksum_path.exists():
        return None
    try:
        checksums = json.loads(checksum_path.read_text(encoding="utf-8"))
        if checksums.get("key") != key:
            raise ValueError("entry names another key")
        if checksums.pop("self") != _digest_of(checksums):
            raise ValueError("the entry's own record is damaged")
        content = {part: path.read_bytes() for part, path in paths.items()}
        if any(hashlib.sha256(content[part]).hexdigest() != checksums["files"][part] for part in _PARTS):
            raise ValueError("entry does not match its checksum")
        ranked_table = pq.read_table(pa.BufferReader(content["ranked"]))
        lookup = pq.read_table(pa.BufferReader(content["lookup"]))
        name_lookup = dict(zip(lookup.column("key").to_pylist(), lookup.column("applicant").to_pylist(), strict=False))
        ranked = ranked_table.to_pandas()
        text = checksums["object_columns"]  # pandas reads strings back as str, not object
        ranked[text] = ranked[text].astype(object)
        unused = tuple(Alias(*fields) for fields in checksums["unused_aliases"])
        summary = _decode(checksums["summary"])
    except Exception:  # whatever the damage, the entry is rebuilt, never served
        _discard(checksum_path, *paths.values())
        return None
    return ranked, summary, name_lookup, unused


def write_entry(
    key: str,
    ranked: pd.DataFrame,
    summary: "Summary",
    name_lookup: dict[str, str],
    unused_aliases: Iterable[Alias],
    cache_dir: StrPath | None = None,
) -> None:
    """Store a result under ``key``; a cache that cannot be written is skipped silently,
    since the caller already holds the result.

    ``summary`` is what the loader says about its input: plain values, paths, tuples and
    dataclasses of the package.
    """
    paths, checksum_path = _paths(key, cache_dir)
    tables = {
        "ranked": pa.Table.from_pandas(ranked, preserve_index=False),
        "lookup": pa.table({"key": list(name_lookup), "applicant": list(name_lookup.values())}),
    }
    content = {part: _parquet_bytes(table) for part, table in tables.items()}
    checksums = {
        "key": key,
        "files": {part: hashlib.sha256(data).hexdigest() for part, data in content.items()},
        "summary": _encode(summary),
        "object_columns": [str(name) for name in ranked.columns if ranked[name].dtype == object],
        "unused_aliases": [[a.raw_name, a.canonical_name, a.note] for a in unused_aliases],
    }
    checksums["self"] = _digest_of(checksums)
    try:
        checksum_path.parent.mkdir(parents=True, exist_ok=True)
        for part, data in content.items():
            write_file(paths[part], data)
        write_file(checksum_path, json.dumps(checksums))
        _prune(checksum_path.parent)
    except OSError:
        pass


def _digest_of(record: dict[str, Any]) -> str:
    """The sha256 of an entry's own record (checksums, summary, aliases), so that a flipped
    bit in the summary is caught like one in the tables."""
    return hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()


def _encode(value: object) -> dict[str, Any]:
    """Return ``value`` as JSON data that _decode turns back into equal objects."""
    if is_dataclass(value) and not isinstance(value, type):
        fields_ = {field.name: _encode(getattr(value, field.name)) for field in fields(value)}
        return {"dataclass": [f"{type(value).__module__}:{type(value).__qualname__}", fields_]}
    if isinstance(value, PurePath):
        return {"path": str(value)}
    if isinstance(value, (tuple, list)):
        return {"tuple" if isinstance(value, tuple) else "list": [_encode(item) for item in value]}
    if isinstance(value, dict):
        return {"dict": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if value is None or isinstance(value, (bool, int, float, str)):
        return {"value": value}
    raise TypeError(f"cannot store a {type(value).__name__} in the cache")


def _decode(data: dict[str, Any]) -> object:
    ((tag, value),) = data.items()
    if tag == "dataclass":
        (module, _, name), values = value[0].partition(":"), value[1]
        if not module.startswith("analysis."):
            raise ValueError(f"{value[0]} is not a class of the package")
        return getattr(importlib.import_module(module), name)(**{k: _decode(v) for k, v in values.items()})
    if tag == "path":
        return Path(value)
    if tag in ("tuple", "list"):
        items = [_decode(item) for item in value]
        return tuple(items) if tag == "tuple" else items
    if tag == "dict":
        return {_decode(k): _decode(v) for k, v in value}
    if tag == "value":
        return value
    raise ValueError(f"unknown tag {tag!r}")


def _parquet_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    return sink.getvalue().to_pybytes()


def _prune(folder: Path) -> None:
    clean_partials(folder)
    entries = sorted(folder.glob("*.sha256.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for checksum_path in entries[KEEP_ENTRIES:]:
        key = checksum_path.name.split(".")[0]
        _discard(checksum_path, *folder.glob(f"{key}.*"))


def _discard(*paths: Path) -> None:
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            pass


def read_table(key: str, part: str, cache_dir: StrPath | None = None) -> pd.DataFrame | None:
    """Return the pandas table stored as ``part`` of the entry ``key``, or None.

    Checked against the sha256 written beside it, like the ranked entries: any damage means
    the table is discarded and made again by the caller.
    """
    folder = Path(cache_dir) if cache_dir is not None else cache_folder()
    path, checksum_path = folder / f"{key}.{part}.parquet", folder / f"{key}.{part}.sha256"
    try:
        content = path.read_bytes()
        if hashlib.sha256(content).hexdigest() != checksum_path.read_text(encoding="utf-8").strip():
            raise ValueError("table does not match its checksum")
        table = pq.read_table(pa.BufferReader(content))
        frame = table.to_pandas()
        text = [
            field.name
            for field in table.schema
            if pa.types.is_string(field.type) or pa.types.is_large_string(field.type)
        ]
        frame[text] = frame[text].astype(object)  # pandas reads strings back as str, not object
        return frame
    except FileNotFoundError:
        return None
    except Exception:  # whatever the damage, the table is rebuilt, never served
        _discard(path, checksum_path)
        return None


def write_table(key: str, part: str, frame: pd.DataFrame, cache_dir: StrPath | None = None) -> None:
    """Store a pandas table as ``part`` of the entry ``key``; skipped silently if it cannot be written."""
    folder = Path(cache_dir) if cache_dir is not None else cache_folder()
    content = _parquet_bytes(pa.Table.from_pandas(frame, preserve_index=False))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_file(folder / f"{key}.{part}.parquet", content)
        write_file(folder / f"{key}.{part}.sha256", hashlib.sha256(content).hexdigest().encode())
    except OSError:
        pass
