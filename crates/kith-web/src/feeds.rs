//! Calendar feeds a calendar app subscribes to: `/feeds/reminders.ics` (reach-outs due,
//! birthdays and work anniversaries, reminders, follow-ups, next steps) and
//! `/feeds/events.ics` (the user's events). Each URL carries a feed token (`?token=`, from
//! `kith auth feed-token create`), checked on every fetch and revocable; the sign-in guard
//! lets `/feeds/` through for this reason.

use crate::AppState;
use crate::auth::token_hash;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::Duration;
use kith_store::EventQuery;
use serde::Deserialize;

/// The token kind of feed links.
pub const FEED_TOKEN: &str = "feed";

#[derive(Deserialize)]
struct FeedQuery {
    #[serde(default)]
    token: String,
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/feeds/reminders.ics", get(reminders))
        .route("/feeds/events.ics", get(events))
}

fn plain(status: StatusCode, message: String) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], message).into_response()
}

async fn allowed(app: &AppState, token: &str) -> Result<(), Response> {
    let refused = || {
        plain(
            StatusCode::FORBIDDEN,
            "this feed link is unknown or was revoked; create one with `kith auth feed-token create`"
                .into(),
        )
    };
    if token.is_empty() {
        return Err(refused());
    }
    match app.store.use_token(FEED_TOKEN, &token_hash(token), (app.clock)()).await {
        Ok(Some(_)) => Ok(()),
        Ok(None) => Err(refused()),
        Err(e) => Err(plain(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())),
    }
}

fn calendar(body: String) -> Response {
    (StatusCode::OK, [(header::CONTENT_TYPE, "text/calendar; charset=utf-8")], body).into_response()
}

async fn reminders(State(app): State<AppState>, Query(q): Query<FeedQuery>) -> Response {
    if let Err(r) = allowed(&app, &q.token).await {
        return r;
    }
    let now = (app.clock)();
    let today = now.date_naive();
    let s = &*app.store;
    let loaded = async {
        Ok::<_, kith_store::StoreError>((
            app.due_list(now).await?,
            app.upcoming(today, 366).await?,
            s.follow_ups(today).await?,
            app.next_steps(today + Duration::days(366)).await?,
        ))
    };
    match loaded.await {
        Ok((due, upcoming, follow_ups, next_steps)) => {
            let items =
                kith_core::feeds::reminders(today, &due, &upcoming, &follow_ups, &next_steps);
            calendar(kith_formats::ical::write_feed("Kith reminders", &items, now))
        }
        Err(e) => plain(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

async fn events(State(app): State<AppState>, Query(q): Query<FeedQuery>) -> Response {
    if let Err(r) = allowed(&app, &q.token).await {
        return r;
    }
    let now = (app.clock)();
    match app.store.list_events(&EventQuery::default()).await {
        Ok(page) => {
            let items = kith_core::feeds::events(&page.items);
            calendar(kith_formats::ical::write_feed("Kith events", &items, now))
        }
        Err(e) => plain(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}
