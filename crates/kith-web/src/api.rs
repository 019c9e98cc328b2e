//! The JSON API under `/api/v1`, and its OpenAPI 3.1 document at `/api/openapi.json`
//! (generated from these handlers by utoipa). Errors are RFC 9457 problem+json.

use crate::AppState;
use crate::error::{ApiError, Problem, WebError};
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use kith_core::duplicates::DuplicatePair;
use kith_core::goal::{Goal, GoalInput, GoalProgress};
use kith_core::insights::Insights;
use kith_core::ledger::{LedgerEntry, LedgerInput};
use kith_core::leverage::PathReport;
use kith_core::leverage::{Connection, ConnectionInput, RelationshipRole};
use kith_core::network::{Community, CommunityInput, CommunitySummary, Event, EventSummary};
use kith_core::network::{Contribution, ContributionInput, EventInput};
use kith_core::nurture::DueItem;
use kith_core::pipeline::{Collaboration, CollaborationInput, Opportunity, Pipeline};
use kith_core::pipeline::{OpportunityDetails, OpportunityInput};
use kith_core::trash::TrashEntry;
use kith_core::{
    CommunityId, ConnectionId, Contact, ContactId, ContactInput, ContactSummary, ContributionId,
    EventId, Interaction, InteractionInput, OpportunityId, Organization, OrganizationId,
    OrganizationInput, OrganizationSummary, TrashId, ValidationError,
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
        .route("/api/v1/contacts/{id}/ties", get(contact_ties))
        .route("/api/v1/contacts/{id}/notes", get(list_notes).post(add_note))
        .route("/api/v1/contacts/{id}/cadence", axum::routing::put(set_cadence))
        .route("/api/v1/contacts/{id}/roles", get(get_roles).put(set_roles))
        .route("/api/v1/contacts/{id}/snooze", post(snooze))
        .route("/api/v1/contacts/{id}/closeness", put(set_closeness))
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
        .route("/api/v1/events/{id}/attendees", post(add_attendees))
        .route("/api/v1/events/{id}/attendees/{contact}", delete(remove_attendee))
        .route("/api/v1/communities", get(list_communities).post(create_community))
        .route(
            "/api/v1/communities/{id}",
            get(get_community).put(update_community).delete(delete_community),
        )
        .route("/api/v1/communities/{id}/members", post(add_members))
        .route("/api/v1/communities/{id}/members/{contact}", delete(remove_member))
        .route("/api/v1/contributions", get(list_contributions).post(create_contribution))
        .route(
            "/api/v1/contributions/{id}",
            get(get_contribution).put(update_contribution).delete(delete_contribution),
        )
        .route("/api/v1/connections", get(list_connections).post(create_connection))
        .route("/api/v1/connections/{id}", get(get_connection).delete(delete_connection))
        .route("/api/v1/opportunities", get(list_opportunities).post(create_opportunity))
        .route(
            "/api/v1/opportunities/{id}",
            get(get_opportunity).put(update_opportunity).delete(delete_opportunity),
        )
        .route("/api/v1/opportunities/{id}/stage", post(move_opportunity))
        .route("/api/v1/opportunities/{id}/next-step", put(set_next_step))
        .route("/api/v1/opportunities/{id}/contacts", post(link_opportunity))
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
        .route("/api/v1/trash", get(trash).delete(empty_trash))
        .route("/api/v1/trash/{id}", delete(purge))
        .route("/api/v1/trash/{id}/restore", post(restore))
        .route("/api/v1/settings", get(settings))
        .route("/api/v1/settings/own-emails", put(set_own_emails))
        .route("/api/v1/settings/half-life", put(set_half_life))
        .route("/api/v1/settings/follow-up-days", put(set_follow_up_days))
        .route("/api/v1/settings/pipeline", put(set_pipeline))
        .route("/api/v1/settings/tag-cadences/{tag}", put(set_tag_cadence))
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
        contact_ties,
        list_notes,
        add_note,
        set_cadence,
        get_roles,
        set_roles,
        snooze,
        set_closeness,
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
        add_attendees,
        remove_attendee,
        list_communities,
        create_community,
        get_community,
        update_community,
        delete_community,
        add_members,
        remove_member,
        list_contributions,
        create_contribution,
        get_contribution,
        update_contribution,
        delete_contribution,
        list_connections,
        create_connection,
        get_connection,
        delete_connection,
        list_opportunities,
        create_opportunity,
        get_opportunity,
        update_opportunity,
        delete_opportunity,
        move_opportunity,
        set_next_step,
        link_opportunity,
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
        purge,
        empty_trash,
        settings,
        set_own_emails,
        set_half_life,
        set_follow_up_days,
        set_pipeline,
        set_tag_cadence,
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

/// Everyone a contact is thought to know, strongest first, with the evidence (recorded,
/// together in interactions, at the same event, colleagues).
#[utoipa::path(get, path = "/api/v1/contacts/{id}/ties", params(("id" = String, Path), Paging), responses((status = 200, body = Page<kith_core::leverage::Tie>), (status = 404, body = Problem)))]
async fn contact_ties(
    State(app): State<AppState>,
    Path(id): Path<String>,
    ApiQuery(p): ApiQuery<Paging>,
) -> ApiResult {
    let contact = ContactId(id_of("contact", &id)?);
    ok(&page_of(app.store.ties_of(contact, (app.clock)()).await?, &p))
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

#[derive(Deserialize, IntoParams)]
struct EventFilter {
    /// Only events that end on or after this day (YYYY-MM-DD).
    from: Option<String>,
    /// Only events that start on or before this day (YYYY-MM-DD).
    to: Option<String>,
    /// Only events this contact was at (id).
    contact: Option<String>,
}

/// Events, latest first.
#[utoipa::path(get, path = "/api/v1/events", params(Paging, EventFilter), responses((status = 200, body = Page<EventSummary>), (status = 404, description = "No such contact", body = Problem), (status = 422, body = Problem)))]
async fn list_events(
    State(app): State<AppState>,
    ApiQuery(p): ApiQuery<Paging>,
    ApiQuery(f): ApiQuery<EventFilter>,
) -> ApiResult {
    let q = EventQuery {
        from: query_date("from", f.from.as_deref())?,
        to: query_date("to", f.to.as_deref())?,
        contact: contact_filter(&app, f.contact.as_deref()).await?,
        limit: Some(p.limit()),
        offset: p.offset.unwrap_or(0),
    };
    ok(&app.store.list_events(&q).await?)
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
    /// Only this stage (one of the pipeline's, see `/api/v1/settings`).
    stage: Option<String>,
    /// Only this kind: job, client, collaboration, speaking or other.
    kind: Option<String>,
    /// Only opportunities at this organization (id).
    organization: Option<String>,
    /// Only opportunities this contact is on (id).
    contact: Option<String>,
}

/// Opportunities, most recently updated first.
#[utoipa::path(get, path = "/api/v1/opportunities", params(Paging, OpportunityFilter), responses((status = 200, body = Page<Opportunity>), (status = 404, description = "No such contact or organization", body = Problem), (status = 422, body = Problem)))]
async fn list_opportunities(
    State(app): State<AppState>,
    ApiQuery(p): ApiQuery<Paging>,
    ApiQuery(f): ApiQuery<OpportunityFilter>,
) -> ApiResult {
    use kith_core::pipeline::OpportunityKind;
    let stage = match &f.stage {
        Some(s) => Some(app.store.pipeline().await?.stage(s)?),
        None => None,
    };
    let organization = match &f.organization {
        Some(o) => {
            let id = OrganizationId(id_of("organization", o)?);
            app.store.get_organization(id).await?;
            Some(id)
        }
        None => None,
    };
    let q = OpportunityQuery {
        kind: query_word(
            "kind",
            f.kind.as_deref(),
            OpportunityKind::parse,
            OpportunityKind::expected,
        )?,
        stage,
        organization,
        contact: contact_filter(&app, f.contact.as_deref()).await?,
        open_only: f.open.unwrap_or(false),
    };
    ok(&page_of(app.store.list_opportunities(&q).await?, &p))
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
#[utoipa::path(get, path = "/api/v1/goals", params(Paging), responses((status = 200, body = Page<GoalProgress>)))]
async fn goals(State(app): State<AppState>, ApiQuery(p): ApiQuery<Paging>) -> ApiResult {
    ok(&page_of(app.goal_progress((app.clock)().date_naive()).await?.to_vec(), &p))
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
#[utoipa::path(get, path = "/api/v1/trash", params(Paging), responses((status = 200, body = Page<TrashEntry>)))]
async fn trash(State(app): State<AppState>, ApiQuery(p): ApiQuery<Paging>) -> ApiResult {
    ok(&page_of(app.store.list_trash().await?, &p))
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
#[utoipa::path(get, path = "/api/v1/communities", params(Paging), responses((status = 200, body = Page<CommunitySummary>)))]
async fn list_communities(State(app): State<AppState>, ApiQuery(p): ApiQuery<Paging>) -> ApiResult {
    ok(&page_of(app.store.list_communities().await?, &p))
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

/// Replace an opportunity's title, kind, organization and notes (its stage moves with
/// `/stage`, its next step and people have their own calls). `organization` is the
/// organization's id (an opportunity answers it as `[id, name]`); null or absent takes it off.
#[utoipa::path(put, path = "/api/v1/opportunities/{id}", params(("id" = String, Path)), request_body = OpportunityDetails, responses((status = 200, body = Opportunity), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn update_opportunity(
    State(app): State<AppState>,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<OpportunityDetails>,
) -> ApiResult {
    let id = OpportunityId(id_of("opportunity", &id)?);
    ok(&app.store.update_opportunity(id, &input, (app.clock)()).await?)
}

/// Move an opportunity to the trash.
#[utoipa::path(delete, path = "/api/v1/opportunities/{id}", params(("id" = String, Path)), responses((status = 200, description = "The trash entry", body = TrashEntry)))]
async fn delete_opportunity(State(app): State<AppState>, Path(id): Path<String>) -> ApiResult {
    ok(&app
        .store
        .trash_opportunity(OpportunityId(id_of("opportunity", &id)?), (app.clock)())
        .await?)
}

#[derive(Deserialize, IntoParams)]
struct CollaborationFilter {
    /// Only collaborations this contact takes part in (id).
    contact: Option<String>,
}

/// Collaborations, newest first.
#[utoipa::path(get, path = "/api/v1/collaborations", params(Paging, CollaborationFilter), responses((status = 200, body = Page<Collaboration>), (status = 404, description = "No such contact", body = Problem)))]
async fn list_collaborations(
    State(app): State<AppState>,
    ApiQuery(p): ApiQuery<Paging>,
    ApiQuery(f): ApiQuery<CollaborationFilter>,
) -> ApiResult {
    let contact = contact_filter(&app, f.contact.as_deref()).await?;
    ok(&page_of(app.store.list_collaborations(contact).await?, &p))
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

#[derive(Deserialize, IntoParams)]
struct LedgerFilter {
    /// Only records about this contact (id).
    contact: Option<String>,
    /// Only this kind: help, ask, feedback or acknowledgement.
    kind: Option<String>,
    /// Only this direction: given or received.
    direction: Option<String>,
    /// Only this status (offered, done, open, answered, declined, public, private).
    status: Option<String>,
    /// Only records dated on or after this day (YYYY-MM-DD).
    since: Option<String>,
}

/// Ledger records (help, asks, feedback, acknowledgements), newest first.
#[utoipa::path(get, path = "/api/v1/ledger", params(Paging, LedgerFilter), responses((status = 200, body = Page<LedgerEntry>), (status = 404, description = "No such contact", body = Problem), (status = 422, body = Problem)))]
async fn list_ledger(
    State(app): State<AppState>,
    ApiQuery(p): ApiQuery<Paging>,
    ApiQuery(f): ApiQuery<LedgerFilter>,
) -> ApiResult {
    use kith_core::ledger::{LedgerDirection, LedgerKind, LedgerStatus};
    let q = kith_store::LedgerQuery {
        contact: contact_filter(&app, f.contact.as_deref()).await?,
        kind: query_word("kind", f.kind.as_deref(), LedgerKind::parse, LedgerKind::expected)?,
        direction: query_word(
            "direction",
            f.direction.as_deref(),
            LedgerDirection::parse,
            LedgerDirection::expected,
        )?,
        status: query_word(
            "status",
            f.status.as_deref(),
            LedgerStatus::parse,
            LedgerStatus::expected,
        )?,
        since: query_date("since", f.since.as_deref())?,
        limit: Some(p.limit()),
        offset: p.offset.unwrap_or(0),
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
#[utoipa::path(get, path = "/api/v1/reminders", params(Paging, ReminderParams), responses((status = 200, body = Page<kith_core::nurture::Reminder>)))]
async fn list_reminders(
    State(app): State<AppState>,
    ApiQuery(p): ApiQuery<Paging>,
    ApiQuery(f): ApiQuery<ReminderParams>,
) -> ApiResult {
    ok(&page_of(app.store.list_reminders(f.include_done.unwrap_or(false)).await?, &p))
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

// --- helpers for the handlers below ---

/// A 422 problem about one field.
fn invalid(field: &str, value: &str, expected: &str) -> ApiError {
    ApiError(WebError::Invalid(ValidationError::one(field, Some(value), expected)))
}

/// A query parameter that names a word of a `word_enum` (kind, status, ...), if given.
fn query_word<T>(
    field: &str,
    raw: Option<&str>,
    parse: fn(&str) -> Option<T>,
    expected: fn() -> String,
) -> Result<Option<T>, ApiError> {
    raw.map(|r| parse(r).ok_or_else(|| invalid(field, r, &format!("one of {}", expected()))))
        .transpose()
}

/// A query parameter that is a day (YYYY-MM-DD), if given.
fn query_date(field: &str, raw: Option<&str>) -> Result<Option<chrono::NaiveDate>, ApiError> {
    Ok(raw.map(|d| kith_core::validate::date(field, d)).transpose()?)
}

/// A `contact` filter: the id of a live contact (404 otherwise), if given.
async fn contact_filter(app: &AppState, raw: Option<&str>) -> Result<Option<ContactId>, ApiError> {
    match raw {
        Some(r) => {
            let id = ContactId(id_of("contact", r)?);
            app.store.get_contact(id).await?;
            Ok(Some(id))
        }
        None => Ok(None),
    }
}

/// Contact ids from a request body (malformed ones are unknown: 404); at least one.
fn contact_ids(raw: &[String]) -> Result<Vec<ContactId>, ApiError> {
    if raw.is_empty() {
        return Err(invalid("contacts", "[]", "at least one contact id"));
    }
    raw.iter().map(|r| Ok(ContactId(id_of("contact", r)?))).collect()
}

/// One page of a list the store returns whole, in the same `{items, total}` shape as the
/// lists the store pages itself.
fn page_of<T>(items: Vec<T>, p: &Paging) -> Page<T> {
    let total = items.len() as u64;
    let skip = usize::try_from(p.offset.unwrap_or(0)).unwrap_or(usize::MAX);
    let take = usize::try_from(p.limit()).unwrap_or(usize::MAX);
    Page { items: items.into_iter().skip(skip).take(take).collect(), total }
}

// --- contributions ---

#[derive(Deserialize, IntoParams)]
struct ContributionFilter {
    /// Contributions on or after this day (YYYY-MM-DD); default: a year before `to`.
    from: Option<String>,
    /// Contributions on or before this day (YYYY-MM-DD); default: today.
    to: Option<String>,
}

/// Contributions to communities dated from `from` through `to` (the last year by default),
/// newest first.
#[utoipa::path(get, path = "/api/v1/contributions", params(Paging, ContributionFilter), responses((status = 200, body = Page<Contribution>), (status = 422, body = Problem)))]
async fn list_contributions(
    State(app): State<AppState>,
    ApiQuery(p): ApiQuery<Paging>,
    ApiQuery(f): ApiQuery<ContributionFilter>,
) -> ApiResult {
    let to = query_date("to", f.to.as_deref())?.unwrap_or_else(|| (app.clock)().date_naive());
    let from = match query_date("from", f.from.as_deref())? {
        Some(d) => d,
        None => to.checked_sub_months(chrono::Months::new(12)).unwrap_or(to),
    };
    if from > to {
        return Err(invalid("from", &from.to_string(), &format!("a day on or before {to}")));
    }
    ok(&page_of(app.store.list_contributions(from, to).await?, &p))
}

/// Record a contribution to a community (a talk, a post, an answer, a pull request).
#[utoipa::path(post, path = "/api/v1/contributions", request_body = ContributionInput, responses((status = 201, body = Contribution), (status = 404, description = "No such community", body = Problem), (status = 422, body = Problem)))]
async fn create_contribution(
    State(app): State<AppState>,
    ApiJson(input): ApiJson<ContributionInput>,
) -> ApiResult {
    created(&app.store.add_contribution(&input, (app.clock)()).await?)
}

/// Get a contribution.
#[utoipa::path(get, path = "/api/v1/contributions/{id}", params(("id" = String, Path)), responses((status = 200, body = Contribution), (status = 404, body = Problem)))]
async fn get_contribution(State(app): State<AppState>, Path(id): Path<String>) -> ApiResult {
    let id = ContributionId(id_of("contribution", &id)?);
    ok(&app.store.get_contribution(id).await?)
}

/// Replace a contribution's community, kind, day, title and link.
#[utoipa::path(put, path = "/api/v1/contributions/{id}", params(("id" = String, Path)), request_body = ContributionInput, responses((status = 200, body = Contribution), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn update_contribution(
    State(app): State<AppState>,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ContributionInput>,
) -> ApiResult {
    let id = ContributionId(id_of("contribution", &id)?);
    ok(&app.store.update_contribution(id, &input, (app.clock)()).await?)
}

/// Move a contribution to the trash.
#[utoipa::path(delete, path = "/api/v1/contributions/{id}", params(("id" = String, Path)), responses((status = 200, description = "The trash entry", body = TrashEntry), (status = 404, body = Problem)))]
async fn delete_contribution(State(app): State<AppState>, Path(id): Path<String>) -> ApiResult {
    let id = ContributionId(id_of("contribution", &id)?);
    ok(&app.store.trash_contribution(id, (app.clock)()).await?)
}

// --- connections (who knows whom) ---

#[derive(Deserialize, IntoParams)]
struct ConnectionFilter {
    /// Only connections of this contact (id).
    contact: Option<String>,
}

/// Who knows whom, as entered by hand (not the ties inferred from shared interactions and
/// events), by name.
#[utoipa::path(get, path = "/api/v1/connections", params(Paging, ConnectionFilter), responses((status = 200, body = Page<Connection>), (status = 404, description = "No such contact", body = Problem)))]
async fn list_connections(
    State(app): State<AppState>,
    ApiQuery(p): ApiQuery<Paging>,
    ApiQuery(f): ApiQuery<ConnectionFilter>,
) -> ApiResult {
    let contact = contact_filter(&app, f.contact.as_deref()).await?;
    ok(&page_of(app.store.connections(contact).await?, &p))
}

/// Record that two contacts know each other. There is one connection per pair: recording
/// it again replaces its strength, date and note (status 201 either way).
#[utoipa::path(post, path = "/api/v1/connections", request_body = ConnectionInput, responses((status = 201, body = Connection), (status = 404, description = "No such contact", body = Problem), (status = 422, body = Problem)))]
async fn create_connection(
    State(app): State<AppState>,
    ApiJson(input): ApiJson<ConnectionInput>,
) -> ApiResult {
    created(&app.store.connect(&input, (app.clock)()).await?)
}

/// The live connection with this id (the store knows connections by their pair).
async fn connection_by_id(app: &AppState, raw: &str) -> Result<Connection, ApiError> {
    let id = ConnectionId(id_of("connection", raw)?);
    app.store
        .connections(None)
        .await?
        .into_iter()
        .find(|k| k.id == id)
        .ok_or_else(|| ApiError(WebError::NotFound(format!("no connection has the id {id}"))))
}

/// Get a connection.
#[utoipa::path(get, path = "/api/v1/connections/{id}", params(("id" = String, Path)), responses((status = 200, body = Connection), (status = 404, body = Problem)))]
async fn get_connection(State(app): State<AppState>, Path(id): Path<String>) -> ApiResult {
    ok(&connection_by_id(&app, &id).await?)
}

/// Move a connection to the trash.
#[utoipa::path(delete, path = "/api/v1/connections/{id}", params(("id" = String, Path)), responses((status = 200, description = "The trash entry", body = TrashEntry), (status = 404, body = Problem)))]
async fn delete_connection(State(app): State<AppState>, Path(id): Path<String>) -> ApiResult {
    let k = connection_by_id(&app, &id).await?;
    ok(&app.store.trash_connection(k.a.contact_id, k.b.contact_id, (app.clock)()).await?)
}

// --- a contact's roles, snooze and closeness ---

/// A contact's relationship roles, all of them.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct RolesInput {
    /// Each one of mentor, mentee, sponsor, advisor, peer, colleague, manager, report,
    /// client, recruiter, investor, friend; an empty list removes every role.
    roles: Vec<String>,
}

/// A contact's relationship roles (mentor, client, ...).
#[utoipa::path(get, path = "/api/v1/contacts/{id}/roles", params(("id" = String, Path)), responses((status = 200, body = Vec<RelationshipRole>), (status = 404, body = Problem)))]
async fn get_roles(State(app): State<AppState>, Path(id): Path<String>) -> ApiResult {
    let contact = ContactId(id_of("contact", &id)?);
    app.store.get_contact(contact).await?;
    ok(&app.store.roles_of(contact).await?)
}

/// Replace a contact's relationship roles; returns them as stored.
#[utoipa::path(put, path = "/api/v1/contacts/{id}/roles", params(("id" = String, Path)), request_body = RolesInput, responses((status = 200, body = Vec<RelationshipRole>), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn set_roles(
    State(app): State<AppState>,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<RolesInput>,
) -> ApiResult {
    let contact = ContactId(id_of("contact", &id)?);
    let wanted = input
        .roles
        .iter()
        .map(|r| {
            RelationshipRole::parse(r).ok_or_else(|| {
                invalid("roles", r, &format!("each one of {}", RelationshipRole::expected()))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    // Adding the wanted roles and removing every other one, in one transaction.
    let others: Vec<RelationshipRole> =
        RelationshipRole::ALL.iter().copied().filter(|r| !wanted.contains(r)).collect();
    app.store.set_roles(contact, &wanted, &others).await?;
    ok(&app.store.roles_of(contact).await?)
}

/// How long to keep a contact off the due list.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct SnoozeInput {
    /// Until this day (after today).
    until: Option<chrono::NaiveDate>,
    /// For this long from today: days, or a count with d, w, m or y (`30`, `6w`, `3m`).
    #[serde(rename = "for")]
    for_: Option<String>,
}

/// Snooze a contact: off the due list until a day (`until`) or for a while (`for`); with
/// neither, the snooze ends. Returns the contact's keep-in-touch settings.
#[utoipa::path(post, path = "/api/v1/contacts/{id}/snooze", params(("id" = String, Path)), request_body = SnoozeInput, responses((status = 200, description = "The contact's keep-in-touch settings (cadence, snooze, closeness)"), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn snooze(
    State(app): State<AppState>,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<SnoozeInput>,
) -> ApiResult {
    let contact = ContactId(id_of("contact", &id)?);
    let now = (app.clock)();
    let until = match (input.until, &input.for_) {
        (Some(_), Some(f)) => return Err(invalid("for", f, "either until or for, not both")),
        (Some(d), None) => Some(d),
        (None, Some(f)) => {
            let days = kith_core::nurture::parse_cadence("for", f)?;
            Some(now.date_naive() + chrono::Duration::days(i64::from(days)))
        }
        (None, None) => None,
    };
    app.store.snooze(contact, until, now).await?;
    ok(&app.store.contact_nurture(contact).await?.settings)
}

/// A contact's manual closeness.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct ClosenessInput {
    /// From 0 to 1; it replaces the strength computed from the history. Null clears it.
    closeness: Option<f64>,
}

/// Set or clear a contact's closeness; returns the contact's keep-in-touch settings.
#[utoipa::path(put, path = "/api/v1/contacts/{id}/closeness", params(("id" = String, Path)), request_body = ClosenessInput, responses((status = 200, description = "The contact's keep-in-touch settings (cadence, snooze, closeness)"), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn set_closeness(
    State(app): State<AppState>,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ClosenessInput>,
) -> ApiResult {
    let contact = ContactId(id_of("contact", &id)?);
    app.store.set_closeness(contact, input.closeness, (app.clock)()).await?;
    ok(&app.store.contact_nurture(contact).await?.settings)
}

// --- event attendance and community members ---

/// People who were at an event.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct AttendeesInput {
    /// Contact ids.
    contacts: Vec<String>,
    /// Where the user first met them (a person is first met at one event; default false).
    #[serde(default)]
    met_here: bool,
}

/// Record people at an event (all or nothing); returns the event with its people.
#[utoipa::path(post, path = "/api/v1/events/{id}/attendees", params(("id" = String, Path)), request_body = AttendeesInput, responses((status = 200, body = Event), (status = 404, body = Problem), (status = 409, description = "Someone was first met at another event", body = Problem), (status = 422, body = Problem)))]
async fn add_attendees(
    State(app): State<AppState>,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<AttendeesInput>,
) -> ApiResult {
    let event = EventId(id_of("event", &id)?);
    let people = contact_ids(&input.contacts)?;
    app.store.set_attendance(event, &people, input.met_here).await?;
    ok(&app.store.get_event(event).await?)
}

/// Remove a person from an event; returns the event with its people.
#[utoipa::path(delete, path = "/api/v1/events/{id}/attendees/{contact}", params(("id" = String, Path), ("contact" = String, Path)), responses((status = 200, body = Event), (status = 404, body = Problem), (status = 422, description = "They are not recorded at the event", body = Problem)))]
async fn remove_attendee(
    State(app): State<AppState>,
    Path((id, contact)): Path<(String, String)>,
) -> ApiResult {
    let event = EventId(id_of("event", &id)?);
    let contact = ContactId(id_of("contact", &contact)?);
    app.store.remove_attendance(event, &[contact]).await?;
    ok(&app.store.get_event(event).await?)
}

/// People known through a community.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct MembersInput {
    /// Contact ids.
    contacts: Vec<String>,
}

/// Record people known through a community (all or nothing); returns the community.
#[utoipa::path(post, path = "/api/v1/communities/{id}/members", params(("id" = String, Path)), request_body = MembersInput, responses((status = 200, body = Community), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn add_members(
    State(app): State<AppState>,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<MembersInput>,
) -> ApiResult {
    let community = CommunityId(id_of("community", &id)?);
    let people = contact_ids(&input.contacts)?;
    app.store.set_members(community, &people, true).await?;
    ok(&app.store.get_community(community).await?)
}

/// Remove a person from a community's people; returns the community.
#[utoipa::path(delete, path = "/api/v1/communities/{id}/members/{contact}", params(("id" = String, Path), ("contact" = String, Path)), responses((status = 200, body = Community), (status = 404, body = Problem), (status = 422, description = "They are not a member", body = Problem)))]
async fn remove_member(
    State(app): State<AppState>,
    Path((id, contact)): Path<(String, String)>,
) -> ApiResult {
    let community = CommunityId(id_of("community", &id)?);
    let contact = ContactId(id_of("contact", &contact)?);
    app.store.set_members(community, &[contact], false).await?;
    ok(&app.store.get_community(community).await?)
}

// --- opportunities: next step and people ---

/// An opportunity's next step.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct NextStepInput {
    /// What to do next (one line); null clears the next step.
    step: Option<String>,
    /// When it is due (YYYY-MM-DD); only with a step.
    due: Option<chrono::NaiveDate>,
}

/// Set or clear an opportunity's next step and its due date.
#[utoipa::path(put, path = "/api/v1/opportunities/{id}/next-step", params(("id" = String, Path)), request_body = NextStepInput, responses((status = 200, body = Opportunity), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn set_next_step(
    State(app): State<AppState>,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<NextStepInput>,
) -> ApiResult {
    let id = OpportunityId(id_of("opportunity", &id)?);
    let step = match (input.step, input.due) {
        (Some(s), due) => Some((s, due)),
        (None, Some(d)) => return Err(invalid("due", &d.to_string(), "a next step to be due")),
        (None, None) => None,
    };
    ok(&app.store.set_next_step(id, step, (app.clock)()).await?)
}

/// A person on an opportunity.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct OpportunityPerson {
    /// A contact id.
    contact: String,
    /// referrer, hiring-manager, champion, interviewer, decision-maker, recruiter or contact
    /// (the default).
    role: Option<String>,
}

/// People to add to an opportunity.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct OpportunityPeople {
    contacts: Vec<OpportunityPerson>,
}

/// Add people to an opportunity with their roles; returns the opportunity.
#[utoipa::path(post, path = "/api/v1/opportunities/{id}/contacts", params(("id" = String, Path)), request_body = OpportunityPeople, responses((status = 200, body = Opportunity), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn link_opportunity(
    State(app): State<AppState>,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<OpportunityPeople>,
) -> ApiResult {
    use kith_core::pipeline::OpportunityRole;
    let id = OpportunityId(id_of("opportunity", &id)?);
    if input.contacts.is_empty() {
        return Err(invalid("contacts", "[]", "at least one person"));
    }
    let mut people = Vec::with_capacity(input.contacts.len());
    for p in &input.contacts {
        let role = p.role.as_deref().unwrap_or("contact");
        let role = OpportunityRole::parse(role).ok_or_else(|| {
            invalid("role", role, &format!("one of {}", OpportunityRole::expected()))
        })?;
        people.push((ContactId(id_of("contact", &p.contact)?), role));
    }
    ok(&app.store.link_opportunity(id, &people).await?)
}

// --- trash: purge ---

/// Delete one trash entry and its records for good (no undo).
#[utoipa::path(delete, path = "/api/v1/trash/{id}", params(("id" = String, Path)), responses((status = 200, description = "The entry purged", body = TrashEntry), (status = 404, body = Problem)))]
async fn purge(State(app): State<AppState>, Path(id): Path<String>) -> ApiResult {
    ok(&app.store.purge(TrashId(id_of("trash entry", &id)?)).await?)
}

#[derive(Deserialize, IntoParams)]
struct EmptyTrashParams {
    /// Must be `true`: emptying the trash cannot be undone.
    confirm: Option<bool>,
}

/// How many trash entries were purged.
#[derive(Serialize, utoipa::ToSchema)]
struct Purged {
    purged: u64,
}

/// Empty the trash for good (no undo). Needs `?confirm=true`; without it nothing is deleted
/// and the answer is 422.
#[utoipa::path(delete, path = "/api/v1/trash", params(EmptyTrashParams), responses((status = 200, body = Purged), (status = 422, description = "confirm=true is missing", body = Problem)))]
async fn empty_trash(
    State(app): State<AppState>,
    ApiQuery(p): ApiQuery<EmptyTrashParams>,
) -> ApiResult {
    if p.confirm != Some(true) {
        let given = p.confirm.map(|c| c.to_string()).unwrap_or_default();
        return Err(invalid("confirm", &given, "true, to empty the trash for good"));
    }
    ok(&Purged { purged: app.store.purge_all().await? })
}

// --- settings ---

/// Kith's settings.
#[derive(Serialize, utoipa::ToSchema)]
struct Settings {
    /// The user's own email addresses (they tell an email's direction on import).
    own_emails: Vec<String>,
    /// Days after which an interaction's weight in strength halves.
    half_life_days: f64,
    /// The follow-up window new events get, in days.
    follow_up_days: u32,
    /// The pipeline's open stages (won, lost and withdrawn always follow).
    pipeline: Pipeline,
    /// Every stage in order, closed ones included.
    stages: Vec<String>,
    /// Keep-in-touch cadences by tag: `{tag, cadence_days, people}`.
    #[schema(value_type = Vec<Object>)]
    tag_cadences: Vec<kith_store::TagCadence>,
}

async fn current_settings(app: &AppState) -> ApiResult {
    let pipeline = app.store.pipeline().await?;
    ok(&Settings {
        own_emails: app.store.own_emails().await?,
        half_life_days: app.store.strength_settings().await?.half_life_days,
        follow_up_days: app.store.follow_up_days().await?,
        stages: pipeline.all(),
        pipeline,
        tag_cadences: app.store.tag_cadences().await?,
    })
}

/// The settings: own emails, strength half-life, follow-up window, pipeline, tag cadences.
#[utoipa::path(get, path = "/api/v1/settings", responses((status = 200, body = Settings)))]
async fn settings(State(app): State<AppState>) -> ApiResult {
    current_settings(&app).await
}

/// The user's own email addresses.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct OwnEmailsInput {
    /// Every address (replaces the list).
    emails: Vec<String>,
}

/// Replace the user's own email addresses; returns the settings.
#[utoipa::path(put, path = "/api/v1/settings/own-emails", request_body = OwnEmailsInput, responses((status = 200, body = Settings), (status = 422, body = Problem)))]
async fn set_own_emails(
    State(app): State<AppState>,
    ApiJson(input): ApiJson<OwnEmailsInput>,
) -> ApiResult {
    app.store.set_own_emails(&input.emails).await?;
    current_settings(&app).await
}

/// The strength half-life.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct HalfLifeInput {
    /// Days, from 1 to 3650 (a problem names the field `half-life`).
    days: f64,
}

/// Set the strength half-life (every contact's strength is recomputed); returns the settings.
#[utoipa::path(put, path = "/api/v1/settings/half-life", request_body = HalfLifeInput, responses((status = 200, body = Settings), (status = 422, body = Problem)))]
async fn set_half_life(
    State(app): State<AppState>,
    ApiJson(input): ApiJson<HalfLifeInput>,
) -> ApiResult {
    app.store.set_half_life(input.days).await?;
    current_settings(&app).await
}

/// The follow-up window of new events.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct FollowUpInput {
    /// Days after an event ends, from 0 to 366 (a problem names the field `follow-up`).
    days: u32,
}

/// Set the follow-up window new events get; returns the settings.
#[utoipa::path(put, path = "/api/v1/settings/follow-up-days", request_body = FollowUpInput, responses((status = 200, body = Settings), (status = 422, body = Problem)))]
async fn set_follow_up_days(
    State(app): State<AppState>,
    ApiJson(input): ApiJson<FollowUpInput>,
) -> ApiResult {
    app.store.set_follow_up_days(input.days).await?;
    current_settings(&app).await
}

/// The pipeline's open stages.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct PipelineInput {
    /// One to twelve distinct stage names in order, without won, lost and withdrawn.
    stages: Vec<String>,
}

/// Replace the pipeline's open stages (refused while opportunities sit in a stage that would
/// go); returns the settings.
#[utoipa::path(put, path = "/api/v1/settings/pipeline", request_body = PipelineInput, responses((status = 200, body = Settings), (status = 422, body = Problem)))]
async fn set_pipeline(
    State(app): State<AppState>,
    ApiJson(input): ApiJson<PipelineInput>,
) -> ApiResult {
    // `Pipeline::parse` reads the comma-separated list the page and the CLI take.
    if let Some(s) = input.stages.iter().find(|s| s.contains(',') || s.trim().is_empty()) {
        return Err(invalid("stages", s, "one stage name per item"));
    }
    let p = Pipeline::parse(&input.stages.join(","))?;
    app.store.set_pipeline(&p).await?;
    current_settings(&app).await
}

/// The keep-in-touch cadence of everyone with a tag.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct TagCadenceInput {
    /// Days between contacts (1 to 3650); null clears it.
    days: Option<u32>,
}

/// Set or clear a tag's cadence (a person's own cadence wins); returns the settings.
#[utoipa::path(put, path = "/api/v1/settings/tag-cadences/{tag}", params(("tag" = String, Path)), request_body = TagCadenceInput, responses((status = 200, body = Settings), (status = 422, body = Problem)))]
async fn set_tag_cadence(
    State(app): State<AppState>,
    Path(tag): Path<String>,
    ApiJson(input): ApiJson<TagCadenceInput>,
) -> ApiResult {
    app.store.set_tag_cadence(&tag, input.days).await?;
    current_settings(&app).await
}
