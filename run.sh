#!/usr/bin/env bash
# Sets up backstride on a fresh machine and starts it on its embedded SQLite database (with a demo
# athlete when the database is empty): the web app, at http://127.0.0.1:8000, printing a one-time
# sign-in link. `./run.sh serve [--port N]` is the same with options; `./run.sh start` opens the log
# in the terminal instead (extra arguments go to `backstride start`).
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/backstride ]; then
  echo "== setting up backstride in .venv (first run only)"
  "$PY" -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
  .venv/bin/python -m pip install -q -e . 2>&1 | grep -v "^WARNING: Location" || true
fi
if [ "${1:-}" = "start" ]; then
  shift
  exec .venv/bin/backstride start "$@"
fi
if [ "${1:-}" = "serve" ] || [ $# -eq 0 ]; then
  [ $# -gt 0 ] && shift
  if ! .venv/bin/python -c "import fastapi, uvicorn" 2>/dev/null; then  # a .venv from before the web app
    .venv/bin/python -m pip install -q -e . 2>&1 | grep -v "^WARNING: Location" || true
  fi
  exec .venv/bin/backstride serve "$@"
fi
exec .venv/bin/backstride start "$@"
