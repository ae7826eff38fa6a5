"""Swapping a finished report in: killed at any step, run twice at once, or left behind."""

import errno
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import analysis.atomic as atomic
from analysis.render import ReportJob

pytestmark = pytest.mark.slow  # executes notebooks

ROOT = Path(__file__).parent.parent
NOTEBOOKS = Path(__file__).parent / "fixtures" / "notebooks"
FILES = ("report.html", "report.pdf", "manifest.json")


def make_report(folder, version):
    """A stand-in report: every file names its version, so a mixture would show."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        (folder / name).write_text(version, encoding="utf-8")
    return folder


def version_of(folder):
    """Return the version of the complete report in ``folder``; fail on a partial or mixed one."""
    versions = {(folder / name).read_text(encoding="utf-8") for name in FILES}
    assert len(versions) == 1, versions
    return versions.pop()


def leftovers(parent):
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(".") and not p.name.endswith(".lock"))


def python(script, *args, **kwargs):
    """Start ``script`` in a new interpreter in the project, its stdout a pipe."""
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script), *map(str, args)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        **kwargs,
    )


PAUSED_PUBLISH = """
    import sys, time
    from pathlib import Path
    from analysis import atomic

    def pause(step):
        if step == sys.argv[3]:
            print(step, flush=True)
            time.sleep(600)

    atomic.step_hook = pause
    staging, folder = Path(sys.argv[1]), Path(sys.argv[2])
    with atomic.report_lock(folder):
        atomic.publish(staging, folder)
"""


@pytest.mark.parametrize("step", ["staged", "exchanged"])
def test_a_build_killed_during_the_swap_leaves_one_complete_report(tmp_path, step):
    folder = make_report(tmp_path / "2018" / "report", "old")
    staging = make_report(folder.with_name(".report.99999.abcd"), "new")
    process = python(PAUSED_PUBLISH, staging, folder, step)
    assert process.stdout.readline().strip() == step
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert version_of(folder) == {"staged": "old", "exchanged": "new"}[step]
    assert leftovers(folder.parent)  # the staging folder, holding the new or the old report
    atomic.clean_leftovers(folder.parent)
    assert leftovers(folder.parent) == []
    assert version_of(folder) == {"staged": "old", "exchanged": "new"}[step]


def test_leftovers_of_a_running_build_are_kept(tmp_path):
    folder = make_report(tmp_path / "2018" / "report", "old")
    staging = make_report(folder.with_name(".report.99999.abcd"), "new")
    process = python(PAUSED_PUBLISH, staging, folder, "staged")
    assert process.stdout.readline().strip() == "staged"  # it holds the report's lock
    atomic.clean_leftovers(folder.parent)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert version_of(staging) == "new"


def test_without_an_exchange_the_name_becomes_a_link_swapped_in_one_step(tmp_path, monkeypatch):
    def unsupported(first, second):
        raise OSError(errno.EINVAL, "no exchange here")

    monkeypatch.setattr(atomic, "_exchange", unsupported)
    folder = make_report(tmp_path / "report", "v1")
    for version in ("v2", "v3"):
        with atomic.report_lock(folder):
            staging = make_report(atomic.new_staging(folder), version)
            atomic.publish(staging, folder)
        assert folder.is_symlink() and version_of(folder) == version
    atomic.clean_leftovers(tmp_path)
    assert leftovers(tmp_path) == [os.readlink(folder)]  # the report the name points to


def test_a_report_replaces_the_old_one_and_leaves_nothing_behind(tmp_path):
    folder = make_report(tmp_path / "report", "old")
    with atomic.report_lock(folder):
        atomic.publish(make_report(atomic.new_staging(folder), "new"), folder)
    assert version_of(folder) == "new" and leftovers(tmp_path) == []


RENDER = """
    import sys
    from analysis.render import ReportJob, render_report

    outcome = render_report(ReportJob("institution", 2018, "Example University"), sys.argv[1], sys.argv[2])
    print(outcome.folder, flush=True)
"""


def test_two_builds_of_one_report_at_once_both_succeed(tmp_path):
    slug = ReportJob("institution", 2018, "Example University").slug
    make_report(tmp_path / "2018" / f".{slug}.4000000.dead", "left by a killed build")
    builds = [python(RENDER, tmp_path, NOTEBOOKS) for _ in range(2)]
    folders = {process.communicate()[0].strip() for process in builds}
    assert [process.returncode for process in builds] == [0, 0]
    (folder,) = map(Path, folders)
    for name in ("report.html", "report.pdf", "report.ipynb", "tables.xlsx", "manifest.json"):
        assert (folder / name).is_file()
    assert json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["report"]["title"] == "Example University"
    assert leftovers(folder.parent) == []


WORKER = """
    import time
    from analysis.build import worker_pool

    pool = worker_pool(1)
    print(pool.submit(__import__("os").getpid).result(), flush=True)
    pool.submit(time.sleep, 600)
    time.sleep(600)
"""


def alive(pid):
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


def test_workers_die_when_their_parent_is_killed():
    parent = python(WORKER)
    worker = int(parent.stdout.readline())
    assert alive(worker)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 60  # a bound on waiting, not on speed
    while alive(worker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(worker)


def test_partial_files_of_dead_writers_are_deleted_and_a_live_one_kept(tmp_path):
    dead = tmp_path / ".index.html.4000000.ab12.partial"
    live = tmp_path / f".index.html.{os.getpid()}.cd34.partial"
    for path in (dead, live):
        path.write_text("half", encoding="utf-8")
    atomic.clean_partials(tmp_path)
    assert not dead.exists() and live.exists()
