//! Building a network on purpose: events (conferences, meetups, webinars), communities
//! (professional associations, alumni networks, forums, chat groups, open-source projects) and
//! the user's contributions there, and the follow-ups owed to people first met at an event.

use crate::error::{Collector, ValidationError};
use crate::ids::{CommunityId, ContactId, ContributionId, EventId, OrganizationId};
use crate::interaction::Participant;
use crate::validate;
use crate::words::word_enum;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Days after an event's end by which people first met there should hear from the user,
/// unless the event or the settings say otherwise.
pub const DEFAULT_FOLLOW_UP_DAYS: u32 = 3;

word_enum!(
    /// What kind of event it is.
    EventKind {
        Conference => "conference",
        Meetup => "meetup",
        Webinar => "webinar",
        Workshop => "workshop",
        Fair => "fair",
        Party => "party",
        Other => "other",
    }
);

word_enum!(
    /// The user's part in an event.
    EventRole {
        Attendee => "attendee",
        Speaker => "speaker",
        Volunteer => "volunteer",
        Organizer => "organizer",
    }
);

word_enum!(
    /// What kind of community it is.
    CommunityKind {
        Association => "association",
        Alumni => "alumni",
        Forum => "forum",
        Chat => "chat",
        OpenSource => "open-source",
        MeetupGroup => "meetup-group",
        Other => "other",
    }
);

word_enum!(
    /// The user's part in a community.
    CommunityRole {
        Member => "member",
        Volunteer => "volunteer",
        Organizer => "organizer",
        Speaker => "speaker",
        Maintainer => "maintainer",
    }
);

word_enum!(
    /// What the user gave a community.
    ContributionKind {
        Talk => "talk",
        Post => "post",
        Answer => "answer",
        Pr => "pr",
        Volunteering => "volunteering",
        Other => "other",
    }
);

impl CommunityKind {
    /// Accepts common names too: `slack`/`discord` (chat), `oss` (open-source),
    /// `professional-association` (association), `meetup` (meetup group).
    pub fn parse_loose(s: &str) -> Option<Self> {
        match s.trim().to_lowercase().as_str() {
            "slack" | "discord" | "matrix" | "telegram" => Some(CommunityKind::Chat),
            "oss" | "opensource" | "open source" | "project" => Some(CommunityKind::OpenSource),
            "professional-association" | "professional association" | "professional" => {
                Some(CommunityKind::Association)
            }
            "meetup" | "group" => Some(CommunityKind::MeetupGroup),
            "alumni-network" => Some(CommunityKind::Alumni),
            other => Self::parse(other),
        }
    }
}

impl ContributionKind {
    /// Accepts `pull-request`, `volunteer` and `reply` too.
    pub fn parse_loose(s: &str) -> Option<Self> {
        match s.trim().to_lowercase().as_str() {
            "pull-request" | "pull request" | "patch" => Some(ContributionKind::Pr),
            "volunteer" => Some(ContributionKind::Volunteering),
            "reply" => Some(ContributionKind::Answer),
            "presentation" => Some(ContributionKind::Talk),
            other => Self::parse(other),
        }
    }
}

/// A contact at an event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attendee {
    pub contact_id: ContactId,
    pub display_name: String,
    /// The user first met them here.
    pub met_here: bool,
}

/// An event the user attended, spoke at, volunteered at or organised.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Event {
    pub id: EventId,
    pub name: String,
    pub kind: EventKind,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// A place ("Berlin, Station") or empty for online events.
    pub location: Option<String>,
    pub url: Option<String>,
    pub organizer: Option<(OrganizationId, String)>,
    pub my_role: EventRole,
    /// Days after the end by which people met here should be followed up.
    pub follow_up_days: u32,
    pub notes: String,
    /// People there, by name.
    pub attendees: Vec<Attendee>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Event {
    /// `2026-11-20 – 2026-11-21` or one date for one-day events.
    pub fn dates(&self) -> String {
        date_range(self.starts_on, self.ends_on)
    }
}

/// `2026-11-20 – 2026-11-21`, or one date when both are the same.
pub fn date_range(start: NaiveDate, end: NaiveDate) -> String {
    if start == end { start.to_string() } else { format!("{start} – {end}") }
}

/// What lists show of an event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventSummary {
    pub id: EventId,
    pub name: String,
    pub kind: EventKind,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub location: Option<String>,
    pub my_role: EventRole,
    pub attendees: i64,
    pub met_here: i64,
}

impl EventSummary {
    /// `2026-11-20 – 2026-11-21` or one date for one-day events.
    pub fn dates(&self) -> String {
        date_range(self.starts_on, self.ends_on)
    }
}

/// An event as entered or edited. The organizer is resolved by the caller.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventInput {
    pub name: String,
    #[serde(default)]
    pub kind: Option<EventKind>,
    pub starts_on: NaiveDate,
    #[serde(default)]
    pub ends_on: Option<NaiveDate>,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub organizer: Option<OrganizationId>,
    #[serde(default)]
    pub my_role: Option<EventRole>,
    #[serde(default)]
    pub follow_up_days: Option<u32>,
    #[serde(default)]
    pub notes: String,
}

impl EventInput {
    /// An event with a name and a first day; everything else unset (the defaults apply).
    pub fn new(name: impl Into<String>, starts_on: NaiveDate) -> Self {
        EventInput {
            name: name.into(),
            kind: None,
            starts_on,
            ends_on: None,
            location: None,
            url: None,
            organizer: None,
            my_role: None,
            follow_up_days: None,
            notes: String::new(),
        }
    }
}

/// A checked event input.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidEventInput {
    pub name: String,
    pub kind: EventKind,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub location: Option<String>,
    pub url: Option<String>,
    pub organizer: Option<OrganizationId>,
    pub my_role: EventRole,
    pub follow_up_days: u32,
    pub notes: String,
}

impl EventInput {
    /// Checks the input: a name, an end not before the start, a real URL, a follow-up window
    /// of at most a year. `default_follow_up` fills a missing window.
    pub fn normalized(&self, default_follow_up: u32) -> Result<ValidEventInput, ValidationError> {
        let mut errs = Collector::default();
        let name = validate::required_text("name", &self.name, 200)
            .map_err(|e| errs.extend(e))
            .unwrap_or_default();
        let ends_on = self.ends_on.unwrap_or(self.starts_on);
        if ends_on < self.starts_on {
            errs.push(
                "end",
                Some(&ends_on.to_string()),
                &format!("a date on or after the start ({})", self.starts_on),
            );
        }
        let url = validate::optional_url("url", self.url.as_deref()).unwrap_or_else(|e| {
            errs.extend(e);
            None
        });
        let follow_up_days = self.follow_up_days.unwrap_or(default_follow_up);
        if follow_up_days > 366 {
            errs.push(
                "follow-up",
                Some(&follow_up_days.to_string()),
                "a number of days from 0 to 366",
            );
        }
        errs.finish()?;
        Ok(ValidEventInput {
            name,
            kind: self.kind.unwrap_or(EventKind::Conference),
            starts_on: self.starts_on,
            ends_on,
            location: validate::optional_text(self.location.as_deref()),
            url,
            organizer: self.organizer,
            my_role: self.my_role.unwrap_or(EventRole::Attendee),
            follow_up_days,
            notes: self.notes.trim().to_string(),
        })
    }
}

/// A follow-up owed to someone first met at an event: open until an interaction with them is
/// logged on or after the event's first day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowUp {
    pub contact: Participant,
    pub event_id: EventId,
    pub event_name: String,
    pub event_ended: NaiveDate,
    /// The day the follow-up should be done by.
    pub due_on: NaiveDate,
}

impl FollowUp {
    /// One line: `met at RustConf on 2026-11-20 · follow up by 2026-11-23 (2 days left)`.
    pub fn reason(&self, today: NaiveDate) -> String {
        let left = (self.due_on - today).num_days();
        let when = match left {
            0 => "today".to_string(),
            1 => "1 day left".to_string(),
            n if n > 1 => format!("{n} days left"),
            -1 => "1 day late".to_string(),
            n => format!("{} days late", -n),
        };
        format!(
            "met at {} on {} · follow up by {} ({when})",
            self.event_name, self.event_ended, self.due_on
        )
    }
}

/// A community the user belongs to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Community {
    pub id: CommunityId,
    pub name: String,
    pub kind: CommunityKind,
    pub url: Option<String>,
    pub my_role: CommunityRole,
    pub since: Option<NaiveDate>,
    /// When the membership (dues) renews.
    pub renews_on: Option<NaiveDate>,
    pub notes: String,
    /// People known through it, by name.
    pub members: Vec<Participant>,
    /// The user's contributions there, newest first.
    pub contributions: Vec<Contribution>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What lists show of a community.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommunitySummary {
    pub id: CommunityId,
    pub name: String,
    pub kind: CommunityKind,
    pub my_role: CommunityRole,
    pub renews_on: Option<NaiveDate>,
    pub members: i64,
    pub contributions: i64,
    pub last_contribution: Option<NaiveDate>,
}

/// A community as entered or edited.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommunityInput {
    pub name: String,
    #[serde(default)]
    pub kind: Option<CommunityKind>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub my_role: Option<CommunityRole>,
    #[serde(default)]
    pub since: Option<NaiveDate>,
    #[serde(default)]
    pub renews_on: Option<NaiveDate>,
    #[serde(default)]
    pub notes: String,
}

/// A checked community input.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidCommunityInput {
    pub name: String,
    pub kind: CommunityKind,
    pub url: Option<String>,
    pub my_role: CommunityRole,
    pub since: Option<NaiveDate>,
    pub renews_on: Option<NaiveDate>,
    pub notes: String,
}

impl CommunityInput {
    /// Checks the input: a name, a real URL, a `since` that is not in the future.
    pub fn normalized(&self, today: NaiveDate) -> Result<ValidCommunityInput, ValidationError> {
        let mut errs = Collector::default();
        let name = validate::required_text("name", &self.name, 200)
            .map_err(|e| errs.extend(e))
            .unwrap_or_default();
        let url = validate::optional_url("url", self.url.as_deref()).unwrap_or_else(|e| {
            errs.extend(e);
            None
        });
        if let Some(s) = self.since
            && s > today
        {
            errs.push("since", Some(&s.to_string()), "a date that is not in the future");
        }
        errs.finish()?;
        Ok(ValidCommunityInput {
            name,
            kind: self.kind.unwrap_or(CommunityKind::Other),
            url,
            my_role: self.my_role.unwrap_or(CommunityRole::Member),
            since: self.since,
            renews_on: self.renews_on,
            notes: self.notes.trim().to_string(),
        })
    }
}

/// Something the user gave a community: a talk, a post, an answer, a pull request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Contribution {
    pub id: ContributionId,
    pub community_id: CommunityId,
    pub community_name: String,
    pub kind: ContributionKind,
    pub on: NaiveDate,
    pub title: String,
    pub url: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A contribution as entered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContributionInput {
    pub community: CommunityId,
    pub kind: ContributionKind,
    pub on: NaiveDate,
    pub title: String,
    #[serde(default)]
    pub url: Option<String>,
}

impl ContributionInput {
    /// Checks the input: a title, a date that is not in the future, a real URL.
    pub fn normalized(&self, today: NaiveDate) -> Result<ContributionInput, ValidationError> {
        let mut errs = Collector::default();
        let title = validate::required_text("title", &self.title, 300)
            .map_err(|e| errs.extend(e))
            .unwrap_or_default();
        if self.on > today {
            errs.push("on", Some(&self.on.to_string()), "a date that is not in the future");
        }
        let url = validate::optional_url("url", self.url.as_deref()).unwrap_or_else(|e| {
            errs.extend(e);
            None
        });
        errs.finish()?;
        Ok(ContributionInput { title, url, ..self.clone() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn event(start: &str, end: Option<&str>) -> EventInput {
        EventInput {
            name: " RustConf ".into(),
            kind: None,
            starts_on: d(start),
            ends_on: end.map(d),
            location: Some("  ".into()),
            url: None,
            organizer: None,
            my_role: None,
            follow_up_days: None,
            notes: String::new(),
        }
    }

    #[test]
    fn events_default_and_check_their_dates() {
        let e = event("2026-11-20", None).normalized(3).unwrap();
        assert_eq!(
            (e.name.as_str(), e.ends_on, e.follow_up_days),
            ("RustConf", d("2026-11-20"), 3)
        );
        assert_eq!(
            (e.kind, e.my_role, e.location),
            (EventKind::Conference, EventRole::Attendee, None)
        );
        let err = event("2026-11-20", Some("2026-11-19")).normalized(3).unwrap_err();
        assert_eq!(err.errors[0].field, "end");
        assert!(err.to_string().contains("on or after the start (2026-11-20)"), "{err}");
        let mut bad = event("2026-11-20", None);
        bad.url = Some("not a url".into());
        bad.name = " ".into();
        let fields: Vec<String> =
            bad.normalized(3).unwrap_err().errors.into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["name", "url"]);
    }

    #[test]
    fn follow_up_reasons_count_days() {
        let f = FollowUp {
            contact: Participant {
                contact_id: ContactId(uuid::Uuid::nil()),
                display_name: "Ada".into(),
            },
            event_id: EventId(uuid::Uuid::nil()),
            event_name: "RustConf".into(),
            event_ended: d("2026-11-20"),
            due_on: d("2026-11-23"),
        };
        assert!(f.reason(d("2026-11-21")).ends_with("(2 days left)"));
        assert!(f.reason(d("2026-11-23")).ends_with("(today)"));
        assert!(f.reason(d("2026-11-26")).ends_with("(3 days late)"));
    }

    #[test]
    fn loose_words() {
        assert_eq!(CommunityKind::parse_loose("Slack"), Some(CommunityKind::Chat));
        assert_eq!(CommunityKind::parse_loose("open-source"), Some(CommunityKind::OpenSource));
        assert_eq!(ContributionKind::parse_loose("pull-request"), Some(ContributionKind::Pr));
        assert_eq!(CommunityKind::parse_loose("guild"), None);
    }

    #[test]
    fn communities_and_contributions_check_dates() {
        let today = d("2026-11-28");
        let c = CommunityInput {
            name: "Rust Berlin".into(),
            kind: None,
            url: None,
            my_role: None,
            since: Some(d("2027-01-01")),
            renews_on: None,
            notes: String::new(),
        };
        assert_eq!(c.normalized(today).unwrap_err().errors[0].field, "since");
        let k = ContributionInput {
            community: CommunityId(uuid::Uuid::nil()),
            kind: ContributionKind::Talk,
            on: d("2026-11-29"),
            title: "".into(),
            url: None,
        };
        let fields: Vec<String> =
            k.normalized(today).unwrap_err().errors.into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["title", "on"]);
    }
}
