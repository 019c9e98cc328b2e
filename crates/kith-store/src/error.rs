//! The store's one error type.

use kith_core::ValidationError;

/// What can go wrong when reading or writing the store. Messages are written for the user:
/// what was wrong and, where there is one, how to fix it.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No live record matches.
    #[error("no {what} matches {reference:?}")]
    NotFound { what: &'static str, reference: String },
    /// Several records match a name or prefix; the candidates are listed.
    #[error("{reference:?} matches {} {}: {}; use more of the name, an email or the id", candidates.len(), plural(what), candidates.join(", "))]
    Ambiguous { what: &'static str, reference: String, candidates: Vec<String> },
    /// The change conflicts with what is stored (a duplicate name, a stale restore).
    #[error("{0}")]
    Conflict(String),
    /// A write's precondition (`If-Match`, `If-None-Match`) does not hold.
    #[error("precondition failed: {0}")]
    PreconditionFailed(String),
    /// Another card in the address book has the same UID.
    #[error("another card ({href}) has the same UID")]
    UidConflict { href: String },
    /// The input did not validate.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// The database URL cannot be opened.
    #[error("cannot open database {url}: {reason}")]
    Open { url: String, reason: String },
    /// The database was written by a newer Kith.
    #[error(
        "the database has schema version {found}, but this Kith only knows up to {supported}; upgrade Kith (downgrades are refused so nothing is lost)"
    )]
    SchemaTooNew { found: i64, supported: i64 },
    /// Another process holds the database lock.
    #[error(
        "the database is locked by another process (is `kith serve` or an import running?); try again when it finishes"
    )]
    Locked,
    /// Anything else from the database.
    #[error("database error: {0}")]
    Other(String),
}

impl StoreError {
    /// A not-found error.
    pub fn not_found(what: &'static str, reference: impl Into<String>) -> Self {
        StoreError::NotFound { what, reference: reference.into() }
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e {
            let msg = db.message().to_lowercase();
            if msg.contains("database is locked") || msg.contains("database is busy") {
                return StoreError::Locked;
            }
            if db.is_unique_violation() {
                return StoreError::Conflict(format!(
                    "a record with the same key already exists ({})",
                    db.message()
                ));
            }
        }
        StoreError::Other(e.to_string())
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                StoreError::Locked
            }
            _ => StoreError::Other(e.to_string()),
        }
    }
}

/// Shorthand for store results.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The plural of a record name ("trash entry" → "trash entries").
pub fn plural(what: &str) -> String {
    match what.strip_suffix('y') {
        Some(stem) => format!("{stem}ies"),
        None => format!("{what}s"),
    }
}
