//! The reciprocity ledger.

use super::util::*;
use crate::{LedgerQuery, Page, Result, StoreError};
use kith_core::LedgerEntryId;
use kith_core::ledger::{LedgerDirection, LedgerEntry, LedgerKind, LedgerStatus, ValidLedgerInput};
use sqlx::AnyConnection;
use std::collections::HashMap;

const COLS: &str = "e.id, e.kind, e.direction, e.status, e.occurred_on, e.summary, e.notes, e.created_at, e.updated_at";

/// Saves a ledger record (input validated) after checking its contacts are live.
pub(crate) async fn insert(
    conn: &mut AnyConnection,
    input: &ValidLedgerInput,
    now: i64,
) -> Result<LedgerEntryId> {
    let keys: Vec<String> = input.participants.iter().map(ToString::to_string).collect();
    let live: Vec<String> =
        fetch_in(conn, "SELECT id FROM contacts WHERE trash_id IS NULL AND id IN ({IN})", &keys)
            .await?
            .iter()
            .map(|r| text(r, "id"))
            .collect::<Result<_>>()?;
    if let Some(missing) = keys.iter().find(|k| !live.contains(k)) {
        return Err(StoreError::not_found("contact", missing.clone()));
    }
    let id = LedgerEntryId(new_id());
    exec(
        conn,
        "INSERT INTO ledger_entries (id, kind, direction, status, occurred_on, summary, notes, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
            .into(),
        vec![
            id.to_string().into(),
            input.kind.as_str().into(),
            input.direction.as_str().into(),
            input.status.as_str().into(),
            input.on.to_string().into(),
            input.summary.clone().into(),
            input.notes.clone().into(),
            now.into(),
            now.into(),
        ],
    )
    .await?;
    let rows = keys.into_iter().map(|k| vec![Val::Text(id.to_string()), Val::Text(k)]).collect();
    insert_rows(conn, "INSERT INTO ledger_participants (entry_id, contact_id)", 2, rows, "")
        .await?;
    Ok(id)
}

/// Changes a record's status (checked against its kind).
pub(crate) async fn set_status(
    conn: &mut AnyConnection,
    id: LedgerEntryId,
    status: LedgerStatus,
    now: i64,
) -> Result<()> {
    let e = load(conn, &[id.to_string()])
        .await?
        .pop()
        .ok_or_else(|| StoreError::not_found("ledger record", id.to_string()))?;
    kith_core::ledger::check_status(e.kind, status)?;
    exec(
        conn,
        "UPDATE ledger_entries SET status = $1, updated_at = $2 WHERE id = $3".into(),
        vec![status.as_str().into(), now.into(), id.to_string().into()],
    )
    .await?;
    Ok(())
}

/// Loads live records by id, in the order given, with their live participants.
pub(crate) async fn load(conn: &mut AnyConnection, ids: &[String]) -> Result<Vec<LedgerEntry>> {
    let mut by_id: HashMap<String, LedgerEntry> = HashMap::new();
    for r in fetch_in(
        conn,
        &format!(
            "SELECT {COLS} FROM ledger_entries e WHERE e.trash_id IS NULL AND e.id IN ({{IN}})"
        ),
        ids,
    )
    .await?
    {
        let bad = |what: &str, v: String| StoreError::Other(format!("unknown ledger {what} {v:?}"));
        let kind = text(&r, "kind")?;
        let direction = text(&r, "direction")?;
        let status = text(&r, "status")?;
        let e = LedgerEntry {
            id: LedgerEntryId(uuid(&r, "id")?),
            kind: LedgerKind::parse(&kind).ok_or_else(|| bad("kind", kind.clone()))?,
            direction: LedgerDirection::parse(&direction)
                .ok_or_else(|| bad("direction", direction.clone()))?,
            status: LedgerStatus::parse(&status).ok_or_else(|| bad("status", status.clone()))?,
            on: parse_date(Some(text(&r, "occurred_on")?)).unwrap_or_default(),
            participants: vec![],
            summary: text(&r, "summary")?,
            notes: text(&r, "notes")?,
            created_at: from_micros(int(&r, "created_at")?),
            updated_at: from_micros(int(&r, "updated_at")?),
        };
        by_id.insert(e.id.to_string(), e);
    }
    let keys: Vec<String> = by_id.keys().cloned().collect();
    for r in fetch_in(
        conn,
        "SELECT p.entry_id, c.id, c.display_name FROM ledger_participants p JOIN contacts c ON c.id = p.contact_id \
         AND c.trash_id IS NULL WHERE p.entry_id IN ({IN}) ORDER BY p.entry_id, c.name_key, c.id",
        &keys,
    )
    .await?
    {
        if let Some(e) = by_id.get_mut(&text(&r, "entry_id")?) {
            e.participants.push(participant(&r)?);
        }
    }
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

/// Every live record of each contact, oldest first.
pub(crate) async fn entries_for_contacts(
    conn: &mut AnyConnection,
    contacts: &[String],
) -> Result<HashMap<String, Vec<LedgerEntry>>> {
    let rows = fetch_in(
        conn,
        "SELECT p.contact_id, p.entry_id FROM ledger_participants p JOIN ledger_entries e ON e.id = p.entry_id \
         WHERE e.trash_id IS NULL AND p.contact_id IN ({IN})",
        contacts,
    )
    .await?;
    let mut pairs = Vec::with_capacity(rows.len());
    for r in &rows {
        pairs.push((text(r, "contact_id")?, text(r, "entry_id")?));
    }
    let mut entry_ids: Vec<String> = pairs.iter().map(|(_, e)| e.clone()).collect();
    entry_ids.sort();
    entry_ids.dedup();
    let entries: HashMap<String, LedgerEntry> =
        load(conn, &entry_ids).await?.into_iter().map(|e| (e.id.to_string(), e)).collect();
    let mut out: HashMap<String, Vec<LedgerEntry>> = HashMap::new();
    for (c, e) in pairs {
        if let Some(entry) = entries.get(&e) {
            out.entry(c).or_default().push(entry.clone());
        }
    }
    for v in out.values_mut() {
        v.sort_by(|a, b| a.on.cmp(&b.on).then(a.id.cmp(&b.id)));
    }
    Ok(out)
}

/// A filtered page of records, newest first.
pub(crate) async fn list(conn: &mut AnyConnection, q: &LedgerQuery) -> Result<Page<LedgerEntry>> {
    let mut wheres = vec!["e.trash_id IS NULL".to_string()];
    let mut vals: Vec<Val> = vec![];
    if let Some(c) = q.contact {
        vals.push(c.to_string().into());
        wheres.push(format!("EXISTS (SELECT 1 FROM ledger_participants p WHERE p.entry_id = e.id AND p.contact_id = ${})", vals.len()));
    }
    if let Some(k) = q.kind {
        vals.push(k.as_str().into());
        wheres.push(format!("e.kind = ${}", vals.len()));
    }
    if let Some(d) = q.direction {
        vals.push(d.as_str().into());
        wheres.push(format!("e.direction = ${}", vals.len()));
    }
    if let Some(s) = q.status {
        vals.push(s.as_str().into());
        wheres.push(format!("e.status = ${}", vals.len()));
    }
    if let Some(since) = q.since {
        vals.push(since.to_string().into());
        wheres.push(format!("e.occurred_on >= ${}", vals.len()));
    }
    let filter = format!("FROM ledger_entries e WHERE {}", wheres.join(" AND "));
    let order = "e.occurred_on DESC, e.created_at DESC, e.id";
    let (total, ids) = page_ids(conn, "e.id", &filter, order, vals, q.limit, q.offset).await?;
    Ok(Page { items: load(conn, &ids).await?, total })
}

/// Records whose id starts with the prefix.
pub(crate) async fn find(conn: &mut AnyConnection, reference: &str) -> Result<Vec<LedgerEntry>> {
    let ids = live_ids_by_prefix(conn, "ledger_entries", reference).await?;
    load(conn, &ids).await
}
