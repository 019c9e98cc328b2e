//! Relationship roles, connections and the evidence of who knows whom, opportunities and
//! collaborations.

use super::network::{check_contact, check_organization};
use super::nurture::list_agg;
use super::util::*;
use crate::{OpportunityQuery, Result, StoreError};
use chrono::NaiveDate;
use kith_core::insights::Tallies;
use kith_core::leverage::{
    Connection, ConnectionInput, Evidence, Membership, RelationshipRole, TieEvidence, TieWeights,
    TieWeightsBuilder,
};
use kith_core::pipeline::{
    Collaboration, CollaborationInput, CollaborationStatus, NextStep, Opportunity,
    OpportunityContact, OpportunityDetails, OpportunityInput, OpportunityKind, OpportunityRole,
    Pipeline, StageChange,
};
use kith_core::text::fold;
use kith_core::{
    CollaborationId, ConnectionId, ContactId, OpportunityId, OrganizationId, Participant,
    ValidationError,
};
use sqlx::AnyConnection;
use sqlx::any::AnyRow;
use std::collections::{HashMap, HashSet};

/// Events with more people than this do not imply everyone there met everyone else.
pub const MAX_EVENT_FOR_TIES: i64 = 50;
/// Organizations with more known people than this do not imply everyone there knows each
/// other (their people still count for paths to the organization).
pub const MAX_ORG_FOR_TIES: i64 = 500;

// --- roles ---

/// Adds and removes a contact's relationship roles.
pub(crate) async fn set_roles(
    conn: &mut AnyConnection,
    contact: ContactId,
    add: &[RelationshipRole],
    remove: &[RelationshipRole],
) -> Result<()> {
    check_contact(conn, contact).await?;
    for r in add {
        exec(
            conn,
            "INSERT INTO contact_roles (contact_id, role) VALUES ($1, $2) ON CONFLICT DO NOTHING"
                .into(),
            vec![contact.to_string().into(), r.as_str().into()],
        )
        .await?;
    }
    for r in remove {
        exec(
            conn,
            "DELETE FROM contact_roles WHERE contact_id = $1 AND role = $2".into(),
            vec![contact.to_string().into(), r.as_str().into()],
        )
        .await?;
    }
    Ok(())
}

/// Every live contact's relationship roles.
pub(crate) async fn all_roles(
    conn: &mut AnyConnection,
) -> Result<HashMap<ContactId, Vec<RelationshipRole>>> {
    let mut out: HashMap<ContactId, Vec<RelationshipRole>> = HashMap::new();
    for r in fetch(
        conn,
        "SELECT r.contact_id, r.role FROM contact_roles r JOIN contacts c ON c.id = r.contact_id \
         AND c.trash_id IS NULL ORDER BY r.contact_id, r.role"
            .into(),
        vec![],
    )
    .await?
    {
        out.entry(ContactId(uuid(&r, "contact_id")?)).or_default().push(word_col(
            &r,
            "role",
            RelationshipRole::parse,
        )?);
    }
    Ok(out)
}

/// One contact's relationship roles.
pub(crate) async fn roles_of(
    conn: &mut AnyConnection,
    contact: ContactId,
) -> Result<Vec<RelationshipRole>> {
    fetch(
        conn,
        "SELECT role FROM contact_roles WHERE contact_id = $1 ORDER BY role".into(),
        vec![contact.to_string().into()],
    )
    .await?
    .iter()
    .map(|r| word_col(r, "role", RelationshipRole::parse))
    .collect()
}

// --- connections ---

fn connection(r: &AnyRow) -> Result<Connection> {
    Ok(Connection {
        id: ConnectionId(uuid(r, "id")?),
        a: Participant { contact_id: ContactId(uuid(r, "a")?), display_name: text(r, "a_name")? },
        b: Participant { contact_id: ContactId(uuid(r, "b")?), display_name: text(r, "b_name")? },
        strength: opt_float(r, "strength")?,
        since: parse_date(opt_text(r, "since")?),
        note: text(r, "note")?,
        created_at: from_micros(int(r, "created_at")?),
    })
}

const CONNECTION_SELECT: &str = "SELECT k.id, k.a, ca.display_name AS a_name, k.b, cb.display_name AS b_name, \
     k.strength, k.since, k.note, k.created_at FROM connections k \
     JOIN contacts ca ON ca.id = k.a AND ca.trash_id IS NULL \
     JOIN contacts cb ON cb.id = k.b AND cb.trash_id IS NULL WHERE k.trash_id IS NULL";

/// Records (or updates) that two contacts know each other.
pub(crate) async fn connect(
    conn: &mut AnyConnection,
    k: &ConnectionInput,
    now: i64,
) -> Result<ConnectionId> {
    check_contact(conn, k.a).await?;
    check_contact(conn, k.b).await?;
    let existing = fetch(
        conn,
        "SELECT id FROM connections WHERE a = $1 AND b = $2 AND trash_id IS NULL".into(),
        vec![k.a.to_string().into(), k.b.to_string().into()],
    )
    .await?;
    let vals = |id: &str| -> Vec<Val> {
        vec![
            id.into(),
            k.a.to_string().into(),
            k.b.to_string().into(),
            Val::OptFloat(k.strength),
            date_text(k.since).into(),
            k.note.clone().into(),
        ]
    };
    if let Some(r) = existing.first() {
        let id = text(r, "id")?;
        exec(
            conn,
            "UPDATE connections SET a = $2, b = $3, strength = $4, since = $5, note = $6 WHERE id = $1"
                .into(),
            vals(&id),
        )
        .await?;
        return Ok(ConnectionId(parse_id(&id)?));
    }
    let id = ConnectionId(new_id());
    let mut v = vals(&id.to_string());
    v.push(now.into());
    exec(
        conn,
        "INSERT INTO connections (id, a, b, strength, since, note, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
            .into(),
        v,
    )
    .await?;
    Ok(id)
}

/// Live connections, of one contact or all, by the other person's name.
pub(crate) async fn connections(
    conn: &mut AnyConnection,
    contact: Option<ContactId>,
) -> Result<Vec<Connection>> {
    let (sql, vals) = match contact {
        Some(c) => (
            format!(
                // Driven from the contact's connections (an OR here scans every contact).
                "{CONNECTION_SELECT} AND k.id IN (SELECT id FROM connections WHERE a = $1 AND trash_id IS NULL \
                 UNION ALL SELECT id FROM connections WHERE b = $1 AND trash_id IS NULL) \
                 ORDER BY ca.name_key, cb.name_key"
            ),
            vec![c.to_string().into()],
        ),
        None => (format!("{CONNECTION_SELECT} ORDER BY ca.name_key, cb.name_key"), vec![]),
    };
    fetch(conn, sql, vals).await?.iter().map(connection).collect()
}

/// The live connection between two contacts.
pub(crate) async fn connection_between(
    conn: &mut AnyConnection,
    a: ContactId,
    b: ContactId,
) -> Result<Connection> {
    let (x, y) = if a < b { (a, b) } else { (b, a) };
    let rows = fetch(
        conn,
        format!("{CONNECTION_SELECT} AND k.a = $1 AND k.b = $2"),
        vec![x.to_string().into(), y.to_string().into()],
    )
    .await?;
    rows.first()
        .map(connection)
        .unwrap_or_else(|| Err(StoreError::not_found("connection", format!("{a} – {b}"))))
}

/// Every piece of direct evidence of who knows whom among live contacts: connections entered
/// by hand, shared interactions and shared events (up to [`MAX_EVENT_FOR_TIES`] people).
/// Shared employers come separately, as [`memberships`].
pub(crate) async fn evidence(conn: &mut AnyConnection) -> Result<Vec<TieEvidence>> {
    let (mut out, events) = entered_and_events(conn).await?;
    let mut numbers = TieWeightsBuilder::default();
    let counts = together(conn, &mut numbers).await?;
    let start = out.len();
    out.extend(counts.into_iter().map(|(a, b, count, day)| {
        let (a, b) = (numbers.person(a), numbers.person(b));
        TieEvidence { a: a.min(b), b: a.max(b), evidence: seen_together(count, day) }
    }));
    out[start..].sort_unstable_by_key(|e| (e.a, e.b));
    out.extend(events);
    Ok(out)
}

/// The same evidence folded per pair (see [`TieWeights`]), for insights over the whole
/// network: no record per shared interaction is kept (connections and event pairs, which
/// are few, are listed first).
pub(crate) async fn tie_weights(conn: &mut AnyConnection) -> Result<TieWeights> {
    let (entered, events) = entered_and_events(conn).await?;
    let mut weights = TieWeightsBuilder::default();
    let counts = together(conn, &mut weights).await?;
    weights.reserve(counts.len() + entered.len() + events.len());
    for (a, b, count, day) in counts {
        weights.add_numbered(a, b, seen_together(count, day).miss());
    }
    for e in entered.into_iter().chain(events) {
        weights.add(e.a, e.b, e.evidence.miss());
    }
    Ok(weights.finish())
}

/// Connections entered by hand, and pairs of people at the same event.
async fn entered_and_events(
    conn: &mut AnyConnection,
) -> Result<(Vec<TieEvidence>, Vec<TieEvidence>)> {
    let mut entered = Vec::new();
    for k in connections(conn, None).await? {
        entered.push(TieEvidence {
            a: k.a.contact_id,
            b: k.b.contact_id,
            evidence: Evidence::Known { strength: k.strength, since: k.since, note: k.note },
        });
    }
    let live = "JOIN contacts c1 ON c1.id = p1.contact_id AND c1.trash_id IS NULL \
                JOIN contacts c2 ON c2.id = p2.contact_id AND c2.trash_id IS NULL";
    let mut events = Vec::new();
    for r in fetch(
        conn,
        format!(
            "SELECT p1.contact_id AS a, p2.contact_id AS b, e.name, e.starts_on FROM event_attendees p1 \
             JOIN event_attendees p2 ON p2.event_id = p1.event_id AND p1.contact_id < p2.contact_id \
             JOIN events e ON e.id = p1.event_id AND e.trash_id IS NULL {live} \
             WHERE (SELECT COUNT(*) FROM event_attendees x WHERE x.event_id = e.id) <= $1"
        ),
        vec![MAX_EVENT_FOR_TIES.into()],
    )
    .await?
    {
        events.push(TieEvidence {
            a: ContactId(uuid(&r, "a")?),
            b: ContactId(uuid(&r, "b")?),
            evidence: Evidence::SameEvent { event: text(&r, "name")?, on: date_col(&r, "starts_on")? },
        });
    }
    Ok((entered, events))
}

/// Microseconds in a day: times become UTC days since 1970-01-01.
const DAY: i64 = 86_400_000_000;

/// The evidence of a pair seen together `count` times, last on `day` (see [`together`]).
fn seen_together(count: u32, day: i32) -> Evidence {
    Evidence::Together { count: i64::from(count), last: date_of_day(day) }
}

/// A UTC day since 1970-01-01 as a date.
fn date_of_day(day: i32) -> NaiveDate {
    from_micros(i64::from(day).saturating_mul(DAY)).date_naive()
}

/// Pairs of live people who were together in live interactions, by the people's numbers in
/// `numbers`: (a, b, how often, the day last) with a < b, sorted, each pair once.
///
/// Most interactions have one participant. A pass over the participants' key finds those
/// with two or more and joins their people into one text per interaction, [`CHUNK`]
/// interactions at a time (see [`for_each_chunk`]), and the pairs are counted here. A
/// 1M-interaction database has ~150k such interactions and ~500k pairs: counting them in SQL
/// and sending them in one piece held ~100 MB of text at once. Each time a pair is seen it
/// takes 16 bytes in a list, sorted and merged at the end: a map from pair to count took
/// ~27 MB at its peak for the same 500k pairs.
async fn together(
    conn: &mut AnyConnection,
    numbers: &mut TieWeightsBuilder,
) -> Result<Vec<(u32, u32, u32, i32)>> {
    let trashed: HashSet<ContactId> =
        fetch(conn, "SELECT id FROM contacts WHERE trash_id IS NOT NULL".into(), vec![])
            .await?
            .iter()
            .map(|r| uuid(r, "id").map(ContactId))
            .collect::<Result<_>>()?;
    let people = list_agg(conn, "p.contact_id", false);
    let mut ids: Vec<ContactId> = Vec::new();
    let mut seen: Vec<(u32, u32, u32, i32)> = Vec::new();
    // Interactions in the trash come too (with no time): chunks are counted before the join.
    for_each_chunk(
        conn,
        "CASE WHEN i.trash_id IS NULL THEN i.occurred_at END, m.people",
        "m.interaction_id",
        &format!(
            "(SELECT p.interaction_id, {people} AS people FROM interaction_participants p \
              WHERE p.interaction_id > $1 GROUP BY p.interaction_id HAVING COUNT(*) > 1 \
              ORDER BY p.interaction_id LIMIT {CHUNK}) m \
             JOIN interactions i ON i.id = m.interaction_id"
        ),
        vec![],
        |chunk: Vec<(Option<i64>, String)>| {
            for (at, people) in &chunk {
                let Some(at) = *at else { continue };
                let day = i32::try_from(at.div_euclid(DAY)).unwrap_or(i32::MAX);
                ids.clear();
                for id in people.split(',') {
                    let id = ContactId(parse_id(id)?);
                    if !trashed.contains(&id) {
                        ids.push(id);
                    }
                }
                ids.sort_unstable();
                ids.dedup();
                let numbered: Vec<u32> = ids.iter().map(|id| numbers.number(*id)).collect();
                for (x, &a) in numbered.iter().enumerate() {
                    for &b in &numbered[x + 1..] {
                        seen.push((a.min(b), a.max(b), 1, day));
                    }
                }
            }
            Ok(())
        },
    )
    .await?;
    seen.sort_unstable_by_key(|&(a, b, _, _)| (a, b));
    seen.dedup_by(|next, kept| {
        let same = (next.0, next.1) == (kept.0, kept.1);
        if same {
            kept.2 += next.2;
            kept.3 = kept.3.max(next.3);
        }
        same
    });
    Ok(seen)
}

/// Who works or worked where, for live contacts at live organizations of at most
/// [`MAX_ORG_FOR_TIES`] known people.
pub(crate) async fn memberships(conn: &mut AnyConnection) -> Result<Vec<Membership>> {
    // The live organizations small enough to tie their people, with their names: a few
    // thousand rows.
    let mut names: HashMap<OrganizationId, String> = HashMap::new();
    for r in fetch(
        conn,
        "SELECT o.id, o.name FROM organizations o JOIN (SELECT organization_id, \
         COUNT(DISTINCT contact_id) AS n FROM employment GROUP BY organization_id) z \
         ON z.organization_id = o.id WHERE o.trash_id IS NULL AND z.n <= $1"
            .into(),
        vec![MAX_ORG_FOR_TIES.into()],
    )
    .await?
    {
        names.insert(OrganizationId(uuid(&r, "id")?), text(&r, "name")?);
    }
    // Every live contact's jobs, a chunk of contacts at a time: one packed text of 100k
    // jobs peaked at ~45 MB. A contact without a job comes once, with none.
    let mut jobs: Vec<(ContactId, OrganizationId, bool)> = Vec::new();
    for_each_chunk(
        conn,
        "q.id, e.organization_id, CASE WHEN e.end_date IS NULL THEN 1 ELSE 0 END",
        "q.id",
        &format!(
            "(SELECT c.id FROM contacts c WHERE c.trash_id IS NULL AND c.id > $1 \
             ORDER BY c.id LIMIT {CHUNK}) q LEFT JOIN employment e ON e.contact_id = q.id"
        ),
        vec![],
        |rows: Vec<(String, Option<String>, Option<i64>)>| {
            for (contact, organization, current) in rows {
                let Some(o) = organization else { continue };
                let organization = OrganizationId(parse_id(&o)?);
                if names.contains_key(&organization) {
                    jobs.push((ContactId(parse_id(&contact)?), organization, current == Some(1)));
                }
            }
            Ok(())
        },
    )
    .await?;
    // One membership per person and organization, current if any of the jobs there is.
    jobs.sort_unstable();
    jobs.dedup_by(|later, first| {
        let same = (later.0, later.1) == (first.0, first.1);
        first.2 |= same && later.2;
        same
    });
    Ok(jobs
        .into_iter()
        .map(|(contact, organization, current)| Membership {
            contact,
            organization,
            name: names.get(&organization).cloned().unwrap_or_default(),
            current,
        })
        .collect())
}

/// People with a role at an organization: (contact, current).
pub(crate) async fn people_at(
    conn: &mut AnyConnection,
    org: OrganizationId,
) -> Result<Vec<(Participant, bool)>> {
    let rows = fetch(
        conn,
        "SELECT c.id, c.display_name, MIN(CASE WHEN e.end_date IS NULL THEN 0 ELSE 1 END) AS past \
         FROM employment e JOIN contacts c ON c.id = e.contact_id AND c.trash_id IS NULL \
         WHERE e.organization_id = $1 GROUP BY c.id, c.display_name, c.name_key ORDER BY c.name_key, c.id"
            .into(),
        vec![org.to_string().into()],
    )
    .await?;
    rows.iter().map(|r| Ok((participant(r)?, int(r, "past")? == 0))).collect()
}

// --- pipeline ---

const STAGES_KEY: &str = "pipeline.open_stages";

/// The pipeline's stages (the default unless configured).
pub(crate) async fn pipeline(conn: &mut AnyConnection) -> Result<Pipeline> {
    let rows =
        fetch(conn, "SELECT value FROM settings WHERE key = $1".into(), vec![STAGES_KEY.into()])
            .await?;
    match rows.first() {
        Some(r) => Ok(Pipeline::parse(&text(r, "value")?).unwrap_or_default()),
        None => Ok(Pipeline::default()),
    }
}

/// Replaces the open stages; refused while an open opportunity sits in a stage that would go.
pub(crate) async fn set_pipeline(conn: &mut AnyConnection, p: &Pipeline) -> Result<()> {
    let all = p.all();
    for r in fetch(
        conn,
        "SELECT DISTINCT stage FROM opportunities WHERE trash_id IS NULL ORDER BY stage".into(),
        vec![],
    )
    .await?
    {
        let stage = text(&r, "stage")?;
        if !all.contains(&stage) {
            return Err(ValidationError::one(
                "stages",
                Some(&p.open.join(", ")),
                &format!("a list that keeps {stage:?}: opportunities are in it (move them first)"),
            )
            .into());
        }
    }
    exec(conn, "DELETE FROM settings WHERE key = $1".into(), vec![STAGES_KEY.into()]).await?;
    exec(
        conn,
        "INSERT INTO settings (key, value) VALUES ($1, $2)".into(),
        vec![STAGES_KEY.into(), p.open.join(",").into()],
    )
    .await?;
    Ok(())
}

async fn set_opportunity_contacts(
    conn: &mut AnyConnection,
    id: OpportunityId,
    contacts: &[(ContactId, OpportunityRole)],
) -> Result<()> {
    for (c, role) in contacts {
        check_contact(conn, *c).await?;
        exec(
            conn,
            "INSERT INTO opportunity_contacts (opportunity_id, contact_id, role) VALUES ($1, $2, $3) \
             ON CONFLICT (opportunity_id, contact_id) DO UPDATE SET role = $3"
                .into(),
            vec![id.to_string().into(), c.to_string().into(), role.as_str().into()],
        )
        .await?;
    }
    Ok(())
}

async fn push_stage(
    conn: &mut AnyConnection,
    id: OpportunityId,
    stage: &str,
    on: NaiveDate,
) -> Result<()> {
    exec(
        conn,
        "INSERT INTO opportunity_stages (opportunity_id, position, stage, entered_on) \
         VALUES ($1, (SELECT COUNT(*) FROM opportunity_stages WHERE opportunity_id = $1), $2, $3)"
            .into(),
        vec![id.to_string().into(), stage.into(), on.to_string().into()],
    )
    .await?;
    Ok(())
}

/// Saves an opportunity (input already checked against the pipeline).
pub(crate) async fn insert_opportunity(
    conn: &mut AnyConnection,
    o: &OpportunityInput,
    now: i64,
) -> Result<OpportunityId> {
    check_organization(conn, o.organization).await?;
    let id = OpportunityId(new_id());
    let stage = o.stage.clone().unwrap_or_default();
    exec(
        conn,
        "INSERT INTO opportunities (id, title, title_key, kind, organization_id, stage, next_step, next_step_due, \
         notes, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
            .into(),
        vec![
            id.to_string().into(),
            o.title.clone().into(),
            fold(&o.title).into(),
            o.kind.as_str().into(),
            o.organization.map(|x| x.to_string()).into(),
            stage.clone().into(),
            o.next_step.clone().into(),
            date_text(o.next_step_due).into(),
            o.notes.clone().into(),
            now.into(),
            now.into(),
        ],
    )
    .await?;
    push_stage(conn, id, &stage, o.on.unwrap_or(NaiveDate::MIN)).await?;
    set_opportunity_contacts(conn, id, &o.contacts).await?;
    Ok(id)
}

/// Replaces an opportunity's title, kind, organization and notes (already checked). An
/// organization in the trash is not shown with the opportunity, so an edit that names none
/// keeps that hidden link (it shows again when the organization is restored).
pub(crate) async fn update_opportunity(
    conn: &mut AnyConnection,
    id: OpportunityId,
    d: &OpportunityDetails,
    now: i64,
) -> Result<()> {
    check_organization(conn, d.organization).await?;
    let n = exec(
        conn,
        "UPDATE opportunities SET title = $1, title_key = $2, kind = $3, \
         organization_id = CASE WHEN $4 IS NULL AND organization_id IN \
         (SELECT o.id FROM organizations o WHERE o.trash_id IS NOT NULL) THEN organization_id ELSE $4 END, \
         notes = $5, updated_at = $6 WHERE id = $7 AND trash_id IS NULL"
            .into(),
        vec![
            d.title.clone().into(),
            fold(&d.title).into(),
            d.kind.as_str().into(),
            d.organization.map(|x| x.to_string()).into(),
            d.notes.clone().into(),
            now.into(),
            id.to_string().into(),
        ],
    )
    .await?;
    if n == 0 {
        return Err(StoreError::not_found("opportunity", id.to_string()));
    }
    Ok(())
}

/// Moves an opportunity to a stage (already checked) on a day.
pub(crate) async fn move_opportunity(
    conn: &mut AnyConnection,
    id: OpportunityId,
    stage: &str,
    on: NaiveDate,
    now: i64,
) -> Result<()> {
    let o = get_opportunity(conn, id).await?;
    if o.stage == stage {
        return Err(
            ValidationError::one("stage", Some(stage), "a stage it is not in already").into()
        );
    }
    if let Some(last) = o.history.last()
        && on < last.on
    {
        return Err(ValidationError::one(
            "on",
            Some(&on.to_string()),
            &format!("a date on or after it entered {} ({})", last.stage, last.on),
        )
        .into());
    }
    exec(
        conn,
        "UPDATE opportunities SET stage = $1, updated_at = $2 WHERE id = $3".into(),
        vec![stage.into(), now.into(), id.to_string().into()],
    )
    .await?;
    push_stage(conn, id, stage, on).await
}

/// Sets (or clears) the next step.
pub(crate) async fn set_next_step(
    conn: &mut AnyConnection,
    id: OpportunityId,
    step: Option<(String, Option<NaiveDate>)>,
    now: i64,
) -> Result<()> {
    get_opportunity(conn, id).await?;
    let (s, due) = match step {
        Some((s, d)) => (Some(s), d),
        None => (None, None),
    };
    exec(
        conn,
        "UPDATE opportunities SET next_step = $1, next_step_due = $2, updated_at = $3 WHERE id = $4".into(),
        vec![s.into(), date_text(due).into(), now.into(), id.to_string().into()],
    )
    .await?;
    Ok(())
}

/// Adds contacts to an opportunity (or changes their role).
pub(crate) async fn link_opportunity(
    conn: &mut AnyConnection,
    id: OpportunityId,
    contacts: &[(ContactId, OpportunityRole)],
) -> Result<()> {
    get_opportunity(conn, id).await?;
    set_opportunity_contacts(conn, id, contacts).await
}

fn opportunity_row(r: &AnyRow) -> Result<Opportunity> {
    let organization = match (opt_text(r, "organization_id")?, opt_text(r, "organization_name")?) {
        (Some(id), Some(name)) => Some((OrganizationId(parse_id(&id)?), name)),
        _ => None,
    };
    Ok(Opportunity {
        id: OpportunityId(uuid(r, "id")?),
        title: text(r, "title")?,
        kind: word_col(r, "kind", OpportunityKind::parse)?,
        organization,
        stage: text(r, "stage")?,
        history: vec![],
        next_step: opt_text(r, "next_step")?,
        next_step_due: parse_date(opt_text(r, "next_step_due")?),
        contacts: vec![],
        notes: text(r, "notes")?,
        created_at: from_micros(int(r, "created_at")?),
        updated_at: from_micros(int(r, "updated_at")?),
    })
}

const OPPORTUNITY_SELECT: &str = "SELECT p.id, p.title, p.kind, p.organization_id, o.name AS organization_name, p.stage, \
     p.next_step, p.next_step_due, p.notes, p.created_at, p.updated_at FROM opportunities p \
     LEFT JOIN organizations o ON o.id = p.organization_id AND o.trash_id IS NULL WHERE p.trash_id IS NULL";

/// Loads live opportunities by id with history and contacts, in the order given.
async fn load_opportunities(conn: &mut AnyConnection, ids: &[String]) -> Result<Vec<Opportunity>> {
    let mut by_id: HashMap<String, Opportunity> = HashMap::new();
    for r in fetch_in(conn, &format!("{OPPORTUNITY_SELECT} AND p.id IN ({{IN}})"), ids).await? {
        let o = opportunity_row(&r)?;
        by_id.insert(o.id.to_string(), o);
    }
    for r in fetch_in(
        conn,
        "SELECT opportunity_id, stage, entered_on FROM opportunity_stages WHERE opportunity_id IN ({IN}) \
         ORDER BY opportunity_id, position",
        ids,
    )
    .await?
    {
        if let Some(o) = by_id.get_mut(&text(&r, "opportunity_id")?) {
            o.history.push(StageChange { stage: text(&r, "stage")?, on: date_col(&r, "entered_on")? });
        }
    }
    for r in fetch_in(
        conn,
        "SELECT x.opportunity_id, c.id, c.display_name, x.role FROM opportunity_contacts x \
         JOIN contacts c ON c.id = x.contact_id AND c.trash_id IS NULL WHERE x.opportunity_id IN ({IN}) \
         ORDER BY x.opportunity_id, c.name_key, c.id",
        ids,
    )
    .await?
    {
        if let Some(o) = by_id.get_mut(&text(&r, "opportunity_id")?) {
            o.contacts.push(OpportunityContact {
                contact: participant(&r)?,
                role: word_col(&r, "role", OpportunityRole::parse)?,
            });
        }
    }
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

/// A live opportunity.
pub(crate) async fn get_opportunity(
    conn: &mut AnyConnection,
    id: OpportunityId,
) -> Result<Opportunity> {
    load_opportunities(conn, &[id.to_string()])
        .await?
        .pop()
        .ok_or_else(|| StoreError::not_found("opportunity", id.to_string()))
}

/// Opportunities a reference may mean (id prefix, exact title, title prefix).
pub(crate) async fn find_opportunities(
    conn: &mut AnyConnection,
    reference: &str,
) -> Result<Vec<Opportunity>> {
    let ids = ids_by_reference(conn, "opportunities", "title_key", reference).await?;
    load_opportunities(conn, &ids).await
}

/// Live opportunities matching the query, most recently updated first.
pub(crate) async fn list_opportunities(
    conn: &mut AnyConnection,
    q: &OpportunityQuery,
) -> Result<Vec<Opportunity>> {
    let mut sql = "SELECT p.id FROM opportunities p WHERE p.trash_id IS NULL".to_string();
    let mut vals: Vec<Val> = vec![];
    if let Some(k) = q.kind {
        vals.push(k.as_str().into());
        sql.push_str(&format!(" AND p.kind = ${}", vals.len()));
    }
    if let Some(s) = &q.stage {
        vals.push(s.clone().into());
        sql.push_str(&format!(" AND p.stage = ${}", vals.len()));
    }
    if let Some(o) = q.organization {
        vals.push(o.to_string().into());
        sql.push_str(&format!(" AND p.organization_id = ${}", vals.len()));
    }
    if let Some(c) = q.contact {
        vals.push(c.to_string().into());
        sql.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM opportunity_contacts x WHERE x.opportunity_id = p.id AND x.contact_id = ${})",
            vals.len()
        ));
    }
    if q.open_only {
        let closed = kith_core::pipeline::CLOSED_STAGES
            .iter()
            .map(|s| {
                vals.push((*s).into());
                format!("${}", vals.len())
            })
            .collect::<Vec<_>>()
            .join(", ");
        sql.push_str(&format!(" AND p.stage NOT IN ({closed})"));
    }
    sql.push_str(" ORDER BY p.updated_at DESC, p.id");
    let ids: Vec<String> =
        fetch(conn, sql, vals).await?.iter().map(|r| text(r, "id")).collect::<Result<_>>()?;
    load_opportunities(conn, &ids).await
}

/// Next steps of open opportunities due on or before `until`, soonest first.
pub(crate) async fn next_steps(
    conn: &mut AnyConnection,
    until: NaiveDate,
) -> Result<Vec<NextStep>> {
    let q = OpportunityQuery { open_only: true, ..Default::default() };
    let mut out: Vec<NextStep> = list_opportunities(conn, &q)
        .await?
        .into_iter()
        .filter_map(|o| {
            let due = o.next_step_due.filter(|d| *d <= until)?;
            let title = match &o.organization {
                Some((_, org)) => format!("{} at {org}", o.title),
                None => o.title.clone(),
            };
            Some(NextStep {
                opportunity: o.id,
                title,
                stage: o.stage,
                step: o.next_step?,
                due,
                with: o.contacts.into_iter().map(|c| c.contact.display_name).collect(),
            })
        })
        .collect();
    out.sort_by(|a, b| a.due.cmp(&b.due).then_with(|| a.title.cmp(&b.title)));
    Ok(out)
}

// --- collaborations ---

/// Saves a collaboration (input already checked).
pub(crate) async fn insert_collaboration(
    conn: &mut AnyConnection,
    c: &CollaborationInput,
    now: i64,
) -> Result<CollaborationId> {
    let id = CollaborationId(new_id());
    exec(
        conn,
        "INSERT INTO collaborations (id, title, title_key, description, status, started_on, ended_on, outcome, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
            .into(),
        vec![
            id.to_string().into(),
            c.title.clone().into(),
            fold(&c.title).into(),
            c.description.clone().into(),
            c.status.unwrap_or(CollaborationStatus::Active).as_str().into(),
            date_text(c.started_on).into(),
            date_text(c.ended_on).into(),
            c.outcome.clone().into(),
            now.into(),
            now.into(),
        ],
    )
    .await?;
    Ok(id)
}

/// Replaces a collaboration's fields.
pub(crate) async fn update_collaboration(
    conn: &mut AnyConnection,
    id: CollaborationId,
    c: &CollaborationInput,
    now: i64,
) -> Result<()> {
    let n = exec(
        conn,
        "UPDATE collaborations SET title = $1, title_key = $2, description = $3, status = $4, started_on = $5, \
         ended_on = $6, outcome = $7, updated_at = $8 WHERE id = $9 AND trash_id IS NULL"
            .into(),
        vec![
            c.title.clone().into(),
            fold(&c.title).into(),
            c.description.clone().into(),
            c.status.unwrap_or(CollaborationStatus::Active).as_str().into(),
            date_text(c.started_on).into(),
            date_text(c.ended_on).into(),
            c.outcome.clone().into(),
            now.into(),
            id.to_string().into(),
        ],
    )
    .await?;
    if n == 0 {
        return Err(StoreError::not_found("collaboration", id.to_string()));
    }
    Ok(())
}

/// Adds participants (or changes their role).
pub(crate) async fn add_participants(
    conn: &mut AnyConnection,
    id: CollaborationId,
    people: &[(ContactId, String)],
) -> Result<()> {
    get_collaboration(conn, id).await?;
    for (c, role) in people {
        check_contact(conn, *c).await?;
        exec(
            conn,
            "INSERT INTO collaboration_participants (collaboration_id, contact_id, role) VALUES ($1, $2, $3) \
             ON CONFLICT (collaboration_id, contact_id) DO UPDATE SET role = $3"
                .into(),
            vec![id.to_string().into(), c.to_string().into(), role.trim().into()],
        )
        .await?;
    }
    Ok(())
}

async fn load_collaborations(
    conn: &mut AnyConnection,
    ids: &[String],
) -> Result<Vec<Collaboration>> {
    let mut by_id: HashMap<String, Collaboration> = HashMap::new();
    for r in
        fetch_in(conn, "SELECT * FROM collaborations WHERE trash_id IS NULL AND id IN ({IN})", ids)
            .await?
    {
        let c = Collaboration {
            id: CollaborationId(uuid(&r, "id")?),
            title: text(&r, "title")?,
            description: text(&r, "description")?,
            status: word_col(&r, "status", CollaborationStatus::parse)?,
            started_on: parse_date(opt_text(&r, "started_on")?),
            ended_on: parse_date(opt_text(&r, "ended_on")?),
            outcome: text(&r, "outcome")?,
            participants: vec![],
            created_at: from_micros(int(&r, "created_at")?),
            updated_at: from_micros(int(&r, "updated_at")?),
        };
        by_id.insert(c.id.to_string(), c);
    }
    for r in fetch_in(
        conn,
        "SELECT x.collaboration_id, c.id, c.display_name, x.role FROM collaboration_participants x \
         JOIN contacts c ON c.id = x.contact_id AND c.trash_id IS NULL WHERE x.collaboration_id IN ({IN}) \
         ORDER BY x.collaboration_id, c.name_key, c.id",
        ids,
    )
    .await?
    {
        if let Some(c) = by_id.get_mut(&text(&r, "collaboration_id")?) {
            c.participants.push((
                participant(&r)?,
                text(&r, "role")?,
            ));
        }
    }
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

/// A live collaboration.
pub(crate) async fn get_collaboration(
    conn: &mut AnyConnection,
    id: CollaborationId,
) -> Result<Collaboration> {
    load_collaborations(conn, &[id.to_string()])
        .await?
        .pop()
        .ok_or_else(|| StoreError::not_found("collaboration", id.to_string()))
}

/// Collaborations a reference may mean.
pub(crate) async fn find_collaborations(
    conn: &mut AnyConnection,
    reference: &str,
) -> Result<Vec<Collaboration>> {
    let ids = ids_by_reference(conn, "collaborations", "title_key", reference).await?;
    load_collaborations(conn, &ids).await
}

/// Live collaborations (of one contact, or all), newest first.
pub(crate) async fn list_collaborations(
    conn: &mut AnyConnection,
    contact: Option<ContactId>,
) -> Result<Vec<Collaboration>> {
    let (sql, vals) = match contact {
        Some(c) => (
            "SELECT k.id FROM collaborations k WHERE k.trash_id IS NULL AND EXISTS (SELECT 1 FROM \
             collaboration_participants x WHERE x.collaboration_id = k.id AND x.contact_id = $1) \
             ORDER BY k.created_at DESC, k.id",
            vec![c.to_string().into()],
        ),
        None => (
            "SELECT k.id FROM collaborations k WHERE k.trash_id IS NULL ORDER BY k.created_at DESC, k.id",
            vec![],
        ),
    };
    let ids: Vec<String> = fetch(conn, sql.into(), vals)
        .await?
        .iter()
        .map(|r| text(r, "id"))
        .collect::<Result<_>>()?;
    load_collaborations(conn, &ids).await
}

/// Every live contact's id and the day they were added (first met, else created), with their
/// labels counted: current organization, its industry, location, and the event first met at
/// (else how met).
pub(crate) async fn insight_rows(
    conn: &mut AnyConnection,
) -> Result<(Vec<(ContactId, NaiveDate)>, Tallies)> {
    type Packed = (
        String,
        Option<String>,
        i64,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let cols =
        ["id", "first_met", "created_at", "location", "how_met", "org", "industry", "met_event"];
    let mut out = Vec::new();
    let mut tallies = Tallies::default();
    for_each_chunk(
        conn,
        &qualified("q", &cols),
        "q.id",
        &format!(
            "(SELECT c.id, c.first_met, c.created_at, c.location, c.how_met, \
             (SELECT o.name FROM employment e JOIN organizations o ON o.id = e.organization_id AND o.trash_id IS NULL \
              WHERE e.contact_id = c.id AND e.end_date IS NULL ORDER BY e.position LIMIT 1) AS org, \
             (SELECT o.industry FROM employment e JOIN organizations o ON o.id = e.organization_id AND o.trash_id IS NULL \
              WHERE e.contact_id = c.id AND e.end_date IS NULL ORDER BY e.position LIMIT 1) AS industry, \
             (SELECT ev.name FROM event_attendees a JOIN events ev ON ev.id = a.event_id AND ev.trash_id IS NULL \
              WHERE a.contact_id = c.id AND a.met_here = 1 LIMIT 1) AS met_event \
             FROM contacts c WHERE c.trash_id IS NULL AND c.id > $1 ORDER BY c.id LIMIT {CHUNK}) q"
        ),
        vec![],
        |rows: Vec<Packed>| {
            for (id, first_met, created_at, location, how_met, org, industry, met_event) in rows {
                let added = match parse_date(first_met) {
                    Some(d) => d,
                    None => from_micros(created_at).date_naive(),
                };
                out.push((ContactId(parse_id(&id)?), added));
                tallies.organizations.add(org.as_deref());
                tallies.industries.add(industry.as_deref());
                tallies.locations.add(location.as_deref());
                tallies.met_via.add(met_event.or(how_met).as_deref());
            }
            Ok(())
        },
    )
    .await?;
    Ok((out, tallies))
}
