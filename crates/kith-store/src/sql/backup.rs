//! Backups: every table, row by row, as JSON Lines (see `docs/backup-format.md`).
//!
//! The tables and their order come from the migrations themselves (creation order, so a
//! table is always restored after the tables it references); a table added by a future
//! migration is backed up without touching this file. Values keep their type: integers,
//! floats, text and NULL. A backup is read in one transaction (a consistent snapshot while
//! the app runs); a restore writes in one transaction and refuses a truncated file.

use super::Dialect;
use super::util::{Val, insert_rows};
use crate::{Result, StoreError};
use futures_util::TryStreamExt;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::any::{AnyRow, AnyTypeInfoKind};
use sqlx::{AnyConnection, AssertSqlSafe, Column, Executor, Row, SqlSafeStr, Statement, ValueRef};
use std::io::{BufRead, Write};

/// The first line of a backup.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Header {
    pub kith: String,
    pub format: u32,
    pub schema_version: i64,
    pub backend: String,
    pub exported_at: String,
}

/// The line that starts a table.
#[derive(Debug, Serialize, Deserialize)]
struct TableHeader {
    table: String,
    columns: Vec<String>,
}

/// The last line: proof the file is complete.
#[derive(Debug, Serialize, Deserialize)]
struct Trailer {
    end: bool,
    tables: u64,
    rows: u64,
}

/// What a backup or restore covered.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BackupSummary {
    pub tables: u64,
    pub rows: u64,
    pub schema_version: i64,
}

pub(crate) const FORMAT: u32 = 1;

/// Every table the migrations create, in creation order.
pub(crate) fn tables() -> Vec<String> {
    let mut out = Vec::new();
    for m in crate::migrate::MIGRATIONS {
        for line in m.template.lines() {
            if let Some(rest) = line.trim().strip_prefix("CREATE TABLE ") {
                let name = rest.trim_start_matches("IF NOT EXISTS ");
                let name: String =
                    name.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                // Sync revisions are renewed on restore (`sync::after_restore`), not restored;
                // uploads waiting for confirmation are not the user's data yet.
                let skipped = ["sync_state", "staged_imports"];
                if !name.is_empty() && !out.contains(&name) && !skipped.contains(&name.as_str()) {
                    out.push(name);
                }
            }
        }
    }
    out
}

fn io(e: std::io::Error) -> StoreError {
    StoreError::Other(format!("cannot write the backup: {e}"))
}

fn cell(row: &AnyRow, i: usize) -> Result<Value> {
    let raw = row.try_get_raw(i)?;
    if raw.is_null() {
        return Ok(Value::Null);
    }
    let kind = raw.type_info().kind();
    Ok(match kind {
        AnyTypeInfoKind::Null => Value::Null,
        AnyTypeInfoKind::Bool => Value::from(i64::from(row.try_get::<bool, _>(i)?)),
        AnyTypeInfoKind::SmallInt | AnyTypeInfoKind::Integer | AnyTypeInfoKind::BigInt => {
            Value::from(row.try_get::<i64, _>(i)?)
        }
        AnyTypeInfoKind::Real | AnyTypeInfoKind::Double => {
            let f = row.try_get::<f64, _>(i)?;
            serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
        }
        AnyTypeInfoKind::Text => Value::from(row.try_get::<String, _>(i)?),
        AnyTypeInfoKind::Blob => {
            return Err(StoreError::Other(format!(
                "column {} holds binary data, which backups do not carry",
                row.column(i).name()
            )));
        }
    })
}

/// Writes every table to `out`. Runs inside the caller's transaction.
pub(crate) async fn write(
    conn: &mut AnyConnection,
    dialect: Dialect,
    out: &mut (dyn Write + Send),
    exported_at: chrono::DateTime<chrono::Utc>,
) -> Result<BackupSummary> {
    if dialect == Dialect::Postgres {
        // One snapshot for every table (the default gives each statement its own).
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").await?;
    }
    let schema_version: i64 =
        sqlx::query_scalar("SELECT MAX(version) FROM kith_schema").fetch_one(&mut *conn).await?;
    let header = Header {
        kith: "backup".into(),
        format: FORMAT,
        schema_version,
        backend: match dialect {
            Dialect::Sqlite => "sqlite".into(),
            Dialect::Postgres => "postgres".into(),
        },
        exported_at: exported_at.to_rfc3339(),
    };
    out.write_all(json_line(&header)?.as_bytes()).map_err(io)?;
    let mut summary = BackupSummary { schema_version, ..Default::default() };
    for table in tables() {
        let columns = column_names(conn, &table).await?;
        let head = TableHeader { table: table.clone(), columns: columns.clone() };
        out.write_all(json_line(&head)?.as_bytes()).map_err(io)?;
        let sql = format!("SELECT {} FROM {table} ORDER BY 1", columns.join(", "));
        let mut rows = sqlx::query(AssertSqlSafe(sql)).fetch(&mut *conn);
        let mut line = String::new();
        while let Some(row) = rows.try_next().await? {
            let values =
                (0..columns.len()).map(|i| cell(&row, i)).collect::<Result<Vec<Value>>>()?;
            line.clear();
            line.push_str(&json_line(&values)?);
            out.write_all(line.as_bytes()).map_err(io)?;
            summary.rows += 1;
        }
        summary.tables += 1;
    }
    out.write_all(
        json_line(&Trailer { end: true, tables: summary.tables, rows: summary.rows })?.as_bytes(),
    )
    .map_err(io)?;
    out.flush().map_err(io)?;
    Ok(summary)
}

/// One JSON line.
fn json_line<T: Serialize>(value: &T) -> Result<String> {
    let mut s = serde_json::to_string(value).map_err(|e| StoreError::Other(e.to_string()))?;
    s.push('\n');
    Ok(s)
}

/// The columns of a table and how to bind each, from the database itself.
async fn columns(conn: &mut AnyConnection, table: &str) -> Result<Vec<(String, AnyTypeInfoKind)>> {
    let sql = format!("SELECT * FROM {table} WHERE 1 = 0");
    let statement = conn.prepare(AssertSqlSafe(sql).into_sql_str()).await?;
    Ok(statement.columns().iter().map(|c| (c.name().to_string(), c.type_info().kind())).collect())
}

async fn column_names(conn: &mut AnyConnection, table: &str) -> Result<Vec<String>> {
    Ok(columns(conn, table).await?.into_iter().map(|(n, _)| n).collect())
}

/// Whether every table is empty (a restore target).
pub(crate) async fn is_empty(conn: &mut AnyConnection) -> Result<bool> {
    for table in tables() {
        let n: i64 = sqlx::query_scalar(AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
            .fetch_one(&mut *conn)
            .await?;
        if n > 0 {
            return Ok(false);
        }
    }
    Ok(true)
}

fn bad(line: u64, expected: &str) -> StoreError {
    StoreError::Invalid(kith_core::ValidationError::one(
        &format!("backup line {line}"),
        None,
        expected,
    ))
}

fn to_val(v: &Value, kind: AnyTypeInfoKind, line: u64, column: &str) -> Result<Val> {
    let is_int = matches!(
        kind,
        AnyTypeInfoKind::SmallInt
            | AnyTypeInfoKind::Integer
            | AnyTypeInfoKind::BigInt
            | AnyTypeInfoKind::Bool
    );
    let is_float = matches!(kind, AnyTypeInfoKind::Real | AnyTypeInfoKind::Double);
    Ok(match v {
        Value::Null if is_int => Val::OptInt(None),
        Value::Null if is_float => Val::OptFloat(None),
        Value::Null => Val::OptText(None),
        Value::Number(n) if is_float => Val::Float(n.as_f64().unwrap_or_default()),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Val::Int(i),
            None => Val::Float(n.as_f64().unwrap_or_default()),
        },
        Value::String(s) if !is_int && !is_float => Val::Text(s.clone()),
        _ => return Err(bad(line, &format!("a {kind:?} value for column {column}"))),
    })
}

/// The schema version from which backups hold the search index as it is stored now
/// (migration 11 numbered the documents). An older backup's index is rebuilt instead.
const NUMBERED_INDEX_SINCE: i64 = 11;

/// The search index tables whose rows an older backup holds in another shape.
const REBUILT_FROM_OLDER: [&str; 2] = ["search_postings", "search_documents"];

/// Restores a backup into the (empty) database. Runs inside the caller's transaction.
pub(crate) async fn read(
    conn: &mut AnyConnection,
    input: &mut (dyn BufRead + Send),
) -> Result<BackupSummary> {
    let mut lines = input.lines();
    let mut n = 0u64;
    let mut next = |n: &mut u64| -> Result<Option<String>> {
        *n += 1;
        lines
            .next()
            .transpose()
            .map_err(|e| StoreError::Other(format!("cannot read the backup: {e}")))
    };
    let first = next(&mut n)?.ok_or_else(|| bad(1, "a Kith backup header; the file is empty"))?;
    let header: Header = serde_json::from_str(first.trim_start_matches('\u{feff}'))
        .map_err(|_| bad(1, "a Kith backup header ({\"kith\":\"backup\",...})"))?;
    if header.kith != "backup" || header.format != FORMAT {
        return Err(bad(1, &format!("a Kith backup in format {FORMAT}")));
    }
    let current = crate::migrate::latest_version();
    if header.schema_version > current {
        return Err(StoreError::SchemaTooNew { found: header.schema_version, supported: current });
    }
    let known = tables();
    // The target is empty: build every secondary index once, at the end.
    let names: Vec<&str> = known.iter().map(String::as_str).collect();
    let rebuild = super::util::drop_indexes(conn, &names).await?;
    let mut summary = BackupSummary { schema_version: header.schema_version, ..Default::default() };
    let mut table: Option<(String, Vec<(String, AnyTypeInfoKind)>)> = None;
    let mut batch: Vec<Vec<Val>> = Vec::new();
    let mut done = false;
    let rebuilt: &[&str] =
        if header.schema_version < NUMBERED_INDEX_SINCE { &REBUILT_FROM_OLDER } else { &[] };
    while let Some(line) = next(&mut n)? {
        if line.trim().is_empty() {
            continue;
        }
        if done {
            return Err(bad(n, "nothing after the end line"));
        }
        if line.starts_with('[') {
            let Some((name, cols)) = &table else {
                return Err(bad(n, "a table line before the first row"));
            };
            let values: Vec<Value> = serde_json::from_str(&line)
                .map_err(|e| bad(n, &format!("a row as a JSON array ({e})")))?;
            summary.rows += 1;
            if rebuilt.contains(&name.as_str()) {
                continue;
            }
            if values.len() != cols.len() {
                return Err(bad(n, &format!("{} values for table {name}", cols.len())));
            }
            let row = values
                .iter()
                .zip(cols)
                .map(|(v, (c, k))| to_val(v, *k, n, c))
                .collect::<Result<Vec<Val>>>()?;
            batch.push(row);
            if batch.len() >= 500 {
                flush(conn, &table, &mut batch).await?;
            }
            continue;
        }
        flush(conn, &table, &mut batch).await?;
        let v: Value =
            serde_json::from_str(&line).map_err(|e| bad(n, &format!("a JSON line ({e})")))?;
        if v.get("end").is_some() {
            let t: Trailer = serde_json::from_value(v).map_err(|_| bad(n, "the end line"))?;
            if t.rows != summary.rows {
                return Err(bad(
                    n,
                    &format!("{} rows as the end line says, found {}", t.rows, summary.rows),
                ));
            }
            done = true;
            continue;
        }
        let h: TableHeader = serde_json::from_value(v)
            .map_err(|_| bad(n, "a table line ({\"table\":...,\"columns\":[...]})"))?;
        if !known.contains(&h.table) {
            return Err(bad(n, &format!("one of Kith's tables, not {:?}", h.table)));
        }
        let target = columns(conn, &h.table).await?;
        let mut cols = Vec::with_capacity(h.columns.len());
        for c in h.columns.iter().filter(|_| !rebuilt.contains(&h.table.as_str())) {
            let kind =
                target.iter().find(|(name, _)| name == c).map(|(_, k)| *k).ok_or_else(|| {
                    bad(n, &format!("columns that table {} has; {c:?} is unknown", h.table))
                })?;
            cols.push((c.clone(), kind));
        }
        summary.tables += 1;
        table = Some((h.table, cols));
    }
    flush(conn, &table, &mut batch).await?;
    if !done {
        return Err(bad(n, "the end line; the backup is truncated and nothing was restored"));
    }
    super::util::restore_indexes(conn, rebuild).await?;
    if !rebuilt.is_empty() {
        super::contacts::reindex_all(conn).await?;
    }
    Ok(summary)
}

async fn flush(
    conn: &mut AnyConnection,
    table: &Option<(String, Vec<(String, AnyTypeInfoKind)>)>,
    batch: &mut Vec<Vec<Val>>,
) -> Result<()> {
    let Some((name, cols)) = table else { return Ok(()) };
    if batch.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = cols.iter().map(|(c, _)| c.as_str()).collect();
    insert_rows(
        conn,
        &format!("INSERT INTO {name} ({})", names.join(", ")),
        cols.len(),
        std::mem::take(batch),
        "",
    )
    .await?;
    Ok(())
}

/// Deletes every row of every table (newest tables first), for `restore --replace`.
pub(crate) async fn clear(conn: &mut AnyConnection) -> Result<()> {
    for table in tables().iter().rev() {
        conn.execute(AssertSqlSafe(format!("DELETE FROM {table}"))).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn tables_come_from_the_migrations_in_order() {
        let t = super::tables();
        assert_eq!(t.first().map(String::as_str), Some("trash"));
        let pos = |n: &str| t.iter().position(|x| x == n);
        assert!(pos("contacts") < pos("contact_emails"));
        assert!(pos("merges").is_some());
    }
}
