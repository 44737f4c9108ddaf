# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run setup test lint clean

# The virtualenv is rebuilt only when the requirements change.
$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(BIN)/.installed
	$(BIN)/python manage.py preflight
	$(BIN)/python manage.py migrate --noinput --verbosity 0
	$(BIN)/python manage.py ensure_admin
	$(BIN)/python manage.py install_schedules

## The web server, a Celery worker and Celery beat together; Ctrl-C stops all three.
## Its last lines, once the web server answers, are the admin's address and login (Procfile: welcome).
## bash, not sh: sh ends itself on the Ctrl-C that honcho already handled, and make would say "Interrupt".
run: SHELL := /bin/bash
## honcho kills what has not stopped 5 s after Ctrl-C; a worker on the filesystem broker needs about 9 s to
## finish its warm shutdown, so it is given 30 s. honcho's 130 (stopped by Ctrl-C) is a clean stop.
run: HONCHO := import sys, honcho.command, honcho.manager; honcho.manager.KILL_WAIT = 30; sys.exit(honcho.command.main())
run: setup
	@PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -c '$(HONCHO)' start -f Procfile || [ $$? -eq 130 ]

## The whole test suite (PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set).
test: $(BIN)/.installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/lint-imports

clean:
	rm -rf var/broker var/cache var/test-db.sqlite3 var/screenshots
