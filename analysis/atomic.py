"""Replace files and report folders so that a reader finds the old one or the new one, whole.

A report is built in a hidden staging folder beside its final place, ``.<name>.<pid>.<random>``,
while its build holds an exclusive lock on ``.<name>.lock`` (one build of a report at a time;
different reports build in parallel). The finished folder is exchanged with the old one in
one step (``renameat2(RENAME_EXCHANGE)`` on Linux; elsewhere the name becomes a symbolic link
that is replaced in one step) and the old one is deleted afterwards. Whatever a killed build
leaves behind is hidden, and is deleted by the next build that finds its lock free.
"""

import ctypes
import errno
import fcntl
import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from analysis.errors import OptionError
from analysis.paths import StrPath

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def step_hook(step: str) -> None:
    """Called between the steps of a swap; tests replace it to kill a build at each step."""


def writable_folder(path: StrPath) -> Path:
    """Create ``path`` if needed and return it; say in one line why reports cannot go there."""
    path = Path(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise OptionError(f"{path}: cannot write reports there, a file is in the way of the folder") from None
    except OSError as error:
        raise OptionError(f"{path}: cannot write reports there ({error.strerror.lower()})") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise OptionError(f"{path}: cannot write reports there (permission denied)")
    return path


def write_file(path: StrPath, data: str | bytes) -> Path:
    """Write ``data`` (bytes or text) to ``path`` through a temporary file renamed into place.

    The file follows the umask, as one written directly would.
    """
    path = Path(path)
    partial = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.partial")
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        with open(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), "wb") as handle:
            handle.write(payload)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return path


def clean_partials(folder: StrPath) -> None:
    """Delete the temporary files of write_file in ``folder`` whose writing process is gone."""
    for partial in Path(folder).glob(".*.partial"):
        try:
            os.kill(int(partial.name.split(".")[-3]), 0)
        except (ValueError, ProcessLookupError):
            partial.unlink(missing_ok=True)
        except PermissionError:  # alive, and another user's
            pass


@contextmanager
def report_lock(folder: StrPath) -> Iterator[None]:
    """Hold the lock of the report at ``folder`` (waiting for another build of it to finish)."""
    lock = os.open(_lock_path(Path(folder)), os.O_RDWR | os.O_CREAT, 0o666)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield
    finally:
        os.close(lock)


def _lock_path(folder: Path) -> Path:
    return folder.with_name(f".{folder.name}.lock")


def new_staging(folder: Path) -> Path:
    """Create the hidden folder a build of ``folder`` writes into (under its lock)."""
    staging = folder.with_name(f".{folder.name}.{os.getpid()}.{secrets.token_hex(4)}")
    staging.mkdir()
    return staging


def clean_leftovers(parent: Path) -> None:
    """Delete what killed builds left in ``parent``: staging folders, old reports, links.

    A report's leftovers are deleted only while its lock is free, so that a running build
    keeps its staging folder. A folder that a report's symbolic link points to is kept.
    """
    names = {entry.name.split(".")[1] for entry in _hidden(parent)}
    for name in names:
        folder = parent / name
        lock = os.open(_lock_path(folder), os.O_RDWR | os.O_CREAT, 0o666)
        try:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue
            live = os.readlink(folder) if folder.is_symlink() else None
            for entry in _hidden(parent, name):
                if entry.name != live:
                    _remove(entry)
        finally:
            os.close(lock)


def _hidden(parent: StrPath, name: str | None = None) -> Iterator[Path]:
    """Yield the hidden entries of ``parent`` that belong to a report build, except lock files."""
    prefix = f".{name}." if name else "."
    for entry in Path(parent).iterdir() if Path(parent).is_dir() else ():
        if entry.name.startswith(prefix) and entry.name.count(".") >= 2 and not entry.name.endswith(".lock"):
            yield entry


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def publish(staging: Path, folder: Path) -> None:
    """Put the finished ``staging`` folder under the report's name ``folder``, then delete the old.

    At every instant the name holds the old report or the new one, complete.
    """
    step_hook("staged")
    if folder.is_symlink():
        _relink(staging, folder)
    elif not folder.exists():
        os.rename(staging, folder)
    else:
        try:
            _exchange(staging, folder)
        except OSError as error:
            if error.errno not in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
                raise
            _relink(staging, folder)
            return
        step_hook("exchanged")
        shutil.rmtree(staging, ignore_errors=True)  # now the old report


@cache
def _renameat2() -> Callable[..., int] | None:
    function = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if function is not None:
        function.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    return function


def _exchange(first: Path, second: Path) -> None:
    """Swap two folders' names in one step."""
    renameat2 = _renameat2()
    if renameat2 is None:
        raise OSError(errno.ENOSYS, "renameat2 is not available")
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(second))


def _relink(staging: Path, folder: Path) -> None:
    """Without an exchange: make ``folder`` a symbolic link to ``staging``, replaced in one step.

    The first time, when ``folder`` is still a real folder, it is moved aside first: the only
    moment without a report under the name.
    """
    link = folder.with_name(f".{folder.name}.{os.getpid()}.{secrets.token_hex(4)}.link")
    os.symlink(staging.name, link)
    if folder.is_symlink():
        old = folder.parent / os.readlink(folder)
    else:
        old = folder.with_name(f".{folder.name}.{os.getpid()}.{secrets.token_hex(4)}.old")
        os.rename(folder, old)
    os.replace(link, folder)
    step_hook("exchanged")
    _remove(old)
