//! The store contract: every test here runs against SQLite and against PostgreSQL
//! (see `kith_store::testing` for how the PostgreSQL half is configured and enforced).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use kith_core::{
    Birthday, ContactInput, Direction, Email, EmploymentInput, InteractionInput, InteractionKind,
    Link, LinkKind, OrganizationInput, Phone, TrashKind,
};
use kith_store::testing::TestDb;
use kith_store::{
    ContactQuery, ContactSort, InteractionQuery, OrganizationQuery, StoreError, resolve_contact,
};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 10, 0, 0).unwrap()
}

fn person(
    name: &str,
    email: Option<&str>,
    org: Option<(&str, &str)>,
    tags: &[&str],
) -> ContactInput {
    let mut c = ContactInput::named(name);
    if let Some(e) = email {
        c.emails.push(Email { address: e.into(), label: None });
    }
    if let Some((o, t)) = org {
        c.employment.push(EmploymentInput {
            organization: o.into(),
            title: Some(t.into()),
            start: None,
            end: None,
        });
    }
    c.tags = tags.iter().map(|t| t.to_string()).collect();
    c
}

/// Two people edited at the same time, over and over: every edit succeeds and the index ends
/// with the last names. (On PostgreSQL, a lock taken in the middle of an edit once let two
/// writers each wait for the other, and one failed as a deadlock.)
async fn writers_at_the_same_time_all_succeed(db: &TestDb) {
    let s = &*db.store;
    let ada = s.create_contact(&ContactInput::named("Ada Lovelace"), now()).await.unwrap();
    let alan = s.create_contact(&ContactInput::named("Alan Turing"), now()).await.unwrap();
    // A note reindexes its person without touching the address book; an edit does both.
    let edit = |id: kith_core::ContactId, name: &'static str| async move {
        for i in 0..25 {
            s.add_note(id, &format!("talked about topic{i}"), now()).await.unwrap();
            let input = ContactInput::named(&format!("{name} Round{i}"));
            s.update_contact(id, &input, now()).await.unwrap();
        }
    };
    tokio::join!(edit(ada.id, "Ada"), edit(alan.id, "Alan"));
    let found = |q: &'static str| async move {
        s.search(q, 5).await.unwrap().into_iter().map(|h| h.contact.id).collect::<Vec<_>>()
    };
    assert_eq!(found("ada round24").await, [ada.id]);
    assert_eq!(found("alan round24").await, [alan.id]);
    assert!(found("lovelace").await.is_empty(), "old words are gone");
}

fn log(who: Vec<kith_core::ContactId>, days_ago: i64, kind: InteractionKind) -> InteractionInput {
    InteractionInput {
        occurred_at: now() - Duration::days(days_ago),
        kind,
        direction: Direction::Outbound,
        participants: who,
        summary: format!("{kind} {days_ago} days ago"),
        notes: String::new(),
    }
}

kith_store::store_tests!(
    writers_at_the_same_time_all_succeed,
    contact_round_trips_every_field,
    invalid_input_changes_nothing,
    updates_keep_employment_history,
    references_resolve_or_list_candidates,
    lists_filter_and_sort,
    interactions_update_last_contact,
    search_is_typo_tolerant_and_ranked,
    trash_restore_and_purge_contacts,
    staged_imports_wait_until_taken,
    organizations_are_unique_and_restorable,
    notes_are_listed_and_searchable,
    bulk_imports_are_all_or_nothing,
    newer_schema_is_refused,
    cadences_drive_the_due_list,
    ledger_balance_feeds_reasons_and_strength,
    strength_sorting_and_recompute_agree,
    reminders_and_upcoming_dates,
    nurture_bad_input_changes_nothing,
    events_bring_follow_ups_until_someone_gets_in_touch,
    communities_are_unique_and_keep_contributions,
    goals_measure_progress_per_period,
    review_summarises_the_week,
    roles_connections_and_intro_paths,
    memberships_merge_each_persons_jobs,
    shared_interactions_count_every_pair,
    opportunities_move_through_the_pipeline,
    a_refused_write_never_blocks_the_next,
    collaborations_and_insights,
    lists_filter_by_strength_band_and_overdue,
    data_version_changes_with_every_commit,
    contact_reads_see_every_commit,
);

async fn lists_filter_by_strength_band_and_overdue(db: &TestDb) {
    use kith_core::strength::Band;
    let s = &*db.store;
    let old = now() - Duration::days(400);
    let strong = s.create_contact(&person("Strong", None, None, &[]), old).await.unwrap();
    let faded = s.create_contact(&person("Faded", None, None, &[]), old).await.unwrap();
    let due = s.create_contact(&person("Due", None, None, &[]), old).await.unwrap();
    s.create_contact(&person("Never", None, None, &[]), old).await.unwrap();
    for d in [1, 5, 9, 14, 20, 30, 45, 60, 90, 120, 200, 300] {
        let kind = if d % 2 == 0 { InteractionKind::Coffee } else { InteractionKind::Call };
        s.log_interaction(&log(vec![strong.id], d, kind), now()).await.unwrap();
    }
    s.log_interaction(&log(vec![faded.id], 350, InteractionKind::Email), now()).await.unwrap();
    s.log_interaction(&log(vec![due.id], 40, InteractionKind::Coffee), now()).await.unwrap();
    s.set_cadence(due.id, Some(14), now()).await.unwrap();

    let all = ContactQuery { now: Some(now()), sort: ContactSort::Strength, ..Default::default() };
    let scored = s.list_contacts(&all).await.unwrap().items;
    let mut seen = 0;
    for band in Band::ALL {
        let q = ContactQuery { band: Some(band), ..all.clone() };
        let got: Vec<String> =
            s.list_contacts(&q).await.unwrap().items.into_iter().map(|c| c.display_name).collect();
        let want: Vec<String> = scored
            .iter()
            .filter(|c| Band::of(c.strength.unwrap()) == band)
            .map(|c| c.display_name.clone())
            .collect();
        assert_eq!(got, want, "{band:?}");
        seen += got.len();
    }
    assert_eq!(seen, 4, "the bands partition everyone");
    let strong_band =
        ContactQuery { band: Some(Band::Sporadic), sort: ContactSort::Name, ..all.clone() };
    let names: Vec<String> = s
        .list_contacts(&strong_band)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|c| c.display_name)
        .collect();
    assert!(
        names.contains(&"Faded".to_string()) && !names.contains(&"Strong".to_string()),
        "{names:?}"
    );
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "other sorts still apply");
    let overdue = ContactQuery { overdue: true, sort: ContactSort::Name, ..all.clone() };
    let page = s.list_contacts(&overdue).await.unwrap();
    let due_ids: Vec<_> = s.due_list(now()).await.unwrap().iter().map(|d| d.contact_id).collect();
    assert!(page.items.iter().any(|c| c.id == due.id), "{:?}", page.items);
    assert!(page.items.iter().all(|c| due_ids.contains(&c.id)));
    assert_eq!(page.total as usize, page.items.len());
    // Paging applies after the filters.
    let one = ContactQuery { limit: Some(1), offset: 0, ..overdue.clone() };
    assert_eq!(s.list_contacts(&one).await.unwrap().total, page.total);
}

/// Who was together: counted per pair across all interactions (read a few at a time in test
/// builds), leaving out interactions and people in the trash.
async fn shared_interactions_count_every_pair(db: &TestDb) {
    let s = &*db.store;
    let old = now() - Duration::days(300);
    let mut ids = Vec::new();
    for name in ["Ann", "Ben", "Cat", "Dan", "Eve"] {
        ids.push(s.create_contact(&person(name, None, None, &[]), old).await.unwrap().id);
    }
    let [ann, ben, cat, dan, eve] = ids[..] else { unreachable!() };
    let meet = InteractionKind::Meeting;
    for (who, days) in [
        (vec![ann, ben, cat], 30),
        (vec![ann, ben], 20),
        (vec![ann], 15),
        (vec![cat, dan], 5),
        (vec![ann, dan, eve], 3),
        (vec![ben, eve], 2),
    ] {
        s.log_interaction(&log(who, days, meet), now()).await.unwrap();
    }
    let gone = s.log_interaction(&log(vec![ben, cat], 10, meet), now()).await.unwrap();
    s.trash_interaction(gone.id, now()).await.unwrap();
    s.trash_contact(dan, now()).await.unwrap();

    let ev = s.tie_evidence().await.unwrap();
    same_weights(s, &ev).await;
    let mut got: Vec<(kith_core::ContactId, kith_core::ContactId, String)> =
        ev.iter().map(|e| (e.a.min(e.b), e.a.max(e.b), e.evidence.describe())).collect();
    got.sort();
    let on = |days: i64| (now() - Duration::days(days)).date_naive();
    let pair =
        |a: kith_core::ContactId, b: kith_core::ContactId, why: String| (a.min(b), a.max(b), why);
    let mut want = vec![
        pair(ann, ben, format!("2 interactions together, last {}", on(20))),
        pair(ann, cat, format!("in a meeting together on {}", on(30))),
        pair(ben, cat, format!("in a meeting together on {}", on(30))),
        pair(ann, eve, format!("in a meeting together on {}", on(3))),
        pair(ben, eve, format!("in a meeting together on {}", on(2))),
    ];
    want.sort();
    assert_eq!(got, want);
}

/// The store's folded tie weights are the evidence folded pair by pair.
async fn same_weights(s: &dyn kith_store::Store, evidence: &[kith_core::leverage::TieEvidence]) {
    let want = kith_core::leverage::TieWeights::fold(evidence.to_vec()).strengths();
    let got = s.tie_weights().await.unwrap().strengths();
    assert_eq!(got.len(), want.len(), "{got:?} vs {want:?}");
    for (g, w) in got.iter().zip(&want) {
        assert!((g.0, g.1) == (w.0, w.1) && (g.2 - w.2).abs() < 1e-12, "{got:?} vs {want:?}");
    }
}

/// One membership per live person and live organization, current when any job there is.
async fn memberships_merge_each_persons_jobs(db: &TestDb) {
    let s = &*db.store;
    let job = |org: &str, start: &str, end: Option<&str>| EmploymentInput {
        organization: org.into(),
        title: None,
        start: Some(day(start)),
        end: end.map(day),
    };
    let mut back = person("Back", None, None, &[]);
    back.employment =
        vec![job("Acme", "2015-01-01", Some("2018-01-01")), job("Acme", "2021-01-01", None)];
    let back = s.create_contact(&back, now()).await.unwrap();
    let mut left = person("Left", None, None, &[]);
    left.employment = vec![
        job("Beta", "2015-01-01", Some("2017-01-01")),
        job("Beta", "2018-01-01", Some("2019-01-01")),
    ];
    let left = s.create_contact(&left, now()).await.unwrap();
    let mut trashed = person("Trashed", None, None, &[]);
    trashed.employment = vec![job("Acme", "2020-01-01", None)];
    let trashed = s.create_contact(&trashed, now()).await.unwrap();
    s.trash_contact(trashed.id, now()).await.unwrap();
    let mut at_gamma = person("At Gamma", None, None, &[]);
    at_gamma.employment = vec![job("Gamma", "2020-01-01", None)];
    s.create_contact(&at_gamma, now()).await.unwrap();
    let gamma = kith_store::resolve_organization(s, "Gamma").await.unwrap();
    s.trash_organization(gamma, now()).await.unwrap();
    for name in ["Jobless", "Also jobless", "Still jobless"] {
        s.create_contact(&person(name, None, None, &[]), now()).await.unwrap();
    }
    let mut found: Vec<(String, kith_core::ContactId, bool)> = s
        .memberships()
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.name, m.contact, m.current))
        .collect();
    found.sort();
    assert_eq!(found, [("Acme".to_string(), back.id, true), ("Beta".to_string(), left.id, false)]);
}

async fn roles_connections_and_intro_paths(db: &TestDb) {
    use kith_core::leverage::{ConnectionInput, Evidence, RelationshipRole};
    let s = &*db.store;
    let old = now() - Duration::days(300);
    let ada =
        s.create_contact(&person("Ada", None, Some(("Initech", "CTO")), &[]), old).await.unwrap();
    let mut g = person("Grace", None, None, &[]);
    g.employment.push(EmploymentInput {
        organization: "Acme".into(),
        title: Some("VP".into()),
        start: Some(day("2019-01-01")),
        end: None,
    });
    let grace = s.create_contact(&g, old).await.unwrap();
    let mut l = person("Linus", None, None, &[]);
    l.employment.push(EmploymentInput {
        organization: "Acme".into(),
        title: None,
        start: Some(day("2015-01-01")),
        end: Some(day("2018-06-30")),
    });
    let linus = s.create_contact(&l, old).await.unwrap();
    let bob = s.create_contact(&person("Bob", None, None, &[]), old).await.unwrap();
    s.log_interaction(&log(vec![ada.id], 5, InteractionKind::Coffee), now()).await.unwrap();
    s.log_interaction(&log(vec![ada.id], 40, InteractionKind::Call), now()).await.unwrap();
    s.log_interaction(&log(vec![bob.id, grace.id], 90, InteractionKind::Meeting), now())
        .await
        .unwrap();
    s.set_roles(ada.id, &[RelationshipRole::Mentor, RelationshipRole::Sponsor], &[]).await.unwrap();
    s.set_roles(ada.id, &[], &[RelationshipRole::Sponsor]).await.unwrap();
    assert_eq!(s.roles_of(ada.id).await.unwrap(), [RelationshipRole::Mentor]);
    let mentors = s
        .list_contacts(&ContactQuery { role: Some(RelationshipRole::Mentor), ..Default::default() })
        .await
        .unwrap();
    assert_eq!((mentors.total, mentors.items[0].display_name.as_str()), (1, "Ada"));

    // Bad connections change nothing.
    let selfie =
        ConnectionInput { a: ada.id, b: ada.id, strength: None, since: None, note: String::new() };
    assert!(matches!(s.connect(&selfie, now()).await, Err(StoreError::Invalid(_))));
    assert!(s.connections(None).await.unwrap().is_empty());
    let k = ConnectionInput {
        a: grace.id,
        b: ada.id,
        strength: Some(0.7),
        since: Some(day("2019-03-01")),
        note: "same board".into(),
    };
    let made = s.connect(&k, now()).await.unwrap();
    let mut names = [made.a.display_name.clone(), made.b.display_name.clone()];
    names.sort();
    assert_eq!(names, ["Ada", "Grace"]);
    s.connect(&ConnectionInput { strength: Some(0.8), ..k.clone() }, now()).await.unwrap();
    let all = s.connections(Some(ada.id)).await.unwrap();
    assert_eq!((all.len(), all[0].strength), (1, Some(0.8)), "the second call updates");

    let ev = s.tie_evidence().await.unwrap();
    same_weights(s, &ev).await;
    let kinds = |a: kith_core::ContactId, b: kith_core::ContactId| -> Vec<String> {
        ev.iter()
            .filter(|e| (e.a == a && e.b == b) || (e.a == b && e.b == a))
            .map(|e| e.evidence.describe())
            .collect()
    };
    assert_eq!(kinds(ada.id, grace.id), ["knows since 2019 (you said so): same board"]);
    assert_eq!(
        kinds(bob.id, grace.id),
        [format!("in a meeting together on {}", (now() - Duration::days(90)).date_naive())]
    );
    assert!(kinds(grace.id, linus.id).is_empty(), "shared employers come as memberships");
    let at_acme: Vec<(kith_core::ContactId, bool)> = s
        .memberships()
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.name == "Acme")
        .map(|m| (m.contact, m.current))
        .collect();
    assert_eq!(at_acme.len(), 2);
    assert!(at_acme.contains(&(grace.id, true)) && at_acme.contains(&(linus.id, false)));
    let net = s.network(now()).await.unwrap();
    let grace_ties = net.ties_of(grace.id);
    let linus_tie = grace_ties.iter().find(|t| t.0.contact_id == linus.id).unwrap();
    assert_eq!(
        linus_tie.2[0],
        Evidence::Colleagues { organization: "Acme".into(), overlap: false }
    );

    // Paths to Grace: through Ada (mentor, strong), through Bob, or directly (weak).
    let report = s.paths_to_contact(grace.id, 3, now()).await.unwrap();
    assert_eq!(report.paths.len(), 3);
    let best = report.paths[0].describe();
    assert!(
        best.starts_with("you → Ada (")
            && best.contains("mentor, talked 5 days ago) → Grace (0.80: knows since 2019"),
        "{best}"
    );
    // Paths into Acme end at Grace (there now); Linus is listed as having been there.
    let acme = kith_store::resolve_organization(s, "Acme").await.unwrap();
    let org = s.paths_to_organization(acme, 3, now()).await.unwrap();
    assert_eq!(org.known_now[0].display_name, "Grace");
    assert_eq!(org.known_before[0].display_name, "Linus");
    assert!(org.paths.iter().all(|p| p.target().unwrap().display_name == "Grace"));
    // An organization nobody reaches says so and suggests something else.
    let empty = s
        .create_organization(
            &OrganizationInput { name: "Globex".into(), ..Default::default() },
            now(),
        )
        .await
        .unwrap();
    let none = s.paths_to_organization(empty.id, 3, now()).await.unwrap();
    assert!(none.paths.is_empty());
    assert_eq!(none.suggestions[0], "You know nobody who works or worked at Globex.");

    // The trash hides a connection and brings it back.
    let t = s.trash_connection(ada.id, grace.id, now()).await.unwrap();
    assert_eq!((t.kind, t.label.as_str()), (TrashKind::Connection, "Ada knows Grace"));
    assert!(s.connections(None).await.unwrap().is_empty());
    s.restore(t.id, now()).await.unwrap();
    assert_eq!(s.connections(None).await.unwrap().len(), 1);
    // A trashed person takes their ties out of the network.
    s.trash_contact(ada.id, now()).await.unwrap();
    let report = s.paths_to_contact(grace.id, 3, now()).await.unwrap();
    assert!(report.paths.iter().all(|p| !p.describe().contains("Ada")));
}

async fn opportunities_move_through_the_pipeline(db: &TestDb) {
    use kith_core::pipeline::{OpportunityInput, OpportunityKind, OpportunityRole, Pipeline};
    use kith_store::OpportunityQuery;
    let s = &*db.store;
    let today = now().date_naive();
    let ada =
        s.create_contact(&person("Ada", None, Some(("Acme", "VP")), &[]), now()).await.unwrap();
    let acme = kith_store::resolve_organization(s, "Acme").await.unwrap();
    let input = OpportunityInput {
        title: "Staff engineer".into(),
        kind: OpportunityKind::Job,
        organization: Some(acme),
        stage: None,
        on: Some(today - Duration::days(10)),
        next_step: Some("Ask Ada for the referral".into()),
        next_step_due: Some(today + Duration::days(2)),
        contacts: vec![(ada.id, OpportunityRole::Referrer)],
        notes: String::new(),
    };
    let bad = OpportunityInput { stage: Some("dreaming".into()), ..input.clone() };
    let err = s.create_opportunity(&bad, now()).await.unwrap_err().to_string();
    assert!(err.contains("dreaming") && err.contains("identified, reached-out"), "{err}");
    let o = s.create_opportunity(&input, now()).await.unwrap();
    assert_eq!((o.stage.as_str(), o.contacts[0].role), ("identified", OpportunityRole::Referrer));
    assert_eq!(o.organization.as_ref().unwrap().1, "Acme");
    let err = s.move_opportunity(o.id, "negotiating", today, now()).await.unwrap_err();
    assert!(err.to_string().contains("negotiating"), "{err}");
    assert_eq!(s.get_opportunity(o.id).await.unwrap().history.len(), 1, "unchanged");
    let back = s.move_opportunity(o.id, "reached out", today - Duration::days(20), now()).await;
    assert!(back.unwrap_err().to_string().contains("on or after it entered identified"));
    s.move_opportunity(o.id, "Reached Out", today - Duration::days(5), now()).await.unwrap();
    let o2 = s.move_opportunity(o.id, "interviewing", today, now()).await.unwrap();
    let stages: Vec<&str> = o2.history.iter().map(|h| h.stage.as_str()).collect();
    assert_eq!(stages, ["identified", "reached-out", "interviewing"]);
    let steps = s.next_steps(today + Duration::days(7)).await.unwrap();
    assert_eq!(
        steps[0].line(today),
        "Staff engineer at Acme (interviewing): Ask Ada for the referral (with Ada) — due in 2 days"
    );
    assert!(s.next_steps(today).await.unwrap().is_empty(), "not due yet");
    s.set_next_step(o.id, None, now()).await.unwrap();
    assert!(s.next_steps(today + Duration::days(7)).await.unwrap().is_empty());
    // Editing changes the details and keeps the stage, history, next step and people.
    let mut details = o2.details();
    details.title = "  ".into();
    let err = s.update_opportunity(o.id, &details, now()).await.unwrap_err().to_string();
    assert!(err.contains("title"), "{err}");
    details.title = "Principal engineer".into();
    details.kind = OpportunityKind::Client;
    details.organization = Some(kith_core::OrganizationId(uuid::Uuid::nil()));
    assert!(s.update_opportunity(o.id, &details, now()).await.is_err(), "unknown organization");
    assert_eq!(s.get_opportunity(o.id).await.unwrap().title, "Staff engineer", "unchanged");
    details.organization = None;
    details.notes = " met at the conference \n".into();
    let later = now() + Duration::hours(1);
    let edited = s.update_opportunity(o.id, &details, later).await.unwrap();
    assert_eq!(
        (edited.title.as_str(), edited.kind, edited.organization.is_none(), edited.notes.as_str()),
        ("Principal engineer", OpportunityKind::Client, true, "met at the conference")
    );
    assert_eq!((edited.history.len(), edited.contacts.len(), edited.updated_at), (3, 1, later));
    let missing = kith_core::OpportunityId(uuid::Uuid::nil());
    let err = s.update_opportunity(missing, &details, now()).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err}");
    assert_eq!(s.find_opportunities("principal").await.unwrap()[0].id, o.id);
    details.title = "Staff engineer".into();
    details.kind = OpportunityKind::Job;
    details.organization = Some(acme);
    s.update_opportunity(o.id, &details, now()).await.unwrap();
    // An organization in the trash is hidden, and an edit that names none keeps the link.
    let acme_trash = s.trash_organization(acme, now()).await.unwrap();
    let hidden = s.get_opportunity(o.id).await.unwrap();
    assert!(hidden.organization.is_none());
    let mut keep = hidden.details();
    keep.notes = "Still at Acme".into();
    s.update_opportunity(o.id, &keep, now()).await.unwrap();
    s.restore(acme_trash.id, now()).await.unwrap();
    let back = s.get_opportunity(o.id).await.unwrap();
    assert_eq!(
        (back.organization.map(|(id, _)| id), back.notes.as_str()),
        (Some(acme), "Still at Acme")
    );
    assert_eq!(s.find_opportunities("staff").await.unwrap()[0].id, o.id);
    let q = OpportunityQuery { contact: Some(ada.id), open_only: true, ..Default::default() };
    assert_eq!(s.list_opportunities(&q).await.unwrap().len(), 1);
    // Stages are configurable, but not out from under an opportunity.
    let err = s.set_pipeline(&Pipeline::parse("lead, proposal").unwrap()).await.unwrap_err();
    assert!(err.to_string().contains("interviewing"), "{err}");
    s.move_opportunity(o.id, "won", today, now()).await.unwrap();
    s.set_pipeline(&Pipeline::parse("lead, proposal").unwrap()).await.unwrap();
    assert_eq!(s.pipeline().await.unwrap().open, ["lead", "proposal"]);
    assert!(
        s.list_opportunities(&OpportunityQuery { open_only: true, ..Default::default() })
            .await
            .unwrap()
            .is_empty()
    );
    let t = s.trash_opportunity(o.id, now()).await.unwrap();
    assert!(s.list_opportunities(&OpportunityQuery::default()).await.unwrap().is_empty());
    s.restore(t.id, now()).await.unwrap();
    assert_eq!(s.get_opportunity(o.id).await.unwrap().history.len(), 4);
}

/// A write refused inside its transaction (here: an unknown opportunity, found out by the
/// UPDATE itself) must not leave a lock behind for the next write on another connection, which
/// reads before it writes. On SQLite the dropped transaction's rollback runs a moment later on
/// its connection's thread; deferred transactions then failed at once with "database is locked".
async fn a_refused_write_never_blocks_the_next(db: &TestDb) {
    use kith_core::pipeline::{OpportunityInput, OpportunityKind};
    let s = &*db.store;
    let input = OpportunityInput::new("Advisor", OpportunityKind::Client);
    let o = s.create_opportunity(&input, now()).await.unwrap();
    let missing = kith_core::OpportunityId(uuid::Uuid::nil());
    for i in 0..200 {
        assert!(s.update_opportunity(missing, &o.details(), now()).await.is_err());
        let step = Some((format!("Step {i}"), None));
        s.set_next_step(o.id, step, now()).await.unwrap_or_else(|e| panic!("write {i}: {e}"));
    }
}

async fn collaborations_and_insights(db: &TestDb) {
    use kith_core::pipeline::{CollaborationInput, CollaborationStatus};
    let s = &*db.store;
    let ada =
        s.create_contact(&person("Ada", None, Some(("Acme", "VP")), &[]), now()).await.unwrap();
    let bob =
        s.create_contact(&person("Bob", None, Some(("Acme", "Eng")), &[]), now()).await.unwrap();
    let input = CollaborationInput {
        title: "Open-source parser".into(),
        description: "A zero-copy vCard parser".into(),
        status: None,
        started_on: Some(day("2026-05-01")),
        ended_on: Some(day("2026-04-01")),
        outcome: String::new(),
    };
    assert!(s.create_collaboration(&input, now()).await.is_err());
    let c = s
        .create_collaboration(&CollaborationInput { ended_on: None, ..input.clone() }, now())
        .await
        .unwrap();
    assert_eq!(c.status, CollaborationStatus::Active);
    let c = s
        .add_participants(c.id, &[(ada.id, "co-author".into()), (bob.id, "reviewer".into())])
        .await
        .unwrap();
    assert_eq!(c.participants[0].1, "co-author");
    let done = CollaborationInput {
        status: Some(CollaborationStatus::Done),
        ended_on: Some(day("2026-10-01")),
        outcome: "Released 1.0".into(),
        ..input
    };
    let c = s.update_collaboration(c.id, &done, now()).await.unwrap();
    assert_eq!((c.status, c.outcome.as_str()), (CollaborationStatus::Done, "Released 1.0"));
    assert_eq!(s.list_collaborations(Some(bob.id)).await.unwrap().len(), 1);
    assert_eq!(s.find_collaborations("open").await.unwrap()[0].id, c.id);

    let i = s.insights(now()).await.unwrap();
    assert_eq!(i.contacts, 2);
    assert_eq!(i.organizations.top[0].label, "Acme");
    assert_eq!((i.ties, i.shared_employers, i.clusters), (0, 1, 1), "colleagues at Acme");
    let t = s.trash_collaboration(c.id, now()).await.unwrap();
    assert!(s.list_collaborations(None).await.unwrap().is_empty());
    s.restore(t.id, now()).await.unwrap();
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn event(name: &str, start: &str, end: Option<&str>) -> kith_core::network::EventInput {
    kith_core::network::EventInput {
        name: name.into(),
        kind: None,
        starts_on: day(start),
        ends_on: end.map(day),
        location: Some("Berlin".into()),
        url: None,
        organizer: None,
        my_role: None,
        follow_up_days: None,
        notes: String::new(),
    }
}

fn community(name: &str) -> kith_core::network::CommunityInput {
    kith_core::network::CommunityInput {
        name: name.into(),
        kind: Some(kith_core::network::CommunityKind::MeetupGroup),
        url: Some("https://rust.berlin".into()),
        my_role: None,
        since: Some(day("2024-01-10")),
        renews_on: Some(day("2026-12-01")),
        notes: String::new(),
    }
}

async fn events_bring_follow_ups_until_someone_gets_in_touch(db: &TestDb) {
    use kith_store::EventQuery;
    let s = &*db.store;
    let today = now().date_naive();
    // Bad input changes nothing.
    let err = s.create_event(&event("Backwards", "2026-11-20", Some("2026-11-19")), now()).await;
    assert!(matches!(err, Err(StoreError::Invalid(_))), "{err:?}");
    assert_eq!(s.list_events(&EventQuery::default()).await.unwrap().total, 0);

    let acme = s
        .create_organization(
            &OrganizationInput { name: "Acme".into(), ..Default::default() },
            now(),
        )
        .await
        .unwrap();
    let mut conf = event("RustConf", "2026-11-23", Some("2026-11-24"));
    conf.organizer = Some(acme.id);
    let conf = s.create_event(&conf, now()).await.unwrap();
    assert_eq!((conf.follow_up_days, conf.organizer.as_ref().unwrap().1.as_str()), (3, "Acme"));
    let later = s.create_event(&event("Meetup", "2026-12-03", None), now()).await.unwrap();
    let [ada, bob, cy, old] =
        ["Ada", "Bob", "Cy", "Old Friend"].map(|n| person(n, None, None, &[]));
    let ada = s.create_contact(&ada, now()).await.unwrap();
    let bob = s.create_contact(&bob, now()).await.unwrap();
    let cy = s.create_contact(&cy, now()).await.unwrap();
    let old = s.create_contact(&old, now() - Duration::days(400)).await.unwrap();
    s.set_attendance(conf.id, &[ada.id, bob.id, cy.id], true).await.unwrap();
    s.set_attendance(conf.id, &[old.id], false).await.unwrap();
    s.set_attendance(later.id, &[ada.id], false).await.unwrap();
    assert_eq!(s.get_contact(ada.id).await.unwrap().first_met, Some(day("2026-11-23")));

    let follow = s.follow_ups(today).await.unwrap();
    let names: Vec<&str> = follow.iter().map(|f| f.contact.display_name.as_str()).collect();
    assert_eq!(names, ["Ada", "Bob", "Cy"], "the old friend was not met there");
    assert_eq!(follow[0].due_on, day("2026-11-27"));
    let due = s.due_list(now()).await.unwrap();
    assert_eq!(due.len(), 3);
    assert_eq!(due[0].reason, "met at RustConf on 2026-11-24 · follow up by 2026-11-27 (today)");
    assert!(s.follow_ups(day("2026-11-23")).await.unwrap().is_empty(), "not before the end");

    // Coffee with Bob closes his follow-up; an interaction before the event would not.
    s.log_interaction(&log(vec![bob.id], 1, InteractionKind::Coffee), now()).await.unwrap();
    s.log_interaction(&log(vec![cy.id], 30, InteractionKind::Email), now()).await.unwrap();
    let names: Vec<String> =
        s.follow_ups(today).await.unwrap().into_iter().map(|f| f.contact.display_name).collect();
    assert_eq!(names, ["Ada", "Cy"]);

    // A person is first met once: the second claim is refused and changes nothing.
    let err = s.set_attendance(later.id, &[cy.id, ada.id], true).await.unwrap_err();
    assert!(
        matches!(&err, StoreError::Conflict(m) if m.contains("first met at RustConf")),
        "{err}"
    );
    assert_eq!(s.get_event(later.id).await.unwrap().attendees.len(), 1, "Cy not added either");

    let net = s.contact_network(ada.id).await.unwrap();
    let evs: Vec<(&str, bool)> = net.events.iter().map(|(e, m)| (e.name.as_str(), *m)).collect();
    assert_eq!(evs, [("Meetup", false), ("RustConf", true)]);
    let q = EventQuery { contact: Some(old.id), ..Default::default() };
    let listed = s.list_events(&q).await.unwrap();
    assert_eq!((listed.total, listed.items[0].attendees, listed.items[0].met_here), (1, 4, 3));
    assert_eq!(s.find_events("rust").await.unwrap()[0].id, conf.id);
    let up = s.upcoming(today, 10).await.unwrap();
    assert!(up.iter().any(|u| u.describe() == "Meetup (attendee)"), "{up:?}");

    // Snoozing and the trash hide follow-ups; restoring brings them back.
    s.snooze(cy.id, Some(day("2026-12-10")), now()).await.unwrap();
    assert_eq!(s.follow_ups(today).await.unwrap().len(), 1);
    let t = s.trash_event(conf.id, now()).await.unwrap();
    assert_eq!(t.kind, TrashKind::Event);
    assert!(s.follow_ups(today).await.unwrap().is_empty());
    assert!(s.find_events("RustConf").await.unwrap().is_empty());
    s.restore(t.id, now()).await.unwrap();
    assert_eq!(s.follow_ups(today).await.unwrap().len(), 1);
    s.remove_attendance(conf.id, &[ada.id]).await.unwrap();
    assert!(s.follow_ups(today).await.unwrap().is_empty());
    assert!(s.remove_attendance(conf.id, &[ada.id]).await.is_err(), "not there any more");

    // The follow-up window comes from the settings when the event does not say.
    s.set_follow_up_days(7).await.unwrap();
    assert!(s.set_follow_up_days(400).await.is_err());
    let next = s.create_event(&event("Webinar", "2026-11-26", None), now()).await.unwrap();
    assert_eq!(next.follow_up_days, 7);
}

async fn communities_are_unique_and_keep_contributions(db: &TestDb) {
    use kith_core::network::{ContributionInput, ContributionKind};
    let s = &*db.store;
    let rb = s.create_community(&community("Rust Berlin"), now()).await.unwrap();
    let dup = s.create_community(&community("rust  berlin"), now()).await;
    assert!(
        matches!(&dup, Err(StoreError::Conflict(m)) if m.contains("already exists")),
        "{dup:?}"
    );
    let mut future = community("Later");
    future.since = Some(day("2027-01-01"));
    assert!(matches!(s.create_community(&future, now()).await, Err(StoreError::Invalid(_))));
    assert_eq!(s.list_communities().await.unwrap().len(), 1);

    let ada = s.create_contact(&person("Ada", None, None, &[]), now()).await.unwrap();
    s.set_members(rb.id, &[ada.id], true).await.unwrap();
    s.set_members(rb.id, &[ada.id], true).await.unwrap(); // twice is once
    let talk = ContributionInput {
        community: rb.id,
        kind: ContributionKind::Talk,
        on: day("2026-11-10"),
        title: "Zero-copy parsing".into(),
        url: Some("https://example.com/talk".into()),
    };
    let k = s.add_contribution(&talk, now()).await.unwrap();
    assert_eq!((k.community_name.as_str(), k.kind), ("Rust Berlin", ContributionKind::Talk));
    let bad = ContributionInput { on: day("2026-12-24"), ..talk.clone() };
    assert!(s.add_contribution(&bad, now()).await.is_err());
    // Edited: a future day is refused and changes nothing; a real edit changes every field.
    assert!(s.update_contribution(k.id, &bad, now()).await.is_err());
    assert_eq!(
        s.find_contributions(&k.id.to_string()).await.unwrap()[0].title,
        "Zero-copy parsing"
    );
    let retitled = ContributionInput {
        kind: ContributionKind::Post,
        on: day("2026-11-11"),
        title: "Zero-copy parsing, the write-up".into(),
        url: None,
        ..talk.clone()
    };
    let edited = s.update_contribution(k.id, &retitled, now()).await.unwrap();
    assert_eq!(
        (edited.kind, edited.on, edited.title.as_str(), edited.url.is_none()),
        (ContributionKind::Post, day("2026-11-11"), "Zero-copy parsing, the write-up", true)
    );
    let missing = kith_core::ContributionId(uuid::Uuid::nil());
    assert!(matches!(
        s.update_contribution(missing, &talk, now()).await,
        Err(StoreError::NotFound { .. })
    ));
    s.update_contribution(k.id, &talk, now()).await.unwrap();
    s.add_contribution(
        &ContributionInput {
            kind: ContributionKind::Answer,
            on: day("2026-11-20"),
            title: "Lifetimes".into(),
            url: None,
            ..talk.clone()
        },
        now(),
    )
    .await
    .unwrap();

    let got = s.get_community(rb.id).await.unwrap();
    assert_eq!(got.members[0].display_name, "Ada");
    let titles: Vec<&str> = got.contributions.iter().map(|k| k.title.as_str()).collect();
    assert_eq!(titles, ["Lifetimes", "Zero-copy parsing"], "newest first");
    let summary = &s.list_communities().await.unwrap()[0];
    assert_eq!((summary.members, summary.contributions), (1, 2));
    assert_eq!(summary.last_contribution, Some(day("2026-11-20")));
    assert_eq!(s.contact_network(ada.id).await.unwrap().communities.len(), 1);
    let up = s.upcoming(now().date_naive(), 7).await.unwrap();
    assert!(up.iter().any(|u| u.describe() == "membership of Rust Berlin renews"), "{up:?}");

    // Trash takes the contributions along; a contribution alone can go and come back too.
    let one = s.trash_contribution(k.id, now()).await.unwrap();
    assert_eq!(s.get_community(rb.id).await.unwrap().contributions.len(), 1);
    s.restore(one.id, now()).await.unwrap();
    let t = s.trash_community(rb.id, now()).await.unwrap();
    assert_eq!((t.kind, t.linked), (TrashKind::Community, 2));
    assert!(s.list_contributions(day("2026-01-01"), day("2026-12-31")).await.unwrap().is_empty());
    let again = s.create_community(&community("Rust Berlin"), now()).await.unwrap();
    let err = s.restore(t.id, now()).await.unwrap_err();
    assert!(err.to_string().contains("a community named \"Rust Berlin\" exists now"), "{err}");
    s.trash_community(again.id, now()).await.unwrap();
    s.restore(t.id, now()).await.unwrap();
    assert_eq!(s.get_community(rb.id).await.unwrap().contributions.len(), 2);
    s.set_members(rb.id, &[ada.id], false).await.unwrap();
    assert!(s.set_members(rb.id, &[ada.id], false).await.is_err(), "not a member any more");
}

async fn goals_measure_progress_per_period(db: &TestDb) {
    use kith_core::goal::{GoalInput, GoalMetric, Period};
    use kith_core::ledger::{LedgerDirection, LedgerInput, LedgerKind};
    let s = &*db.store;
    let today = now().date_naive();
    let goal = |metric, target, period, tag: Option<&str>| GoalInput {
        metric,
        target,
        period,
        tag: tag.map(str::to_string),
        kind: None,
    };
    // Bad goals change nothing.
    let zero = s.create_goal(&goal(GoalMetric::Events, 0, Period::Month, None), now()).await;
    assert!(matches!(&zero, Err(StoreError::Invalid(e)) if e.errors[0].field == "target"));
    s.create_contact(&person("Tagged", None, None, &["mentor"]), now() - Duration::days(500))
        .await
        .unwrap();
    let unknown =
        s.create_goal(&goal(GoalMetric::NewPeople, 4, Period::Month, Some("fintech")), now()).await;
    let msg = unknown.unwrap_err().to_string();
    assert!(msg.contains("fintech") && msg.contains("a tag in use (mentor)"), "{msg}");
    assert!(s.list_goals().await.unwrap().is_empty());

    // New people tagged fintech, by first-met date (else the day they were added).
    let met = |name: &str, on: &str| {
        let mut c = person(name, None, None, &["fintech"]);
        c.first_met = Some(day(on));
        c
    };
    for (n, on) in
        [("A", "2026-11-02"), ("B", "2026-11-20"), ("C", "2026-10-15"), ("D", "2026-09-01")]
    {
        s.create_contact(&met(n, on), now()).await.unwrap();
    }
    s.create_contact(&person("Untagged", None, None, &[]), now()).await.unwrap();
    s.create_contact(&person("Added today", None, None, &["fintech"]), now()).await.unwrap();
    let fintech = s
        .create_goal(&goal(GoalMetric::NewPeople, 3, Period::Month, Some("FinTech")), now())
        .await
        .unwrap();
    assert_eq!(fintech.describe(), "meet 3 new people tagged fintech per month");

    // Reconnecting: a contact quiet for 200 days, then a call 5 days ago (and another after).
    let quiet = s
        .create_contact(&person("Quiet", None, None, &["mentor"]), now() - Duration::days(400))
        .await
        .unwrap();
    s.log_interaction(&log(vec![quiet.id], 205, InteractionKind::Coffee), now()).await.unwrap();
    s.log_interaction(&log(vec![quiet.id], 5, InteractionKind::Call), now()).await.unwrap();
    s.log_interaction(&log(vec![quiet.id], 2, InteractionKind::Email), now()).await.unwrap();
    // A coffee 100 days ago, trashed: the tie was still dormant when the call came.
    let trashed =
        s.log_interaction(&log(vec![quiet.id], 100, InteractionKind::Coffee), now()).await.unwrap();
    s.trash_interaction(trashed.id, now()).await.unwrap();
    // Someone trashed counts for nothing: not their call (a conversation and a reconnection
    // if they were live), nor a meeting they shared with nobody live.
    let gone = s
        .create_contact(&person("Gone", None, None, &["mentor"]), now() - Duration::days(400))
        .await
        .unwrap();
    s.log_interaction(&log(vec![gone.id], 300, InteractionKind::Coffee), now()).await.unwrap();
    s.log_interaction(&log(vec![gone.id], 3, InteractionKind::Call), now()).await.unwrap();
    s.trash_contact(gone.id, now()).await.unwrap();
    let reconnect =
        s.create_goal(&goal(GoalMetric::Reconnect, 1, Period::Quarter, None), now()).await.unwrap();
    let tagged_reconnect = s
        .create_goal(&goal(GoalMetric::Reconnect, 1, Period::Quarter, Some("fintech")), now())
        .await
        .unwrap();
    let mut talks = goal(GoalMetric::Conversations, 2, Period::Month, Some("mentor"));
    talks.kind = None;
    let talks = s.create_goal(&talks, now()).await.unwrap();
    let thanks = s
        .create_goal(&goal(GoalMetric::Acknowledgements, 1, Period::Week, None), now())
        .await
        .unwrap();
    s.add_ledger_entry(
        &LedgerInput {
            kind: LedgerKind::Acknowledgement,
            direction: Some(LedgerDirection::Given),
            status: None,
            on: today - Duration::days(1),
            participants: vec![quiet.id],
            summary: "thanked on the team channel".into(),
            notes: String::new(),
        },
        now(),
    )
    .await
    .unwrap();

    let progress = s.goal_progress(today).await.unwrap();
    let by_id = |id| progress.iter().find(|p| p.goal.id == id).unwrap();
    let f = by_id(fintech.id);
    assert_eq!((f.current.count, f.current.met), (3, true), "A, B and the one added today");
    let hist: Vec<u32> = f.history.iter().rev().take(3).map(|h| h.count).collect();
    assert_eq!(hist, [1, 1, 0], "October: C; September: D; August: nobody");
    assert_eq!(f.streak, 1, "met this month only");
    let r = by_id(reconnect.id);
    assert_eq!(r.current.count, 1, "the call revived the tie; the email after it did not count");
    assert_eq!(by_id(tagged_reconnect.id).current.count, 0, "Quiet is not tagged fintech");
    let t = by_id(talks.id);
    assert_eq!(
        (t.current.count, t.current.met),
        (1, false),
        "the call; emails are not conversations"
    );
    assert_eq!(by_id(thanks.id).current.count, 1);

    s.trash_goal(thanks.id, now()).await.unwrap();
    assert_eq!(s.list_goals().await.unwrap().len(), 4);
    assert_eq!(s.find_goals(&fintech.id.short()).await.unwrap()[0].id, fintech.id);
}

async fn review_summarises_the_week(db: &TestDb) {
    use kith_core::goal::Period;
    let s = &*db.store;
    let conf =
        s.create_event(&event("RustConf", "2026-11-23", Some("2026-11-24")), now()).await.unwrap();
    let ada = s.create_contact(&person("Ada", None, None, &[]), now()).await.unwrap();
    s.set_attendance(conf.id, &[ada.id], true).await.unwrap();
    let mut bob = person("Bob", None, None, &[]);
    bob.how_met = Some("intro from Ada".into());
    s.create_contact(&bob, now()).await.unwrap();
    let old = s
        .create_contact(&person("Old", None, None, &[]), now() - Duration::days(100))
        .await
        .unwrap();
    s.log_interaction(&log(vec![old.id], 40, InteractionKind::Coffee), now()).await.unwrap();
    s.set_cadence(old.id, Some(37), now()).await.unwrap(); // ran out 3 days ago, this week
    s.log_interaction(&log(vec![old.id], 40, InteractionKind::Call), now()).await.unwrap();
    // Before the event: does not count as a follow-up.
    s.log_interaction(&log(vec![ada.id], 10, InteractionKind::Video), now()).await.unwrap();
    s.log_interaction(&log(vec![old.id, ada.id], 0, InteractionKind::Email), now()).await.unwrap();
    let r = s.review(Period::Week, now()).await.unwrap();
    assert_eq!((r.start, r.end), (day("2026-11-23"), day("2026-11-29")));
    let people: Vec<(&str, Option<&str>)> = r
        .new_people
        .iter()
        .map(|p| (p.contact.display_name.as_str(), p.met_where.as_deref()))
        .collect();
    assert_eq!(people, [("Ada", Some("RustConf")), ("Bob", Some("intro from Ada"))]);
    assert_eq!(r.interactions, 1);
    assert_eq!(r.events.len(), 1);
    assert!(r.went_stale.is_empty(), "Old was written to today");
    assert!(r.follow_ups.is_empty(), "Ada got the email");
    // Without today's email, Old went stale this week and Ada is owed a follow-up.
    let last = s.list_interactions(&InteractionQuery::default()).await.unwrap().items[0].id;
    s.trash_interaction(last, now()).await.unwrap();
    let r = s.review(Period::Week, now()).await.unwrap();
    let stale: Vec<(&str, NaiveDate)> =
        r.went_stale.iter().map(|w| (w.contact.display_name.as_str(), w.due_since)).collect();
    assert_eq!(stale, [("Old", day("2026-11-24"))]);
    assert_eq!(r.follow_ups[0].contact.display_name, "Ada");
    let month = s.review(Period::Month, now()).await.unwrap();
    assert_eq!((month.start, month.interactions), (day("2026-11-01"), 1));
    assert_eq!(month.interactions_by_kind, [(InteractionKind::Video, 1)]);
}

async fn contact_round_trips_every_field(db: &TestDb) {
    let s = &*db.store;
    let mut c = person(
        "Ada Lovelace",
        Some("ada@example.com"),
        Some(("Analytical Engines", "Analyst")),
        &["mentor", "math"],
    );
    c.nickname = Some("Countess".into());
    c.emails.push(Email { address: "ada@home.example".into(), label: Some("home".into()) });
    c.phones.push(Phone {
        number: "+44 20 7946 0000".into(),
        normalized: String::new(),
        label: Some("mobile".into()),
    });
    c.links.push(Link { url: "https://www.linkedin.com/in/ada".into(), kind: LinkKind::Linkedin });
    c.addresses.push(kith_core::Address {
        locality: Some("London".into()),
        country: Some("UK".into()),
        ..Default::default()
    });
    c.birthday = Some(Birthday { year: None, month: 12, day: 10 });
    c.employment.push(EmploymentInput {
        organization: "Babbage & Co".into(),
        title: Some("Translator".into()),
        start: NaiveDate::from_ymd_opt(1842, 1, 1),
        end: NaiveDate::from_ymd_opt(1843, 9, 1),
    });
    c.location = Some("London".into());
    c.how_met = Some("Intro from Charles".into());
    c.first_met = NaiveDate::from_ymd_opt(2019, 6, 5);
    c.notes = "Cares about **poetical science**.".into();
    let saved = s.create_contact(&c, now()).await.unwrap();
    let got = s.get_contact(saved.id).await.unwrap();
    assert_eq!(saved, got);
    assert_eq!(got.display_name, "Ada Lovelace");
    assert_eq!(got.given_name.as_deref(), Some("Ada"));
    assert_eq!(got.nickname.as_deref(), Some("Countess"));
    assert_eq!(got.emails.len(), 2);
    assert_eq!(got.emails[1].label.as_deref(), Some("home"));
    assert_eq!(got.phones[0].normalized, "+442079460000");
    assert_eq!(got.links[0].kind, LinkKind::Linkedin);
    assert_eq!(got.addresses[0].one_line(), "London, UK");
    assert_eq!(got.birthday.unwrap().to_string(), "--12-10");
    assert_eq!(got.current_role().unwrap().organization, "Analytical Engines");
    assert_eq!(got.employment[1].end, NaiveDate::from_ymd_opt(1843, 9, 1));
    assert_eq!(got.tags, ["math", "mentor"]);
    assert_eq!(got.first_met, NaiveDate::from_ymd_opt(2019, 6, 5));
    assert_eq!(got.notes, "Cares about **poetical science**.");
    assert_eq!(got.created_at, now());
    assert_eq!(s.stats().await.unwrap().organizations, 2);
}

async fn invalid_input_changes_nothing(db: &TestDb) {
    let s = &*db.store;
    let mut c = person("Bad Email", Some("not-an-email"), Some(("NewCo", "CEO")), &[]);
    c.birthday = Some(Birthday { year: Some(1990), month: 2, day: 30 });
    let err = s.create_contact(&c, now()).await.unwrap_err();
    match err {
        StoreError::Invalid(v) => {
            let fields: Vec<_> = v.errors.iter().map(|e| e.field.as_str()).collect();
            assert_eq!(fields, ["email", "birthday"]);
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
    let stats = s.stats().await.unwrap();
    assert_eq!((stats.contacts, stats.organizations), (0, 0));
    // An interaction with an unknown participant is refused whole.
    let ghost = kith_core::ContactId(uuid::Uuid::new_v4());
    let err =
        s.log_interaction(&log(vec![ghost], 1, InteractionKind::Call), now()).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound { what: "contact", .. }), "{err:?}");
    assert_eq!(s.stats().await.unwrap().interactions, 0);
}

async fn updates_keep_employment_history(db: &TestDb) {
    let s = &*db.store;
    let c = s
        .create_contact(&person("Grace Hopper", None, Some(("Navy", "Officer")), &[]), now())
        .await
        .unwrap();
    let mut input = c.to_input();
    input.set_current_role("Remington Rand", Some("Engineer"), now().date_naive());
    input.tags.push("pioneer".into());
    let later = now() + Duration::hours(1);
    let updated = s.update_contact(c.id, &input, later).await.unwrap();
    assert_eq!(updated.current_role().unwrap().organization, "Remington Rand");
    assert_eq!(updated.employment[1].organization, "Navy");
    assert_eq!(updated.employment[1].end, Some(now().date_naive()));
    assert_eq!(updated.tags, ["pioneer"]);
    assert_eq!(updated.created_at, now());
    assert_eq!(updated.updated_at, later);
    let navy = kith_store::resolve_organization(s, "navy").await.unwrap();
    let org = s.get_organization(navy).await.unwrap();
    assert_eq!(org.people.len(), 1);
    assert_eq!(org.people[0].end, Some(now().date_naive()));
    let missing = kith_core::ContactId(uuid::Uuid::new_v4());
    assert!(matches!(
        s.update_contact(missing, &input, later).await,
        Err(StoreError::NotFound { .. })
    ));
}

async fn references_resolve_or_list_candidates(db: &TestDb) {
    let s = &*db.store;
    let john = s
        .create_contact(&person("John Smith", Some("john@acme.com"), None, &[]), now())
        .await
        .unwrap();
    let johanna = s
        .create_contact(&person("Johanna Schmidt", Some("jo@acme.com"), None, &[]), now())
        .await
        .unwrap();
    assert_eq!(resolve_contact(s, &john.id.to_string()).await.unwrap(), john.id);
    assert_eq!(resolve_contact(s, &john.id.to_string()[..8]).await.unwrap(), john.id);
    assert_eq!(resolve_contact(s, "JOHN@acme.com").await.unwrap(), john.id);
    assert_eq!(resolve_contact(s, "john smith").await.unwrap(), john.id);
    assert_eq!(resolve_contact(s, "johann").await.unwrap(), johanna.id);
    assert_eq!(resolve_contact(s, "Schmidt").await.unwrap(), johanna.id);
    match resolve_contact(s, "Jo").await.unwrap_err() {
        StoreError::Ambiguous { candidates, .. } => {
            assert_eq!(candidates.len(), 2);
            assert!(candidates[0].starts_with("Johanna Schmidt <jo@acme.com>"), "{candidates:?}");
        }
        other => panic!("expected Ambiguous, got {other:?}"),
    }
    assert!(matches!(resolve_contact(s, "Zed").await, Err(StoreError::NotFound { .. })));
    assert!(matches!(
        resolve_contact(s, "nobody@acme.com").await,
        Err(StoreError::NotFound { .. })
    ));
}

async fn lists_filter_and_sort(db: &TestDb) {
    let s = &*db.store;
    let a = s
        .create_contact(&person("Ada", None, Some(("Acme", "CTO")), &["mentor"]), now())
        .await
        .unwrap();
    let b = s
        .create_contact(&person("Bea", None, Some(("Globex", "CEO")), &["mentor"]), now())
        .await
        .unwrap();
    let c = s.create_contact(&person("Cy", None, Some(("Acme", "Dev")), &[]), now()).await.unwrap();
    s.log_interaction(&log(vec![c.id], 2, InteractionKind::Coffee), now()).await.unwrap();
    s.log_interaction(&log(vec![b.id], 10, InteractionKind::Call), now()).await.unwrap();
    let names = |p: kith_store::Page<kith_core::ContactSummary>| {
        p.items.into_iter().map(|c| c.display_name).collect::<Vec<_>>()
    };
    let all = s.list_contacts(&ContactQuery::default()).await.unwrap();
    assert_eq!(all.total, 3);
    assert_eq!(all.items[0].organization.as_deref(), Some("Acme"));
    assert_eq!(all.items[0].title.as_deref(), Some("CTO"));
    assert_eq!(names(all), ["Ada", "Bea", "Cy"]);
    let q = ContactQuery { tag: Some("mentor".into()), ..Default::default() };
    assert_eq!(names(s.list_contacts(&q).await.unwrap()), ["Ada", "Bea"]);
    let acme = kith_store::resolve_organization(s, "Acme").await.unwrap();
    let q = ContactQuery { organization: Some(acme), ..Default::default() };
    assert_eq!(names(s.list_contacts(&q).await.unwrap()), ["Ada", "Cy"]);
    let q = ContactQuery { sort: ContactSort::LastInteraction, ..Default::default() };
    assert_eq!(names(s.list_contacts(&q).await.unwrap()), ["Cy", "Bea", "Ada"]);
    let q = ContactQuery { sort: ContactSort::LeastRecent, ..Default::default() };
    assert_eq!(names(s.list_contacts(&q).await.unwrap()), ["Ada", "Bea", "Cy"]);
    let q = ContactQuery { limit: Some(1), offset: 1, ..Default::default() };
    let page = s.list_contacts(&q).await.unwrap();
    assert_eq!((page.total, names(page)), (3, vec!["Bea".to_string()]));
    // Only the given people (a search's hits), with the other filters still applied.
    let ids = Some(vec![c.id, b.id]);
    let q = ContactQuery { ids: ids.clone(), ..Default::default() };
    assert_eq!(names(s.list_contacts(&q).await.unwrap()), ["Bea", "Cy"]);
    let q = ContactQuery { ids, tag: Some("mentor".into()), ..Default::default() };
    assert_eq!(names(s.list_contacts(&q).await.unwrap()), ["Bea"]);
    let q = ContactQuery { ids: Some(vec![]), ..Default::default() };
    assert_eq!(s.list_contacts(&q).await.unwrap().total, 0);
    let orgs = s.list_organizations(&OrganizationQuery::default()).await.unwrap();
    assert_eq!(
        orgs.items.iter().map(|o| (o.name.as_str(), o.current_people)).collect::<Vec<_>>(),
        [("Acme", 2), ("Globex", 1)]
    );
    let _ = a;
}

async fn interactions_update_last_contact(db: &TestDb) {
    let s = &*db.store;
    let a = s.create_contact(&person("Ada", None, None, &[]), now()).await.unwrap();
    let b = s.create_contact(&person("Bea", None, None, &[]), now()).await.unwrap();
    let old = s
        .log_interaction(&log(vec![a.id, b.id], 30, InteractionKind::Meeting), now())
        .await
        .unwrap();
    assert_eq!(old.participants.len(), 2);
    let recent =
        s.log_interaction(&log(vec![a.id], 3, InteractionKind::Coffee), now()).await.unwrap();
    assert_eq!(s.get_contact(a.id).await.unwrap().last_interaction_at, Some(recent.occurred_at));
    assert_eq!(s.get_contact(b.id).await.unwrap().last_interaction_at, Some(old.occurred_at));
    let timeline = s
        .list_interactions(&InteractionQuery { contact: Some(a.id), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(timeline.items.iter().map(|i| i.id).collect::<Vec<_>>(), [recent.id, old.id]);
    // Trashing the latest interaction moves "last contact" back; restoring moves it forward.
    let t = s.trash_interaction(recent.id, now()).await.unwrap();
    assert_eq!(s.get_contact(a.id).await.unwrap().last_interaction_at, Some(old.occurred_at));
    s.restore(t.id, now()).await.unwrap();
    assert_eq!(s.get_contact(a.id).await.unwrap().last_interaction_at, Some(recent.occurred_at));
    let found = kith_store::resolve_interaction(s, &recent.id.to_string()[..8]).await.unwrap();
    assert_eq!(found, recent.id);
    let future = InteractionInput {
        occurred_at: now() + Duration::days(5),
        ..log(vec![a.id], 0, InteractionKind::Call)
    };
    assert!(matches!(s.log_interaction(&future, now()).await, Err(StoreError::Invalid(_))));
}

async fn search_is_typo_tolerant_and_ranked(db: &TestDb) {
    let s = &*db.store;
    let john = s
        .create_contact(
            &person(
                "John Smith",
                Some("jsmith@initech.com"),
                Some(("Initech", "Staff Engineer")),
                &["python"],
            ),
            now(),
        )
        .await
        .unwrap();
    let jane = s
        .create_contact(&person("Jane Smithers", None, Some(("Initech", "Designer")), &[]), now())
        .await
        .unwrap();
    let jon = s.create_contact(&person("Jon Smyth", None, None, &["rust"]), now()).await.unwrap();
    let mut noted = person("Zora Neale", None, None, &[]);
    noted.notes = "Knows everyone at the smith foundry".into();
    let zora = s.create_contact(&noted, now()).await.unwrap();
    let ids = |hits: Vec<kith_store::SearchHit>| {
        hits.into_iter().map(|h| h.contact.id).collect::<Vec<_>>()
    };
    // Misspelled first and last name: the exact-ish name wins, then the other typo matches.
    let hits = ids(s.search("jon smth", 10).await.unwrap());
    assert_eq!(hits, [jon.id, john.id], "jon smth");
    // A prefix ("Smithers") outranks a one-letter typo ("Smyth"); a notes match comes last.
    assert_eq!(ids(s.search("smith", 10).await.unwrap()), [john.id, jane.id, jon.id, zora.id]);
    assert_eq!(ids(s.search("initech designer", 10).await.unwrap()), [jane.id]);
    assert_eq!(ids(s.search("jsmith", 10).await.unwrap())[0], john.id);
    assert_eq!(ids(s.search("pyhton", 10).await.unwrap()), [john.id]);
    assert_eq!(ids(s.search("foundry", 10).await.unwrap()), [zora.id]);
    assert_eq!(ids(s.search("Smi", 2).await.unwrap()).len(), 2);
    assert!(s.search("qqqq", 10).await.unwrap().is_empty());
    assert!(s.search("  ", 10).await.unwrap().is_empty());
    // Trashed people disappear from results and come back on restore.
    let t = s.trash_contact(john.id, now()).await.unwrap();
    assert!(!ids(s.search("smith", 10).await.unwrap()).contains(&john.id));
    s.restore(t.id, now()).await.unwrap();
    assert!(ids(s.search("smith", 10).await.unwrap()).contains(&john.id));
    // A single common word takes the top-k path; it must agree with the full ranking.
    let mut many: Vec<ContactInput> = (0..30)
        .map(|i| person(&format!("Worker {i}"), None, Some(("Foundry Co", "Smith")), &[]))
        .collect();
    many.push(person("Smith Senior", None, None, &[]));
    s.import_contacts(&many, now()).await.unwrap();
    let full = ids(s.search("smith", 100).await.unwrap());
    assert!(full.len() > 30);
    assert_eq!(ids(s.search("smith", 3).await.unwrap()), full[..3]);
    assert_eq!(ids(s.search("smith", 7).await.unwrap()), full[..7]);
    // Edits reindex.
    let mut input = jane.to_input();
    input.tags = vec!["kotlin".into()];
    input.employment.clear();
    s.update_contact(jane.id, &input, now()).await.unwrap();
    assert_eq!(ids(s.search("kotlin", 10).await.unwrap()), [jane.id]);
    assert!(!ids(s.search("designer", 10).await.unwrap()).contains(&jane.id));
    // Exactly the new words are indexed ("jane", "smithers", "kotlin"), plus the word list.
    let words = kith_core::search::contact_terms(&input, &[]).len() as i64;
    assert_eq!((words, postings_of(db, jane.id).await), (3, 4));
}

async fn trash_restore_and_purge_contacts(db: &TestDb) {
    let s = &*db.store;
    let a = s.create_contact(&person("Ada", None, None, &[]), now()).await.unwrap();
    let b = s.create_contact(&person("Bea", None, None, &[]), now()).await.unwrap();
    let solo =
        s.log_interaction(&log(vec![a.id], 5, InteractionKind::Coffee), now()).await.unwrap();
    let shared = s
        .log_interaction(&log(vec![a.id, b.id], 7, InteractionKind::Meeting), now())
        .await
        .unwrap();
    s.add_note(a.id, "likes tea", now()).await.unwrap();
    let t = s.trash_contact(a.id, now()).await.unwrap();
    assert_eq!((t.kind, t.label.as_str(), t.linked), (TrashKind::Contact, "Ada", 1));
    assert!(matches!(s.get_contact(a.id).await, Err(StoreError::NotFound { .. })));
    assert!(matches!(s.get_interaction(solo.id).await, Err(StoreError::NotFound { .. })));
    let shared_now = s.get_interaction(shared.id).await.unwrap();
    assert_eq!(
        shared_now.participants.iter().map(|p| p.display_name.as_str()).collect::<Vec<_>>(),
        ["Bea"]
    );
    assert_eq!(s.stats().await.unwrap().contacts, 1);
    assert_eq!(s.list_trash().await.unwrap().len(), 1);
    assert_eq!(kith_store::resolve_trash(s, "ada").await.unwrap(), t.id);
    s.restore(t.id, now()).await.unwrap();
    let back = s.get_contact(a.id).await.unwrap();
    assert_eq!(back.display_name, "Ada");
    assert_eq!(s.get_interaction(solo.id).await.unwrap().participants.len(), 1);
    assert_eq!(s.get_interaction(shared.id).await.unwrap().participants.len(), 2);
    assert_eq!(s.list_notes(a.id).await.unwrap().len(), 1);
    assert!(s.list_trash().await.unwrap().is_empty());
    // Purge is final.
    let t = s.trash_contact(a.id, now()).await.unwrap();
    assert!(postings_of(db, a.id).await > 0, "a trashed contact keeps its postings");
    s.purge(t.id).await.unwrap();
    assert_eq!(postings_of(db, a.id).await, 0, "purged with the contact");
    assert!(matches!(s.restore(t.id, now()).await, Err(StoreError::NotFound { .. })));
    let stats = s.stats().await.unwrap();
    assert_eq!((stats.contacts, stats.interactions, stats.notes, stats.trash), (1, 1, 0, 0));
    s.trash_contact(b.id, now()).await.unwrap();
    assert_eq!(s.purge_all().await.unwrap(), 1);
    assert_eq!(s.stats().await.unwrap(), kith_store::Stats::default());
    assert_eq!(postings_of(db, b.id).await, 0);
}

async fn staged_imports_wait_until_taken(db: &TestDb) {
    let s = &*db.store;
    let staged = |n: u8| kith_store::StagedImport {
        token: format!("token-{n}"),
        file_name: format!("cards-{n}.vcf"),
        format: kith_core::import::ImportFormat::Vcard,
        // Not UTF-8: the file is kept byte for byte.
        content: vec![0xff, 0xfe, n, 0, b'\n'],
        add_unknown: n.is_multiple_of(2),
        skip_invalid: !n.is_multiple_of(2),
    };
    for n in 1..=4u8 {
        s.stage_import(staged(n), now() + Duration::seconds(i64::from(n))).await.unwrap();
    }
    // Only the newest three wait.
    assert_eq!(s.take_staged_import("token-1").await.unwrap(), None);
    assert_eq!(s.take_staged_import("token-3").await.unwrap(), Some(staged(3)));
    assert_eq!(s.take_staged_import("token-3").await.unwrap(), None, "taken once");
    assert_eq!(s.take_staged_import("token-4").await.unwrap(), Some(staged(4)));
    // Uploaded at the same instant (a stopped clock): the newest upload still waits.
    for n in 5..=8u8 {
        s.stage_import(staged(n), now()).await.unwrap();
    }
    assert_eq!(s.take_staged_import("token-8").await.unwrap(), Some(staged(8)));
    // Waiting uploads are not the user's data: backups leave them out.
    let mut out = Vec::new();
    s.backup(&mut out, now()).await.unwrap();
    assert!(!String::from_utf8(out).unwrap().contains("staged_imports"));
}

/// How many search postings a contact has (plus one for its list of words), read straight
/// from the database, plus any posting left without its document (which must not happen).
async fn postings_of(db: &TestDb, id: kith_core::ContactId) -> i64 {
    use sqlx::Connection;
    let sql = "SELECT (SELECT COUNT(*) FROM search_postings p JOIN search_documents d \
               ON d.num = p.num WHERE d.contact_id = $1) \
               + (SELECT COUNT(*) FROM search_documents WHERE contact_id = $1) \
               + (SELECT COUNT(*) FROM search_postings \
                  WHERE num NOT IN (SELECT num FROM search_documents))";
    if db.url.starts_with("sqlite") {
        let mut conn = sqlx::sqlite::SqliteConnection::connect(&db.url).await.unwrap();
        let n = sqlx::query_scalar(sql).bind(id.to_string()).fetch_one(&mut conn).await.unwrap();
        conn.close().await.unwrap();
        n
    } else {
        let mut conn = sqlx::postgres::PgConnection::connect(&db.url).await.unwrap();
        let n = sqlx::query_scalar(sql).bind(id.to_string()).fetch_one(&mut conn).await.unwrap();
        conn.close().await.unwrap();
        n
    }
}

async fn organizations_are_unique_and_restorable(db: &TestDb) {
    let s = &*db.store;
    let input = OrganizationInput {
        name: "Acme".into(),
        domain: Some("acme.com".into()),
        industry: Some("Anvils".into()),
        tags: vec!["client".into()],
        ..Default::default()
    };
    let acme = s.create_organization(&input, now()).await.unwrap();
    assert_eq!(acme.tags, ["client"]);
    let dup = OrganizationInput { name: "ACME".into(), ..Default::default() };
    assert!(matches!(s.create_organization(&dup, now()).await, Err(StoreError::Conflict(_))));
    assert_eq!(kith_store::resolve_organization(s, "acme.com").await.unwrap(), acme.id);
    let ada =
        s.create_contact(&person("Ada", None, Some(("acme", "CTO")), &[]), now()).await.unwrap();
    assert_eq!(
        ada.current_role().unwrap().organization_id,
        acme.id,
        "employment links the existing org"
    );
    assert_eq!(s.search("acme", 5).await.unwrap().len(), 1);
    let t = s.trash_organization(acme.id, now()).await.unwrap();
    assert_eq!(t.linked, 1);
    assert!(s.get_contact(ada.id).await.unwrap().employment.is_empty());
    assert!(s.search("acme", 5).await.unwrap().is_empty());
    let other = s.create_organization(&dup, now()).await.unwrap();
    assert!(matches!(s.restore(t.id, now()).await, Err(StoreError::Conflict(_))));
    s.trash_organization(other.id, now()).await.unwrap();
    s.restore(t.id, now()).await.unwrap();
    assert_eq!(s.get_contact(ada.id).await.unwrap().current_role().unwrap().organization, "Acme");
    assert_eq!(s.search("acme", 5).await.unwrap().len(), 1);
    let mut edit = acme.to_input();
    edit.name = "Acme Corporation".into();
    s.update_organization(acme.id, &edit, now()).await.unwrap();
    assert_eq!(s.search("corporation", 5).await.unwrap().len(), 1);
}

async fn notes_are_listed_and_searchable(db: &TestDb) {
    let s = &*db.store;
    let a = s.create_contact(&person("Ada", None, None, &[]), now()).await.unwrap();
    s.add_note(a.id, "Training for the Berlin marathon", now()).await.unwrap();
    s.add_note(a.id, "Daughter started university", now() + Duration::days(1)).await.unwrap();
    let notes = s.list_notes(a.id).await.unwrap();
    assert_eq!(notes.len(), 2);
    assert_eq!(notes[0].body, "Daughter started university");
    assert_eq!(s.search("marathon", 5).await.unwrap()[0].contact.id, a.id);
    assert!(matches!(s.add_note(a.id, "   ", now()).await, Err(StoreError::Invalid(_))));
}

async fn bulk_imports_are_all_or_nothing(db: &TestDb) {
    let s = &*db.store;
    let mut batch: Vec<ContactInput> = (0..50)
        .map(|i| {
            person(
                &format!("Person {i}"),
                Some(&format!("p{i}@example.com")),
                Some(("Bulk Co", "Role")),
                &["bulk"],
            )
        })
        .collect();
    batch[30].emails[0].address = "broken".into();
    match s.import_contacts(&batch, now()).await.unwrap_err() {
        StoreError::Invalid(v) => assert_eq!(v.errors[0].field, "record 31: email"),
        other => panic!("expected Invalid, got {other:?}"),
    }
    assert_eq!(s.stats().await.unwrap().contacts, 0);
    batch[30].emails[0].address = "p30@example.com".into();
    let ids = s.import_contacts(&batch, now()).await.unwrap();
    assert_eq!(ids.len(), 50);
    assert_eq!(s.stats().await.unwrap().organizations, 1);
    let interactions: Vec<InteractionInput> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| log(vec![*id], i as i64 + 1, InteractionKind::Email))
        .collect();
    assert_eq!(s.import_interactions(&interactions, now()).await.unwrap(), 50);
    assert_eq!(
        s.get_contact(ids[0]).await.unwrap().last_interaction_at,
        Some(now() - Duration::days(1))
    );
    assert_eq!(s.search("person 42", 1).await.unwrap()[0].contact.id, ids[42]);
    let mut bad = interactions.clone();
    bad[10].participants.clear();
    assert!(matches!(s.import_interactions(&bad, now()).await, Err(StoreError::Invalid(_))));
    assert_eq!(s.stats().await.unwrap().interactions, 50);
}

async fn newer_schema_is_refused(db: &TestDb) {
    use sqlx::Connection;
    // Pretend a newer Kith migrated this database.
    if db.url.starts_with("sqlite") {
        let mut conn = sqlx::sqlite::SqliteConnection::connect(&db.url).await.unwrap();
        sqlx::query(
            "INSERT INTO kith_schema (version, description, applied_at) VALUES (9999, 'future', 0)",
        )
        .execute(&mut conn)
        .await
        .unwrap();
        conn.close().await.unwrap();
    } else {
        let mut conn = sqlx::postgres::PgConnection::connect(&db.url).await.unwrap();
        sqlx::query(
            "INSERT INTO kith_schema (version, description, applied_at) VALUES (9999, 'future', 0)",
        )
        .execute(&mut conn)
        .await
        .unwrap();
        conn.close().await.unwrap();
    }
    match kith_store::open(&db.url).await {
        Err(StoreError::SchemaTooNew { found: 9999, .. }) => {}
        Err(other) => panic!("expected SchemaTooNew, got {other:?}"),
        Ok(_) => panic!("expected SchemaTooNew, got a store"),
    }
}

async fn cadences_drive_the_due_list(db: &TestDb) {
    use kith_core::nurture::rank_due;
    let s = &*db.store;
    let settings = s.strength_settings().await.unwrap();
    let old = now() - Duration::days(100);
    let mia = s.create_contact(&person("Mia Mentor", None, None, &["mentor"]), old).await.unwrap();
    let pat = s.create_contact(&person("Pat Peer", None, None, &[]), old).await.unwrap();
    let quinn = s.create_contact(&person("Quinn Quiet", None, None, &[]), old).await.unwrap();
    s.log_interaction(&log(vec![mia.id], 47, InteractionKind::Coffee), now()).await.unwrap();
    s.log_interaction(&log(vec![pat.id], 20, InteractionKind::Call), now()).await.unwrap();
    s.set_tag_cadence("Mentor", Some(30)).await.unwrap();
    s.set_cadence(pat.id, Some(14), now()).await.unwrap();
    let due =
        |cands: Vec<kith_core::nurture::DueCandidate>| rank_due(&cands, &[], now(), &settings);
    let names = |items: Vec<kith_core::nurture::DueItem>| {
        items.into_iter().map(|d| d.display_name).collect::<Vec<_>>()
    };
    let first = due(s.due_candidates(now()).await.unwrap());
    assert_eq!(first[0].reason, "mentor · last talked 47 days ago (cadence 30)");
    assert_eq!(names(first), ["Mia Mentor", "Pat Peer"], "Quinn has no cadence");
    // Logging an interaction takes Mia off the list; snoozing takes Pat off.
    s.log_interaction(&log(vec![mia.id], 0, InteractionKind::Coffee), now()).await.unwrap();
    s.snooze(pat.id, Some(now().date_naive() + Duration::days(7)), now()).await.unwrap();
    assert!(due(s.due_candidates(now()).await.unwrap()).is_empty());
    // The contact's own cadence wins over the tag's.
    s.set_cadence(quinn.id, Some(7), now()).await.unwrap();
    let mut q = quinn.to_input();
    q.tags = vec!["mentor".into()];
    s.update_contact(quinn.id, &q, now()).await.unwrap();
    let n = s.contact_nurture(quinn.id).await.unwrap();
    assert_eq!(
        (n.settings.cadence_days, n.settings.cadence_source),
        (Some(7), Some(kith_core::nurture::CadenceSource::Contact))
    );
    assert_eq!(names(due(s.due_candidates(now()).await.unwrap())), ["Quinn Quiet"]);
    let cadences = s.tag_cadences().await.unwrap();
    assert_eq!(
        (cadences[0].tag.as_str(), cadences[0].cadence_days, cadences[0].people),
        ("mentor", 30, 2)
    );
    s.set_tag_cadence("mentor", None).await.unwrap();
    assert!(s.tag_cadences().await.unwrap().is_empty());
}

async fn ledger_balance_feeds_reasons_and_strength(db: &TestDb) {
    use kith_core::ledger::{LedgerDirection, LedgerInput, LedgerKind, LedgerStatus};
    let s = &*db.store;
    let ada = s
        .create_contact(&person("Ada", None, None, &["mentor"]), now() - Duration::days(200))
        .await
        .unwrap();
    s.log_interaction(&log(vec![ada.id], 40, InteractionKind::Coffee), now()).await.unwrap();
    s.set_cadence(ada.id, Some(30), now()).await.unwrap();
    let entry = |kind, direction, status, summary: &str| LedgerInput {
        kind,
        direction,
        status,
        on: now().date_naive() - Duration::days(10),
        participants: vec![ada.id],
        summary: summary.into(),
        notes: String::new(),
    };
    let before = kith_core::strength::strength(
        &s.contact_nurture(ada.id).await.unwrap().history,
        now(),
        &Default::default(),
    );
    s.add_ledger_entry(
        &entry(LedgerKind::Help, Some(LedgerDirection::Received), None, "CV review"),
        now(),
    )
    .await
    .unwrap();
    let ask = s
        .add_ledger_entry(&entry(LedgerKind::Ask, None, None, "intro to Acme"), now())
        .await
        .unwrap();
    assert_eq!((ask.status, ask.direction), (LedgerStatus::Open, LedgerDirection::Received));
    let n = s.contact_nurture(ada.id).await.unwrap();
    assert_eq!(
        (n.balance.favours_received, n.balance.favours_given, n.balance.owe_thanks),
        (1, 0, true)
    );
    let due = kith_core::nurture::rank_due(
        &s.due_candidates(now()).await.unwrap(),
        &[],
        now(),
        &Default::default(),
    );
    assert!(due[0].reason.contains("you still owe a thank-you"), "{}", due[0].reason);
    assert!(due[0].reason.contains("your ask is open"), "{}", due[0].reason);
    let after = kith_core::strength::strength(&n.history, now(), &Default::default());
    assert!(after.factors[3].value > before.factors[3].value, "ledger kinds add multiplexity");
    // The ask gets answered; a thank-you settles the debt.
    let answered = s.set_ledger_status(ask.id, LedgerStatus::Answered, now()).await.unwrap();
    assert_eq!(answered.status, LedgerStatus::Answered);
    assert!(matches!(
        s.set_ledger_status(ask.id, LedgerStatus::Public, now()).await,
        Err(StoreError::Invalid(_))
    ));
    s.add_ledger_entry(
        &entry(
            LedgerKind::Acknowledgement,
            None,
            Some(LedgerStatus::Public),
            "thanked on LinkedIn",
        ),
        now(),
    )
    .await
    .unwrap();
    let n = s.contact_nurture(ada.id).await.unwrap();
    assert_eq!((n.balance.favours_received, n.balance.owe_thanks), (2, false));
    let q = kith_store::LedgerQuery { kind: Some(LedgerKind::Ask), ..Default::default() };
    assert_eq!(s.list_ledger(&q).await.unwrap().total, 1);
    let q = kith_store::LedgerQuery { contact: Some(ada.id), ..Default::default() };
    assert_eq!(s.list_ledger(&q).await.unwrap().total, 3);
    let t = s.trash_ledger_entry(ask.id, now()).await.unwrap();
    assert_eq!(s.list_ledger(&q).await.unwrap().total, 2);
    s.restore(t.id, now()).await.unwrap();
    assert_eq!(s.list_ledger(&q).await.unwrap().total, 3);
    // Deleting the contact takes their ledger records along, and restoring brings them back.
    let t = s.trash_contact(ada.id, now()).await.unwrap();
    assert_eq!(s.list_ledger(&kith_store::LedgerQuery::default()).await.unwrap().total, 0);
    s.restore(t.id, now()).await.unwrap();
    assert_eq!(s.list_ledger(&kith_store::LedgerQuery::default()).await.unwrap().total, 3);
}

async fn strength_sorting_and_recompute_agree(db: &TestDb) {
    let s = &*db.store;
    let ids = s
        .import_contacts(
            &[
                person("Close Cleo", None, None, &[]),
                person("Distant Dan", None, None, &[]),
                person("New Nia", None, None, &[]),
            ],
            now() - Duration::days(900),
        )
        .await
        .unwrap();
    let mut logs = Vec::new();
    for d in [2, 9, 20, 33, 60, 90] {
        logs.push(log(vec![ids[0]], d, InteractionKind::Coffee));
    }
    logs.push(log(vec![ids[1]], 400, InteractionKind::Email));
    s.import_interactions(&logs, now()).await.unwrap();
    let q = ContactQuery { sort: ContactSort::Strength, now: Some(now()), ..Default::default() };
    let order: Vec<String> =
        s.list_contacts(&q).await.unwrap().items.into_iter().map(|c| c.display_name).collect();
    assert_eq!(order, ["Close Cleo", "Distant Dan", "New Nia"]);
    s.set_closeness(ids[2], Some(0.95), now()).await.unwrap();
    let order: Vec<String> =
        s.list_contacts(&q).await.unwrap().items.into_iter().map(|c| c.display_name).collect();
    assert_eq!(order[0], "New Nia");
    // Incremental aggregates equal a full rebuild.
    let before = s.contact_nurture(ids[0]).await.unwrap().history;
    assert_eq!(before.interactions.count, 6);
    assert_eq!(s.recompute_stats().await.unwrap(), 2);
    let after = s.contact_nurture(ids[0]).await.unwrap().history;
    assert!(
        (before.interactions.decayed_at_last - after.interactions.decayed_at_last).abs() < 1e-9
    );
    assert_eq!(before.interactions.last_at, after.interactions.last_at);
    // A new half-life changes recency and is kept.
    s.set_half_life(30.0).await.unwrap();
    assert_eq!(s.strength_settings().await.unwrap().half_life_days, 30.0);
    assert!(matches!(s.set_half_life(0.0).await, Err(StoreError::Invalid(_))));
}

async fn reminders_and_upcoming_dates(db: &TestDb) {
    use kith_core::nurture::{ReminderInput, UpcomingKind};
    let s = &*db.store;
    let today = now().date_naive();
    let mut ada = person("Ada", None, None, &[]);
    ada.birthday = Some(Birthday { year: Some(1990), month: 12, day: 3 });
    ada.employment.push(EmploymentInput {
        organization: "Acme".into(),
        title: None,
        start: NaiveDate::from_ymd_opt(2021, 12, 1),
        end: None,
    });
    let ada = s.create_contact(&ada, now()).await.unwrap();
    let mut bo = person("Bo", None, None, &[]);
    bo.birthday = Some(Birthday { year: None, month: 6, day: 1 });
    s.create_contact(&bo, now()).await.unwrap();
    let r = s
        .add_reminder(
            &ReminderInput {
                contact: Some(ada.id),
                title: "Follow up on her talk proposal".into(),
                due: today + Duration::days(6),
                yearly: false,
            },
            now(),
        )
        .await
        .unwrap();
    let up = s.upcoming(today, 14).await.unwrap();
    let kinds: Vec<String> = up.iter().map(|u| format!("{} {}", u.on, u.describe())).collect();
    assert_eq!(
        kinds,
        [
            "2026-12-01 Ada: 5 years at Acme",
            "2026-12-03 Ada's birthday (turns 36)",
            "2026-12-03 Follow up on her talk proposal — Ada"
        ]
    );
    assert!(matches!(up[2].what, UpcomingKind::Reminder { .. }));
    let done = s.complete_reminder(r.id, now()).await.unwrap();
    assert_eq!(done.done_on, Some(today));
    assert_eq!(s.upcoming(today, 14).await.unwrap().len(), 2);
    assert_eq!(s.list_reminders(true).await.unwrap().len(), 1);
    assert!(s.list_reminders(false).await.unwrap().is_empty());
    let yearly = s
        .add_reminder(
            &ReminderInput {
                contact: None,
                title: "Conference CFP opens".into(),
                due: today - Duration::days(300),
                yearly: true,
            },
            now(),
        )
        .await
        .unwrap();
    assert_eq!(
        kith_store::resolve_reminder(s, &yearly.id.to_string()[..8]).await.unwrap(),
        yearly.id
    );
    let later = s.complete_reminder(yearly.id, now()).await.unwrap();
    assert!(later.due > today && later.done_on.is_none());
    // Done a few days early, a yearly reminder moves to next year and leaves the coming days.
    let soon = s
        .add_reminder(
            &ReminderInput {
                contact: None,
                title: "Renew the membership".into(),
                due: today + Duration::days(3),
                yearly: true,
            },
            now(),
        )
        .await
        .unwrap();
    let upcoming = |list: Vec<kith_core::nurture::Upcoming>| {
        list.iter().any(|u| matches!(&u.what, kith_core::nurture::UpcomingKind::Reminder { id, .. } if *id == soon.id))
    };
    assert!(upcoming(s.upcoming(today, 7).await.unwrap()));
    let moved = s.complete_reminder(soon.id, now()).await.unwrap();
    assert_eq!(moved.due, soon.due + Duration::days(365), "next year's, not this one again");
    assert!(!upcoming(s.upcoming(today, 7).await.unwrap()), "no longer coming up");
    s.trash_reminder(soon.id, now()).await.unwrap();
    let t = s.trash_reminder(yearly.id, now()).await.unwrap();
    assert!(s.list_reminders(false).await.unwrap().is_empty());
    s.restore(t.id, now()).await.unwrap();
    assert_eq!(s.list_reminders(false).await.unwrap().len(), 1);
}

async fn nurture_bad_input_changes_nothing(db: &TestDb) {
    use kith_core::ledger::{LedgerInput, LedgerKind};
    use kith_core::nurture::ReminderInput;
    let s = &*db.store;
    let ada = s.create_contact(&person("Ada", None, None, &[]), now()).await.unwrap();
    assert!(matches!(s.set_cadence(ada.id, Some(0), now()).await, Err(StoreError::Invalid(_))));
    assert!(matches!(s.set_tag_cadence("mentor", Some(5000)).await, Err(StoreError::Invalid(_))));
    assert!(matches!(s.set_tag_cadence("bad,tag", Some(5)).await, Err(StoreError::Invalid(_))));
    assert!(matches!(
        s.snooze(ada.id, Some(now().date_naive() - Duration::days(1)), now()).await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(s.set_closeness(ada.id, Some(1.5), now()).await, Err(StoreError::Invalid(_))));
    let ghost = kith_core::ContactId(uuid::Uuid::new_v4());
    assert!(matches!(
        s.set_cadence(ghost, Some(30), now()).await,
        Err(StoreError::NotFound { .. })
    ));
    let bad = LedgerInput {
        kind: LedgerKind::Help,
        direction: None,
        status: None,
        on: now().date_naive(),
        participants: vec![ada.id, ghost],
        summary: "x".into(),
        notes: String::new(),
    };
    assert!(matches!(s.add_ledger_entry(&bad, now()).await, Err(StoreError::NotFound { .. })));
    let past = ReminderInput {
        contact: None,
        title: "late".into(),
        due: now().date_naive() - Duration::days(1),
        yearly: false,
    };
    assert!(matches!(s.add_reminder(&past, now()).await, Err(StoreError::Invalid(_))));
    let n = s.contact_nurture(ada.id).await.unwrap();
    assert_eq!(n.settings, kith_store::NurtureSettings::default());
    assert_eq!(s.list_ledger(&Default::default()).await.unwrap().total, 0);
    assert!(s.list_reminders(true).await.unwrap().is_empty());
    assert!(s.tag_cadences().await.unwrap().is_empty());
}

/// The data version stays put while nothing is written and moves with every commit, whether
/// it came from this store or another one on the same database (the CLI next to the server).
async fn data_version_changes_with_every_commit(db: &TestDb) {
    let s = &*db.store;
    let v0 = s.data_version().await.unwrap().expect("file and server databases have one");
    s.stats().await.unwrap();
    s.list_contacts(&ContactQuery::default()).await.unwrap();
    // PostgreSQL's version covers the whole server (other tests write to it meanwhile).
    let sqlite = db.url.starts_with("sqlite");
    if sqlite {
        assert_eq!(s.data_version().await.unwrap().unwrap(), v0, "reads change nothing");
    }
    let ada = s.create_contact(&ContactInput::named("Ada Lovelace"), now()).await.unwrap();
    let v1 = s.data_version().await.unwrap().unwrap();
    assert_ne!(v1, v0, "this store's commit");
    let other = kith_store::open(&db.url).await.unwrap();
    other.log_interaction(&log(vec![ada.id], 1, InteractionKind::Call), now()).await.unwrap();
    let v2 = s.data_version().await.unwrap().unwrap();
    assert_ne!(v2, v1, "another store's commit");
    // A write that fails validation commits nothing.
    assert!(s.create_contact(&ContactInput::named(" "), now()).await.is_err());
    if sqlite {
        assert_eq!(s.data_version().await.unwrap().unwrap(), v2);
    }
}

/// A contact read by id (on SQLite, a point read on the calling thread beside the pool) sees
/// each commit as soon as it returns: this store's, and another store's on the same database.
async fn contact_reads_see_every_commit(db: &TestDb) {
    let s = &*db.store;
    let ada = s.create_contact(&person("Ada", None, None, &["math"]), now()).await.unwrap();
    assert_eq!(s.get_contact(ada.id).await.unwrap().tags, ["math"]);
    let other = kith_store::open(&db.url).await.unwrap();
    let mut input = person("Ada Lovelace", Some("ada@example.com"), None, &[]);
    input.notes = "Poetical science.".into();
    let updated = other.update_contact(ada.id, &input, now()).await.unwrap();
    assert_eq!(s.get_contact(ada.id).await.unwrap(), updated, "another store's update");
    other.log_interaction(&log(vec![ada.id], 1, InteractionKind::Call), now()).await.unwrap();
    assert!(s.get_contact(ada.id).await.unwrap().last_interaction_at.is_some());
    let trashed = other.trash_contact(ada.id, now()).await.unwrap();
    assert!(matches!(s.get_contact(ada.id).await, Err(StoreError::NotFound { .. })));
    other.restore(trashed.id, now()).await.unwrap();
    assert_eq!(s.get_contact(ada.id).await.unwrap().display_name, "Ada Lovelace");
}

/// Point reads and the data-version probe open the file sqlx opened, also when the URL spells
/// it with percent escapes (`my%20kith.db` is the file `my kith.db`).
#[tokio::test]
async fn point_reads_open_the_file_sqlx_opened() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/my%20kith.db", dir.path().display());
    let s = kith_store::open(&url).await.unwrap();
    assert!(dir.path().join("my kith.db").exists());
    let ada = s.create_contact(&person("Ada", None, None, &[]), now()).await.unwrap();
    assert_eq!(s.get_contact(ada.id).await.unwrap(), ada);
    let v0 = s.data_version().await.unwrap().expect("a file has a data version");
    let other = kith_store::open(&url).await.unwrap();
    other.trash_contact(ada.id, now()).await.unwrap();
    assert_ne!(s.data_version().await.unwrap().unwrap(), v0);
    assert!(matches!(s.get_contact(ada.id).await, Err(StoreError::NotFound { .. })));
    assert!(!dir.path().join("my%20kith.db").exists(), "no second file");
}

/// `sqlite::memory:` is one database for the store's lifetime: its schema and its writes are
/// there for every later call (each pooled connection used to open its own empty database).
#[tokio::test]
async fn an_in_memory_database_keeps_its_schema_and_data() {
    let s = kith_store::open("sqlite::memory:").await.unwrap();
    let ada = s.create_contact(&person("Ada", None, None, &[]), now()).await.unwrap();
    // More calls than the pool would have connections, some at once.
    let reads = (0..8).map(|_| s.get_contact(ada.id));
    for got in futures_util::future::join_all(reads).await {
        assert_eq!(got.unwrap(), ada);
    }
    s.log_interaction(&log(vec![ada.id], 1, InteractionKind::Call), now()).await.unwrap();
    assert_eq!(s.stats().await.unwrap().contacts, 1);
    assert_eq!(s.search("ada", 5).await.unwrap().len(), 1);
}
