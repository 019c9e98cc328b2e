//! `kith-bench`: generates a made-up network and measures Kith on it.
//!
//! Prints: bulk insert time for N contacts and M interactions, then search latency p50/p99 over
//! realistic queries (exact names, misspelled names, last names, prefixes, organizations).
//! Everything is synthetic; the names are drawn from small made-up syllable lists.

use anyhow::Result;
use chrono::{Duration, TimeZone, Utc};
use clap::Parser;
use kith_core::{
    ContactId, ContactInput, Direction, Email, EmploymentInput, InteractionInput, InteractionKind,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::time::Instant;

/// Benchmark Kith on a synthetic network.
#[derive(Debug, Parser)]
struct Args {
    /// Database URL (default: a fresh SQLite file in a temp dir).
    #[arg(long)]
    db: Option<String>,
    /// How many contacts.
    #[arg(long, default_value_t = 100_000)]
    contacts: usize,
    /// How many interactions.
    #[arg(long, default_value_t = 1_000_000)]
    interactions: usize,
    /// How many search queries to time.
    #[arg(long, default_value_t = 2_000)]
    queries: usize,
    /// Random seed.
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Keep the generated SQLite database and print its path (to time `kith` commands on it).
    #[arg(long)]
    keep: bool,
    /// Measure an existing database (`--db`) without inserting anything.
    #[arg(long, requires = "db")]
    skip_insert: bool,
}

const SYLLABLES: &[&str] = &[
    "an", "bel", "cor", "da", "el", "fin", "gar", "hal", "is", "jo", "ka", "lin", "mar", "nor",
    "ol", "pet", "quin", "ro", "sa", "tor", "ul", "vin", "wen", "xa", "yor", "zel", "bri", "cla",
    "dre", "fro", "gre", "kri", "ste", "tha", "vo", "mi",
];
const TITLES: &[&str] = &[
    "Engineer",
    "Staff Engineer",
    "Designer",
    "Product Manager",
    "CTO",
    "CEO",
    "Recruiter",
    "Data Scientist",
    "Founder",
    "Researcher",
    "Sales Director",
    "Consultant",
    "Professor",
];
const TAGS: &[&str] =
    &["mentor", "fintech", "rust", "design", "investor", "alumni", "speaker", "client", "friend"];
const WORDS: &[&str] = &[
    "marathon",
    "kids",
    "startup",
    "conference",
    "climbing",
    "podcast",
    "book",
    "relocating",
    "promotion",
    "hiring",
    "garden",
    "chess",
    "cycling",
    "sabbatical",
    "wedding",
    "piano",
];

fn word(rng: &mut StdRng, min: usize, max: usize) -> String {
    let n = rng.random_range(min..=max);
    let mut w: String = (0..n).map(|_| SYLLABLES[rng.random_range(0..SYLLABLES.len())]).collect();
    if let Some(first) = w.get(..1) {
        w = first.to_uppercase() + &w[1..];
    }
    w
}

fn pick<'a>(rng: &mut StdRng, xs: &[&'a str]) -> &'a str {
    xs[rng.random_range(0..xs.len())]
}

/// Introduces one typo: a deletion, substitution or transposition.
fn typo(rng: &mut StdRng, w: &str) -> String {
    let mut c: Vec<char> = w.chars().collect();
    if c.len() < 4 {
        return w.to_string();
    }
    let i = rng.random_range(1..c.len() - 1);
    match rng.random_range(0..3) {
        0 => {
            c.remove(i);
        }
        1 => c[i] = (b'a' + rng.random_range(0..26u8)) as char,
        _ => c.swap(i, i + 1),
    }
    c.into_iter().collect()
}

/// The query mix, in the order queries are generated (i % 6).
const QUERY_KINDS: [&str; 6] = [
    "full name",
    "full name, two typos",
    "last name",
    "last name, one typo",
    "4-letter prefix",
    "first name + org",
];

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let args = Args::parse();
    let tmp = tempfile_dir()?;
    let url = args.db.clone().unwrap_or_else(|| format!("sqlite://{}/bench.db", tmp.display()));
    let store = kith_store::open(&url).await?;
    let mut rng = StdRng::seed_from_u64(args.seed);
    let now = Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0).single().unwrap_or_else(Utc::now);
    let orgs: Vec<String> = (0..(args.contacts / 50).max(10))
        .map(|_| {
            format!(
                "{} {}",
                word(&mut rng, 2, 3),
                pick(&mut rng, &["Labs", "Inc", "Systems", "Group", "Studio"])
            )
        })
        .collect();

    println!(
        "kith-bench: {} contacts, {} interactions on {}",
        args.contacts,
        args.interactions,
        store_kind(&url)
    );
    let mut names = Vec::with_capacity(args.contacts);
    let mut contacts = Vec::with_capacity(args.contacts);
    for i in 0..args.contacts {
        let given = word(&mut rng, 1, 2);
        let family = word(&mut rng, 2, 3);
        let display = format!("{given} {family}");
        let mut c = ContactInput::named(&display);
        c.emails.push(Email {
            address: format!("{}.{}{}@example.com", given.to_lowercase(), family.to_lowercase(), i),
            label: None,
        });
        let org = orgs[rng.random_range(0..orgs.len())].clone();
        c.employment.push(EmploymentInput {
            organization: org,
            title: Some(pick(&mut rng, TITLES).into()),
            start: None,
            end: None,
        });
        if rng.random_bool(0.5) {
            c.tags.push(pick(&mut rng, TAGS).into());
        }
        if rng.random_bool(0.3) {
            c.notes =
                format!("Talked about {} and {}", pick(&mut rng, WORDS), pick(&mut rng, WORDS));
        }
        names.push((given, family));
        contacts.push(c);
    }
    if args.skip_insert {
        let all = store.list_contacts(&kith_store::ContactQuery::default()).await?;
        names = all
            .items
            .iter()
            .map(|c| {
                let (g, f) =
                    c.display_name.split_once(' ').unwrap_or((&c.display_name, &c.display_name));
                (g.to_string(), f.to_string())
            })
            .collect();
        println!("measuring {} existing contacts", names.len());
    } else {
        insert(&*store, &args, &contacts, &mut rng, now).await?;
    }
    measure(&*store, &args, &names, &orgs, &mut rng, now, &url, &tmp).await
}

async fn insert(
    store: &dyn kith_store::Store,
    args: &Args,
    contacts: &[ContactInput],
    rng: &mut StdRng,
    now: chrono::DateTime<Utc>,
) -> Result<()> {
    let t0 = Instant::now();
    let mut ids: Vec<ContactId> = Vec::with_capacity(args.contacts);
    for chunk in contacts.chunks(10_000) {
        ids.extend(store.import_contacts(chunk, now).await?);
    }
    let t_contacts = t0.elapsed().as_secs_f64();
    println!(
        "insert contacts:      {:>8.2} s  ({:.0}/s)",
        t_contacts,
        args.contacts as f64 / t_contacts
    );

    let kinds = InteractionKind::ALL;
    let t1 = Instant::now();
    let mut done = 0;
    while done < args.interactions {
        let n = (args.interactions - done).min(250_000);
        let batch: Vec<InteractionInput> = (0..n)
            .map(|_| {
                let k = if rng.random_bool(0.85) { 1 } else { rng.random_range(2..=4) };
                let mut participants = Vec::with_capacity(k);
                for _ in 0..k {
                    participants.push(ids[rng.random_range(0..ids.len())]);
                }
                InteractionInput {
                    occurred_at: now - Duration::minutes(rng.random_range(0..(3 * 365 * 24 * 60))),
                    kind: kinds[rng.random_range(0..kinds.len())],
                    direction: Direction::ALL[rng.random_range(0..3)],
                    participants,
                    summary: format!("Chat about {}", pick(rng, WORDS)),
                    notes: String::new(),
                }
            })
            .collect();
        store.import_interactions(&batch, now).await?;
        done += n;
    }
    let t_inter = t1.elapsed().as_secs_f64();
    println!(
        "insert interactions:  {:>8.2} s  ({:.0}/s)",
        t_inter,
        args.interactions as f64 / t_inter
    );
    println!("insert total:         {:>8.2} s  (target < 30 s on SQLite)", t_contacts + t_inter);
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn measure(
    store: &dyn kith_store::Store,
    args: &Args,
    names: &[(String, String)],
    orgs: &[String],
    rng: &mut StdRng,
    now: chrono::DateTime<Utc>,
    url: &str,
    tmp: &std::path::Path,
) -> Result<()> {
    // Queries: a realistic mix of what people type.
    let mut queries = Vec::with_capacity(args.queries);
    for i in 0..args.queries {
        let (g, f) = &names[rng.random_range(0..names.len())];
        let q = match i % 6 {
            0 => format!("{g} {f}"),
            1 => format!("{} {}", typo(rng, g), typo(rng, f)),
            2 => f.clone(),
            3 => typo(rng, f),
            4 => f.chars().take(4).collect(),
            _ => format!(
                "{} {}",
                g,
                orgs[rng.random_range(0..orgs.len())].split(' ').next().unwrap_or_default()
            ),
        };
        queries.push(q);
    }
    // Warm up caches, then time.
    for q in queries.iter().take(50) {
        store.search(q, 20).await?;
    }
    let mut lat = Vec::with_capacity(queries.len());
    let mut by_kind: Vec<Vec<f64>> = vec![Vec::new(); QUERY_KINDS.len()];
    let mut empty = 0;
    for (i, q) in queries.iter().enumerate() {
        let t = Instant::now();
        let hits = store.search(q, 20).await?;
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        lat.push(ms);
        by_kind[i % QUERY_KINDS.len()].push(ms);
        if hits.is_empty() {
            empty += 1;
        }
    }
    lat.sort_by(f64::total_cmp);
    for (kind, mut l) in QUERY_KINDS.iter().zip(by_kind) {
        l.sort_by(f64::total_cmp);
        println!(
            "  {kind:<22} p50 {:>6.2} ms  p99 {:>6.2} ms",
            percentile(&l, 0.5),
            percentile(&l, 0.99)
        );
    }
    println!(
        "search ({} queries):  p50 {:.2} ms  p90 {:.2} ms  p99 {:.2} ms  max {:.2} ms  (targets p50 < 5, p99 < 20); {} returned nothing",
        queries.len(),
        percentile(&lat, 0.5),
        percentile(&lat, 0.9),
        percentile(&lat, 0.99),
        percentile(&lat, 1.0),
        empty
    );
    // Nurture: full recompute of the aggregates, strength for everyone, and the due list.
    store.set_tag_cadence("mentor", Some(30)).await?;
    store.set_tag_cadence("client", Some(60)).await?;
    store.set_tag_cadence("friend", Some(90)).await?;
    let t = Instant::now();
    let n = store.recompute_stats().await?;
    let t_recompute = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let settings = store.strength_settings().await?;
    let histories = store.histories().await?;
    let strengths: Vec<f64> = histories
        .iter()
        .map(|(_, _, h)| kith_core::strength::strength(h, now, &settings).score)
        .collect();
    let t_strength = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let due = kith_core::nurture::rank_due(&store.due_candidates(now).await?, &[], now, &settings);
    let t_due = t.elapsed().as_secs_f64();
    let regular = strengths.iter().filter(|s| **s >= 0.7).count();
    println!("recompute aggregates:  {t_recompute:>7.2} s  ({n} contacts with interactions)");
    println!(
        "strength for all:      {t_strength:>7.2} s  ({} contacts, {regular} regular)",
        strengths.len()
    );
    println!("due list:              {t_due:>7.3} s  ({} due)", due.len());
    println!("full recompute total:  {:>7.2} s  (target < 2 s)", t_recompute + t_strength + t_due);
    let stats = store.stats().await?;
    println!(
        "stored: {} contacts, {} organizations, {} interactions",
        stats.contacts, stats.organizations, stats.interactions
    );
    if args.db.is_none() && args.keep {
        println!("kept: {}", url);
    } else if args.db.is_none() {
        let size: u64 =
            std::fs::read_dir(tmp)?.filter_map(|e| e.ok()?.metadata().ok()).map(|m| m.len()).sum();
        println!("database size: {:.0} MB", size as f64 / 1e6);
        std::fs::remove_dir_all(tmp)?;
    }
    Ok(())
}

fn store_kind(url: &str) -> &'static str {
    if url.starts_with("postgres") { "PostgreSQL" } else { "SQLite" }
}

fn tempfile_dir() -> Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("kith-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
