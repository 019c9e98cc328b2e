//! Kith's web app (`kith serve`): server-rendered pages (askama) and a JSON API with an
//! OpenAPI document, over the same [`Store`] and domain services as the CLI.
//!
//! - [`router`] builds the app for a store; [`serve`] binds it (refusing a non-loopback address
//!   without a password).
//! - `pages` holds the HTML handlers, `api` the JSON ones; both are thin and call the store's
//!   services. `views` has one typed struct per page (templates in `templates/`).
//! - `auth` guards every request: sign-in when required, CSRF on forms, rate-limited sign-in.
//! - The clock is part of [`AppState`]; handlers never read it any other way.

mod api;
mod assets;
mod auth;
mod charts;
mod collaborations;
pub mod dav;
mod error;
pub mod feeds;
mod memo;
mod pages;
mod records;
mod relationship;
mod transfer;
mod views;

pub use auth::{SecretKind, create_secret, hash_password, random_token, token_hash};
pub use error::WebError;

use axum::Router;
use chrono::{DateTime, Utc};
use kith_store::Store;
use std::net::SocketAddr;
use std::sync::Arc;

/// Where "now" comes from.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// Everything a handler needs.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub clock: Clock,
    /// Every page and API call needs a signed-in session or a bearer token.
    pub auth_required: bool,
    /// The largest upload accepted, in bytes.
    pub max_upload: usize,
    limiter: Arc<auth::LoginLimiter>,
    /// CardDAV credentials verified recently.
    dav_auth: Arc<dav::AuthCache>,
    /// The CardDAV index and rendered cards.
    dav_cache: Arc<dav::cache::DavCache>,
    /// Expensive reads kept until the database changes.
    memo: Arc<memo::Memo>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").field("auth_required", &self.auth_required).finish()
    }
}

impl AppState {
    /// State over a store with the system clock.
    pub fn new(store: Arc<dyn Store>, auth_required: bool) -> AppState {
        AppState::with_clock(store, auth_required, Arc::new(Utc::now))
    }

    /// State with a given clock (tests).
    pub fn with_clock(store: Arc<dyn Store>, auth_required: bool, clock: Clock) -> AppState {
        AppState {
            store,
            clock,
            auth_required,
            max_upload: 100 << 20,
            limiter: Arc::new(auth::LoginLimiter::default()),
            dav_auth: Arc::default(),
            dav_cache: Arc::default(),
            memo: Arc::default(),
        }
    }
}

/// The whole app: pages, API, static files, behind the auth guard; CardDAV requests go to
/// the DAV server (with its own HTTP Basic sign-in) before the guard sees them.
pub fn router(state: AppState) -> Router {
    pages::routes()
        .merge(transfer::routes(state.max_upload))
        .merge(collaborations::routes())
        .merge(relationship::routes())
        .merge(records::routes())
        .merge(api::routes(state.max_upload))
        .merge(assets::routes())
        .merge(feeds::routes())
        .layer(axum::middleware::from_fn_with_state(state.clone(), auth::guard))
        .layer(axum::middleware::from_fn_with_state(state.clone(), dav_first))
        .with_state(state)
}

async fn dav_first(
    axum::extract::State(app): axum::extract::State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    if dav::claims(req.method(), req.uri().path()) {
        dav::handle(app, req).await
    } else {
        next.run(req).await
    }
}

/// Why the server would not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(
        "listening on {0} (not a loopback address) needs a password; set one with `kith auth set-password`"
    )]
    PasswordNeeded(SocketAddr),
    #[error("cannot listen on {0}: {1}")]
    Bind(SocketAddr, std::io::Error),
    #[error("cannot use the TLS certificate {cert} and key {key}: {reason}")]
    Tls { cert: String, key: String, reason: String },
    #[error(transparent)]
    Store(#[from] kith_store::StoreError),
    #[error("server: {0}")]
    Io(#[from] std::io::Error),
}

/// A certificate chain and private key (PEM files) to serve HTTPS with.
#[derive(Clone, Debug)]
pub struct Tls {
    pub cert: std::path::PathBuf,
    pub key: std::path::PathBuf,
}

/// Serves the app on `addr` until the process ends, over HTTPS when `tls` is given. Sign-in
/// is required on any address that is not loopback, and then a password must be set.
pub async fn serve(
    store: Arc<dyn Store>,
    addr: SocketAddr,
    tls: Option<Tls>,
) -> Result<(), ServeError> {
    let loopback = addr.ip().is_loopback();
    let has_password = store.password_hash().await?.is_some();
    if !loopback && !has_password {
        return Err(ServeError::PasswordNeeded(addr));
    }
    let state = AppState::new(store, !loopback || has_password);
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    match tls {
        None => {
            use axum::serve::ListenerExt as _;
            let listener =
                tokio::net::TcpListener::bind(addr).await.map_err(|e| ServeError::Bind(addr, e))?;
            // Without TCP_NODELAY a response's body waits for the client's delayed ACK of its
            // headers: up to 40 ms per request on keep-alive connections (sync clients).
            let listener = listener.tap_io(|tcp| {
                let _ = tcp.set_nodelay(true);
            });
            axum::serve(listener, app).await?;
        }
        Some(tls) => {
            // ring is the one crypto provider compiled in; a second install is harmless.
            let _ = rustls::crypto::ring::default_provider().install_default();
            let config = axum_server::tls_rustls::RustlsConfig::from_pem_file(&tls.cert, &tls.key)
                .await
                .map_err(|e| ServeError::Tls {
                    cert: tls.cert.display().to_string(),
                    key: tls.key.display().to_string(),
                    reason: e.to_string(),
                })?;
            let listener =
                std::net::TcpListener::bind(addr).map_err(|e| ServeError::Bind(addr, e))?;
            axum_server::from_tcp_rustls(listener, config).serve(app).await?;
        }
    }
    Ok(())
}
