#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server for Kith's tests and prints the URL to use as
# KITH_TEST_POSTGRES_URL. Installs Debian's postgresql when it is missing. Fails loudly:
# the PostgreSQL half of the suite must never be skipped silently.
set -euo pipefail
port=${KITH_PG_PORT:-55432}
data=${KITH_PGDATA:-/tmp/kith-pg-$port}
if ! ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then
  echo "installing postgresql from Debian packages" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
fi
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
run_as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }
if [ -f "$data/postmaster.pid" ]; then
  run_as_pg "$bin/pg_ctl -D $data -m fast stop" >&2 || true
fi
rm -rf "$data"
mkdir -p "$data"
[ "$(id -u)" = 0 ] && chown postgres:postgres "$data"
run_as_pg "$bin/initdb -D $data -A trust -U kith --no-sync" >/dev/null
run_as_pg "$bin/pg_ctl -D $data -l $data/server.log -w -o '-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200' start" >&2
echo "postgres://kith@127.0.0.1:$port/postgres"
