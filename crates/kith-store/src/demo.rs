//! A made-up network for trying Kith out (`kith demo`, the web app's welcome page): 40 people
//! at 8 organizations, a year of interactions, events, a community, goals, opportunities,
//! connections and ledger records. Deterministic for a given `now`.

use crate::{Result, Store};
use chrono::{DateTime, Duration, Utc};
use kith_core::goal::{GoalInput, GoalMetric, Period};
use kith_core::ledger::{LedgerDirection, LedgerInput, LedgerKind};
use kith_core::leverage::{ConnectionInput, RelationshipRole};
use kith_core::network::{
    CommunityInput, CommunityKind, CommunityRole, ContributionInput, ContributionKind, EventInput,
    EventKind, EventRole,
};
use kith_core::pipeline::{OpportunityInput, OpportunityKind, OpportunityRole};
use kith_core::{
    ContactId, ContactInput, Direction, Email, EmploymentInput, InteractionInput, InteractionKind,
};

const FIRST: [&str; 40] = [
    "Ada",
    "Grace",
    "Linus",
    "Margaret",
    "Alan",
    "Barbara",
    "Ken",
    "Radia",
    "Dennis",
    "Frances",
    "Edsger",
    "Hedy",
    "John",
    "Katherine",
    "Donald",
    "Shafi",
    "Tim",
    "Anita",
    "Guido",
    "Karen",
    "Bjarne",
    "Sophie",
    "Niklaus",
    "Jean",
    "Leslie",
    "Mary",
    "Vint",
    "Annie",
    "Whitfield",
    "Evelyn",
    "Ward",
    "Joan",
    "Larry",
    "Ruth",
    "Rob",
    "Carol",
    "Brian",
    "Lynn",
    "Yukihiro",
    "Sandi",
];
const LAST: [&str; 40] = [
    "Lovelace",
    "Hopper",
    "Torvalds",
    "Hamilton",
    "Turing",
    "Liskov",
    "Thompson",
    "Perlman",
    "Ritchie",
    "Allen",
    "Dijkstra",
    "Lamarr",
    "Backus",
    "Johnson",
    "Knuth",
    "Goldwasser",
    "Berners",
    "Borg",
    "Rossum",
    "Jones",
    "Stroustrup",
    "Wilson",
    "Wirth",
    "Sammet",
    "Lamport",
    "Keller",
    "Cerf",
    "Easley",
    "Diffie",
    "Berezin",
    "Cunningham",
    "Clarke",
    "Tesler",
    "Teitelbaum",
    "Pike",
    "Shaw",
    "Kernighan",
    "Conway",
    "Matsumoto",
    "Metz",
];
const ORGS: [(&str, &str); 8] = [
    ("Acme", "fintech"),
    ("Initech", "software"),
    ("Globex", "energy"),
    ("Umbrella Health", "health"),
    ("Hooli", "software"),
    ("Stark Payments", "fintech"),
    ("Wayne Labs", "research"),
    ("Pied Piper", "software"),
];
const TAGS: [&str; 6] = ["rust", "fintech", "design", "mentor", "community", "hiring"];

/// A small deterministic generator (no global randomness: the demo is the same every time).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n.max(1)
    }
}

/// Loads the demo network into `store` (meant for an empty database).
pub async fn load(store: &dyn Store, now: DateTime<Utc>) -> Result<()> {
    let today = now.date_naive();
    let mut rng = Lcg(42);
    let mut people: Vec<ContactInput> = Vec::new();
    for i in 0..40 {
        let name = format!("{} {}", FIRST[i], LAST[i]);
        let mut c = ContactInput::named(&name);
        c.emails.push(Email {
            address: format!("{}.{}@example.com", FIRST[i], LAST[i]).to_lowercase(),
            label: None,
        });
        let (org, _) = ORGS[i % ORGS.len()];
        c.employment.push(EmploymentInput {
            organization: org.into(),
            title: Some(
                ["Engineer", "Designer", "VP Engineering", "CTO", "Product manager"][i % 5].into(),
            ),
            start: Some(today - Duration::days(200 + 37 * i as i64)),
            end: None,
        });
        if i % 7 == 3 {
            let (old, _) = ORGS[(i + 3) % ORGS.len()];
            c.employment.push(EmploymentInput {
                organization: old.into(),
                title: Some("Engineer".into()),
                start: Some(today - Duration::days(4000)),
                end: Some(today - Duration::days(400 + 20 * i as i64)),
            });
        }
        c.tags = vec![TAGS[i % TAGS.len()].to_string()];
        if i < 3 {
            c.tags.push("mentor".into());
        }
        c.location = Some(["Berlin", "London", "Lisbon", "New York", "Toronto"][i % 5].into());
        c.first_met = Some(today - Duration::days(30 + (rng.next(700) as i64)));
        people.push(c);
    }
    let ids = store.import_contacts(&people, now).await?;
    for (org, industry) in ORGS {
        if let Ok(id) = crate::resolve_organization(store, org).await {
            let mut o = store.get_organization(id).await?.to_input();
            o.industry = Some(industry.into());
            store.update_organization(id, &o, now).await?;
        }
    }
    // A year of interactions: close people often, the rest now and then.
    let kinds = [
        InteractionKind::Coffee,
        InteractionKind::Call,
        InteractionKind::Email,
        InteractionKind::Video,
        InteractionKind::Meeting,
        InteractionKind::Message,
    ];
    let mut logs = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let count = if i < 8 {
            12
        } else if i < 20 {
            5
        } else {
            1 + rng.next(3)
        };
        for _ in 0..count {
            let days = if i < 8 { rng.next(120) } else { 20 + rng.next(340) } as i64;
            let mut participants = vec![*id];
            if rng.next(5) == 0 {
                let other = ids[rng.next(ids.len() as u64) as usize];
                if other != *id {
                    participants.push(other);
                }
            }
            logs.push(InteractionInput {
                occurred_at: now - Duration::days(days) - Duration::hours(rng.next(10) as i64),
                kind: kinds[rng.next(kinds.len() as u64) as usize],
                direction: [Direction::Outbound, Direction::Inbound, Direction::Mutual]
                    [rng.next(3) as usize],
                participants,
                summary: [
                    "Caught up",
                    "Talked about hiring",
                    "Career advice",
                    "Project sync",
                    "Intro call",
                ][rng.next(5) as usize]
                    .into(),
                notes: String::new(),
            });
        }
    }
    store.import_interactions(&logs, now).await?;
    store.set_tag_cadence("mentor", Some(42)).await?;
    store.set_tag_cadence("fintech", Some(90)).await?;
    store.set_tag_cadence("rust", Some(60)).await?;
    store.set_roles(ids[0], &[RelationshipRole::Mentor], &[]).await?;
    store.set_roles(ids[1], &[RelationshipRole::Mentor, RelationshipRole::Sponsor], &[]).await?;
    store.set_roles(ids[5], &[RelationshipRole::Client], &[]).await?;
    for (a, b, note) in [
        (0, 1, "co-founded a meetup"),
        (1, 9, "same team"),
        (0, 17, "old friends"),
        (4, 12, "worked together"),
    ] {
        store
            .connect(
                &ConnectionInput {
                    a: ids[a],
                    b: ids[b],
                    strength: Some(0.7),
                    since: Some(today - Duration::days(1500)),
                    note: note.into(),
                },
                now,
            )
            .await?;
    }
    let conf = store
        .create_event(
            &EventInput {
                name: "RustConf".into(),
                kind: Some(EventKind::Conference),
                starts_on: today - Duration::days(4),
                ends_on: Some(today - Duration::days(2)),
                location: Some("Montréal".into()),
                url: None,
                organizer: None,
                my_role: Some(EventRole::Speaker),
                follow_up_days: Some(3),
                notes: String::new(),
            },
            now,
        )
        .await?;
    let newcomers = store
        .import_contacts(
            &["Priya Raman", "Tomás Ortega"].map(|n| {
                let mut c = ContactInput::named(n);
                c.tags = vec!["rust".into()];
                c
            }),
            now,
        )
        .await?;
    store.set_attendance(conf.id, &newcomers, true).await?;
    store.set_attendance(conf.id, &[ids[2], ids[8]], false).await?;
    let community = store
        .create_community(
            &CommunityInput {
                name: "Rust Berlin".into(),
                kind: Some(CommunityKind::MeetupGroup),
                url: Some("https://rust.berlin".into()),
                my_role: Some(CommunityRole::Organizer),
                since: Some(today - Duration::days(800)),
                renews_on: Some(today + Duration::days(20)),
                notes: String::new(),
            },
            now,
        )
        .await?;
    store.set_members(community.id, &[ids[0], ids[6], ids[12]], true).await?;
    store
        .add_contribution(
            &ContributionInput {
                community: community.id,
                kind: ContributionKind::Talk,
                on: today - Duration::days(15),
                title: "Zero-copy parsing".into(),
                url: None,
            },
            now,
        )
        .await?;
    for (metric, target, period, tag) in [
        (GoalMetric::NewPeople, 4, Period::Month, None),
        (GoalMetric::Conversations, 2, Period::Month, Some("mentor")),
    ] {
        store
            .create_goal(
                &GoalInput { metric, target, period, tag: tag.map(str::to_string), kind: None },
                now,
            )
            .await?;
    }
    let acme = crate::resolve_organization(store, "Acme").await?;
    let stark = crate::resolve_organization(store, "Stark Payments").await?;
    let opportunity = |title: &str, org, stage: &str, who: ContactId, role| OpportunityInput {
        title: title.into(),
        kind: OpportunityKind::Job,
        organization: Some(org),
        stage: Some(stage.into()),
        on: Some(today - Duration::days(6)),
        next_step: Some("Follow up on the referral".into()),
        next_step_due: Some(today + Duration::days(2)),
        contacts: vec![(who, role)],
        notes: String::new(),
    };
    store
        .create_opportunity(
            &opportunity("Staff engineer", acme, "reached-out", ids[1], OpportunityRole::Referrer),
            now,
        )
        .await?;
    store
        .create_opportunity(
            &opportunity(
                "Head of platform",
                stark,
                "identified",
                ids[5],
                OpportunityRole::HiringManager,
            ),
            now,
        )
        .await?;
    store
        .add_ledger_entry(
            &LedgerInput {
                kind: LedgerKind::Help,
                direction: Some(LedgerDirection::Received),
                status: None,
                on: today - Duration::days(10),
                participants: vec![ids[1]],
                summary: "Reviewed my talk".into(),
                notes: String::new(),
            },
            now,
        )
        .await?;
    Ok(())
}
