# Self-documenting: `make help` lists every target with its ## comment.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
LAB_VENV := .venv-lab
STAMP := $(VENV)/.installed
DEMO := data/demo/pct_publications.parquet

.PHONY: help setup data report test test-fast bench lab strip lock clean

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements.lock
	@command -v python3 >/dev/null || { echo "python3 (3.11+) is needed: apt-get install python3 python3-venv"; exit 1; }
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e '.[dev]'
	@bash scripts/install-debian-packages.sh
	@touch $(STAMP)

setup: $(STAMP) ## Create .venv with the pinned packages (and, as root, the Debian packages the reports need)

$(DEMO): analysis/demo.py data/published/wipo_published_figures.csv | $(STAMP)
	$(PY) -m analysis demo --output $(DEMO)

data: $(DEMO) ## Generate the demo data when it is missing or out of date

report: $(STAMP) $(DEMO) ## Render the default reports (2018, Dalian University of Technology)
	$(PY) -m analysis build --year 2018 --institution "Dalian University of Technology" --annual

test: $(STAMP) $(DEMO) ## Run the whole test suite
	$(PY) -m pytest

test-fast: $(STAMP) ## Run the tests that execute no notebook
	$(PY) -m pytest -m "not slow"

bench: $(STAMP) ## Run the benchmarks and write benchmarks/RESULTS.md
	$(PY) -m benchmarks

lab: $(STAMP) ## Open the notebooks in JupyterLab with the project's kernel
	test -x $(LAB_VENV)/bin/jupyter || python3 -m venv $(LAB_VENV)
	$(LAB_VENV)/bin/python -m pip install --quiet -c requirements.lock -e '.[lab]'
	$(PY) -m ipykernel install --prefix $(LAB_VENV) --name pct-report --display-name "PCT report (.venv)"
	$(LAB_VENV)/bin/jupyter lab notebooks/

strip: $(STAMP) ## Remove outputs from the notebook templates before committing
	$(PY) -m nbconvert --clear-output --inplace notebooks/*.ipynb

lock: ## Re-pin every transitive package into requirements.lock from a fresh venv
	rm -rf /tmp/pct-lock && python3 -m venv /tmp/pct-lock
	/tmp/pct-lock/bin/pip install --quiet -e '.[dev]'
	/tmp/pct-lock/bin/pip freeze --exclude-editable | grep -v '^pct-rankings' > requirements.lock

clean: ## Remove rendered reports, caches and the generated demo data (never data/published or mappings)
	rm -rf reports/[0-9]* reports/_failed reports/index.html .cache data/demo benchmarks/work
