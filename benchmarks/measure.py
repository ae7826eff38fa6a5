"""Run a command in a child process and measure its wall time and peak memory."""

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from statistics import median

from analysis.paths import PROJECT_ROOT


@dataclass(frozen=True)
class Run:
    """One child process: wall seconds, peak resident memory (MiB), the JSON lines it printed, merged."""

    seconds: float
    peak_mib: float
    output: dict


def run(command):
    """Run ``command`` (a list) from the project root; raise with its stderr if it fails.

    The child is reaped with wait4(2), whose ru_maxrss is that child's own peak resident
    set size, so each figure covers one run and nothing else the benchmark did. Linux starts
    that figure at the parent's peak when the child is spawned, so the parent must stay
    small: heavy preparation runs in children too.
    """
    with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=stdout, stderr=stderr)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        stdout.seek(0)
        stderr.seek(0)
        out, err = stdout.read().decode(), stderr.read().decode()
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, command))} failed ({child.returncode}):\n{err[-2000:]}")
    output = {}
    for line in out.splitlines():
        if line.startswith("{"):
            output.update(json.loads(line))
    return Run(seconds, usage.ru_maxrss / 1024, output)


def python(*arguments):
    """The command that runs the project's interpreter with ``arguments``."""
    return [sys.executable, *map(str, arguments)]


def best_of(command, times):
    """Run ``command`` ``times`` times; return a Run with the median seconds (wall and the
    child's own "seconds", if it printed one) and the largest peak memory."""
    runs = [run(command) for _ in range(times)]
    output = dict(runs[-1].output)
    if "seconds" in output:
        output["seconds"] = median(r.output["seconds"] for r in runs)
    return Run(median(r.seconds for r in runs), max(r.peak_mib for r in runs), output)
