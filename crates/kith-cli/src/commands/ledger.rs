//! `ledger add|list|status|rm`.

use crate::cli::{LedgerAddArgs, LedgerCommand, LedgerListArgs};
use crate::context::Ctx;
use crate::output::{Table, json};
use anyhow::{Result, anyhow};
use kith_core::ledger::{LedgerDirection, LedgerInput, LedgerKind, LedgerStatus};
use kith_core::validate;
use kith_store::{LedgerQuery, resolve_contact, resolve_ledger_entry};

fn kind(s: &str) -> Result<LedgerKind> {
    let s = s.trim().to_lowercase();
    let alias = match s.as_str() {
        "favour" | "favor" => "help",
        "thanks" | "thank" | "ack" | "credit" => "acknowledgement",
        other => other,
    };
    LedgerKind::parse(alias).ok_or_else(|| {
        anyhow!("kind: {s:?} is not a ledger kind; expected one of {}", LedgerKind::expected())
    })
}

fn status(s: &str) -> Result<LedgerStatus> {
    LedgerStatus::parse(s).ok_or_else(|| {
        anyhow!("status: {s:?} is not a status; expected one of {}", LedgerStatus::expected())
    })
}

pub async fn run(ctx: &Ctx, cmd: LedgerCommand) -> Result<()> {
    match cmd {
        LedgerCommand::Add(a) => add(ctx, a).await,
        LedgerCommand::List(a) => list(ctx, a).await,
        LedgerCommand::Status(a) => {
            let id = resolve_ledger_entry(&*ctx.store, &a.id).await?;
            let e = ctx.store.set_ledger_status(id, status(&a.status)?, ctx.now).await?;
            if ctx.json {
                return json(&e);
            }
            println!("{}", e.line());
            Ok(())
        }
        LedgerCommand::Rm(a) => {
            let id = resolve_ledger_entry(&*ctx.store, &a.id).await?;
            let t = ctx.store.trash_ledger_entry(id, ctx.now).await?;
            println!("Moved {} to the trash. Undo with `kith restore {}`.", t.label, t.id.short());
            Ok(())
        }
    }
}

async fn add(ctx: &Ctx, a: LedgerAddArgs) -> Result<()> {
    let kind = kind(&a.kind)?;
    let mut participants = Vec::new();
    for r in &a.contacts {
        participants.push(resolve_contact(&*ctx.store, r).await?);
    }
    let direction = if a.given {
        Some(LedgerDirection::Given)
    } else if a.received {
        Some(LedgerDirection::Received)
    } else {
        None
    };
    let on = match &a.on {
        Some(d) => validate::date("on", d)?,
        None => ctx.today(),
    };
    let status = a.status.as_deref().map(status).transpose()?;
    let input = LedgerInput {
        kind,
        direction,
        status,
        on,
        participants,
        summary: a.summary,
        notes: a.notes,
    };
    let e = ctx.store.add_ledger_entry(&input, ctx.now).await?;
    if ctx.json {
        return json(&e);
    }
    let names: Vec<&str> = e.participants.iter().map(|p| p.display_name.as_str()).collect();
    println!("Recorded {} with {} [{}]", e.line(), names.join(", "), e.id.short());
    Ok(())
}

async fn list(ctx: &Ctx, a: LedgerListArgs) -> Result<()> {
    let contact = match &a.with {
        Some(r) => Some(resolve_contact(&*ctx.store, r).await?),
        None => None,
    };
    let q = LedgerQuery {
        contact,
        kind: a.kind.as_deref().map(kind).transpose()?,
        direction: a
            .direction
            .as_deref()
            .map(|d| {
                LedgerDirection::parse(d).ok_or_else(|| {
                    anyhow!("direction: {d:?} is not valid; expected given or received")
                })
            })
            .transpose()?,
        status: a.status.as_deref().map(status).transpose()?,
        since: a.since.as_deref().map(|d| validate::date("since", d)).transpose()?,
        limit: Some(a.limit),
        offset: 0,
    };
    let page = ctx.store.list_ledger(&q).await?;
    if ctx.json {
        return json(&page);
    }
    if page.items.is_empty() {
        println!("No ledger records. Add one with `kith ledger add help Ada -m \"CV review\"`.");
        return Ok(());
    }
    let mut t = Table::new(&["date", "kind", "direction", "status", "with", "summary", "id"]);
    for e in &page.items {
        t.row(vec![
            e.on.to_string(),
            e.kind.to_string(),
            e.direction.to_string(),
            e.status.to_string(),
            e.participants.iter().map(|p| p.display_name.as_str()).collect::<Vec<_>>().join(", "),
            e.summary.clone(),
            e.id.short(),
        ]);
    }
    t.print();
    if (page.items.len() as u64) < page.total {
        println!("({} of {})", page.items.len(), page.total);
    }
    Ok(())
}
