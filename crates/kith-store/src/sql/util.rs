//! Conversions and query helpers shared by the SQL store.

use crate::Result;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AssertSqlSafe, Row};

/// Microseconds since the epoch.
pub fn micros(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

/// The time for stored microseconds.
pub fn from_micros(m: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(m).unwrap_or_default()
}

/// `YYYY-MM-DD` text for a date.
pub fn date_text(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

/// The date for stored text (unparseable text reads as no date).
pub fn parse_date(s: Option<String>) -> Option<NaiveDate> {
    s.and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok())
}

/// `n` placeholders numbered from `start`: `$start, $start+1, ...` on PostgreSQL, plain `?` on
/// SQLite. (SQLite looks numbered parameters up by name in a linear list, which makes binding
/// thousands of them quadratic; anonymous `?` parameters avoid that.) Statements that use this
/// must not mix in numbered placeholders.
pub fn placeholders(conn: &AnyConnection, start: usize, n: usize) -> String {
    if conn.backend_name() == "SQLite" {
        vec!["?"; n].join(", ")
    } else {
        (start..start + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
    }
}

/// A value bound to a query.
#[derive(Clone, Debug)]
pub enum Val {
    Text(String),
    OptText(Option<String>),
    Int(i64),
    OptInt(Option<i64>),
    Float(f64),
    OptFloat(Option<f64>),
    /// Raw bytes (bound as a single parameter; never sent through the JSON bulk path).
    Bytes(Vec<u8>),
}

impl From<String> for Val {
    fn from(v: String) -> Self {
        Val::Text(v)
    }
}
impl From<&str> for Val {
    fn from(v: &str) -> Self {
        Val::Text(v.to_string())
    }
}
impl From<Option<String>> for Val {
    fn from(v: Option<String>) -> Self {
        Val::OptText(v)
    }
}
impl From<i64> for Val {
    fn from(v: i64) -> Self {
        Val::Int(v)
    }
}
impl From<Option<i64>> for Val {
    fn from(v: Option<i64>) -> Self {
        Val::OptInt(v)
    }
}

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>;

/// Binds values in order.
pub fn bind_all(mut q: AnyQuery<'_>, vals: Vec<Val>) -> AnyQuery<'_> {
    for v in vals {
        q = match v {
            Val::Text(s) => q.bind(s),
            Val::OptText(s) => q.bind(s),
            Val::Int(i) => q.bind(i),
            Val::OptInt(i) => q.bind(i),
            Val::Float(f) => q.bind(f),
            Val::OptFloat(f) => q.bind(f),
            Val::Bytes(b) => q.bind(b),
        };
    }
    q
}

/// Runs a query with dynamic SQL (placeholders only; values are always bound).
pub async fn exec(conn: &mut AnyConnection, sql: String, vals: Vec<Val>) -> Result<u64> {
    let q = bind_all(sqlx::query(AssertSqlSafe(sql)), vals);
    Ok(q.execute(&mut *conn).await?.rows_affected())
}

/// Fetches rows for dynamic SQL.
pub async fn fetch(conn: &mut AnyConnection, sql: String, vals: Vec<Val>) -> Result<Vec<AnyRow>> {
    let q = bind_all(sqlx::query(AssertSqlSafe(sql)), vals);
    Ok(q.fetch_all(&mut *conn).await?)
}

/// The first column of every row, as text.
pub async fn texts(conn: &mut AnyConnection, sql: &str, vals: Vec<Val>) -> Result<Vec<String>> {
    fetch(conn, sql.into(), vals).await?.iter().map(|r| Ok(r.try_get::<String, _>(0)?)).collect()
}

/// Runs `inner` (a `SELECT` whose output columns are named `cols`) and returns its rows as
/// tuples, packed by the database into one JSON text. Thousands of rows then cross the driver
/// as one: through sqlx's `Any` driver each row costs several microseconds (a hand-off between
/// threads and a conversion of every column), parsing its JSON a fraction of one. Row order is
/// not kept.
pub async fn fetch_packed<T: serde::de::DeserializeOwned>(
    conn: &mut AnyConnection,
    inner: &str,
    cols: &[&str],
    vals: Vec<Val>,
) -> Result<Vec<T>> {
    let sql = format!("SELECT {} AS packed FROM ({inner}) q", packed(conn, &qualified("q", cols)));
    match fetch(conn, sql, vals).await?.first() {
        Some(row) => json_col(row, "packed"),
        None => Ok(Vec::new()),
    }
}

/// The aggregate that packs rows of the expressions `row` into one JSON text (an array of
/// arrays; `[]` for none).
fn packed(conn: &AnyConnection, row: &str) -> String {
    if conn.backend_name() == "SQLite" {
        format!("json_group_array(json_array({row}))")
    } else {
        format!("COALESCE(json_agg(json_build_array({row})), '[]')::text")
    }
}

/// `t.a, t.b, ...` for columns `cols` of table (or subquery) `t`.
pub fn qualified(t: &str, cols: &[&str]) -> String {
    cols.iter().map(|c| format!("{t}.{c}")).collect::<Vec<_>>().join(", ")
}

/// Rows per query for [`for_each_chunk`]. Test builds (the `testing` feature) read two at a
/// time, so that small test databases cross chunk boundaries.
pub const CHUNK: i64 = if cfg!(feature = "testing") { 2 } else { 10_000 };

/// [`fetch_packed`] for results too large to hold as one text: [`CHUNK`] rows at a time, each
/// chunk starting where the last one stopped along a unique key, and handed to `each` before
/// the next is read. Only one chunk's JSON is held at once.
///
/// `row` lists the expressions of a row (deserialized as `T`); `key` is the key expression
/// (its `MAX` over a chunk is where the next starts); `from` is the `FROM` clause, which must
/// keep only keys above the parameter numbered `vals.len() + 1` and at most [`CHUNK`] keys in
/// key order, e.g. `(SELECT ... WHERE c.id > $1 ORDER BY c.id LIMIT {CHUNK}) q`. It may
/// repeat a key (a `LEFT JOIN` to a key's rows elsewhere) but must give every key at least
/// one row: a chunk of fewer than [`CHUNK`] rows is taken to be the last. The database
/// compares the keys (PostgreSQL's collation and Rust's order may differ).
pub async fn for_each_chunk<T: serde::de::DeserializeOwned>(
    conn: &mut AnyConnection,
    row: &str,
    key: &str,
    from: &str,
    vals: Vec<Val>,
    mut each: impl FnMut(Vec<T>) -> Result<()>,
) -> Result<()> {
    let sql = format!(
        "SELECT {} AS packed, MAX({key}) AS last, COUNT(*) AS n FROM {from}",
        packed(conn, row)
    );
    let mut after = String::new();
    loop {
        let mut bound = vals.clone();
        bound.push(after.into());
        let rows = fetch(conn, sql.clone(), bound).await?;
        let Some(row) = rows.first() else { return Ok(()) };
        each(json_col(row, "packed")?)?;
        match opt_text(row, "last")? {
            Some(last) if int(row, "n")? >= CHUNK => after = last,
            _ => return Ok(()),
        }
    }
}

/// A `REAL` column as text that parses back to the same `f64` (for [`fetch_packed`]: SQLite's
/// JSON keeps 15 significant digits, `printf('%.17g')` keeps them all; PostgreSQL's text form
/// of a double is already exact).
pub fn real_text(conn: &AnyConnection, col: &str) -> String {
    if conn.backend_name() == "SQLite" {
        format!("CASE WHEN {col} IS NULL THEN NULL ELSE printf('%.17g', {col}) END")
    } else {
        format!("({col})::text")
    }
}

/// The widest rows that travel as JSON on SQLite. Each `value->>i` walks the row's binary
/// JSON from its start, but even at 16 columns (a contact) that is cheaper than binding every
/// value through the driver: 100k contacts with their jobs import ~0.5 s faster than with
/// bound parameters, and 30k LinkedIn rows ~0.14 s (paired runs).
const JSON_MAX_COLUMNS: usize = 16;

/// Most bound parameters per statement (below SQLite's 32766 and PostgreSQL's 65535).
const MAX_PARAMS: usize = 30_000;

/// Inserts rows. `head` is `INSERT INTO t (a, b)`, `tail` is appended (e.g. `ON CONFLICT DO
/// NOTHING`). Every row must have `ncols` values.
///
/// On SQLite, rows of up to [`JSON_MAX_COLUMNS`] columns travel as one JSON text per 20,000
/// rows, expanded by `jsonb_each`: one bound parameter instead of one per value (binding each
/// value through the driver costs ~1 µs). `jsonb_each` hands each row's array to `->>` in
/// SQLite's binary JSON, parsed once; `json_each` turned it back into text, parsed again for
/// each row. Wider rows, rows with bytes, and PostgreSQL use multi-row `VALUES`.
pub async fn insert_rows(
    conn: &mut AnyConnection,
    head: &str,
    ncols: usize,
    rows: Vec<Vec<Val>>,
    tail: &str,
) -> Result<u64> {
    insert_rows_with(conn, head, ncols, rows, Vec::new(), tail).await
}

/// [`insert_rows`] with values every row shares (`head` names the rows' columns first, then
/// the shared ones): bound once, so a row of 5 own values and a shared time still travels as
/// JSON on SQLite.
pub async fn insert_rows_with(
    conn: &mut AnyConnection,
    head: &str,
    ncols: usize,
    rows: Vec<Vec<Val>>,
    shared: Vec<Val>,
    tail: &str,
) -> Result<u64> {
    let has_bytes = || rows.iter().flatten().any(|v| matches!(v, Val::Bytes(_)));
    if conn.backend_name() == "SQLite"
        && rows.len() > 1
        && ncols <= JSON_MAX_COLUMNS
        && !has_bytes()
    {
        return insert_rows_json(conn, head, ncols, rows, shared, tail).await;
    }
    let width = ncols + shared.len();
    let per = (MAX_PARAMS / width).clamp(1, 1000);
    let mut affected = 0;
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Vec<Val>> = rows.by_ref().take(per).collect();
        let values = (0..chunk.len())
            .map(|r| format!("({})", placeholders(conn, r * width + 1, width)))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!("{head} VALUES {values} {tail}");
        let vals = chunk
            .into_iter()
            .flat_map(|row| row.into_iter().chain(shared.iter().cloned()))
            .collect();
        affected += exec(conn, sql, vals).await?;
    }
    Ok(affected)
}

/// Appends a value as JSON.
fn push_json(out: &mut String, v: &Val) {
    use std::fmt::Write as _;
    match v {
        Val::Text(s) | Val::OptText(Some(s)) => push_json_string(out, s),
        Val::Int(i) | Val::OptInt(Some(i)) => {
            let _ = write!(out, "{i}");
        }
        Val::Float(f) | Val::OptFloat(Some(f)) if f.is_finite() => {
            // `{:?}` keeps a decimal point, so SQLite reads a REAL back.
            let _ = write!(out, "{f:?}");
        }
        _ => out.push_str("null"),
    }
}

/// Appends a string as a JSON string literal.
pub fn push_json_string(out: &mut String, s: &str) {
    use std::fmt::Write as _;
    out.push('"');
    if !s.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20) {
        out.push_str(s);
        out.push('"');
        return;
    }
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

async fn insert_rows_json(
    conn: &mut AnyConnection,
    head: &str,
    ncols: usize,
    rows: Vec<Vec<Val>>,
    shared: Vec<Val>,
    tail: &str,
) -> Result<u64> {
    let cols = (0..ncols)
        .map(|i| format!("value->>{i}"))
        .chain((1..=shared.len()).map(|i| format!("${i}")))
        .collect::<Vec<_>>()
        .join(", ");
    let json_param = shared.len() + 1;
    // `WHERE true` keeps SQLite from reading an upsert's ON as a join constraint.
    let sql = format!("{head} SELECT {cols} FROM jsonb_each(${json_param}) WHERE true {tail}");
    let mut affected = 0;
    for chunk in rows.chunks(20_000) {
        let mut json = String::with_capacity(chunk.len() * ncols * 24);
        json.push('[');
        for (r, row) in chunk.iter().enumerate() {
            if r > 0 {
                json.push(',');
            }
            json.push('[');
            for (i, v) in row.iter().enumerate() {
                if i > 0 {
                    json.push(',');
                }
                push_json(&mut json, v);
            }
            json.push(']');
        }
        json.push(']');
        let mut vals = shared.clone();
        vals.push(Val::Text(json));
        affected += exec(conn, sql.clone(), vals).await?;
    }
    Ok(affected)
}

/// Fetches rows `WHERE col IN (...)` for many keys, in chunks. `sql` contains `{IN}` where
/// the placeholder list goes and no other placeholders.
pub async fn fetch_in(conn: &mut AnyConnection, sql: &str, keys: &[String]) -> Result<Vec<AnyRow>> {
    let mut out = Vec::new();
    for chunk in keys.chunks(1000) {
        let q = sql.replace("{IN}", &placeholders(conn, 1, chunk.len()));
        out.extend(fetch(conn, q, chunk.iter().map(|k| Val::Text(k.clone())).collect()).await?);
    }
    Ok(out)
}

/// A result row of either driver: sqlx's [`AnyRow`], or a rusqlite row on the SQLite point-read
/// path (see `point.rs`). Decoding written against it serves both.
pub trait RowRead {
    /// A nullable text column.
    fn get_text(&self, col: &str) -> Result<Option<String>>;
    /// A nullable integer column.
    fn get_int(&self, col: &str) -> Result<Option<i64>>;
}

impl RowRead for AnyRow {
    fn get_text(&self, col: &str) -> Result<Option<String>> {
        Ok(self.try_get::<Option<String>, _>(col)?)
    }

    fn get_int(&self, col: &str) -> Result<Option<i64>> {
        Ok(self.try_get::<Option<i64>, _>(col)?)
    }
}

impl RowRead for rusqlite::Row<'_> {
    fn get_text(&self, col: &str) -> Result<Option<String>> {
        Ok(self.get::<_, Option<String>>(col)?)
    }

    fn get_int(&self, col: &str) -> Result<Option<i64>> {
        Ok(self.get::<_, Option<i64>>(col)?)
    }
}

fn required<T>(value: Option<T>, col: &str) -> Result<T> {
    value.ok_or_else(|| crate::StoreError::Other(format!("{col} is NULL in the database")))
}

/// Reads a text column.
pub fn text(row: &impl RowRead, col: &str) -> Result<String> {
    required(row.get_text(col)?, col)
}

/// Reads a nullable text column.
pub fn opt_text(row: &impl RowRead, col: &str) -> Result<Option<String>> {
    row.get_text(col)
}

/// Reads an integer column.
pub fn int(row: &impl RowRead, col: &str) -> Result<i64> {
    required(row.get_int(col)?, col)
}

/// Reads a nullable integer column.
pub fn opt_int(row: &impl RowRead, col: &str) -> Result<Option<i64>> {
    row.get_int(col)
}

/// Parses a stored UUID.
pub fn uuid(row: &impl RowRead, col: &str) -> Result<uuid::Uuid> {
    parse_id(&text(row, col)?)
}

/// A correlated subquery giving the rows of `from` (a table and a `WHERE` tying it to the outer
/// row) as a JSON array of arrays of `cols`, in `order`; `[]` when there are none. Read it with
/// [`json_col`].
pub fn json_rows(sqlite: bool, cols: &str, from: &str, order: &str) -> String {
    if sqlite {
        format!("(SELECT json_group_array(json_array({cols}) ORDER BY {order}) FROM {from})")
    } else {
        format!(
            "(SELECT COALESCE(json_agg(json_build_array({cols}) ORDER BY {order}), '[]')::text FROM {from})"
        )
    }
}

/// Reads a [`json_rows`] column into tuples (one per row, fields in column order).
pub fn json_col<T: serde::de::DeserializeOwned>(row: &impl RowRead, col: &str) -> Result<Vec<T>> {
    let raw = opt_text(row, col)?.unwrap_or_default();
    if raw.is_empty() {
        return Ok(Vec::new());
    }
    serde_json::from_str(&raw)
        .map_err(|e| crate::StoreError::Other(format!("bad {col} list from the database: {e}")))
}

/// Parses a stored id.
pub fn parse_id(s: &str) -> Result<uuid::Uuid> {
    uuid::Uuid::parse_str(s).map_err(|e| crate::StoreError::Other(format!("bad id {s:?}: {e}")))
}

/// The `[lo, hi)` key range of an id prefix typed by a user (4+ hex digits, hyphens allowed),
/// or `None` when the text cannot be an id prefix.
pub fn id_prefix_range(reference: &str) -> Option<(String, String)> {
    let r = reference.trim().to_lowercase();
    let hex = r.chars().filter(|c| *c != '-').count();
    if hex < 4 || !r.chars().all(|c| c.is_ascii_hexdigit() || c == '-') || r.len() > 36 {
        return None;
    }
    // Re-insert hyphens at the canonical positions so `3f2a1b2c3d` matches `3f2a1b2c-3d..`.
    let digits: String = r.chars().filter(|c| *c != '-').collect();
    let mut canon = String::new();
    for (i, c) in digits.chars().enumerate() {
        if [8, 12, 16, 20].contains(&i) {
            canon.push('-');
        }
        canon.push(c);
    }
    let hi = kith_core::text::prefix_upper_bound(&canon);
    Some((canon, hi))
}

/// A new random id (UUID v4). Not time-ordered (v7): users name records by the first 8 hex
/// digits of their id, which must differ between records made in the same millisecond.
pub fn new_id() -> uuid::Uuid {
    uuid::Uuid::new_v4()
}

/// Ids of live rows of `table` whose id starts with the user's prefix (at most 20).
pub async fn live_ids_by_prefix(
    conn: &mut AnyConnection,
    table: &'static str,
    reference: &str,
) -> Result<Vec<String>> {
    let Some((lo, hi)) = id_prefix_range(reference) else { return Ok(vec![]) };
    fetch(
        conn,
        format!("SELECT id FROM {table} WHERE trash_id IS NULL AND id >= $1 AND id < $2 ORDER BY id LIMIT 20"),
        vec![lo.into(), hi.into()],
    )
    .await?
    .iter()
    .map(|r| text(r, "id"))
    .collect()
}

fn text_at(row: &[Val], i: usize) -> &str {
    match row.get(i) {
        Some(Val::Text(s)) => s.as_str(),
        _ => "",
    }
}

/// The first two text values of a row: sorting rows by it puts them in primary-key order for
/// two-column text keys, so a batch visits each B-tree page once instead of at random.
pub fn key2(row: &[Val]) -> (&str, &str) {
    (text_at(row, 0), text_at(row, 1))
}

/// One page of ids: `SELECT COUNT(*) {from}` for the total, then `SELECT {id_col} {from}
/// ORDER BY {order} LIMIT .. OFFSET ..`. `from` is the FROM/WHERE part using `$1..$n` for `vals`.
pub async fn page_ids(
    conn: &mut AnyConnection,
    id_col: &str,
    from: &str,
    order: &str,
    mut vals: Vec<Val>,
    limit: Option<u64>,
    offset: u64,
) -> Result<(u64, Vec<String>)> {
    let total_rows = fetch(conn, format!("SELECT COUNT(*) AS n {from}"), vals.clone()).await?;
    let total = total_rows.first().map(|r| int(r, "n")).transpose()?.unwrap_or(0) as u64;
    let n = vals.len();
    vals.push((limit.unwrap_or(i64::MAX as u64).min(i64::MAX as u64) as i64).into());
    vals.push((offset.min(i64::MAX as u64) as i64).into());
    let ids = fetch(
        conn,
        format!("SELECT {id_col} AS id {from} ORDER BY {order} LIMIT ${} OFFSET ${}", n + 1, n + 2),
        vals,
    )
    .await?
    .iter()
    .map(|r| text(r, "id"))
    .collect::<Result<_>>()?;
    Ok((total, ids))
}

/// Ids of live rows a user's reference may mean, trying in turn: an id prefix, the exact
/// folded name (`key_col`, e.g. `name_key`), a name prefix. The first attempt that finds
/// something wins.
pub async fn ids_by_reference(
    conn: &mut AnyConnection,
    table: &'static str,
    key_col: &'static str,
    reference: &str,
) -> Result<Vec<String>> {
    let r = reference.trim();
    if r.is_empty() {
        return Ok(vec![]);
    }
    let by_id = live_ids_by_prefix(conn, table, r).await?;
    if !by_id.is_empty() {
        return Ok(by_id);
    }
    let key = kith_core::text::fold(r);
    if key.is_empty() {
        return Ok(vec![]);
    }
    let live = format!("SELECT id FROM {table} WHERE trash_id IS NULL AND");
    for (sql, vals) in [
        (format!("{live} {key_col} = $1 ORDER BY id LIMIT 20"), vec![Val::from(key.clone())]),
        (
            format!("{live} {key_col} >= $1 AND {key_col} < $2 ORDER BY {key_col}, id LIMIT 20"),
            vec![key.clone().into(), kith_core::text::prefix_upper_bound(&key).into()],
        ),
    ] {
        let ids: Vec<String> =
            fetch(conn, sql, vals).await?.iter().map(|r| text(r, "id")).collect::<Result<_>>()?;
        if !ids.is_empty() {
            return Ok(ids);
        }
    }
    Ok(vec![])
}

/// The start of a day (UTC) in stored microseconds.
pub fn day_start(d: NaiveDate) -> i64 {
    micros(d.and_time(chrono::NaiveTime::MIN).and_utc())
}

/// Reads a stored `YYYY-MM-DD` column, failing on anything else.
pub fn date_col(row: &AnyRow, col: &str) -> Result<NaiveDate> {
    let s = text(row, col)?;
    NaiveDate::parse_from_str(&s, "%Y-%m-%d")
        .map_err(|_| crate::StoreError::Other(format!("bad date {s:?} in column {col}")))
}

/// Reads a stored word column into its enum (`parse` is the enum's parser).
pub fn word_col<T>(row: &AnyRow, col: &str, parse: fn(&str) -> Option<T>) -> Result<T> {
    let s = text(row, col)?;
    parse(&s).ok_or_else(|| crate::StoreError::Other(format!("unknown {col} {s:?}")))
}

/// Reads a nullable floating-point column.
pub fn opt_float(row: &AnyRow, col: &str) -> Result<Option<f64>> {
    Ok(row.try_get::<Option<f64>, _>(col)?)
}

/// A contact as a participant, from an `id` and a `display_name` column of a row.
pub fn participant(row: &AnyRow) -> Result<kith_core::Participant> {
    Ok(kith_core::Participant {
        contact_id: kith_core::ContactId(uuid(row, "id")?),
        display_name: text(row, "display_name")?,
    })
}

/// The non-unique secondary indexes the migrations create on `tables`: (name, CREATE
/// statement). Unique indexes are left out: they enforce rules and stay in place.
pub fn secondary_indexes(tables: &[&str]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for m in crate::migrate::MIGRATIONS {
        for line in m.template.lines() {
            let line = line.trim();
            // A later migration may drop an index for good.
            if let Some(name) = line.strip_prefix("DROP INDEX ") {
                let name = name.trim_end_matches(';').trim();
                out.retain(|(n, _)| n != name);
                continue;
            }
            let Some(rest) = line.strip_prefix("CREATE INDEX ") else { continue };
            let mut parts = rest.split_whitespace();
            let (Some(name), Some("ON"), Some(target)) = (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            let table = target.split('(').next().unwrap_or_default();
            // A later migration may build an index again (after rebuilding its table).
            if tables.contains(&table) && !out.iter().any(|(n, _)| n == name) {
                out.push((name.to_string(), line.trim_end_matches(';').to_string()));
            }
        }
    }
    out
}

/// For a bulk write that at least doubles `tables`: drops their secondary indexes (inside the
/// caller's transaction) and returns what [`restore_indexes`] needs to build them again.
/// Building an index once from sorted data is several times faster than updating it row by
/// row; an index with random keys (UUIDs) is the slow case.
pub async fn drop_indexes(conn: &mut AnyConnection, tables: &[&str]) -> Result<Vec<String>> {
    let mut recreate = Vec::new();
    for (name, create) in secondary_indexes(tables) {
        exec(conn, format!("DROP INDEX {name}"), vec![]).await?;
        recreate.push(create);
    }
    Ok(recreate)
}

/// Builds the indexes [`drop_indexes`] dropped.
pub async fn restore_indexes(conn: &mut AnyConnection, creates: Vec<String>) -> Result<()> {
    for sql in creates {
        exec(conn, sql, vec![]).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn secondary_indexes_follow_the_migrations() {
        let names = |t: &[&str]| -> Vec<String> {
            super::secondary_indexes(t).into_iter().map(|(n, _)| n).collect()
        };
        // Built by migration 1, dropped and built again by 8, dropped for good by 10.
        assert!(names(&["search_postings"]).is_empty());
        let contacts = names(&["contacts"]);
        assert!(contacts.contains(&"contacts_name".to_string()), "{contacts:?}");
        assert!(!contacts.iter().any(|n| n.starts_with("search_")));
    }
}
