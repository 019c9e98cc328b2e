//! `Store` for `SqlStore`: each method opens a transaction (for writes), calls the module that
//! does the work, and commits.

use super::util::{fetch, int, micros};
use super::{SqlStore, contacts, interactions, organizations, search, trash};
use crate::{
    Backend, ContactQuery, ContactRef, InteractionQuery, OrganizationQuery, Page, Result,
    SearchHit, Stats, Store, StoreError,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kith_core::error::FieldError;
use kith_core::{
    Contact, ContactId, ContactInput, ContactSummary, Interaction, InteractionId, InteractionInput,
    Note, NoteId, Organization, OrganizationId, OrganizationInput, OrganizationSummary, TrashEntry,
    TrashId, ValidationError,
};

/// Prefixes field names with the record's position, for bulk validation errors.
fn at_index(i: usize, e: ValidationError) -> ValidationError {
    ValidationError {
        errors: e
            .errors
            .into_iter()
            .map(|f| FieldError { field: format!("record {}: {}", i + 1, f.field), ..f })
            .collect(),
    }
}

#[async_trait]
impl Store for SqlStore {
    fn backend(&self) -> Backend {
        SqlStore::backend(self)
    }

    async fn create_contact(&self, input: &ContactInput, now: DateTime<Utc>) -> Result<Contact> {
        let input = input.normalized(now.date_naive())?;
        let id = ContactId(super::util::new_id());
        let mut tx = self.pool.begin().await?;
        contacts::insert_contacts(&mut tx, &[(id, &input)], micros(now)).await?;
        tx.commit().await?;
        self.get_contact(id).await
    }

    async fn update_contact(
        &self,
        id: ContactId,
        input: &ContactInput,
        now: DateTime<Utc>,
    ) -> Result<Contact> {
        let input = input.normalized(now.date_naive())?;
        let mut tx = self.pool.begin().await?;
        contacts::replace_contact(&mut tx, id, &input, micros(now)).await?;
        tx.commit().await?;
        self.get_contact(id).await
    }

    async fn get_contact(&self, id: ContactId) -> Result<Contact> {
        let mut conn = self.pool.acquire().await?;
        contacts::load_contacts(&mut conn, &[id], false)
            .await?
            .pop()
            .ok_or_else(|| StoreError::not_found("contact", id.to_string()))
    }

    async fn find_contacts(&self, reference: &str) -> Result<Vec<ContactRef>> {
        let mut conn = self.pool.acquire().await?;
        let found = contacts::find(&mut conn, reference).await?;
        if !found.is_empty() || reference.contains('@') {
            return Ok(found);
        }
        drop(conn);
        // Last resort: a unique exact word match on a name ("Lovelace" for "Ada Lovelace").
        let hits = self.search(reference, 2).await?;
        let exact: Vec<&SearchHit> = hits.iter().filter(|h| h.score >= 0.999).collect();
        Ok(match exact.as_slice() {
            [one] => vec![ContactRef {
                id: one.contact.id,
                display_name: one.contact.display_name.clone(),
                primary_email: one.contact.primary_email.clone(),
            }],
            _ => vec![],
        })
    }

    async fn list_contacts(&self, query: &ContactQuery) -> Result<Page<ContactSummary>> {
        let mut conn = self.pool.acquire().await?;
        contacts::list(&mut conn, query).await
    }

    async fn trash_contact(&self, id: ContactId, now: DateTime<Utc>) -> Result<TrashEntry> {
        let mut tx = self.pool.begin().await?;
        let e = trash::trash_contact(&mut tx, &id.to_string(), micros(now)).await?;
        tx.commit().await?;
        Ok(e)
    }

    async fn add_note(&self, contact: ContactId, body: &str, now: DateTime<Utc>) -> Result<Note> {
        let body = body.trim();
        if body.is_empty() {
            return Err(ValidationError::one("note", None, "some text").into());
        }
        let mut tx = self.pool.begin().await?;
        let live = fetch(
            &mut tx,
            "SELECT id FROM contacts WHERE id = $1 AND trash_id IS NULL".into(),
            vec![contact.to_string().into()],
        )
        .await?;
        if live.is_empty() {
            return Err(StoreError::not_found("contact", contact.to_string()));
        }
        let note = Note {
            id: NoteId(super::util::new_id()),
            contact_id: contact,
            body: body.to_string(),
            created_at: now,
        };
        super::util::exec(
            &mut tx,
            "INSERT INTO notes (id, contact_id, body, created_at) VALUES ($1, $2, $3, $4)".into(),
            vec![
                note.id.to_string().into(),
                contact.to_string().into(),
                note.body.clone().into(),
                micros(now).into(),
            ],
        )
        .await?;
        super::util::exec(
            &mut tx,
            "UPDATE contacts SET updated_at = $1 WHERE id = $2".into(),
            vec![micros(now).into(), contact.to_string().into()],
        )
        .await?;
        contacts::reindex(&mut tx, &[contact]).await?;
        tx.commit().await?;
        Ok(note)
    }

    async fn list_notes(&self, contact: ContactId) -> Result<Vec<Note>> {
        let mut conn = self.pool.acquire().await?;
        fetch(
            &mut conn,
            "SELECT id, body, created_at FROM notes WHERE contact_id = $1 AND trash_id IS NULL ORDER BY created_at DESC, id".into(),
            vec![contact.to_string().into()],
        )
        .await?
        .iter()
        .map(|r| {
            Ok(Note {
                id: NoteId(super::util::uuid(r, "id")?),
                contact_id: contact,
                body: super::util::text(r, "body")?,
                created_at: super::util::from_micros(int(r, "created_at")?),
            })
        })
        .collect()
    }

    async fn create_organization(
        &self,
        input: &OrganizationInput,
        now: DateTime<Utc>,
    ) -> Result<Organization> {
        let input = input.normalized()?;
        let mut tx = self.pool.begin().await?;
        let id = organizations::create(&mut tx, &input, micros(now)).await?;
        tx.commit().await?;
        self.get_organization(id).await
    }

    async fn update_organization(
        &self,
        id: OrganizationId,
        input: &OrganizationInput,
        now: DateTime<Utc>,
    ) -> Result<Organization> {
        let input = input.normalized()?;
        let mut tx = self.pool.begin().await?;
        organizations::update(&mut tx, id, &input, micros(now)).await?;
        tx.commit().await?;
        self.get_organization(id).await
    }

    async fn get_organization(&self, id: OrganizationId) -> Result<Organization> {
        let mut conn = self.pool.acquire().await?;
        organizations::get(&mut conn, id).await
    }

    async fn find_organizations(&self, reference: &str) -> Result<Vec<OrganizationSummary>> {
        let mut conn = self.pool.acquire().await?;
        organizations::find(&mut conn, reference).await
    }

    async fn list_organizations(
        &self,
        query: &OrganizationQuery,
    ) -> Result<Page<OrganizationSummary>> {
        let mut conn = self.pool.acquire().await?;
        organizations::list(&mut conn, query).await
    }

    async fn trash_organization(
        &self,
        id: OrganizationId,
        now: DateTime<Utc>,
    ) -> Result<TrashEntry> {
        let mut tx = self.pool.begin().await?;
        let e = trash::trash_organization(&mut tx, &id.to_string(), micros(now)).await?;
        tx.commit().await?;
        Ok(e)
    }

    async fn log_interaction(
        &self,
        input: &InteractionInput,
        now: DateTime<Utc>,
    ) -> Result<Interaction> {
        let input = input.normalized(now)?;
        let id = InteractionId(super::util::new_id());
        let mut tx = self.pool.begin().await?;
        interactions::insert(&mut tx, &[(id, &input)], micros(now)).await?;
        tx.commit().await?;
        self.get_interaction(id).await
    }

    async fn get_interaction(&self, id: InteractionId) -> Result<Interaction> {
        let mut conn = self.pool.acquire().await?;
        interactions::load(&mut conn, &[id.to_string()])
            .await?
            .pop()
            .ok_or_else(|| StoreError::not_found("interaction", id.to_string()))
    }

    async fn find_interactions(&self, id_prefix: &str) -> Result<Vec<Interaction>> {
        let mut conn = self.pool.acquire().await?;
        interactions::find(&mut conn, id_prefix).await
    }

    async fn list_interactions(&self, query: &InteractionQuery) -> Result<Page<Interaction>> {
        let mut conn = self.pool.acquire().await?;
        interactions::list(&mut conn, query).await
    }

    async fn trash_interaction(&self, id: InteractionId, now: DateTime<Utc>) -> Result<TrashEntry> {
        let mut tx = self.pool.begin().await?;
        let e = trash::trash_interaction(&mut tx, &id.to_string(), micros(now)).await?;
        tx.commit().await?;
        Ok(e)
    }

    async fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
        let mut conn = self.pool.acquire().await?;
        search::search(&mut conn, query, limit).await
    }

    async fn list_trash(&self) -> Result<Vec<TrashEntry>> {
        let mut conn = self.pool.acquire().await?;
        trash::list(&mut conn).await
    }

    async fn find_trash(&self, reference: &str) -> Result<Vec<TrashEntry>> {
        let mut conn = self.pool.acquire().await?;
        trash::find(&mut conn, reference).await
    }

    async fn restore(&self, id: TrashId, _now: DateTime<Utc>) -> Result<TrashEntry> {
        let mut tx = self.pool.begin().await?;
        let e = trash::restore(&mut tx, id).await?;
        tx.commit().await?;
        Ok(e)
    }

    async fn purge(&self, id: TrashId) -> Result<TrashEntry> {
        let mut tx = self.pool.begin().await?;
        let e = trash::purge(&mut tx, id).await?;
        tx.commit().await?;
        Ok(e)
    }

    async fn purge_all(&self) -> Result<u64> {
        let mut tx = self.pool.begin().await?;
        let n = trash::purge_all(&mut tx).await?;
        tx.commit().await?;
        Ok(n)
    }

    async fn import_contacts(
        &self,
        inputs: &[ContactInput],
        now: DateTime<Utc>,
    ) -> Result<Vec<ContactId>> {
        let today = now.date_naive();
        let mut normalized = Vec::with_capacity(inputs.len());
        for (i, c) in inputs.iter().enumerate() {
            normalized.push(c.normalized(today).map_err(|e| at_index(i, e))?);
        }
        let ids: Vec<ContactId> =
            (0..normalized.len()).map(|_| ContactId(super::util::new_id())).collect();
        let items: Vec<(ContactId, &ContactInput)> =
            ids.iter().copied().zip(normalized.iter()).collect();
        let mut tx = self.pool.begin().await?;
        contacts::insert_contacts(&mut tx, &items, micros(now)).await?;
        tx.commit().await?;
        Ok(ids)
    }

    async fn import_interactions(
        &self,
        inputs: &[InteractionInput],
        now: DateTime<Utc>,
    ) -> Result<u64> {
        let mut normalized = Vec::with_capacity(inputs.len());
        for (i, x) in inputs.iter().enumerate() {
            normalized.push(x.normalized(now).map_err(|e| at_index(i, e))?);
        }
        let ids: Vec<InteractionId> =
            (0..normalized.len()).map(|_| InteractionId(super::util::new_id())).collect();
        let items: Vec<(InteractionId, &InteractionInput)> =
            ids.iter().copied().zip(normalized.iter()).collect();
        let mut tx = self.pool.begin().await?;
        interactions::insert(&mut tx, &items, micros(now)).await?;
        tx.commit().await?;
        Ok(items.len() as u64)
    }

    async fn stats(&self) -> Result<Stats> {
        let mut conn = self.pool.acquire().await?;
        let rows = fetch(
            &mut conn,
            "SELECT (SELECT COUNT(*) FROM contacts WHERE trash_id IS NULL) AS contacts, \
             (SELECT COUNT(*) FROM organizations WHERE trash_id IS NULL) AS organizations, \
             (SELECT COUNT(*) FROM interactions WHERE trash_id IS NULL) AS interactions, \
             (SELECT COUNT(*) FROM notes WHERE trash_id IS NULL) AS notes, \
             (SELECT COUNT(*) FROM trash) AS trash"
                .into(),
            vec![],
        )
        .await?;
        let r = rows.first().ok_or_else(|| StoreError::Other("no stats row".into()))?;
        let n = |c: &str| int(r, c).map(|v| v as u64);
        Ok(Stats {
            contacts: n("contacts")?,
            organizations: n("organizations")?,
            interactions: n("interactions")?,
            notes: n("notes")?,
            trash: n("trash")?,
        })
    }
}
