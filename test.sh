#!/usr/bin/env bash
# Sets up everything the tests need on a fresh machine, then runs lint, types and the tests.
#   ./test.sh            # everything
#   ./test.sh tests/core # or any pytest arguments
set -euo pipefail
cd "$(dirname "$0")"

# Debian packages the tests use: PostgreSQL for the multi-user storage tests.
if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== installing PostgreSQL (Debian package)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    echo "!! PostgreSQL is not installed and cannot be installed here: its tests will be skipped" >&2
  fi
fi

# Debian's Chromium for the browser tests (driven by Playwright through executable_path).
if [ ! -x /usr/lib/chromium/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== installing Chromium (Debian package)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "!! Chromium is not installed and cannot be installed here: the browser tests will be skipped" >&2
  fi
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "== creating .venv"
  "$PY" -m venv .venv
fi
echo "== installing backstride and its test tools"
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
.venv/bin/python -m pip install -q -e ".[dev]" 2>&1 | grep -v "^WARNING: Location" || true
.venv/bin/python -c "import backstride, pytest, hypothesis" 

echo "== ruff"
.venv/bin/ruff check src tests benchmarks
echo "== mypy"
.venv/bin/mypy
echo "== pytest"
export BACKSTRIDE_REQUIRE_POSTGRES=${BACKSTRIDE_REQUIRE_POSTGRES:-$([ "${CI:-}" = true ] && echo 1 || echo 0)}
export BACKSTRIDE_REQUIRE_BROWSER=${BACKSTRIDE_REQUIRE_BROWSER:-$([ "${CI:-}" = true ] && echo 1 || echo 0)}
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
