//! The CardDAV server (RFC 6352 over WebDAV, RFC 4918, with sync-collection, RFC 6578): one
//! address book per user, served from the contacts in the store.
//!
//! - [`claims`] picks the requests this module answers (everything under `/dav/`, the
//!   `/.well-known/carddav` redirect, and WebDAV methods anywhere, since iOS probes `/`); the
//!   web router hands them to [`handle`] before its own sign-in guard.
//! - Authentication is HTTP Basic: the account name [`USER`] with an app password (`kith auth
//!   app-password create`) or the web password. Verified credentials are remembered for
//!   [`AUTH_CACHE_SECS`] seconds so a sync does not pay argon2 on every request.
//! - A card's ETag is its revision; the sync token is the store's revision counter plus the
//!   epoch a restored backup renews. Cards are rendered as vCard 3.0 (or 4.0 when a client
//!   asks), except that a card a client wrote is served back byte for byte until Kith changes
//!   the contact.

pub mod cache;
mod xml;

use crate::AppState;
use crate::auth::{token_hash, verify_password};
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use cache::Snapshot;
use kith_store::{CardBody, CardContent, CardWrite, StoreError, StoredCard};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use xml::{CALSERVER, CARDDAV, DAV, Element, esc};

/// The account name clients sign in with (Kith has one user for now).
pub const USER: &str = "kith";
/// How long verified credentials are remembered (a revoked app password stops working within
/// this time).
pub const AUTH_CACHE_SECS: u64 = 30;
/// The largest card or request body accepted (also `max-resource-size`).
pub const MAX_BODY: usize = 10 << 20;

const ALLOW: &str = "OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND, PROPPATCH, REPORT, MKCOL";
const REALM: &str = "Basic realm=\"Kith\", charset=\"UTF-8\"";

/// Credentials verified recently: hash of `user:password` → when.
#[derive(Debug, Default)]
pub struct AuthCache(std::sync::Mutex<HashMap<String, Instant>>);

impl AuthCache {
    fn fresh(&self, key: &str) -> bool {
        let Ok(mut map) = self.0.lock() else { return false };
        map.retain(|_, at| at.elapsed() < Duration::from_secs(AUTH_CACHE_SECS));
        map.contains_key(key)
    }

    /// Forgets every verified credential (after a revocation in this process).
    pub fn clear(&self) {
        if let Ok(mut map) = self.0.lock() {
            map.clear();
        }
    }

    fn remember(&self, key: String) {
        if let Ok(mut map) = self.0.lock() {
            map.insert(key, Instant::now());
        }
    }
}

// The user's collections, as written in hrefs (the account name is [`USER`]).
const PRINCIPAL_HREF: &str = "/dav/principals/kith/";
const HOME_HREF: &str = "/dav/addressbooks/kith/";
const BOOK_HREF: &str = "/dav/addressbooks/kith/default/";

/// Whether a request is for the DAV server.
pub fn claims(method: &Method, path: &str) -> bool {
    path == "/dav"
        || path.starts_with("/dav/")
        || path.starts_with("/.well-known/carddav")
        || matches!(method.as_str(), "PROPFIND" | "PROPPATCH" | "REPORT" | "MKCOL" | "OPTIONS")
}

/// What a path names.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Resource {
    Root,
    Principals,
    Principal,
    Home,
    Book,
    Card(String),
    Missing,
}

impl Resource {
    fn path(&self) -> String {
        match self {
            Resource::Root => "/dav/".into(),
            Resource::Principals => "/dav/principals/".into(),
            Resource::Principal => PRINCIPAL_HREF.into(),
            Resource::Home => HOME_HREF.into(),
            Resource::Book => BOOK_HREF.into(),
            Resource::Card(name) => {
                let mut path = String::from(BOOK_HREF);
                push_encoded(&mut path, name);
                path
            }
            Resource::Missing => String::new(),
        }
    }
}

fn resolve(path: &str) -> Resource {
    let decoded = decode(path);
    let parts: Vec<&str> = decoded.split('/').filter(|p| !p.is_empty()).collect();
    match parts.as_slice() {
        [] | ["dav"] => Resource::Root,
        ["dav", "principals"] => Resource::Principals,
        ["dav", "principals", u] if *u == USER => Resource::Principal,
        ["dav", "addressbooks", u] if *u == USER => Resource::Home,
        ["dav", "addressbooks", u, "default"] if *u == USER => Resource::Book,
        ["dav", "addressbooks", u, "default", name] if *u == USER => {
            Resource::Card((*name).to_string())
        }
        _ => Resource::Missing,
    }
}

/// Percent-decodes a path (invalid escapes are kept as written).
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn etag(revision: i64) -> String {
    format!("\"r{revision}\"")
}

/// The revision in an ETag Kith made; -1 for any other (it then matches nothing).
fn parse_etag(value: &str) -> i64 {
    let v = value.trim().trim_start_matches("W/").trim_matches('"');
    v.strip_prefix('r').and_then(|n| n.parse().ok()).unwrap_or(-1)
}

fn sync_token(state: &Snapshot) -> String {
    format!("urn:kith:sync:{}:{}", state.epoch, state.revision)
}

/// The revision a token stands for, if it is from this epoch and not from the future.
fn token_revision(token: &str, state: &Snapshot) -> Option<i64> {
    let rest = token.trim().strip_prefix("urn:kith:sync:")?;
    let (epoch, rev) = rest.rsplit_once(':')?;
    let rev: i64 = rev.parse().ok()?;
    (epoch == state.epoch && (0..=state.revision).contains(&rev)).then_some(rev)
}

/// A DAV failure: a status and, for preconditions, an XML error body.
#[derive(Debug)]
struct DavError {
    status: StatusCode,
    body: Option<String>,
    message: String,
}

impl DavError {
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        DavError { status, body: None, message: message.into() }
    }

    fn condition(status: StatusCode, condition: &str, message: impl Into<String>) -> Self {
        DavError { status, body: Some(xml::error_body(condition)), message: message.into() }
    }
}

impl From<StoreError> for DavError {
    fn from(e: StoreError) -> Self {
        match &e {
            StoreError::NotFound { .. } => DavError::new(StatusCode::NOT_FOUND, e.to_string()),
            StoreError::PreconditionFailed(_) => {
                DavError::new(StatusCode::PRECONDITION_FAILED, e.to_string())
            }
            StoreError::UidConflict { href } => DavError::condition(
                StatusCode::CONFLICT,
                &format!(
                    "<card:no-uid-conflict><d:href>{}</d:href></card:no-uid-conflict>",
                    esc(&Resource::Card(href.clone()).path())
                ),
                e.to_string(),
            ),
            StoreError::Invalid(_) => DavError::condition(
                StatusCode::FORBIDDEN,
                "<card:valid-address-data/>",
                e.to_string(),
            ),
            StoreError::Conflict(_) => DavError::new(StatusCode::CONFLICT, e.to_string()),
            StoreError::Locked => DavError::new(StatusCode::SERVICE_UNAVAILABLE, e.to_string()),
            _ => DavError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
        }
    }
}

impl IntoResponse for DavError {
    fn into_response(self) -> Response {
        match self.body {
            Some(body) => {
                (self.status, [(header::CONTENT_TYPE, "application/xml; charset=utf-8")], body)
                    .into_response()
            }
            None => {
                (self.status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], self.message)
                    .into_response()
            }
        }
    }
}

type DavResult = Result<Response, DavError>;

/// Answers a DAV request.
pub async fn handle(app: AppState, req: Request) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    if path.starts_with("/.well-known/carddav") {
        return (StatusCode::FOUND, [(header::LOCATION, "/dav/")]).into_response();
    }
    if method == Method::OPTIONS {
        return options();
    }
    match authenticate(&app, req.headers()).await {
        Ok(true) => {}
        Ok(false) => {
            return (
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, REALM), (header::CONTENT_TYPE, "text/plain")],
                "sign in with the account name and an app password (`kith auth app-password create`)",
            )
                .into_response();
        }
        Err(e) => return e.into_response(),
    }
    let resource = resolve(&path);
    let (parts, body) = req.into_parts();
    let body = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => {
            return DavError::condition(
                StatusCode::PAYLOAD_TOO_LARGE,
                "<card:max-resource-size/>",
                format!("the body is larger than {MAX_BODY} bytes"),
            )
            .into_response();
        }
    };
    let result = match method.as_str() {
        "PROPFIND" => propfind(&app, &resource, &parts.headers, &body).await,
        "REPORT" => report(&app, &resource, &body).await,
        "PROPPATCH" => proppatch(&resource, &body),
        "MKCOL" => Err(if resource == Resource::Missing {
            DavError::new(StatusCode::FORBIDDEN, "Kith has one address book per user")
        } else {
            DavError::new(StatusCode::METHOD_NOT_ALLOWED, "this collection exists")
        }),
        "GET" | "HEAD" => get(&app, &resource, &parts.headers, method == Method::HEAD).await,
        "PUT" => put(&app, &resource, &parts.headers, &body).await,
        "DELETE" => delete(&app, &resource, &parts.headers).await,
        _ => Err(DavError::new(StatusCode::METHOD_NOT_ALLOWED, "method not allowed here")),
    };
    let mut response = result.unwrap_or_else(IntoResponse::into_response);
    if response.status() == StatusCode::METHOD_NOT_ALLOWED {
        response.headers_mut().insert(header::ALLOW, HeaderValue::from_static(ALLOW));
    }
    response
}

fn options() -> Response {
    (
        StatusCode::OK,
        [
            (header::HeaderName::from_static("dav"), "1, 3, addressbook"),
            (header::ALLOW, ALLOW),
            (header::CONTENT_LENGTH, "0"),
        ],
    )
        .into_response()
}

/// Checks HTTP Basic credentials when sign-in is required.
async fn authenticate(app: &AppState, headers: &HeaderMap) -> Result<bool, DavError> {
    if !app.auth_required {
        return Ok(true);
    }
    let Some(encoded) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
    else {
        return Ok(false);
    };
    let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(encoded.trim()) else {
        return Ok(false);
    };
    let Ok(pair) = String::from_utf8(decoded) else { return Ok(false) };
    let Some((user, password)) = pair.split_once(':') else { return Ok(false) };
    if user != USER {
        return Ok(false);
    }
    let key = token_hash(&pair);
    if app.dav_auth.fresh(&key) {
        return Ok(true);
    }
    let now = (app.clock)();
    let ok = app.store.use_token(APP_PASSWORD, &token_hash(password), now).await?.is_some()
        || match app.store.password_hash().await? {
            Some(hash) => {
                let password = password.to_string();
                tokio::task::spawn_blocking(move || verify_password(&password, &hash))
                    .await
                    .unwrap_or(false)
            }
            None => false,
        };
    if ok {
        app.dav_auth.remember(key);
    }
    Ok(ok)
}

/// The token kind of app passwords.
pub const APP_PASSWORD: &str = "app-password";

/// A property asked for: namespace and name (and, for address-data, the version wanted).
#[derive(Clone, Debug)]
struct Prop {
    ns: String,
    name: String,
    version4: bool,
}

enum PropRequest {
    All,
    Names,
    Some(Vec<Prop>),
}

fn props_of(prop: &Element) -> Vec<Prop> {
    prop.children
        .iter()
        .map(|c| Prop {
            ns: c.ns.clone(),
            name: c.name.clone(),
            version4: c.attr("version") == Some("4.0"),
        })
        .collect()
}

fn wants_address_data(props: &[Prop]) -> Option<bool> {
    props.iter().find(|p| p.ns == CARDDAV && p.name == "address-data").map(|p| p.version4)
}

/// What the collection properties need, read once per request.
struct Context {
    snapshot: Arc<Snapshot>,
    token: String,
    own_emails: Vec<String>,
}

/// Reads what the properties need; the user's addresses only when the principal is listed.
async fn context(app: &AppState, principal: bool) -> Result<Context, DavError> {
    let snapshot = app.dav_cache.snapshot(&*app.store).await?;
    let token = sync_token(&snapshot);
    let own_emails = if principal { app.store.own_emails().await? } else { Vec::new() };
    Ok(Context { snapshot, token, own_emails })
}

/// A live card rendered: href, revision, vCard text.
type Rendered = (String, i64, Arc<str>);

/// The live cards among `names` (in that order), rendered from the cache where it has them at
/// their current revision and from the store otherwise.
async fn rendered(
    app: &AppState,
    snapshot: &Snapshot,
    names: &[&str],
    version4: bool,
) -> Result<Vec<Rendered>, DavError> {
    let mut out: Vec<Option<Rendered>> = Vec::with_capacity(names.len());
    let mut misses = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let Some(m) = snapshot.members.get(*name).filter(|m| m.live) else {
            out.push(None);
            continue;
        };
        match app.dav_cache.rendered(name, m.revision).filter(|_| !version4) {
            Some(text) => out.push(Some(((*name).to_string(), m.revision, text))),
            None => {
                out.push(None);
                misses.push((i, (*name).to_string()));
            }
        }
    }
    if !misses.is_empty() {
        let wanted: Vec<String> = misses.iter().map(|(_, n)| n.clone()).collect();
        let mut cards: HashMap<String, StoredCard> =
            app.store.cards(&wanted).await?.into_iter().map(|c| (c.href.clone(), c)).collect();
        for (i, name) in misses {
            if let Some(card) = cards.remove(&name) {
                let text: Arc<str> = render(&card, version4).into();
                if !version4 || matches!(card.content, CardContent::Raw(_)) {
                    app.dav_cache.keep(&name, card.revision, text.clone());
                }
                out[i] = Some((name, card.revision, text));
            }
        }
    }
    Ok(out.into_iter().flatten().collect())
}

const ALLPROP_COLLECTION: &[(&str, &str)] = &[
    (DAV, "resourcetype"),
    (DAV, "displayname"),
    (DAV, "current-user-principal"),
    (CALSERVER, "getctag"),
    (DAV, "sync-token"),
];
const ALLPROP_CARD: &[(&str, &str)] =
    &[(DAV, "resourcetype"), (DAV, "getetag"), (DAV, "getcontenttype")];

/// A collection's property value (inner XML), or `None` when it has no such property.
fn collection_prop(res: &Resource, ns: &str, name: &str, ctx: &Context) -> Option<String> {
    let href = |p: String| format!("<d:href>{}</d:href>", esc(&p));
    let book = *res == Resource::Book;
    let principal = *res == Resource::Principal;
    Some(match (ns, name) {
        (DAV, "resourcetype") => match res {
            Resource::Book => "<d:collection/><card:addressbook/>".into(),
            Resource::Principal => "<d:collection/><d:principal/>".into(),
            _ => "<d:collection/>".into(),
        },
        (DAV, "displayname") => match res {
            Resource::Book => "Kith".into(),
            Resource::Principal => USER.into(),
            Resource::Home => "Address books".into(),
            _ => "Kith".into(),
        },
        (DAV, "current-user-principal") => href(PRINCIPAL_HREF.into()),
        (DAV, "principal-URL") if principal => href(PRINCIPAL_HREF.into()),
        (DAV, "owner") if book || principal => href(PRINCIPAL_HREF.into()),
        (DAV, "principal-collection-set") => href("/dav/principals/".into()),
        (CARDDAV, "addressbook-home-set") if principal => href(HOME_HREF.into()),
        (CARDDAV, "email-address-set") if principal => ctx
            .own_emails
            .iter()
            .map(|e| format!("<cs:email-address>{}</cs:email-address>", esc(e)))
            .collect(),
        (CALSERVER, "email-address-set") if principal => ctx
            .own_emails
            .iter()
            .map(|e| format!("<cs:email-address>{}</cs:email-address>", esc(e)))
            .collect(),
        (DAV, "supported-report-set") => {
            let mut reports = vec!["<d:sync-collection/>"];
            if book {
                reports.insert(0, "<card:addressbook-query/>");
                reports.insert(0, "<card:addressbook-multiget/>");
            }
            reports
                .iter()
                .map(|r| {
                    format!("<d:supported-report><d:report>{r}</d:report></d:supported-report>")
                })
                .collect()
        }
        (CALSERVER, "getctag") if book => esc(&ctx.token).into_owned(),
        (DAV, "sync-token") if book => esc(&ctx.token).into_owned(),
        (CARDDAV, "supported-address-data") if book => {
            "<card:address-data-type content-type=\"text/vcard\" version=\"3.0\"/>\
             <card:address-data-type content-type=\"text/vcard\" version=\"4.0\"/>"
                .into()
        }
        (CARDDAV, "addressbook-description") if book => "The people in your Kith network".into(),
        (CARDDAV, "max-resource-size") if book => MAX_BODY.to_string(),
        (DAV, "current-user-privilege-set") => {
            let privileges: &[&str] = if book {
                &[
                    "read",
                    "write",
                    "write-properties",
                    "write-content",
                    "bind",
                    "unbind",
                    "read-current-user-privilege-set",
                ]
            } else {
                &["read", "read-current-user-privilege-set"]
            };
            privileges.iter().map(|p| format!("<d:privilege><d:{p}/></d:privilege>")).collect()
        }
        _ => return None,
    })
}

/// Writes one `<d:response>` with a 200 propstat for what exists and a 404 one for the rest.
fn write_response(out: &mut String, href: &str, found: &[(Prop, String)], missing: &[Prop]) {
    out.push_str("<d:response><d:href>");
    out.push_str(&esc(href));
    out.push_str("</d:href>");
    if !found.is_empty() {
        out.push_str("<d:propstat><d:prop>");
        for (p, value) in found {
            let tag = match xml::prefix(&p.ns) {
                Some(prefix) => format!("{prefix}:{}", p.name),
                None => p.name.clone(),
            };
            if value.is_empty() {
                out.push_str(&format!("<{tag}/>"));
            } else {
                out.push_str(&format!("<{tag}>{value}</{tag}>"));
            }
        }
        out.push_str("</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat>");
    }
    if !missing.is_empty() {
        out.push_str("<d:propstat><d:prop>");
        for p in missing {
            xml::empty_element(out, &p.ns, &p.name);
        }
        out.push_str("</d:prop><d:status>HTTP/1.1 404 Not Found</d:status></d:propstat>");
    }
    out.push_str("</d:response>");
}

fn multistatus(body: String) -> Response {
    (
        StatusCode::MULTI_STATUS,
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
        format!("{}{body}{}", xml::MULTISTATUS_OPEN, xml::MULTISTATUS_CLOSE),
    )
        .into_response()
}

fn all_props(list: &[(&str, &str)]) -> Vec<Prop> {
    list.iter()
        .map(|(ns, name)| Prop { ns: (*ns).into(), name: (*name).into(), version4: false })
        .collect()
}

fn collection_response(out: &mut String, res: &Resource, request: &PropRequest, ctx: &Context) {
    let props = match request {
        PropRequest::Some(p) => p.clone(),
        PropRequest::All | PropRequest::Names => all_props(ALLPROP_COLLECTION),
    };
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for p in props {
        match collection_prop(res, &p.ns, &p.name, ctx) {
            Some(v) if matches!(request, PropRequest::Names) => {
                let _ = v;
                found.push((p, String::new()));
            }
            Some(v) => found.push((p, v)),
            None => missing.push(p),
        }
    }
    write_response(out, &res.path(), &found, &missing);
}

/// Appends a card name percent-encoded (hrefs then need no XML escaping).
fn push_encoded(out: &mut String, name: &str) {
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~@+=".contains(&b) {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(char::from(b"0123456789ABCDEF"[usize::from(b >> 4)]));
            out.push(char::from(b"0123456789ABCDEF"[usize::from(b & 15)]));
        }
    }
}

/// A card's properties; `body` is its rendered vCard when address-data was asked for.
/// Written straight into `out`: a sync of 10,000 cards calls this 10,000 times.
fn card_response(
    out: &mut String,
    name: &str,
    revision: i64,
    props: &[Prop],
    body: Option<&str>,
    names_only: bool,
) {
    use std::fmt::Write as _;
    let known = |p: &Prop| match (p.ns.as_str(), p.name.as_str()) {
        (DAV, "getetag" | "getcontenttype" | "resourcetype") => true,
        (DAV, "getcontentlength") | (CARDDAV, "address-data") => body.is_some(),
        _ => false,
    };
    out.push_str("<d:response><d:href>");
    out.push_str(BOOK_HREF);
    push_encoded(out, name);
    out.push_str("</d:href>");
    if props.iter().any(known) {
        out.push_str("<d:propstat><d:prop>");
        for p in props.iter().filter(|p| known(p)) {
            let tag = if p.ns == DAV { "d:" } else { "card:" };
            if names_only || p.name == "resourcetype" {
                let _ = write!(out, "<{tag}{}/>", p.name);
                continue;
            }
            let _ = write!(out, "<{tag}{}>", p.name);
            match p.name.as_str() {
                "getetag" => {
                    let _ = write!(out, "&quot;r{revision}&quot;");
                }
                "getcontenttype" => out.push_str("text/vcard; charset=utf-8"),
                "getcontentlength" => {
                    let _ = write!(out, "{}", body.map_or(0, str::len));
                }
                _ => out.push_str(&esc(body.unwrap_or_default())),
            }
            let _ = write!(out, "</{tag}{}>", p.name);
        }
        out.push_str("</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat>");
    }
    if !props.iter().all(known) {
        out.push_str("<d:propstat><d:prop>");
        for p in props.iter().filter(|p| !known(p)) {
            xml::empty_element(out, &p.ns, &p.name);
        }
        out.push_str("</d:prop><d:status>HTTP/1.1 404 Not Found</d:status></d:propstat>");
    }
    out.push_str("</d:response>");
}

/// Renders a stored card.
fn render(card: &StoredCard, version4: bool) -> String {
    match &card.content {
        CardContent::Raw(raw) => raw.clone(),
        CardContent::Contact { contact, card: extras } => {
            let uid = extras.uid.clone().unwrap_or_else(|| format!("urn:uuid:{}", contact.id));
            let version = if version4 {
                kith_formats::vcard::Version::V4
            } else {
                kith_formats::vcard::Version::V3
            };
            kith_formats::vcard::write(contact, &uid, &extras.lines, version)
        }
        CardContent::Pending(_) => String::new(),
    }
}

fn parse_body(body: &[u8]) -> Result<Option<Element>, DavError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    xml::parse(body).map(Some).map_err(|m| DavError::new(StatusCode::BAD_REQUEST, m))
}

async fn propfind(app: &AppState, res: &Resource, headers: &HeaderMap, body: &[u8]) -> DavResult {
    let depth = headers.get("depth").and_then(|v| v.to_str().ok()).unwrap_or("1").trim();
    let depth = match depth {
        "0" => 0,
        "1" => 1,
        _ => {
            return Err(DavError::condition(
                StatusCode::FORBIDDEN,
                "<d:propfind-finite-depth/>",
                "Depth: infinity is not supported; use 0 or 1",
            ));
        }
    };
    let request = match parse_body(body)? {
        None => PropRequest::All,
        Some(root) if root.is(DAV, "propfind") => {
            if root.child(DAV, "propname").is_some() {
                PropRequest::Names
            } else if let Some(prop) = root.child(DAV, "prop") {
                PropRequest::Some(props_of(prop))
            } else {
                PropRequest::All
            }
        }
        Some(_) => {
            return Err(DavError::new(StatusCode::BAD_REQUEST, "expected a DAV:propfind body"));
        }
    };
    if *res == Resource::Missing {
        return Err(DavError::new(StatusCode::NOT_FOUND, "nothing here"));
    }
    let principal_listed = matches!(res, Resource::Principal)
        || (depth == 1 && matches!(res, Resource::Root | Resource::Principals));
    let ctx = context(app, principal_listed).await?;
    let mut out = String::new();
    if let Resource::Card(name) = res {
        let cards = rendered(app, &ctx.snapshot, &[name.as_str()], version_of(&request)).await?;
        if cards.is_empty() {
            return Err(DavError::new(StatusCode::NOT_FOUND, "no such card"));
        }
        write_cards(&mut out, &cards, &request);
        return Ok(multistatus(out));
    }
    collection_response(&mut out, res, &request, &ctx);
    if depth == 1 {
        match res {
            Resource::Root => {
                collection_response(&mut out, &Resource::Principal, &request, &ctx);
                collection_response(&mut out, &Resource::Home, &request, &ctx);
            }
            Resource::Principals => {
                collection_response(&mut out, &Resource::Principal, &request, &ctx)
            }
            Resource::Home => collection_response(&mut out, &Resource::Book, &request, &ctx),
            Resource::Book => {
                let props = match &request {
                    PropRequest::Some(p) => p.clone(),
                    _ => all_props(ALLPROP_CARD),
                };
                let live = ctx.snapshot.changed_since(None);
                if wants_address_data(&props).is_some() {
                    let names: Vec<&str> = live.iter().map(|(h, _)| *h).collect();
                    let cards = rendered(app, &ctx.snapshot, &names, version_of(&request)).await?;
                    write_cards(&mut out, &cards, &request);
                } else {
                    let names_only = matches!(request, PropRequest::Names);
                    for (href, m) in live {
                        card_response(&mut out, href, m.revision, &props, None, names_only);
                    }
                }
            }
            _ => {}
        }
    }
    Ok(multistatus(out))
}

fn version_of(request: &PropRequest) -> bool {
    match request {
        PropRequest::Some(p) => wants_address_data(p).unwrap_or(false),
        _ => false,
    }
}

fn write_cards(out: &mut String, cards: &[Rendered], request: &PropRequest) {
    let props = match request {
        PropRequest::Some(p) => p.clone(),
        _ => all_props(ALLPROP_CARD),
    };
    let with_data = wants_address_data(&props).is_some();
    let names_only = matches!(request, PropRequest::Names);
    for (href, revision, text) in cards {
        let body = with_data.then_some(&**text);
        card_response(out, href, *revision, &props, body, names_only);
    }
}

fn proppatch(res: &Resource, body: &[u8]) -> DavResult {
    if *res == Resource::Missing {
        return Err(DavError::new(StatusCode::NOT_FOUND, "nothing here"));
    }
    let root = parse_body(body)?.filter(|r| r.is(DAV, "propertyupdate")).ok_or_else(|| {
        DavError::new(StatusCode::BAD_REQUEST, "expected a DAV:propertyupdate body")
    })?;
    let mut out = String::from("<d:response><d:href>");
    out.push_str(&esc(&res.path()));
    out.push_str("</d:href><d:propstat><d:prop>");
    for action in &root.children {
        for prop in action.children.iter().filter(|c| c.is(DAV, "prop")) {
            for p in &prop.children {
                xml::empty_element(&mut out, &p.ns, &p.name);
            }
        }
    }
    out.push_str(
        "</d:prop><d:status>HTTP/1.1 403 Forbidden</d:status>\
         <d:responsedescription>Kith keeps no extra properties; nothing was changed</d:responsedescription>\
         </d:propstat></d:response>",
    );
    Ok(multistatus(out))
}

async fn report(app: &AppState, res: &Resource, body: &[u8]) -> DavResult {
    let root = parse_body(body)?
        .ok_or_else(|| DavError::new(StatusCode::BAD_REQUEST, "a REPORT needs a body"))?;
    if *res != Resource::Book {
        return Err(DavError::condition(
            StatusCode::FORBIDDEN,
            "<d:supported-report/>",
            "reports are answered on the address book",
        ));
    }
    let request = match root.child(DAV, "prop") {
        Some(p) => PropRequest::Some(props_of(p)),
        None => PropRequest::All,
    };
    let mut out = String::new();
    let snapshot = app.dav_cache.snapshot(&*app.store).await?;
    let version4 = version_of(&request);
    if root.is(CARDDAV, "addressbook-multiget") {
        let book = BOOK_HREF;
        let mut names = Vec::new();
        let mut outside = Vec::new();
        for h in root.all(DAV, "href") {
            let path = decode(h.text.trim());
            let path = path
                .split_once("://")
                .map_or(path.as_str(), |(_, rest)| rest.find('/').map_or("", |i| &rest[i..]));
            match path.strip_prefix(book) {
                Some(name) if !name.is_empty() && !name.contains('/') => {
                    names.push(name.to_string())
                }
                _ => outside.push(h.text.trim().to_string()),
            }
        }
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let cards = rendered(app, &snapshot, &refs, version4).await?;
        write_cards(&mut out, &cards, &request);
        let found: std::collections::HashSet<&str> = cards.iter().map(|c| c.0.as_str()).collect();
        for name in names.iter().filter(|n| !found.contains(n.as_str())) {
            not_found(&mut out, &Resource::Card(name.clone()).path());
        }
        for href in outside {
            not_found(&mut out, &href);
        }
        return Ok(multistatus(out));
    }
    if root.is(CARDDAV, "addressbook-query") {
        let filter = root.child(CARDDAV, "filter");
        let limit = root
            .child(CARDDAV, "limit")
            .and_then(|l| l.child(CARDDAV, "nresults"))
            .and_then(|n| n.text.trim().parse::<usize>().ok());
        let live = snapshot.changed_since(None);
        let names: Vec<&str> = live.iter().map(|(h, _)| *h).collect();
        let cards = rendered(app, &snapshot, &names, version4).await?;
        let props = match &request {
            PropRequest::Some(p) => p.clone(),
            _ => all_props(ALLPROP_CARD),
        };
        let with_data = wants_address_data(&props).is_some();
        let mut n = 0;
        for (href, revision, text) in &cards {
            if filter.is_some_and(|f| !matches_filter(text, f)) {
                continue;
            }
            if limit.is_some_and(|l| n >= l) {
                break;
            }
            n += 1;
            card_response(&mut out, href, *revision, &props, with_data.then_some(&**text), false);
        }
        return Ok(multistatus(out));
    }
    if root.is(DAV, "sync-collection") {
        let token =
            root.child(DAV, "sync-token").map(|t| t.text.trim().to_string()).unwrap_or_default();
        let since = if token.is_empty() {
            None
        } else {
            Some(token_revision(&token, &snapshot).ok_or_else(|| {
                DavError::condition(
                    StatusCode::FORBIDDEN,
                    "<d:valid-sync-token/>",
                    "the sync token is not valid (or from before a restore); sync again without one",
                )
            })?)
        };
        let changes = snapshot.changed_since(since);
        let props = match &request {
            PropRequest::Some(p) => p.clone(),
            _ => all_props(ALLPROP_CARD),
        };
        let live: Vec<&str> = changes.iter().filter(|c| c.1.live).map(|c| c.0).collect();
        out.reserve(changes.len() * 200);
        if wants_address_data(&props).is_some() {
            let cards = rendered(app, &snapshot, &live, version4).await?;
            write_cards(&mut out, &cards, &request);
        } else {
            for (href, m) in changes.iter().filter(|c| c.1.live) {
                card_response(&mut out, href, m.revision, &props, None, false);
            }
        }
        for (href, _) in changes.iter().filter(|c| !c.1.live) {
            not_found(&mut out, &Resource::Card((*href).to_string()).path());
        }
        out.push_str("<d:sync-token>");
        out.push_str(&esc(&sync_token(&snapshot)));
        out.push_str("</d:sync-token>");
        return Ok(multistatus(out));
    }
    Err(DavError::condition(
        StatusCode::FORBIDDEN,
        "<d:supported-report/>",
        format!("unsupported report {{{}}}{}", root.ns, root.name),
    ))
}

fn not_found(out: &mut String, href: &str) {
    out.push_str("<d:response><d:href>");
    out.push_str(&esc(href));
    out.push_str("</d:href><d:status>HTTP/1.1 404 Not Found</d:status></d:response>");
}

/// The unfolded content lines of a vCard: (upper-case name without group, value).
fn content_lines(text: &str) -> Vec<(String, String)> {
    let mut lines: Vec<String> = Vec::new();
    for raw in text.split('\n') {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        match (raw.strip_prefix(' ').or_else(|| raw.strip_prefix('\t')), lines.last_mut()) {
            (Some(rest), Some(last)) => last.push_str(rest),
            _ => lines.push(raw.to_string()),
        }
    }
    lines
        .into_iter()
        .filter_map(|l| {
            let colon = l.find(':')?;
            let head = &l[..colon];
            let name = head.split(';').next().unwrap_or(head);
            let name = name.rsplit('.').next().unwrap_or(name).to_ascii_uppercase();
            Some((name, l[colon + 1..].to_string()))
        })
        .collect()
}

/// RFC 6352 filters: prop-filters (anyof by default, or allof) of text-matches.
fn matches_filter(card: &str, filter: &Element) -> bool {
    let lines = content_lines(card);
    let all = filter.attr("test") == Some("allof");
    let mut results = filter.all(CARDDAV, "prop-filter").map(|pf| prop_filter(&lines, pf));
    if all { results.all(|r| r) } else { results.any(|r| r) }
}

fn prop_filter(lines: &[(String, String)], pf: &Element) -> bool {
    let name = pf.attr("name").unwrap_or_default().to_ascii_uppercase();
    let values: Vec<&str> =
        lines.iter().filter(|(n, _)| *n == name).map(|(_, v)| v.as_str()).collect();
    if pf.child(CARDDAV, "is-not-defined").is_some() {
        return values.is_empty();
    }
    let matches: Vec<&Element> = pf.all(CARDDAV, "text-match").collect();
    if matches.is_empty() {
        return !values.is_empty();
    }
    let all = pf.attr("test") == Some("allof");
    let mut results = matches.iter().map(|m| {
        let needle = m.text.to_lowercase();
        let negate = m.attr("negate-condition") == Some("yes");
        let hit = values.iter().any(|v| {
            let v = v.to_lowercase();
            match m.attr("match-type").unwrap_or("contains") {
                "equals" => v == needle,
                "starts-with" => v.starts_with(&needle),
                "ends-with" => v.ends_with(&needle),
                _ => v.contains(&needle),
            }
        });
        hit != negate
    });
    if all { results.all(|r| r) } else { results.any(|r| r) }
}

async fn get(app: &AppState, res: &Resource, headers: &HeaderMap, head: bool) -> DavResult {
    let Resource::Card(name) = res else {
        return match res {
            Resource::Missing => Err(DavError::new(StatusCode::NOT_FOUND, "nothing here")),
            _ => Ok((
                StatusCode::OK,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                "Kith's CardDAV address book. Add this server in your phone's contacts settings.\n",
            )
                .into_response()),
        };
    };
    let cards = app.store.cards(std::slice::from_ref(name)).await?;
    let card = cards.first().ok_or_else(|| DavError::new(StatusCode::NOT_FOUND, "no such card"))?;
    let v4 = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("version=4.0"));
    let body = render(card, v4);
    let tag = etag(card.revision);
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag || t.trim() == "*"))
    {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, tag)]).into_response());
    }
    let len = body.len();
    let mut response = (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/vcard; charset=utf-8".to_string()), (header::ETAG, tag)],
        if head { Body::empty() } else { Body::from(body) },
    )
        .into_response();
    response.headers_mut().insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    Ok(response)
}

/// Reads a card a client sent.
fn read_card(body: &[u8]) -> Result<CardBody, DavError> {
    let invalid =
        |m: String| DavError::condition(StatusCode::FORBIDDEN, "<card:valid-address-data/>", m);
    let text =
        std::str::from_utf8(body).map_err(|_| invalid("the card is not UTF-8 text".into()))?;
    let lines = content_lines(text);
    if !lines.iter().any(|(n, v)| n == "BEGIN" && v.eq_ignore_ascii_case("VCARD")) {
        return Err(invalid("expected a vCard (BEGIN:VCARD)".into()));
    }
    let uid = lines.iter().find(|(n, _)| n == "UID").map(|(_, v)| v.trim().to_string());
    let is_group = lines.iter().any(|(n, v)| {
        (n == "KIND" || n == "X-ADDRESSBOOKSERVER-KIND") && v.trim().eq_ignore_ascii_case("group")
    });
    let Some(uid) = uid.filter(|u| !u.is_empty()) else {
        return Err(invalid("the card has no UID; every card needs one".into()));
    };
    if is_group {
        let name = lines.iter().find(|(n, _)| n == "FN").map(|(_, v)| v.trim()).unwrap_or_default();
        let members = lines
            .iter()
            .filter(|(n, _)| n == "MEMBER" || n == "X-ADDRESSBOOKSERVER-MEMBER")
            .map(|(_, v)| v.trim().to_string())
            .collect();
        return Ok(CardBody::Group { uid, tag: kith_core::sync::group_tag(name), members });
    }
    let parsed = kith_formats::vcard::read(body);
    if let Some(p) = parsed.problems.first() {
        return Err(invalid(p.describe("card")));
    }
    let mut people = parsed.people.into_iter();
    match (people.next(), people.next()) {
        (Some(record), None) => {
            Ok(CardBody::Contact { uid, input: Box::new(record.contact), extra: record.extra })
        }
        (None, _) => Err(invalid("expected one vCard with FN or N".into())),
        (Some(_), Some(_)) => Err(invalid("expected one vCard, found several".into())),
    }
}

fn if_match(headers: &HeaderMap) -> Option<String> {
    headers.get(header::IF_MATCH).and_then(|v| v.to_str().ok()).map(|v| v.trim().to_string())
}

async fn put(app: &AppState, res: &Resource, headers: &HeaderMap, body: &[u8]) -> DavResult {
    let Resource::Card(name) = res else {
        return Err(DavError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "cards go inside the address book",
        ));
    };
    let card = read_card(body)?;
    let if_none_match = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim() == "*");
    let matched = if_match(headers);
    if matched.as_deref() == Some("*")
        && app.store.cards(std::slice::from_ref(name)).await?.is_empty()
    {
        return Err(DavError::new(StatusCode::PRECONDITION_FAILED, "no card here (If-Match: *)"));
    }
    let write = CardWrite {
        href: name.clone(),
        if_match: matched.filter(|m| m != "*").map(|m| parse_etag(&m)),
        if_none_match,
        body: card,
        raw: String::from_utf8_lossy(body).into_owned(),
    };
    let written = app.store.put_card(&write, (app.clock)()).await?;
    app.dav_cache.keep(name, written.revision, write.raw.into());
    app.dav_cache.written(&*app.store, name, written.revision).await;
    let status = if written.created { StatusCode::CREATED } else { StatusCode::NO_CONTENT };
    Ok((status, [(header::ETAG, etag(written.revision))]).into_response())
}

async fn delete(app: &AppState, res: &Resource, headers: &HeaderMap) -> DavResult {
    let Resource::Card(name) = res else {
        return Err(match res {
            Resource::Missing => DavError::new(StatusCode::NOT_FOUND, "nothing here"),
            _ => DavError::new(StatusCode::FORBIDDEN, "the address book itself cannot be deleted"),
        });
    };
    let matched = if_match(headers).filter(|m| m != "*").map(|m| parse_etag(&m));
    app.store.delete_card(name, matched, (app.clock)()).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_resolve_and_names_round_trip() {
        assert_eq!(resolve("/"), Resource::Root);
        assert_eq!(resolve("/dav"), Resource::Root);
        assert_eq!(resolve("/dav/principals/kith/"), Resource::Principal);
        assert_eq!(resolve("/dav/addressbooks/kith/default"), Resource::Book);
        assert_eq!(
            resolve("/dav/addressbooks/kith/default/a%20b%40c.vcf"),
            Resource::Card("a b@c.vcf".into())
        );
        assert_eq!(resolve("/dav/addressbooks/eve/default/"), Resource::Missing);
        assert_eq!(
            Resource::Card("a b@c.vcf".into()).path(),
            "/dav/addressbooks/kith/default/a%20b@c.vcf"
        );
        assert_eq!(decode("%zz%41"), "%zzA");
        for href in [PRINCIPAL_HREF, HOME_HREF, BOOK_HREF] {
            assert!(href.contains(&format!("/{USER}/")), "{href}");
        }
        assert_eq!(Resource::Card("a/é.vcf".into()).path(), format!("{BOOK_HREF}a%2F%C3%A9.vcf"));
    }

    #[test]
    fn etags_and_tokens_parse_only_what_kith_made() {
        assert_eq!(parse_etag(&etag(42)), 42);
        assert_eq!(parse_etag("W/\"r7\""), 7);
        assert_eq!(parse_etag("\"abc\""), -1);
        let state = Snapshot { revision: 10, epoch: "e1".into(), ..Snapshot::default() };
        assert_eq!(token_revision(&sync_token(&state), &state), Some(10));
        assert_eq!(token_revision("urn:kith:sync:e1:3", &state), Some(3));
        assert_eq!(token_revision("urn:kith:sync:e1:11", &state), None, "from the future");
        assert_eq!(token_revision("urn:kith:sync:e0:3", &state), None, "another epoch");
        assert_eq!(token_revision("garbage", &state), None);
    }

    #[test]
    fn text_match_filters_follow_rfc_6352() {
        let card = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:1\r\nFN:Ada\r\n  Lovelace\r\nitem1.EMAIL;TYPE=work:ada@example.org\r\nEND:VCARD\r\n";
        let f = |x: &str| xml::parse(x.as_bytes()).expect("filter");
        let q = |body: &str| {
            f(&format!("<C:filter xmlns:C=\"urn:ietf:params:xml:ns:carddav\" {body}</C:filter>"))
        };
        assert!(matches_filter(
            card,
            &q("><C:prop-filter name=\"FN\"><C:text-match>lovelace</C:text-match></C:prop-filter>")
        ));
        assert!(!matches_filter(
            card,
            &q(
                "><C:prop-filter name=\"FN\"><C:text-match match-type=\"equals\">Ada</C:text-match></C:prop-filter>"
            )
        ));
        assert!(matches_filter(
            card,
            &q(
                "><C:prop-filter name=\"EMAIL\"><C:text-match match-type=\"ends-with\">@EXAMPLE.org</C:text-match></C:prop-filter>"
            )
        ));
        assert!(matches_filter(
            card,
            &q(
                "test=\"allof\"><C:prop-filter name=\"FN\"/><C:prop-filter name=\"TEL\"><C:is-not-defined/></C:prop-filter>"
            )
        ));
        assert!(!matches_filter(
            card,
            &q(
                "><C:prop-filter name=\"FN\"><C:text-match negate-condition=\"yes\">ada</C:text-match></C:prop-filter>"
            )
        ));
    }
}
