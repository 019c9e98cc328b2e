//! Point reads on a SQLite file without the driver's worker thread.
//!
//! sqlx runs each SQLite connection on a thread of its own: a statement is sent there and its
//! rows are sent back, two thread hand-offs that cost more than reading one contact does
//! (profiled under load, a third of the server's time was spent switching threads). For the
//! read a busy server repeats most, one record by id, [`PointReads`] keeps a few rusqlite
//! connections to the same file and runs the statement on the calling thread.
//!
//! Only index lookups of a few rows belong here: they take microseconds, so running them on
//! an async runtime's thread holds nothing up. Anything that scans stays on the pool.
//!
//! A point read waits at most [`BUSY`] for a lock (WAL readers rarely wait at all: during
//! recovery, or when WAL could not be enabled and a writer holds the file); past that it
//! reports [`StoreError::Locked`](crate::StoreError::Locked) and the store reads through the
//! pool instead, so no runtime thread waits out the store's busy timeout.
//!
//! The connections are query-only (`PRAGMA query_only`): this path cannot write. In WAL mode a
//! statement sees everything committed before it began, as the pool's connections do, so a
//! write through the pool is visible to the next point read.

use super::contacts;
use crate::Result;
use kith_core::{Contact, ContactId};
use rusqlite::{Connection, OpenFlags};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::Duration;

/// The longest a point read (or the data-version probe) waits for a lock.
pub(crate) const BUSY: Duration = Duration::from_millis(20);

/// Connections kept between reads: one per thread that reads at the same time (the runtime's
/// workers, one per core); a burst beyond that opens a connection and closes it after.
/// (Asked once: `available_parallelism` reads the process's cgroup files.)
fn keep() -> usize {
    static KEEP: OnceLock<usize> = OnceLock::new();
    *KEEP.get_or_init(|| std::thread::available_parallelism().map_or(4, |n| n.get().max(4)))
}

/// A few query-only connections to one SQLite file, for reads by id on the calling thread.
pub(crate) struct PointReads {
    path: String,
    idle: Mutex<Vec<Connection>>,
}

impl std::fmt::Debug for PointReads {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PointReads").field("path", &self.path).finish()
    }
}

impl PointReads {
    /// Point reads on the SQLite file at `path` (which the pool has opened and migrated; the
    /// name SQLite gave it).
    pub(crate) fn new(path: String) -> Self {
        PointReads { path, idle: Mutex::new(Vec::new()) }
    }

    /// A query-only connection to the file that waits at most [`BUSY`] for a lock.
    pub(crate) fn connect(path: &str) -> Result<Connection> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(BUSY)?;
        // A small page cache: a point read touches a handful of index and table pages, and
        // the server's resident memory is budgeted (see ARCHITECTURE.md).
        conn.execute_batch("PRAGMA query_only = ON; PRAGMA cache_size = -1024;")?;
        Ok(conn)
    }

    /// Runs `read` on an idle connection (or a new one) on this thread.
    fn read<T>(&self, read: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner).pop();
        let conn = match idle {
            Some(conn) => conn,
            None => Self::connect(&self.path)?,
        };
        let out = read(&conn);
        // A connection that failed is not trusted again.
        if out.is_ok() {
            let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
            if idle.len() < keep() {
                idle.push(conn);
            }
        }
        out
    }

    /// The live contact with this id, if there is one.
    pub(crate) fn contact(&self, id: ContactId) -> Result<Option<Contact>> {
        self.read(|conn| {
            static SQL: OnceLock<String> = OnceLock::new();
            let sql =
                SQL.get_or_init(|| contacts::contact_select(true, false).replace("{IN}", "?1"));
            let mut statement = conn.prepare_cached(sql)?;
            let mut rows = statement.query([id.to_string()])?;
            rows.next()?.map(contacts::contact_from_row).transpose()
        })
    }
}
