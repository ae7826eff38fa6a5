"""Make a notebook show what the report will: installed when analysis.present is imported in a kernel.

- What a plotting call returns (``[Text(0.5, 1.0, 'Title')]``, ``<Axes: …>``, a seaborn
  FacetGrid) is not displayed: it would reach the report as stray text. Only a cell's
  last expression is displayed, so only it is passed through ``shown``.
- A DataFrame is displayed as a report table: escaped, names isolated, the report's look.
- Figures that pyplot's inline backend shows get the CJK fallback, whatever theme the
  notebook set, so Chinese, Japanese and Korean names are drawn in researchers' own charts.
"""

import ast
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # a kernel has both; the command line imports neither
    import pandas as pd
    from IPython.core.interactiveshell import InteractiveShell

PLOT_TYPES = (
    ("matplotlib.artist", "Artist"),
    ("matplotlib.container", "Container"),
    ("seaborn.axisgrid", "Grid"),
)
"""Return values of plotting calls: artists (Axes, Text, Line2D…), bar containers, seaborn grids."""


def _is_plot_object(value: object) -> bool:
    for module, name in PLOT_TYPES:
        cls = getattr(sys.modules.get(module), name, None)
        if cls is not None and isinstance(value, cls):
            return True
    return False


def is_plot_return(value: object) -> bool:
    """Tell whether ``value`` is what a plotting call returns: plot objects, or a list of them (and Nones)."""
    if isinstance(value, (list, tuple)):
        items = [item for item in value if item is not None]
        return bool(items) and all(is_plot_return(item) for item in items)
    return _is_plot_object(value)


def shown(value: object) -> object:
    """Return ``value`` for display, or None (nothing displayed) for a plotting call's return value."""
    return None if is_plot_return(value) else value


class HidePlotReturns(ast.NodeTransformer):
    """Pass a cell's last expression through ``shown``: ``ax.set(title="T")`` displays nothing.

    An AST transformer rather than a display formatter: a formatter cannot decline a
    list, and a list of Text objects is the most common stray output.
    """

    def visit_Module(self, node: ast.Module) -> ast.Module:
        if node.body and isinstance(node.body[-1], ast.Expr):
            last = node.body[-1]
            call = ast.parse("__import__('analysis.ipython', fromlist=['shown']).shown(None)", mode="eval").body
            call.args = [last.value]
            last.value = ast.copy_location(call, last.value)
            ast.fix_missing_locations(node)
        return node


def dataframe_html(df: "pd.DataFrame") -> str:
    """Return a DataFrame as a report table: the first ``display.max_rows`` rows, index as columns.

    An unnamed integer index only numbers the rows and is left out, as in the report.
    """
    import pandas as pd

    from analysis.markup import boxed
    from analysis.present.tables import table_html

    if not df.columns.is_unique:
        return df._repr_html_()  # a report table needs one column per name
    limit = pd.get_option("display.max_rows")
    numbered = df.index.name is None and pd.api.types.is_integer_dtype(df.index)
    rows = df if numbered else df.reset_index()
    caption = f"First {limit:,} of {len(df):,} rows" if len(df) > limit else ""
    return boxed(table_html(rows.head(limit), caption))


def add_cjk_to_pyplot_figures() -> None:
    """Give every open pyplot figure the CJK fallback before the inline backend shows it."""
    if "matplotlib.pyplot" not in sys.modules:
        return
    from matplotlib._pylab_helpers import Gcf

    from analysis.fonts import add_cjk_fallback

    for manager in Gcf.get_all_fig_managers():
        add_cjk_fallback(manager.canvas.figure)


def install(shell: "InteractiveShell | None" = None) -> None:
    """Install the transformer, the DataFrame formatter and the figure hook in ``shell``, once."""
    if shell is None:
        from IPython import get_ipython

        shell = get_ipython()
    if shell is None or getattr(shell, "_pct_display_installed", False):
        return
    import pandas as pd

    shell.ast_transformers.append(HidePlotReturns())
    shell.display_formatter.formatters["text/html"].for_type(pd.DataFrame, dataframe_html)
    # First, so that it runs before the inline backend's own post_execute hook shows the figures.
    shell.events.callbacks["post_execute"].insert(0, add_cjk_to_pyplot_figures)
    shell._pct_display_installed = True
