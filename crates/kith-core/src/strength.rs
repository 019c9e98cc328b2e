//! Relationship strength: a score in [0, 1] per contact, computed from the history and
//! explainable factor by factor.
//!
//! ```text
//! score = Σ weight_i × factor_i     (each contribution rounded to 3 decimals, so the shown
//!                                     parts add up exactly to the shown score)
//! recency      0.35  0.5 ^ (days since last interaction / half-life)
//! frequency    0.25  1 − exp(−n / 4), n = interactions decayed with twice the half-life
//! reciprocity  0.15  balance of who reaches out (and, when there is any, of favours given
//!                    and received): 1 − |a − b| / (a + b)
//! multiplexity 0.10  (distinct interaction kinds + distinct ledger kinds) / 5, capped at 1
//! duration     0.15  1 − exp(−years known / 2)
//! ```
//! A manual closeness (0–1) replaces the computed score when set. Recency carries the most
//! weight: days since last contact is the strongest single predictor of tie strength
//! (Gilbert & Karahalios, CHI 2009). Bands follow Affinity: ≥ 0.7 regular, 0.4–0.7
//! occasional, < 0.4 sporadic.

use crate::interaction::{Direction, InteractionKind};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Tunable parameters.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StrengthSettings {
    /// Days after which recency halves.
    pub half_life_days: f64,
}

impl Default for StrengthSettings {
    fn default() -> Self {
        StrengthSettings { half_life_days: 90.0 }
    }
}

/// The interaction part of a contact's history, in aggregate. It can be kept up to date
/// without the raw events: `decayed_at_last` is Σ 0.5^((last − t) / (2 × half-life)) over all
/// interactions, so at any later `now` the decayed count is that times
/// 0.5^((now − last) / (2 × half-life)).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InteractionStats {
    pub count: i64,
    pub first_at: Option<DateTime<Utc>>,
    pub last_at: Option<DateTime<Utc>>,
    pub decayed_at_last: f64,
    pub outbound: i64,
    pub inbound: i64,
    pub mutual: i64,
    /// Bit i set when an interaction of `InteractionKind::ALL[i]` happened.
    pub kinds: u32,
}

impl InteractionStats {
    /// Aggregates raw interactions (in any order).
    pub fn from_events(
        events: &[(DateTime<Utc>, InteractionKind, Direction)],
        settings: &StrengthSettings,
    ) -> Self {
        let mut s = InteractionStats::default();
        let last = events.iter().map(|e| e.0).max();
        s.last_at = last;
        s.first_at = events.iter().map(|e| e.0).min();
        s.count = events.len() as i64;
        for (t, kind, dir) in events {
            if let Some(last) = last {
                s.decayed_at_last += decay(days_between(*t, last), 2.0 * settings.half_life_days);
            }
            s.kinds |= kind_bit(*kind);
            match dir {
                Direction::Outbound => s.outbound += 1,
                Direction::Inbound => s.inbound += 1,
                Direction::Mutual => s.mutual += 1,
            }
        }
        s
    }
}

impl InteractionStats {
    /// Adds new interactions to the aggregate, exactly as if it had been computed from all
    /// of them: the decayed count is moved forward to the new latest time first.
    pub fn merge(
        &mut self,
        events: &[(DateTime<Utc>, InteractionKind, Direction)],
        settings: &StrengthSettings,
    ) {
        let Some(new_last) = events.iter().map(|e| e.0).max() else { return };
        let last = match self.last_at {
            Some(old) if old >= new_last => old,
            Some(old) => {
                self.decayed_at_last *=
                    decay(days_between(old, new_last), 2.0 * settings.half_life_days);
                new_last
            }
            None => new_last,
        };
        self.last_at = Some(last);
        let new_first = events.iter().map(|e| e.0).min();
        self.first_at = [self.first_at, new_first].into_iter().flatten().min();
        self.count += events.len() as i64;
        for (t, kind, dir) in events {
            self.decayed_at_last += decay(days_between(*t, last), 2.0 * settings.half_life_days);
            self.kinds |= kind_bit(*kind);
            match dir {
                Direction::Outbound => self.outbound += 1,
                Direction::Inbound => self.inbound += 1,
                Direction::Mutual => self.mutual += 1,
            }
        }
    }
}

/// Σ 0.5^((last − t) / (2 × half-life)) over interaction times `t` (all at or before `last`):
/// the decayed count as of the last interaction, as kept in [`InteractionStats`].
pub fn decayed_count(
    times: &[DateTime<Utc>],
    last: DateTime<Utc>,
    settings: &StrengthSettings,
) -> f64 {
    times.iter().map(|t| decay(days_between(*t, last), 2.0 * settings.half_life_days)).sum()
}

/// The bit of a kind in [`InteractionStats::kinds`].
pub fn kind_bit(kind: InteractionKind) -> u32 {
    let i = InteractionKind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
    1 << i
}

/// What the ledger says about a contact, for strength and reasons.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LedgerStats {
    /// Favours I gave (help given, done).
    pub given: i64,
    /// Favours I received (help received, done; my asks they answered).
    pub received: i64,
    /// Distinct ledger kinds used with them.
    pub kinds: u32,
}

/// Everything strength is computed from.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct History {
    pub interactions: InteractionStats,
    pub ledger: LedgerStats,
    /// When the user first met them, or else when they were added.
    pub known_since: Option<DateTime<Utc>>,
    /// Manual closeness in [0, 1], replacing the computed score.
    pub closeness: Option<f64>,
}

/// One factor of the score.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Factor {
    pub name: String,
    /// The factor's value in [0, 1].
    pub value: f64,
    pub weight: f64,
    /// weight × value, rounded to 3 decimals.
    pub contribution: f64,
    /// What the value was computed from, in words.
    pub detail: String,
}

/// A score with its explanation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Strength {
    /// The final score in [0, 1].
    pub score: f64,
    /// Σ contributions (equals `score` unless a manual closeness overrides it).
    pub computed: f64,
    pub closeness: Option<f64>,
    pub band: Band,
    pub factors: Vec<Factor>,
}

/// Affinity's tie bands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Band {
    Regular,
    Occasional,
    Sporadic,
}

impl Band {
    /// The band of a score.
    pub fn of(score: f64) -> Band {
        if score >= 0.7 {
            Band::Regular
        } else if score >= 0.4 {
            Band::Occasional
        } else {
            Band::Sporadic
        }
    }

    /// Every band, strongest first.
    pub const ALL: [Band; 3] = [Band::Regular, Band::Occasional, Band::Sporadic];

    /// Parses a band's name.
    pub fn parse(s: &str) -> Option<Band> {
        Band::ALL.into_iter().find(|b| b.as_str() == s.trim().to_lowercase())
    }

    /// The band's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Band::Regular => "regular",
            Band::Occasional => "occasional",
            Band::Sporadic => "sporadic",
        }
    }
}

/// The weights, in the order factors are listed.
pub const WEIGHTS: [(&str, f64); 5] = [
    ("recency", 0.35),
    ("frequency", 0.25),
    ("reciprocity", 0.15),
    ("multiplexity", 0.10),
    ("duration", 0.15),
];

fn decay(days: f64, half_life: f64) -> f64 {
    if half_life <= 0.0 { 0.0 } else { 0.5f64.powf(days.max(0.0) / half_life) }
}

fn days_between(a: DateTime<Utc>, b: DateTime<Utc>) -> f64 {
    (b - a).num_seconds() as f64 / 86_400.0
}

fn balance(a: f64, b: f64) -> f64 {
    if a + b <= 0.0 { 0.0 } else { 1.0 - (a - b).abs() / (a + b) }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// The five factor values and the figures their explanations quote.
struct Values {
    /// recency, frequency, reciprocity, multiplexity, duration; each in [0, 1].
    factors: [f64; 5],
    half_life: f64,
    days_since_last: Option<f64>,
    decayed: f64,
    years_known: Option<f64>,
}

fn values(h: &History, now: DateTime<Utc>, settings: &StrengthSettings) -> Values {
    let i = &h.interactions;
    let hl = settings.half_life_days.max(1.0);
    let days_since_last = i.last_at.map(|last| days_between(last, now).max(0.0));
    let recency = days_since_last.map_or(0.0, |days| decay(days, hl));
    let decayed = match i.last_at {
        Some(last) => i.decayed_at_last * decay(days_between(last, now), 2.0 * hl),
        None => 0.0,
    };
    let frequency = 1.0 - (-decayed / 4.0).exp();
    let mutual = i.mutual as f64 / 2.0;
    let init = balance(i.outbound as f64 + mutual, i.inbound as f64 + mutual);
    let reciprocity = if h.ledger.given + h.ledger.received > 0 {
        (init + balance(h.ledger.given as f64, h.ledger.received as f64)) / 2.0
    } else {
        init
    };
    let kinds = i.kinds.count_ones() + h.ledger.kinds.count_ones();
    let multiplexity = (f64::from(kinds) / 5.0).min(1.0);
    let since = [h.known_since, i.first_at].into_iter().flatten().min();
    let years_known = since.map(|s| days_between(s, now).max(0.0) / 365.25);
    let duration = years_known.map_or(0.0, |years| 1.0 - (-years / 2.0).exp());
    Values {
        factors: [recency, frequency, reciprocity, multiplexity, duration]
            .map(|v| v.clamp(0.0, 1.0)),
        half_life: hl,
        days_since_last,
        decayed,
        years_known,
    }
}

/// Each factor's contribution (weight × value, rounded to 3 decimals) and the computed score.
fn combine(factors: &[f64; 5]) -> ([f64; 5], f64) {
    let mut contributions = [0.0; 5];
    for (c, ((_, weight), value)) in contributions.iter_mut().zip(WEIGHTS.iter().zip(factors)) {
        *c = round3(weight * value);
    }
    (contributions, round3(contributions.iter().sum::<f64>()).clamp(0.0, 1.0))
}

/// The score alone (what [`strength`] returns as `score`), without building the explanation:
/// for ranking thousands of contacts.
pub fn score(h: &History, now: DateTime<Utc>, settings: &StrengthSettings) -> f64 {
    match h.closeness {
        Some(c) => round3(c.clamp(0.0, 1.0)),
        None => combine(&values(h, now, settings).factors).1,
    }
}

/// Computes the score and its explanation.
pub fn strength(h: &History, now: DateTime<Utc>, settings: &StrengthSettings) -> Strength {
    let i = &h.interactions;
    let v = values(h, now, settings);
    let recency_detail = match v.days_since_last {
        Some(days) => {
            format!("last interaction {:.0} days ago (half-life {:.0} days)", days, v.half_life)
        }
        None => "no interactions yet".to_string(),
    };
    let plural = if i.count == 1 { "" } else { "s" };
    let frequency_detail =
        format!("{} interaction{plural}, {:.1} counting recent ones more", i.count, v.decayed);
    let reciprocity_detail = if h.ledger.given + h.ledger.received > 0 {
        format!(
            "you reached out {} times, they did {} times, {} mutual; favours given {}, received {}",
            i.outbound, i.inbound, i.mutual, h.ledger.given, h.ledger.received
        )
    } else {
        format!(
            "you reached out {} times, they did {} times, {} mutual",
            i.outbound, i.inbound, i.mutual
        )
    };
    let kind_names: Vec<&str> = InteractionKind::ALL
        .iter()
        .filter(|k| i.kinds & kind_bit(**k) != 0)
        .map(|k| k.as_str())
        .collect();
    let multiplexity_detail = if kind_names.is_empty() && h.ledger.kinds == 0 {
        "no shared contexts yet".to_string()
    } else {
        format!(
            "{}{}",
            kind_names.join(", "),
            if h.ledger.kinds > 0 {
                format!(" + {} kinds of ledger records", h.ledger.kinds.count_ones())
            } else {
                String::new()
            }
        )
    };
    let duration_detail = match v.years_known {
        Some(years) => format!("known for {years:.1} years"),
        None => "unknown".to_string(),
    };
    let details = [
        recency_detail,
        frequency_detail,
        reciprocity_detail,
        multiplexity_detail,
        duration_detail,
    ];
    let (contributions, computed) = combine(&v.factors);
    let factors: Vec<Factor> = WEIGHTS
        .iter()
        .zip(v.factors)
        .zip(contributions)
        .zip(details)
        .map(|((((name, weight), value), contribution), detail)| Factor {
            name: name.to_string(),
            value,
            weight: *weight,
            contribution,
            detail,
        })
        .collect();
    let closeness = h.closeness.map(|c| round3(c.clamp(0.0, 1.0)));
    let score = closeness.unwrap_or(computed);
    Strength { score, computed, closeness, band: Band::of(score), factors }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};
    use proptest::prelude::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0).unwrap()
    }

    fn history(days_ago: &[i64]) -> History {
        let s = StrengthSettings::default();
        let events: Vec<_> = days_ago
            .iter()
            .map(|d| (now() - Duration::days(*d), InteractionKind::Coffee, Direction::Mutual))
            .collect();
        History {
            interactions: InteractionStats::from_events(&events, &s),
            known_since: Some(now() - Duration::days(6000)),
            ..Default::default()
        }
    }

    #[test]
    fn parts_add_up_and_bands() {
        let st = strength(&history(&[3, 10, 40, 70, 100]), now(), &StrengthSettings::default());
        let sum: f64 = st.factors.iter().map(|f| f.contribution).sum();
        assert!((sum - st.score).abs() < 1e-9, "{sum} vs {}", st.score);
        assert_eq!(st.factors.len(), 5);
        assert_eq!(st.factors[0].name, "recency");
        let empty = strength(&History::default(), now(), &StrengthSettings::default());
        assert_eq!((empty.score, empty.band), (0.0, Band::Sporadic));
        let mut manual = history(&[400]);
        manual.closeness = Some(0.9);
        let st = strength(&manual, now(), &StrengthSettings::default());
        assert_eq!((st.score, st.band), (0.9, Band::Regular));
        assert!(st.computed < 0.4);
    }

    #[test]
    fn decayed_count_can_be_advanced() {
        // Aggregating at `last` and decaying to `now` equals decaying every event to `now`.
        let s = StrengthSettings::default();
        let h = history(&[5, 20, 200]);
        let direct: f64 =
            [5.0, 20.0, 200.0].iter().map(|d| decay(*d, 2.0 * s.half_life_days)).sum();
        let advanced = h.interactions.decayed_at_last * decay(5.0, 2.0 * s.half_life_days);
        assert!((direct - advanced).abs() < 1e-9);
    }

    #[test]
    fn merging_equals_recomputing() {
        let s = StrengthSettings::default();
        let ev = |d: i64, k| (now() - Duration::days(d), k, Direction::Outbound);
        let all = [
            ev(100, InteractionKind::Call),
            ev(50, InteractionKind::Coffee),
            ev(70, InteractionKind::Email),
            ev(2, InteractionKind::Call),
        ];
        let mut merged = InteractionStats::from_events(&all[..2], &s);
        merged.merge(&all[2..], &s);
        let direct = InteractionStats::from_events(&all, &s);
        assert!((merged.decayed_at_last - direct.decayed_at_last).abs() < 1e-9);
        merged.decayed_at_last = direct.decayed_at_last;
        assert_eq!(merged, direct);
    }

    #[test]
    fn ledger_balance_moves_reciprocity() {
        let mut h = history(&[10]);
        h.ledger = LedgerStats { given: 0, received: 3, kinds: 1 };
        let lopsided = strength(&h, now(), &StrengthSettings::default());
        h.ledger.given = 3;
        let even = strength(&h, now(), &StrengthSettings::default());
        assert!(even.factors[2].value > lopsided.factors[2].value);
    }

    proptest! {
        #[test]
        fn bounded_and_deterministic(days in proptest::collection::vec(0i64..3000, 0..40), close in proptest::option::of(-1.0f64..2.0)) {
            let mut h = history(&days);
            h.closeness = close;
            let a = strength(&h, now(), &StrengthSettings::default());
            let b = strength(&h, now(), &StrengthSettings::default());
            prop_assert_eq!(&a, &b);
            prop_assert!((0.0..=1.0).contains(&a.score));
            for f in &a.factors {
                prop_assert!((0.0..=1.0).contains(&f.value));
            }
        }

        #[test]
        fn monotone_in_recency(days in proptest::collection::vec(1i64..2000, 1..30), shift in 0i64..500) {
            // Moving every interaction closer to now never lowers the score.
            let older = history(&days.iter().map(|d| d + shift).collect::<Vec<_>>());
            let newer = history(&days);
            let s = StrengthSettings::default();
            prop_assert!(strength(&newer, now(), &s).computed >= strength(&older, now(), &s).computed - 1e-9);
        }
    }
}
