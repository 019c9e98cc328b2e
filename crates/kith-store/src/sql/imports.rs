//! Imports: what matching needs from the store, and writing a planned import in one go.

use super::util::*;
use super::{contacts, interactions, network};
use crate::Result;
use kith_core::import::{
    CardExtras, ImportFormat, ImportPlan, MatchIndex, PersonRef, SourceKey, link_key,
};
use kith_core::network::EventInput;
use kith_core::{ContactId, ContactInput, InteractionId, InteractionInput};
use sqlx::AnyConnection;
use std::collections::HashMap;

/// Loads source keys of `format` and the identifiers of every live contact.
pub(crate) async fn match_index(
    conn: &mut AnyConnection,
    format: ImportFormat,
) -> Result<MatchIndex> {
    let mut index = MatchIndex::default();
    let rows = fetch(
        conn,
        "SELECT s.source_key, s.entity_kind, s.entity_id, s.content_hash, c.id AS contact, \
         c.trash_id FROM import_sources s LEFT JOIN contacts c ON c.id = s.entity_id \
         WHERE s.format = $1"
            .into(),
        vec![format.as_str().into()],
    )
    .await?;
    for r in rows {
        let key = text(&r, "source_key")?;
        match text(&r, "entity_kind")?.as_str() {
            "contact" => {
                // Purged for good: the record is new again.
                if opt_text(&r, "contact")?.is_none() {
                    continue;
                }
                let id = ContactId(uuid(&r, "entity_id")?);
                if opt_text(&r, "trash_id")?.is_some() {
                    index.trashed.insert(id);
                }
                index.sources.insert((format, key), (id, int(&r, "content_hash")? as u64));
            }
            "organization" => {
                index.organizations.insert((format, key));
            }
            "interaction" | "event" => {
                index.activities.insert((format, key));
            }
            _ => {}
        }
    }
    let live = "JOIN contacts c ON c.id = x.contact_id AND c.trash_id IS NULL";
    for r in fetch(
        conn,
        format!("SELECT x.address_key AS k, x.contact_id FROM contact_emails x {live}"),
        vec![],
    )
    .await?
    {
        index.emails.insert(text(&r, "k")?, ContactId(uuid(&r, "contact_id")?));
    }
    for r in fetch(
        conn,
        format!("SELECT x.normalized AS k, x.contact_id FROM contact_phones x {live}"),
        vec![],
    )
    .await?
    {
        index.phones.entry(text(&r, "k")?).or_default().push(ContactId(uuid(&r, "contact_id")?));
    }
    for r in
        fetch(conn, format!("SELECT x.url AS k, x.contact_id FROM contact_links x {live}"), vec![])
            .await?
    {
        index.links.insert(link_key(&text(&r, "k")?), ContactId(uuid(&r, "contact_id")?));
    }
    for r in fetch(conn, "SELECT name_key, id FROM contacts WHERE trash_id IS NULL".into(), vec![])
        .await?
    {
        let (key, id) = (text(&r, "name_key")?, ContactId(uuid(&r, "id")?));
        index.name_of.insert(id, key.clone());
        index.names.entry(key).or_default().push(id);
    }
    Ok(index)
}

/// Tables whose secondary indexes a bulk import rebuilds at the end.
const BULK_TABLES: &[&str] = &[
    "contacts",
    "contact_emails",
    "contact_phones",
    "contact_links",
    "contact_tags",
    "employment",
    "search_postings",
    "import_sources",
    "interactions",
    "interaction_participants",
    "contact_cards",
    "dav_cards",
];

/// What [`apply`] wrote.
#[derive(Clone, Debug, Default)]
pub(crate) struct Applied {
    pub contacts: Vec<ContactId>,
    pub interactions: u64,
    pub events: u64,
}

/// Writes a planned import. `updates` are the merged inputs of the contacts that changed.
pub(crate) async fn apply(
    conn: &mut AnyConnection,
    mut plan: ImportPlan,
    updates: &[(ContactId, ContactInput, chrono::DateTime<chrono::Utc>)],
    follow_up_days: u32,
    now: i64,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<Applied> {
    let mut sources: Vec<(&SourceKey, &'static str, String)> = Vec::new();
    let mut cards: Vec<(String, &CardExtras)> = Vec::new();
    // New contacts get their ids now and are written after the changed ones.
    let ids: Vec<ContactId> = plan.new_contacts.iter().map(|_| ContactId(new_id())).collect();
    // The inputs move to the writer (and the search index's thread); sources and cards stay.
    let items: Vec<(ContactId, ContactInput)> = ids
        .iter()
        .copied()
        .zip(plan.new_contacts.iter_mut().map(|n| std::mem::take(&mut n.input)))
        .collect();
    // Changed contacts, while every index is in place (rewriting one looks up its rows).
    for (id, input, seen) in updates {
        // Planned outside this transaction: refuse rather than overwrite a later edit.
        let rows = fetch(
            conn,
            "SELECT display_name, updated_at FROM contacts WHERE id = $1 AND trash_id IS NULL"
                .into(),
            vec![id.to_string().into()],
        )
        .await?;
        let Some(r) = rows.first() else {
            return Err(crate::StoreError::not_found("contact", id.to_string()));
        };
        if int(r, "updated_at")? != micros(*seen) {
            return Err(crate::StoreError::Conflict(format!(
                "{} changed after this import was planned; nothing was imported, run it again",
                text(r, "display_name")?
            )));
        }
        contacts::replace_contact(conn, *id, input, now).await?;
    }
    // A big import into a small database: build the indexes once at the end.
    let existing = fetch(conn, "SELECT COUNT(*) AS n FROM contacts".into(), vec![]).await?;
    let existing = existing.first().map(|r| int(r, "n")).transpose()?.unwrap_or(0);
    let bulk = items.len() >= 10_000 && items.len() as i64 >= existing;
    let rebuild = if bulk { drop_indexes(conn, BULK_TABLES).await? } else { Vec::new() };
    contacts::insert_contacts(conn, items, now).await?;
    for (id, n) in ids.iter().zip(&plan.new_contacts) {
        for s in &n.sources {
            sources.push((s, "contact", id.to_string()));
        }
        if let Some(c) = &n.card {
            cards.push((id.to_string(), c));
        }
    }
    let mut fill_cards: Vec<(String, &CardExtras)> = Vec::new();
    for u in &plan.updates {
        for s in &u.sources {
            sources.push((s, "contact", u.id.to_string()));
        }
        match (&u.card, u.matched_by) {
            (Some(c), kith_core::import::MatchedBy::SourceKey) => cards.push((u.id.to_string(), c)),
            // Another source's card never replaces the one a person was imported with.
            (Some(c), _) => fill_cards.push((u.id.to_string(), c)),
            (None, _) => {}
        }
    }
    // Organization cards.
    let orgs = contacts::organization_ids(
        conn,
        plan.organizations.iter().map(|o| o.name.clone()).collect(),
        now,
    )
    .await?;
    for o in &plan.organizations {
        if let (Some(s), Some(id)) = (&o.source, orgs.get(&kith_core::text::fold(&o.name))) {
            sources.push((s, "organization", id.clone()));
        }
    }
    let resolve = |r: &PersonRef| match r {
        PersonRef::Existing(id) => *id,
        PersonRef::New(j) => ids[*j],
    };
    // Interactions.
    let inputs: Vec<InteractionInput> = plan
        .activities
        .iter()
        .map(|a| InteractionInput {
            occurred_at: a.occurred_at,
            kind: a.kind,
            direction: a.direction,
            participants: a.participants.iter().map(resolve).collect(),
            summary: a.summary.clone(),
            notes: String::new(),
        })
        .collect();
    let mut normalized = Vec::with_capacity(inputs.len());
    for (a, i) in plan.activities.iter().zip(&inputs) {
        normalized.push(
            i.normalized(at)
                .map_err(|e| crate::StoreError::Other(format!("line {}: {e}", a.line)))?,
        );
    }
    let interaction_ids: Vec<InteractionId> =
        normalized.iter().map(|_| InteractionId(new_id())).collect();
    let items: Vec<(InteractionId, &InteractionInput)> =
        interaction_ids.iter().copied().zip(normalized.iter()).collect();
    interactions::insert(conn, &items, now).await?;
    for (id, a) in interaction_ids.iter().zip(&plan.activities) {
        sources.push((&a.source, "interaction", id.to_string()));
    }
    // Events attended.
    for g in &plan.gatherings {
        let input = EventInput {
            name: g.gathering.name.clone(),
            kind: None,
            starts_on: g.gathering.starts_on,
            ends_on: Some(g.gathering.ends_on),
            location: g.gathering.location.clone(),
            url: None,
            organizer: None,
            my_role: None,
            follow_up_days: None,
            notes: String::new(),
        };
        let valid = input.normalized(follow_up_days)?;
        let event = network::insert_event(conn, &valid, now).await?;
        for p in &g.attendees {
            network::set_attendance(conn, event, resolve(p), false).await?;
        }
        sources.push((&g.source, "event", event.to_string()));
    }
    // Where everything came from, in key order (so the rows go into the (format, key) index
    // one page after another). A key may appear twice in one file (the same card twice): the
    // last one wins, and a stable sort keeps it last among its equals.
    sources.sort_by(|a, b| {
        (a.0.format.as_str(), a.0.key.as_str()).cmp(&(b.0.format.as_str(), b.0.key.as_str()))
    });
    let mut rows: Vec<Vec<Val>> = Vec::with_capacity(sources.len());
    let mut sources = sources.into_iter().peekable();
    while let Some((s, kind, id)) = sources.next() {
        if sources.peek().is_some_and(|(n, _, _)| n.format == s.format && n.key == s.key) {
            continue;
        }
        rows.push(vec![
            Val::from(s.format.as_str()),
            s.key.clone().into(),
            kind.into(),
            id.into(),
            (s.hash as i64).into(),
        ]);
    }
    insert_rows_with(
        conn,
        "INSERT INTO import_sources (format, source_key, entity_kind, entity_id, content_hash, imported_at)",
        5,
        rows,
        vec![now.into()],
        "ON CONFLICT (format, source_key) DO UPDATE SET entity_kind = excluded.entity_kind, \
         entity_id = excluded.entity_id, content_hash = excluded.content_hash, \
         imported_at = excluded.imported_at",
    )
    .await?;
    // One row per contact (the last card wins, kept last by the stable sort), in key order.
    let rows_of = |mut list: Vec<(String, &CardExtras)>| {
        list.sort_by(|a, b| a.0.cmp(&b.0));
        let mut rows = Vec::with_capacity(list.len());
        let mut list = list.into_iter().peekable();
        while let Some((id, c)) = list.next() {
            if list.peek().is_some_and(|(next, _)| *next == id) {
                continue;
            }
            rows.push(vec![id.into(), c.uid.clone().into(), c.lines.join("\n").into()]);
        }
        rows
    };
    insert_rows(
        conn,
        "INSERT INTO contact_cards (contact_id, uid, extra)",
        3,
        rows_of(fill_cards),
        "ON CONFLICT (contact_id) DO NOTHING",
    )
    .await?;
    let card_rows = rows_of(cards);
    insert_rows(
        conn,
        "INSERT INTO contact_cards (contact_id, uid, extra)",
        3,
        card_rows,
        "ON CONFLICT (contact_id) DO UPDATE SET uid = excluded.uid, extra = excluded.extra",
    )
    .await?;
    restore_indexes(conn, rebuild).await?;
    Ok(Applied {
        contacts: ids,
        interactions: interaction_ids.len() as u64,
        events: plan.gatherings.len() as u64,
    })
}

/// The vCard UID and kept properties of contacts (for export).
pub(crate) async fn cards(
    conn: &mut AnyConnection,
    ids: &[ContactId],
) -> Result<HashMap<ContactId, CardExtras>> {
    let keys: Vec<String> = ids.iter().map(ToString::to_string).collect();
    let rows = fetch_in(
        conn,
        "SELECT contact_id, uid, extra FROM contact_cards WHERE contact_id IN ({IN})",
        &keys,
    )
    .await?;
    let mut out = HashMap::new();
    for r in rows {
        let extra = text(&r, "extra")?;
        out.insert(
            ContactId(uuid(&r, "contact_id")?),
            CardExtras {
                uid: opt_text(&r, "uid")?,
                lines: extra.lines().filter(|l| !l.is_empty()).map(str::to_string).collect(),
            },
        );
    }
    Ok(out)
}

/// How many uploads wait for confirmation at most (the oldest is dropped).
pub(crate) const STAGED_KEPT: i64 = 3;

/// Keeps an upload until its import is confirmed, dropping all but the newest few.
pub(crate) async fn stage(
    conn: &mut AnyConnection,
    s: crate::StagedImport,
    now: i64,
) -> Result<()> {
    exec(
        conn,
        "INSERT INTO staged_imports (token, file_name, format, content, add_unknown, skip_invalid, staged_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)"
            .into(),
        vec![
            s.token.clone().into(),
            s.file_name.into(),
            s.format.as_str().into(),
            Val::Bytes(s.content),
            i64::from(s.add_unknown).into(),
            i64::from(s.skip_invalid).into(),
            now.into(),
        ],
    )
    .await?;
    // The new upload stays whatever the clock says; the newest of the others fill the rest.
    exec(
        conn,
        "DELETE FROM staged_imports WHERE token <> $1 AND token NOT IN \
         (SELECT token FROM staged_imports WHERE token <> $1 \
          ORDER BY staged_at DESC, token LIMIT $2)"
            .into(),
        vec![s.token.into(), (STAGED_KEPT - 1).into()],
    )
    .await?;
    Ok(())
}

/// Takes a waiting upload out by its token.
pub(crate) async fn take_staged(
    conn: &mut AnyConnection,
    token: &str,
) -> Result<Option<crate::StagedImport>> {
    let rows = fetch(
        conn,
        "SELECT token, file_name, format, content, add_unknown, skip_invalid FROM staged_imports \
         WHERE token = $1"
            .into(),
        vec![token.into()],
    )
    .await?;
    let Some(r) = rows.first() else { return Ok(None) };
    let format = word_col(r, "format", ImportFormat::parse)?;
    let staged = crate::StagedImport {
        token: text(r, "token")?,
        file_name: text(r, "file_name")?,
        format,
        content: sqlx::Row::try_get::<Vec<u8>, _>(r, "content")?,
        add_unknown: int(r, "add_unknown")? != 0,
        skip_invalid: int(r, "skip_invalid")? != 0,
    };
    exec(conn, "DELETE FROM staged_imports WHERE token = $1".into(), vec![token.into()]).await?;
    Ok(Some(staged))
}

const OWN_EMAILS_KEY: &str = "me.emails";

/// The user's own email addresses (lower-case), newline-separated in `settings`.
pub(crate) async fn own_emails(conn: &mut AnyConnection) -> Result<Vec<String>> {
    let rows = fetch(
        conn,
        "SELECT value FROM settings WHERE key = $1".into(),
        vec![OWN_EMAILS_KEY.into()],
    )
    .await?;
    Ok(match rows.first() {
        Some(r) => text(r, "value")?.lines().map(str::to_string).collect(),
        None => Vec::new(),
    })
}

/// Replaces the user's own email addresses (each checked).
pub(crate) async fn set_own_emails(
    conn: &mut AnyConnection,
    emails: &[String],
) -> Result<Vec<String>> {
    let mut keys: Vec<String> = Vec::new();
    for e in emails {
        let valid = kith_core::validate::email("email", e)?;
        let key = kith_core::validate::email_key(&valid);
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    exec(conn, "DELETE FROM settings WHERE key = $1".into(), vec![OWN_EMAILS_KEY.into()]).await?;
    exec(
        conn,
        "INSERT INTO settings (key, value) VALUES ($1, $2)".into(),
        vec![OWN_EMAILS_KEY.into(), keys.join("\n").into()],
    )
    .await?;
    Ok(keys)
}
