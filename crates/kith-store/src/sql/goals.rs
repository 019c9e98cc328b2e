//! Networking goals: stored goals, the dated facts each one counts, and the review's facts.

use super::util::*;
use crate::{Result, StoreError};
use chrono::{Duration, NaiveDate};
use kith_core::goal::{
    CONVERSATION_KINDS, Goal, GoalFact, GoalInput, GoalMetric, NewPerson, Period, Reconnections,
};
use kith_core::{ContactId, GoalId, InteractionKind, ValidationError};
use sqlx::AnyConnection;
use sqlx::any::AnyRow;

const FOLLOW_UP_KEY: &str = "events.follow_up_days";

/// The default follow-up window for new events (days).
pub(crate) async fn follow_up_days(conn: &mut AnyConnection) -> Result<u32> {
    let rows =
        fetch(conn, "SELECT value FROM settings WHERE key = $1".into(), vec![FOLLOW_UP_KEY.into()])
            .await?;
    Ok(match rows.first() {
        Some(r) => text(r, "value")?.parse().unwrap_or(kith_core::network::DEFAULT_FOLLOW_UP_DAYS),
        None => kith_core::network::DEFAULT_FOLLOW_UP_DAYS,
    })
}

/// Stores the default follow-up window.
pub(crate) async fn set_follow_up_days(conn: &mut AnyConnection, days: u32) -> Result<()> {
    if days > 366 {
        return Err(ValidationError::one(
            "follow-up",
            Some(&days.to_string()),
            "a number of days from 0 to 366",
        )
        .into());
    }
    exec(conn, "DELETE FROM settings WHERE key = $1".into(), vec![FOLLOW_UP_KEY.into()]).await?;
    exec(
        conn,
        "INSERT INTO settings (key, value) VALUES ($1, $2)".into(),
        vec![FOLLOW_UP_KEY.into(), days.to_string().into()],
    )
    .await?;
    Ok(())
}

/// Tags in use: on a live contact or with a cadence.
async fn known_tags(conn: &mut AnyConnection) -> Result<Vec<String>> {
    fetch(
        conn,
        "SELECT DISTINCT t.tag FROM contact_tags t JOIN contacts c ON c.id = t.contact_id AND c.trash_id IS NULL \
         UNION SELECT tag FROM tag_cadences ORDER BY 1"
            .into(),
        vec![],
    )
    .await?
    .iter()
    .map(|r| text(r, "tag"))
    .collect()
}

/// Saves a goal (input already checked); its tag must be in use.
pub(crate) async fn insert_goal(
    conn: &mut AnyConnection,
    g: &GoalInput,
    now: i64,
) -> Result<GoalId> {
    if let Some(tag) = &g.tag {
        let known = known_tags(conn).await?;
        if !known.contains(tag) {
            let list = if known.is_empty() {
                "no tags exist yet; tag people with `kith tag NAME TAG`".to_string()
            } else {
                format!(
                    "a tag in use ({})",
                    known.iter().take(20).cloned().collect::<Vec<_>>().join(", ")
                )
            };
            return Err(ValidationError::one("tag", Some(tag), &list).into());
        }
    }
    let id = GoalId(new_id());
    exec(
        conn,
        "INSERT INTO goals (id, metric, target, period, tag, kind, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)".into(),
        vec![
            id.to_string().into(),
            g.metric.as_str().into(),
            g.target.into(),
            g.period.as_str().into(),
            g.tag.clone().into(),
            g.kind.map(|k| k.as_str().to_string()).into(),
            now.into(),
        ],
    )
    .await?;
    Ok(id)
}

fn goal(r: &AnyRow) -> Result<Goal> {
    Ok(Goal {
        id: GoalId(uuid(r, "id")?),
        metric: word_col(r, "metric", GoalMetric::parse)?,
        target: u32::try_from(int(r, "target")?).unwrap_or(1),
        period: word_col(r, "period", Period::parse)?,
        tag: opt_text(r, "tag")?,
        kind: opt_text(r, "kind")?.and_then(|k| InteractionKind::parse(&k)),
        created_at: from_micros(int(r, "created_at")?),
    })
}

/// Live goals, oldest first.
pub(crate) async fn list_goals(conn: &mut AnyConnection) -> Result<Vec<Goal>> {
    fetch(conn, "SELECT * FROM goals WHERE trash_id IS NULL ORDER BY created_at, id".into(), vec![])
        .await?
        .iter()
        .map(goal)
        .collect()
}

/// Goals whose id starts with the prefix.
pub(crate) async fn find_goals(conn: &mut AnyConnection, reference: &str) -> Result<Vec<Goal>> {
    let ids = live_ids_by_prefix(conn, "goals", reference).await?;
    fetch_in(conn, "SELECT * FROM goals WHERE id IN ({IN}) ORDER BY created_at, id", &ids)
        .await?
        .iter()
        .map(goal)
        .collect()
}

/// `AND EXISTS (contact has tag)` for the contact column `col`, binding the tag as `$n`.
fn tag_filter(col: &str, tag: &Option<String>, vals: &mut Vec<Val>) -> String {
    match tag {
        Some(t) => {
            vals.push(t.clone().into());
            format!(
                " AND EXISTS (SELECT 1 FROM contact_tags t WHERE t.contact_id = {col} AND t.tag = ${})",
                vals.len()
            )
        }
        None => String::new(),
    }
}

/// ` AND p.contact_id ...` keeping participants `p` whose contact is live (and has the tag,
/// binding it as the next parameter). SQLite reads each list once into a lookup table (a
/// probe of the contacts per participant is a random read each); PostgreSQL plans
/// `NOT EXISTS` as an anti-join, where a `NOT IN` list larger than `work_mem` is rescanned.
fn live_participant(conn: &AnyConnection, tag: &Option<String>, vals: &mut Vec<Val>) -> String {
    let mut sql = if conn.backend_name() == "SQLite" {
        " AND p.contact_id NOT IN (SELECT id FROM contacts WHERE trash_id IS NOT NULL)".to_string()
    } else {
        " AND NOT EXISTS (SELECT 1 FROM contacts x WHERE x.id = p.contact_id \
         AND x.trash_id IS NOT NULL)"
            .to_string()
    };
    if let Some(t) = tag {
        vals.push(t.clone().into());
        sql.push_str(&format!(
            " AND p.contact_id IN (SELECT contact_id FROM contact_tags WHERE tag = ${})",
            vals.len()
        ));
    }
    sql
}

/// Facts from `sql`'s columns `k` (the key) and `t` (a time in µs), packed into one text: a
/// year of conversations at 1M interactions is ~200k facts.
async fn facts_on_micros(
    conn: &mut AnyConnection,
    sql: &str,
    vals: Vec<Val>,
) -> Result<Vec<GoalFact>> {
    let rows: Vec<(String, i64)> = fetch_packed(conn, sql, &["k", "t"], vals).await?;
    Ok(rows.into_iter().map(|(key, t)| GoalFact { on: from_micros(t).date_naive(), key }).collect())
}

fn fact_on_date(r: &AnyRow, col: &str, key: &str) -> Result<GoalFact> {
    Ok(GoalFact { on: date_col(r, col)?, key: text(r, key)? })
}

/// The dated facts a goal counts from `from` through `to`.
pub(crate) async fn goal_facts(
    conn: &mut AnyConnection,
    g: &Goal,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<GoalFact>> {
    let (lo, hi) = (day_start(from), day_start(to + Duration::days(1)));
    let mut vals: Vec<Val> = vec![];
    let facts = match g.metric {
        GoalMetric::NewPeople => {
            return Ok(new_people(conn, from, to, &g.tag)
                .await?
                .into_iter()
                .map(|p| GoalFact { on: p.met_on, key: p.contact.contact_id.to_string() })
                .collect());
        }
        GoalMetric::Events => {
            vals.extend([from.to_string().into(), to.to_string().into()]);
            fetch(
                conn,
                "SELECT id, starts_on FROM events WHERE trash_id IS NULL AND starts_on >= $1 AND starts_on <= $2".into(),
                vals,
            )
            .await?
            .iter()
            .map(|r| fact_on_date(r, "starts_on", "id"))
            .collect::<Result<Vec<_>>>()?
        }
        GoalMetric::Contributions => {
            vals.extend([from.to_string().into(), to.to_string().into()]);
            fetch(
                conn,
                "SELECT k.id, k.occurred_on FROM contributions k JOIN communities m ON m.id = k.community_id \
                 AND m.trash_id IS NULL WHERE k.trash_id IS NULL AND k.occurred_on >= $1 AND k.occurred_on <= $2"
                    .into(),
                vals,
            )
            .await?
            .iter()
            .map(|r| fact_on_date(r, "occurred_on", "id"))
            .collect::<Result<Vec<_>>>()?
        }
        GoalMetric::Acknowledgements | GoalMetric::Favours => {
            let (kind, extra) = match g.metric {
                GoalMetric::Acknowledgements => ("acknowledgement", ""),
                _ => ("help", " AND status = 'done'"),
            };
            vals.extend([from.to_string().into(), to.to_string().into(), kind.into()]);
            fetch(
                conn,
                format!(
                    "SELECT id, occurred_on FROM ledger_entries WHERE trash_id IS NULL AND occurred_on >= $1 \
                     AND occurred_on <= $2 AND kind = $3 AND direction = 'given'{extra}"
                ),
                vals,
            )
            .await?
            .iter()
            .map(|r| fact_on_date(r, "occurred_on", "id"))
            .collect::<Result<Vec<_>>>()?
        }
        GoalMetric::Conversations => {
            vals.extend([lo.into(), hi.into()]);
            let kinds: Vec<InteractionKind> = match g.kind {
                Some(k) => vec![k],
                None => CONVERSATION_KINDS.to_vec(),
            };
            let mut kind_list = Vec::new();
            for k in kinds {
                vals.push(k.as_str().into());
                kind_list.push(format!("${}", vals.len()));
            }
            let live = live_participant(conn, &g.tag, &mut vals);
            // Each interaction once, with a live participant (tagged, if asked). The table is
            // read in key order (`+` keeps the planner off the time index), so each probe of
            // the participants lands next to the last: at 1M interactions a year's window by
            // the time index, a random read per interaction, took 3.2 s, the whole table 0.3 s.
            let sql = format!(
                "SELECT i.id AS k, i.occurred_at AS t FROM interactions i \
                 WHERE i.trash_id IS NULL AND +i.occurred_at >= $1 AND +i.occurred_at < $2 \
                 AND i.kind IN ({}) AND EXISTS (SELECT 1 FROM interaction_participants p \
                 WHERE p.interaction_id = i.id{live})",
                kind_list.join(", ")
            );
            facts_on_micros(conn, &sql, vals).await?
        }
        GoalMetric::Reconnect => {
            vals.push(hi.into());
            let live = live_participant(conn, &g.tag, &mut vals);
            // Every live participant of every interaction before the window's end, in the
            // interactions' key order (a probe of the participants lands next to the last),
            // folded as it streams by. Sorting each contact's history in the database (a
            // window function over 1.3M rows) took ~8 s at 1M interactions.
            let mut found = Reconnections::new(lo, hi);
            let after = vals.len() + 1;
            for_each_chunk(
                conn,
                "p.contact_id, q.occurred_at",
                "q.id",
                &format!(
                    "(SELECT i.id, i.occurred_at FROM interactions i WHERE i.trash_id IS NULL \
                     AND +i.occurred_at < $1 AND i.id > ${after} ORDER BY i.id LIMIT {CHUNK}) q \
                     LEFT JOIN interaction_participants p ON p.interaction_id = q.id{live}"
                ),
                vals,
                |rows: Vec<(Option<String>, i64)>| {
                    for (contact, at) in rows {
                        if let Some(contact) = contact {
                            found.add(ContactId(parse_id(&contact)?), at);
                        }
                    }
                    Ok(())
                },
            )
            .await?;
            found
                .finish()
                .into_iter()
                .map(|(contact, at)| GoalFact {
                    on: from_micros(at).date_naive(),
                    key: contact.to_string(),
                })
                .collect()
        }
    };
    Ok(facts)
}

/// People first met from `from` through `to` (their first-met date, else the day they were
/// added), optionally only those with a tag, with where they were met.
pub(crate) async fn new_people(
    conn: &mut AnyConnection,
    from: NaiveDate,
    to: NaiveDate,
    tag: &Option<String>,
) -> Result<Vec<NewPerson>> {
    let mut vals: Vec<Val> = vec![
        from.to_string().into(),
        to.to_string().into(),
        day_start(from).into(),
        day_start(to + Duration::days(1)).into(),
    ];
    let tags = tag_filter("c.id", tag, &mut vals);
    // One packed text: a week in which 100k people were imported held 100k driver rows.
    type Packed = (String, String, Option<String>, i64, Option<String>, Option<String>);
    let rows: Vec<Packed> = fetch_packed(
        conn,
        &format!(
            "SELECT c.id, c.display_name, c.first_met, c.created_at, c.how_met, e.name AS event_name \
             FROM contacts c \
             LEFT JOIN event_attendees a ON a.contact_id = c.id AND a.met_here = 1 \
             LEFT JOIN events e ON e.id = a.event_id AND e.trash_id IS NULL \
             WHERE c.trash_id IS NULL AND ((c.first_met >= $1 AND c.first_met <= $2) \
             OR (c.first_met IS NULL AND c.created_at >= $3 AND c.created_at < $4)){tags}"
        ),
        &["id", "display_name", "first_met", "created_at", "how_met", "event_name"],
        vals,
    )
    .await?;
    let mut out: Vec<NewPerson> = Vec::with_capacity(rows.len());
    for (id, display_name, first_met, created_at, how_met, event_name) in rows {
        let met_on = match parse_date(first_met) {
            Some(d) => d,
            None => from_micros(created_at).date_naive(),
        };
        out.push(NewPerson {
            contact: kith_core::Participant {
                contact_id: kith_core::ContactId(parse_id(&id)?),
                display_name,
            },
            met_on,
            met_where: event_name.or(how_met),
        });
    }
    out.sort_by(|a, b| {
        a.met_on
            .cmp(&b.met_on)
            .then_with(|| a.contact.display_name.cmp(&b.contact.display_name))
            .then_with(|| a.contact.contact_id.cmp(&b.contact.contact_id))
    });
    Ok(out)
}

/// Live interactions from `from` through `to` by kind, most first.
pub(crate) async fn interactions_by_kind(
    conn: &mut AnyConnection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(InteractionKind, i64)>> {
    let rows = fetch(
        conn,
        "SELECT kind, COUNT(*) AS n FROM interactions WHERE trash_id IS NULL AND occurred_at >= $1 \
         AND occurred_at < $2 GROUP BY kind"
            .into(),
        vec![day_start(from).into(), day_start(to + Duration::days(1)).into()],
    )
    .await?;
    let mut out = Vec::new();
    for r in &rows {
        let k = text(r, "kind")?;
        let kind = InteractionKind::parse(&k)
            .ok_or_else(|| StoreError::Other(format!("unknown interaction kind {k:?}")))?;
        out.push((kind, int(r, "n")?));
    }
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.as_str().cmp(b.0.as_str())));
    Ok(out)
}
