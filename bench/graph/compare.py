#!/usr/bin/env python3
"""Run the Rust benchmark's queries through networkx and igraph and compare.

Reads OUT/edges.tsv, OUT/queries.tsv, OUT/rust_paths.tsv, OUT/rust_kbest.tsv,
OUT/summary.json (written by `kith-graph-bench --out OUT`), then for every query:
  - networkx: nx.bidirectional_dijkstra(G, s, t, weight="cost")
  - igraph:   g.distances(s, t, weights="cost")       (Dijkstra from s)
              g.get_shortest_path(s, t, weights="cost") (Dijkstra from s, stops at t)
after one untimed warm-up pass (as the Rust bench does), times each call, checks that every cost agrees with Rust's within 1e-6 relative (exit 1 if
not), and prints per-query figures and the speedups. Also checks the first k=3 paths against
networkx's shortest_simple_paths (Yen) on a sample, PageRank against igraph, and Burt's
constraint against networkx on a sample of nodes.

Usage: compare.py OUT [--kbest-sample N] [--skip-networkx] [--skip-igraph]
"""

import argparse
import itertools
import json
import math
import statistics
import sys
import time
from pathlib import Path

REL_TOL = 1e-6


def read_edges(out):
    edges = []
    nodes = None
    with open(out / "edges.tsv") as f:
        for line in f:
            if line.startswith("#"):
                for part in line[1:].split():
                    if part.startswith("nodes="):
                        nodes = int(part[6:])
                continue
            u, v, s, c = line.split("\t")
            edges.append((int(u), int(v), float(s), float(c)))
    return nodes, edges


def read_tsv(path):
    with open(path) as f:
        return [line.rstrip("\n").split("\t") for line in f if not line.startswith("#")]


def agree(a, b):
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= REL_TOL * max(abs(a), abs(b), 1e-12)


def pct(values, p):
    s = sorted(values)
    i = max(1, math.ceil(p * len(s))) - 1
    return s[i]


def fmt_ms(seconds):
    ms = seconds * 1e3
    return f"{ms * 1e3:.1f} µs" if ms < 1 else f"{ms:.2f} ms"


def stats(times):
    return {
        "mean": statistics.fmean(times),
        "p50": pct(times, 0.5),
        "p99": pct(times, 0.99),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("--kbest-sample", type=int, default=50,
                    help="queries whose k best paths are checked against networkx (0: none)")
    ap.add_argument("--skip-networkx", action="store_true")
    ap.add_argument("--skip-igraph", action="store_true")
    args = ap.parse_args()
    out = args.out

    summary = json.loads((out / "summary.json").read_text())
    n, edges = read_edges(out)
    queries = [(int(s), int(t)) for s, t in read_tsv(out / "queries.tsv")]
    rust = {}
    rust_times = []
    for row in read_tsv(out / "rust_paths.tsv"):
        s, t, cost, _hops, nanos = row
        rust[(int(s), int(t))] = math.inf if cost == "none" else float(cost)
        rust_times.append(int(nanos) * 1e-9)
    print(f"graph: {n} nodes, {len(edges)} edges; {len(queries)} queries")

    failures = []
    rows = [("kith-graph (Rust)", stats(rust_times))]

    if not args.skip_networkx:
        import networkx as nx
        t0 = time.perf_counter()
        G = nx.Graph()
        G.add_nodes_from(range(n))
        G.add_edges_from((u, v, {"cost": c, "strength": s}) for u, v, s, c in edges)
        print(f"networkx {nx.__version__}: graph built in {time.perf_counter() - t0:.2f} s")
        for s, t in queries:  # warm-up pass, as the Rust bench does
            try:
                nx.bidirectional_dijkstra(G, s, t, weight="cost")
            except nx.NetworkXNoPath:
                pass
        times = []
        for s, t in queries:
            t0 = time.perf_counter()
            try:
                cost, _path = nx.bidirectional_dijkstra(G, s, t, weight="cost")
            except nx.NetworkXNoPath:
                cost = math.inf
            times.append(time.perf_counter() - t0)
            if not agree(cost, rust[(s, t)]):
                failures.append(f"networkx {s}->{t}: {cost!r} vs Rust {rust[(s, t)]!r}")
        rows.append(("networkx bidirectional_dijkstra", stats(times)))

        if args.kbest_sample:
            kb = read_tsv(out / "rust_kbest.tsv")[: args.kbest_sample]
            k = summary["k"]
            ktimes = []
            for s, t, costs, _nanos in kb:
                s, t = int(s), int(t)
                t0 = time.perf_counter()
                paths = list(itertools.islice(
                    nx.shortest_simple_paths(G, s, t, weight="cost"), k))
                ktimes.append(time.perf_counter() - t0)
                want = [nx.path_weight(G, p, "cost") for p in paths]
                got = [float(c) for c in costs.split(",") if c]
                if len(want) != len(got) or not all(agree(a, b) for a, b in zip(want, got)):
                    failures.append(f"k-best {s}->{t}: networkx {want} vs Rust {got}")
            rows.append((f"networkx shortest_simple_paths k={k} (first {len(kb)})",
                         stats(ktimes)))
            rust_k = [int(r[3]) * 1e-9 for r in kb]
            rows.append((f"kith-graph k_best_paths k={k} (same {len(kb)})", stats(rust_k)))

        cpath = out / "rust_constraint.tsv"
        if cpath.exists():
            sample = [(int(a), b) for a, b in read_tsv(cpath)][:50]
            t0 = time.perf_counter()
            want = nx.constraint(G, nodes=[a for a, _ in sample], weight="strength")
            elapsed = time.perf_counter() - t0
            for node, got in sample:
                w = want[node]
                g = math.nan if got == "none" else float(got)
                if not ((math.isnan(w) and math.isnan(g)) or agree(w, g)):
                    failures.append(f"constraint {node}: networkx {w} vs Rust {g}")
            print(f"constraint: {len(sample)} nodes checked against networkx "
                  f"({elapsed:.2f} s in networkx)")

    if not args.skip_igraph:
        import igraph as ig
        t0 = time.perf_counter()
        g = ig.Graph(n=n, edges=[(u, v) for u, v, _s, _c in edges])
        g.es["cost"] = [c for _u, _v, _s, c in edges]
        g.es["strength"] = [s for _u, _v, s, _c in edges]
        print(f"igraph {ig.__version__}: graph built in {time.perf_counter() - t0:.2f} s")
        for s, t in queries:  # warm-up pass
            g.distances(source=s, target=t, weights="cost")
        times = []
        for s, t in queries:
            t0 = time.perf_counter()
            cost = g.distances(source=s, target=t, weights="cost")[0][0]
            times.append(time.perf_counter() - t0)
            if not agree(cost, rust[(s, t)]):
                failures.append(f"igraph {s}->{t}: {cost!r} vs Rust {rust[(s, t)]!r}")
        rows.append(("igraph distances", stats(times)))
        times = []
        for s, t in queries:
            t0 = time.perf_counter()
            path = g.get_shortest_path(s, to=t, weights="cost", output="epath")
            times.append(time.perf_counter() - t0)
            cost = sum(g.es[e]["cost"] for e in path) if path or s == t else math.inf
            if not agree(cost, rust[(s, t)]):
                failures.append(f"igraph path {s}->{t}: {cost!r} vs Rust {rust[(s, t)]!r}")
        rows.append(("igraph get_shortest_path", stats(times)))

        prpath = out / "rust_pagerank.tsv"
        if prpath.exists():
            t0 = time.perf_counter()
            want = g.pagerank(damping=0.85, weights="strength")
            elapsed = time.perf_counter() - t0
            got = [float(r[1]) for r in read_tsv(prpath)]
            worst = max(abs(a - b) / b for a, b in zip(got, want))
            print(f"pagerank: max relative difference to igraph {worst:.1e} "
                  f"(igraph PRPACK {fmt_ms(elapsed)}, kith-graph "
                  f"{summary['pagerank']['ms']:.2f} ms, {summary['pagerank']['iterations']} "
                  "iterations)")
            if worst > 1e-3:
                failures.append(f"pagerank differs from igraph by {worst:.1e} relative")

    base = rows[0][1]
    print()
    print(f"{'per query':<52}{'mean':>11}{'p50':>11}{'p99':>11}{'× Rust (mean)':>15}"
          f"{'× Rust (p50)':>14}")
    for name, st in rows:
        ref = base
        if name.startswith("networkx shortest_simple_paths"):
            ref = next(r for nm, r in rows if nm.startswith("kith-graph k_best_paths"))
        speed = ""
        if st is not base and not name.startswith("kith-graph"):
            speed = f"{st['mean'] / ref['mean']:>14.0f}×{st['p50'] / ref['p50']:>13.0f}×"
        print(f"{name:<52}{fmt_ms(st['mean']):>11}{fmt_ms(st['p50']):>11}"
              f"{fmt_ms(st['p99']):>11}{speed}")
    print()
    if failures:
        print(f"FAILED: {len(failures)} disagreements", file=sys.stderr)
        for f in failures[:20]:
            print("  " + f, file=sys.stderr)
        sys.exit(1)
    checked = len(queries)
    print(f"OK: all {checked} path costs agree with networkx and igraph within {REL_TOL:g} "
          "relative" + (f"; k-best costs agree on {args.kbest_sample} queries"
                        if args.kbest_sample and not args.skip_networkx else ""))
    nx_row = next((st for nm, st in rows if nm.startswith("networkx bidirectional")), None)
    if nx_row:
        factor = nx_row["mean"] / base["mean"]
        verdict = "meets" if factor >= 100 else "MISSES"
        print(f"speedup over networkx (mean per query): {factor:.0f}× — {verdict} the ≥ 100× target")


if __name__ == "__main__":
    main()
