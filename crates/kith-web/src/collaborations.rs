//! The Collaborations pages: projects and initiatives with colleagues (`kith collab`).

use crate::error::PageError;
use crate::pages::{PageResult, form_errors, nav, parse_id, render, render_status, see_other};
use crate::views::{CollaborationPage, CollaborationsPage, FormErrors};
use crate::{AppState, auth::CsrfToken};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Extension, Form, Router};
use kith_core::pipeline::{CollaborationInput, CollaborationStatus};
use kith_core::{CollaborationId, FieldError, ValidationError, validate};
use kith_store::StoreError;
use serde::Deserialize;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/collaborations", get(list).post(create))
        .route("/collaborations/{id}", get(show).post(update))
        .route("/collaborations/{id}/people", post(add_person))
        .route("/collaborations/{id}/delete", post(delete))
}

async fn list_view(
    app: &AppState,
    csrf: &CsrfToken,
    form: CollaborationForm,
    errors: FormErrors,
) -> Result<CollaborationsPage, PageError> {
    Ok(CollaborationsPage {
        nav: nav(app, csrf, "collaborations"),
        collaborations: app.store.list_collaborations(None).await?,
        statuses: CollaborationStatus::ALL.iter().map(|s| s.as_str()).collect(),
        form,
        errors,
    })
}

async fn list(State(app): State<AppState>, Extension(csrf): Extension<CsrfToken>) -> PageResult {
    render(&list_view(&app, &csrf, CollaborationForm::default(), FormErrors::default()).await?)
}

/// The fields of a collaboration as typed (kept on errors).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct CollaborationForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub start: String,
    #[serde(default)]
    pub end: String,
    #[serde(default)]
    pub outcome: String,
}

impl CollaborationForm {
    /// The input, or every field that is wrong.
    fn input(&self) -> Result<CollaborationInput, StoreError> {
        let mut errors: Vec<FieldError> = Vec::new();
        let status = match self.status.trim() {
            "" => None,
            s => match CollaborationStatus::parse(s) {
                Some(s) => Some(s),
                None => {
                    errors.extend(
                        ValidationError::one(
                            "status",
                            Some(s),
                            &format!("one of {}", CollaborationStatus::expected()),
                        )
                        .errors,
                    );
                    None
                }
            },
        };
        let mut date = |field: &str, raw: &str| match raw.trim() {
            "" => None,
            d => validate::date(field, d).map_err(|e| errors.extend(e.errors)).ok(),
        };
        let started_on = date("start", &self.start);
        let ended_on = date("end", &self.end);
        if !errors.is_empty() {
            return Err(StoreError::Invalid(ValidationError { errors }));
        }
        Ok(CollaborationInput {
            title: self.title.clone(),
            description: self.description.clone(),
            status,
            started_on,
            ended_on,
            outcome: self.outcome.clone(),
        })
    }
}

async fn create(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Form(f): Form<CollaborationForm>,
) -> PageResult {
    let saved = match f.input() {
        Ok(input) => app.store.create_collaboration(&input, (app.clock)()).await,
        Err(e) => Err(e),
    };
    match saved {
        Ok(c) => see_other(&format!("/collaborations/{}", c.id)),
        Err(e) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &list_view(&app, &csrf, f, form_errors(e)?).await?,
        ),
    }
}

async fn show_view(
    app: &AppState,
    csrf: &CsrfToken,
    id: CollaborationId,
    form: Option<CollaborationForm>,
    errors: FormErrors,
) -> Result<CollaborationPage, PageError> {
    let c = app.store.get_collaboration(id).await?;
    let form = form.unwrap_or_else(|| CollaborationForm {
        title: c.title.clone(),
        description: c.description.clone(),
        status: c.status.as_str().to_string(),
        start: c.started_on.map(|d| d.to_string()).unwrap_or_default(),
        end: c.ended_on.map(|d| d.to_string()).unwrap_or_default(),
        outcome: c.outcome.clone(),
    });
    Ok(CollaborationPage {
        nav: nav(app, csrf, "collaborations"),
        c,
        statuses: CollaborationStatus::ALL.iter().map(|s| s.as_str()).collect(),
        form,
        errors,
    })
}

async fn show(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<String>,
) -> PageResult {
    let id = CollaborationId(parse_id("collaboration", &id)?);
    render(&show_view(&app, &csrf, id, None, FormErrors::default()).await?)
}

async fn update(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<String>,
    Form(f): Form<CollaborationForm>,
) -> PageResult {
    let id = CollaborationId(parse_id("collaboration", &id)?);
    let saved = match f.input() {
        Ok(input) => app.store.update_collaboration(id, &input, (app.clock)()).await,
        Err(e) => Err(e),
    };
    match saved {
        Ok(c) => see_other(&format!("/collaborations/{}", c.id)),
        Err(e) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &show_view(&app, &csrf, id, Some(f), form_errors(e)?).await?,
        ),
    }
}

#[derive(Deserialize)]
struct PersonForm {
    #[serde(default)]
    person: String,
    #[serde(default)]
    role: String,
}

async fn add_person(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<String>,
    Form(f): Form<PersonForm>,
) -> PageResult {
    let id = CollaborationId(parse_id("collaboration", &id)?);
    let added = match kith_store::resolve_contact(&*app.store, f.person.trim()).await {
        Ok(who) => app.store.add_participants(id, &[(who, f.role.trim().to_string())]).await,
        Err(e @ (StoreError::NotFound { .. } | StoreError::Ambiguous { .. })) => Err(
            StoreError::Invalid(ValidationError::one("person", Some(&f.person), &e.to_string())),
        ),
        Err(e) => Err(e),
    };
    match added {
        Ok(_) => see_other(&format!("/collaborations/{id}")),
        Err(e) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &show_view(&app, &csrf, id, None, form_errors(e)?).await?,
        ),
    }
}

/// Moves the collaboration to the trash (restorable from the Trash page).
async fn delete(State(app): State<AppState>, Path(id): Path<String>) -> PageResult {
    let id = CollaborationId(parse_id("collaboration", &id)?);
    app.store.trash_collaboration(id, (app.clock)()).await?;
    see_other("/collaborations")
}
