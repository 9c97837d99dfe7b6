# Setflow: `make run` sets everything up and serves the app; `make test` sets up and runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
DATABASE ?= sqlite:///data/setflow.sqlite3

.PHONY: setup system python node vendor run test lint bench clean

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
	$(PY) -m server --host $(HOST) --port $(PORT) --database $(DATABASE)

lint: python
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

test: setup lint
	$(PY) -m pytest

# Every measurement on this machine (real Chromium, real servers on loopback); see docs/performance.md.
bench: setup
	$(PY) -m bench

clean:
	rm -rf $(VENV) node_modules vendor
