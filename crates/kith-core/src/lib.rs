//! Kith's domain: the types a user works with (contacts, organizations, interactions, notes,
//! trash), their validation, and pure logic such as search ranking.
//!
//! Invariant: this crate does no I/O, spawns nothing and never reads the clock. Whatever needs
//! "now" takes it as a parameter.

pub mod contact;
pub mod duplicates;
pub mod error;
pub mod feeds;
pub mod goal;
pub mod ids;
pub mod import;
pub mod insights;
pub mod interaction;
pub mod ledger;
pub mod leverage;
pub mod network;
pub mod nurture;
pub mod organization;
pub mod pipeline;
pub mod search;
pub mod strength;
pub mod sync;
pub mod text;
pub mod trash;
pub mod validate;
mod words;

pub use contact::{
    Address, Birthday, Contact, ContactInput, ContactSummary, Email, Employment, EmploymentInput,
    Link, LinkKind, Note, Phone,
};
pub use error::{FieldError, ValidationError};
pub use ids::{
    CollaborationId, CommunityId, ConnectionId, ContactId, ContributionId, EventId, GoalId,
    InteractionId, LedgerEntryId, NoteId, OpportunityId, OrganizationId, ReminderId, TrashId,
};
pub use interaction::{Direction, Interaction, InteractionInput, InteractionKind, Participant};
pub use organization::{Organization, OrganizationInput, OrganizationSummary, Role};
pub use trash::{TrashEntry, TrashKind};
