#!/usr/bin/env bash
# A throwaway PostgreSQL server for the ledger's test suite, for CI (root on a fresh Debian
# machine with only the Rust toolchain) and for developers.
#
#   crates/settle-ledger/ci-postgres.sh          installs PostgreSQL if needed, starts a cluster
#                                                on 127.0.0.1 at a free port, prints
#                                                SETTLE_TEST_POSTGRES=postgres://settle@127.0.0.1:PORT/settle_test
#   source crates/settle-ledger/ci-postgres.sh   the same, and exports SETTLE_TEST_POSTGRES
#   crates/settle-ledger/ci-postgres.sh --stop   stops the cluster and removes its folder
#
# Idempotent: PostgreSQL already installed is not installed again, and a cluster this script
# already started is reused (same URL). The cluster lives in $SETTLE_PG_DIR (default
# ${TMPDIR:-/tmp}/settle-ci-postgres), owned by the `postgres` user when run as root, listens
# on 127.0.0.1 only and trusts local connections: it is for tests, never for data.
# Progress goes to stderr; stdout carries only the SETTLE_TEST_POSTGRES=... line.

if [[ "${BASH_SOURCE[0]}" != "$0" ]]; then
    # Sourced: run as a child so that its `set -e` and variables stay out of the caller's shell.
    _settle_pg_line="$(bash "${BASH_SOURCE[0]}" "$@")" || return 1
    if [[ "$_settle_pg_line" == SETTLE_TEST_POSTGRES=* ]]; then
        export SETTLE_TEST_POSTGRES="${_settle_pg_line#SETTLE_TEST_POSTGRES=}"
        echo "exported SETTLE_TEST_POSTGRES=$SETTLE_TEST_POSTGRES" >&2
    fi
    unset _settle_pg_line
    return 0
fi

set -euo pipefail

dir="${SETTLE_PG_DIR:-${TMPDIR:-/tmp}/settle-ci-postgres}"
data="$dir/data"
role=settle
database=settle_test

say() { echo "ci-postgres: $*" >&2; }

find_bin() {
    local d
    d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    if [[ -n "$d" && -x "$d/initdb" ]]; then
        echo "$d"
    fi
}

# Runs a command as the cluster's owner: `postgres` when we are root (initdb refuses root).
as_owner() {
    if [[ "$(id -u)" == 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

bin="$(find_bin)"

if [[ "${1:-}" == "--stop" ]]; then
    if [[ -n "$bin" && -f "$data/postmaster.pid" ]]; then
        as_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >&2 || true
    fi
    rm -rf "$dir"
    say "stopped and removed $dir"
    exit 0
fi

if [[ -z "$bin" ]]; then
    if [[ "$(id -u)" != 0 ]]; then
        say "PostgreSQL is not installed and installing it needs root"
        exit 1
    fi
    say "installing PostgreSQL (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends postgresql >&2
    bin="$(find_bin)"
    if [[ -z "$bin" ]]; then
        say "apt-get installed postgresql but no initdb was found under /usr/lib/postgresql"
        exit 1
    fi
else
    say "PostgreSQL already installed ($bin)"
fi

# Reuse a cluster this script started before, if it still answers.
if [[ -f "$dir/port" && -f "$data/postmaster.pid" ]]; then
    port="$(cat "$dir/port")"
    if "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; then
        say "reusing the running cluster in $dir"
        echo "SETTLE_TEST_POSTGRES=postgres://$role@127.0.0.1:$port/$database"
        exit 0
    fi
fi

rm -rf "$dir"
mkdir -p "$dir"
if [[ "$(id -u)" == 0 ]]; then
    chown postgres:postgres "$dir"
fi
as_owner "$bin/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
    as_owner "$bin/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2
    exit 1
}

started=""
for port in $(seq 54330 54399); do
    if port_in_use "$port"; then
        continue
    fi
    if as_owner "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 30 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1" start >&2; then
        started="$port"
        break
    fi
done
if [[ -z "$started" ]]; then
    say "could not start PostgreSQL on any port in 54330-54399"
    tail -n 20 "$dir/server.log" >&2 || true
    exit 1
fi
port="$started"
echo "$port" >"$dir/port"

psql=("$bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres)
"${psql[@]}" -c "CREATE ROLE $role LOGIN" >&2
"${psql[@]}" -c "CREATE DATABASE $database OWNER $role" >&2
say "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port, data in $data"
echo "SETTLE_TEST_POSTGRES=postgres://$role@127.0.0.1:$port/$database"
