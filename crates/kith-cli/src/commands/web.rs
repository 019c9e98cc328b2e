//! `serve`, `demo`, `auth`.

use crate::cli::{AuthCommand, ServeArgs, TokenCommand};
use crate::context::Ctx;
use crate::output::{Table, json};
use anyhow::{Context, Result, bail};

pub async fn serve(ctx: Ctx, a: ServeArgs) -> Result<()> {
    let store = ctx.store.clone();
    let url = format!("http://{}", a.listen);
    let signin = if store.password_hash().await?.is_some() { " (sign-in required)" } else { "" };
    eprintln!("Kith is running at {url}{signin}. Press Ctrl-C to stop.");
    kith_web::serve(store, a.listen).await?;
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
        AuthCommand::Token(TokenCommand::Create(a)) => {
            let secret = format!("kith_{}", kith_web::random_token());
            let t =
                store.create_token(&a.name, "api", &kith_web::token_hash(&secret), ctx.now).await?;
            if ctx.json {
                return json(&serde_json::json!({ "token": secret, "id": t.id, "name": t.name }));
            }
            println!("{secret}");
            eprintln!(
                "Token \"{}\" created. It is shown only now; use it as `Authorization: Bearer TOKEN`.",
                t.name
            );
        }
        AuthCommand::Token(TokenCommand::List) => {
            let tokens = store.tokens("api").await?;
            if ctx.json {
                return json(&tokens);
            }
            if tokens.is_empty() {
                println!("No API tokens. Create one with `kith auth token create --name NAME`.");
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
        AuthCommand::Token(TokenCommand::Revoke(a)) => {
            let n = store.revoke_token("api", &a.token, ctx.now).await?;
            if n == 0 {
                bail!("no live token is named {:?} or has an id starting with it", a.token);
            }
            println!("Revoked {n} token{}.", if n == 1 { "" } else { "s" });
        }
    }
    Ok(())
}
