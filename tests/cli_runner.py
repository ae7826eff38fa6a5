"""The one way the tests run the command line: `run_cli` calls ``analysis.cli.main`` in the
test's own process (fast: no interpreter start, no imports again), and `run_process` starts
``python -m analysis`` or the installed ``pct-report`` script as a user would (slow: a second
a run, kept for the few tests that guard the real process path).

`run_cli` shows what a user at a terminal would see from the same arguments: stdout and
stderr as text, the exit status (argparse's SystemExit included), an unexpected exception
as a traceback on stderr and status 1, Python's default warning filters (a warning prints
on stderr, as it would), the project root as the working directory, and stdout that could
not be written as UTF-8 as the crash it would be. The cache is the test's temporary one
(``PCT_CACHE_DIR``, set for the whole session in conftest.py), or ``cache_dir`` when given.
"""

import contextlib
import io
import os
import subprocess
import sys
import traceback
import warnings
from dataclasses import dataclass
from pathlib import Path

from analysis.cli import main
from analysis.paths import PROJECT_ROOT

CACHE_VARIABLE = "PCT_CACHE_DIR"

PYTHON_DEFAULT_WARNING_FILTERS = [
    ("default", DeprecationWarning, "__main__"),
    ("ignore", DeprecationWarning, ""),
    ("ignore", PendingDeprecationWarning, ""),
    ("ignore", ImportWarning, ""),
    ("ignore", ResourceWarning, ""),
]
"""The filters of ``python`` started without -W or -X dev (pytest installs its own)."""


@dataclass(frozen=True)
class CliResult:
    """What a run printed and how it ended, as ``subprocess.run(..., text=True)`` gives it."""

    returncode: int
    stdout: str
    stderr: str


@contextlib.contextmanager
def _cache(cache_dir):
    if cache_dir is None:
        yield
        return
    saved = os.environ.get(CACHE_VARIABLE)
    os.environ[CACHE_VARIABLE] = str(cache_dir)
    try:
        yield
    finally:
        if saved is None:
            del os.environ[CACHE_VARIABLE]
        else:
            os.environ[CACHE_VARIABLE] = saved


def _exit_status(code, stderr):
    """The status ``raise SystemExit(code)`` gives a process (a message is printed, status 1)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=stderr)
    return 1


def run_cli(*args, cache_dir=None):
    """Run ``pct-report *args`` in this process; return a CliResult."""
    stdout, stderr = io.StringIO(), io.StringIO()

    def show(message, category, filename, lineno, file=None, line=None):
        stderr.write(warnings.formatwarning(message, category, filename, lineno, line))

    with (
        _cache(cache_dir),
        contextlib.chdir(PROJECT_ROOT),
        contextlib.redirect_stdout(stdout),
        contextlib.redirect_stderr(stderr),
        warnings.catch_warnings(),
    ):
        warnings.resetwarnings()
        for action, category, module in PYTHON_DEFAULT_WARNING_FILTERS:
            warnings.filterwarnings(action, category=category, module=module, append=True)
        warnings.showwarning = show
        try:
            returncode = main([str(arg) for arg in args])
        except SystemExit as exit:
            returncode = _exit_status(exit.code, stderr)
        except Exception:
            traceback.print_exc(file=stderr)
            returncode = 1
    out, err = stdout.getvalue(), stderr.getvalue()
    try:
        out.encode("utf-8")
    except UnicodeEncodeError as error:
        # A process writes stdout strictly in UTF-8 here (C.UTF-8): this output would crash it.
        err += f"Traceback (most recent call last):\n  (writing stdout)\n{type(error).__name__}: {error}\n"
        returncode = 1
    # A process writes stderr with backslashreplace: what cannot be encoded shows as escapes.
    err = err.encode("utf-8", "backslashreplace").decode("utf-8")
    return CliResult(returncode, out, err)


def run_process(*args, cache_dir=None, entry_point=False):
    """Run the command line in a process of its own: ``python -m analysis *args``, or with
    ``entry_point`` the ``pct-report`` script the package installs beside this Python."""
    command = [str(Path(sys.executable).with_name("pct-report"))] if entry_point else [sys.executable, "-m", "analysis"]
    environment = os.environ if cache_dir is None else {**os.environ, CACHE_VARIABLE: str(cache_dir)}
    result = subprocess.run(
        [*command, *map(str, args)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=environment,
        timeout=300,
        check=False,
    )
    return CliResult(result.returncode, result.stdout, result.stderr)
