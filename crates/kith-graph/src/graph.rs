//! The compact graph ([`Graph`], CSR form) and its builder.

use std::fmt;
use std::ops::Range;
use std::sync::OnceLock;

use crate::error::GraphError;

/// Not a node: node ids are below `u32::MAX`.
pub(crate) const NONE: u32 = u32::MAX;

/// The most edges a [`GraphBuilder`] accepts (duplicates included). Each undirected edge is
/// stored twice, and positions in the edge arrays are `u32`.
pub const MAX_EDGES: usize = (u32::MAX / 2) as usize;

/// The path cost of a tie: `-ln(strength)`, `0` for a strength of 1.
pub(crate) fn cost_of(strength: f64) -> f64 {
    0.0 - strength.ln()
}

/// Collects nodes and undirected weighted edges, then builds a [`Graph`].
///
/// Nodes are numbered from 0 in the order they are added. Adding an edge checks it at once
/// (both ends exist, no self-loop, a strength in `(0, 1]`); duplicates, in either direction, are
/// merged at build time keeping the largest strength.
#[derive(Debug, Clone, Default)]
pub struct GraphBuilder {
    node_count: u32,
    edges: Vec<(u32, u32, f64)>,
}

impl GraphBuilder {
    /// A builder with `node_count` nodes (`0..node_count`) and no edges.
    pub fn new(node_count: u32) -> Self {
        Self { node_count, edges: Vec::new() }
    }

    /// Like [`GraphBuilder::new`], with room for `edges` edges before it reallocates.
    pub fn with_capacity(node_count: u32, edges: usize) -> Self {
        Self { node_count, edges: Vec::with_capacity(edges.min(MAX_EDGES)) }
    }

    /// How many nodes there are so far.
    pub fn node_count(&self) -> u32 {
        self.node_count
    }

    /// How many edges have been added so far, duplicates included.
    pub fn edge_count(&self) -> usize {
        self.edges.len()
    }

    /// Adds one node and returns its id.
    pub fn add_node(&mut self) -> Result<u32, GraphError> {
        self.add_nodes(1).map(|range| range.start)
    }

    /// Adds `count` nodes and returns their ids.
    pub fn add_nodes(&mut self, count: u32) -> Result<Range<u32>, GraphError> {
        let start = self.node_count;
        let end = start.checked_add(count).ok_or(GraphError::TooManyNodes { max: u32::MAX })?;
        self.node_count = end;
        Ok(start..end)
    }

    /// Adds the undirected edge `u`–`v` with the given tie strength.
    ///
    /// Fails if either node does not exist, if `u == v`, if the strength is not a finite number
    /// in `(0, 1]`, or past [`MAX_EDGES`] edges. Adding the same pair again (either way round) is
    /// allowed: the graph keeps the larger strength.
    pub fn add_edge(&mut self, u: u32, v: u32, strength: f64) -> Result<(), GraphError> {
        for node in [u, v] {
            if node >= self.node_count {
                return Err(GraphError::NodeOutOfRange { node, node_count: self.node_count });
            }
        }
        if u == v {
            return Err(GraphError::SelfLoop { node: u });
        }
        // Written so that NaN fails too.
        if !(strength > 0.0 && strength <= 1.0) {
            return Err(GraphError::InvalidStrength { u, v, strength });
        }
        if self.edges.len() >= MAX_EDGES {
            return Err(GraphError::TooManyEdges { max: MAX_EDGES });
        }
        self.edges.push((u, v, strength));
        Ok(())
    }

    /// Builds the graph: O(V + E log d) time for maximum degree d, no per-node allocation.
    ///
    /// Each edge is scattered into both ends' adjacency by a counting sort on the source, right
    /// into the final arrays; each adjacency is then sorted by target (through a scratch buffer
    /// as long as the largest degree), duplicates merged (largest strength wins) and moved down
    /// over the gaps they leave. No scattered copy of the edges is kept beside the final arrays.
    pub fn build(self) -> Graph {
        let n = self.node_count as usize;
        // Counting sort by source: degree counts, prefix sums, scatter.
        let mut start = vec![0usize; n + 1];
        for &(u, v, _) in &self.edges {
            start[u as usize + 1] += 1;
            start[v as usize + 1] += 1;
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let half_edges = start[n];
        let mut next = start.clone();
        let mut targets = vec![0u32; half_edges];
        let mut strengths = vec![0f64; half_edges];
        for (u, v, strength) in self.edges {
            let (ui, vi) = (u as usize, v as usize);
            targets[next[ui]] = v;
            strengths[next[ui]] = strength;
            next[ui] += 1;
            targets[next[vi]] = u;
            strengths[next[vi]] = strength;
            next[vi] += 1;
        }
        drop(next);

        // Sort each adjacency by target, merge duplicates and compact (the write position
        // never passes the read position).
        let mut offsets = Vec::with_capacity(n + 1);
        offsets.push(0u32);
        let mut scratch: Vec<(u32, f64)> = Vec::new();
        let mut written = 0usize;
        for u in 0..n {
            scratch.clear();
            scratch.extend(
                targets[start[u]..start[u + 1]]
                    .iter()
                    .copied()
                    .zip(strengths[start[u]..start[u + 1]].iter().copied()),
            );
            scratch.sort_unstable_by_key(|&(target, _)| target);
            let mut last = NONE;
            for &(target, strength) in &scratch {
                if target == last {
                    strengths[written - 1] = strengths[written - 1].max(strength);
                } else {
                    targets[written] = target;
                    strengths[written] = strength;
                    written += 1;
                    last = target;
                }
            }
            // At most 2 * MAX_EDGES <= u32::MAX half-edges.
            offsets.push(written as u32);
        }
        targets.truncate(written);
        targets.shrink_to_fit();
        strengths.truncate(written);
        strengths.shrink_to_fit();
        Graph { offsets, targets, costs: OnceLock::new(), strengths }
    }
}

/// An immutable undirected graph in compressed sparse row (CSR) form.
///
/// The neighbours of node `u` are `targets[offsets[u]..offsets[u + 1]]`, sorted by id, with the
/// tie strength and the path cost `-ln(strength)` at the same positions in `strengths` and
/// `costs`. Every undirected edge appears twice, once from each end. The costs are computed the
/// first time a path is searched: analyses that never search (PageRank, constraint,
/// components) never hold them (8 bytes per half-edge, 8 MB for 500k ties).
#[derive(Clone)]
pub struct Graph {
    pub(crate) offsets: Vec<u32>,
    pub(crate) targets: Vec<u32>,
    costs: OnceLock<Vec<f64>>,
    pub(crate) strengths: Vec<f64>,
}

impl fmt::Debug for Graph {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Graph")
            .field("nodes", &self.node_count())
            .field("edges", &self.edge_count())
            .finish_non_exhaustive()
    }
}

impl Graph {
    /// How many nodes the graph has; ids are `0..node_count`.
    pub fn node_count(&self) -> u32 {
        // The builder's node count is a u32, and offsets has one more entry.
        (self.offsets.len() - 1) as u32
    }

    /// How many distinct undirected edges the graph has.
    pub fn edge_count(&self) -> usize {
        self.targets.len() / 2
    }

    /// The CSR offsets: `node_count + 1` entries, starting at 0.
    pub fn offsets(&self) -> &[u32] {
        &self.offsets
    }

    /// The CSR targets: every neighbour of every node, node by node, each node's sorted by id.
    pub fn targets(&self) -> &[u32] {
        &self.targets
    }

    /// The path cost `-ln(strength)` of each entry of [`Graph::targets`] (computed on first
    /// use, then kept).
    pub fn costs(&self) -> &[f64] {
        self.costs.get_or_init(|| self.strengths.iter().map(|&s| cost_of(s)).collect())
    }

    /// The tie strength of each entry of [`Graph::targets`].
    pub fn strengths(&self) -> &[f64] {
        &self.strengths
    }

    /// Fails unless `node` is in `0..node_count`.
    pub(crate) fn check(&self, node: u32) -> Result<(), GraphError> {
        if node < self.node_count() {
            Ok(())
        } else {
            Err(GraphError::NodeOutOfRange { node, node_count: self.node_count() })
        }
    }

    /// The positions of `node`'s edges in the CSR arrays (`node` must exist).
    #[inline]
    pub(crate) fn edge_range(&self, node: u32) -> Range<usize> {
        let u = node as usize;
        self.offsets[u] as usize..self.offsets[u + 1] as usize
    }

    /// The position of the edge `u`→`v` in the CSR arrays, by binary search (`u` must exist).
    pub(crate) fn edge_index(&self, u: u32, v: u32) -> Option<usize> {
        let range = self.edge_range(u);
        let start = range.start;
        self.targets[range].binary_search(&v).ok().map(|i| start + i)
    }

    /// How many neighbours `node` has.
    pub fn degree(&self, node: u32) -> Result<usize, GraphError> {
        self.check(node)?;
        Ok(self.edge_range(node).len())
    }

    /// The sum of the strengths of `node`'s ties.
    pub fn weighted_degree(&self, node: u32) -> Result<f64, GraphError> {
        self.check(node)?;
        Ok(self.strengths[self.edge_range(node)].iter().sum())
    }

    /// The neighbours of `node`, in increasing id order.
    pub fn neighbors(&self, node: u32) -> Result<Neighbors<'_>, GraphError> {
        self.check(node)?;
        Ok(Neighbors { graph: self, range: self.edge_range(node) })
    }

    /// The strength of the tie `u`–`v`, or `None` if they are not connected.
    pub fn strength(&self, u: u32, v: u32) -> Result<Option<f64>, GraphError> {
        self.check(u)?;
        self.check(v)?;
        Ok(self.edge_index(u, v).map(|e| self.strengths[e]))
    }

    /// The cost of walking `nodes` in order (the sum of `-ln(strength)` over consecutive pairs,
    /// added up from the first node), or `None` if two consecutive nodes are not connected.
    /// A single node costs 0; an empty slice is `None`.
    pub fn path_cost(&self, nodes: &[u32]) -> Result<Option<f64>, GraphError> {
        for &node in nodes {
            self.check(node)?;
        }
        if nodes.is_empty() {
            return Ok(None);
        }
        Ok(self.walk_cost(nodes))
    }

    /// [`Graph::path_cost`] for nodes known to exist.
    pub(crate) fn walk_cost(&self, nodes: &[u32]) -> Option<f64> {
        let mut cost = 0.0;
        for pair in nodes.windows(2) {
            cost += self.costs()[self.edge_index(pair[0], pair[1])?];
        }
        Some(cost)
    }
}

/// One neighbour of a node, as yielded by [`Graph::neighbors`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Neighbor {
    /// The neighbour's id.
    pub node: u32,
    /// The strength of the tie, in `(0, 1]`.
    pub strength: f64,
    /// The path cost of the tie, `-ln(strength)`.
    pub cost: f64,
}

/// Iterator over a node's neighbours, in increasing id order (see [`Graph::neighbors`]).
#[derive(Debug, Clone)]
pub struct Neighbors<'g> {
    graph: &'g Graph,
    range: Range<usize>,
}

impl Iterator for Neighbors<'_> {
    type Item = Neighbor;

    fn next(&mut self) -> Option<Neighbor> {
        let e = self.range.next()?;
        Some(Neighbor {
            node: self.graph.targets[e],
            strength: self.graph.strengths[e],
            cost: self.graph.costs()[e],
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.range.size_hint()
    }
}

impl ExactSizeIterator for Neighbors<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_sorted_symmetric_csr_and_merges_duplicates() {
        let mut b = GraphBuilder::new(4);
        b.add_edge(2, 0, 0.5).unwrap();
        b.add_edge(0, 1, 0.25).unwrap();
        b.add_edge(1, 0, 0.75).unwrap(); // duplicate, reversed, stronger
        b.add_edge(0, 1, 0.5).unwrap(); // duplicate, weaker
        let g = b.build();
        assert_eq!(g.node_count(), 4);
        assert_eq!(g.edge_count(), 2);
        assert_eq!(g.offsets(), &[0, 2, 3, 4, 4]);
        assert_eq!(g.targets(), &[1, 2, 0, 0]);
        assert_eq!(g.strengths(), &[0.75, 0.5, 0.75, 0.5]);
        assert_eq!(g.strength(1, 0).unwrap(), Some(0.75));
        assert_eq!(g.strength(1, 2).unwrap(), None);
        assert!((g.costs()[0] - (-(0.75f64).ln())).abs() < 1e-15);
        assert_eq!(g.degree(0).unwrap(), 2);
        assert_eq!(g.degree(3).unwrap(), 0);
        assert!((g.weighted_degree(0).unwrap() - 1.25).abs() < 1e-15);
        let n: Vec<_> = g.neighbors(0).unwrap().map(|n| (n.node, n.strength)).collect();
        assert_eq!(n, vec![(1, 0.75), (2, 0.5)]);
        assert_eq!(g.neighbors(0).unwrap().len(), 2);
        assert_eq!(g.path_cost(&[1, 0, 2]).unwrap(), Some(-(0.75f64).ln() - 0.5f64.ln()));
        assert_eq!(g.path_cost(&[1, 2]).unwrap(), None);
        assert_eq!(g.path_cost(&[3]).unwrap(), Some(0.0));
    }

    #[test]
    fn strength_one_costs_exactly_zero() {
        assert_eq!(cost_of(1.0).to_bits(), 0.0f64.to_bits());
    }

    #[test]
    fn rejects_bad_edges_and_nodes() {
        let mut b = GraphBuilder::new(2);
        assert_eq!(b.add_edge(1, 1, 0.5), Err(GraphError::SelfLoop { node: 1 }));
        assert_eq!(
            b.add_edge(0, 2, 0.5),
            Err(GraphError::NodeOutOfRange { node: 2, node_count: 2 })
        );
        for s in [0.0, -0.1, 1.0000001, f64::INFINITY] {
            assert_eq!(
                b.add_edge(0, 1, s),
                Err(GraphError::InvalidStrength { u: 0, v: 1, strength: s })
            );
        }
        assert!(matches!(b.add_edge(0, 1, f64::NAN), Err(GraphError::InvalidStrength { .. })));
        assert_eq!(b.add_edge(0, 1, 1.0), Ok(()));
        assert_eq!(b.add_node(), Ok(2));
        assert_eq!(b.add_nodes(3), Ok(3..6));
        assert_eq!(b.add_nodes(u32::MAX), Err(GraphError::TooManyNodes { max: u32::MAX }));
        let g = b.build();
        assert_eq!(g.degree(6), Err(GraphError::NodeOutOfRange { node: 6, node_count: 6 }));
        assert!(g.neighbors(9).is_err());
    }
}
