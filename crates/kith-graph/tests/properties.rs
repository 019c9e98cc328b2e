//! Property tests: every algorithm against a plain reference on small random graphs.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use kith_graph::{Graph, GraphBuilder, PageRankOptions, PageRankWeights, Path};
use proptest::prelude::*;

type EdgeList = Vec<(u32, u32, f64)>;

/// Strengths with repeats and exact 1.0 (cost 0) so that ties and zero-cost edges come up.
fn strength() -> impl Strategy<Value = f64> {
    prop_oneof![Just(1.0), Just(0.5), Just(0.25), 0.05f64..=1.0]
}

/// A random graph with `2..=max_nodes` nodes and up to `max_edges` edge insertions
/// (self-loops skipped, duplicates allowed).
fn graph(max_nodes: u32, max_edges: usize) -> impl Strategy<Value = (u32, EdgeList)> {
    (2..=max_nodes).prop_flat_map(move |n| {
        (Just(n), prop::collection::vec((0..n, 0..n, strength()), 0..=max_edges))
    })
}

fn build(n: u32, edges: &EdgeList) -> Graph {
    let mut b = GraphBuilder::new(n);
    for &(u, v, s) in edges {
        if u != v {
            b.add_edge(u, v, s).unwrap();
        }
    }
    b.build()
}

/// The merged edge set: (min, max) -> strongest strength.
fn merged(edges: &EdgeList) -> BTreeMap<(u32, u32), f64> {
    let mut m = BTreeMap::new();
    for &(u, v, s) in edges {
        if u != v {
            let e = m.entry((u.min(v), u.max(v))).or_insert(s);
            *e = f64::max(*e, s);
        }
    }
    m
}

/// Dense adjacency: `w[u][v]` strength or 0.
fn dense(n: u32, edges: &EdgeList) -> Vec<Vec<f64>> {
    let mut w = vec![vec![0.0; n as usize]; n as usize];
    for ((u, v), s) in merged(edges) {
        w[u as usize][v as usize] = s;
        w[v as usize][u as usize] = s;
    }
    w
}

/// O(n²) Dijkstra over the graph's own costs; nodes in `terminal` (other than the source)
/// are settled but not expanded.
fn reference_dijkstra(g: &Graph, s: u32, terminal: &[u32]) -> Vec<f64> {
    let n = g.node_count() as usize;
    let mut dist = vec![f64::INFINITY; n];
    let mut done = vec![false; n];
    dist[s as usize] = 0.0;
    loop {
        let next = (0..n)
            .filter(|&u| !done[u] && dist[u].is_finite())
            .min_by(|&a, &b| dist[a].total_cmp(&dist[b]));
        let Some(u) = next else { break };
        done[u] = true;
        if u as u32 != s && terminal.contains(&(u as u32)) {
            continue;
        }
        for nb in g.neighbors(u as u32).unwrap() {
            let nd = dist[u] + nb.cost;
            if nd < dist[nb.node as usize] {
                dist[nb.node as usize] = nd;
            }
        }
    }
    dist
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// A valid simple path from s to t whose cost is its left-to-right sum.
fn check_path(g: &Graph, p: &Path, s: u32, t: u32) {
    assert_eq!((p.source(), p.target()), (Some(s), Some(t)), "{p:?}");
    let mut sorted = p.nodes.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), p.nodes.len(), "not simple: {p:?}");
    assert_eq!(g.path_cost(&p.nodes).unwrap(), Some(p.cost), "{p:?}");
}

/// Every simple path from s to t with its cost, by depth-first search.
fn all_simple_paths(g: &Graph, s: u32, t: u32) -> Vec<(f64, Vec<u32>)> {
    fn go(g: &Graph, t: u32, path: &mut Vec<u32>, out: &mut Vec<(f64, Vec<u32>)>) {
        let Some(&u) = path.last() else { return };
        if u == t {
            out.push((g.path_cost(path).unwrap().unwrap(), path.clone()));
            return;
        }
        for nb in g.neighbors(u).unwrap() {
            if !path.contains(&nb.node) {
                path.push(nb.node);
                go(g, t, path, out);
                path.pop();
            }
        }
    }
    let mut out = Vec::new();
    go(g, t, &mut vec![s], &mut out);
    out.sort_by(|a, b| a.0.total_cmp(&b.0));
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn builder_gives_a_sorted_symmetric_csr_with_the_strongest_duplicate(
        (n, edges) in graph(12, 40)
    ) {
        let g = build(n, &edges);
        let m = merged(&edges);
        prop_assert_eq!(g.edge_count(), m.len());
        prop_assert_eq!(g.offsets().len(), n as usize + 1);
        for u in 0..n {
            let nbs: Vec<_> = g.neighbors(u).unwrap().collect();
            prop_assert!(nbs.windows(2).all(|w| w[0].node < w[1].node));
            for nb in nbs {
                let key = (u.min(nb.node), u.max(nb.node));
                prop_assert_eq!(m.get(&key).copied(), Some(nb.strength));
                prop_assert_eq!(g.strength(nb.node, u).unwrap(), Some(nb.strength));
                prop_assert_eq!(nb.cost, 0.0 - nb.strength.ln());
            }
        }
    }

    #[test]
    fn bidirectional_dijkstra_matches_plain_dijkstra((n, edges) in graph(40, 120)) {
        let g = build(n, &edges);
        let mut finder = g.path_finder();
        for s in 0..n {
            let dist = reference_dijkstra(&g, s, &[]);
            for t in 0..n {
                match finder.best_path(s, t).unwrap() {
                    None => prop_assert!(dist[t as usize].is_infinite(), "{s}->{t}"),
                    Some(p) => {
                        check_path(&g, &p, s, t);
                        prop_assert!(close(p.cost, dist[t as usize]), "{s}->{t}: {p:?} vs {}", dist[t as usize]);
                    }
                }
            }
        }
    }

    #[test]
    fn yen_matches_brute_force_enumeration((n, edges) in graph(7, 18), k in 1usize..10) {
        let g = build(n, &edges);
        let mut finder = g.path_finder();
        for (s, t) in [(0, n - 1), (n - 1, 0), (1, n / 2)] {
            let brute = all_simple_paths(&g, s, t);
            let yen = finder.k_best_paths(s, t, k).unwrap();
            prop_assert_eq!(yen.len(), k.min(brute.len()), "{}->{}", s, t);
            let mut seen = Vec::new();
            for (i, p) in yen.iter().enumerate() {
                check_path(&g, p, s, t);
                prop_assert!(!seen.contains(&p.nodes), "duplicate {:?}", p);
                seen.push(p.nodes.clone());
                prop_assert!(close(p.cost, brute[i].0), "{}->{} #{}: {:?} vs {:?}", s, t, i, p, brute[i]);
                if i > 0 {
                    prop_assert!(p.cost >= yen[i - 1].cost - 1e-9);
                }
            }
        }
    }

    #[test]
    fn paths_to_any_match_a_terminal_dijkstra(
        (n, edges) in graph(30, 80),
        targets in prop::collection::vec(0u32..30, 1..6),
        k in 1usize..6,
        source in 0u32..30,
    ) {
        let g = build(n, &edges);
        let source = source % n;
        let targets: Vec<u32> = targets.into_iter().map(|t| t % n).collect();
        let dist = reference_dijkstra(&g, source, &targets);
        let mut expected: Vec<f64> = targets.iter().map(|&t| (t, dist[t as usize]))
            .collect::<BTreeMap<_, _>>().into_values().filter(|d| d.is_finite()).collect();
        expected.sort_by(f64::total_cmp);
        expected.truncate(k);
        let paths = g.best_paths_to_any(source, &targets, k).unwrap();
        prop_assert_eq!(paths.len(), expected.len());
        let mut ends = Vec::new();
        for (p, want) in paths.iter().zip(&expected) {
            let end = p.target().unwrap_or(u32::MAX);
            check_path(&g, p, source, end);
            prop_assert!(targets.contains(&end));
            prop_assert!(!ends.contains(&end));
            ends.push(end);
            // No other target inside the path (the source may be one).
            if p.nodes.len() > 2 {
                prop_assert!(p.nodes[1..p.nodes.len() - 1].iter().all(|x| !targets.contains(x)));
            }
            prop_assert!(close(p.cost, *want), "{:?} vs {}", p, want);
        }
        // With one target the answer is that target's best path when the target is the only one.
        if let [t] = targets[..] {
            let best = g.best_path(source, t).unwrap().map(|p| p.cost);
            prop_assert_eq!(paths.first().map(|p| p.cost).is_some(), best.is_some());
            if let (Some(a), Some(b)) = (paths.first().map(|p| p.cost), best) {
                prop_assert!(close(a, b));
            }
        }
    }

    #[test]
    fn pagerank_sums_to_one_and_matches_dense_power_iteration(
        (n, edges) in graph(25, 60),
        unweighted in any::<bool>(),
    ) {
        let g = build(n, &edges);
        let weights = if unweighted { PageRankWeights::Unweighted } else { PageRankWeights::Strength };
        let options = PageRankOptions { tolerance: 1e-13, max_iterations: 2000, weights, ..Default::default() };
        let pr = g.pagerank(&options).unwrap();
        prop_assert!(pr.converged);
        prop_assert!((pr.scores.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        prop_assert!(pr.scores.iter().all(|&x| x > 0.0));
        // Dense reference: the same iteration with a full matrix.
        let mut w = dense(n, &edges);
        if unweighted {
            w.iter_mut().flatten().for_each(|x| if *x > 0.0 { *x = 1.0 });
        }
        let nn = n as usize;
        let totals: Vec<f64> = w.iter().map(|row| row.iter().sum()).collect();
        let mut x = vec![1.0 / nn as f64; nn];
        for _ in 0..2000 {
            let dangling: f64 = (0..nn).filter(|&u| totals[u] == 0.0).map(|u| x[u]).sum();
            let next: Vec<f64> = (0..nn).map(|v| {
                let inflow: f64 = (0..nn).filter(|&u| totals[u] > 0.0).map(|u| x[u] * w[u][v] / totals[u]).sum();
                0.15 / nn as f64 + 0.85 * (inflow + dangling / nn as f64)
            }).collect();
            x = next;
        }
        for (a, b) in pr.scores.iter().zip(&x) {
            prop_assert!((a - b).abs() < 1e-10, "{} vs {}", a, b);
        }
    }

    #[test]
    fn constraint_matches_the_dense_formula((n, edges) in graph(14, 50)) {
        let g = build(n, &edges);
        let w = dense(n, &edges);
        let nn = n as usize;
        let p = |i: usize, j: usize| {
            let total: f64 = w[i].iter().sum();
            if total == 0.0 { 0.0 } else { w[i][j] / total }
        };
        let all = g.constraint_all();
        for u in 0..nn {
            let expected = if w[u].iter().all(|&x| x == 0.0) {
                None
            } else {
                Some((0..nn).filter(|&v| w[u][v] > 0.0).map(|v| {
                    let indirect: f64 = (0..nn).filter(|&q| q != v && q != u).map(|q| p(u, q) * p(q, v)).sum();
                    (p(u, v) + indirect).powi(2)
                }).sum::<f64>())
            };
            let one = g.constraint(u as u32).unwrap();
            for got in [one, all[u]] {
                match (got, expected) {
                    (Some(a), Some(b)) => prop_assert!((a - b).abs() < 1e-12, "{}: {} vs {}", u, a, b),
                    (a, b) => prop_assert_eq!(a, b),
                }
            }
        }
    }

    #[test]
    fn components_agree_with_reachability((n, edges) in graph(30, 40)) {
        let g = build(n, &edges);
        let c = g.connected_components();
        prop_assert_eq!(c.sizes.iter().map(|&s| s as usize).sum::<usize>(), n as usize);
        for s in 0..n {
            let dist = reference_dijkstra(&g, s, &[]);
            for t in 0..n {
                prop_assert_eq!(
                    c.component[s as usize] == c.component[t as usize],
                    dist[t as usize].is_finite()
                );
            }
            let size = dist.iter().filter(|d| d.is_finite()).count();
            prop_assert_eq!(c.sizes[c.component[s as usize] as usize] as usize, size);
        }
        // Ids in order of each component's lowest node.
        let mut next = 0;
        for &id in &c.component {
            prop_assert!(id <= next);
            if id == next { next += 1; }
        }
    }
}
