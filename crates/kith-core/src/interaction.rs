//! Interactions: meetings, calls, coffees, emails — anything that happened with people.

use crate::error::{Collector, ValidationError};
use crate::ids::{ContactId, InteractionId};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::words::word_enum;

word_enum!(
    /// What kind of interaction it was.
    InteractionKind {
        Meeting => "meeting",
        Call => "call",
        Video => "video",
        Coffee => "coffee",
        Meal => "meal",
        Email => "email",
        Message => "message",
        Event => "event",
        Other => "other",
    }
);

word_enum!(
    /// Who started it.
    Direction {
        Outbound => "outbound",
        Inbound => "inbound",
        Mutual => "mutual",
    }
);

impl Direction {
    /// Accepts the user's words too: `me`/`i` (outbound), `them`/`they` (inbound).
    pub fn parse_loose(s: &str) -> Option<Self> {
        match s.trim().to_lowercase().as_str() {
            "me" | "i" | "out" | "i-reached-out" => Some(Direction::Outbound),
            "them" | "they" | "in" | "they-reached-out" => Some(Direction::Inbound),
            other => Self::parse(other),
        }
    }
}

/// A contact taking part in an interaction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Participant {
    pub contact_id: ContactId,
    pub display_name: String,
}

/// Something that happened with one or more contacts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Interaction {
    pub id: InteractionId,
    pub occurred_at: DateTime<Utc>,
    pub kind: InteractionKind,
    pub direction: Direction,
    pub participants: Vec<Participant>,
    pub summary: String,
    pub notes: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An interaction as entered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InteractionInput {
    pub occurred_at: DateTime<Utc>,
    pub kind: InteractionKind,
    pub direction: Direction,
    pub participants: Vec<ContactId>,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub notes: String,
}

impl InteractionInput {
    /// Checks the input: at least one participant, no duplicates, a one-line summary, and a
    /// time no more than a day ahead of `now` (planned meetings belong in reminders).
    pub fn normalized(&self, now: DateTime<Utc>) -> Result<InteractionInput, ValidationError> {
        let mut errs = Collector::default();
        let participants = crate::validate::distinct(&self.participants);
        if participants.is_empty() {
            errs.push("participants", None, "at least one contact");
        }
        let summary = self.summary.trim().to_string();
        if summary.contains('\n') || summary.chars().count() > 500 {
            errs.push("summary", Some(&summary), "a single line of at most 500 characters");
        }
        if self.occurred_at > now + Duration::days(1) {
            errs.push(
                "when",
                Some(&self.occurred_at.to_rfc3339()),
                "a time that is not more than a day in the future",
            );
        }
        errs.finish()?;
        Ok(InteractionInput {
            occurred_at: self.occurred_at,
            kind: self.kind,
            direction: self.direction,
            participants,
            summary,
            notes: self.notes.trim().to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn kinds_and_directions_parse() {
        assert_eq!(InteractionKind::parse("Coffee"), Some(InteractionKind::Coffee));
        assert_eq!(InteractionKind::parse("lunch"), None);
        assert_eq!(Direction::parse_loose("me"), Some(Direction::Outbound));
        assert_eq!(Direction::parse_loose("mutual"), Some(Direction::Mutual));
        assert!(InteractionKind::expected().contains("coffee"));
    }

    #[test]
    fn validation() {
        let now = Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0).unwrap();
        let id = ContactId(uuid::Uuid::nil());
        let mut i = InteractionInput {
            occurred_at: now,
            kind: InteractionKind::Coffee,
            direction: Direction::Mutual,
            participants: vec![id, id],
            summary: " chat ".into(),
            notes: String::new(),
        };
        let n = i.normalized(now).unwrap();
        assert_eq!(n.participants.len(), 1);
        assert_eq!(n.summary, "chat");
        i.participants.clear();
        i.occurred_at = now + Duration::days(3);
        assert_eq!(i.normalized(now).unwrap_err().errors.len(), 2);
    }
}
