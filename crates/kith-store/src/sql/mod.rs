//! The SQL implementation of [`Store`](crate::Store) for SQLite and PostgreSQL.
//!
//! Queries are written once in portable SQL with `$n` placeholders (both drivers accept them)
//! and run through sqlx's runtime driver selection (`sqlx::Any`), so no database is needed at
//! build time. Values cross the boundary as text, 64-bit integers or NULL only: ids are
//! hyphenated UUID text, times are microseconds since the epoch, dates are `YYYY-MM-DD`.
//! Where the dialects differ, [`Dialect`] says so, next to the one query that needs it.

mod auth;
pub(crate) mod backup;
mod contacts;
mod goals;
mod imports;
mod interactions;
mod ledger;
mod leverage;
pub(crate) mod merges;
mod network;
mod nurture;
mod organizations;
mod point;
mod search;
mod store_impl;
mod sync;
mod trash;
mod util;

use crate::{Backend, OpenOptions, Result, StoreError};
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Connection};
use std::path::Path;

/// The SQL dialect of a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// A store over a connection pool.
#[derive(Clone, Debug)]
pub struct SqlStore {
    pub(crate) pool: AnyPool,
    pub(crate) dialect: Dialect,
    /// Tells whether anything was committed since the last look (see `data_version`).
    pub(crate) probe: std::sync::Arc<Probe>,
    /// Reads by id on the calling thread, for a SQLite file (see `point.rs`).
    pub(crate) point: Option<std::sync::Arc<point::PointReads>>,
}

/// A SQLite connection of its own that only ever asks `PRAGMA data_version`, which changes
/// whenever *another* connection (in this process or any other) commits. It never writes, so
/// every commit counts. Opened on first use; `generation` counts (re)connections, because a
/// new connection starts its own count. The pragma opens a read transaction that reads no
/// table, so it runs on the calling thread (as point reads do) and waits at most
/// [`point::BUSY`] for a lock; past that the version is unknown this time and the caller
/// reads afresh.
pub(crate) struct Probe {
    path: Option<String>,
    conn: futures_util::lock::Mutex<(u64, Option<rusqlite::Connection>)>,
}

impl std::fmt::Debug for Probe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Probe").field("sqlite", &self.path.is_some()).finish()
    }
}

impl Probe {
    /// The SQLite data version, tagged with the connection's generation; `None` for an
    /// in-memory database (no other connection can see it) and while the file is locked.
    pub(crate) async fn version(&self) -> Result<Option<String>> {
        let Some(path) = &self.path else { return Ok(None) };
        let mut guard = self.conn.lock().await;
        let (generation, slot) = &mut *guard;
        if slot.is_none() {
            *slot = Some(point::PointReads::connect(path)?);
            *generation += 1;
        }
        let Some(conn) = slot.as_ref() else { return Ok(None) };
        match conn.query_row("PRAGMA data_version", [], |row| row.get::<_, i64>(0)) {
            Ok(v) => Ok(Some(format!("{generation}.{v}"))),
            Err(e) => {
                *slot = None;
                match StoreError::from(e) {
                    StoreError::Locked => Ok(None),
                    other => Err(other),
                }
            }
        }
    }
}

/// Splits a user's database URL into the dialect and the URL sqlx should open.
fn classify(url: &str, options: &OpenOptions) -> Result<(Dialect, String)> {
    let open_err = |reason: String| StoreError::Open { url: url.to_string(), reason };
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok((Dialect::Postgres, url.to_string()));
    }
    let path = if let Some(rest) = url.strip_prefix("sqlite://") {
        rest
    } else if let Some(rest) = url.strip_prefix("sqlite:") {
        rest
    } else if url.contains("://") {
        return Err(open_err(
            "unsupported scheme; use sqlite://PATH or postgres://USER:PASSWORD@HOST/DATABASE"
                .into(),
        ));
    } else {
        url
    };
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() {
        return Err(open_err("no file path given; use sqlite://PATH".into()));
    }
    if path == ":memory:" {
        return Ok((Dialect::Sqlite, "sqlite::memory:".into()));
    }
    let p = Path::new(path);
    if p.is_dir() {
        return Err(open_err(format!(
            "{path} is a directory; give a file path such as {path}/kith.db"
        )));
    }
    if let Some(parent) = p.parent().filter(|d| !d.as_os_str().is_empty())
        && !parent.is_dir()
    {
        return Err(open_err(format!("the directory {} does not exist", parent.display())));
    }
    if !options.create && !p.exists() {
        return Err(open_err(format!("{path} does not exist")));
    }
    Ok((Dialect::Sqlite, format!("sqlite://{path}?mode=rwc")))
}

impl SqlStore {
    /// Connects, applies pragmas and migrations.
    pub async fn open(url: &str, options: &OpenOptions) -> Result<SqlStore> {
        install_default_drivers();
        let (dialect, sqlx_url) = classify(url, options)?;
        let open_err = |reason: String| StoreError::Open { url: redact(url), reason };
        let busy_ms = options.busy_timeout.as_millis();
        // A 4 MB page cache per connection: hot pages stay in memory, and the rest is a copy
        // from the OS page cache away; `kith serve` keeps its resident memory under 100 MB.
        let pragmas = format!(
            "PRAGMA busy_timeout = {busy_ms}; PRAGMA foreign_keys = ON; \
             PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
             PRAGMA cache_size = -4096; PRAGMA temp_store = MEMORY;"
        );
        let map_open = |e: StoreError| match e {
            StoreError::Other(reason) => open_err(describe_open_error(&StoreError::Other(reason))),
            other => other,
        };
        // An in-memory database lives as long as its one connection: the pool holds exactly
        // one, for good, and the schema is created on it.
        let memory = sqlx_url == "sqlite::memory:";
        // One direct connection first: it fails fast and precisely (no pool retries) when the
        // URL is wrong, the file is not a database, or the schema is from a newer Kith.
        let file = if memory {
            None
        } else {
            let mut first = sqlx::AnyConnection::connect(&sqlx_url)
                .await
                .map_err(|e| map_open(StoreError::from(e)))?;
            if dialect == Dialect::Sqlite {
                sqlx::raw_sql(sqlx::AssertSqlSafe(pragmas.clone()))
                    .execute(&mut first)
                    .await
                    .map_err(|e| map_open(StoreError::from(e)))?;
            }
            crate::migrate::run(&mut first, dialect).await.map_err(map_open)?;
            // The file SQLite opened, as SQLite names it (sqlx decodes the URL first): point
            // reads and the probe open exactly this one.
            let file = if dialect == Dialect::Sqlite {
                let rows = util::fetch(
                    &mut first,
                    "SELECT file FROM pragma_database_list WHERE name = 'main'".into(),
                    vec![],
                )
                .await?;
                rows.first().map(|r| util::opt_text(r, "file")).transpose()?.flatten()
            } else {
                None
            };
            first.close().await?;
            file.filter(|f| !f.is_empty())
        };
        let pool = AnyPoolOptions::new()
            .max_connections(if memory {
                1
            } else if dialect == Dialect::Sqlite {
                4
            } else {
                8
            })
            .min_connections(u32::from(memory))
            .idle_timeout(if memory { None } else { Some(std::time::Duration::from_secs(600)) })
            .max_lifetime(if memory { None } else { Some(std::time::Duration::from_secs(1800)) })
            .acquire_timeout(options.busy_timeout + std::time::Duration::from_secs(5))
            // A SQLite connection is a file handle in this process: pinging it before every
            // use is one more round trip to its worker thread and finds nothing.
            .test_before_acquire(dialect != Dialect::Sqlite)
            .after_connect(move |conn, _meta| {
                let pragmas = pragmas.clone();
                Box::pin(async move {
                    if dialect == Dialect::Sqlite {
                        sqlx::raw_sql(sqlx::AssertSqlSafe(pragmas)).execute(&mut *conn).await?;
                    }
                    Ok(())
                })
            })
            .connect(&sqlx_url)
            .await
            .map_err(|e| map_open(StoreError::from(e)))?;
        if memory {
            let mut conn = pool.acquire().await?;
            crate::migrate::run(&mut conn, dialect).await.map_err(map_open)?;
        }
        let point = file.clone().map(|path| std::sync::Arc::new(point::PointReads::new(path)));
        let probe = Probe { path: file, conn: Default::default() };
        Ok(SqlStore { pool, dialect, probe: std::sync::Arc::new(probe), point })
    }

    /// A transaction that writes, alone: writers take turns, on both backends.
    ///
    /// On SQLite it takes the write lock at `BEGIN IMMEDIATE`, where SQLite waits out a busy
    /// lock: a deferred transaction that has read and then writes gets SQLITE_BUSY at once,
    /// without waiting, while another connection holds the lock (for instance a transaction
    /// dropped on an error, whose rollback runs a moment later on its own connection's thread).
    ///
    /// On PostgreSQL its first statement takes the writers' advisory lock, held until it ends.
    /// Most writes already queue on the sync revision's row lock; taking a lock first, before
    /// any row or table lock, means two writers never hold locks the other waits for (a
    /// deadlock), and a write that numbers search documents reads the largest number in use
    /// with no other writer between.
    pub(crate) async fn write(&self) -> crate::Result<sqlx::Transaction<'static, sqlx::Any>> {
        Ok(match self.dialect {
            Dialect::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Dialect::Postgres => {
                let mut tx = self.pool.begin().await?;
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(WRITERS_LOCK)
                    .execute(&mut *tx)
                    .await?;
                tx
            }
        })
    }

    /// The backend behind this store.
    pub fn backend(&self) -> Backend {
        match self.dialect {
            Dialect::Sqlite => Backend::Sqlite,
            Dialect::Postgres => Backend::Postgres,
        }
    }
}

/// The PostgreSQL advisory lock key of writers (see [`SqlStore::write`]); migrations take
/// their own key.
const WRITERS_LOCK: i64 = 7_023_520;

/// A URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..s + 3], user, &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

fn describe_open_error(e: &StoreError) -> String {
    let s = e.to_string();
    if s.contains("file is not a database") {
        "the file is not a Kith (SQLite) database".into()
    } else if s.contains("unable to open database file") {
        "the file cannot be opened (check the path and its permissions)".into()
    } else {
        s.trim_start_matches("database error: ").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let o = OpenOptions::default();
        assert_eq!(classify("postgres://u@h/db", &o).unwrap().0, Dialect::Postgres);
        assert_eq!(classify("sqlite://kith.db", &o).unwrap().1, "sqlite://kith.db?mode=rwc");
        assert_eq!(classify("kith.db", &o).unwrap().0, Dialect::Sqlite);
        assert!(classify("mysql://x", &o).is_err());
        assert!(classify("sqlite:///definitely/not/here/kith.db", &o).is_err());
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
    }
}
