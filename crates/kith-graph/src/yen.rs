//! The k best loopless paths (Yen's algorithm).

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashSet};

use crate::error::GraphError;
use crate::path::{Path, PathFinder};

/// A candidate path; ordered so that `BinaryHeap` pops the cheapest (ties: the smaller node
/// sequence, so results are deterministic).
struct Candidate(Path);

impl PartialEq for Candidate {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Candidate {}

impl Ord for Candidate {
    fn cmp(&self, other: &Self) -> Ordering {
        other.0.cost.total_cmp(&self.0.cost).then_with(|| other.0.nodes.cmp(&self.0.nodes))
    }
}

impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PathFinder<'_> {
    /// The `k` best loopless paths from `source` to `target`, best first; fewer if there are
    /// not that many. Different paths may have equal costs.
    ///
    /// Yen's algorithm: for each node of the last accepted path (the spur node), search from it
    /// to `target` with the path's earlier nodes banned and the ties that accepted paths with
    /// the same beginning take out of the spur node banned; each result, prefixed by that
    /// beginning, is a candidate, and the cheapest candidate is accepted next. The spur searches
    /// are bidirectional Dijkstra with generation-stamped bans (nothing sized to the graph is
    /// allocated or cleared per search).
    pub fn k_best_paths(
        &mut self,
        source: u32,
        target: u32,
        k: usize,
    ) -> Result<Vec<Path>, GraphError> {
        let graph = self.graph();
        graph.check(source)?;
        graph.check(target)?;
        if k == 0 {
            return Ok(Vec::new());
        }
        let Some(first) = self.best_path(source, target)? else {
            return Ok(Vec::new());
        };
        let n = graph.node_count() as usize;
        let mut seen: HashSet<Vec<u32>> = HashSet::new();
        seen.insert(first.nodes.clone());
        let mut accepted = vec![first];
        let mut candidates: BinaryHeap<Candidate> = BinaryHeap::new();
        while accepted.len() < k {
            let Some(last) = accepted.last() else { break };
            let last = last.nodes.clone();
            for i in 0..last.len().saturating_sub(1) {
                let spur = last[i];
                let root = &last[..=i];
                let mark = self.marks.next(n);
                for &x in &root[..i] {
                    self.marks.nodes[x as usize] = mark;
                }
                for p in &accepted {
                    if p.nodes.len() > i + 1 && p.nodes[..=i] == *root {
                        self.marks.from_source[p.nodes[i + 1] as usize] = mark;
                    }
                }
                let Some(spur_path) = self.search::<true>(spur, target) else { continue };
                let mut nodes = root[..i].to_vec();
                nodes.extend(spur_path);
                if seen.contains(&nodes) {
                    continue;
                }
                if let Some(path) = self.to_path(nodes) {
                    seen.insert(path.nodes.clone());
                    candidates.push(Candidate(path));
                }
            }
            let Some(Candidate(best)) = candidates.pop() else { break };
            accepted.push(best);
        }
        Ok(accepted)
    }
}

#[cfg(test)]
mod tests {
    use crate::GraphBuilder;

    #[test]
    fn lists_the_loopless_paths_in_order() {
        // The classic Yen example (costs as strengths exp(-c)).
        // C-D 3, C-E 2, D-F 4, E-D 1, E-F 2, E-G 3, F-G 2, F-H 1, G-H 2.
        let (c, d, e, f, g, h) = (0, 1, 2, 3, 4, 5);
        let mut b = GraphBuilder::new(6);
        for (u, v, cost) in [
            (c, d, 3.0),
            (c, e, 2.0),
            (d, f, 4.0),
            (e, d, 1.0),
            (e, f, 2.0),
            (e, g, 3.0),
            (f, g, 2.0),
            (f, h, 1.0),
            (g, h, 2.0),
        ] {
            b.add_edge(u, v, f64::exp(-cost)).unwrap();
        }
        let graph = b.build();
        let paths = graph.k_best_paths(c, h, 4).unwrap();
        let rounded: Vec<f64> = paths.iter().map(|p| (p.cost * 1e9).round() / 1e9).collect();
        assert_eq!(rounded, vec![5.0, 7.0, 7.0, 8.0]);
        assert_eq!(paths[0].nodes, vec![c, e, f, h]);
        // The two paths of cost 7, in either order (their float costs may differ in the last
        // bit); then one of the three of cost 8.
        let mut sevens = vec![paths[1].nodes.clone(), paths[2].nodes.clone()];
        sevens.sort();
        assert_eq!(sevens, vec![vec![c, d, e, f, h], vec![c, e, g, h]]);
        assert!(
            [vec![c, d, f, h], vec![c, e, d, f, h], vec![c, e, f, g, h]].contains(&paths[3].nodes)
        );
        // Asking for more than exist returns them all: every simple C–H path (13, as
        // networkx's shortest_simple_paths counts them).
        assert_eq!(graph.k_best_paths(c, h, 100).unwrap().len(), 13);
        assert!(graph.k_best_paths(c, h, 0).unwrap().is_empty());
        assert_eq!(graph.k_best_paths(c, c, 3).unwrap().len(), 1);
    }
}
