//! Test support: a fresh, isolated database per test, on SQLite or PostgreSQL.
//!
//! PostgreSQL tests need `KITH_TEST_POSTGRES_URL` (a server URL whose user may create
//! databases). Without it they are skipped with a loud message locally, and they fail when
//! `CI` is set: CI must never pass by skipping.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use crate::{Store, open};
use std::sync::Arc;

/// The environment variable naming the PostgreSQL server for tests.
pub const POSTGRES_URL_VAR: &str = "KITH_TEST_POSTGRES_URL";

/// A database that exists for one test.
pub struct TestDb {
    /// The URL Kith opens.
    pub url: String,
    /// The open store.
    pub store: Arc<dyn Store>,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

impl std::fmt::Debug for TestDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestDb").field("url", &self.url).finish()
    }
}

/// A URL for a fresh SQLite database in its own temp dir (not yet opened).
pub fn sqlite_url() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("kith.db").display());
    (dir, url)
}

/// Creates a fresh PostgreSQL database and returns (admin URL, db name, db URL), or `None` when
/// no server is configured and this is not CI.
pub async fn postgres_url() -> Option<(String, String, String)> {
    use sqlx::Connection;
    let admin = match std::env::var(POSTGRES_URL_VAR) {
        Ok(u) if !u.is_empty() => u,
        _ => {
            if std::env::var_os("CI").is_some() {
                panic!(
                    "{POSTGRES_URL_VAR} is not set, but CI is: the PostgreSQL half of the suite must run in CI"
                );
            }
            eprintln!(
                "SKIPPED (PostgreSQL): set {POSTGRES_URL_VAR}=postgres://USER@HOST/postgres to run this test on PostgreSQL"
            );
            return None;
        }
    };
    let name = format!("kith_test_{}", uuid::Uuid::new_v4().simple());
    let mut conn = sqlx::postgres::PgConnection::connect(&admin)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to {POSTGRES_URL_VAR}: {e}"));
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .expect("create test database");
    let _ = conn.close().await;
    let base = admin.split('?').next().unwrap_or(&admin);
    let query = admin.split_once('?').map(|(_, q)| format!("?{q}")).unwrap_or_default();
    let (server, _) = base.rsplit_once('/').expect("database URL has a path");
    let url = format!("{server}/{name}{query}");
    Some((admin, name, url))
}

impl TestDb {
    /// A fresh SQLite store.
    pub async fn sqlite() -> TestDb {
        let (dir, url) = sqlite_url();
        let store = open(&url).await.expect("open sqlite store");
        TestDb { url, store, cleanup: Cleanup::Sqlite(dir) }
    }

    /// A fresh PostgreSQL store (see the module docs for when this is `None`).
    pub async fn postgres() -> Option<TestDb> {
        let (admin_url, name, url) = postgres_url().await?;
        let store = open(&url).await.expect("open postgres store");
        Some(TestDb { url, store, cleanup: Cleanup::Postgres { admin_url, name } })
    }

    /// Drops the database (PostgreSQL) or the temp dir (SQLite).
    pub async fn finish(self) {
        drop(self.store);
        if let Cleanup::Postgres { admin_url, name } = self.cleanup {
            drop_postgres(&admin_url, &name).await;
        }
    }
}

/// Drops a test database, closing other sessions on it.
pub async fn drop_postgres(admin_url: &str, name: &str) {
    use sqlx::Connection;
    if let Ok(mut conn) = sqlx::postgres::PgConnection::connect(admin_url).await {
        let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
        )))
        .execute(&mut conn)
        .await;
        let _ = conn.close().await;
    }
}

/// Declares one test per backend for each `async fn name(db: &TestDb)` listed: a `sqlite`
/// module and a `postgres` module (which skips or fails as [`TestDb::postgres`] decides).
#[macro_export]
macro_rules! store_tests {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let db = $crate::testing::TestDb::sqlite().await;
                    super::$name(&db).await;
                    db.finish().await;
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    let Some(db) = $crate::testing::TestDb::postgres().await else { return };
                    super::$name(&db).await;
                    db.finish().await;
                }
            )+
        }
    };
}
