//! The JSON API under `/api/v1`, and its OpenAPI 3.1 document at `/api/openapi.json`
//! (generated from these handlers by utoipa). Errors are RFC 9457 problem+json.

use crate::AppState;
use crate::error::{ApiError, Problem, WebError};
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use kith_core::duplicates::DuplicatePair;
use kith_core::goal::{Goal, GoalInput, GoalProgress};
use kith_core::insights::Insights;
use kith_core::ledger::{LedgerEntry, LedgerInput};
use kith_core::leverage::PathReport;
use kith_core::network::EventInput;
use kith_core::network::{Community, CommunityInput, CommunitySummary, Event, EventSummary};
use kith_core::nurture::DueItem;
use kith_core::pipeline::OpportunityInput;
use kith_core::pipeline::{Collaboration, CollaborationInput, Opportunity};
use kith_core::trash::TrashEntry;
use kith_core::{
    Contact, ContactId, ContactInput, ContactSummary, EventId, Interaction, InteractionInput,
    OpportunityId, Organization, OrganizationId, OrganizationInput, OrganizationSummary, TrashId,
};
use kith_store::import::ImportReport;
use kith_store::{
    ContactQuery, ContactSort, EventQuery, InteractionQuery, MergeRecord, OpportunityQuery,
    OrganizationQuery, Page, SearchHit,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi};

type ApiResult = Result<Response, ApiError>;

/// A JSON body whose problems come back as problem+json.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(ApiError(
                WebError::TooLarge(format!("the JSON body is too large: {}", e.body_text())),
            )),
            Err(e) => Err(ApiError(WebError::BadRequest(rejection_text(&e)))),
        }
    }
}

/// Query parameters whose problems come back as problem+json (`?limit=abc`).
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> axum::extract::FromRequestParts<S>
    for ApiQuery<T>
{
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(v)) => Ok(ApiQuery(v)),
            Err(e) => Err(ApiError(WebError::BadRequest(e.body_text()))),
        }
    }
}

fn rejection_text(e: &JsonRejection) -> String {
    match e {
        JsonRejection::MissingJsonContentType(_) => {
            "expected a JSON body (Content-Type: application/json)".into()
        }
        other => format!("malformed JSON: {}", other.body_text()),
    }
}

fn ok<T: Serialize>(v: &T) -> ApiResult {
    Ok(Json(v).into_response())
}

fn created<T: Serialize>(v: &T) -> ApiResult {
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

fn id_of(kind: &str, raw: &str) -> Result<uuid::Uuid, ApiError> {
    uuid::Uuid::parse_str(raw)
        .map_err(|_| ApiError(WebError::NotFound(format!("no {kind} has the id {raw:?}"))))
}

pub fn routes(max_upload: usize) -> Router<AppState> {
    Router::new()
        .route("/api/openapi.json", get(openapi))
        .route(
            "/api/v1/import",
            post(import_file).layer(axum::extract::DefaultBodyLimit::max(max_upload)),
        )
        .route("/api/v1/duplicates", get(duplicates))
        .route("/api/v1/merges", post(merge))
        .route("/api/v1/merges/undo", post(unmerge))
        .route("/api/v1/contacts", get(list_contacts).post(create_contact))
        .route("/api/v1/contacts/{id}", get(get_contact).put(update_contact).delete(delete_contact))
        .route("/api/v1/contacts/{id}/interactions", get(contact_interactions))
        .route("/api/v1/contacts/{id}/notes", get(list_notes).post(add_note))
        .route("/api/v1/contacts/{id}/cadence", axum::routing::put(set_cadence))
        .route("/api/v1/reminders", get(list_reminders).post(add_reminder))
        .route("/api/v1/reminders/{id}", axum::routing::delete(delete_reminder))
        .route("/api/v1/reminders/{id}/done", post(complete_reminder))
        .route("/api/v1/interactions", get(list_interactions).post(log_interaction))
        .route("/api/v1/interactions/{id}", get(get_interaction).delete(delete_interaction))
        .route("/api/v1/organizations", get(list_organizations).post(create_organization))
        .route(
            "/api/v1/organizations/{id}",
            get(get_organization).put(update_organization).delete(delete_organization),
        )
        .route("/api/v1/events", get(list_events).post(create_event))
        .route("/api/v1/events/{id}", get(get_event).put(update_event).delete(delete_event))
        .route("/api/v1/communities", get(list_communities).post(create_community))
        .route(
            "/api/v1/communities/{id}",
            get(get_community).put(update_community).delete(delete_community),
        )
        .route("/api/v1/opportunities", get(list_opportunities).post(create_opportunity))
        .route("/api/v1/opportunities/{id}", get(get_opportunity).delete(delete_opportunity))
        .route("/api/v1/opportunities/{id}/stage", post(move_opportunity))
        .route("/api/v1/collaborations", get(list_collaborations).post(create_collaboration))
        .route(
            "/api/v1/collaborations/{id}",
            get(get_collaboration).put(update_collaboration).delete(delete_collaboration),
        )
        .route("/api/v1/ledger", get(list_ledger).post(create_ledger_entry))
        .route("/api/v1/ledger/{id}", axum::routing::delete(delete_ledger_entry))
        .route("/api/v1/ledger/{id}/status", post(set_ledger_status))
        .route("/api/v1/goals", get(goals).post(create_goal))
        .route("/api/v1/goals/{id}", axum::routing::delete(delete_goal))
        .route("/api/v1/due", get(due))
        .route("/api/v1/search", get(search))
        .route("/api/v1/paths", get(paths))
        .route("/api/v1/insights", get(insights))
        .route("/api/v1/trash", get(trash))
        .route("/api/v1/trash/{id}/restore", post(restore))
        .fallback(not_found)
}

async fn not_found(req: Request) -> Response {
    if req.uri().path().starts_with("/api/") {
        ApiError(WebError::NotFound(format!(
            "no such endpoint: {} {}",
            req.method(),
            req.uri().path()
        )))
        .into_response()
    } else {
        crate::error::PageError(WebError::NotFound(format!(
            "there is no page at {}",
            req.uri().path()
        )))
        .into_response()
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Kith API",
        description = "Your network: contacts, interactions, organizations, events, opportunities, and what Kith computes from them (due list, intro paths, insights). Authenticate with `Authorization: Bearer TOKEN` (`kith auth token create`) when the server requires sign-in.",
        version = "1"
    ),
    paths(
        list_contacts,
        create_contact,
        get_contact,
        update_contact,
        delete_contact,
        contact_interactions,
        list_notes,
        add_note,
        set_cadence,
        list_reminders,
        add_reminder,
        complete_reminder,
        delete_reminder,
        list_interactions,
        log_interaction,
        get_interaction,
        delete_interaction,
        list_organizations,
        create_organization,
        get_organization,
        update_organization,
        delete_organization,
        list_events,
        create_event,
        get_event,
        update_event,
        delete_event,
        list_communities,
        create_community,
        get_community,
        update_community,
        delete_community,
        list_opportunities,
        create_opportunity,
        get_opportunity,
        delete_opportunity,
        move_opportunity,
        list_collaborations,
        create_collaboration,
        get_collaboration,
        update_collaboration,
        delete_collaboration,
        list_ledger,
        create_ledger_entry,
        set_ledger_status,
        delete_ledger_entry,
        goals,
        create_goal,
        delete_goal,
        due,
        search,
        paths,
        insights,
        trash,
        restore,
        import_file,
        duplicates,
        merge,
        unmerge
    ),
    components(schemas(Problem, NoteInput, CadenceInput, StatusInput))
)]
struct ApiDoc;

/// The OpenAPI document.
pub fn openapi_json() -> String {
    ApiDoc::openapi().to_pretty_json().unwrap_or_else(|_| "{}".into())
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], openapi_json()).into_response()
}

#[derive(Deserialize, IntoParams)]
struct Paging {
    /// At most this many (default 50, at most 1000).
    limit: Option<u64>,
    /// Skip this many first.
    offset: Option<u64>,
}

impl Paging {
    fn limit(&self) -> u64 {
        self.limit.unwrap_or(50).clamp(1, 1000)
    }
}

#[derive(Deserialize, IntoParams)]
struct ContactFilter {
    /// Only contacts with this tag.
    tag: Option<String>,
    /// Only contacts with a role at this organization (id).
    organization: Option<String>,
    /// Only contacts with this relationship role (mentor, client, ...).
    role: Option<String>,
    /// name (default), last, stale, added or strength.
    sort: Option<String>,
    /// Only contacts whose strength is in this band: regular, occasional or sporadic.
    band: Option<String>,
    /// Only contacts on the due list (true).
    overdue: Option<bool>,
}

/// List contacts.
#[utoipa::path(get, path = "/api/v1/contacts", params(Paging, ContactFilter), responses((status = 200, description = "A page of contacts: {items, total}", body = Page<ContactSummary>)))]
async fn list_contacts(
    State(app): State<AppState>,
    ApiQuery(p): ApiQuery<Paging>,
    ApiQuery(f): ApiQuery<ContactFilter>,
) -> ApiResult {
    let sort = match f.sort.as_deref().unwrap_or("name") {
        "name" => ContactSort::Name,
        "last" => ContactSort::LastInteraction,
        "stale" => ContactSort::LeastRecent,
        "added" => ContactSort::Created,
        "strength" => ContactSort::Strength,
        other => {
            return Err(ApiError(WebError::Invalid(kith_core::ValidationError::one(
                "sort",
                Some(other),
                "one of name, last, stale, added, strength",
            ))));
        }
    };
    let organization = match &f.organization {
        Some(o) => Some(OrganizationId(id_of("organization", o)?)),
        None => None,
    };
    let role = match &f.role {
        Some(r) => Some(kith_core::leverage::RelationshipRole::parse(r).ok_or_else(|| {
            ApiError(WebError::Invalid(kith_core::ValidationError::one(
                "role",
                Some(r),
                &format!("one of {}", kith_core::leverage::RelationshipRole::expected()),
            )))
        })?),
        None => None,
    };
    let band = match &f.band {
        Some(b) => Some(kith_core::strength::Band::parse(b).ok_or_else(|| {
            ApiError(WebError::Invalid(kith_core::ValidationError::one(
                "band",
                Some(b),
                "one of regular, occasional, sporadic",
            )))
        })?),
        None => None,
    };
    let q = ContactQuery {
        now: Some((app.clock)()),
        tag: f.tag,
        organization,
        role,
        band,
        overdue: f.overdue.unwrap_or(false),
        sort,
        limit: Some(p.limit()),
        offset: p.offset.unwrap_or(0),
        ids: None,
    };
    ok(&*app.list_contacts(&q).await?)
}

/// Create a contact.
#[utoipa::path(post, path = "/api/v1/contacts", request_body = ContactInput, responses((status = 201, body = Contact), (status = 422, body = Problem)))]
async fn create_contact(
    State(app): State<AppState>,
    ApiJson(input): ApiJson<ContactInput>,
) -> ApiResult {
    created(&app.store.create_contact(&input, (app.clock)()).await?)
}

/// Get a contact.
#[utoipa::path(get, path = "/api/v1/contacts/{id}", params(("id" = String, Path)), responses((status = 200, body = Contact), (status = 404, body = Problem)))]
async fn get_contact(State(app): State<AppState>, Path(id): Path<String>) -> ApiResult {
    ok(&app.store.get_contact(ContactId(id_of("contact", &id)?)).await?)
}

/// Replace a contact's fields.
#[utoipa::path(put, path = "/api/v1/contacts/{id}", params(("id" = String, Path)), request_body = ContactInput, responses((status = 200, body = Contact), (status = 422, body = Problem)))]
async fn update_contact(
    State(app): State<AppState>,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ContactInput>,
) -> ApiResult {
    ok(&app.store.update_contact(ContactId(id_of("contact", &id)?), &input, (app.clock)()).await?)
}

/// Move a contact to the trash.
#[utoipa::path(delete, path = "/api/v1/contacts/{id}", params(("id" = String, Path)), responses((status = 200, description = "The trash entry", body = TrashEntry)))]
async fn delete_contact(State(app): State<AppState>, Path(id): Path<String>) -> ApiResult {
    ok(&app.store.trash_contact(ContactId(id_of("contact", &id)?), (app.clock)()).await?)
}

/// A contact's interactions, newest first.
#[utoipa::path(get, path = "/api/v1/contacts/{id}/interactions", params(("id" = String, Path), Paging), responses((status = 200, body = Page<Interaction>)))]
async fn contact_interactions(
    State(app): State<AppState>,
    Path(id): Path<String>,
    ApiQuery(p): ApiQuery<Paging>,
) -> ApiResult {
    let contact = ContactId(id_of("contact", &id)?);
    app.store.get_contact(contact).await?;
    ok(&app
        .store
        .list_interactions(&InteractionQuery {
            contact: Some(contact),
            limit: Some(p.limit()),
            offset: p.offset.unwrap_or(0),
        })
        .await?)
}

/// Interactions, newest first.
#[utoipa::path(get, path = "/api/v1/interactions", params(Paging), responses((status = 200, body = Page<Interaction>)))]
async fn list_interactions(
    State(app): State<AppState>,
    ApiQuery(p): ApiQuery<Paging>,
) -> ApiResult {
    ok(&app
        .store
        .list_interactions(&InteractionQuery {
            contact: None,
            limit: Some(p.limit()),
            offset: p.offset.unwrap_or(0),
        })
        .await?)
}

/// Record an interaction.
#[utoipa::path(post, path = "/api/v1/interactions", request_body = InteractionInput, responses((status = 201, body = Interaction), (status = 422, body = Problem)))]
async fn log_interaction(
    State(app): State<AppState>,
    ApiJson(input): ApiJson<InteractionInput>,
) -> ApiResult {
    created(&app.store.log_interaction(&input, (app.clock)()).await?)
}

/// Organizations by name.
#[utoipa::path(get, path = "/api/v1/organizations", params(Paging), responses((status = 200, body = Page<OrganizationSummary>)))]
async fn list_organizations(
    State(app): State<AppState>,
    ApiQuery(p): ApiQuery<Paging>,
) -> ApiResult {
    ok(&*app
        .list_organizations(&OrganizationQuery {
            limit: Some(p.limit()),
            offset: p.offset.unwrap_or(0),
        })
        .await?)
}

/// Create an organization.
#[utoipa::path(post, path = "/api/v1/organizations", request_body = OrganizationInput, responses((status = 201, body = Organization), (status = 409, body = Problem)))]
async fn create_organization(
    State(app): State<AppState>,
    ApiJson(input): ApiJson<OrganizationInput>,
) -> ApiResult {
    created(&app.store.create_organization(&input, (app.clock)()).await?)
}

/// Get an organization with its people.
#[utoipa::path(get, path = "/api/v1/organizations/{id}", params(("id" = String, Path)), responses((status = 200, body = Organization), (status = 404, body = Problem)))]
async fn get_organization(State(app): State<AppState>, Path(id): Path<String>) -> ApiResult {
    ok(&app.store.get_organization(OrganizationId(id_of("organization", &id)?)).await?)
}

/// Events, latest first.
#[utoipa::path(get, path = "/api/v1/events", params(Paging), responses((status = 200, body = Page<EventSummary>)))]
async fn list_events(State(app): State<AppState>, ApiQuery(p): ApiQuery<Paging>) -> ApiResult {
    ok(&app
        .store
        .list_events(&EventQuery {
            limit: Some(p.limit()),
            offset: p.offset.unwrap_or(0),
            ..Default::default()
        })
        .await?)
}

/// Record an event.
#[utoipa::path(post, path = "/api/v1/events", request_body = EventInput, responses((status = 201, body = Event), (status = 422, body = Problem)))]
async fn create_event(
    State(app): State<AppState>,
    ApiJson(input): ApiJson<EventInput>,
) -> ApiResult {
    created(&app.store.create_event(&input, (app.clock)()).await?)
}

/// Get an event with the people there.
#[utoipa::path(get, path = "/api/v1/events/{id}", params(("id" = String, Path)), responses((status = 200, body = Event), (status = 404, body = Problem)))]
async fn get_event(State(app): State<AppState>, Path(id): Path<String>) -> ApiResult {
    ok(&app.store.get_event(EventId(id_of("event", &id)?)).await?)
}

#[derive(Deserialize, IntoParams)]
struct OpportunityFilter {
    /// Only open ones (not won, lost or withdrawn).
    open: Option<bool>,
    /// Only this stage.
    stage: Option<String>,
}

/// Opportunities, most recently updated first.
#[utoipa::path(get, path = "/api/v1/opportunities", params(OpportunityFilter), responses((status = 200, body = Vec<Opportunity>)))]
async fn list_opportunities(
    State(app): State<AppState>,
    ApiQuery(f): ApiQuery<OpportunityFilter>,
) -> ApiResult {
    let q = OpportunityQuery {
        open_only: f.open.unwrap_or(false),
        stage: f.stage,
        ..Default::default()
    };
    ok(&app.store.list_opportunities(&q).await?)
}

/// Add an opportunity.
#[utoipa::path(post, path = "/api/v1/opportunities", request_body = OpportunityInput, responses((status = 201, body = Opportunity), (status = 422, body = Problem)))]
async fn create_opportunity(
    State(app): State<AppState>,
    ApiJson(input): ApiJson<OpportunityInput>,
) -> ApiResult {
    created(&app.store.create_opportunity(&input, (app.clock)()).await?)
}

#[derive(Deserialize, utoipa::ToSchema)]
struct StageMove {
    /// A stage of the pipeline.
    stage: String,
    /// When (YYYY-MM-DD; default today).
    on: Option<chrono::NaiveDate>,
}

/// Move an opportunity to another stage.
#[utoipa::path(post, path = "/api/v1/opportunities/{id}/stage", params(("id" = String, Path)), request_body = StageMove, responses((status = 200, body = Opportunity), (status = 422, body = Problem)))]
async fn move_opportunity(
    State(app): State<AppState>,
    Path(id): Path<String>,
    ApiJson(m): ApiJson<StageMove>,
) -> ApiResult {
    let now = (app.clock)();
    let id = OpportunityId(id_of("opportunity", &id)?);
    ok(&app.store.move_opportunity(id, &m.stage, m.on.unwrap_or(now.date_naive()), now).await?)
}

/// Every goal's progress.
#[utoipa::path(get, path = "/api/v1/goals", responses((status = 200, body = Vec<GoalProgress>)))]
async fn goals(State(app): State<AppState>) -> ApiResult {
    ok(&*app.goal_progress((app.clock)().date_naive()).await?)
}

/// Who to reach out to, most urgent first, with reasons.
#[utoipa::path(get, path = "/api/v1/due", responses((status = 200, body = Vec<DueItem>)))]
async fn due(State(app): State<AppState>) -> ApiResult {
    ok(&app.due_list((app.clock)()).await?)
}

#[derive(Deserialize, IntoParams)]
struct SearchQuery {
    /// What to look for (typos are fine).
    q: String,
    /// At most this many (default 20).
    limit: Option<usize>,
}

/// Ranked, typo-tolerant search.
#[utoipa::path(get, path = "/api/v1/search", params(SearchQuery), responses((status = 200, body = Vec<SearchHit>)))]
async fn search(State(app): State<AppState>, ApiQuery(q): ApiQuery<SearchQuery>) -> ApiResult {
    ok(&app.store.search(&q.q, q.limit.unwrap_or(20).clamp(1, 200)).await?)
}

#[derive(Deserialize, IntoParams)]
struct PathsQuery {
    /// A contact id, email or name.
    to: Option<String>,
    /// An organization id or name.
    org: Option<String>,
    /// How many routes (default 3).
    k: Option<usize>,
}

/// Warm-introduction paths to a person or organization.
#[utoipa::path(get, path = "/api/v1/paths", params(PathsQuery), responses((status = 200, body = PathReport), (status = 404, body = Problem)))]
async fn paths(State(app): State<AppState>, ApiQuery(q): ApiQuery<PathsQuery>) -> ApiResult {
    let now = (app.clock)();
    let k = q.k.unwrap_or(3).clamp(1, 20);
    match (&q.to, &q.org) {
        (Some(to), _) => {
            let id = kith_store::resolve_contact(&*app.store, to).await?;
            ok(&app.store.paths_to_contact(id, k, now).await?)
        }
        (None, Some(org)) => {
            let id = match uuid::Uuid::parse_str(org) {
                Ok(u) => OrganizationId(u),
                Err(_) => kith_store::resolve_organization(&*app.store, org).await?,
            };
            ok(&app.store.paths_to_organization(id, k, now).await?)
        }
        (None, None) => {
            Err(ApiError(WebError::BadRequest("give ?to=PERSON or ?org=ORGANIZATION".into())))
        }
    }
}

/// Network insights.
#[utoipa::path(get, path = "/api/v1/insights", responses((status = 200, body = Insights)))]
async fn insights(State(app): State<AppState>) -> ApiResult {
    ok(&*app.insights((app.clock)()).await?)
}

/// What is in the trash.
#[utoipa::path(get, path = "/api/v1/trash", responses((status = 200, body = Vec<TrashEntry>)))]
async fn trash(State(app): State<AppState>) -> ApiResult {
    ok(&app.store.list_trash().await?)
}

/// Restore a trash entry with everything that went with it.
#[utoipa::path(post, path = "/api/v1/trash/{id}/restore", params(("id" = String, Path)), responses((status = 200, body = TrashEntry), (status = 409, body = Problem)))]
async fn restore(State(app): State<AppState>, Path(id): Path<String>) -> ApiResult {
    ok(&app.store.restore(TrashId(id_of("trash entry", &id)?), (app.clock)()).await?)
}

/// Get an interaction.
#[utoipa::path(get, path = "/api/v1/interactions/{id}", params(("id" = String, Path)), responses((status = 200, body = Interaction), (status = 404, body = Problem)))]
async fn get_interaction(State(app): State<AppState>, Path(id): Path<String>) -> ApiResult {
    ok(&app.store.get_interaction(kith_core::InteractionId(id_of("interaction", &id)?)).await?)
}

/// Move an interaction to the trash.
#[utoipa::path(delete, path = "/api/v1/interactions/{id}", params(("id" = String, Path)), responses((status = 200, description = "The trash entry", body = TrashEntry)))]
async fn delete_interaction(State(app): State<AppState>, Path(id): Path<String>) -> ApiResult {
    ok(&app
        .store
        .trash_interaction(kith_core::InteractionId(id_of("interaction", &id)?), (app.clock)())
        .await?)
}

/// Replace an organization's fields.
#[utoipa::path(put, path = "/api/v1/organizations/{id}", params(("id" = String, Path)), request_body = OrganizationInput, responses((status = 200, body = Organization), (status = 422, body = Problem)))]
async fn update_organization(
    State(app): State<AppState>,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<OrganizationInput>,
) -> ApiResult {
    ok(&app
        .store
        .update_organization(OrganizationId(id_of("organization", &id)?), &input, (app.clock)())
        .await?)
}

/// Move an organization to the trash.
#[utoipa::path(delete, path = "/api/v1/organizations/{id}", params(("id" = String, Path)), responses((status = 200, description = "The trash entry", body = TrashEntry)))]
async fn delete_organization(State(app): State<AppState>, Path(id): Path<String>) -> ApiResult {
    ok(&app
        .store
        .trash_organization(OrganizationId(id_of("organization", &id)?), (app.clock)())
        .await?)
}

/// Replace an event's fields.
#[utoipa::path(put, path = "/api/v1/events/{id}", params(("id" = String, Path)), request_body = EventInput, responses((status = 200, body = Event), (status = 422, body = Problem)))]
async fn update_event(
    State(app): State<AppState>,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<EventInput>,
) -> ApiResult {
    ok(&app.store.update_event(EventId(id_of("event", &id)?), &input, (app.clock)()).await?)
}

/// Move an event to the trash.
#[utoipa::path(delete, path = "/api/v1/events/{id}", params(("id" = String, Path)), responses((status = 200, description = "The trash entry", body = TrashEntry)))]
async fn delete_event(State(app): State<AppState>, Path(id): Path<String>) -> ApiResult {
    ok(&app.store.trash_event(EventId(id_of("event", &id)?), (app.clock)()).await?)
}

/// Communities by name.
#[utoipa::path(get, path = "/api/v1/communities", responses((status = 200, body = Vec<CommunitySummary>)))]
async fn list_communities(State(app): State<AppState>) -> ApiResult {
    ok(&app.store.list_communities().await?)
}

/// Record a community.
#[utoipa::path(post, path = "/api/v1/communities", request_body = CommunityInput, responses((status = 201, body = Community), (status = 409, body = Problem)))]
async fn create_community(
    State(app): State<AppState>,
    ApiJson(input): ApiJson<kith_core::network::CommunityInput>,
) -> ApiResult {
    created(&app.store.create_community(&input, (app.clock)()).await?)
}

/// Get a community with its people and contributions.
#[utoipa::path(get, path = "/api/v1/communities/{id}", params(("id" = String, Path)), responses((status = 200, body = Community), (status = 404, body = Problem)))]
async fn get_community(State(app): State<AppState>, Path(id): Path<String>) -> ApiResult {
    ok(&app.store.get_community(kith_core::CommunityId(id_of("community", &id)?)).await?)
}

/// Replace a community's fields.
#[utoipa::path(put, path = "/api/v1/communities/{id}", params(("id" = String, Path)), request_body = CommunityInput, responses((status = 200, body = Community), (status = 422, body = Problem)))]
async fn update_community(
    State(app): State<AppState>,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<kith_core::network::CommunityInput>,
) -> ApiResult {
    ok(&app
        .store
        .update_community(kith_core::CommunityId(id_of("community", &id)?), &input, (app.clock)())
        .await?)
}

/// Move a community to the trash.
#[utoipa::path(delete, path = "/api/v1/communities/{id}", params(("id" = String, Path)), responses((status = 200, description = "The trash entry", body = TrashEntry)))]
async fn delete_community(State(app): State<AppState>, Path(id): Path<String>) -> ApiResult {
    ok(&app
        .store
        .trash_community(kith_core::CommunityId(id_of("community", &id)?), (app.clock)())
        .await?)
}

/// Get an opportunity with its stage history and people.
#[utoipa::path(get, path = "/api/v1/opportunities/{id}", params(("id" = String, Path)), responses((status = 200, body = Opportunity), (status = 404, body = Problem)))]
async fn get_opportunity(State(app): State<AppState>, Path(id): Path<String>) -> ApiResult {
    ok(&app.store.get_opportunity(OpportunityId(id_of("opportunity", &id)?)).await?)
}

/// Move an opportunity to the trash.
#[utoipa::path(delete, path = "/api/v1/opportunities/{id}", params(("id" = String, Path)), responses((status = 200, description = "The trash entry", body = TrashEntry)))]
async fn delete_opportunity(State(app): State<AppState>, Path(id): Path<String>) -> ApiResult {
    ok(&app
        .store
        .trash_opportunity(OpportunityId(id_of("opportunity", &id)?), (app.clock)())
        .await?)
}

/// Collaborations, newest first.
#[utoipa::path(get, path = "/api/v1/collaborations", responses((status = 200, body = Vec<Collaboration>)))]
async fn list_collaborations(State(app): State<AppState>) -> ApiResult {
    ok(&app.store.list_collaborations(None).await?)
}

/// Record a collaboration.
#[utoipa::path(post, path = "/api/v1/collaborations", request_body = CollaborationInput, responses((status = 201, body = Collaboration), (status = 422, body = Problem)))]
async fn create_collaboration(
    State(app): State<AppState>,
    ApiJson(input): ApiJson<kith_core::pipeline::CollaborationInput>,
) -> ApiResult {
    created(&app.store.create_collaboration(&input, (app.clock)()).await?)
}

/// Get a collaboration.
#[utoipa::path(get, path = "/api/v1/collaborations/{id}", params(("id" = String, Path)), responses((status = 200, body = Collaboration), (status = 404, body = Problem)))]
async fn get_collaboration(State(app): State<AppState>, Path(id): Path<String>) -> ApiResult {
    ok(&app
        .store
        .get_collaboration(kith_core::CollaborationId(id_of("collaboration", &id)?))
        .await?)
}

/// Replace a collaboration's fields (its participants stay).
#[utoipa::path(put, path = "/api/v1/collaborations/{id}", params(("id" = String, Path)), request_body = CollaborationInput, responses((status = 200, body = Collaboration), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn update_collaboration(
    State(app): State<AppState>,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<kith_core::pipeline::CollaborationInput>,
) -> ApiResult {
    let id = kith_core::CollaborationId(id_of("collaboration", &id)?);
    ok(&app.store.update_collaboration(id, &input, (app.clock)()).await?)
}

/// Move a collaboration to the trash.
#[utoipa::path(delete, path = "/api/v1/collaborations/{id}", params(("id" = String, Path)), responses((status = 200, description = "The trash entry", body = TrashEntry)))]
async fn delete_collaboration(State(app): State<AppState>, Path(id): Path<String>) -> ApiResult {
    ok(&app
        .store
        .trash_collaboration(
            kith_core::CollaborationId(id_of("collaboration", &id)?),
            (app.clock)(),
        )
        .await?)
}

/// Ledger records (help, asks, feedback, acknowledgements), newest first.
#[utoipa::path(get, path = "/api/v1/ledger", params(Paging), responses((status = 200, body = Page<LedgerEntry>)))]
async fn list_ledger(State(app): State<AppState>, ApiQuery(p): ApiQuery<Paging>) -> ApiResult {
    let q = kith_store::LedgerQuery {
        limit: Some(p.limit()),
        offset: p.offset.unwrap_or(0),
        ..Default::default()
    };
    ok(&app.store.list_ledger(&q).await?)
}

/// Record help, an ask, feedback or an acknowledgement.
#[utoipa::path(post, path = "/api/v1/ledger", request_body = LedgerInput, responses((status = 201, body = LedgerEntry), (status = 422, body = Problem)))]
async fn create_ledger_entry(
    State(app): State<AppState>,
    ApiJson(input): ApiJson<kith_core::ledger::LedgerInput>,
) -> ApiResult {
    created(&app.store.add_ledger_entry(&input, (app.clock)()).await?)
}

/// Set a networking goal.
#[utoipa::path(post, path = "/api/v1/goals", request_body = GoalInput, responses((status = 201, body = Goal), (status = 422, body = Problem)))]
async fn create_goal(
    State(app): State<AppState>,
    ApiJson(input): ApiJson<kith_core::goal::GoalInput>,
) -> ApiResult {
    created(&app.store.create_goal(&input, (app.clock)()).await?)
}

/// Move a goal to the trash.
#[utoipa::path(delete, path = "/api/v1/goals/{id}", params(("id" = String, Path)), responses((status = 200, description = "The trash entry", body = TrashEntry)))]
async fn delete_goal(State(app): State<AppState>, Path(id): Path<String>) -> ApiResult {
    ok(&app.store.trash_goal(kith_core::GoalId(id_of("goal", &id)?), (app.clock)()).await?)
}

/// A ledger record's new status.
#[derive(Deserialize, utoipa::ToSchema)]
struct StatusInput {
    /// One of the statuses the record's kind allows (help: done, offered; ask: open,
    /// answered, declined; feedback: done; acknowledgement: private, public).
    status: String,
}

/// Change a ledger record's status (an ask answered, help done).
#[utoipa::path(post, path = "/api/v1/ledger/{id}/status", params(("id" = String, Path)), request_body = StatusInput, responses((status = 200, body = LedgerEntry), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn set_ledger_status(
    State(app): State<AppState>,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<StatusInput>,
) -> ApiResult {
    let id = kith_core::LedgerEntryId(id_of("ledger record", &id)?);
    let status = kith_core::ledger::LedgerStatus::parse(input.status.trim()).ok_or_else(|| {
        ApiError(WebError::Invalid(kith_core::ValidationError::one(
            "status",
            Some(&input.status),
            "one of offered, done, open, answered, declined, public, private",
        )))
    })?;
    ok(&app.store.set_ledger_status(id, status, (app.clock)()).await?)
}

/// Move a ledger record to the trash.
#[utoipa::path(delete, path = "/api/v1/ledger/{id}", params(("id" = String, Path)), responses((status = 200, description = "The trash entry", body = TrashEntry), (status = 404, body = Problem)))]
async fn delete_ledger_entry(State(app): State<AppState>, Path(id): Path<String>) -> ApiResult {
    let id = kith_core::LedgerEntryId(id_of("ledger record", &id)?);
    ok(&app.store.trash_ledger_entry(id, (app.clock)()).await?)
}

/// A note to add to a contact's timeline.
#[derive(Deserialize, utoipa::ToSchema)]
struct NoteInput {
    /// Markdown.
    body: String,
}

/// A contact's notes, newest first.
#[utoipa::path(get, path = "/api/v1/contacts/{id}/notes", params(("id" = String, Path)), responses((status = 200, body = Vec<kith_core::Note>), (status = 404, body = Problem)))]
async fn list_notes(State(app): State<AppState>, Path(id): Path<String>) -> ApiResult {
    let contact = ContactId(id_of("contact", &id)?);
    app.store.get_contact(contact).await?;
    ok(&app.store.list_notes(contact).await?)
}

/// Add a note to a contact's timeline.
#[utoipa::path(post, path = "/api/v1/contacts/{id}/notes", params(("id" = String, Path)), request_body = NoteInput, responses((status = 201, body = kith_core::Note), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn add_note(
    State(app): State<AppState>,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<NoteInput>,
) -> ApiResult {
    let contact = ContactId(id_of("contact", &id)?);
    created(&app.store.add_note(contact, &input.body, (app.clock)()).await?)
}

/// A contact's own keep-in-touch cadence.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct CadenceInput {
    /// Days between contacts (1 to 3650); null clears it, so a tag's cadence applies again.
    days: Option<u32>,
}

/// Set or clear a contact's own cadence; returns the contact's keep-in-touch settings.
#[utoipa::path(put, path = "/api/v1/contacts/{id}/cadence", params(("id" = String, Path)), request_body = CadenceInput, responses((status = 200, description = "The contact's keep-in-touch settings (cadence and where it comes from)"), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn set_cadence(
    State(app): State<AppState>,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<CadenceInput>,
) -> ApiResult {
    let contact = ContactId(id_of("contact", &id)?);
    let now = (app.clock)();
    app.store.get_contact(contact).await?;
    app.store.set_cadence(contact, input.days, now).await?;
    ok(&app.store.contact_nurture(contact).await?.settings)
}

#[derive(Deserialize, IntoParams)]
struct ReminderParams {
    /// Include reminders already done.
    include_done: Option<bool>,
}

/// Reminders by date (open ones unless `include_done`).
#[utoipa::path(get, path = "/api/v1/reminders", params(ReminderParams), responses((status = 200, body = Vec<kith_core::nurture::Reminder>)))]
async fn list_reminders(
    State(app): State<AppState>,
    ApiQuery(p): ApiQuery<ReminderParams>,
) -> ApiResult {
    ok(&app.store.list_reminders(p.include_done.unwrap_or(false)).await?)
}

/// Add a reminder (one-off or yearly).
#[utoipa::path(post, path = "/api/v1/reminders", request_body = kith_core::nurture::ReminderInput, responses((status = 201, body = kith_core::nurture::Reminder), (status = 422, body = Problem)))]
async fn add_reminder(
    State(app): State<AppState>,
    ApiJson(input): ApiJson<kith_core::nurture::ReminderInput>,
) -> ApiResult {
    created(&app.store.add_reminder(&input, (app.clock)()).await?)
}

/// Mark a reminder done (a yearly one moves to next year).
#[utoipa::path(post, path = "/api/v1/reminders/{id}/done", params(("id" = String, Path)), responses((status = 200, body = kith_core::nurture::Reminder), (status = 404, body = Problem)))]
async fn complete_reminder(State(app): State<AppState>, Path(id): Path<String>) -> ApiResult {
    let id = kith_core::ReminderId(id_of("reminder", &id)?);
    ok(&app.store.complete_reminder(id, (app.clock)()).await?)
}

/// Move a reminder to the trash.
#[utoipa::path(delete, path = "/api/v1/reminders/{id}", params(("id" = String, Path)), responses((status = 200, description = "The trash entry", body = TrashEntry), (status = 404, body = Problem)))]
async fn delete_reminder(State(app): State<AppState>, Path(id): Path<String>) -> ApiResult {
    let id = kith_core::ReminderId(id_of("reminder", &id)?);
    ok(&app.store.trash_reminder(id, (app.clock)()).await?)
}

#[derive(Deserialize, IntoParams)]
struct ImportParams {
    /// linkedin, linkedin-messages, google, vcard, ical or mbox; detected from the content (and
    /// `name`) when left out.
    format: Option<String>,
    /// The file's name, to help detection.
    name: Option<String>,
    /// Only report what would happen (default false).
    dry_run: Option<bool>,
    /// Import the valid records even when some are invalid (default false).
    skip_invalid: Option<bool>,
    /// Add people from meetings and emails who are not contacts yet (default false).
    add_unknown: Option<bool>,
}

/// Import a file sent as the request body (at most the upload limit, 100 MB by default). The
/// report lists what was created, updated, matched and skipped. With invalid records and
/// without `skip_invalid`, nothing is written and the report comes back with status 422.
#[utoipa::path(post, path = "/api/v1/import", params(ImportParams), request_body(content = String, content_type = "application/octet-stream", description = "The file"), responses((status = 200, description = "The import report", body = ImportReport), (status = 422, description = "The report, with the problems that stopped the import", body = ImportReport), (status = 400, body = Problem), (status = 413, body = Problem)))]
async fn import_file(
    State(app): State<AppState>,
    ApiQuery(p): ApiQuery<ImportParams>,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> ApiResult {
    let body = body.map_err(|e| {
        ApiError(if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            crate::transfer::too_large(&app)
        } else {
            WebError::BadRequest(e.body_text())
        })
    })?;
    let format = match p.format.as_deref().filter(|f| !f.trim().is_empty()) {
        Some(f) => Some(kith_core::import::ImportFormat::parse(f).ok_or_else(|| {
            ApiError(WebError::Invalid(kith_core::ValidationError::one(
                "format",
                Some(f),
                "one of linkedin, linkedin-messages, google, vcard, ical, mbox",
            )))
        })?),
        None => None,
    };
    let file = crate::transfer::Upload {
        file_name: p.name.unwrap_or_else(|| "upload".into()),
        format,
        bytes: body.to_vec(),
        add_unknown: p.add_unknown.unwrap_or(false),
        skip_invalid: p.skip_invalid.unwrap_or(false),
    };
    let dry_run = p.dry_run.unwrap_or(false);
    let report = crate::transfer::import_upload(&app, file, dry_run).await?;
    if report.has_problems() && !report.written && !dry_run {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(report)).into_response());
    }
    ok(&report)
}

/// Likely duplicate people, best first, with the evidence.
#[utoipa::path(get, path = "/api/v1/duplicates", responses((status = 200, description = "Likely duplicates, best first", body = Vec<DuplicatePair>)))]
async fn duplicates(State(app): State<AppState>) -> ApiResult {
    ok(&app.store.duplicates().await?)
}

#[derive(Deserialize, utoipa::ToSchema)]
struct MergeBody {
    /// The person to keep (id).
    keep: String,
    /// The person merged into them (id); goes to the trash.
    merge: String,
}

/// Merge one person into another: every field and linked record is kept.
#[utoipa::path(post, path = "/api/v1/merges", request_body = MergeBody, responses((status = 200, description = "The merge", body = MergeRecord), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn merge(State(app): State<AppState>, ApiJson(b): ApiJson<MergeBody>) -> ApiResult {
    let keep = ContactId(id_of("contact", &b.keep)?);
    let other = ContactId(id_of("contact", &b.merge)?);
    ok(&app.store.merge_contacts(keep, other, (app.clock)()).await?)
}

/// Undo the last merge.
#[utoipa::path(post, path = "/api/v1/merges/undo", responses((status = 200, description = "The merge undone", body = MergeRecord), (status = 409, body = Problem)))]
async fn unmerge(State(app): State<AppState>) -> ApiResult {
    ok(&app.store.unmerge((app.clock)()).await?)
}
