# Self-documenting: `make help` lists every target with its ## comment.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
LAB_VENV := .venv-lab
STAMP := $(VENV)/.installed
LAB_STAMP := $(LAB_VENV)/.installed
# The project's .venv as the lab's `python3` kernel: the templates' kernelspec names it.
KERNEL := $(LAB_VENV)/share/jupyter/kernels/python3/kernel.json
DEMO := data/demo/pct_publications.parquet

.PHONY: help setup data report test test-fast lint format bench lab scratch strip browser-check lock clean

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements.lock
	@command -v python3 >/dev/null || { echo "python3 (3.11+) is needed: apt-get install python3 python3-venv"; exit 1; }
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e '.[dev]'
	@bash scripts/install-debian-packages.sh
	@bash scripts/install-git-filter.sh $(PY)
	@touch $(STAMP)

setup: $(STAMP) ## Create .venv with the pinned packages (and, as root, the Debian packages the reports need)

DEMO_INPUTS := $(wildcard scripts/demo/*.py) analysis/published.py data/published/wipo_published_figures.csv data/mappings/ipc_technology_concordance.csv

$(DEMO): $(DEMO_INPUTS) | $(STAMP)
	$(PY) -m scripts.demo --output $(DEMO)

data: $(DEMO) ## Generate the demo data when it is missing or out of date

report: $(STAMP) $(DEMO) ## Render the default reports (2018, Dalian University of Technology)
	$(PY) -m analysis build --year 2018 --institution "Dalian University of Technology" --annual

test: $(STAMP) $(DEMO) ## Run the whole test suite
	$(PY) -m pytest

# test-fast needs no demo data (the tests that read it are slow) and runs each Hypothesis
# property with the "fast" profile's few examples (tests/conftest.py), on every core
# (pytest-xdist), each worker's DuckDB on one thread; `make test` runs all, one test after another.
test-fast: $(STAMP) ## Run the tests that execute no notebook and need no demo data, on every core
	PCT_HYPOTHESIS_PROFILE=fast PCT_DUCKDB_THREADS=1 $(PY) -m pytest -m "not slow" -n auto

lint: $(STAMP) ## Check the code with ruff (lint and format), as CI does
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(STAMP) ## Format the code and fix what ruff can fix
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

bench: $(STAMP) ## Run the benchmarks and write benchmarks/RESULTS.md
	$(PY) -m benchmarks

# JupyterLab in its own venv with only the `lab` extra's pins (no `-e .`): one copy of the
# project's stack, in .venv, which the lab runs as its kernel.
$(LAB_STAMP): pyproject.toml requirements.lock
	test -x $(LAB_VENV)/bin/python || python3 -m venv $(LAB_VENV)
	$(LAB_VENV)/bin/python -m pip install --quiet -c requirements.lock \
	  $$(python3 -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['project']['optional-dependencies']['lab'])")
	@touch $(LAB_STAMP)

$(KERNEL): $(STAMP) $(LAB_STAMP)
	$(PY) -m ipykernel install --prefix $(LAB_VENV) --name python3 --display-name "Python 3 (ipykernel)"

scratch: ## Create scratch/, where new notebooks go (git and the template tests ignore it)
	@mkdir -p scratch

lab: $(KERNEL) scratch ## Open JupyterLab at the project's root, running notebooks on the project's .venv
	JUPYTER_PATH=$(CURDIR)/$(LAB_VENV)/share/jupyter $(LAB_VENV)/bin/jupyter lab --ServerApp.root_dir=$(CURDIR) \
	  $$([ "$$(id -u)" = 0 ] && echo --allow-root)

strip: $(STAMP) ## Normalise the notebook templates (no outputs, one kernelspec) and write their .py twins
	$(PY) -m analysis.notebooks

browser-check: $(KERNEL) $(DEMO) ## Open a template in JupyterLab and the reports in headless Chromium (installs Debian's chromium)
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq chromium; } || { echo "install Debian's chromium: apt-get install chromium"; exit 1; }
	$(PY) scripts/lab_browser_check.py
	@for page in reports/[0-9]*/*/report.html; do $(PY) scripts/lab_browser_check.py --report "$$page" || exit 1; done

lock: ## Re-pin every transitive package into requirements.lock from a fresh venv
	rm -rf /tmp/pct-lock && python3 -m venv /tmp/pct-lock
	/tmp/pct-lock/bin/pip install --quiet -e '.[dev]'
	/tmp/pct-lock/bin/pip freeze --exclude-editable | grep -v '^pct-rankings' > requirements.lock

clean: ## Remove rendered reports, caches and the generated demo data (never data/published or mappings)
	rm -rf reports/[0-9]* reports/_failed reports/index.html reports/.index.html.*.partial .cache data/demo benchmarks/work
