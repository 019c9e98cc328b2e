#!/usr/bin/env bash
# Installs the real sync clients the CardDAV tests drive: vdirsyncer (PyPI, in a venv under
# ~/.cache), litmus, and openssl and curl for the TLS test (Debian). Prints nothing on stdout;
# safe to run again.
set -euo pipefail
cache=${XDG_CACHE_HOME:-$HOME/.cache}
venv=$cache/kith-sync-venv
if [ ! -x "$venv/bin/vdirsyncer" ]; then
  echo "installing vdirsyncer into $venv" >&2
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install -q vdirsyncer >&2
fi
missing=()
for tool in litmus openssl curl; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} from Debian packages" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq "${missing[@]}" >&2
fi
