//! Cadences, settings, cached interaction aggregates, strength inputs, the due list,
//! reminders and upcoming dates.

use super::ledger::entries_for_contacts;
use super::util::*;
use crate::{NurtureSettings, Result, StoreError};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use kith_core::ledger::Balance;
use kith_core::nurture::{CadenceSource, ContactDates, DueCandidate, Reminder, ReminderInput};
use kith_core::strength::{History, InteractionStats, StrengthSettings};
use kith_core::{ContactId, Direction, InteractionKind, Participant, ReminderId};
use sqlx::AnyConnection;
use sqlx::Row;
use std::collections::HashMap;
use std::collections::hash_map::Entry;

const HALF_LIFE_KEY: &str = "strength.half_life_days";

/// The strength settings stored in the database (defaults when unset).
pub(crate) async fn strength_settings(conn: &mut AnyConnection) -> Result<StrengthSettings> {
    let rows =
        fetch(conn, "SELECT value FROM settings WHERE key = $1".into(), vec![HALF_LIFE_KEY.into()])
            .await?;
    let mut s = StrengthSettings::default();
    if let Some(r) = rows.first()
        && let Ok(v) = text(r, "value")?.parse::<f64>()
    {
        s.half_life_days = v;
    }
    Ok(s)
}

/// Stores the half-life and rebuilds every aggregate with it.
pub(crate) async fn set_half_life(conn: &mut AnyConnection, days: f64) -> Result<u64> {
    if !(1.0..=3650.0).contains(&days) {
        return Err(kith_core::ValidationError::one(
            "half-life",
            Some(&days.to_string()),
            "a number of days from 1 to 3650",
        )
        .into());
    }
    exec(conn, "DELETE FROM settings WHERE key = $1".into(), vec![HALF_LIFE_KEY.into()]).await?;
    exec(
        conn,
        "INSERT INTO settings (key, value) VALUES ($1, $2)".into(),
        vec![HALF_LIFE_KEY.into(), days.to_string().into()],
    )
    .await?;
    recompute_all(conn).await
}

fn stats_from_row(r: &sqlx::any::AnyRow) -> Result<Option<InteractionStats>> {
    let Some(count) = opt_int(r, "interaction_count")? else { return Ok(None) };
    Ok(Some(InteractionStats {
        count,
        first_at: opt_int(r, "first_at")?.map(from_micros),
        last_at: opt_int(r, "last_at")?.map(from_micros),
        decayed_at_last: r.try_get::<Option<f64>, _>("decayed_at_last")?.unwrap_or(0.0),
        outbound: int(r, "outbound")?,
        inbound: int(r, "inbound")?,
        mutual: int(r, "mutual")?,
        kinds: int(r, "kinds")? as u32,
    }))
}

const STATS_COLS: &str = "s.interaction_count, s.first_at, s.last_at, s.decayed_at_last, s.outbound, s.inbound, s.mutual, s.kinds";

async fn write_stats(
    conn: &mut AnyConnection,
    stats: Vec<(String, InteractionStats)>,
) -> Result<()> {
    let rows = stats
        .into_iter()
        .map(|(id, s)| {
            vec![
                Val::Text(id),
                Val::Int(s.count),
                Val::OptInt(s.first_at.map(micros)),
                Val::OptInt(s.last_at.map(micros)),
                Val::Float(s.decayed_at_last),
                Val::Int(s.outbound),
                Val::Int(s.inbound),
                Val::Int(s.mutual),
                Val::Int(i64::from(s.kinds)),
            ]
        })
        .collect();
    insert_rows(
        conn,
        "INSERT INTO contact_stats (contact_id, interaction_count, first_at, last_at, decayed_at_last, outbound, inbound, mutual, kinds)",
        9,
        rows,
        "ON CONFLICT (contact_id) DO UPDATE SET interaction_count = excluded.interaction_count, first_at = excluded.first_at, \
         last_at = excluded.last_at, decayed_at_last = excluded.decayed_at_last, outbound = excluded.outbound, \
         inbound = excluded.inbound, mutual = excluded.mutual, kinds = excluded.kinds",
    )
    .await?;
    Ok(())
}

type Event = (DateTime<Utc>, InteractionKind, Direction);

/// Adds new interactions to the participants' aggregates (after inserting them).
pub(crate) async fn merge_stats(
    conn: &mut AnyConnection,
    events: HashMap<String, Vec<Event>>,
) -> Result<()> {
    let settings = strength_settings(conn).await?;
    let mut ids: Vec<String> = events.keys().cloned().collect();
    ids.sort();
    let mut current: HashMap<String, InteractionStats> = HashMap::new();
    for r in fetch_in(
        conn,
        &format!(
            "SELECT s.contact_id, {STATS_COLS} FROM contact_stats s WHERE s.contact_id IN ({{IN}})"
        ),
        &ids,
    )
    .await?
    {
        if let Some(st) = stats_from_row(&r)? {
            current.insert(text(&r, "contact_id")?, st);
        }
    }
    let merged = ids
        .into_iter()
        .map(|id| {
            let mut st = current.remove(&id).unwrap_or_default();
            if let Some(ev) = events.get(&id) {
                st.merge(ev, &settings);
            }
            (id, st)
        })
        .collect();
    write_stats(conn, merged).await
}

/// `expr` values of a group joined with commas (`group_concat` on SQLite, `string_agg` on
/// PostgreSQL): one row per contact instead of one per interaction.
pub(crate) fn list_agg(conn: &AnyConnection, expr: &str, distinct: bool) -> String {
    let d = if distinct { "DISTINCT " } else { "" };
    if conn.backend_name() == "SQLite" {
        format!("group_concat({d}{expr})")
    } else {
        format!("string_agg({d}CAST({expr} AS TEXT), ',')")
    }
}

/// Aggregates live interactions per contact in SQL (counts, first and last time, direction
/// counts, kinds, and the list of times for the decayed count). `filter` restricts contacts.
async fn aggregate(
    conn: &mut AnyConnection,
    filter: Option<&[String]>,
) -> Result<HashMap<String, InteractionStats>> {
    let settings = strength_settings(conn).await?;
    let times = list_agg(conn, "i.occurred_at", false);
    let kinds = list_agg(conn, "i.kind", true);
    let select = format!(
        "SELECT p.contact_id, COUNT(*) AS n, MIN(i.occurred_at) AS first_at, MAX(i.occurred_at) AS last_at, \
         SUM(CASE WHEN i.direction = 'outbound' THEN 1 ELSE 0 END) AS outbound, \
         SUM(CASE WHEN i.direction = 'inbound' THEN 1 ELSE 0 END) AS inbound, \
         SUM(CASE WHEN i.direction = 'mutual' THEN 1 ELSE 0 END) AS mutual, \
         {times} AS times, {kinds} AS kinds \
         FROM interaction_participants p JOIN interactions i ON i.id = p.interaction_id \
         WHERE i.trash_id IS NULL"
    );
    let rows = match filter {
        Some(ids) => {
            fetch_in(
                conn,
                &format!("{select} AND p.contact_id IN ({{IN}}) GROUP BY p.contact_id"),
                ids,
            )
            .await?
        }
        None => fetch(conn, format!("{select} GROUP BY p.contact_id"), vec![]).await?,
    };
    let mut out = HashMap::with_capacity(rows.len());
    for r in &rows {
        let last = opt_int(r, "last_at")?.map(from_micros);
        let times: Vec<DateTime<Utc>> = opt_text(r, "times")?
            .unwrap_or_default()
            .split(',')
            .filter_map(|t| t.trim().parse::<i64>().ok())
            .map(from_micros)
            .collect();
        let mut kind_bits = 0u32;
        for k in opt_text(r, "kinds")?.unwrap_or_default().split(',') {
            if let Some(k) = InteractionKind::parse(k) {
                kind_bits |= kith_core::strength::kind_bit(k);
            }
        }
        let stats = InteractionStats {
            count: int(r, "n")?,
            first_at: opt_int(r, "first_at")?.map(from_micros),
            last_at: last,
            decayed_at_last: last
                .map_or(0.0, |l| kith_core::strength::decayed_count(&times, l, &settings)),
            outbound: int(r, "outbound")?,
            inbound: int(r, "inbound")?,
            mutual: int(r, "mutual")?,
            kinds: kind_bits,
        };
        out.insert(text(r, "contact_id")?, stats);
    }
    Ok(out)
}

/// Rebuilds the aggregates of some contacts from their live interactions.
pub(crate) async fn refresh_stats(conn: &mut AnyConnection, ids: &[String]) -> Result<()> {
    let mut found = aggregate(conn, Some(ids)).await?;
    let stats = ids.iter().map(|id| (id.clone(), found.remove(id).unwrap_or_default())).collect();
    write_stats(conn, stats).await
}

/// Rebuilds every contact's aggregates from all live interactions; returns how many contacts
/// have at least one interaction.
pub(crate) async fn recompute_all(conn: &mut AnyConnection) -> Result<u64> {
    let stats = aggregate(conn, None).await?;
    exec(conn, "DELETE FROM contact_stats".into(), vec![]).await?;
    let n = stats.len() as u64;
    write_stats(conn, stats.into_iter().collect()).await?;
    Ok(n)
}

/// Sets or clears a contact's own cadence.
pub(crate) async fn set_cadence(
    conn: &mut AnyConnection,
    id: ContactId,
    days: Option<u32>,
    now: i64,
) -> Result<()> {
    update_contact_field(conn, id, "cadence_days", Val::OptInt(days.map(i64::from)), now).await
}

/// Sets or clears a snooze.
pub(crate) async fn snooze(
    conn: &mut AnyConnection,
    id: ContactId,
    until: Option<NaiveDate>,
    now: i64,
) -> Result<()> {
    update_contact_field(conn, id, "snoozed_until", Val::OptText(date_text(until)), now).await
}

/// Sets or clears the manual closeness.
pub(crate) async fn set_closeness(
    conn: &mut AnyConnection,
    id: ContactId,
    closeness: Option<f64>,
    now: i64,
) -> Result<()> {
    if let Some(c) = closeness
        && !(0.0..=1.0).contains(&c)
    {
        return Err(kith_core::ValidationError::one(
            "closeness",
            Some(&c.to_string()),
            "a number from 0 to 1",
        )
        .into());
    }
    update_contact_field(conn, id, "closeness", Val::OptFloat(closeness), now).await
}

async fn update_contact_field(
    conn: &mut AnyConnection,
    id: ContactId,
    column: &'static str,
    v: Val,
    now: i64,
) -> Result<()> {
    let n = exec(
        conn,
        format!(
            "UPDATE contacts SET {column} = $1, updated_at = $2 WHERE id = $3 AND trash_id IS NULL"
        ),
        vec![v, now.into(), id.to_string().into()],
    )
    .await?;
    if n == 0 {
        return Err(StoreError::not_found("contact", id.to_string()));
    }
    Ok(())
}

/// Sets (or, with `None`, removes) the cadence of everyone with a tag.
pub(crate) async fn set_tag_cadence(
    conn: &mut AnyConnection,
    tag: &str,
    days: Option<u32>,
) -> Result<()> {
    exec(conn, "DELETE FROM tag_cadences WHERE tag = $1".into(), vec![tag.into()]).await?;
    if let Some(d) = days {
        exec(
            conn,
            "INSERT INTO tag_cadences (tag, cadence_days) VALUES ($1, $2)".into(),
            vec![tag.into(), i64::from(d).into()],
        )
        .await?;
    }
    Ok(())
}

/// Every tag cadence with how many live contacts carry the tag.
pub(crate) async fn tag_cadences(conn: &mut AnyConnection) -> Result<Vec<(String, u32, i64)>> {
    fetch(
        conn,
        "SELECT tc.tag, tc.cadence_days, (SELECT COUNT(*) FROM contact_tags t JOIN contacts c ON c.id = t.contact_id \
         WHERE t.tag = tc.tag AND c.trash_id IS NULL) AS people FROM tag_cadences tc ORDER BY tc.tag"
            .into(),
        vec![],
    )
    .await?
    .iter()
    .map(|r| Ok((text(r, "tag")?, int(r, "cadence_days")? as u32, int(r, "people")?)))
    .collect()
}

/// The columns of a candidate row, in [`CandidateCols`] order. `{tag}` is the cadence tag's
/// pair of columns (read per contact, or given by the query).
fn candidate_select(conn: &AnyConnection, tag: &str) -> String {
    format!(
        "SELECT c.id, c.display_name, c.created_at, c.first_met, c.cadence_days, c.snoozed_until, \
         {} AS closeness, {tag}, s.interaction_count, s.first_at, s.last_at, {} AS decayed, \
         s.outbound, s.inbound, s.mutual, s.kinds \
         FROM contacts c LEFT JOIN contact_stats s ON s.contact_id = c.id",
        real_text(conn, "c.closeness"),
        real_text(conn, "s.decayed_at_last"),
    )
}

/// The cadence a contact gets from its tags (the shortest), for [`candidate_select`].
const TAG_CADENCE_COLS: &str = "(SELECT MIN(tc.cadence_days) FROM contact_tags t JOIN tag_cadences tc ON tc.tag = t.tag WHERE t.contact_id = c.id) AS tag_cadence, \
    (SELECT t.tag FROM contact_tags t JOIN tag_cadences tc ON tc.tag = t.tag WHERE t.contact_id = c.id \
       ORDER BY tc.cadence_days, t.tag LIMIT 1) AS cadence_tag";

/// For [`candidate_select`] when the tag cadence is not wanted or comes from the query.
const NO_TAG_COLS: &str = "NULL AS tag_cadence, NULL AS cadence_tag";

const CANDIDATE_NAMES: [&str; 17] = [
    "id",
    "display_name",
    "created_at",
    "first_met",
    "cadence_days",
    "snoozed_until",
    "closeness",
    "tag_cadence",
    "cadence_tag",
    "interaction_count",
    "first_at",
    "last_at",
    "decayed",
    "outbound",
    "inbound",
    "mutual",
    "kinds",
];

/// A candidate row as [`fetch_packed`] returns it (a JSON array in [`CANDIDATE_NAMES`] order;
/// reals as exact text).
#[derive(serde::Deserialize)]
struct CandidateCols {
    id: String,
    display_name: String,
    created_at: i64,
    first_met: Option<String>,
    cadence_days: Option<i64>,
    snoozed_until: Option<String>,
    closeness: Option<String>,
    tag_cadence: Option<i64>,
    cadence_tag: Option<String>,
    interaction_count: Option<i64>,
    first_at: Option<i64>,
    last_at: Option<i64>,
    decayed: Option<String>,
    outbound: Option<i64>,
    inbound: Option<i64>,
    mutual: Option<i64>,
    kinds: Option<i64>,
}

/// A real read back from [`real_text`].
fn real(v: Option<String>) -> Result<Option<f64>> {
    v.map(|t| {
        t.trim().parse::<f64>().map_err(|e| StoreError::Other(format!("bad number {t:?}: {e}")))
    })
    .transpose()
}

struct CandidateRow {
    id: String,
    display_name: String,
    created_at: DateTime<Utc>,
    known_since: DateTime<Utc>,
    settings: NurtureSettings,
    stats: InteractionStats,
}

impl CandidateCols {
    /// The row; the contact's own cadence wins over its tag's (from the row, or `tag` when
    /// the query was for one tag).
    fn row(self, tag: Option<(u32, String)>) -> Result<CandidateRow> {
        let created_at = from_micros(self.created_at);
        let known_since = known_since(created_at, parse_date(self.first_met));
        let tag = tag.or(match (self.tag_cadence, self.cadence_tag) {
            (Some(d), Some(t)) => Some((d as u32, t)),
            _ => None,
        });
        let (cadence_days, cadence_source) = match (self.cadence_days, tag) {
            (Some(d), _) => (Some(d as u32), Some(CadenceSource::Contact)),
            (None, Some((d, t))) => (Some(d), Some(CadenceSource::Tag(t))),
            (None, None) => (None, None),
        };
        Ok(CandidateRow {
            id: self.id,
            display_name: self.display_name,
            created_at,
            known_since,
            settings: NurtureSettings {
                cadence_days,
                cadence_source,
                snoozed_until: parse_date(self.snoozed_until),
                closeness: real(self.closeness)?,
            },
            stats: match self.interaction_count {
                Some(count) => InteractionStats {
                    count,
                    first_at: self.first_at.map(from_micros),
                    last_at: self.last_at.map(from_micros),
                    decayed_at_last: real(self.decayed)?.unwrap_or(0.0),
                    outbound: self.outbound.unwrap_or(0),
                    inbound: self.inbound.unwrap_or(0),
                    mutual: self.mutual.unwrap_or(0),
                    kinds: self.kinds.unwrap_or(0) as u32,
                },
                // No aggregates row: no interactions.
                None => InteractionStats::default(),
            },
        })
    }
}

/// A live contact's keep-in-touch settings and strength inputs.
pub(crate) async fn contact_nurture(
    conn: &mut AnyConnection,
    id: ContactId,
) -> Result<(NurtureSettings, History, Balance)> {
    let sql = format!(
        "{} WHERE c.id = $1 AND c.trash_id IS NULL",
        candidate_select(conn, TAG_CADENCE_COLS)
    );
    let rows: Vec<CandidateCols> =
        fetch_packed(conn, &sql, &CANDIDATE_NAMES, vec![id.to_string().into()]).await?;
    let Some(cols) = rows.into_iter().next() else {
        return Err(StoreError::not_found("contact", id.to_string()));
    };
    let row = cols.row(None)?;
    let mut ledger = entries_for_contacts(conn, std::slice::from_ref(&row.id)).await?;
    let entries = ledger.remove(&row.id).unwrap_or_default();
    let balance = Balance::of(&entries);
    let history = History {
        interactions: row.stats,
        ledger: balance.stats(&entries),
        known_since: Some(row.known_since),
        closeness: row.settings.closeness,
    };
    Ok((row.settings, history, balance))
}

/// Everyone who may be due: live, not snoozed past `now`, with a cadence, and (roughly,
/// a day early) past it. The exact cut is made by `kith_core::nurture::rank_due`.
pub(crate) async fn due_candidates(
    conn: &mut AnyConnection,
    now: DateTime<Utc>,
) -> Result<Vec<DueCandidate>> {
    // Driven from the cadences, not from every contact: people with their own cadence, then,
    // tag by tag, people whose cadence comes from that tag. A day early; rank_due makes the cut.
    let today = now.date_naive().to_string();
    let base = candidate_select(conn, NO_TAG_COLS);
    let live = "c.trash_id IS NULL AND (c.snoozed_until IS NULL OR c.snoozed_until <= $1)";
    let own: Vec<CandidateCols> = fetch_packed(
        conn,
        &format!(
            "{base} WHERE c.cadence_days IS NOT NULL AND {live} \
             AND COALESCE(s.last_at, c.created_at) <= $2 - (c.cadence_days - 1) * 86400000000"
        ),
        &CANDIDATE_NAMES,
        vec![today.clone().into(), micros(now).into()],
    )
    .await?;
    let mut by_id: HashMap<String, CandidateRow> = HashMap::new();
    for cols in own {
        let row = cols.row(None)?;
        by_id.insert(row.id.clone(), row);
    }
    let cadences: Vec<(String, u32)> =
        fetch(conn, "SELECT tag, cadence_days FROM tag_cadences ORDER BY tag".into(), vec![])
            .await?
            .iter()
            .map(|r| Ok((text(r, "tag")?, int(r, "cadence_days")? as u32)))
            .collect::<Result<_>>()?;
    for (tag, cadence) in cadences {
        let rows: Vec<CandidateCols> = fetch_packed(
            conn,
            &format!(
                "{base} JOIN contact_tags t ON t.contact_id = c.id AND t.tag = $3 \
                 WHERE c.cadence_days IS NULL AND {live} \
                 AND COALESCE(s.last_at, c.created_at) <= $2 - $4 * 86400000000"
            ),
            &CANDIDATE_NAMES,
            vec![
                today.clone().into(),
                micros(now).into(),
                tag.clone().into(),
                (i64::from(cadence) - 1).into(),
            ],
        )
        .await?;
        for cols in rows {
            let row = cols.row(Some((cadence, tag.clone())))?;
            let shorter = by_id
                .get(&row.id)
                .is_none_or(|old| old.settings.cadence_days.is_some_and(|d| cadence < d));
            if shorter {
                by_id.insert(row.id.clone(), row);
            }
        }
    }
    let mut cands: Vec<CandidateRow> = by_id.into_values().collect();
    cands.sort_by(|a, b| a.id.cmp(&b.id));
    let ids: Vec<String> = cands.iter().map(|c| c.id.clone()).collect();
    let mut tags: HashMap<String, Vec<String>> = HashMap::new();
    // Only role tags matter for ranking (kith_core::nurture::ROLE_WEIGHTS).
    let role_list = kith_core::nurture::ROLE_WEIGHTS
        .iter()
        .map(|(r, _)| format!("'{r}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT contact_id, tag FROM contact_tags WHERE tag IN ({role_list}) AND contact_id IN ({{IN}}) ORDER BY contact_id, tag"
    );
    for r in fetch_in(conn, &sql, &ids).await? {
        tags.entry(text(&r, "contact_id")?).or_default().push(text(&r, "tag")?);
    }
    // Relationship roles (`kith role add`) count like role tags.
    let sql = format!(
        "SELECT contact_id, role FROM contact_roles WHERE role IN ({role_list}) AND contact_id IN ({{IN}}) ORDER BY contact_id, role"
    );
    for r in fetch_in(conn, &sql, &ids).await? {
        let list = tags.entry(text(&r, "contact_id")?).or_default();
        let role = text(&r, "role")?;
        if !list.contains(&role) {
            list.push(role);
        }
    }
    let mut ledger = entries_for_contacts(conn, &ids).await?;
    cands
        .into_iter()
        .filter_map(|c| {
            let cadence = c.settings.cadence_days?;
            Some((c, cadence))
        })
        .map(|(c, cadence)| {
            let entries = ledger.remove(&c.id).unwrap_or_default();
            let balance = Balance::of(&entries);
            Ok(DueCandidate {
                contact_id: ContactId(parse_id(&c.id)?),
                display_name: c.display_name,
                cadence_days: cadence,
                cadence_source: c.settings.cadence_source.unwrap_or(CadenceSource::Contact),
                role_tags: tags.remove(&c.id).unwrap_or_default(),
                created_at: c.created_at,
                history: History {
                    interactions: c.stats,
                    ledger: balance.stats(&entries),
                    known_since: Some(c.known_since),
                    closeness: c.settings.closeness,
                },
                balance,
            })
        })
        .collect()
}

/// Strength inputs for every live contact (for sorting by strength and the full recompute).
pub(crate) async fn all_histories(
    conn: &mut AnyConnection,
) -> Result<Vec<(ContactId, String, History)>> {
    let mut out = Vec::new();
    for_each_history(conn, |id, name, history| {
        out.push((id, name, history));
        Ok(())
    })
    .await?;
    Ok(out)
}

/// Every live contact's strength inputs, handed to `each` one contact at a time (in id order,
/// read a chunk at a time), for callers that keep only what they compute from them.
pub(crate) async fn for_each_history(
    conn: &mut AnyConnection,
    mut each: impl FnMut(ContactId, String, History) -> Result<()>,
) -> Result<()> {
    let mut ledger: HashMap<String, kith_core::strength::LedgerStats> = HashMap::new();
    for r in fetch(
        conn,
        "SELECT p.contact_id, e.kind, e.direction, e.status, COUNT(*) AS n FROM ledger_participants p \
         JOIN ledger_entries e ON e.id = p.entry_id WHERE e.trash_id IS NULL \
         GROUP BY p.contact_id, e.kind, e.direction, e.status"
            .into(),
        vec![],
    )
    .await?
    {
        let st = ledger.entry(text(&r, "contact_id")?).or_default();
        let (kind, dir, status) = (text(&r, "kind")?, text(&r, "direction")?, text(&r, "status")?);
        let n = int(&r, "n")?;
        let favour = matches!((kind.as_str(), status.as_str()), ("help", "done") | ("ask", "answered"));
        if favour && dir == "given" {
            st.given += n;
        }
        if favour && dir == "received" {
            st.received += n;
        }
        if let Some(k) = kith_core::ledger::LedgerKind::parse(&kind) {
            st.kinds |= 1 << kith_core::ledger::LedgerKind::ALL.iter().position(|x| *x == k).unwrap_or(0);
        }
    }
    // 100k rows: packed into JSON texts, a chunk at a time (see `for_each_chunk`).
    let select = candidate_select(conn, NO_TAG_COLS);
    for_each_chunk(
        conn,
        &qualified("q", &CANDIDATE_NAMES),
        "q.id",
        &format!("({select} WHERE c.trash_id IS NULL AND c.id > $1 ORDER BY c.id LIMIT {CHUNK}) q"),
        vec![],
        |rows: Vec<CandidateCols>| {
            for cols in rows {
                let row = cols.row(None)?;
                let history = History {
                    interactions: row.stats,
                    ledger: ledger.remove(&row.id).unwrap_or_default(),
                    known_since: Some(row.known_since),
                    closeness: row.settings.closeness,
                };
                each(ContactId(parse_id(&row.id)?), row.display_name, history)?;
            }
            Ok(())
        },
    )
    .await
}

/// When the user has known someone: the first-met day (noon UTC) or when they were added,
/// whichever is earlier.
fn known_since(created_at: DateTime<Utc>, first_met: Option<NaiveDate>) -> DateTime<Utc> {
    first_met
        .and_then(|d| d.and_hms_opt(12, 0, 0))
        .map(|d| d.and_utc())
        .map_or(created_at, |d| d.min(created_at))
}

const REMINDER_SELECT: &str = "SELECT r.id, r.contact_id, c.display_name, r.title, r.due_on, r.yearly, r.done_on, r.created_at \
    FROM reminders r LEFT JOIN contacts c ON c.id = r.contact_id";

fn reminder(r: &sqlx::any::AnyRow) -> Result<Reminder> {
    let contact = match (opt_text(r, "contact_id")?, opt_text(r, "display_name")?) {
        (Some(id), Some(name)) => {
            Some(Participant { contact_id: ContactId(parse_id(&id)?), display_name: name })
        }
        _ => None,
    };
    Ok(Reminder {
        id: ReminderId(uuid(r, "id")?),
        contact,
        title: text(r, "title")?,
        due: parse_date(Some(text(r, "due_on")?)).unwrap_or_default(),
        yearly: int(r, "yearly")? != 0,
        done_on: parse_date(opt_text(r, "done_on")?),
        created_at: from_micros(int(r, "created_at")?),
    })
}

/// Saves a reminder (input normalised).
pub(crate) async fn add_reminder(
    conn: &mut AnyConnection,
    input: &ReminderInput,
    now: i64,
) -> Result<ReminderId> {
    if let Some(c) = input.contact {
        let live = fetch(
            conn,
            "SELECT id FROM contacts WHERE id = $1 AND trash_id IS NULL".into(),
            vec![c.to_string().into()],
        )
        .await?;
        if live.is_empty() {
            return Err(StoreError::not_found("contact", c.to_string()));
        }
    }
    let id = ReminderId(new_id());
    exec(
        conn,
        "INSERT INTO reminders (id, contact_id, title, due_on, yearly, created_at) VALUES ($1, $2, $3, $4, $5, $6)".into(),
        vec![
            id.to_string().into(),
            input.contact.map(|c| c.to_string()).into(),
            input.title.clone().into(),
            input.due.to_string().into(),
            i64::from(input.yearly).into(),
            now.into(),
        ],
    )
    .await?;
    Ok(id)
}

/// One live reminder.
pub(crate) async fn get_reminder(conn: &mut AnyConnection, id: ReminderId) -> Result<Reminder> {
    let rows = fetch(
        conn,
        format!("{REMINDER_SELECT} WHERE r.id = $1 AND r.trash_id IS NULL"),
        vec![id.to_string().into()],
    )
    .await?;
    rows.first()
        .map(reminder)
        .unwrap_or_else(|| Err(StoreError::not_found("reminder", id.to_string())))
}

/// Marks a one-off reminder done; a yearly one moves on to next year.
pub(crate) async fn complete_reminder(
    conn: &mut AnyConnection,
    id: ReminderId,
    today: NaiveDate,
) -> Result<Reminder> {
    let r = get_reminder(conn, id).await?;
    if r.yearly {
        // The occurrence after the one done: done early (a few days before) it is the one due,
        // done late it is the one due too, so start the day after whichever is later.
        let from = today.max(r.due) + Duration::days(1);
        let next =
            kith_core::nurture::next_on_or_after(r.due.month(), r.due.day(), from).unwrap_or(r.due);
        exec(
            conn,
            "UPDATE reminders SET due_on = $1 WHERE id = $2".into(),
            vec![next.to_string().into(), id.to_string().into()],
        )
        .await?;
    } else {
        exec(
            conn,
            "UPDATE reminders SET done_on = $1 WHERE id = $2".into(),
            vec![today.to_string().into(), id.to_string().into()],
        )
        .await?;
    }
    get_reminder(conn, id).await
}

/// Live reminders (open ones only unless `include_done`), by date.
pub(crate) async fn list_reminders(
    conn: &mut AnyConnection,
    include_done: bool,
) -> Result<Vec<Reminder>> {
    let done = if include_done { "" } else { " AND r.done_on IS NULL" };
    fetch(
        conn,
        format!("{REMINDER_SELECT} WHERE r.trash_id IS NULL AND (r.contact_id IS NULL OR c.trash_id IS NULL){done} ORDER BY r.due_on, r.id"),
        vec![],
    )
    .await?
    .iter()
    .map(reminder)
    .collect()
}

/// Reminders whose id starts with the prefix.
pub(crate) async fn find_reminders(
    conn: &mut AnyConnection,
    reference: &str,
) -> Result<Vec<Reminder>> {
    let Some((lo, hi)) = id_prefix_range(reference) else { return Ok(vec![]) };
    fetch(
        conn,
        format!(
            "{REMINDER_SELECT} WHERE r.trash_id IS NULL AND r.id >= $1 AND r.id < $2 ORDER BY r.id"
        ),
        vec![lo.into(), hi.into()],
    )
    .await?
    .iter()
    .map(reminder)
    .collect()
}

/// An empty `ContactDates` for the contact in a row with `id` and `display_name`.
fn dates_of(r: &sqlx::any::AnyRow) -> Result<ContactDates> {
    Ok(ContactDates { contact: participant(r)?, birthday: None, roles: vec![] })
}

/// Birthdays and current roles' start dates falling in the window, for `upcoming`.
pub(crate) async fn dates_in_window(
    conn: &mut AnyConnection,
    today: NaiveDate,
    days: u32,
) -> Result<Vec<ContactDates>> {
    let mut mds: Vec<String> = Vec::new();
    for i in 0..=i64::from(days.min(366)) {
        let d = today + Duration::days(i);
        mds.push(format!("{:02}-{:02}", d.month(), d.day()));
        if d.month() == 2 && d.day() == 28 && NaiveDate::from_ymd_opt(d.year(), 2, 29).is_none() {
            mds.push("02-29".into());
        }
    }
    mds.sort();
    mds.dedup();
    let mut by_id: HashMap<String, ContactDates> = HashMap::new();
    let birthday_keys: Vec<String> = mds.iter().map(|md| md.replace('-', "")).collect();
    let rows = fetch_in(
        conn,
        "SELECT id, display_name, birthday_year, birthday_month, birthday_day FROM contacts WHERE trash_id IS NULL \
         AND birthday_month IS NOT NULL AND CAST(birthday_month * 100 + birthday_day AS TEXT) IN ({IN})",
        &birthday_keys.iter().map(|k| k.trim_start_matches('0').to_string()).collect::<Vec<_>>(),
    )
    .await?;
    for r in rows {
        let id = text(&r, "id")?;
        let entry = match by_id.entry(id) {
            Entry::Occupied(o) => o.into_mut(),
            Entry::Vacant(v) => v.insert(dates_of(&r)?),
        };
        if let (Some(m), Some(d)) = (opt_int(&r, "birthday_month")?, opt_int(&r, "birthday_day")?) {
            entry.birthday = Some(kith_core::Birthday {
                year: opt_int(&r, "birthday_year")?.map(|y| y as i32),
                month: m as u32,
                day: d as u32,
            });
        }
    }
    let rows = fetch_in(
        conn,
        "SELECT c.id, c.display_name, o.name, e.start_date FROM employment e JOIN contacts c ON c.id = e.contact_id \
         JOIN organizations o ON o.id = e.organization_id \
         WHERE c.trash_id IS NULL AND o.trash_id IS NULL AND e.end_date IS NULL AND e.start_date IS NOT NULL \
         AND SUBSTR(e.start_date, 6, 5) IN ({IN})",
        &mds,
    )
    .await?;
    for r in rows {
        let id = text(&r, "id")?;
        let Some(start) = parse_date(opt_text(&r, "start_date")?) else { continue };
        let entry = match by_id.entry(id) {
            Entry::Occupied(o) => o.into_mut(),
            Entry::Vacant(v) => v.insert(dates_of(&r)?),
        };
        entry.roles.push((text(&r, "name")?, start));
    }
    let mut out: Vec<ContactDates> = by_id.into_values().collect();
    out.sort_by_key(|d| d.contact.contact_id);
    Ok(out)
}
