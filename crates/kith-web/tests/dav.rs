//! The CardDAV protocol, request by request, on SQLite and PostgreSQL: each numbered point of
//! the sync issue (discovery, OPTIONS, principal, address book, reports, sync-collection,
//! cards, edits in Kith, auth), with the request shapes iOS and DAVx5 send, and bad input.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use base64::Engine as _;
use chrono::{DateTime, TimeZone, Utc};
use http_body_util::BodyExt;
use kith_core::ContactInput;
use kith_store::testing::TestDb;
use kith_web::AppState;
use std::sync::Arc;
use tower::ServiceExt;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 10, 0, 0).unwrap()
}

const BOOK: &str = "/dav/addressbooks/kith/default/";

struct Dav {
    app: Router,
    auth: String,
}

#[derive(Debug)]
struct Reply {
    status: StatusCode,
    etag: String,
    headers: axum::http::HeaderMap,
    body: String,
}

impl Dav {
    async fn new(db: &TestDb) -> Dav {
        let secret = "0123456789abcdef0123456789abcdef";
        db.store
            .create_token("phone", "app-password", &kith_web::token_hash(secret), now())
            .await
            .unwrap();
        let state = AppState::with_clock(db.store.clone(), true, Arc::new(now));
        Dav { app: kith_web::router(state), auth: basic("kith", secret) }
    }

    async fn send(&self, method: &str, uri: &str, headers: &[(&str, &str)], body: &str) -> Reply {
        self.send_as(&self.auth.clone(), method, uri, headers, body.as_bytes().to_vec()).await
    }

    async fn send_as(
        &self,
        auth: &str,
        method: &str,
        uri: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> Reply {
        let mut r = Request::builder().method(method).uri(uri);
        if !auth.is_empty() {
            r = r.header(header::AUTHORIZATION, auth);
        }
        for (k, v) in headers {
            r = r.header(*k, *v);
        }
        let resp = self.app.clone().oneshot(r.body(Body::from(body)).unwrap()).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let etag =
            headers.get(header::ETAG).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        Reply { status, etag, headers, body: String::from_utf8(bytes.to_vec()).unwrap() }
    }

    async fn propfind(&self, uri: &str, depth: &str, props: &str) -> Reply {
        let body = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><A:propfind xmlns:A=\"DAV:\" xmlns:B=\"urn:ietf:params:xml:ns:carddav\" xmlns:C=\"http://calendarserver.org/ns/\" xmlns:E=\"http://apple.com/ns/ical/\"><A:prop>{props}</A:prop></A:propfind>"
        );
        self.send("PROPFIND", uri, &[("Depth", depth), ("Content-Type", "text/xml")], &body).await
    }

    async fn put(&self, name: &str, card: &str, condition: (&str, &str)) -> Reply {
        let mut headers = vec![("Content-Type", "text/vcard; charset=utf-8")];
        if !condition.0.is_empty() {
            headers.push(condition);
        }
        self.send("PUT", &format!("{BOOK}{name}"), &headers, card).await
    }

    async fn sync(&self, token: &str) -> Reply {
        let body = format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\" ?><D:sync-collection xmlns:D=\"DAV:\"><D:sync-token>{token}</D:sync-token><D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>"
        );
        self.send("REPORT", BOOK, &[("Depth", "0")], &body).await
    }
}

fn basic(user: &str, password: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
    )
}

/// The text between `<tag>` and `</tag>` (first occurrence).
fn between<'a>(body: &'a str, tag: &str) -> &'a str {
    let open = format!("<{tag}>");
    let start = body.find(&open).unwrap_or_else(|| panic!("no {tag} in {body}")) + open.len();
    let end = body[start..].find(&format!("</{tag}>")).unwrap() + start;
    &body[start..end]
}

/// The `<d:response>` elements of a multistatus, each as text.
fn responses(body: &str) -> Vec<&str> {
    body.split("<d:response>").skip(1).collect()
}

fn card(uid: &str, name: &str, extra: &str) -> String {
    format!(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:{name}\r\nN:{};{};;;\r\nEMAIL;TYPE=INTERNET:{}@example.org\r\n{extra}END:VCARD\r\n",
        name.split(' ').next_back().unwrap_or(name),
        name.split(' ').next().unwrap_or(name),
        name.to_lowercase().replace(' ', ".")
    )
}

kith_store::store_tests!(
    discovery_principal_and_address_book,
    cards_are_written_kept_and_guarded,
    reports_and_sync_collection_follow_every_change,
    sign_in_and_bad_input_are_refused,
    calendar_feeds_load_in_a_calendar_parser
);

/// Points 1–4: discovery, OPTIONS, the principal, the address book's properties.
async fn discovery_principal_and_address_book(db: &TestDb) {
    let dav = Dav::new(db).await;
    db.store.set_own_emails(&["me@example.org".into()]).await.unwrap();
    let r = dav.send_as("", "GET", "/.well-known/carddav", &[], vec![]).await;
    assert_eq!(r.status, StatusCode::FOUND);
    assert_eq!(r.headers[header::LOCATION], "/dav/");

    let r = dav.send_as("", "OPTIONS", BOOK, &[], vec![]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["dav"], "1, 3, addressbook");
    let allow = r.headers[header::ALLOW].to_str().unwrap().to_string();
    for m in ["PROPFIND", "PROPPATCH", "REPORT", "MKCOL", "PUT", "DELETE"] {
        assert!(allow.contains(m), "{allow}");
    }

    // iOS probes `/` first, Depth 0, for the principal.
    for root in ["/", "/dav/"] {
        let r = dav
            .propfind(root, "0", "<A:current-user-principal/><A:principal-URL/><A:resourcetype/>")
            .await;
        assert_eq!(r.status, StatusCode::MULTI_STATUS, "{root}: {}", r.body);
        assert!(
            r.body.contains(
                "<d:current-user-principal><d:href>/dav/principals/kith/</d:href></d:current-user-principal>"
            ),
            "{}",
            r.body
        );
        assert!(r.body.contains("<d:principal-URL/>"), "unknown here: a 404 propstat");
        assert!(r.body.contains("HTTP/1.1 404 Not Found"));
    }

    let r = dav
        .propfind(
            "/dav/principals/kith/",
            "0",
            "<B:addressbook-home-set/><A:displayname/><A:principal-collection-set/><A:supported-report-set/><B:email-address-set/>",
        )
        .await;
    assert_eq!(r.status, StatusCode::MULTI_STATUS);
    assert!(r.body.contains("<card:addressbook-home-set><d:href>/dav/addressbooks/kith/</d:href>"));
    assert!(r.body.contains("<d:principal-collection-set><d:href>/dav/principals/</d:href>"));
    assert!(r.body.contains("<cs:email-address>me@example.org</cs:email-address>"));
    assert!(r.body.contains("<d:displayname>kith</d:displayname>"));
    assert!(!r.body.contains("404"), "every principal property is known: {}", r.body);

    // The home lists one address book (Apple shows only the first).
    let r = dav.propfind("/dav/addressbooks/kith/", "1", "<A:resourcetype/>").await;
    assert_eq!(responses(&r.body).len(), 2, "{}", r.body);
    assert_eq!(r.body.matches("<card:addressbook/>").count(), 1);

    db.store.create_contact(&ContactInput::named("Ada Lovelace"), now()).await.unwrap();
    let r = dav
        .propfind(
            BOOK,
            "1",
            "<A:resourcetype/><A:displayname/><C:getctag/><A:sync-token/><A:supported-report-set/>\
             <B:supported-address-data/><A:current-user-privilege-set/><B:max-resource-size/>\
             <E:calendar-color/><A:getetag/>",
        )
        .await;
    assert_eq!(r.status, StatusCode::MULTI_STATUS);
    let all = responses(&r.body);
    assert_eq!(all.len(), 2, "the book and one card: {}", r.body);
    let book = all[0];
    assert!(book.contains("<d:resourcetype><d:collection/><card:addressbook/></d:resourcetype>"));
    let ctag = between(book, "cs:getctag");
    assert_eq!(ctag, between(book, "d:sync-token"));
    assert!(ctag.starts_with("urn:kith:sync:"));
    for report in ["card:addressbook-multiget", "card:addressbook-query", "d:sync-collection"] {
        assert!(book.contains(&format!("<d:report><{report}/></d:report>")), "{report}");
    }
    assert!(book.contains("version=\"3.0\"") && book.contains("version=\"4.0\""));
    assert!(book.contains("<d:privilege><d:write/></d:privilege>"));
    assert!(book.contains("<card:max-resource-size>10485760</card:max-resource-size>"));
    assert!(
        book.contains("<x:calendar-color xmlns:x=\"http://apple.com/ns/ical/\"/>"),
        "an unknown property gets a 404 propstat in its own namespace: {book}"
    );
    assert!(all[1].contains("<d:getetag>&quot;r"), "{}", all[1]);

    let r = dav.propfind(BOOK, "infinity", "<A:getetag/>").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("propfind-finite-depth"));
    // An empty body is allprop.
    let r = dav.send("PROPFIND", BOOK, &[("Depth", "0")], "").await;
    assert_eq!(r.status, StatusCode::MULTI_STATUS);
    assert!(r.body.contains("<cs:getctag>"));
}

/// Point 7 (and 8's edits in Kith): create, read back byte for byte, conditional updates and
/// deletes, UIDs, kept properties, group cards.
async fn cards_are_written_kept_and_guarded(db: &TestDb) {
    let dav = Dav::new(db).await;
    let apple = card(
        "ABC-1",
        "Grace Hopper",
        "item1.URL:https://example.org/grace\r\nitem1.X-ABLabel:_$!<HomePage>!$_\r\nX-SOCIALPROFILE;type=twitter:x-apple:grace\r\nPHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRg==\r\nORG:Navy;\r\n",
    );
    let r = dav.put("ABC-1.vcf", &apple, ("If-None-Match", "*")).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let first = r.etag.clone();
    assert!(first.starts_with("\"r"), "strong, quoted: {first}");
    let again = dav.put("ABC-1.vcf", &apple, ("If-None-Match", "*")).await;
    assert_eq!(again.status, StatusCode::PRECONDITION_FAILED);

    let got = dav.send("GET", &format!("{BOOK}ABC-1.vcf"), &[], "").await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.body, apple, "served byte for byte");
    assert_eq!(got.etag, first);
    assert!(got.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/vcard"));

    // Kith has the person, with the job from ORG.
    let page = db.store.list_contacts(&Default::default()).await.unwrap();
    assert_eq!(page.total, 1);
    let id = page.items[0].id;
    let grace = db.store.get_contact(id).await.unwrap();
    assert_eq!(grace.display_name, "Grace Hopper");
    assert_eq!(grace.current_role().map(|r| r.organization.as_str()), Some("Navy"));

    let stale = dav
        .put("ABC-1.vcf", &apple.replace("Grace", "Amazing Grace"), ("If-Match", "\"r1\""))
        .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED, "a stale ETag is refused");
    let edited = apple.replace(
        "EMAIL;TYPE=INTERNET:grace.hopper@example.org",
        "EMAIL;TYPE=INTERNET:grace@navy.example",
    );
    let r = dav.put("ABC-1.vcf", &edited, ("If-Match", &first)).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    assert_ne!(r.etag, first);
    let second = r.etag.clone();
    let grace = db.store.get_contact(id).await.unwrap();
    assert_eq!(grace.emails.len(), 1, "the phone's list replaces the stored one");
    assert_eq!(grace.emails[0].address, "grace@navy.example");

    // An edit in Kith changes the ETag; the card is then rendered, keeping what Kith does not model.
    let mut input = grace.to_input();
    input.nickname = Some("Amazing Grace".into());
    db.store.update_contact(id, &input, now()).await.unwrap();
    let got = dav.send("GET", &format!("{BOOK}ABC-1.vcf"), &[], "").await;
    assert_ne!(got.etag, second);
    assert!(got.body.contains("NICKNAME:Amazing Grace"), "{}", got.body);
    assert!(got.body.contains("UID:ABC-1"));
    for kept in [
        "URL:https://example.org/grace",
        "X-SOCIALPROFILE;type=twitter:x-apple:grace",
        "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRg==",
    ] {
        assert!(got.body.contains(kept), "{kept} kept: {}", got.body);
    }
    let v4 = dav
        .send("GET", &format!("{BOOK}ABC-1.vcf"), &[("Accept", "text/vcard; version=4.0")], "")
        .await;
    assert!(v4.body.contains("VERSION:4.0"));

    // UIDs: required, and unique in the book.
    let r = dav
        .put("no-uid.vcf", "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Nobody\r\nEND:VCARD\r\n", ("", ""))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("<card:valid-address-data/>"), "{}", r.body);
    let r = dav.put("bad.vcf", "this is not a card", ("", "")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = dav.put("copy.vcf", &card("ABC-1", "Grace Copy", ""), ("If-None-Match", "*")).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("no-uid-conflict") && r.body.contains("ABC-1.vcf"), "{}", r.body);
    let kith_made =
        db.store.create_contact(&ContactInput::named("Alan Turing"), now()).await.unwrap();
    let r = dav
        .put("alan.vcf", &card(&format!("urn:uuid:{}", kith_made.id), "Alan T", ""), ("", ""))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "the UID of a card Kith made counts too");
    assert_eq!(
        db.store.list_contacts(&Default::default()).await.unwrap().total,
        2,
        "nothing changed"
    );

    // Group cards are kept as written.
    let group = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:G-1\r\nFN:Mentors\r\nX-ADDRESSBOOKSERVER-KIND:group\r\nX-ADDRESSBOOKSERVER-MEMBER:urn:uuid:ABC-1\r\nEND:VCARD\r\n";
    let r = dav.put("G-1.vcf", group, ("If-None-Match", "*")).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(dav.send("GET", &format!("{BOOK}G-1.vcf"), &[], "").await.body, group);
    let grace = db.store.get_contact(id).await.unwrap();
    assert_eq!(grace.tags, vec!["mentors".to_string()], "the group's members get its tag");

    // Deletes: conditional; a person goes to the trash, so nothing is lost.
    let r = dav.send("DELETE", &format!("{BOOK}ABC-1.vcf"), &[("If-Match", "\"r1\"")], "").await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED);
    let current = dav.send("GET", &format!("{BOOK}ABC-1.vcf"), &[], "").await.etag;
    let r = dav.send("DELETE", &format!("{BOOK}ABC-1.vcf"), &[("If-Match", &current)], "").await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        dav.send("GET", &format!("{BOOK}ABC-1.vcf"), &[], "").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        dav.send("DELETE", &format!("{BOOK}ABC-1.vcf"), &[], "").await.status,
        StatusCode::NOT_FOUND
    );
    let trash = db.store.list_trash().await.unwrap();
    assert_eq!(trash.len(), 1);
    assert_eq!(trash[0].label, "Grace Hopper");
    assert_eq!(
        dav.send("DELETE", &format!("{BOOK}G-1.vcf"), &[], "").await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        dav.send("DELETE", BOOK, &[], "").await.status,
        StatusCode::FORBIDDEN,
        "the book stays"
    );
    // Restoring from the trash brings the card back at its address.
    db.store.restore(trash[0].id, now()).await.unwrap();
    let got = dav.send("GET", &format!("{BOOK}ABC-1.vcf"), &[], "").await;
    assert_eq!(got.status, StatusCode::OK);
    assert!(got.body.contains("FN:Grace Hopper"));
    assert_eq!(
        dav.send("MKCOL", "/dav/addressbooks/kith/other/", &[], "").await.status,
        StatusCode::FORBIDDEN
    );
    let r = dav.send("MKCOL", BOOK, &[], "").await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(r.headers.contains_key(header::ALLOW));
}

/// Points 5, 6 and 8: multiget, query, sync-collection through edits, deletes, merges,
/// imports and a restored backup.
async fn reports_and_sync_collection_follow_every_change(db: &TestDb) {
    let dav = Dav::new(db).await;
    let ada = db.store.create_contact(&ContactInput::named("Ada Lovelace"), now()).await.unwrap();
    let mut bob_input = ContactInput::named("Bob Marley");
    bob_input.emails = vec![kith_core::import::email("bob@example.org", None)];
    let bob = db.store.create_contact(&bob_input, now()).await.unwrap();
    let carol = db.store.create_contact(&ContactInput::named("Carol Shaw"), now()).await.unwrap();
    let href = |id: &kith_core::ContactId| format!("{BOOK}{id}.vcf");

    // Multiget: 404 per missing href; address data in the requested version.
    let body = format!(
        "<?xml version=\"1.0\"?><C:addressbook-multiget xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:carddav\"><D:prop><D:getetag/><C:address-data version=\"4.0\"/></D:prop><D:href>{}</D:href><D:href>https://kith.example{}</D:href><D:href>{BOOK}missing.vcf</D:href><D:href>/elsewhere/x.vcf</D:href></C:addressbook-multiget>",
        href(&ada.id),
        href(&bob.id)
    );
    let r = dav.send("REPORT", BOOK, &[("Depth", "1")], &body).await;
    assert_eq!(r.status, StatusCode::MULTI_STATUS, "{}", r.body);
    let all = responses(&r.body);
    assert_eq!(all.len(), 4, "{}", r.body);
    assert!(r.body.contains("FN:Ada Lovelace") && r.body.contains("FN:Bob Marley"));
    assert!(r.body.contains("VERSION:4.0"));
    assert_eq!(
        r.body.matches("<d:status>HTTP/1.1 404 Not Found</d:status></d:response>").count(),
        2
    );

    // Query: text-match on FN and EMAIL.
    let query = |filter: &str| {
        format!(
            "<C:addressbook-query xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:carddav\"><D:prop><D:getetag/><C:address-data/></D:prop><C:filter>{filter}</C:filter></C:addressbook-query>"
        )
    };
    let r = dav.send("REPORT", BOOK, &[("Depth", "1")], &query("<C:prop-filter name=\"FN\"><C:text-match collation=\"i;unicode-casemap\" match-type=\"contains\">LOVE</C:text-match></C:prop-filter>")).await;
    assert_eq!(responses(&r.body).len(), 1, "{}", r.body);
    assert!(r.body.contains("Ada Lovelace"));
    let r = dav.send("REPORT", BOOK, &[("Depth", "1")], &query("<C:prop-filter name=\"EMAIL\"><C:text-match match-type=\"starts-with\">bob@</C:text-match></C:prop-filter>")).await;
    assert_eq!(responses(&r.body).len(), 1);
    assert!(r.body.contains("Bob Marley"));

    // Sync: an empty token returns every member and a token.
    let r = dav.sync("").await;
    assert_eq!(r.status, StatusCode::MULTI_STATUS, "{}", r.body);
    assert_eq!(responses(&r.body).len(), 3);
    let t1 = between(&r.body, "d:sync-token").to_string();
    let r = dav.sync(&t1).await;
    assert_eq!(responses(&r.body).len(), 0, "nothing changed: {}", r.body);
    assert_eq!(between(&r.body, "d:sync-token"), t1);

    // An edit in Kith, a delete in Kith: one update, one 404.
    let mut edit = ada.to_input();
    edit.tags = vec!["mentor".into()];
    db.store.update_contact(ada.id, &edit, now()).await.unwrap();
    db.store.trash_contact(carol.id, now()).await.unwrap();
    let r = dav.sync(&t1).await;
    let all = responses(&r.body);
    assert_eq!(all.len(), 2, "{}", r.body);
    assert!(all.iter().any(|x| x.contains(&ada.id.to_string()) && x.contains("getetag")));
    assert!(all.iter().any(|x| x.contains(&carol.id.to_string()) && x.contains("404 Not Found")));
    let t2 = between(&r.body, "d:sync-token").to_string();
    assert_ne!(t1, t2);

    // A merge is one update plus one delete, never a duplicate.
    let ada2 = db.store.create_contact(&ContactInput::named("Ada Lovelace"), now()).await.unwrap();
    let t3 = between(&dav.sync(&t2).await.body, "d:sync-token").to_string();
    db.store.merge_contacts(ada.id, ada2.id, now()).await.unwrap();
    let r = dav.sync(&t3).await;
    let all = responses(&r.body);
    assert_eq!(all.len(), 2, "{}", r.body);
    assert!(all.iter().any(|x| x.contains(&ada.id.to_string()) && x.contains("getetag")));
    assert!(all.iter().any(|x| x.contains(&ada2.id.to_string()) && x.contains("404 Not Found")));
    let t4 = between(&r.body, "d:sync-token").to_string();

    // An import that updates Bob shows up too; an organization rename changes his card.
    let vcf = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:bob-1\r\nFN:Bob Marley\r\nEMAIL:bob@example.org\r\nORG:Wailers\r\nEND:VCARD\r\n";
    let options = kith_store::import::ImportOptions::default();
    let parsed = kith_formats::vcard::read(vcf.as_bytes());
    kith_store::import::run(
        &*db.store,
        kith_core::import::ImportFormat::Vcard,
        parsed,
        &options,
        now(),
    )
    .await
    .unwrap();
    let r = dav.sync(&t4).await;
    let all = responses(&r.body);
    assert_eq!(all.len(), 1, "{}", r.body);
    assert!(all[0].contains(&bob.id.to_string()));

    // Invalid tokens: garbage, from the future, and every token after a restored backup.
    for bad in ["nonsense", "urn:kith:sync:x:1", &format!("{}9999", &t4)] {
        let r = dav.sync(bad).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{bad}");
        assert!(r.body.contains("<d:valid-sync-token/>"));
    }
    let mut backup = Vec::new();
    db.store.backup(&mut backup, now()).await.unwrap();
    db.store.restore_backup(&mut backup.as_slice(), true).await.unwrap();
    let r = dav.sync(&t4).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "a restore renews the epoch");
    let r = dav.sync("").await;
    assert_eq!(responses(&r.body).len(), 2, "Ada and Bob, after the restore: {}", r.body);
    let after = dav.send("GET", &href(&bob.id), &[], "").await;
    assert!(after.body.contains("ORG:Wailers"));
}

/// Point 9 and bad input: credentials, other users' paths, malformed XML, unknown reports,
/// oversize bodies.
async fn sign_in_and_bad_input_are_refused(db: &TestDb) {
    let dav = Dav::new(db).await;
    let r = dav.send_as("", "PROPFIND", BOOK, &[("Depth", "0")], vec![]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.headers[header::WWW_AUTHENTICATE], "Basic realm=\"Kith\", charset=\"UTF-8\"");
    for auth in [
        basic("kith", "wrong"),
        basic("eve", "0123456789abcdef0123456789abcdef"),
        "Basic !!!".into(),
        "Bearer x".into(),
    ] {
        let r = dav.send_as(&auth, "PROPFIND", BOOK, &[("Depth", "0")], vec![]).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{auth}");
    }
    // A revoked app password stops working.
    let other = "fedcba9876543210fedcba9876543210";
    db.store
        .create_token("old phone", "app-password", &kith_web::token_hash(other), now())
        .await
        .unwrap();
    db.store.revoke_token("app-password", "old phone", now()).await.unwrap();
    let r = dav.send_as(&basic("kith", other), "PROPFIND", BOOK, &[("Depth", "0")], vec![]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // The web password works too.
    db.store.set_password_hash(&kith_web::hash_password("correct horse").unwrap()).await.unwrap();
    let r = dav
        .send_as(&basic("kith", "correct horse"), "PROPFIND", BOOK, &[("Depth", "0")], vec![])
        .await;
    assert_eq!(r.status, StatusCode::MULTI_STATUS);

    // Another user's paths leak nothing.
    let r = dav.propfind("/dav/addressbooks/eve/default/", "1", "<A:getetag/>").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = dav.send("GET", "/dav/addressbooks/eve/default/x.vcf", &[], "").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = dav.put("../../eve/default/x.vcf", &card("E-1", "Eve Example", ""), ("", "")).await;
    assert_ne!(r.status, StatusCode::CREATED);

    // Malformed XML, unknown reports, oversize bodies.
    let r = dav
        .send("PROPFIND", BOOK, &[("Depth", "0")], "<d:propfind xmlns:d=\"DAV:\"><d:prop>")
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("malformed XML"), "{}", r.body);
    let r = dav.send("REPORT", BOOK, &[], "<x:expand-property xmlns:x=\"DAV:\"/>").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("<d:supported-report/>"));
    let huge = vec![b'x'; (10 << 20) + 1];
    let r = dav.send_as(&dav.auth.clone(), "PUT", &format!("{BOOK}huge.vcf"), &[], huge).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    let r = dav.send("PROPPATCH", BOOK, &[], "<d:propertyupdate xmlns:d=\"DAV:\"><d:set><d:prop><d:displayname>Mine</d:displayname></d:prop></d:set></d:propertyupdate>").await;
    assert_eq!(r.status, StatusCode::MULTI_STATUS);
    assert!(r.body.contains("403 Forbidden"));
    assert_eq!(
        db.store.list_contacts(&Default::default()).await.unwrap().total,
        0,
        "nothing written"
    );
}

/// The iCalendar feeds: a revocable token in the URL, valid RFC 5545 (read back with
/// calcard), stable UIDs, yearly birthdays.
async fn calendar_feeds_load_in_a_calendar_parser(db: &TestDb) {
    let dav = Dav::new(db).await;
    let mut ada = ContactInput::named("Ada Lovelace");
    ada.birthday = Some(kith_core::contact::Birthday { year: Some(1815), month: 12, day: 10 });
    let long_ago = now() - chrono::Duration::days(40);
    let ada = db.store.create_contact(&ada, long_ago).await.unwrap();
    db.store.set_cadence(ada.id, Some(30), long_ago).await.unwrap();
    let event = kith_core::network::EventInput {
        name: "RustConf; the big one".into(),
        kind: None,
        starts_on: chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap(),
        ends_on: Some(chrono::NaiveDate::from_ymd_opt(2026, 12, 4).unwrap()),
        location: Some("Berlin, Station".into()),
        url: None,
        organizer: None,
        my_role: None,
        follow_up_days: None,
        notes: String::new(),
    };
    db.store.create_event(&event, now()).await.unwrap();
    let secret = "kith_feedtoken0123456789";
    db.store.create_token("calendar", "feed", &kith_web::token_hash(secret), now()).await.unwrap();

    let r = dav.send_as("", "GET", "/feeds/reminders.ics", &[], vec![]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "no token");
    let r = dav.send_as("", "GET", "/feeds/reminders.ics?token=wrong", &[], vec![]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let reminders =
        dav.send_as("", "GET", &format!("/feeds/reminders.ics?token={secret}"), &[], vec![]).await;
    assert_eq!(reminders.status, StatusCode::OK, "{}", reminders.body);
    assert!(reminders.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/calendar"));
    let events =
        dav.send_as("", "GET", &format!("/feeds/events.ics?token={secret}"), &[], vec![]).await;
    assert_eq!(events.status, StatusCode::OK);

    for (feed, expect) in [(&reminders.body, 2), (&events.body, 1)] {
        let mut parser = calcard::Parser::new(feed);
        let calendar = match parser.entry() {
            calcard::Entry::ICalendar(cal) => cal,
            other => panic!("not a calendar: {other:?}\n{feed}"),
        };
        assert!(matches!(parser.entry(), calcard::Entry::Eof), "one calendar");
        let vevents = calendar
            .components
            .iter()
            .filter(|c| c.component_type == calcard::icalendar::ICalendarComponentType::VEvent)
            .count();
        assert_eq!(vevents, expect, "{feed}");
        assert!(feed.lines().all(|l| l.len() <= 76), "folded at 75 octets");
        assert!(feed.contains("\r\n"));
    }
    let uid = format!("UID:birthday-{}@kith", ada.id);
    assert!(reminders.body.contains(&uid), "{}", reminders.body);
    assert!(
        reminders.body.contains(
            "DTSTART;VALUE=DATE:18151210\r\nDTEND;VALUE=DATE:18151211\r\nRRULE:FREQ=YEARLY"
        )
    );
    assert!(reminders.body.contains(&format!("UID:reach-out-{}@kith", ada.id)));
    assert!(events.body.contains("SUMMARY:RustConf\\; the big one"), "escaped: {}", events.body);
    assert!(events.body.contains("DTSTART;VALUE=DATE:20261203\r\nDTEND;VALUE=DATE:20261205"));
    // The same UIDs on the next fetch; a revoked link stops working.
    let again =
        dav.send_as("", "GET", &format!("/feeds/reminders.ics?token={secret}"), &[], vec![]).await;
    assert_eq!(again.body, reminders.body);
    db.store.revoke_token("feed", "calendar", now()).await.unwrap();
    let r = dav.send_as("", "GET", &format!("/feeds/events.ics?token={secret}"), &[], vec![]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}
