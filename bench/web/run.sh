#!/usr/bin/env bash
# Web benchmark (issue: web app). With 100k contacts / 1M interactions in SQLite, prints:
#   - each page's first load (nothing kept yet), its time right after a change (an interaction
#     logged through the API), and the median of 20 loads in a row;
#   - requests per second for the API GET of one contact under wrk (2 threads, 32
#     connections, 10 s; wrk shares the 2 cores with the server), with the error count;
#   - kith serve's resident memory after all of that, and its peak.
# Three goals are set first (conversations and reconnections per month, new people per week).
# Usage: bash bench/web/run.sh [DB_FILE]
#   DB_FILE: an existing Kith SQLite database to measure (copied first); without it, one is
#   generated with kith-bench (100k contacts, 1M interactions; about two minutes).
# Needs curl, python3 and wrk (Debian package `wrk`).
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK=$(mktemp -d)
PORT=${KITH_BENCH_PORT:-7891}
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
command -v wrk > /dev/null || { echo "wrk is missing (apt-get install wrk)"; exit 1; }
cargo build --release -q -p kith-cli -p kith-bench
if [ -n "${1:-}" ]; then
  cp "$1" "$WORK/web.db"
else
  target/release/kith-bench --db "sqlite://$WORK/web.db" --queries 10 | grep -E "^(insert|stored)"
fi
# Goals as a user keeps them: Today and Goals show their progress over a year of history.
for goal in "conversations 20 --per month" "reconnect 2 --per month" "new-people 4 --per week"; do
  # shellcheck disable=SC2086
  target/release/kith --db "sqlite://$WORK/web.db" goal add $goal > /dev/null
done
target/release/kith --db "sqlite://$WORK/web.db" serve --listen "127.0.0.1:$PORT" > "$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$PORT/api/v1/contacts?limit=1" && break; sleep 0.2; done
python3 bench/web/pages.py "http://127.0.0.1:$PORT" "$SERVER"
ID=$(curl -s "http://127.0.0.1:$PORT/api/v1/contacts?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
echo "API GET /api/v1/contacts/{id}, wrk -t2 -c32 -d10s:"
wrk -t2 -c32 -d10s "http://127.0.0.1:$PORT/api/v1/contacts/$ID" | grep -E "Requests/sec|Non-2xx|Socket errors|Latency" || true
grep -E "VmRSS|VmHWM" "/proc/$SERVER/status" | sed 's/^/kith serve memory: /'
