#!/usr/bin/env bash
# kith-graph benchmark: Rust vs networkx and igraph on the same synthetic network.
#
#   bench/graph/run.sh            # 20k people / 100k ties (+ peers), then 1M / 10M (Rust only)
#   SKIP_BIG=1 bench/graph/run.sh # only the 20k graph
#   BIG_IGRAPH=1 bench/graph/run.sh  # also run igraph on 1M / 10M (slow: it runs a full
#                                    # Dijkstra per query; about 2 GB of Python memory)
#
# networkx is not run on 1M / 10M: building that graph takes many GB and minutes, and 200
# queries at its speed take far longer than the benchmark is worth.
#
# Installs networkx and igraph from PyPI into bench/graph/.venv on first use. Respects an
# externally set CARGO_TARGET_DIR. Output goes to bench/graph/out/ (git-ignored). Fails if any
# path cost disagrees with networkx or igraph by more than 1e-6 relative.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
seed="${SEED:-42}"
out="$here/out"
mkdir -p "$out"

venv="$here/.venv"
if ! "$venv/bin/python" -c 'import networkx, igraph' 2>/dev/null; then
  echo "== installing networkx and igraph into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --upgrade pip
  "$venv/bin/pip" install --quiet networkx igraph
fi

echo "== building kith-graph-bench (release)"
cargo build --release --quiet -p kith-graph --bin kith-graph-bench
bench="${CARGO_TARGET_DIR:-$root/target}/release/kith-graph-bench"

echo
echo "== 20k people / 100k ties"
"$bench" --nodes 20000 --edges 100000 --seed "$seed" --queries 200 --k 3 --out "$out/20k"
echo
"$venv/bin/python" "$here/compare.py" "$out/20k"

if [ -z "${SKIP_BIG:-}" ]; then
  echo
  echo "== 1M people / 10M ties (Rust only; networkx skipped: too slow and too large)"
  if [ -n "${BIG_IGRAPH:-}" ]; then
    "$bench" --nodes 1000000 --edges 10000000 --seed "$seed" --queries 200 --k 3 \
      --no-constraint --out "$out/1m"
    "$venv/bin/python" "$here/compare.py" "$out/1m" --skip-networkx
  else
    "$bench" --nodes 1000000 --edges 10000000 --seed "$seed" --queries 200 --k 3 \
      --no-constraint --no-edge-list --out "$out/1m"
  fi
  python3 - "$out/1m/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
bp, pr = s["best_path"], s["pagerank"]
ok = bp["p50_ms"] < 50 and pr["ms"] < 5000
print(f"1M/10M: build {s['build_ms'] / 1e3:.2f} s; best_path p50 {bp['p50_ms']:.2f} ms "
      f"(target < 50 ms), p99 {bp['p99_ms']:.2f} ms; k=3 p50 {s['k_best_paths']['p50_ms']:.2f} ms; "
      f"PageRank {pr['ms'] / 1e3:.2f} s in {pr['iterations']} iterations (target < 5 s) -> "
      + ("targets met" if ok else "TARGETS MISSED"))
PY
fi
