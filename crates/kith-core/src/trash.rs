//! The trash: every delete lands here and can be restored until it is purged.

use crate::ids::TrashId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What was deleted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TrashKind {
    Contact,
    Organization,
    Interaction,
    Note,
    Ledger,
    Reminder,
}

impl TrashKind {
    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            TrashKind::Contact => "contact",
            TrashKind::Organization => "organization",
            TrashKind::Interaction => "interaction",
            TrashKind::Note => "note",
            TrashKind::Ledger => "ledger",
            TrashKind::Reminder => "reminder",
        }
    }

    /// Parses the stored word.
    pub fn parse(s: &str) -> Option<Self> {
        [
            TrashKind::Contact,
            TrashKind::Organization,
            TrashKind::Interaction,
            TrashKind::Note,
            TrashKind::Ledger,
            TrashKind::Reminder,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// One deletion: the record the user deleted and how many linked records went with it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrashEntry {
    pub id: TrashId,
    pub kind: TrashKind,
    pub entity_id: Uuid,
    /// The deleted record's name or summary, as it was.
    pub label: String,
    /// Linked records that went to the trash with it (e.g. interactions only with this contact).
    pub linked: i64,
    pub deleted_at: DateTime<Utc>,
}
