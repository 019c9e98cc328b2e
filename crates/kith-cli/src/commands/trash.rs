//! `rm`, `trash`, `restore`, `purge`.

use crate::cli::{PurgeArgs, RestoreArgs, RmArgs};
use crate::context::Ctx;
use crate::output::{Table, json};
use anyhow::Result;
use kith_core::text::ago;
use kith_store::{resolve_contact, resolve_interaction, resolve_trash};

pub async fn rm(ctx: &Ctx, a: RmArgs) -> Result<()> {
    let entry = if a.interaction {
        let id = resolve_interaction(&*ctx.store, &a.target).await?;
        ctx.store.trash_interaction(id, ctx.now).await?
    } else {
        let id = resolve_contact(&*ctx.store, &a.target).await?;
        ctx.store.trash_contact(id, ctx.now).await?
    };
    if ctx.json {
        return json(&entry);
    }
    let with = match entry.linked {
        0 => String::new(),
        1 => " with 1 interaction only they took part in".to_string(),
        n => format!(" with {n} interactions only they took part in"),
    };
    println!(
        "Moved {} to the trash{with}. Undo with `kith restore {}`.",
        entry.label,
        entry.id.short()
    );
    Ok(())
}

pub async fn list(ctx: &Ctx) -> Result<()> {
    let entries = ctx.store.list_trash().await?;
    if ctx.json {
        return json(&entries);
    }
    if entries.is_empty() {
        println!("The trash is empty.");
        return Ok(());
    }
    let mut t = Table::new(&["deleted", "kind", "what", "with", "id"]);
    for e in &entries {
        t.row(vec![
            ago(e.deleted_at, ctx.now),
            e.kind.as_str().to_string(),
            e.label.clone(),
            if e.linked > 0 { format!("+{} linked", e.linked) } else { String::new() },
            e.id.short(),
        ]);
    }
    t.print();
    println!(
        "Restore with `kith restore ID`; delete for good with `kith purge ID` or `kith purge --all`."
    );
    Ok(())
}

pub async fn restore(ctx: &Ctx, a: RestoreArgs) -> Result<()> {
    let path = std::path::Path::new(&a.entry);
    if path.is_file() {
        return super::transfer::restore_file(ctx, path, a.replace).await;
    }
    let id = resolve_trash(&*ctx.store, &a.entry).await?;
    let e = ctx.store.restore(id, ctx.now).await?;
    if ctx.json {
        return json(&e);
    }
    println!("Restored {} {}.", e.kind.as_str(), e.label);
    Ok(())
}

pub async fn purge(ctx: &Ctx, a: PurgeArgs) -> Result<()> {
    if a.all {
        let n = ctx.store.purge_all().await?;
        if ctx.json {
            return json(&serde_json::json!({ "purged": n }));
        }
        println!("Purged {n} trash entries for good.");
        return Ok(());
    }
    let reference = a.entry.unwrap_or_default();
    let id = resolve_trash(&*ctx.store, &reference).await?;
    let e = ctx.store.purge(id).await?;
    if ctx.json {
        return json(&e);
    }
    println!("Purged {} {} for good.", e.kind.as_str(), e.label);
    Ok(())
}
