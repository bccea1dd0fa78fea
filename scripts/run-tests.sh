#!/usr/bin/env bash
# Runs the whole suite. DATABASE_URL picks the database (SQLite when unset).
set -euo pipefail
export DJANGO_SETTINGS_MODULE=cms.settings.test
.venv/bin/python manage.py makemigrations --check --dry-run >/dev/null
exec .venv/bin/pytest "$@"
