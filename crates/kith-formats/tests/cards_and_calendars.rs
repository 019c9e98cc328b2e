//! The vCard and iCalendar readers and the vCard writer, on the fixtures in `fixtures/`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use kith_core::import::ParseOptions;
use kith_core::{Direction, InteractionKind};
use kith_formats::{ical, vcard};

fn fixture(rel: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/{rel}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

#[test]
fn apple_outlook_and_v4_cards_read_every_field() {
    let p = vcard::read(&fixture("vcard/phone.vcf"));
    assert!(p.problems.is_empty(), "{:?}", p.problems);
    let names: Vec<&str> = p.people.iter().map(|r| r.contact.display_name.as_str()).collect();
    assert_eq!(
        names,
        ["Ada Lovelace", "Analytical Engines Ltd", "Jörg Müller", "Grace Hopper", "Ada Lovelace"]
    );
    let ada = &p.people[0];
    assert_eq!(ada.line, 1);
    assert_eq!(ada.key.as_deref(), Some("4E5F8A9B-1C2D-4E3F-9A8B-7C6D5E4F3A2B"));
    let c = &ada.contact;
    assert_eq!(
        (c.given_name.as_deref(), c.family_name.as_deref()),
        (Some("Ada"), Some("Lovelace"))
    );
    assert_eq!(c.emails.len(), 2);
    assert_eq!(c.emails[0].label.as_deref(), Some("work"));
    assert_eq!(c.phones[0].label.as_deref(), Some("mobile"));
    assert_eq!(c.links[0].url, "https://www.linkedin.com/in/ada-lovelace");
    let b = c.birthday.unwrap();
    assert_eq!((b.year, b.month, b.day), (None, 12, 10), "Apple's year-less birthday");
    assert_eq!(c.employment[0].organization, "Analytical Engines Ltd");
    assert_eq!(c.employment[0].title.as_deref(), Some("Chief Mathematician"));
    assert_eq!(c.tags, ["mentors", "math"]);
    assert_eq!(c.notes, "Met at the Royal Society.\nLoves poetry, maths; engines.");
    // Properties Kith has no field for are kept verbatim, Apple's grouped labels included.
    assert!(ada.extra.iter().any(|l| l == "item2.X-ABRELATEDNAMES;type=pref:Charles Babbage"));
    assert!(ada.extra.iter().any(|l| l == "item2.X-ABLabel:_$!<Friend>!$_"));
    assert!(
        ada.extra
            .iter()
            .any(|l| l.starts_with("PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQ") && l.ends_with("MjIy"))
    );
    assert!(!ada.extra.iter().any(|l| l.starts_with("item1.")), "the URL's label is modelled");
    // A company card becomes an organization.
    assert!(p.people[1].organization_card);
    // vCard 2.1 from Outlook: quoted-printable and charsets.
    let jorg = &p.people[2].contact;
    assert_eq!(jorg.family_name.as_deref(), Some("Müller"));
    assert_eq!(jorg.notes, "Outlook card, two lines\r\nsecond line");
    // vCard 4.0: --MMDD birthdays, tel: URIs, ADR, RELATED kept.
    let grace = &p.people[3];
    let b = grace.contact.birthday.unwrap();
    assert_eq!((b.year, b.month, b.day), (None, 12, 9));
    assert_eq!(grace.contact.phones[0].number, "+1-555-0100");
    assert_eq!(grace.contact.addresses[0].locality.as_deref(), Some("Arlington"));
    assert!(grace.extra.iter().any(|l| l.starts_with("RELATED;TYPE=colleague:")));
}

#[test]
fn bad_cards_name_their_line() {
    let p = vcard::read(&fixture("vcard/bad.vcf"));
    assert_eq!(p.people.len(), 1);
    let lines: Vec<(u64, Option<&str>)> =
        p.problems.iter().map(|x| (x.line, x.field.as_deref())).collect();
    assert_eq!(lines, [(10, Some("END")), (6, Some("FN"))]);
    let garbage = vcard::read(&[0, 159, 146, 150, 0, 0, 1, 2]);
    assert!(garbage.people.is_empty());
    assert!(garbage.problems[0].expected.contains("binary"));
}

#[test]
fn written_cards_read_back_the_same() {
    let p = vcard::read(&fixture("vcard/phone.vcf"));
    let ada = &p.people[0];
    let mut input = ada.contact.normalized(NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()).unwrap();
    input.employment.truncate(1);
    let contact = kith_core::Contact {
        id: kith_core::ContactId(uuid::Uuid::nil()),
        display_name: input.display_name.clone(),
        given_name: input.given_name.clone(),
        family_name: input.family_name.clone(),
        nickname: None,
        emails: input.emails.clone(),
        phones: input.phones.clone(),
        links: input.links.clone(),
        addresses: vec![],
        birthday: input.birthday,
        employment: vec![kith_core::Employment {
            organization_id: kith_core::OrganizationId(uuid::Uuid::nil()),
            organization: "Analytical Engines Ltd".into(),
            title: Some("Chief Mathematician".into()),
            start: None,
            end: None,
        }],
        location: None,
        tags: input.tags.clone(),
        how_met: None,
        first_met: None,
        notes: input.notes.clone(),
        last_interaction_at: None,
        created_at: chrono::DateTime::UNIX_EPOCH,
        updated_at: chrono::DateTime::UNIX_EPOCH,
    };
    for version in [vcard::Version::V3, vcard::Version::V4] {
        let text = vcard::write(&contact, ada.key.as_deref().unwrap(), &ada.extra, version);
        assert!(text.lines().all(|l| l.len() <= 76), "folded at 75 octets");
        let back = vcard::read(text.as_bytes());
        assert!(back.problems.is_empty(), "{:?}", back.problems);
        let r = &back.people[0];
        assert_eq!(r.key, ada.key);
        assert_eq!(r.extra, ada.extra, "kept properties come back unchanged ({version:?})");
        let again = r.contact.normalized(NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()).unwrap();
        assert_eq!(again.emails, input.emails);
        assert_eq!(again.phones, input.phones);
        assert_eq!(again.birthday, input.birthday);
        assert_eq!(again.notes, input.notes);
        assert_eq!(again.tags, input.tags);
    }
}

fn options() -> ParseOptions {
    let mut o = ParseOptions::new(
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
        vec!["me@example.com".into()],
    );
    o.from = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    o
}

#[test]
fn calendars_expand_recurrences_and_skip_what_should_be_skipped() {
    let p = ical::read(&fixture("ical/calendar.ics"), &options());
    assert!(p.problems.is_empty(), "{:?}", p.problems);
    let keys: Vec<&str> = p.activities.iter().map(|a| a.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "weekly-1on1@example.com/20261002T080000Z",
            "weekly-1on1@example.com/20261016T080000Z",
            "weekly-1on1@example.com/20261023T080000Z",
            "lunch-grace@example.com/20261105T120000Z",
            "summit@example.com/20261110T000000Z",
        ],
        "weekly 1:1 in Berlin time, minus the EXDATE"
    );
    let one_on_one = &p.activities[0];
    assert_eq!(one_on_one.kind, InteractionKind::Video, "a Meet link");
    assert_eq!(one_on_one.direction, Direction::Outbound, "the user organised it");
    assert_eq!(one_on_one.people.len(), 1);
    let lunch = &p.activities[3];
    assert_eq!(lunch.direction, Direction::Inbound);
    let emails: Vec<_> = lunch.people.iter().map(|h| h.email.clone().unwrap()).collect();
    assert_eq!(
        emails,
        ["grace@navy.example", "stranger@elsewhere.example"],
        "the room is not a person"
    );
    let summit = &p.activities[4];
    let g = summit.gathering.as_ref().expect("ten attendees: an event attended");
    assert_eq!(
        (g.starts_on.to_string(), g.ends_on.to_string()),
        ("2026-11-10".into(), "2026-11-12".into())
    );
    let reasons: Vec<&str> = p.skipped.iter().map(|s| s.reason.as_str()).collect();
    assert!(reasons.iter().any(|r| r.contains("you declined")));
    assert!(reasons.iter().any(|r| r.contains("was cancelled")));
    assert!(reasons.iter().any(|r| r.contains("after 2026-11-28")));
}

#[test]
fn invalid_recurrence_rules_are_problems_with_their_line() {
    let p = ical::read(&fixture("ical/bad-rrule.ics"), &options());
    assert!(p.activities.is_empty());
    assert_eq!(p.problems.len(), 1);
    assert_eq!((p.problems[0].line, p.problems[0].field.as_deref()), (3, Some("RRULE")));
    let truncated = ical::read(b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\n", &options());
    assert!(
        truncated.problems.iter().any(|x| x.expected.contains("truncated")),
        "{:?}",
        truncated.problems
    );
}
