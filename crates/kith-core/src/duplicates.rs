//! Likely duplicate people and the evidence for each pair, best first.

use crate::ids::ContactId;
use crate::text::fold;
use serde::Serialize;
use std::collections::HashMap;

/// What matching needs to know of one person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DuplicateCandidate {
    pub id: ContactId,
    pub display_name: String,
    /// Lower-cased emails.
    pub emails: Vec<String>,
    /// Normalised phones.
    pub phones: Vec<String>,
    /// Normalised profile links (see [`crate::import::link_key`]).
    pub links: Vec<String>,
    /// Folded names of the organizations they work at now.
    pub organizations: Vec<String>,
}

impl DuplicateCandidate {
    /// A candidate with a name and nothing else yet.
    pub fn new(id: ContactId, display_name: &str) -> Self {
        DuplicateCandidate {
            id,
            display_name: display_name.to_string(),
            emails: vec![],
            phones: vec![],
            links: vec![],
            organizations: vec![],
        }
    }
}

/// Why two people look like the same person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", content = "value", rename_all = "kebab-case")]
pub enum Evidence {
    SameEmail(String),
    SamePhone(String),
    SameLink(String),
    /// Similar names at the same organization.
    SimilarNameSameOrganization(String),
    SameName,
}

impl Evidence {
    fn weight(&self) -> f64 {
        match self {
            Evidence::SameLink(_) => 0.95,
            Evidence::SameEmail(_) => 0.9,
            Evidence::SamePhone(_) => 0.8,
            Evidence::SimilarNameSameOrganization(_) => 0.6,
            Evidence::SameName => 0.35,
        }
    }

    /// The user's words.
    pub fn describe(&self) -> String {
        match self {
            Evidence::SameEmail(e) => format!("same email {e}"),
            Evidence::SamePhone(p) => format!("same phone {p}"),
            Evidence::SameLink(l) => format!("same profile {l}"),
            Evidence::SimilarNameSameOrganization(o) => format!("similar name at {o}"),
            Evidence::SameName => "same name".into(),
        }
    }
}

/// Two people who may be one, with the evidence and a score in (0, 1).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DuplicatePair {
    pub a: ContactId,
    pub a_name: String,
    pub b: ContactId,
    pub b_name: String,
    pub evidence: Vec<Evidence>,
    pub score: f64,
}

/// Buckets larger than this (a shared office number, a generic address) are not evidence.
const MAX_BUCKET: usize = 12;

/// Whether two names look like the same person's: equal when folded, or the same family name
/// with one given name a prefix of the other (`Jon` / `Jonathan`, `J.` / `Jane`).
pub fn similar_names(a: &str, b: &str) -> bool {
    let (fa, fb) = (fold(a), fold(b));
    if fa == fb {
        return true;
    }
    let wa: Vec<&str> = fa.split_whitespace().collect();
    let wb: Vec<&str> = fb.split_whitespace().collect();
    let prefix = |x: &str, y: &str| {
        let (x, y) = (x.trim_end_matches('.'), y.trim_end_matches('.'));
        !x.is_empty() && !y.is_empty() && (x.starts_with(y) || y.starts_with(x))
    };
    // A family name may be shortened to its initial ("N."), not to any prefix.
    let family = |x: &str, y: &str| {
        let (x, y) = (x.trim_end_matches('.'), y.trim_end_matches('.'));
        x == y || (prefix(x, y) && (x.chars().count() == 1 || y.chars().count() == 1))
    };
    match (wa.as_slice(), wb.as_slice()) {
        ([ga, .., la], [gb, .., lb]) => prefix(ga, gb) && family(la, lb) && (la == lb || ga == gb),
        _ => false,
    }
}

/// Finds likely duplicates among `people`, best first.
pub fn find(people: &[DuplicateCandidate]) -> Vec<DuplicatePair> {
    let mut pairs: HashMap<(usize, usize), Vec<Evidence>> = HashMap::new();
    let mut add = |i: usize, j: usize, e: Evidence| {
        let key = (i.min(j), i.max(j));
        let list = pairs.entry(key).or_default();
        if !list.contains(&e) {
            list.push(e);
        }
    };
    let bucket = |keys: &dyn Fn(&DuplicateCandidate) -> Vec<String>,
                  make: &dyn Fn(String) -> Evidence,
                  add: &mut dyn FnMut(usize, usize, Evidence)| {
        let mut by: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, p) in people.iter().enumerate() {
            for k in keys(p) {
                if !k.is_empty() {
                    let v = by.entry(k).or_default();
                    if !v.contains(&i) {
                        v.push(i);
                    }
                }
            }
        }
        for (k, members) in by {
            if members.len() < 2 || members.len() > MAX_BUCKET {
                continue;
            }
            for x in 0..members.len() {
                for y in x + 1..members.len() {
                    add(members[x], members[y], make(k.clone()));
                }
            }
        }
    };
    bucket(&|p| p.emails.clone(), &Evidence::SameEmail, &mut add);
    bucket(&|p| p.phones.clone(), &Evidence::SamePhone, &mut add);
    bucket(&|p| p.links.clone(), &Evidence::SameLink, &mut add);
    bucket(&|p| vec![fold(&p.display_name)], &|_| Evidence::SameName, &mut add);
    // Similar names at the same organization: bucket by organization and initial.
    let mut by_org: HashMap<(String, char), Vec<usize>> = HashMap::new();
    for (i, p) in people.iter().enumerate() {
        let initial = fold(&p.display_name).chars().next().unwrap_or(' ');
        for o in &p.organizations {
            by_org.entry((o.clone(), initial)).or_default().push(i);
        }
    }
    for ((org, _), members) in by_org {
        if members.len() < 2 || members.len() > 4 * MAX_BUCKET {
            continue;
        }
        for x in 0..members.len() {
            for y in x + 1..members.len() {
                let (i, j) = (members[x], members[y]);
                if similar_names(&people[i].display_name, &people[j].display_name) {
                    add(i, j, Evidence::SimilarNameSameOrganization(org.clone()));
                }
            }
        }
    }
    let mut out: Vec<DuplicatePair> = pairs
        .into_iter()
        .map(|((i, j), evidence)| {
            let miss: f64 = evidence.iter().map(|e| 1.0 - e.weight()).product();
            DuplicatePair {
                a: people[i].id,
                a_name: people[i].display_name.clone(),
                b: people[j].id,
                b_name: people[j].display_name.clone(),
                evidence,
                score: 1.0 - miss,
            }
        })
        .collect();
    out.sort_by(|x, y| {
        y.score.total_cmp(&x.score).then_with(|| x.a_name.cmp(&y.a_name)).then(x.b.cmp(&y.b))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(n: u128, name: &str) -> DuplicateCandidate {
        DuplicateCandidate::new(ContactId(uuid::Uuid::from_u128(n)), name)
    }

    #[test]
    fn evidence_ranks_pairs() {
        let mut a = person(1, "Ada Lovelace");
        a.emails = vec!["ada@x.org".into()];
        a.organizations = vec!["analytical".into()];
        let mut b = person(2, "Ada King");
        b.emails = vec!["ada@x.org".into()];
        let mut c = person(3, "Jon Smith");
        c.organizations = vec!["acme".into()];
        let mut d = person(4, "Jonathan Smith");
        d.organizations = vec!["acme".into()];
        let e = person(5, "Grace Hopper");
        let f = person(6, "grace hopper");
        let pairs = find(&[a, b, c, d, e, f]);
        assert_eq!(pairs.len(), 3);
        assert_eq!(pairs[0].evidence, vec![Evidence::SameEmail("ada@x.org".into())]);
        assert_eq!(pairs[1].evidence, vec![Evidence::SimilarNameSameOrganization("acme".into())]);
        assert_eq!(pairs[2].evidence, vec![Evidence::SameName]);
        assert!(pairs[0].score > pairs[1].score && pairs[1].score > pairs[2].score);
    }

    #[test]
    fn names_are_similar_by_prefix_of_the_given_name() {
        assert!(similar_names("Jon Smith", "Jonathan Smith"));
        assert!(similar_names("J. Smith", "Jane Smith"));
        assert!(similar_names("Zoë Brown", "Zoe Brown"));
        assert!(!similar_names("Jon Smith", "Jon Smythe"));
        assert!(!similar_names("Ann Lee", "Bob Lee"));
        assert!(similar_names("Priya N.", "Priya Natarajan"));
        assert!(!similar_names("Priya N.", "Priyanka Natarajan"), "one part must be equal");
        assert!(!similar_names("Ann Lee", "Ann Leeson"), "a family name is not a prefix");
    }
}
