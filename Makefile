# SSC Registry: the commands a developer needs. `make run` and `make test` are the two the README names.
PYTHON ?= python3
# `make run PORT=8001` serves on another port (HOST too, e.g. HOST=0.0.0.0 in a container).
HOST ?= 127.0.0.1
PORT ?= 8000
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt package-lock.json | cksum | cut -d' ' -f1)

.PHONY: install run serve test lint audit format migrations-check messages screenshots demo-data clean-db

install: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt package-lock.json
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@# Test and build tools from npm (axe-core, world-atlas): never served, never fetched at run time.
	@if command -v npm >/dev/null; then npm ci --ignore-scripts --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: browser accessibility tests will be skipped (apt-get install npm)"; fi
	rm -f $(VENV)/.installed-*
	touch $@

## Start the registry on http://127.0.0.1:8000/ (PORT=...) with the seed data and a demo curator login.
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_seed_data
	$(PY) manage.py ensure_demo_curator --url http://$(HOST):$(PORT)/
	@# The task worker (background imports, registry/tasks.py) runs beside the server and stops with it.
	$(PY) manage.py db_worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	SSC_SITE_URL=$${SSC_SITE_URL:-http://$(HOST):$(PORT)} $(PY) manage.py runserver $(HOST):$(PORT)

## Serve as in production: DJANGO_ENV=production, with DATABASE_URL, DJANGO_SECRET_KEY and
## DJANGO_ALLOWED_HOSTS set in the environment (see README).
serve: install
	DJANGO_ENV=production $(PY) manage.py collectstatic --noinput
	DJANGO_ENV=production $(PY) manage.py migrate --noinput
	DJANGO_ENV=production $(VENV)/bin/gunicorn sscregistry.wsgi

## Run the whole test suite against a throwaway PostgreSQL (or DATABASE_URL if set), in parallel:
## TEST_WORKERS pytest-xdist workers, each with its own server and database (TEST_WORKERS=0: serial).
## Idle workers take tests from busy ones (worksteal), so one slow test does not hold up the rest.
TEST_WORKERS ?= 3
test: install
	$(PY) -m pytest $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist worksteal)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	@# The layers of docs/architecture.md: no package imports one above it (pyproject.toml).
	$(VENV)/bin/lint-imports
	@# Types (pyproject.toml [tool.mypy]). The Django plugin imports the settings and every model;
	@# no database is needed or reached (the DATABASE_URL given names none).
	DATABASE_URL=postgres:///unused $(VENV)/bin/mypy

## Security scans: bandit over our code; pip-audit over the pinned requirements (needs the
## vulnerability database to be reachable; it says so when it is not).
audit: install
	$(VENV)/bin/bandit -q -r sscregistry registry vocabularies partnerships events reports curation -x '*/migrations/*'
	$(PY) .ci/pip_audit.py

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations-check: install
	$(PY) manage.py makemigrations --check --dry-run

## Refresh the French and Spanish catalogues after changing interface text (needs gettext), then
## translate the new entries in locale/*/LC_MESSAGES/django.po and compile them.
messages: install
	DATABASE_URL=postgres:///unused $(PY) manage.py makemessages -l fr -l es --no-obsolete \
		--ignore='.venv/*' --ignore='node_modules/*' --ignore='tests/*'
	DATABASE_URL=postgres:///unused $(PY) manage.py compilemessages --ignore='.venv/*' --ignore='node_modules/*'

## Screenshots of the main pages at desktop and phone widths from a running `make run`.
screenshots: install
	$(PY) -m tests.browser.take_screenshots http://127.0.0.1:8000 docs/screenshots home partnerships event

## Load the seed documents' records again (idempotent).
demo-data: install
	$(PY) manage.py load_seed_data

## Delete the embedded development database (var/postgres/). Stop `make run` first.
clean-db:
	rm -rf var/postgres
