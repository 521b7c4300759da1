# Two commands do everything on a fresh machine: `make report` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))
REPORTS := reports
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg
EXECUTE := --ExecutePreprocessor.timeout=1200 --ExecutePreprocessor.record_timing=False
export PYTHONHASHSEED := 0

# The corpus path reaches Python through the environment, exactly as typed: $(value ...) keeps
# make from expanding "$(...)" in it, and the shell never parses it, so spaces, quotes and "$"
# are data. Python names the report folder (helpers.report_folder: reports/ for the seeds,
# reports/<name> otherwise, x.csv and x.jsonl apart). CORPUS itself is not exported, since
# exporting would expand it.
export REPORT_CORPUS := $(value CORPUS)
unexport CORPUS

# argv: notebooks. The seeds' run writes the project's figures/ (same bytes when nothing
# changed); another corpus keeps its own.
REPORT_PY := import os, sys, helpers; corpus = os.environ.get("REPORT_CORPUS") or None; \
  print("Report written to", helpers.write_report(helpers.report_folder(corpus), sys.argv[1:], \
        corpus=corpus, figures_dir=None if corpus else helpers.PROJECT_ROOT / "figures"))
REPORT_DIR_PY := import os, helpers; print(helpers.report_folder(os.environ.get("REPORT_CORPUS") or None))

.PHONY: setup report report-dir test unit nbval lint lab notebooks bench clean

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
## CORPUS may also be a folder run_pipeline_dask wrote (it holds manifest.json): notebooks 00-04
## then read its tables, never the article texts, and a broken folder stops before any notebook.
report: $(STAMP)
	$(BIN)/python -c '$(REPORT_PY)' $(NOTEBOOKS)

## Print the folder `make report` would write for CORPUS.
report-dir:
	@$(BIN)/python -c '$(REPORT_DIR_PY)'

## The tests: unit tests, strict nbval over every notebook, and lint.
test: $(STAMP) unit nbval lint

unit: $(STAMP)
	$(BIN)/python -m pytest tests/

nbval: $(STAMP)
	$(BIN)/python -m pytest $(NBVAL) notebooks/

lint: $(STAMP)
	$(BIN)/ruff check .

## JupyterLab on the project's environment; as root (CI, containers) it needs --allow-root.
USER_ID ?= $(shell id -u)
lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(USER_ID)),--allow-root)

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
	rm -rf $(REPORTS) build/screenshots .pytest_cache .ruff_cache
