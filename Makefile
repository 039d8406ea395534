# Two commands on a fresh machine: `make run` and `make test`. Each makes .venv itself.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO   := .demo/plan.json

.PHONY: run test test-fast lint typecheck unit bench demo clean

$(STAMP): pyproject.toml tools/mkvenv.py thekiz_tui/locale/en/LC_MESSAGES/thekiz.po
	$(PYTHON) tools/mkvenv.py $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/pybabel compile --domain thekiz --directory thekiz_tui/locale --statistics
	touch $(STAMP)

$(DEMO): | $(STAMP)
	$(BIN)/thekiz --db $(DEMO) demo

demo: $(DEMO)

run: $(STAMP) $(DEMO)
	$(BIN)/thekiz --db $(DEMO)

lint: $(STAMP)
	$(BIN)/ruff check store thekiz_tui tests bench tools
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy store thekiz_tui

unit: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 tests

test: lint typecheck unit

# For quick local runs: no real processes, terminals, SSH or outside programs.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 -m "not slow and not external" tests

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .demo .pytest_cache .mypy_cache .ruff_cache
