//! A real sync client against a real `kith serve`: vdirsyncer (PyPI) keeps a folder of 1,000
//! vCards and Kith's CardDAV address book in sync through ten cycles of edits, additions and
//! deletions on both sides; at the end both sides hold the same people, none twice, none lost.
//!
//! vdirsyncer comes from `.ci/sync-clients.sh` (a venv under ~/.cache), or `KITH_VDIRSYNCER`.
//! Without it the test prints SKIPPED, except under `CI`, where it fails.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::Utc;
use kith_core::ContactInput;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn vdirsyncer() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("KITH_VDIRSYNCER") {
        return Some(PathBuf::from(p));
    }
    let home = std::env::var_os("HOME").map(PathBuf::from)?;
    let cache = std::env::var_os("XDG_CACHE_HOME").map_or(home.join(".cache"), PathBuf::from);
    let venv = cache.join("kith-sync-venv/bin/vdirsyncer");
    if venv.exists() {
        return Some(venv);
    }
    let found =
        Command::new("vdirsyncer").arg("--version").output().is_ok_and(|o| o.status.success());
    found.then(|| PathBuf::from("vdirsyncer"))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn kith(url: &str, home: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kith"));
    cmd.args(args)
        .env("KITH_DATABASE_URL", url)
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("NO_COLOR", "1");
    cmd
}

fn run(cmd: &mut Command, what: &str) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    if !out.status.success() {
        panic!(
            "{what} failed ({})\n--- stdout\n{}\n--- stderr\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Starts `kith serve` with these arguments and waits until `listen` accepts connections.
fn serve(url: &str, home: &Path, listen: &str, extra: &[&str], log: Stdio) -> Server {
    let mut args = vec!["serve", "--listen", listen];
    args.extend_from_slice(extra);
    let server = Server(kith(url, home, &args).stdout(Stdio::null()).stderr(log).spawn().unwrap());
    let started = Instant::now();
    while std::net::TcpStream::connect(listen).is_err() {
        assert!(started.elapsed() < Duration::from_secs(30), "kith serve did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    server
}

fn card(uid: &str, given: &str, family: &str, email: &str) -> String {
    format!(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:{given} {family}\r\nN:{family};{given};;;\r\nEMAIL;TYPE=INTERNET:{email}\r\nX-PHONE-ONLY:kept {uid}\r\nEND:VCARD\r\n"
    )
}

/// The folder's cards: UID → (file, FN).
fn folder(dir: &Path) -> BTreeMap<String, (PathBuf, String)> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let field = |name: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(name))
                .map(|v| v.trim_end().to_string())
                .unwrap_or_default()
        };
        let uid = field("UID:");
        assert!(!uid.is_empty(), "a card without UID in the folder: {}", path.display());
        let previous = out.insert(uid.clone(), (path.clone(), field("FN:")));
        assert!(previous.is_none(), "UID {uid} twice in the folder");
    }
    out
}

/// Kith's live people: UID → display name.
async fn kith_people(store: &dyn kith_store::Store) -> BTreeMap<String, String> {
    let contacts = kith_store::import::all_contacts(store).await.unwrap();
    let ids: Vec<_> = contacts.iter().map(|c| c.id).collect();
    let cards = store.contact_cards(&ids).await.unwrap();
    let mut out = BTreeMap::new();
    for c in contacts {
        let uid = cards
            .get(&c.id)
            .and_then(|k| k.uid.clone())
            .unwrap_or_else(|| format!("urn:uuid:{}", c.id));
        let previous = out.insert(uid.clone(), c.display_name.clone());
        assert!(previous.is_none(), "UID {uid} twice in Kith");
    }
    out
}

#[tokio::test]
async fn vdirsyncer_keeps_a_folder_and_kith_in_sync() {
    let Some(vdirsyncer) = vdirsyncer() else {
        if std::env::var_os("CI").is_some() {
            panic!("vdirsyncer is missing: .ci/sync-clients.sh installs it");
        }
        eprintln!("SKIPPED: vdirsyncer not installed (bash .ci/sync-clients.sh)");
        return;
    };
    let (db_dir, url) = kith_store::testing::sqlite_url();
    let home = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let cards_dir = work.path().join("cards");
    std::fs::create_dir_all(&cards_dir).unwrap();

    // A password makes sign-in required: vdirsyncer uses an app password.
    run(
        kith(&url, home.path(), &["auth", "set-password"])
            .env("KITH_PASSWORD", "not-the-app-password"),
        "set-password",
    );
    let password = run(
        &mut kith(&url, home.path(), &["auth", "app-password", "create", "--name", "vdirsyncer"]),
        "app-password",
    )
    .trim()
    .to_string();
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let log = std::fs::File::create(work.path().join("serve.log")).unwrap();
    let server = serve(&url, home.path(), &listen, &[], log.into());

    for i in 0..1000 {
        let uid = format!("folder-{i:04}");
        let text = card(&uid, "Person", &format!("Number{i:04}"), &format!("p{i}@example.org"));
        std::fs::write(cards_dir.join(format!("{uid}.vcf")), text).unwrap();
    }
    let config = work.path().join("config");
    std::fs::write(
        &config,
        format!(
            "[general]\nstatus_path = \"{status}\"\n\n[pair sync]\na = \"folder\"\nb = \"kith\"\ncollections = null\nconflict_resolution = \"a wins\"\n\n\
             [storage folder]\ntype = \"filesystem\"\npath = \"{cards}\"\nfileext = \".vcf\"\n\n\
             [storage kith]\ntype = \"carddav\"\nurl = \"http://{listen}/dav/addressbooks/kith/default/\"\nusername = \"kith\"\npassword = \"{password}\"\n",
            status = work.path().join("status").display(),
            cards = cards_dir.display(),
        ),
    )
    .unwrap();
    let sync = |what: &str| {
        let t = Instant::now();
        run(Command::new(&vdirsyncer).arg("-c").arg(&config).arg("sync"), what);
        eprintln!("{what}: {:.1} s", t.elapsed().as_secs_f64());
    };
    run(Command::new(&vdirsyncer).arg("-c").arg(&config).arg("discover"), "vdirsyncer discover");
    sync("initial sync of 1,000 cards");

    let store = kith_store::open(&url).await.unwrap();
    let people = kith_people(&*store).await;
    assert_eq!(people.len(), 1000, "every card reached Kith");
    assert_eq!(people.get("folder-0007").map(String::as_str), Some("Person Number0007"));

    let mut expect_gone: BTreeSet<String> = BTreeSet::new();
    let mut expect_name: BTreeMap<String, String> = BTreeMap::new();
    for cycle in 0..10 {
        let base = cycle * 40;
        // On the folder side: edit 3, delete 2, add 2.
        for k in 0..3 {
            let uid = format!("folder-{:04}", base + k);
            let name = format!("Edited{cycle} Folder{k}");
            std::fs::write(
                cards_dir.join(format!("{uid}.vcf")),
                card(
                    &uid,
                    &format!("Edited{cycle}"),
                    &format!("Folder{k}"),
                    &format!("e{cycle}{k}@example.org"),
                ),
            )
            .unwrap();
            expect_name.insert(uid, name);
        }
        for k in 3..5 {
            let uid = format!("folder-{:04}", base + k);
            std::fs::remove_file(cards_dir.join(format!("{uid}.vcf"))).unwrap();
            expect_gone.insert(uid);
        }
        for k in 0..2 {
            let uid = format!("new-{cycle}-{k}");
            std::fs::write(
                cards_dir.join(format!("{uid}.vcf")),
                card(
                    &uid,
                    "Fresh",
                    &format!("Folder{cycle}{k}"),
                    &format!("n{cycle}{k}@example.org"),
                ),
            )
            .unwrap();
            expect_name.insert(uid, format!("Fresh Folder{cycle}{k}"));
        }
        // On Kith's side (cards not touched in the folder this cycle): edit 3, trash 2, add 2.
        let now = Utc::now();
        let people = kith_people(&*store).await;
        let contacts = kith_store::import::all_contacts(&*store).await.unwrap();
        let by_uid = |uid: &str| {
            contacts
                .iter()
                .find(|c| people.get(uid) == Some(&c.display_name))
                .map(|c| c.id)
                .unwrap()
        };
        for k in 20..23 {
            let uid = format!("folder-{:04}", base + k);
            let id = by_uid(&uid);
            let mut input = store.get_contact(id).await.unwrap().to_input();
            input.display_name = format!("Kith{cycle} Edit{k}");
            input.given_name = Some(format!("Kith{cycle}"));
            input.family_name = Some(format!("Edit{k}"));
            store.update_contact(id, &input, now).await.unwrap();
            expect_name.insert(uid, input.display_name);
        }
        for k in 23..25 {
            let uid = format!("folder-{:04}", base + k);
            store.trash_contact(by_uid(&uid), now).await.unwrap();
            expect_gone.insert(uid);
        }
        for k in 0..2 {
            let c = store
                .create_contact(&ContactInput::named(&format!("Made{cycle} InKith{k}")), now)
                .await
                .unwrap();
            expect_name.insert(format!("urn:uuid:{}", c.id), c.display_name);
        }
        sync(&format!("sync cycle {}", cycle + 1));
    }
    // One more sync must change nothing on either side.
    let before = folder(&cards_dir);
    sync("a sync with nothing to do");

    let files = folder(&cards_dir);
    let people = kith_people(&*store).await;
    assert_eq!(files.len(), before.len());
    let file_uids: BTreeSet<&String> = files.keys().collect();
    let kith_uids: BTreeSet<&String> = people.keys().collect();
    assert_eq!(file_uids, kith_uids, "both sides hold the same cards");
    assert_eq!(files.len(), 1000 - 40 + 20 + 20, "no duplicates, no losses");
    for uid in &expect_gone {
        assert!(
            !files.contains_key(uid) && !people.contains_key(uid),
            "{uid} deleted on both sides"
        );
    }
    for (uid, name) in &expect_name {
        assert_eq!(people.get(uid), Some(name), "{uid} in Kith");
        assert_eq!(files.get(uid).map(|f| &f.1), Some(name), "{uid} in the folder");
    }
    // Properties Kith does not model survived the round trips.
    let kept = std::fs::read_to_string(&files["folder-0999"].0).unwrap();
    assert!(kept.contains("X-PHONE-ONLY:kept folder-0999"), "{kept}");
    let edited_in_kith = std::fs::read_to_string(&files["folder-0020"].0).unwrap();
    assert!(edited_in_kith.contains("FN:Kith0 Edit20"), "{edited_in_kith}");
    assert!(
        edited_in_kith.contains("X-PHONE-ONLY:kept folder-0020"),
        "rendered with kept lines: {edited_in_kith}"
    );
    drop(server);
    drop(db_dir);
}

/// `kith serve --tls-cert --tls-key` speaks HTTPS (iOS signs in to CardDAV only over TLS);
/// a bad certificate is a clear error.
#[test]
fn serve_over_tls() {
    let have = |tool: &str, arg: &str| {
        Command::new(tool).arg(arg).output().is_ok_and(|o| o.status.success())
    };
    if !have("openssl", "version") || !have("curl", "--version") {
        assert!(std::env::var_os("CI").is_none(), "openssl and curl are needed for the TLS test");
        eprintln!("SKIPPED: openssl or curl missing");
        return;
    }
    let (_db_dir, url) = kith_store::testing::sqlite_url();
    let home = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    run(
        Command::new("openssl")
            .args([
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=localhost",
                "-keyout",
            ])
            .arg(&key)
            .arg("-out")
            .arg(&cert),
        "openssl req",
    );
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let (cert_s, key_s) = (cert.to_str().unwrap(), key.to_str().unwrap());
    let _server = serve(
        &url,
        home.path(),
        &listen,
        &["--tls-cert", cert_s, "--tls-key", key_s],
        Stdio::null(),
    );
    let headers = run(
        Command::new("curl")
            .args(["-sk", "-D", "-", "-o", "/dev/null", "-X", "OPTIONS"])
            .arg(format!("https://{listen}/dav/")),
        "curl over TLS",
    );
    assert!(headers.to_lowercase().contains("dav: 1, 3, addressbook"), "{headers}");

    let out = kith(
        &url,
        home.path(),
        &["serve", "--listen", "127.0.0.1:1", "--tls-cert", key_s, "--tls-key", key_s],
    )
    .output()
    .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot use the TLS certificate"), "{err}");
    let out = kith(&url, home.path(), &["serve", "--tls-cert", cert_s]).output().unwrap();
    assert!(!out.status.success(), "--tls-cert alone is refused");
}
