#!/usr/bin/env bash
# CardDAV speed against peers, same machine, same run: Kith, Radicale and Xandikos (both from
# PyPI, on loopback with a folder store). For each: PUT/s with one client, an initial
# sync-collection, a multiget of 500, and sync-collection under load (wrk, 10 s, 8
# connections). Then litmus's basic and props suites against Kith's DAV root.
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

export KITH_DATABASE_URL="sqlite://$work/kith.db" HOME_BACKUP=$HOME
KITH_PASSWORD=bench-password-1 target/release/kith auth set-password >/dev/null
secret=$(target/release/kith auth app-password create --name bench 2>/dev/null)
target/release/kith serve --listen 127.0.0.1:7901 2>"$work/kith.log" & pids+=($!)
"$venv/bin/radicale" --storage-filesystem-folder="$work/radicale" --auth-type=none \
  --server-hosts=127.0.0.1:7902 --logging-level=warning 2>"$work/radicale.log" & pids+=($!)
"$venv/bin/xandikos" serve -d "$work/xandikos" --defaults -l 127.0.0.1 -p 7903 \
  2>"$work/xandikos.log" & pids+=($!)
wait_port 7901; wait_port 7902; wait_port 7903
# Radicale creates an address book with an extended MKCOL, under its user collection.
curl -s -o /dev/null -X MKCOL http://127.0.0.1:7902/bench/
curl -s -o /dev/null -X MKCOL http://127.0.0.1:7902/bench/book/ -H 'Content-Type: application/xml' \
  --data '<?xml version="1.0"?><d:mkcol xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:carddav"><d:set><d:prop><d:resourcetype><d:collection/><c:addressbook/></d:resourcetype></d:prop></d:set></d:mkcol>'

kith_auth="Basic $(printf 'kith:%s' "$secret" | base64 -w0)"
declare -A url=(
  [kith]=http://127.0.0.1:7901/dav/addressbooks/kith/default/
  [radicale]=http://127.0.0.1:7902/bench/book/
  [xandikos]=http://127.0.0.1:7903/user/contacts/addressbook/
)
for s in kith radicale xandikos; do
  if [ "$s" = kith ]; then
    python3 "$here/bench.py" "$s" "${url[$s]}" kith "$secret" --cards "$cards"
    auth=$kith_auth
  else
    python3 "$here/bench.py" "$s" "${url[$s]}" --cards "$cards"
    auth=
  fi
  KITH_BENCH_AUTH=$auth wrk -t2 -c8 -d10s -s "$here/sync.lua" "${url[$s]}" \
    | awk -v s="$s" '/Requests\/sec/ {print "{\"server\": \"" s "\", \"loaded_sync_per_s\": " $2 "}"} /Non-2xx/ {print "{\"server\": \"" s "\", \"non_2xx\": " $4 "}"}'
  rss=$(ps -o rss= -p "${pids[$([ $s = kith ] && echo 0 || ([ $s = radicale ] && echo 1 || echo 2))]}" | tr -d ' ')
  echo "{\"server\": \"$s\", \"rss_mb\": $((rss / 1024))}"
done

echo "== litmus (basic, props) against Kith's DAV root"
TESTS="basic props" litmus -k http://127.0.0.1:7901/dav/ kith "$secret" 2>&1 | grep -E "summary|FAIL" || true
