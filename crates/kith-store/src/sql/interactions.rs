//! Interactions and their participants.

use super::nurture::merge_stats;
use super::util::*;
use crate::{InteractionQuery, Page, Result, StoreError};
use kith_core::{Direction, Interaction, InteractionId, InteractionInput, InteractionKind};
use sqlx::AnyConnection;
use std::collections::{HashMap, HashSet};

/// Inserts interactions (inputs normalised) after checking every participant is a live contact,
/// then refreshes the participants' last-interaction times.
pub(crate) async fn insert(
    conn: &mut AnyConnection,
    items: &[(InteractionId, &InteractionInput)],
    now: i64,
) -> Result<()> {
    // Insert in key order (see contacts::insert_contacts).
    let mut items = items.to_vec();
    items.sort_by_key(|(id, _)| *id);
    let items = items.as_slice();
    let mut participants: Vec<String> = items
        .iter()
        .flat_map(|(_, i)| i.participants.iter().map(ToString::to_string))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    participants.sort();
    let live: HashSet<String> = fetch_in(
        conn,
        "SELECT id FROM contacts WHERE trash_id IS NULL AND id IN ({IN})",
        &participants,
    )
    .await?
    .iter()
    .map(|r| text(r, "id"))
    .collect::<Result<_>>()?;
    if let Some(missing) = participants.iter().find(|p| !live.contains(*p)) {
        return Err(StoreError::not_found("contact", missing.clone()));
    }
    let mut rows = Vec::with_capacity(items.len());
    let mut links = Vec::new();
    let mut events: HashMap<
        String,
        Vec<(chrono::DateTime<chrono::Utc>, InteractionKind, Direction)>,
    > = HashMap::new();
    for (id, i) in items {
        let ids = id.to_string();
        rows.push(vec![
            Val::from(ids.clone()),
            micros(i.occurred_at).into(),
            i.kind.as_str().into(),
            i.direction.as_str().into(),
            i.summary.clone().into(),
            i.notes.clone().into(),
            now.into(),
            now.into(),
        ]);
        for p in &i.participants {
            events.entry(p.to_string()).or_default().push((i.occurred_at, i.kind, i.direction));
            links.push(vec![Val::from(ids.clone()), Val::from(p.to_string())]);
        }
    }
    links.sort_by(|a, b| key2(a).cmp(&key2(b)));
    insert_rows(
        conn,
        "INSERT INTO interactions (id, occurred_at, kind, direction, summary, notes, created_at, updated_at)",
        8,
        rows,
        "",
    )
    .await?;
    insert_rows(
        conn,
        "INSERT INTO interaction_participants (interaction_id, contact_id)",
        2,
        links,
        "",
    )
    .await?;
    merge_stats(conn, events).await
}

/// Loads live interactions by id, in the order given, with their live participants.
pub(crate) async fn load(conn: &mut AnyConnection, ids: &[String]) -> Result<Vec<Interaction>> {
    let mut by_id: HashMap<String, Interaction> = HashMap::new();
    for r in fetch_in(
        conn,
        "SELECT id, occurred_at, kind, direction, summary, notes, created_at, updated_at FROM interactions \
         WHERE trash_id IS NULL AND id IN ({IN})",
        ids,
    )
    .await?
    {
        let id = uuid(&r, "id")?;
        let kind = text(&r, "kind")?;
        let direction = text(&r, "direction")?;
        by_id.insert(
            id.to_string(),
            Interaction {
                id: InteractionId(id),
                occurred_at: from_micros(int(&r, "occurred_at")?),
                kind: InteractionKind::parse(&kind).unwrap_or(InteractionKind::Other),
                direction: Direction::parse(&direction).unwrap_or(Direction::Mutual),
                participants: vec![],
                summary: text(&r, "summary")?,
                notes: text(&r, "notes")?,
                created_at: from_micros(int(&r, "created_at")?),
                updated_at: from_micros(int(&r, "updated_at")?),
            },
        );
    }
    let keys: Vec<String> = by_id.keys().cloned().collect();
    for r in fetch_in(
        conn,
        "SELECT p.interaction_id, c.id, c.display_name FROM interaction_participants p \
         JOIN contacts c ON c.id = p.contact_id AND c.trash_id IS NULL \
         WHERE p.interaction_id IN ({IN}) ORDER BY p.interaction_id, c.name_key, c.id",
        &keys,
    )
    .await?
    {
        if let Some(i) = by_id.get_mut(&text(&r, "interaction_id")?) {
            i.participants.push(participant(&r)?);
        }
    }
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

/// Interactions whose id starts with the prefix.
pub(crate) async fn find(conn: &mut AnyConnection, reference: &str) -> Result<Vec<Interaction>> {
    let ids = live_ids_by_prefix(conn, "interactions", reference).await?;
    load(conn, &ids).await
}

/// A page of interactions, newest first.
pub(crate) async fn list(
    conn: &mut AnyConnection,
    q: &InteractionQuery,
) -> Result<Page<Interaction>> {
    let mut vals: Vec<Val> = vec![];
    let from = match q.contact {
        Some(c) => {
            vals.push(c.to_string().into());
            "FROM interactions i JOIN interaction_participants p ON p.interaction_id = i.id AND p.contact_id = $1 \
             WHERE i.trash_id IS NULL"
        }
        None => "FROM interactions i WHERE i.trash_id IS NULL",
    };
    let (total, ids) =
        page_ids(conn, "i.id", from, "i.occurred_at DESC, i.id", vals, q.limit, q.offset).await?;
    Ok(Page { items: load(conn, &ids).await?, total })
}
