# Two commands do everything on a fresh machine: `make report` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))
CORPUS ?=
REPORTS := reports
TITLE := Coverage of DeepSeek and US chip export controls
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

.PHONY: setup report test unit nbval lint lab notebooks clean

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

setup: $(STAMP)

## The main job: execute every notebook and render the stakeholder HTML (code hidden).
report: $(STAMP)
	mkdir -p $(REPORT_DIR)
ifeq ($(CORPUS),)
	for nb in $(NOTEBOOKS); do \
	  $(BIN)/jupyter nbconvert --to html --no-input --execute $(EXECUTE) \
	    --output-dir $(REPORT_DIR) $$nb || exit 1; \
	done
else
	mkdir -p $(REPORT_DIR)/notebooks $(REPORT_DIR)/figures
	for nb in $(NOTEBOOKS); do \
	  $(BIN)/papermill --cwd notebooks --log-level WARNING \
	    -p CORPUS "$(CORPUS_ABS)" -p FIGURES "$(abspath $(REPORT_DIR))/figures" \
	    $$nb $(REPORT_DIR)/notebooks/$$(basename $$nb) || exit 1; \
	  $(BIN)/jupyter nbconvert --to html --no-input --output-dir $(REPORT_DIR) \
	    $(REPORT_DIR)/notebooks/$$(basename $$nb) || exit 1; \
	done
endif
	$(BIN)/python -c "import helpers; helpers.write_report_index('$(REPORT_DIR)', \
	  '$(NOTEBOOKS)'.split(), '$(TITLE)', 'Corpus: $(if $(CORPUS),$(CORPUS_NAME),seeds)')"
	@echo "Report written to $(REPORT_DIR)/index.html"

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

clean:
	rm -rf $(REPORTS) .pytest_cache .ruff_cache
