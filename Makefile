# One obvious command for each thing a contributor does. Each creates .venv on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: demo test test-postgres lint format bench clean

$(BIN)/masthead: pyproject.toml requirements/constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit("Masthead needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt -e '.[dev]'
	@touch $@

# axe-core (accessibility checks in the browser tests) comes from the npm registry.
node_modules/axe-core/axe.min.js: package.json
	@if command -v npm >/dev/null; then npm install --no-audit --no-fund --silent; touch $@; \
	else echo "npm not found: the accessibility tests will be skipped"; fi

demo: $(BIN)/masthead
	$(BIN)/masthead demo --port $(PORT)

test: $(BIN)/masthead node_modules/axe-core/axe.min.js
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(BIN)/masthead
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	DJANGO_SETTINGS_MODULE=masthead.config.settings.test $(BIN)/python -m django makemigrations --check --dry-run
	$(BIN)/lint-imports
	$(BIN)/mypy src

format: $(BIN)/masthead
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

bench: $(BIN)/masthead
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) node_modules data test-output
