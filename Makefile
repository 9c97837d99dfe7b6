# Setflow: `make run` sets everything up and serves the app; `make test` sets up and runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
DATABASE ?= sqlite:///data/setflow.sqlite3
# Server processes sharing the port and the database (make run WORKERS=2).
WORKERS ?= 1

.PHONY: setup system python node vendor bytecode run test check e2e lint coverage unit-coverage bench clean

setup: system python node vendor bytecode

# Debian packages: Chromium for the end-to-end tests, PostgreSQL for the server's storage tests.
system:
	@bash tools/install-system.sh

python: $(VENV)/.installed
$(VENV)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

node: node_modules/.package-lock.json
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund

vendor: node
	$(PY) tools/vendor.py

# The app's modules compiled by the browser's own Python (the vendored Pyodide, under Node), for the
# server to send with them: a first start imports instead of compiling (tools/bytecode.py).
bytecode: vendor
	$(PY) tools/bytecode.py

run: setup
	mkdir -p data
	$(PY) -m server --host $(HOST) --port $(PORT) --database $(DATABASE) --workers $(WORKERS)

lint: python node
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	node_modules/.bin/tsc -p tsconfig.json
	node_modules/.bin/tsc -p tsconfig.sw.json

# The whole suite, with coverage of app/ and server/ printed and a floor for the pure core.
test: setup lint
	$(PY) -m pytest -n 2 --cov --cov-report= --durations=25
	$(MAKE) --no-print-directory coverage
	$(MAKE) --no-print-directory unit-coverage

# The fast loop: lint, the pure core, the views and the server on SQLite (no browser, no PostgreSQL).
check: python lint
	$(PY) -m pytest -q -m "not e2e and not postgres" tests/core tests/views tests/unit tests/server

# Only the end-to-end tests in real browsers.
e2e: setup
	$(PY) -m pytest -q -m e2e

# Coverage of app/ and server/ by the whole suite is printed; the pure core (app/core, app/views)
# has two floors: one over the whole suite, and a higher one for its own unit tests alone
# (tests/core, tests/views, tests/unit), so every rule there is tested without a browser.
CORE_COVERAGE_FLOOR ?= 90
UNIT_COVERAGE_FLOOR ?= 95
coverage: python
	$(VENV)/bin/coverage report
	@echo "app/core + app/views, whole suite (floor $(CORE_COVERAGE_FLOOR) %):"
	$(VENV)/bin/coverage report --include='app/core/*,app/views/*' --fail-under=$(CORE_COVERAGE_FLOOR) --format=total

unit-coverage: python
	@echo "app/core + app/views, unit tests alone (floor $(UNIT_COVERAGE_FLOOR) %):"
	COVERAGE_FILE=.coverage.unit $(PY) -m pytest -q -n 2 -m "not e2e and not postgres" tests/core tests/views tests/unit \
		--cov=app/core --cov=app/views --cov-report= --cov-fail-under=$(UNIT_COVERAGE_FLOOR)

# Every measurement on this machine (real Chromium, real servers on loopback); see docs/performance.md.
bench: setup
	$(PY) -m bench

clean:
	rm -rf $(VENV) node_modules vendor build
