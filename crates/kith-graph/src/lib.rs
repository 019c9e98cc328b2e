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
//!
//! ```
//! use kith_graph::{GraphBuilder, PageRankOptions};
//!
//! // Me (0) knows Ana (1) well and Ben (2) a little; both know Cy (3).
//! let mut b = GraphBuilder::new(4);
//! b.add_edge(0, 1, 0.9)?;
//! b.add_edge(0, 2, 0.3)?;
//! b.add_edge(1, 3, 0.8)?;
//! b.add_edge(2, 3, 0.9)?;
//! let graph = b.build();
//!
//! let mut finder = graph.path_finder();
//! let best = finder.best_path(0, 3)?;
//! assert_eq!(best.as_ref().map(|p| p.nodes.as_slice()), Some(&[0, 1, 3][..]));
//! // The product of the strengths: 0.9 × 0.8.
//! assert!(best.is_some_and(|p| (p.strength() - 0.72).abs() < 1e-12));
//! assert_eq!(finder.k_best_paths(0, 3, 5)?.len(), 2);
//! // The nearest of Ben and Cy (say, everyone at Acme): Cy, through Ana.
//! assert_eq!(finder.best_paths_to_any(0, &[3, 2], 1)?[0].nodes, vec![0, 1, 3]);
//!
//! let ranks = graph.pagerank(&PageRankOptions::default())?;
//! assert!((ranks.scores.iter().sum::<f64>() - 1.0).abs() < 1e-9);
//! # Ok::<(), kith_graph::GraphError>(())
//! ```

#![warn(missing_docs)]

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
