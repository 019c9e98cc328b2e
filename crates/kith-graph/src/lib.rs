//! Graph algorithms for Kith over a compact, immutable, in-memory graph.
//!
//! Nodes are people, numbered `0..node_count` (node 0 is conventionally "me", but every
//! function takes its source as a parameter). An edge is an undirected tie with a strength in
//! `(0, 1]`. Paths are found on the cost `-ln(strength)`, so the cheapest path is the one whose
//! product of strengths is the largest: the warmest chain of introductions.
//!
//! - [`GraphBuilder`] collects nodes and edges and builds a [`Graph`] in CSR form (one counting
//!   sort by source, then each adjacency sorted by target).
//! - [`PathFinder`] answers path queries with scratch memory sized to the graph once and reused:
//!   [`PathFinder::best_path`] (bidirectional Dijkstra), [`PathFinder::k_best_paths`] (Yen's
//!   loopless k shortest paths), [`PathFinder::best_paths_to_any`] (the best paths to the k
//!   nearest of a set of people, e.g. anyone at an organization). [`Graph`] has one-off versions
//!   of each that allocate a finder per call.
//! - [`Graph::pagerank`], [`Graph::constraint`] / [`Graph::constraint_all`] (Burt's constraint),
//!   [`Graph::connected_components`], [`Graph::degree`], [`Graph::neighbors`].
//!
//! The crate does no I/O, is not async and never reads the clock.

mod components;
mod error;
mod graph;
mod pagerank;
mod path;
mod structural;
mod yen;

pub use components::Components;
pub use error::GraphError;
pub use graph::{Graph, GraphBuilder, MAX_EDGES, Neighbor, Neighbors};
pub use pagerank::{PageRank, PageRankOptions, PageRankWeights};
pub use path::{Path, PathFinder};
