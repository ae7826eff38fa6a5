"""Keep the report templates reviewable: one kernel, no outputs, a jupytext twin each.

``python -m analysis.notebooks`` (``make strip``) rewrites each registered template the way
it is committed: the project's one kernelspec (``python3``, the kernel that Lab, papermill
and ``pct-report build`` all run), a bare ``language_info``, no outputs or execution
counts, cell metadata reduced to tags (papermill finds the parameters cell by its tag),
numbered cell ids; then its percent-format ``.py`` twin. The git filter (nbstripout,
installed by ``make setup``) does the same to whatever JupyterLab autosaved.
"""

import sys
from collections.abc import Iterable
from pathlib import Path

import nbformat

from analysis.paths import NOTEBOOKS_DIR
from analysis.reports import KINDS

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
LANGUAGE_INFO = {"name": "python"}
TWIN_FORMAT = "py:percent"


def template_paths() -> list[Path]:
    """Return the registered report templates; scratch notebooks and Untitled.ipynb are not among them."""
    return [NOTEBOOKS_DIR / kind.notebook for kind in KINDS.values()]


def twin_path(template: Path) -> Path:
    """Return the jupytext twin of a template: the same name with ``.py``."""
    return template.with_suffix(".py")


def normalise(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return ``notebook`` as it is committed (see the module's docstring); changes it in place."""
    notebook.metadata = nbformat.from_dict({"kernelspec": dict(KERNELSPEC), "language_info": dict(LANGUAGE_INFO)})
    notebook.nbformat, notebook.nbformat_minor = 4, 5
    for number, cell in enumerate(notebook.cells):
        cell.id = str(number)
        cell.metadata = nbformat.from_dict({"tags": cell.metadata["tags"]} if cell.metadata.get("tags") else {})
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return notebook


def twin_text(notebook: nbformat.NotebookNode) -> str:
    """Return the percent-format script of ``notebook`` with the project's jupytext settings."""
    import jupytext
    from jupytext.config import load_jupytext_configuration_file

    config = load_jupytext_configuration_file(str(NOTEBOOKS_DIR / "jupytext.toml"))
    return jupytext.writes(notebook, fmt=TWIN_FORMAT, config=config)


def main(paths: Iterable[Path]) -> None:
    """Normalise each template and write its twin; a newer twin's edits are taken in first."""
    import jupytext

    for path in paths:
        notebook = nbformat.read(path, as_version=4)
        twin = twin_path(path)
        if twin.exists() and twin.stat().st_mtime > path.stat().st_mtime:
            # Someone edited the script: its cells win, the notebook keeps its metadata.
            edited = jupytext.read(twin, fmt=TWIN_FORMAT)
            notebook.cells = edited.cells
        nbformat.write(normalise(notebook), path)
        twin.write_text(twin_text(notebook), encoding="utf-8")
        print(f"normalised {path.relative_to(NOTEBOOKS_DIR.parent)} and {twin.name}")


if __name__ == "__main__":
    main([NOTEBOOKS_DIR / name for name in sys.argv[1:]] or template_paths())
