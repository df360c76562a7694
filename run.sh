#!/usr/bin/env bash
# Sets up backstride on a fresh machine and starts it on its embedded SQLite database
# (with a demo athlete when the database is empty). Extra arguments go to `backstride start`;
# `./run.sh serve [--port N]` starts the web app instead (a one-time sign-in link is printed).
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/backstride ]; then
  echo "== setting up backstride in .venv (first run only)"
  "$PY" -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
  .venv/bin/python -m pip install -q -e . 2>&1 | grep -v "^WARNING: Location" || true
fi
if [ "${1:-}" = "serve" ]; then
  shift
  if ! .venv/bin/python -c "import fastapi, uvicorn" 2>/dev/null; then  # a .venv from before the web app
    .venv/bin/python -m pip install -q -e . 2>&1 | grep -v "^WARNING: Location" || true
  fi
  exec .venv/bin/backstride serve "$@"
fi
exec .venv/bin/backstride start "$@"
