# Setflow: `make run` sets everything up and serves the app; `make test` sets up and runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
DATABASE ?= sqlite:///data/setflow.sqlite3
# Server processes sharing the port and the database (make run WORKERS=2).
WORKERS ?= 1

.PHONY: setup system python node vendor run test check e2e lint coverage bench clean

setup: system python node vendor

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
	$(PY) -m pytest --cov --cov-report=
	$(MAKE) --no-print-directory coverage

# The fast loop: lint, the pure core, the views and the server on SQLite (no browser, no PostgreSQL).
check: python lint
	$(PY) -m pytest -q -m "not e2e and not postgres" tests/core tests/unit tests/server

# Only the end-to-end tests in real browsers.
e2e: setup
	$(PY) -m pytest -q -m e2e

# The pure core (app/core, app/views) must stay covered by unit tests; the figure is printed.
CORE_COVERAGE_FLOOR ?= 90
coverage: python
	$(VENV)/bin/coverage report
	$(VENV)/bin/coverage report --include='app/core/*,app/views/*' --fail-under=$(CORE_COVERAGE_FLOOR) | tail -1

# Every measurement on this machine (real Chromium, real servers on loopback); see docs/performance.md.
bench: setup
	$(PY) -m bench

clean:
	rm -rf $(VENV) node_modules vendor
