//! End-to-end tests of the `kith` binary. Each test gets its own database (a temp SQLite file,
//! or a fresh PostgreSQL database) and its own HOME; every test runs on both backends. On
//! failure the full command, stdout and stderr are printed.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

struct Kith {
    url: String,
    home: tempfile::TempDir,
    pg: Option<(String, String)>,
    _sqlite_dir: Option<tempfile::TempDir>,
}

impl Kith {
    async fn sqlite() -> Kith {
        let (dir, url) = kith_store::testing::sqlite_url();
        Kith { url, home: tempfile::tempdir().unwrap(), pg: None, _sqlite_dir: Some(dir) }
    }

    async fn postgres() -> Option<Kith> {
        let (admin, name, url) = kith_store::testing::postgres_url().await?;
        Some(Kith {
            url,
            home: tempfile::tempdir().unwrap(),
            pg: Some((admin, name)),
            _sqlite_dir: None,
        })
    }

    async fn finish(self) {
        if let Some((admin, name)) = &self.pg {
            kith_store::testing::drop_postgres(admin, name).await;
        }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_kith"));
        cmd.args(args)
            .env("KITH_DATABASE_URL", &self.url)
            .env("HOME", self.home.path())
            .env("XDG_DATA_HOME", self.home.path().join("data"))
            .env("NO_COLOR", "1");
        cmd
    }

    fn output(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("run kith")
    }

    /// Runs and expects success; returns stdout.
    fn ok(&self, args: &[&str]) -> String {
        let out = self.output(args);
        if !out.status.success() {
            panic!(
                "kith {args:?} failed ({})\n--- stdout\n{}\n--- stderr\n{}",
                out.status,
                s(&out.stdout),
                s(&out.stderr)
            );
        }
        s(&out.stdout)
    }

    /// Runs and expects failure; returns stderr.
    fn fails(&self, args: &[&str]) -> String {
        let out = self.output(args);
        if out.status.success() || out.status.code() != Some(1) {
            panic!(
                "kith {args:?} should fail with exit code 1 ({})\n--- stdout\n{}\n--- stderr\n{}",
                out.status,
                s(&out.stdout),
                s(&out.stderr)
            );
        }
        s(&out.stderr)
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let out = self.ok(&all);
        serde_json::from_str(&out)
            .unwrap_or_else(|e| panic!("kith {all:?}: not JSON ({e}):\n{out}"))
    }

    fn count(&self, what: &str) -> u64 {
        match what {
            "contacts" => self.json(&["list"])["total"].as_u64().unwrap(),
            "interactions" => self.json(&["interactions"])["total"].as_u64().unwrap(),
            "trash" => self.json(&["trash"]).as_array().unwrap().len() as u64,
            _ => unreachable!(),
        }
    }
}

fn s(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

macro_rules! cli_tests {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let k = super::Kith::sqlite().await;
                    super::$name(&k);
                    k.finish().await;
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    let Some(k) = super::Kith::postgres().await else { return };
                    super::$name(&k);
                    k.finish().await;
                }
            )+
        }
    };
}

cli_tests!(
    newcomer_flow,
    references_are_resolved_or_explained,
    logging_builds_the_timeline,
    delete_restore_and_purge,
    edit_tag_and_roles,
    organizations,
    bad_input_is_refused_and_changes_nothing,
    read_commands_speak_json,
    nurture_flow,
    nurture_bad_input,
    build_the_network_on_purpose,
    leverage_the_network,
    bring_your_network_in_and_take_it_out,
);

fn fixture(rel: &str) -> String {
    format!("{}/../kith-formats/tests/fixtures/{rel}", env!("CARGO_MANIFEST_DIR"))
}

/// The formats issue's "done when": LinkedIn, then the phone's vCards, overlaps merged or
/// listed, a calendar on the timelines, everything re-imported with no change, and a JSON
/// export restored into another database with nothing lost.
fn bring_your_network_in_and_take_it_out(k: &Kith) {
    let linkedin = fixture("linkedin/Connections.csv");
    // One row has no name: nothing is written until the user says to skip it.
    let err = k.fails(&["import", &linkedin]);
    assert!(err.contains("Connections.csv:11: First Name"), "{err}");
    assert_eq!(k.count("contacts"), 0);
    let dry = k.ok(&["import", &linkedin, "--dry-run", "--skip-invalid"]);
    assert!(dry.contains("Dry run") && dry.contains("new people"), "{dry}");
    assert_eq!(k.count("contacts"), 0);
    k.ok(&["import", &linkedin, "--skip-invalid"]);
    assert_eq!(k.count("contacts"), 11);
    let jose = k.json(&["show", "José Martínez"]);
    assert_eq!(jose["contact"]["first_met"], "2023-01-03");
    assert_eq!(jose["contact"]["employment"][0]["organization"], "Globex, Inc.");

    // The phone's cards: Ada twice (folded into one), an Outlook 2.1 card, a company card.
    let dir = tempfile::tempdir().unwrap();
    let phone = dir.path().join("phone.vcf");
    let mut cards = std::fs::read_to_string(fixture("vcard/phone.vcf")).unwrap();
    // José's phone card shares his LinkedIn email: matched, not duplicated.
    cards.push_str("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jose Martinez\r\nEMAIL:jose.martinez@example.es\r\nTEL;TYPE=CELL:+34 600 000 001\r\nUID:phone-jose\r\nEND:VCARD\r\n");
    std::fs::write(&phone, &cards).unwrap();
    let out = k.ok(&["import", phone.to_str().unwrap()]);
    assert!(out.contains("José Martínez (same email)"), "{out}");
    assert_eq!(k.count("contacts"), 14);
    let jose = k.json(&["show", "José Martínez"]);
    assert_eq!(jose["contact"]["phones"][0]["number"], "+34 600 000 001");
    let ada = k.json(&["show", "Ada Lovelace"]);
    assert_eq!(ada["contact"]["emails"].as_array().unwrap().len(), 2);
    assert_eq!(ada["contact"]["birthday"]["month"], 12);
    assert!(ada["contact"]["birthday"]["year"].is_null(), "Apple's year-less birthday");

    // A similar name at the same organization is listed for review, then merged and undone.
    k.ok(&["add", "Priya N.", "--org", "Initech"]);
    let dupes = k.json(&["dupes"]);
    assert_eq!(dupes[0]["evidence"][0]["kind"], "similar-name-same-organization", "{dupes}");
    k.ok(&["merge", "Priya Natarajan", "Priya N."]);
    assert_eq!(k.count("contacts"), 14);
    k.ok(&["unmerge"]);
    assert_eq!(k.count("contacts"), 15);
    k.ok(&["merge", "Priya Natarajan", "Priya N."]);

    // The calendar: meetings land on timelines; strangers are listed, not added.
    k.ok(&["config", "me", "me@example.com"]);
    let cal = fixture("ical/calendar.ics");
    let out = k.ok(&["import", &cal, "--from", "2026-01-01"]);
    assert!(out.contains("stranger@elsewhere.example"), "{out}");
    let ada_id = ada["contact"]["id"].as_str().unwrap().to_string();
    let timeline = k.json(&["interactions", "--with", &ada_id]);
    assert_eq!(timeline["total"], 3, "three weekly 1:1s (one excluded)");
    let interactions = k.count("interactions");

    // Everything again: no change.
    for f in [&linkedin, &phone.to_str().unwrap().to_string(), &cal] {
        let out = k.ok(&["import", f, "--skip-invalid", "--from", "2026-01-01"]);
        assert!(out.contains("Nothing to change"), "{f}: {out}");
    }
    assert_eq!((k.count("contacts"), k.count("interactions")), (14, interactions));

    // Export to JSON and restore into another database: nothing lost.
    let export = dir.path().join("kith.json");
    k.ok(&["export", "--format", "json", "-o", export.to_str().unwrap()]);
    let copy = format!("sqlite://{}", dir.path().join("copy.db").display());
    k.ok(&["--db", &copy, "import", "json", export.to_str().unwrap()]);
    let again = dir.path().join("again.json");
    k.ok(&["--db", &copy, "export", "-o", again.to_str().unwrap()]);
    let rows = |p: &std::path::Path| {
        let mut l: Vec<String> =
            std::fs::read_to_string(p).unwrap().lines().skip(1).map(str::to_string).collect();
        l.sort();
        l
    };
    assert!(rows(&export) == rows(&again), "the restored database exports the same rows");
    let err = k.fails(&["--db", &copy, "restore-backup", export.to_str().unwrap()]);
    assert!(err.contains("not empty"), "{err}");

    // vCards out: kept properties written back, year-less birthday in Apple's form for v3.
    let v3 = k.ok(&["export", "--format", "vcard", "--vcard-version", "3"]);
    assert!(v3.contains("X-SOCIALPROFILE;type=twitter:https://twitter.com/ada"), "{v3}");
    assert!(v3.contains("BDAY;X-APPLE-OMIT-YEAR=1604:1604-12-10"), "{v3}");
    assert!(v3.contains("UID:4E5F8A9B-1C2D-4E3F-9A8B-7C6D5E4F3A2B"));
    let csv = k.ok(&["export", "--format", "csv"]);
    assert!(csv.starts_with("id,name,given name,family name"));
    let people =
        csv.lines().filter(|l| l.get(..36).is_some_and(|id| uuid::Uuid::parse_str(id).is_ok()));
    assert_eq!(people.count(), 14, "one row per person (notes may span lines)");

    // Bad input: binary garbage and a truncated card change nothing.
    let junk = dir.path().join("junk.bin");
    std::fs::write(&junk, [0u8, 159, 146, 150, 0, 1, 2, 3, 0, 0]).unwrap();
    let err = k.fails(&["import", junk.to_str().unwrap()]);
    assert!(err.contains("binary"), "{err}");
    let err = k.fails(&["import", &fixture("vcard/bad.vcf")]);
    assert!(err.contains("bad.vcf:10: END") && err.contains("bad.vcf:6: FN"), "{err}");
    assert_eq!(k.count("contacts"), 14);
}

/// The walk-through: two mentors, Ada knows Grace at Acme, a job at Acme with Ada as
/// referrer, explained routes into Acme, insights; and the bad input it names.
fn leverage_the_network(k: &Kith) {
    k.ok(&["add", "Ada Lovelace", "--org", "Initech"]);
    k.ok(&["add", "Grace Hopper", "--org", "Acme", "--title", "VP Engineering"]);
    k.ok(&["add", "Mia Mentor"]);
    k.ok(&["log", "Ada", "--kind", "coffee"]);
    assert_eq!(k.ok(&["role", "add", "Ada", "mentor"]).trim(), "Ada Lovelace: mentor");
    k.ok(&["role", "add", "Mia", "mentor", "sponsor"]);
    let err = k.fails(&["role", "add", "Ada", "guru"]);
    assert!(err.contains("role: \"guru\" is not recognised; expected one of mentor"), "{err}");
    let roles = k.json(&["role", "list", "mentor"]);
    assert_eq!(roles.as_array().unwrap().len(), 2);
    assert_eq!(k.json(&["list", "--role", "sponsor"])["total"], 1);
    assert!(k.fails(&["list", "--role", "guru"]).contains("role: \"guru\""));

    let err = k.fails(&["connect", "Ada", "Ada Lovelace"]);
    assert!(err.contains("same person"), "{err}");
    k.ok(&["connect", "Ada", "Grace", "--since", "2019-01-01", "--note", "same team at Acme"]);
    let err = k.fails(&["connect", "Ada", "Grace", "--strength", "1.5"]);
    assert!(err.contains("strength") && err.contains("at most 1"), "{err}");
    assert!(
        k.ok(&["ties", "Grace"])
            .contains("Ada Lovelace  — knows since 2019 (you said so): same team at Acme")
    );

    let out = k.ok(&[
        "opp",
        "add",
        "Staff engineer",
        "--org",
        "Acme",
        "--with",
        "Ada=referrer",
        "--next",
        "Ask Ada for an intro",
        "--due",
        &chrono::Utc::now().date_naive().to_string(),
    ]);
    assert!(out.starts_with("Added Staff engineer at Acme (identified, "), "{out}");
    let err = k.fails(&["opp", "move", "Staff", "negotiating"]);
    assert!(
        err.contains("stage: \"negotiating\"")
            && err.contains("interviewing, won, lost, withdrawn"),
        "{err}"
    );
    let err = k.fails(&["opp", "add", "Bad", "--stage", "dreaming", "--org", "Nowhere Inc"]);
    assert!(err.contains("dreaming"), "{err}");
    assert!(
        k.fails(&["org", "show", "Nowhere"]).contains("Nowhere"),
        "a refused opportunity creates no organization"
    );
    k.ok(&["opp", "move", "Staff", "reached out"]);
    let board = k.ok(&["opp", "board"]);
    assert!(
        board.contains("REACHED-OUT (1)") && board.contains("Staff engineer at Acme"),
        "{board}"
    );
    assert!(k.ok(&["due"]).contains(
        "Staff engineer at Acme (reached-out): Ask Ada for an intro (with Ada Lovelace) — due today"
    ));
    let opp = k.json(&["opp", "show", "Staff"]);
    assert_eq!(opp["history"].as_array().unwrap().len(), 2);
    assert_eq!(opp["contacts"][0]["role"], "referrer");
    assert!(k.ok(&["show", "Ada"]).contains("Staff engineer (reached-out; referrer)"));
    let err = k.fails(&["opp", "edit", "Staff", "--kind", "gig", "--org", "Hooli"]);
    assert!(err.contains("kind") && err.contains("gig"), "{err}");
    assert!(k.fails(&["org", "show", "Hooli"]).contains("Hooli"), "nothing created");
    let out = k.ok(&["opp", "edit", "Staff", "--title", "Staff engineer II", "--org", "Hooli"]);
    assert!(out.starts_with("Updated Staff engineer II at Hooli (job, "), "{out}");
    let out = k.ok(&["opp", "edit", "Staff", "--no-org", "--title", "Staff engineer"]);
    assert!(out.starts_with("Updated Staff engineer (job, "), "{out}");
    let out = k.ok(&["opp", "edit", "Staff", "--org", "Acme", "--notes", "Remote ok"]);
    assert!(out.starts_with("Updated Staff engineer at Acme (job, "), "{out}");
    let edited = k.json(&["opp", "show", "Staff"]);
    assert_eq!(
        (edited["notes"].as_str(), edited["stage"].as_str()),
        (Some("Remote ok"), Some("reached-out"))
    );

    let path = k.ok(&["path", "--to-org", "Acme"]);
    assert!(path.contains("You know at Acme now: Grace Hopper"), "{path}");
    assert!(
        path.contains("1. [") && path.contains("you → Ada Lovelace (") && path.contains("mentor, talked today) → Grace Hopper (0.60: knows since 2019 (you said so): same team at Acme)"),
        "{path}"
    );
    let json = k.json(&["path", "--to", "Grace", "-k", "2"]);
    assert_eq!(json["paths"].as_array().unwrap().len(), 2);
    assert!(
        json["paths"][0]["strength"].as_f64().unwrap()
            >= json["paths"][1]["strength"].as_f64().unwrap()
    );
    k.ok(&["org", "add", "Globex"]);
    let none = k.ok(&["path", "--to-org", "Globex"]);
    assert!(
        none.contains("No route to Globex")
            && none.contains("You know nobody who works or worked at Globex."),
        "{none}"
    );
    let err = k.fails(&["path", "--to-org", "Umbrella"]);
    assert!(err.contains("Umbrella") && err.contains("kith org list"), "{err}");

    k.ok(&["collab", "add", "Parser library", "--with", "Ada=co-author", "--with", "Grace"]);
    assert!(k.ok(&["show", "Grace"]).contains("Parser library (active)"));
    let insights = k.ok(&["insights"]);
    for want in [
        "Your network: 3 people, 1 tie between them known, 0 shared employers, 1 cluster.",
        "Layers (Dunbar)",
        "closest   5:   3 people",
        "organizations 2 distinct",
        "Most connected (PageRank)",
    ] {
        assert!(insights.contains(want), "missing {want:?} in\n{insights}");
    }
    assert_eq!(k.json(&["insights"])["contacts"], 3);
}

/// The walk-through: a conference, three people met there, their follow-ups, coffee
/// with one, two goals with progress, a community, and the week in review.
fn build_the_network_on_purpose(k: &Kith) {
    let today = chrono::Utc::now().date_naive().to_string();
    let out = k.ok(&["event", "add", "RustConf", "--start", &today, "--location", "Berlin"]);
    assert!(out.starts_with("Added event RustConf on "), "{out}");
    let err = k.fails(&["event", "add", "Backwards", "--start", &today, "--end", "2020-01-01"]);
    assert!(err.contains("end") && err.contains("on or after the start"), "{err}");
    let err = k.fails(&["event", "add", "Odd", "--start", &today, "--kind", "rave"]);
    assert!(err.contains("kind: \"rave\" is not recognised; expected one of conference"), "{err}");
    assert_eq!(k.json(&["event", "list"])["total"], 1);

    for name in ["Ada Lovelace", "Bob Byte", "Cy Coder"] {
        let out = k.ok(&["add", name, "--met-at", "RustConf", "--tag", "fintech"]);
        assert!(out.contains("met at RustConf"), "{out}");
    }
    let err = k.fails(&["add", "Nobody", "--met-at", "NoSuchConf"]);
    assert!(err.contains("NoSuchConf"), "{err}");
    assert_eq!(k.count("contacts"), 3, "a wrong event adds nobody");
    let due = k.ok(&["due"]);
    assert_eq!(due.matches("met at RustConf on").count(), 3, "{due}");
    k.ok(&["log", "Bob", "--kind", "coffee", "-m", "talked about ledgers"]);
    let due = k.json(&["due"]);
    let names: Vec<&str> = due["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["display_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Ada Lovelace", "Cy Coder"]);
    let show = k.ok(&["event", "show", "RustConf"]);
    assert!(show.contains("Ada Lovelace — met here, follow-up open"), "{show}");
    assert!(
        show.contains("Bob Byte — met here\n") || show.contains("Bob Byte — met here  ["),
        "{show}"
    );
    assert!(k.ok(&["show", "Ada"]).contains("RustConf (met here)"));

    // Goals: bad ones are refused, good ones measured.
    let err = k.fails(&["goal", "add", "events", "0"]);
    assert!(err.contains("target") && err.contains("from 1 to 1000"), "{err}");
    let err = k.fails(&["goal", "add", "new-people", "3", "--tag", "nosuch"]);
    assert!(err.contains("nosuch") && err.contains("fintech"), "{err}");
    let out = k.ok(&["goal", "add", "meet", "2", "--per", "month", "--tag", "fintech"]);
    assert!(out.contains("meet 2 new people tagged fintech per month"), "{out}");
    k.ok(&["goal", "add", "events", "1", "--per", "week"]);
    let goals = k.json(&["goals"]);
    let current: Vec<(u64, bool)> = goals
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (g["current"]["count"].as_u64().unwrap(), g["current"]["met"].as_bool().unwrap()))
        .collect();
    assert_eq!(current, [(3, true), (1, true)]);
    assert_eq!(goals[0]["history"].as_array().unwrap().len(), 12);
    let text = k.ok(&["goals"]);
    assert!(text.contains("3/2 ✓") && text.contains("·█"), "{text}");

    // A community with a contribution.
    k.ok(&["community", "add", "Rust Berlin", "--kind", "slack", "--role", "organizer"]);
    let err = k.fails(&["community", "add", "rust berlin"]);
    assert!(err.contains("already exists"), "{err}");
    k.ok(&["community", "join", "Rust Berlin", "Ada", "Cy"]);
    k.ok(&["community", "contribute", "Rust Berlin", "Talk: zero-copy parsing", "--kind", "talk"]);
    let c = k.ok(&["community", "show", "Rust Berlin"]);
    assert!(
        c.contains("Ada Lovelace") && c.contains("talk         Talk: zero-copy parsing"),
        "{c}"
    );
    let talk = k.json(&["community", "show", "Rust Berlin"])["contributions"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let err = k.fails(&["community", "edit-contribution", &talk, "--url", "nope"]);
    assert!(err.contains("url"), "{err}");
    let out = k.ok(&["community", "edit-contribution", &talk, "--title", "Talk: zero-copy, again"]);
    assert!(out.contains("talk at Rust Berlin: Talk: zero-copy, again"), "{out}");
    k.ok(&["community", "edit-contribution", &talk, "--title", "Talk: zero-copy parsing"]);

    // The week in review.
    let review = k.ok(&["review", "--week"]);
    for want in [
        "New people (3)",
        "Ada Lovelace — RustConf",
        "Interactions (1)",
        "1 coffee",
        "RustConf (attendee) — 3 there, 3 met",
        "Community contributions (1)",
        "meet 2 new people tagged fintech per month",
        "Follow up with Ada Lovelace: met at RustConf",
    ] {
        assert!(review.contains(want), "missing {want:?} in\n{review}");
    }
    let r = k.json(&["review", "--month"]);
    assert_eq!(r["period"], "month");
    assert_eq!(r["follow_ups"].as_array().unwrap().len(), 2);

    // Deleting goes to the trash and comes back.
    k.ok(&["event", "rm", "RustConf"]);
    assert!(!k.ok(&["due"]).contains("met at RustConf"));
    let trash = k.json(&["trash"]);
    let id = trash[0]["id"].as_str().unwrap().to_string();
    k.ok(&["restore", &id[..8]]);
    assert!(k.ok(&["due"]).contains("met at RustConf"));
}

fn newcomer_flow(k: &Kith) {
    let out = k.ok(&[
        "add",
        "John Smith",
        "--email",
        "john@acme.com",
        "--org",
        "Acme",
        "--title",
        "CTO",
        "--tag",
        "mentor",
    ]);
    assert!(out.starts_with("Added John Smith ("), "{out}");
    k.ok(&[
        "add",
        "Grace Hopper",
        "-e",
        "grace@navy.mil",
        "--birthday",
        "12-09",
        "--met-on",
        "2020-05-01",
        "--how-met",
        "COBOL meetup",
    ]);
    k.ok(&["log", "John", "Grace", "--kind", "coffee", "-m", "Compilers", "--at", "2026-11-01"]);
    let found = k.ok(&["search", "jon", "smth"]);
    assert!(found.lines().nth(1).unwrap().starts_with("John Smith"), "{found}");
    let list = k.ok(&["list"]);
    assert!(list.contains("Grace Hopper") && list.contains("John Smith"), "{list}");
    let show = k.ok(&["show", "grace"]);
    assert!(
        show.contains("--12-09") && show.contains("COBOL meetup") && show.contains("coffee"),
        "{show}"
    );
    k.ok(&["rm", "John"]);
    assert!(!k.ok(&["list"]).contains("John Smith"));
    k.ok(&["restore", "John Smith"]);
    assert!(k.ok(&["list"]).contains("John Smith"));
}

fn references_are_resolved_or_explained(k: &Kith) {
    k.ok(&["add", "John Smith", "-e", "john@acme.com"]);
    k.ok(&["add", "Johanna Schmidt", "-e", "jo@acme.com"]);
    let err = k.fails(&["show", "Jo"]);
    assert!(
        err.contains("\"Jo\" matches 2 contacts")
            && err.contains("Johanna Schmidt <jo@acme.com>")
            && err.contains("John Smith <john@acme.com>"),
        "{err}"
    );
    let err = k.fails(&["show", "Nobody"]);
    assert!(err.contains("no contact matches \"Nobody\""), "{err}");
    assert!(k.ok(&["show", "jo@acme.com"]).starts_with("Johanna Schmidt"));
    let id = k.json(&["show", "john@acme.com"])["contact"]["id"].as_str().unwrap().to_string();
    assert!(k.ok(&["show", &id[..8]]).starts_with("John Smith"));
    assert!(k.ok(&["show", "Schmidt"]).starts_with("Johanna Schmidt"));
}

fn logging_builds_the_timeline(k: &Kith) {
    k.ok(&["add", "Ada Lovelace"]);
    k.ok(&["add", "Bea Beaumont"]);
    k.ok(&[
        "log",
        "Ada",
        "--kind",
        "call",
        "--direction",
        "them",
        "--at",
        "2026-10-01",
        "-m",
        "She called",
    ]);
    k.ok(&["log", "Ada", "Bea", "-k", "meal", "--at", "2026-10-15 19:30", "-m", "Dinner"]);
    k.ok(&["note", "Ada", "Moving to Lisbon in spring"]);
    let timeline = k.json(&["interactions", "--with", "Ada"]);
    assert_eq!(timeline["total"], 2);
    assert_eq!(timeline["items"][0]["summary"], "Dinner");
    assert_eq!(timeline["items"][0]["participants"].as_array().unwrap().len(), 2);
    assert_eq!(timeline["items"][1]["direction"], "inbound");
    let show = k.json(&["show", "Ada"]);
    let kinds: Vec<&str> =
        show["timeline"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(kinds[1..], ["interaction", "interaction"]);
    let last = k.ok(&["list", "--sort", "last"]);
    let names: Vec<&str> = last.lines().skip(1).map(|l| l.split("  ").next().unwrap()).collect();
    assert_eq!(names, ["Ada Lovelace", "Bea Beaumont"]);
    let iid = timeline["items"][0]["id"].as_str().unwrap().to_string();
    k.ok(&["rm", "--interaction", &iid[..8]]);
    assert_eq!(k.count("interactions"), 1);
}

fn delete_restore_and_purge(k: &Kith) {
    k.ok(&["add", "Ada Lovelace"]);
    k.ok(&["add", "Bea Beaumont"]);
    k.ok(&["log", "Ada", "-k", "coffee", "--at", "2026-10-01"]);
    k.ok(&["log", "Ada", "Bea", "-k", "meeting", "--at", "2026-10-02"]);
    let out = k.ok(&["rm", "Ada"]);
    assert!(out.contains("with 1 interaction only they took part in"), "{out}");
    assert_eq!((k.count("contacts"), k.count("interactions"), k.count("trash")), (1, 1, 1));
    let trash = k.ok(&["trash"]);
    assert!(trash.contains("Ada Lovelace") && trash.contains("+1 linked"), "{trash}");
    k.ok(&["restore", "ada"]);
    assert_eq!((k.count("contacts"), k.count("interactions"), k.count("trash")), (2, 2, 0));
    k.ok(&["rm", "Ada"]);
    k.ok(&["rm", "Bea"]);
    let usage = k.output(&["purge"]);
    assert_eq!(usage.status.code(), Some(2));
    assert!(s(&usage.stderr).contains("--all"), "purge needs a target: {}", s(&usage.stderr));
    k.ok(&["purge", "Ada Lovelace"]);
    assert!(k.fails(&["restore", "Ada Lovelace"]).contains("no trash entry matches"));
    assert_eq!(k.ok(&["purge", "--all"]).trim(), "Purged 1 trash entries for good.");
    assert_eq!((k.count("contacts"), k.count("interactions"), k.count("trash")), (0, 0, 0));
}

fn edit_tag_and_roles(k: &Kith) {
    k.ok(&["add", "Grace Hopper", "--org", "Navy", "--title", "Officer", "-e", "grace@navy.mil"]);
    k.ok(&[
        "edit",
        "Grace",
        "--org",
        "Remington Rand",
        "--title",
        "Engineer",
        "--add-email",
        "grace@rr.com",
        "--rm-email",
        "grace@navy.mil",
        "--location",
        "Philadelphia",
    ]);
    let c = &k.json(&["show", "Grace"])["contact"];
    assert_eq!(c["employment"][0]["organization"], "Remington Rand");
    assert_eq!(c["employment"][1]["organization"], "Navy");
    assert!(c["employment"][1]["end"].is_string());
    assert_eq!(c["emails"].as_array().unwrap().len(), 1);
    assert_eq!(c["location"], "Philadelphia");
    k.ok(&["tag", "Grace", "mentor", "Pioneer"]);
    assert_eq!(
        k.json(&["show", "Grace"])["contact"]["tags"],
        serde_json::json!(["mentor", "pioneer"])
    );
    k.ok(&["tag", "Grace", "--remove", "pioneer"]);
    assert_eq!(k.json(&["list", "--tag", "mentor"])["total"], 1);
    assert!(k.fails(&["tag", "Grace", "--remove", "absent"]).contains("not tagged"));
    k.ok(&["edit", "Grace", "--left-org"]);
    assert!(k.json(&["show", "Grace"])["contact"]["employment"][0]["end"].is_string());
    k.ok(&["edit", "Grace", "--name", "Rear Admiral Grace Hopper"]);
    assert!(k.ok(&["show", "rear"]).starts_with("Rear Admiral Grace Hopper"));
}

fn organizations(k: &Kith) {
    k.ok(&[
        "org",
        "add",
        "Acme",
        "--domain",
        "https://acme.com",
        "--industry",
        "Anvils",
        "-t",
        "client",
    ]);
    let err = k.fails(&["org", "add", "ACME"]);
    assert!(err.contains("already exists"), "{err}");
    k.ok(&["add", "Wile Coyote", "--org", "acme", "--title", "Customer"]);
    let o = k.json(&["org", "show", "acme.com"]);
    assert_eq!(o["domain"], "acme.com");
    assert_eq!(o["people"][0]["display_name"], "Wile Coyote");
    let list = k.ok(&["org", "list"]);
    assert!(list.lines().nth(1).unwrap().starts_with("Acme"), "{list}");
    assert_eq!(k.json(&["list", "--org", "Acme"])["total"], 1);
    k.ok(&["org", "edit", "Acme", "--name", "Acme Corp", "--rm-tag", "client"]);
    assert_eq!(k.json(&["org", "show", "acme corp"])["tags"], serde_json::json!([]));
    k.ok(&["org", "rm", "Acme Corp"]);
    assert!(k.fails(&["org", "show", "Acme"]).contains("no organization matches"));
    k.ok(&["restore", "Acme Corp"]);
    assert_eq!(k.json(&["org", "list"])["total"], 1);
}

fn bad_input_is_refused_and_changes_nothing(k: &Kith) {
    k.ok(&["add", "Ada Lovelace"]);
    let err = k.fails(&["add", "Bad", "--email", "not-an-email"]);
    assert!(
        err.contains("email: \"not-an-email\" is not valid; expected an email address"),
        "{err}"
    );
    let err = k.fails(&["add", "Bad", "--met-on", "2026-02-30"]);
    assert!(err.contains("met-on") && err.contains("YYYY-MM-DD"), "{err}");
    let err = k.fails(&["add", "Bad", "--link", "not a url"]);
    assert!(err.contains("link"), "{err}");
    let err = k.fails(&["log", "Ada", "--kind", "lunch"]);
    assert!(err.contains("expected one of meeting, call"), "{err}");
    let err = k.fails(&["log", "Ada", "--at", "last tuesday"]);
    assert!(err.contains("at: \"last tuesday\""), "{err}");
    let err = k.fails(&["log", "Ada", "Nobody"]);
    assert!(err.contains("no contact matches \"Nobody\""), "{err}");
    let err = k.fails(&["edit", "Ada", "--title", "CEO"]);
    assert!(err.contains("--title needs a current organization"), "{err}");
    assert_eq!((k.count("contacts"), k.count("interactions")), (1, 0));
    let err = k.fails(&["--db", "mysql://localhost/kith", "list"]);
    assert!(err.contains("unsupported scheme"), "{err}");
    let missing = k.home.path().join("no/such/dir/kith.db");
    let err = k.fails(&["--db", &format!("sqlite://{}", missing.display()), "list"]);
    assert!(err.contains("does not exist"), "{err}");
    let not_db = k.home.path().join("notes.txt");
    std::fs::write(
        &not_db,
        "this is not a database, just some text that is long enough to have a header",
    )
    .unwrap();
    let err = k.fails(&["--db", &format!("sqlite://{}", not_db.display()), "list"]);
    assert!(err.contains("not a Kith (SQLite) database"), "{err}");
    let usage = k.output(&["list", "--sort", "sideways"]);
    assert_eq!(usage.status.code(), Some(2), "clap usage errors exit with 2");
}

fn read_commands_speak_json(k: &Kith) {
    k.ok(&["add", "Ada Lovelace", "--org", "Acme"]);
    for args in [
        &["list"][..],
        &["show", "Ada"],
        &["search", "ada"],
        &["interactions"],
        &["org", "list"],
        &["org", "show", "Acme"],
        &["trash"],
    ] {
        k.json(args);
    }
}

fn days_ago(n: i64) -> String {
    (chrono::Utc::now().date_naive() - chrono::Duration::days(n)).to_string()
}

fn nurture_flow(k: &Kith) {
    k.ok(&["add", "Mia Mentor", "-t", "mentor", "--met-on", &days_ago(900)]);
    k.ok(&["add", "Max Mentor", "-t", "mentor"]);
    k.ok(&["add", "Pat Peer"]);
    k.ok(&["log", "Mia", "-k", "coffee", "--at", &days_ago(47)]);
    k.ok(&["log", "Max", "-k", "call", "--at", &days_ago(40), "-d", "them"]);
    k.ok(&["log", "Pat", "-k", "call", "--at", &days_ago(100)]);
    k.ok(&["cadence", "set", "--tag", "mentor", "--every", "30d"]);
    let due = k.json(&["due"]);
    let names: Vec<&str> = due["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["display_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Mia Mentor", "Max Mentor"], "Pat has no cadence: {due}");
    assert_eq!(due["items"][0]["reason"], "mentor · last talked 47 days ago (cadence 30)");
    // A coffee with Mia takes her off the list.
    k.ok(&["log", "Mia", "-k", "coffee", "-m", "Caught up"]);
    let due = k.ok(&["due"]);
    assert!(!due.contains("Mia Mentor") && due.contains("Max Mentor"), "{due}");
    // A favour received shows as a debt in the reasons.
    k.ok(&["ledger", "add", "help", "Max", "-m", "Reviewed my CV", "--on", &days_ago(5)]);
    let due = k.json(&["due"]);
    let reason = due["items"][0]["reason"].as_str().unwrap();
    assert!(reason.contains("you still owe a thank-you"), "{reason}");
    assert!(reason.contains("you've received 1 favour and given 0"), "{reason}");
    k.ok(&["ledger", "add", "thanks", "Max", "-m", "Thanked in the team channel", "-s", "public"]);
    assert!(!k.ok(&["due"]).contains("owe a thank-you"));
    let ledger = k.json(&["ledger", "list", "--with", "Max"]);
    assert_eq!(ledger["total"], 2);
    let ask = k.json(&["ledger", "add", "ask", "Mia", "-m", "Intro to Globex"]);
    let ask_id = ask["id"].as_str().unwrap().to_string();
    k.ok(&["ledger", "status", &ask_id[..8], "answered"]);
    assert_eq!(k.json(&["ledger", "list", "--kind", "ask", "--status", "answered"])["total"], 1);
    // `why` adds up to the shown score.
    let why = k.json(&["why", "Max"]);
    let parts: f64 = why["strength"]["factors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["contribution"].as_f64().unwrap())
        .sum();
    let score = why["strength"]["score"].as_f64().unwrap();
    assert!((parts - score).abs() < 1e-9, "{parts} vs {score}");
    let text = k.ok(&["why", "Max"]);
    assert!(text.contains(&format!("= {score:.3}")), "{text}");
    // Snoozing, a contact's own cadence, upcoming dates and reminders.
    k.ok(&["snooze", "Max", "--for", "2w"]);
    assert!(!k.ok(&["due"]).contains("Max Mentor"));
    k.ok(&["cadence", "set", "Pat", "--every", "6w"]);
    assert!(k.ok(&["due"]).contains("Pat Peer"));
    let soon = (chrono::Utc::now().date_naive() + chrono::Duration::days(3)).to_string();
    k.ok(&["reminder", "add", "Send the deck", "--on", &soon, "--about", "Pat"]);
    let upcoming = k.ok(&["upcoming", "--days", "7"]);
    assert!(upcoming.contains("Send the deck — Pat Peer"), "{upcoming}");
    let today = k.json(&["today"]);
    assert_eq!(today["upcoming"].as_array().unwrap().len(), 1);
    let order: Vec<String> = k.json(&["list", "--sort", "strength"])["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["display_name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(order[0], "Mia Mentor", "{order:?}");
    let table = k.ok(&["list", "--sort", "strength"]);
    assert!(table.lines().next().unwrap().contains("STRENGTH"), "{table}");
    k.ok(&["closeness", "Pat", "0.99"]);
    assert_eq!(k.json(&["list", "--sort", "strength"])["items"][0]["display_name"], "Pat Peer");
    k.ok(&["config", "half-life", "30"]);
    assert!(k.ok(&["config", "show"]).contains("30 days"));
    assert!(k.ok(&["config", "recompute"]).contains("for 3 people"));
}

fn nurture_bad_input(k: &Kith) {
    k.ok(&["add", "Ada"]);
    assert!(
        k.fails(&["cadence", "set", "Ada", "--every", "0"]).contains("every: \"0\" is not valid")
    );
    assert!(k.fails(&["cadence", "set", "Ada", "--every=-3d"]).contains("every"));
    assert!(k.fails(&["snooze", "Ada", "--until", "2020-01-01"]).contains("a date after today"));
    assert!(k.fails(&["snooze", "Ada", "--until", "2027-02-30"]).contains("until"));
    assert!(k.fails(&["closeness", "Ada", "3"]).contains("closeness"));
    assert!(
        k.fails(&["ledger", "add", "bribe", "Ada"])
            .contains("expected one of help, ask, feedback, acknowledgement")
    );
    assert!(
        k.fails(&["ledger", "add", "ask", "Ada", "-s", "public"])
            .contains("for ask: one of open, answered, declined")
    );
    assert!(k.fails(&["ledger", "add", "help", "Nobody"]).contains("no contact matches"));
    assert!(k.fails(&["reminder", "add", "x", "--on", "2026-02-30"]).contains("on"));
    assert!(k.fails(&["why", "Nobody"]).contains("no contact matches"));
    let n = k.json(&["show", "Ada"]);
    assert!(
        n["keep_in_touch"]["cadence_days"].is_null()
            && n["keep_in_touch"]["snoozed_until"].is_null()
    );
    assert_eq!(k.json(&["ledger", "list"])["total"], 0);
    assert_eq!(k.json(&["reminder", "list", "--all"]).as_array().unwrap().len(), 0);
}

// Backend-independent checks.

#[test]
fn default_database_lives_in_the_data_dir() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("xdg-data");
    let out = Command::new(env!("CARGO_BIN_EXE_kith"))
        .args(["add", "Ada"])
        .env_remove("KITH_DATABASE_URL")
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", &data)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", s(&out.stderr));
    assert!(Path::new(&data.join("kith/kith.db")).exists());
}

#[test]
fn completions_and_man_page_come_from_the_cli_definition() {
    let run = |args: &[&str]| Command::new(env!("CARGO_BIN_EXE_kith")).args(args).output().unwrap();
    let bash = run(&["completions", "bash"]);
    assert!(
        bash.status.success() && s(&bash.stdout).contains("kith__subcmd__restore")
            || s(&bash.stdout).contains("restore")
    );
    let man = run(&["man"]);
    assert!(man.status.success() && s(&man.stdout).contains(".TH kith"), "{}", s(&man.stdout));
}

#[tokio::test]
async fn newer_database_and_locked_database_are_refused() {
    use sqlx::Connection;
    let k = Kith::sqlite().await;
    k.ok(&["add", "Ada"]);
    // Another process holds the write lock: a write fails with a clear message, quickly.
    let mut conn = sqlx::sqlite::SqliteConnection::connect(&k.url).await.unwrap();
    sqlx::query("BEGIN IMMEDIATE").execute(&mut conn).await.unwrap();
    let out = k.command(&["add", "Bea"]).env("KITH_BUSY_TIMEOUT_MS", "200").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(s(&out.stderr).contains("database is locked by another process"), "{}", s(&out.stderr));
    sqlx::query("ROLLBACK").execute(&mut conn).await.unwrap();
    assert_eq!(k.count("contacts"), 1);
    // A newer Kith's database is refused, not downgraded.
    sqlx::query("INSERT INTO kith_schema (version, description, applied_at) VALUES (42, 'from the future', 0)")
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    let err = k.fails(&["list"]);
    assert!(err.contains("schema version 42") && err.contains("upgrade Kith"), "{err}");
}
