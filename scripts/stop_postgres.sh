#!/usr/bin/env bash
# Stop the throwaway PostgreSQL server of scripts/start_postgres.sh and delete its data.
#
# Usage: bash scripts/stop_postgres.sh
# Same settings as start_postgres.sh: TONGCHENG_PG_PORT (default 54329) and TONGCHENG_PG_DIR
# name the server. Only a cluster in that data directory is stopped; nothing else is touched.
set -euo pipefail
exec bash "$(dirname "$0")/start_postgres.sh" stop
