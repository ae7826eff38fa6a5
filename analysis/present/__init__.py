"""How the report notebooks show tables, figures and sentences: as escaped HTML.

pandas' Styler and IPython's Markdown pass HTML through, so an applicant named
``<script>`` would run in the report; everything shown through ``present`` escapes every
value it shows. Tables and the provenance also carry a JSON copy of their data
(``application/vnd.pct.*``) that the renderer writes out as CSV, XLSX and the manifest.

This is the one namespace a notebook imports (``present.table``, ``present.figure`` …);
each job lives in a module of its own: ``values`` (how a value reads), ``headers`` (which
columns, under which headers), ``output`` (the displayed result), ``tables``, ``figures``,
``text``, ``cards`` (key figures) and ``inputs`` (provenance). Imported in a kernel, this
package installs ``analysis.ipython``'s display hooks (no stray plot return values,
DataFrames as tables).
"""

import sys

from analysis.present.cards import key_figures
from analysis.present.figures import figure
from analysis.present.headers import movers_columns, ranking_columns
from analysis.present.inputs import provenance, shown_path
from analysis.present.output import Output
from analysis.present.tables import searchable_table, table
from analysis.present.text import note, paragraphs, title
from analysis.schema import PROVENANCE_MIMETYPE, TABLE_MIMETYPE

__all__ = [
    "PROVENANCE_MIMETYPE",
    "TABLE_MIMETYPE",
    "Output",
    "figure",
    "key_figures",
    "movers_columns",
    "note",
    "paragraphs",
    "provenance",
    "ranking_columns",
    "searchable_table",
    "shown_path",
    "table",
    "title",
]

if "IPython" in sys.modules:  # a kernel, or an IPython shell; never the command line
    __import__("analysis.ipython").ipython.install()
