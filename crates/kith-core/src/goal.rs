//! Networking goals measured from the data ("meet 4 new people tagged fintech per month"),
//! their progress per period, streaks, and the periodic review.

use crate::error::{Collector, ValidationError};
use crate::ids::{ContactId, GoalId};
use crate::interaction::{InteractionKind, Participant};
use crate::network::{Contribution, EventSummary, FollowUp};
use crate::nurture::DueCandidate;
use crate::words::word_enum;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Days without contact after which a tie counts as dormant (for "reconnect" goals).
pub const DORMANT_DAYS: i64 = 180;

/// Interaction kinds that count as a conversation when a goal names no kind.
pub const CONVERSATION_KINDS: &[InteractionKind] = &[
    InteractionKind::Meeting,
    InteractionKind::Call,
    InteractionKind::Video,
    InteractionKind::Coffee,
    InteractionKind::Meal,
];

word_enum!(
    /// How long one round of a goal lasts.
    Period {
        Week => "week",
        Month => "month",
        Quarter => "quarter",
    }
);

word_enum!(
    /// What a goal counts.
    GoalMetric {
        NewPeople => "new-people",
        Events => "events",
        Reconnect => "reconnect",
        Conversations => "conversations",
        Acknowledgements => "acknowledgements",
        Favours => "favours",
        Contributions => "contributions",
    }
);

impl Period {
    /// Accepts `weekly`, `monthly`, `quarterly` too.
    pub fn parse_loose(s: &str) -> Option<Self> {
        match s.trim().to_lowercase().as_str() {
            "weekly" | "w" => Some(Period::Week),
            "monthly" | "m" => Some(Period::Month),
            "quarterly" | "q" => Some(Period::Quarter),
            other => Self::parse(other),
        }
    }

    /// The first day of the period that holds `day` (weeks start on Monday).
    pub fn start_of(self, day: NaiveDate) -> NaiveDate {
        match self {
            Period::Week => day - Duration::days(i64::from(day.weekday().num_days_from_monday())),
            Period::Month => day.with_day(1).unwrap_or(day),
            Period::Quarter => {
                let month = (day.month0() / 3) * 3 + 1;
                NaiveDate::from_ymd_opt(day.year(), month, 1).unwrap_or(day)
            }
        }
    }

    /// The first day of the period after the one that starts on `start`.
    pub fn next(self, start: NaiveDate) -> NaiveDate {
        match self {
            Period::Week => start + Duration::days(7),
            Period::Month => start.checked_add_months(chrono::Months::new(1)).unwrap_or(start),
            Period::Quarter => start.checked_add_months(chrono::Months::new(3)).unwrap_or(start),
        }
    }

    /// The first day of the period before the one that starts on `start`.
    pub fn previous(self, start: NaiveDate) -> NaiveDate {
        match self {
            Period::Week => start - Duration::days(7),
            Period::Month => start.checked_sub_months(chrono::Months::new(1)).unwrap_or(start),
            Period::Quarter => start.checked_sub_months(chrono::Months::new(3)).unwrap_or(start),
        }
    }

    /// How many past periods `kith goals` shows.
    pub fn history_len(self) -> usize {
        match self {
            Period::Week => 12,
            Period::Month => 12,
            Period::Quarter => 8,
        }
    }
}

impl GoalMetric {
    /// Accepts the user's words: `meet`, `people`, `attend`, `reconnect`, `talk`, `thanks`,
    /// `help`, `contribute`.
    pub fn parse_loose(s: &str) -> Option<Self> {
        match s.trim().to_lowercase().as_str() {
            "meet" | "people" | "new" | "new-contacts" => Some(GoalMetric::NewPeople),
            "attend" | "event" => Some(GoalMetric::Events),
            "revive" | "dormant" => Some(GoalMetric::Reconnect),
            "talk" | "conversation" | "meetings" => Some(GoalMetric::Conversations),
            "thanks" | "acknowledge" | "acknowledgement" => Some(GoalMetric::Acknowledgements),
            "help" | "favour" | "favor" | "favors" => Some(GoalMetric::Favours),
            "contribute" | "contribution" => Some(GoalMetric::Contributions),
            other => Self::parse(other),
        }
    }

    /// Whether a tag may narrow this metric to some contacts.
    pub fn takes_tag(self) -> bool {
        matches!(self, GoalMetric::NewPeople | GoalMetric::Reconnect | GoalMetric::Conversations)
    }
}

/// A networking goal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Goal {
    pub id: GoalId,
    pub metric: GoalMetric,
    pub target: u32,
    pub period: Period,
    /// Only contacts with this tag count.
    pub tag: Option<String>,
    /// Only interactions of this kind count (conversations).
    pub kind: Option<InteractionKind>,
    pub created_at: DateTime<Utc>,
}

impl Goal {
    /// In words: `meet 4 new people tagged fintech per month`.
    pub fn describe(&self) -> String {
        describe(self.metric, self.target, self.period, self.tag.as_deref(), self.kind)
    }
}

fn describe(
    metric: GoalMetric,
    target: u32,
    period: Period,
    tag: Option<&str>,
    kind: Option<InteractionKind>,
) -> String {
    let n = target;
    let s = |one: &str, many: &str| if n == 1 { one.to_string() } else { many.to_string() };
    let tagged = tag.map(|t| format!(" tagged {t}")).unwrap_or_default();
    let what = match metric {
        GoalMetric::NewPeople => format!("meet {n} new {}{tagged}", s("person", "people")),
        GoalMetric::Events => format!("attend {n} {}", s("event", "events")),
        GoalMetric::Reconnect => {
            format!("reconnect with {n} dormant {}{tagged}", s("tie", "ties"))
        }
        GoalMetric::Conversations => {
            let with = tag.map(|t| format!("{t} ")).unwrap_or_default();
            let k = kind.map(|k| format!(" ({k})")).unwrap_or_default();
            format!("have {n} {with}{}{k}", s("conversation", "conversations"))
        }
        GoalMetric::Acknowledgements => {
            format!("give {n} {}", s("acknowledgement", "acknowledgements"))
        }
        GoalMetric::Favours => format!("help {n} {}", s("time", "times")),
        GoalMetric::Contributions => {
            format!("make {n} community {}", s("contribution", "contributions"))
        }
    };
    format!("{what} per {period}")
}

/// A goal as entered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GoalInput {
    pub metric: GoalMetric,
    pub target: i64,
    pub period: Period,
    #[serde(default)]
    pub tag: Option<String>,
    #[serde(default)]
    pub kind: Option<InteractionKind>,
}

impl GoalInput {
    /// Checks the input: a target from 1 to 1000, a well-formed tag only where the metric
    /// takes one, a kind only for conversations. (Whether the tag exists is the store's check.)
    pub fn normalized(&self) -> Result<GoalInput, ValidationError> {
        let mut errs = Collector::default();
        if !(1..=1000).contains(&self.target) {
            errs.push("target", Some(&self.target.to_string()), "a whole number from 1 to 1000");
        }
        let tag = match self.tag.as_deref() {
            Some(t) if !self.metric.takes_tag() => {
                errs.push(
                    "tag",
                    Some(t),
                    "no tag: only new-people, reconnect and conversations goals take one",
                );
                None
            }
            Some(t) => crate::validate::tag("tag", t).map_err(|e| errs.extend(e)).ok(),
            None => None,
        };
        if let Some(k) = self.kind
            && self.metric != GoalMetric::Conversations
        {
            errs.push("kind", Some(k.as_str()), "no kind: only conversations goals take one");
        }
        errs.finish()?;
        Ok(GoalInput { tag, ..self.clone() })
    }

    /// In words, as [`Goal::describe`].
    pub fn describe(&self) -> String {
        describe(
            self.metric,
            u32::try_from(self.target).unwrap_or(0),
            self.period,
            self.tag.as_deref(),
            self.kind,
        )
    }
}

/// One dated thing a goal counts. Facts with the same key in one period count once (the same
/// person reconnected with twice in a month is one reconnection).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoalFact {
    pub on: NaiveDate,
    pub key: String,
}

/// Finds reconnections (what [`GoalMetric::Reconnect`] counts) in each contact's interaction
/// times, given in any order: an interaction at `t` in `[from, to)` (µs) revives a tie when the
/// same contact's previous interaction was more than [`DORMANT_DAYS`] before it (one with no
/// earlier interaction revives nothing). It keeps the latest time before the window per contact
/// and one entry per interaction in the window, not the whole history: at 1M interactions the
/// store streams them here instead of sorting every contact's history in the database.
#[derive(Debug)]
pub struct Reconnections {
    from: i64,
    to: i64,
    /// Contacts numbered as they come: a window entry is 16 bytes, not 24 (1.3M of them at
    /// 1M interactions).
    numbers: std::collections::HashMap<ContactId, u32>,
    contacts: Vec<ContactId>,
    /// The latest time before the window, by number (`i64::MIN`: none).
    before: Vec<i64>,
    within: Vec<(u32, i64)>,
}

impl Reconnections {
    pub fn new(from: i64, to: i64) -> Self {
        Self {
            from,
            to,
            numbers: Default::default(),
            contacts: Vec::new(),
            before: Vec::new(),
            within: Vec::new(),
        }
    }

    /// One interaction of `contact` at `at` (µs); times from `to` on are ignored.
    pub fn add(&mut self, contact: ContactId, at: i64) {
        if at >= self.to {
            return;
        }
        let (contacts, before) = (&mut self.contacts, &mut self.before);
        let n = *self.numbers.entry(contact).or_insert_with(|| {
            contacts.push(contact);
            before.push(i64::MIN);
            (contacts.len() - 1) as u32
        });
        if at >= self.from {
            self.within.push((n, at));
        } else {
            let last = &mut self.before[n as usize];
            *last = (*last).max(at);
        }
    }

    /// Each reconnection as (contact, time), by contact and time.
    pub fn finish(mut self) -> Vec<(ContactId, i64)> {
        let dormant = DORMANT_DAYS * 86_400_000_000;
        self.within.sort_unstable();
        let mut out = Vec::new();
        let mut previous: Option<(u32, i64)> = None;
        for &(n, at) in &self.within {
            let prev = match previous {
                Some((p, t)) if p == n => t,
                _ => self.before[n as usize],
            };
            if prev != i64::MIN && prev < at - dormant {
                out.push((self.contacts[n as usize], at));
            }
            previous = Some((n, at));
        }
        out.sort_unstable();
        out
    }
}

/// A goal's count in one period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PeriodCount {
    pub start: NaiveDate,
    /// The last day of the period.
    pub end: NaiveDate,
    pub count: u32,
    pub met: bool,
}

/// Where a goal stands.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GoalProgress {
    pub goal: Goal,
    pub description: String,
    pub current: PeriodCount,
    /// Past periods, oldest first.
    pub history: Vec<PeriodCount>,
    /// Periods in a row the target was met, counting back from the current period (included
    /// only once it is met) through the past ones.
    pub streak: u32,
    /// The history and the current period as one bar per period, e.g. `▃▅█▁█`.
    pub bar: String,
}

/// The range of days [`progress`] needs facts for: from the oldest history period's first day
/// through `today`.
pub fn fact_window(period: Period, today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let mut start = period.start_of(today);
    for _ in 0..period.history_len() {
        start = period.previous(start);
    }
    (start, today)
}

/// Counts facts per period for the current period and the past [`Period::history_len`] ones.
pub fn progress(goal: &Goal, facts: &[GoalFact], today: NaiveDate) -> GoalProgress {
    let (first, _) = fact_window(goal.period, today);
    let mut starts = vec![first];
    while let Some(&last) = starts.last() {
        let next = goal.period.next(last);
        if next > today {
            break;
        }
        starts.push(next);
    }
    let mut keys: Vec<std::collections::HashSet<&str>> = vec![Default::default(); starts.len()];
    for f in facts {
        if f.on < first || f.on > today {
            continue;
        }
        let i = starts.partition_point(|s| *s <= f.on).saturating_sub(1);
        keys[i].insert(&f.key);
    }
    let mut counts: Vec<PeriodCount> = starts
        .iter()
        .zip(&keys)
        .map(|(s, k)| {
            let count = u32::try_from(k.len()).unwrap_or(u32::MAX);
            PeriodCount {
                start: *s,
                end: goal.period.next(*s) - Duration::days(1),
                count,
                met: count >= goal.target,
            }
        })
        .collect();
    let current =
        counts.pop().unwrap_or(PeriodCount { start: today, end: today, count: 0, met: false });
    let mut streak = u32::from(current.met);
    for p in counts.iter().rev() {
        if !p.met {
            break;
        }
        streak += 1;
    }
    let bar = counts.iter().chain(std::iter::once(&current)).map(|p| bar_char(p, goal)).collect();
    GoalProgress {
        description: goal.describe(),
        goal: goal.clone(),
        current,
        history: counts,
        streak,
        bar,
    }
}

fn bar_char(p: &PeriodCount, goal: &Goal) -> char {
    const STEPS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    if p.count == 0 {
        return '·';
    }
    if p.met {
        return '█';
    }
    let i = (p.count as usize * 7) / goal.target.max(1) as usize;
    STEPS[i.min(6)]
}

/// A contact whose cadence ran out during a review period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WentStale {
    pub contact: Participant,
    pub cadence_days: u32,
    /// The day the cadence ran out.
    pub due_since: NaiveDate,
    /// The last interaction, if any.
    pub last: Option<NaiveDate>,
}

/// Contacts whose cadence ran out between `from` and `to` (inclusive, not after `today`)
/// with no interaction since, most recently lapsed first.
pub fn went_stale(
    candidates: &[DueCandidate],
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
) -> Vec<WentStale> {
    let end = to.min(today);
    let mut out: Vec<WentStale> = candidates
        .iter()
        .filter_map(|c| {
            let last = c.history.interactions.last_at.map(|t| t.date_naive());
            let since = last.unwrap_or(c.created_at.date_naive());
            let due = since + Duration::days(i64::from(c.cadence_days.max(1)));
            (due >= from && due <= end).then(|| WentStale {
                contact: Participant {
                    contact_id: c.contact_id,
                    display_name: c.display_name.clone(),
                },
                cadence_days: c.cadence_days,
                due_since: due,
                last,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.due_since
            .cmp(&a.due_since)
            .then_with(|| a.contact.display_name.cmp(&b.contact.display_name))
    });
    out
}

/// Someone new in a review period, and where they were met.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewPerson {
    pub contact: Participant,
    pub met_on: NaiveDate,
    /// The event they were first met at, else how they were met.
    pub met_where: Option<String>,
}

/// A week or month in review.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Review {
    pub period: Period,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub new_people: Vec<NewPerson>,
    /// Interactions in the period by kind, most first.
    pub interactions_by_kind: Vec<(InteractionKind, i64)>,
    pub interactions: i64,
    pub events: Vec<EventSummary>,
    pub contributions: Vec<Contribution>,
    pub goals: Vec<GoalProgress>,
    pub went_stale: Vec<WentStale>,
    /// Suggestions: people met at events not followed up yet.
    pub follow_ups: Vec<FollowUp>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reconnections_need_a_dormant_gap_before_each_interaction_in_the_window() {
        let day = 86_400_000_000i64;
        let (a, b, c, d) = (
            ContactId(uuid::Uuid::from_u128(1)),
            ContactId(uuid::Uuid::from_u128(2)),
            ContactId(uuid::Uuid::from_u128(3)),
            ContactId(uuid::Uuid::from_u128(4)),
        );
        let (from, to) = (1000 * day, 2000 * day);
        let times = [
            // a: last seen long before the window, then twice in it (only the first revives).
            (a, 100 * day),
            (a, 500 * day),
            (a, 1100 * day),
            (a, 1110 * day),
            // b: first ever interaction in the window (nothing to revive), then a long gap.
            (b, 1200 * day),
            (b, 1200 * day + (DORMANT_DAYS + 1) * day),
            // c: seen just inside the dormant limit before the window; the same time twice.
            (c, 1000 * day - DORMANT_DAYS * day + 1),
            (c, 1000 * day),
            (c, 1000 * day),
            // d: the gap ends after the window.
            (d, 10 * day),
            (d, 2000 * day),
        ];
        let expected = vec![(a, 1100 * day), (b, 1200 * day + (DORMANT_DAYS + 1) * day)];
        for order in [times.to_vec(), times.iter().rev().copied().collect()] {
            let mut r = Reconnections::new(from, to);
            for (contact, at) in order {
                r.add(contact, at);
            }
            assert_eq!(r.finish(), expected);
        }
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn goal(metric: GoalMetric, target: u32, period: Period) -> Goal {
        Goal {
            id: GoalId(uuid::Uuid::nil()),
            metric,
            target,
            period,
            tag: None,
            kind: None,
            created_at: DateTime::<Utc>::default(),
        }
    }

    fn fact(on: &str, key: &str) -> GoalFact {
        GoalFact { on: d(on), key: key.into() }
    }

    #[test]
    fn periods_start_and_step() {
        assert_eq!(Period::Week.start_of(d("2026-11-28")), d("2026-11-23"));
        assert_eq!(Period::Month.start_of(d("2026-11-28")), d("2026-11-01"));
        assert_eq!(Period::Quarter.start_of(d("2026-11-28")), d("2026-10-01"));
        assert_eq!(Period::Quarter.start_of(d("2026-03-31")), d("2026-01-01"));
        assert_eq!(Period::Month.next(d("2026-12-01")), d("2027-01-01"));
        assert_eq!(Period::Month.previous(d("2026-03-01")), d("2026-02-01"));
        assert_eq!(fact_window(Period::Week, d("2026-11-28")).0, d("2026-08-31"));
    }

    #[test]
    fn progress_counts_distinct_keys_per_period_and_streaks() {
        let g = goal(GoalMetric::Reconnect, 2, Period::Month);
        let facts = vec![
            fact("2026-09-03", "ada"),
            fact("2026-09-20", "grace"),
            fact("2026-10-01", "ada"),
            fact("2026-10-02", "ada"), // same person twice in October: one
            fact("2026-10-31", "linus"),
            fact("2026-11-05", "ada"),
            fact("2026-11-29", "future"), // after today: ignored
            fact("2024-01-01", "old"),    // before the window: ignored
        ];
        let p = progress(&g, &facts, d("2026-11-28"));
        assert_eq!((p.current.start, p.current.end), (d("2026-11-01"), d("2026-11-30")));
        assert_eq!((p.current.count, p.current.met), (1, false));
        assert_eq!(p.history.len(), 12);
        let last3: Vec<u32> = p.history[9..].iter().map(|h| h.count).collect();
        assert_eq!(last3, [0, 2, 2]);
        assert_eq!(p.streak, 2, "September and October met; November not yet (not a break)");
        assert_eq!(p.bar.chars().count(), 13);
        assert!(p.bar.ends_with("·██▄"), "{}", p.bar);
        assert_eq!(p.description, "reconnect with 2 dormant ties per month");
    }

    #[test]
    fn a_met_current_period_extends_the_streak() {
        let g = goal(GoalMetric::Events, 1, Period::Week);
        let facts = vec![fact("2026-11-16", "e1"), fact("2026-11-24", "e2")];
        let p = progress(&g, &facts, d("2026-11-28"));
        assert_eq!(p.streak, 2);
        assert_eq!(p.description, "attend 1 event per week");
    }

    #[test]
    fn goal_input_rules() {
        let mut g = GoalInput {
            metric: GoalMetric::Events,
            target: 0,
            period: Period::Month,
            tag: Some("fintech".into()),
            kind: Some(InteractionKind::Coffee),
        };
        let fields: Vec<String> =
            g.normalized().unwrap_err().errors.into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["target", "tag", "kind"]);
        g = GoalInput {
            metric: GoalMetric::NewPeople,
            target: 4,
            tag: Some(" FinTech ".into()),
            kind: None,
            ..g
        };
        let ok = g.normalized().unwrap();
        assert_eq!(ok.tag.as_deref(), Some("fintech"));
        assert_eq!(ok.describe(), "meet 4 new people tagged fintech per month");
        assert!(GoalInput { target: -3, ..ok }.normalized().is_err());
    }
}
