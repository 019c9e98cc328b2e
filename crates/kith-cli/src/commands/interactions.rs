//! `log` and `interactions`.

use crate::cli::{InteractionsArgs, LogArgs};
use crate::context::Ctx;
use crate::output::{Table, json};
use anyhow::{Result, anyhow};
use kith_core::{Direction, InteractionInput, InteractionKind, validate};
use kith_store::{InteractionQuery, resolve_contact};

pub async fn log(ctx: &Ctx, a: LogArgs) -> Result<()> {
    let kind = InteractionKind::parse(&a.kind).ok_or_else(|| {
        anyhow!(
            "kind: {:?} is not a kind of interaction; expected one of {}",
            a.kind,
            InteractionKind::expected()
        )
    })?;
    let direction = Direction::parse_loose(&a.direction).ok_or_else(|| {
        anyhow!("direction: {:?} is not valid; expected me, them or mutual", a.direction)
    })?;
    let occurred_at = match &a.at {
        Some(s) => validate::datetime("at", s)?,
        None => ctx.now,
    };
    let mut participants = Vec::new();
    for r in &a.contacts {
        participants.push(resolve_contact(&*ctx.store, r).await?);
    }
    let input = InteractionInput {
        occurred_at,
        kind,
        direction,
        participants,
        summary: a.summary,
        notes: a.notes,
    };
    let i = ctx.store.log_interaction(&input, ctx.now).await?;
    if ctx.json {
        return json(&i);
    }
    let names: Vec<&str> = i.participants.iter().map(|p| p.display_name.as_str()).collect();
    println!(
        "Logged {} with {} on {} ({})",
        i.kind,
        names.join(", "),
        i.occurred_at.date_naive(),
        i.id.short()
    );
    Ok(())
}

pub async fn list(ctx: &Ctx, a: InteractionsArgs) -> Result<()> {
    let contact = match &a.with {
        Some(r) => Some(resolve_contact(&*ctx.store, r).await?),
        None => None,
    };
    let page = ctx
        .store
        .list_interactions(&InteractionQuery { contact, limit: Some(a.limit), offset: a.offset })
        .await?;
    if ctx.json {
        return json(&page);
    }
    if page.items.is_empty() {
        println!("No interactions yet. Record one with `kith log NAME --kind coffee`.");
        return Ok(());
    }
    let mut t = Table::new(&["date", "kind", "who", "direction", "summary", "id"]);
    for i in &page.items {
        let names: Vec<&str> = i.participants.iter().map(|p| p.display_name.as_str()).collect();
        t.row(vec![
            i.occurred_at.date_naive().to_string(),
            i.kind.to_string(),
            names.join(", "),
            i.direction.to_string(),
            i.summary.clone(),
            i.id.short(),
        ]);
    }
    t.print();
    if (page.items.len() as u64) < page.total {
        println!("({} of {})", page.items.len(), page.total);
    }
    Ok(())
}
