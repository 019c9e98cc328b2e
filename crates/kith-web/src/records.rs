//! Changing and deleting records from the pages that show them: organizations (add, edit),
//! an ask answered or a favour done, an opportunity's next step and people, and deleting
//! events, organizations, goals, opportunities, interactions and ledger records to the trash.

use crate::AppState;
use crate::auth::CsrfToken;
use crate::error::PageError;
use crate::pages::{
    CommunityForm, PageResult, back_to, form_errors, lookup_error, nav, opportunities_view,
    parse_id, render, render_status, see_other,
};
use crate::views::{FormState, OrganizationPage, OrganizationsPage};
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Extension, Router};
use kith_core::ledger::LedgerStatus;
use kith_core::pipeline::{OpportunityDetails, OpportunityKind, OpportunityRole};
use kith_core::{
    EventId, GoalId, InteractionId, LedgerEntryId, OpportunityId, OrganizationId,
    OrganizationInput, validate,
};
use kith_store::{OrganizationQuery, StoreError};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/organizations", post(create_organization))
        .route("/organizations/{id}/edit", post(update_organization))
        .route("/organizations/{id}/delete", post(delete_organization))
        .route("/events/{id}/delete", post(delete_event))
        .route("/events/{id}/attendees/{contact}/delete", post(unattend))
        .route("/communities/{id}/edit", post(update_community))
        .route("/communities/{id}/delete", post(delete_community))
        .route("/communities/{id}/members/{contact}/delete", post(leave))
        .route("/contributions/{id}/delete", post(delete_contribution))
        .route("/goals/{id}/delete", post(delete_goal))
        .route("/opportunities/{id}/delete", post(delete_opportunity))
        .route("/opportunities/{id}/edit", post(update_opportunity))
        .route("/opportunities/{id}/next", post(set_next_step))
        .route("/opportunities/{id}/people", post(link_person))
        .route("/interactions/{id}/delete", post(delete_interaction))
        .route("/ledger/{id}/status", post(set_ledger_status))
        .route("/ledger/{id}/delete", post(delete_ledger_entry))
}

/// Where a form came from (a local path), for going back after a change.
#[derive(Deserialize)]
struct BackForm {
    #[serde(default)]
    back: String,
}

pub(crate) async fn organizations_view(
    app: &AppState,
    csrf: &CsrfToken,
    form: FormState,
) -> Result<OrganizationsPage, PageError> {
    let orgs = app
        .list_organizations(&OrganizationQuery { limit: Some(500), offset: 0 })
        .await?
        .items
        .clone();
    Ok(OrganizationsPage { nav: nav(app, csrf, "organizations"), orgs, form })
}

pub(crate) async fn organization_view(
    app: &AppState,
    csrf: &CsrfToken,
    id: OrganizationId,
    form: FormState,
) -> Result<OrganizationPage, PageError> {
    let o = app.store.get_organization(id).await?;
    Ok(OrganizationPage { nav: nav(app, csrf, "organizations"), o, form })
}

#[derive(Deserialize)]
struct OrganizationForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    domain: String,
    #[serde(default)]
    industry: String,
    #[serde(default)]
    location: String,
}

impl OrganizationForm {
    /// Fills an input's fields from the form (empty fields clear them).
    fn apply(&self, input: &mut OrganizationInput) {
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        input.name = self.name.clone();
        input.domain = opt(&self.domain);
        input.industry = opt(&self.industry);
        input.location = opt(&self.location);
    }

    fn typed(self) -> [(&'static str, String); 4] {
        [
            ("name", self.name),
            ("domain", self.domain),
            ("industry", self.industry),
            ("location", self.location),
        ]
    }
}

async fn create_organization(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Form(f): Form<OrganizationForm>,
) -> PageResult {
    let mut input = OrganizationInput::default();
    f.apply(&mut input);
    match app.store.create_organization(&input, (app.clock)()).await {
        Ok(o) => see_other(&format!("/organizations/{}", o.id)),
        Err(e) => {
            let form = FormState::failed("organization", form_errors(e)?, f.typed());
            let page = organizations_view(&app, &csrf, form).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

async fn update_organization(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<String>,
    Form(f): Form<OrganizationForm>,
) -> PageResult {
    let id = OrganizationId(parse_id("organization", &id)?);
    let mut input = app.store.get_organization(id).await?.to_input();
    f.apply(&mut input);
    match app.store.update_organization(id, &input, (app.clock)()).await {
        Ok(_) => see_other(&format!("/organizations/{id}")),
        Err(e) => {
            let form = FormState::failed("organization", form_errors(e)?, f.typed());
            let page = organization_view(&app, &csrf, id, form).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

async fn delete_organization(State(app): State<AppState>, Path(id): Path<String>) -> PageResult {
    let id = OrganizationId(parse_id("organization", &id)?);
    app.store.trash_organization(id, (app.clock)()).await?;
    see_other("/trash")
}

async fn delete_event(State(app): State<AppState>, Path(id): Path<String>) -> PageResult {
    let id = EventId(parse_id("event", &id)?);
    app.store.trash_event(id, (app.clock)()).await?;
    see_other("/trash")
}

/// Takes someone off an event's list of people there.
async fn unattend(
    State(app): State<AppState>,
    Path((id, contact)): Path<(String, String)>,
) -> PageResult {
    let id = EventId(parse_id("event", &id)?);
    let contact = kith_core::ContactId(parse_id("person", &contact)?);
    app.store.remove_attendance(id, &[contact]).await?;
    see_other(&format!("/events/{id}"))
}

/// Changes a community's name, kind and link; the rest is kept.
async fn update_community(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<String>,
    Form(f): Form<CommunityForm>,
) -> PageResult {
    let id = kith_core::CommunityId(parse_id("community", &id)?);
    let c = app.store.get_community(id).await?;
    let input = kith_core::network::CommunityInput {
        name: f.name.clone(),
        kind: kith_core::network::CommunityKind::parse_loose(&f.kind),
        url: Some(f.url.trim().to_string()).filter(|u| !u.is_empty()),
        my_role: Some(c.my_role),
        since: c.since,
        renews_on: c.renews_on,
        notes: c.notes,
    };
    match app.store.update_community(id, &input, (app.clock)()).await {
        Ok(_) => see_other(&format!("/communities/{id}")),
        Err(e) => {
            let typed = [("name", f.name), ("kind", f.kind), ("url", f.url)];
            let form = FormState::failed("community", form_errors(e)?, typed);
            let page = crate::pages::community_view(&app, &csrf, id, form).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

async fn delete_community(State(app): State<AppState>, Path(id): Path<String>) -> PageResult {
    let id = kith_core::CommunityId(parse_id("community", &id)?);
    app.store.trash_community(id, (app.clock)()).await?;
    see_other("/trash")
}

/// Takes someone off the people known through a community.
async fn leave(
    State(app): State<AppState>,
    Path((id, contact)): Path<(String, String)>,
) -> PageResult {
    let id = kith_core::CommunityId(parse_id("community", &id)?);
    let contact = kith_core::ContactId(parse_id("person", &contact)?);
    app.store.set_members(id, &[contact], false).await?;
    see_other(&format!("/communities/{id}"))
}

async fn delete_contribution(
    State(app): State<AppState>,
    Path(id): Path<String>,
    Form(f): Form<BackForm>,
) -> PageResult {
    let id = kith_core::ContributionId(parse_id("contribution", &id)?);
    app.store.trash_contribution(id, (app.clock)()).await?;
    see_other(&back_to(&f.back, "/trash".into()))
}

async fn delete_goal(State(app): State<AppState>, Path(id): Path<String>) -> PageResult {
    let id = GoalId(parse_id("goal", &id)?);
    app.store.trash_goal(id, (app.clock)()).await?;
    see_other("/goals")
}

async fn delete_opportunity(State(app): State<AppState>, Path(id): Path<String>) -> PageResult {
    let id = OpportunityId(parse_id("opportunity", &id)?);
    app.store.trash_opportunity(id, (app.clock)()).await?;
    see_other("/opportunities")
}

async fn delete_interaction(
    State(app): State<AppState>,
    Path(id): Path<String>,
    Form(f): Form<BackForm>,
) -> PageResult {
    let id = InteractionId(parse_id("interaction", &id)?);
    app.store.trash_interaction(id, (app.clock)()).await?;
    see_other(&back_to(&f.back, "/trash".into()))
}

async fn delete_ledger_entry(
    State(app): State<AppState>,
    Path(id): Path<String>,
    Form(f): Form<BackForm>,
) -> PageResult {
    let id = LedgerEntryId(parse_id("ledger record", &id)?);
    app.store.trash_ledger_entry(id, (app.clock)()).await?;
    see_other(&back_to(&f.back, "/trash".into()))
}

#[derive(Deserialize)]
struct StatusForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    back: String,
}

/// An ask answered or declined, a favour offered now done.
async fn set_ledger_status(
    State(app): State<AppState>,
    Path(id): Path<String>,
    Form(f): Form<StatusForm>,
) -> PageResult {
    let id = LedgerEntryId(parse_id("ledger record", &id)?);
    let status = LedgerStatus::parse(&f.status).ok_or_else(|| {
        StoreError::Invalid(kith_core::ValidationError::one(
            "status",
            Some(&f.status),
            &format!("one of {}", LedgerStatus::expected()),
        ))
    })?;
    app.store.set_ledger_status(id, status, (app.clock)()).await?;
    see_other(&back_to(&f.back, "/".into()))
}

#[derive(Deserialize)]
struct NextStepForm {
    #[serde(default)]
    next: String,
    #[serde(default)]
    due: String,
}

#[derive(Deserialize)]
struct OpportunityEditForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    org: String,
    #[serde(default)]
    notes: String,
}

/// Changes an opportunity's title, kind, organization (created if new; empty takes it off)
/// and notes.
async fn update_opportunity(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<String>,
    Form(f): Form<OpportunityEditForm>,
) -> PageResult {
    let id = OpportunityId(parse_id("opportunity", &id)?);
    let before = app.store.get_opportunity(id).await?;
    let now = (app.clock)();
    let result = async {
        let kind = OpportunityKind::parse(f.kind.trim()).ok_or_else(|| {
            StoreError::Invalid(kith_core::ValidationError::one(
                "kind",
                Some(f.kind.trim()),
                &format!("one of {}", OpportunityKind::expected()),
            ))
        })?;
        let mut details = OpportunityDetails {
            title: f.title.clone(),
            kind,
            organization: None,
            notes: f.notes.clone(),
        };
        // Check everything before creating an organization, so bad input changes nothing.
        details.normalized()?;
        details.organization = match f.org.trim() {
            "" => None,
            // The field still shows the current one: keep it, without looking the name up.
            org if before.organization.as_ref().is_some_and(|(_, name)| name == org) => {
                before.organization.as_ref().map(|(id, _)| *id)
            }
            org => Some(
                kith_store::organization_or_new(&*app.store, org, now)
                    .await
                    .map_err(|e| lookup_error("name", e))?,
            ),
        };
        app.store.update_opportunity(before.id, &details, now).await
    }
    .await;
    match result {
        Ok(_) => see_other(&format!("/opportunities#o-{id}")),
        Err(e) => {
            let form = FormState::failed(
                format!("edit-{id}"),
                form_errors(e)?,
                [("title", f.title), ("kind", f.kind), ("org", f.org), ("notes", f.notes)],
            );
            board_failed(&app, &csrf, form).await
        }
    }
}

/// Sets an opportunity's next step (empty clears it) and its optional due date.
async fn set_next_step(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<String>,
    Form(f): Form<NextStepForm>,
) -> PageResult {
    let id = OpportunityId(parse_id("opportunity", &id)?);
    app.store.get_opportunity(id).await?;
    let result = async {
        let step = match f.next.trim() {
            "" => None,
            next => {
                let due = match f.due.trim() {
                    "" => None,
                    d => Some(validate::date("due", d)?),
                };
                Some((next.to_string(), due))
            }
        };
        app.store.set_next_step(id, step, (app.clock)()).await
    }
    .await;
    match result {
        Ok(_) => see_other(&format!("/opportunities#o-{id}")),
        Err(e) => {
            let errors = form_errors(e)?;
            let form =
                FormState::failed(format!("next-{id}"), errors, [("next", f.next), ("due", f.due)]);
            board_failed(&app, &csrf, form).await
        }
    }
}

#[derive(Deserialize)]
struct LinkForm {
    #[serde(default)]
    contact: String,
    #[serde(default)]
    role: String,
}

/// Adds a person to an opportunity (referrer, hiring manager ...).
async fn link_person(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<String>,
    Form(f): Form<LinkForm>,
) -> PageResult {
    let id = OpportunityId(parse_id("opportunity", &id)?);
    app.store.get_opportunity(id).await?;
    let result = async {
        let who = kith_store::resolve_contact(&*app.store, f.contact.trim())
            .await
            .map_err(|e| lookup_error("contact", e))?;
        let role = match f.role.trim() {
            "" => OpportunityRole::Contact,
            r => OpportunityRole::parse(r).ok_or_else(|| {
                StoreError::Invalid(kith_core::ValidationError::one(
                    "role",
                    Some(r),
                    &format!("one of {}", OpportunityRole::expected()),
                ))
            })?,
        };
        app.store.link_opportunity(id, &[(who, role)]).await
    }
    .await;
    match result {
        Ok(_) => see_other(&format!("/opportunities#o-{id}")),
        Err(e) => {
            let form = FormState::failed(
                format!("people-{id}"),
                form_errors(e)?,
                [("contact", f.contact), ("role", f.role)],
            );
            board_failed(&app, &csrf, form).await
        }
    }
}

/// The board again with a card's form that failed (open, with its errors and what was typed).
async fn board_failed(app: &AppState, csrf: &CsrfToken, form: FormState) -> PageResult {
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &opportunities_view(app, csrf, form).await?)
}

/// The organizations page (shown by `pages`); here so its form's view lives with its handler.
pub(crate) async fn organizations_page(app: &AppState, csrf: &CsrfToken) -> PageResult {
    render(&organizations_view(app, csrf, FormState::default()).await?)
}
