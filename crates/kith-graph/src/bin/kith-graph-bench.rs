//! Benchmark for kith-graph on a synthetic social network.
//!
//! Generates a Holme–Kim graph (preferential attachment with triad formation: hubs, short
//! paths and clustering, like a social network) deterministically from a seed, with tie
//! strengths uniform in (0.05, 1]. Writes the edge list and the query pairs so that other tools
//! (`bench/graph/compare.py`: networkx, igraph) can run the same queries, times graph build,
//! best-path queries, k-best-path queries, paths to any of a set, PageRank, components and
//! constraint, and writes its answers and a `summary.json`.
//!
//! ```text
//! kith-graph-bench [--nodes 20000] [--edges 100000] [--seed 42] [--queries 200] [--k 3]
//!                  [--out DIR] [--no-edge-list] [--no-constraint]
//! ```

use std::error::Error;
use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use kith_graph::{GraphBuilder, PageRankOptions, PageRankWeights, Path};

type Result<T> = std::result::Result<T, Box<dyn Error>>;

/// SplitMix64: small, fast and good enough for a synthetic graph.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A tie strength uniform in `(0.05, 1]`.
    fn strength(&mut self) -> f64 {
        1.0 - 0.95 * self.unit()
    }
}

/// Probability that a new tie closes a triangle (a friend of the last contact) rather than
/// going to a degree-proportional random person.
const TRIAD_PROBABILITY: f64 = 0.5;

/// A network being generated.
struct Network {
    adjacency: Vec<Vec<u32>>,
    /// Both ends of every edge: a uniform pick is a degree-proportional pick.
    endpoints: Vec<u32>,
    edges: Vec<(u32, u32, f64)>,
}

impl Network {
    fn add(&mut self, u: u32, v: u32, rng: &mut Rng) {
        self.adjacency[u as usize].push(v);
        self.adjacency[v as usize].push(u);
        self.endpoints.push(u);
        self.endpoints.push(v);
        self.edges.push((u, v, rng.strength()));
    }
}

/// Holme–Kim graph with `n` nodes and exactly `target_edges` distinct edges (the last few, if
/// the model falls short, join degree-proportional random pairs).
fn generate(n: u32, target_edges: usize, seed: u64) -> Result<Vec<(u32, u32, f64)>> {
    if n < 3 {
        return Err("need at least 3 nodes".into());
    }
    let max_edges = n as usize * (n as usize - 1) / 2;
    if target_edges > max_edges / 2 {
        return Err(format!("{target_edges} edges is too dense for {n} nodes").into());
    }
    let mut rng = Rng(seed);
    let per_node = (target_edges / n as usize).max(1);
    let initial = (per_node as u32 + 1).min(n);
    let mut net = Network {
        adjacency: vec![Vec::new(); n as usize],
        endpoints: Vec::with_capacity(2 * target_edges),
        edges: Vec::with_capacity(target_edges),
    };
    for u in 0..initial {
        for v in 0..u {
            net.add(u, v, &mut rng);
        }
    }
    let mut chosen: Vec<u32> = Vec::with_capacity(per_node);
    for v in initial..n {
        chosen.clear();
        let mut last_attached: Option<u32> = None;
        let mut attempts = 0;
        while chosen.len() < per_node && attempts < 50 * per_node {
            attempts += 1;
            let candidate = match last_attached {
                Some(w) if rng.unit() < TRIAD_PROBABILITY => {
                    let friends = &net.adjacency[w as usize];
                    friends[rng.below(friends.len())]
                }
                _ => {
                    let c = net.endpoints[rng.below(net.endpoints.len())];
                    last_attached = Some(c);
                    c
                }
            };
            if candidate != v && !chosen.contains(&candidate) {
                chosen.push(candidate);
            }
        }
        for &c in &chosen {
            net.add(v, c, &mut rng);
        }
    }
    while net.edges.len() < target_edges {
        let u = net.endpoints[rng.below(net.endpoints.len())];
        let v = rng.below(n as usize) as u32;
        if u != v && !net.adjacency[u as usize].contains(&v) {
            net.add(u, v, &mut rng);
        }
    }
    let mut edges = net.edges;
    edges.truncate(target_edges);
    Ok(edges)
}

struct Args {
    nodes: u32,
    edges: usize,
    seed: u64,
    queries: usize,
    k: usize,
    out: PathBuf,
    edge_list: bool,
    constraint: bool,
}

fn parse_args() -> Result<Args> {
    let mut args = Args {
        nodes: 20_000,
        edges: 100_000,
        seed: 42,
        queries: 200,
        k: 3,
        out: PathBuf::from("bench/out/graph"),
        edge_list: true,
        constraint: true,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--nodes" => args.nodes = value()?.parse()?,
            "--edges" => args.edges = value()?.parse()?,
            "--seed" => args.seed = value()?.parse()?,
            "--queries" => args.queries = value()?.parse()?,
            "--k" => args.k = value()?.parse()?,
            "--out" => args.out = PathBuf::from(value()?),
            "--no-edge-list" => args.edge_list = false,
            "--no-constraint" => args.constraint = false,
            "-h" | "--help" => {
                println!(
                    "kith-graph-bench [--nodes N] [--edges M] [--seed S] [--queries Q] [--k K] \
                     [--out DIR] [--no-edge-list] [--no-constraint]"
                );
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    Ok(args)
}

/// Per-query latency figures.
struct Latency {
    mean: Duration,
    p50: Duration,
    p90: Duration,
    p99: Duration,
    max: Duration,
    total: Duration,
}

impl Latency {
    fn of(times: &[Duration]) -> Latency {
        let mut sorted = times.to_vec();
        sorted.sort_unstable();
        let rank = |p: f64| {
            let i = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len().max(1)) - 1;
            sorted.get(i).copied().unwrap_or_default()
        };
        let total: Duration = times.iter().sum();
        Latency {
            mean: total / times.len().max(1) as u32,
            p50: rank(0.50),
            p90: rank(0.90),
            p99: rank(0.99),
            max: sorted.last().copied().unwrap_or_default(),
            total,
        }
    }

    fn line(&self) -> String {
        format!(
            "p50 {} | p90 {} | p99 {} | mean {} | max {} | total {}",
            ms(self.p50),
            ms(self.p90),
            ms(self.p99),
            ms(self.mean),
            ms(self.max),
            ms(self.total)
        )
    }

    fn json(&self) -> String {
        format!(
            "{{\"p50_ms\": {}, \"p90_ms\": {}, \"p99_ms\": {}, \"mean_ms\": {}, \"max_ms\": {}, \
             \"total_ms\": {}}}",
            msf(self.p50),
            msf(self.p90),
            msf(self.p99),
            msf(self.mean),
            msf(self.max),
            msf(self.total)
        )
    }
}

fn msf(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn ms(d: Duration) -> String {
    let v = msf(d);
    if v < 1.0 { format!("{:.1} µs", v * 1e3) } else { format!("{v:.2} ms") }
}

fn costs(paths: &[Path]) -> String {
    paths.iter().map(|p| p.cost.to_string()).collect::<Vec<_>>().join(",")
}

fn main() -> Result<()> {
    let args = parse_args()?;
    fs::create_dir_all(&args.out)?;
    let mut summary = String::from("{\n");
    let _ = writeln!(
        summary,
        "  \"nodes\": {}, \"edges\": {}, \"seed\": {}, \"queries\": {}, \"k\": {},",
        args.nodes, args.edges, args.seed, args.queries, args.k
    );
    println!(
        "kith-graph bench: {} nodes, {} edges, seed {}, {} queries",
        args.nodes, args.edges, args.seed, args.queries
    );

    let t = Instant::now();
    let edges = generate(args.nodes, args.edges, args.seed)?;
    println!("generate (Holme–Kim)      {:>10}", ms(t.elapsed()));

    if args.edge_list {
        let t = Instant::now();
        let mut w = BufWriter::new(File::create(args.out.join("edges.tsv"))?);
        writeln!(w, "# nodes={} edges={} (u v strength cost)", args.nodes, edges.len())?;
        for &(u, v, s) in &edges {
            writeln!(w, "{u}\t{v}\t{s}\t{}", 0.0 - s.ln())?;
        }
        w.flush()?;
        println!("write edge list           {:>10}", ms(t.elapsed()));
    }

    let t = Instant::now();
    let mut builder = GraphBuilder::with_capacity(args.nodes, edges.len());
    for &(u, v, s) in &edges {
        builder.add_edge(u, v, s)?;
    }
    let added = t.elapsed();
    let t = Instant::now();
    let graph = builder.build();
    let built = t.elapsed();
    drop(edges);
    println!(
        "build (add_edge + CSR)    {:>10}   (add_edge {}, build {})",
        ms(added + built),
        ms(added),
        ms(built)
    );
    let _ = writeln!(
        summary,
        "  \"build_ms\": {}, \"add_edges_ms\": {}, \"csr_ms\": {}, \"distinct_edges\": {},",
        msf(added + built),
        msf(added),
        msf(built),
        graph.edge_count()
    );

    let t = Instant::now();
    let components = graph.connected_components();
    let largest = components.largest().map_or(0, |c| components.sizes[c as usize]);
    println!(
        "components                {:>10}   ({} components, largest {} nodes)",
        ms(t.elapsed()),
        components.count(),
        largest
    );

    // Queries: uniform random pairs of distinct people.
    let mut rng = Rng(args.seed ^ 0x5151_5151_5151_5151);
    let n = args.nodes as usize;
    let queries: Vec<(u32, u32)> = (0..args.queries)
        .map(|_| {
            let s = rng.below(n) as u32;
            let t = (s as usize + 1 + rng.below(n - 1)) % n;
            (s, t as u32)
        })
        .collect();
    let mut w = BufWriter::new(File::create(args.out.join("queries.tsv"))?);
    for &(s, t) in &queries {
        writeln!(w, "{s}\t{t}")?;
    }
    w.flush()?;

    let t = Instant::now();
    let mut finder = graph.path_finder();
    println!("path finder (scratch)     {:>10}", ms(t.elapsed()));

    // Best paths: one untimed pass to warm caches (compare.py does the same for networkx and
    // igraph), then the timed pass.
    for &(s, t) in &queries {
        std::hint::black_box(finder.best_path(s, t)?);
    }
    let mut times = Vec::with_capacity(queries.len());
    let mut results = Vec::with_capacity(queries.len());
    for &(s, t) in &queries {
        let start = Instant::now();
        let path = finder.best_path(s, t)?;
        times.push(start.elapsed());
        results.push(path);
    }
    let best = Latency::of(&times);
    let mut w = BufWriter::new(File::create(args.out.join("rust_paths.tsv"))?);
    writeln!(w, "# source target cost hops nanos")?;
    for ((&(s, t), path), time) in queries.iter().zip(&results).zip(&times) {
        match path {
            Some(p) => writeln!(w, "{s}\t{t}\t{}\t{}\t{}", p.cost, p.hops(), time.as_nanos())?,
            None => writeln!(w, "{s}\t{t}\tnone\t-\t{}", time.as_nanos())?,
        }
    }
    w.flush()?;
    let hops: Vec<usize> = results.iter().flatten().map(Path::hops).collect();
    let mean_hops = hops.iter().sum::<usize>() as f64 / hops.len().max(1) as f64;
    let mean_strength = results.iter().flatten().map(Path::strength).sum::<f64>()
        / results.iter().flatten().count().max(1) as f64;
    println!("best_path  x{:<4}          {}", queries.len(), best.line());
    println!(
        "                          found {} of {}, mean {mean_hops:.2} hops, mean strength \
         {mean_strength:.4}",
        hops.len(),
        queries.len()
    );
    let _ = writeln!(summary, "  \"best_path\": {},", best.json());
    let _ = writeln!(summary, "  \"mean_hops\": {mean_hops},");

    // k best paths.
    let mut times = Vec::with_capacity(queries.len());
    let mut w = BufWriter::new(File::create(args.out.join("rust_kbest.tsv"))?);
    writeln!(w, "# source target costs(comma-separated) nanos  (k = {})", args.k)?;
    for &(s, t) in &queries {
        let start = Instant::now();
        let paths = finder.k_best_paths(s, t, args.k)?;
        let time = start.elapsed();
        times.push(time);
        writeln!(w, "{s}\t{t}\t{}\t{}", costs(&paths), time.as_nanos())?;
    }
    w.flush()?;
    let kbest = Latency::of(&times);
    println!("k_best_paths k={} x{:<4}    {}", args.k, queries.len(), kbest.line());
    let _ = writeln!(summary, "  \"k_best_paths\": {},", kbest.json());

    // Paths to any member of a 25-person "organization".
    let mut times = Vec::with_capacity(queries.len());
    let mut org_rng = Rng(args.seed ^ 0x0A0A_0A0A_0A0A_0A0A);
    for &(s, _) in &queries {
        let org: Vec<u32> = (0..25).map(|_| org_rng.below(n) as u32).collect();
        let start = Instant::now();
        let paths = finder.best_paths_to_any(s, &org, args.k)?;
        times.push(start.elapsed());
        std::hint::black_box(paths);
    }
    let any = Latency::of(&times);
    println!("best_paths_to_any (25, k={}) {}", args.k, any.line());
    let _ = writeln!(summary, "  \"best_paths_to_any\": {},", any.json());

    // PageRank.
    for (name, weights) in [
        ("pagerank", PageRankWeights::Strength),
        ("pagerank_unweighted", PageRankWeights::Unweighted),
    ] {
        let options = PageRankOptions { weights, ..PageRankOptions::default() };
        let t = Instant::now();
        let pr = graph.pagerank(&options)?;
        let time = t.elapsed();
        println!(
            "{name:<26}{:>10}   ({} iterations, L1 change {:.1e}, converged {})",
            ms(time),
            pr.iterations,
            pr.delta,
            pr.converged
        );
        let _ = writeln!(
            summary,
            "  \"{name}\": {{\"ms\": {}, \"iterations\": {}, \"delta\": {}, \"tolerance\": {}}},",
            msf(time),
            pr.iterations,
            pr.delta,
            options.tolerance
        );
        if name == "pagerank" && args.edge_list {
            let mut w = BufWriter::new(File::create(args.out.join("rust_pagerank.tsv"))?);
            for (node, score) in pr.scores.iter().enumerate() {
                writeln!(w, "{node}\t{score}")?;
            }
            w.flush()?;
        }
    }

    if args.constraint {
        let t = Instant::now();
        let all = graph.constraint_all();
        let time = t.elapsed();
        println!("constraint_all            {:>10}", ms(time));
        let _ = writeln!(summary, "  \"constraint_all_ms\": {},", msf(time));
        let mut w = BufWriter::new(File::create(args.out.join("rust_constraint.tsv"))?);
        let mut sample_rng = Rng(args.seed ^ 0xC0C0_C0C0_C0C0_C0C0);
        for _ in 0..200 {
            let node = sample_rng.below(n);
            match all[node] {
                Some(c) => writeln!(w, "{node}\t{c}")?,
                None => writeln!(w, "{node}\tnone")?,
            }
        }
        w.flush()?;
    }

    let _ = writeln!(summary, "  \"components\": {}", components.count());
    summary.push_str("}\n");
    fs::write(args.out.join("summary.json"), summary)?;
    println!("wrote {}", args.out.display());
    Ok(())
}
