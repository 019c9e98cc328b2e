//! What every command gets: the store, the current time and the output mode.

use anyhow::{Context as _, Result};
use chrono::{DateTime, Utc};
use kith_store::Store;
use std::sync::Arc;

/// The command's environment. `now` is read once, here at the edge, and passed down.
pub struct Ctx {
    pub store: Arc<dyn Store>,
    pub now: DateTime<Utc>,
    pub json: bool,
}

/// The default database: `kith.db` in the platform data directory (XDG on Linux), created on
/// first use.
pub fn default_database_url() -> Result<String> {
    let dir = dirs::data_dir()
        .context("cannot find your data directory (set HOME or XDG_DATA_HOME, or pass --db)")?
        .join("kith");
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    Ok(format!("sqlite://{}", dir.join("kith.db").display()))
}

impl Ctx {
    /// Opens the store named by `--db` / `KITH_DATABASE_URL`, or the default one.
    pub async fn open(db: Option<&str>, json: bool) -> Result<Ctx> {
        let url = match db {
            Some(u) if !u.trim().is_empty() => u.to_string(),
            _ => default_database_url()?,
        };
        let mut options = kith_store::OpenOptions::default();
        if let Ok(ms) = std::env::var("KITH_BUSY_TIMEOUT_MS") {
            let ms: u64 =
                ms.parse().context("KITH_BUSY_TIMEOUT_MS must be a number of milliseconds")?;
            options.busy_timeout = std::time::Duration::from_millis(ms);
        }
        let store = kith_store::open_with(&url, &options).await?;
        Ok(Ctx { store, now: Utc::now(), json })
    }

    /// Today's date (UTC).
    pub fn today(&self) -> chrono::NaiveDate {
        self.now.date_naive()
    }
}
