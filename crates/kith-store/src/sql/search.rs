//! The search index (maintenance and queries). Matching and ranking live in
//! `kith_core::search`; this module only stores and fetches.

use super::contacts::load_summaries;
use super::util::*;
use crate::{Result, SearchHit};
use kith_core::ContactId;
use kith_core::search::{self, Posting};
use kith_core::text::prefix_upper_bound;
use sqlx::AnyConnection;
use std::collections::{HashMap, HashSet};

/// Replaces the postings of the given contacts. `fresh` skips the delete for new contacts.
pub(crate) async fn index_contacts(
    conn: &mut AnyConnection,
    items: Vec<(ContactId, Vec<(String, u8)>)>,
    fresh: bool,
) -> Result<()> {
    let prepared = prepare_index(items, conn.backend_name() == "SQLite");
    write_index(conn, prepared, fresh).await
}

/// Postings ready to write: the CPU half of indexing, which needs no connection, so a bulk
/// import prepares them on another core while its contact rows are being written.
///
/// Contacts are numbered 0, 1, ... in id order here (their rank); writing adds the next free
/// document number, so the postings stay sorted by the table's key (word, number).
pub(crate) struct PreparedIndex {
    /// The contacts indexed (their old postings go first unless they are new).
    ids: Vec<String>,
    /// On SQLite (more than one contact): the postings as JSON, one text per statement.
    sqlite_json: Vec<String>,
    /// Otherwise: the posting rows (word, rank, weight), in key order.
    rows: Vec<Vec<Val>>,
    /// Every word, sorted, without repeats.
    words: Vec<String>,
    /// Rows of `search_documents` (rank, contact, its words space-separated), in rank order;
    /// contacts without words have none.
    documents: Vec<Vec<Val>>,
}

/// Sorts postings by the table's key (word, contact rank) and shapes them for the backend.
pub(crate) fn prepare_index(
    mut items: Vec<(ContactId, Vec<(String, u8)>)>,
    sqlite: bool,
) -> PreparedIndex {
    // A contact given twice is indexed once, as its last entry says: its postings must be
    // those its document lists, or they could never be deleted.
    let mut last: HashMap<ContactId, usize> = HashMap::with_capacity(items.len());
    for (i, (id, _)) in items.iter().enumerate() {
        last.insert(*id, i);
    }
    if last.len() < items.len() {
        items = items
            .into_iter()
            .enumerate()
            .filter(|(i, (id, _))| last.get(id) == Some(i))
            .map(|(_, item)| item)
            .collect();
    }
    let ids: Vec<String> = items.iter().map(|(id, _)| id.to_string()).collect();
    let (postings, words, ranks) = sorted_postings(&items);
    let (sqlite_json, rows) = if sqlite && items.len() > 1 {
        (postings_json(&postings, &words), Vec::new())
    } else {
        let rows = postings
            .iter()
            .map(|&(w, rank, weight)| {
                vec![
                    Val::from(words[w as usize].as_str()),
                    Val::Int(i64::from(rank)),
                    Val::Int(i64::from(weight)),
                ]
            })
            .collect();
        (Vec::new(), rows)
    };
    // One document per contact with words (the ids are distinct now), in rank order.
    let mut documents: Vec<(u32, Vec<Val>)> = items
        .iter()
        .zip(&ids)
        .zip(&ranks)
        .filter(|(((_, terms), _), _)| !terms.is_empty())
        .map(|(((_, terms), id), &rank)| {
            let list: Vec<&str> = terms.iter().map(|(w, _)| w.as_str()).collect();
            let row =
                vec![Val::Int(i64::from(rank)), Val::Text(id.clone()), Val::Text(list.join(" "))];
            (rank, row)
        })
        .collect();
    documents.sort_unstable_by_key(|(rank, _)| *rank);
    let documents = documents.into_iter().map(|(_, row)| row).collect();
    PreparedIndex { ids, sqlite_json, rows, words, documents }
}

/// Postings as (word index, contact rank, weight), the sorted distinct words, and each item's
/// contact rank.
type SortedPostings = (Vec<(u32, u32, u8)>, Vec<String>, Vec<u32>);

/// Every posting (word, contact rank, weight) sorted by the table's key, with each word as its
/// index into the sorted, distinct words. The sort compares integers: each word is numbered by
/// its rank among the distinct words and each contact by its rank by id.
fn sorted_postings(items: &[(ContactId, Vec<(String, u8)>)]) -> SortedPostings {
    // Words numbered as they come, then ranked by their text.
    let mut numbers: HashMap<&str, u32> = HashMap::new();
    let mut distinct: Vec<&str> = Vec::new();
    let mut numbered: Vec<(u32, u32, u8)> = Vec::new();
    // Contacts ranked by id (equal ids share a rank).
    let mut by_id: Vec<u32> = (0..items.len() as u32).collect();
    by_id.sort_unstable_by_key(|&i| items[i as usize].0);
    let mut contact_rank = vec![0u32; items.len()];
    let mut count = 0u32;
    for (k, &i) in by_id.iter().enumerate() {
        if k == 0 || items[by_id[k - 1] as usize].0 != items[i as usize].0 {
            count += 1;
        }
        contact_rank[i as usize] = count - 1;
    }
    for (i, (_, terms)) in items.iter().enumerate() {
        for (w, weight) in terms {
            let next = distinct.len() as u32;
            let n = *numbers.entry(w.as_str()).or_insert(next);
            if n == next {
                distinct.push(w.as_str());
            }
            numbered.push((n, contact_rank[i], *weight));
        }
    }
    let mut order: Vec<u32> = (0..distinct.len() as u32).collect();
    order.sort_unstable_by_key(|&n| distinct[n as usize]);
    let mut word_rank = vec![0u32; distinct.len()];
    for (rank, &n) in order.iter().enumerate() {
        word_rank[n as usize] = rank as u32;
    }
    let mut keys: Vec<(u64, u8)> = numbered
        .into_iter()
        .map(|(n, c, weight)| ((u64::from(word_rank[n as usize]) << 32) | u64::from(c), weight))
        .collect();
    keys.sort_unstable();
    let postings = keys
        .into_iter()
        .map(|(key, weight)| ((key >> 32) as u32, (key & 0xffff_ffff) as u32, weight))
        .collect();
    let words = order.iter().map(|&n| distinct[n as usize].to_string()).collect();
    (postings, words, contact_rank)
}

/// Writes prepared postings (after deleting the contacts' old ones unless `fresh`) and
/// registers their words.
pub(crate) async fn write_index(
    conn: &mut AnyConnection,
    mut p: PreparedIndex,
    fresh: bool,
) -> Result<()> {
    if !fresh {
        forget(conn, &p.ids).await?;
    }
    if p.documents.is_empty() {
        return Ok(());
    }
    let base = first_free_number(conn).await?;
    let sql = "INSERT INTO search_postings (word, num, weight) \
               SELECT w.key, $1 + p.key, p.value FROM jsonb_each($2) w, jsonb_each(w.value) p \
               WHERE true";
    for json in p.sqlite_json {
        exec(conn, sql.into(), vec![Val::Int(base), Val::Text(json)]).await?;
    }
    // Ranks become numbers: the second value of a posting, the first of a document.
    let renumber = |rows: &mut Vec<Vec<Val>>, at: usize| {
        for row in rows {
            if let Val::Int(rank) = &mut row[at] {
                *rank += base;
            }
        }
    };
    renumber(&mut p.rows, 1);
    renumber(&mut p.documents, 0);
    insert_rows(conn, "INSERT INTO search_postings (word, num, weight)", 3, p.rows, "").await?;
    insert_rows(conn, "INSERT INTO search_documents (num, contact_id, words)", 3, p.documents, "")
        .await?;
    register_words(conn, p.words).await
}

/// The first document number after every one in use. The caller's write transaction runs
/// alone (see `SqlStore::write`), so the numbers after it stay free until it ends.
async fn first_free_number(conn: &mut AnyConnection) -> Result<i64> {
    let rows =
        fetch(conn, "SELECT COALESCE(MAX(num), 0) AS n FROM search_documents".into(), vec![])
            .await?;
    let last = rows.first().map(|r| int(r, "n")).transpose()?.unwrap_or(0);
    Ok(last + 1)
}

/// Deletes contacts' postings and their documents. Each posting goes by its key (word,
/// contact), the words read from the contact's document: the postings have no index by
/// contact (see migration 10).
pub(crate) async fn forget(conn: &mut AnyConnection, ids: &[String]) -> Result<()> {
    /// Words per `num = ? AND word IN (...)` term.
    const WORDS_PER_TERM: usize = 500;
    /// Bound values per statement.
    const PER_STATEMENT: usize = 2000;
    /// Terms per statement: SQLite parses `a OR b OR ...` as a tree at most 1000 deep.
    const TERMS_PER_STATEMENT: usize = 200;
    let documents =
        fetch_in(conn, "SELECT num, words FROM search_documents WHERE contact_id IN ({IN})", ids)
            .await?;
    let mut terms: Vec<String> = Vec::new();
    let mut vals: Vec<Val> = Vec::new();
    for d in &documents {
        let num = int(d, "num")?;
        let words = text(d, "words")?;
        let words: Vec<&str> = words.split(' ').filter(|w| !w.is_empty()).collect();
        for chunk in words.chunks(WORDS_PER_TERM) {
            if vals.len() + 1 + chunk.len() > PER_STATEMENT || terms.len() >= TERMS_PER_STATEMENT {
                delete_postings(conn, &mut terms, &mut vals).await?;
            }
            terms.push(format!(
                "(num = {} AND word IN ({}))",
                placeholders(conn, vals.len() + 1, 1),
                placeholders(conn, vals.len() + 2, chunk.len())
            ));
            vals.push(Val::Int(num));
            vals.extend(chunk.iter().map(|w| Val::from(*w)));
        }
    }
    delete_postings(conn, &mut terms, &mut vals).await?;
    for chunk in ids.chunks(1000) {
        let sql = format!(
            "DELETE FROM search_documents WHERE contact_id IN ({})",
            placeholders(conn, 1, chunk.len())
        );
        exec(conn, sql, chunk.iter().map(|k| Val::Text(k.clone())).collect()).await?;
    }
    Ok(())
}

/// Runs one `DELETE` of postings for the collected terms (OR-ed; each one searches the key).
async fn delete_postings(
    conn: &mut AnyConnection,
    terms: &mut Vec<String>,
    vals: &mut Vec<Val>,
) -> Result<()> {
    if terms.is_empty() {
        return Ok(());
    }
    let sql = format!("DELETE FROM search_postings WHERE {}", terms.join(" OR "));
    terms.clear();
    exec(conn, sql, std::mem::take(vals)).await?;
    Ok(())
}

/// Postings for SQLite, as `{"word": {"contact id": weight, ...}, ...}` expanded by nested
/// `jsonb_each` (the inner object stays binary JSON): every value arrives as an atom, with no
/// per-field JSON extraction. The postings
/// come sorted by the table's key (word, contact), so SQLite appends them in document order
/// without sorting, and each chunk continues where the last one stopped.
fn postings_json(postings: &[(u32, u32, u8)], words: &[String]) -> Vec<String> {
    use std::fmt::Write as _;
    const PER_STATEMENT: usize = 250_000;
    let mut out = Vec::new();
    for chunk in postings.chunks(PER_STATEMENT) {
        let mut json = String::with_capacity(chunk.len() * 12);
        json.push('{');
        let mut word: Option<u32> = None;
        for &(w, rank, weight) in chunk {
            if word == Some(w) {
                json.push(',');
            } else {
                if word.is_some() {
                    json.push_str("},");
                }
                push_json_string(&mut json, &words[w as usize]);
                json.push_str(":{");
                word = Some(w);
            }
            let _ = write!(json, "\"{rank}\":{weight}");
        }
        if word.is_some() {
            json.push('}');
        }
        json.push('}');
        out.push(json);
    }
    out
}

/// Registers new words; only words not seen before need their variants stored.
async fn register_words(conn: &mut AnyConnection, mut words: Vec<String>) -> Result<()> {
    let mut new_words = Vec::new();
    if conn.backend_name() == "SQLite" {
        // One packed read of the words already known and one insert of the rest: rows
        // returned one by one (`RETURNING`) cost several µs each through the driver.
        let mut list = String::with_capacity(words.len() * 12);
        list.push('[');
        for (i, w) in words.iter().enumerate() {
            if i > 0 {
                list.push(',');
            }
            push_json_string(&mut list, w);
        }
        list.push(']');
        let known: Vec<(String,)> = fetch_packed(
            conn,
            "SELECT word FROM search_words WHERE word IN (SELECT value FROM json_each($1))",
            &["word"],
            vec![Val::Text(list)],
        )
        .await?;
        let known: HashSet<String> = known.into_iter().map(|(w,)| w).collect();
        new_words = words.into_iter().filter(|w| !known.contains(w)).collect();
        let rows = new_words.iter().map(|w| vec![Val::Text(w.clone())]).collect();
        insert_rows(conn, "INSERT INTO search_words (word)", 1, rows, "").await?;
        words = Vec::new();
    }
    for chunk in words.chunks(1000) {
        let sql = format!(
            "INSERT INTO search_words (word) VALUES {} ON CONFLICT DO NOTHING RETURNING word",
            (1..=chunk.len())
                .map(|i| format!("({})", placeholders(conn, i, 1)))
                .collect::<Vec<_>>()
                .join(", ")
        );
        for r in fetch(conn, sql, chunk.iter().map(|w| Val::Text(w.clone())).collect()).await? {
            new_words.push(text(&r, "word")?);
        }
    }
    let mut variants: Vec<Vec<Val>> = new_words
        .iter()
        .flat_map(|w| {
            search::variants(w).into_iter().map(move |v| vec![Val::Text(v), Val::Text(w.clone())])
        })
        .collect();
    variants.sort_by(|a, b| key2(a).cmp(&key2(b)));
    insert_rows(
        conn,
        "INSERT INTO search_variants (variant, word)",
        2,
        variants,
        "ON CONFLICT DO NOTHING",
    )
    .await?;
    Ok(())
}

/// Ranked search; see `kith_core::search` for the method.
pub(crate) async fn search(
    conn: &mut AnyConnection,
    query: &str,
    limit: usize,
) -> Result<Vec<SearchHit>> {
    let words = search::query_words(query);
    if words.is_empty() || limit == 0 {
        return Ok(vec![]);
    }
    let mut candidates: Vec<Vec<(String, f64)>> = Vec::with_capacity(words.len());
    for w in &words {
        let mut found: HashSet<String> = HashSet::new();
        if w.len() >= 2 {
            let rows = fetch(
                conn,
                format!(
                    "SELECT word FROM search_words WHERE word >= $1 AND word < $2 ORDER BY word LIMIT {}",
                    search::MAX_PREFIX_EXPANSION
                ),
                vec![w.clone().into(), prefix_upper_bound(w).into()],
            )
            .await?;
            for r in rows {
                found.insert(text(&r, "word")?);
            }
        } else {
            found.insert(w.clone());
        }
        if search::max_distance(w.chars().count()) > 0 {
            let vs = search::variants(w);
            let rows =
                fetch_in(conn, "SELECT word FROM search_variants WHERE variant IN ({IN})", &vs)
                    .await?;
            for r in rows {
                found.insert(text(&r, "word")?);
            }
        }
        let mut scored: Vec<(String, f64)> = found
            .into_iter()
            .filter_map(|cand| search::match_quality(w, &cand).map(|q| (cand, q)))
            .collect();
        // Best matches first; a short query word may share variants with thousands of words.
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        scored.truncate(search::MAX_CANDIDATE_WORDS);
        candidates.push(scored);
    }
    // Fetch postings rarest query word first; once few contacts remain possible, later words
    // only fetch postings of those contacts ("ada initech" does not read all of Initech).
    let mut order: Vec<(u64, usize)> = Vec::with_capacity(candidates.len());
    for (i, words) in candidates.iter().enumerate() {
        let keys: Vec<String> = words.iter().map(|(w, _)| w.clone()).collect();
        let mut n = 0u64;
        for r in
            fetch_in(conn, "SELECT COUNT(*) AS n FROM search_postings WHERE word IN ({IN})", &keys)
                .await?
        {
            n += int(&r, "n")? as u64;
        }
        order.push((n, i));
    }
    order.sort();
    let mut postings: Vec<Posting> = Vec::new();
    let mut possible: Option<Vec<String>> = None;
    for (count, i) in order {
        let keys: Vec<String> = candidates[i].iter().map(|(w, _)| w.clone()).collect();
        if keys.is_empty() || count == 0 {
            continue;
        }
        let single_word = candidates.len() == 1;
        let rows = match &possible {
            // One query word matching many contacts: its score is quality × weight, so each
            // candidate word's best `limit` postings (by weight, then id) hold the exact top.
            None if single_word && count > TOP_K_ABOVE && count > 4 * limit as u64 => {
                let mut rows = Vec::new();
                for w in &keys {
                    rows.extend(
                        fetch(
                            conn,
                            "SELECT d.contact_id, p.word, p.weight FROM search_postings p \
                             JOIN search_documents d ON d.num = p.num WHERE p.word = $1 \
                             AND d.contact_id NOT IN (SELECT id FROM contacts WHERE trash_id IS NOT NULL) \
                             ORDER BY p.weight DESC, d.contact_id LIMIT $2"
                                .into(),
                            vec![w.clone().into(), (limit as i64).into()],
                        )
                        .await?,
                    );
                }
                rows
            }
            Some(ids) if ids.len() <= RESTRICT_BELOW => {
                fetch_pairs(
                    conn,
                    "SELECT d.contact_id, p.word, p.weight FROM search_postings p \
                     JOIN search_documents d ON d.num = p.num WHERE p.word IN ({WORDS}) \
                     AND d.contact_id IN ({IDS})",
                    &keys,
                    ids,
                )
                .await?
            }
            _ => {
                fetch_in(
                    conn,
                    "SELECT d.contact_id, p.word, p.weight FROM search_postings p \
                     JOIN search_documents d ON d.num = p.num WHERE p.word IN ({IN}) \
                     AND d.contact_id NOT IN (SELECT id FROM contacts WHERE trash_id IS NOT NULL)",
                    &keys,
                )
                .await?
            }
        };
        let mut found: Vec<String> = Vec::with_capacity(rows.len());
        for r in &rows {
            let id = text(r, "contact_id")?;
            postings.push(Posting {
                contact_id: ContactId(parse_id(&id)?),
                word: text(r, "word")?,
                weight: int(r, "weight")?.clamp(0, 100) as u8,
            });
            found.push(id);
        }
        if possible.is_none() {
            found.sort();
            found.dedup();
            possible = Some(found);
        }
    }
    let ranked = search::rank(&candidates, &postings, limit);
    let ids: Vec<String> = ranked.iter().map(|r| r.contact_id.to_string()).collect();
    let mut summaries: HashMap<ContactId, _> =
        load_summaries(conn, &ids).await?.into_iter().map(|s| (s.id, s)).collect();
    Ok(ranked
        .into_iter()
        .filter_map(|r| {
            summaries.remove(&r.contact_id).map(|contact| SearchHit {
                contact,
                score: r.score,
                matched: r.matched,
            })
        })
        .collect())
}

/// A single query word with more postings than this fetches each candidate word's best k
/// postings (one query per word) instead of all of them (one query for all words).
const TOP_K_ABOVE: u64 = 2000;

/// Below this many possible contacts, later query words fetch only those contacts' postings.
const RESTRICT_BELOW: usize = 2000;

/// Runs `sql` with `{WORDS}` and `{IDS}` placeholder lists (ids chunked).
async fn fetch_pairs(
    conn: &mut AnyConnection,
    sql: &str,
    words: &[String],
    ids: &[String],
) -> Result<Vec<sqlx::any::AnyRow>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(1000) {
        let q = sql
            .replace("{WORDS}", &placeholders(conn, 1, words.len()))
            .replace("{IDS}", &placeholders(conn, words.len() + 1, chunk.len()));
        let vals = words.iter().chain(chunk.iter()).map(|s| Val::Text(s.clone())).collect();
        out.extend(fetch(conn, q, vals).await?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::Connection;

    /// The integer sort gives the order of the text triples, and the distinct words.
    #[test]
    fn postings_sort_like_their_text() {
        let word = |i: u64| ["ada", "b", "zoë", "lovelace", "ab", "a", "é", "z"][(i % 8) as usize];
        let mut items: Vec<(ContactId, Vec<(String, u8)>)> = (0..300u64)
            .map(|i| {
                let terms = (0..(i % 5)).map(|k| (word(i * 3 + k).to_string(), (i % 7) as u8));
                (ContactId(new_id()), terms.collect())
            })
            .collect();
        // Two entries of one contact (a contact indexed twice) share its rank.
        items.push((items[3].0, vec![("ada".to_string(), 1)]));
        let (postings, words, ranks) = sorted_postings(&items);
        // Ranks follow the ids, equal ids share one.
        let mut by_rank: Vec<(u32, ContactId)> =
            ranks.iter().copied().zip(items.iter().map(|(id, _)| *id)).collect();
        by_rank.sort();
        by_rank.dedup();
        assert!(by_rank.windows(2).all(|w| w[0].0 + 1 == w[1].0 && w[0].1 < w[1].1));
        assert_eq!(ranks[items.len() - 1], ranks[3]);
        let text_of = |&(w, rank, n): &(u32, u32, u8)| {
            (words[w as usize].as_str(), by_rank[rank as usize].1.to_string(), n)
        };
        let got: Vec<(&str, String, u8)> = postings.iter().map(text_of).collect();
        let mut expected: Vec<(&str, String, u8)> = items
            .iter()
            .flat_map(|(id, terms)| {
                terms.iter().map(move |(w, n)| (w.as_str(), id.to_string(), *n))
            })
            .collect();
        expected.sort_unstable();
        assert_eq!(got, expected);
        let mut distinct: Vec<String> = expected.iter().map(|(w, _, _)| w.to_string()).collect();
        distinct.dedup();
        assert_eq!(words, distinct);
    }

    /// Many contacts of one word each: one term per contact, more terms than SQLite's
    /// expression depth allows in one statement.
    #[tokio::test]
    async fn forgetting_many_contacts_at_once() {
        let db = crate::testing::TestDb::sqlite().await;
        let mut conn = AnyConnection::connect(&db.url).await.unwrap();
        let items: Vec<(ContactId, Vec<(String, u8)>)> =
            (0..1500).map(|i| (ContactId(new_id()), vec![(format!("word{i}"), 100)])).collect();
        let ids: Vec<String> = items.iter().map(|(id, _)| id.to_string()).collect();
        index_contacts(&mut conn, items, true).await.unwrap();
        let count = |sql: &'static str| sqlx::query_scalar::<_, i64>(sql);
        let postings = "SELECT COUNT(*) FROM search_postings";
        assert_eq!(count(postings).fetch_one(&mut conn).await.unwrap(), 1500);
        forget(&mut conn, &ids).await.unwrap();
        assert_eq!(count(postings).fetch_one(&mut conn).await.unwrap(), 0);
        let documents = "SELECT COUNT(*) FROM search_documents";
        assert_eq!(count(documents).fetch_one(&mut conn).await.unwrap(), 0);
        conn.close().await.unwrap();
        db.finish().await;
    }
}
