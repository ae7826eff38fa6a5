"""What every ``present`` call returns: one displayed result, as Jupyter and the renderer read it.

The HTML is shown in its ``.pct-output`` box with the report's scoped styles, so that it
looks in JupyterLab as in the report; the JSON data by mimetype is what the renderer
writes out as CSV, XLSX and the manifest.
"""

from collections.abc import Container
from dataclasses import dataclass, field

from analysis.markup import boxed


@dataclass(frozen=True)
class Output:
    """One displayed result: escaped HTML, a plain-text fallback, and JSON data by mimetype."""

    html: str
    text: str
    data: dict[str, object] = field(default_factory=dict)

    def _repr_mimebundle_(
        self, include: Container[str] | None = None, exclude: Container[str] | None = None
    ) -> dict[str, object]:
        return {"text/html": boxed(self.html), "text/plain": self.text, **self.data}
