//! One typed view struct per page; templates live in `templates/` (partials in
//! `templates/partials/`). Formatting helpers used by several templates are here too.

use askama::Template;
use chrono::{DateTime, NaiveDate, Utc};
use kith_core::FieldError;
use kith_core::goal::{GoalProgress, Review};
use kith_core::insights::Insights;
use kith_core::leverage::PathReport;
use kith_core::network::{Community, CommunitySummary, Event, EventSummary};
use kith_core::nurture::{DueItem, Upcoming};
use kith_core::pipeline::{NextStep, Opportunity};
use kith_core::strength::Strength;
use kith_core::{
    Contact, ContactSummary, Interaction, Organization, OrganizationSummary, TrashEntry,
};
use kith_store::SearchHit;

/// The navigation bar: which page is current, the CSRF token for forms, whether sign-out shows.
#[derive(Clone, Debug, Default)]
pub struct Nav {
    pub active: &'static str,
    pub csrf: String,
    pub signed_in: bool,
}

impl Nav {
    /// The navigation entries: (path, label, key).
    pub fn items(&self) -> [(&'static str, &'static str, &'static str); 14] {
        [
            ("/", "Today", "today"),
            ("/people", "People", "people"),
            ("/organizations", "Organizations", "organizations"),
            ("/events", "Events", "events"),
            ("/communities", "Communities", "communities"),
            ("/goals", "Goals", "goals"),
            ("/opportunities", "Opportunities", "opportunities"),
            ("/collaborations", "Collaborations", "collaborations"),
            ("/paths", "Intro paths", "paths"),
            ("/insights", "Insights", "insights"),
            ("/import", "Import", "import"),
            ("/duplicates", "Duplicates", "duplicates"),
            ("/trash", "Trash", "trash"),
            ("/settings", "Settings", "settings"),
        ]
    }
}

/// Field errors of a form by field name, for showing next to each input.
#[derive(Clone, Debug, Default)]
pub struct FormErrors(pub Vec<FieldError>);

impl FormErrors {
    /// The message for a field, or empty.
    pub fn get(&self, field: &str) -> String {
        self.0
            .iter()
            .filter(|e| {
                e.field == field
                    || e.field.starts_with(&format!("{field} "))
                    || e.field.starts_with(&format!("{field}["))
            })
            .map(|e| match &e.value {
                Some(v) => format!("{v:?} is not valid: expected {}", e.expected),
                None => format!("expected {}", e.expected),
            })
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// Messages for fields without their own input.
    pub fn other(&self, known: &[&str]) -> Vec<String> {
        self.0
            .iter()
            .filter(|e| {
                !known.iter().any(|k| e.field == *k || e.field.starts_with(&format!("{k} ")))
            })
            .map(|e| e.to_string())
            .collect()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A form as it came back with errors: which form on the page failed, what was typed into it,
/// and its field errors. Templates read values and errors per form, so on a page with several
/// forms (a person's page, Settings) each error shows next to its own field and only the failed
/// form keeps what was typed; the others show their usual values.
#[derive(Clone, Debug, Default)]
pub struct FormState {
    /// The failed form's name ("" when none failed; `next-ID` for one card's form on a board).
    pub form: String,
    pub values: Vec<(&'static str, String)>,
    pub errors: FormErrors,
}

impl FormState {
    /// A failed form, with what was typed into each field.
    pub fn failed<const N: usize>(
        form: impl Into<String>,
        errors: FormErrors,
        values: [(&'static str, String); N],
    ) -> Self {
        Self { form: form.into(), values: values.into(), errors }
    }

    /// What was typed into a field of the failed form, or `default` (the field's usual value).
    pub fn value_or(&self, form: &str, field: &str, default: &str) -> String {
        if self.form == form
            && let Some((_, v)) = self.values.iter().find(|(k, _)| *k == field)
        {
            return v.clone();
        }
        default.to_string()
    }

    /// The errors of one field of a form; `error_field` names the field in the validation errors
    /// when it differs from the input's name (empty: the same).
    pub fn error(&self, form: &str, field: &str, error_field: &str) -> String {
        if self.form != form {
            return String::new();
        }
        self.errors.get(if error_field.is_empty() { field } else { error_field })
    }

    /// Errors of a form that no input of it shows (shown above the form).
    pub fn others<K: AsRef<[&'static str]> + ?Sized>(&self, form: &str, known: &K) -> Vec<String> {
        if self.form != form { Vec::new() } else { self.errors.other(known.as_ref()) }
    }
}

/// "3 days ago" for an optional time.
pub fn ago(t: &Option<DateTime<Utc>>, now: &DateTime<Utc>) -> String {
    match t {
        Some(t) => kith_core::text::ago(*t, *now),
        None => "never".into(),
    }
}

/// The reminder's id when a coming-up date is a reminder (it gets a "Done" button), or empty.
pub fn reminder_id(u: &Upcoming) -> String {
    match &u.what {
        kith_core::nurture::UpcomingKind::Reminder { id, .. } => id.to_string(),
        _ => String::new(),
    }
}

/// A date or empty.
pub fn date(d: &Option<NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// The name of an optional linked organization (empty: none).
pub fn org_name(o: &Option<(kith_core::OrganizationId, String)>) -> String {
    o.as_ref().map(|(_, name)| name.clone()).unwrap_or_default()
}

#[derive(Template)]
#[template(path = "welcome.html")]
pub struct WelcomePage {
    pub nav: Nav,
}

#[derive(Template)]
#[template(path = "today.html")]
pub struct TodayPage {
    pub nav: Nav,
    pub due: Vec<DueItem>,
    pub due_total: usize,
    pub next_steps: Vec<NextStep>,
    pub upcoming: Vec<Upcoming>,
    pub goals: Vec<GoalProgress>,
    pub open_asks: Vec<kith_core::ledger::LedgerEntry>,
    /// Help the user offered and has not given yet.
    pub favours_owed: Vec<kith_core::ledger::LedgerEntry>,
    pub today: NaiveDate,
    /// The "remind me" form, when it came back with errors.
    pub form: FormState,
}

#[derive(Template)]
#[template(path = "people.html")]
pub struct PeoplePage {
    pub nav: Nav,
    /// Search results best first (a search without filters), rather than the filtered table.
    pub ranked: bool,
    /// Any filter is set (tag, organization, role, strength, overdue).
    pub filtered: bool,
    /// The filters were applied to the best matches only (the search found that many).
    pub capped: bool,
    pub q: String,
    pub tag: String,
    pub org: String,
    pub role: String,
    pub band: &'static str,
    pub overdue: bool,
    pub roles: Vec<&'static str>,
    pub message: String,
    pub sort: String,
    pub people: Vec<ContactSummary>,
    pub hits: Vec<SearchHit>,
    pub total: u64,
    pub page: u64,
    pub pages: u64,
    pub now: DateTime<Utc>,
}

/// The person form's values (kept when the form comes back with errors).
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct PersonForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub org: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub tags: String,
    #[serde(default)]
    pub location: String,
    #[serde(default)]
    pub how_met: String,
    #[serde(default)]
    pub notes: String,
}

#[derive(Template)]
#[template(path = "person_form.html")]
pub struct PersonFormPage {
    pub nav: Nav,
    /// `None` for a new person.
    pub id: Option<String>,
    pub form: PersonForm,
    pub errors: FormErrors,
}

/// One input of a form.
#[derive(Clone, Debug)]
pub struct FormField {
    pub name: &'static str,
    pub label: &'static str,
    pub value: String,
    pub kind: &'static str,
    pub hint: &'static str,
    pub required: bool,
    pub error: String,
}

impl PersonPage {
    /// Every relationship role, for the roles form.
    pub fn all_roles(&self) -> Vec<&'static str> {
        kith_core::leverage::RelationshipRole::ALL.iter().map(|r| r.as_str()).collect()
    }
}

impl PersonFormPage {
    /// The single-line inputs with their values and errors.
    pub fn fields(&self) -> Vec<FormField> {
        let f = &self.form;
        [
            ("name", "Name", &f.name, "text", "as you want to see it", "name"),
            ("email", "Email", &f.email, "email", "", "email"),
            ("phone", "Phone", &f.phone, "tel", "", "phone"),
            ("org", "Organization", &f.org, "text", "created if new", "employment"),
            ("title", "Title", &f.title, "text", "", "title"),
            ("tags", "Tags", &f.tags, "text", "comma-separated, e.g. mentor, fintech", "tag"),
            ("location", "Location", &f.location, "text", "", "location"),
            ("how_met", "How you met", &f.how_met, "text", "", "how met"),
        ]
        .into_iter()
        .map(|(name, label, value, kind, hint, error_field)| FormField {
            name,
            label,
            value: value.clone(),
            kind,
            hint,
            required: name == "name",
            error: self.errors.get(error_field),
        })
        .collect()
    }
}

/// One entry of a person's timeline.
#[derive(Clone, Debug)]
pub struct TimelineItem {
    pub on: String,
    pub kind: String,
    pub text: String,
    pub with: String,
    /// Where the entry's record lives (an event, an opportunity), or empty.
    pub href: String,
    /// Where a form deletes the entry (to the trash), or empty.
    pub delete: String,
}

#[derive(Template)]
#[template(path = "person.html")]
pub struct PersonPage {
    pub nav: Nav,
    pub c: Contact,
    pub strength: Strength,
    pub cadence: String,
    pub balance: String,
    pub roles: String,
    /// The person's relationship roles, for the roles form's checkboxes.
    pub role_list: Vec<&'static str>,
    pub snoozed_until: String,
    pub closeness: String,
    /// People they know (entered by hand), with the note.
    pub knows: Vec<(kith_core::interaction::Participant, String)>,
    /// Open reminders about them.
    pub reminders: Vec<kith_core::nurture::Reminder>,
    pub timeline: Vec<TimelineItem>,
    pub events: Vec<(EventSummary, bool)>,
    pub communities: Vec<CommunitySummary>,
    pub opportunities: Vec<Opportunity>,
    pub collaborations: Vec<kith_core::pipeline::Collaboration>,
    pub now: DateTime<Utc>,
    /// A quick form (log, note, cadence, ledger) that came back with errors.
    pub form: FormState,
}

#[derive(Template)]
#[template(path = "organizations.html")]
pub struct OrganizationsPage {
    pub nav: Nav,
    pub orgs: Vec<OrganizationSummary>,
    pub form: FormState,
}

#[derive(Template)]
#[template(path = "organization.html")]
pub struct OrganizationPage {
    pub nav: Nav,
    pub o: Organization,
    pub form: FormState,
}

#[derive(Template)]
#[template(path = "events.html")]
pub struct EventsPage {
    pub nav: Nav,
    pub events: Vec<EventSummary>,
    pub form: FormState,
}

#[derive(Template)]
#[template(path = "event.html")]
pub struct EventPage {
    pub nav: Nav,
    pub e: Event,
    pub open: Vec<String>,
    pub form: FormState,
}

#[derive(Template)]
#[template(path = "communities.html")]
pub struct CommunitiesPage {
    pub nav: Nav,
    pub communities: Vec<CommunitySummary>,
    pub form: FormState,
}

#[derive(Template)]
#[template(path = "collaborations.html")]
pub struct CollaborationsPage {
    pub nav: Nav,
    pub collaborations: Vec<kith_core::pipeline::Collaboration>,
    pub statuses: Vec<&'static str>,
    pub form: crate::collaborations::CollaborationForm,
    pub errors: FormErrors,
}

#[derive(Template)]
#[template(path = "collaboration.html")]
pub struct CollaborationPage {
    pub nav: Nav,
    pub c: kith_core::pipeline::Collaboration,
    pub statuses: Vec<&'static str>,
    pub form: crate::collaborations::CollaborationForm,
    pub errors: FormErrors,
}

#[derive(Template)]
#[template(path = "community.html")]
pub struct CommunityPage {
    pub nav: Nav,
    pub c: Community,
    /// The default date of a new contribution.
    pub today: String,
    pub form: FormState,
}

#[derive(Template)]
#[template(path = "goals.html")]
pub struct GoalsPage {
    pub nav: Nav,
    pub goals: Vec<GoalProgress>,
    pub review: std::sync::Arc<ReviewSummary>,
    pub form: FormState,
}

/// A week or month in review as the Goals and Review pages show it. The app keeps this rather
/// than the [`Review`]: a week in which 100k people were imported would keep every one of them,
/// so each list holds its first [`REVIEW_LIST`] records and its total.
#[derive(Clone, Debug)]
pub struct ReviewSummary {
    pub period: kith_core::goal::Period,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub new_people: Capped<kith_core::goal::NewPerson>,
    pub interactions: i64,
    pub interactions_by_kind: Vec<(kith_core::InteractionKind, i64)>,
    pub events: Capped<kith_core::network::EventSummary>,
    pub contributions: Capped<kith_core::network::Contribution>,
    pub went_stale: Capped<kith_core::goal::WentStale>,
    pub goals: Vec<GoalProgress>,
    pub follow_ups: Capped<kith_core::network::FollowUp>,
}

/// How many records of each list a review keeps.
pub const REVIEW_LIST: usize = 100;

/// The first records of a list and how many there were.
#[derive(Clone, Debug)]
pub struct Capped<T> {
    pub items: Vec<T>,
    pub total: usize,
}

impl<T> Capped<T> {
    fn of(mut items: Vec<T>) -> Self {
        let total = items.len();
        items.truncate(REVIEW_LIST);
        Capped { items, total }
    }

    /// How many were left out.
    pub fn more(&self) -> usize {
        self.total - self.items.len()
    }
}

impl From<Review> for ReviewSummary {
    fn from(r: Review) -> Self {
        Self {
            period: r.period,
            start: r.start,
            end: r.end,
            new_people: Capped::of(r.new_people),
            interactions: r.interactions,
            interactions_by_kind: r.interactions_by_kind,
            events: Capped::of(r.events),
            contributions: Capped::of(r.contributions),
            went_stale: Capped::of(r.went_stale),
            goals: r.goals,
            follow_ups: Capped::of(r.follow_ups),
        }
    }
}

#[derive(Template)]
#[template(path = "interactions.html")]
pub struct InteractionsPage {
    pub nav: Nav,
    pub items: Vec<kith_core::Interaction>,
    pub total: u64,
    pub page: u64,
    pub pages: u64,
    pub now: DateTime<Utc>,
}

#[derive(Template)]
#[template(path = "ties.html")]
pub struct TiesPage {
    pub nav: Nav,
    pub contact: kith_core::Contact,
    /// The strongest ties (at most 200).
    pub ties: Vec<kith_core::leverage::Tie>,
    pub total: usize,
}

#[derive(Template)]
#[template(path = "review.html")]
pub struct ReviewPage {
    pub nav: Nav,
    pub review: std::sync::Arc<ReviewSummary>,
    pub today: NaiveDate,
}

/// One column of the opportunity board.
#[derive(Clone, Debug)]
pub struct Column {
    pub stage: String,
    pub cards: Vec<Opportunity>,
}

#[derive(Template)]
#[template(path = "opportunities.html")]
pub struct OpportunitiesPage {
    pub nav: Nav,
    pub columns: Vec<Column>,
    pub stages: Vec<String>,
    pub form: FormState,
}

#[derive(Template)]
#[template(path = "paths.html")]
pub struct PathsPage {
    pub nav: Nav,
    pub to: String,
    pub org: String,
    pub report: Option<PathReport>,
    pub message: String,
}

#[derive(Template)]
#[template(path = "insights.html")]
pub struct InsightsPage {
    pub nav: Nav,
    pub i: std::sync::Arc<Insights>,
    pub growth_svg: String,
    pub strength_svg: String,
    pub layers_svg: String,
    /// One chart per diversity dimension (organizations, industries, locations, met via).
    pub diversity_svgs: Vec<(&'static str, String)>,
    pub spreads: Vec<(&'static str, kith_core::insights::Spread)>,
    pub rankings: Vec<(&'static str, Vec<kith_core::insights::Ranked>)>,
}

#[derive(Template)]
#[template(path = "trash.html")]
pub struct TrashPage {
    pub nav: Nav,
    pub entries: Vec<TrashEntry>,
    /// The "empty the trash" form, when it came back unconfirmed.
    pub form: FormState,
}

#[derive(Template)]
#[template(path = "import.html")]
pub struct ImportPage {
    pub nav: Nav,
    pub message: String,
    pub max_mb: usize,
}

impl ImportPage {
    /// The formats the upload form offers.
    pub fn formats(&self) -> &'static [(&'static str, &'static str)] {
        &crate::transfer::FORMATS
    }
}

#[derive(Template)]
#[template(path = "import_preview.html")]
pub struct ImportPreviewPage {
    pub nav: Nav,
    pub file_name: String,
    pub format: &'static str,
    pub token: String,
    /// The import ran (this is the result, not the preview).
    pub done: bool,
    /// Problems stop the import unless invalid records are skipped.
    pub blocked: bool,
    pub problems: Vec<String>,
    pub report: kith_store::import::ImportReport,
}

#[derive(Template)]
#[template(path = "duplicates.html")]
pub struct DuplicatesPage {
    pub nav: Nav,
    pub pairs: Vec<kith_core::duplicates::DuplicatePair>,
    pub message: String,
}

#[derive(Template)]
#[template(path = "settings.html")]
pub struct SettingsPage {
    pub nav: Nav,
    pub own_emails: String,
    pub half_life: f64,
    pub follow_up: u32,
    pub stages: String,
    pub cadences: Vec<kith_store::TagCadence>,
    pub message: String,
    /// Devices syncing contacts (CardDAV) and calendar feed links, newest first.
    pub app_passwords: Vec<kith_store::ApiToken>,
    pub feed_links: Vec<kith_store::ApiToken>,
    /// A secret just created, shown this once, with how to use it.
    pub secret: Option<ShownSecret>,
    /// A settings form that came back with errors.
    pub form: FormState,
}

/// A new app password or feed link, shown once.
pub struct ShownSecret {
    pub what: String,
    pub value: String,
    pub how: Vec<String>,
}

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub nav: Nav,
    pub next: String,
    pub error: String,
}

/// Everything a timeline line needs from an interaction.
pub fn interaction_item(i: &Interaction, me: kith_core::ContactId) -> TimelineItem {
    let others: Vec<&str> = i
        .participants
        .iter()
        .filter(|p| p.contact_id != me)
        .map(|p| p.display_name.as_str())
        .collect();
    TimelineItem {
        on: i.occurred_at.date_naive().to_string(),
        kind: i.kind.to_string(),
        text: i.summary.clone(),
        with: if others.is_empty() { String::new() } else { format!("with {}", others.join(", ")) },
        href: String::new(),
        delete: format!("/interactions/{}/delete", i.id),
    }
}
