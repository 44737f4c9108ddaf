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
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py ensure_admin
	$(BIN)/python manage.py install_schedules

## The web server, a Celery worker and Celery beat together; Ctrl-C stops all three.
run: setup
	@echo "Cratedigger: http://$${CRATEDIGGER_HOST:-127.0.0.1}:$${CRATEDIGGER_PORT:-8000}/admin/"
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start -f Procfile

## The whole test suite (PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set).
test: $(BIN)/.installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(BIN)/.installed
	$(BIN)/ruff check .

clean:
	rm -rf var/broker var/cache var/test-db.sqlite3 var/screenshots
