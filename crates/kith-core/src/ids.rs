//! Stable identifiers. Every entity has a UUID that never changes; the newtypes keep a contact
//! id from being passed where an organization id is expected.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// Wraps an existing UUID.
            pub fn from_uuid(id: Uuid) -> Self {
                Self(id)
            }
            /// The first eight hex digits, enough to name the entity on a terminal.
            pub fn short(&self) -> String {
                self.0.simple().to_string()[..8].to_string()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

id_type!(
    /// Identifies a contact (a person in the user's network).
    ContactId
);
id_type!(
    /// Identifies an organization.
    OrganizationId
);
id_type!(
    /// Identifies an interaction.
    InteractionId
);
id_type!(
    /// Identifies a timeline note.
    NoteId
);
id_type!(
    /// Identifies one deletion in the trash (which may cover several records).
    TrashId
);
id_type!(
    /// Identifies a ledger record (help, ask, feedback, acknowledgement).
    LedgerEntryId
);
id_type!(
    /// Identifies a reminder.
    ReminderId
);
id_type!(
    /// Identifies an event (conference, meetup, webinar).
    EventId
);
id_type!(
    /// Identifies a community (association, alumni network, forum, chat group, project).
    CommunityId
);
id_type!(
    /// Identifies a contribution to a community.
    ContributionId
);
id_type!(
    /// Identifies a networking goal.
    GoalId
);
id_type!(
    /// Identifies a who-knows-whom connection entered by hand.
    ConnectionId
);
id_type!(
    /// Identifies an opportunity in the pipeline.
    OpportunityId
);
id_type!(
    /// Identifies a collaboration.
    CollaborationId
);
