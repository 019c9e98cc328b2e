//! Leveraging the network: the user's relationship roles (mentor, sponsor, client, ...),
//! who-knows-whom ties (entered by hand or inferred from the data, each saying where it came
//! from), and warm-introduction paths over them.

use crate::error::{Collector, ValidationError};
use crate::ids::{ConnectionId, ContactId};
use crate::interaction::Participant;
use crate::text::ago;
use crate::words::word_enum;
use chrono::{DateTime, NaiveDate, Utc};
use kith_graph::{Graph, GraphBuilder, Path};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

word_enum!(
    /// What a contact is to the user (a contact may be several).
    RelationshipRole {
        Mentor => "mentor",
        Mentee => "mentee",
        Sponsor => "sponsor",
        Advisor => "advisor",
        Peer => "peer",
        Colleague => "colleague",
        Manager => "manager",
        Report => "report",
        Client => "client",
        Recruiter => "recruiter",
        Investor => "investor",
        Friend => "friend",
    }
);

/// The strength assumed for a tie entered by hand without one.
pub const DEFAULT_KNOWN_STRENGTH: f64 = 0.6;
/// The weakest tie from the user to a contact: being in the address book at all.
pub const MIN_MY_TIE: f64 = 0.05;

/// "Ada knows Grace", as entered by the user.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Connection {
    pub id: ConnectionId,
    pub a: Participant,
    pub b: Participant,
    /// How well they know each other, in (0, 1].
    pub strength: Option<f64>,
    pub since: Option<NaiveDate>,
    pub note: String,
    pub created_at: DateTime<Utc>,
}

/// A connection as entered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConnectionInput {
    pub a: ContactId,
    pub b: ContactId,
    #[serde(default)]
    pub strength: Option<f64>,
    #[serde(default)]
    pub since: Option<NaiveDate>,
    #[serde(default)]
    pub note: String,
}

impl ConnectionInput {
    /// Checks the input: two different people, a strength in (0, 1], a `since` not in the
    /// future, a one-line note. The pair is stored in id order.
    pub fn normalized(&self, today: NaiveDate) -> Result<ConnectionInput, ValidationError> {
        let mut errs = Collector::default();
        if self.a == self.b {
            errs.push("contacts", Some(&self.a.to_string()), "two different people");
        }
        if let Some(s) = self.strength
            && !(s > 0.0 && s <= 1.0)
        {
            errs.push("strength", Some(&s.to_string()), "a number above 0 and at most 1");
        }
        if let Some(d) = self.since
            && d > today
        {
            errs.push("since", Some(&d.to_string()), "a date that is not in the future");
        }
        let note = self.note.trim().to_string();
        if note.contains('\n') || note.chars().count() > 300 {
            errs.push("note", Some(&note), "a single line of at most 300 characters");
        }
        errs.finish()?;
        let (a, b) = if self.a < self.b { (self.a, self.b) } else { (self.b, self.a) };
        Ok(ConnectionInput { a, b, note, ..self.clone() })
    }
}

/// Why two contacts are thought to know each other.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum Evidence {
    /// The user said so.
    Known { strength: Option<f64>, since: Option<NaiveDate>, note: String },
    /// They were together in interactions with the user.
    Together { count: i64, last: NaiveDate },
    /// Both were at an event.
    SameEvent { event: String, on: NaiveDate },
    /// Both work or worked at an organization; `overlap` when both are there now.
    Colleagues { organization: String, overlap: bool },
}

/// Someone a contact is thought to know, how strongly, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Tie {
    pub contact: Participant,
    /// 0 to 0.99: the chance they know each other, from all the evidence together.
    pub strength: f64,
    pub evidence: Vec<Evidence>,
}

impl Tie {
    /// The evidence in words, e.g. `3 interactions together, last 2026-10-01; same event ...`.
    pub fn why(&self) -> String {
        self.evidence.iter().map(Evidence::describe).collect::<Vec<_>>().join("; ")
    }
}

impl Evidence {
    /// The chance this evidence alone does not mean a tie: 1 − its strength (clamped to [0, 1]).
    pub fn miss(&self) -> f64 {
        1.0 - self.strength().clamp(0.0, 1.0)
    }

    /// How strong a tie this evidence alone suggests, in (0, 1).
    pub fn strength(&self) -> f64 {
        match self {
            Evidence::Known { strength, .. } => strength.unwrap_or(DEFAULT_KNOWN_STRENGTH),
            Evidence::Together { count, .. } => {
                (1.0 - 0.75_f64.powi((*count).clamp(1, 50) as i32)).min(0.9)
            }
            Evidence::SameEvent { .. } => 0.15,
            Evidence::Colleagues { overlap: true, .. } => 0.35,
            Evidence::Colleagues { overlap: false, .. } => 0.1,
        }
    }

    /// In words: `knows since 2019 (you said so)`, `3 interactions together, last 2026-10-01`.
    pub fn describe(&self) -> String {
        match self {
            Evidence::Known { since, note, .. } => {
                let since = since.map(|d| format!(" since {}", d.format("%Y"))).unwrap_or_default();
                let note = if note.is_empty() { String::new() } else { format!(": {note}") };
                format!("knows{since} (you said so){note}")
            }
            Evidence::Together { count: 1, last } => format!("in a meeting together on {last}"),
            Evidence::Together { count, last } => {
                format!("{count} interactions together, last {last}")
            }
            Evidence::SameEvent { event, on } => format!("both at {event} ({})", on.format("%Y")),
            Evidence::Colleagues { organization, overlap: true } => {
                format!("colleagues at {organization}")
            }
            Evidence::Colleagues { organization, overlap: false } => {
                format!("both worked at {organization}")
            }
        }
    }
}

/// One piece of evidence about a pair of contacts.
#[derive(Clone, Debug, PartialEq)]
pub struct TieEvidence {
    pub a: ContactId,
    pub b: ContactId,
    pub evidence: Evidence,
}

/// Who knows whom across the whole network, folded for insights: each pair of people once,
/// with Π(1 − sᵢ) over its direct evidence ([`Evidence::miss`]). People are numbered, so half
/// a million pairs take 8 MB where their evidence, one record per piece, took ~40 MB.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TieWeights {
    /// The people, by number.
    pub people: Vec<ContactId>,
    /// (a, b, Π(1 − sᵢ)) with numbers a < b; sorted, each pair once.
    pub pairs: Vec<(u32, u32, f64)>,
}

impl TieWeights {
    /// Folds evidence given in any order, any number of pieces per pair.
    pub fn fold(evidence: impl IntoIterator<Item = TieEvidence>) -> TieWeights {
        let mut w = TieWeightsBuilder::default();
        for e in evidence {
            w.add(e.a, e.b, e.evidence.miss());
        }
        w.finish()
    }

    /// Each pair as contact ids (the smaller first) with its combined strength, sorted.
    pub fn strengths(&self) -> Vec<(ContactId, ContactId, f64)> {
        let mut out: Vec<_> = self
            .pairs
            .iter()
            .map(|&(a, b, miss)| {
                let (a, b) = (self.people[a as usize], self.people[b as usize]);
                (a.min(b), a.max(b), strength_from_miss(miss))
            })
            .collect();
        out.sort_by_key(|x| (x.0, x.1));
        out
    }
}

/// Collects [`TieWeights`]: numbers people as they come, takes pieces of evidence as misses
/// (1 − s), and multiplies the pieces of each pair together at the end.
#[derive(Debug, Default)]
pub struct TieWeightsBuilder {
    number: HashMap<ContactId, u32>,
    people: Vec<ContactId>,
    pairs: Vec<(u32, u32, f64)>,
}

impl TieWeightsBuilder {
    /// The person's number (a new one the first time).
    pub fn number(&mut self, id: ContactId) -> u32 {
        let next = self.people.len() as u32;
        let n = *self.number.entry(id).or_insert(next);
        if n == next {
            self.people.push(id);
        }
        n
    }

    /// The person a number stands for.
    pub fn person(&self, n: u32) -> ContactId {
        self.people[n as usize]
    }

    /// Room for `n` more pieces of evidence.
    pub fn reserve(&mut self, n: usize) {
        self.pairs.reserve_exact(n);
    }

    /// One piece of evidence between numbered people (ignored for a person and themself).
    pub fn add_numbered(&mut self, a: u32, b: u32, miss: f64) {
        if a != b {
            self.pairs.push((a.min(b), a.max(b), miss));
        }
    }

    /// One piece of evidence between two people.
    pub fn add(&mut self, a: ContactId, b: ContactId, miss: f64) {
        let (a, b) = (self.number(a), self.number(b));
        self.add_numbered(a, b, miss);
    }

    /// Each pair once, its pieces multiplied.
    pub fn finish(mut self) -> TieWeights {
        self.pairs.sort_unstable_by_key(|&(a, b, _)| (a, b));
        self.pairs.dedup_by(|next, kept| {
            let same = (next.0, next.1) == (kept.0, kept.1);
            if same {
                kept.2 *= next.2;
            }
            same
        });
        TieWeights { people: self.people, pairs: self.pairs }
    }
}

/// Combines independent evidence into one strength: 1 − Π(1 − sᵢ) (a "noisy or"), at most 0.99.
pub fn combined_strength(evidence: &[Evidence]) -> f64 {
    strength_from_miss(evidence.iter().map(Evidence::miss).product())
}

/// The combined strength for Π(1 − sᵢ) over the evidence (see [`Evidence::miss`]), for
/// callers that fold evidence one piece at a time instead of collecting it.
pub fn strength_from_miss(miss: f64) -> f64 {
    (1.0 - miss).clamp(0.0, 0.99)
}

/// The user's tie to one contact, for paths.
#[derive(Clone, Debug, PartialEq)]
pub struct MyTie {
    pub contact: Participant,
    /// Relationship strength (`strength::strength`), in [0, 1].
    pub strength: f64,
    /// Relationship roles and role tags, e.g. `mentor`.
    pub roles: Vec<String>,
    pub last_contact: Option<DateTime<Utc>>,
}

/// One step of an introduction path.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Hop {
    /// `None` for the user.
    pub from: Option<Participant>,
    pub to: Participant,
    pub strength: f64,
    /// Why the tie is there, e.g. `mentor, talked 5 days ago`.
    pub why: String,
}

/// A ranked route to someone through people the user knows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IntroPath {
    /// The product of the strengths along the path.
    pub strength: f64,
    pub hops: Vec<Hop>,
}

impl IntroPath {
    /// `you → Ada (0.82, mentor, talked 5 days ago) → Grace (0.45: colleagues at Acme)`.
    pub fn describe(&self) -> String {
        let mut s = "you".to_string();
        for (i, h) in self.hops.iter().enumerate() {
            let sep = if i == 0 { ", " } else { ": " };
            s.push_str(&format!(" → {} ({:.2}{sep}{})", h.to.display_name, h.strength, h.why));
        }
        s
    }

    /// The person the path ends at.
    pub fn target(&self) -> Option<&Participant> {
        self.hops.last().map(|h| &h.to)
    }
}

/// A contact's role at an organization, for ties between its people.
#[derive(Clone, Debug, PartialEq)]
pub struct Membership {
    pub contact: ContactId,
    pub organization: crate::ids::OrganizationId,
    pub name: String,
    /// They work there now.
    pub current: bool,
}

/// The tie strength between two people who work at the same organization now.
pub const COLLEAGUES_NOW: f64 = 0.35;
/// ... when at least one of them has left (their times there may not have overlapped).
pub const COLLEAGUES_BEFORE: f64 = 0.15;

/// The user's network as a graph: node 0 is the user, nodes `1..=n` are contacts, and after
/// them one hub node per organization. Colleagues are linked through their organization's hub
/// (contact – hub – contact) rather than pairwise, so an organization of m people costs m edges
/// instead of m²/2; a hub's edges have strength √s so that the two hops multiply to the pair
/// strength s ([`COLLEAGUES_NOW`], or [`COLLEAGUES_BEFORE`] when either has left). Paths never
/// start or end at a hub, and explanations fold a hub into one hop ("colleagues at Acme").
#[derive(Debug)]
pub struct Network {
    pub graph: Graph,
    people: Vec<Participant>,
    index: HashMap<ContactId, u32>,
    mine: HashMap<u32, MyTie>,
    evidence: HashMap<(u32, u32), Vec<Evidence>>,
    /// Organization names of the hub nodes, from `hub_base` on.
    hubs: Vec<String>,
    hub_base: u32,
    /// Whether a contact (node) is at a hub now.
    current: HashMap<(u32, u32), bool>,
    now: DateTime<Utc>,
}

impl Network {
    /// Builds the graph from the user's ties, the evidence between contacts and who works or
    /// worked where. Evidence or memberships of contacts not in `mine` are ignored.
    pub fn build(
        mine: Vec<MyTie>,
        evidence: Vec<TieEvidence>,
        memberships: Vec<Membership>,
        now: DateTime<Utc>,
    ) -> Network {
        let mut people = Vec::with_capacity(mine.len());
        let mut index = HashMap::with_capacity(mine.len());
        let mut by_node = HashMap::with_capacity(mine.len());
        for t in mine {
            let node = people.len() as u32 + 1;
            index.insert(t.contact.contact_id, node);
            people.push(t.contact.clone());
            by_node.insert(node, t);
        }
        let mut pairs: HashMap<(u32, u32), Vec<Evidence>> = HashMap::new();
        for e in evidence {
            if let (Some(&a), Some(&b)) = (index.get(&e.a), index.get(&e.b))
                && a != b
            {
                pairs.entry((a.min(b), a.max(b))).or_default().push(e.evidence);
            }
        }
        let hub_base = people.len() as u32 + 1;
        let mut hubs: Vec<String> = Vec::new();
        let mut hub_of: HashMap<crate::ids::OrganizationId, u32> = HashMap::new();
        let mut current: HashMap<(u32, u32), bool> = HashMap::new();
        for m in &memberships {
            let Some(&node) = index.get(&m.contact) else { continue };
            let hub = *hub_of.entry(m.organization).or_insert_with(|| {
                hubs.push(m.name.clone());
                hub_base + hubs.len() as u32 - 1
            });
            let e = current.entry((node, hub)).or_insert(false);
            *e |= m.current;
        }
        let mut b = GraphBuilder::with_capacity(
            hub_base + hubs.len() as u32,
            by_node.len() + pairs.len() + current.len(),
        );
        for (node, t) in &by_node {
            // Cannot fail: distinct valid nodes, strength clamped into (0, 1].
            let _ = b.add_edge(0, *node, t.strength.clamp(MIN_MY_TIE, 1.0));
        }
        for ((a, c), ev) in &pairs {
            let s = combined_strength(ev);
            if s > 0.0 {
                let _ = b.add_edge(*a, *c, s);
            }
        }
        for ((node, hub), now_there) in &current {
            let s = if *now_there { COLLEAGUES_NOW } else { COLLEAGUES_BEFORE };
            let _ = b.add_edge(*node, *hub, s.sqrt());
        }
        Network {
            graph: b.build(),
            people,
            index,
            mine: by_node,
            evidence: pairs,
            hubs,
            hub_base,
            current,
            now,
        }
    }

    /// How many contacts the network holds.
    pub fn len(&self) -> usize {
        self.people.len()
    }

    /// Whether the network has no contacts.
    pub fn is_empty(&self) -> bool {
        self.people.is_empty()
    }

    /// The graph node of a contact.
    pub fn node(&self, id: ContactId) -> Option<u32> {
        self.index.get(&id).copied()
    }

    /// The contact at a graph node (not the user's node 0, not an organization hub).
    pub fn person(&self, node: u32) -> Option<&Participant> {
        if node >= self.hub_base {
            return None;
        }
        node.checked_sub(1).and_then(|i| self.people.get(i as usize))
    }

    /// The organization of a hub node.
    fn hub(&self, node: u32) -> Option<&str> {
        node.checked_sub(self.hub_base).and_then(|i| self.hubs.get(i as usize)).map(String::as_str)
    }

    /// Whether a node is an organization hub.
    pub fn is_hub(&self, node: u32) -> bool {
        node >= self.hub_base
    }

    /// The evidence between two contacts entered or seen directly (not shared employers).
    pub fn evidence(&self, a: ContactId, b: ContactId) -> &[Evidence] {
        match (self.node(a), self.node(b)) {
            (Some(x), Some(y)) => {
                self.evidence.get(&(x.min(y), x.max(y))).map(Vec::as_slice).unwrap_or(&[])
            }
            _ => &[],
        }
    }

    /// The colleague evidence for two contacts meeting at a hub.
    fn colleagues(&self, a: u32, hub: u32, b: u32) -> Evidence {
        let both_now = self.current.get(&(a, hub)).copied().unwrap_or(false)
            && self.current.get(&(b, hub)).copied().unwrap_or(false);
        Evidence::Colleagues {
            organization: self.hub(hub).unwrap_or("").to_string(),
            overlap: both_now,
        }
    }

    /// Contacts tied to someone (directly, or as colleagues; not the user), strongest first.
    pub fn ties_of(&self, id: ContactId) -> Vec<(Participant, f64, Vec<Evidence>)> {
        let Some(node) = self.node(id) else { return vec![] };
        let Ok(neighbors) = self.graph.neighbors(node) else { return vec![] };
        let mut by_person: HashMap<u32, (f64, Vec<Evidence>)> = HashMap::new();
        for n in neighbors {
            if n.node == 0 {
                continue;
            }
            if self.is_hub(n.node) {
                let Ok(members) = self.graph.neighbors(n.node) else { continue };
                for m in members.filter(|m| m.node != node) {
                    let e = by_person.entry(m.node).or_insert((0.0, vec![]));
                    let s = n.strength * m.strength;
                    let miss = (1.0 - e.0) * (1.0 - s);
                    e.0 = 1.0 - miss;
                    e.1.push(self.colleagues(node, n.node, m.node));
                }
            } else {
                let e = by_person.entry(n.node).or_insert((0.0, vec![]));
                e.0 = 1.0 - (1.0 - e.0) * (1.0 - n.strength);
                let key = (node.min(n.node), node.max(n.node));
                e.1.extend(self.evidence.get(&key).cloned().unwrap_or_default());
            }
        }
        let mut out: Vec<(Participant, f64, Vec<Evidence>)> = by_person
            .into_iter()
            .filter_map(|(n, (s, ev))| Some((self.person(n)?.clone(), s.min(0.99), ev)))
            .collect();
        out.sort_by(|a, b| {
            b.1.total_cmp(&a.1)
                .then_with(|| a.0.display_name.cmp(&b.0.display_name))
                .then_with(|| a.0.contact_id.cmp(&b.0.contact_id))
        });
        out
    }

    fn my_why(&self, node: u32) -> String {
        let Some(t) = self.mine.get(&node) else { return String::new() };
        let mut parts: Vec<String> = t.roles.clone();
        parts.push(match t.last_contact {
            Some(at) => format!("talked {}", ago(at, self.now)),
            None => "never talked".to_string(),
        });
        parts.join(", ")
    }

    fn explain(&self, p: &Path) -> IntroPath {
        let mut hops = Vec::with_capacity(p.hops());
        let nodes = &p.nodes;
        let mut i = 0;
        while i + 1 < nodes.len() {
            let from = nodes[i];
            let (to, strength, why, step) = if self.is_hub(nodes[i + 1]) && i + 2 < nodes.len() {
                let (hub, to) = (nodes[i + 1], nodes[i + 2]);
                let s = self.graph.strength(from, hub).ok().flatten().unwrap_or(0.0)
                    * self.graph.strength(hub, to).ok().flatten().unwrap_or(0.0);
                (to, s, self.colleagues(from, hub, to).describe(), 2)
            } else {
                let to = nodes[i + 1];
                let s = self.graph.strength(from, to).ok().flatten().unwrap_or(0.0);
                let why = if from == 0 {
                    self.my_why(to)
                } else {
                    let key = (from.min(to), from.max(to));
                    self.evidence
                        .get(&key)
                        .map(|ev| ev.iter().map(Evidence::describe).collect::<Vec<_>>().join("; "))
                        .unwrap_or_default()
                };
                (to, s, why, 1)
            };
            if let Some(to_p) = self.person(to).cloned() {
                let from_p = if from == 0 { None } else { self.person(from).cloned() };
                hops.push(Hop { from: from_p, to: to_p, strength, why });
            }
            i += step;
        }
        IntroPath { strength: p.strength(), hops }
    }

    /// The best `k` loopless paths from the user to a contact, best first.
    pub fn paths_to(&self, target: ContactId, k: usize) -> Vec<IntroPath> {
        let Some(t) = self.node(target) else { return vec![] };
        match self.graph.k_best_paths(0, t, k) {
            Ok(paths) => paths.iter().map(|p| self.explain(p)).collect(),
            Err(_) => vec![],
        }
    }

    /// The best paths from the user to the `k` closest of `targets` (one path each; a path
    /// stops at the first target it reaches).
    pub fn paths_to_any(&self, targets: &[ContactId], k: usize) -> Vec<IntroPath> {
        let nodes: Vec<u32> = targets.iter().filter_map(|t| self.node(*t)).collect();
        match self.graph.best_paths_to_any(0, &nodes, k) {
            Ok(paths) => paths.iter().map(|p| self.explain(p)).collect(),
            Err(_) => vec![],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn id(n: u128) -> ContactId {
        ContactId(uuid::Uuid::from_u128(n))
    }

    fn me_to(n: u128, name: &str, strength: f64, roles: &[&str], days: Option<i64>) -> MyTie {
        MyTie {
            contact: Participant { contact_id: id(n), display_name: name.into() },
            strength,
            roles: roles.iter().map(|r| r.to_string()).collect(),
            last_contact: days.map(|d| now() - chrono::Duration::days(d)),
        }
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 27, 10, 0, 0).unwrap()
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn tie_weights_fold_each_pair_once_in_any_order() {
        let known = |a, b, s| TieEvidence {
            a: id(a),
            b: id(b),
            evidence: Evidence::Known { strength: Some(s), since: None, note: String::new() },
        };
        let together = |a, b, count| TieEvidence {
            a: id(a),
            b: id(b),
            evidence: Evidence::Together { count, last: d("2026-01-01") },
        };
        let evidence =
            vec![known(2, 1, 0.5), together(1, 2, 1), known(3, 3, 0.9), known(1, 3, 0.4)];
        let w = TieWeights::fold(evidence.clone());
        assert_eq!(w.pairs.len(), 2, "a person and themself is no tie: {w:?}");
        let reversed = TieWeights::fold(evidence.into_iter().rev());
        assert_eq!(w.strengths(), reversed.strengths());
        let (a, b) = (id(1), id(2));
        let want = combined_strength(&[
            Evidence::Known { strength: Some(0.5), since: None, note: String::new() },
            Evidence::Together { count: 1, last: d("2026-01-01") },
        ]);
        let got = w.strengths();
        assert_eq!((got[0].0, got[0].1), (a, b));
        assert!((got[0].2 - want).abs() < 1e-12, "{} vs {want}", got[0].2);
        assert!((got[1].2 - 0.4).abs() < 1e-12);
    }

    #[test]
    fn connections_need_two_people() {
        let e = ConnectionInput {
            a: id(1),
            b: id(1),
            strength: Some(1.5),
            since: None,
            note: "".into(),
        };
        let fields: Vec<String> = e
            .normalized(d("2026-11-27"))
            .unwrap_err()
            .errors
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["contacts", "strength"]);
        let ok = ConnectionInput {
            a: id(9),
            b: id(2),
            strength: None,
            since: None,
            note: " hi ".into(),
        }
        .normalized(d("2026-11-27"))
        .unwrap();
        assert_eq!((ok.a, ok.b, ok.note.as_str()), (id(2), id(9), "hi"));
    }

    #[test]
    fn evidence_combines_as_noisy_or() {
        let known = Evidence::Known { strength: Some(0.5), since: None, note: String::new() };
        let colleagues = Evidence::Colleagues { organization: "Acme".into(), overlap: true };
        let s = combined_strength(&[known, colleagues]);
        assert!((s - (1.0 - 0.5 * 0.65)).abs() < 1e-12, "{s}");
        assert!(
            (Evidence::Together { count: 3, last: d("2026-01-01") }.strength() - 0.578125).abs()
                < 1e-9
        );
        assert!(combined_strength(&[]) == 0.0);
    }

    #[test]
    fn paths_rank_by_product_of_strengths_and_explain_each_hop() {
        let mine = vec![
            me_to(1, "Ada", 0.82, &["mentor"], Some(5)),
            me_to(2, "Bob", 0.3, &[], Some(60)),
            me_to(3, "Grace", 0.0, &[], None),
        ];
        let ev = vec![
            TieEvidence {
                a: id(1),
                b: id(3),
                evidence: Evidence::Known {
                    strength: Some(0.5),
                    since: Some(d("2019-05-01")),
                    note: String::new(),
                },
            },
            TieEvidence {
                a: id(3),
                b: id(1),
                evidence: Evidence::Colleagues { organization: "Acme".into(), overlap: true },
            },
            TieEvidence {
                a: id(2),
                b: id(3),
                evidence: Evidence::Together { count: 5, last: d("2026-10-01") },
            },
            TieEvidence {
                a: id(2),
                b: id(99),
                evidence: Evidence::SameEvent { event: "X".into(), on: d("2026-01-01") },
            },
        ];
        let net = Network::build(mine, ev, vec![], now());
        assert_eq!(net.len(), 3);
        let paths = net.paths_to(id(3), 3);
        assert_eq!(paths.len(), 3, "{:#?}", paths.iter().map(|p| p.describe()).collect::<Vec<_>>());
        let first = &paths[0];
        assert_eq!(
            first.describe(),
            "you → Ada (0.82, mentor, talked 5 days ago) → Grace (0.68: knows since 2019 (you said so); colleagues at Acme)"
        );
        assert!((first.strength - 0.82 * 0.675).abs() < 1e-9);
        assert!(
            paths[1].describe().starts_with("you → Bob (0.30, talked 2 months ago) → Grace"),
            "{}",
            paths[1].describe()
        );
        assert_eq!(paths[2].hops.len(), 1, "the direct (weak) tie comes last");
        assert!((paths[2].strength - MIN_MY_TIE).abs() < 1e-12);
        assert!(paths.windows(2).all(|w| w[0].strength >= w[1].strength));
        let any = net.paths_to_any(&[id(3), id(2)], 2);
        let ends: Vec<&str> =
            any.iter().map(|p| p.target().unwrap().display_name.as_str()).collect();
        assert_eq!(ends, ["Grace", "Bob"], "Grace through Ada is closer than Bob");
        assert!(net.paths_to(id(77), 3).is_empty(), "unknown target");

        assert_eq!(net.ties_of(id(3)).len(), 2);

        // Colleagues tie through their organization's hub, not pairwise.
        let acme = crate::ids::OrganizationId(uuid::Uuid::from_u128(500));
        let at = |n: u128, current: bool| Membership {
            contact: id(n),
            organization: acme,
            name: "Acme".into(),
            current,
        };
        let mine = vec![
            me_to(1, "Ada", 0.82, &["mentor"], Some(5)),
            me_to(4, "Linus", 0.0, &[], None),
            me_to(5, "Old Hand", 0.0, &[], None),
        ];
        let net = Network::build(mine, vec![], vec![at(1, true), at(4, true), at(5, false)], now());
        let best = &net.paths_to(id(4), 1)[0];
        assert_eq!(best.hops.len(), 2, "the hub is folded into one hop");
        assert!(
            best.describe().ends_with("→ Linus (0.35: colleagues at Acme)"),
            "{}",
            best.describe()
        );
        assert!((best.strength - 0.82 * COLLEAGUES_NOW).abs() < 1e-9);
        let ties = net.ties_of(id(1));
        let names: Vec<&str> = ties.iter().map(|t| t.0.display_name.as_str()).collect();
        assert_eq!(names, ["Linus", "Old Hand"]);
        assert_eq!(ties[1].2[0].describe(), "both worked at Acme");
        assert!(net.paths_to_any(&[id(5)], 1)[0].describe().contains("Old Hand"));
    }
}

/// The answer to "how do I reach this person or organization?".
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PathReport {
    /// The person or organization, by name.
    pub target: String,
    /// Ranked, explained routes.
    pub paths: Vec<IntroPath>,
    /// For an organization: people there now.
    pub known_now: Vec<Participant>,
    /// For an organization: people who worked there before.
    pub known_before: Vec<Participant>,
    /// When no warm route exists: what to try instead.
    pub suggestions: Vec<String>,
}
