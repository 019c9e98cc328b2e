//! HTML pages. Handlers are thin: parse the request, call the store's services, fill a view.

use crate::AppState;
use crate::auth::{self, CsrfToken, SESSION_COOKIE};
use crate::error::{PageError, WebError};
use crate::views::*;
use askama::Template;
use axum::extract::{ConnectInfo, Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use chrono::Duration;
use kith_core::goal::{GoalInput, GoalMetric, Period};
use kith_core::ledger::{LedgerDirection, LedgerInput, LedgerKind, LedgerStatus};
use kith_core::network::{
    CommunityInput, CommunityKind, ContributionInput, ContributionKind, EventInput, EventKind,
};
use kith_core::pipeline::{OpportunityInput, OpportunityKind, Pipeline};
use kith_core::{
    ContactId, ContactInput, Direction, Email, EventId, InteractionInput, InteractionKind,
    OrganizationId, Phone, validate,
};
use kith_store::{
    ContactQuery, ContactSort, EventQuery, InteractionQuery, LedgerQuery, OpportunityQuery,
    StoreError,
};
use serde::Deserialize;
use std::net::SocketAddr;

pub(crate) type PageResult = Result<Response, PageError>;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(today))
        .route("/people", get(people))
        .route("/people/new", get(new_person).post(create_person))
        .route("/people/{id}", get(person))
        .route("/people/{id}/edit", get(edit_person).post(update_person))
        .route("/people/{id}/log", post(log_interaction))
        .route("/people/{id}/note", post(add_note))
        .route("/people/{id}/cadence", post(set_person_cadence))
        .route("/people/{id}/ledger", post(add_ledger))
        .route("/people/{id}/delete", post(delete_person))
        .route("/organizations", get(organizations))
        .route("/organizations/{id}", get(organization))
        .route("/events", get(events).post(create_event))
        .route("/events/{id}", get(event))
        .route("/events/{id}/edit", post(update_event))
        .route("/events/{id}/attend", post(attend))
        .route("/communities", get(communities).post(create_community))
        .route("/communities/{id}", get(community))
        .route("/communities/{id}/members", post(add_member))
        .route("/communities/{id}/contributions", post(add_contribution))
        .route("/contributions/{id}/edit", post(update_contribution))
        .route("/interactions", get(interactions))
        .route("/goals", get(goals).post(create_goal))
        .route("/review", get(review))
        .route("/opportunities", get(opportunities).post(create_opportunity))
        .route("/opportunities/{id}/move", post(move_opportunity))
        .route("/paths", get(paths))
        .route("/insights", get(insights))
        .route("/trash", get(trash))
        .route("/trash/{id}/restore", post(restore))
        .route("/trash/{id}/purge", post(purge))
        .route("/trash/empty", post(empty_trash))
        .route("/settings", get(settings))
        .route("/settings/cadence", post(set_cadence))
        .route("/settings/half-life", post(set_half_life))
        .route("/settings/follow-up", post(set_follow_up))
        .route("/settings/stages", post(set_stages))
        .route("/settings/secrets", post(create_secret))
        .route("/settings/secrets/revoke", post(revoke_secret))
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/demo", post(load_demo))
}

pub(crate) fn nav(app: &AppState, csrf: &CsrfToken, active: &'static str) -> Nav {
    Nav { active, csrf: csrf.0.clone(), signed_in: app.auth_required }
}

pub(crate) fn render<T: Template>(t: &T) -> PageResult {
    Ok(Html(t.render()?).into_response())
}

pub(crate) fn render_status<T: Template>(status: StatusCode, t: &T) -> PageResult {
    Ok((status, Html(t.render()?)).into_response())
}

pub(crate) fn see_other(to: &str) -> PageResult {
    Ok(Redirect::to(to).into_response())
}

pub(crate) fn parse_id(kind: &str, raw: &str) -> Result<uuid::Uuid, PageError> {
    uuid::Uuid::parse_str(raw)
        .map_err(|_| PageError(WebError::NotFound(format!("no {kind} has the id {raw:?}"))))
}

/// Field errors of a failed write, or the failure itself.
pub(crate) fn form_errors(e: StoreError) -> Result<FormErrors, PageError> {
    match e {
        StoreError::Invalid(v) => Ok(FormErrors(v.errors)),
        StoreError::Conflict(m) => Ok(FormErrors(vec![kith_core::FieldError {
            field: "form".into(),
            value: None,
            expected: m,
        }])),
        other => Err(other.into()),
    }
}

/// An input error on one field, as the store reports them.
fn invalid(field: &str, value: &str, expected: &str) -> StoreError {
    StoreError::Invalid(kith_core::ValidationError::one(field, Some(value), expected))
}

/// A name that found nobody, or several, as an error on the form field it was typed into.
pub(crate) fn lookup_error(field: &str, e: StoreError) -> StoreError {
    let expected = match &e {
        StoreError::NotFound { what, reference } => {
            format!("the name, email or id of a {what} in Kith (none matches {reference:?})")
        }
        StoreError::Ambiguous { .. } => format!("one match ({e})"),
        _ => return e,
    };
    StoreError::Invalid(kith_core::ValidationError::one(field, None, &expected))
}

async fn today(State(app): State<AppState>, Extension(csrf): Extension<CsrfToken>) -> PageResult {
    if app.stats().await?.contacts == 0 {
        return render(&WelcomePage { nav: nav(&app, &csrf, "today") });
    }
    render(&today_view(&app, &csrf, FormState::default()).await?)
}

/// Today, with the reminder form's state.
pub(crate) async fn today_view(
    app: &AppState,
    csrf: &CsrfToken,
    form: FormState,
) -> Result<TodayPage, PageError> {
    let s = &*app.store;
    let now = (app.clock)();
    let today = now.date_naive();
    let (due, due_total) = app.due_top(now, 25).await?;
    let open_asks = s
        .list_ledger(&LedgerQuery {
            kind: Some(LedgerKind::Ask),
            status: Some(LedgerStatus::Open),
            limit: Some(10),
            ..Default::default()
        })
        .await?
        .items;
    // Help offered and not yet given: what the user owes.
    let favours_owed = s
        .list_ledger(&LedgerQuery {
            kind: Some(LedgerKind::Help),
            direction: Some(LedgerDirection::Given),
            status: Some(LedgerStatus::Offered),
            limit: Some(10),
            ..Default::default()
        })
        .await?
        .items;
    Ok(TodayPage {
        nav: nav(app, csrf, "today"),
        due,
        due_total,
        next_steps: app.next_steps(today + Duration::days(7)).await?.to_vec(),
        upcoming: app.upcoming(today, 7).await?.to_vec(),
        goals: app.goal_progress(today).await?.to_vec(),
        open_asks,
        favours_owed,
        today,
        form,
    })
}

#[derive(Deserialize)]
struct PeopleQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    tag: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    org: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    band: String,
    #[serde(default)]
    overdue: String,
    #[serde(default)]
    page: Option<u64>,
}

const PAGE_SIZE: u64 = 50;

/// How many search matches the People page shows (and filters, when filters are set).
const SEARCH_HITS: usize = 200;

async fn people(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Query(q): Query<PeopleQuery>,
) -> PageResult {
    let now = (app.clock)();
    let sort = match q.sort.as_str() {
        "last" => ContactSort::LastInteraction,
        "stale" => ContactSort::LeastRecent,
        "added" => ContactSort::Created,
        "strength" => ContactSort::Strength,
        _ => ContactSort::Name,
    };
    let page = q.page.unwrap_or(1).max(1);
    let mut message = String::new();
    let organization = if q.org.trim().is_empty() {
        None
    } else {
        match kith_store::resolve_organization(&*app.store, q.org.trim()).await {
            Ok(id) => Some(id),
            Err(e @ (StoreError::NotFound { .. } | StoreError::Ambiguous { .. })) => {
                message = e.to_string();
                None
            }
            Err(e) => return Err(e.into()),
        }
    };
    let role = kith_core::leverage::RelationshipRole::parse(&q.role);
    let band = kith_core::strength::Band::parse(&q.band);
    let tag = Some(q.tag.trim().to_lowercase()).filter(|t| !t.is_empty());
    let overdue = !q.overdue.is_empty();
    let filtered =
        tag.is_some() || !q.org.trim().is_empty() || role.is_some() || band.is_some() || overdue;
    let searching = !q.q.trim().is_empty();
    let mut capped = false;
    let (people, hits, total) = if !message.is_empty() {
        (vec![], vec![], 0)
    } else if searching && !filtered {
        // Best matches first.
        let hits = app.store.search(&q.q, SEARCH_HITS).await?;
        let n = hits.len() as u64;
        (vec![], hits, n)
    } else {
        // A search with filters lists the matches that pass the filters, in the chosen order.
        let ids: Option<Vec<ContactId>> = if searching {
            Some(app.store.search(&q.q, SEARCH_HITS).await?.iter().map(|h| h.contact.id).collect())
        } else {
            None
        };
        capped = ids.as_ref().is_some_and(|ids| ids.len() >= SEARCH_HITS);
        let list = app
            .list_contacts(&ContactQuery {
                now: Some(now),
                tag,
                organization,
                role,
                band,
                overdue,
                ids,
                sort,
                limit: Some(PAGE_SIZE),
                offset: (page - 1) * PAGE_SIZE,
            })
            .await?;
        (list.items.clone(), vec![], list.total)
    };
    render(&PeoplePage {
        nav: nav(&app, &csrf, "people"),
        ranked: searching && !filtered,
        filtered,
        capped,
        q: q.q,
        tag: q.tag,
        org: q.org,
        role: role.map(|r| r.as_str().to_string()).unwrap_or_default(),
        band: kith_core::strength::Band::parse(&q.band).map(|b| b.as_str()).unwrap_or_default(),
        overdue: !q.overdue.is_empty(),
        roles: kith_core::leverage::RelationshipRole::ALL.iter().map(|r| r.as_str()).collect(),
        message,
        sort: if q.sort.is_empty() { "name".into() } else { q.sort },
        people,
        hits,
        total,
        page,
        pages: total.div_ceil(PAGE_SIZE),
        now,
    })
}

async fn new_person(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
) -> PageResult {
    render(&PersonFormPage {
        nav: nav(&app, &csrf, "people"),
        id: None,
        form: PersonForm::default(),
        errors: FormErrors::default(),
    })
}

/// Applies the form to a contact input (new or existing).
fn apply_form(input: &mut ContactInput, f: &PersonForm, today: chrono::NaiveDate) {
    input.display_name = f.name.trim().to_string();
    input.emails = f
        .email
        .split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(|e| Email { address: e.to_string(), label: None })
        .collect();
    input.phones = f
        .phone
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| Phone { number: p.to_string(), normalized: String::new(), label: None })
        .collect();
    if !f.org.trim().is_empty() {
        let title = Some(f.title.trim()).filter(|t| !t.is_empty());
        input.set_current_role(f.org.trim(), title, today);
    }
    input.tags =
        f.tags.split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_string).collect();
    input.location = Some(f.location.trim().to_string()).filter(|s| !s.is_empty());
    input.how_met = Some(f.how_met.trim().to_string()).filter(|s| !s.is_empty());
    input.notes = f.notes.clone();
}

async fn create_person(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Form(f): Form<PersonForm>,
) -> PageResult {
    let now = (app.clock)();
    let mut input = ContactInput::named(&f.name);
    apply_form(&mut input, &f, now.date_naive());
    match app.store.create_contact(&input, now).await {
        Ok(c) => see_other(&format!("/people/{}", c.id)),
        Err(e) => {
            let errors = form_errors(e)?;
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &PersonFormPage { nav: nav(&app, &csrf, "people"), id: None, form: f, errors },
            )
        }
    }
}

async fn person_view(
    app: &AppState,
    csrf: &CsrfToken,
    id: ContactId,
    form: FormState,
) -> Result<PersonPage, PageError> {
    let s = &*app.store;
    let now = (app.clock)();
    let c = s.get_contact(id).await?;
    let nurture = s.contact_nurture(id).await?;
    let settings = s.strength_settings().await?;
    let strength = kith_core::strength::strength(&nurture.history, now, &settings);
    let mut timeline: Vec<(chrono::DateTime<chrono::Utc>, TimelineItem)> = s
        .list_interactions(&InteractionQuery { contact: Some(id), limit: Some(50), offset: 0 })
        .await?
        .items
        .iter()
        .map(|i| (i.occurred_at, interaction_item(i, id)))
        .collect();
    for n in s.list_notes(id).await?.into_iter().take(50) {
        timeline.push((
            n.created_at,
            TimelineItem {
                on: n.created_at.date_naive().to_string(),
                kind: "note".into(),
                text: n.body,
                with: String::new(),
                href: String::new(),
                delete: String::new(),
            },
        ));
    }
    for e in s
        .list_ledger(&LedgerQuery { contact: Some(id), limit: Some(50), ..Default::default() })
        .await?
        .items
    {
        let at = e.on.and_time(chrono::NaiveTime::MIN).and_utc();
        timeline.push((
            at,
            TimelineItem {
                on: e.on.to_string(),
                kind: e.kind.to_string(),
                text: e.line(),
                with: String::new(),
                href: String::new(),
                delete: format!("/ledger/{}/delete", e.id),
            },
        ));
    }
    let network = s.contact_network(id).await?;
    let midnight = |d: chrono::NaiveDate| d.and_time(chrono::NaiveTime::MIN).and_utc();
    for (e, met_here) in &network.events {
        timeline.push((
            midnight(e.starts_on),
            TimelineItem {
                on: e.starts_on.to_string(),
                kind: "event".into(),
                text: e.name.clone(),
                with: if *met_here { "first met here".into() } else { String::new() },
                href: format!("/events/{}", e.id),
                delete: String::new(),
            },
        ));
    }
    let opportunities =
        s.list_opportunities(&OpportunityQuery { contact: Some(id), ..Default::default() }).await?;
    for o in &opportunities {
        for (n, step) in o.history.iter().enumerate() {
            let text = if n == 0 {
                format!("{} ({}): {}", o.title, o.kind.as_str(), step.stage)
            } else {
                format!("{}: moved to {}", o.title, step.stage)
            };
            timeline.push((
                midnight(step.on),
                TimelineItem {
                    on: step.on.to_string(),
                    kind: "opportunity".into(),
                    text,
                    with: String::new(),
                    href: format!("/opportunities#o-{}", o.id),
                    delete: String::new(),
                },
            ));
        }
    }
    timeline.sort_by_key(|t| std::cmp::Reverse(t.0));
    let cadence = match (&nurture.settings.cadence_days, &nurture.settings.cadence_source) {
        (Some(d), Some(kith_core::nurture::CadenceSource::Tag(t))) => {
            format!("every {d} days (tag {t})")
        }
        (Some(d), _) => format!("every {d} days"),
        _ => String::new(),
    };
    let role_list = s.roles_of(id).await?;
    let roles = role_list.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", ");
    let knows = s
        .connections(Some(id))
        .await?
        .into_iter()
        .map(|k| {
            let other = if k.a.contact_id == id { k.b } else { k.a };
            (other, k.note)
        })
        .collect();
    let reminders = s
        .list_reminders(false)
        .await?
        .into_iter()
        .filter(|r| r.contact.as_ref().is_some_and(|c| c.contact_id == id))
        .collect();
    Ok(PersonPage {
        nav: nav(app, csrf, "people"),
        strength,
        cadence,
        balance: nurture.balance.sentence().unwrap_or_default(),
        roles,
        role_list: role_list.iter().map(|r| r.as_str()).collect(),
        snoozed_until: nurture.settings.snoozed_until.map(|d| d.to_string()).unwrap_or_default(),
        closeness: nurture.settings.closeness.map(|c| c.to_string()).unwrap_or_default(),
        knows,
        reminders,
        timeline: timeline.into_iter().map(|(_, t)| t).take(60).collect(),
        events: network.events,
        communities: network.communities,
        opportunities,
        collaborations: s.list_collaborations(Some(id)).await?,
        now,
        form,
        c,
    })
}

async fn person(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<String>,
) -> PageResult {
    let id = ContactId(parse_id("person", &id)?);
    render(&person_view(&app, &csrf, id, FormState::default()).await?)
}

async fn edit_person(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<String>,
) -> PageResult {
    let id = ContactId(parse_id("person", &id)?);
    let c = app.store.get_contact(id).await?;
    let role = c.current_role();
    let form = PersonForm {
        name: c.display_name.clone(),
        email: c.emails.iter().map(|e| e.address.clone()).collect::<Vec<_>>().join(", "),
        phone: c.phones.iter().map(|p| p.number.clone()).collect::<Vec<_>>().join(", "),
        org: role.map(|r| r.organization.clone()).unwrap_or_default(),
        title: role.and_then(|r| r.title.clone()).unwrap_or_default(),
        tags: c.tags.join(", "),
        location: c.location.clone().unwrap_or_default(),
        how_met: c.how_met.clone().unwrap_or_default(),
        notes: c.notes.clone(),
    };
    render(&PersonFormPage {
        nav: nav(&app, &csrf, "people"),
        id: Some(id.to_string()),
        form,
        errors: FormErrors::default(),
    })
}

async fn update_person(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<String>,
    Form(f): Form<PersonForm>,
) -> PageResult {
    let now = (app.clock)();
    let id = ContactId(parse_id("person", &id)?);
    let mut input = app.store.get_contact(id).await?.to_input();
    apply_form(&mut input, &f, now.date_naive());
    match app.store.update_contact(id, &input, now).await {
        Ok(_) => see_other(&format!("/people/{id}")),
        Err(e) => {
            let errors = form_errors(e)?;
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &PersonFormPage {
                    nav: nav(&app, &csrf, "people"),
                    id: Some(id.to_string()),
                    form: f,
                    errors,
                },
            )
        }
    }
}

#[derive(Deserialize)]
struct LogForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    direction: String,
    #[serde(default)]
    at: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    back: String,
}

/// A local redirect target from a form, or the default.
pub(crate) fn back_to(back: &str, default: String) -> String {
    // A path on this server only: browsers read `\` as `/` and drop tabs and newlines, so
    // `/\evil.example` or `/<tab>/evil.example` would leave the site.
    let local = back.starts_with('/')
        && !back.starts_with("//")
        && !back.contains('\\')
        && !back.chars().any(|c| c.is_control() || c.is_whitespace());
    if local { back.to_string() } else { default }
}

async fn log_interaction(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<String>,
    Form(f): Form<LogForm>,
) -> PageResult {
    let now = (app.clock)();
    let id = ContactId(parse_id("person", &id)?);
    let mut errs = kith_core::error::Collector::default();
    let kind = InteractionKind::parse(&f.kind).unwrap_or_else(|| {
        errs.push("kind", Some(&f.kind), &format!("one of {}", InteractionKind::expected()));
        InteractionKind::Other
    });
    let direction =
        Direction::parse_loose(if f.direction.is_empty() { "mutual" } else { &f.direction })
            .unwrap_or(Direction::Mutual);
    let at = if f.at.trim().is_empty() || f.at.trim() == "now" {
        now
    } else {
        validate::datetime("when", &f.at).map_err(|e| errs.extend(e)).unwrap_or(now)
    };
    let result = match errs.finish() {
        Err(e) => Err(StoreError::Invalid(e)),
        Ok(()) => {
            let input = InteractionInput {
                occurred_at: at,
                kind,
                direction,
                participants: vec![id],
                summary: f.summary.clone(),
                notes: String::new(),
            };
            app.store.log_interaction(&input, now).await.map(|_| ())
        }
    };
    match result {
        Ok(()) => see_other(&back_to(&f.back, format!("/people/{id}"))),
        Err(e) => {
            let form = FormState::failed(
                "log",
                form_errors(e)?,
                [
                    ("kind", f.kind),
                    ("direction", f.direction),
                    ("at", f.at),
                    ("summary", f.summary),
                ],
            );
            person_failed(&app, &csrf, id, form).await
        }
    }
}

#[derive(Deserialize)]
struct NoteForm {
    #[serde(default)]
    body: String,
}

/// The person page again, with the form that failed.
pub(crate) async fn person_failed(
    app: &AppState,
    csrf: &CsrfToken,
    id: ContactId,
    form: FormState,
) -> PageResult {
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &person_view(app, csrf, id, form).await?)
}

async fn add_note(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<String>,
    Form(f): Form<NoteForm>,
) -> PageResult {
    let id = ContactId(parse_id("person", &id)?);
    match app.store.add_note(id, &f.body, (app.clock)()).await {
        Ok(_) => see_other(&format!("/people/{id}")),
        Err(e) => {
            let form = FormState::failed("note", form_errors(e)?, [("body", f.body)]);
            person_failed(&app, &csrf, id, form).await
        }
    }
}

/// Sets a person's own keep-in-touch cadence; an empty field clears it (the tag's applies).
async fn set_person_cadence(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<String>,
    Form(f): Form<CadenceForm>,
) -> PageResult {
    let id = ContactId(parse_id("person", &id)?);
    let result = async {
        let days = match f.every.trim() {
            "" => None,
            every => Some(kith_core::nurture::parse_cadence("every", every)?),
        };
        app.store.set_cadence(id, days, (app.clock)()).await
    }
    .await;
    match result {
        Ok(_) => see_other(&format!("/people/{id}")),
        Err(e) => {
            let form = FormState::failed("cadence", form_errors(e)?, [("every", f.every)]);
            person_failed(&app, &csrf, id, form).await
        }
    }
}

#[derive(Deserialize)]
struct LedgerForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    direction: String,
    #[serde(default)]
    summary: String,
}

async fn add_ledger(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<String>,
    Form(f): Form<LedgerForm>,
) -> PageResult {
    let now = (app.clock)();
    let id = ContactId(parse_id("person", &id)?);
    let result = async {
        let kind = LedgerKind::parse(&f.kind).ok_or_else(|| {
            invalid("kind", &f.kind, &format!("one of {}", LedgerKind::expected()))
        })?;
        let input = LedgerInput {
            kind,
            direction: LedgerDirection::parse(&f.direction),
            status: None,
            on: now.date_naive(),
            participants: vec![id],
            summary: f.summary.clone(),
            notes: String::new(),
        };
        app.store.add_ledger_entry(&input, now).await
    }
    .await;
    match result {
        Ok(_) => see_other(&format!("/people/{id}")),
        Err(e) => {
            let form = FormState::failed(
                "ledger",
                form_errors(e)?,
                [("kind", f.kind), ("direction", f.direction), ("summary", f.summary)],
            );
            person_failed(&app, &csrf, id, form).await
        }
    }
}

async fn delete_person(State(app): State<AppState>, Path(id): Path<String>) -> PageResult {
    let id = ContactId(parse_id("person", &id)?);
    app.store.trash_contact(id, (app.clock)()).await?;
    see_other("/trash")
}

async fn organizations(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
) -> PageResult {
    crate::records::organizations_page(&app, &csrf).await
}

async fn organization(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<String>,
) -> PageResult {
    let id = OrganizationId(parse_id("organization", &id)?);
    render(&crate::records::organization_view(&app, &csrf, id, FormState::default()).await?)
}

async fn events_view(
    app: &AppState,
    csrf: &CsrfToken,
    form: FormState,
) -> Result<EventsPage, PageError> {
    let events =
        app.store.list_events(&EventQuery { limit: Some(200), ..Default::default() }).await?.items;
    Ok(EventsPage { nav: nav(app, csrf, "events"), events, form })
}

async fn events(State(app): State<AppState>, Extension(csrf): Extension<CsrfToken>) -> PageResult {
    render(&events_view(&app, &csrf, FormState::default()).await?)
}

#[derive(Deserialize)]
struct EventForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    start: String,
    #[serde(default)]
    end: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    location: String,
}

impl EventForm {
    /// The form's fields over `base`; what the form does not show (link, organizer, role,
    /// notes) is kept.
    fn input(&self, base: EventInput) -> Result<EventInput, StoreError> {
        let starts_on = validate::date("start", &self.start)?;
        let ends_on = match self.end.trim() {
            "" => None,
            end => Some(validate::date("end", end)?),
        };
        Ok(EventInput {
            name: self.name.clone(),
            kind: EventKind::parse(&self.kind),
            starts_on,
            ends_on,
            location: Some(self.location.trim().to_string()).filter(|l| !l.is_empty()),
            ..base
        })
    }

    /// The form as typed, for showing it again with its errors.
    fn typed(self) -> [(&'static str, String); 5] {
        [
            ("name", self.name),
            ("start", self.start),
            ("end", self.end),
            ("kind", self.kind),
            ("location", self.location),
        ]
    }
}

async fn create_event(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Form(f): Form<EventForm>,
) -> PageResult {
    let now = (app.clock)();
    let base = EventInput::new("", now.date_naive());
    let result = async { app.store.create_event(&f.input(base)?, now).await }.await;
    match result {
        Ok(e) => see_other(&format!("/events/{}", e.id)),
        Err(e) => {
            let form = FormState::failed("event", form_errors(e)?, f.typed());
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &events_view(&app, &csrf, form).await?)
        }
    }
}

/// Changes an event's name, dates, kind and place.
async fn update_event(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<String>,
    Form(f): Form<EventForm>,
) -> PageResult {
    let id = EventId(parse_id("event", &id)?);
    let now = (app.clock)();
    let e = app.store.get_event(id).await?;
    let base = EventInput {
        name: e.name,
        kind: Some(e.kind),
        starts_on: e.starts_on,
        ends_on: Some(e.ends_on),
        location: e.location,
        url: e.url,
        organizer: e.organizer.map(|(o, _)| o),
        my_role: Some(e.my_role),
        follow_up_days: Some(e.follow_up_days),
        notes: e.notes,
    };
    let result = async { app.store.update_event(id, &f.input(base)?, now).await }.await;
    match result {
        Ok(_) => see_other(&format!("/events/{id}")),
        Err(e) => {
            let form = FormState::failed("event", form_errors(e)?, f.typed());
            let page = event_view(&app, &csrf, id, form).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

async fn event(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<String>,
) -> PageResult {
    let id = EventId(parse_id("event", &id)?);
    render(&event_view(&app, &csrf, id, FormState::default()).await?)
}

async fn event_view(
    app: &AppState,
    csrf: &CsrfToken,
    id: EventId,
    form: FormState,
) -> Result<EventPage, PageError> {
    let e = app.store.get_event(id).await?;
    let open = app
        .store
        .follow_ups((app.clock)().date_naive())
        .await?
        .into_iter()
        .filter(|f| f.event_id == id)
        .map(|f| f.contact.display_name)
        .collect();
    Ok(EventPage { nav: nav(app, csrf, "events"), e, open, form })
}

#[derive(Deserialize)]
struct AttendForm {
    #[serde(default)]
    contact: String,
    #[serde(default)]
    met_here: Option<String>,
}

async fn attend(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<String>,
    Form(f): Form<AttendForm>,
) -> PageResult {
    let id = EventId(parse_id("event", &id)?);
    // An unknown event is a 404, not a form error.
    app.store.get_event(id).await?;
    let result = async {
        let who = kith_store::resolve_contact(&*app.store, f.contact.trim())
            .await
            .map_err(|e| lookup_error("contact", e))?;
        app.store.set_attendance(id, &[who], f.met_here.is_some()).await
    }
    .await;
    match result {
        Ok(_) => see_other(&format!("/events/{id}")),
        Err(e) => {
            let met_here = if f.met_here.is_some() { "1" } else { "" }.to_string();
            let form = FormState::failed(
                "attend",
                form_errors(e)?,
                [("contact", f.contact), ("met_here", met_here)],
            );
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &event_view(&app, &csrf, id, form).await?,
            )
        }
    }
}

async fn communities_view(
    app: &AppState,
    csrf: &CsrfToken,
    form: FormState,
) -> Result<CommunitiesPage, PageError> {
    Ok(CommunitiesPage {
        nav: nav(app, csrf, "communities"),
        communities: app.store.list_communities().await?,
        form,
    })
}

async fn communities(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
) -> PageResult {
    render(&communities_view(&app, &csrf, FormState::default()).await?)
}

#[derive(Deserialize)]
pub(crate) struct CommunityForm {
    #[serde(default)]
    pub(crate) name: String,
    #[serde(default)]
    pub(crate) kind: String,
    #[serde(default)]
    pub(crate) url: String,
}

async fn create_community(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Form(f): Form<CommunityForm>,
) -> PageResult {
    let input = CommunityInput {
        name: f.name.clone(),
        kind: CommunityKind::parse_loose(&f.kind),
        url: Some(f.url.clone()),
        my_role: None,
        since: None,
        renews_on: None,
        notes: String::new(),
    };
    match app.store.create_community(&input, (app.clock)()).await {
        Ok(c) => see_other(&format!("/communities/{}", c.id)),
        Err(e) => {
            let form = FormState::failed(
                "community",
                form_errors(e)?,
                [("name", f.name), ("kind", f.kind), ("url", f.url)],
            );
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &communities_view(&app, &csrf, form).await?,
            )
        }
    }
}

async fn community(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<String>,
) -> PageResult {
    let id = kith_core::CommunityId(parse_id("community", &id)?);
    render(&community_view(&app, &csrf, id, FormState::default()).await?)
}

pub(crate) async fn community_view(
    app: &AppState,
    csrf: &CsrfToken,
    id: kith_core::CommunityId,
    form: FormState,
) -> Result<CommunityPage, PageError> {
    Ok(CommunityPage {
        nav: nav(app, csrf, "communities"),
        c: app.store.get_community(id).await?,
        today: (app.clock)().date_naive().to_string(),
        form,
    })
}

#[derive(Deserialize)]
struct MemberForm {
    #[serde(default)]
    contact: String,
}

/// Adds someone the user knows through the community.
async fn add_member(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<String>,
    Form(f): Form<MemberForm>,
) -> PageResult {
    let id = kith_core::CommunityId(parse_id("community", &id)?);
    app.store.get_community(id).await?;
    let result = async {
        let who = kith_store::resolve_contact(&*app.store, f.contact.trim())
            .await
            .map_err(|e| lookup_error("contact", e))?;
        app.store.set_members(id, &[who], true).await
    }
    .await;
    match result {
        Ok(()) => see_other(&format!("/communities/{id}")),
        Err(e) => {
            let form = FormState::failed("member", form_errors(e)?, [("contact", f.contact)]);
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &community_view(&app, &csrf, id, form).await?,
            )
        }
    }
}

#[derive(Deserialize)]
struct ContributionForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    on: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    url: String,
}

/// Records something the user gave the community (a talk, a post, an answer ...).
/// The contribution a form describes (kind, day, title, link) in a community.
fn contribution_input(
    f: &ContributionForm,
    community: kith_core::CommunityId,
    today: chrono::NaiveDate,
) -> Result<ContributionInput, StoreError> {
    let kind = ContributionKind::parse_loose(&f.kind).ok_or_else(|| {
        invalid("kind", &f.kind, &format!("one of {}", ContributionKind::expected()))
    })?;
    let on = match f.on.trim() {
        "" => today,
        d => validate::date("on", d)?,
    };
    Ok(ContributionInput {
        community,
        kind,
        on,
        title: f.title.clone(),
        url: Some(f.url.trim().to_string()).filter(|u| !u.is_empty()),
    })
}

/// The community page again with a contribution form that failed (its errors and input).
async fn contribution_failed(
    app: &AppState,
    csrf: &CsrfToken,
    community: kith_core::CommunityId,
    form: String,
    e: StoreError,
    f: ContributionForm,
) -> PageResult {
    let form = FormState::failed(
        form,
        form_errors(e)?,
        [("kind", f.kind), ("on", f.on), ("title", f.title), ("url", f.url)],
    );
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &community_view(app, csrf, community, form).await?,
    )
}

async fn add_contribution(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<String>,
    Form(f): Form<ContributionForm>,
) -> PageResult {
    let id = kith_core::CommunityId(parse_id("community", &id)?);
    app.store.get_community(id).await?;
    let now = (app.clock)();
    let result = async {
        let input = contribution_input(&f, id, now.date_naive())?;
        app.store.add_contribution(&input, now).await
    }
    .await;
    match result {
        Ok(_) => see_other(&format!("/communities/{id}")),
        Err(e) => contribution_failed(&app, &csrf, id, "contribution".into(), e, f).await,
    }
}

/// Changes a contribution's kind, day, title and link (from its community's page).
async fn update_contribution(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<String>,
    Form(f): Form<ContributionForm>,
) -> PageResult {
    let id = kith_core::ContributionId(parse_id("contribution", &id)?);
    let k = app.store.get_contribution(id).await?;
    let now = (app.clock)();
    let result = async {
        let input = contribution_input(&f, k.community_id, now.date_naive())?;
        app.store.update_contribution(id, &input, now).await
    }
    .await;
    match result {
        Ok(_) => see_other(&format!("/communities/{}", k.community_id)),
        Err(e) => {
            contribution_failed(&app, &csrf, k.community_id, format!("contribution-{id}"), e, f)
                .await
        }
    }
}

async fn goals_view(
    app: &AppState,
    csrf: &CsrfToken,
    form: FormState,
) -> Result<GoalsPage, PageError> {
    let now = (app.clock)();
    Ok(GoalsPage {
        nav: nav(app, csrf, "goals"),
        goals: app.goal_progress(now.date_naive()).await?.to_vec(),
        review: app.review(Period::Week, now).await?,
        form,
    })
}

async fn goals(State(app): State<AppState>, Extension(csrf): Extension<CsrfToken>) -> PageResult {
    render(&goals_view(&app, &csrf, FormState::default()).await?)
}

#[derive(Deserialize)]
struct InteractionsQuery {
    page: Option<u64>,
}

/// How many interactions the Interactions page lists at a time.
const INTERACTIONS_PER_PAGE: u64 = 50;

/// Every interaction, newest first, a page at a time (`kith interactions`).
async fn interactions(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Query(q): Query<InteractionsQuery>,
) -> PageResult {
    let page = q.page.unwrap_or(1).max(1);
    let list = app
        .store
        .list_interactions(&InteractionQuery {
            contact: None,
            limit: Some(INTERACTIONS_PER_PAGE),
            offset: (page - 1).saturating_mul(INTERACTIONS_PER_PAGE),
        })
        .await?;
    render(&InteractionsPage {
        nav: nav(&app, &csrf, "people"),
        pages: list.total.div_ceil(INTERACTIONS_PER_PAGE).max(1),
        total: list.total,
        items: list.items,
        page,
        now: (app.clock)(),
    })
}

#[derive(Deserialize)]
struct ReviewQuery {
    #[serde(default)]
    period: String,
}

/// The week (default) or month that holds today, in review: what `kith review [--month]` prints.
async fn review(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Query(q): Query<ReviewQuery>,
) -> PageResult {
    let period = match q.period.trim() {
        "" | "week" => Period::Week,
        "month" => Period::Month,
        other => return Err(invalid("period", other, "week or month").into()),
    };
    let now = (app.clock)();
    render(&ReviewPage {
        nav: nav(&app, &csrf, "goals"),
        review: app.review(period, now).await?,
        today: now.date_naive(),
    })
}

#[derive(Deserialize)]
struct GoalForm {
    #[serde(default)]
    metric: String,
    #[serde(default)]
    target: String,
    #[serde(default)]
    per: String,
    #[serde(default)]
    tag: String,
}

async fn create_goal(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Form(f): Form<GoalForm>,
) -> PageResult {
    let result = async {
        let bad = |field: &str, v: &str, exp: String| invalid(field, v, &exp);
        let input =
            GoalInput {
                metric: GoalMetric::parse_loose(&f.metric)
                    .ok_or_else(|| bad("metric", &f.metric, GoalMetric::expected()))?,
                target: f.target.trim().parse().map_err(|_| {
                    bad("target", &f.target, "a whole number from 1 to 1000".into())
                })?,
                period: Period::parse_loose(&f.per)
                    .ok_or_else(|| bad("per", &f.per, Period::expected()))?,
                tag: Some(f.tag.trim().to_string()).filter(|t| !t.is_empty()),
                kind: None,
            };
        app.store.create_goal(&input, (app.clock)()).await
    }
    .await;
    match result {
        Ok(_) => see_other("/goals"),
        Err(e) => {
            let form = FormState::failed(
                "goal",
                form_errors(e)?,
                [("metric", f.metric), ("target", f.target), ("per", f.per), ("tag", f.tag)],
            );
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &goals_view(&app, &csrf, form).await?)
        }
    }
}

pub(crate) async fn opportunities_view(
    app: &AppState,
    csrf: &CsrfToken,
    form: FormState,
) -> Result<OpportunitiesPage, PageError> {
    let pipeline: Pipeline = app.store.pipeline().await?;
    let list = app.store.list_opportunities(&OpportunityQuery::default()).await?;
    let stages = pipeline.all();
    let columns = stages
        .iter()
        .map(|s| Column {
            stage: s.clone(),
            cards: list.iter().filter(|o| o.stage == *s).cloned().collect(),
        })
        .collect();
    Ok(OpportunitiesPage { nav: nav(app, csrf, "opportunities"), columns, stages, form })
}

async fn opportunities(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
) -> PageResult {
    render(&opportunities_view(&app, &csrf, FormState::default()).await?)
}

#[derive(Deserialize)]
struct OpportunityForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    org: String,
}

async fn create_opportunity(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Form(f): Form<OpportunityForm>,
) -> PageResult {
    let now = (app.clock)();
    let result = async {
        // A new organization is created only for an opportunity that will be created.
        let kind = OpportunityKind::parse(&f.kind).unwrap_or(OpportunityKind::Other);
        let mut input = OpportunityInput::new(f.title.clone(), kind);
        input.normalized(&app.store.pipeline().await?, now.date_naive())?;
        input.organization = match f.org.trim() {
            "" => None,
            org => Some(
                kith_store::organization_or_new(&*app.store, org, now)
                    .await
                    .map_err(|e| lookup_error("name", e))?,
            ),
        };
        app.store.create_opportunity(&input, now).await
    }
    .await;
    match result {
        Ok(o) => see_other(&format!("/opportunities#o-{}", o.id)),
        Err(e) => {
            let form = FormState::failed(
                "opportunity",
                form_errors(e)?,
                [("title", f.title), ("kind", f.kind), ("org", f.org)],
            );
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &opportunities_view(&app, &csrf, form).await?,
            )
        }
    }
}

#[derive(Deserialize)]
struct MoveForm {
    #[serde(default)]
    stage: String,
}

async fn move_opportunity(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<String>,
    Form(f): Form<MoveForm>,
) -> PageResult {
    let now = (app.clock)();
    let id = kith_core::OpportunityId(parse_id("opportunity", &id)?);
    let current = app.store.get_opportunity(id).await?;
    if current.stage != f.stage
        && let Err(e) = app.store.move_opportunity(id, &f.stage, now.date_naive(), now).await
    {
        let form = FormState::failed("move", form_errors(e)?, [("stage", f.stage)]);
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &opportunities_view(&app, &csrf, form).await?,
        );
    }
    see_other(&format!("/opportunities#o-{id}"))
}

#[derive(Deserialize)]
struct PathQuery {
    #[serde(default)]
    to: String,
    #[serde(default)]
    org: String,
}

async fn paths(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Query(q): Query<PathQuery>,
) -> PageResult {
    let now = (app.clock)();
    let mut message = String::new();
    let report = if !q.to.trim().is_empty() {
        match kith_store::resolve_contact(&*app.store, q.to.trim()).await {
            Ok(id) => Some(app.store.paths_to_contact(id, 3, now).await?),
            Err(e) => {
                message = e.to_string();
                None
            }
        }
    } else if !q.org.trim().is_empty() {
        let org = match uuid::Uuid::parse_str(q.org.trim()) {
            Ok(u) => Ok(OrganizationId(u)),
            Err(_) => kith_store::resolve_organization(&*app.store, q.org.trim()).await,
        };
        match org {
            Ok(id) => Some(app.store.paths_to_organization(id, 3, now).await?),
            Err(e) => {
                message = e.to_string();
                None
            }
        }
    } else {
        None
    };
    render(&PathsPage { nav: nav(&app, &csrf, "paths"), to: q.to, org: q.org, report, message })
}

async fn insights(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
) -> PageResult {
    let i = app.insights((app.clock)()).await?;
    let growth: Vec<(String, f64)> =
        i.growth.iter().map(|g| (g.label[5..].to_string(), g.count as f64)).collect();
    let strength: Vec<(String, f64)> = i
        .strength_histogram
        .iter()
        .enumerate()
        .map(|(b, n)| (format!(".{b}"), *n as f64))
        .collect();
    let layers: Vec<(String, f64)> =
        i.layers.iter().map(|l| (l.size.to_string(), l.filled as f64)).collect();
    render(&InsightsPage {
        nav: nav(&app, &csrf, "insights"),
        growth_svg: crate::charts::bars(&growth, "New people per month"),
        strength_svg: crate::charts::bars(&strength, "People per strength tenth"),
        layers_svg: crate::charts::bars(&layers, "People in each Dunbar layer"),
        diversity_svgs: [
            ("Organizations", &i.organizations),
            ("Industries", &i.industries),
            ("Locations", &i.locations),
            ("Met via", &i.met_via),
        ]
        .into_iter()
        .map(|(label, spread)| (label, spread_chart(label, spread, i.contacts)))
        .collect(),
        spreads: vec![
            ("Organizations", i.organizations.clone()),
            ("Industries", i.industries.clone()),
            ("Locations", i.locations.clone()),
            ("Met via", i.met_via.clone()),
        ],
        rankings: vec![
            ("Dormant strong ties", i.dormant.clone()),
            ("Brokers", i.brokers.clone()),
            ("Most connected", i.most_connected.clone()),
        ],
        i,
    })
}

/// One diversity dimension as bars: the largest categories, then the rest and the unknown.
fn spread_chart(label: &str, s: &kith_core::insights::Spread, contacts: usize) -> String {
    let mut rows: Vec<(String, f64)> =
        s.top.iter().map(|c| (c.label.clone(), c.count as f64)).collect();
    let shown: i64 = s.top.iter().map(|c| c.count).sum();
    let rest = contacts as i64 - shown - s.unknown;
    if rest > 0 {
        let more = s.distinct.saturating_sub(s.top.len());
        rows.push((format!("{more} more"), rest as f64));
    }
    if s.unknown > 0 {
        rows.push(("not known".into(), s.unknown as f64));
    }
    crate::charts::hbars(&rows, &format!("People by {}", label.to_lowercase()))
}

async fn trash(State(app): State<AppState>, Extension(csrf): Extension<CsrfToken>) -> PageResult {
    render(&TrashPage {
        nav: nav(&app, &csrf, "trash"),
        entries: app.store.list_trash().await?,
        form: FormState::default(),
    })
}

/// Deletes one trash entry for good.
async fn purge(State(app): State<AppState>, Path(id): Path<String>) -> PageResult {
    let id = kith_core::TrashId(parse_id("trash entry", &id)?);
    app.store.purge(id).await?;
    see_other("/trash")
}

#[derive(Deserialize)]
struct EmptyForm {
    #[serde(default)]
    confirm: String,
}

/// Empties the trash, once the user ticked that they mean it.
async fn empty_trash(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Form(f): Form<EmptyForm>,
) -> PageResult {
    if f.confirm.is_empty() {
        let form = FormState::failed(
            "empty",
            FormErrors(vec![kith_core::FieldError {
                field: "confirm".into(),
                value: None,
                expected: "the box ticked: emptying the trash cannot be undone".into(),
            }]),
            [],
        );
        let page = TrashPage {
            nav: nav(&app, &csrf, "trash"),
            entries: app.store.list_trash().await?,
            form,
        };
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    app.store.purge_all().await?;
    see_other("/trash")
}

async fn restore(State(app): State<AppState>, Path(id): Path<String>) -> PageResult {
    let id = kith_core::TrashId(parse_id("trash entry", &id)?);
    let e = app.store.restore(id, (app.clock)()).await?;
    let to = match e.kind {
        kith_core::TrashKind::Contact => format!("/people/{}", e.entity_id),
        kith_core::TrashKind::Event => format!("/events/{}", e.entity_id),
        kith_core::TrashKind::Community => format!("/communities/{}", e.entity_id),
        kith_core::TrashKind::Organization => format!("/organizations/{}", e.entity_id),
        kith_core::TrashKind::Collaboration => format!("/collaborations/{}", e.entity_id),
        _ => "/trash".to_string(),
    };
    see_other(&to)
}

async fn settings_view(
    app: &AppState,
    csrf: &CsrfToken,
    message: String,
) -> Result<SettingsPage, PageError> {
    let s = &*app.store;
    Ok(SettingsPage {
        nav: nav(app, csrf, "settings"),
        own_emails: s.own_emails().await?.join(", "),
        half_life: s.strength_settings().await?.half_life_days,
        follow_up: s.follow_up_days().await?,
        stages: s.pipeline().await?.open.join(", "),
        cadences: s.tag_cadences().await?,
        message,
        app_passwords: s.tokens(crate::dav::APP_PASSWORD).await?,
        feed_links: s.tokens(crate::feeds::FEED_TOKEN).await?,
        secret: None,
        form: FormState::default(),
    })
}

#[derive(Deserialize)]
struct SecretForm {
    kind: String,
    #[serde(default)]
    name: String,
}

fn secret_kind(kind: &str) -> Result<crate::SecretKind, WebError> {
    match kind {
        "app-password" => Ok(crate::SecretKind::AppPassword),
        "feed" => Ok(crate::SecretKind::Feed),
        other => Err(WebError::BadRequest(format!(
            "unknown kind {other:?}; expected app-password or feed"
        ))),
    }
}

/// The address this server was reached at, for the links shown with a new secret.
fn base_url(headers: &axum::http::HeaderMap) -> String {
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1:7878");
    let https = headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
        .is_some_and(|p| p.eq_ignore_ascii_case("https"));
    format!("{}://{host}", if https { "https" } else { "http" })
}

async fn create_secret(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    headers: axum::http::HeaderMap,
    Form(f): Form<SecretForm>,
) -> PageResult {
    let kind = secret_kind(&f.kind)?;
    let (value, record) = crate::create_secret(&*app.store, kind, &f.name, (app.clock)()).await?;
    let base = base_url(&headers);
    let how = match kind {
        crate::SecretKind::Feed => vec![
            format!("{base}/feeds/reminders.ics?token={value}"),
            format!("{base}/feeds/events.ics?token={value}"),
        ],
        _ => vec![
            format!("Server: {base}/dav/ (iOS needs https; see the README)"),
            format!("User name: {}", crate::dav::USER),
            "Password: the one above".to_string(),
        ],
    };
    let mut page = settings_view(&app, &csrf, String::new()).await?;
    page.secret = Some(crate::views::ShownSecret {
        what: format!("New {} \u{201c}{}\u{201d}", kind.noun(), record.name),
        value,
        how,
    });
    render(&page)
}

async fn revoke_secret(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Form(f): Form<SecretForm>,
) -> PageResult {
    let kind = secret_kind(&f.kind)?;
    let n = app.store.revoke_token(kind.stored(), &f.name, (app.clock)()).await?;
    // A device signed in a moment ago must not keep syncing on the remembered credential.
    app.dav_auth.clear();
    if n == 0 {
        return Err(
            WebError::NotFound(format!("no live {} matches {:?}", kind.noun(), f.name)).into()
        );
    }
    render(&settings_view(&app, &csrf, format!("Revoked the {}.", kind.noun())).await?)
}

async fn settings(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
) -> PageResult {
    render(&settings_view(&app, &csrf, String::new()).await?)
}

#[derive(Deserialize)]
struct CadenceForm {
    #[serde(default)]
    tag: String,
    #[serde(default)]
    every: String,
}

/// Settings again with the form that failed.
pub(crate) async fn settings_failed(
    app: &AppState,
    csrf: &CsrfToken,
    form: FormState,
) -> PageResult {
    let mut page = settings_view(app, csrf, String::new()).await?;
    page.form = form;
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

async fn set_cadence(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Form(f): Form<CadenceForm>,
) -> PageResult {
    let result = async {
        let days = kith_core::nurture::parse_cadence("every", &f.every)?;
        app.store.set_tag_cadence(&f.tag, Some(days)).await.map(|_| days)
    }
    .await;
    match result {
        Ok(days) => render(
            &settings_view(
                &app,
                &csrf,
                format!("Everyone tagged {} is due every {days} days.", f.tag.trim()),
            )
            .await?,
        ),
        Err(e) => {
            let form =
                FormState::failed("cadence", form_errors(e)?, [("tag", f.tag), ("every", f.every)]);
            settings_failed(&app, &csrf, form).await
        }
    }
}

#[derive(Deserialize)]
struct DaysForm {
    #[serde(default)]
    days: String,
}

async fn set_half_life(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Form(f): Form<DaysForm>,
) -> PageResult {
    let result = async {
        let days: f64 = f
            .days
            .trim()
            .parse()
            .map_err(|_| invalid("half-life", &f.days, "a number of days from 1 to 3650"))?;
        app.store.set_half_life(days).await.map(|n| (days, n))
    }
    .await;
    match result {
        Ok((days, n)) => render(
            &settings_view(
                &app,
                &csrf,
                format!("Half-life set to {days} days; strength recomputed for {n} people."),
            )
            .await?,
        ),
        Err(e) => {
            let form = FormState::failed("half-life", form_errors(e)?, [("days", f.days)]);
            settings_failed(&app, &csrf, form).await
        }
    }
}

async fn set_follow_up(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Form(f): Form<DaysForm>,
) -> PageResult {
    let result = async {
        let days: u32 = f
            .days
            .trim()
            .parse()
            .map_err(|_| invalid("follow-up", &f.days, "a number of days from 0 to 366"))?;
        app.store.set_follow_up_days(days).await.map(|_| days)
    }
    .await;
    match result {
        Ok(days) => render(
            &settings_view(
                &app,
                &csrf,
                format!("New events ask for a follow-up within {days} days."),
            )
            .await?,
        ),
        Err(e) => {
            let form = FormState::failed("follow-up", form_errors(e)?, [("days", f.days)]);
            settings_failed(&app, &csrf, form).await
        }
    }
}

#[derive(Deserialize)]
struct StagesForm {
    #[serde(default)]
    stages: String,
}

async fn set_stages(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Form(f): Form<StagesForm>,
) -> PageResult {
    let result = async {
        let p = Pipeline::parse(&f.stages)?;
        app.store.set_pipeline(&p).await.map(|_| p)
    }
    .await;
    match result {
        Ok(p) => {
            render(&settings_view(&app, &csrf, format!("Pipeline: {}", p.all().join(" → "))).await?)
        }
        Err(e) => {
            let form = FormState::failed("stages", form_errors(e)?, [("stages", f.stages)]);
            settings_failed(&app, &csrf, form).await
        }
    }
}

#[derive(Deserialize)]
struct LoginQuery {
    #[serde(default)]
    next: String,
}

async fn login_page(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Query(q): Query<LoginQuery>,
) -> PageResult {
    render(&LoginPage {
        nav: Nav { signed_in: false, ..nav(&app, &csrf, "") },
        next: q.next,
        error: String::new(),
    })
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

async fn login(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    Form(f): Form<LoginForm>,
) -> PageResult {
    let client =
        peer.map(|Extension(ConnectInfo(a))| a.ip().to_string()).unwrap_or_else(|| "local".into());
    if !app.limiter.allowed(&client) {
        return Err(WebError::TooMany.into());
    }
    let ok = match app.store.password_hash().await? {
        Some(hash) => auth::verify_password(&f.password, &hash),
        None => false,
    };
    if !ok {
        app.limiter.failed(&client);
        let page = LoginPage {
            nav: Nav { signed_in: false, ..nav(&app, &csrf, "") },
            next: f.next,
            error: "That password is not right.".into(),
        };
        return render_status(StatusCode::UNAUTHORIZED, &page);
    }
    app.limiter.succeeded(&client);
    let now = (app.clock)();
    let token = auth::random_token();
    app.store
        .create_session(
            &auth::token_hash(&token),
            &csrf.0,
            now,
            now + Duration::days(auth::SESSION_DAYS),
        )
        .await?;
    let cookie = format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}",
        auth::SESSION_DAYS * 86_400
    );
    let to = back_to(&f.next, "/".into());
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to(&to)).into_response())
}

async fn logout(State(app): State<AppState>, headers: HeaderMap) -> PageResult {
    if let Some(t) = auth::cookie(&headers, SESSION_COOKIE) {
        app.store.end_session(&auth::token_hash(&t)).await?;
    }
    let clear = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    Ok(([(header::SET_COOKIE, clear)], Redirect::to("/login")).into_response())
}

async fn load_demo(State(app): State<AppState>) -> PageResult {
    if app.stats().await?.contacts > 0 {
        return Err(WebError::Conflict("the demo loads into an empty database only".into()).into());
    }
    kith_store::demo::load(&*app.store, (app.clock)()).await?;
    see_other("/")
}

#[cfg(test)]
mod tests {
    #[test]
    fn back_to_stays_on_this_server() {
        let home = || "/".to_string();
        assert_eq!(super::back_to("/people/1?x=2", home()), "/people/1?x=2");
        for off in ["//evil.example", "/\\evil.example", "/\t/evil.example", "/\n", "https://x", ""]
        {
            assert_eq!(super::back_to(off, home()), "/", "{off:?}");
        }
    }
}
