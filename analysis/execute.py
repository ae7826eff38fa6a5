"""Execute a report's notebook with papermill, within a time limit for the whole report."""

import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from analysis.errors import ReportError
from analysis.paths import PROJECT_ROOT

if TYPE_CHECKING:  # nbformat is imported with papermill, when a report is executed
    from nbformat import NotebookNode

DEFAULT_TIMEOUT = 600
"""Seconds a report may take to execute, all cells together."""


def execute(
    template: Path, output: Path, parameters: dict[str, object], timeout: float = DEFAULT_TIMEOUT
) -> "NotebookNode":
    """Execute ``template`` with ``parameters`` into ``output``; return the executed notebook.

    Papermill's limit applies to each cell; each cell is also given only what is left of
    ``timeout`` seconds, so that the whole report is bounded too. Papermill writes the
    executed notebook to ``output`` even when a cell fails. A parameter with a value that
    the notebook does not take is refused.
    """
    import papermill
    from nbclient.exceptions import CellTimeoutError

    if not template.is_file():
        raise ReportError(f"notebook template {template} does not exist")
    # papermill only warns about a parameter the notebook lacks, and the value is then ignored
    taken = papermill.inspect_notebook(template)
    unknown = [name for name, value in parameters.items() if value is not None and name not in taken]
    if unknown:
        raise ReportError(f"notebook template {template.name} takes no parameter {', '.join(unknown)}")
    deadline = time.monotonic() + timeout

    def time_left(cell: "NotebookNode") -> float:
        # nbclient reads 0 as "no limit"
        return max(deadline - time.monotonic(), 0.01)

    try:
        return papermill.execute_notebook(
            template,
            output,
            parameters=parameters,
            kernel_name="python3",
            # The project root, so that `import analysis` works without installing the package.
            cwd=str(PROJECT_ROOT),
            progress_bar=False,
            execution_timeout=timeout,
            timeout_func=time_left,
            # A polite shutdown sometimes waits seconds for a kernel that ignores it.
            shutdown_kernel="immediate",
            # The kernel warns on stderr of every run that local TCP is unencrypted.
            extra_arguments=["--IPKernelApp.log_level=ERROR"],
        )
    except CellTimeoutError:
        raise ReportError(f"the notebook ran longer than the time limit of {timeout:g} s (--timeout)") from None


def recorded_parameters(notebook: "NotebookNode") -> dict[str, object]:
    """Return the parameters papermill injected, as it recorded them in the notebook."""
    return dict(notebook.metadata.get("papermill", {}).get("parameters", {}))


def bundles(notebook: "NotebookNode", mimetype: str) -> Iterator[dict[str, object]]:
    """Yield every output that has ``mimetype`` with all its representations, in notebook order."""
    for cell in notebook.cells:
        for output in cell.get("outputs", ()):
            if mimetype in output.get("data", {}):
                yield output["data"]


def outputs(notebook: "NotebookNode", mimetype: str) -> Iterator[object]:
    """Yield the data of every output of ``mimetype``, in notebook order."""
    return (bundle[mimetype] for bundle in bundles(notebook, mimetype))
