"""Checksums of files and of the package, and how a file's path is shown in reports."""

import hashlib
from pathlib import Path

from analysis.paths import MAPPINGS_DIR, PROJECT_ROOT, StrPath

PACKAGE_DIR = Path(__file__).resolve().parent


def file_sha256(path: StrPath) -> str:
    """Return the sha256 of a file, for manifests, cache keys and the demo data's sidecar."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


_known_digests: dict[tuple[str, int, int], str] = {}
"""sha256 of files already read, by path, modification time (ns) and size."""


def _known_file_sha256(path: Path) -> str:
    """The sha256 of a file of the project, read again only when its time or size changed:
    every load hashes the whole package for its cache key, and it rarely changes."""
    status = path.stat()
    key = (str(path), status.st_mtime_ns, status.st_size)
    if key not in _known_digests:
        _known_digests[key] = file_sha256(path)
    return _known_digests[key]


def tree_sha256(*folders: StrPath) -> str:
    """Return one sha256 over the relative paths and bytes of every file under ``folders``.

    Compiled bytecode is left out: it follows from the sources.
    """
    digest = hashlib.sha256()
    for folder in folders:
        folder = Path(folder)
        files = sorted(
            p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
        )
        for path in files:
            digest.update(f"{folder.name}/{path.relative_to(folder).as_posix()}\0".encode())
            digest.update(_known_file_sha256(path).encode())
    return digest.hexdigest()


def code_sha256() -> str:
    """Return the sha256 of everything that decides a result: the package and the mappings."""
    return tree_sha256(PACKAGE_DIR, MAPPINGS_DIR)


def display_path(path: StrPath) -> str:
    """A path relative to the project when it lies inside it, else as given."""
    resolved = Path(path).resolve()
    try:
        return str(resolved.relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)
