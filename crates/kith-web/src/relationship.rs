//! A person's relationship settings on their page: roles, snooze, closeness, who they know,
//! reminders about them. Each form posts here and returns to the person page; bad input comes
//! back next to its field (see [`FormState`]).

use crate::AppState;
use crate::auth::CsrfToken;
use crate::pages::{
    PageResult, form_errors, lookup_error, nav, parse_id, person_failed, render, see_other,
};
use crate::views::{FormState, TiesPage};
use axum::extract::{Form, Path, State};
use axum::routing::{get, post};
use axum::{Extension, Router};
use kith_core::leverage::{ConnectionInput, RelationshipRole};
use kith_core::nurture::ReminderInput;
use kith_core::{ContactId, validate};
use kith_store::StoreError;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/people/{id}/roles", post(set_roles))
        .route("/people/{id}/snooze", post(snooze))
        .route("/people/{id}/closeness", post(closeness))
        .route("/people/{id}/knows", post(knows))
        .route("/people/{id}/knows/{other}/delete", post(forget))
        .route("/people/{id}/ties", get(ties))
        .route("/people/{id}/reminders", post(add_reminder))
        .route("/reminders", post(add_general_reminder))
        .route("/reminders/{id}/done", post(reminder_done))
}

/// Runs a person-page form: on success back to the page, on bad input the page again with the
/// form's errors and what was typed.
async fn finish<const N: usize>(
    app: &AppState,
    csrf: &CsrfToken,
    id: ContactId,
    result: Result<(), StoreError>,
    form: &'static str,
    typed: [(&'static str, String); N],
) -> PageResult {
    match result {
        Ok(()) => see_other(&format!("/people/{id}")),
        Err(e) => {
            person_failed(app, csrf, id, FormState::failed(form, form_errors(e)?, typed)).await
        }
    }
}

/// The checked roles replace the person's roles (a form lists every role as a checkbox).
async fn set_roles(
    State(app): State<AppState>,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    let id = ContactId(parse_id("person", &id)?);
    let mut chosen = Vec::new();
    for (k, v) in &fields {
        if k == "role" {
            let role = RelationshipRole::parse(v).ok_or_else(|| {
                StoreError::Invalid(kith_core::ValidationError::one(
                    "role",
                    Some(v),
                    &format!("one of {}", RelationshipRole::expected()),
                ))
            })?;
            chosen.push(role);
        }
    }
    let unchosen: Vec<RelationshipRole> =
        RelationshipRole::ALL.iter().copied().filter(|r| !chosen.contains(r)).collect();
    app.store.set_roles(id, &chosen, &unchosen).await?;
    see_other(&format!("/people/{id}"))
}

#[derive(Deserialize)]
struct SnoozeForm {
    #[serde(default)]
    until: String,
}

/// Keeps the person off the due list until a date; an empty date ends the snooze.
async fn snooze(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<String>,
    Form(f): Form<SnoozeForm>,
) -> PageResult {
    let id = ContactId(parse_id("person", &id)?);
    let result = async {
        let until = match f.until.trim() {
            "" => None,
            d => Some(validate::date("until", d)?),
        };
        app.store.snooze(id, until, (app.clock)()).await
    }
    .await;
    finish(&app, &csrf, id, result, "snooze", [("until", f.until)]).await
}

#[derive(Deserialize)]
struct ClosenessForm {
    #[serde(default)]
    closeness: String,
}

/// Sets how close the user feels to the person (0–1); empty goes back to the computed strength.
async fn closeness(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<String>,
    Form(f): Form<ClosenessForm>,
) -> PageResult {
    let id = ContactId(parse_id("person", &id)?);
    let result = async {
        let value = match f.closeness.trim() {
            "" => None,
            v => Some(v.parse::<f64>().ok().filter(|v| v.is_finite()).ok_or_else(|| {
                StoreError::Invalid(kith_core::ValidationError::one(
                    "closeness",
                    Some(v),
                    "a number from 0 to 1",
                ))
            })?),
        };
        app.store.set_closeness(id, value, (app.clock)()).await
    }
    .await;
    finish(&app, &csrf, id, result, "closeness", [("closeness", f.closeness)]).await
}

#[derive(Deserialize)]
struct KnowsForm {
    #[serde(default)]
    contact: String,
    #[serde(default)]
    note: String,
}

/// Records that the person knows someone else in Kith (an edge for intro paths).
async fn knows(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<String>,
    Form(f): Form<KnowsForm>,
) -> PageResult {
    let id = ContactId(parse_id("person", &id)?);
    let now = (app.clock)();
    let result = async {
        let other = kith_store::resolve_contact(&*app.store, f.contact.trim())
            .await
            .map_err(|e| lookup_error("contact", e))?;
        let input =
            ConnectionInput { a: id, b: other, strength: None, since: None, note: f.note.clone() };
        app.store.connect(&input, now).await.map(|_| ())
    }
    .await;
    finish(&app, &csrf, id, result, "knows", [("contact", f.contact), ("note", f.note)]).await
}

/// Moves a "knows" connection to the trash.
async fn forget(
    State(app): State<AppState>,
    Path((id, other)): Path<(String, String)>,
) -> PageResult {
    let id = ContactId(parse_id("person", &id)?);
    let other = ContactId(parse_id("person", &other)?);
    app.store.trash_connection(id, other, (app.clock)()).await?;
    see_other(&format!("/people/{id}"))
}

#[derive(Deserialize)]
struct ReminderForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    due: String,
    #[serde(default)]
    yearly: Option<String>,
}

/// A reminder about the person (one-off, or every year on that date).
async fn add_reminder(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<String>,
    Form(f): Form<ReminderForm>,
) -> PageResult {
    let id = ContactId(parse_id("person", &id)?);
    let result = async {
        let due = validate::date("on", &f.due)?;
        let input = ReminderInput {
            contact: Some(id),
            title: f.title.clone(),
            due,
            yearly: f.yearly.is_some(),
        };
        app.store.add_reminder(&input, (app.clock)()).await.map(|_| ())
    }
    .await;
    let yearly = if f.yearly.is_some() { "1" } else { "" }.to_string();
    let typed = [("title", f.title), ("due", f.due), ("yearly", yearly)];
    finish(&app, &csrf, id, result, "reminder", typed).await
}

/// A reminder from Today, about someone (by name) or nobody.
#[derive(Deserialize)]
struct GeneralReminderForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    due: String,
    #[serde(default)]
    yearly: Option<String>,
    #[serde(default)]
    about: String,
}

async fn add_general_reminder(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Form(f): Form<GeneralReminderForm>,
) -> PageResult {
    let result = async {
        let contact = match f.about.trim() {
            "" => None,
            who => Some(
                kith_store::resolve_contact(&*app.store, who)
                    .await
                    .map_err(|e| lookup_error("about", e))?,
            ),
        };
        let due = validate::date("on", &f.due)?;
        let input =
            ReminderInput { contact, title: f.title.clone(), due, yearly: f.yearly.is_some() };
        app.store.add_reminder(&input, (app.clock)()).await.map(|_| ())
    }
    .await;
    match result {
        Ok(()) => see_other("/"),
        Err(e) => {
            let yearly = if f.yearly.is_some() { "1" } else { "" }.to_string();
            let form = FormState::failed(
                "reminder",
                form_errors(e)?,
                [("title", f.title), ("due", f.due), ("yearly", yearly), ("about", f.about)],
            );
            let page = crate::pages::today_view(&app, &csrf, form).await?;
            crate::pages::render_status(axum::http::StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

#[derive(Deserialize)]
struct DoneForm {
    #[serde(default)]
    back: String,
}

/// Marks a reminder done (a yearly one moves to next year) and returns to the page it was on.
async fn reminder_done(
    State(app): State<AppState>,
    Path(id): Path<String>,
    Form(f): Form<DoneForm>,
) -> PageResult {
    let id = kith_core::ReminderId(parse_id("reminder", &id)?);
    app.store.complete_reminder(id, (app.clock)()).await?;
    see_other(&crate::pages::back_to(&f.back, "/".into()))
}

/// Everyone Kith thinks a person knows, strongest first, with the evidence (`kith ties`): the
/// ties recorded by hand and those inferred from meetings together, events and workplaces.
async fn ties(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<String>,
) -> PageResult {
    let id = ContactId(parse_id("contact", &id)?);
    let contact = app.store.get_contact(id).await?;
    let mut ties = app.store.ties_of(id, (app.clock)()).await?;
    let total = ties.len();
    ties.truncate(TIES_SHOWN);
    render(&TiesPage { nav: nav(&app, &csrf, "people"), contact, ties, total })
}

/// How many ties the page lists (the strongest).
const TIES_SHOWN: usize = 200;
