//! `serve`, `demo`, `auth`.

use crate::cli::{AuthCommand, ServeArgs, TokenCommand};
use crate::context::Ctx;
use crate::output::{Table, json};
use anyhow::{Context, Result, bail};

pub async fn serve(ctx: Ctx, a: ServeArgs) -> Result<()> {
    crate::release_memory_promptly();
    tokio::spawn(async {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(1));
        loop {
            every.tick().await;
            crate::purge_freed_memory();
        }
    });
    let store = ctx.store.clone();
    let scheme = if a.tls_cert.is_some() { "https" } else { "http" };
    let url = format!("{scheme}://{}", a.listen);
    let signin = if store.password_hash().await?.is_some() { " (sign-in required)" } else { "" };
    eprintln!("Kith is running at {url}{signin}. Press Ctrl-C to stop.");
    let tls = match (a.tls_cert, a.tls_key) {
        (Some(cert), Some(key)) => Some(kith_web::Tls { cert, key }),
        (None, None) => None,
        _ => bail!("--tls-cert and --tls-key go together: give both PEM files, or neither"),
    };
    kith_web::serve(store, a.listen, tls).await?;
    Ok(())
}

pub async fn demo(ctx: &Ctx) -> Result<()> {
    if ctx.store.stats().await?.contacts > 0 {
        bail!(
            "this database already has people in it; the demo loads into an empty one: `kith --db sqlite://demo.db demo`"
        );
    }
    kith_store::demo::load(&*ctx.store, ctx.now).await?;
    let s = ctx.store.stats().await?;
    println!(
        "Loaded the demo network: {} people, {} interactions. Try `kith today` or `kith serve`.",
        s.contacts, s.interactions
    );
    Ok(())
}

fn read_password() -> Result<String> {
    if let Ok(p) = std::env::var("KITH_PASSWORD") {
        return Ok(p);
    }
    let first = rpassword::prompt_password("New password: ").context("cannot read the password")?;
    let again = rpassword::prompt_password("Again: ").context("cannot read the password")?;
    if first != again {
        bail!("the two passwords differ; nothing changed");
    }
    Ok(first)
}

pub async fn auth(ctx: &Ctx, cmd: AuthCommand) -> Result<()> {
    let store = &*ctx.store;
    match cmd {
        AuthCommand::SetPassword => {
            let password = read_password()?;
            let hash = kith_web::hash_password(&password)?;
            store.set_password_hash(&hash).await?;
            println!(
                "Password set. `kith serve` now asks for it, and may listen beyond this machine."
            );
        }
        AuthCommand::Token(cmd) => tokens(ctx, Kind::Api, cmd).await?,
        AuthCommand::AppPassword(cmd) => tokens(ctx, Kind::AppPassword, cmd).await?,
        AuthCommand::FeedToken(cmd) => tokens(ctx, Kind::Feed, cmd).await?,
    }
    Ok(())
}

use kith_web::SecretKind as Kind;

async fn tokens(ctx: &Ctx, kind: Kind, cmd: TokenCommand) -> Result<()> {
    let store = &*ctx.store;
    let noun = kind.noun();
    match cmd {
        TokenCommand::Create(a) => {
            let (secret, t) = kith_web::create_secret(store, kind, &a.name, ctx.now).await?;
            if ctx.json {
                let key = match kind {
                    Kind::Api | Kind::Feed => "token",
                    Kind::AppPassword => "password",
                };
                return json(&serde_json::json!({ key: secret, "id": t.id, "name": t.name }));
            }
            println!("{secret}");
            match kind {
                Kind::Api => eprintln!(
                    "Token \"{}\" created. It is shown only now; use it as `Authorization: Bearer TOKEN`.",
                    t.name
                ),
                Kind::AppPassword => eprintln!(
                    "App password \"{}\" created. It is shown only now. On the device, add a CardDAV account: server http(s)://HOST:PORT/dav/ (behind TLS for iOS), user name `{}`, this password.",
                    t.name,
                    kith_web::dav::USER
                ),
                Kind::Feed => eprintln!(
                    "Feed link \"{}\" created. Subscribe in your calendar app (shown only now):\n  http(s)://HOST:PORT/feeds/reminders.ics?token={secret}\n  http(s)://HOST:PORT/feeds/events.ics?token={secret}",
                    t.name
                ),
            }
        }
        TokenCommand::List => {
            let tokens = store.tokens(kind.stored()).await?;
            if ctx.json {
                return json(&tokens);
            }
            if tokens.is_empty() {
                let cmd = match kind {
                    Kind::Api => "token",
                    Kind::AppPassword => "app-password",
                    Kind::Feed => "feed-token",
                };
                println!("No {noun}s. Create one with `kith auth {cmd} create --name NAME`.");
                return Ok(());
            }
            let mut t = Table::new(&["name", "created", "last used", "revoked", "id"]);
            for k in &tokens {
                t.row(vec![
                    k.name.clone(),
                    k.created_at.date_naive().to_string(),
                    k.last_used_at.map(|d| d.date_naive().to_string()).unwrap_or_default(),
                    k.revoked_at.map(|d| d.date_naive().to_string()).unwrap_or_default(),
                    k.id.simple().to_string()[..8].to_string(),
                ]);
            }
            t.print();
        }
        TokenCommand::Revoke(a) => {
            let n = store.revoke_token(kind.stored(), &a.token, ctx.now).await?;
            if n == 0 {
                bail!("no live {noun} is named {:?} or has an id starting with it", a.token);
            }
            println!("Revoked {n} {noun}{}.", if n == 1 { "" } else { "s" });
        }
    }
    Ok(())
}
