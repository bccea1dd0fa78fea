# Flock: two commands on a fresh machine.
#   make demo   installs everything, builds the bilingual demo and serves it on 127.0.0.1:8000
#   make test   installs everything (system packages included) and runs the whole test suite
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PYTEST_ARGS ?=

.PHONY: demo test install install-dev system-packages lint format bench messages clean

$(VENV)/.installed: requirements.txt requirements-dev.txt package-lock.json
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

install: $(VENV)/.installed

system-packages:
	bash scripts/system-packages.sh

demo: install system-packages
	DJANGO_SETTINGS_MODULE=cms.settings.dev $(PY) manage.py migrate --noinput
	DJANGO_SETTINGS_MODULE=cms.settings.dev $(PY) manage.py seed_demo
	bash scripts/serve-demo.sh

test: install system-packages
	bash scripts/run-tests.sh $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages: install
	$(PY) manage.py makemessages -l zh_Hans --ignore=".venv/*" --ignore="bench/*" --ignore="tests/*" --ignore="node_modules/*" --no-location --no-obsolete
	$(PY) manage.py compilemessages -l zh_Hans --ignore=.venv --ignore=node_modules

bench: install system-packages
	$(PY) bench/pages.py
	$(PY) bench/webhooks.py
	$(PY) bench/registration.py
	$(PY) bench/submissions.py
	$(PY) bench/assign.py
	$(PY) bench/checkin.py

clean:
	rm -rf $(VENV) db.sqlite3 var media static_collected
