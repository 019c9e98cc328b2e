//! Network insights: size and growth, strength distribution and Dunbar layers, diversity,
//! dormant strong ties, brokers (Burt's constraint) and the most connected people (PageRank)
//! over the who-knows-whom graph.

use crate::interaction::Participant;
use crate::leverage::{
    COLLEAGUES_BEFORE, COLLEAGUES_NOW, Membership, TieWeights, strength_from_miss,
};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use kith_graph::{GraphBuilder, PageRankOptions};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Dunbar's layers: the closest 5, 15, 50 and 150.
pub const LAYERS: [usize; 4] = [5, 15, 50, 150];
/// A strong tie is dormant after this many days without contact.
pub const DORMANT_AFTER_DAYS: i64 = 180;

/// What insights need to know of one contact.
#[derive(Clone, Debug, PartialEq)]
pub struct InsightContact {
    pub contact: Participant,
    /// First met, else added.
    pub added: NaiveDate,
    pub strength: f64,
    pub interactions: i64,
    pub last_contact: Option<DateTime<Utc>>,
}

/// A label and how many.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Count {
    pub label: String,
    pub count: i64,
}

/// One Dunbar layer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Layer {
    /// 5, 15, 50 or 150.
    pub size: usize,
    /// How many contacts it holds (fewer when the network is small).
    pub filled: usize,
    /// The weakest strength inside the layer.
    pub min_strength: f64,
}

/// A spread of values over categories, with how even it is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Spread {
    /// The largest categories, most first (at most 8).
    pub top: Vec<Count>,
    /// How many distinct categories.
    pub distinct: usize,
    /// Contacts with no value.
    pub unknown: i64,
    /// Shannon evenness in [0, 1]: 1 when contacts spread evenly over the categories.
    pub evenness: f64,
}

/// A person and a score, for rankings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ranked {
    pub contact: Participant,
    pub score: f64,
    /// Why, in words.
    pub detail: String,
}

/// Everything `kith insights` shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Insights {
    pub contacts: usize,
    /// New contacts per month over the last 12 months, oldest first (`YYYY-MM`).
    pub growth: Vec<Count>,
    /// Contacts per strength tenth: [0, .1), [.1, .2), ... [.9, 1].
    pub strength_histogram: Vec<i64>,
    pub layers: Vec<Layer>,
    /// The closest five.
    pub inner_circle: Vec<Ranked>,
    pub organizations: Spread,
    pub industries: Spread,
    pub locations: Spread,
    pub met_via: Spread,
    /// Strong ties gone quiet, most worth reviving first.
    pub dormant: Vec<Ranked>,
    /// Pairs of contacts known to know each other (entered, or seen together).
    pub ties: usize,
    /// Organizations where at least two contacts work or worked (they tie their people).
    pub shared_employers: usize,
    /// Groups of contacts connected through each other (ignoring the user).
    pub clusters: usize,
    /// People who bridge otherwise separate parts of the network (lowest constraint first).
    pub brokers: Vec<Ranked>,
    /// The most connected people (PageRank over who-knows-whom).
    pub most_connected: Vec<Ranked>,
}

/// One label per contact, counted as the contacts are read (see [`Tallies`]).
#[derive(Clone, Debug, Default)]
pub struct Tally {
    counts: HashMap<String, i64>,
    unknown: i64,
}

impl Tally {
    /// Counts one contact's label (blank or none: unknown).
    pub fn add(&mut self, label: Option<&str>) {
        let label = label.map(str::trim).unwrap_or_default();
        if label.is_empty() {
            self.unknown += 1;
        } else if let Some(n) = self.counts.get_mut(label) {
            *n += 1;
        } else {
            self.counts.insert(label.to_string(), 1);
        }
    }

    /// The largest categories, how many there are and how evenly contacts spread over them.
    pub fn spread(self) -> Spread {
        let Tally { counts, unknown } = self;
        let total: i64 = counts.values().sum();
        let distinct = counts.len();
        let evenness = if distinct > 1 && total > 0 {
            let h: f64 = counts
                .values()
                .map(|&c| {
                    let p = c as f64 / total as f64;
                    -p * p.ln()
                })
                .sum();
            h / (distinct as f64).ln()
        } else {
            0.0
        };
        let mut top: Vec<Count> =
            counts.into_iter().map(|(label, count)| Count { label, count }).collect();
        top.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
        top.truncate(8);
        Spread { top, distinct, unknown, evenness }
    }
}

/// Every contact's current organization, its industry, location and where they were met
/// (the event, else how), counted while the contacts are read: at 100k contacts the four
/// labels of each are never held at once.
#[derive(Clone, Debug, Default)]
pub struct Tallies {
    pub organizations: Tally,
    pub industries: Tally,
    pub locations: Tally,
    pub met_via: Tally,
}

/// The `n` best of `scored` (index into `contacts`, score): highest score first, or lowest
/// when `lowest`; equal scores by name, then by index. Only these become [`Ranked`] records
/// (with a name and a detail each), not every one of 100k contacts.
fn best(
    contacts: &[InsightContact],
    scored: impl Iterator<Item = (usize, f64)>,
    n: usize,
    lowest: bool,
) -> Vec<(usize, f64)> {
    let order = |a: &(usize, f64), b: &(usize, f64)| {
        let by_score = if lowest { a.1.total_cmp(&b.1) } else { b.1.total_cmp(&a.1) };
        by_score
            .then_with(|| {
                contacts[a.0].contact.display_name.cmp(&contacts[b.0].contact.display_name)
            })
            .then(a.0.cmp(&b.0))
    };
    let mut all: Vec<(usize, f64)> = scored.collect();
    if all.len() > n {
        all.select_nth_unstable_by(n, order);
        all.truncate(n);
    }
    all.sort_by(order);
    all
}

fn ties_text(n: usize) -> String {
    if n == 1 { "1 tie".to_string() } else { format!("{n} ties") }
}

fn months_back(today: NaiveDate, n: u32) -> Vec<NaiveDate> {
    let first = today.with_day(1).unwrap_or(today);
    (0..n).rev().filter_map(|i| first.checked_sub_months(chrono::Months::new(i))).collect()
}

/// Computes the insights.
pub fn insights(
    contacts: Vec<InsightContact>,
    tallies: Tallies,
    ties: TieWeights,
    memberships: Vec<Membership>,
    now: DateTime<Utc>,
) -> Insights {
    let organizations = tallies.organizations.spread();
    let industries = tallies.industries.spread();
    let locations = tallies.locations.spread();
    let met_via = tallies.met_via.spread();
    let today = now.date_naive();
    let months = months_back(today, 12);
    let mut growth: Vec<Count> =
        months.iter().map(|m| Count { label: m.format("%Y-%m").to_string(), count: 0 }).collect();
    for c in &contacts {
        if let Some(i) = months.iter().rposition(|m| *m <= c.added)
            && c.added <= today
            && (i + 1 == months.len() || c.added < months[i + 1])
            && c.added >= months[0]
        {
            growth[i].count += 1;
        }
    }
    let mut histogram = vec![0i64; 10];
    for c in &contacts {
        histogram[((c.strength * 10.0) as usize).min(9)] += 1;
    }
    let mut by_strength: Vec<&InsightContact> = contacts.iter().collect();
    by_strength.sort_by(|a, b| {
        b.strength
            .total_cmp(&a.strength)
            .then_with(|| a.contact.display_name.cmp(&b.contact.display_name))
    });
    let layers = LAYERS
        .iter()
        .map(|&size| {
            let inside = &by_strength[..size.min(by_strength.len())];
            Layer {
                size,
                filled: inside.len(),
                min_strength: inside.last().map_or(0.0, |c| c.strength),
            }
        })
        .collect();
    let inner_circle = by_strength
        .iter()
        .take(5)
        .map(|c| Ranked {
            contact: c.contact.clone(),
            score: c.strength,
            detail: format!("{} interactions", c.interactions),
        })
        .collect();
    let dormant = best(
        &contacts,
        contacts.iter().enumerate().filter_map(|(i, c)| {
            let days = (now - c.last_contact?).num_days();
            (c.interactions >= 5 && days > DORMANT_AFTER_DAYS).then_some((i, c.interactions as f64))
        }),
        10,
        false,
    )
    .into_iter()
    .map(|(i, score)| {
        let c = &contacts[i];
        let last = c.last_contact.unwrap_or(now);
        Ranked {
            contact: c.contact.clone(),
            score,
            detail: format!(
                "{} interactions, last {} ({} days ago)",
                c.interactions,
                last.date_naive(),
                (now - last).num_days()
            ),
        }
    })
    .collect();

    // The who-knows-whom graph, without the user.
    let index: HashMap<_, u32> =
        contacts.iter().enumerate().map(|(i, c)| (c.contact.contact_id, i as u32)).collect();
    // The ties' people as nodes (each pair comes once, already folded).
    let node: Vec<Option<u32>> = ties.people.iter().map(|id| index.get(id).copied()).collect();
    // Colleagues meet at one hub node per organization (see `leverage::Network`).
    let mut hubs: HashMap<crate::ids::OrganizationId, u32> = HashMap::new();
    let mut links: HashMap<(u32, u32), bool> = HashMap::new();
    let base = contacts.len() as u32;
    for m in &memberships {
        let Some(&node) = index.get(&m.contact) else { continue };
        let next = base + hubs.len() as u32;
        let hub = *hubs.entry(m.organization).or_insert(next);
        *links.entry((node, hub)).or_insert(false) |= m.current;
    }
    // Owned, so the inputs go as soon as they are in the graph: a 100k-contact network
    // peaks while the graph is built.
    drop(memberships);
    let mut members: HashMap<u32, usize> = HashMap::new();
    for (_, hub) in links.keys() {
        *members.entry(*hub).or_default() += 1;
    }
    let mut gb =
        GraphBuilder::with_capacity(base + hubs.len() as u32, ties.pairs.len() + links.len());
    let mut tie_count = 0;
    for &(a, b, miss) in &ties.pairs {
        let (Some(a), Some(b)) = (node[a as usize], node[b as usize]) else { continue };
        tie_count += 1;
        let s = strength_from_miss(miss);
        if s > 0.0 {
            let _ = gb.add_edge(a, b, s);
        }
    }
    drop((node, ties, index));
    for ((node, hub), now_there) in &links {
        if members.get(hub).copied().unwrap_or(0) >= 2 {
            let s = if *now_there { COLLEAGUES_NOW } else { COLLEAGUES_BEFORE };
            let _ = gb.add_edge(*node, *hub, s.sqrt());
        }
    }
    drop((links, hubs));
    let g = gb.build();
    let components = g.connected_components();
    let clusters = (0..base)
        .filter(|n| g.degree(*n).unwrap_or(0) > 0)
        .map(|n| components.component[n as usize])
        .collect::<std::collections::HashSet<_>>()
        .len();
    let constraints = g.constraint_all();
    let brokers = best(
        &contacts,
        constraints
            .iter()
            .take(contacts.len())
            .enumerate()
            .filter_map(|(i, c)| (g.degree(i as u32).unwrap_or(0) >= 2).then_some((i, (*c)?))),
        10,
        true,
    )
    .into_iter()
    .map(|(i, c)| Ranked {
        contact: contacts[i].contact.clone(),
        score: c,
        detail: format!("constraint {c:.2}, {}", ties_text(g.degree(i as u32).unwrap_or(0))),
    })
    .collect();
    drop(constraints);
    let most_connected = match g.pagerank(&PageRankOptions::default()) {
        Ok(pr) if tie_count > 0 => best(
            &contacts,
            pr.scores
                .iter()
                .take(contacts.len())
                .enumerate()
                .filter(|(i, _)| g.degree(*i as u32).unwrap_or(0) > 0)
                .map(|(i, s)| (i, *s)),
            10,
            false,
        )
        .into_iter()
        .map(|(i, score)| Ranked {
            contact: contacts[i].contact.clone(),
            score,
            detail: ties_text(g.degree(i as u32).unwrap_or(0)),
        })
        .collect(),
        _ => vec![],
    };
    Insights {
        contacts: contacts.len(),
        growth,
        strength_histogram: histogram,
        layers,
        inner_circle,
        organizations,
        industries,
        locations,
        met_via,
        dormant,
        ties: tie_count,
        shared_employers: members.values().filter(|n| **n >= 2).count(),
        clusters,
        brokers,
        most_connected,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ContactId;
    use crate::leverage::Evidence;
    use chrono::TimeZone;

    fn c(n: u128, name: &str, strength: f64, added: &str) -> InsightContact {
        InsightContact {
            contact: Participant {
                contact_id: ContactId(uuid::Uuid::from_u128(n)),
                display_name: name.into(),
            },
            added: NaiveDate::parse_from_str(added, "%Y-%m-%d").unwrap(),
            strength,
            interactions: 0,
            last_contact: None,
        }
    }

    #[test]
    fn best_keeps_the_top_n_by_score_then_name_then_position() {
        let people: Vec<InsightContact> = ["Dee", "Ann", "Cy", "Bo", "Ann", "Eve"]
            .iter()
            .enumerate()
            .map(|(i, n)| c(i as u128, n, 0.5, "2026-01-01"))
            .collect();
        let scores = [(0, 3.0), (1, 1.0), (2, 3.0), (3, 2.0), (4, 1.0), (5, 0.5)];
        let idx = |v: Vec<(usize, f64)>| v.into_iter().map(|(i, _)| i).collect::<Vec<_>>();
        assert_eq!(idx(best(&people, scores.into_iter(), 3, false)), [2, 0, 3], "Cy before Dee");
        assert_eq!(
            idx(best(&people, scores.into_iter(), 3, true)),
            [5, 1, 4],
            "Ann twice, in order"
        );
        assert_eq!(idx(best(&people, scores.into_iter(), 10, true)), [5, 1, 4, 3, 2, 0]);
        assert!(best(&people, std::iter::empty(), 3, false).is_empty());
    }

    fn tie(a: u128, b: u128) -> crate::leverage::TieEvidence {
        crate::leverage::TieEvidence {
            a: ContactId(uuid::Uuid::from_u128(a)),
            b: ContactId(uuid::Uuid::from_u128(b)),
            evidence: Evidence::Known { strength: Some(0.8), since: None, note: String::new() },
        }
    }

    #[test]
    fn counts_layers_growth_and_bridges() {
        let now = Utc.with_ymd_and_hms(2026, 11, 27, 10, 0, 0).unwrap();
        let mut people = vec![
            c(1, "Ada", 0.9, "2026-11-03"),
            c(2, "Bob", 0.5, "2026-10-03"),
            c(3, "Cy", 0.2, "2024-01-01"),
            c(4, "Dee", 0.05, "2026-11-20"),
            c(5, "Eve", 0.6, "2025-12-01"),
        ];
        let mut tallies = Tallies::default();
        for org in [Some("Acme"), Some(" Acme "), Some("Initech"), None, Some("  ")] {
            tallies.organizations.add(org);
        }
        people[2].interactions = 12;
        people[2].last_contact = Some(now - chrono::Duration::days(400));
        // Two triangles joined only through Cy: Cy is the broker.
        let ev = vec![tie(1, 2), tie(1, 3), tie(2, 3), tie(3, 4), tie(3, 5), tie(4, 5)];
        let i = insights(people, tallies, TieWeights::fold(ev), vec![], now);
        assert_eq!(i.contacts, 5);
        assert_eq!(i.growth.len(), 12);
        assert_eq!(i.growth[0].label, "2025-12");
        assert_eq!((i.growth[0].count, i.growth[10].count, i.growth[11].count), (1, 1, 2));
        assert_eq!(i.strength_histogram.iter().sum::<i64>(), 5);
        assert_eq!((i.layers[0].filled, i.layers[0].min_strength), (5, 0.05));
        assert_eq!(i.inner_circle[0].contact.display_name, "Ada");
        assert_eq!(i.organizations.top[0], Count { label: "Acme".into(), count: 2 });
        assert_eq!((i.organizations.distinct, i.organizations.unknown), (2, 2));
        assert_eq!(i.dormant.len(), 1);
        assert!(
            i.dormant[0].detail.starts_with("12 interactions, last 2025-10-23"),
            "{}",
            i.dormant[0].detail
        );
        assert_eq!((i.ties, i.clusters, i.shared_employers), (6, 1, 0));
        assert_eq!(i.brokers[0].contact.display_name, "Cy");
        assert_eq!(i.most_connected[0].contact.display_name, "Cy");
    }
}
