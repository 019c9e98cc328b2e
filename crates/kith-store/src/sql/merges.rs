//! Duplicates, merging two people into one, and undoing the last merge.
//!
//! A merge moves every linked record of the merged person to the kept one (interactions,
//! ledger entries, events, communities, opportunities, collaborations, notes, reminders,
//! connections, roles, import sources), unites their fields, and puts the merged person in
//! the trash. What moved is recorded in `merges` so `unmerge` can put it all back.

use super::util::*;
use super::{contacts, nurture, trash};
use crate::{Result, StoreError};
use kith_core::duplicates::DuplicateCandidate;
use kith_core::import::link_key;
use kith_core::{ContactId, ContactInput, TrashId};
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use std::collections::HashMap;

/// Link tables keyed by (other id, contact): rows move unless the kept person is already there.
const LINKS: &[(&str, &str)] = &[
    ("interaction_participants", "interaction_id"),
    ("ledger_participants", "entry_id"),
    ("event_attendees", "event_id"),
    ("community_members", "community_id"),
    ("opportunity_contacts", "opportunity_id"),
    ("collaboration_participants", "collaboration_id"),
];

/// Everything a merge changed, to reverse it.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Moves {
    /// table → ids in its other column that moved.
    links: HashMap<String, Vec<String>>,
    /// Events where the merged person's "met here" mark was dropped (the kept one has one).
    demoted_events: Vec<String>,
    notes: Vec<String>,
    reminders: Vec<String>,
    /// Connections as they were: (id, a, b).
    connections: Vec<(String, String, String)>,
    roles_added: Vec<String>,
    sources: Vec<(String, String)>,
    card_copied: bool,
    /// Keep-in-touch settings (`cadence_days`, `snoozed_until`, `closeness`) the kept person
    /// had none of and took from the merged one.
    #[serde(default)]
    settings_filled: Vec<String>,
    /// Events both attended where the "met here" mark moved from the merged to the kept row.
    #[serde(default)]
    promoted_events: Vec<String>,
}

/// The keep-in-touch columns a merge fills in when the kept person has none.
const SETTINGS: [&str; 3] = ["cadence_days", "snoozed_until", "closeness"];

/// A merge as recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MergeRecord {
    pub kept: ContactId,
    pub kept_name: String,
    pub merged: ContactId,
    pub merged_name: String,
    /// Linked records moved to the kept person.
    pub moved: u64,
    pub merged_at: chrono::DateTime<chrono::Utc>,
}

/// What duplicate detection needs of every live contact.
pub(crate) async fn candidates(conn: &mut AnyConnection) -> Result<Vec<DuplicateCandidate>> {
    let mut by_id: HashMap<String, DuplicateCandidate> = HashMap::new();
    let mut order = Vec::new();
    for r in
        fetch(conn, "SELECT id, display_name FROM contacts WHERE trash_id IS NULL".into(), vec![])
            .await?
    {
        let id = text(&r, "id")?;
        order.push(id.clone());
        by_id.insert(
            id,
            DuplicateCandidate::new(ContactId(uuid(&r, "id")?), &text(&r, "display_name")?),
        );
    }
    let live = "JOIN contacts c ON c.id = x.contact_id AND c.trash_id IS NULL";
    type Field = fn(&mut DuplicateCandidate) -> &mut Vec<String>;
    let lists: [(&str, Field, bool); 4] = [
        ("SELECT x.contact_id, x.address_key AS k FROM contact_emails x", |c| &mut c.emails, false),
        ("SELECT x.contact_id, x.normalized AS k FROM contact_phones x", |c| &mut c.phones, false),
        ("SELECT x.contact_id, x.url AS k FROM contact_links x", |c| &mut c.links, true),
        (
            "SELECT x.contact_id, o.name_key AS k FROM employment x JOIN organizations o ON o.id = x.organization_id AND o.trash_id IS NULL",
            |c| &mut c.organizations,
            false,
        ),
    ];
    for (sql, field, is_link) in lists {
        let filter = if sql.contains("employment") { " WHERE x.end_date IS NULL" } else { "" };
        for r in fetch(conn, format!("{sql} {live}{filter}"), vec![]).await? {
            if let Some(c) = by_id.get_mut(&text(&r, "contact_id")?) {
                let k = text(&r, "k")?;
                field(c).push(if is_link { link_key(&k) } else { k });
            }
        }
    }
    Ok(order.into_iter().filter_map(|id| by_id.remove(&id)).collect())
}

async fn live_name(conn: &mut AnyConnection, id: &str) -> Result<String> {
    let rows = fetch(
        conn,
        "SELECT display_name FROM contacts WHERE id = $1 AND trash_id IS NULL".into(),
        vec![id.into()],
    )
    .await?;
    match rows.first() {
        Some(r) => text(r, "display_name"),
        None => Err(StoreError::not_found("contact", id)),
    }
}

async fn ids(conn: &mut AnyConnection, sql: &str, vals: Vec<Val>) -> Result<Vec<String>> {
    fetch(conn, sql.into(), vals).await?.iter().map(|r| text(r, "k")).collect()
}

/// Merges `merged` into `kept`.
pub(crate) async fn merge(
    conn: &mut AnyConnection,
    kept: ContactId,
    merged: ContactId,
    now: i64,
    today: chrono::NaiveDate,
) -> Result<MergeRecord> {
    let (k, m) = (kept.to_string(), merged.to_string());
    if k == m {
        return Err(StoreError::Conflict("a person cannot be merged with themselves".into()));
    }
    let kept_name = live_name(conn, &k).await?;
    let merged_name = live_name(conn, &m).await?;
    let loaded = contacts::load_contacts(conn, &[kept, merged], false).await?;
    let (Some(a), Some(b)) =
        (loaded.iter().find(|c| c.id == kept), loaded.iter().find(|c| c.id == merged))
    else {
        return Err(StoreError::not_found("contact", m));
    };
    let before = a.to_input();
    let united =
        kith_core::import::merge(&before, &b.to_input(), false, today).normalized(today)?;
    let mut moves = Moves::default();
    let mut moved = 0u64;
    for (table, other) in LINKS {
        let rows = ids(
            conn,
            &format!(
                "SELECT {other} AS k FROM {table} WHERE contact_id = $1 \
                 AND {other} NOT IN (SELECT {other} FROM {table} WHERE contact_id = $2)"
            ),
            vec![m.clone().into(), k.clone().into()],
        )
        .await?;
        if *table == "event_attendees" {
            let kept_met = !ids(
                conn,
                "SELECT event_id AS k FROM event_attendees WHERE contact_id = $1 AND met_here = 1",
                vec![k.clone().into()],
            )
            .await?
            .is_empty();
            if kept_met {
                moves.demoted_events = ids(
                    conn,
                    "SELECT event_id AS k FROM event_attendees WHERE contact_id = $1 AND met_here = 1",
                    vec![m.clone().into()],
                )
                .await?;
                exec(
                    conn,
                    "UPDATE event_attendees SET met_here = 0 WHERE contact_id = $1".into(),
                    vec![m.clone().into()],
                )
                .await?;
            } else {
                // Both were at an event and only the merged person was met there: the kept
                // row takes the mark (the merged row stays behind with the merged person).
                moves.promoted_events = ids(
                    conn,
                    "SELECT event_id AS k FROM event_attendees WHERE contact_id = $1 AND met_here = 1 \
                     AND event_id IN (SELECT event_id FROM event_attendees WHERE contact_id = $2)",
                    vec![m.clone().into(), k.clone().into()],
                )
                .await?;
                for e in &moves.promoted_events {
                    exec(
                        conn,
                        "UPDATE event_attendees SET met_here = 0 WHERE contact_id = $1 AND event_id = $2"
                            .into(),
                        vec![m.clone().into(), e.clone().into()],
                    )
                    .await?;
                    exec(
                        conn,
                        "UPDATE event_attendees SET met_here = 1 WHERE contact_id = $1 AND event_id = $2"
                            .into(),
                        vec![k.clone().into(), e.clone().into()],
                    )
                    .await?;
                }
            }
        }
        move_links(conn, table, other, &rows, &m, &k).await?;
        moved += rows.len() as u64;
        moves.links.insert((*table).to_string(), rows);
    }
    for (table, field) in [("notes", &mut moves.notes), ("reminders", &mut moves.reminders)] {
        *field = ids(
            conn,
            &format!("SELECT id AS k FROM {table} WHERE contact_id = $1"),
            vec![m.clone().into()],
        )
        .await?;
        exec(
            conn,
            format!("UPDATE {table} SET contact_id = $1 WHERE contact_id = $2"),
            vec![k.clone().into(), m.clone().into()],
        )
        .await?;
        moved += field.len() as u64;
    }
    // Connections of the merged person to others the kept one is not connected to.
    let rows = fetch(
        conn,
        "SELECT id, a, b FROM connections WHERE trash_id IS NULL AND (a = $1 OR b = $1)".into(),
        vec![m.clone().into()],
    )
    .await?;
    for r in rows {
        let (id, a_id, b_id) = (text(&r, "id")?, text(&r, "a")?, text(&r, "b")?);
        let other = if a_id == m { b_id.clone() } else { a_id.clone() };
        if other == k {
            continue;
        }
        let (x, y) =
            if k < other { (k.clone(), other.clone()) } else { (other.clone(), k.clone()) };
        let clash = fetch(
            conn,
            "SELECT id FROM connections WHERE a = $1 AND b = $2 AND trash_id IS NULL".into(),
            vec![x.clone().into(), y.clone().into()],
        )
        .await?;
        if !clash.is_empty() {
            continue;
        }
        exec(
            conn,
            "UPDATE connections SET a = $1, b = $2 WHERE id = $3".into(),
            vec![x.into(), y.into(), id.clone().into()],
        )
        .await?;
        moves.connections.push((id, a_id, b_id));
        moved += 1;
    }
    moves.roles_added = ids(
        conn,
        "SELECT role AS k FROM contact_roles WHERE contact_id = $1 \
         AND role NOT IN (SELECT role FROM contact_roles WHERE contact_id = $2)",
        vec![m.clone().into(), k.clone().into()],
    )
    .await?;
    for role in &moves.roles_added {
        exec(
            conn,
            "INSERT INTO contact_roles (contact_id, role) VALUES ($1, $2)".into(),
            vec![k.clone().into(), role.clone().into()],
        )
        .await?;
    }
    for r in fetch(
        conn,
        "SELECT format, source_key FROM import_sources WHERE entity_id = $1".into(),
        vec![m.clone().into()],
    )
    .await?
    {
        moves.sources.push((text(&r, "format")?, text(&r, "source_key")?));
    }
    exec(
        conn,
        "UPDATE import_sources SET entity_id = $1 WHERE entity_id = $2".into(),
        vec![k.clone().into(), m.clone().into()],
    )
    .await?;
    let has_card = !fetch(
        conn,
        "SELECT contact_id FROM contact_cards WHERE contact_id = $1".into(),
        vec![k.clone().into()],
    )
    .await?
    .is_empty();
    if !has_card {
        moves.card_copied = exec(
            conn,
            "INSERT INTO contact_cards (contact_id, uid, extra) SELECT $1, uid, extra FROM contact_cards WHERE contact_id = $2".into(),
            vec![k.clone().into(), m.clone().into()],
        )
        .await?
            > 0;
    }
    for col in SETTINGS {
        // The column names are fixed above; only ids are bound.
        let filled = exec(
            conn,
            format!(
                "UPDATE contacts SET {col} = (SELECT o.{col} FROM contacts o WHERE o.id = $1) \
                 WHERE id = $2 AND {col} IS NULL \
                 AND (SELECT o.{col} FROM contacts o WHERE o.id = $1) IS NOT NULL"
            ),
            vec![m.clone().into(), k.clone().into()],
        )
        .await?;
        if filled > 0 {
            moves.settings_filled.push(col.to_string());
        }
    }
    contacts::replace_contact(conn, kept, &united, now).await?;
    let entry = trash::trash_contact(conn, &m, now).await?;
    nurture::refresh_stats(conn, &[k.clone(), m.clone()]).await?;
    exec(
        conn,
        "INSERT INTO merges (id, kept_id, merged_id, trash_id, kept_before, moves, merged_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)"
            .into(),
        vec![
            new_id().to_string().into(),
            k.into(),
            m.into(),
            entry.id.to_string().into(),
            snapshot(&before)?.into(),
            snapshot(&moves)?.into(),
            now.into(),
        ],
    )
    .await?;
    Ok(MergeRecord { kept, kept_name, merged, merged_name, moved, merged_at: from_micros(now) })
}

fn snapshot<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Other(e.to_string()))
}

async fn move_links(
    conn: &mut AnyConnection,
    table: &str,
    other: &str,
    rows: &[String],
    from: &str,
    to: &str,
) -> Result<()> {
    for chunk in rows.chunks(500) {
        // One placeholder style per statement (see `placeholders`).
        let all = placeholders(conn, 1, chunk.len() + 2);
        let mut ph = all.split(", ");
        let (p_to, p_from) = (ph.next().unwrap_or("?"), ph.next().unwrap_or("?"));
        let list = ph.collect::<Vec<_>>().join(", ");
        let mut vals: Vec<Val> = vec![to.into(), from.into()];
        vals.extend(chunk.iter().map(|s| Val::from(s.clone())));
        exec(
            conn,
            format!(
                "UPDATE {table} SET contact_id = {p_to} WHERE contact_id = {p_from} AND {other} IN ({list})"
            ),
            vals,
        )
        .await?;
    }
    Ok(())
}

/// Reverses the newest merge not yet undone.
pub(crate) async fn unmerge(conn: &mut AnyConnection, now: i64) -> Result<MergeRecord> {
    let rows = fetch(
        conn,
        "SELECT id, kept_id, merged_id, trash_id, kept_before, moves, merged_at FROM merges \
         WHERE undone_at IS NULL ORDER BY merged_at DESC LIMIT 1"
            .into(),
        vec![],
    )
    .await?;
    let Some(r) = rows.first() else {
        return Err(StoreError::Conflict("there is no merge to undo".into()));
    };
    let (id, k, m) = (text(r, "id")?, text(r, "kept_id")?, text(r, "merged_id")?);
    let trash_id = TrashId(parse_id(&text(r, "trash_id")?)?);
    let still = fetch(
        conn,
        "SELECT id FROM contacts WHERE id = $1 AND trash_id = $2".into(),
        vec![m.clone().into(), trash_id.to_string().into()],
    )
    .await?;
    if still.is_empty() {
        return Err(StoreError::Conflict(
            "the merged person is no longer in the trash (restored or purged), so the merge cannot be undone".into(),
        ));
    }
    let kept_name = live_name(conn, &k).await?;
    let edited =
        fetch(conn, "SELECT updated_at FROM contacts WHERE id = $1".into(), vec![k.clone().into()])
            .await?;
    if edited.first().map(|r| int(r, "updated_at")).transpose()?.unwrap_or(0) > int(r, "merged_at")?
    {
        return Err(StoreError::Conflict(format!(
            "{kept_name} was changed after the merge; undoing it would lose those changes (restore the other person from the trash instead)"
        )));
    }
    let parse = |e: serde_json::Error| StoreError::Other(format!("merge record: {e}"));
    let before: ContactInput = serde_json::from_str(&text(r, "kept_before")?).map_err(parse)?;
    let moves: Moves = serde_json::from_str(&text(r, "moves")?).map_err(parse)?;
    let merged_at = from_micros(int(r, "merged_at")?);
    trash::restore(conn, trash_id).await?;
    let mut moved = 0u64;
    for (table, other) in LINKS {
        if let Some(rows) = moves.links.get(*table) {
            move_links(conn, table, other, rows, &k, &m).await?;
            moved += rows.len() as u64;
        }
    }
    for e in &moves.promoted_events {
        for (who, mark) in [(&k, 0i64), (&m, 1i64)] {
            exec(
                conn,
                "UPDATE event_attendees SET met_here = $1 WHERE contact_id = $2 AND event_id = $3"
                    .into(),
                vec![mark.into(), who.clone().into(), e.clone().into()],
            )
            .await?;
        }
    }
    for e in &moves.demoted_events {
        exec(
            conn,
            "UPDATE event_attendees SET met_here = 1 WHERE contact_id = $1 AND event_id = $2"
                .into(),
            vec![m.clone().into(), e.clone().into()],
        )
        .await?;
    }
    for (table, list) in [("notes", &moves.notes), ("reminders", &moves.reminders)] {
        for id in list {
            exec(
                conn,
                format!("UPDATE {table} SET contact_id = $1 WHERE id = $2"),
                vec![m.clone().into(), id.clone().into()],
            )
            .await?;
        }
        moved += list.len() as u64;
    }
    for (cid, a, b) in &moves.connections {
        exec(
            conn,
            "UPDATE connections SET a = $1, b = $2 WHERE id = $3".into(),
            vec![a.clone().into(), b.clone().into(), cid.clone().into()],
        )
        .await?;
    }
    moved += moves.connections.len() as u64;
    for role in &moves.roles_added {
        exec(
            conn,
            "DELETE FROM contact_roles WHERE contact_id = $1 AND role = $2".into(),
            vec![k.clone().into(), role.clone().into()],
        )
        .await?;
    }
    for (format, key) in &moves.sources {
        exec(
            conn,
            "UPDATE import_sources SET entity_id = $1 WHERE format = $2 AND source_key = $3".into(),
            vec![m.clone().into(), format.clone().into(), key.clone().into()],
        )
        .await?;
    }
    for col in &moves.settings_filled {
        if SETTINGS.contains(&col.as_str()) {
            exec(
                conn,
                format!("UPDATE contacts SET {col} = NULL WHERE id = $1"),
                vec![k.clone().into()],
            )
            .await?;
        }
    }
    if moves.card_copied {
        exec(
            conn,
            "DELETE FROM contact_cards WHERE contact_id = $1".into(),
            vec![k.clone().into()],
        )
        .await?;
    }
    let kept = ContactId(parse_id(&k)?);
    let merged = ContactId(parse_id(&m)?);
    contacts::replace_contact(conn, kept, &before, now).await?;
    contacts::reindex(conn, &[merged]).await?;
    nurture::refresh_stats(conn, &[k, m.clone()]).await?;
    exec(
        conn,
        "UPDATE merges SET undone_at = $1 WHERE id = $2".into(),
        vec![now.into(), id.into()],
    )
    .await?;
    let merged_name = live_name(conn, &m).await?;
    Ok(MergeRecord { kept, kept_name, merged, merged_name, moved, merged_at })
}
