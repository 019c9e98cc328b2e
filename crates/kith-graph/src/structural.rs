//! Structural holes: Burt's constraint.

use crate::error::GraphError;
use crate::graph::Graph;

impl Graph {
    /// Burt's constraint of `node`, or `None` if it has no ties (networkx gives NaN).
    ///
    /// Low constraint means the node's contacts are not tied to each other: it bridges
    /// otherwise separate groups. With `p(i, j) = w(i, j) / Σ_k w(i, k)` (the share of i's tie
    /// strength that goes to j, 0 if not tied),
    /// `c(u) = Σ_{v ~ u} (p(u, v) + Σ_{w ~ u, w ≠ v} p(u, w) p(w, v))²`,
    /// which is networkx's `constraint(G, weight=...)` on an undirected graph (its mutual
    /// weights `w(i, j) + w(j, i)` are twice the strength, and the factor cancels).
    ///
    /// Cost: for each neighbour w, the common neighbours of `node` and w by a merge of the
    /// sorted adjacencies (binary search when one is much shorter).
    pub fn constraint(&self, node: u32) -> Result<Option<f64>, GraphError> {
        self.check(node)?;
        Ok(self.constraint_of(node, &mut Vec::new(), None))
    }

    /// [`Graph::constraint`] of every node, by id: O(Σ over ties u–w of min(d(u) log d(w),
    /// d(u) + d(w))) time.
    pub fn constraint_all(&self) -> Vec<Option<f64>> {
        let totals: Vec<f64> = (0..self.node_count())
            .map(|u| self.strengths[self.edge_range(u)].iter().sum())
            .collect();
        let mut scratch = Vec::new();
        (0..self.node_count()).map(|u| self.constraint_of(u, &mut scratch, Some(&totals))).collect()
    }

    /// The constraint of `u` (which exists), with `indirect` as scratch and the nodes' total
    /// tie strengths if known.
    fn constraint_of(
        &self,
        u: u32,
        indirect: &mut Vec<f64>,
        totals: Option<&[f64]>,
    ) -> Option<f64> {
        let range = self.edge_range(u);
        if range.is_empty() {
            return None;
        }
        let near = &self.targets[range.clone()];
        let near_strengths = &self.strengths[range];
        let total_u: f64 = near_strengths.iter().sum();
        // indirect[i] = Σ_w p(u, w) p(w, near[i]).
        indirect.clear();
        indirect.resize(near.len(), 0.0);
        for (&w, &s_uw) in near.iter().zip(near_strengths) {
            let range_w = self.edge_range(w);
            let far = &self.targets[range_w.clone()];
            let far_strengths = &self.strengths[range_w];
            let total_w = match totals {
                Some(t) => t[w as usize],
                None => far_strengths.iter().sum(),
            };
            let factor = s_uw / total_u / total_w;
            intersect(near, far, |i, j| indirect[i] += factor * far_strengths[j]);
        }
        let c = near_strengths
            .iter()
            .zip(indirect.iter())
            .map(|(&s, &ind)| {
                let p = s / total_u + ind;
                p * p
            })
            .sum();
        Some(c)
    }
}

/// Calls `f(i, j)` for every `a[i] == b[j]` of two sorted, duplicate-free slices.
fn intersect(a: &[u32], b: &[u32], mut f: impl FnMut(usize, usize)) {
    if a.len().saturating_mul(8) < b.len() {
        for (i, x) in a.iter().enumerate() {
            if let Ok(j) = b.binary_search(x) {
                f(i, j);
            }
        }
    } else if b.len().saturating_mul(8) < a.len() {
        for (j, y) in b.iter().enumerate() {
            if let Ok(i) = a.binary_search(y) {
                f(i, j);
            }
        }
    } else {
        let (mut i, mut j) = (0, 0);
        while i < a.len() && j < b.len() {
            match a[i].cmp(&b[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    f(i, j);
                    i += 1;
                    j += 1;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::GraphBuilder;

    #[test]
    fn constraint_matches_the_formula_by_hand() {
        // Triangle 0-1-2 (strength 1 each), a pendant 3 on 0 (0.5), and an isolated 4.
        // Shares: W0 = 2.5: p01 = p02 = 0.4, p03 = 0.2; W1 = W2 = 2: p10 = p12 = p20 = p21 = 0.5;
        // W3 = 0.5: p30 = 1.
        // c0 = (p01 + p02 p21)² + (p02 + p01 p12)² + (p03)²
        //    = (0.4 + 0.2)² + (0.4 + 0.2)² + 0.2² = 0.36 + 0.36 + 0.04 = 0.76
        // c1 = (p10 + p12 p20)² + (p12 + p10 p02)² = 0.75² + 0.7² = 0.5625 + 0.49 = 1.0525 = c2
        // c3 = (p30)² = 1
        let mut b = GraphBuilder::new(5);
        b.add_edge(0, 1, 1.0).unwrap();
        b.add_edge(0, 2, 1.0).unwrap();
        b.add_edge(1, 2, 1.0).unwrap();
        b.add_edge(0, 3, 0.5).unwrap();
        let g = b.build();
        let expected = [Some(0.76), Some(1.0525), Some(1.0525), Some(1.0), None];
        let all = g.constraint_all();
        for (node, want) in expected.iter().enumerate() {
            let one = g.constraint(node as u32).unwrap();
            for got in [one, all[node]] {
                match (got, want) {
                    (Some(got), Some(want)) => assert!((got - want).abs() < 1e-12, "{node}: {got}"),
                    (got, want) => assert_eq!(got, *want),
                }
            }
        }
        assert!(g.constraint(5).is_err());
    }

    #[test]
    fn a_broker_between_two_cliques_is_less_constrained_than_their_members() {
        // Two triangles {1,2,3} and {4,5,6}; node 0 tied to 1 and 4.
        let mut b = GraphBuilder::new(7);
        for (u, v) in [(1, 2), (2, 3), (1, 3), (4, 5), (5, 6), (4, 6), (0, 1), (0, 4)] {
            b.add_edge(u, v, 0.8).unwrap();
        }
        let c = b.build().constraint_all();
        let broker = c[0].unwrap_or(f64::NAN);
        // 0's contacts 1 and 4 are not tied: c0 = 0.5² + 0.5² = 0.5.
        assert!((broker - 0.5).abs() < 1e-12);
        for member in [2, 3, 5, 6] {
            assert!(c[member].unwrap_or(0.0) > broker);
        }
    }

    #[test]
    fn intersect_uses_merge_and_binary_search() {
        let mut pairs = Vec::new();
        intersect(&[1, 3, 5, 7], &[0, 3, 4, 7, 9], |i, j| pairs.push((i, j)));
        assert_eq!(pairs, vec![(1, 1), (3, 3)]);
        let long: Vec<u32> = (0..100).map(|x| x * 2).collect();
        pairs.clear();
        intersect(&[4, 5, 198], &long, |i, j| pairs.push((i, j)));
        assert_eq!(pairs, vec![(0, 2), (2, 99)]);
        pairs.clear();
        intersect(&long, &[4, 5, 198], |i, j| pairs.push((i, j)));
        assert_eq!(pairs, vec![(2, 0), (99, 2)]);
    }
}
