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
    /// Strongest relationships first (computed at query time).
    Strength,
}

/// Filters and paging for contact lists.
#[derive(Clone, Debug, Default)]
pub struct ContactQuery {
    /// The current time; needed only to sort by strength.
    pub now: Option<chrono::DateTime<chrono::Utc>>,
    pub tag: Option<String>,
    pub organization: Option<OrganizationId>,
    /// Only people with this relationship role (mentor, client, ...).
    pub role: Option<kith_core::leverage::RelationshipRole>,
    /// Only people whose strength is in this band (needs `now`).
    pub band: Option<kith_core::strength::Band>,
    /// Only people on the due list: overdue for their cadence or owed a follow-up (needs `now`).
    pub overdue: bool,
    /// Only these people (a search's hits, to filter them further).
    pub ids: Option<Vec<ContactId>>,
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

/// What the due list is ranked from ([`Store::due_inputs`](crate::Store::due_inputs)).
///
/// Good for any time on `date`: the candidates are read a day early (everyone whose cadence
/// runs out within a day of the time asked), and [`DueInputs::rank`] makes the exact cut.
#[derive(Clone, Debug)]
pub struct DueInputs {
    pub date: chrono::NaiveDate,
    pub settings: kith_core::strength::StrengthSettings,
    pub candidates: Vec<kith_core::nurture::DueCandidate>,
    pub follow_ups: Vec<kith_core::network::FollowUp>,
}

impl DueInputs {
    /// The ranked due list at `now` (a time on `date`).
    pub fn rank(&self, now: chrono::DateTime<chrono::Utc>) -> Vec<kith_core::nurture::DueItem> {
        kith_core::nurture::rank_due(&self.candidates, &self.follow_ups, now, &self.settings)
    }

    /// The first `limit` items of [`DueInputs::rank`], and how many there are in all.
    pub fn rank_top(
        &self,
        now: chrono::DateTime<chrono::Utc>,
        limit: usize,
    ) -> (Vec<kith_core::nurture::DueItem>, usize) {
        kith_core::nurture::rank_due_top(
            &self.candidates,
            &self.follow_ups,
            now,
            &self.settings,
            limit,
        )
    }
}

/// Filters and paging for the ledger.
#[derive(Clone, Debug, Default)]
pub struct LedgerQuery {
    pub contact: Option<ContactId>,
    pub kind: Option<kith_core::ledger::LedgerKind>,
    pub direction: Option<kith_core::ledger::LedgerDirection>,
    pub status: Option<kith_core::ledger::LedgerStatus>,
    pub since: Option<chrono::NaiveDate>,
    pub limit: Option<u64>,
    pub offset: u64,
}

/// A contact's keep-in-touch settings.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct NurtureSettings {
    pub cadence_days: Option<u32>,
    pub cadence_source: Option<kith_core::nurture::CadenceSource>,
    pub snoozed_until: Option<chrono::NaiveDate>,
    pub closeness: Option<f64>,
}

/// Everything about staying in touch with one contact: settings, strength inputs, ledger.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ContactNurture {
    pub settings: NurtureSettings,
    pub history: kith_core::strength::History,
    pub balance: kith_core::ledger::Balance,
}

/// A tag's cadence and how many people carry the tag.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TagCadence {
    pub tag: String,
    pub cadence_days: u32,
    pub people: i64,
}

/// Filters and paging for event lists.
#[derive(Clone, Debug, Default)]
pub struct EventQuery {
    /// Events that end on or after this day.
    pub from: Option<chrono::NaiveDate>,
    /// Events that start on or before this day.
    pub to: Option<chrono::NaiveDate>,
    /// Events this contact was at.
    pub contact: Option<ContactId>,
    pub limit: Option<u64>,
    pub offset: u64,
}

/// The events and communities a contact is linked to.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ContactNetwork {
    /// Events they were at, latest first, and whether the user first met them there.
    pub events: Vec<(kith_core::network::EventSummary, bool)>,
    pub communities: Vec<kith_core::network::CommunitySummary>,
}

/// Filters for opportunity lists.
#[derive(Clone, Debug, Default)]
pub struct OpportunityQuery {
    pub kind: Option<kith_core::pipeline::OpportunityKind>,
    pub stage: Option<String>,
    pub organization: Option<OrganizationId>,
    pub contact: Option<ContactId>,
    /// Leave out won, lost and withdrawn ones.
    pub open_only: bool,
}

/// An API token or app password (the secret itself is never stored).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ApiToken {
    pub id: uuid::Uuid,
    pub name: String,
    /// `api` (bearer tokens) or `app-password` (CardDAV devices).
    pub kind: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub last_used_at: Option<chrono::DateTime<chrono::Utc>>,
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// What an applied import wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ImportApplied {
    /// The ids of the contacts created, in plan order.
    pub contacts: Vec<ContactId>,
    pub interactions: u64,
    pub events: u64,
}

/// Where address-book sync stands: the latest revision, and the epoch that a restored backup
/// renews (tokens from another epoch are refused).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyncState {
    pub revision: i64,
    pub epoch: String,
}

/// A card that changed after some revision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardChange {
    pub href: String,
    pub revision: i64,
    /// `false` for a card deleted since (its contact is in the trash or gone).
    pub live: bool,
}

/// What a stored card is made from.
#[derive(Clone, Debug, PartialEq)]
pub enum CardContent {
    /// The bytes a client wrote, unchanged since.
    Raw(String),
    /// A contact to render, with the UID and kept properties of its card.
    Contact { contact: Box<kith_core::Contact>, card: kith_core::import::CardExtras },
    /// Not loaded yet (internal).
    Pending(kith_core::ContactId),
}

/// A live card in the address book.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredCard {
    pub href: String,
    /// Bumped by every change; the card's ETag.
    pub revision: i64,
    pub content: CardContent,
}

/// What a client's card says.
#[derive(Clone, Debug, PartialEq)]
pub enum CardBody {
    /// A person: the fields Kith models, and the properties it keeps verbatim.
    Contact { uid: String, input: Box<kith_core::ContactInput>, extra: Vec<String> },
    /// A group card (`KIND:group`), kept as written; its members (by UID) get the tag its name
    /// makes (see `kith_core::sync::group_tag`).
    Group { uid: String, tag: Option<String>, members: Vec<String> },
}

impl CardBody {
    /// The card's UID.
    pub fn uid(&self) -> &str {
        match self {
            CardBody::Contact { uid, .. } | CardBody::Group { uid, .. } => uid,
        }
    }
}

/// A client writing a card (CardDAV `PUT`).
#[derive(Clone, Debug, PartialEq)]
pub struct CardWrite {
    /// The card's name in the address book (`{something}.vcf`).
    pub href: String,
    /// `If-Match`: the revision the client last saw (`Some(-1)` for an ETag Kith never made).
    pub if_match: Option<i64>,
    /// `If-None-Match: *`: only create.
    pub if_none_match: bool,
    pub body: CardBody,
    /// The card as sent, served back unchanged until Kith changes the contact.
    pub raw: String,
}

/// The outcome of a card write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CardWritten {
    pub created: bool,
    pub revision: i64,
}

/// An uploaded file waiting for the user to confirm its import (the web app's preview).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StagedImport {
    /// The random token the confirmation form carries.
    pub token: String,
    pub file_name: String,
    pub format: kith_core::import::ImportFormat,
    pub content: Vec<u8>,
    pub add_unknown: bool,
    pub skip_invalid: bool,
}
