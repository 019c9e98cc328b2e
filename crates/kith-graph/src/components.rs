//! Connected components.

use crate::graph::{Graph, NONE};

/// The connected components of a graph (see [`Graph::connected_components`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Components {
    /// The component id of each node. Ids are `0..count`, numbered in order of each component's
    /// lowest node, so node 0 is always in component 0.
    pub component: Vec<u32>,
    /// The number of nodes in each component, by component id.
    pub sizes: Vec<u32>,
}

impl Components {
    /// How many components there are (isolated nodes count as one each).
    pub fn count(&self) -> usize {
        self.sizes.len()
    }

    /// The id of the largest component (the lowest id among equals), or `None` for an empty
    /// graph.
    pub fn largest(&self) -> Option<u32> {
        let mut best: Option<(u32, u32)> = None;
        for (id, &size) in self.sizes.iter().enumerate() {
            if best.is_none_or(|(_, s)| size > s) {
                best = Some((id as u32, size));
            }
        }
        best.map(|(id, _)| id)
    }
}

impl Graph {
    /// The connected components, by breadth-first search: O(V + E), one queue of at most V
    /// entries.
    pub fn connected_components(&self) -> Components {
        let n = self.node_count() as usize;
        let mut component = vec![NONE; n];
        let mut sizes = Vec::new();
        let mut queue: Vec<u32> = Vec::new();
        for root in 0..n {
            if component[root] != NONE {
                continue;
            }
            let id = sizes.len() as u32;
            component[root] = id;
            queue.clear();
            queue.push(root as u32);
            let mut head = 0;
            while head < queue.len() {
                let u = queue[head];
                head += 1;
                for e in self.edge_range(u) {
                    let v = self.targets()[e];
                    if component[v as usize] == NONE {
                        component[v as usize] = id;
                        queue.push(v);
                    }
                }
            }
            sizes.push(queue.len() as u32);
        }
        Components { component, sizes }
    }
}

#[cfg(test)]
mod tests {
    use crate::GraphBuilder;

    #[test]
    fn finds_components_and_sizes() {
        let mut b = GraphBuilder::new(7);
        for (u, v) in [(0, 1), (1, 2), (3, 4), (6, 4)] {
            b.add_edge(u, v, 0.5).unwrap();
        }
        let c = b.build().connected_components();
        assert_eq!(c.component, vec![0, 0, 0, 1, 1, 2, 1]);
        assert_eq!(c.sizes, vec![3, 3, 1]);
        assert_eq!(c.count(), 3);
        assert_eq!(c.largest(), Some(0));
        let empty = GraphBuilder::new(0).build().connected_components();
        assert_eq!(empty.count(), 0);
        assert_eq!(empty.largest(), None);
    }
}
