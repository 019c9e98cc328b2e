//! End-to-end tests in headless Chromium (Debian's `chromium` and `chromium-driver`), driven
//! with fantoccini over WebDriver against a real `kith serve` on a free port and a fresh
//! SQLite database. A failing step saves a screenshot and the page source to
//! `$KITH_ARTIFACTS_DIR` (default `target/browser-artifacts`) and prints where.
//!
//! Without chromedriver the test prints SKIPPED, except under `CI`, where it fails.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use fantoccini::{Client, ClientBuilder, Locator};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn chromedriver() -> Option<PathBuf> {
    ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

async fn start_browser() -> Option<(Driver, Client)> {
    let Some(driver) = chromedriver() else {
        if std::env::var_os("CI").is_some() {
            panic!(
                "chromedriver is missing: .ci/run installs Debian's chromium and chromium-driver"
            );
        }
        eprintln!(
            "SKIPPED browser tests: chromedriver not installed (apt install chromium chromium-driver)"
        );
        return None;
    };
    let port = free_port();
    let child = Command::new(driver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let guard = Driver(child);
    let mut caps = serde_json::Map::new();
    let profile = std::env::temp_dir().join(format!("kith-chrome-{port}"));
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-quic", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                     format!("--user-data-dir={}", profile.display())]
        }),
    );
    // Two rustls crypto providers are compiled in (ring for `kith serve --tls-cert`, aws-lc-rs
    // for the WebDriver client): pick one for the process.
    let _ = rustls::crypto::ring::default_provider().install_default();
    for _ in 0..50 {
        if let Ok(c) = ClientBuilder::rustls()
            .expect("rustls")
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            return Some((guard, c));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("could not connect to chromedriver on port {port}");
}

async fn start_app(db_dir: &tempfile::TempDir) -> (SocketAddr, Arc<dyn kith_store::Store>) {
    let url = format!("sqlite://{}", db_dir.path().join("kith.db").display());
    let store = kith_store::open(&url).await.unwrap();
    kith_store::demo::load(&*store, chrono::Utc::now()).await.unwrap();
    let state = kith_web::AppState::new(store.clone(), false);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, kith_web::router(state)).await.unwrap();
    });
    (addr, store)
}

/// Runs the steps; on the first failure saves a screenshot and the page, then panics.
struct Steps {
    client: Client,
    base: String,
    dir: PathBuf,
}

impl Steps {
    async fn fail(&self, step: &str, why: String) -> ! {
        std::fs::create_dir_all(&self.dir).unwrap();
        let name: String =
            step.chars().map(|c| if c.is_alphanumeric() { c } else { '-' }).collect();
        let png = self.dir.join(format!("{name}.png"));
        if let Ok(bytes) = self.client.screenshot().await {
            std::fs::write(&png, bytes).unwrap();
        }
        if let Ok(html) = self.client.source().await {
            std::fs::write(self.dir.join(format!("{name}.html")), html).unwrap();
        }
        panic!("browser step {step:?} failed: {why}\nscreenshot: {}", png.display());
    }

    async fn goto(&self, step: &str, path: &str) {
        if let Err(e) = self.client.goto(&format!("{}{path}", self.base)).await {
            self.fail(step, e.to_string()).await;
        }
    }

    async fn click(&self, step: &str, css: &str) {
        let r = async {
            self.client
                .wait()
                .at_most(Duration::from_secs(10))
                .for_element(Locator::Css(css))
                .await?
                .click()
                .await
        }
        .await;
        if let Err(e) = r {
            self.fail(step, format!("{css}: {e}")).await;
        }
    }

    async fn fill(&self, step: &str, css: &str, text: &str) {
        let r = async { self.client.find(Locator::Css(css)).await?.send_keys(text).await }.await;
        if let Err(e) = r {
            self.fail(step, format!("{css}: {e}")).await;
        }
    }

    async fn select(&self, step: &str, css: &str, value: &str) {
        let r =
            async { self.client.find(Locator::Css(css)).await?.select_by_value(value).await }.await;
        if let Err(e) = r {
            self.fail(step, format!("{css} = {value}: {e}")).await;
        }
    }

    /// How many people the database holds.
    async fn contacts(&self, store: &dyn kith_store::Store) -> u64 {
        match store.stats().await {
            Ok(stats) => stats.contacts,
            Err(e) => self.fail("count the people", e.to_string()).await,
        }
    }

    /// Waits (up to 10 s: a click may still be loading the next page) until `want` is on the
    /// page (or, with `present = false`, gone).
    async fn expect(&self, step: &str, want: &str, present: bool) {
        for _ in 0..50 {
            let text = match self.client.find(Locator::Css("main")).await {
                Ok(m) => m.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            if text.contains(want) == present {
                return;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let what = if present { "missing" } else { "still there" };
        self.fail(step, format!("{want:?} {what}")).await;
    }
}

#[tokio::test]
async fn a_newcomer_uses_the_app_in_a_real_browser() {
    let Some((_driver, client)) = start_browser().await else { return };
    let db = tempfile::tempdir().unwrap();
    let (addr, store) = start_app(&db).await;
    let dir = std::env::var_os("KITH_ARTIFACTS_DIR").map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/browser-artifacts")
    });
    let s = Steps { client, base: format!("http://{addr}"), dir };

    // Add a person through the form.
    s.goto("open the new-person form", "/people/new").await;
    s.fill("type a name", "#f-name", "Hedwig Newcomer").await;
    s.fill("type an email", "#f-email", "hedwig@example.com").await;
    s.fill("type tags", "#f-tags", "mentor").await;
    s.click("save the person", "form.stacked button[type=submit]").await;
    s.expect("see the new person", "Hedwig Newcomer", true).await;

    // Log coffee with the first person due and watch them leave the due list.
    s.goto("open today", "/").await;
    let first = match s.client.find(Locator::Css("ol.due li")).await {
        Ok(li) => match li.attr("data-due").await {
            Ok(Some(name)) => name,
            other => s.fail("read who is due", format!("data-due: {other:?}")).await,
        },
        Err(e) => s.fail("find someone due", e.to_string()).await,
    };
    s.click("log coffee with them", "ol.due li:first-child button[type=submit]").await;
    let mut still_due = true;
    for _ in 0..50 {
        let mut names = vec![];
        for li in s.client.find_all(Locator::Css("ol.due li")).await.unwrap_or_default() {
            names.push(li.attr("data-due").await.ok().flatten().unwrap_or_default());
        }
        let loaded = match s.client.find(Locator::Css("main h2#due-h")).await {
            Ok(h) => h.text().await.unwrap_or_default().starts_with("Reach out"),
            Err(_) => false,
        };
        if loaded && !names.contains(&first) {
            still_due = false;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    if still_due {
        s.fail("they left the due list", format!("{first} is still due")).await;
    }

    // Find an intro path into an organization.
    s.goto("open intro paths", "/paths").await;
    s.fill("name the organization", "#p-org", "Acme").await;
    s.click("find routes", "main form button[type=submit]").await;
    s.expect("routes are ranked and explained", "Routes to Acme", true).await;
    s.expect("routes start with you", "you", true).await;

    // Move an opportunity on the board.
    s.goto("open the board", "/opportunities").await;
    let card = "article[data-card='Staff engineer']";
    s.select("pick a stage", &format!("{card} select"), "interviewing").await;
    s.click("move the card", &format!("{card} button[type=submit]")).await;
    let moved = format!("section[data-stage='interviewing'] {card}");
    match s.client.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css(&moved)).await {
        Ok(_) => {}
        Err(e) => s.fail("the card is in the new column", e.to_string()).await,
    }

    // Delete a person and restore them from the trash.
    s.goto("open the people list", "/people?q=Hedwig").await;
    s.click("open the person", "ul.people a").await;
    s.click("delete them", "button.danger").await;
    s.expect("they are in the trash", "Hedwig Newcomer", true).await;
    s.click("restore them", "tr[data-trash='Hedwig Newcomer'] button").await;
    s.expect("they are back", "Log an interaction", true).await;
    match store.search("Hedwig", 5).await {
        Ok(back) if back.len() == 1 => {}
        other => s.fail("they are back in the database", format!("search: {other:?}")).await,
    }

    // A bad cadence comes back next to its field, with what was typed.
    s.fill("type a cadence Kith cannot read", "#cad-every", "often").await;
    s.click("set the cadence", "form[action$='/cadence'] button[type=submit]").await;
    s.expect("the error is shown", "\"often\" is not valid", true).await;
    match s.client.find(Locator::Css("#cad-every")).await {
        Ok(input) => match input.prop("value").await {
            Ok(Some(v)) if v == "often" => {}
            other => s.fail("what was typed is kept", format!("value: {other:?}")).await,
        },
        Err(e) => s.fail("the cadence field is there", e.to_string()).await,
    }

    // The People page's search box finds people as you type (no button pressed).
    s.goto("open the people list", "/people").await;
    s.expect("everyone is listed", "Ada Lovelace", true).await;
    s.fill("type part of a name", "main input[name=q]", "Hedw").await;
    // Only the script can narrow the list: no button was pressed.
    s.expect("others leave as you type", "Ada Lovelace", false).await;
    s.expect("the match stays", "Hedwig Newcomer", true).await;

    // Upload a LinkedIn export, see the preview, confirm the import.
    let csv = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../kith-formats/tests/fixtures/linkedin/Connections-old.csv")
        .canonicalize()
        .unwrap()
        .display()
        .to_string();
    s.goto("open the import page", "/import").await;
    s.fill("choose the LinkedIn file", "#i-file", &csv).await;
    s.click("preview it", "form[enctype] button[type=submit]").await;
    s.expect("the preview counts new people", "Nothing is saved until you confirm", true).await;
    let before = s.contacts(&*store).await;
    s.click("confirm the import", "form[action^='/import/'] button").await;
    s.expect("the import is saved", "Everything below is saved", true).await;
    let after = s.contacts(&*store).await;
    if after <= before {
        s.fail("the import added people", format!("{before} → {after}")).await;
    }

    s.client.close().await.unwrap();
}
