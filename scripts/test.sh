#!/usr/bin/env bash
# Install everything the tests need (Python packages into ./.venv, Debian's PostgreSQL server,
# Chromium and CJK fonts), start a throwaway PostgreSQL on loopback, and run the test suite.
# Usage: bash scripts/test.sh [pytest options]
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null; then SUDO="sudo"; fi
need=()
command -v chromium >/dev/null || need+=(chromium)
command -v chromedriver >/dev/null || need+=(chromium-driver)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)
if [ ${#need[@]} -gt 0 ]; then
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${need[@]}"
fi
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[test]"
TONGCHENG_TEST_PG_URL="$(bash scripts/start_postgres.sh)"
export TONGCHENG_TEST_PG_URL
echo "PostgreSQL for the store tests: ${TONGCHENG_TEST_PG_URL}"
exec .venv/bin/python -m pytest "$@"
