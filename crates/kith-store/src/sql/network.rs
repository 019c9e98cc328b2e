//! Events and who was there, communities, members and contributions.

use super::util::*;
use crate::{EventQuery, Page, Result, StoreError};
use kith_core::network::{
    Attendee, Community, CommunityKind, CommunityRole, CommunitySummary, Contribution,
    ContributionInput, ContributionKind, Event, EventKind, EventRole, EventSummary, FollowUp,
    ValidCommunityInput, ValidEventInput,
};
use kith_core::text::fold;
use kith_core::{CommunityId, ContactId, ContributionId, EventId, OrganizationId};
use sqlx::AnyConnection;
use sqlx::any::AnyRow;

/// Follow-ups for events that ended longer ago than this are no longer listed: the moment has
/// passed and the contact's cadence (if any) takes over.
pub const FOLLOW_UP_HORIZON_DAYS: i64 = 90;

pub(crate) async fn check_contact(conn: &mut AnyConnection, id: ContactId) -> Result<String> {
    let rows = fetch(
        conn,
        "SELECT display_name FROM contacts WHERE id = $1 AND trash_id IS NULL".into(),
        vec![id.to_string().into()],
    )
    .await?;
    rows.first()
        .map(|r| text(r, "display_name"))
        .unwrap_or_else(|| Err(StoreError::not_found("contact", id.to_string())))
}

pub(crate) async fn check_organization(
    conn: &mut AnyConnection,
    id: Option<OrganizationId>,
) -> Result<()> {
    let Some(id) = id else { return Ok(()) };
    let rows = fetch(
        conn,
        "SELECT id FROM organizations WHERE id = $1 AND trash_id IS NULL".into(),
        vec![id.to_string().into()],
    )
    .await?;
    if rows.is_empty() {
        return Err(StoreError::not_found("organization", id.to_string()));
    }
    Ok(())
}

fn event_vals(e: &ValidEventInput) -> Vec<Val> {
    vec![
        e.name.clone().into(),
        fold(&e.name).into(),
        e.kind.as_str().into(),
        e.starts_on.to_string().into(),
        e.ends_on.to_string().into(),
        e.location.clone().into(),
        e.url.clone().into(),
        e.organizer.map(|o| o.to_string()).into(),
        e.my_role.as_str().into(),
        i64::from(e.follow_up_days).into(),
        e.notes.clone().into(),
    ]
}

/// Saves a new event.
pub(crate) async fn insert_event(
    conn: &mut AnyConnection,
    e: &ValidEventInput,
    now: i64,
) -> Result<EventId> {
    check_organization(conn, e.organizer).await?;
    let id = EventId(new_id());
    let mut vals = vec![Val::from(id.to_string())];
    vals.extend(event_vals(e));
    vals.extend([now.into(), now.into()]);
    exec(
        conn,
        "INSERT INTO events (id, name, name_key, kind, starts_on, ends_on, location, url, organizer_id, \
         my_role, follow_up_days, notes, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
            .into(),
        vals,
    )
    .await?;
    Ok(id)
}

/// Replaces an event's fields.
pub(crate) async fn update_event(
    conn: &mut AnyConnection,
    id: EventId,
    e: &ValidEventInput,
    now: i64,
) -> Result<()> {
    check_organization(conn, e.organizer).await?;
    let mut vals = event_vals(e);
    vals.extend([now.into(), id.to_string().into()]);
    let n = exec(
        conn,
        "UPDATE events SET name = $1, name_key = $2, kind = $3, starts_on = $4, ends_on = $5, \
         location = $6, url = $7, organizer_id = $8, my_role = $9, follow_up_days = $10, notes = $11, \
         updated_at = $12 WHERE id = $13 AND trash_id IS NULL"
            .into(),
        vals,
    )
    .await?;
    if n == 0 {
        return Err(StoreError::not_found("event", id.to_string()));
    }
    Ok(())
}

const LIVE_ATTENDEES: &str = "FROM event_attendees a JOIN contacts c ON c.id = a.contact_id AND c.trash_id IS NULL \
                              WHERE a.event_id = e.id";

fn event_summary_select() -> String {
    format!(
        "SELECT e.id, e.name, e.kind, e.starts_on, e.ends_on, e.location, e.my_role, \
         (SELECT COUNT(*) {LIVE_ATTENDEES}) AS attendees, \
         (SELECT COUNT(*) {LIVE_ATTENDEES} AND a.met_here = 1) AS met_here FROM events e"
    )
}

fn event_summary(r: &AnyRow) -> Result<EventSummary> {
    Ok(EventSummary {
        id: EventId(uuid(r, "id")?),
        name: text(r, "name")?,
        kind: word_col(r, "kind", EventKind::parse)?,
        starts_on: date_col(r, "starts_on")?,
        ends_on: date_col(r, "ends_on")?,
        location: opt_text(r, "location")?,
        my_role: word_col(r, "my_role", EventRole::parse)?,
        attendees: int(r, "attendees")?,
        met_here: int(r, "met_here")?,
    })
}

/// Summaries of live events by id, in the order given.
async fn event_summaries(conn: &mut AnyConnection, ids: &[String]) -> Result<Vec<EventSummary>> {
    let sql = format!("{} WHERE e.trash_id IS NULL AND e.id IN ({{IN}})", event_summary_select());
    let mut found: Vec<EventSummary> =
        fetch_in(conn, &sql, ids).await?.iter().map(event_summary).collect::<Result<_>>()?;
    found.sort_by_key(|e| ids.iter().position(|i| *i == e.id.to_string()));
    Ok(found)
}

/// A live event with its attendees.
pub(crate) async fn get_event(conn: &mut AnyConnection, id: EventId) -> Result<Event> {
    let rows = fetch(
        conn,
        "SELECT e.*, o.name AS organizer_name FROM events e \
         LEFT JOIN organizations o ON o.id = e.organizer_id AND o.trash_id IS NULL \
         WHERE e.id = $1 AND e.trash_id IS NULL"
            .into(),
        vec![id.to_string().into()],
    )
    .await?;
    let Some(r) = rows.first() else { return Err(StoreError::not_found("event", id.to_string())) };
    let organizer = match (opt_text(r, "organizer_id")?, opt_text(r, "organizer_name")?) {
        (Some(oid), Some(name)) => Some((OrganizationId(parse_id(&oid)?), name)),
        _ => None,
    };
    let attendees = fetch(
        conn,
        "SELECT c.id, c.display_name, a.met_here FROM event_attendees a \
         JOIN contacts c ON c.id = a.contact_id AND c.trash_id IS NULL \
         WHERE a.event_id = $1 ORDER BY c.name_key, c.id"
            .into(),
        vec![id.to_string().into()],
    )
    .await?
    .iter()
    .map(|a| {
        Ok(Attendee {
            contact_id: ContactId(uuid(a, "id")?),
            display_name: text(a, "display_name")?,
            met_here: int(a, "met_here")? == 1,
        })
    })
    .collect::<Result<_>>()?;
    Ok(Event {
        id,
        name: text(r, "name")?,
        kind: word_col(r, "kind", EventKind::parse)?,
        starts_on: date_col(r, "starts_on")?,
        ends_on: date_col(r, "ends_on")?,
        location: opt_text(r, "location")?,
        url: opt_text(r, "url")?,
        organizer,
        my_role: word_col(r, "my_role", EventRole::parse)?,
        follow_up_days: u32::try_from(int(r, "follow_up_days")?).unwrap_or(0),
        notes: text(r, "notes")?,
        attendees,
        created_at: from_micros(int(r, "created_at")?),
        updated_at: from_micros(int(r, "updated_at")?),
    })
}

/// A filtered page of events, latest first.
pub(crate) async fn list_events(
    conn: &mut AnyConnection,
    q: &EventQuery,
) -> Result<Page<EventSummary>> {
    let mut wheres = vec!["e.trash_id IS NULL".to_string()];
    let mut vals: Vec<Val> = vec![];
    if let Some(from) = q.from {
        vals.push(from.to_string().into());
        wheres.push(format!("e.ends_on >= ${}", vals.len()));
    }
    if let Some(to) = q.to {
        vals.push(to.to_string().into());
        wheres.push(format!("e.starts_on <= ${}", vals.len()));
    }
    if let Some(c) = q.contact {
        vals.push(c.to_string().into());
        wheres.push(format!(
            "EXISTS (SELECT 1 FROM event_attendees a WHERE a.event_id = e.id AND a.contact_id = ${})",
            vals.len()
        ));
    }
    let from = format!("FROM events e WHERE {}", wheres.join(" AND "));
    let (total, ids) = page_ids(
        conn,
        "e.id",
        &from,
        "e.starts_on DESC, e.name_key, e.id",
        vals,
        q.limit,
        q.offset,
    )
    .await?;
    Ok(Page { items: event_summaries(conn, &ids).await?, total })
}

/// Events a reference may mean (id prefix, exact name, name prefix), latest first.
pub(crate) async fn find_events(
    conn: &mut AnyConnection,
    reference: &str,
) -> Result<Vec<EventSummary>> {
    let ids = ids_by_reference(conn, "events", "name_key", reference).await?;
    let mut found = event_summaries(conn, &ids).await?;
    found.sort_by(|a, b| b.starts_on.cmp(&a.starts_on).then(a.id.cmp(&b.id)));
    Ok(found)
}

/// Records a contact at an event; `met_here` marks the event where the user first met them
/// (and fills their first-met date when it is empty).
pub(crate) async fn set_attendance(
    conn: &mut AnyConnection,
    event: EventId,
    contact: ContactId,
    met_here: bool,
) -> Result<()> {
    let e = get_event(conn, event).await?;
    let name = check_contact(conn, contact).await?;
    if met_here {
        let other = fetch(
            conn,
            "SELECT e.name FROM event_attendees a JOIN events e ON e.id = a.event_id AND e.trash_id IS NULL \
             WHERE a.contact_id = $1 AND a.met_here = 1 AND a.event_id <> $2"
                .into(),
            vec![contact.to_string().into(), event.to_string().into()],
        )
        .await?;
        if let Some(r) = other.first() {
            return Err(StoreError::Conflict(format!(
                "{name} was first met at {}; a person is first met once (record them as an attendee without --met-here)",
                text(r, "name")?
            )));
        }
        // A trashed event may still hold the mark; it yields to the live one.
        exec(
            conn,
            "UPDATE event_attendees SET met_here = 0 WHERE contact_id = $1 AND event_id <> $2"
                .into(),
            vec![contact.to_string().into(), event.to_string().into()],
        )
        .await?;
        exec(
            conn,
            "UPDATE contacts SET first_met = $1 WHERE id = $2 AND first_met IS NULL".into(),
            vec![e.starts_on.to_string().into(), contact.to_string().into()],
        )
        .await?;
    }
    let flag = i64::from(met_here);
    exec(
        conn,
        "INSERT INTO event_attendees (event_id, contact_id, met_here) VALUES ($1, $2, $3) \
         ON CONFLICT (event_id, contact_id) DO UPDATE SET met_here = $3"
            .into(),
        vec![event.to_string().into(), contact.to_string().into(), flag.into()],
    )
    .await?;
    Ok(())
}

/// Removes a contact from an event.
pub(crate) async fn remove_attendance(
    conn: &mut AnyConnection,
    event: EventId,
    contact: ContactId,
) -> Result<()> {
    let e = get_event(conn, event).await?;
    let n = exec(
        conn,
        "DELETE FROM event_attendees WHERE event_id = $1 AND contact_id = $2".into(),
        vec![event.to_string().into(), contact.to_string().into()],
    )
    .await?;
    if n == 0 {
        let name = check_contact(conn, contact).await?;
        return Err(kith_core::ValidationError::one(
            "contact",
            Some(&name),
            &format!("someone recorded at {}", e.name),
        )
        .into());
    }
    Ok(())
}

/// Open follow-ups: people first met at a live event that ended by `today` (and not more than
/// [`FOLLOW_UP_HORIZON_DAYS`] ago), with no live interaction since the event began, not snoozed.
pub(crate) async fn follow_ups(
    conn: &mut AnyConnection,
    today: chrono::NaiveDate,
) -> Result<Vec<FollowUp>> {
    let oldest = today - chrono::Duration::days(FOLLOW_UP_HORIZON_DAYS);
    let rows = fetch(
        conn,
        "SELECT c.id, c.display_name, e.id AS event_id, e.name, e.starts_on, e.ends_on, e.follow_up_days, s.last_at \
         FROM event_attendees a JOIN events e ON e.id = a.event_id AND e.trash_id IS NULL \
         JOIN contacts c ON c.id = a.contact_id AND c.trash_id IS NULL \
         LEFT JOIN contact_stats s ON s.contact_id = c.id \
         WHERE a.met_here = 1 AND e.ends_on <= $1 AND e.ends_on >= $2 \
         AND (c.snoozed_until IS NULL OR c.snoozed_until <= $1) \
         ORDER BY e.ends_on, c.name_key, c.id"
            .into(),
        vec![today.to_string().into(), oldest.to_string().into()],
    )
    .await?;
    let mut out = Vec::new();
    for r in &rows {
        let starts = date_col(r, "starts_on")?;
        if opt_int(r, "last_at")?.is_some_and(|last| last >= day_start(starts)) {
            continue;
        }
        let ended = date_col(r, "ends_on")?;
        out.push(FollowUp {
            contact: participant(r)?,
            event_id: EventId(uuid(r, "event_id")?),
            event_name: text(r, "name")?,
            event_ended: ended,
            due_on: ended + chrono::Duration::days(int(r, "follow_up_days")?),
        });
    }
    Ok(out)
}

// --- communities ---

async fn check_community_name(
    conn: &mut AnyConnection,
    name: &str,
    except: Option<CommunityId>,
) -> Result<()> {
    let rows = fetch(
        conn,
        "SELECT id, name FROM communities WHERE name_key = $1 AND trash_id IS NULL".into(),
        vec![fold(name).into()],
    )
    .await?;
    for r in &rows {
        let id = CommunityId(uuid(r, "id")?);
        if Some(id) != except {
            return Err(StoreError::Conflict(format!(
                "a community named {:?} already exists ({}); names are unique",
                text(r, "name")?,
                id.short()
            )));
        }
    }
    Ok(())
}

fn community_vals(c: &ValidCommunityInput) -> Vec<Val> {
    vec![
        c.name.clone().into(),
        fold(&c.name).into(),
        c.kind.as_str().into(),
        c.url.clone().into(),
        c.my_role.as_str().into(),
        date_text(c.since).into(),
        date_text(c.renews_on).into(),
        c.notes.clone().into(),
    ]
}

/// Saves a new community (names are unique, case- and accent-insensitive).
pub(crate) async fn insert_community(
    conn: &mut AnyConnection,
    c: &ValidCommunityInput,
    now: i64,
) -> Result<CommunityId> {
    check_community_name(conn, &c.name, None).await?;
    let id = CommunityId(new_id());
    let mut vals = vec![Val::from(id.to_string())];
    vals.extend(community_vals(c));
    vals.extend([now.into(), now.into()]);
    exec(
        conn,
        "INSERT INTO communities (id, name, name_key, kind, url, my_role, since, renews_on, notes, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
            .into(),
        vals,
    )
    .await?;
    Ok(id)
}

/// Replaces a community's fields.
pub(crate) async fn update_community(
    conn: &mut AnyConnection,
    id: CommunityId,
    c: &ValidCommunityInput,
    now: i64,
) -> Result<()> {
    check_community_name(conn, &c.name, Some(id)).await?;
    let mut vals = community_vals(c);
    vals.extend([now.into(), id.to_string().into()]);
    let n = exec(
        conn,
        "UPDATE communities SET name = $1, name_key = $2, kind = $3, url = $4, my_role = $5, since = $6, \
         renews_on = $7, notes = $8, updated_at = $9 WHERE id = $10 AND trash_id IS NULL"
            .into(),
        vals,
    )
    .await?;
    if n == 0 {
        return Err(StoreError::not_found("community", id.to_string()));
    }
    Ok(())
}

const COMMUNITY_SUMMARY: &str = "SELECT m.id, m.name, m.kind, m.my_role, m.renews_on, \
     (SELECT COUNT(*) FROM community_members cm JOIN contacts c ON c.id = cm.contact_id AND c.trash_id IS NULL \
      WHERE cm.community_id = m.id) AS members, \
     (SELECT COUNT(*) FROM contributions k WHERE k.community_id = m.id AND k.trash_id IS NULL) AS contributions, \
     (SELECT MAX(k.occurred_on) FROM contributions k WHERE k.community_id = m.id AND k.trash_id IS NULL) AS last_contribution \
     FROM communities m";

fn community_summary(r: &AnyRow) -> Result<CommunitySummary> {
    Ok(CommunitySummary {
        id: CommunityId(uuid(r, "id")?),
        name: text(r, "name")?,
        kind: word_col(r, "kind", CommunityKind::parse)?,
        my_role: word_col(r, "my_role", CommunityRole::parse)?,
        renews_on: parse_date(opt_text(r, "renews_on")?),
        members: int(r, "members")?,
        contributions: int(r, "contributions")?,
        last_contribution: parse_date(opt_text(r, "last_contribution")?),
    })
}

/// Summaries of live communities by id, by name.
async fn community_summaries(
    conn: &mut AnyConnection,
    ids: &[String],
) -> Result<Vec<CommunitySummary>> {
    let sql = format!(
        "{COMMUNITY_SUMMARY} WHERE m.trash_id IS NULL AND m.id IN ({{IN}}) ORDER BY m.name_key, m.id"
    );
    fetch_in(conn, &sql, ids).await?.iter().map(community_summary).collect()
}

/// Every live community, by name (optionally only those a contact belongs to).
pub(crate) async fn list_communities(
    conn: &mut AnyConnection,
    contact: Option<ContactId>,
) -> Result<Vec<CommunitySummary>> {
    let (sql, vals) = match contact {
        Some(c) => (
            format!(
                "{COMMUNITY_SUMMARY} WHERE m.trash_id IS NULL AND EXISTS (SELECT 1 FROM community_members cm \
                 WHERE cm.community_id = m.id AND cm.contact_id = $1) ORDER BY m.name_key, m.id"
            ),
            vec![c.to_string().into()],
        ),
        None => (
            format!("{COMMUNITY_SUMMARY} WHERE m.trash_id IS NULL ORDER BY m.name_key, m.id"),
            vec![],
        ),
    };
    fetch(conn, sql, vals).await?.iter().map(community_summary).collect()
}

/// Communities a reference may mean.
pub(crate) async fn find_communities(
    conn: &mut AnyConnection,
    reference: &str,
) -> Result<Vec<CommunitySummary>> {
    let ids = ids_by_reference(conn, "communities", "name_key", reference).await?;
    community_summaries(conn, &ids).await
}

fn contribution(r: &AnyRow) -> Result<Contribution> {
    Ok(Contribution {
        id: ContributionId(uuid(r, "id")?),
        community_id: CommunityId(uuid(r, "community_id")?),
        community_name: text(r, "community_name")?,
        kind: word_col(r, "kind", ContributionKind::parse)?,
        on: date_col(r, "occurred_on")?,
        title: text(r, "title")?,
        url: opt_text(r, "url")?,
        created_at: from_micros(int(r, "created_at")?),
    })
}

const CONTRIBUTION_SELECT: &str = "SELECT k.id, k.community_id, m.name AS community_name, k.kind, k.occurred_on, \
     k.title, k.url, k.created_at FROM contributions k \
     JOIN communities m ON m.id = k.community_id AND m.trash_id IS NULL WHERE k.trash_id IS NULL";

/// Live contributions, newest first: of one community, or dated from `from` through `to`.
pub(crate) async fn contributions(
    conn: &mut AnyConnection,
    community: Option<CommunityId>,
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
) -> Result<Vec<Contribution>> {
    let mut sql = CONTRIBUTION_SELECT.to_string();
    let mut vals: Vec<Val> = vec![];
    if let Some(c) = community {
        vals.push(c.to_string().into());
        sql.push_str(&format!(" AND k.community_id = ${}", vals.len()));
    }
    if let Some(f) = from {
        vals.push(f.to_string().into());
        sql.push_str(&format!(" AND k.occurred_on >= ${}", vals.len()));
    }
    if let Some(t) = to {
        vals.push(t.to_string().into());
        sql.push_str(&format!(" AND k.occurred_on <= ${}", vals.len()));
    }
    sql.push_str(" ORDER BY k.occurred_on DESC, k.created_at DESC, k.id");
    fetch(conn, sql, vals).await?.iter().map(contribution).collect()
}

/// A live community with its members and contributions.
pub(crate) async fn get_community(conn: &mut AnyConnection, id: CommunityId) -> Result<Community> {
    let rows = fetch(
        conn,
        "SELECT * FROM communities WHERE id = $1 AND trash_id IS NULL".into(),
        vec![id.to_string().into()],
    )
    .await?;
    let Some(r) = rows.first() else {
        return Err(StoreError::not_found("community", id.to_string()));
    };
    let members = fetch(
        conn,
        "SELECT c.id, c.display_name FROM community_members cm \
         JOIN contacts c ON c.id = cm.contact_id AND c.trash_id IS NULL \
         WHERE cm.community_id = $1 ORDER BY c.name_key, c.id"
            .into(),
        vec![id.to_string().into()],
    )
    .await?
    .iter()
    .map(participant)
    .collect::<Result<_>>()?;
    Ok(Community {
        id,
        name: text(r, "name")?,
        kind: word_col(r, "kind", CommunityKind::parse)?,
        url: opt_text(r, "url")?,
        my_role: word_col(r, "my_role", CommunityRole::parse)?,
        since: parse_date(opt_text(r, "since")?),
        renews_on: parse_date(opt_text(r, "renews_on")?),
        notes: text(r, "notes")?,
        members,
        contributions: contributions(conn, Some(id), None, None).await?,
        created_at: from_micros(int(r, "created_at")?),
        updated_at: from_micros(int(r, "updated_at")?),
    })
}

/// Adds (`member = true`) or removes a contact from a community's people.
pub(crate) async fn set_member(
    conn: &mut AnyConnection,
    community: CommunityId,
    contact: ContactId,
    member: bool,
) -> Result<()> {
    let c = get_community(conn, community).await?;
    let name = check_contact(conn, contact).await?;
    if member {
        exec(
            conn,
            "INSERT INTO community_members (community_id, contact_id) VALUES ($1, $2) ON CONFLICT DO NOTHING"
                .into(),
            vec![community.to_string().into(), contact.to_string().into()],
        )
        .await?;
        return Ok(());
    }
    let n = exec(
        conn,
        "DELETE FROM community_members WHERE community_id = $1 AND contact_id = $2".into(),
        vec![community.to_string().into(), contact.to_string().into()],
    )
    .await?;
    if n == 0 {
        return Err(kith_core::ValidationError::one(
            "contact",
            Some(&name),
            &format!("a member of {}", c.name),
        )
        .into());
    }
    Ok(())
}

/// Records a contribution.
pub(crate) async fn add_contribution(
    conn: &mut AnyConnection,
    k: &ContributionInput,
    now: i64,
) -> Result<ContributionId> {
    get_community(conn, k.community).await?;
    let id = ContributionId(new_id());
    exec(
        conn,
        "INSERT INTO contributions (id, community_id, kind, occurred_on, title, url, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)"
            .into(),
        vec![
            id.to_string().into(),
            k.community.to_string().into(),
            k.kind.as_str().into(),
            k.on.to_string().into(),
            k.title.clone().into(),
            k.url.clone().into(),
            now.into(),
        ],
    )
    .await?;
    Ok(id)
}

/// Replaces a live contribution's fields (already checked).
pub(crate) async fn update_contribution(
    conn: &mut AnyConnection,
    id: ContributionId,
    k: &ContributionInput,
) -> Result<()> {
    get_community(conn, k.community).await?;
    let n = exec(
        conn,
        "UPDATE contributions SET community_id = $1, kind = $2, occurred_on = $3, title = $4, url = $5 \
         WHERE id = $6 AND trash_id IS NULL"
            .into(),
        vec![
            k.community.to_string().into(),
            k.kind.as_str().into(),
            k.on.to_string().into(),
            k.title.clone().into(),
            k.url.clone().into(),
            id.to_string().into(),
        ],
    )
    .await?;
    if n == 0 {
        return Err(StoreError::not_found("contribution", id.to_string()));
    }
    Ok(())
}

/// Contributions whose id starts with the prefix.
pub(crate) async fn find_contributions(
    conn: &mut AnyConnection,
    reference: &str,
) -> Result<Vec<Contribution>> {
    let Some((lo, hi)) = id_prefix_range(reference) else { return Ok(vec![]) };
    fetch(
        conn,
        format!("{CONTRIBUTION_SELECT} AND k.id >= $1 AND k.id < $2 ORDER BY k.id LIMIT 20"),
        vec![lo.into(), hi.into()],
    )
    .await?
    .iter()
    .map(contribution)
    .collect()
}

/// Events a contact was at (and whether the user first met them there), latest first.
pub(crate) async fn events_of_contact(
    conn: &mut AnyConnection,
    contact: ContactId,
) -> Result<Vec<(EventSummary, bool)>> {
    let rows = fetch(
        conn,
        "SELECT a.event_id, a.met_here FROM event_attendees a JOIN events e ON e.id = a.event_id \
         AND e.trash_id IS NULL WHERE a.contact_id = $1 ORDER BY e.starts_on DESC, e.id"
            .into(),
        vec![contact.to_string().into()],
    )
    .await?;
    let mut ids = Vec::with_capacity(rows.len());
    let mut met = Vec::with_capacity(rows.len());
    for r in &rows {
        ids.push(text(r, "event_id")?);
        met.push(int(r, "met_here")? == 1);
    }
    let summaries = event_summaries(conn, &ids).await?;
    Ok(summaries.into_iter().zip(met).collect())
}
