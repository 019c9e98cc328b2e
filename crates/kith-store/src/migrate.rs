//! Embedded, versioned migrations.
//!
//! Each migration is one SQL template shared by both backends (see `migrations/`). The
//! `kith_schema` table records what was applied. A database whose version is newer than the
//! newest migration known here was written by a newer Kith and is refused: running old code
//! on it could lose data.

use crate::sql::Dialect;
use crate::{Result, StoreError};
use sqlx::AnyConnection;

/// One schema change.
#[derive(Debug)]
pub struct Migration {
    pub version: i64,
    pub description: &'static str,
    pub template: &'static str,
}

/// Every migration, oldest first.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        description: "contacts, organizations, interactions, notes, trash, search index",
        template: include_str!("../migrations/0001_init.sql"),
    },
    Migration {
        version: 2,
        description: "cadences, settings, contact stats, ledger, reminders",
        template: include_str!("../migrations/0002_nurture.sql"),
    },
    Migration {
        version: 3,
        description: "events, communities, contributions, goals",
        template: include_str!("../migrations/0003_network.sql"),
    },
    Migration {
        version: 4,
        description: "relationship roles, connections, opportunities, collaborations",
        template: include_str!("../migrations/0004_leverage.sql"),
    },
    Migration {
        version: 5,
        description: "web sessions and API tokens",
        template: include_str!("../migrations/0005_auth.sql"),
    },
    Migration {
        version: 6,
        description: "import sources, vCard properties kept verbatim, merges",
        template: include_str!("../migrations/0006_import.sql"),
    },
    Migration {
        version: 7,
        description: "address-book sync: revisions, cards and tombstones",
        template: include_str!("../migrations/0007_sync.sql"),
    },
    Migration {
        version: 8,
        description: "search postings without a foreign key (the store deletes them)",
        template: include_str!("../migrations/0008_search_postings.sql"),
    },
    Migration {
        version: 9,
        description: "uploads waiting for their import to be confirmed",
        template: include_str!("../migrations/0009_staged_imports.sql"),
    },
    Migration {
        version: 10,
        description: "each contact's search words, so postings need no index by contact",
        template: include_str!("../migrations/0010_search_documents.sql"),
    },
    Migration {
        version: 11,
        description: "search postings name their contact by a document number",
        template: include_str!("../migrations/0011_search_numbers.sql"),
    },
];

/// The schema version this build writes.
pub fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

/// Fills a template's placeholders for a dialect.
pub fn render(template: &str, dialect: Dialect) -> String {
    let (key, without_rowid, float, blob, list_agg, int_key) = match dialect {
        Dialect::Sqlite => {
            ("TEXT", "WITHOUT ROWID", "REAL", "BLOB", "group_concat", "INTEGER PRIMARY KEY")
        }
        Dialect::Postgres => (
            "TEXT COLLATE \"C\"",
            "",
            "DOUBLE PRECISION",
            "BYTEA",
            "string_agg",
            "BIGINT PRIMARY KEY",
        ),
    };
    template
        .replace("{INT_KEY}", int_key)
        .replace("{KEY}", key)
        .replace("{LIST_AGG}", list_agg)
        .replace("{WITHOUT_ROWID}", without_rowid)
        .replace("{FLOAT}", float)
        .replace("{BLOB}", blob)
        .replace("{NEW_ID}", &uuid::Uuid::new_v4().simple().to_string())
}

/// Brings the schema up to date in one transaction; refuses databases from a newer Kith.
pub async fn run(conn: &mut AnyConnection, dialect: Dialect) -> Result<()> {
    use sqlx::Connection;
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS kith_schema (version BIGINT PRIMARY KEY, description TEXT NOT NULL, applied_at BIGINT NOT NULL)",
    )
    .execute(&mut *conn)
    .await?;
    let mut tx = conn.begin().await?;
    if dialect == Dialect::Postgres {
        // Serialise concurrent first starts against the same database.
        sqlx::query("SELECT pg_advisory_xact_lock(7023519)").execute(&mut *tx).await?;
    } else {
        // Take the write lock now, so two first starts do not both migrate.
        sqlx::query("UPDATE kith_schema SET version = version WHERE 1 = 0")
            .execute(&mut *tx)
            .await?;
    }
    let current: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM kith_schema")
        .fetch_one(&mut *tx)
        .await?;
    let supported = latest_version();
    if current > supported {
        return Err(StoreError::SchemaTooNew { found: current, supported });
    }
    for m in MIGRATIONS.iter().filter(|m| m.version > current) {
        sqlx::raw_sql(sqlx::AssertSqlSafe(render(m.template, dialect))).execute(&mut *tx).await?;
        // The database's own clock stamps this audit column; Kith's logic never reads it.
        let insert = match dialect {
            Dialect::Sqlite => {
                "INSERT INTO kith_schema (version, description, applied_at) VALUES ($1, $2, CAST(strftime('%s', 'now') AS INTEGER) * 1000000)"
            }
            Dialect::Postgres => {
                "INSERT INTO kith_schema (version, description, applied_at) VALUES ($1, $2, CAST(EXTRACT(EPOCH FROM now()) * 1000000 AS BIGINT))"
            }
        };
        sqlx::query(insert).bind(m.version).bind(m.description).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}
