# Two commands do everything on a fresh machine: `make report` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))
CORPUS ?=
REPORTS := reports
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg
EXECUTE := --ExecutePreprocessor.timeout=1200 --ExecutePreprocessor.record_timing=False
export PYTHONHASHSEED := 0

ifeq ($(CORPUS),)
REPORT_DIR := $(REPORTS)
else
CORPUS_ABS := $(abspath $(CORPUS))
CORPUS_NAME := $(basename $(notdir $(CORPUS_ABS)))
REPORT_DIR := $(REPORTS)/$(CORPUS_NAME)
endif

# argv: report folder, corpus ("" for the notebooks' default), notebooks. The seeds' run writes
# the project's figures/ (same bytes when nothing changed); another corpus keeps its own.
REPORT_PY := import sys, helpers; print("Report written to", \
  helpers.write_report(sys.argv[1], sys.argv[3:], corpus=sys.argv[2] or None, \
                       figures_dir=None if sys.argv[2] else helpers.PROJECT_ROOT / "figures"))

.PHONY: setup report test unit nbval lint lab notebooks bench clean

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

setup: $(STAMP)

## The main job: execute every notebook with papermill and render the stakeholder HTML
## (code hidden, one template, images embedded) into $(REPORT_DIR)/, with the executed copies
## in notebooks/ and the figures in figures/ beside it. The committed notebooks and figures/
## are never written.
report: $(STAMP)
	$(BIN)/python -c '$(REPORT_PY)' "$(REPORT_DIR)" "$(CORPUS_ABS)" $(NOTEBOOKS)

## The tests: unit tests, strict nbval over every notebook, and lint.
test: $(STAMP) unit nbval lint

unit: $(STAMP)
	$(BIN)/python -m pytest tests/

nbval: $(STAMP)
	$(BIN)/python -m pytest $(NBVAL) notebooks/

lint: $(STAMP)
	$(BIN)/ruff check .

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks

## Re-execute the notebooks in place (run before committing them).
notebooks: $(STAMP)
	for nb in $(NOTEBOOKS); do \
	  $(BIN)/jupyter nbconvert --to notebook --execute --inplace $(EXECUTE) $$nb || exit 1; \
	done

## Time the whole pipeline on synthetic corpora of 1k, 10k and 50k articles (about 7 min);
## writes benchmarks/results.md and benchmarks/results.csv.
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_pipeline.py

clean:
	rm -rf $(REPORTS) .pytest_cache .ruff_cache
