//! The crate's error type.

use thiserror::Error;

/// What can go wrong when building a graph or asking it a question.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum GraphError {
    /// A node id is not in `0..node_count`.
    #[error("node {node} does not exist (the graph has {node_count} nodes)")]
    NodeOutOfRange {
        /// The id that was given.
        node: u32,
        /// How many nodes the graph (or builder) has.
        node_count: u32,
    },
    /// An edge from a node to itself.
    #[error("an edge from node {node} to itself is not allowed")]
    SelfLoop {
        /// The node.
        node: u32,
    },
    /// A tie strength that is not a finite number in `(0, 1]`.
    #[error("the strength of the tie {u}–{v} must be in (0, 1], got {strength}")]
    InvalidStrength {
        /// One end of the edge.
        u: u32,
        /// The other end.
        v: u32,
        /// The strength that was given.
        strength: f64,
    },
    /// More nodes than ids: node ids are `u32` and `u32::MAX` is reserved.
    #[error("too many nodes: at most {max}")]
    TooManyNodes {
        /// The most nodes a graph can have.
        max: u32,
    },
    /// More edges than the compact form can index.
    #[error("too many edges: at most {max}")]
    TooManyEdges {
        /// The most edges a builder accepts ([`crate::MAX_EDGES`]).
        max: usize,
    },
    /// An algorithm parameter out of its range (for example a PageRank damping outside `[0, 1)`).
    #[error("{name} must be {expected}, got {value}")]
    InvalidParameter {
        /// The parameter.
        name: &'static str,
        /// What it must be.
        expected: &'static str,
        /// The value that was given.
        value: f64,
    },
}
