//! Handler tests through `Router::oneshot`, on SQLite and PostgreSQL: pages, forms (CSRF, field
//! errors), the JSON API (problem+json), OpenAPI, sign-in and tokens.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{DateTime, TimeZone, Utc};
use http_body_util::BodyExt;
use kith_store::testing::TestDb;
use kith_web::AppState;
use std::sync::Arc;
use tower::ServiceExt;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 10, 0, 0).unwrap()
}

struct Client {
    app: Router,
    cookies: Vec<String>,
}

struct Reply {
    status: StatusCode,
    location: String,
    content_type: String,
    body: String,
}

impl Client {
    fn new(db: &TestDb, auth: bool) -> Client {
        let state = AppState::with_clock(db.store.clone(), auth, Arc::new(now));
        Client { app: kith_web::router(state), cookies: vec![] }
    }

    fn csrf(&self) -> String {
        self.cookies
            .iter()
            .find_map(|c| c.strip_prefix("kith_csrf=").map(str::to_string))
            .expect("a CSRF cookie (GET a page first)")
    }

    async fn send(&mut self, req: Request<Body>) -> Reply {
        let resp = self.app.clone().oneshot(req).await.unwrap();
        for v in resp.headers().get_all(header::SET_COOKIE) {
            let kv = v.to_str().unwrap().split(';').next().unwrap().to_string();
            let name = kv.split('=').next().unwrap().to_string();
            self.cookies.retain(|c| !c.starts_with(&format!("{name}=")));
            self.cookies.push(kv);
        }
        let status = resp.status();
        let header =
            |h| resp.headers().get(h).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
        let location = header(header::LOCATION);
        let content_type = header(header::CONTENT_TYPE);
        let body = String::from_utf8(resp.into_body().collect().await.unwrap().to_bytes().to_vec())
            .unwrap();
        Reply { status, location, content_type, body }
    }

    fn build(&self, method: &str, uri: &str) -> axum::http::request::Builder {
        Request::builder().method(method).uri(uri).header(header::COOKIE, self.cookies.join("; "))
    }

    async fn get(&mut self, uri: &str) -> Reply {
        let r = self.build("GET", uri).body(Body::empty()).unwrap();
        self.send(r).await
    }

    /// Posts a form with the CSRF token added.
    async fn form(&mut self, uri: &str, fields: &[(&str, &str)]) -> Reply {
        let mut body = format!("_csrf={}", self.csrf());
        for (k, v) in fields {
            body.push_str(&format!("&{k}={}", v.replace(' ', "+").replace('@', "%40")));
        }
        let r = self
            .build("POST", uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.send(r).await
    }

    /// Uploads a file as multipart form data (the CSRF token in the query, as the page does).
    async fn upload(&mut self, file_name: &str, bytes: &[u8], fields: &[(&str, &str)]) -> Reply {
        let boundary = "kith-test-boundary";
        let mut body = Vec::new();
        for (k, v) in fields {
            body.extend(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            );
        }
        body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n").as_bytes());
        body.extend(bytes);
        body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
        let uri = format!("/import?_csrf={}", self.csrf());
        let r = self
            .build("POST", &uri)
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
            .body(Body::from(body))
            .unwrap();
        self.send(r).await
    }

    async fn json(&mut self, method: &str, uri: &str, body: &str) -> Reply {
        let r = self
            .build(method, uri)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap();
        self.send(r).await
    }
}

kith_store::store_tests!(
    forms_keep_input_and_timelines_join_everything,
    relationship_community_and_trash_forms,
    records_change_and_delete_from_their_pages,
    pages_forms_and_the_due_list,
    api_speaks_json_and_problems,
    sign_in_tokens_and_limits,
    import_preview_confirm_duplicates_and_export,
    settings_create_and_revoke_device_secrets,
    kept_results_follow_changes_from_anywhere,
    collaborations_have_their_pages,
    api_covers_every_entity
);

/// Collaborations: start one (bad dates come back next to the field, nothing saved), add a
/// person with a role, edit its status, and find it on the list and on the trash's restore
/// path.
async fn collaborations_have_their_pages(db: &TestDb) {
    let mut c = Client::new(db, false);
    let ada = kith_core::ContactInput::named("Ada Lovelace");
    let ada = db.store.create_contact(&ada, now()).await.unwrap();
    let empty = c.get("/collaborations").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.body.contains("No collaborations yet"));
    let bad = c
        .form(
            "/collaborations",
            &[("title", "Engine notes"), ("start", "2026-05-01"), ("end", "2026-04-01")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("id=\"e-end\"") && bad.body.contains("value=\"Engine notes\""));
    let bad_date = c.form("/collaborations", &[("title", "Engine notes"), ("start", "May")]).await;
    assert!(bad_date.body.contains("id=\"e-start\""), "{}", bad_date.body);
    assert!(db.store.list_collaborations(None).await.unwrap().is_empty());

    let made = c
        .form(
            "/collaborations",
            &[("title", "Engine notes"), ("description", "A paper"), ("start", "2026-05-01")],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER);
    let page = made.location.clone();
    assert!(c.get(&page).await.body.contains("<h1>Engine notes</h1>"));
    let nobody = c.form(&format!("{page}/people"), &[("person", "Nobody Known")]).await;
    assert_eq!(nobody.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(nobody.body.contains("id=\"e-person\""));
    let added =
        c.form(&format!("{page}/people"), &[("person", "Ada"), ("role", "co-author")]).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);
    let shown = c.get(&page).await.body;
    assert!(shown.contains("data-participant=\"Ada Lovelace\"") && shown.contains("co-author"));
    let edited = c
        .form(&page, &[("title", "Engine notes"), ("status", "done"), ("outcome", "Published")])
        .await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER);
    let stored = db.store.list_collaborations(Some(ada.id)).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].status.as_str(), "done");
    assert_eq!(stored[0].outcome, "Published");
    let list = c.get("/collaborations").await.body;
    assert!(list.contains("data-collaboration=\"Engine notes\"") && list.contains("Ada Lovelace"));
    assert_eq!(c.get("/collaborations/not-an-id").await.status, StatusCode::NOT_FOUND);

    // To the trash and back.
    let trashed = c.form(&format!("{page}/delete"), &[]).await;
    assert_eq!(
        (trashed.status, trashed.location.as_str()),
        (StatusCode::SEE_OTHER, "/collaborations")
    );
    assert!(!c.get("/collaborations").await.body.contains("data-collaboration"));
    assert_eq!(c.get(&page).await.status, StatusCode::NOT_FOUND);
    let entry = db.store.list_trash().await.unwrap().into_iter().next().unwrap();
    let restored = c.form(&format!("/trash/{}/restore", entry.id), &[]).await;
    assert_eq!(restored.location, page);
    assert!(c.get(&page).await.body.contains("Published"));
}

/// Every form sends bad input back to its own page: the error next to the field, what was typed
/// kept, nothing saved. A person's timeline shows events and opportunities too; the People search
/// keeps its filters; Insights draws diversity as charts.
async fn forms_keep_input_and_timelines_join_everything(db: &TestDb) {
    let s = &*db.store;
    kith_store::demo::load(s, now()).await.unwrap();
    let mut c = Client::new(db, false);
    assert_eq!(c.get("/").await.status, StatusCode::OK);
    let refused = |r: &Reply, id: &str, typed: &str| {
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains(&format!("id=\"{id}-error\"")), "{id} error: {}", r.body);
        assert!(r.body.contains(&format!("aria-describedby=\"{id}-error\"")), "{}", r.body);
        if !typed.is_empty() {
            assert!(r.body.contains(typed), "{typed} kept: {}", r.body);
        }
    };

    // The person page's quick forms.
    let ada = kith_store::resolve_contact(s, "Ada Lovelace").await.unwrap();
    let page = format!("/people/{ada}");
    let notes = s.list_notes(ada).await.unwrap().len();
    let cadence = s.contact_nurture(ada).await.unwrap().settings.cadence_days;
    let r = c.form(&format!("{page}/note"), &[("body", "  ")]).await;
    refused(&r, "note-body", "");
    let r = c.form(&format!("{page}/cadence"), &[("every", "often")]).await;
    refused(&r, "cad-every", "value=\"often\"");
    // Only the failed form keeps input; the log form is untouched.
    assert!(r.body.contains("id=\"log-summary\" name=\"summary\" type=\"text\" value=\"\""));
    let ledger = kith_store::LedgerQuery { contact: Some(ada), ..Default::default() };
    let entries = s.list_ledger(&ledger).await.unwrap().total;
    let r = c
        .form(
            &format!("{page}/ledger"),
            &[("kind", "bribe"), ("direction", "given"), ("summary", "Reviewed her talk")],
        )
        .await;
    refused(&r, "led-kind", "value=\"Reviewed her talk\"");
    assert!(r.body.contains("<option value=\"given\" selected>"), "direction kept");
    assert_eq!(s.list_notes(ada).await.unwrap().len(), notes);
    assert_eq!(s.contact_nurture(ada).await.unwrap().settings.cadence_days, cadence);
    assert!(
        !s.list_ledger(&ledger).await.unwrap().items.iter().any(|e| e.summary.contains("talk"))
    );

    // Events: the end before the start.
    let events = s.list_events(&Default::default()).await.unwrap().total;
    let r = c
        .form(
            "/events",
            &[
                ("name", "Kubecon"),
                ("start", "2026-05-10"),
                ("end", "2026-05-01"),
                ("kind", "fair"),
            ],
        )
        .await;
    refused(&r, "ev-end", "value=\"Kubecon\"");
    assert!(r.body.contains("<option value=\"fair\" selected>"));
    assert_eq!(s.list_events(&Default::default()).await.unwrap().total, events);
    // Someone Kith does not know cannot attend.
    let event = s.list_events(&Default::default()).await.unwrap().items[0].id;
    let attendees = s.get_event(event).await.unwrap().attendees.len();
    let r = c.form(&format!("/events/{event}/attend"), &[("contact", "Nobody Known")]).await;
    refused(&r, "att-who", "value=\"Nobody Known\"");
    assert_eq!(s.get_event(event).await.unwrap().attendees.len(), attendees);
    // Someone first met elsewhere cannot be first met here too: the conflict is shown, and the
    // ticked box stays ticked.
    let once = s.create_contact(&kith_core::ContactInput::named("Met Once"), now()).await.unwrap();
    s.set_attendance(event, &[once.id], true).await.unwrap();
    let starts_on = s.get_event(event).await.unwrap().starts_on;
    let other = s
        .create_event(&kith_core::network::EventInput::new("Another meetup", starts_on), now())
        .await
        .unwrap()
        .id;
    let r = c
        .form(&format!("/events/{other}/attend"), &[("contact", "Met Once"), ("met_here", "1")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("role=\"alert\""), "{}", r.body);
    assert!(r.body.contains("name=\"met_here\" value=\"1\" checked"), "{}", r.body);
    assert!(s.get_event(other).await.unwrap().attendees.is_empty());

    // Communities, goals, opportunities.
    let communities = s.list_communities().await.unwrap().len();
    let goals = s.list_goals().await.unwrap().len();
    let r = c.form("/communities", &[("name", "Rust Guild"), ("url", "not a link")]).await;
    refused(&r, "cm-url", "value=\"Rust Guild\"");
    assert_eq!(s.list_communities().await.unwrap().len(), communities);
    let r = c.form("/goals", &[("metric", "events"), ("target", "lots"), ("per", "week")]).await;
    refused(&r, "g-target", "value=\"lots\"");
    assert!(r.body.contains("<option value=\"week\" selected>"));
    let r = c.form("/opportunities", &[("title", " "), ("org", "Brand New Org")]).await;
    refused(&r, "op-title", "value=\"Brand New Org\"");
    // The organization is not created for an opportunity that was refused.
    assert!(s.find_organizations("Brand New Org").await.unwrap().is_empty());
    assert_eq!(s.list_goals().await.unwrap().len(), goals);
    let opp = s.list_opportunities(&Default::default()).await.unwrap()[0].clone();
    let r = c.form(&format!("/opportunities/{}/move", opp.id), &[("stage", "nowhere")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("nowhere") && r.body.contains("role=\"alert\""), "{}", r.body);
    assert_eq!(s.get_opportunity(opp.id).await.unwrap().stage, opp.stage);

    // Settings: each form's errors stay with it; the others show the saved values.
    let follow_up = s.follow_up_days().await.unwrap();
    let cadences = s.tag_cadences().await.unwrap();
    let r = c.form("/settings/half-life", &[("days", "soon")]).await;
    refused(&r, "s-hl", "value=\"soon\"");
    assert!(
        r.body
            .contains(&format!("id=\"s-fu\" name=\"days\" type=\"number\" value=\"{follow_up}\""))
    );
    let r = c.form("/settings/me", &[("emails", "me-at-home")]).await;
    refused(&r, "s-me", "value=\"me-at-home\"");
    let r = c.form("/settings/stages", &[("stages", "lead, lead")]).await;
    refused(&r, "s-st", "value=\"lead, lead\"");
    let r = c.form("/settings/cadence", &[("tag", "mentor"), ("every", "0")]).await;
    refused(&r, "s-every", "value=\"mentor\"");
    assert!(s.own_emails().await.unwrap().is_empty());
    assert_eq!(s.tag_cadences().await.unwrap(), cadences);

    // A person's timeline: events they went to, opportunities they are part of.
    let someone = opp.contacts[0].contact.contact_id;
    let body = c.get(&format!("/people/{someone}")).await.body;
    let timeline = &body[body.find("<ol class=\"timeline\">").unwrap()..];
    assert!(timeline.contains(&format!("href=\"/opportunities#o-{}\"", opp.id)), "{timeline}");
    let went = s.get_event(event).await.unwrap().attendees[0].contact_id;
    let body = c.get(&format!("/people/{went}")).await.body;
    let timeline = &body[body.find("<ol class=\"timeline\">").unwrap()..];
    assert!(timeline.contains(&format!("href=\"/events/{event}\"")), "{timeline}");
    assert_eq!(entries, s.list_ledger(&ledger).await.unwrap().total);

    // People: a search keeps its filters.
    let r = c.get("/people?q=lovelace&tag=mentor").await;
    assert!(r.body.contains(&format!("href=\"/people/{ada}\"")), "{}", r.body);
    let r = c.get("/people?q=lovelace&tag=no-such-tag").await;
    assert!(r.body.contains("passes these filters") && !r.body.contains(&ada.to_string()));
    assert!(r.body.contains("id=\"people-results\""));

    // Insights: growth, strength, layers and the four diversity charts.
    let r = c.get("/insights").await;
    assert_eq!(r.body.matches("<svg").count(), 7, "{}", r.body);
    assert!(r.body.contains("aria-label=\"People by organizations\""));
}

/// The person page sets roles, snooze, closeness, who they know and reminders; a community
/// takes members and contributions; the trash deletes for good (emptying it needs a tick).
async fn relationship_community_and_trash_forms(db: &TestDb) {
    use kith_core::leverage::RelationshipRole;
    let s = &*db.store;
    kith_store::demo::load(s, now()).await.unwrap();
    let mut c = Client::new(db, false);
    assert_eq!(c.get("/").await.status, StatusCode::OK);
    let ada = kith_store::resolve_contact(s, "Ada Lovelace").await.unwrap();
    let page = format!("/people/{ada}");
    let body = c.get(&page).await.body;
    assert!(body.contains("name=\"role\" value=\"mentor\""), "roles form");

    // Roles: the checked ones replace the rest.
    let r = c.form(&format!("{page}/roles"), &[("role", "mentor"), ("role", "advisor")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let mut roles = s.roles_of(ada).await.unwrap();
    roles.sort_by_key(|r| r.as_str());
    assert_eq!(roles, [RelationshipRole::Advisor, RelationshipRole::Mentor]);
    assert!(c.get(&page).await.body.contains("value=\"advisor\" checked"));
    assert_eq!(
        c.form(&format!("{page}/roles"), &[("role", "boss")]).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(s.roles_of(ada).await.unwrap().len(), 2);

    // Snooze and closeness, with their refusals kept next to the field.
    let r = c.form(&format!("{page}/snooze"), &[("until", "next tuesday")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("id=\"snooze-until-error\"") && r.body.contains("value=\"next tuesday\"")
    );
    c.form(&format!("{page}/snooze"), &[("until", "2026-12-24")]).await;
    let nurture = s.contact_nurture(ada).await.unwrap();
    assert_eq!(
        nurture.settings.snoozed_until.map(|d| d.to_string()).as_deref(),
        Some("2026-12-24")
    );
    c.form(&format!("{page}/snooze"), &[("until", "")]).await;
    assert_eq!(s.contact_nurture(ada).await.unwrap().settings.snoozed_until, None);
    let r = c.form(&format!("{page}/closeness"), &[("closeness", "1.5")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"closeness-error\"") && r.body.contains("value=\"1.5\""));
    c.form(&format!("{page}/closeness"), &[("closeness", "0.9")]).await;
    assert_eq!(s.contact_nurture(ada).await.unwrap().settings.closeness, Some(0.9));
    assert!(c.get(&page).await.body.contains("replaces the computed score"));

    // Who they know: an unknown name is refused at the field; a known one is recorded.
    let r = c.form(&format!("{page}/knows"), &[("contact", "Nobody Known")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"knows-who-error\""), "{}", r.body);
    let grace = kith_store::resolve_contact(s, "Grace Hopper").await.unwrap();
    let r = c
        .form(&format!("{page}/knows"), &[("contact", "Grace Hopper"), ("note", "Navy days")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let known = s.connections(Some(ada)).await.unwrap();
    assert!(known.iter().any(|k| k.note == "Navy days"));
    assert!(c.get(&page).await.body.contains("Navy days"));
    // Everyone Kith thinks she knows: the recorded tie with its note, linked from her page.
    assert!(c.get(&page).await.body.contains(&format!("href=\"{page}/ties\"")));
    let ties = c.get(&format!("{page}/ties")).await;
    assert_eq!(ties.status, StatusCode::OK, "{}", ties.body);
    let row = ties.body.split("<tr>").find(|r| r.contains("Grace Hopper")).unwrap_or_default();
    assert!(row.contains("Navy days") && row.contains("you said so"), "{}", ties.body);
    let nobody = c.get("/people/00000000-0000-0000-0000-000000000000/ties").await;
    assert_eq!(nobody.status, StatusCode::NOT_FOUND);
    let r = c.form(&format!("{page}/knows/{grace}/delete"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(!s.connections(Some(ada)).await.unwrap().iter().any(|k| k.note == "Navy days"));

    // A reminder about them: a past one-off date is refused; done from Today.
    let r = c
        .form(
            &format!("{page}/reminders"),
            &[("title", "Ask about the book"), ("due", "2020-01-01")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("id=\"rem-due-error\"") && r.body.contains("value=\"Ask about the book\"")
    );
    let r = c
        .form(
            &format!("{page}/reminders"),
            &[("title", "Ask about the book"), ("due", "2026-11-29")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let reminder = s
        .list_reminders(false)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.title == "Ask about the book")
        .unwrap();
    assert!(c.get(&page).await.body.contains("Ask about the book"));
    let today = c.get("/").await.body;
    assert!(today.contains(&format!("action=\"/reminders/{}/done\"", reminder.id)), "{today}");
    let r = c.form(&format!("/reminders/{}/done", reminder.id), &[("back", "/")]).await;
    assert_eq!((r.status, r.location.as_str()), (StatusCode::SEE_OTHER, "/"));
    assert!(!s.list_reminders(false).await.unwrap().iter().any(|r| r.id == reminder.id));

    // A community: members and contributions.
    let community = s.list_communities().await.unwrap()[0].id;
    let cpage = format!("/communities/{community}");
    let r = c.form(&format!("{cpage}/members"), &[("contact", "Nobody Known")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"mem-who-error\"") && r.body.contains("value=\"Nobody Known\""));
    c.form(&format!("{cpage}/members"), &[("contact", "Ada Lovelace")]).await;
    assert!(s.get_community(community).await.unwrap().members.iter().any(|m| m.contact_id == ada));
    let r = c
        .form(
            &format!("{cpage}/contributions"),
            &[("kind", "talk"), ("title", "Ownership 101"), ("url", "nope")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"con-url-error\"") && r.body.contains("value=\"Ownership 101\""));
    let before = s.get_community(community).await.unwrap().contributions.len();
    let r = c
        .form(
            &format!("{cpage}/contributions"),
            &[("kind", "talk"), ("title", "Ownership 101"), ("on", "2026-11-20")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(s.get_community(community).await.unwrap().contributions.len(), before + 1);
    assert!(c.get(&cpage).await.body.contains("Ownership 101"));

    // A contribution edited in place: a bad link comes back in its own form, then it saves.
    let k = s.get_community(community).await.unwrap().contributions[0].id;
    let edit = format!("/contributions/{k}/edit");
    let fields = |url: &'static str| {
        [("kind", "post"), ("title", "Ownership 102"), ("on", "2026-11-21"), ("url", url)]
    };
    let r = c.form(&edit, &fields("nope")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains(&format!("id=\"cu-{k}-error\"")), "{}", r.body);
    assert!(r.body.contains("value=\"Ownership 102\"") && r.body.contains("<details open>"));
    let r = c.form(&edit, &fields("https://example.com/102")).await;
    assert_eq!((r.status, r.location.as_str()), (StatusCode::SEE_OTHER, cpage.as_str()));
    let saved = s.get_community(community).await.unwrap().contributions;
    let saved = saved.iter().find(|x| x.id == k).unwrap();
    assert_eq!((saved.title.as_str(), saved.kind.as_str()), ("Ownership 102", "post"));
    let nobody =
        c.form("/contributions/00000000-0000-0000-0000-000000000000/edit", &fields("")).await;
    assert_eq!(nobody.status, StatusCode::NOT_FOUND);

    // ... and takes them back: a contribution deleted, a person removed, its details edited.
    let r = c.form(&format!("/contributions/{k}/delete"), &[("back", &cpage)]).await;
    assert_eq!((r.status, r.location.as_str()), (StatusCode::SEE_OTHER, cpage.as_str()));
    assert_eq!(s.get_community(community).await.unwrap().contributions.len(), before);
    c.form(&format!("{cpage}/members/{ada}/delete"), &[]).await;
    assert!(!s.get_community(community).await.unwrap().members.iter().any(|m| m.contact_id == ada));
    let r = c.form(&format!("{cpage}/edit"), &[("name", ""), ("kind", "forum")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"ce-name-error\"") && r.body.contains("<details open>"));
    let r = c.form(&format!("{cpage}/edit"), &[("name", "Rustaceans"), ("kind", "forum")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(s.get_community(community).await.unwrap().name, "Rustaceans");
    // An event: someone who was not there after all.
    let event = s.list_events(&Default::default()).await.unwrap().items[0].id;
    let there = s.get_event(event).await.unwrap().attendees;
    let gone = there[0].contact_id;
    c.form(&format!("/events/{event}/attendees/{gone}/delete"), &[]).await;
    assert_eq!(s.get_event(event).await.unwrap().attendees.len(), there.len() - 1);
    assert_eq!(c.form(&format!("{cpage}/delete"), &[]).await.status, StatusCode::SEE_OTHER);
    assert!(s.get_community(community).await.is_err());
    s.restore(s.list_trash().await.unwrap()[0].id, now()).await.unwrap();

    // The trash: delete one entry for good; emptying needs the box ticked.
    let grace_entry = s.trash_contact(grace, now()).await.unwrap();
    let other = s
        .trash_contact(kith_store::resolve_contact(s, "Annie Easley").await.unwrap(), now())
        .await
        .unwrap();
    let r = c.form(&format!("/trash/{}/purge", grace_entry.id), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(s.list_trash().await.unwrap().iter().all(|t| t.id != grace_entry.id));
    assert!(s.restore(grace_entry.id, now()).await.is_err(), "gone for good");
    let r = c.form("/trash/empty", &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"empty-error\""));
    assert!(s.list_trash().await.unwrap().iter().any(|t| t.id == other.id));
    let r = c.form("/trash/empty", &[("confirm", "1")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(s.list_trash().await.unwrap().is_empty());
}

/// Organizations are added and edited on their pages; asks and favours are closed from Today;
/// opportunities get next steps and people on the board; events, goals, opportunities,
/// organizations, interactions and ledger records are deleted to the trash from their pages.
async fn records_change_and_delete_from_their_pages(db: &TestDb) {
    use kith_core::ledger::{LedgerKind, LedgerStatus};
    let s = &*db.store;
    kith_store::demo::load(s, now()).await.unwrap();
    let mut c = Client::new(db, false);
    assert_eq!(c.get("/").await.status, StatusCode::OK);

    // Organizations.
    let r = c.form("/organizations", &[("name", " "), ("industry", "Space")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"org-name-error\"") && r.body.contains("value=\"Space\""));
    let r =
        c.form("/organizations", &[("name", "Orbital Labs"), ("domain", "orbital.example")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let org = kith_store::resolve_organization(s, "Orbital Labs").await.unwrap();
    let r = c
        .form(
            &format!("/organizations/{org}/edit"),
            &[("name", "Orbital Labs"), ("industry", "Aerospace")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let o = s.get_organization(org).await.unwrap();
    assert_eq!((o.industry.as_deref(), o.domain.as_deref()), (Some("Aerospace"), None));
    let r = c.form(&format!("/organizations/{org}/edit"), &[("name", "")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("<details open>"), "the edit form opens with its error");
    assert_eq!(s.get_organization(org).await.unwrap().name, "Orbital Labs");
    assert_eq!(
        c.form(&format!("/organizations/{org}/delete"), &[]).await.status,
        StatusCode::SEE_OTHER
    );
    assert!(s.get_organization(org).await.is_err());

    // Today closes asks and favours.
    let ask = kith_store::LedgerQuery {
        kind: Some(LedgerKind::Ask),
        status: Some(LedgerStatus::Open),
        ..Default::default()
    };
    let ada = kith_store::resolve_contact(s, "Ada Lovelace").await.unwrap();
    let input = kith_core::ledger::LedgerInput {
        kind: LedgerKind::Ask,
        direction: None,
        status: None,
        on: now().date_naive(),
        participants: vec![ada],
        summary: "An intro to her editor".into(),
        notes: String::new(),
    };
    s.add_ledger_entry(&input, now()).await.unwrap();
    let open = s.list_ledger(&ask).await.unwrap();
    assert!(open.total > 0);
    let first = &open.items[0];
    let today = c.get("/").await.body;
    assert!(today.contains(&format!("action=\"/ledger/{}/status\"", first.id)));
    let r = c
        .form(&format!("/ledger/{}/status", first.id), &[("status", "answered"), ("back", "/")])
        .await;
    assert_eq!((r.status, r.location.as_str()), (StatusCode::SEE_OTHER, "/"));
    assert_eq!(s.list_ledger(&ask).await.unwrap().total, open.total - 1);
    let r = c.form(&format!("/ledger/{}/status", first.id), &[("status", "offered")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "an ask is never 'offered'");

    // The board: a next step, a person, a delete.
    let opp = s.list_opportunities(&Default::default()).await.unwrap()[0].clone();
    let r = c
        .form(
            &format!("/opportunities/{}/next", opp.id),
            &[("next", "Send the deck"), ("due", "someday")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The card's form opens with the error next to its field and what was typed.
    assert!(r.body.contains(&format!("id=\"nd-{}-error\"", opp.id)), "{}", r.body);
    assert!(r.body.contains("value=\"Send the deck\"") && r.body.contains("<details open>"));
    let nobody = "/opportunities/00000000-0000-0000-0000-000000000000/next";
    let r = c.form(nobody, &[("next", "x"), ("due", "someday")]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = c
        .form(
            &format!("/opportunities/{}/next", opp.id),
            &[("next", "Send the deck"), ("due", "2026-12-01")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let o = s.get_opportunity(opp.id).await.unwrap();
    assert_eq!(o.next_step.as_deref(), Some("Send the deck"));
    assert_eq!(o.next_step_due.map(|d| d.to_string()).as_deref(), Some("2026-12-01"));
    let r = c
        .form(
            &format!("/opportunities/{}/people", opp.id),
            &[("contact", "Ada Lovelace"), ("role", "referrer")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let ada = kith_store::resolve_contact(s, "Ada Lovelace").await.unwrap();
    assert!(
        s.get_opportunity(opp.id)
            .await
            .unwrap()
            .contacts
            .iter()
            .any(|p| p.contact.contact_id == ada)
    );
    let r = c
        .form(
            &format!("/opportunities/{}/people", opp.id),
            &[("contact", "Ada Lovelace"), ("role", "boss")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The card's edit form: a blank title comes back next to its field, input kept, and
    // creates no organization; a good edit renames it, changes its kind and organization.
    let orgs_before = s.list_organizations(&Default::default()).await.unwrap().total;
    let edit = format!("/opportunities/{}/edit", opp.id);
    let r = c
        .form(&edit, &[("title", " "), ("kind", "client"), ("org", "Brand New Co"), ("notes", "n")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains(&format!("id=\"et-{}-error\"", opp.id)), "{}", r.body);
    assert!(r.body.contains("value=\"Brand New Co\"") && r.body.contains("<details open>"));
    assert_eq!(s.list_organizations(&Default::default()).await.unwrap().total, orgs_before);
    let r = c.form(&edit, &[("title", "Advisor"), ("kind", "gig"), ("org", "")]).await;
    assert!(r.body.contains(&format!("id=\"ek-{}-error\"", opp.id)), "a bad kind: {}", r.body);
    let r = c
        .form(
            &edit,
            &[("title", "Advisor"), ("kind", "client"), ("org", "Brand New Co"), ("notes", "Paid")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let o = s.get_opportunity(opp.id).await.unwrap();
    assert_eq!(
        (o.title.as_str(), o.kind.as_str(), org_of(&o), o.notes.as_str()),
        ("Advisor", "client", "Brand New Co", "Paid")
    );
    assert!(c.get("/opportunities").await.body.contains("Paid"), "notes show on the card");
    let r = c.form(&edit, &[("title", "Advisor"), ("kind", "client"), ("org", "")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(s.get_opportunity(opp.id).await.unwrap().organization.is_none(), "empty: none");
    assert_eq!(
        c.form(&format!("/opportunities/{}/delete", opp.id), &[]).await.status,
        StatusCode::SEE_OTHER
    );
    assert!(s.get_opportunity(opp.id).await.is_err());

    // Events and goals.
    let event = s.list_events(&Default::default()).await.unwrap().items[0].id;
    assert!(
        c.get(&format!("/events/{event}")).await.body.contains(&format!("/events/{event}/delete"))
    );
    assert_eq!(c.form(&format!("/events/{event}/delete"), &[]).await.status, StatusCode::SEE_OTHER);
    assert!(s.get_event(event).await.is_err());
    let goal = s.list_goals().await.unwrap()[0].id;
    assert!(c.get("/goals").await.body.contains(&format!("/goals/{goal}/delete")));
    assert!(!c.get("/").await.body.contains("/delete\""), "Today has no delete buttons");
    assert_eq!(c.form(&format!("/goals/{goal}/delete"), &[]).await.status, StatusCode::SEE_OTHER);
    assert!(s.list_goals().await.unwrap().iter().all(|g| g.id != goal));

    // A person's timeline: delete an interaction and a ledger record, back on their page.
    let page = format!("/people/{ada}");
    let q = kith_store::InteractionQuery { contact: Some(ada), limit: Some(50), offset: 0 };
    let interactions = s.list_interactions(&q).await.unwrap();
    let first = &interactions.items[0];
    assert!(c.get(&page).await.body.contains(&format!("/interactions/{}/delete", first.id)));
    let r = c.form(&format!("/interactions/{}/delete", first.id), &[("back", &page)]).await;
    assert_eq!((r.status, r.location.as_str()), (StatusCode::SEE_OTHER, page.as_str()));
    assert_eq!(s.list_interactions(&q).await.unwrap().total, interactions.total - 1);
    let lq = kith_store::LedgerQuery { contact: Some(ada), ..Default::default() };
    let before = s.list_ledger(&lq).await.unwrap();
    if let Some(entry) = before.items.first() {
        let r = c.form(&format!("/ledger/{}/delete", entry.id), &[("back", &page)]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(s.list_ledger(&lq).await.unwrap().total, before.total - 1);
    }
    // Editing an event keeps what the form does not show.
    let input = kith_core::network::EventInput {
        url: Some("https://summit.example/".into()),
        my_role: Some(kith_core::network::EventRole::Speaker),
        follow_up_days: Some(3),
        notes: "Bring the slides".into(),
        ..kith_core::network::EventInput::new("Summit", now().date_naive())
    };
    let ev = s.create_event(&input, now()).await.unwrap().id;
    let before = s.get_event(ev).await.unwrap();
    let edit = format!("/events/{ev}/edit");
    let r =
        c.form(&edit, &[("name", "Renamed"), ("start", "2026-05-10"), ("end", "2026-05-01")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"ee-end-error\"") && r.body.contains("value=\"Renamed\""));
    assert_eq!(s.get_event(ev).await.unwrap().name, before.name);
    let fields =
        [("name", "Renamed"), ("start", "2026-05-10"), ("kind", "workshop"), ("location", "Lyon")];
    assert_eq!(c.form(&edit, &fields).await.status, StatusCode::SEE_OTHER);
    let after = s.get_event(ev).await.unwrap();
    assert_eq!((after.name.as_str(), after.location.as_deref()), ("Renamed", Some("Lyon")));
    assert_eq!(
        (after.my_role, after.follow_up_days, after.attendees.len()),
        (before.my_role, before.follow_up_days, before.attendees.len())
    );

    // A reminder from Today, about someone or nobody.
    let r = c.form("/reminders", &[("title", "Call the bank"), ("due", "soon")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"tr-due-error\"") && r.body.contains("value=\"Call the bank\""));
    let r = c
        .form(
            "/reminders",
            &[("title", "Call the bank"), ("due", "2026-11-28"), ("about", "Nobody Known")],
        )
        .await;
    assert!(r.body.contains("id=\"tr-about-error\""), "{}", r.body);
    let r = c
        .form(
            "/reminders",
            &[("title", "Call the bank"), ("due", "2026-11-28"), ("about", "Ada Lovelace")],
        )
        .await;
    assert_eq!((r.status, r.location.as_str()), (StatusCode::SEE_OTHER, "/"));
    let reminders = s.list_reminders(false).await.unwrap();
    let made: Vec<_> = reminders.iter().filter(|r| r.title == "Call the bank").collect();
    assert_eq!(made.len(), 1);
    assert_eq!(made[0].contact.as_ref().map(|c| c.contact_id), Some(ada));

    // Everything deleted is in the trash, ready to restore.
    let trash = s.list_trash().await.unwrap();
    assert!(trash.len() >= 5, "{trash:?}");
}

/// Today, People, the due list and Insights are kept between requests until the database
/// changes. A change made by another process (here a second store on the same database, as
/// the CLI would be) shows on the next request.
async fn kept_results_follow_changes_from_anywhere(db: &TestDb) {
    let mut c = Client::new(db, false);
    let other = kith_store::open(&db.url).await.unwrap();
    let mut mia = kith_core::ContactInput::named("Mia Mentor");
    mia.tags = vec!["mentor".into()];
    let mia = other.create_contact(&mia, now() - chrono::Duration::days(40)).await.unwrap();
    other.set_tag_cadence("mentor", Some(30)).await.unwrap();
    for _ in 0..2 {
        assert!(c.get("/").await.body.contains("data-due=\"Mia Mentor\""));
        assert!(c.get("/people").await.body.contains("Mia Mentor"));
        assert!(c.get("/api/v1/due").await.body.contains("Mia Mentor"));
    }
    let insights = c.get("/api/v1/insights").await.body;

    // Coffee logged elsewhere takes her off the due list.
    let coffee = kith_core::InteractionInput {
        occurred_at: now() - chrono::Duration::hours(1),
        kind: kith_core::InteractionKind::Coffee,
        direction: kith_core::Direction::Outbound,
        participants: vec![mia.id],
        summary: "Coffee".into(),
        notes: String::new(),
    };
    other.log_interaction(&coffee, now()).await.unwrap();
    assert!(!c.get("/").await.body.contains("data-due=\"Mia Mentor\""));
    assert_eq!(c.get("/api/v1/due").await.body, "[]");
    assert_ne!(c.get("/api/v1/insights").await.body, insights, "insights count the coffee");

    // A new person elsewhere appears on People; a person trashed elsewhere leaves it.
    let ben = other.create_contact(&kith_core::ContactInput::named("Ben Builder"), now()).await;
    assert!(c.get("/people").await.body.contains("Ben Builder"));
    other.trash_contact(ben.unwrap().id, now()).await.unwrap();
    assert!(!c.get("/people").await.body.contains("Ben Builder"));
    assert!(c.get("/people").await.body.contains("Mia Mentor"));
}

/// Settings creates an app password (it then signs a DAV client in) and a feed link (its URL
/// then serves a calendar), shows each once, and revokes them.
async fn settings_create_and_revoke_device_secrets(db: &TestDb) {
    let mut c = Client::new(db, false);
    c.get("/settings").await;
    let r = c.form("/settings/secrets", &[("kind", "app-password"), ("name", "iPhone")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("shown only now") && r.body.contains("User name: kith"), "{}", r.body);
    let after = |body: &str, marker: &str| {
        body.split(marker).nth(1).unwrap().split('<').next().unwrap().to_string()
    };
    let secret = after(&r.body, "<code class=\"secret\">");
    assert_eq!(secret.len(), 32);
    let tokens = db.store.tokens("app-password").await.unwrap();
    assert_eq!(tokens.len(), 1);
    assert!(
        db.store
            .use_token("app-password", &kith_web::token_hash(&secret), now())
            .await
            .unwrap()
            .is_some()
    );

    let r = c.form("/settings/secrets", &[("kind", "feed"), ("name", "Work calendar")]).await;
    let link = after(&r.body, "/feeds/events.ics?token=");
    let feed = c.get(&format!("/feeds/events.ics?token={link}")).await;
    assert_eq!(feed.status, StatusCode::OK);
    assert!(feed.body.starts_with("BEGIN:VCALENDAR"));

    let r = c.form("/settings/secrets", &[("kind", "app-password"), ("name", " ")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "a name is needed");
    let r = c.form("/settings/secrets", &[("kind", "root"), ("name", "x")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    let id = tokens[0].id.simple().to_string();
    let r = c.form("/settings/secrets/revoke", &[("kind", "app-password"), ("name", &id)]).await;
    assert!(r.body.contains("Revoked the app password."), "{}", r.body);
    assert!(
        db.store
            .use_token("app-password", &kith_web::token_hash(&secret), now())
            .await
            .unwrap()
            .is_none()
    );
    let feeds = db.store.tokens("feed").await.unwrap();
    let id = feeds[0].id.simple().to_string();
    c.form("/settings/secrets/revoke", &[("kind", "feed"), ("name", &id)]).await;
    let feed = c.get(&format!("/feeds/events.ics?token={link}")).await;
    assert_eq!(feed.status, StatusCode::FORBIDDEN);
}

/// Upload a LinkedIn export, see the preview, confirm; re-upload changes nothing; duplicates
/// are merged and unmerged from their page; exports download; oversize uploads are refused.
async fn import_preview_confirm_duplicates_and_export(db: &TestDb) {
    let mut c = Client::new(db, false);
    let page = c.get("/import").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("enctype=\"multipart/form-data\""));
    let csv = std::fs::read(format!(
        "{}/../kith-formats/tests/fixtures/linkedin/Connections.csv",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    // The fixture has one nameless row: the preview lists it and offers no confirm button.
    let blocked = c.upload("Connections.csv", &csv, &[]).await;
    assert_eq!(blocked.status, StatusCode::OK);
    assert!(blocked.body.contains("Connections.csv:11: First Name"), "{}", blocked.body);
    assert!(!blocked.body.contains("Confirm the import"));
    let preview = c.upload("Connections.csv", &csv, &[("skip_invalid", "on")]).await;
    assert!(preview.body.contains("data-count=\"created\">11<"), "{}", preview.body);
    assert_eq!(db.store.stats().await.unwrap().contacts, 0, "a preview saves nothing");
    let token = preview
        .body
        .split("action=\"/import/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    // The server restarts between the preview and the confirmation (the browser keeps its
    // cookies): the upload waited in the database.
    c.app = kith_web::router(AppState::with_clock(db.store.clone(), false, Arc::new(now)));
    let done = c.form(&format!("/import/{token}"), &[]).await;
    assert!(done.body.contains("Everything below is saved"), "{}", done.body);
    assert_eq!(db.store.stats().await.unwrap().contacts, 11);
    // The token is used up; the same file again changes nothing.
    assert_eq!(c.form(&format!("/import/{token}"), &[]).await.status, StatusCode::NOT_FOUND);
    let again = c.upload("Connections.csv", &csv, &[("skip_invalid", "on")]).await;
    assert!(again.body.contains("data-count=\"unchanged\">11<"), "{}", again.body);

    // A duplicate: same email as Priya.
    c.form("/people/new", &[("name", "Priya N"), ("email", "priya@example.in")]).await;
    let dupes = c.get("/duplicates").await;
    assert!(dupes.body.contains("same email priya@example.in"), "{}", dupes.body);
    let ids: Vec<String> =
        dupes.body.split("name=\"keep\" value=\"").skip(1).map(|s| s[..36].to_string()).collect();
    let merged = c.form("/duplicates/merge", &[("keep", &ids[0]), ("merge", &ids[1])]).await;
    assert!(merged.body.contains("Merged"), "{}", merged.body);
    assert_eq!(db.store.stats().await.unwrap().contacts, 11);
    let undone = c.form("/duplicates/unmerge", &[]).await;
    assert!(undone.body.contains("Separated"), "{}", undone.body);
    assert_eq!(db.store.stats().await.unwrap().contacts, 12);

    // Exports download with a file name.
    let v = c.get("/export/vcard?version=3").await;
    assert!(v.content_type.starts_with("text/vcard"));
    assert_eq!(v.body.matches("BEGIN:VCARD").count(), 12);
    let j = c.get("/export/json").await;
    assert!(j.body.starts_with("{\"kith\":\"backup\""));
    assert_eq!(c.get("/export/pdf").await.status, StatusCode::NOT_FOUND);

    // People filters by strength band and overdue keep their values and the paging links.
    let list = c.get("/people?band=sporadic&overdue=1").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("<option value=\"sporadic\" selected>"), "{}", list.body);
    assert!(list.body.contains("name=\"overdue\" value=\"1\" checked"));
    let list = c.get("/people?band=sporadic").await;
    assert!(list.body.contains("Priya N"), "new people with no history are sporadic");
    let list = c.get("/people?band=regular").await;
    assert!(!list.body.contains("Priya N"));
    let api = c.get("/api/v1/contacts?band=loud").await;
    assert_eq!(api.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The same through the JSON API: a dry run, a refused import (422 with the report),
    // duplicates, a merge and its undo.
    let vcf = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Api Person\r\nEMAIL:api@x.example\r\nUID:api-1\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nEMAIL:nameless@x.example\r\nEND:VCARD\r\n";
    let send = |uri: &str| {
        Request::builder()
            .method("POST")
            .uri(uri.to_string())
            .header(header::CONTENT_TYPE, "application/octet-stream")
            .body(Body::from(vcf.to_vec()))
            .unwrap()
    };
    let dry = c.send(send("/api/v1/import?name=phone.vcf&dry_run=true")).await;
    assert_eq!(dry.status, StatusCode::OK, "{}", dry.body);
    assert!(dry.body.contains("\"created\":1"), "{}", dry.body);
    let refused = c.send(send("/api/v1/import?name=phone.vcf")).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(refused.body.contains("\"line\":7"), "{}", refused.body);
    let done = c.send(send("/api/v1/import?format=vcard&skip_invalid=true")).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body.contains("\"written\":true"));
    let bad = c.send(send("/api/v1/import?format=pdf")).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    c.json(
        "POST",
        "/api/v1/contacts",
        r#"{"display_name":"Api P","emails":[{"address":"API@x.example"}]}"#,
    )
    .await;
    let pairs = c.get("/api/v1/duplicates").await;
    let v: serde_json::Value = serde_json::from_str(&pairs.body).unwrap();
    let pair = v
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["a_name"].as_str().unwrap().starts_with("Api"))
        .unwrap()
        .clone();
    let body = format!(r#"{{"keep":{},"merge":{}}}"#, pair["a"], pair["b"]);
    let merged = c.json("POST", "/api/v1/merges", &body).await;
    assert_eq!(merged.status, StatusCode::OK, "{}", merged.body);
    let undone = c.json("POST", "/api/v1/merges/undo", "").await;
    assert_eq!(undone.status, StatusCode::OK, "{}", undone.body);
    let openapi = c.get("/api/openapi.json").await;
    assert!(openapi.body.contains("/api/v1/import") && openapi.body.contains("/api/v1/merges"));

    // Own addresses from the settings page.
    let r = c.form("/settings/me", &[("emails", "me@example.com, me@work.example")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(db.store.own_emails().await.unwrap(), vec!["me@example.com", "me@work.example"]);

    // Oversize uploads are refused with a clear message; nothing changes.
    let mut small = Client {
        app: kith_web::router({
            let mut s = AppState::with_clock(db.store.clone(), false, Arc::new(now));
            s.max_upload = 1024;
            s
        }),
        cookies: vec![],
    };
    small.get("/import").await;
    let big = small.upload("big.csv", &vec![b'a'; 4096], &[]).await;
    assert_eq!(big.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", big.body);
    assert!(big.body.contains("upload limit"), "{}", big.body);
    // The API's import says the same as problem+json.
    let r = small
        .build("POST", "/api/v1/import?format=linkedin")
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .body(Body::from(vec![b'a'; 4096]))
        .unwrap();
    let big = small.send(r).await;
    assert_eq!(
        (big.status, big.content_type.as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, "application/problem+json"),
        "{}",
        big.body
    );
    assert!(big.body.contains("upload limit"), "{}", big.body);
    assert_eq!(db.store.stats().await.unwrap().contacts, 14);
}

async fn pages_forms_and_the_due_list(db: &TestDb) {
    let mut c = Client::new(db, false);
    let welcome = c.get("/").await;
    assert_eq!(welcome.status, StatusCode::OK);
    assert!(welcome.body.contains("Load the demo network"));
    // A form without the CSRF token is refused and changes nothing.
    let r = c
        .build("POST", "/demo")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("x=1"))
        .unwrap();
    assert_eq!(c.send(r).await.status, StatusCode::FORBIDDEN);
    assert_eq!(db.store.stats().await.unwrap().contacts, 0);

    // Adding a person: bad email comes back next to the field with the input kept.
    let bad = c
        .form(
            "/people/new",
            &[("name", "Ada Lovelace"), ("email", "not-an-email"), ("tags", "mentor")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("id=\"e-email\""), "{}", bad.body);
    assert!(
        bad.body.contains("value=\"Ada Lovelace\"") && bad.body.contains("value=\"not-an-email\"")
    );
    assert_eq!(db.store.stats().await.unwrap().contacts, 0);
    let ok = c
        .form(
            "/people/new",
            &[
                ("name", "Ada Lovelace"),
                ("email", "ada@example.com"),
                ("org", "Acme"),
                ("tags", "mentor"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert!(ok.location.starts_with("/people/"));
    let person = c.get(&ok.location).await;
    assert!(person.body.contains("<h1>Ada Lovelace</h1>") && person.body.contains("Acme"));

    // With a cadence on the tag, Mia (added 40 days ago) is due; logging coffee takes her off.
    let mut mia = kith_core::ContactInput::named("Mia Mentor");
    mia.tags = vec!["mentor".into()];
    let mia = db.store.create_contact(&mia, now() - chrono::Duration::days(40)).await.unwrap();
    db.store.set_tag_cadence("mentor", Some(30)).await.unwrap();
    let today = c.get("/").await;
    assert!(today.body.contains("data-due=\"Mia Mentor\""), "{}", today.body);
    assert!(!today.body.contains("data-due=\"Ada Lovelace\""), "Ada was added today");
    let bad_log = c.form(&format!("/people/{}/log", mia.id), &[("kind", "telepathy")]).await;
    assert_eq!(bad_log.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_log.body.contains("telepathy"));
    // A bad date comes back next to its field with everything typed kept.
    let bad_when = c
        .form(
            &format!("/people/{}/log", mia.id),
            &[
                ("kind", "call"),
                ("direction", "inbound"),
                ("at", "yesterdayish"),
                ("summary", "Her idea"),
            ],
        )
        .await;
    assert_eq!(bad_when.status, StatusCode::UNPROCESSABLE_ENTITY);
    let b = &bad_when.body;
    assert!(b.contains("value=\"yesterdayish\"") && b.contains("value=\"Her idea\""), "{b}");
    assert!(b.contains("<option value=\"call\" selected>call</option>"), "{b}");
    assert!(b.contains("<option value=\"inbound\" selected>them</option>"), "{b}");
    assert!(b.contains("aria-invalid=\"true\""), "{b}");
    let logged = c
        .form(
            &format!("/people/{}/log", mia.id),
            &[("kind", "coffee"), ("summary", "Talked shop"), ("back", "/")],
        )
        .await;
    assert_eq!((logged.status, logged.location.as_str()), (StatusCode::SEE_OTHER, "/"));
    assert!(!c.get("/").await.body.contains("data-due=\"Mia Mentor\""));
    assert!(c.get(&format!("/people/{}", mia.id)).await.body.contains("Talked shop"));
    let id = ok.location.trim_start_matches("/people/").to_string();

    // A person's own cadence: Ada (added today, called 20 days ago) is due every week.
    let ada = kith_core::ContactId(id.parse().unwrap());
    let call = kith_core::InteractionInput {
        occurred_at: now() - chrono::Duration::days(20),
        kind: kith_core::InteractionKind::Call,
        direction: kith_core::Direction::Mutual,
        participants: vec![ada],
        summary: String::new(),
        notes: String::new(),
    };
    db.store.log_interaction(&call, now()).await.unwrap();
    let bad = c.form(&format!("/people/{id}/cadence"), &[("every", "often")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(!c.get("/").await.body.contains("data-due=\"Ada Lovelace\""));
    let set = c.form(&format!("/people/{id}/cadence"), &[("every", "1w")]).await;
    assert_eq!(set.location, format!("/people/{id}"));
    assert!(c.get(&set.location).await.body.contains("every 7 days"));
    assert!(c.get("/").await.body.contains("data-due=\"Ada Lovelace\""));
    c.form(&format!("/people/{id}/cadence"), &[("every", "")]).await;
    assert!(!c.get("/").await.body.contains("data-due=\"Ada Lovelace\""));

    // Help offered and not given yet shows on Today.
    let offer = kith_core::ledger::LedgerInput {
        kind: kith_core::ledger::LedgerKind::Help,
        direction: Some(kith_core::ledger::LedgerDirection::Given),
        status: Some(kith_core::ledger::LedgerStatus::Offered),
        on: now().date_naive(),
        participants: vec![mia.id],
        summary: "Review her talk".into(),
        notes: String::new(),
    };
    let offer = db.store.add_ledger_entry(&offer, now()).await.unwrap();
    let today = c.get("/").await.body;
    assert!(today.contains("Favours you owe") && today.contains("Review her talk"), "{today}");
    // Through the API: a status the kind does not have is refused; done takes it off Today.
    let status = format!("/api/v1/ledger/{}/status", offer.id);
    let bad = c.json("POST", &status, r#"{"status": "answered"}"#).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    let done = c.json("POST", &status, r#"{"status": "done"}"#).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(!c.get("/").await.body.contains("Review her talk"));
    let gone = c.json("DELETE", &format!("/api/v1/ledger/{}", offer.id), "").await;
    assert_eq!(gone.status, StatusCode::OK, "{}", gone.body);
    assert!(
        db.store.list_trash().await.unwrap().iter().any(|t| t.label.contains("Review her talk"))
    );

    // Every page renders; unknown ids are a 404 page.
    for page in [
        "/people",
        "/people?q=ada",
        "/organizations",
        "/events",
        "/communities",
        "/goals",
        "/opportunities",
        "/collaborations",
        "/paths?to=Ada",
        "/insights",
        "/trash",
        "/settings",
        "/people/new",
        &format!("/people/{id}/edit"),
    ] {
        let r = c.get(page).await;
        assert_eq!(r.status, StatusCode::OK, "{page}: {}", r.body);
        assert!(r.content_type.starts_with("text/html"), "{page}");
    }
    let missing = c.get("/people/00000000-0000-0000-0000-000000000000").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("no contact"), "{}", missing.body);
    // Every interaction, newest first, a page at a time; deleting one goes back to the page.
    let all = c.get("/interactions").await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.body);
    let newest = db.store.list_interactions(&Default::default()).await.unwrap();
    let first = &newest.items[0];
    assert!(
        all.body
            .contains(&format!("<h1>Interactions <span class=\"count\">{}</span>", newest.total))
    );
    assert!(
        all.body.contains(&format!("action=\"/interactions/{}/delete\"", first.id)),
        "{}",
        all.body
    );
    let far = c.get("/interactions?page=9999").await;
    assert!(
        far.status == StatusCode::OK && far.body.contains("back to the newest"),
        "{}",
        far.body
    );
    let r = c
        .form(&format!("/interactions/{}/delete", first.id), &[("back", "/interactions?page=1")])
        .await;
    assert_eq!((r.status, r.location.as_str()), (StatusCode::SEE_OTHER, "/interactions?page=1"));
    assert_eq!(
        db.store.list_interactions(&Default::default()).await.unwrap().total,
        newest.total - 1
    );
    assert!(c.get("/people").await.body.contains("href=\"/interactions\""));

    // The review pages: the week (default) and the month, what `kith review` prints.
    let mut met = kith_core::ContactInput::named("Reviewed Newcomer");
    met.first_met = Some(now().date_naive() - chrono::Duration::days(20));
    met.how_met = Some("the month's meetup".into());
    db.store.create_contact(&met, now()).await.unwrap();
    let week = c.get("/review").await;
    assert_eq!(week.status, StatusCode::OK, "{}", week.body);
    assert!(
        week.body.contains("Your week in review")
            && week.body.contains("<h2 id=\"rv-new\">New people (")
    );
    assert!(!week.body.contains("Reviewed Newcomer"), "met 20 days ago: not this week");
    let month = c.get("/review?period=month").await;
    assert!(month.body.contains("Your month in review"), "{}", month.body);
    assert!(
        month.body.contains("Reviewed Newcomer</a> — the month&#39;s meetup"),
        "{}",
        month.body
    );
    assert!(c.get("/goals").await.body.contains("href=\"/review?period=month\""));
    let year = c.get("/review?period=year").await;
    assert_eq!(year.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", year.body);
    assert!(year.body.contains("week or month"), "{}", year.body);

    assert_eq!(c.get("/people/not-an-id").await.status, StatusCode::NOT_FOUND);

    // Delete goes to the trash; restore brings her back.
    let del = c.form(&format!("/people/{id}/delete"), &[]).await;
    assert_eq!(del.location, "/trash");
    let trash = c.get("/trash").await;
    assert!(trash.body.contains("data-trash=\"Ada Lovelace\""));
    let trashed = db.store.list_trash().await.unwrap();
    let entry = trashed.iter().find(|t| t.label == "Ada Lovelace").unwrap().id;
    let back = c.form(&format!("/trash/{entry}/restore"), &[]).await;
    assert_eq!(back.location, format!("/people/{id}"));

    // The opportunity board: add a card and move it.
    let added = c
        .form("/opportunities", &[("title", "Staff engineer"), ("kind", "job"), ("org", "Acme")])
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);
    let opp = db.store.list_opportunities(&Default::default()).await.unwrap()[0].id;
    let moved = c.form(&format!("/opportunities/{opp}/move"), &[("stage", "interviewing")]).await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER);
    assert_eq!(db.store.get_opportunity(opp).await.unwrap().stage, "interviewing");
    let bad_move = c.form(&format!("/opportunities/{opp}/move"), &[("stage", "dreaming")]).await;
    assert_eq!(bad_move.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_move.body.contains("dreaming"));
    // People filters: organization and relationship role.
    db.store
        .set_roles(mia.id, &[kith_core::leverage::RelationshipRole::Mentor], &[])
        .await
        .unwrap();
    let mentors = c.get("/people?role=mentor").await;
    assert!(
        mentors.body.contains("Mia Mentor") && !mentors.body.contains(">Ada Lovelace<"),
        "{}",
        mentors.body
    );
    let at_acme = c.get("/people?org=Acme").await;
    assert!(at_acme.body.contains(">Ada Lovelace<") && !at_acme.body.contains("Mia Mentor"));
    let nowhere = c.get("/people?org=Nowhere").await;
    assert!(nowhere.body.contains("no organization matches"), "{}", nowhere.body);
    let collab = kith_core::pipeline::CollaborationInput {
        title: "Parser library".into(),
        description: String::new(),
        status: None,
        started_on: None,
        ended_on: None,
        outcome: String::new(),
    };
    let collab = db.store.create_collaboration(&collab, now()).await.unwrap();
    db.store
        .add_participants(
            collab.id,
            &[(kith_core::ContactId(id.parse().unwrap()), "co-author".into())],
        )
        .await
        .unwrap();
    let ada = c.get(&format!("/people/{id}")).await;
    assert!(
        ada.body.contains(&format!(
            "<a href=\"/collaborations/{}\">Parser library</a> (active) — co-author",
            collab.id
        )),
        "{}",
        ada.body
    );
    let paths = c.get("/paths?org=Acme").await;
    assert!(
        paths.body.contains("You know there now") && paths.body.contains("Ada Lovelace"),
        "{}",
        paths.body
    );
}

async fn api_speaks_json_and_problems(db: &TestDb) {
    let mut c = Client::new(db, false);
    let created = c
        .json(
            "POST",
            "/api/v1/contacts",
            r#"{"display_name": "Grace Hopper", "emails": [{"address": "grace@example.com"}]}"#,
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let grace: serde_json::Value = serde_json::from_str(&created.body).unwrap();
    let id = grace["id"].as_str().unwrap();
    let got = c.get(&format!("/api/v1/contacts/{id}")).await;
    assert_eq!(got.status, StatusCode::OK);
    assert!(got.body.contains("grace@example.com"));
    let list: serde_json::Value =
        serde_json::from_str(&c.get("/api/v1/contacts?limit=10").await.body).unwrap();
    assert_eq!(list["total"], 1);

    // A collaboration's fields are replaced with PUT.
    let k = c.json("POST", "/api/v1/collaborations", r#"{"title": "Compiler"}"#).await;
    assert_eq!(k.status, StatusCode::CREATED, "{}", k.body);
    let kid = serde_json::from_str::<serde_json::Value>(&k.body).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let put = c
        .json(
            "PUT",
            &format!("/api/v1/collaborations/{kid}"),
            r#"{"title": "Compiler book", "status": "active"}"#,
        )
        .await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.body);
    assert!(c.get(&format!("/api/v1/collaborations/{kid}")).await.body.contains("Compiler book"));
    let blank = c.json("PUT", &format!("/api/v1/collaborations/{kid}"), r#"{"title": ""}"#).await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", blank.body);

    // Notes, her own cadence and reminders.
    let note =
        c.json("POST", &format!("/api/v1/contacts/{id}/notes"), r#"{"body": "Likes COBOL"}"#).await;
    assert_eq!(note.status, StatusCode::CREATED, "{}", note.body);
    let notes = c.get(&format!("/api/v1/contacts/{id}/notes")).await;
    assert!(notes.body.contains("Likes COBOL"), "{}", notes.body);
    let empty = c.json("POST", &format!("/api/v1/contacts/{id}/notes"), r#"{"body": " "}"#).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", empty.body);
    let cadence = c.json("PUT", &format!("/api/v1/contacts/{id}/cadence"), r#"{"days": 14}"#).await;
    assert_eq!(cadence.status, StatusCode::OK, "{}", cadence.body);
    assert!(cadence.body.contains("14"), "{}", cadence.body);
    let grace_id = kith_core::ContactId(id.parse().unwrap());
    let settings = db.store.contact_nurture(grace_id).await.unwrap().settings;
    assert_eq!(settings.cadence_days, Some(14));
    let bad = c.json("PUT", &format!("/api/v1/contacts/{id}/cadence"), r#"{"days": 0}"#).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    c.json("PUT", &format!("/api/v1/contacts/{id}/cadence"), r#"{"days": null}"#).await;
    assert_eq!(db.store.contact_nurture(grace_id).await.unwrap().settings.cadence_days, None);
    let reminder = c
        .json(
            "POST",
            "/api/v1/reminders",
            &format!(r#"{{"contact": "{id}", "title": "Send the paper", "due": "2031-01-05"}}"#),
        )
        .await;
    assert_eq!(reminder.status, StatusCode::CREATED, "{}", reminder.body);
    let rid = serde_json::from_str::<serde_json::Value>(&reminder.body).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(c.get("/api/v1/reminders").await.body.contains("Send the paper"));
    let done = c.json("POST", &format!("/api/v1/reminders/{rid}/done"), "").await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(!c.get("/api/v1/reminders").await.body.contains("Send the paper"));
    assert!(c.get("/api/v1/reminders?include_done=true").await.body.contains("Send the paper"));
    let gone = c.json("DELETE", &format!("/api/v1/reminders/{rid}"), "").await;
    assert_eq!(gone.status, StatusCode::OK, "{}", gone.body);
    assert!(!c.get("/api/v1/reminders?include_done=true").await.body.contains("Send the paper"));

    let malformed = c.json("POST", "/api/v1/contacts", "{not json").await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
    assert_eq!(malformed.content_type, "application/problem+json");
    assert!(malformed.body.contains("malformed JSON"), "{}", malformed.body);
    let invalid = c
        .json(
            "POST",
            "/api/v1/contacts",
            r#"{"display_name": "X", "emails": [{"address": "nope"}]}"#,
        )
        .await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    let p: serde_json::Value = serde_json::from_str(&invalid.body).unwrap();
    assert_eq!(p["errors"][0]["field"], "email");
    assert_eq!(p["status"], 422);
    let missing = c.get("/api/v1/contacts/00000000-0000-0000-0000-000000000000").await;
    assert_eq!(
        (missing.status, missing.content_type.as_str()),
        (StatusCode::NOT_FOUND, "application/problem+json")
    );
    assert_eq!(c.get("/api/v1/nothing-here").await.content_type, "application/problem+json");
    // Bad query parameters are problems too, and say which parameter.
    let bad = c.get("/api/v1/contacts?limit=abc").await;
    assert_eq!(
        (bad.status, bad.content_type.as_str()),
        (StatusCode::BAD_REQUEST, "application/problem+json")
    );
    assert!(bad.body.contains("limit"), "{}", bad.body);
    assert_eq!(db.store.stats().await.unwrap().contacts, 1, "failed calls changed nothing");

    let logged = c.json("POST", "/api/v1/interactions", &format!(r#"{{"occurred_at": "2026-11-26T10:00:00Z", "kind": "coffee", "direction": "mutual", "participants": ["{id}"]}}"#)).await;
    assert_eq!(logged.status, StatusCode::CREATED, "{}", logged.body);
    let doc: serde_json::Value =
        serde_json::from_str(&c.get("/api/openapi.json").await.body).unwrap();
    for uri in [
        "/api/v1/due",
        "/api/v1/search?q=grase",
        "/api/v1/insights",
        "/api/v1/goals",
        "/api/v1/trash",
        "/api/v1/events",
        "/api/v1/opportunities",
        "/api/v1/organizations",
        "/api/v1/paths?to=Grace",
        "/api/v1/duplicates",
        "/api/v1/contacts",
        &format!("/api/v1/contacts/{id}"),
        &format!("/api/v1/contacts/{id}/interactions"),
    ] {
        let r = c.get(uri).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.body);
        assert!(r.content_type.starts_with("application/json"), "{uri}");
        // The body has the shape the OpenAPI document declares.
        let path = uri.split('?').next().unwrap().replace(id, "{id}");
        let declared = &doc["paths"][path.as_str()]["get"]["responses"]["200"]["content"]["application/json"]
            ["schema"];
        assert!(declared.is_object(), "{uri}: no declared 200 body");
        let body: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        if let Err(e) = conforms(&doc, declared, &body, 3) {
            panic!("{uri}: {e}\n{}", r.body);
        }
    }
    assert!(c.get("/api/v1/search?q=grase").await.body.contains("Grace Hopper"));
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let contact_ref = serde_json::json!({"$ref": "#/components/schemas/Contact"});
    let not_a_contact = serde_json::json!({"id": id, "nickname": 3});
    assert!(conforms(&doc, &contact_ref, &not_a_contact, 3).is_err(), "the check can fail");
    // Request and response schemas come from the types the handlers read and write.
    let contact_get = &doc["paths"]["/api/v1/contacts/{id}"]["get"]["responses"]["200"];
    assert_eq!(
        contact_get["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/Contact"
    );
    let schemas = &doc["components"]["schemas"];
    assert_eq!(schemas["ContactInput"]["required"], serde_json::json!(["display_name"]));
    assert!(
        schemas["Contact"]["properties"]["emails"]["items"]["$ref"] == "#/components/schemas/Email"
    );
    assert!(schemas["Page_ContactSummary"]["properties"]["total"].is_object());
    assert!(
        schemas["InteractionKind"]["enum"].as_array().unwrap().contains(&"coffee".into()),
        "{doc}"
    );
    assert!(doc["paths"]["/api/v1/contacts/{id}"]["get"].is_object());
    assert!(doc["paths"]["/api/v1/paths"]["get"].is_object());
    let deleted = c.json("DELETE", &format!("/api/v1/contacts/{id}"), "").await;
    assert_eq!(deleted.status, StatusCode::OK);
    let entry: serde_json::Value = serde_json::from_str(&deleted.body).unwrap();
    let restored = c
        .json("POST", &format!("/api/v1/trash/{}/restore", entry["id"].as_str().unwrap()), "")
        .await;
    assert_eq!(restored.status, StatusCode::OK);
}

/// The name of an opportunity's organization (empty: none).
fn org_of(o: &kith_core::pipeline::Opportunity) -> &str {
    o.organization.as_ref().map_or("", |(_, name)| name.as_str())
}

/// The body as JSON.
fn value(r: &Reply) -> serde_json::Value {
    serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("{e}: {}", r.body))
}

/// The reply is a problem+json with this status; with a field, it names that field.
#[track_caller]
fn assert_problem(r: &Reply, status: StatusCode, field: Option<&str>) {
    assert_eq!(r.status, status, "{}", r.body);
    assert_eq!(r.content_type, "application/problem+json", "{}", r.body);
    let p = value(r);
    assert_eq!(p["status"], status.as_u16(), "{}", r.body);
    if let Some(f) = field {
        let named = p["errors"].as_array().into_iter().flatten().any(|e| e["field"] == f);
        assert!(named, "expected a problem with field {f}: {}", r.body);
    }
}

/// The reply succeeded with this status and its body has the shape the OpenAPI document
/// declares for `method path` (a template such as `/api/v1/events/{id}`).
#[track_caller]
fn assert_declared(
    doc: &serde_json::Value,
    r: &Reply,
    status: StatusCode,
    method: &str,
    path: &str,
) -> serde_json::Value {
    assert_eq!(r.status, status, "{method} {path}: {}", r.body);
    assert!(r.content_type.starts_with("application/json"), "{method} {path}");
    let op = &doc["paths"][path][method];
    assert!(op.is_object(), "{method} {path} is not in the OpenAPI document");
    let declared = &op["responses"][status.as_str()]["content"]["application/json"]["schema"];
    let body = value(r);
    if declared.is_object()
        && let Err(e) = conforms(doc, declared, &body, 3)
    {
        panic!("{method} {path}: {e}\n{}", r.body);
    }
    body
}

const NOBODY: &str = "00000000-0000-0000-0000-000000000000";

/// Every entity the API lacked: contributions, connections, roles, snooze and closeness,
/// settings, purging the trash, event attendance and community members, list filters, an
/// opportunity's next step and people. Each group is refused at least once (an unknown or
/// malformed id is 404, invalid input is 422 naming the field), and every answer has the
/// shape the OpenAPI document declares.
async fn api_covers_every_entity(db: &TestDb) {
    let mut c = Client::new(db, false);
    let doc = value(&c.get("/api/openapi.json").await);
    // Every new write is in the document with its request schema (API-only inputs refuse
    // unknown fields, and say so).
    for (method, path, input, api_only) in [
        ("post", "/api/v1/contributions", "ContributionInput", false),
        ("post", "/api/v1/connections", "ConnectionInput", false),
        ("put", "/api/v1/contacts/{id}/roles", "RolesInput", true),
        ("post", "/api/v1/contacts/{id}/snooze", "SnoozeInput", true),
        ("put", "/api/v1/contacts/{id}/closeness", "ClosenessInput", true),
        ("post", "/api/v1/events/{id}/attendees", "AttendeesInput", true),
        ("post", "/api/v1/communities/{id}/members", "MembersInput", true),
        ("put", "/api/v1/opportunities/{id}/next-step", "NextStepInput", true),
        ("post", "/api/v1/opportunities/{id}/contacts", "OpportunityPeople", true),
        ("put", "/api/v1/settings/own-emails", "OwnEmailsInput", true),
        ("put", "/api/v1/settings/half-life", "HalfLifeInput", true),
        ("put", "/api/v1/settings/follow-up-days", "FollowUpInput", true),
        ("put", "/api/v1/settings/pipeline", "PipelineInput", true),
        ("put", "/api/v1/settings/tag-cadences/{tag}", "TagCadenceInput", true),
    ] {
        let body = &doc["paths"][path][method]["requestBody"]["content"]["application/json"];
        let want = format!("#/components/schemas/{input}");
        assert_eq!(body["schema"]["$ref"], want.as_str(), "{method} {path}");
        let schema = &doc["components"]["schemas"][input];
        assert!(schema["properties"].is_object(), "{input} is not in the document");
        if api_only {
            assert_eq!(schema["additionalProperties"], false, "{input} refuses unknown fields");
        }
    }
    let id_of = |r: &Reply| value(r)["id"].as_str().unwrap().to_string();
    let ada = c.json("POST", "/api/v1/contacts", r#"{"display_name": "Ada Lovelace"}"#).await;
    let ada = id_of(&ada);
    let grace = c.json("POST", "/api/v1/contacts", r#"{"display_name": "Grace Hopper"}"#).await;
    let grace = id_of(&grace);

    // Contributions: to a community, listed by date (the last year by default).
    let community = c.json("POST", "/api/v1/communities", r#"{"name": "Rust Berlin"}"#).await;
    let cid = id_of(&community);
    let contribute = |on: &str, title: &str| {
        format!(r#"{{"community": "{cid}", "kind": "talk", "on": "{on}", "title": "{title}"}}"#)
    };
    let talk = c.json("POST", "/api/v1/contributions", &contribute("2026-10-01", "Async")).await;
    let talk_id =
        assert_declared(&doc, &talk, StatusCode::CREATED, "post", "/api/v1/contributions")["id"]
            .as_str()
            .unwrap()
            .to_string();
    c.json("POST", "/api/v1/contributions", &contribute("2024-03-01", "Lifetimes")).await;
    let future = c.json("POST", "/api/v1/contributions", &contribute("2027-01-01", "Later")).await;
    assert_problem(&future, StatusCode::UNPROCESSABLE_ENTITY, Some("on"));
    let untitled = c.json("POST", "/api/v1/contributions", &contribute("2026-10-01", " ")).await;
    assert_problem(&untitled, StatusCode::UNPROCESSABLE_ENTITY, Some("title"));
    let talk_uri = format!("/api/v1/contributions/{talk_id}");
    let renamed = c.json("PUT", &talk_uri, &contribute("2026-10-02", "Async, revised")).await;
    let renamed =
        assert_declared(&doc, &renamed, StatusCode::OK, "put", "/api/v1/contributions/{id}");
    assert_eq!(renamed["title"], "Async, revised");
    let blank = c.json("PUT", &talk_uri, &contribute("2026-10-02", "")).await;
    assert_problem(&blank, StatusCode::UNPROCESSABLE_ENTITY, Some("title"));
    c.json("PUT", &talk_uri, &contribute("2026-10-01", "Async")).await;
    let nowhere = c
        .json(
            "POST",
            "/api/v1/contributions",
            &format!(
                r#"{{"community": "{NOBODY}", "kind": "talk", "on": "2026-10-01", "title": "X"}}"#
            ),
        )
        .await;
    assert_problem(&nowhere, StatusCode::NOT_FOUND, None);
    let recent = c.get("/api/v1/contributions").await;
    let recent = assert_declared(&doc, &recent, StatusCode::OK, "get", "/api/v1/contributions");
    assert_eq!(
        (recent["total"].as_u64(), recent["items"][0]["title"].as_str()),
        (Some(1), Some("Async"))
    );
    let all = value(&c.get("/api/v1/contributions?from=2020-01-01&limit=1").await);
    assert_eq!((all["total"].as_u64(), all["items"].as_array().unwrap().len()), (Some(2), 1));
    let older = value(&c.get("/api/v1/contributions?from=2020-01-01&limit=1&offset=1").await);
    assert_eq!(older["items"][0]["title"], "Lifetimes");
    assert_eq!(value(&c.get("/api/v1/contributions?to=2024-01-01").await)["total"], 0);
    let backwards = c.get("/api/v1/contributions?from=2026-12-01&to=2026-11-01").await;
    assert_problem(&backwards, StatusCode::UNPROCESSABLE_ENTITY, Some("from"));
    let bad_day = c.get("/api/v1/contributions?to=yesterday").await;
    assert_problem(&bad_day, StatusCode::UNPROCESSABLE_ENTITY, Some("to"));
    let one = c.get(&format!("/api/v1/contributions/{talk_id}")).await;
    assert_declared(&doc, &one, StatusCode::OK, "get", "/api/v1/contributions/{id}");
    assert_problem(&c.get("/api/v1/contributions/not-an-id").await, StatusCode::NOT_FOUND, None);
    let trashed = c.json("DELETE", &format!("/api/v1/contributions/{talk_id}"), "").await;
    let talk_trash = assert_declared(
        &doc,
        &trashed,
        StatusCode::OK,
        "delete",
        "/api/v1/contributions/{id}",
    )["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(value(&c.get("/api/v1/contributions").await)["total"], 0);
    let again = c.json("DELETE", &format!("/api/v1/contributions/{talk_id}"), "").await;
    assert_problem(&again, StatusCode::NOT_FOUND, None);

    // Connections: who knows whom.
    let knows = c
        .json(
            "POST",
            "/api/v1/connections",
            &format!(
                r#"{{"a": "{ada}", "b": "{grace}", "strength": 0.8, "note": "Met at a workshop"}}"#
            ),
        )
        .await;
    let kid =
        assert_declared(&doc, &knows, StatusCode::CREATED, "post", "/api/v1/connections")["id"]
            .as_str()
            .unwrap()
            .to_string();
    let ties = c.get(&format!("/api/v1/contacts/{ada}/ties")).await;
    let ties = assert_declared(&doc, &ties, StatusCode::OK, "get", "/api/v1/contacts/{id}/ties");
    assert_eq!(ties["items"][0]["contact"]["display_name"], "Grace Hopper", "{ties}");
    assert_eq!(ties["items"][0]["evidence"][0]["source"], "known", "{ties}");
    assert_eq!(ties["items"][0]["strength"], 0.8, "{ties}");
    let no_ties = c.get(&format!("/api/v1/contacts/{NOBODY}/ties")).await;
    assert_problem(&no_ties, StatusCode::NOT_FOUND, None);
    let herself =
        c.json("POST", "/api/v1/connections", &format!(r#"{{"a": "{ada}", "b": "{ada}"}}"#)).await;
    assert_problem(&herself, StatusCode::UNPROCESSABLE_ENTITY, Some("contacts"));
    let too_strong = c
        .json(
            "POST",
            "/api/v1/connections",
            &format!(r#"{{"a": "{ada}", "b": "{grace}", "strength": 2}}"#),
        )
        .await;
    assert_problem(&too_strong, StatusCode::UNPROCESSABLE_ENTITY, Some("strength"));
    let stranger = c
        .json("POST", "/api/v1/connections", &format!(r#"{{"a": "{ada}", "b": "{NOBODY}"}}"#))
        .await;
    assert_problem(&stranger, StatusCode::NOT_FOUND, None);
    let of_ada = c.get(&format!("/api/v1/connections?contact={ada}")).await;
    let of_ada = assert_declared(&doc, &of_ada, StatusCode::OK, "get", "/api/v1/connections");
    assert_eq!(of_ada["total"], 1);
    assert_eq!(of_ada["items"][0]["note"], "Met at a workshop");
    let unknown = c.get("/api/v1/connections?contact=nobody").await;
    assert_problem(&unknown, StatusCode::NOT_FOUND, None);
    let got = c.get(&format!("/api/v1/connections/{kid}")).await;
    assert_declared(&doc, &got, StatusCode::OK, "get", "/api/v1/connections/{id}");
    let gone = c.json("DELETE", &format!("/api/v1/connections/{kid}"), "").await;
    let gone = assert_declared(&doc, &gone, StatusCode::OK, "delete", "/api/v1/connections/{id}");
    let label = gone["label"].as_str().unwrap();
    assert!(label.contains("Ada Lovelace") && label.contains("Grace Hopper"), "{label}");
    assert_eq!(value(&c.get("/api/v1/connections").await)["total"], 0);
    assert_problem(
        &c.get(&format!("/api/v1/connections/{kid}")).await,
        StatusCode::NOT_FOUND,
        None,
    );

    // Roles: replaced as a whole.
    let roles_uri = format!("/api/v1/contacts/{ada}/roles");
    let set = c.json("PUT", &roles_uri, r#"{"roles": ["mentor", "Client"]}"#).await;
    let set = assert_declared(&doc, &set, StatusCode::OK, "put", "/api/v1/contacts/{id}/roles");
    assert_eq!(set, serde_json::json!(["client", "mentor"]));
    c.json("PUT", &roles_uri, r#"{"roles": ["mentor"]}"#).await;
    let roles = c.get(&roles_uri).await;
    let roles = assert_declared(&doc, &roles, StatusCode::OK, "get", "/api/v1/contacts/{id}/roles");
    assert_eq!(roles, serde_json::json!(["mentor"]));
    assert!(c.get("/api/v1/contacts?role=mentor").await.body.contains("Ada Lovelace"));
    let boss = c.json("PUT", &roles_uri, r#"{"roles": ["boss"]}"#).await;
    assert_problem(&boss, StatusCode::UNPROCESSABLE_ENTITY, Some("roles"));
    let typo = c.json("PUT", &roles_uri, r#"{"role": ["mentor"]}"#).await;
    assert_problem(&typo, StatusCode::BAD_REQUEST, None);
    assert_problem(
        &c.get(&format!("/api/v1/contacts/{NOBODY}/roles")).await,
        StatusCode::NOT_FOUND,
        None,
    );
    let nobody_roles =
        c.json("PUT", &format!("/api/v1/contacts/{NOBODY}/roles"), r#"{"roles": []}"#).await;
    assert_problem(&nobody_roles, StatusCode::NOT_FOUND, None);

    // Snooze and closeness (the test clock says 2026-11-27).
    let snooze_uri = format!("/api/v1/contacts/{ada}/snooze");
    let until = c.json("POST", &snooze_uri, r#"{"until": "2026-12-15"}"#).await;
    assert_eq!(until.status, StatusCode::OK, "{}", until.body);
    assert_eq!(value(&until)["snoozed_until"], "2026-12-15");
    let two_weeks = c.json("POST", &snooze_uri, r#"{"for": "2w"}"#).await;
    assert_eq!(value(&two_weeks)["snoozed_until"], "2026-12-11");
    assert!(value(&c.json("POST", &snooze_uri, "{}").await)["snoozed_until"].is_null());
    let past = c.json("POST", &snooze_uri, r#"{"until": "2026-11-01"}"#).await;
    assert_problem(&past, StatusCode::UNPROCESSABLE_ENTITY, Some("until"));
    let both = c.json("POST", &snooze_uri, r#"{"until": "2026-12-15", "for": "2w"}"#).await;
    assert_problem(&both, StatusCode::UNPROCESSABLE_ENTITY, Some("for"));
    let vague = c.json("POST", &snooze_uri, r#"{"for": "a while"}"#).await;
    assert_problem(&vague, StatusCode::UNPROCESSABLE_ENTITY, Some("for"));
    let nobody_snooze =
        c.json("POST", &format!("/api/v1/contacts/{NOBODY}/snooze"), r#"{"for": "2w"}"#).await;
    assert_problem(&nobody_snooze, StatusCode::NOT_FOUND, None);
    let close_uri = format!("/api/v1/contacts/{ada}/closeness");
    let close = c.json("PUT", &close_uri, r#"{"closeness": 0.9}"#).await;
    assert_eq!(value(&close)["closeness"], 0.9, "{}", close.body);
    let ada_id = kith_core::ContactId(ada.parse().unwrap());
    assert_eq!(db.store.contact_nurture(ada_id).await.unwrap().settings.closeness, Some(0.9));
    let over = c.json("PUT", &close_uri, r#"{"closeness": 1.5}"#).await;
    assert_problem(&over, StatusCode::UNPROCESSABLE_ENTITY, Some("closeness"));
    assert!(
        value(&c.json("PUT", &close_uri, r#"{"closeness": null}"#).await)["closeness"].is_null()
    );
    let nobody_close =
        c.json("PUT", "/api/v1/contacts/bogus/closeness", r#"{"closeness": 0.5}"#).await;
    assert_problem(&nobody_close, StatusCode::NOT_FOUND, None);

    // Settings.
    let s = c.get("/api/v1/settings").await;
    let s = assert_declared(&doc, &s, StatusCode::OK, "get", "/api/v1/settings");
    assert_eq!(
        (s["half_life_days"].as_f64(), s["own_emails"].as_array().map(Vec::len)),
        (Some(90.0), Some(0))
    );
    let me =
        c.json("PUT", "/api/v1/settings/own-emails", r#"{"emails": ["Me@Example.org"]}"#).await;
    let me = assert_declared(&doc, &me, StatusCode::OK, "put", "/api/v1/settings/own-emails");
    assert_eq!(me["own_emails"], serde_json::json!(["me@example.org"]));
    let not_me = c.json("PUT", "/api/v1/settings/own-emails", r#"{"emails": ["nope"]}"#).await;
    assert_problem(&not_me, StatusCode::UNPROCESSABLE_ENTITY, Some("email"));
    let half = c.json("PUT", "/api/v1/settings/half-life", r#"{"days": 30}"#).await;
    assert_eq!(value(&half)["half_life_days"], 30.0, "{}", half.body);
    let no_life = c.json("PUT", "/api/v1/settings/half-life", r#"{"days": 0}"#).await;
    assert_problem(&no_life, StatusCode::UNPROCESSABLE_ENTITY, Some("half-life"));
    let follow = c.json("PUT", "/api/v1/settings/follow-up-days", r#"{"days": 5}"#).await;
    assert_eq!(value(&follow)["follow_up_days"], 5, "{}", follow.body);
    let late = c.json("PUT", "/api/v1/settings/follow-up-days", r#"{"days": 400}"#).await;
    assert_problem(&late, StatusCode::UNPROCESSABLE_ENTITY, Some("follow-up"));
    let stages =
        c.json("PUT", "/api/v1/settings/pipeline", r#"{"stages": ["lead", "Talking"]}"#).await;
    assert_eq!(
        value(&stages)["stages"],
        serde_json::json!(["lead", "talking", "won", "lost", "withdrawn"]),
        "{}",
        stages.body
    );
    let closed = c.json("PUT", "/api/v1/settings/pipeline", r#"{"stages": ["won"]}"#).await;
    assert_problem(&closed, StatusCode::UNPROCESSABLE_ENTITY, Some("stages"));
    let glued = c.json("PUT", "/api/v1/settings/pipeline", r#"{"stages": ["a,b"]}"#).await;
    assert_problem(&glued, StatusCode::UNPROCESSABLE_ENTITY, Some("stages"));
    let cadence = c.json("PUT", "/api/v1/settings/tag-cadences/mentor", r#"{"days": 30}"#).await;
    let cadence = value(&cadence);
    assert_eq!(cadence["tag_cadences"][0]["tag"], "mentor");
    assert_eq!(cadence["tag_cadences"][0]["cadence_days"], 30);
    let never = c.json("PUT", "/api/v1/settings/tag-cadences/mentor", r#"{"days": 0}"#).await;
    assert_problem(&never, StatusCode::UNPROCESSABLE_ENTITY, Some("cadence"));
    let cleared = c.json("PUT", "/api/v1/settings/tag-cadences/mentor", r#"{"days": null}"#).await;
    assert_eq!(value(&cleared)["tag_cadences"], serde_json::json!([]));
    assert_eq!(db.store.follow_up_days().await.unwrap(), 5, "the store has what the API set");

    // Events: attendance and filters; communities: members.
    let event = c
        .json("POST", "/api/v1/events", r#"{"name": "RustConf", "starts_on": "2026-09-08"}"#)
        .await;
    let eid = id_of(&event);
    let attend = c
        .json(
            "POST",
            &format!("/api/v1/events/{eid}/attendees"),
            &format!(r#"{{"contacts": ["{ada}", "{grace}"], "met_here": true}}"#),
        )
        .await;
    let attend =
        assert_declared(&doc, &attend, StatusCode::OK, "post", "/api/v1/events/{id}/attendees");
    assert_eq!(attend["attendees"].as_array().unwrap().len(), 2);
    let nobody_there =
        c.json("POST", &format!("/api/v1/events/{eid}/attendees"), r#"{"contacts": []}"#).await;
    assert_problem(&nobody_there, StatusCode::UNPROCESSABLE_ENTITY, Some("contacts"));
    let ghost = c
        .json("POST", &format!("/api/v1/events/{eid}/attendees"), r#"{"contacts": ["ghost"]}"#)
        .await;
    assert_problem(&ghost, StatusCode::NOT_FOUND, None);
    let no_event = c
        .json(
            "POST",
            &format!("/api/v1/events/{NOBODY}/attendees"),
            &format!(r#"{{"contacts": ["{ada}"]}}"#),
        )
        .await;
    assert_problem(&no_event, StatusCode::NOT_FOUND, None);
    let left = c.json("DELETE", &format!("/api/v1/events/{eid}/attendees/{grace}"), "").await;
    let left = assert_declared(
        &doc,
        &left,
        StatusCode::OK,
        "delete",
        "/api/v1/events/{id}/attendees/{contact}",
    );
    assert_eq!(left["attendees"].as_array().unwrap().len(), 1);
    let not_there = c.json("DELETE", &format!("/api/v1/events/{eid}/attendees/{grace}"), "").await;
    assert_problem(&not_there, StatusCode::UNPROCESSABLE_ENTITY, Some("contact"));
    assert_eq!(value(&c.get(&format!("/api/v1/events?contact={ada}")).await)["total"], 1);
    assert_eq!(value(&c.get(&format!("/api/v1/events?contact={grace}")).await)["total"], 0);
    assert_eq!(value(&c.get("/api/v1/events?from=2026-10-01").await)["total"], 0);
    let in_sept = c.get("/api/v1/events?from=2026-09-01&to=2026-09-30&limit=5").await;
    assert_eq!(
        assert_declared(&doc, &in_sept, StatusCode::OK, "get", "/api/v1/events")["total"],
        1
    );
    assert_problem(
        &c.get("/api/v1/events?to=soon").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("to"),
    );
    assert_problem(
        &c.get(&format!("/api/v1/events?contact={NOBODY}")).await,
        StatusCode::NOT_FOUND,
        None,
    );
    let join = c
        .json(
            "POST",
            &format!("/api/v1/communities/{cid}/members"),
            &format!(r#"{{"contacts": ["{ada}"]}}"#),
        )
        .await;
    let join =
        assert_declared(&doc, &join, StatusCode::OK, "post", "/api/v1/communities/{id}/members");
    assert_eq!(join["members"][0]["display_name"], "Ada Lovelace");
    let leave = c.json("DELETE", &format!("/api/v1/communities/{cid}/members/{ada}"), "").await;
    let leave = assert_declared(
        &doc,
        &leave,
        StatusCode::OK,
        "delete",
        "/api/v1/communities/{id}/members/{contact}",
    );
    assert_eq!(leave["members"], serde_json::json!([]));
    let not_member =
        c.json("DELETE", &format!("/api/v1/communities/{cid}/members/{ada}"), "").await;
    assert_problem(&not_member, StatusCode::UNPROCESSABLE_ENTITY, Some("contact"));
    let no_community = c
        .json(
            "POST",
            &format!("/api/v1/communities/{NOBODY}/members"),
            &format!(r#"{{"contacts": ["{ada}"]}}"#),
        )
        .await;
    assert_problem(&no_community, StatusCode::NOT_FOUND, None);

    // Ledger filters.
    for (kind, who) in [("help", &ada), ("ask", &grace)] {
        let r = c
            .json(
                "POST",
                "/api/v1/ledger",
                &format!(r#"{{"kind": "{kind}", "on": "2026-11-20", "participants": ["{who}"], "summary": "{kind}"}}"#),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    let about_ada = c.get(&format!("/api/v1/ledger?contact={ada}")).await;
    let about_ada = assert_declared(&doc, &about_ada, StatusCode::OK, "get", "/api/v1/ledger");
    assert_eq!(
        (about_ada["total"].as_u64(), about_ada["items"][0]["kind"].as_str()),
        (Some(1), Some("help"))
    );
    assert_eq!(value(&c.get("/api/v1/ledger?kind=ask&status=open").await)["total"], 1);
    assert_eq!(value(&c.get("/api/v1/ledger?kind=ask&status=answered").await)["total"], 0);
    assert_eq!(value(&c.get("/api/v1/ledger?since=2026-11-21").await)["total"], 0);
    assert_problem(
        &c.get("/api/v1/ledger?kind=favour").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("kind"),
    );
    assert_problem(
        &c.get("/api/v1/ledger?since=May").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("since"),
    );
    assert_problem(
        &c.get(&format!("/api/v1/ledger?contact={NOBODY}")).await,
        StatusCode::NOT_FOUND,
        None,
    );

    // Opportunities: filters, next step, people.
    let opp = c
        .json(
            "POST",
            "/api/v1/opportunities",
            &format!(r#"{{"title": "Staff engineer", "kind": "job", "contacts": [["{ada}", "referrer"]]}}"#),
        )
        .await;
    assert_eq!(opp.status, StatusCode::CREATED, "{}", opp.body);
    let oid = id_of(&opp);
    let opps = c.get(&format!("/api/v1/opportunities?stage=lead&kind=job&contact={ada}")).await;
    let opps = assert_declared(&doc, &opps, StatusCode::OK, "get", "/api/v1/opportunities");
    assert_eq!((opps["items"].as_array().unwrap().len(), opps["total"].as_u64()), (1, Some(1)));
    let none = serde_json::json!({"items": [], "total": 0});
    assert_eq!(value(&c.get("/api/v1/opportunities?stage=Talking").await), none);
    assert_eq!(value(&c.get(&format!("/api/v1/opportunities?contact={grace}")).await), none);
    let dreaming = c.get("/api/v1/opportunities?stage=dreaming").await;
    assert_problem(&dreaming, StatusCode::UNPROCESSABLE_ENTITY, Some("stage"));
    assert_problem(
        &c.get("/api/v1/opportunities?kind=gig").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("kind"),
    );
    let no_org = c.get(&format!("/api/v1/opportunities?organization={NOBODY}")).await;
    assert_problem(&no_org, StatusCode::NOT_FOUND, None);
    // Editing the details keeps the stage; a blank title and an unknown one are refused.
    let opp_uri = format!("/api/v1/opportunities/{oid}");
    let edited = c.json("PUT", &opp_uri, r#"{"title": "Principal", "kind": "client"}"#).await;
    let edited =
        assert_declared(&doc, &edited, StatusCode::OK, "put", "/api/v1/opportunities/{id}");
    assert_eq!(
        (edited["title"].as_str(), edited["kind"].as_str()),
        (Some("Principal"), Some("client"))
    );
    assert!(edited["organization"].is_null(), "{edited}");
    let blank = c.json("PUT", &opp_uri, r#"{"title": "", "kind": "job"}"#).await;
    assert_problem(&blank, StatusCode::UNPROCESSABLE_ENTITY, Some("title"));
    let gone = c
        .json("PUT", &format!("/api/v1/opportunities/{NOBODY}"), r#"{"title": "x", "kind": "job"}"#)
        .await;
    assert_problem(&gone, StatusCode::NOT_FOUND, None);
    let next_uri = format!("/api/v1/opportunities/{oid}/next-step");
    let next = c.json("PUT", &next_uri, r#"{"step": "Send the CV", "due": "2026-12-01"}"#).await;
    let next =
        assert_declared(&doc, &next, StatusCode::OK, "put", "/api/v1/opportunities/{id}/next-step");
    assert_eq!(
        (next["next_step"].as_str(), next["next_step_due"].as_str()),
        (Some("Send the CV"), Some("2026-12-01"))
    );
    let due_only = c.json("PUT", &next_uri, r#"{"due": "2026-12-01"}"#).await;
    assert_problem(&due_only, StatusCode::UNPROCESSABLE_ENTITY, Some("due"));
    let blank = c.json("PUT", &next_uri, r#"{"step": " "}"#).await;
    assert_problem(&blank, StatusCode::UNPROCESSABLE_ENTITY, Some("next"));
    let no_opp = c
        .json("PUT", &format!("/api/v1/opportunities/{NOBODY}/next-step"), r#"{"step": "Call"}"#)
        .await;
    assert_problem(&no_opp, StatusCode::NOT_FOUND, None);
    assert!(value(&c.json("PUT", &next_uri, r#"{"step": null}"#).await)["next_step"].is_null());
    let people_uri = format!("/api/v1/opportunities/{oid}/contacts");
    let linked = c
        .json(
            "POST",
            &people_uri,
            &format!(r#"{{"contacts": [{{"contact": "{grace}", "role": "hiring-manager"}}]}}"#),
        )
        .await;
    let linked = assert_declared(
        &doc,
        &linked,
        StatusCode::OK,
        "post",
        "/api/v1/opportunities/{id}/contacts",
    );
    assert_eq!(linked["contacts"].as_array().unwrap().len(), 2, "{linked}");
    assert_eq!(
        value(&c.get(&format!("/api/v1/opportunities?contact={grace}")).await)["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let boss = c
        .json(
            "POST",
            &people_uri,
            &format!(r#"{{"contacts": [{{"contact": "{grace}", "role": "boss"}}]}}"#),
        )
        .await;
    assert_problem(&boss, StatusCode::UNPROCESSABLE_ENTITY, Some("role"));
    let nobody_linked = c.json("POST", &people_uri, r#"{"contacts": []}"#).await;
    assert_problem(&nobody_linked, StatusCode::UNPROCESSABLE_ENTITY, Some("contacts"));
    let stranger = c
        .json("POST", &people_uri, &format!(r#"{{"contacts": [{{"contact": "{NOBODY}"}}]}}"#))
        .await;
    assert_problem(&stranger, StatusCode::NOT_FOUND, None);

    // Collaborations by contact.
    let k = c.json("POST", "/api/v1/collaborations", r#"{"title": "Compiler"}"#).await;
    let k = kith_core::CollaborationId(id_of(&k).parse().unwrap());
    db.store.add_participants(k, &[(ada_id, "co-author".into())]).await.unwrap();
    let with_ada = c.get(&format!("/api/v1/collaborations?contact={ada}")).await;
    let with_ada =
        assert_declared(&doc, &with_ada, StatusCode::OK, "get", "/api/v1/collaborations");
    assert_eq!(with_ada["items"].as_array().unwrap().len(), 1);
    assert_eq!(value(&c.get(&format!("/api/v1/collaborations?contact={grace}")).await), none);
    assert_problem(&c.get("/api/v1/collaborations?contact=x").await, StatusCode::NOT_FOUND, None);

    // The trash: purge one entry, then empty it (only with confirm=true).
    let purged = c.json("DELETE", &format!("/api/v1/trash/{talk_trash}"), "").await;
    let purged = assert_declared(&doc, &purged, StatusCode::OK, "delete", "/api/v1/trash/{id}");
    assert_eq!(purged["label"].as_str().map(|l| l.contains("Async")), Some(true), "{purged}");
    let restore = c.json("POST", &format!("/api/v1/trash/{talk_trash}/restore"), "").await;
    assert_problem(&restore, StatusCode::NOT_FOUND, None);
    assert_problem(
        &c.json("DELETE", &format!("/api/v1/trash/{talk_trash}"), "").await,
        StatusCode::NOT_FOUND,
        None,
    );
    assert_problem(
        &c.json("DELETE", "/api/v1/trash/not-an-id", "").await,
        StatusCode::NOT_FOUND,
        None,
    );
    let left_in_trash = db.store.list_trash().await.unwrap().len();
    assert_eq!(left_in_trash, 1, "the connection is still there");
    let unconfirmed = c.json("DELETE", "/api/v1/trash", "").await;
    assert_problem(&unconfirmed, StatusCode::UNPROCESSABLE_ENTITY, Some("confirm"));
    let declined = c.json("DELETE", "/api/v1/trash?confirm=false", "").await;
    assert_problem(&declined, StatusCode::UNPROCESSABLE_ENTITY, Some("confirm"));
    assert_eq!(db.store.list_trash().await.unwrap().len(), 1, "refusals delete nothing");
    let emptied = c.json("DELETE", "/api/v1/trash?confirm=true", "").await;
    let emptied = assert_declared(&doc, &emptied, StatusCode::OK, "delete", "/api/v1/trash");
    assert_eq!(emptied["purged"], 1);
    assert_eq!(value(&c.get("/api/v1/trash").await), none);

    // Every list pages the same way: {items, total}, `limit` and `offset`.
    for name in ["Second", "Third"] {
        let body = format!(r#"{{"title": "{name}", "kind": "client"}}"#);
        assert_eq!(
            c.json("POST", "/api/v1/opportunities", &body).await.status,
            StatusCode::CREATED
        );
    }
    let all = value(&c.get("/api/v1/opportunities").await);
    let page = value(&c.get("/api/v1/opportunities?limit=1&offset=1").await);
    assert_eq!(all["total"], 3);
    assert_eq!((page["total"].as_u64(), page["items"].as_array().unwrap().len()), (Some(3), 1));
    assert_eq!(page["items"][0]["id"], all["items"][1]["id"]);
    let past = value(&c.get("/api/v1/opportunities?offset=10").await);
    assert_eq!((past["total"].as_u64(), past["items"].as_array().unwrap().len()), (Some(3), 0));
    assert_problem(&c.get("/api/v1/opportunities?limit=many").await, StatusCode::BAD_REQUEST, None);
    for uri in [
        "/api/v1/goals?limit=1",
        "/api/v1/communities?limit=1",
        "/api/v1/reminders?limit=1",
        "/api/v1/collaborations?limit=1",
        "/api/v1/trash?limit=1",
    ] {
        let r = c.get(uri).await;
        let body = assert_declared(&doc, &r, StatusCode::OK, "get", uri.split('?').next().unwrap());
        assert!(body["items"].as_array().unwrap().len() <= 1 && body["total"].is_u64(), "{uri}");
    }
}

/// Checks a JSON value against an OpenAPI schema, `depth` levels down: objects have every
/// required property and no undeclared one, arrays' items conform, references resolve.
fn conforms(
    doc: &serde_json::Value,
    schema: &serde_json::Value,
    value: &serde_json::Value,
    depth: usize,
) -> Result<(), String> {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.trim_start_matches("#/components/schemas/");
        let target = &doc["components"]["schemas"][name];
        if target.is_null() {
            return Err(format!("{r} is not in the document"));
        }
        return conforms(doc, target, value, depth);
    }
    if let Some(options) = schema["oneOf"].as_array() {
        return if options.iter().any(|o| conforms(doc, o, value, depth).is_ok()) {
            Ok(())
        } else {
            Err(format!("{value} matches none of {schema}"))
        };
    }
    if depth == 0 || value.is_null() {
        return Ok(());
    }
    if let Some(items) = value.as_array() {
        for item in items.iter().take(3) {
            conforms(doc, &schema["items"], item, depth - 1)?;
        }
    } else if let Some(object) = value.as_object()
        && let Some(properties) = schema["properties"].as_object()
    {
        for key in schema["required"].as_array().into_iter().flatten() {
            let key = key.as_str().unwrap_or_default();
            if !object.contains_key(key) {
                return Err(format!("{key} is required but missing"));
            }
        }
        for (key, v) in object {
            let Some(p) = properties.get(key) else {
                return Err(format!("{key} is not declared in {schema}"));
            };
            conforms(doc, p, v, depth - 1).map_err(|e| format!("{key}: {e}"))?;
        }
    }
    Ok(())
}

async fn sign_in_tokens_and_limits(db: &TestDb) {
    let hash = kith_web::hash_password("correct horse battery").unwrap();
    db.store.set_password_hash(&hash).await.unwrap();
    let mut c = Client::new(db, true);
    let home = c.get("/people").await;
    assert_eq!(
        (home.status, home.location.as_str()),
        (StatusCode::SEE_OTHER, "/login?next=/people")
    );
    let api = c.get("/api/v1/contacts").await;
    assert_eq!(
        (api.status, api.content_type.as_str()),
        (StatusCode::UNAUTHORIZED, "application/problem+json")
    );
    assert_eq!(
        c.get("/api/openapi.json").await.status,
        StatusCode::OK,
        "the API description is public"
    );
    assert_eq!(c.get("/login").await.status, StatusCode::OK);
    let wrong = c.form("/login", &[("password", "guess"), ("next", "/people")]).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.body.contains("That password is not right."));
    let right =
        c.form("/login", &[("password", "correct horse battery"), ("next", "/people")]).await;
    assert_eq!((right.status, right.location.as_str()), (StatusCode::SEE_OTHER, "/people"));
    assert!(c.cookies.iter().any(|k| k.starts_with("kith_session=")));
    assert_eq!(c.get("/people").await.status, StatusCode::OK);
    let out = c.form("/logout", &[]).await;
    assert_eq!(out.location, "/login");
    assert_eq!(c.get("/people").await.status, StatusCode::SEE_OTHER, "signed out");

    // Bearer tokens for the API; revoked ones stop working.
    let secret = "kith_test_token_0123456789";
    db.store.create_token("script", "api", &kith_web::token_hash(secret), now()).await.unwrap();
    let mut bot = Client::new(db, true);
    let with = |t: &str| {
        Request::builder()
            .uri("/api/v1/contacts")
            .header(header::AUTHORIZATION, format!("Bearer {t}"))
            .body(Body::empty())
            .unwrap()
    };
    assert_eq!(bot.send(with(secret)).await.status, StatusCode::OK);
    assert_eq!(bot.send(with("kith_wrong")).await.status, StatusCode::UNAUTHORIZED);
    db.store.revoke_token("api", "script", now()).await.unwrap();
    assert_eq!(bot.send(with(secret)).await.status, StatusCode::UNAUTHORIZED);

    // Five wrong passwords in a minute, then even the right one waits.
    let mut guesser = Client::new(db, true);
    guesser.get("/login").await;
    for _ in 0..5 {
        assert_eq!(
            guesser.form("/login", &[("password", "nope")]).await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        guesser.form("/login", &[("password", "correct horse battery")]).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
}
