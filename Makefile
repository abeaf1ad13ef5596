# `make demo` and `make test` are the only set-up a new machine needs: each creates or
# refreshes .venv, installs the workbench into it, then runs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The demo's own store: a month of training played by `roleplay demo-data` on first start
# (delete .demo/ to build a new one). Real sessions go to the default store, never here.
DEMO_DB := .demo/roleplay.db

.PHONY: demo test lint install clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

$(DEMO_DB): | $(STAMP)
	$(BIN)/roleplay demo-data --db sqlite:///$(CURDIR)/$(DEMO_DB)

demo: $(STAMP) $(DEMO_DB)
	$(BIN)/roleplay serve --demo --db sqlite:///$(CURDIR)/$(DEMO_DB)

lint: $(STAMP)
	$(BIN)/ruff check .

test: $(STAMP) lint
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache
