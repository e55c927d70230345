# Two commands do everything on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FLASK := $(BIN)/flask --app wsgi

.PHONY: run test lint install assets browser pdf-libs db-dev clean

# apt as root, or through sudo; waits for another apt/dpkg run to finish first.
APT := $$( [ "$$(id -u)" = 0 ] || echo sudo ) env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -qq

# Debian's python3 has no ensurepip (so no venv) until python3-venv is installed.
$(STAMP): pyproject.toml
	test -x $(BIN)/pip || $(PYTHON) -m venv $(VENV) || { \
	  rm -rf $(VENV); $(APT) update && $(APT) install -y python3-venv && $(PYTHON) -m venv $(VENV); }
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch node_modules/.installed

portal/static/dist/portal.css: node_modules/.installed portal/static/src/portal.scss scripts/build-assets.mjs
	node scripts/build-assets.mjs

assets: portal/static/dist/portal.css

# Debian's Chromium for the browser tests (never `playwright install`: no downloads here).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  $(APT) update && $(APT) install -y chromium; \
	fi
	@test -x /usr/bin/chromium

# Debian's Pango for weasyprint (GP letters as PDF): missing on a fresh machine.
pdf-libs:
	@if ! /sbin/ldconfig -p | grep -q 'libpangoft2-1.0.so.0'; then \
	  $(APT) update && $(APT) install -y libpango-1.0-0 libpangoft2-1.0-0; \
	fi
	@/sbin/ldconfig -p | grep -q 'libpangoft2-1.0.so.0'

run: install assets pdf-libs
	mkdir -p instance
	PORTAL_ENV=development $(FLASK) db upgrade
	PORTAL_ENV=development $(FLASK) seed-demo --json instance/demo-accounts.json
	@PORTAL_ENV=development $(BIN)/python -m portal.demo.accounts instance/demo-accounts.json
	PORTAL_ENV=development $(FLASK) run --host 127.0.0.1 --port 5000

# Two workers (pytest-xdist), one a core; each has its own database (tests/conftest.py).
# Work stealing: a worker that runs out takes tests queued for the other, so one long
# test (the consent state machine) does not leave a core idle at the end.
PYTEST_WORKERS ?= 2

# Lint, format, types and import rules, before any test runs.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: install assets browser pdf-libs lint
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) node_modules portal/static/dist instance/portal.sqlite
