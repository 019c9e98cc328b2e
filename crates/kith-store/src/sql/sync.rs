//! Address-book sync state: one revision counter, a card row per contact (and per group card
//! a client wrote), tombstones kept as rows whose contact is gone or in the trash.
//!
//! Every write path that changes what a contact's card shows calls [`cards_changed`] inside
//! its transaction. Bumping the counter is an `UPDATE` of one row, so
//! on PostgreSQL concurrent writers queue on its row lock and revisions follow commit order:
//! a client that synced up to revision N never misses a change that commits later.

use super::contacts;
use super::imports;
use super::trash;
use super::util::{Val, exec, fetch, fetch_in, insert_rows, int, opt_int, opt_text, text};
use crate::model::{
    CardBody, CardChange, CardContent, CardWrite, CardWritten, StoredCard, SyncState,
};
use crate::{Result, StoreError};
use chrono::NaiveDate;
use kith_core::import::CardExtras;
use kith_core::{ContactId, ContactInput};
use sqlx::AnyConnection;

/// Takes the next revision (and, on PostgreSQL, the lock that orders writers until commit).
pub(crate) async fn bump(conn: &mut AnyConnection) -> Result<i64> {
    let rows = fetch(
        conn,
        "UPDATE sync_state SET revision = revision + 1 WHERE id = 1 RETURNING revision".into(),
        vec![],
    )
    .await?;
    let row = rows.first().ok_or_else(|| StoreError::Other("sync_state has no row".into()))?;
    int(row, "revision")
}

/// Stamps contacts' cards with a new revision (created, edited, trashed, restored, merged):
/// a new contact gets its card (`{id}.vcf`), a known one keeps its href. Returns the revision.
pub(crate) async fn cards_changed(conn: &mut AnyConnection, ids: &[String]) -> Result<i64> {
    let revision = bump(conn).await?;
    let rows = ids
        .iter()
        .map(|id| vec![format!("{id}.vcf").into(), id.clone().into(), revision.into(), 0i64.into()])
        .collect();
    insert_rows(
        conn,
        "INSERT INTO dav_cards (href, contact_id, revision, deleted)",
        4,
        rows,
        "ON CONFLICT (contact_id) DO UPDATE SET revision = excluded.revision",
    )
    .await?;
    Ok(revision)
}

/// Marks the cards of everyone whose current job is at `organization` changed (a rename).
pub(crate) async fn organization_changed(
    conn: &mut AnyConnection,
    organization: &str,
) -> Result<()> {
    let rows = fetch(
        conn,
        "SELECT DISTINCT contact_id FROM employment WHERE organization_id = $1 AND end_date IS NULL"
            .into(),
        vec![organization.into()],
    )
    .await?;
    let ids = rows.iter().map(|r| text(r, "contact_id")).collect::<Result<Vec<_>>>()?;
    if !ids.is_empty() {
        cards_changed(conn, &ids).await?;
    }
    Ok(())
}

/// A new epoch: every sync token handed out before is refused, so clients sync afresh (after a
/// backup is restored, revisions may go back).
pub(crate) async fn new_epoch(conn: &mut AnyConnection) -> Result<()> {
    exec(
        conn,
        "UPDATE sync_state SET epoch = $1 WHERE id = 1".into(),
        vec![uuid::Uuid::new_v4().simple().to_string().into()],
    )
    .await?;
    Ok(())
}

pub(crate) async fn state(conn: &mut AnyConnection) -> Result<SyncState> {
    let rows =
        fetch(conn, "SELECT revision, epoch FROM sync_state WHERE id = 1".into(), vec![]).await?;
    let row = rows.first().ok_or_else(|| StoreError::Other("sync_state has no row".into()))?;
    Ok(SyncState { revision: int(row, "revision")?, epoch: text(row, "epoch")? })
}

const CARD_LIVE: &str = "CASE WHEN d.contact_id IS NULL THEN 1 - d.deleted \
     WHEN c.id IS NOT NULL AND c.trash_id IS NULL THEN 1 ELSE 0 END";

fn change(row: &sqlx::any::AnyRow) -> Result<CardChange> {
    Ok(CardChange {
        href: text(row, "href")?,
        revision: int(row, "revision")?,
        live: int(row, "live")? == 1,
    })
}

/// Cards changed after `since`, deleted ones too, oldest change first.
pub(crate) async fn changes(conn: &mut AnyConnection, since: i64) -> Result<Vec<CardChange>> {
    let rows = fetch(
        conn,
        format!(
            "SELECT d.href, d.revision, {CARD_LIVE} AS live FROM dav_cards d \
             LEFT JOIN contacts c ON c.id = d.contact_id WHERE d.revision > $1 \
             ORDER BY d.revision, d.href"
        ),
        vec![since.into()],
    )
    .await?;
    rows.iter().map(change).collect()
}

/// The stored cards at `hrefs` that are live (missing ones are left out).
pub(crate) async fn cards(conn: &mut AnyConnection, hrefs: &[String]) -> Result<Vec<StoredCard>> {
    let rows = fetch_in(
        conn,
        &format!(
            "SELECT d.href, d.contact_id, d.revision, d.raw, d.raw_revision FROM dav_cards d \
             LEFT JOIN contacts c ON c.id = d.contact_id WHERE d.href IN ({{IN}}) AND {CARD_LIVE} = 1"
        ),
        hrefs,
    )
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    let mut wanted = Vec::new();
    for r in &rows {
        let revision = int(r, "revision")?;
        let raw = opt_text(r, "raw")?;
        let fresh = opt_int(r, "raw_revision")? == Some(revision);
        let contact = opt_text(r, "contact_id")?;
        let content = match (raw, contact) {
            (Some(raw), None) => CardContent::Raw(raw),
            (Some(raw), Some(_)) if fresh => CardContent::Raw(raw),
            (_, Some(id)) => {
                wanted.push(ContactId(super::util::parse_id(&id)?));
                CardContent::Pending(ContactId(super::util::parse_id(&id)?))
            }
            (None, None) => continue,
        };
        out.push(StoredCard { href: text(r, "href")?, revision, content });
    }
    if !wanted.is_empty() {
        let loaded = contacts::load_contacts(conn, &wanted, false).await?;
        let mut extras = imports::cards(conn, &wanted).await?;
        let mut by_id: std::collections::HashMap<ContactId, kith_core::Contact> =
            loaded.into_iter().map(|c| (c.id, c)).collect();
        for card in &mut out {
            if let CardContent::Pending(id) = card.content
                && let Some(contact) = by_id.remove(&id)
            {
                let extra = extras.remove(&id).unwrap_or_default();
                card.content = CardContent::Contact { contact: Box::new(contact), card: extra };
            }
        }
        out.retain(|c| !matches!(c.content, CardContent::Pending(_)));
    }
    Ok(out)
}

/// What is live at `href`: its contact (`None` for a group card) and revision.
async fn at(conn: &mut AnyConnection, href: &str) -> Result<Option<(Option<String>, i64)>> {
    let rows = fetch(
        conn,
        format!(
            "SELECT d.contact_id, d.revision, {CARD_LIVE} AS live FROM dav_cards d \
             LEFT JOIN contacts c ON c.id = d.contact_id WHERE d.href = $1"
        ),
        vec![href.into()],
    )
    .await?;
    match rows.first() {
        Some(r) if int(r, "live")? == 1 => {
            Ok(Some((opt_text(r, "contact_id")?, int(r, "revision")?)))
        }
        _ => Ok(None),
    }
}

/// Refuses a write whose preconditions (`If-Match`, `If-None-Match: *`) do not hold.
fn check_preconditions(
    write_if_match: Option<i64>,
    if_none_match: bool,
    current: Option<i64>,
) -> Result<()> {
    if if_none_match && current.is_some() {
        return Err(StoreError::PreconditionFailed("the card exists (If-None-Match: *)".into()));
    }
    if let Some(expected) = write_if_match {
        match current {
            None => {
                return Err(StoreError::PreconditionFailed(
                    "no card at this address (If-Match)".into(),
                ));
            }
            Some(rev) if rev != expected => {
                return Err(StoreError::PreconditionFailed(
                    "the card changed since (If-Match)".into(),
                ));
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// The href of another live card with this UID, if any.
async fn uid_owner(conn: &mut AnyConnection, uid: &str, except: &str) -> Result<Option<String>> {
    // Three indexed lookups: group cards, imported or synced cards, cards Kith made.
    let mut queries = vec![
        (
            "SELECT href FROM dav_cards WHERE uid = $1 AND deleted = 0 AND href <> $2",
            uid.to_string(),
        ),
        (
            "SELECT d.href FROM contact_cards k JOIN contacts c ON c.id = k.contact_id AND c.trash_id IS NULL \
         JOIN dav_cards d ON d.contact_id = k.contact_id WHERE k.uid = $1 AND d.href <> $2",
            uid.to_string(),
        ),
    ];
    if let Some(id) = uid.strip_prefix("urn:uuid:").filter(|id| uuid::Uuid::parse_str(id).is_ok()) {
        queries.push((
            "SELECT d.href FROM dav_cards d JOIN contacts c ON c.id = d.contact_id AND c.trash_id IS NULL \
             WHERE d.contact_id = $1 AND d.href <> $2 \
             AND NOT EXISTS (SELECT 1 FROM contact_cards k WHERE k.contact_id = d.contact_id AND k.uid IS NOT NULL)",
            id.to_string(),
        ));
    }
    for (sql, key) in queries {
        let rows = fetch(conn, sql.into(), vec![key.into(), except.into()]).await?;
        if let Some(r) = rows.first() {
            return Ok(Some(text(r, "href")?));
        }
    }
    Ok(None)
}

/// Writes a card a client sent: creates or updates the contact (or group), in one
/// transaction the caller commits.
pub(crate) async fn put(
    conn: &mut AnyConnection,
    write: &CardWrite,
    today: NaiveDate,
    now: i64,
) -> Result<CardWritten> {
    let existing = at(conn, &write.href).await?;
    check_preconditions(write.if_match, write.if_none_match, existing.as_ref().map(|e| e.1))?;
    if let Some(other) = uid_owner(conn, write.body.uid(), &write.href).await? {
        return Err(StoreError::UidConflict { href: other });
    }
    let created = existing.is_none();
    let revision = match (&write.body, existing) {
        (CardBody::Contact { uid, input, extra }, Some((Some(id), _))) => {
            let cid = ContactId(super::util::parse_id(&id)?);
            let stored = contacts::load_contacts(conn, &[cid], false).await?;
            let stored = stored.first().ok_or_else(|| StoreError::not_found("contact", &id))?;
            let merged = kith_core::sync::apply_card(&stored.to_input(), (**input).clone(), today)
                .normalized(today)?;
            contacts::replace_contact(conn, cid, &merged, now).await?;
            set_card_extras(conn, &id, uid, extra).await?;
            keep_raw(conn, "href = $2", &write.href, write).await?
        }
        (CardBody::Contact { uid, input, extra }, _) => {
            // A tombstone (or a group) at this address gives way to the new card.
            exec(
                conn,
                "DELETE FROM dav_cards WHERE href = $1".into(),
                vec![write.href.clone().into()],
            )
            .await?;
            let input: ContactInput = input.normalized(today)?;
            let cid = ContactId(super::util::new_id());
            contacts::insert_contacts(conn, vec![(cid, input)], now).await?;
            let id = cid.to_string();
            set_card_extras(conn, &id, uid, extra).await?;
            keep_raw(conn, "contact_id = $2", &id, write).await?
        }
        (CardBody::Group { uid, tag, members }, existing) => {
            if let Some((Some(_), _)) = existing {
                return Err(StoreError::Conflict(
                    "this address holds a person's card; a group card needs its own address".into(),
                ));
            }
            let revision = bump(conn).await?;
            exec(
                conn,
                "INSERT INTO dav_cards (href, contact_id, uid, revision, deleted, raw, raw_revision) \
                 VALUES ($1, NULL, $2, $3, 0, $4, $3) \
                 ON CONFLICT (href) DO UPDATE SET contact_id = NULL, uid = excluded.uid, \
                 revision = excluded.revision, deleted = 0, raw = excluded.raw, \
                 raw_revision = excluded.revision"
                    .into(),
                vec![write.href.clone().into(), uid.clone().into(), revision.into(), write.raw.clone().into()],
            )
            .await?;
            if let Some(tag) = tag {
                tag_members(conn, tag, members).await?;
            }
            revision
        }
    };
    Ok(CardWritten { created, revision })
}

/// Gives a group's members (by card UID, or `urn:uuid:` and the id of a card Kith made) the
/// group's tag; their cards change with it.
async fn tag_members(conn: &mut AnyConnection, tag: &str, members: &[String]) -> Result<()> {
    if members.is_empty() {
        return Ok(());
    }
    // Apple writes members as `urn:uuid:` and the member card's UID, whatever that UID is.
    let mut uids: Vec<String> = members.to_vec();
    uids.extend(members.iter().filter_map(|m| m.strip_prefix("urn:uuid:")).map(str::to_string));
    let mut ids: Vec<String> = fetch_in(
        conn,
        "SELECT DISTINCT k.contact_id FROM contact_cards k JOIN contacts c ON c.id = k.contact_id \
         AND c.trash_id IS NULL WHERE k.uid IN ({IN})",
        &uids,
    )
    .await?
    .iter()
    .map(|r| text(r, "contact_id"))
    .collect::<Result<_>>()?;
    let made: Vec<String> = members
        .iter()
        .filter_map(|m| m.strip_prefix("urn:uuid:"))
        .filter(|id| uuid::Uuid::parse_str(id).is_ok())
        .map(str::to_string)
        .collect();
    for r in fetch_in(
        conn,
        "SELECT c.id FROM contacts c WHERE c.trash_id IS NULL AND c.id IN ({IN}) \
         AND NOT EXISTS (SELECT 1 FROM contact_cards k WHERE k.contact_id = c.id AND k.uid IS NOT NULL)",
        &made,
    )
    .await?
    {
        ids.push(text(&r, "id")?);
    }
    let mut changed = Vec::new();
    for id in ids {
        let added = exec(
            conn,
            "INSERT INTO contact_tags (contact_id, tag) VALUES ($1, $2) ON CONFLICT DO NOTHING"
                .into(),
            vec![id.clone().into(), tag.into()],
        )
        .await?;
        if added > 0 {
            changed.push(id);
        }
    }
    if !changed.is_empty() {
        cards_changed(conn, &changed).await?;
        let ids = changed
            .iter()
            .map(|id| super::util::parse_id(id).map(ContactId))
            .collect::<Result<Vec<_>>>()?;
        contacts::reindex(conn, &ids).await?;
    }
    Ok(())
}

/// Stores the client's bytes on the card found by `filter` (`$2` is `key`), renaming it to the
/// client's href; returns the card's revision.
async fn keep_raw(
    conn: &mut AnyConnection,
    filter: &str,
    key: &str,
    write: &CardWrite,
) -> Result<i64> {
    let rows = fetch(
        conn,
        format!(
            "UPDATE dav_cards SET href = $1, raw = $3, raw_revision = revision WHERE {filter} \
             RETURNING revision"
        ),
        vec![write.href.clone().into(), key.into(), write.raw.clone().into()],
    )
    .await?;
    let row = rows.first().ok_or_else(|| StoreError::not_found("card", &write.href))?;
    int(row, "revision")
}

async fn set_card_extras(
    conn: &mut AnyConnection,
    contact: &str,
    uid: &str,
    extra: &[String],
) -> Result<()> {
    let extras = CardExtras { uid: Some(uid.to_string()), lines: extra.to_vec() };
    exec(
        conn,
        "INSERT INTO contact_cards (contact_id, uid, extra) VALUES ($1, $2, $3) \
         ON CONFLICT (contact_id) DO UPDATE SET uid = excluded.uid, extra = excluded.extra"
            .into(),
        vec![contact.into(), Val::OptText(extras.uid), extras.lines.join("\n").into()],
    )
    .await?;
    Ok(())
}

/// Deletes the card at `href`: a contact goes to the trash (so nothing is lost), a group card
/// becomes a tombstone.
pub(crate) async fn delete(
    conn: &mut AnyConnection,
    href: &str,
    if_match: Option<i64>,
    now: i64,
) -> Result<()> {
    let existing = at(conn, href).await?;
    let Some((contact, revision)) = existing else {
        return Err(StoreError::not_found("card", href));
    };
    check_preconditions(if_match, false, Some(revision))?;
    match contact {
        Some(id) => {
            trash::trash_contact(conn, &id, now).await?;
        }
        None => {
            let revision = bump(conn).await?;
            exec(
                conn,
                "UPDATE dav_cards SET deleted = 1, revision = $1, raw = NULL WHERE href = $2"
                    .into(),
                vec![revision.into(), href.into()],
            )
            .await?;
        }
    }
    Ok(())
}

/// After a backup is restored: revisions continue above every restored card, every contact
/// has a card, and a new epoch refuses the sync tokens clients hold.
pub(crate) async fn after_restore(conn: &mut AnyConnection) -> Result<()> {
    exec(
        conn,
        "UPDATE sync_state SET revision = 1 + (SELECT COALESCE(MAX(revision), 0) FROM dav_cards) \
         WHERE id = 1 AND revision <= (SELECT COALESCE(MAX(revision), 0) FROM dav_cards)"
            .into(),
        vec![],
    )
    .await?;
    let revision = bump(conn).await?;
    exec(
        conn,
        "INSERT INTO dav_cards (href, contact_id, uid, revision, deleted) \
         SELECT c.id || '.vcf', c.id, NULL, $1, 0 FROM contacts c \
         WHERE NOT EXISTS (SELECT 1 FROM dav_cards d WHERE d.contact_id = c.id)"
            .into(),
        vec![revision.into()],
    )
    .await?;
    new_epoch(conn).await
}
