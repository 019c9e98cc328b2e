//! Query and result shapes of the store.

use kith_core::{ContactId, ContactSummary, OrganizationId};
use serde::Serialize;

/// How a contact list is ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ContactSort {
    /// By display name, A–Z.
    #[default]
    Name,
    /// Most recent interaction first; never-contacted last.
    LastInteraction,
    /// Least recently contacted first (never-contacted first): who is drifting away.
    LeastRecent,
    /// Newest contacts first.
    Created,
}

/// Filters and paging for contact lists.
#[derive(Clone, Debug, Default)]
pub struct ContactQuery {
    pub tag: Option<String>,
    pub organization: Option<OrganizationId>,
    pub sort: ContactSort,
    pub limit: Option<u64>,
    pub offset: u64,
}

/// Paging for organization lists.
#[derive(Clone, Debug, Default)]
pub struct OrganizationQuery {
    pub limit: Option<u64>,
    pub offset: u64,
}

/// Filters and paging for interaction lists.
#[derive(Clone, Debug, Default)]
pub struct InteractionQuery {
    pub contact: Option<ContactId>,
    pub limit: Option<u64>,
    pub offset: u64,
}

/// One page of a list and the total number of matches.
#[derive(Clone, Debug, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
}

/// Enough of a contact to tell candidates apart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ContactRef {
    pub id: ContactId,
    pub display_name: String,
    pub primary_email: Option<String>,
}

impl ContactRef {
    /// `Name <email> (id prefix)`, for ambiguity messages.
    pub fn describe(&self) -> String {
        match &self.primary_email {
            Some(e) => format!("{} <{}> ({})", self.display_name, e, self.id.short()),
            None => format!("{} ({})", self.display_name, self.id.short()),
        }
    }
}

/// A search result.
#[derive(Clone, Debug, Serialize)]
pub struct SearchHit {
    pub contact: ContactSummary,
    pub score: f64,
    /// The index words that matched.
    pub matched: Vec<String>,
}

/// Counts of live records.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    pub contacts: u64,
    pub organizations: u64,
    pub interactions: u64,
    pub notes: u64,
    pub trash: u64,
}
