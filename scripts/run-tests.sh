#!/usr/bin/env bash
# Runs the whole suite: the unit and integration tests on both cores, then the browser tests in a
# run of their own (Playwright's event loop lives as long as the session), also on both cores:
# each worker has its own database, live server and Chromium. Arguments, when given, go to a
# single pytest run.
# DATABASE_URL picks the database (SQLite when unset).
set -euo pipefail
export DJANGO_SETTINGS_MODULE=cms.settings.test
.venv/bin/python manage.py makemigrations --check --dry-run >/dev/null
if [ "$#" -gt 0 ]; then
  exec .venv/bin/pytest "$@"
fi
.venv/bin/pytest -p no:cacheprovider -n 2 -m "not browser"
.venv/bin/pytest -p no:cacheprovider -n 2 -m browser
