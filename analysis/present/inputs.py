"""How the report was made, shown at its end and carried as JSON for the manifest.

The inputs with their SHA-256 checksums, and the counting and ranking rules; the renderer
adds the notebook's parameters from papermill's record of them.
"""

from html import escape
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING

from analysis.hashing import display_path
from analysis.present.output import Output
from analysis.schema import COUNTING_DESCRIPTIONS, PROVENANCE_MIMETYPE, RANKING_DESCRIPTION

if TYPE_CHECKING:
    from analysis.dataset import Dataset


def shown_path(path: str | PathLike[str]) -> str:
    """Return an absolute ``path`` relative to the project, or only its name outside it.

    Absolute paths of temporary folders would make two builds of the same report differ;
    relative paths are shown as given.
    """
    shown = Path(display_path(path)) if Path(path).is_absolute() else Path(path)
    return shown.name if shown.is_absolute() else shown.as_posix()


def provenance(dataset: "Dataset") -> Output:
    """Show the inputs and the counting and ranking rules, and carry them as JSON for the manifest."""
    inputs = [
        {"path": shown_path(item.path), "sha256": item.sha256, **({"format": item.format} if item.format else {})}
        for item in dataset.inputs
    ]
    counting = dataset.counting
    inputs_html = "".join(
        f"<li><code>{escape(item['path'])}</code>{escape(' (' + item['format'] + ')') if 'format' in item else ''}"
        f'<br><span class="checksum">SHA-256 <code>{escape(item["sha256"])}</code></span></li>'
        for item in inputs
    )
    html = (
        '<dl class="provenance">'
        f"<dt>Counting rule</dt><dd>{escape(counting)}: {escape(COUNTING_DESCRIPTIONS[counting])}</dd>"
        f"<dt>Ranking rule</dt><dd>{escape(RANKING_DESCRIPTION[0].upper() + RANKING_DESCRIPTION[1:])}</dd>"
        f"<dt>Inputs</dt><dd><ul>{inputs_html}</ul></dd>"
        "</dl>"
    )
    data = {"inputs": inputs, "counting": counting}
    text = f"Counting: {counting}; inputs: " + ", ".join(item["path"] for item in inputs)
    return Output(html, text, {PROVENANCE_MIMETYPE: data})
