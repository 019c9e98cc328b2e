//! Imports, backups and merges: every test runs against SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use kith_core::import::{
    ActivityRecord, ImportFormat, Parsed, PersonHint, PersonRecord, PlanOptions, Problem,
};
use kith_core::ledger::{LedgerInput, LedgerKind};
use kith_core::leverage::{ConnectionInput, RelationshipRole};
use kith_core::{ContactInput, Direction, Email, EmploymentInput, InteractionKind, Link, LinkKind};
use kith_store::import::{ImportOptions, ImportStage, run, run_with_progress};
use kith_store::testing::TestDb;
use kith_store::{ContactQuery, InteractionQuery, Store};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 10, 0, 0).unwrap()
}

fn card(
    line: u64,
    key: &str,
    name: &str,
    email: Option<&str>,
    org: Option<(&str, &str)>,
) -> PersonRecord {
    let mut c = ContactInput::named(name);
    c.emails = email.iter().map(|e| Email { address: e.to_string(), label: None }).collect();
    c.employment = org
        .iter()
        .map(|(o, t)| EmploymentInput {
            organization: o.to_string(),
            title: Some(t.to_string()),
            start: None,
            end: None,
        })
        .collect();
    PersonRecord {
        line,
        key: Some(key.into()),
        contact: c,
        organization_card: false,
        extra: vec!["X-SOCIALPROFILE;type=twitter:https://twitter.com/x".into()],
    }
}

fn meeting(key: &str, days_ago: i64, emails: &[&str]) -> ActivityRecord {
    ActivityRecord {
        line: 1,
        key: key.into(),
        occurred_at: now() - Duration::days(days_ago),
        kind: InteractionKind::Meeting,
        direction: Direction::Mutual,
        summary: format!("meeting {key}"),
        people: emails
            .iter()
            .map(|e| PersonHint { email: Some(e.to_string()), name: None, link: None })
            .collect(),
        gathering: None,
    }
}

async fn import(
    s: &dyn Store,
    format: ImportFormat,
    parsed: Parsed,
    opts: ImportOptions,
) -> kith_store::import::ImportReport {
    run(s, format, parsed, &opts, now()).await.unwrap()
}

async fn count(s: &dyn Store) -> (u64, u64) {
    let st = s.stats().await.unwrap();
    (st.contacts, st.interactions)
}

kith_store::store_tests!(
    imports_match_update_and_are_idempotent,
    invalid_imports_write_nothing_unless_asked,
    backups_restore_every_record_across_backends,
    backups_from_before_word_lists_stay_editable,
    merges_move_everything_and_unmerge_puts_it_back,
    big_imports_rebuild_indexes_and_stay_searchable,
    imports_keep_what_the_user_has,
    imports_report_their_stages,
);

/// An import says when it starts matching and when it starts writing (what the CLI's status
/// line shows); a dry run and a re-import that changes nothing never write.
async fn imports_report_their_stages(db: &TestDb) {
    let s = &*db.store;
    let file = || Parsed {
        people: vec![
            card(1, "uid-ada", "Ada Lovelace", Some("ada@x.example"), None),
            card(5, "uid-alan", "Alan Turing", Some("alan@x.example"), None),
        ],
        activities: vec![meeting("m1", 3, &["ada@x.example"])],
        ..Default::default()
    };
    let stages = |dry_run: bool| async move {
        let mut seen = Vec::new();
        let opts = ImportOptions { dry_run, ..Default::default() };
        run_with_progress(s, ImportFormat::Vcard, file(), &opts, now(), &mut |st| seen.push(st))
            .await
            .unwrap();
        seen
    };
    let matching = ImportStage::Matching { records: 3 };
    assert_eq!(stages(true).await, [matching]);
    assert_eq!(count(s).await, (0, 0), "a dry run writes nothing");
    assert_eq!(
        stages(false).await,
        [matching, ImportStage::Writing { people: 2, interactions: 1 }]
    );
    assert_eq!(count(s).await, (2, 1));
    assert_eq!(stages(false).await, [matching], "nothing changed, nothing to write");
}

/// Re-imports never lose or duplicate: purged people come back, shared landlines and
/// keyless rows are recognised, another source's card does not replace the kept one, notes
/// written in Kith stay, and a merge edited since is not undone.
async fn imports_keep_what_the_user_has(db: &TestDb) {
    use kith_core::Phone;
    let s = &*db.store;
    // Keyless rows (Google CSV) sharing a landline, one without any identifier.
    let family = || {
        let mut people = Vec::new();
        for name in ["Mom Example", "Dad Example"] {
            let mut r = card(1, "x", name, None, None);
            r.key = None;
            r.contact.phones = vec![Phone {
                number: "+1 555 0100".into(),
                normalized: String::new(),
                label: None,
            }];
            people.push(r);
        }
        let mut alex = card(3, "x", "Alex NoContact", None, None);
        alex.key = None;
        people.push(alex.clone());
        people.push(alex); // the same row twice
        Parsed { people, ..Default::default() }
    };
    let r = import(s, ImportFormat::Google, family(), ImportOptions::default()).await;
    assert_eq!(r.created, 3, "{r:?}");
    assert!(r.skipped.iter().any(|k| k.reason.contains("appears earlier")));
    let again = import(s, ImportFormat::Google, family(), ImportOptions::default()).await;
    assert_eq!((again.created, again.updated), (0, 0), "{again:?}");
    assert_eq!(count(s).await.0, 3);

    // Purged for good, then imported again: the person comes back.
    let one = || Parsed {
        people: vec![card(1, "uid-p", "Purged Person", Some("p@x.example"), None)],
        ..Default::default()
    };
    import(s, ImportFormat::Vcard, one(), ImportOptions::default()).await;
    let id = kith_store::resolve_contact(s, "Purged Person").await.unwrap();
    let entry = s.trash_contact(id, now()).await.unwrap();
    s.purge(entry.id).await.unwrap();
    let back = import(s, ImportFormat::Vcard, one(), ImportOptions::default()).await;
    assert_eq!(back.created, 1, "{back:?}");

    // Another source's card matched by email keeps the first card's UID and properties.
    let id = kith_store::resolve_contact(s, "Purged Person").await.unwrap();
    s.add_note(id, "x", now()).await.unwrap();
    let mut other = card(1, "uid-google", "Purged Person", Some("p@x.example"), None);
    other.extra = vec!["X-GOOGLE:1".into()];
    other.contact.notes = "From Google".into();
    import(
        s,
        ImportFormat::Vcard,
        Parsed { people: vec![other], ..Default::default() },
        ImportOptions::default(),
    )
    .await;
    let cards = s.contact_cards(&[id]).await.unwrap();
    assert_eq!(cards[&id].uid.as_deref(), Some("uid-p"));
    // A changed card adds its notes after what the user wrote; it does not replace them.
    let mut edit = s.get_contact(id).await.unwrap().to_input();
    edit.notes = "Written in Kith".into();
    s.update_contact(id, &edit, now()).await.unwrap();
    let mut changed = one();
    changed.people[0].contact.notes = "Updated on the phone".into();
    import(s, ImportFormat::Vcard, changed, ImportOptions::default()).await;
    let notes = s.get_contact(id).await.unwrap().notes;
    assert!(notes.contains("Written in Kith") && notes.contains("Updated on the phone"), "{notes}");

    // A merge whose kept person changed afterwards is not undone.
    let mom = kith_store::resolve_contact(s, "Mom Example").await.unwrap();
    let dad = kith_store::resolve_contact(s, "Dad Example").await.unwrap();
    s.merge_contacts(mom, dad, now()).await.unwrap();
    let mut m = s.get_contact(mom).await.unwrap().to_input();
    m.nickname = Some("Mum".into());
    s.update_contact(mom, &m, now() + Duration::minutes(5)).await.unwrap();
    let err = s.unmerge(now() + Duration::minutes(6)).await.unwrap_err();
    assert!(err.to_string().contains("changed after the merge"), "{err}");

    // An import planned before an edit (a preview, then an edit, then confirm) is refused
    // rather than overwriting the edit; nothing is written.
    let index = s.match_index(ImportFormat::Vcard).await.unwrap();
    let mut newer = one();
    newer.people[0].contact.nickname = Some("From the phone".into());
    newer.people.push(card(2, "uid-new", "Brand New", Some("new@x.example"), None));
    let plan = kith_core::import::plan(
        ImportFormat::Vcard,
        newer,
        &index,
        &PlanOptions::default(),
        now().date_naive(),
    );
    let seen = s.get_contact(id).await.unwrap();
    let mut merged = seen.to_input();
    merged.nickname = Some("From the phone".into());
    let mut edit = seen.to_input();
    edit.location = Some("Lisbon".into());
    s.update_contact(id, &edit, now() + Duration::minutes(10)).await.unwrap();
    let before = count(s).await;
    let err = s.apply_import(plan, &[(id, merged, seen.updated_at)], now()).await.unwrap_err();
    assert!(err.to_string().contains("changed after this import was planned"), "{err}");
    assert_eq!(count(s).await, before, "nothing was written");
    assert_eq!(s.get_contact(id).await.unwrap().location.as_deref(), Some("Lisbon"));
}

/// 10,000 people at once take the bulk path (indexes dropped and built again at the end).
async fn big_imports_rebuild_indexes_and_stay_searchable(db: &TestDb) {
    let s = &*db.store;
    let file = || Parsed {
        people: (0..10_000)
            .map(|i| {
                card(
                    i + 1,
                    &format!("uid-{i}"),
                    &format!("Person{i} Bulkson"),
                    Some(&format!("p{i}@bulk.example")),
                    Some(("Bulk Corp", "Engineer")),
                )
            })
            .collect(),
        ..Default::default()
    };
    let r = import(s, ImportFormat::Vcard, file(), ImportOptions::default()).await;
    assert_eq!(r.created, 10_000);
    assert_eq!(count(s).await.0, 10_000);
    let hits = s.search("person4242", 3).await.unwrap();
    assert_eq!(hits[0].contact.display_name, "Person4242 Bulkson");
    let id = kith_store::resolve_contact(s, "p9999@bulk.example").await.unwrap();
    assert_eq!(s.get_contact(id).await.unwrap().display_name, "Person9999 Bulkson");
    let again = import(s, ImportFormat::Vcard, file(), ImportOptions::default()).await;
    assert_eq!((again.created, again.unchanged), (0, 10_000));
    // A small import afterwards takes the ordinary path and finds the same people.
    let r = import(
        s,
        ImportFormat::Vcard,
        Parsed {
            people: vec![card(1, "other", "Person7 B.", Some("p7@bulk.example"), None)],
            ..Default::default()
        },
        ImportOptions::default(),
    )
    .await;
    assert_eq!((r.created, r.updated), (0, 0), "{r:?}");
    assert_eq!(r.matched.len(), 1);
}

async fn imports_match_update_and_are_idempotent(db: &TestDb) {
    let s = &*db.store;
    let existing = s
        .create_contact(
            &ContactInput {
                emails: vec![Email { address: "grace@navy.example".into(), label: None }],
                ..ContactInput::named("Grace Hopper")
            },
            now(),
        )
        .await
        .unwrap();
    let file = || Parsed {
        people: vec![
            card(
                1,
                "uid-ada",
                "Ada Lovelace",
                Some("ada@x.example"),
                Some(("Analytical", "Mathematician")),
            ),
            // Matches the stored Grace by email: fills her employment, keeps her name.
            card(
                9,
                "uid-grace",
                "G. Hopper",
                Some("GRACE@navy.example"),
                Some(("Navy", "Admiral")),
            ),
            // The same person as Ada, later in the file: folded into one new contact.
            card(17, "uid-ada-2", "Ada L.", Some("ada@x.example"), None),
        ],
        activities: vec![
            meeting("m1", 3, &["ada@x.example", "grace@navy.example"]),
            meeting("m2", 2, &["nobody@else.example"]),
        ],
        ..Default::default()
    };
    // A dry run writes nothing.
    let dry = import(
        s,
        ImportFormat::Vcard,
        file(),
        ImportOptions { dry_run: true, ..Default::default() },
    )
    .await;
    assert_eq!((dry.created, dry.updated, dry.interactions), (1, 1, 1));
    assert!(!dry.written);
    assert_eq!(count(s).await, (1, 0));
    assert_eq!(dry.unknown_people.len(), 1);

    let r = import(s, ImportFormat::Vcard, file(), ImportOptions::default()).await;
    assert!(r.written);
    assert_eq!((r.created, r.updated, r.interactions), (1, 1, 1));
    assert_eq!(r.matched[0].matched_by, kith_core::import::MatchedBy::Email);
    assert_eq!(count(s).await, (2, 1));
    let grace = s.get_contact(existing.id).await.unwrap();
    assert_eq!(grace.display_name, "Grace Hopper");
    assert_eq!(grace.current_role().unwrap().organization, "Navy");
    let ada_id = kith_store::resolve_contact(s, "Ada Lovelace").await.unwrap();
    let cards = s.contact_cards(&[ada_id]).await.unwrap();
    assert_eq!(
        cards[&ada_id].lines,
        vec!["X-SOCIALPROFILE;type=twitter:https://twitter.com/x".to_string()]
    );

    // The same file again changes nothing.
    let again = import(s, ImportFormat::Vcard, file(), ImportOptions::default()).await;
    assert!(!again.written, "{again:?}");
    assert_eq!(
        (again.created, again.updated, again.unchanged, again.interactions_unchanged),
        (0, 0, 3, 1)
    );
    assert_eq!(count(s).await, (2, 1));

    // A newer file: Ada changed jobs. Her old role is kept as history.
    let mut newer = file();
    newer.people[0].contact.employment[0] = EmploymentInput {
        organization: "Engines Inc".into(),
        title: Some("CTO".into()),
        start: None,
        end: None,
    };
    let r = import(s, ImportFormat::Vcard, newer, ImportOptions::default()).await;
    assert_eq!((r.created, r.updated), (0, 1));
    let ada = s.get_contact(ada_id).await.unwrap();
    assert_eq!(ada.current_role().unwrap().organization, "Engines Inc");
    assert!(
        ada.employment
            .iter()
            .any(|e| e.organization == "Analytical" && e.end == Some(now().date_naive()))
    );

    // Unknown attendees become contacts only when asked.
    let r = import(
        s,
        ImportFormat::Ical,
        Parsed {
            activities: vec![meeting("m3", 1, &["new@person.example"])],
            ..Default::default()
        },
        ImportOptions { plan: PlanOptions { add_unknown: true }, ..Default::default() },
    )
    .await;
    assert_eq!((r.created, r.interactions), (1, 1));

    // A trashed contact is not brought back by a re-import.
    s.trash_contact(ada_id, now()).await.unwrap();
    let r = import(s, ImportFormat::Vcard, file(), ImportOptions::default()).await;
    assert_eq!(r.created, 0);
    assert!(r.skipped.iter().any(|k| k.reason.contains("in the trash")), "{:?}", r.skipped);
}

async fn invalid_imports_write_nothing_unless_asked(db: &TestDb) {
    let s = &*db.store;
    let mut bad = card(5, "k-bad", "Bad Email", Some("not-an-email"), None);
    bad.contact.emails[0].address = "not-an-email".into();
    let file = || Parsed {
        people: vec![card(1, "k-ok", "Okay Person", Some("ok@x.example"), None), bad.clone()],
        problems: vec![Problem::at(9, Some("BDAY"), Some("13/45"), "a date")],
        ..Default::default()
    };
    let r = import(s, ImportFormat::Vcard, file(), ImportOptions::default()).await;
    assert!(!r.written);
    assert_eq!(r.problems.len(), 2);
    assert_eq!((r.problems[0].line, r.problems[0].field.as_deref()), (5, Some("email")));
    assert_eq!(r.problems[1].line, 9);
    assert_eq!(count(s).await, (0, 0));
    let r = import(
        s,
        ImportFormat::Vcard,
        file(),
        ImportOptions { skip_invalid: true, ..Default::default() },
    )
    .await;
    assert!(r.written);
    assert_eq!(count(s).await, (1, 0));
}

/// Every table's rows, sorted, from a backup (the header line, which names the time and the
/// backend, left out).
async fn dump(s: &dyn Store) -> Vec<String> {
    let mut out = Vec::new();
    s.backup(&mut out, now()).await.unwrap();
    let text = String::from_utf8(out).unwrap();
    let mut lines: Vec<String> = text.lines().skip(1).map(str::to_string).collect();
    lines.sort();
    lines
}

/// Asserts two dumps are equal, showing only the differing lines.
fn same(a: &[String], b: &[String]) {
    let only_a: Vec<&String> = a.iter().filter(|l| !b.contains(l)).take(5).collect();
    let only_b: Vec<&String> = b.iter().filter(|l| !a.contains(l)).take(5).collect();
    assert!(
        only_a.is_empty() && only_b.is_empty() && a.len() == b.len(),
        "only before: {only_a:#?}\nonly after: {only_b:#?}"
    );
}

/// A backup written before contacts had search word lists (schema 9): without them the store
/// could not delete a restored person's postings, so an edit failed and old words stayed.
/// Its postings name contacts by id (before schema 11): the index is rebuilt instead.
async fn backups_from_before_word_lists_stay_editable(db: &TestDb) {
    let s = &*db.store;
    let ada = s.create_contact(&ContactInput::named("Ada Lovelace"), now()).await.unwrap();
    let mut backup = Vec::new();
    s.backup(&mut backup, now()).await.unwrap();
    // The same backup as schema 9 wrote it: no search_documents table.
    let (mut old, mut skipping, mut tables, mut rows) = (Vec::new(), false, 0, 0);
    for line in String::from_utf8(backup).unwrap().lines() {
        let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
        if line.starts_with('[') {
            if skipping {
                rows += 1;
                continue;
            }
        } else if v.get("kith").is_some() {
            v["schema_version"] = 9.into();
        } else if let Some(t) = v.get("table").cloned() {
            if t == "search_postings" {
                v["columns"] = serde_json::json!(["word", "contact_id", "weight"]);
            }
            skipping = t == "search_documents";
            if skipping {
                tables += 1;
                continue;
            }
        } else if v.get("end").is_some() {
            v["tables"] = (v["tables"].as_u64().unwrap() - tables).into();
            v["rows"] = (v["rows"].as_u64().unwrap() - rows).into();
        }
        old.push(v.to_string());
    }
    assert_eq!((tables, rows), (1, 1), "the backup had Ada's word list");
    let target = if db.url.starts_with("sqlite") {
        TestDb::sqlite().await
    } else {
        TestDb::postgres().await.unwrap()
    };
    let t = &*target.store;
    t.restore_backup(&mut old.join("\n").as_bytes(), false).await.unwrap();
    let found = |q: &'static str| async move {
        t.search(q, 5).await.unwrap().into_iter().map(|h| h.contact.id).collect::<Vec<_>>()
    };
    assert_eq!(found("lovelace").await, [ada.id], "the index was rebuilt");
    t.update_contact(ada.id, &ContactInput::named("Ada King"), now()).await.unwrap();
    assert_eq!(found("king").await, [ada.id]);
    assert!(found("lovelace").await.is_empty(), "the old name's postings are gone");
    target.finish().await;
}

async fn backups_restore_every_record_across_backends(db: &TestDb) {
    let s = &*db.store;
    kith_store::demo::load(s, now()).await.unwrap();
    import(
        s,
        ImportFormat::Vcard,
        Parsed {
            people: vec![card(1, "u1", "Card Person", Some("card@x.example"), None)],
            ..Default::default()
        },
        ImportOptions::default(),
    )
    .await;
    s.set_own_emails(&["me@example.com".into()]).await.unwrap();
    let someone = s.list_contacts(&ContactQuery::default()).await.unwrap().items[0].id;
    s.trash_contact(someone, now()).await.unwrap();
    let before = dump(s).await;
    assert!(before.len() > 200, "the demo fills many tables");

    // Into the other backend when there is one (SQLite → PostgreSQL, PostgreSQL → SQLite).
    let target = if db.url.starts_with("sqlite") {
        match TestDb::postgres().await {
            Some(t) => t,
            None => TestDb::sqlite().await,
        }
    } else {
        TestDb::sqlite().await
    };
    let mut backup = Vec::new();
    s.backup(&mut backup, now()).await.unwrap();
    let summary = target.store.restore_backup(&mut backup.as_slice(), false).await.unwrap();
    assert!(summary.rows > 200);
    same(&dump(&*target.store).await, &before);
    // The restored database works: search, trash and due list read the restored rows.
    assert_eq!(target.store.list_trash().await.unwrap().len(), s.list_trash().await.unwrap().len());
    let names = |hits: Vec<kith_store::SearchHit>| {
        hits.into_iter().map(|h| h.contact.id).collect::<Vec<_>>()
    };
    assert_eq!(
        names(target.store.search("card person", 5).await.unwrap()),
        names(s.search("card person", 5).await.unwrap())
    );
    assert_eq!(target.store.own_emails().await.unwrap(), vec!["me@example.com".to_string()]);

    // A non-empty database is refused; --replace overwrites it in one go.
    let err = target.store.restore_backup(&mut backup.as_slice(), false).await.unwrap_err();
    assert!(err.to_string().contains("not empty"), "{err}");
    target.store.restore_backup(&mut backup.as_slice(), true).await.unwrap();
    same(&dump(&*target.store).await, &before);
    // A truncated backup restores nothing.
    let cut = &backup[..backup.len() / 2];
    let cut = &cut[..cut.iter().rposition(|b| *b == b'\n').unwrap() + 1];
    let err = target.store.restore_backup(&mut &cut[..], true).await.unwrap_err();
    assert!(err.to_string().contains("truncated"), "{err}");
    same(&dump(&*target.store).await, &before);
    target.finish().await;
}

async fn merges_move_everything_and_unmerge_puts_it_back(db: &TestDb) {
    let s = &*db.store;
    let mk = |name: &str, email: &str| ContactInput {
        emails: vec![Email { address: email.into(), label: None }],
        ..ContactInput::named(name)
    };
    let a = s.create_contact(&mk("Ada Lovelace", "ada@x.example"), now()).await.unwrap();
    let mut b_input = mk("Ada King", "ADA@x.example");
    b_input
        .links
        .push(Link { url: "https://linkedin.com/in/ada".into(), kind: LinkKind::Linkedin });
    b_input.emails.push(Email { address: "countess@x.example".into(), label: None });
    let b = s.create_contact(&b_input, now()).await.unwrap();
    let c = s.create_contact(&mk("Charles Babbage", "cb@x.example"), now()).await.unwrap();
    let log = |who: Vec<kith_core::ContactId>, d: i64| kith_core::InteractionInput {
        occurred_at: now() - Duration::days(d),
        kind: InteractionKind::Coffee,
        direction: Direction::Outbound,
        participants: who,
        summary: String::new(),
        notes: String::new(),
    };
    s.log_interaction(&log(vec![a.id], 10), now()).await.unwrap();
    s.log_interaction(&log(vec![b.id], 5), now()).await.unwrap();
    s.log_interaction(&log(vec![a.id, b.id], 2), now()).await.unwrap();
    s.add_note(b.id, "Prefers mornings", now()).await.unwrap();
    s.add_ledger_entry(
        &LedgerInput {
            kind: LedgerKind::Help,
            direction: None,
            status: None,
            on: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            participants: vec![b.id],
            summary: "intro".into(),
            notes: String::new(),
        },
        now(),
    )
    .await
    .unwrap();
    s.set_roles(b.id, &[RelationshipRole::Mentor], &[]).await.unwrap();
    s.set_cadence(b.id, Some(21), now()).await.unwrap();
    // Both were at RustConf; only Ada King was met there.
    let conf = s
        .create_event(
            &kith_core::network::EventInput::new(
                "RustConf",
                NaiveDate::from_ymd_opt(2026, 9, 8).unwrap(),
            ),
            now(),
        )
        .await
        .unwrap();
    s.set_attendance(conf.id, &[a.id], false).await.unwrap();
    s.set_attendance(conf.id, &[b.id], true).await.unwrap();
    let met = |e: &kith_core::network::Event, who| {
        e.attendees.iter().any(|x| x.contact_id == who && x.met_here)
    };
    s.set_closeness(b.id, Some(0.8), now()).await.unwrap();
    s.connect(
        &ConnectionInput { a: b.id, b: c.id, strength: None, since: None, note: String::new() },
        now(),
    )
    .await
    .unwrap();

    let pairs = s.duplicates().await.unwrap();
    assert_eq!(pairs.len(), 1);
    assert!(
        pairs[0]
            .evidence
            .contains(&kith_core::duplicates::Evidence::SameEmail("ada@x.example".into()))
    );

    let a_before = s.get_contact(a.id).await.unwrap();
    let b_before = s.get_contact(b.id).await.unwrap();
    let r = s.merge_contacts(a.id, b.id, now()).await.unwrap();
    assert!(r.moved >= 4, "{r:?}");
    let merged = s.get_contact(a.id).await.unwrap();
    assert_eq!(merged.display_name, "Ada Lovelace");
    assert_eq!(merged.emails.len(), 2);
    assert_eq!(merged.links.len(), 1);
    assert!(s.get_contact(b.id).await.is_err(), "the merged person is in the trash");
    let q = InteractionQuery { contact: Some(a.id), ..Default::default() };
    assert_eq!(s.list_interactions(&q).await.unwrap().total, 3);
    assert_eq!(s.list_notes(a.id).await.unwrap().len(), 1);
    assert_eq!(s.roles_of(a.id).await.unwrap(), vec![RelationshipRole::Mentor]);
    assert!(
        s.connections(Some(a.id))
            .await
            .unwrap()
            .iter()
            .any(|k| k.a.contact_id == c.id || k.b.contact_id == c.id)
    );
    assert!(s.duplicates().await.unwrap().is_empty());
    let nurture = s.contact_nurture(a.id).await.unwrap().settings;
    assert_eq!(
        (nurture.cadence_days, nurture.closeness),
        (Some(21), Some(0.8)),
        "settings come along"
    );
    assert!(met(&s.get_event(conf.id).await.unwrap(), a.id), "the met-here mark comes along");

    let r = s.unmerge(now()).await.unwrap();
    assert_eq!(r.merged, b.id);
    assert_eq!(s.get_contact(a.id).await.unwrap().to_input(), a_before.to_input());
    let b_back = s.get_contact(b.id).await.unwrap();
    assert_eq!(b_back.to_input(), b_before.to_input());
    let qb = InteractionQuery { contact: Some(b.id), ..Default::default() };
    assert_eq!(s.list_interactions(&qb).await.unwrap().total, 2);
    assert_eq!(s.list_interactions(&q).await.unwrap().total, 2);
    assert_eq!(s.list_notes(b.id).await.unwrap().len(), 1);
    assert!(s.roles_of(a.id).await.unwrap().is_empty());
    let nurture = s.contact_nurture(a.id).await.unwrap().settings;
    assert_eq!((nurture.cadence_days, nurture.closeness), (None, None), "and go back");
    assert_eq!(s.contact_nurture(b.id).await.unwrap().settings.cadence_days, Some(21));
    let e = s.get_event(conf.id).await.unwrap();
    assert!(met(&e, b.id) && !met(&e, a.id), "and goes back");
    assert!(
        s.connections(Some(b.id))
            .await
            .unwrap()
            .iter()
            .any(|k| k.a.contact_id == c.id || k.b.contact_id == c.id)
    );
    assert!(s.unmerge(now()).await.is_err(), "nothing left to undo");
}
