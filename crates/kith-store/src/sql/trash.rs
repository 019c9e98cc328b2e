//! The trash: soft deletes that can be restored, and explicit purges.
//!
//! Deleting marks the record (and what goes with it) with the id of a new `trash` row. Every
//! read filters on `trash_id IS NULL`. Restoring clears the mark; purging deletes the trash row,
//! and the foreign keys (`ON DELETE CASCADE`) remove the marked records and their dependants.

use super::contacts::reindex;
use super::nurture::refresh_stats;
use super::organizations::people_ids;
use super::util::*;
use crate::{Result, StoreError};
use kith_core::text::{fold, prefix_upper_bound};
use kith_core::{TrashEntry, TrashId, TrashKind};
use sqlx::AnyConnection;

const TRASH_COLS: &str = "id, kind, entity_id, label, linked, deleted_at";

fn entry(r: &sqlx::any::AnyRow) -> Result<TrashEntry> {
    let kind = text(r, "kind")?;
    Ok(TrashEntry {
        id: TrashId(uuid(r, "id")?),
        kind: TrashKind::parse(&kind)
            .ok_or_else(|| StoreError::Other(format!("unknown trash kind {kind:?}")))?,
        entity_id: uuid(r, "entity_id")?,
        label: text(r, "label")?,
        linked: int(r, "linked")?,
        deleted_at: from_micros(int(r, "deleted_at")?),
    })
}

async fn new_entry(
    conn: &mut AnyConnection,
    kind: TrashKind,
    entity: &str,
    label: &str,
    now: i64,
) -> Result<TrashId> {
    let id = TrashId(new_id());
    exec(
        conn,
        format!("INSERT INTO trash ({TRASH_COLS}, label_key) VALUES ($1, $2, $3, $4, 0, $5, $6)"),
        vec![
            id.to_string().into(),
            kind.as_str().into(),
            entity.into(),
            label.into(),
            now.into(),
            fold(label).into(),
        ],
    )
    .await?;
    Ok(id)
}

async fn set_linked(conn: &mut AnyConnection, id: TrashId, linked: u64) -> Result<TrashEntry> {
    exec(
        conn,
        "UPDATE trash SET linked = $1 WHERE id = $2".into(),
        vec![(linked as i64).into(), id.to_string().into()],
    )
    .await?;
    get(conn, id).await
}

/// Marks one record of `table` as belonging to trash entry `t`.
async fn stamp(conn: &mut AnyConnection, table: &'static str, id: &str, t: TrashId) -> Result<()> {
    exec(
        conn,
        format!("UPDATE {table} SET trash_id = $1 WHERE id = $2"),
        vec![t.to_string().into(), id.into()],
    )
    .await?;
    Ok(())
}

/// One trash entry.
pub(crate) async fn get(conn: &mut AnyConnection, id: TrashId) -> Result<TrashEntry> {
    let rows = fetch(
        conn,
        format!("SELECT {TRASH_COLS} FROM trash WHERE id = $1"),
        vec![id.to_string().into()],
    )
    .await?;
    rows.first()
        .map(entry)
        .unwrap_or_else(|| Err(StoreError::not_found("trash entry", id.to_string())))
}

/// Moves a contact to the trash, with the interactions no other live contact took part in.
pub(crate) async fn trash_contact(
    conn: &mut AnyConnection,
    id: &str,
    now: i64,
) -> Result<TrashEntry> {
    let rows = fetch(
        conn,
        "SELECT display_name FROM contacts WHERE id = $1 AND trash_id IS NULL".into(),
        vec![id.into()],
    )
    .await?;
    let Some(r) = rows.first() else { return Err(StoreError::not_found("contact", id)) };
    let t = new_entry(conn, TrashKind::Contact, id, &text(r, "display_name")?, now).await?;
    let ts = t.to_string();
    let linked = trash_sole_records(
        conn,
        "interactions",
        "interaction_participants",
        "interaction_id",
        &ts,
        id,
    )
    .await?;
    let ledger =
        trash_sole_records(conn, "ledger_entries", "ledger_participants", "entry_id", &ts, id)
            .await?;
    let reminders = exec(
        conn,
        "UPDATE reminders SET trash_id = $1 WHERE trash_id IS NULL AND contact_id = $2".into(),
        vec![ts.clone().into(), id.into()],
    )
    .await?;
    exec(
        conn,
        "UPDATE contacts SET trash_id = $1 WHERE id = $2".into(),
        vec![ts.into(), id.into()],
    )
    .await?;
    super::sync::cards_changed(conn, &[id.to_string()]).await?;
    set_linked(conn, t, linked + ledger + reminders).await
}

/// Stamps `trash` on the live records of `table` that `contact` took part in with no other
/// live contact (through `links`, whose `link_col` points at `table`). Returns how many.
async fn trash_sole_records(
    conn: &mut AnyConnection,
    table: &'static str,
    links: &'static str,
    link_col: &'static str,
    trash: &str,
    contact: &str,
) -> Result<u64> {
    exec(
        conn,
        format!(
            "UPDATE {table} SET trash_id = $1 WHERE trash_id IS NULL \
             AND id IN (SELECT {link_col} FROM {links} WHERE contact_id = $2) \
             AND NOT EXISTS (SELECT 1 FROM {links} p JOIN contacts c ON c.id = p.contact_id \
                 WHERE p.{link_col} = {table}.id AND p.contact_id <> $2 AND c.trash_id IS NULL)"
        ),
        vec![trash.into(), contact.into()],
    )
    .await
}

/// Moves an organization to the trash; roles there are hidden until it comes back.
pub(crate) async fn trash_organization(
    conn: &mut AnyConnection,
    id: &str,
    now: i64,
) -> Result<TrashEntry> {
    let rows = fetch(
        conn,
        "SELECT name FROM organizations WHERE id = $1 AND trash_id IS NULL".into(),
        vec![id.into()],
    )
    .await?;
    let Some(r) = rows.first() else { return Err(StoreError::not_found("organization", id)) };
    let t = new_entry(conn, TrashKind::Organization, id, &text(r, "name")?, now).await?;
    stamp(conn, "organizations", id, t).await?;
    let people = people_ids(conn, id).await?;
    reindex(conn, &people).await?;
    set_linked(conn, t, people.len() as u64).await
}

/// Moves an interaction to the trash.
pub(crate) async fn trash_interaction(
    conn: &mut AnyConnection,
    id: &str,
    now: i64,
) -> Result<TrashEntry> {
    let rows = fetch(
        conn,
        "SELECT kind, summary, occurred_at FROM interactions WHERE id = $1 AND trash_id IS NULL"
            .into(),
        vec![id.into()],
    )
    .await?;
    let Some(r) = rows.first() else { return Err(StoreError::not_found("interaction", id)) };
    let when = from_micros(int(r, "occurred_at")?).date_naive();
    let summary = text(r, "summary")?;
    let label = format!("{} {} {}", when, text(r, "kind")?, summary).trim().to_string();
    let t = new_entry(conn, TrashKind::Interaction, id, &label, now).await?;
    stamp(conn, "interactions", id, t).await?;
    let people = participant_ids(conn, &t.to_string()).await?;
    refresh_stats(conn, &people).await?;
    set_linked(conn, t, 0).await
}

async fn participant_ids(conn: &mut AnyConnection, trash: &str) -> Result<Vec<String>> {
    fetch(
        conn,
        "SELECT DISTINCT p.contact_id FROM interaction_participants p JOIN interactions i ON i.id = p.interaction_id \
         WHERE i.trash_id = $1"
            .into(),
        vec![trash.into()],
    )
    .await?
    .iter()
    .map(|r| text(r, "contact_id"))
    .collect()
}

/// Everything in the trash, newest first.
pub(crate) async fn list(conn: &mut AnyConnection) -> Result<Vec<TrashEntry>> {
    fetch(conn, format!("SELECT {TRASH_COLS} FROM trash ORDER BY deleted_at DESC, id"), vec![])
        .await?
        .iter()
        .map(entry)
        .collect()
}

/// Entries whose id starts with the reference, or whose label does.
pub(crate) async fn find(conn: &mut AnyConnection, reference: &str) -> Result<Vec<TrashEntry>> {
    if let Some((lo, hi)) = id_prefix_range(reference) {
        let rows = fetch(
            conn,
            format!("SELECT {TRASH_COLS} FROM trash WHERE (id >= $1 AND id < $2) OR (entity_id >= $1 AND entity_id < $2) ORDER BY deleted_at DESC, id"),
            vec![lo.into(), hi.into()],
        )
        .await?;
        if !rows.is_empty() {
            return rows.iter().map(entry).collect();
        }
    }
    let key = fold(reference);
    if key.is_empty() {
        return Ok(vec![]);
    }
    let exact = fetch(
        conn,
        format!("SELECT {TRASH_COLS} FROM trash WHERE label_key = $1 ORDER BY deleted_at DESC, id"),
        vec![key.clone().into()],
    )
    .await?;
    if !exact.is_empty() {
        return exact.iter().map(entry).collect();
    }
    fetch(
        conn,
        format!("SELECT {TRASH_COLS} FROM trash WHERE label_key >= $1 AND label_key < $2 ORDER BY deleted_at DESC, id"),
        vec![key.clone().into(), prefix_upper_bound(&key).into()],
    )
    .await?
    .iter()
    .map(entry)
    .collect()
}

/// Brings a deletion back.
pub(crate) async fn restore(conn: &mut AnyConnection, id: TrashId) -> Result<TrashEntry> {
    let e = get(conn, id).await?;
    let ts = id.to_string();
    let unique_name = match e.kind {
        TrashKind::Organization => Some(("organizations", "an organization")),
        TrashKind::Community => Some(("communities", "a community")),
        _ => None,
    };
    if e.kind == TrashKind::Connection {
        let rows = fetch(
            conn,
            "SELECT k2.id FROM connections k JOIN connections k2 ON k2.a = k.a AND k2.b = k.b \
             AND k2.trash_id IS NULL WHERE k.id = $1"
                .into(),
            vec![e.entity_id.to_string().into()],
        )
        .await?;
        if !rows.is_empty() {
            return Err(StoreError::Conflict(format!(
                "cannot restore {:?}: the two are connected again now; remove that connection first",
                e.label
            )));
        }
    }
    if let Some((table, what)) = unique_name {
        let rows = fetch(
            conn,
            format!(
                "SELECT o2.name FROM {table} o JOIN {table} o2 ON o2.name_key = o.name_key AND o2.trash_id IS NULL \
                 WHERE o.id = $1"
            ),
            vec![e.entity_id.to_string().into()],
        )
        .await?;
        if let Some(r) = rows.first() {
            return Err(StoreError::Conflict(format!(
                "cannot restore {:?}: {what} named {:?} exists now; rename or delete it first",
                e.label,
                text(r, "name")?
            )));
        }
    }
    for table in [
        "contacts",
        "organizations",
        "interactions",
        "notes",
        "ledger_entries",
        "reminders",
        "events",
        "communities",
        "contributions",
        "goals",
        "connections",
        "opportunities",
        "collaborations",
    ] {
        exec(
            conn,
            format!("UPDATE {table} SET trash_id = NULL WHERE trash_id = $1"),
            vec![ts.clone().into()],
        )
        .await?;
    }
    exec(conn, "DELETE FROM trash WHERE id = $1".into(), vec![ts.into()]).await?;
    match e.kind {
        TrashKind::Organization => {
            let people = people_ids(conn, &e.entity_id.to_string()).await?;
            reindex(conn, &people).await?;
        }
        TrashKind::Contact | TrashKind::Interaction => {
            let people: Vec<String> = if e.kind == TrashKind::Contact {
                super::sync::cards_changed(conn, &[e.entity_id.to_string()]).await?;
                vec![e.entity_id.to_string()]
            } else {
                fetch(
                    conn,
                    "SELECT contact_id FROM interaction_participants WHERE interaction_id = $1"
                        .into(),
                    vec![e.entity_id.to_string().into()],
                )
                .await?
                .iter()
                .map(|r| text(r, "contact_id"))
                .collect::<Result<_>>()?
            };
            refresh_stats(conn, &people).await?;
        }
        TrashKind::Ledger
        | TrashKind::Reminder
        | TrashKind::Event
        | TrashKind::Community
        | TrashKind::Contribution
        | TrashKind::Goal
        | TrashKind::Connection
        | TrashKind::Opportunity
        | TrashKind::Collaboration => {}
        TrashKind::Note => {
            let rows = fetch(
                conn,
                "SELECT contact_id FROM notes WHERE id = $1".into(),
                vec![e.entity_id.to_string().into()],
            )
            .await?;
            let ids: Vec<kith_core::ContactId> = rows
                .iter()
                .map(|r| uuid(r, "contact_id").map(kith_core::ContactId))
                .collect::<Result<_>>()?;
            reindex(conn, &ids).await?;
        }
    }
    Ok(e)
}

/// Deletes a trash entry and, through the foreign keys, everything it holds (the search
/// postings and documents of its people explicitly: they have no foreign key).
pub(crate) async fn purge(conn: &mut AnyConnection, id: TrashId) -> Result<TrashEntry> {
    let e = get(conn, id).await?;
    let people =
        texts(conn, "SELECT id FROM contacts WHERE trash_id = $1", vec![id.to_string().into()])
            .await?;
    super::search::forget(conn, &people).await?;
    exec(conn, "DELETE FROM trash WHERE id = $1".into(), vec![id.to_string().into()]).await?;
    Ok(e)
}

/// Empties the trash.
pub(crate) async fn purge_all(conn: &mut AnyConnection) -> Result<u64> {
    let people = texts(conn, "SELECT id FROM contacts WHERE trash_id IS NOT NULL", vec![]).await?;
    super::search::forget(conn, &people).await?;
    exec(conn, "DELETE FROM trash".into(), vec![]).await
}

/// Moves a record that stands alone (an event, a goal, a contribution) to the trash under
/// `label`, or says it is not there.
async fn trash_single(
    conn: &mut AnyConnection,
    kind: TrashKind,
    table: &'static str,
    id: &str,
    label: Option<String>,
    now: i64,
) -> Result<TrashEntry> {
    let Some(label) = label else { return Err(StoreError::not_found(kind.as_str(), id)) };
    let t = new_entry(conn, kind, id, &label, now).await?;
    stamp(conn, table, id, t).await?;
    set_linked(conn, t, 0).await
}

/// Moves one live event, community, contribution, opportunity, collaboration, ledger record or
/// reminder to the trash, labelled as the trash lists it.
pub(crate) async fn trash_record(
    conn: &mut AnyConnection,
    kind: TrashKind,
    id: &str,
    now: i64,
) -> Result<TrashEntry> {
    let (table, label, what): (&'static str, &'static str, &'static str) = match kind {
        TrashKind::Event => ("events", "starts_on || ' ' || name", "event"),
        TrashKind::Contribution => {
            ("contributions", "occurred_on || ' ' || kind || ': ' || title", "contribution")
        }
        TrashKind::Opportunity => ("opportunities", "title", "opportunity"),
        TrashKind::Collaboration => ("collaborations", "title", "collaboration"),
        TrashKind::Community => ("communities", "name", "community"),
        TrashKind::Ledger => (
            "ledger_entries",
            "TRIM(occurred_on || ' ' || kind || ' ' || direction || ' ' || summary)",
            "ledger record",
        ),
        TrashKind::Reminder => ("reminders", "due_on || ' ' || title", "reminder"),
        other => {
            return Err(StoreError::Other(format!("{} is not trashed on its own", other.as_str())));
        }
    };
    let rows = fetch(
        conn,
        format!("SELECT {label} AS label FROM {table} WHERE id = $1 AND trash_id IS NULL"),
        vec![id.into()],
    )
    .await?;
    let Some(r) = rows.first() else { return Err(StoreError::not_found(what, id)) };
    trash_single(conn, kind, table, id, Some(text(r, "label")?), now).await
}

/// Moves a goal to the trash.
pub(crate) async fn trash_goal(
    conn: &mut AnyConnection,
    id: &str,
    label: String,
    now: i64,
) -> Result<TrashEntry> {
    trash_single(conn, TrashKind::Goal, "goals", id, Some(label), now).await
}

/// Moves a community to the trash with its contributions.
pub(crate) async fn trash_community(
    conn: &mut AnyConnection,
    id: &str,
    now: i64,
) -> Result<TrashEntry> {
    let entry = trash_record(conn, TrashKind::Community, id, now).await?;
    let linked = exec(
        conn,
        "UPDATE contributions SET trash_id = $1 WHERE community_id = $2 AND trash_id IS NULL"
            .into(),
        vec![entry.id.to_string().into(), id.into()],
    )
    .await?;
    set_linked(conn, entry.id, linked).await
}

/// Moves a connection to the trash.
pub(crate) async fn trash_connection(
    conn: &mut AnyConnection,
    id: &str,
    label: String,
    now: i64,
) -> Result<TrashEntry> {
    trash_single(conn, TrashKind::Connection, "connections", id, Some(label), now).await
}
