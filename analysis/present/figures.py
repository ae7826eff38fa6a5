"""Charts as embedded PNGs with their alt text and caption, the same bytes for the same chart.

Any matplotlib or seaborn chart goes into the report through here, so that none reaches it
without the words that say what it shows.
"""

import base64
import io
import sys
from collections.abc import Iterable
from html import escape
from typing import TYPE_CHECKING

from analysis.markup import text_html
from analysis.present.output import Output

if TYPE_CHECKING:  # matplotlib is imported when a chart is shown, not with every report
    from matplotlib.figure import Figure

PNG_DPI = 200
"""Sharp in print at A4 width; fixed so that the same figure always gives the same bytes."""

_NEEDS = {
    "alt": "a sentence saying what the chart shows, for readers who cannot see it",
    "caption": "the chart's title as the report shows it under the image",
}


def _root_figure(chart: object) -> "Figure":
    """Return the matplotlib Figure that a Figure, SubFigure, Axes or seaborn grid belongs to."""
    from matplotlib.figure import FigureBase

    if isinstance(chart, (list, tuple)) or type(chart).__name__ == "ndarray":
        chart = next(iter(getattr(chart, "flat", chart)), None)  # plt.subplots()'s axes
    figure = chart if isinstance(chart, FigureBase) else getattr(chart, "figure", None)
    if not isinstance(figure, FigureBase):
        raise TypeError(
            f"present.figure shows a matplotlib or seaborn Figure, Axes or grid, not {type(chart).__name__}"
        )
    return figure.get_figure(root=True)


def figure(chart: object, alt: str | None = None, caption: str | None = None, names: Iterable[str] = ()) -> Output:
    """Show a chart as an embedded PNG with its alt text and caption, then close it.

    ``chart`` is a matplotlib Figure or Axes, or a seaborn grid (FacetGrid, PairGrid,
    JointGrid). ``alt`` says what the chart shows for readers who cannot see it and
    ``caption`` titles it in the report; both are required. ``names`` are isolated and
    shortened where the caption mentions them.
    """
    for argument, value in (("alt", alt), ("caption", caption)):
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f'present.figure needs {argument}="…": {_NEEDS[argument]}')
    from analysis.fonts import add_cjk_fallback

    fig = add_cjk_fallback(_root_figure(chart))
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=PNG_DPI, metadata={"Software": None})
    # Only pyplot's figures are shown again by the inline backend, and only once pyplot is
    # loaded; importing it here would cost every report a quarter of a second.
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close(fig)
    source = base64.b64encode(buffer.getvalue()).decode("ascii")
    html = (
        f'<figure class="chart"><img alt="{escape(alt)}" src="data:image/png;base64,{source}">'
        f"<figcaption>{text_html(caption, names)}</figcaption></figure>"
    )
    return Output(html, caption)
