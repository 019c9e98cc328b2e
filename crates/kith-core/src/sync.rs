//! Address-book sync: how a card written on a phone (CardDAV `PUT`) changes a stored contact.
//!
//! A synced card is the whole truth for what a vCard carries (names, emails, phones, links,
//! addresses, birthday, tags, profile notes, the current job); what it does not carry (how
//! and when you met, location, past jobs, everything on the timeline) stays as stored. A
//! different `ORG` is a job change: the old current role ends, the new one begins.

use crate::contact::{ContactInput, EmploymentInput};
use chrono::NaiveDate;

/// The contact after a client wrote `card` over `stored`, on `today`.
pub fn apply_card(stored: &ContactInput, card: ContactInput, today: NaiveDate) -> ContactInput {
    let mut employment: Vec<EmploymentInput> = stored.employment.clone();
    let incoming = card.employment.iter().find(|e| e.end.is_none()).cloned();
    let same_org = |a: &str, b: &str| a.trim().to_lowercase() == b.trim().to_lowercase();
    match incoming {
        Some(new) => {
            let current = employment
                .iter_mut()
                .find(|e| e.end.is_none() && same_org(&e.organization, &new.organization));
            match current {
                Some(role) => role.title = new.title.clone(),
                None => {
                    end_current(&mut employment, today);
                    employment.push(EmploymentInput { end: None, ..new });
                }
            }
        }
        None => end_current(&mut employment, today),
    }
    ContactInput {
        display_name: card.display_name,
        given_name: card.given_name,
        family_name: card.family_name,
        nickname: card.nickname,
        emails: card.emails,
        phones: card.phones,
        links: card.links,
        addresses: card.addresses,
        birthday: card.birthday,
        employment,
        location: stored.location.clone().or(card.location),
        tags: card.tags,
        how_met: stored.how_met.clone().or(card.how_met),
        first_met: stored.first_met.or(card.first_met),
        notes: card.notes,
    }
}

/// The tag a contact group card (`KIND:group`, Apple's `X-ADDRESSBOOKSERVER-KIND:group`) maps
/// to: its name as a tag, when that makes one (`Board & Advisors` → `board-advisors`).
pub fn group_tag(name: &str) -> Option<String> {
    let words: Vec<String> = name
        .split(|c: char| !(c.is_alphanumeric() || matches!(c, '-' | '_' | '/' | '.')))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    crate::validate::tag("group", &words.join("-")).ok()
}

/// Ends every current role on `today` (a start date after today is kept as the end).
fn end_current(employment: &mut [EmploymentInput], today: NaiveDate) {
    for e in employment.iter_mut().filter(|e| e.end.is_none()) {
        e.end = Some(e.start.map_or(today, |s| s.max(today)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contact::Email;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn job(org: &str, title: Option<&str>) -> EmploymentInput {
        EmploymentInput {
            organization: org.into(),
            title: title.map(Into::into),
            start: None,
            end: None,
        }
    }

    #[test]
    fn the_card_replaces_what_it_carries_and_keeps_the_rest() {
        let mut stored = ContactInput::named("Ada Lovelace");
        stored.emails = vec![Email { address: "ada@old.example".into(), label: None }];
        stored.how_met = Some("Analytical Engine meetup".into());
        stored.first_met = Some(day("2020-01-02"));
        stored.location = Some("London".into());
        stored.tags = vec!["mentor".into()];
        let mut card = ContactInput::named("Ada King");
        card.emails = vec![Email { address: "ada@new.example".into(), label: Some("work".into()) }];
        let out = apply_card(&stored, card, day("2026-11-28"));
        assert_eq!(out.display_name, "Ada King");
        assert_eq!(out.emails.len(), 1);
        assert_eq!(out.emails[0].address, "ada@new.example");
        assert!(out.tags.is_empty(), "a tag removed on the phone is removed");
        assert_eq!(out.how_met.as_deref(), Some("Analytical Engine meetup"));
        assert_eq!(out.first_met, Some(day("2020-01-02")));
        assert_eq!(out.location.as_deref(), Some("London"));
    }

    #[test]
    fn group_names_become_tags_where_they_fit() {
        assert_eq!(group_tag("Mentors").as_deref(), Some("mentors"));
        assert_eq!(group_tag("Board & Advisors").as_deref(), Some("board-advisors"));
        assert_eq!(group_tag("  ").as_deref(), None);
        assert_eq!(group_tag(&"x".repeat(80)), None);
    }

    #[test]
    fn a_new_org_is_a_job_change_and_the_same_org_only_updates_the_title() {
        let mut stored = ContactInput::named("Grace Hopper");
        stored.employment = vec![
            EmploymentInput { end: Some(day("2010-01-01")), ..job("Navy", None) },
            job("Remington Rand", Some("Programmer")),
        ];
        let mut card = ContactInput::named("Grace Hopper");
        card.employment = vec![job("remington rand", Some("Director"))];
        let out = apply_card(&stored, card.clone(), day("2026-11-28"));
        assert_eq!(out.employment.len(), 2);
        assert_eq!(out.employment[1].title.as_deref(), Some("Director"));
        assert_eq!(out.employment[1].end, None);

        card.employment = vec![job("Univac", None)];
        let out = apply_card(&stored, card.clone(), day("2026-11-28"));
        assert_eq!(out.employment.len(), 3);
        assert_eq!(out.employment[1].end, Some(day("2026-11-28")));
        assert_eq!(out.employment[2].organization, "Univac");

        card.employment.clear();
        let out = apply_card(&stored, card, day("2026-11-28"));
        assert!(out.employment.iter().all(|e| e.end.is_some()), "no ORG: the job ended");
        assert_eq!(out.employment[0].end, Some(day("2010-01-01")), "past jobs untouched");
    }
}
