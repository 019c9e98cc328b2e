//! Staying in touch: cadences, the ranked "reach out today" list, reminders and upcoming dates.

use crate::contact::Birthday;
use crate::error::ValidationError;
use crate::ids::{CommunityId, EventId};
use crate::ids::{ContactId, ReminderId};
use crate::ledger::Balance;
use crate::network::{CommunitySummary, EventRole, EventSummary, FollowUp};
use crate::strength::{History, StrengthSettings, score};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Parses a cadence: `30` or `30d` days, `6w` weeks, `3m` months (30 days), `1y` (365 days).
pub fn parse_cadence(field: &str, raw: &str) -> Result<u32, ValidationError> {
    let s = raw.trim().to_lowercase();
    let expected = "a positive number of days, or a count with d, w, m or y (30, 30d, 6w, 3m, 1y), at most 10 years";
    let (num, unit) = match s.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (&s[..i], c),
        _ => (s.as_str(), 'd'),
    };
    let n: i64 =
        num.trim().parse().map_err(|_| ValidationError::one(field, Some(raw), expected))?;
    let days = match unit {
        'd' => Some(n),
        'w' => n.checked_mul(7),
        'm' => n.checked_mul(30),
        'y' => n.checked_mul(365),
        _ => return Err(ValidationError::one(field, Some(raw), expected)),
    };
    let Some(days) = days else { return Err(ValidationError::one(field, Some(raw), expected)) };
    if days <= 0 || days > 3650 {
        return Err(ValidationError::one(field, Some(raw), expected));
    }
    Ok(days as u32)
}

/// Where a contact's cadence comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "from", content = "tag", rename_all = "lowercase")]
pub enum CadenceSource {
    /// Set on the contact.
    Contact,
    /// From a tag's cadence (the shortest when several tags have one).
    Tag(String),
}

/// What the due list is computed from, per contact.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DueCandidate {
    pub contact_id: ContactId,
    pub display_name: String,
    pub cadence_days: u32,
    pub cadence_source: CadenceSource,
    /// The contact's tags that name a role in [`ROLE_WEIGHTS`].
    pub role_tags: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub history: History,
    pub balance: Balance,
}

/// One person to reach out to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DueItem {
    pub contact_id: ContactId,
    pub display_name: String,
    /// Days since the last interaction; `None` when there never was one.
    pub days_since: Option<i64>,
    /// The keep-in-touch cadence, when that is why they are due.
    pub cadence_days: Option<u32>,
    /// Days past the cadence or the follow-up date (negative: days left).
    pub overdue_days: i64,
    /// The event follow-up owed to them, when that is (also) why they are due.
    pub follow_up: Option<FollowUp>,
    pub strength: f64,
    /// Higher is more urgent.
    pub priority: f64,
    /// One line: `mentor · last talked 47 days ago (cadence 30) · you still owe a thank-you`.
    pub reason: String,
}

/// Tags that mark a role worth extra attention, with their weight in the ranking.
pub const ROLE_WEIGHTS: &[(&str, f64)] =
    &[("mentor", 1.3), ("sponsor", 1.3), ("client", 1.2), ("manager", 1.2), ("mentee", 1.1)];

fn role_of(c: &DueCandidate) -> Option<(String, f64)> {
    for (role, w) in ROLE_WEIGHTS {
        if c.role_tags.iter().any(|t| t == role) {
            return Some((role.to_string(), *w));
        }
    }
    match &c.cadence_source {
        CadenceSource::Tag(t) => Some((t.clone(), 1.0)),
        CadenceSource::Contact => None,
    }
}

/// Priority of an event follow-up: above any cadence that is merely due (new acquaintances
/// fade fastest), rising as the follow-up date passes.
fn follow_up_priority(f: &FollowUp, today: NaiveDate) -> f64 {
    let window = (f.due_on - f.event_ended).num_days().max(1) as f64;
    let since_event = (today - f.event_ended).num_days().max(0) as f64;
    2.0 + since_event / window
}

/// The people to reach out to, most urgent first. Two reasons put someone here:
/// - their time since the last interaction reached their cadence: priority =
///   (days since / cadence) × (0.5 + strength) × role weight;
/// - they were first met at an event that has ended and have not heard from the user since
///   (`follow_ups`, open ones only): priority = 2 + days since the event / follow-up window.
///
/// Someone due for both appears once, with both reasons and the higher priority. Ties break on
/// name then id.
pub fn rank_due(
    candidates: &[DueCandidate],
    follow_ups: &[FollowUp],
    now: DateTime<Utc>,
    settings: &StrengthSettings,
) -> Vec<DueItem> {
    rank_due_top(candidates, follow_ups, now, settings, usize::MAX).0
}

/// The first `limit` items of [`rank_due`] and how many there are in all. Reasons are only
/// written for the items returned.
pub fn rank_due_top(
    candidates: &[DueCandidate],
    follow_ups: &[FollowUp],
    now: DateTime<Utc>,
    settings: &StrengthSettings,
    limit: usize,
) -> (Vec<DueItem>, usize) {
    let today = now.date_naive();
    let mut ranked: Vec<Ranked<'_>> = candidates
        .iter()
        .filter_map(|c| {
            let since_date = c.history.interactions.last_at.unwrap_or(c.created_at).date_naive();
            let elapsed = (today - since_date).num_days();
            let cadence = i64::from(c.cadence_days.max(1));
            if elapsed < cadence {
                return None;
            }
            let strength = score(&c.history, now, settings);
            let role_weight = role_of(c).map_or(1.0, |(_, w)| w);
            Some(Ranked {
                contact_id: c.contact_id,
                display_name: &c.display_name,
                due: Some(Cadenced { candidate: c, elapsed, cadence, strength }),
                follow_up: None,
                priority: (elapsed as f64 / cadence as f64) * (0.5 + strength) * role_weight,
            })
        })
        .collect();
    let mut at: std::collections::HashMap<ContactId, usize> =
        ranked.iter().enumerate().map(|(i, r)| (r.contact_id, i)).collect();
    for f in follow_ups.iter().filter(|f| f.event_ended <= today) {
        let priority = follow_up_priority(f, today);
        match at.get(&f.contact.contact_id) {
            Some(&i) if ranked[i].follow_up.is_none() => {
                ranked[i].priority = ranked[i].priority.max(priority);
                ranked[i].follow_up = Some(f);
            }
            Some(_) => {}
            None => {
                at.insert(f.contact.contact_id, ranked.len());
                ranked.push(Ranked {
                    contact_id: f.contact.contact_id,
                    display_name: &f.contact.display_name,
                    due: None,
                    follow_up: Some(f),
                    priority,
                });
            }
        }
    }
    ranked.sort_by(|a, b| {
        b.priority
            .total_cmp(&a.priority)
            .then_with(|| a.display_name.cmp(b.display_name))
            .then(a.contact_id.cmp(&b.contact_id))
    });
    let total = ranked.len();
    (ranked.into_iter().take(limit).map(|r| r.item(today)).collect(), total)
}

/// A due list entry before its reason is written.
struct Ranked<'a> {
    contact_id: ContactId,
    display_name: &'a str,
    due: Option<Cadenced<'a>>,
    follow_up: Option<&'a FollowUp>,
    priority: f64,
}

/// Why a candidate's cadence makes them due.
struct Cadenced<'a> {
    candidate: &'a DueCandidate,
    elapsed: i64,
    cadence: i64,
    strength: f64,
}

impl Ranked<'_> {
    fn item(self, today: NaiveDate) -> DueItem {
        let follow_reason = self.follow_up.map(|f| f.reason(today));
        let follow_overdue = self.follow_up.map(|f| (today - f.due_on).num_days());
        let (days_since, cadence_days, overdue_days, strength, reason) = match self.due {
            Some(d) => {
                let reason = cadence_reason(&d);
                let reason = match follow_reason {
                    Some(f) => format!("{f} · {reason}"),
                    None => reason,
                };
                let overdue = (d.elapsed - d.cadence).max(follow_overdue.unwrap_or(i64::MIN));
                let days_since = d.candidate.history.interactions.last_at.map(|_| d.elapsed);
                (days_since, Some(d.candidate.cadence_days), overdue, d.strength, reason)
            }
            None => {
                (None, None, follow_overdue.unwrap_or(0), 0.0, follow_reason.unwrap_or_default())
            }
        };
        DueItem {
            contact_id: self.contact_id,
            display_name: self.display_name.to_string(),
            days_since,
            cadence_days,
            overdue_days,
            follow_up: self.follow_up.cloned(),
            strength,
            priority: self.priority,
            reason,
        }
    }
}

/// `mentor · last talked 47 days ago (cadence 30) · you still owe a thank-you`.
fn cadence_reason(d: &Cadenced<'_>) -> String {
    let c = d.candidate;
    let (elapsed, cadence) = (d.elapsed, d.cadence);
    let mut parts: Vec<String> = Vec::new();
    if let Some((role, _)) = role_of(c) {
        parts.push(role);
    }
    parts.push(match c.history.interactions.last_at {
        Some(_) => format!("last talked {elapsed} days ago (cadence {cadence})"),
        None => format!("never talked; added {elapsed} days ago (cadence {cadence})"),
    });
    if c.balance.owe_thanks {
        parts.push("you still owe a thank-you".into());
    }
    if let Some((on, what)) = c.balance.open_asks.first() {
        parts.push(format!("your ask is open since {on}: {what}"));
    }
    if let Some((on, what)) = c.balance.offers_pending.first() {
        parts.push(format!("you offered help on {on}: {what}"));
    }
    if c.balance.favours_received > c.balance.favours_given
        && let Some(s) = c.balance.sentence()
    {
        parts.push(s);
    }
    parts.join(" · ")
}

/// A reminder: one-off on a date, or yearly on that month and day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reminder {
    pub id: ReminderId,
    pub contact: Option<crate::interaction::Participant>,
    pub title: String,
    pub due: NaiveDate,
    pub yearly: bool,
    pub done_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
}

/// A reminder as entered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReminderInput {
    pub contact: Option<ContactId>,
    pub title: String,
    pub due: NaiveDate,
    #[serde(default)]
    pub yearly: bool,
}

impl ReminderInput {
    /// Checks: a one-line title; a one-off reminder not in the past.
    pub fn normalized(&self, today: NaiveDate) -> Result<ReminderInput, ValidationError> {
        let title = crate::validate::required_text("title", &self.title, 300)?;
        if !self.yearly && self.due < today {
            return Err(ValidationError::one(
                "on",
                Some(&self.due.to_string()),
                "today or a later date",
            ));
        }
        Ok(ReminderInput { contact: self.contact, title, due: self.due, yearly: self.yearly })
    }
}

/// The next date on or after `today` with this month and day (Feb 29 falls on Feb 28 in
/// common years).
pub fn next_on_or_after(month: u32, day: u32, today: NaiveDate) -> Option<NaiveDate> {
    for year in [today.year(), today.year() + 1] {
        let d = NaiveDate::from_ymd_opt(year, month, day).or_else(|| {
            if month == 2 && day == 29 { NaiveDate::from_ymd_opt(year, 2, 28) } else { None }
        })?;
        if d >= today {
            return Some(d);
        }
    }
    None
}

/// What an upcoming date is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum UpcomingKind {
    Birthday { turns: Option<i32> },
    WorkAnniversary { organization: String, years: i32 },
    Reminder { id: ReminderId, title: String, yearly: bool },
    Event { id: EventId, name: String, role: EventRole },
    Renewal { id: CommunityId, community: String },
}

/// A date coming up.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Upcoming {
    pub on: NaiveDate,
    pub contact: Option<crate::interaction::Participant>,
    #[serde(flatten)]
    pub what: UpcomingKind,
}

impl Upcoming {
    /// One line for terminals.
    pub fn describe(&self) -> String {
        let who = self.contact.as_ref().map(|c| c.display_name.as_str()).unwrap_or("");
        match &self.what {
            UpcomingKind::Birthday { turns: Some(n) } => format!("{who}'s birthday (turns {n})"),
            UpcomingKind::Birthday { turns: None } => format!("{who}'s birthday"),
            UpcomingKind::WorkAnniversary { organization, years } => {
                format!(
                    "{who}: {years} year{} at {organization}",
                    if *years == 1 { "" } else { "s" }
                )
            }
            UpcomingKind::Event { name, role, .. } => format!("{name} ({role})"),
            UpcomingKind::Renewal { community, .. } => {
                format!("membership of {community} renews")
            }
            UpcomingKind::Reminder { title, yearly, .. } => {
                let every = if *yearly { " (yearly)" } else { "" };
                if who.is_empty() {
                    format!("{title}{every}")
                } else {
                    format!("{title} — {who}{every}")
                }
            }
        }
    }
}

/// Source dates of one contact for [`upcoming`].
#[derive(Clone, Debug, PartialEq)]
pub struct ContactDates {
    pub contact: crate::interaction::Participant,
    pub birthday: Option<Birthday>,
    /// Current roles: (organization, start date).
    pub roles: Vec<(String, NaiveDate)>,
}

/// Birthdays, work anniversaries, reminders, events starting and community renewals from
/// `today` through `today + days`, by date. Open one-off reminders already past their date are
/// included (dated on their due day).
pub fn upcoming(
    contacts: &[ContactDates],
    reminders: &[Reminder],
    events: &[EventSummary],
    communities: &[CommunitySummary],
    today: NaiveDate,
    days: u32,
) -> Vec<Upcoming> {
    let end = today + chrono::Duration::days(i64::from(days));
    let mut out = Vec::new();
    for e in events.iter().filter(|e| e.starts_on >= today && e.starts_on <= end) {
        out.push(Upcoming {
            on: e.starts_on,
            contact: None,
            what: UpcomingKind::Event { id: e.id, name: e.name.clone(), role: e.my_role },
        });
    }
    for c in communities {
        if let Some(on) = c.renews_on.filter(|on| *on >= today && *on <= end) {
            out.push(Upcoming {
                on,
                contact: None,
                what: UpcomingKind::Renewal { id: c.id, community: c.name.clone() },
            });
        }
    }
    for c in contacts {
        if let Some(b) = c.birthday
            && let Some(on) = next_on_or_after(b.month, b.day, today)
            && on <= end
        {
            let turns = b.year.map(|y| on.year() - y);
            out.push(Upcoming {
                on,
                contact: Some(c.contact.clone()),
                what: UpcomingKind::Birthday { turns },
            });
        }
        for (org, start) in &c.roles {
            if let Some(on) = next_on_or_after(start.month(), start.day(), today)
                && on <= end
            {
                let years = on.year() - start.year();
                if years >= 1 {
                    out.push(Upcoming {
                        on,
                        contact: Some(c.contact.clone()),
                        what: UpcomingKind::WorkAnniversary { organization: org.clone(), years },
                    });
                }
            }
        }
    }
    for r in reminders.iter().filter(|r| r.done_on.is_none()) {
        let on = if r.yearly {
            // Not before the stored date: a yearly reminder done early moved to next year.
            next_on_or_after(r.due.month(), r.due.day(), today.max(r.due))
        } else {
            Some(r.due)
        };
        if let Some(on) = on
            && on <= end
        {
            out.push(Upcoming {
                on,
                contact: r.contact.clone(),
                what: UpcomingKind::Reminder { id: r.id, title: r.title.clone(), yearly: r.yearly },
            });
        }
    }
    out.sort_by(|a, b| a.on.cmp(&b.on).then_with(|| a.describe().cmp(&b.describe())));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interaction::Participant;
    use crate::strength::InteractionStats;
    use chrono::{Duration, TimeZone};
    use uuid::Uuid;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0).unwrap()
    }

    fn cand(name: &str, days_ago: Option<i64>, cadence: u32, tags: &[&str]) -> DueCandidate {
        let mut h = History::default();
        if let Some(d) = days_ago {
            h.interactions = InteractionStats {
                count: 1,
                first_at: Some(now() - Duration::days(d)),
                last_at: Some(now() - Duration::days(d)),
                decayed_at_last: 1.0,
                mutual: 1,
                ..Default::default()
            };
        }
        DueCandidate {
            contact_id: ContactId(Uuid::new_v4()),
            display_name: name.into(),
            cadence_days: cadence,
            cadence_source: CadenceSource::Contact,
            role_tags: tags.iter().map(|t| t.to_string()).collect(),
            created_at: now() - Duration::days(400),
            history: h,
            balance: Balance::default(),
        }
    }

    #[test]
    fn cadences_parse() {
        assert_eq!(parse_cadence("c", "30").unwrap(), 30);
        assert_eq!(parse_cadence("c", "6w").unwrap(), 42);
        assert_eq!(parse_cadence("c", "3m").unwrap(), 90);
        for bad in
            ["0", "-5", "abc", "5x", "40y", "", "7905747460161236407w", "9223372036854775807y"]
        {
            assert!(parse_cadence("c", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn due_ranks_overdue_people_with_reasons() {
        let mut mentor = cand("Mentor Mia", Some(47), 30, &["mentor"]);
        mentor.balance.owe_thanks = true;
        let peer = cand("Peer Pat", Some(60), 60, &[]);
        let fresh = cand("Fresh Fay", Some(3), 30, &[]);
        let never = cand("Never Ned", None, 30, &[]);
        let due = rank_due(&[peer, fresh, mentor, never], &[], now(), &StrengthSettings::default());
        let names: Vec<&str> = due.iter().map(|d| d.display_name.as_str()).collect();
        assert_eq!(names, ["Never Ned", "Mentor Mia", "Peer Pat"]);
        assert_eq!(
            due[1].reason,
            "mentor · last talked 47 days ago (cadence 30) · you still owe a thank-you"
        );
        assert!(due[0].reason.starts_with("never talked; added 400 days ago"));
    }

    #[test]
    fn event_follow_ups_join_the_due_list_once_the_event_ended() {
        let today = now().date_naive();
        let follow = |c: &DueCandidate, ended: i64| FollowUp {
            contact: crate::interaction::Participant {
                contact_id: c.contact_id,
                display_name: c.display_name.clone(),
            },
            event_id: EventId(uuid::Uuid::nil()),
            event_name: "RustConf".into(),
            event_ended: today - chrono::Duration::days(ended),
            due_on: today - chrono::Duration::days(ended) + chrono::Duration::days(3),
        };
        let peer = cand("Peer Pat", Some(60), 60, &[]);
        let mia = cand("Mia", None, 3650, &[]);
        let later = cand("Later Lou", None, 3650, &[]);
        let f = [follow(&mia, 1), follow(&peer, 5), follow(&later, -2)];
        let due = rank_due(&[peer], &f, now(), &StrengthSettings::default());
        let names: Vec<&str> = due.iter().map(|d| d.display_name.as_str()).collect();
        assert_eq!(names, ["Peer Pat", "Mia"], "Lou's event has not ended yet");
        assert!(due[0].reason.starts_with("met at RustConf on "), "{}", due[0].reason);
        assert!(
            due[0].reason.contains("(2 days late) · last talked 60 days ago"),
            "{}",
            due[0].reason
        );
        assert_eq!((due[0].cadence_days, due[0].overdue_days), (Some(60), 2));
        assert!(due[1].reason.ends_with("(2 days left)"), "{}", due[1].reason);
        assert_eq!((due[1].cadence_days, due[1].overdue_days), (None, -2));
    }

    #[test]
    fn upcoming_dates() {
        let today: NaiveDate = "2026-11-27".parse().unwrap();
        let who = Participant { contact_id: ContactId(Uuid::nil()), display_name: "Ada".into() };
        let dates = ContactDates {
            contact: who.clone(),
            birthday: Some(Birthday { year: Some(1990), month: 12, day: 3 }),
            roles: vec![
                ("Acme".into(), "2020-12-01".parse().unwrap()),
                ("New".into(), "2026-11-28".parse().unwrap()),
            ],
        };
        let reminder = Reminder {
            id: ReminderId(Uuid::nil()),
            contact: Some(who),
            title: "Follow up on talk proposal".into(),
            due: "2026-12-03".parse().unwrap(),
            yearly: false,
            done_on: None,
            created_at: now(),
        };
        let up = upcoming(&[dates], &[reminder], &[], &[], today, 14);
        let lines: Vec<String> = up.iter().map(|u| format!("{} {}", u.on, u.describe())).collect();
        assert_eq!(
            lines,
            [
                "2026-12-01 Ada: 6 years at Acme",
                "2026-12-03 Ada's birthday (turns 36)",
                "2026-12-03 Follow up on talk proposal — Ada",
            ]
        );
        assert_eq!(
            next_on_or_after(2, 29, "2027-01-10".parse().unwrap()),
            "2027-02-28".parse().ok()
        );
    }
}
