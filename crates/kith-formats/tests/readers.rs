//! The LinkedIn, Google Contacts and mbox readers against realistic fixtures and bad input.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use kith_core::contact::{Address, Birthday, ContactInput, EmploymentInput, Link, LinkKind};
use kith_core::import::{
    ActivityRecord, ImportFormat, ParseOptions, Parsed, PersonHint, PersonRecord, Problem, Skipped,
    email, phone,
};
use kith_core::interaction::{Direction, InteractionKind};
use kith_formats::{FormatError, detect, google, linkedin, mbox};
use std::io::Read;

fn fixture(path: &str) -> Vec<u8> {
    let full = format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

fn opts() -> ParseOptions {
    ParseOptions::new(date(2024, 6, 1), vec!["Alex@Rivera.example".into()])
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap()
}

fn problem(line: u64, field: &str, found: Option<&str>, expected: &str) -> Problem {
    Problem::at(line, Some(field), found, expected)
}

fn names(parsed: &Parsed) -> Vec<&str> {
    parsed.people.iter().map(|p| p.contact.display_name.as_str()).collect()
}

fn lines(parsed: &Parsed) -> Vec<u64> {
    parsed.people.iter().map(|p| p.line).collect()
}

fn hint(name: Option<&str>, email: Option<&str>, link: Option<&str>) -> PersonHint {
    PersonHint {
        name: name.map(str::to_string),
        email: email.map(str::to_string),
        link: link.map(str::to_string),
    }
}

fn not_this_format<T: std::fmt::Debug>(result: Result<T, FormatError>) -> String {
    match result {
        Err(FormatError::NotThisFormat { found, .. }) => found,
        other => panic!("expected NotThisFormat, got {other:?}"),
    }
}

// ---------------------------------------------------------------- LinkedIn Connections.csv

#[test]
fn connections_with_bom_and_notes_preamble() {
    let parsed = linkedin::read_connections(&fixture("linkedin/Connections.csv")).unwrap();
    assert_eq!(
        names(&parsed),
        [
            "Jane Doe",
            "José Martínez",
            "Zoë Ångström",
            "Wei Zhang",
            "Priya Natarajan",
            "Liam O'Brien",
            "Anna-Lena Müller",
            "Sam",
            "Olu Adeyemi",
            "Chloé Dubois",
            "Mark Smith"
        ]
    );
    // Physical lines: 3 preamble lines + blank + header; the nameless row 11 is a problem.
    assert_eq!(lines(&parsed), [5, 6, 7, 8, 9, 10, 12, 13, 14, 15, 16]);
    assert_eq!(parsed.problems, [problem(11, "First Name", None, "a first or last name")]);
    assert!(parsed.skipped.is_empty() && parsed.activities.is_empty());

    assert_eq!(
        parsed.people[0],
        PersonRecord {
            line: 5,
            key: Some("linkedin.com/in/janedoe".into()),
            contact: ContactInput {
                display_name: "Jane Doe".into(),
                given_name: Some("Jane".into()),
                family_name: Some("Doe".into()),
                links: vec![Link {
                    url: "https://www.linkedin.com/in/janedoe".into(),
                    kind: LinkKind::Linkedin
                }],
                employment: vec![EmploymentInput {
                    organization: "Acme Corp".into(),
                    title: Some("Senior Engineer".into()),
                    start: None,
                    end: None,
                }],
                how_met: Some("LinkedIn".into()),
                first_met: Some(date(2024, 3, 12)),
                ..ContactInput::default()
            },
            organization_card: false,
            extra: vec![],
        }
    );
    let jose = &parsed.people[1].contact;
    assert_eq!(jose.emails, [email("jose.martinez@example.es", None)]);
    assert_eq!(jose.employment[0].organization, "Globex, Inc.");
    assert_eq!(jose.first_met, Some(date(2023, 1, 3)));
    let priya = &parsed.people[4].contact;
    assert_eq!(priya.employment[0].title.as_deref(), Some("VP, Engineering"));
    // No company: no employment; a single name: no family name.
    assert!(parsed.people[3].contact.employment.is_empty());
    assert_eq!(parsed.people[7].contact.given_name.as_deref(), Some("Sam"));
    assert_eq!(parsed.people[7].contact.family_name, None);
    // The key is the normalised URL; the link keeps it as written.
    assert_eq!(parsed.people[8].key.as_deref(), Some("linkedin.com/in/oluadeyemi"));
    assert_eq!(parsed.people[8].contact.links[0].url, "https://www.linkedin.com/in/OluAdeyemi/");
    assert_eq!(parsed.people[9].contact.employment[0].organization, "Société Générale, Paris");
    assert_eq!(parsed.people[10].contact.first_met, Some(date(2017, 10, 9)));
}

#[test]
fn old_connections_without_url_column_and_crlf() {
    let parsed = linkedin::read_connections(&fixture("linkedin/Connections-old.csv")).unwrap();
    assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
    assert_eq!(names(&parsed), ["Jane Doe", "Björn Ødegaard", "Ravi Kumar"]);
    assert_eq!(lines(&parsed), [2, 3, 4]);
    assert!(parsed.people.iter().all(|p| p.key.is_none() && p.contact.links.is_empty()));
    let met: Vec<_> = parsed.people.iter().map(|p| p.contact.first_met).collect();
    assert_eq!(met, [Some(date(2015, 3, 12)), Some(date(2014, 11, 30)), Some(date(2016, 1, 5))]);
    assert_eq!(parsed.people[0].contact.emails, [email("jane@acme.example", None)]);
    assert_eq!(parsed.people[1].contact.employment[0].title.as_deref(), Some("Geologist"));
}

#[test]
fn connections_bad_dates_are_problems_at_their_physical_line() {
    let parsed = linkedin::read_connections(&fixture("linkedin/Connections-bad.csv")).unwrap();
    // Row 1 spans lines 5-6 (a quoted line break), so the bad rows are on lines 7 and 8.
    assert_eq!(
        parsed.problems,
        [
            problem(7, "Connected On", Some("31 Feb 2024"), "a date like 12 Mar 2024"),
            problem(8, "Connected On", Some("yesterday"), "a date like 12 Mar 2024"),
        ]
    );
    assert_eq!(names(&parsed), ["Ada Lovelace", "Edsger Dijkstra"]);
    assert_eq!(lines(&parsed), [5, 9]);
    assert_eq!(parsed.people[1].contact.first_met, Some(date(2002, 8, 6)));
}

#[test]
fn connections_missing_required_column() {
    let csv = "Notes:\n\"Some notes\"\n\nFirst Name,Last Name,URL,Email Address,Company,Position\n\
               Jane,Doe,https://www.linkedin.com/in/janedoe,,Acme,CTO\n";
    let parsed = linkedin::read_connections(csv.as_bytes()).unwrap();
    assert!(parsed.people.is_empty());
    assert_eq!(
        parsed.problems,
        [problem(
            4,
            "Connected On",
            None,
            "a column named \"Connected On\" in the header (First Name,Last Name,URL,Email \
             Address,Company,Position,Connected On)"
        )]
    );
}

#[test]
fn connections_columns_by_name_and_other_date_styles() {
    let csv = "Connected On,Company,Last Name,First Name\r\n2024-03-12,Acme,Doe,Jane\r\n\
               03/12/24,,Roe,Rick\r\n";
    let parsed = linkedin::read_connections(csv.as_bytes()).unwrap();
    assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
    assert_eq!(names(&parsed), ["Jane Doe", "Rick Roe"]);
    assert_eq!(parsed.people[0].contact.first_met, Some(date(2024, 3, 12)));
    assert_eq!(parsed.people[1].contact.first_met, Some(date(2024, 3, 12)));
    assert_eq!(lines(&parsed), [2, 3]);
}

#[test]
fn connections_reject_binary_and_other_formats() {
    let mut garbage = vec![0u8, 159, 146, 150, 0, 1, 2, 3];
    garbage.extend((0..4000).map(|i| (i * 7 % 256) as u8));
    assert_eq!(not_this_format(linkedin::read_connections(&garbage)), "binary data");
    let found = not_this_format(linkedin::read_connections(&fixture("mail/sample.mbox")));
    assert_eq!(found, "From jane.doe@acme.example Tue Mar 12 08:15:00 2024");
    not_this_format(linkedin::read_connections(&fixture("google/contacts.csv")));
}

#[test]
fn detect_recognises_each_format() {
    let cases = [
        ("Connections.csv", "linkedin/Connections.csv", ImportFormat::Linkedin),
        ("export.csv", "linkedin/Connections-old.csv", ImportFormat::Linkedin),
        ("messages.csv", "linkedin/messages.csv", ImportFormat::LinkedinMessages),
        ("contacts.csv", "google/contacts.csv", ImportFormat::Google),
        ("contacts.csv", "google/contacts-legacy.csv", ImportFormat::Google),
        ("Inbox", "mail/sample.mbox", ImportFormat::Mbox),
    ];
    for (name, path, format) in cases {
        assert_eq!(detect(name, &fixture(path)), Some(format), "{path}");
    }
}

// ---------------------------------------------------------------- LinkedIn messages.csv

const CONV_A: &str = "2-ZmY3YjFhNmMtNGE1Zi00YjFhLWE3ZTAtZDEyMzQ1Njc4OWFiXzAxMA==";
const JANE_URL: &str = "https://www.linkedin.com/in/janedoe";

#[test]
fn messages_one_activity_per_conversation_day() {
    let parsed = linkedin::read_messages(&fixture("linkedin/messages.csv"), &opts()).unwrap();
    let jane = hint(Some("Jane Doe"), None, Some(JANE_URL));
    let activity =
        |line, key: String, at, direction, summary: &str, people: Vec<PersonHint>| ActivityRecord {
            line,
            key,
            occurred_at: at,
            kind: InteractionKind::Message,
            direction,
            summary: summary.into(),
            people,
            gathering: None,
        };
    assert_eq!(
        parsed.activities,
        [
            activity(
                13,
                "2-ZGRkYjFhNmMtNGE1Zi00YjFhLWE3ZTAtZDEyMzQ1Njc4OWFiXzAxMA==/2024-02-01".into(),
                utc(2024, 2, 1, 8, 30, 0),
                Direction::Inbound,
                "LinkedIn: Exciting opportunity at Globex",
                vec![hint(
                    Some("Sarah Recruiter"),
                    None,
                    Some("https://www.linkedin.com/in/sarah-recruiter-42")
                )],
            ),
            // The export lists the newest message first: the day starts with row 3 (line 5).
            activity(
                5,
                format!("{CONV_A}/2024-03-12"),
                utc(2024, 3, 12, 14, 5, 33),
                Direction::Mutual,
                "LinkedIn: Hi Alex, great meeting you at RustConf yesterday — let's stay in touch.",
                vec![jane.clone()],
            ),
            activity(
                2,
                format!("{CONV_A}/2024-03-14"),
                utc(2024, 3, 14, 9, 0, 0),
                Direction::Inbound,
                "LinkedIn: Sent you the slides, see you Thursday!",
                vec![jane.clone()],
            ),
            activity(
                6,
                "2-OTk5YjFhNmMtNGE1Zi00YjFhLWE3ZTAtZDEyMzQ1Njc4OWFiXzAxMA==/2024-04-02".into(),
                utc(2024, 4, 2, 10, 0, 0),
                Direction::Outbound,
                "LinkedIn: Partnership idea",
                vec![hint(
                    Some("José Martínez"),
                    None,
                    Some("https://www.linkedin.com/in/jose-martinez-8a1b2c")
                )],
            ),
            activity(
                12,
                "2-Y2NjYjFhNmMtNGE1Zi00YjFhLWE3ZTAtZDEyMzQ1Njc4OWFiXzAxMA==/2024-05-01".into(),
                utc(2024, 5, 1, 18, 45, 10),
                Direction::Inbound,
                "LinkedIn: RustConf 2024 speakers",
                vec![
                    hint(
                        Some("Priya Natarajan"),
                        None,
                        Some("https://www.linkedin.com/in/priyanatarajan")
                    ),
                    jane,
                ],
            ),
        ]
    );
    assert_eq!(
        parsed.problems,
        [problem(15, "DATE", Some("last Tuesday"), "a date like 2024-03-12 14:05:33 UTC")]
    );
    assert_eq!(
        parsed.skipped,
        [Skipped { line: 14, reason: "a draft (FOLDER = DRAFT), never sent".into() }]
    );
}

#[test]
fn messages_own_profile_can_be_given() {
    // Pretending the user is Jane flips the direction of her conversation with Alex.
    let me = ParseOptions::new(date(2024, 6, 1), vec!["https://linkedin.com/in/JaneDoe/".into()]);
    let parsed = linkedin::read_messages(&fixture("linkedin/messages.csv"), &me).unwrap();
    let day = |key: &str| parsed.activities.iter().find(|a| a.key == key).unwrap();
    let later = day(&format!("{CONV_A}/2024-03-14"));
    assert_eq!(later.direction, Direction::Outbound);
    assert_eq!(
        later.people,
        [hint(Some("Alex Rivera"), None, Some("https://www.linkedin.com/in/alexrivera"))]
    );
    let group = day("2-Y2NjYjFhNmMtNGE1Zi00YjFhLWE3ZTAtZDEyMzQ1Njc4OWFiXzAxMA==/2024-05-01");
    let people: Vec<_> = group.people.iter().map(|p| p.name.as_deref().unwrap()).collect();
    assert_eq!(people, ["Priya Natarajan", "Alex Rivera"]);
}

#[test]
fn messages_summary_is_one_short_line_and_missing_column_is_reported() {
    let long = "word ".repeat(100);
    let csv = format!(
        "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,\
         DATE,SUBJECT,CONTENT,FOLDER\n\
         c1,,Bob,https://www.linkedin.com/in/bob,Me,https://www.linkedin.com/in/me,\
         2024-01-02 03:04:05 UTC,\"Line one\nline two\",Hi,INBOX\n\
         c2,,Bob,https://www.linkedin.com/in/bob,Me,https://www.linkedin.com/in/me,\
         2024-01-03 03:04:05 UTC,{long},Hi,INBOX\n\
         c3,,Me,https://www.linkedin.com/in/me,Bob,https://www.linkedin.com/in/bob,\
         2024-01-04 03:04:05 UTC,,,INBOX\n\
         c4,,Carol,https://www.linkedin.com/in/carol,Me,https://www.linkedin.com/in/me,\
         2024-01-05 03:04:05 UTC,Hello,,INBOX\n"
    );
    let parsed = linkedin::read_messages(csv.as_bytes(), &opts()).unwrap();
    let summaries: Vec<_> = parsed.activities.iter().map(|a| a.summary.as_str()).collect();
    assert_eq!(summaries[0], "LinkedIn: Line one line two");
    assert_eq!(summaries[1].chars().count(), 200);
    assert!(summaries[1].starts_with("LinkedIn: word word") && summaries[1].ends_with('…'));
    assert_eq!(summaries[2], "LinkedIn: message");
    assert_eq!(parsed.activities[2].direction, Direction::Outbound);
    assert_eq!(parsed.activities[3].direction, Direction::Inbound);
    assert_eq!(lines_of(&parsed.activities), [2, 4, 5, 6]);

    let no_date = "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,SUBJECT,CONTENT\n\
                   c1,,Bob,https://www.linkedin.com/in/bob,Me,Hi,Hello\n";
    let parsed = linkedin::read_messages(no_date.as_bytes(), &opts()).unwrap();
    assert!(parsed.activities.is_empty());
    assert_eq!(parsed.problems.len(), 1);
    assert_eq!((parsed.problems[0].line, parsed.problems[0].field.as_deref()), (1, Some("DATE")));
}

fn lines_of(activities: &[ActivityRecord]) -> Vec<u64> {
    activities.iter().map(|a| a.line).collect()
}

// ---------------------------------------------------------------- Google Contacts CSV

#[test]
fn google_current_layout() {
    let parsed = google::read(&fixture("google/contacts.csv")).unwrap();
    assert_eq!(
        names(&parsed),
        [
            "Jane Doe",
            "José Luis Martínez",
            "Joe's Plumbing",
            "ana.silva@example.pt",
            "Zoë Marie Ångström"
        ]
    );
    // Jane's notes and formatted address span lines 2-5.
    assert_eq!(lines(&parsed), [2, 6, 7, 8, 11]);
    assert_eq!(
        parsed.problems,
        [
            problem(
                9,
                "Birthday",
                Some("May 17"),
                "a birthday as YYYY-MM-DD, or --MM-DD / MM-DD without a year"
            ),
            problem(10, "First Name", None, "a name, an organization or an email"),
        ]
    );
    assert_eq!(
        parsed.people[0],
        PersonRecord {
            line: 2,
            key: None,
            contact: ContactInput {
                display_name: "Jane Doe".into(),
                given_name: Some("Jane".into()),
                family_name: Some("Doe".into()),
                nickname: Some("Janie".into()),
                emails: vec![
                    email("jane.doe@acme.example", Some("work")),
                    email("jane@example.org", Some("home")),
                ],
                phones: vec![phone("+1 415-555-0100", Some("mobile"))],
                links: vec![Link {
                    url: "https://github.com/janedoe".into(),
                    kind: LinkKind::Github
                }],
                addresses: vec![Address {
                    label: Some("home".into()),
                    street: Some("123 Main St".into()),
                    locality: Some("San Francisco".into()),
                    region: Some("CA".into()),
                    postal_code: Some("94105".into()),
                    country: Some("US".into()),
                }],
                birthday: Some(Birthday { year: Some(1980), month: 5, day: 17 }),
                employment: vec![EmploymentInput {
                    organization: "Acme Corp".into(),
                    title: Some("Senior Engineer".into()),
                    start: None,
                    end: None,
                }],
                tags: vec!["Friends".into(), "Climbing".into()],
                notes: "Met at RustConf 2023.\nLoves climbing.".into(),
                ..ContactInput::default()
            },
            organization_card: false,
            extra: vec![],
        }
    );
    let jose = &parsed.people[1].contact;
    assert_eq!(
        jose.emails,
        [email("jose@globex.example", Some("other")), email("jlm@gmail.example", Some("other"))]
    );
    assert_eq!(
        jose.phones,
        [phone("+34 91 123 45 67", Some("work")), phone("+34 600 11 22 33", Some("work"))]
    );
    assert_eq!(jose.birthday, Some(Birthday { year: None, month: 11, day: 3 }));
    assert_eq!(jose.tags, ["Work", "Spain"]);
    assert_eq!(
        (jose.given_name.as_deref(), jose.family_name.as_deref()),
        (Some("José"), Some("Martínez"))
    );

    let plumber = &parsed.people[2];
    assert!(plumber.organization_card);
    assert_eq!(plumber.contact.employment[0].organization, "Joe's Plumbing");
    assert_eq!(plumber.contact.addresses[0].street.as_deref(), Some("PO Box 42"));
    assert_eq!(plumber.contact.addresses[0].locality.as_deref(), Some("Springfield"));
    assert!(plumber.contact.tags.is_empty());

    assert!(!parsed.people[3].organization_card);
    assert_eq!(parsed.people[3].contact.emails, [email("ana.silva@example.pt", Some("other"))]);

    let zoe = &parsed.people[4].contact;
    assert_eq!(zoe.tags, ["Navy", "Friends"]);
    let links: Vec<_> = zoe.links.iter().map(|l| (l.url.as_str(), l.kind)).collect();
    assert_eq!(
        links,
        [
            ("https://zoe.example.ch", LinkKind::Website),
            ("https://www.linkedin.com/in/zoeangstrom", LinkKind::Linkedin)
        ]
    );
}

#[test]
fn google_legacy_layout() {
    let parsed = google::read(&fixture("google/contacts-legacy.csv")).unwrap();
    assert_eq!(names(&parsed), ["Dr. Priya Natarajan", "Björn Ødegaard"]);
    assert_eq!(lines(&parsed), [2, 5]);
    assert_eq!(
        parsed.problems,
        [
            problem(6, "Name", None, "a name, an organization or an email"),
            problem(
                7,
                "Birthday",
                Some("1975-13-40"),
                "a birthday as YYYY-MM-DD, or --MM-DD / MM-DD without a year"
            ),
        ]
    );
    let priya = &parsed.people[0].contact;
    assert_eq!(
        (priya.given_name.as_deref(), priya.family_name.as_deref()),
        (Some("Priya"), Some("Natarajan"))
    );
    assert_eq!(
        priya.emails,
        [email("priya@initech.example", Some("work")), email("priya@example.in", Some("home"))]
    );
    assert_eq!(priya.phones, [phone("+91 98765 43210", Some("mobile"))]);
    assert_eq!(priya.tags, ["Mentors"]);
    assert_eq!(priya.birthday, Some(Birthday { year: Some(1985), month: 2, day: 28 }));
    assert_eq!(
        priya.employment,
        [EmploymentInput {
            organization: "Initech".into(),
            title: Some("VP, Engineering".into()),
            start: None,
            end: None
        }]
    );
    assert_eq!(priya.addresses[0].one_line(), "1 MG Road, Bengaluru, 560001, India");
    assert_eq!(priya.addresses[0].label.as_deref(), Some("work"));
    assert_eq!(priya.notes, "Initech VP; intro via Jane");
    assert_eq!(priya.links[0].url, "https://priya.example.in");
    assert_eq!(parsed.people[1].contact.tags, ["Norway"]);
    assert_eq!(parsed.people[1].contact.phones, [phone("+47 22 33 44 55", Some("home"))]);
}

#[test]
fn google_rejects_other_files() {
    not_this_format(google::read(&fixture("linkedin/Connections.csv")));
    not_this_format(google::read(&fixture("mail/sample.mbox")));
    assert_eq!(not_this_format(google::read(&[0, 0, 0, 7, 1, 2, 0, 0])), "binary data");
}

// ---------------------------------------------------------------- mbox

fn email_activity(
    line: u64,
    key: &str,
    at: DateTime<Utc>,
    direction: Direction,
    summary: &str,
    people: Vec<PersonHint>,
) -> ActivityRecord {
    ActivityRecord {
        line,
        key: key.into(),
        occurred_at: at,
        kind: InteractionKind::Email,
        direction,
        summary: summary.into(),
        people,
        gathering: None,
    }
}

fn read_mbox(bytes: &[u8]) -> Parsed {
    mbox::read(bytes, &opts(), &mut |_| {}).unwrap()
}

fn expected_sample() -> Parsed {
    let jane = hint(Some("Jane Doe"), Some("jane.doe@acme.example"), None);
    let anna = "anna-lena.mueller@sap.example";
    Parsed {
        people: vec![],
        activities: vec![
            email_activity(
                1,
                "CAF1-lunch-001@mail.acme.example/2024-03-12",
                utc(2024, 3, 12, 8, 15, 0),
                Direction::Mutual,
                "Email: Lunch next week?",
                vec![jane.clone(), hint(Some("Müller, Anna-Lena"), Some(anna), None)],
            ),
            email_activity(
                43,
                "CAF1-lunch-001@mail.acme.example/2024-03-13",
                utc(2024, 3, 13, 8, 2, 11),
                Direction::Inbound,
                "Email: Re: Re: Lunch next week?",
                vec![jane, hint(None, Some(anna), None)],
            ),
            email_activity(
                77,
                "cafe-1@globex.example/2024-03-14",
                utc(2024, 3, 14, 10, 0, 0),
                Direction::Inbound,
                "Email: Café ☕ tomorrow?",
                vec![
                    hint(Some("José Martínez"), Some("jose@globex.example"), None),
                    hint(Some("Jane Doe"), Some("JANE.DOE@acme.example"), None),
                ],
            ),
            // No Date header: the date of the "From " line.
            email_activity(
                96,
                "intro-1@rivera.example/2024-03-15",
                utc(2024, 3, 15, 18, 30, 0),
                Direction::Outbound,
                "Email: Intro: Priya <> Wei",
                vec![
                    hint(Some("Priya Natarajan"), Some("priya@initech.example"), None),
                    hint(None, Some("wei@example.cn"), None),
                ],
            ),
            // No Message-ID: the thread is the subject.
            email_activity(
                104,
                "quarterly numbers/2024-03-16",
                utc(2024, 3, 16, 2, 10, 0),
                Direction::Inbound,
                "Email: Re: Quarterly numbers",
                vec![hint(Some("Wei Zhäng"), Some("wei@example.cn"), None)],
            ),
        ],
        problems: vec![problem(
            112,
            "Date",
            Some("sometime last week"),
            "a date like Tue, 12 Mar 2024 14:05:33 +0000",
        )],
        skipped: vec![
            Skipped { line: 55, reason: "a newsletter (List-Unsubscribe header)".into() },
            Skipped { line: 68, reason: "automated mail (sent by noreply@github.com)".into() },
            Skipped { line: 87, reason: "a message with nobody but the user".into() },
        ],
    }
}

#[test]
fn mbox_threads_per_day() {
    assert_eq!(read_mbox(&fixture("mail/sample.mbox")), expected_sample());
}

#[test]
fn mbox_crlf_gives_the_same_result() {
    let lf = fixture("mail/sample.mbox");
    let crlf = String::from_utf8(lf).unwrap().replace('\n', "\r\n");
    assert_eq!(read_mbox(crlf.as_bytes()), expected_sample());
}

/// Hands out a few bytes per read, so separators and header lines straddle every boundary.
struct Trickle<'a> {
    data: &'a [u8],
    step: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.step = self.step % 7 + 1;
        let n = self.step.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

#[test]
fn mbox_tiny_reads_give_the_same_result() {
    let data = fixture("mail/sample.mbox");
    let parsed = mbox::read(Trickle { data: &data, step: 0 }, &opts(), &mut |_| {}).unwrap();
    assert_eq!(parsed, expected_sample());
}

#[test]
fn mbox_truncated_inside_headers() {
    let mut data = fixture("mail/sample.mbox");
    data.extend_from_slice(
        b"From carol@example.org Sun Mar 17 09:00:00 2024\nFrom: Carol <carol@example.org>\n\
          To: alex@rivera.example\nDate: Sun, 17 Mar 2024 09:00:00 +0000\nSubj",
    );
    let parsed = read_mbox(&data);
    let mut expected = expected_sample();
    expected.problems.push(Problem::at(
        121,
        None,
        None,
        "a complete message: the file ends inside its headers (no blank line after them)",
    ));
    assert_eq!(parsed, expected);
}

#[test]
fn mbox_rejects_binary_and_other_formats() {
    let mut garbage = b"From ".to_vec();
    garbage.extend((0..5000).map(|i| (i * 31 % 251) as u8));
    assert_eq!(not_this_format(mbox::read(&garbage[..], &opts(), &mut |_| {})), "binary data");
    let found =
        not_this_format(mbox::read(&fixture("google/contacts.csv")[..], &opts(), &mut |_| {}));
    assert!(found.starts_with("First Name,Middle Name,Last Name"), "{found}");
    let vcard = b"BEGIN:VCARD\nVERSION:3.0\nFN:Jane\nEND:VCARD\n";
    assert_eq!(not_this_format(mbox::read(&vcard[..], &opts(), &mut |_| {})), "BEGIN:VCARD");
    // Empty files and leading blank lines are fine.
    assert_eq!(read_mbox(b""), Parsed::default());
    let mut padded = b"\n\r\n".to_vec();
    padded.extend(fixture("mail/sample.mbox"));
    let parsed = read_mbox(&padded);
    assert_eq!(lines_of(&parsed.activities), [3, 45, 79, 98, 106]);
}

#[test]
fn mbox_message_without_body_and_automated_mail() {
    let data = b"From a@x Mon Jan  1 00:00:00 2024\n\
        From: Ann <ann@example.org>\nTo: alex@rivera.example\nDate: Mon, 1 Jan 2024 10:00:00 +0000\n\
        Subject: no body, no blank line\n\
        From b@x Mon Jan  1 00:00:00 2024\n\
        From: Robot <do-not-reply@shop.example>\nTo: alex@rivera.example\n\
        Date: Mon, 1 Jan 2024 11:00:00 +0000\n\n\
        body\n\n\
        From c@x Mon Jan  1 00:00:00 2024\n\
        From: Out of office <ann@example.org>\nTo: alex@rivera.example\n\
        Auto-Submitted: auto-replied\nDate: Mon, 1 Jan 2024 12:00:00 +0000\n\n\
        From d@x Mon Jan  1 00:00:00 2024\n\
        From: MAILER-DAEMON@mx.example\nTo: alex@rivera.example\n\
        Date: Mon, 1 Jan 2024 12:00:00 +0000\n\n\
        From e@x Mon Jan  1 00:00:00 2024\n\
        From: Bank <alerts@bank.example>\nTo: alex@rivera.example\nPrecedence: Bulk\n\
        Date: Mon, 1 Jan 2024 12:00:00 +0000\n\n\
        From f@x Mon Jan  1 00:00:00 2024\n\
        From: Ann <ann@example.org>\nTo: alex@rivera.example\nAuto-Submitted: no\n\
        Date: Mon, 1 Jan 2024 13:00:00 +0000\nSubject: Re: no body, no blank line\n\nhi\n";
    let parsed = read_mbox(data);
    let reasons: Vec<_> = parsed.skipped.iter().map(|s| (s.line, s.reason.as_str())).collect();
    assert_eq!(
        reasons,
        [
            (6, "automated mail (sent by do-not-reply@shop.example)"),
            (13, "automated mail (Auto-Submitted: auto-replied)"),
            (19, "automated mail (sent by MAILER-DAEMON@mx.example)"),
            (24, "bulk mail (Precedence: bulk)"),
        ]
    );
    assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
    // Both of Ann's messages share the subject thread (no ids at all).
    assert_eq!(parsed.activities.len(), 1);
    let a = &parsed.activities[0];
    assert_eq!((a.line, a.key.as_str()), (1, "no body, no blank line/2024-01-01"));
    assert_eq!(a.occurred_at, utc(2024, 1, 1, 10, 0, 0));
    assert_eq!(a.people, [hint(Some("Ann"), Some("ann@example.org"), None)]);
}

fn newsletter(i: usize) -> String {
    format!(
        "From news@shop.example Mon Jan  1 00:00:00 2024\nFrom: Shop <news@shop.example>\n\
         To: alex@rivera.example\nList-Id: <news.shop.example>\nSubject: Deal {i}\n\nBuy!\n\n"
    )
}

#[test]
fn mbox_keeps_at_most_1000_skipped_entries() {
    let data: String = (0..1003).map(newsletter).collect();
    let parsed = read_mbox(data.as_bytes());
    assert_eq!(parsed.skipped.len(), 1001);
    assert_eq!(parsed.skipped[999].line, 999 * 8 + 1);
    assert_eq!(
        parsed.skipped[1000],
        Skipped {
            line: 0,
            reason: "3 more messages skipped (newsletters, automated mail, messages with nobody \
                     else)"
                .into()
        }
    );
}

#[test]
fn mbox_streams_large_input_with_progress() {
    // ~12 MB: bodies of 6 KB hold "From" lines that are not separators (">From", "From:").
    let body = format!("{}\n>From the archive\nFrom: quoted header\n", "x".repeat(70)).repeat(60);
    let mut data = String::new();
    let count = 2_000;
    for i in 0..count {
        let day = i % 28 + 1;
        data.push_str(&format!(
            "From sender@x Thu Feb {day:2} 10:00:00 2024\nMessage-ID: <m{i}@example.org>\n\
             From: Person {i} <p{i}@example.org>\nTo: Alex <alex@rivera.example>\n\
             Date: Thu, {day} Feb 2024 10:00:00 +0000\nSubject: Note {i}\n\n{body}\n"
        ));
    }
    let mut reports = Vec::new();
    let parsed = mbox::read(data.as_bytes(), &opts(), &mut |n| reports.push(n)).unwrap();
    assert_eq!(parsed.activities.len(), count);
    assert!(parsed.problems.is_empty() && parsed.skipped.is_empty());
    let lines_per_message = 7 + 180 + 1;
    let last = parsed.activities.iter().max_by_key(|a| a.line).unwrap();
    assert_eq!(last.line, (count as u64 - 1) * lines_per_message + 1);
    assert_eq!(last.key, format!("m{}@example.org/2024-02-{:02}", count - 1, (count - 1) % 28 + 1));
    assert!(reports.len() >= 3, "{reports:?}");
    assert!(reports.windows(2).all(|w| w[0] < w[1]), "{reports:?}");
    assert_eq!(reports.last().copied(), Some(data.len() as u64));
}
