//! PageRank by sparse power iteration over the CSR arrays.

use crate::error::GraphError;
use crate::graph::Graph;

/// How a node's rank is shared among its neighbours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PageRankWeights {
    /// In proportion to tie strength (a strong tie passes on more).
    #[default]
    Strength,
    /// Equally among all neighbours.
    Unweighted,
}

/// PageRank parameters (see [`Graph::pagerank`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageRankOptions {
    /// The probability of following a tie rather than jumping to a random node, in `[0, 1)`.
    pub damping: f64,
    /// Stop once an iteration changes the scores by less than this in total (L1 norm; the
    /// scores sum to 1). networkx's `tol` is per node: its criterion is this one with
    /// `tolerance = node_count × tol`.
    pub tolerance: f64,
    /// Stop after this many iterations at most.
    pub max_iterations: u32,
    /// How rank is shared along ties.
    pub weights: PageRankWeights,
}

impl Default for PageRankOptions {
    /// Damping 0.85, tolerance 1e-6, at most 100 iterations, weighted by strength.
    fn default() -> Self {
        Self {
            damping: 0.85,
            tolerance: 1e-6,
            max_iterations: 100,
            weights: PageRankWeights::Strength,
        }
    }
}

/// PageRank scores and how the iteration went.
#[derive(Debug, Clone, PartialEq)]
pub struct PageRank {
    /// One score per node, summing to 1.
    pub scores: Vec<f64>,
    /// How many iterations ran.
    pub iterations: u32,
    /// The L1 change made by the last iteration.
    pub delta: f64,
    /// Whether `delta` fell below the tolerance (rather than running out of iterations).
    pub converged: bool,
}

impl Graph {
    /// PageRank by power iteration: O(E) time per iteration, three arrays of V scores.
    ///
    /// Each iteration computes, for every node v,
    /// `x'[v] = (1 - d) / n + d × (Σ_{u ~ v} x[u] w(u, v) / W(u) + D / n)`, where `W(u)` is the
    /// total weight of u's ties (its degree when unweighted) and `D` the score held by nodes
    /// without ties (dangling nodes), which is spread evenly, as networkx and igraph do. Since
    /// ties are undirected, the sum runs over v's own adjacency: one sequential pass over the
    /// CSR arrays. Starts from the uniform vector.
    pub fn pagerank(&self, options: &PageRankOptions) -> Result<PageRank, GraphError> {
        let PageRankOptions { damping, tolerance, max_iterations, weights } = *options;
        if !(0.0..1.0).contains(&damping) {
            return Err(GraphError::InvalidParameter {
                name: "damping",
                expected: "in [0, 1)",
                value: damping,
            });
        }
        if !(tolerance >= 0.0 && tolerance.is_finite()) {
            return Err(GraphError::InvalidParameter {
                name: "tolerance",
                expected: "a finite number >= 0",
                value: tolerance,
            });
        }
        let n = self.node_count() as usize;
        if n == 0 {
            return Ok(PageRank { scores: Vec::new(), iterations: 0, delta: 0.0, converged: true });
        }
        let nf = n as f64;
        // 1 / W(u), or 0 for a dangling node.
        let inverse_out: Vec<f64> = (0..n)
            .map(|u| {
                let range = self.edge_range(u as u32);
                let total: f64 = match weights {
                    PageRankWeights::Strength => self.strengths[range].iter().sum(),
                    PageRankWeights::Unweighted => range.len() as f64,
                };
                if total > 0.0 { 1.0 / total } else { 0.0 }
            })
            .collect();
        let mut x = vec![1.0 / nf; n];
        let mut share = vec![0.0; n];
        let mut next = vec![0.0; n];
        let mut iterations = 0;
        let mut delta = f64::INFINITY;
        while iterations < max_iterations {
            iterations += 1;
            let mut dangling = 0.0;
            for ((s, &xu), &inv) in share.iter_mut().zip(&x).zip(&inverse_out) {
                if inv == 0.0 {
                    dangling += xu;
                }
                *s = xu * inv;
            }
            let base = (1.0 - damping) / nf + damping * dangling / nf;
            delta = 0.0;
            for v in 0..n {
                let range = self.edge_range(v as u32);
                let targets = &self.targets[range.clone()];
                let sum: f64 = match weights {
                    PageRankWeights::Strength => targets
                        .iter()
                        .zip(&self.strengths[range])
                        .map(|(&u, &w)| w * share[u as usize])
                        .sum(),
                    PageRankWeights::Unweighted => targets.iter().map(|&u| share[u as usize]).sum(),
                };
                let value = base + damping * sum;
                delta += (value - x[v]).abs();
                next[v] = value;
            }
            std::mem::swap(&mut x, &mut next);
            if delta < tolerance {
                break;
            }
        }
        // Wash out rounding drift so the scores sum to 1.
        let total: f64 = x.iter().sum();
        if total > 0.0 {
            x.iter_mut().for_each(|s| *s /= total);
        }
        Ok(PageRank { scores: x, iterations, delta, converged: delta < tolerance })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::GraphBuilder;

    fn tight(weights: PageRankWeights) -> PageRankOptions {
        PageRankOptions { tolerance: 1e-14, max_iterations: 1000, weights, ..Default::default() }
    }

    fn assert_close(got: &[f64], expected: &[f64]) {
        assert_eq!(got.len(), expected.len());
        for (g, e) in got.iter().zip(expected) {
            assert!((g - e).abs() < 1e-12, "got {got:?}, expected {expected:?}");
        }
    }

    #[test]
    fn path_of_three_unweighted() {
        // 0 - 1 - 2, d = 0.85: by symmetry x0 = x2 = a, x1 = b with
        //   a = 0.05 + 0.85 (b / 2),  b = 0.05 + 0.85 (a + a)
        // so a = 0.07125 / 0.2775 = 19/74 and b = 1 - 2a = 18/37.
        let mut b = GraphBuilder::new(3);
        b.add_edge(0, 1, 0.3).unwrap();
        b.add_edge(1, 2, 0.9).unwrap();
        let pr = b.build().pagerank(&tight(PageRankWeights::Unweighted)).unwrap();
        assert_close(&pr.scores, &[19.0 / 74.0, 18.0 / 37.0, 19.0 / 74.0]);
        assert!(pr.converged);
    }

    #[test]
    fn path_of_three_weighted() {
        // 0 -1.0- 1 -0.5- 2: W = (1, 1.5, 0.5).
        //   x0 = 0.05 + 0.85 x1 (1 / 1.5),  x2 = 0.05 + 0.85 x1 (0.5 / 1.5),
        //   x1 = 0.05 + 0.85 (x0 + x2)  =>  x1 = 0.135 / 0.2775 = 18/37,
        //   x0 = 1/20 + (17/30)(18/37) = 241/740,  x2 = 1/20 + (17/60)(18/37) = 139/740.
        let mut b = GraphBuilder::new(3);
        b.add_edge(0, 1, 1.0).unwrap();
        b.add_edge(1, 2, 0.5).unwrap();
        let pr = b.build().pagerank(&tight(PageRankWeights::Strength)).unwrap();
        assert_close(&pr.scores, &[241.0 / 740.0, 18.0 / 37.0, 139.0 / 740.0]);
    }

    #[test]
    fn dangling_nodes_spread_their_score_evenly() {
        // 0 - 1 and an isolated 2: x2 = 0.05 + 0.85 x2 / 3 => x2 = 0.15 / 2.15 = 3/43,
        // x0 = x1 = 20/43.
        let mut b = GraphBuilder::new(3);
        b.add_edge(0, 1, 0.7).unwrap();
        let pr = b.build().pagerank(&tight(PageRankWeights::Strength)).unwrap();
        assert_close(&pr.scores, &[20.0 / 43.0, 20.0 / 43.0, 3.0 / 43.0]);
        let all_dangling = GraphBuilder::new(4).build().pagerank(&Default::default()).unwrap();
        assert_close(&all_dangling.scores, &[0.25; 4]);
    }

    #[test]
    fn parameters_are_checked_and_limits_respected() {
        let g = GraphBuilder::new(2).build();
        for damping in [1.0, -0.1, f64::NAN] {
            let o = PageRankOptions { damping, ..Default::default() };
            assert!(matches!(g.pagerank(&o), Err(GraphError::InvalidParameter { .. })));
        }
        let o = PageRankOptions { tolerance: f64::NAN, ..Default::default() };
        assert!(g.pagerank(&o).is_err());
        let mut b = GraphBuilder::new(3);
        b.add_edge(0, 1, 0.3).unwrap();
        b.add_edge(1, 2, 0.9).unwrap();
        let o = PageRankOptions { tolerance: 0.0, max_iterations: 3, ..Default::default() };
        let pr = b.build().pagerank(&o).unwrap();
        assert_eq!((pr.iterations, pr.converged), (3, false));
        let empty = GraphBuilder::new(0).build().pagerank(&Default::default()).unwrap();
        assert!(empty.scores.is_empty());
    }
}
