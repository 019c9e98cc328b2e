//! Calendar feeds (`/feeds/reminders.ics`, `/feeds/events.ics`): what Kith has dates for,
//! as calendar items with UIDs that stay the same from one fetch to the next, so a calendar
//! app updates an item (a due date that moved) instead of adding another.
//!
//! Pure: the web layer loads the lists and writes the items with `kith_formats::ical`.

use crate::network::{EventSummary, FollowUp};
use crate::nurture::{DueItem, Upcoming, UpcomingKind};
use crate::pipeline::NextStep;
use chrono::{Datelike, Days, NaiveDate};

/// One all-day calendar item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeedItem {
    /// Stable across fetches: the kind and the ids it is about.
    pub uid: String,
    pub summary: String,
    pub description: String,
    pub start: NaiveDate,
    /// The last day (inclusive); the same as `start` for one-day items.
    pub last: NaiveDate,
    /// Repeats every year on the start's month and day.
    pub yearly: bool,
    pub location: Option<String>,
    pub url: Option<String>,
}

impl FeedItem {
    fn day(uid: String, summary: String, description: String, on: NaiveDate) -> Self {
        FeedItem {
            uid,
            summary,
            description,
            start: on,
            last: on,
            yearly: false,
            location: None,
            url: None,
        }
    }
}

/// Reach-outs (on today when overdue, else on the day they fall due), birthdays and work
/// anniversaries (yearly, from the original date when Kith knows it), reminders, follow-ups
/// owed after events, and next steps in the pipeline.
pub fn reminders(
    today: NaiveDate,
    due: &[DueItem],
    upcoming: &[Upcoming],
    follow_ups: &[FollowUp],
    next_steps: &[NextStep],
) -> Vec<FeedItem> {
    let mut out = Vec::new();
    for d in due {
        let on = if d.overdue_days >= 0 {
            today
        } else {
            today.checked_add_days(Days::new(d.overdue_days.unsigned_abs())).unwrap_or(today)
        };
        out.push(FeedItem::day(
            format!("reach-out-{}@kith", d.contact_id),
            format!("Reach out to {}", d.display_name),
            d.reason.clone(),
            on,
        ));
    }
    for u in upcoming {
        let who = u.contact.as_ref().map(|c| c.display_name.as_str()).unwrap_or_default();
        let contact = u.contact.as_ref().map(|c| c.contact_id.to_string()).unwrap_or_default();
        let years_back = |n: i32| {
            NaiveDate::from_ymd_opt(u.on.year() - n, u.on.month(), u.on.day()).unwrap_or(u.on)
        };
        let item = match &u.what {
            UpcomingKind::Birthday { turns } => FeedItem {
                yearly: true,
                ..FeedItem::day(
                    format!("birthday-{contact}@kith"),
                    format!("{who}'s birthday"),
                    u.describe(),
                    turns.map_or(u.on, years_back),
                )
            },
            UpcomingKind::WorkAnniversary { organization, years } => FeedItem {
                yearly: true,
                ..FeedItem::day(
                    format!("work-anniversary-{contact}-{}@kith", slug(organization)),
                    format!("{who}: work anniversary at {organization}"),
                    u.describe(),
                    years_back(*years),
                )
            },
            UpcomingKind::Reminder { id, title, yearly } => FeedItem {
                yearly: *yearly,
                ..FeedItem::day(format!("reminder-{id}@kith"), title.clone(), u.describe(), u.on)
            },
            // Events have their own feed; renewals are reminders about a community.
            UpcomingKind::Event { .. } => continue,
            UpcomingKind::Renewal { id, community } => FeedItem::day(
                format!("renewal-{id}-{}@kith", u.on.year()),
                format!("Renew {community}"),
                u.describe(),
                u.on,
            ),
        };
        out.push(item);
    }
    for f in follow_ups {
        out.push(FeedItem::day(
            format!("follow-up-{}-{}@kith", f.event_id, f.contact.contact_id),
            format!("Follow up with {} ({})", f.contact.display_name, f.event_name),
            f.reason(today),
            f.due_on.max(today),
        ));
    }
    for s in next_steps {
        out.push(FeedItem::day(
            format!("next-step-{}@kith", s.opportunity),
            format!("{}: {}", s.title, s.step),
            s.line(today),
            s.due,
        ));
    }
    out
}

/// The user's events, each over its days.
pub fn events(events: &[EventSummary]) -> Vec<FeedItem> {
    events
        .iter()
        .map(|e| FeedItem {
            last: e.ends_on.max(e.starts_on),
            location: e.location.clone(),
            ..FeedItem::day(
                format!("event-{}@kith", e.id),
                e.name.clone(),
                format!("{} · you: {}", e.kind, e.my_role),
                e.starts_on,
            )
        })
        .collect()
}

fn slug(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}
