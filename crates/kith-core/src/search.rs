//! Typo-tolerant, ranked search as pure functions.
//!
//! The store keeps an inverted index of folded words (`posting`: word → contact, with the
//! weight of the best field the word appears in) and, for every distinct word, its
//! *deletion variants* (the word with one character removed). A query word finds candidate
//! words by prefix and by shared variants (the symmetric-delete method): two words within
//! edit distance 2 of the usual kinds share a variant. Candidates are then verified with the
//! optimal-string-alignment distance here, so the store only fetches and this module decides.
//! Ranking happens here too, which is why both backends return the same results.

use crate::contact::ContactInput;
use crate::ids::ContactId;
use crate::text;
use std::collections::HashMap;

/// Field weights (0–100): how much a match in that field counts.
pub mod weight {
    pub const NAME: u8 = 100;
    pub const EMAIL: u8 = 90;
    pub const ORGANIZATION: u8 = 70;
    pub const TAG: u8 = 70;
    pub const TITLE: u8 = 60;
    pub const LOCATION: u8 = 40;
    pub const PAST_ORGANIZATION: u8 = 40;
    pub const NOTES: u8 = 30;
}

/// Words longer than this get no deletion variants (they still match exactly and by prefix).
pub const MAX_VARIANT_LEN: usize = 24;
/// At most this many query words are used.
pub const MAX_QUERY_WORDS: usize = 8;
/// At most this many index words a query word may expand to by prefix.
pub const MAX_PREFIX_EXPANSION: usize = 64;
/// At most this many matching index words are kept per query word (the best ones).
pub const MAX_CANDIDATE_WORDS: usize = 48;

/// The index terms of a contact: each folded word with the weight of its best field.
/// `extra_notes` are the bodies of the contact's timeline notes.
pub fn contact_terms(c: &ContactInput, extra_notes: &[String]) -> Vec<(String, u8)> {
    let mut terms: HashMap<String, u8> = HashMap::new();
    let mut add = |text: &str, w: u8| {
        for word in text::words(text) {
            let e = terms.entry(word).or_insert(0);
            *e = (*e).max(w);
        }
    };
    add(&c.display_name, weight::NAME);
    for n in [&c.given_name, &c.family_name, &c.nickname].into_iter().flatten() {
        add(n, weight::NAME);
    }
    for e in &c.emails {
        add(&e.address, weight::EMAIL);
    }
    for (i, e) in c.employment.iter().enumerate() {
        let current = e.end.is_none();
        add(
            &e.organization,
            if current { weight::ORGANIZATION } else { weight::PAST_ORGANIZATION },
        );
        if let Some(t) = &e.title {
            add(t, if current || i == 0 { weight::TITLE } else { weight::NOTES });
        }
    }
    for t in &c.tags {
        add(t, weight::TAG);
    }
    if let Some(l) = &c.location {
        add(l, weight::LOCATION);
    }
    add(&c.notes, weight::NOTES);
    if let Some(h) = &c.how_met {
        add(h, weight::NOTES);
    }
    for n in extra_notes {
        add(n, weight::NOTES);
    }
    let mut out: Vec<_> = terms.into_iter().collect();
    out.sort();
    out
}

/// The folded query words, de-duplicated, at most [`MAX_QUERY_WORDS`].
pub fn query_words(query: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in text::words(query) {
        if !out.contains(&w) && out.len() < MAX_QUERY_WORDS {
            out.push(w);
        }
    }
    out
}

/// The word itself and every string obtained by deleting one character (for words of at
/// least 3 characters and at most [`MAX_VARIANT_LEN`] that contain no digit: `jsmith1987`
/// or `ext4` are found exactly or by prefix, not by typo, which keeps the index small when
/// every email holds a unique token).
pub fn variants(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    let mut out = vec![word.to_string()];
    if chars.len() >= 3 && chars.len() <= MAX_VARIANT_LEN && !chars.iter().any(char::is_ascii_digit)
    {
        for i in 0..chars.len() {
            let v: String =
                chars.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, c)| c).collect();
            if !out.contains(&v) {
                out.push(v);
            }
        }
    }
    out
}

/// The most edits a query word of this length may be from an index word.
pub fn max_distance(len: usize) -> usize {
    match len {
        0..=2 => 0,
        3..=5 => 1,
        _ => 2,
    }
}

/// Optimal string alignment distance (Levenshtein plus adjacent transpositions).
pub fn osa_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[n][m]
}

/// How well a query word matches an index word, in (0, 1]; `None` when it does not.
/// Exact 1.0; prefix 0.7–0.9 (longer prefixes score higher); one edit 0.6; two edits 0.4.
pub fn match_quality(query_word: &str, word: &str) -> Option<f64> {
    if query_word == word {
        return Some(1.0);
    }
    let ql = query_word.chars().count();
    let wl = word.chars().count();
    if ql >= 2 && word.starts_with(query_word) {
        return Some(0.7 + 0.2 * ql as f64 / wl as f64);
    }
    let max = max_distance(ql);
    if max == 0 || ql.abs_diff(wl) > max {
        return None;
    }
    match osa_distance(query_word, word) {
        0 => Some(1.0),
        1 => Some(0.6),
        2 if max >= 2 => Some(0.4),
        _ => None,
    }
}

/// One posting fetched from the index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Posting {
    pub contact_id: ContactId,
    pub word: String,
    pub weight: u8,
}

/// A ranked result: the contact, its score in (0, 1] and the index words that matched.
#[derive(Clone, Debug, PartialEq)]
pub struct Ranked {
    pub contact_id: ContactId,
    pub score: f64,
    pub matched: Vec<String>,
}

/// Ranks contacts for the query words.
///
/// `candidates[i]` are the index words query word `i` matched, with their quality. A contact's
/// score is the mean over query words of the best `quality × field weight` among its postings.
/// Contacts matching every query word come first; if none does, those matching the most words
/// are returned. Ties break on the contact id, so the order is total and backend-independent.
pub fn rank(candidates: &[Vec<(String, f64)>], postings: &[Posting], limit: usize) -> Vec<Ranked> {
    let n = candidates.len();
    if n == 0 {
        return Vec::new();
    }
    // word -> [(query word index, quality)]
    let mut by_word: HashMap<&str, Vec<(usize, f64)>> = HashMap::new();
    for (i, words) in candidates.iter().enumerate() {
        for (w, q) in words {
            by_word.entry(w.as_str()).or_default().push((i, *q));
        }
    }
    struct Acc {
        best: Vec<f64>,
        matched: Vec<String>,
    }
    let mut acc: HashMap<ContactId, Acc> = HashMap::new();
    for p in postings {
        let Some(hits) = by_word.get(p.word.as_str()) else { continue };
        let a = acc
            .entry(p.contact_id)
            .or_insert_with(|| Acc { best: vec![0.0; n], matched: Vec::new() });
        for &(i, q) in hits {
            let s = q * f64::from(p.weight) / 100.0;
            if s > a.best[i] {
                a.best[i] = s;
            }
        }
        if !a.matched.contains(&p.word) {
            a.matched.push(p.word.clone());
        }
    }
    let most = acc.values().map(|a| a.best.iter().filter(|s| **s > 0.0).count()).max().unwrap_or(0);
    let mut out: Vec<Ranked> = acc
        .into_iter()
        .filter(|(_, a)| a.best.iter().filter(|s| **s > 0.0).count() == most)
        .map(|(id, mut a)| {
            a.matched.sort();
            Ranked {
                contact_id: id,
                score: a.best.iter().sum::<f64>() / n as f64,
                matched: a.matched,
            }
        })
        .collect();
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.contact_id.cmp(&b.contact_id)));
    out.truncate(limit);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use uuid::Uuid;

    fn cid(n: u128) -> ContactId {
        ContactId(Uuid::from_u128(n))
    }

    #[test]
    fn typos_share_a_variant() {
        let shared = |a: &str, b: &str| variants(a).iter().any(|v| variants(b).contains(v));
        assert!(shared("smth", "smith"));
        assert!(shared("jon", "john"));
        assert!(shared("lovelcae", "lovelace"));
        assert!(shared("smyth", "smith"));
        assert_eq!(match_quality("smth", "smith"), Some(0.6));
        assert_eq!(match_quality("jon", "john"), Some(0.6));
        assert!(match_quality("jo", "john").is_some());
        assert!(match_quality("xyz", "john").is_none());
        assert!(match_quality("ab", "ac").is_none());
    }

    #[test]
    fn osa() {
        assert_eq!(osa_distance("kitten", "sitting"), 3);
        assert_eq!(osa_distance("ca", "ac"), 1);
        assert_eq!(osa_distance("", "abc"), 3);
    }

    #[test]
    fn ranks_all_words_first_then_by_score() {
        let cands = vec![
            vec![("john".to_string(), 0.6)],
            vec![("smith".to_string(), 0.6), ("smithers".to_string(), 0.75)],
        ];
        let postings = vec![
            Posting { contact_id: cid(1), word: "john".into(), weight: 100 },
            Posting { contact_id: cid(1), word: "smith".into(), weight: 100 },
            Posting { contact_id: cid(2), word: "john".into(), weight: 100 },
            Posting { contact_id: cid(3), word: "smithers".into(), weight: 30 },
            Posting { contact_id: cid(3), word: "john".into(), weight: 100 },
        ];
        let r = rank(&cands, &postings, 10);
        assert_eq!(r.iter().map(|r| r.contact_id).collect::<Vec<_>>(), [cid(1), cid(3)]);
        assert_eq!(r[0].matched, ["john", "smith"]);
    }

    #[test]
    fn terms_take_the_best_field() {
        let mut c = ContactInput::named("Ada Lovelace");
        c.notes = "Ada likes engines".into();
        let terms = contact_terms(&c, &["met at the engine society".to_string()]);
        let get = |w: &str| terms.iter().find(|(t, _)| t == w).map(|(_, x)| *x);
        assert_eq!(get("ada"), Some(weight::NAME));
        assert_eq!(get("engines"), Some(weight::NOTES));
        assert_eq!(get("society"), Some(weight::NOTES));
    }

    proptest! {
        #[test]
        fn osa_is_a_symmetric_bound(a in "[a-e]{0,8}", b in "[a-e]{0,8}") {
            let d = osa_distance(&a, &b);
            prop_assert_eq!(d, osa_distance(&b, &a));
            prop_assert!(d <= a.len().max(b.len()));
            prop_assert!(d >= a.len().abs_diff(b.len()));
        }

        #[test]
        fn one_edit_always_shares_a_variant(w in "[a-z]{3,12}", i in 0usize..12, c in "[a-z]") {
            // Substitute one character: the two words share the deletion at that position.
            let chars: Vec<char> = w.chars().collect();
            let i = i % chars.len();
            let mut typo = chars.clone();
            typo[i] = c.chars().next().unwrap();
            let typo: String = typo.into_iter().collect();
            let vs = variants(&w);
            prop_assert!(variants(&typo).iter().any(|v| vs.contains(v)));
        }
    }
}
