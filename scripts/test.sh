#!/usr/bin/env bash
# Install everything the tests need (Python packages into ./.venv, Debian's PostgreSQL server,
# Chromium and CJK fonts), start a throwaway PostgreSQL on loopback, and run the test suite.
#
# Usage: bash scripts/test.sh [--keep-pg] [pytest options]
#
# Debian packages are installed only when missing (apt-get update first, then
# apt-get install --no-install-recommends; needs root or sudo). The script ends with pytest's
# exit status. A PostgreSQL server the script started itself is stopped (and its throwaway data
# removed) when it ends, also after a failure or Ctrl-C; a server that was already running on the
# port is reused and left alone. To keep the server for another run, pass --keep-pg or set
# TONGCHENG_KEEP_PG=1; stop it later with `bash scripts/stop_postgres.sh`.
# TONGCHENG_PG_PORT / TONGCHENG_PG_DIR choose its port and data directory (see start_postgres.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

KEEP_PG="${TONGCHENG_KEEP_PG:-0}"
args=()
for arg in "$@"; do
  if [ "$arg" = "--keep-pg" ]; then KEEP_PG=1; else args+=("$arg"); fi
done

SUDO=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null; then SUDO="sudo"; fi
need=()
command -v chromium >/dev/null || need+=(chromium)
command -v chromedriver >/dev/null || need+=(chromium-driver)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
# grep reads all of fc-list's output: `grep -q` would quit early and, under pipefail, fc-list's
# SIGPIPE would count as "fonts missing" (and run apt-get update every time).
fc-list : family 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null || need+=(fonts-noto-cjk)
if [ ${#need[@]} -gt 0 ]; then
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${need[@]}"
fi
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[test]"

# start_postgres.sh writes "started PORT DIR" or "reused PORT DIR" here: only a server this
# run started is stopped at the end.
PG_STATE="$(mktemp "${TMPDIR:-/tmp}/tongcheng-pg-state.XXXXXX")"
stop_our_pg() {
  local status=$? how="" port="" dir=""
  read -r how port dir <"$PG_STATE" 2>/dev/null || true
  rm -f "$PG_STATE"
  if [ "$how" = started ]; then
    if [ "$KEEP_PG" = 1 ]; then
      echo "PostgreSQL kept running on 127.0.0.1:$port ($dir); stop it with:" \
           "TONGCHENG_PG_PORT=$port bash scripts/stop_postgres.sh" >&2
    else
      TONGCHENG_PG_PORT="$port" TONGCHENG_PG_DIR="$dir" bash scripts/stop_postgres.sh || true
    fi
  fi
  exit "$status"
}
trap stop_our_pg EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

TONGCHENG_TEST_PG_URL="$(TONGCHENG_PG_STATE="$PG_STATE" bash scripts/start_postgres.sh)"
export TONGCHENG_TEST_PG_URL
echo "PostgreSQL for the store tests: ${TONGCHENG_TEST_PG_URL}"
# no `exec`: the EXIT trap must run after pytest; the script's status is pytest's
.venv/bin/python -m pytest ${args[@]+"${args[@]}"}
