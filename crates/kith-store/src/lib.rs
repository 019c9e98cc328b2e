//! Kith's storage.
//!
//! [`Store`] is the one interface the rest of Kith uses to read and write data. [`open`] picks
//! the backend from the database URL at runtime: `sqlite://PATH` (the embedded default) or
//! `postgres://...`. Both are served by one SQL implementation ([`sql::SqlStore`]) over sqlx's
//! runtime-selected driver, with the few places where the dialects differ kept in
//! [`sql::Dialect`] and in the migration templates.
//!
//! Invariants:
//! - every write validates its input with `kith-core` first and runs in one transaction;
//! - trashed records are invisible to every read except the trash listing;
//! - the clock is a parameter (`now`); the store never reads it.

pub mod demo;
mod error;
pub mod import;
pub mod migrate;
pub mod model;
pub mod sql;
#[cfg(feature = "testing")]
pub mod testing;

pub use error::{Result, StoreError, plural};
pub use model::*;
pub use sql::backup::BackupSummary;
pub use sql::merges::MergeRecord;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use kith_core::goal::{Goal, GoalInput, GoalProgress, Period, Review};
use kith_core::import::{CardExtras, ImportFormat, ImportPlan, MatchIndex};
use kith_core::insights::{InsightContact, Insights, Tallies};
use kith_core::ledger::{LedgerEntry, LedgerInput, LedgerStatus};
use kith_core::leverage::{
    Connection, ConnectionInput, Membership, MyTie, Network, PathReport, RelationshipRole, Tie,
    TieEvidence, TieWeights,
};
use kith_core::network::{
    Community, CommunityInput, CommunitySummary, Contribution, ContributionInput, Event,
    EventInput, EventSummary, FollowUp,
};
use kith_core::nurture::{DueCandidate, DueItem, Reminder, ReminderInput, Upcoming};
use kith_core::pipeline::{
    Collaboration, CollaborationInput, NextStep, Opportunity, OpportunityDetails, OpportunityInput,
    OpportunityRole, Pipeline,
};
use kith_core::strength::{History, StrengthSettings};
use kith_core::{CollaborationId, OpportunityId, Participant};
use kith_core::{CommunityId, ContributionId, EventId, GoalId};
use kith_core::{
    Contact, ContactId, ContactInput, Interaction, InteractionId, InteractionInput, Note,
    Organization, OrganizationId, OrganizationInput, OrganizationSummary, TrashEntry, TrashId,
};
use kith_core::{LedgerEntryId, ReminderId};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// Which database engine a store runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// How to open a store.
#[derive(Clone, Debug)]
pub struct OpenOptions {
    /// How long a SQLite writer waits for another process's lock before giving up.
    pub busy_timeout: Duration,
    /// Create the SQLite file when it does not exist.
    pub create: bool,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions { busy_timeout: Duration::from_secs(5), create: true }
    }
}

/// Opens (and migrates) the store at `url` with default options.
pub async fn open(url: &str) -> Result<Arc<dyn Store>> {
    open_with(url, &OpenOptions::default()).await
}

/// Opens (and migrates) the store at `url`.
pub async fn open_with(url: &str, options: &OpenOptions) -> Result<Arc<dyn Store>> {
    Ok(Arc::new(sql::SqlStore::open(url, options).await?))
}

/// Everything Kith reads and writes. Implemented for SQLite and PostgreSQL; the contract test
/// suite (`tests/contract.rs`) runs against both.
#[async_trait]
pub trait Store: Send + Sync {
    /// The engine behind this store.
    fn backend(&self) -> Backend;

    // --- contacts ---
    /// Validates and saves a new contact; organizations named in its employment are created
    /// when missing.
    async fn create_contact(&self, input: &ContactInput, now: DateTime<Utc>) -> Result<Contact>;
    /// Replaces a contact's fields with `input` (validated).
    async fn update_contact(
        &self,
        id: ContactId,
        input: &ContactInput,
        now: DateTime<Utc>,
    ) -> Result<Contact>;
    /// A live contact.
    async fn get_contact(&self, id: ContactId) -> Result<Contact>;
    /// Contacts a user's reference may mean: a full id or id prefix (4+ hex digits), an exact
    /// email, an exact name, or else a name prefix. Exact matches win over prefixes.
    async fn find_contacts(&self, reference: &str) -> Result<Vec<ContactRef>>;
    /// A page of contacts.
    async fn list_contacts(&self, query: &ContactQuery) -> Result<Page<kith_core::ContactSummary>>;
    /// Moves a contact to the trash with the interactions only they took part in.
    async fn trash_contact(&self, id: ContactId, now: DateTime<Utc>) -> Result<TrashEntry>;
    /// Adds a note to a contact's timeline.
    async fn add_note(&self, contact: ContactId, body: &str, now: DateTime<Utc>) -> Result<Note>;
    /// A contact's timeline notes, newest first.
    async fn list_notes(&self, contact: ContactId) -> Result<Vec<Note>>;

    // --- organizations ---
    /// Validates and saves a new organization; names are unique (case- and accent-insensitive).
    async fn create_organization(
        &self,
        input: &OrganizationInput,
        now: DateTime<Utc>,
    ) -> Result<Organization>;
    /// Replaces an organization's fields.
    async fn update_organization(
        &self,
        id: OrganizationId,
        input: &OrganizationInput,
        now: DateTime<Utc>,
    ) -> Result<Organization>;
    /// A live organization with its people.
    async fn get_organization(&self, id: OrganizationId) -> Result<Organization>;
    /// Organizations a reference may mean: id or id prefix, exact name, domain, or name prefix.
    async fn find_organizations(&self, reference: &str) -> Result<Vec<OrganizationSummary>>;
    /// All live organizations, by name.
    async fn list_organizations(
        &self,
        query: &OrganizationQuery,
    ) -> Result<Page<OrganizationSummary>>;
    /// Moves an organization to the trash (roles there are hidden until it is restored).
    async fn trash_organization(
        &self,
        id: OrganizationId,
        now: DateTime<Utc>,
    ) -> Result<TrashEntry>;

    // --- interactions ---
    /// Validates and records an interaction.
    async fn log_interaction(
        &self,
        input: &InteractionInput,
        now: DateTime<Utc>,
    ) -> Result<Interaction>;
    /// A live interaction.
    async fn get_interaction(&self, id: InteractionId) -> Result<Interaction>;
    /// Interactions that match the id prefix (4+ hex digits).
    async fn find_interactions(&self, id_prefix: &str) -> Result<Vec<Interaction>>;
    /// Interactions, newest first.
    async fn list_interactions(&self, query: &InteractionQuery) -> Result<Page<Interaction>>;
    /// Moves an interaction to the trash.
    async fn trash_interaction(&self, id: InteractionId, now: DateTime<Utc>) -> Result<TrashEntry>;

    // --- search ---
    /// Ranked, typo-tolerant search over names, emails, organizations, titles, tags,
    /// locations and notes.
    async fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>>;

    // --- trash ---
    /// Everything in the trash, newest first.
    async fn list_trash(&self) -> Result<Vec<TrashEntry>>;
    /// Trash entries matching an id prefix or the start of their label.
    async fn find_trash(&self, reference: &str) -> Result<Vec<TrashEntry>>;
    /// Brings a deletion back with everything that went with it.
    async fn restore(&self, id: TrashId, now: DateTime<Utc>) -> Result<TrashEntry>;
    /// Deletes one trash entry and its records for good.
    async fn purge(&self, id: TrashId) -> Result<TrashEntry>;
    /// Empties the trash; returns how many entries were purged.
    async fn purge_all(&self) -> Result<u64>;

    // --- bulk ---
    /// Saves many contacts in one transaction (all or nothing); returns their ids in order.
    async fn import_contacts(
        &self,
        inputs: &[ContactInput],
        now: DateTime<Utc>,
    ) -> Result<Vec<ContactId>>;
    /// Saves many interactions in one transaction (all or nothing); returns how many.
    async fn import_interactions(
        &self,
        inputs: &[InteractionInput],
        now: DateTime<Utc>,
    ) -> Result<u64>;
    /// Counts of live records.
    async fn stats(&self) -> Result<Stats>;
    /// A value that changes whenever anyone (this process or another) commits a change to the
    /// database, so a reader can keep results until it changes; `None` when the backend
    /// cannot tell (an in-memory database).
    async fn data_version(&self) -> Result<Option<String>>;
    /// Contacts by id, in the order given; ids not found (or in the trash) are left out.
    async fn get_contacts(&self, ids: &[ContactId]) -> Result<Vec<Contact>>;

    // --- import ---
    /// What matching an import of `format` needs: its source keys and every live contact's
    /// emails, phones, links and names.
    async fn match_index(&self, format: ImportFormat) -> Result<MatchIndex>;
    /// Writes a planned import in one transaction (all or nothing). `updates` are the merged
    /// inputs of the stored contacts that change, each with the `updated_at` it was planned
    /// from: a contact edited since is not overwritten (the import is refused instead).
    /// The plan is taken by value: the new contacts' inputs move into the store's writer.
    async fn apply_import(
        &self,
        plan: ImportPlan,
        updates: &[(ContactId, ContactInput, DateTime<Utc>)],
        now: DateTime<Utc>,
    ) -> Result<ImportApplied>;
    /// Writes a consistent snapshot of every table to `out` (JSON Lines; see
    /// `docs/backup-format.md`) while the app may be running.
    async fn backup(
        &self,
        out: &mut (dyn std::io::Write + Send),
        now: DateTime<Utc>,
    ) -> Result<BackupSummary>;
    /// Restores a backup in one transaction. The database must be empty unless `replace`,
    /// which first deletes everything (in the same transaction).
    async fn restore_backup(
        &self,
        input: &mut (dyn std::io::BufRead + Send),
        replace: bool,
    ) -> Result<BackupSummary>;
    /// Likely duplicate people, best first, with the evidence.
    async fn duplicates(&self) -> Result<Vec<kith_core::duplicates::DuplicatePair>>;
    /// Merges `merged` into `kept`: fields united, every linked record moved, `merged` to the
    /// trash. Recorded so [`Store::unmerge`] can reverse it.
    async fn merge_contacts(
        &self,
        kept: ContactId,
        merged: ContactId,
        now: DateTime<Utc>,
    ) -> Result<MergeRecord>;
    /// Reverses the newest merge not yet undone.
    async fn unmerge(&self, now: DateTime<Utc>) -> Result<MergeRecord>;
    /// The user's own email addresses (they tell an email's direction).
    async fn own_emails(&self) -> Result<Vec<String>>;
    /// Replaces the user's own email addresses; returns them as stored.
    async fn set_own_emails(&self, emails: &[String]) -> Result<Vec<String>>;
    /// The vCard UID and kept properties of contacts imported from vCards.
    async fn contact_cards(&self, ids: &[ContactId]) -> Result<HashMap<ContactId, CardExtras>>;
    /// Keeps an uploaded file until its import is confirmed; only the newest few wait (older
    /// ones are dropped). Takes the upload by value: its bytes are bound, not copied.
    async fn stage_import(&self, staged: StagedImport, now: DateTime<Utc>) -> Result<()>;
    /// Takes a waiting upload out (it is confirmed once); `None` when there is none by that
    /// token (confirmed already, or dropped for newer ones).
    async fn take_staged_import(&self, token: &str) -> Result<Option<StagedImport>>;

    // --- address-book sync (CardDAV) ---
    /// The latest revision and the epoch of sync tokens.
    async fn sync_state(&self) -> Result<SyncState>;
    /// Cards changed after revision `since`, deletions included (0: every card ever).
    async fn card_changes(&self, since: i64) -> Result<Vec<CardChange>>;
    /// The live cards at these hrefs (missing ones left out).
    async fn cards(&self, hrefs: &[String]) -> Result<Vec<StoredCard>>;
    /// Writes a card a client sent, checking its preconditions, in one transaction.
    async fn put_card(&self, write: &CardWrite, now: DateTime<Utc>) -> Result<CardWritten>;
    /// Deletes the card at `href` (a contact goes to the trash). `if_match` is a revision.
    async fn delete_card(
        &self,
        href: &str,
        if_match: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<()>;

    // --- nurture ---
    /// The strength settings (half-life).
    async fn strength_settings(&self) -> Result<StrengthSettings>;
    /// Sets the recency half-life (days) and rebuilds every aggregate; returns how many
    /// contacts have interactions.
    async fn set_half_life(&self, days: f64) -> Result<u64>;
    /// Sets (or clears) a contact's own keep-in-touch cadence in days.
    async fn set_cadence(
        &self,
        contact: ContactId,
        days: Option<u32>,
        now: DateTime<Utc>,
    ) -> Result<()>;
    /// Sets (or clears) the cadence of everyone with a tag.
    async fn set_tag_cadence(&self, tag: &str, days: Option<u32>) -> Result<()>;
    /// Every tag cadence.
    async fn tag_cadences(&self) -> Result<Vec<TagCadence>>;
    /// Keeps a contact off the due list until a date (or, with `None`, ends the snooze).
    async fn snooze(
        &self,
        contact: ContactId,
        until: Option<NaiveDate>,
        now: DateTime<Utc>,
    ) -> Result<()>;
    /// Sets (or clears) the manual closeness in [0, 1] that overrides computed strength.
    async fn set_closeness(
        &self,
        contact: ContactId,
        closeness: Option<f64>,
        now: DateTime<Utc>,
    ) -> Result<()>;
    /// A contact's cadence, strength inputs and ledger balance.
    async fn contact_nurture(&self, contact: ContactId) -> Result<ContactNurture>;
    /// Contacts that may be due for a reach-out at `now` (see `kith_core::nurture::rank_due`).
    async fn due_candidates(&self, now: DateTime<Utc>) -> Result<Vec<DueCandidate>>;
    /// Strength inputs of every live contact.
    async fn histories(&self) -> Result<Vec<(ContactId, String, History)>>;
    /// Rebuilds every contact's interaction aggregates from the raw interactions.
    async fn recompute_stats(&self) -> Result<u64>;

    // --- ledger ---
    /// Validates and saves a ledger record.
    async fn add_ledger_entry(
        &self,
        input: &LedgerInput,
        now: DateTime<Utc>,
    ) -> Result<LedgerEntry>;
    /// Changes a ledger record's status (an ask answered, an offer done).
    async fn set_ledger_status(
        &self,
        id: LedgerEntryId,
        status: LedgerStatus,
        now: DateTime<Utc>,
    ) -> Result<LedgerEntry>;
    /// A filtered page of ledger records, newest first.
    async fn list_ledger(&self, query: &LedgerQuery) -> Result<Page<LedgerEntry>>;
    /// Ledger records whose id starts with the prefix.
    async fn find_ledger_entries(&self, reference: &str) -> Result<Vec<LedgerEntry>>;
    /// Moves a ledger record to the trash.
    async fn trash_ledger_entry(&self, id: LedgerEntryId, now: DateTime<Utc>)
    -> Result<TrashEntry>;

    // --- reminders ---
    /// Validates and saves a reminder.
    async fn add_reminder(&self, input: &ReminderInput, now: DateTime<Utc>) -> Result<Reminder>;
    /// Marks a reminder done (a yearly one moves to next year).
    async fn complete_reminder(&self, id: ReminderId, now: DateTime<Utc>) -> Result<Reminder>;
    /// Reminders by date (open ones unless `include_done`).
    async fn list_reminders(&self, include_done: bool) -> Result<Vec<Reminder>>;
    /// Reminders whose id starts with the prefix.
    async fn find_reminders(&self, reference: &str) -> Result<Vec<Reminder>>;
    /// Moves a reminder to the trash.
    async fn trash_reminder(&self, id: ReminderId, now: DateTime<Utc>) -> Result<TrashEntry>;
    /// Birthdays, work anniversaries, reminders, events and membership renewals in the next
    /// `days` days.
    async fn upcoming(&self, today: NaiveDate, days: u32) -> Result<Vec<Upcoming>>;

    /// The ranked reach-out list at `now`: cadences that ran out and event follow-ups (see
    /// `kith_core::nurture::rank_due`).
    async fn due_list(&self, now: DateTime<Utc>) -> Result<Vec<DueItem>> {
        Ok(self.due_inputs(now).await?.rank(now))
    }

    /// What the due list at `now` is ranked from.
    async fn due_inputs(&self, now: DateTime<Utc>) -> Result<DueInputs> {
        Ok(DueInputs {
            date: now.date_naive(),
            settings: self.strength_settings().await?,
            candidates: self.due_candidates(now).await?,
            follow_ups: self.follow_ups(now.date_naive()).await?,
        })
    }

    // --- events ---
    /// Validates and saves an event (the follow-up window defaults to the setting).
    async fn create_event(&self, input: &EventInput, now: DateTime<Utc>) -> Result<Event>;
    /// Replaces an event's fields.
    async fn update_event(
        &self,
        id: EventId,
        input: &EventInput,
        now: DateTime<Utc>,
    ) -> Result<Event>;
    /// A live event with the people there.
    async fn get_event(&self, id: EventId) -> Result<Event>;
    /// Events a reference may mean: id prefix, exact name, or name prefix.
    async fn find_events(&self, reference: &str) -> Result<Vec<EventSummary>>;
    /// A filtered page of events, latest first.
    async fn list_events(&self, query: &EventQuery) -> Result<Page<EventSummary>>;
    /// Moves an event to the trash.
    async fn trash_event(&self, id: EventId, now: DateTime<Utc>) -> Result<TrashEntry>;
    /// Records that a contact was at an event; `met_here` marks where the user first met them
    /// (one event per contact) and fills an empty first-met date.
    /// All or nothing for several contacts.
    async fn set_attendance(
        &self,
        event: EventId,
        contacts: &[ContactId],
        met_here: bool,
    ) -> Result<()>;
    /// Removes contacts from an event (all or nothing).
    async fn remove_attendance(&self, event: EventId, contacts: &[ContactId]) -> Result<()>;
    /// Open follow-ups with people first met at events that ended by `today`.
    async fn follow_ups(&self, today: NaiveDate) -> Result<Vec<FollowUp>>;
    /// The default follow-up window for new events, in days.
    async fn follow_up_days(&self) -> Result<u32>;
    /// Sets the default follow-up window for new events.
    async fn set_follow_up_days(&self, days: u32) -> Result<()>;

    // --- communities ---
    /// Validates and saves a community (names are unique).
    async fn create_community(
        &self,
        input: &CommunityInput,
        now: DateTime<Utc>,
    ) -> Result<Community>;
    /// Replaces a community's fields.
    async fn update_community(
        &self,
        id: CommunityId,
        input: &CommunityInput,
        now: DateTime<Utc>,
    ) -> Result<Community>;
    /// A live community with its people and contributions.
    async fn get_community(&self, id: CommunityId) -> Result<Community>;
    /// Communities a reference may mean: id prefix, exact name, or name prefix.
    async fn find_communities(&self, reference: &str) -> Result<Vec<CommunitySummary>>;
    /// Every live community, by name.
    async fn list_communities(&self) -> Result<Vec<CommunitySummary>>;
    /// Moves a community (and its contributions) to the trash.
    async fn trash_community(&self, id: CommunityId, now: DateTime<Utc>) -> Result<TrashEntry>;
    /// Adds contacts to (or, with `member = false`, removes them from) a community's people,
    /// all or nothing.
    async fn set_members(
        &self,
        community: CommunityId,
        contacts: &[ContactId],
        member: bool,
    ) -> Result<()>;
    /// Validates and records a contribution to a community.
    async fn add_contribution(
        &self,
        input: &ContributionInput,
        now: DateTime<Utc>,
    ) -> Result<Contribution>;
    /// Changes a contribution: its community, kind, day, title and link.
    async fn update_contribution(
        &self,
        id: ContributionId,
        input: &ContributionInput,
        now: DateTime<Utc>,
    ) -> Result<Contribution>;
    /// Contributions whose id starts with the prefix.
    async fn find_contributions(&self, reference: &str) -> Result<Vec<Contribution>>;
    /// A live contribution.
    async fn get_contribution(&self, id: ContributionId) -> Result<Contribution> {
        self.find_contributions(&id.to_string())
            .await?
            .into_iter()
            .find(|k| k.id == id)
            .ok_or_else(|| StoreError::not_found("contribution", id.to_string()))
    }
    /// Contributions dated from `from` through `to`, newest first.
    async fn list_contributions(&self, from: NaiveDate, to: NaiveDate)
    -> Result<Vec<Contribution>>;
    /// Moves a contribution to the trash.
    async fn trash_contribution(
        &self,
        id: ContributionId,
        now: DateTime<Utc>,
    ) -> Result<TrashEntry>;
    /// The events and communities a contact is linked to.
    async fn contact_network(&self, contact: ContactId) -> Result<ContactNetwork>;

    // --- goals and review ---
    /// Validates and saves a goal (a tag must be in use).
    async fn create_goal(&self, input: &GoalInput, now: DateTime<Utc>) -> Result<Goal>;
    /// Live goals, oldest first.
    async fn list_goals(&self) -> Result<Vec<Goal>>;
    /// Goals whose id starts with the prefix.
    async fn find_goals(&self, reference: &str) -> Result<Vec<Goal>>;
    /// Moves a goal to the trash.
    async fn trash_goal(&self, id: GoalId, now: DateTime<Utc>) -> Result<TrashEntry>;
    /// Every live goal's current period, history and streak as of `today`.
    async fn goal_progress(&self, today: NaiveDate) -> Result<Vec<GoalProgress>>;
    /// The week or month that holds `now`'s day, in review.
    async fn review(&self, period: Period, now: DateTime<Utc>) -> Result<Review> {
        let goals = self.goal_progress(now.date_naive()).await?;
        let due = self.due_inputs(now).await?;
        self.review_with(period, now, goals, &due).await
    }
    /// [`Store::review`] from the goal progress and due inputs of `now`'s day, for a caller
    /// that already holds them (the web app keeps both for Today).
    async fn review_with(
        &self,
        period: Period,
        now: DateTime<Utc>,
        goals: Vec<GoalProgress>,
        due: &DueInputs,
    ) -> Result<Review>;

    // --- roles and who knows whom ---
    /// Adds and removes a contact's relationship roles.
    async fn set_roles(
        &self,
        contact: ContactId,
        add: &[RelationshipRole],
        remove: &[RelationshipRole],
    ) -> Result<()>;
    /// A contact's relationship roles.
    async fn roles_of(&self, contact: ContactId) -> Result<Vec<RelationshipRole>>;
    /// Every live contact's relationship roles.
    async fn all_roles(&self) -> Result<HashMap<ContactId, Vec<RelationshipRole>>>;
    /// Validates and records that two contacts know each other (updating an existing record).
    async fn connect(&self, input: &ConnectionInput, now: DateTime<Utc>) -> Result<Connection>;
    /// Live connections entered by hand: of one contact, or all.
    async fn connections(&self, contact: Option<ContactId>) -> Result<Vec<Connection>>;
    /// Moves the connection between two contacts to the trash.
    async fn trash_connection(
        &self,
        a: ContactId,
        b: ContactId,
        now: DateTime<Utc>,
    ) -> Result<TrashEntry>;
    /// Direct evidence of who knows whom: connections, shared interactions, shared events.
    async fn tie_evidence(&self) -> Result<Vec<TieEvidence>>;
    /// The same evidence folded per pair (Π(1 − sᵢ)), for insights over the whole network.
    async fn tie_weights(&self) -> Result<TieWeights>;
    /// Who works or worked where (shared employers tie people; see `leverage::Network`).
    async fn memberships(&self) -> Result<Vec<Membership>>;
    /// People with a role at an organization, and whether it is current.
    async fn people_at(&self, organization: OrganizationId) -> Result<Vec<(Participant, bool)>>;
    /// What insights need of every live contact (strength computed at `now`).
    async fn insight_contacts(&self, now: DateTime<Utc>) -> Result<(Vec<InsightContact>, Tallies)>;

    // --- opportunities and collaborations ---
    /// The pipeline's stages.
    async fn pipeline(&self) -> Result<Pipeline>;
    /// Replaces the pipeline's open stages (refused while opportunities sit in one that goes).
    async fn set_pipeline(&self, pipeline: &Pipeline) -> Result<()>;
    /// Validates and saves an opportunity.
    async fn create_opportunity(
        &self,
        input: &OpportunityInput,
        now: DateTime<Utc>,
    ) -> Result<Opportunity>;
    /// A live opportunity with its stage history and contacts.
    async fn get_opportunity(&self, id: OpportunityId) -> Result<Opportunity>;
    /// Opportunities a reference may mean: id prefix, exact title, title prefix.
    async fn find_opportunities(&self, reference: &str) -> Result<Vec<Opportunity>>;
    /// Opportunities matching a query, most recently updated first.
    async fn list_opportunities(&self, query: &OpportunityQuery) -> Result<Vec<Opportunity>>;
    /// Moves an opportunity to a pipeline stage on a day (recorded in its history).
    async fn move_opportunity(
        &self,
        id: OpportunityId,
        stage: &str,
        on: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Opportunity>;
    /// Changes an opportunity's title, kind, organization and notes.
    async fn update_opportunity(
        &self,
        id: OpportunityId,
        details: &OpportunityDetails,
        now: DateTime<Utc>,
    ) -> Result<Opportunity>;
    /// Sets or clears an opportunity's next step and its due date.
    async fn set_next_step(
        &self,
        id: OpportunityId,
        step: Option<(String, Option<NaiveDate>)>,
        now: DateTime<Utc>,
    ) -> Result<Opportunity>;
    /// Adds contacts to an opportunity with their roles.
    async fn link_opportunity(
        &self,
        id: OpportunityId,
        contacts: &[(ContactId, OpportunityRole)],
    ) -> Result<Opportunity>;
    /// Moves an opportunity to the trash.
    async fn trash_opportunity(&self, id: OpportunityId, now: DateTime<Utc>) -> Result<TrashEntry>;
    /// Next steps of open opportunities due on or before a day, soonest first.
    async fn next_steps(&self, until: NaiveDate) -> Result<Vec<NextStep>>;
    /// Validates and saves a collaboration.
    async fn create_collaboration(
        &self,
        input: &CollaborationInput,
        now: DateTime<Utc>,
    ) -> Result<Collaboration>;
    /// Replaces a collaboration's fields.
    async fn update_collaboration(
        &self,
        id: CollaborationId,
        input: &CollaborationInput,
        now: DateTime<Utc>,
    ) -> Result<Collaboration>;
    /// Adds participants with their roles.
    async fn add_participants(
        &self,
        id: CollaborationId,
        people: &[(ContactId, String)],
    ) -> Result<Collaboration>;
    /// A live collaboration.
    async fn get_collaboration(&self, id: CollaborationId) -> Result<Collaboration>;
    /// Collaborations a reference may mean.
    async fn find_collaborations(&self, reference: &str) -> Result<Vec<Collaboration>>;
    /// Live collaborations (of one contact, or all), newest first.
    async fn list_collaborations(&self, contact: Option<ContactId>) -> Result<Vec<Collaboration>>;
    /// Moves a collaboration to the trash.
    async fn trash_collaboration(
        &self,
        id: CollaborationId,
        now: DateTime<Utc>,
    ) -> Result<TrashEntry>;

    // --- web authentication (secrets arrive hashed) ---
    /// The password hash (PHC string), if a password is set.
    async fn password_hash(&self) -> Result<Option<String>>;
    /// Replaces the password hash; every session ends.
    async fn set_password_hash(&self, hash: &str) -> Result<()>;
    /// Saves a session by the hash of its token, with its CSRF token.
    async fn create_session(
        &self,
        token_hash: &str,
        csrf: &str,
        now: DateTime<Utc>,
        expires: DateTime<Utc>,
    ) -> Result<()>;
    /// The CSRF token of a live session.
    async fn session(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<String>>;
    /// Ends a session.
    async fn end_session(&self, token_hash: &str) -> Result<()>;
    /// Saves a token of a kind (`api`, `app-password`) by its hash.
    async fn create_token(
        &self,
        name: &str,
        kind: &str,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<ApiToken>;
    /// The live token of a kind with this hash, noting its use.
    async fn use_token(
        &self,
        kind: &str,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<ApiToken>>;
    /// Every token of a kind, newest first.
    async fn tokens(&self, kind: &str) -> Result<Vec<ApiToken>>;
    /// Revokes tokens of a kind by name or id prefix; returns how many.
    async fn revoke_token(&self, kind: &str, reference: &str, now: DateTime<Utc>) -> Result<u64>;

    // --- services over the above (the same for every backend) ---
    /// The user's network as a graph, with the strength of every tie at `now`.
    async fn network(&self, now: DateTime<Utc>) -> Result<Network> {
        let settings = self.strength_settings().await?;
        let roles = self.all_roles().await?;
        let mine = self
            .histories()
            .await?
            .into_iter()
            .map(|(id, name, h)| MyTie {
                contact: Participant { contact_id: id, display_name: name },
                strength: kith_core::strength::score(&h, now, &settings),
                roles: roles
                    .get(&id)
                    .map(|r| r.iter().map(|x| x.as_str().to_string()).collect())
                    .unwrap_or_default(),
                last_contact: h.interactions.last_at,
            })
            .collect();
        Ok(Network::build(mine, self.tie_evidence().await?, self.memberships().await?, now))
    }

    /// Everyone a contact is thought to know (recorded, met together, colleagues), strongest
    /// first, with the evidence: what `kith ties` prints.
    async fn ties_of(&self, contact: ContactId, now: DateTime<Utc>) -> Result<Vec<Tie>> {
        self.get_contact(contact).await?;
        let net = self.network(now).await?;
        Ok(net
            .ties_of(contact)
            .into_iter()
            .map(|(contact, strength, evidence)| Tie { contact, strength, evidence })
            .collect())
    }

    /// The best `k` warm-introduction paths to a contact.
    async fn paths_to_contact(
        &self,
        target: ContactId,
        k: usize,
        now: DateTime<Utc>,
    ) -> Result<PathReport> {
        let c = self.get_contact(target).await?;
        let net = self.network(now).await?;
        let paths = net.paths_to(target, k);
        let mut suggestions = Vec::new();
        if paths.iter().all(|p| p.hops.len() == 1) {
            suggestions.push(format!(
                "Nobody you know is known to know {}: record who does with `kith knows PERSON \"{}\"`.",
                c.display_name, c.display_name
            ));
            if let Some(role) = c.current_role() {
                let others: Vec<String> = self
                    .people_at(role.organization_id)
                    .await?
                    .into_iter()
                    .filter(|(p, now)| *now && p.contact_id != target)
                    .map(|(p, _)| p.display_name)
                    .collect();
                if !others.is_empty() {
                    suggestions.push(format!(
                        "People you know at {}: {}.",
                        role.organization,
                        others.join(", ")
                    ));
                }
            }
        }
        Ok(PathReport { target: c.display_name, paths, suggestions, ..Default::default() })
    }

    /// The best `k` warm-introduction paths into an organization: to people there now, else
    /// to people who were there before; with who the user knows there.
    async fn paths_to_organization(
        &self,
        org: OrganizationId,
        k: usize,
        now: DateTime<Utc>,
    ) -> Result<PathReport> {
        let o = self.get_organization(org).await?;
        let people = self.people_at(org).await?;
        let (now_there, before): (Vec<_>, Vec<_>) = people.into_iter().partition(|(_, c)| *c);
        let known_now: Vec<Participant> = now_there.into_iter().map(|(p, _)| p).collect();
        let known_before: Vec<Participant> = before.into_iter().map(|(p, _)| p).collect();
        let targets: Vec<ContactId> = if known_now.is_empty() {
            known_before.iter().map(|p| p.contact_id).collect()
        } else {
            known_now.iter().map(|p| p.contact_id).collect()
        };
        let mut suggestions = Vec::new();
        let paths = if targets.is_empty() {
            Vec::new()
        } else {
            self.network(now).await?.paths_to_any(&targets, k)
        };
        if targets.is_empty() {
            suggestions.push(format!("You know nobody who works or worked at {}.", o.name));
            if let Some(industry) = &o.industry {
                let similar: Vec<String> = self
                    .list_organizations(&OrganizationQuery::default())
                    .await?
                    .items
                    .into_iter()
                    .filter(|x| {
                        x.id != org
                            && x.current_people > 0
                            && x.industry.as_deref() == Some(industry)
                    })
                    .take(5)
                    .map(|x| format!("{} ({} people)", x.name, x.current_people))
                    .collect();
                if !similar.is_empty() {
                    suggestions.push(format!(
                        "Closest organizations in {industry} where you know people: {}.",
                        similar.join(", ")
                    ));
                }
            }
            let hits = self.search(&o.name, 5).await?;
            if !hits.is_empty() {
                let names: Vec<String> = hits.into_iter().map(|h| h.contact.display_name).collect();
                suggestions
                    .push(format!("People whose profile mentions it: {}.", names.join(", ")));
            }
        } else if known_now.is_empty() {
            suggestions.push(format!(
                "Nobody you know works at {} now; the routes go to people who did.",
                o.name
            ));
        }
        Ok(PathReport { target: o.name, paths, known_now, known_before, suggestions })
    }

    /// Network insights at `now`.
    async fn insights(&self, now: DateTime<Utc>) -> Result<Insights> {
        // Memberships first, while little else is held.
        let memberships = self.memberships().await?;
        let (contacts, tallies) = self.insight_contacts(now).await?;
        let ties = self.tie_weights().await?;
        Ok(kith_core::insights::insights(contacts, tallies, ties, memberships, now))
    }
}

/// The one record in `found`, or `NotFound` / `Ambiguous` (listing every candidate).
fn exactly_one<T, Id: Copy>(
    found: Vec<T>,
    what: &'static str,
    reference: &str,
    id: impl Fn(&T) -> Id,
    describe: impl Fn(&T) -> String,
) -> Result<Id> {
    match found.as_slice() {
        [] => Err(StoreError::not_found(what, reference)),
        [one] => Ok(id(one)),
        many => Err(StoreError::Ambiguous {
            what,
            reference: reference.to_string(),
            candidates: many.iter().map(describe).collect(),
        }),
    }
}

/// Resolves a reference to exactly one contact, or explains why it cannot.
pub async fn resolve_contact(store: &dyn Store, reference: &str) -> Result<ContactId> {
    let found = store.find_contacts(reference).await?;
    exactly_one(found, "contact", reference, |c| c.id, ContactRef::describe)
}

/// Resolves a reference to exactly one organization.
pub async fn resolve_organization(store: &dyn Store, reference: &str) -> Result<OrganizationId> {
    let found = store.find_organizations(reference).await?;
    exactly_one(
        found,
        "organization",
        reference,
        |o| o.id,
        |o| format!("{} ({})", o.name, o.id.short()),
    )
}

/// Resolves a reference to exactly one trash entry.
pub async fn resolve_trash(store: &dyn Store, reference: &str) -> Result<TrashId> {
    let found = store.find_trash(reference).await?;
    exactly_one(
        found,
        "trash entry",
        reference,
        |t| t.id,
        |t| format!("{} {} ({})", t.kind.as_str(), t.label, t.id.short()),
    )
}

/// Resolves an interaction id or id prefix.
pub async fn resolve_interaction(store: &dyn Store, reference: &str) -> Result<InteractionId> {
    let found = store.find_interactions(reference).await?;
    exactly_one(
        found,
        "interaction",
        reference,
        |i| i.id,
        |i| format!("{} {} ({})", i.occurred_at.date_naive(), i.kind, i.id.short()),
    )
}

/// Resolves a ledger record id or id prefix.
pub async fn resolve_ledger_entry(store: &dyn Store, reference: &str) -> Result<LedgerEntryId> {
    let found = store.find_ledger_entries(reference).await?;
    exactly_one(
        found,
        "ledger record",
        reference,
        |e| e.id,
        |e| format!("{} ({})", e.line(), e.id.short()),
    )
}

/// Resolves a reminder id or id prefix.
pub async fn resolve_reminder(store: &dyn Store, reference: &str) -> Result<ReminderId> {
    let found = store.find_reminders(reference).await?;
    exactly_one(
        found,
        "reminder",
        reference,
        |r| r.id,
        |r| format!("{} {} ({})", r.due, r.title, r.id.short()),
    )
}

/// Resolves an event reference (id prefix, name, name prefix).
pub async fn resolve_event(store: &dyn Store, reference: &str) -> Result<EventId> {
    let found = store.find_events(reference).await?;
    exactly_one(
        found,
        "event",
        reference,
        |e| e.id,
        |e| format!("{} {} ({})", e.starts_on, e.name, e.id.short()),
    )
}

/// Resolves a community reference (id prefix, name, name prefix).
pub async fn resolve_community(store: &dyn Store, reference: &str) -> Result<CommunityId> {
    let found = store.find_communities(reference).await?;
    exactly_one(
        found,
        "community",
        reference,
        |c| c.id,
        |c| format!("{} ({})", c.name, c.id.short()),
    )
}

/// Resolves a contribution id or id prefix.
pub async fn resolve_contribution(store: &dyn Store, reference: &str) -> Result<ContributionId> {
    let found = store.find_contributions(reference).await?;
    exactly_one(
        found,
        "contribution",
        reference,
        |c| c.id,
        |c| format!("{} {} ({})", c.on, c.title, c.id.short()),
    )
}

/// Resolves a goal id or id prefix.
pub async fn resolve_goal(store: &dyn Store, reference: &str) -> Result<GoalId> {
    let found = store.find_goals(reference).await?;
    exactly_one(
        found,
        "goal",
        reference,
        |g| g.id,
        |g| format!("{} ({})", g.describe(), g.id.short()),
    )
}

/// Resolves an opportunity reference (id prefix, title, title prefix).
pub async fn resolve_opportunity(store: &dyn Store, reference: &str) -> Result<OpportunityId> {
    let found = store.find_opportunities(reference).await?;
    exactly_one(
        found,
        "opportunity",
        reference,
        |o| o.id,
        |o| format!("{} ({}, {})", o.title, o.stage, o.id.short()),
    )
}

/// The organization a name or id means, created (with just its name) when there is none.
pub async fn organization_or_new(
    store: &dyn Store,
    reference: &str,
    now: DateTime<Utc>,
) -> Result<OrganizationId> {
    match resolve_organization(store, reference).await {
        Err(StoreError::NotFound { .. }) => {
            let input = OrganizationInput { name: reference.to_string(), ..Default::default() };
            Ok(store.create_organization(&input, now).await?.id)
        }
        found => found,
    }
}

/// Resolves a collaboration reference (id prefix, title, title prefix).
pub async fn resolve_collaboration(store: &dyn Store, reference: &str) -> Result<CollaborationId> {
    let found = store.find_collaborations(reference).await?;
    exactly_one(
        found,
        "collaboration",
        reference,
        |c| c.id,
        |c| format!("{} ({})", c.title, c.id.short()),
    )
}
