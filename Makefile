# Rencontres entre Pairs — the two commands that matter: `make demo` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# uv from the PATH if there is one, otherwise bootstrapped into .tools/ (pinned, hashed).
UV := $(or $(shell command -v uv 2>/dev/null),.tools/bin/uv)
DEMO_HOST ?= 127.0.0.1
DEMO_PORT ?= 8000
DEMO_MEMBERS ?= 2000
DEMO_SEED ?= 42
PYTEST_ARGS ?=

.PHONY: help install messages demo serve test test-sqlite test-postgres lint typecheck format bench lock browsers clean

help:
	@echo "make demo   — installe, prépare la base SQLite et les données de démo, lance le site et un worker"
	@echo "make test   — lint, types, tests sur SQLite puis sur PostgreSQL 15"
	@echo "make lint | typecheck | format | bench | lock | clean"

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --require-hashes -r requirements/tools.txt

$(VENV)/.installed: requirements/dev.txt | $(UV)
	@test -x $(PY) || $(UV) venv --quiet --python $(PYTHON) $(VENV)
	$(UV) pip sync --quiet --python $(PY) requirements/dev.txt
	@touch $@

install: $(VENV)/.installed messages

# Compiled translations are build output, never committed.
messages: $(VENV)/.installed
	@command -v msgfmt >/dev/null || { echo "Installation de gettext (msgfmt)…"; $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq gettext >/dev/null; }
	@$(PY) manage.py compilemessages --ignore '.venv/*' --ignore '.tools/*' -v0

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

demo: install
	@mkdir -p var
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py load_reference_data
	$(PY) manage.py seed_demo --members $(DEMO_MEMBERS) --seed $(DEMO_SEED)
	@$(MAKE) --no-print-directory serve

# The web server, one task worker and the scheduler of periodic tasks; Ctrl-C stops them all.
serve:
	@echo ""
	@echo "  Rencontres entre Pairs : http://$(DEMO_HOST):$(DEMO_PORT)/"
	@echo "  (les emails, dont les codes de connexion, s'affichent dans ce terminal)"
	@echo ""
	@trap 'kill 0' INT TERM EXIT; \
	  OPENBLAS_NUM_THREADS=1 $(PY) manage.py db_worker --no-reload & \
	  $(PY) manage.py run_scheduler & \
	  $(PY) manage.py runserver --noreload $(DEMO_HOST):$(DEMO_PORT)

browsers:
	@command -v chromium >/dev/null || { echo "Installation de Chromium (Debian)…"; $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium >/dev/null; }

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(VENV)/.installed
	$(VENV)/bin/mypy

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: install browsers lint typecheck test-sqlite test-postgres

test-sqlite: install browsers
	@echo "=== Tests sur SQLite ==="
	DATABASE_URL=sqlite:///var/test.sqlite3 $(VENV)/bin/pytest $(PYTEST_ARGS)

# Browser journeys and the pure engine's tests run once, on SQLite: they test pages and
# algorithms, not the database.
test-postgres: install
	@echo "=== Tests sur PostgreSQL ==="
	$(PY) scripts/with_postgres.py -- $(VENV)/bin/pytest -m "not browser" --ignore=pairs_engine $(PYTEST_ARGS)

# Member search on 100,000 demo members: SQLite (var/bench/, reused), then a throwaway
# PostgreSQL, then both side by side (p50 / p95 / max per family of requests).
# Benchmark anchors (faiss, hnswlib, OR-Tools, rustworkx) go on top of the dev tools, never into the product.
$(VENV)/.bench-installed: requirements/bench.txt $(VENV)/.installed
	$(UV) pip install --quiet --python $(PY) --require-hashes -r requirements/bench.txt
	@touch $@

# Every benchmark prints its figures beside the named baselines of the same run (about 40 minutes in all on
# an idle 2-core machine). BENCH=search|matching|planning|dashboard runs one of them.
BENCH ?= search matching planning dashboard
bench: install $(VENV)/.bench-installed
	@mkdir -p var/bench
	@if [[ " $(BENCH) " == *" search "* ]]; then \
	  rm -f var/bench/search_members-*.json; \
	  $(PY) bench/search_members.py && \
	  $(PY) scripts/with_postgres.py -- $(PY) bench/search_members.py && \
	  $(PY) bench/search_members.py --report; fi
	@if [[ " $(BENCH) " == *" matching "* ]]; then $(PY) bench/matching.py --members 300000 --sample 200 --national; fi
	@if [[ " $(BENCH) " == *" planning "* ]]; then $(PY) bench/planning.py; fi
	@if [[ " $(BENCH) " == *" dashboard "* ]]; then $(PY) scripts/with_postgres.py -- $(PY) bench/dashboard.py; fi

lock: | $(UV)
	$(UV) pip compile --quiet --generate-hashes --python-version 3.11 --no-header requirements/base.in -o requirements/base.txt
	$(UV) pip compile --quiet --generate-hashes --python-version 3.11 --no-header requirements/dev.in -o requirements/dev.txt
	$(UV) pip compile --quiet --generate-hashes --python-version 3.11 --no-header requirements/bench.in -o requirements/bench.txt
	$(UV) pip compile --quiet --generate-hashes --python-version 3.11 --no-header requirements/tools.in -o requirements/tools.txt

clean:
	rm -rf $(VENV) .tools var .pytest_cache .mypy_cache .ruff_cache
