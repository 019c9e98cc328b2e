//! Best paths: the reusable [`PathFinder`], bidirectional Dijkstra and the multi-target search.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};

use crate::error::GraphError;
use crate::graph::{Graph, NONE};

/// A path through the graph: the people in order and what it costs.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    /// The nodes from the source to the target, both included; no node appears twice.
    pub nodes: Vec<u32>,
    /// The sum of `-ln(strength)` over the path's ties, added up from the source.
    pub cost: f64,
}

impl Path {
    /// The product of the strengths of the path's ties, `exp(-cost)`: 1 for a single node.
    pub fn strength(&self) -> f64 {
        (-self.cost).exp()
    }

    /// How many ties the path has (one less than its nodes).
    pub fn hops(&self) -> usize {
        self.nodes.len().saturating_sub(1)
    }

    /// The first node.
    pub fn source(&self) -> Option<u32> {
        self.nodes.first().copied()
    }

    /// The last node.
    pub fn target(&self) -> Option<u32> {
        self.nodes.last().copied()
    }
}

/// A heap entry; the ordering is reversed so that `BinaryHeap` pops the smallest distance
/// (ties by the smaller node, so that results do not depend on insertion order).
#[derive(Clone, Copy, PartialEq)]
struct Entry {
    dist: f64,
    node: u32,
}

impl Eq for Entry {}

impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        other.dist.total_cmp(&self.dist).then_with(|| other.node.cmp(&self.node))
    }
}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// One direction of a search: the tentative distance and predecessor of every node, the heap,
/// and the nodes this search has reached (`touched`), which are the only ones reset before
/// the next search.
///
/// Nodes are not flagged as settled: a node is settled once its heap entry with its current
/// distance has been popped, and after that every relaxation offers a distance no smaller
/// (costs are non-negative), so it is never touched again. A heap entry whose distance is
/// larger than the node's is stale and skipped (pushes happen only on strict improvement, so
/// there is exactly one live entry per reached, unsettled node).
struct Side {
    dist: Vec<f64>,
    pred: Vec<u32>,
    touched: Vec<u32>,
    heap: BinaryHeap<Entry>,
}

impl Side {
    fn new(n: usize) -> Self {
        Self {
            dist: vec![f64::INFINITY; n],
            pred: vec![NONE; n],
            touched: Vec::new(),
            heap: BinaryHeap::new(),
        }
    }

    /// Forgets the previous search (only the nodes it reached) and starts from `root`.
    fn start(&mut self, root: u32) {
        for &v in &self.touched {
            self.dist[v as usize] = f64::INFINITY;
        }
        self.touched.clear();
        self.heap.clear();
        self.improve(root, f64::INFINITY, 0.0, NONE);
    }

    /// Records a better tentative distance for `v`, whose distance was `old`, and queues it.
    #[inline]
    fn improve(&mut self, v: u32, old: f64, dist: f64, pred: u32) {
        if old == f64::INFINITY {
            self.touched.push(v);
        }
        self.dist[v as usize] = dist;
        self.pred[v as usize] = pred;
        self.heap.push(Entry { dist, node: v });
    }

    /// The smallest key of a live entry, after dropping stale entries from the top.
    fn top(&mut self) -> Option<Entry> {
        while let Some(&entry) = self.heap.peek() {
            if entry.dist <= self.dist[entry.node as usize] {
                return Some(entry);
            }
            self.heap.pop();
        }
        None
    }

    /// The nodes from this side's root to `node`, root first (`node` was reached).
    fn chain_to(&self, node: u32) -> Vec<u32> {
        let mut nodes = Vec::new();
        let mut x = node;
        while x != NONE {
            nodes.push(x);
            x = self.pred[x as usize];
        }
        nodes.reverse();
        nodes
    }
}

/// Generation-stamped node marks: banned nodes and target sets (`nodes`), and ties from the
/// search source that are banned (`from_source`: `from_source[v] == generation` bans the tie
/// source–v). Allocated on first use.
#[derive(Default)]
pub(crate) struct Marks {
    pub(crate) nodes: Vec<u32>,
    pub(crate) from_source: Vec<u32>,
    pub(crate) generation: u32,
}

impl Marks {
    /// Starts a new set of marks (all previous marks are forgotten) and returns its stamp.
    pub(crate) fn next(&mut self, n: usize) -> u32 {
        if self.nodes.len() != n {
            self.nodes = vec![0; n];
            self.from_source = vec![0; n];
            self.generation = 0;
        }
        if self.generation == u32::MAX {
            self.nodes.fill(0);
            self.from_source.fill(0);
            self.generation = 0;
        }
        self.generation += 1;
        self.generation
    }

    /// Whether the search may not use the tie `u`→`v`.
    #[inline]
    fn blocks(&self, u: u32, v: u32, source: u32) -> bool {
        let g = self.generation;
        self.nodes[v as usize] == g
            || (u == source && self.from_source[v as usize] == g)
            || (v == source && self.from_source[u as usize] == g)
    }
}

/// The best meeting point found so far by a bidirectional search: `node` is reached by both
/// searches, at distances adding up to `cost`.
struct Meeting {
    cost: f64,
    node: u32,
}

/// Path queries over one [`Graph`], with scratch memory sized to the graph and reused.
///
/// Creating a finder allocates a distance and a predecessor array of `node_count` entries for
/// each search direction; after that a query costs only what it visits: it records the nodes
/// it reaches and the next query resets just those. Keep one finder per thread and reuse it.
pub struct PathFinder<'g> {
    graph: &'g Graph,
    forward: Side,
    backward: Side,
    pub(crate) marks: Marks,
}

impl std::fmt::Debug for PathFinder<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PathFinder").field("graph", self.graph).finish_non_exhaustive()
    }
}

impl<'g> PathFinder<'g> {
    /// A finder for `graph`: O(V) memory, allocated once.
    pub fn new(graph: &'g Graph) -> Self {
        let n = graph.node_count() as usize;
        Self { graph, forward: Side::new(n), backward: Side::new(n), marks: Marks::default() }
    }

    /// The graph this finder searches.
    pub fn graph(&self) -> &'g Graph {
        self.graph
    }

    /// The best (strongest) path from `source` to `target`, or `None` if they are not
    /// connected. A node's best path to itself is the node alone, at cost 0.
    ///
    /// Bidirectional Dijkstra with binary heaps. Each step settles one node on the side that
    /// has scanned fewer ties so far (a hub's ties count when it is expanded); the search stops
    /// once the two heaps' smallest keys add up to at least the best meeting cost μ found (a
    /// node reached from both sides). A tentative node is not queued when its distance plus the
    /// other side's smallest key already reaches μ and the other side has not settled it.
    pub fn best_path(&mut self, source: u32, target: u32) -> Result<Option<Path>, GraphError> {
        self.graph.check(source)?;
        self.graph.check(target)?;
        Ok(self.search::<false>(source, target).and_then(|nodes| self.to_path(nodes)))
    }

    /// A path from node ids known to be connected in order.
    pub(crate) fn to_path(&self, nodes: Vec<u32>) -> Option<Path> {
        let cost = self.graph.walk_cost(&nodes)?;
        Some(Path { nodes, cost })
    }

    /// Bidirectional Dijkstra from `s` to `t` (both exist). With `BANS`, the nodes marked in
    /// `self.marks.nodes` and the ties from `s` marked in `self.marks.from_source` (current
    /// marks generation) are left out. Returns the loopless node sequence.
    pub(crate) fn search<const BANS: bool>(&mut self, s: u32, t: u32) -> Option<Vec<u32>> {
        if s == t {
            return Some(vec![s]);
        }
        let graph = self.graph;
        self.forward.start(s);
        self.backward.start(t);
        let mut meeting = Meeting { cost: f64::INFINITY, node: NONE };
        let (mut scanned_f, mut scanned_b) = (0usize, 0usize);
        // If either side runs out, every node it can reach is settled and μ is final.
        while let (Some(top_f), Some(top_b)) = (self.forward.top(), self.backward.top()) {
            if top_f.dist + top_b.dist >= meeting.cost {
                break;
            }
            if scanned_f <= scanned_b {
                scanned_f += graph.edge_range(top_f.node).len();
                expand::<BANS>(
                    graph,
                    &mut self.forward,
                    &self.backward,
                    top_b.dist,
                    &self.marks,
                    s,
                    &mut meeting,
                );
            } else {
                scanned_b += graph.edge_range(top_b.node).len();
                expand::<BANS>(
                    graph,
                    &mut self.backward,
                    &self.forward,
                    top_f.dist,
                    &self.marks,
                    s,
                    &mut meeting,
                );
            }
        }
        if meeting.node == NONE {
            return None;
        }
        let mut nodes = self.forward.chain_to(meeting.node);
        let mut back = self.backward.chain_to(meeting.node);
        back.pop();
        back.reverse();
        nodes.extend(back);
        Some(erase_loops(nodes))
    }

    /// The best paths from `source` to the `k` nearest of `targets` (for example everyone who
    /// works at an organization), best first; fewer if fewer are reachable.
    ///
    /// One forward Dijkstra that stops when `k` distinct targets are settled. Targets are where
    /// paths end: the search does not go on through a target, so no path passes through another
    /// target on its way (an introduction to the organization stops at the first person there).
    /// If `source` is itself a target, the first path is `source` alone at cost 0. Duplicate
    /// targets count once.
    pub fn best_paths_to_any(
        &mut self,
        source: u32,
        targets: &[u32],
        k: usize,
    ) -> Result<Vec<Path>, GraphError> {
        self.graph.check(source)?;
        for &t in targets {
            self.graph.check(t)?;
        }
        if k == 0 || targets.is_empty() {
            return Ok(Vec::new());
        }
        let mark = self.marks.next(self.graph.node_count() as usize);
        for &t in targets {
            self.marks.nodes[t as usize] = mark;
        }
        let graph = self.graph;
        let side = &mut self.forward;
        side.start(source);
        let mut found = Vec::new();
        while let Some(Entry { dist: d, node: u }) = side.heap.pop() {
            if d > side.dist[u as usize] {
                continue;
            }
            if self.marks.nodes[u as usize] == mark {
                found.push(u);
                if found.len() == k {
                    break;
                }
                if u != source {
                    continue;
                }
            }
            let range = graph.edge_range(u);
            for (&v, &c) in graph.targets[range.clone()].iter().zip(&graph.costs()[range]) {
                let nd = d + c;
                let known = side.dist[v as usize];
                if nd < known {
                    side.improve(v, known, nd, u);
                }
            }
        }
        let paths =
            found.into_iter().filter_map(|t| self.to_path(self.forward.chain_to(t))).collect();
        Ok(paths)
    }
}

/// Settles the top node of `this` side (the caller made sure it is live) and relaxes its
/// ties, updating the meeting point. `other_top` is the other side's smallest key: every node
/// the other side has not settled is at least that far from the other root.
#[inline]
fn expand<const BANS: bool>(
    graph: &Graph,
    this: &mut Side,
    other: &Side,
    other_top: f64,
    marks: &Marks,
    source: u32,
    meeting: &mut Meeting,
) {
    let Some(Entry { dist: d, node: u }) = this.heap.pop() else { return };
    let range = graph.edge_range(u);
    let targets = &graph.targets[range.clone()];
    let costs = &graph.costs()[range];
    for (&v, &c) in targets.iter().zip(costs) {
        if BANS && marks.blocks(u, v, source) {
            continue;
        }
        let nd = d + c;
        let known = this.dist[v as usize];
        // Settled nodes are at most d away, so this skips them too.
        if nd >= known {
            continue;
        }
        let other_dist = other.dist[v as usize];
        // Any path through v costs at least nd + other_top unless the other side has settled
        // v; `other_dist > other_top` proves it has not. Such a v cannot improve μ: skip it.
        // (Checked before the meeting update, so that the meeting node always has its
        // predecessor on this side recorded.)
        if other_dist > other_top && nd + other_top >= meeting.cost {
            continue;
        }
        let total = nd + other_dist;
        if total < meeting.cost {
            meeting.cost = total;
            meeting.node = v;
        }
        this.improve(v, known, nd, u);
    }
}

/// Removes cycles from a walk (the two search trees can share a node only through ties of
/// cost 0, i.e. strength 1): keeps the walk up to a node's first visit and resumes after its
/// last.
fn erase_loops(nodes: Vec<u32>) -> Vec<u32> {
    let mut out: Vec<u32> = Vec::with_capacity(nodes.len());
    if nodes.len() <= 64 {
        for x in nodes {
            if let Some(i) = out.iter().position(|&y| y == x) {
                out.truncate(i + 1);
            } else {
                out.push(x);
            }
        }
        return out;
    }
    let mut index: HashMap<u32, usize> = HashMap::with_capacity(nodes.len());
    for x in nodes {
        if let Some(&i) = index.get(&x) {
            for y in out.drain(i + 1..) {
                index.remove(&y);
            }
        } else {
            index.insert(x, out.len());
            out.push(x);
        }
    }
    out
}

impl Graph {
    /// A [`PathFinder`] for this graph; reuse it for many queries.
    pub fn path_finder(&self) -> PathFinder<'_> {
        PathFinder::new(self)
    }

    /// [`PathFinder::best_path`] with a finder made for this one query (O(V) to allocate).
    pub fn best_path(&self, source: u32, target: u32) -> Result<Option<Path>, GraphError> {
        self.path_finder().best_path(source, target)
    }

    /// [`PathFinder::k_best_paths`] with a finder made for this one query.
    pub fn k_best_paths(
        &self,
        source: u32,
        target: u32,
        k: usize,
    ) -> Result<Vec<Path>, GraphError> {
        self.path_finder().k_best_paths(source, target, k)
    }

    /// [`PathFinder::best_paths_to_any`] with a finder made for this one query.
    pub fn best_paths_to_any(
        &self,
        source: u32,
        targets: &[u32],
        k: usize,
    ) -> Result<Vec<Path>, GraphError> {
        self.path_finder().best_paths_to_any(source, targets, k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::GraphBuilder;

    /// 0 -0.9- 1 -0.9- 2 -0.9- 3, and a direct but weak 0 -0.5- 3; 4 is isolated.
    fn chain() -> Graph {
        let mut b = GraphBuilder::new(5);
        b.add_edge(0, 1, 0.9).unwrap();
        b.add_edge(1, 2, 0.9).unwrap();
        b.add_edge(2, 3, 0.9).unwrap();
        b.add_edge(0, 3, 0.5).unwrap();
        b.build()
    }

    #[test]
    fn prefers_the_strongest_chain_over_a_weak_direct_tie() {
        let g = chain();
        let p = g.best_path(0, 3).unwrap().unwrap();
        assert_eq!(p.nodes, vec![0, 1, 2, 3]);
        assert!((p.strength() - 0.729).abs() < 1e-12);
        assert!((p.cost - 3.0 * -(0.9f64.ln())).abs() < 1e-12);
        assert_eq!(p.hops(), 3);
        assert_eq!((p.source(), p.target()), (Some(0), Some(3)));
        // Reversed query, same path backwards.
        let q = g.best_path(3, 0).unwrap().unwrap();
        assert_eq!(q.nodes, vec![3, 2, 1, 0]);
    }

    #[test]
    fn trivial_unreachable_and_invalid_queries() {
        let g = chain();
        let p = g.best_path(2, 2).unwrap().unwrap();
        assert_eq!((p.strength(), p.nodes, p.cost), (1.0, vec![2], 0.0));
        assert_eq!(g.best_path(0, 4).unwrap(), None);
        assert_eq!(g.best_path(0, 5), Err(GraphError::NodeOutOfRange { node: 5, node_count: 5 }));
    }

    #[test]
    fn a_finder_gives_the_same_answers_query_after_query() {
        let g = chain();
        let mut f = g.path_finder();
        for _ in 0..3 {
            for s in 0..5 {
                for t in 0..5 {
                    assert_eq!(f.best_path(s, t).unwrap(), g.best_path(s, t).unwrap());
                }
            }
        }
    }

    #[test]
    fn marks_wraparound_clears_old_marks() {
        let g = chain();
        let mut f = g.path_finder();
        f.marks.next(5);
        f.marks.generation = u32::MAX - 1;
        for _ in 0..4 {
            assert_eq!(f.best_paths_to_any(0, &[3], 1).unwrap()[0].nodes, vec![0, 1, 2, 3]);
            assert_eq!(f.k_best_paths(0, 3, 2).unwrap()[1].nodes, vec![0, 3]);
        }
    }

    #[test]
    fn zero_cost_ties_give_loopless_paths() {
        // Strength-1 ties everywhere: every path costs 0, the answer must still be simple.
        let mut b = GraphBuilder::new(6);
        for (u, v) in [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (1, 4), (0, 5), (2, 5)] {
            b.add_edge(u, v, 1.0).unwrap();
        }
        let g = b.build();
        let mut f = g.path_finder();
        for s in 0..6 {
            for t in 0..6 {
                let p = f.best_path(s, t).unwrap().unwrap();
                assert_eq!(p.cost, 0.0);
                let mut sorted = p.nodes.clone();
                sorted.sort_unstable();
                sorted.dedup();
                assert_eq!(sorted.len(), p.nodes.len(), "{p:?}");
                assert_eq!((p.source(), p.target()), (Some(s), Some(t)));
            }
        }
    }

    #[test]
    fn the_meeting_node_always_has_both_chains() {
        // Found by proptest: with strength-1 (cost 0) ties, nd + other_top and nd + other_dist
        // can round to the same sum, and a pruned node must not become the meeting point.
        let edges = [
            (3, 13, 1.0),
            (27, 1, 0.5),
            (17, 20, 1.0),
            (7, 6, 0.552232617629761),
            (13, 17, 0.5),
            (24, 14, 0.5),
            (2, 26, 0.06488786228774547),
            (27, 26, 0.25),
            (2, 29, 0.5),
            (7, 15, 0.5),
            (21, 18, 0.5),
            (16, 2, 0.5),
            (1, 16, 1.0),
            (8, 20, 0.25),
            (7, 3, 0.25),
            (21, 27, 1.0),
            (11, 28, 0.25),
            (24, 15, 0.5),
            (8, 18, 0.5860287890925755),
            (14, 28, 0.25),
            (17, 25, 0.5),
            (9, 14, 0.5),
            (9, 12, 1.0),
        ];
        let mut b = GraphBuilder::new(30);
        for (u, v, s) in edges {
            b.add_edge(u, v, s).unwrap();
        }
        let g = b.build();
        let mut f = g.path_finder();
        for s in 0..30 {
            for t in 0..30 {
                if let Some(p) = f.best_path(s, t).unwrap() {
                    assert_eq!((p.source(), p.target()), (Some(s), Some(t)), "{p:?}");
                    assert_eq!(g.path_cost(&p.nodes).unwrap(), Some(p.cost));
                }
            }
        }
    }

    #[test]
    fn erase_loops_keeps_first_visit_and_resumes_after_last() {
        assert_eq!(erase_loops(vec![0, 1, 2, 1, 3]), vec![0, 1, 3]);
        assert_eq!(erase_loops(vec![0, 1, 2, 0, 3]), vec![0, 3]);
        let long: Vec<u32> = (0..100).chain([50, 200]).collect();
        let expected: Vec<u32> = (0..=50).chain([200]).collect();
        assert_eq!(erase_loops(long), expected);
    }

    #[test]
    fn paths_to_any_stop_at_the_first_target() {
        // 0 -0.9- 1 -0.9- 2 (targets 1 and 2): 2 is only reachable through 1, so only 1 counts.
        // 0 -0.5- 3 (target): second.
        let mut b = GraphBuilder::new(5);
        b.add_edge(0, 1, 0.9).unwrap();
        b.add_edge(1, 2, 0.9).unwrap();
        b.add_edge(0, 3, 0.5).unwrap();
        b.add_edge(3, 4, 0.5).unwrap();
        let g = b.build();
        let paths = g.best_paths_to_any(0, &[2, 1, 3, 3], 5).unwrap();
        let nodes: Vec<_> = paths.iter().map(|p| p.nodes.clone()).collect();
        assert_eq!(nodes, vec![vec![0, 1], vec![0, 3]]);
        assert!((paths[1].strength() - 0.5).abs() < 1e-12);
        let one = g.best_paths_to_any(0, &[2, 1, 3], 1).unwrap();
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].nodes, vec![0, 1]);
        // The source as a target comes first; the search still goes on from it.
        let with_self = g.best_paths_to_any(0, &[0, 3], 2).unwrap();
        assert_eq!(with_self[0].nodes, vec![0]);
        assert_eq!(with_self[1].nodes, vec![0, 3]);
        assert!(g.best_paths_to_any(0, &[], 3).unwrap().is_empty());
        assert!(g.best_paths_to_any(0, &[3], 0).unwrap().is_empty());
        assert!(g.best_paths_to_any(0, &[9], 1).is_err());
        // Unreachable targets are simply not found.
        let mut b = GraphBuilder::new(3);
        b.add_edge(0, 1, 0.5).unwrap();
        assert!(b.build().best_paths_to_any(0, &[2], 1).unwrap().is_empty());
    }
}
