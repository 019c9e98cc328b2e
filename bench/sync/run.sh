#!/usr/bin/env bash
# CardDAV speed against peers, same machine, same run: Kith, Radicale and Xandikos (both from
# PyPI, on loopback with a folder store). For each: PUT/s with one client over the last 1,000
# cards, an initial sync-collection, a multiget of 500, and sync-collection under load (wrk,
# 10 s, 8 connections). Then litmus's basic and props suites against Kith's DAV root.
#
# Kith receives every card by PUT. Radicale and Xandikos get all but the last 1,000 written
# straight into their folder stores first (PUTting 10,000 cards into them takes most of an
# hour: each PUT gets slower as the collection grows); the measured PUTs then go into a book of
# the same size in all three.
#
#   bash bench/sync/run.sh [CARDS]      (default 10000)
set -euo pipefail
cd "$(dirname "$0")/../.."
cards=${1:-10000}
here=$PWD/bench/sync
bash .ci/sync-clients.sh
venv=${XDG_CACHE_HOME:-$HOME/.cache}/kith-sync-venv
[ -x "$venv/bin/radicale" ] || "$venv/bin/pip" install -q radicale xandikos >&2
command -v wrk >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >&2; }
cargo build --release -q -p kith-cli
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
wait_port() { for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 never opened" >&2; exit 1; }

# One server at a time: each runs alone while it is measured.
measure() { # NAME URL PID [USER PASSWORD]
  local name=$1 url=$2 pid=$3 auth=
  if [ $# -ge 5 ]; then
    python3 "$here/bench.py" "$name" "$url" "$4" "$5" --cards "$cards"
    auth="Basic $(printf '%s:%s' "$4" "$5" | base64 -w0)"
  else
    python3 "$here/bench.py" "$name" "$url" --cards "$cards" --preloaded "$preload"
  fi
  KITH_BENCH_AUTH=$auth wrk -t2 -c8 -d10s -s "$here/sync.lua" "$url" \
    | awk -v s="$name" '/Requests\/sec/ {print "{\"server\": \"" s "\", \"loaded_sync_per_s\": " $2 "}"} /Non-2xx/ {print "{\"server\": \"" s "\", \"non_2xx\": " $4 "}"}'
  echo "{\"server\": \"$name\", \"rss_mb\": $(( $(ps -o rss= -p "$pid" | tr -d ' ') / 1024 ))}"
}
preload=$(( cards > 1000 ? cards - 1000 : 0 ))

export KITH_DATABASE_URL="sqlite://$work/kith.db"
KITH_PASSWORD=bench-password-1 target/release/kith auth set-password >/dev/null
secret=$(target/release/kith auth app-password create --name bench 2>/dev/null)
target/release/kith serve --listen 127.0.0.1:7901 2>"$work/kith.log" & kith_pid=$!; pids+=($kith_pid)
wait_port 7901
measure kith http://127.0.0.1:7901/dav/addressbooks/kith/default/ "$kith_pid" kith "$secret"
echo "== litmus (basic, props) against Kith's DAV root"
# litmus writes debug.log and child.log into the current folder: keep them out of the repo.
(cd "$work" && TESTS="basic props" litmus -k http://127.0.0.1:7901/dav/ kith "$secret" 2>&1 | grep -E "summary|FAIL") || true
kill "$kith_pid"

"$venv/bin/radicale" --storage-filesystem-folder="$work/radicale" --auth-type=none \
  --server-hosts=127.0.0.1:7902 --logging-level=warning 2>"$work/radicale.log" & rad_pid=$!; pids+=($rad_pid)
wait_port 7902
# Radicale creates an address book with an extended MKCOL, under its user collection.
curl -s -o /dev/null -X MKCOL http://127.0.0.1:7902/bench/
curl -s -o /dev/null -X MKCOL http://127.0.0.1:7902/bench/book/ -H 'Content-Type: application/xml' \
  --data '<?xml version="1.0"?><d:mkcol xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:carddav"><d:set><d:prop><d:resourcetype><d:collection/><c:addressbook/></d:resourcetype></d:prop></d:set></d:mkcol>'
python3 "$here/bench.py" preload "$work/radicale/collection-root/bench/book" "$preload"
measure radicale http://127.0.0.1:7902/bench/book/ "$rad_pid"
kill "$rad_pid"

# Xandikos creates its address book (a git working tree) on a first start; preload, commit,
# start again.
"$venv/bin/xandikos" serve -d "$work/xandikos" --defaults -l 127.0.0.1 -p 7903 2>/dev/null & xp=$!
wait_port 7903; kill $xp; wait $xp 2>/dev/null || true
book=$work/xandikos/user/contacts/addressbook
python3 "$here/bench.py" preload "$book" "$preload"
git -C "$book" add -A && git -C "$book" -c user.name=bench -c user.email=bench@example.org commit -qm preload
"$venv/bin/xandikos" serve -d "$work/xandikos" -l 127.0.0.1 -p 7903 2>"$work/xandikos.log" & xan_pid=$!; pids+=($xan_pid)
wait_port 7903
measure xandikos http://127.0.0.1:7903/user/contacts/addressbook/ "$xan_pid"
