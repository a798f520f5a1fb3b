# Two commands for a fresh machine: `make run` and `make test`. Both create .venv and install what they need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# pytest-xdist: one worker per CPU (`make test PYTEST_WORKERS=0` runs in one process). Each worker has its own
# test database (test_<name>_gw0, …) and its own Redis databases (tests/settings.py); tests are handed out
# module by module (loadfile), so a module's seeded demo data (tests/e2e/conftest.py demo_site, the authorization
# matrix's world) is built once, not once on each worker.
PYTEST_WORKERS ?= auto
PYTEST_DIST ?= loadfile

.PHONY: run test install assets messages migrate demo serve lint check e2e-deps e2e bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP) messages assets

# Browser libraries from npm (assets/package.json), copied into static/vendor/ and served by the portal itself.
assets: static/vendor/.installed

static/vendor/.installed: assets/package-lock.json tools/vendor_assets.py
	npm ci --no-audit --no-fund --silent --prefix assets
	$(PYTHON) tools/vendor_assets.py
	touch static/vendor/.installed

# Compile the .po catalogues with Babel (from PyPI), so no system gettext is needed.
messages: $(STAMP)
	$(PY) -m portal.compile_messages

migrate: install
	DEBUG=$${DEBUG-1} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG-1} $(PY) manage.py sync_roles

demo: migrate
	DEBUG=$${DEBUG-1} $(PY) manage.py seed_demo

run: demo
	DEBUG=$${DEBUG-1} $(PY) manage.py runserver $(HOST):$(PORT)

# The browser journeys need Chromium (Debian's package) and axe-core (npm); without Chromium they are skipped
# and the run says so in its summary.
test: install
	@if command -v chromium >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory e2e-deps; \
	  else echo "make test: no Chromium found, the end-to-end browser journeys will be skipped"; fi
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist $(PYTEST_DIST) $(PYTEST_ARGS)

lint: install
	$(PY) -m ruff check .

e2e-deps: tests/e2e/node_modules/axe-core/axe.min.js

tests/e2e/node_modules/axe-core/axe.min.js: tests/e2e/package-lock.json
	npm ci --no-audit --no-fund --silent --prefix tests/e2e

# The bench's figures: printed with PASS/FAIL per goal and written to bench/.data/bench.json (BENCH_JSON=...).
BENCH_JSON ?= bench/.data/bench.json
bench: install
	$(PY) bench/run.py --json $(BENCH_JSON)

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 .pytest_cache
