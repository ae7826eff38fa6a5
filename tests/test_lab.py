"""Working in JupyterLab: the kernel's display hooks, `make lab`'s stamps and the git filter."""

import os
import shutil
import subprocess
import warnings

import pandas as pd
import pytest
from IPython.core.interactiveshell import InteractiveShell
from matplotlib import rc_context

from analysis import ipython
from analysis.fonts import cjk_family
from analysis.paths import PROJECT_ROOT

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture
def shell():
    shell = InteractiveShell.instance()
    ipython.install(shell)
    shell.run_cell(
        "import matplotlib\nmatplotlib.use('agg')\nimport matplotlib.pyplot as plt\n"
        "import seaborn as sns\nimport pandas as pd"
    )
    yield shell
    shell.run_cell("plt.close('all')")
    InteractiveShell.clear_instance()


def last_value(shell, cell):
    """Return what the cell's last expression hands to the display hook (None: nothing shown)."""
    result = shell.run_cell(cell)
    assert result.success, result.error_in_exec
    return result.result


@pytest.mark.parametrize(
    "cell",
    [
        "fig, ax = plt.subplots()\nax.set(title='Published', xlabel='year')",  # [Text(…), Text(…)]
        "plt.title('Published')",
        "sns.barplot(x=['a', 'b'], y=[1, 2])",
        "plt.bar(['a'], [1])",
        "sns.FacetGrid(pd.DataFrame({'x': [1, 2], 'c': ['a', 'b']}), col='c')",
    ],
)
def test_what_plotting_calls_return_is_not_displayed(shell, cell):
    assert last_value(shell, cell) is None


def test_other_values_are_displayed_as_before(shell):
    assert last_value(shell, "[1, 2, None]") == [1, 2, None]
    assert last_value(shell, "fig, ax = plt.subplots()\n(ax.get_title(), 3)") == ("", 3)
    assert last_value(shell, "x = 5") is None and last_value(shell, "x") == 5


def test_a_dataframe_is_displayed_as_a_report_table(shell):
    frame = last_value(
        shell, f"pd.DataFrame({{'applicant': [{HOSTILE!r}, 'B'], 'published': [1200, 3]}}).set_index('applicant')"
    )
    html = shell.display_formatter.format(frame)[0]["text/html"]
    assert html.startswith('<div class="pct-output"><style data-pct-lab>')
    assert '<table class="data">' in html and HOSTILE not in html
    assert "<td><bdi>&lt;script&gt;alert(1)&lt;/script&gt;</bdi></td>" in html  # the index is a column
    assert '<td class="num">1,200</td>' in html


def test_a_long_dataframe_shows_its_first_rows_and_says_so(shell):
    frame = pd.DataFrame({"published": range(500)})
    html = shell.display_formatter.format(frame)[0]["text/html"]
    limit = pd.get_option("display.max_rows")
    assert f"<caption>First {limit:,} of 500 rows</caption>" in html
    assert html.count("<tr>") == limit + 1  # the header row and the shown rows


def test_a_researchers_pyplot_figure_gets_the_cjk_fallback_before_it_is_shown(shell):
    with rc_context():
        shell.run_cell("sns.set_theme()\nfig, ax = plt.subplots()\nax.bar(['清华大学', 'MIT'], [3, 2])")
        figure = shell.user_ns["fig"]
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a missing glyph would fail here
            figure.canvas.draw()
    assert cjk_family() in figure.axes[0].get_xticklabels()[0].get_fontfamily()


# make lab --------------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path):
    """A copy of the Makefile with stamps newer than the files they stand for, and a fake jupyter."""
    for name in ("Makefile", "pyproject.toml", "requirements.lock"):
        shutil.copy(PROJECT_ROOT / name, tmp_path / name)
    jupyter = tmp_path / ".venv-lab" / "bin" / "jupyter"
    jupyter.parent.mkdir(parents=True)
    jupyter.write_text('#!/bin/sh\necho "jupyter $* JUPYTER_PATH=$JUPYTER_PATH"\n')
    jupyter.chmod(0o755)
    stamps = [".venv/.installed", ".venv-lab/.installed", ".venv-lab/share/jupyter/kernels/python3/kernel.json"]
    for stamp in stamps:
        (tmp_path / stamp).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / stamp).touch()
    past = (tmp_path / stamps[0]).stat().st_mtime - 60
    for name in ("Makefile", "pyproject.toml", "requirements.lock"):
        os.utime(tmp_path / name, (past, past))
    return tmp_path


def make(project, *arguments):
    """Run make in the copy, never with the outer make's flags and variables: a `make VENV=...
    test` would hand them down through MAKEFLAGS, and the copy's `make lab` would then
    reinstall the real .venv from the copy."""
    environment = {key: value for key, value in os.environ.items() if key not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}}
    return subprocess.run(
        ["make", "--no-print-directory", *arguments],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
        env=environment,
    ).stdout


def test_make_lab_only_starts_lab_when_nothing_changed(project):
    output = make(project, "lab")
    assert "pip" not in output and "ipykernel install" not in output
    started = output.strip().splitlines()[-1]
    assert started.startswith("jupyter lab ")
    assert f"--ServerApp.root_dir={project}" in started  # the project's root, not notebooks/
    assert ("--allow-root" in started) == (os.getuid() == 0)
    assert started.endswith(f"JUPYTER_PATH={project}/.venv-lab/share/jupyter")  # where its python3 kernel is
    assert (project / "scratch").is_dir()


def test_make_lab_reinstalls_lab_and_the_kernel_when_the_pins_change(project):
    later = (project / ".venv" / ".installed").stat().st_mtime + 60  # file times may be coarser than a test
    os.utime(project / "pyproject.toml", (later, later))
    planned = make(project, "-n", "lab")
    lab_install = next(line for line in planned.splitlines() if ".venv-lab/bin/python -m pip install" in line)
    assert "-e" not in lab_install.split() and "optional-dependencies']['lab']" in planned  # the lab extra's pins only
    assert 'ipykernel install --prefix .venv-lab --name python3 --display-name "Python 3 (ipykernel)"' in planned


def test_the_lab_extra_pins_lab_and_jupytext_only():
    import tomllib

    extras = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert [pin.split("==")[0] for pin in extras["lab"]] == ["jupyterlab", "jupytext"]


# git -------------------------------------------------------------------------------------


def run(command, cwd):
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)


def test_the_git_filter_is_installed_once_and_only_in_a_checkout(tmp_path):
    script = PROJECT_ROOT / "scripts" / "install-git-filter.sh"
    python = str(PROJECT_ROOT / ".venv" / "bin" / "python")
    assert run(["bash", str(script), python], tmp_path).returncode == 0  # no checkout: nothing to do
    assert not (tmp_path / ".gitattributes").exists()
    run(["git", "init", "-q"], tmp_path)
    shutil.copy(PROJECT_ROOT / ".gitattributes", tmp_path / ".gitattributes")
    for _ in range(2):
        assert run(["bash", str(script), python], tmp_path).returncode == 0
    assert (tmp_path / ".gitattributes").read_text() == (PROJECT_ROOT / ".gitattributes").read_text()
    assert "-m nbstripout" in run(["git", "config", "filter.nbstripout.clean"], tmp_path).stdout
    assert "metadata.language_info.version" in run(["git", "config", "filter.nbstripout.extrakeys"], tmp_path).stdout


def test_the_filter_strips_outputs_from_what_is_committed(tmp_path):
    import nbformat

    script = PROJECT_ROOT / "scripts" / "install-git-filter.sh"
    run(["git", "init", "-q"], tmp_path)
    shutil.copy(PROJECT_ROOT / ".gitattributes", tmp_path / ".gitattributes")
    run(["bash", str(script), str(PROJECT_ROOT / ".venv" / "bin" / "python")], tmp_path)
    cell = nbformat.v4.new_code_cell(
        "1 + 1",
        execution_count=3,
        outputs=[nbformat.v4.new_output("execute_result", {"text/plain": "2"}, execution_count=3)],
    )
    notebook = nbformat.v4.new_notebook(
        cells=[cell], metadata={"language_info": {"name": "python", "version": "3.11.7"}}
    )
    nbformat.write(notebook, tmp_path / "autosaved.ipynb")
    run(["git", "add", "autosaved.ipynb"], tmp_path)
    committed = nbformat.reads(run(["git", "show", ":autosaved.ipynb"], tmp_path).stdout, as_version=4)
    assert committed.cells[0].outputs == [] and committed.cells[0].execution_count is None
    assert committed.metadata.language_info == {"name": "python"}


@pytest.mark.parametrize("path", ["scratch/Untitled.ipynb", "notebooks/Untitled.ipynb", "Untitled1.ipynb"])
def test_scratch_notebooks_are_ignored_by_git(path):
    assert run(["git", "check-ignore", "-q", path], PROJECT_ROOT).returncode == 0
