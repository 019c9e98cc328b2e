//! Organizations.

use super::contacts::reindex;
use super::util::*;
use crate::{OrganizationQuery, Page, Result, StoreError};
use kith_core::text::{fold, prefix_upper_bound};
use kith_core::{
    ContactId, Organization, OrganizationId, OrganizationInput, OrganizationSummary, Role,
};
use sqlx::AnyConnection;

const SUMMARY_SELECT: &str = "SELECT o.id, o.name, o.domain, o.industry, \
    (SELECT COUNT(DISTINCT e.contact_id) FROM employment e JOIN contacts c ON c.id = e.contact_id AND c.trash_id IS NULL \
       WHERE e.organization_id = o.id AND e.end_date IS NULL) AS current_people, \
    (SELECT COUNT(DISTINCT e.contact_id) FROM employment e JOIN contacts c ON c.id = e.contact_id AND c.trash_id IS NULL \
       WHERE e.organization_id = o.id AND e.end_date IS NOT NULL) AS past_people \
    FROM organizations o";

fn summary(r: &sqlx::any::AnyRow) -> Result<OrganizationSummary> {
    Ok(OrganizationSummary {
        id: OrganizationId(uuid(r, "id")?),
        name: text(r, "name")?,
        domain: opt_text(r, "domain")?,
        industry: opt_text(r, "industry")?,
        current_people: int(r, "current_people")?,
        past_people: int(r, "past_people")?,
    })
}

async fn name_taken(
    conn: &mut AnyConnection,
    key: &str,
    except: Option<&str>,
) -> Result<Option<String>> {
    let rows = fetch(
        conn,
        "SELECT id, name FROM organizations WHERE trash_id IS NULL AND name_key = $1".into(),
        vec![key.into()],
    )
    .await?;
    for r in rows {
        if Some(text(&r, "id")?.as_str()) != except {
            return Ok(Some(text(&r, "name")?));
        }
    }
    Ok(None)
}

async fn write_tags(conn: &mut AnyConnection, id: &str, tags: &[String]) -> Result<()> {
    exec(conn, "DELETE FROM organization_tags WHERE organization_id = $1".into(), vec![id.into()])
        .await?;
    let rows = tags.iter().map(|t| vec![Val::from(id), t.clone().into()]).collect();
    insert_rows(conn, "INSERT INTO organization_tags (organization_id, tag)", 2, rows, "").await?;
    Ok(())
}

/// Inserts a new organization (input normalised).
pub(crate) async fn create(
    conn: &mut AnyConnection,
    o: &OrganizationInput,
    now: i64,
) -> Result<OrganizationId> {
    let key = fold(&o.name);
    if let Some(existing) = name_taken(conn, &key, None).await? {
        return Err(StoreError::Conflict(format!(
            "an organization named {existing:?} already exists"
        )));
    }
    let id = OrganizationId(new_id());
    let ids = id.to_string();
    exec(
        conn,
        "INSERT INTO organizations (id, name, name_key, domain, industry, size, location, notes, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
            .into(),
        vec![
            ids.clone().into(),
            o.name.clone().into(),
            key.into(),
            o.domain.clone().into(),
            o.industry.clone().into(),
            o.size.clone().into(),
            o.location.clone().into(),
            o.notes.clone().into(),
            now.into(),
            now.into(),
        ],
    )
    .await?;
    write_tags(conn, &ids, &o.tags).await?;
    Ok(id)
}

/// Replaces a live organization's fields (input normalised).
pub(crate) async fn update(
    conn: &mut AnyConnection,
    id: OrganizationId,
    o: &OrganizationInput,
    now: i64,
) -> Result<()> {
    let ids = id.to_string();
    let key = fold(&o.name);
    if let Some(existing) = name_taken(conn, &key, Some(&ids)).await? {
        return Err(StoreError::Conflict(format!(
            "an organization named {existing:?} already exists"
        )));
    }
    let n = exec(
        conn,
        "UPDATE organizations SET name = $1, name_key = $2, domain = $3, industry = $4, size = $5, location = $6, \
         notes = $7, updated_at = $8 WHERE id = $9 AND trash_id IS NULL"
            .into(),
        vec![
            o.name.clone().into(),
            key.into(),
            o.domain.clone().into(),
            o.industry.clone().into(),
            o.size.clone().into(),
            o.location.clone().into(),
            o.notes.clone().into(),
            now.into(),
            ids.clone().into(),
        ],
    )
    .await?;
    if n == 0 {
        return Err(StoreError::not_found("organization", ids));
    }
    write_tags(conn, &ids, &o.tags).await?;
    // People's search terms include the organization's name.
    let people = people_ids(conn, &ids).await?;
    reindex(conn, &people).await
}

/// Everyone with a role (current or past) at the organization.
pub(crate) async fn people_ids(conn: &mut AnyConnection, org: &str) -> Result<Vec<ContactId>> {
    fetch(
        conn,
        "SELECT DISTINCT contact_id FROM employment WHERE organization_id = $1".into(),
        vec![org.into()],
    )
    .await?
    .iter()
    .map(|r| uuid(r, "contact_id").map(ContactId))
    .collect()
}

/// A live organization with its people.
pub(crate) async fn get(conn: &mut AnyConnection, id: OrganizationId) -> Result<Organization> {
    let ids = id.to_string();
    let rows = fetch(
        conn,
        "SELECT id, name, domain, industry, size, location, notes, created_at, updated_at FROM organizations \
         WHERE id = $1 AND trash_id IS NULL"
            .into(),
        vec![ids.clone().into()],
    )
    .await?;
    let Some(r) = rows.first() else { return Err(StoreError::not_found("organization", ids)) };
    let tags = fetch(
        conn,
        "SELECT tag FROM organization_tags WHERE organization_id = $1 ORDER BY tag".into(),
        vec![ids.clone().into()],
    )
    .await?
    .iter()
    .map(|r| text(r, "tag"))
    .collect::<Result<_>>()?;
    let people = fetch(
        conn,
        "SELECT c.id, c.display_name, c.name_key, e.title, e.start_date, e.end_date FROM employment e \
         JOIN contacts c ON c.id = e.contact_id AND c.trash_id IS NULL WHERE e.organization_id = $1 \
         ORDER BY CASE WHEN e.end_date IS NULL THEN 0 ELSE 1 END, e.end_date DESC, c.name_key, c.id"
            .into(),
        vec![ids.clone().into()],
    )
    .await?
    .iter()
    .map(|r| {
        Ok(Role {
            contact_id: ContactId(uuid(r, "id")?),
            display_name: text(r, "display_name")?,
            title: opt_text(r, "title")?,
            start: parse_date(opt_text(r, "start_date")?),
            end: parse_date(opt_text(r, "end_date")?),
        })
    })
    .collect::<Result<_>>()?;
    Ok(Organization {
        id,
        name: text(r, "name")?,
        domain: opt_text(r, "domain")?,
        industry: opt_text(r, "industry")?,
        size: opt_text(r, "size")?,
        location: opt_text(r, "location")?,
        notes: text(r, "notes")?,
        tags,
        people,
        created_at: from_micros(int(r, "created_at")?),
        updated_at: from_micros(int(r, "updated_at")?),
    })
}

/// Organizations a reference may mean.
pub(crate) async fn find(
    conn: &mut AnyConnection,
    reference: &str,
) -> Result<Vec<OrganizationSummary>> {
    let r = reference.trim();
    if r.is_empty() {
        return Ok(vec![]);
    }
    let mut attempts: Vec<(String, Vec<Val>)> = Vec::new();
    if let Some((lo, hi)) = id_prefix_range(r) {
        attempts.push((
            format!("{SUMMARY_SELECT} WHERE o.trash_id IS NULL AND o.id >= $1 AND o.id < $2 ORDER BY o.id LIMIT 20"),
            vec![lo.into(), hi.into()],
        ));
    }
    let key = fold(r);
    attempts.push((
        format!("{SUMMARY_SELECT} WHERE o.trash_id IS NULL AND (o.name_key = $1 OR o.domain = $1) ORDER BY o.name_key, o.id LIMIT 20"),
        vec![key.clone().into()],
    ));
    attempts.push((
        format!("{SUMMARY_SELECT} WHERE o.trash_id IS NULL AND o.name_key >= $1 AND o.name_key < $2 ORDER BY o.name_key, o.id LIMIT 20"),
        vec![key.clone().into(), prefix_upper_bound(&key).into()],
    ));
    for (sql, vals) in attempts {
        let found =
            fetch(conn, sql, vals).await?.iter().map(summary).collect::<Result<Vec<_>>>()?;
        if !found.is_empty() {
            return Ok(found);
        }
    }
    Ok(vec![])
}

/// A page of live organizations by name.
pub(crate) async fn list(
    conn: &mut AnyConnection,
    q: &OrganizationQuery,
) -> Result<Page<OrganizationSummary>> {
    let total_rows = fetch(
        conn,
        "SELECT COUNT(*) AS n FROM organizations WHERE trash_id IS NULL".into(),
        vec![],
    )
    .await?;
    let total = total_rows.first().map(|r| int(r, "n")).transpose()?.unwrap_or(0) as u64;
    let limit = q.limit.unwrap_or(i64::MAX as u64).min(i64::MAX as u64) as i64;
    let items = fetch(
        conn,
        format!(
            "{SUMMARY_SELECT} WHERE o.trash_id IS NULL ORDER BY o.name_key, o.id LIMIT $1 OFFSET $2"
        ),
        vec![limit.into(), (q.offset as i64).into()],
    )
    .await?
    .iter()
    .map(summary)
    .collect::<Result<_>>()?;
    Ok(Page { items, total })
}
