#!/usr/bin/env bash
# Start a throwaway PostgreSQL server for the tongcheng test-suite and print its URL.
#
# Usage:
#   export TONGCHENG_TEST_PG_URL=$(bash scripts/start_postgres.sh)   # start (or reuse) and print URL
#   bash scripts/start_postgres.sh stop                               # stop it and delete its data
#                                                                       (same as scripts/stop_postgres.sh)
#
# The server listens on 127.0.0.1 only, trusts loopback connections (no password) and keeps its
# data in a temporary directory; it is for tests, never for real data. Settings (environment):
#   TONGCHENG_PG_PORT  first port to try (default 54329; the next free one is used if taken)
#   TONGCHENG_PG_DIR   data directory (default ${TMPDIR:-/tmp}/tongcheng-pg-<port>)
#   TONGCHENG_PG_STATE file to write "started PORT DIR" (this run started the server) or
#                      "reused PORT DIR" (it was running already) to, so that a caller stops
#                      only a server it started (scripts/test.sh does)
# Only the URL goes to stdout; progress and errors go to stderr.
set -euo pipefail

ACTION="${1:-start}"
PORT="${TONGCHENG_PG_PORT:-54329}"
DB=tongcheng_test
SUPERUSER=postgres

log() { echo "start_postgres: $*" >&2; }
die() { log "error: $*"; exit 1; }

# Prefer the Debian server binaries; /usr/local/bin may hold wrappers of unknown origin.
find_bindir() {
    local d
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -V -r); do
        if [[ -x "$d/initdb" && -x "$d/pg_ctl" && -x "$d/postgres" ]]; then
            echo "$d"
            return 0
        fi
    done
    return 1
}

BINDIR="$(find_bindir || true)"
if [[ -z "$BINDIR" && "$ACTION" == start ]]; then
    [[ "$(id -u)" == 0 ]] || die "PostgreSQL server binaries not found; install them as root: apt-get install -y postgresql"
    log "installing the Debian postgresql package (apt-get) ..."
    apt-get update >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql >&2
    BINDIR="$(find_bindir)" || die "postgresql installed but no server binaries under /usr/lib/postgresql/*/bin"
fi

# initdb refuses to run as root: run the server as the `postgres` system user then.
if [[ "$(id -u)" == 0 ]]; then
    getent passwd postgres >/dev/null || die "running as root but there is no 'postgres' user to run the server as"
    as_owner() { runuser -u postgres -- "$@"; }
    OWNER=postgres
else
    as_owner() { "$@"; }
    OWNER="$(id -un)"
fi

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
datadir_for() { echo "${TONGCHENG_PG_DIR:-${TMPDIR:-/tmp}/tongcheng-pg-$1}"; }
psql_q() { "$BINDIR/psql" -h 127.0.0.1 -p "$1" -U "$SUPERUSER" -d postgres -v ON_ERROR_STOP=1 -qtAc "$2"; }
ours_on() { psql_q "$1" "select 1" >/dev/null 2>&1; }

cd "${TMPDIR:-/tmp}"   # the server user may not be allowed into the caller's directory

if [[ "$ACTION" == stop ]]; then
    DATA="$(datadir_for "$PORT")"
    if [[ -f "$DATA/PG_VERSION" ]]; then
        as_owner "$BINDIR/pg_ctl" -D "$DATA" -m fast -w stop >&2 || true
        rm -rf "$DATA" "$DATA.initdb.log"
        log "stopped and removed $DATA"
    else
        log "nothing to stop at $DATA"
    fi
    exit 0
fi
[[ "$ACTION" == start ]] || die "unknown action '$ACTION' (use: start | stop)"

# Reuse a server we already run on this port; otherwise find a free port.
for _ in $(seq 1 50); do
    if port_busy "$PORT"; then
        ours_on "$PORT" && break
        log "port $PORT is taken by something else; trying $((PORT + 1))"
        PORT=$((PORT + 1))
    else
        break
    fi
done

DATA="$(datadir_for "$PORT")"
state() { if [[ -n "${TONGCHENG_PG_STATE:-}" ]]; then echo "$1 $PORT $DATA" >"$TONGCHENG_PG_STATE"; fi; }
if port_busy "$PORT"; then
    state reused
else
    if [[ ! -f "$DATA/PG_VERSION" ]]; then
        mkdir -p "$DATA"
        chmod 700 "$DATA"
        [[ "$OWNER" == "$(id -un)" ]] || chown "$OWNER" "$DATA"
        log "creating a throwaway cluster in $DATA ($BINDIR)"
        as_owner "$BINDIR/initdb" -D "$DATA" -U "$SUPERUSER" --auth=trust --encoding=UTF8 \
            --locale=C.UTF-8 >"$DATA.initdb.log" 2>&1 \
            || { cat "$DATA.initdb.log" >&2; die "initdb failed"; }
    fi
    log "starting PostgreSQL on 127.0.0.1:$PORT"
    as_owner "$BINDIR/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DATA -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start >&2 || { tail -n 30 "$DATA/server.log" >&2 || true; die "pg_ctl start failed"; }
    state started
fi

ours_on "$PORT" || die "a server answers on 127.0.0.1:$PORT but refuses user '$SUPERUSER' without a password"
if [[ -z "$(psql_q "$PORT" "select 1 from pg_database where datname = '$DB'")" ]]; then
    psql_q "$PORT" "create database $DB" >/dev/null
fi
echo "postgresql+psycopg://$SUPERUSER@127.0.0.1:$PORT/$DB"
