# Nestguard: the two commands of the README are `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ASSETS := nestguard/static/vendor/govuk/govuk-frontend.min.css
DEMO_DB := var/demo.sqlite3

.PHONY: setup demo test test-clock test-postgres test-browser check lint typecheck layers bench clean

setup: $(STAMP) $(ASSETS)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

$(ASSETS): node_modules/.package-lock.json scripts/build-assets.mjs
	node scripts/build-assets.mjs

# The demo: an embedded SQLite database under var/, the synthetic borough, MFA skipped
# through the explicit demo setting (a warning banner shows on every page), and the job
# queue's worker (`nestguard worker`) running beside the web server.
demo: setup
	mkdir -p var
	DJANGO_SETTINGS_MODULE=nestguard.settings.demo $(BIN)/nestguard migrate --no-input
	DJANGO_SETTINGS_MODULE=nestguard.settings.demo $(BIN)/nestguard seed_demo --if-empty
	DJANGO_SETTINGS_MODULE=nestguard.settings.demo $(BIN)/nestguard link --if-no-model
	DJANGO_SETTINGS_MODULE=nestguard.settings.demo $(BIN)/nestguard demo_signin_help
	# The web server, with the job queue's worker beside it (stopped when the server stops).
	BIN=$(BIN) DJANGO_SETTINGS_MODULE=nestguard.settings.demo scripts/demo-serve.sh 127.0.0.1:8000

# The whole suite on SQLite (DATABASE_URL chooses another database, e.g. PostgreSQL).
# Browser journeys run when a Chromium is installed, and must run when NESTGUARD_REQUIRE_BROWSER=1.
# In parallel on TEST_WORKERS processes (pytest-xdist; the journeys share one worker, and so do
# the tests of a module with a module-scoped fixture, the costliest first: tests/parallel.py,
# decisions 0126 and 0128), every test at a frozen instant (decision 0086). TEST_WORKERS=0
# runs in one process.
TEST_WORKERS ?= 2
# Bytecode is written, even where the environment says not to (PYTHONDONTWRITEBYTECODE=1, as
# on the machine this was measured on): every worker and every command a test starts would
# otherwise compile Nestguard's modules again, and pytest would rewrite the asserts of every
# test module in every worker of both passes (about 11 CPU seconds a process). __pycache__ is
# ignored by git.
test test-clock: export PYTHONDONTWRITEBYTECODE =
test: setup
	$(BIN)/pytest -p no:cacheprovider -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

# The suite again with each test started at one of the instants that break naive date code
# (23:59:59 and 00:00:01 UK time, the clock changes, 29 February, Christmas Eve), the
# clock-sensitive modules at all of them (tests/frozen_clock.py, decision 0086).
test-clock: setup
	$(BIN)/pytest -p no:cacheprovider -n $(TEST_WORKERS) --dist loadgroup --clock-at=rotate $(PYTEST_ARGS)

check: lint typecheck layers

lint: setup
	$(BIN)/ruff check nestguard tests bench
	$(BIN)/ruff format --check nestguard tests bench

typecheck: setup
	$(BIN)/mypy nestguard

# The layers between the apps, as import-linter contracts in pyproject.toml (decision 0071).
layers: setup
	$(BIN)/lint-imports

bench: setup
	$(BIN)/python bench/web.py

clean:
	rm -rf $(VENV) node_modules nestguard/static/vendor var
