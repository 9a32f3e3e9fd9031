#!/usr/bin/env bash
# Load test of the web desk (docs/performance.md, "The web desk"): starts `settle serve` in local
# mode on a seeded ledger on 127.0.0.1 and measures, with wrk, the claim page (GET) and recording
# a round (POST), each bounded to 10 s: at full rate on 4 connections, and paced (wrk cannot fix
# a rate: each connection waits between requests) to about 210 requests a second for the page
# and 100 for the writes. Loopback only; every run stops by itself.
#
#   crates/settle-web/bench/load.sh sqlite
#   SETTLE_TEST_POSTGRES=postgres://settle@127.0.0.1:54330/settle_test crates/settle-web/bench/load.sh postgres
#
# Needs wrk (Debian: apt-get install wrk) and a release build (cargo build --profile release-lto
# --locked -p settle-cli, else --release); SETTLE_BIN names another binary.
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
here="$root/crates/settle-web/bench"
target="${CARGO_TARGET_DIR:-$root/target}"
bin="${SETTLE_BIN:-$target/release-lto/settle}"
[[ -n "${SETTLE_BIN:-}" || -x "$bin" ]] || bin="$target/release/settle"
backend="${1:-sqlite}"
duration="${DURATION:-10s}"
port="${PORT:-18181}"
claims=8
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }
[[ -x "$bin" ]] || { echo "no $bin: cargo build --profile release-lto --locked -p settle-cli" >&2; exit 2; }

work="$(mktemp -d)"
server=""
cleanup() {
  if [[ -n "$server" ]]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

case "$backend" in
  sqlite) db="$work/ledger.db" ;;
  postgres)
    url="${SETTLE_TEST_POSTGRES:?set SETTLE_TEST_POSTGRES (crates/settle-ledger/ci-postgres.sh)}"
    psql -q "$url" -c "DROP SCHEMA IF EXISTS web_load CASCADE; CREATE SCHEMA web_load" >/dev/null
    sep='?'; [[ "$url" == *\?* ]] && sep='&'
    db="${url}${sep}options=-c%20search_path%3Dweb_load"
    ;;
  *) echo "usage: $0 sqlite|postgres" >&2; exit 2 ;;
esac

export SETTLE_NOW=2024-03-12T09:00:00Z SETTLE_USER=load
"$bin" claim new --db "$db" --from "$root/examples/claims/trial-order-failures.toml" >/dev/null
for i in $(seq 1 "$claims"); do
  sed "s/^id = .*/id = \"LOAD-$i\"/" "$root/examples/claims/tiles-transit-damage.toml" > "$work/c.toml"
  "$bin" claim new --db "$db" --from "$work/c.toml" >/dev/null
done

"$bin" serve --db "$db" --listen "127.0.0.1:$port" 2>"$work/serve.log" &
server=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/" -o "$work/desk.html" && break
  sleep 0.1
done
csrf="$(grep -o 'name="csrf" value="[0-9a-f]*"' "$work/desk.html" | head -n 1 | cut -d'"' -f4)"
page="http://127.0.0.1:$port/claims/EX-001-TRIAL"
curl -fs "$page" | grep -q 'Next move' || { echo "the claim page does not answer" >&2; exit 1; }

echo "== $backend: claim page, full rate, 4 connections, $duration"
wrk -t2 -c4 -d"$duration" --latency "$page"
echo "== $backend: claim page, paced to about 210 requests/s (12 connections, 55 ms apart), $duration"
PACE_MS=55 wrk -t2 -c12 -d"$duration" --latency -s "$here/paced.lua" "$page"
echo "== $backend: record a round, full rate, 4 connections (one claim each), $duration"
SETTLE_CSRF="$csrf" wrk -t4 -c4 -d"$duration" --latency -s "$here/record.lua" "http://127.0.0.1:$port"
echo "== $backend: record a round, paced to about 100 requests/s (4 connections, 40 ms apart), $duration"
SETTLE_CSRF="$csrf" CLAIM_OFFSET=4 PACE_MS=40 wrk -t4 -c4 -d"$duration" --latency -s "$here/record.lua" "http://127.0.0.1:$port"
total=0
for i in $(seq 1 "$claims"); do
  n="$("$bin" claim show --db "$db" "LOAD-$i" --format json | grep -c '"recorded_by": "load"' || true)"
  total=$((total + n))
done
echo "== $backend: $total rounds written in all, none refused (wrk lists refusals as non-2xx or 3xx responses)"
