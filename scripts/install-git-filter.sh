#!/usr/bin/env bash
# Install nbstripout as this checkout's git filter for notebooks, so that no output, execution
# count or kernel version JupyterLab saved ever reaches a commit (.gitattributes names the
# filter). Runs from `make setup`; idempotent; does nothing outside a git checkout.
# Usage: scripts/install-git-filter.sh PYTHON
set -u
python=${1:-.venv/bin/python}
git rev-parse --git-dir >/dev/null 2>&1 || exit 0
"$python" -m nbstripout --install --attributes .gitattributes >/dev/null || exit 0
# The same clean state as `make strip`: a bare language_info and no per-cell noise.
git config filter.nbstripout.extrakeys "metadata.language_info.codemirror_mode metadata.language_info.file_extension \
metadata.language_info.mimetype metadata.language_info.nbconvert_exporter metadata.language_info.pygments_lexer \
metadata.language_info.version metadata.widgets metadata.jupytext cell.metadata.jp-MarkdownHeadingCollapsed \
cell.metadata.editable cell.metadata.slideshow cell.metadata.papermill"
