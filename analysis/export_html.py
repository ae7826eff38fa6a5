"""Export an executed notebook as the report page: no code, no prompts, no foreign scripts.

The title and the contents are collected from the notebook by a preprocessor, as nbconvert
collects everything else, and reach the template in ``resources["outline"]``.
"""

import html
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analysis.schema import CARD_MIMETYPE, PROVENANCE_MIMETYPE, TABLE_MIMETYPE

if TYPE_CHECKING:  # nbconvert is imported when the first report is exported: it takes a second
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import Preprocessor
    from nbformat import NotebookNode

Outline = dict[str, Any]
"""The title, subtitle and headings collected from a notebook: see ``OutlinePreprocessor``."""

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "pct"
HIDDEN_CELL_TAGS = ("parameters", "injected-parameters", "remove-cell")

_CONTENT_TITLE = re.compile(r'<h1 class="title">(.*?)</h1>(?:\s*<p class="subtitle">(.*?)</p>)?', re.S)
_MARKDOWN_TITLE = re.compile(r"\A\s*#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*(?:\n|\Z)")
_TAG = re.compile(r"<[^>]+>")
_SCRIPT = re.compile(r"<script\b([^>]*)>.*?(?:</script\s*>|\Z)|<script\b[^>]*\Z", re.S | re.I)
_OFFLINE = re.compile(r"(?:^|\s)data-pct-offline(?=[\s=/]|$)", re.I)
_SOURCE = re.compile(r"(?:^|\s)src\s*=", re.I)


def _text(fragment: str) -> str:
    """Return the plain text of an HTML fragment."""
    return html.unescape(_TAG.sub("", fragment)).strip()


def drop_scripts(fragment: str) -> str:
    """Remove every script element except inline ones marked ``data-pct-offline``.

    The report runs no JavaScript and loads nothing, but for the offline bundle that makes
    a table searchable: inline, and marked as such by the code that adds it.
    """

    def keep(match: re.Match[str]) -> str:
        attributes = match.group(1)
        if attributes is not None and _OFFLINE.search(attributes) and not _SOURCE.search(attributes):
            return match.group(0)
        return ""

    return _SCRIPT.sub(keep, fragment)


def _heading_text(token: dict[str, Any]) -> str:
    """Return the plain text of a mistune heading token, as nbconvert's anchor sees it."""
    if "raw" in token:
        return token["raw"]
    return "".join(_heading_text(child) for child in token.get("children", ()))


def _preprocessor_class() -> type["Preprocessor"]:
    """Define the preprocessor where nbconvert is imported: the import takes a second."""
    import mistune
    from nbconvert.filters.strings import _convert_header_id  # the ids nbconvert gives headings
    from nbconvert.preprocessors import Preprocessor

    parse = mistune.create_markdown(renderer="ast")

    class OutlinePreprocessor(Preprocessor):
        """Take the title out of the notebook and list its markdown headings of levels 1 to 3.

        The title is a displayed ``<h1 class="title">`` (with its ``<p class="subtitle">``),
        else a level-1 heading that opens a markdown cell. Both move into the masthead, so
        they are removed from the cells. ``resources["outline"]`` gets ``title_html``,
        ``title_text``, ``subtitle_html`` (each None when the notebook has none) and
        ``entries``: dicts of level, id and text.
        """

        def preprocess(self, nb: "NotebookNode", resources: dict[str, Any]) -> tuple["NotebookNode", dict[str, Any]]:
            outline = {"title_html": None, "title_text": None, "subtitle_html": None, "entries": []}
            if not self._take_content_title(nb, outline):
                self._take_markdown_title(nb, outline)
            for cell in nb.cells:
                if cell.cell_type == "markdown":
                    for token in parse(cell.source):
                        if token["type"] == "heading" and token["attrs"]["level"] <= 3:
                            text = _heading_text(token).strip()
                            entry = {"level": token["attrs"]["level"], "id": _convert_header_id(text), "text": text}
                            outline["entries"].append(entry)
            resources["outline"] = outline
            return nb, resources

        @staticmethod
        def _take_content_title(nb: "NotebookNode", outline: Outline) -> bool:
            for cell in nb.cells:
                for output in cell.get("outputs", ()):
                    data = output.get("data", {})
                    found = _CONTENT_TITLE.search(data.get("text/html", ""))
                    if found:
                        page = data["text/html"]
                        data["text/html"] = page[: found.start()] + page[found.end() :]
                        outline.update(
                            title_html=found.group(1), title_text=_text(found.group(1)), subtitle_html=found.group(2)
                        )
                        return True
            return False

        @staticmethod
        def _take_markdown_title(nb: "NotebookNode", outline: Outline) -> bool:
            for cell in nb.cells:
                found = _MARKDOWN_TITLE.match(cell.source) if cell.cell_type == "markdown" else None
                if found:
                    cell.source = cell.source[found.end() :]
                    outline.update(title_html=html.escape(found.group(1)), title_text=found.group(1))
                    return True
            return False

    return OutlinePreprocessor


@cache
def exporter() -> "HTMLExporter":
    """Make the HTML exporter once per process: loading its templates is the slow part."""
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    # No JavaScript or widget views; the project's JSON outputs match, and show nothing. The
    # share card comes first: its output carries a PNG for JupyterLab that the page leaves out.
    config.NbConvertBase.display_data_priority = [
        CARD_MIMETYPE, "text/html", "text/markdown", "image/svg+xml", "image/png", "image/jpeg", "text/plain",
        TABLE_MIMETYPE, PROVENANCE_MIMETYPE,
    ]  # fmt: skip
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = HIDDEN_CELL_TAGS
    html_exporter = HTMLExporter(
        config=config,
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    html_exporter.register_preprocessor(_preprocessor_class(), enabled=True)
    html_exporter.register_filter("drop_scripts", drop_scripts)
    return html_exporter


def to_html(notebook: "NotebookNode", report: dict[str, Any]) -> tuple[str, Outline]:
    """Return the page and its outline; ``report`` holds title, kicker, subtitle and facts.

    The same notebook and report give the same bytes.
    """
    page, resources = exporter().from_notebook_node(notebook, resources={"report": report})
    return page, resources["outline"]
