//! The trash: every delete lands here and can be restored until it is purged.

use crate::ids::TrashId;
use crate::words::word_enum;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

word_enum!(
    /// What was deleted.
    TrashKind {
        Contact => "contact",
        Organization => "organization",
        Interaction => "interaction",
        Note => "note",
        Ledger => "ledger",
        Reminder => "reminder",
        Event => "event",
        Community => "community",
        Contribution => "contribution",
        Goal => "goal",
        Connection => "connection",
        Opportunity => "opportunity",
        Collaboration => "collaboration",
    }
);

/// One deletion: the record the user deleted and how many linked records went with it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
