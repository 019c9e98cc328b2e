//! Who may use the app: password (argon2id) sign-in with a session cookie, bearer tokens for
//! the API, CSRF tokens on every form (double-submit cookie), and a limit on sign-in attempts.

use crate::AppState;
use crate::error::{ApiError, PageError, WebError};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The session cookie.
pub const SESSION_COOKIE: &str = "kith_session";
/// The CSRF cookie; forms echo it in `_csrf`.
pub const CSRF_COOKIE: &str = "kith_csrf";
/// How long a sign-in lasts.
pub const SESSION_DAYS: i64 = 30;
/// The largest form body read to check its CSRF token (uploads are multipart and checked by
/// their query string).
const MAX_FORM: usize = 1 << 20;

/// The CSRF token of this request, for forms.
#[derive(Clone, Debug)]
pub struct CsrfToken(pub String);

/// A random secret: 32 bytes as hex.
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    rand::rng().fill_bytes(&mut b);
    hex(&b)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 of a high-entropy token, as hex (tokens are random, so a fast hash suffices).
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// An argon2id hash (PHC string) of a password.
pub fn hash_password(password: &str) -> Result<String, WebError> {
    if password.chars().count() < 8 {
        return Err(WebError::Invalid(kith_core::ValidationError::one(
            "password",
            None,
            "at least 8 characters",
        )));
    }
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| WebError::Internal(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| WebError::Internal(e.to_string()))
}

/// Whether a password matches a stored hash.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// Reads one cookie.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ").map(str::trim)
}

/// Paths anyone may fetch.
fn open_path(path: &str) -> bool {
    // Calendar feeds check their own token (calendar apps cannot sign in).
    path == "/login"
        || path.starts_with("/static/")
        || path == "/api/openapi.json"
        || path.starts_with("/feeds/")
}

/// Whether the request is signed in (always true when sign-in is not required).
pub async fn signed_in(app: &AppState, headers: &HeaderMap) -> Result<bool, WebError> {
    if !app.auth_required {
        return Ok(true);
    }
    let now = (app.clock)();
    if let Some(t) = bearer(headers) {
        return Ok(app.store.use_token("api", &token_hash(t), now).await?.is_some());
    }
    match cookie(headers, SESSION_COOKIE) {
        Some(s) => Ok(app.store.session(&token_hash(&s), now).await?.is_some()),
        None => Ok(false),
    }
}

/// The middleware in front of everything: sign-in, then CSRF for form posts, then the CSRF
/// cookie on the way out.
pub async fn guard(State(app): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let is_api = path.starts_with("/api/");
    if !open_path(&path) {
        match signed_in(&app, req.headers()).await {
            Ok(true) => {}
            Ok(false) if is_api => return ApiError(WebError::Unauthorized).into_response(),
            Ok(false) => {
                let next_url =
                    req.uri().path_and_query().map(|p| p.to_string()).unwrap_or_default();
                return Redirect::to(&format!("/login?next={}", urlencode(&next_url)))
                    .into_response();
            }
            Err(e) if is_api => return ApiError(e).into_response(),
            Err(e) => return PageError(e).into_response(),
        }
    }
    let existing = cookie(req.headers(), CSRF_COOKIE).filter(|c| c.len() == 64);
    let token = existing.clone().unwrap_or_else(random_token);
    let (mut parts, body) = req.into_parts();
    let req = if parts.method == Method::POST && !is_api {
        let is_form = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        let (sent, body) = if is_form {
            let bytes = match to_bytes(body, MAX_FORM).await {
                Ok(b) => b,
                Err(_) => {
                    return PageError(WebError::TooLarge("the form is too large".into()))
                        .into_response();
                }
            };
            let sent = form_value(&bytes, "_csrf");
            (sent, Body::from(bytes))
        } else {
            let q = parts.uri.query().unwrap_or_default().as_bytes().to_vec();
            (form_value(&q, "_csrf"), body)
        };
        if existing.is_none() || sent.as_deref() != existing.as_deref() {
            return PageError(WebError::Forbidden).into_response();
        }
        parts.extensions.insert(CsrfToken(token.clone()));
        Request::from_parts(parts, body)
    } else {
        parts.extensions.insert(CsrfToken(token.clone()));
        Request::from_parts(parts, body)
    };
    let mut resp = next.run(req).await;
    if existing.is_none()
        && let Ok(v) = format!("{CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict").parse()
    {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

fn form_value(body: &[u8], key: &str) -> Option<String> {
    url_pairs(body).into_iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// Decodes `a=1&b=x+y` pairs.
fn url_pairs(body: &[u8]) -> Vec<(String, String)> {
    let s = String::from_utf8_lossy(body);
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    fn hexval(b: u8) -> Option<u8> {
        (b as char).to_digit(16).map(|d| d as u8)
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let decoded = match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) => hexval(h).zip(hexval(l)).map(|(h, l)| h * 16 + l),
            _ => None,
        };
        match (decoded, bytes[i]) {
            (Some(b), _) => {
                out.push(b);
                i += 2;
            }
            (None, b'+') => out.push(b' '),
            (None, b) => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-encodes a query value.
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Sign-in attempts per client: at most [`LoginLimiter::MAX`] failures a minute.
#[derive(Debug, Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<String, (Instant, u32)>>,
}

impl LoginLimiter {
    const MAX: u32 = 5;
    const WINDOW: Duration = Duration::from_secs(60);

    /// Whether this client may try now.
    pub fn allowed(&self, client: &str) -> bool {
        let Ok(map) = self.failures.lock() else { return true };
        match map.get(client) {
            Some((since, n)) => since.elapsed() > Self::WINDOW || *n < Self::MAX,
            None => true,
        }
    }

    /// Records a failed attempt.
    pub fn failed(&self, client: &str) {
        if let Ok(mut map) = self.failures.lock() {
            let e = map.entry(client.to_string()).or_insert((Instant::now(), 0));
            if e.0.elapsed() > Self::WINDOW {
                *e = (Instant::now(), 0);
            }
            e.1 += 1;
        }
    }

    /// Forgets a client after a successful sign-in.
    pub fn succeeded(&self, client: &str) {
        if let Ok(mut map) = self.failures.lock() {
            map.remove(client);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_and_tokens() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong", &h));
        assert!(hash_password("short").is_err());
        assert_eq!(random_token().len(), 64);
        assert_eq!(token_hash("abc").len(), 64);
    }

    #[test]
    fn forms_decode() {
        assert_eq!(form_value(b"a=1&_csrf=x%2By+z", "_csrf").as_deref(), Some("x+y z"));
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(urlencode("/people?q=a b"), "/people%3Fq%3Da%20b");
    }

    #[test]
    fn limiter_counts_failures() {
        let l = LoginLimiter::default();
        for _ in 0..5 {
            assert!(l.allowed("x"));
            l.failed("x");
        }
        assert!(!l.allowed("x"));
        assert!(l.allowed("y"));
        l.succeeded("x");
        assert!(l.allowed("x"));
    }
}

/// What a stored secret is for: API tokens (`Authorization: Bearer`), app passwords (CardDAV
/// devices, HTTP Basic) and feed links (`/feeds/...?token=`). All are random, shown once, and
/// stored as SHA-256 hashes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecretKind {
    Api,
    AppPassword,
    Feed,
}

impl SecretKind {
    /// The kind stored with the hash.
    pub fn stored(self) -> &'static str {
        match self {
            SecretKind::Api => "api",
            SecretKind::AppPassword => crate::dav::APP_PASSWORD,
            SecretKind::Feed => crate::feeds::FEED_TOKEN,
        }
    }

    /// What the user calls it.
    pub fn noun(self) -> &'static str {
        match self {
            SecretKind::Api => "token",
            SecretKind::AppPassword => "app password",
            SecretKind::Feed => "feed link",
        }
    }
}

/// Creates a secret of a kind under a name; returns it (to show once) and its record.
pub async fn create_secret(
    store: &dyn kith_store::Store,
    kind: SecretKind,
    name: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(String, kith_store::ApiToken), WebError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(WebError::Invalid(kith_core::ValidationError::one(
            "name",
            Some(name),
            "a name of 1 to 100 characters, e.g. the device",
        )));
    }
    let secret = match kind {
        SecretKind::Api | SecretKind::Feed => format!("kith_{}", random_token()),
        // Typed on phones: shorter, still 128 random bits.
        SecretKind::AppPassword => random_token()[..32].to_string(),
    };
    let record = store.create_token(name, kind.stored(), &token_hash(&secret), now).await?;
    Ok((secret, record))
}
