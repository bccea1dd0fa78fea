#!/usr/bin/env bash
# Serves the demo on 127.0.0.1:8000 with a django-q2 worker beside it; Ctrl-C stops both.
set -euo pipefail
export DJANGO_SETTINGS_MODULE=cms.settings.dev
.venv/bin/python manage.py qcluster &
worker=$!
stop_worker() {
  kill -TERM "$worker" 2>/dev/null || true
  # qcluster can hang after SIGTERM (a known upstream bug): give it 5 s, then kill it.
  for _ in 1 2 3 4 5; do kill -0 "$worker" 2>/dev/null || return 0; sleep 1; done
  kill -KILL "$worker" 2>/dev/null || true
}
trap stop_worker EXIT INT TERM
.venv/bin/python manage.py runserver 127.0.0.1:8000 --noreload
