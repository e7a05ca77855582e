# shellcheck shell=bash
# A private PostgreSQL 15 cluster for the integration tests. Meant to be
# sourced by scripts/test (bash, `set -euo pipefail`):
#
#     source scripts/postgres.sh
#     start_postgres        # exports DATABASE_URL unless it is already set
#
# When DATABASE_URL is already set, that database is used and nothing is
# started. Otherwise `start_postgres`:
#   - installs postgresql-15 with apt-get when the binaries are missing and we
#     are root (else fails with a message saying what to install);
#   - creates a fresh cluster under target/pg-test/ (trust authentication,
#     listening on 127.0.0.1 on a free port, unix socket inside that directory),
#     as the `postgres` OS user when running as root (PostgreSQL refuses to run
#     as root), else as the current user;
#   - creates the database `inzant_test` and exports DATABASE_URL for it;
#   - registers `stop_postgres` as a cleanup, run when the sourcing script exits
#     for any reason (success, failure, Ctrl-C, TERM).
#
# Cleanups compose: `add_cleanup CMD` appends CMD to the global list
# `CLEANUP_COMMANDS`, and one EXIT trap runs the list in reverse order. An
# EXIT trap set before the first `add_cleanup` is kept and run last. Other
# services (SMTP, browser) can register their own stop functions the same way.

# shellcheck source=scripts/apt.sh
source "$(dirname "${BASH_SOURCE[0]}")/apt.sh"

PG_BIN_DIR=${PG_BIN_DIR:-/usr/lib/postgresql/15/bin}
PG_TEST_DIR=""

CLEANUP_COMMANDS=()
_cleanup_trap_installed=""

_pg_say() { printf '==> %s\n' "$*"; }
_pg_fail() { printf 'scripts/postgres.sh: %s\n' "$*" >&2; return 1; }

# Runs every registered cleanup, newest first. Failures are reported but do
# not stop the other cleanups or change the script's exit status.
run_cleanups() {
    local status=$? i
    for ((i = ${#CLEANUP_COMMANDS[@]} - 1; i >= 0; i--)); do
        eval "${CLEANUP_COMMANDS[i]}" || printf 'cleanup failed: %s\n' "${CLEANUP_COMMANDS[i]}" >&2
    done
    CLEANUP_COMMANDS=()
    return "$status"
}

# Registers CMD (a shell command string) to run when the script exits.
add_cleanup() {
    local command=$1
    if [ -z "$_cleanup_trap_installed" ]; then
        local previous
        previous=$(trap -p EXIT)
        if [ -n "$previous" ]; then
            # `trap -p` prints: trap -- 'command' EXIT
            eval "set -- $previous"
            CLEANUP_COMMANDS+=("$3")
        fi
        trap run_cleanups EXIT
        # Make signals go through the EXIT trap, unless the script handles them.
        [ -n "$(trap -p INT)" ] || trap 'exit 130' INT
        [ -n "$(trap -p TERM)" ] || trap 'exit 143' TERM
        _cleanup_trap_installed=yes
    fi
    CLEANUP_COMMANDS+=("$command")
}

# Runs its arguments as the cluster's owner.
_as_pg_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

_pg_install_if_missing() {
    if [ -x "$PG_BIN_DIR/initdb" ] && [ -x "$PG_BIN_DIR/pg_ctl" ]; then
        return 0
    fi
    if [ "$(id -u)" != 0 ]; then
        _pg_fail "PostgreSQL 15 is not installed ($PG_BIN_DIR/initdb is missing). Install it (apt-get install postgresql-15), run this script as root to have it installed, or set DATABASE_URL to an existing database."
        return 1
    fi
    apt_install _pg_fail postgresql-15 || return 1
    [ -x "$PG_BIN_DIR/initdb" ] || { _pg_fail "postgresql-15 is installed but $PG_BIN_DIR/initdb is missing."; return 1; }
}

_pg_free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Stops the private cluster, if one is running. Safe to call more than once.
stop_postgres() {
    if [ -n "$PG_TEST_DIR" ] && [ -f "$PG_TEST_DIR/data/postmaster.pid" ]; then
        _pg_say "stopping the private PostgreSQL cluster"
        _as_pg_owner "$PG_BIN_DIR/pg_ctl" -D "$PG_TEST_DIR/data" -m fast -w -t 60 stop >/dev/null 2>&1 \
            || _as_pg_owner "$PG_BIN_DIR/pg_ctl" -D "$PG_TEST_DIR/data" -m immediate -w stop >/dev/null 2>&1 \
            || true
    fi
}

start_postgres() {
    if [ -n "${DATABASE_URL:-}" ]; then
        _pg_say "using the database in DATABASE_URL"
        return 0
    fi
    _pg_install_if_missing || return 1
    command -v python3 >/dev/null || { _pg_fail "python3 is needed to pick a free port."; return 1; }

    local base
    base="$(pwd)/target/pg-test"
    PG_TEST_DIR=$base
    if [ -f "$base/data/postmaster.pid" ]; then
        stop_postgres # a cluster left behind by a killed run
    fi
    rm -rf "$base"
    mkdir -p "$base/socket"
    if [ "$(id -u)" = 0 ]; then
        id -u postgres >/dev/null 2>&1 || { _pg_fail "running as root but there is no postgres OS user to run PostgreSQL as."; return 1; }
        chown -R postgres: "$base"
    fi

    _pg_say "starting a private PostgreSQL 15 cluster in $base"
    _as_pg_owner "$PG_BIN_DIR/initdb" -D "$base/data" -U postgres -A trust -E UTF8 --no-locale \
        >"$base/initdb.log" 2>&1 \
        || { cat "$base/initdb.log" >&2; _pg_fail "initdb failed (log above)."; return 1; }

    add_cleanup stop_postgres

    local port attempt started=""
    for attempt in 1 2 3 4 5; do
        port=$(_pg_free_port)
        # fsync is off: the cluster is thrown away after the tests.
        if _as_pg_owner "$PG_BIN_DIR/pg_ctl" -D "$base/data" -l "$base/postgres.log" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$base/socket -c max_connections=300 -c fsync=off -c full_page_writes=off" \
            start >/dev/null 2>&1; then
            started=yes
            break
        fi
        _pg_say "PostgreSQL did not start on port $port (attempt $attempt); retrying"
    done
    if [ -z "$started" ]; then
        cat "$base/postgres.log" >&2 || true
        _pg_fail "could not start PostgreSQL (log above)."
        return 1
    fi

    _as_pg_owner "$PG_BIN_DIR/createdb" -h 127.0.0.1 -p "$port" -U postgres inzant_test \
        || { _pg_fail "could not create the test database."; return 1; }
    export DATABASE_URL="postgres://postgres@127.0.0.1:$port/inzant_test"
    _pg_say "PostgreSQL is listening on 127.0.0.1:$port (DATABASE_URL=$DATABASE_URL)"
}
