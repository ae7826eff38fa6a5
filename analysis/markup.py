"""HTML pieces every output shares: isolated, shortened names and the scoped stylesheet.

A name is wrapped in ``<bdi>``, so that a right-to-left override in it never reorders the
words around it, and shortened past ``NAME_LIMIT`` characters with an ellipsis and the full
name as a tooltip: a table cell holding a 5,000-character name takes weasyprint minutes to
lay out, a shortened one no time at all.
"""

import re
from collections.abc import Iterable
from functools import cache
from html import escape
from pathlib import Path

STYLESHEET = Path(__file__).resolve().parent / "templates" / "pct" / "report.css"

NAME_LIMIT = 120
"""Characters of a name shown in a table cell, heading or sentence before an ellipsis."""

_OUTPUT_RULES = re.compile(r"/\* present: outputs \*/(.*?)/\* end of present's outputs \*/", re.DOTALL)
_ROOT_VARIABLES = re.compile(r":root\s*\{(.*?)\}", re.DOTALL)
_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)


@cache
def scoped_style() -> str:
    """Return report.css's rules for present's outputs, nested under ``.pct-output``.

    One stylesheet for the report and for JupyterLab, which does not load report.css;
    screen only, so that the report's print rules stay in charge of the PDF.
    """
    css = STYLESHEET.read_text(encoding="utf-8")
    rules = _OUTPUT_RULES.search(css).group(1)
    # :is() with an id counts as an id: the rules outrank JupyterLab's own table styles
    # (``:not(.jp-RenderedMarkdown).jp-RenderedHTMLCommon td`` aligns every cell right).
    nested = f":is(.pct-output, #pct-output){{{_ROOT_VARIABLES.search(css).group(1)}{rules}}}"
    return "@media screen{" + " ".join(_COMMENT.sub("", nested).split()) + "}"


def boxed(html: str) -> str:
    """Wrap an output's HTML in its ``.pct-output`` box with the scoped styles."""
    return f'<div class="pct-output"><style data-pct-lab>{scoped_style()}</style>{html}</div>'


def shorten(name: object, limit: int = NAME_LIMIT) -> str:
    """Return ``name`` cut to ``limit`` characters, the last an ellipsis, when longer."""
    name = str(name)
    return name if len(name) <= limit else name[: limit - 1] + "…"


def name_html(name: object, limit: int = NAME_LIMIT) -> str:
    """Return a name as escaped HTML, isolated for bidirectional text and cut to ``limit``.

    A shortened name carries the full name as its tooltip.
    """
    shown = shorten(name, limit)
    tooltip = "" if shown == str(name) else f' title="{escape(str(name))}"'
    return f"<bdi{tooltip}>{escape(shown)}</bdi>"


def text_html(text: str, names: Iterable[str | None] = ()) -> str:
    """Escape ``text``, isolating and shortening each of ``names`` where it occurs."""
    names = sorted({str(name) for name in names if name}, key=len, reverse=True)
    if not names:
        return escape(text)
    pattern = re.compile("|".join(re.escape(name) for name in names))
    parts, start = [], 0
    for found in pattern.finditer(text):
        parts += [escape(text[start : found.start()]), name_html(found.group())]
        start = found.end()
    return "".join(parts) + escape(text[start:])
