//! `due`, `today`, `upcoming`, `why`, `cadence`, `snooze`, `closeness`, `reminder`, `config`.

use crate::cli::{
    CadenceCommand, ClosenessArgs, ConfigCommand, DueArgs, ReminderCommand, SnoozeArgs,
    UpcomingArgs, WhyArgs,
};
use crate::context::Ctx;
use crate::output::{Fields, Table, json};
use anyhow::Result;
use kith_core::nurture::{DueItem, Reminder, ReminderInput, Upcoming, parse_cadence};
use kith_core::pipeline::NextStep;
use kith_core::strength::{Strength, strength};
use kith_core::validate;
use kith_store::{resolve_contact, resolve_reminder};
use serde::Serialize;

/// The ranked due list (the whole of it).
async fn due_items(ctx: &Ctx) -> Result<Vec<DueItem>> {
    Ok(ctx.store.due_list(ctx.now).await?)
}

fn print_due(items: &[DueItem], total: usize) {
    if items.is_empty() {
        println!(
            "Nobody is due. Set cadences with `kith cadence set NAME --every 30d` or `kith cadence set --tag mentor --every 6w`."
        );
        return;
    }
    for (i, d) in items.iter().enumerate() {
        println!("{:>2}. {}  [{}]", i + 1, d.display_name, d.contact_id.short());
        println!("    {}", d.reason);
    }
    if items.len() < total {
        println!("({} of {} due; --limit shows more)", items.len(), total);
    }
}

#[derive(Serialize)]
struct DueJson<'a> {
    total: usize,
    items: &'a [DueItem],
    /// Pipeline next steps due within a week (or late).
    next_steps: &'a [NextStep],
}

/// Next steps of open opportunities due within a week, or late.
async fn next_steps(ctx: &Ctx) -> Result<Vec<NextStep>> {
    Ok(ctx.store.next_steps(ctx.today() + chrono::Duration::days(7)).await?)
}

fn print_next_steps(steps: &[NextStep], today: chrono::NaiveDate) {
    if steps.is_empty() {
        return;
    }
    println!("\nPipeline next steps\n-------------------");
    for s in steps {
        println!("{}  [{}]", s.line(today), s.opportunity.short());
    }
}

pub async fn due(ctx: &Ctx, a: DueArgs) -> Result<()> {
    let items = due_items(ctx).await?;
    let shown = &items[..items.len().min(a.limit)];
    let steps = next_steps(ctx).await?;
    if ctx.json {
        return json(&DueJson { total: items.len(), items: shown, next_steps: &steps });
    }
    print_due(shown, items.len());
    print_next_steps(&steps, ctx.today());
    Ok(())
}

#[derive(Serialize)]
struct TodayJson<'a> {
    due: DueJson<'a>,
    reminders_due: &'a [Reminder],
    upcoming: &'a [Upcoming],
}

pub async fn today(ctx: &Ctx, a: DueArgs) -> Result<()> {
    let items = due_items(ctx).await?;
    let shown = &items[..items.len().min(a.limit)];
    let today = ctx.today();
    let reminders: Vec<Reminder> = ctx
        .store
        .list_reminders(false)
        .await?
        .into_iter()
        .filter(|r| !r.yearly && r.due <= today)
        .collect();
    let upcoming: Vec<Upcoming> = ctx.store.upcoming(today, 7).await?;
    let steps = next_steps(ctx).await?;
    if ctx.json {
        return json(&TodayJson {
            due: DueJson { total: items.len(), items: shown, next_steps: &steps },
            reminders_due: &reminders,
            upcoming: &upcoming,
        });
    }
    println!("Reach out\n---------");
    print_due(shown, items.len());
    print_next_steps(&steps, today);
    if !reminders.is_empty() {
        println!("\nReminders due\n-------------");
        for r in &reminders {
            let about =
                r.contact.as_ref().map(|c| format!(" — {}", c.display_name)).unwrap_or_default();
            println!("{}  {}{about}  [{}]", r.due, r.title, r.id.short());
        }
    }
    println!("\nThis week\n---------");
    if upcoming.is_empty() {
        println!("Nothing coming up.");
    }
    for u in &upcoming {
        println!("{}  {}", u.on, u.describe());
    }
    Ok(())
}

pub async fn upcoming(ctx: &Ctx, a: UpcomingArgs) -> Result<()> {
    if a.days > 366 {
        anyhow::bail!("days: {} is too far ahead; expected at most 366", a.days);
    }
    let items = ctx.store.upcoming(ctx.today(), a.days).await?;
    if ctx.json {
        return json(&items);
    }
    if items.is_empty() {
        println!("Nothing in the next {} days.", a.days);
        return Ok(());
    }
    let mut t = Table::new(&["date", "in", "what"]);
    for u in &items {
        let days = (u.on - ctx.today()).num_days();
        let when = match days {
            0 => "today".to_string(),
            1 => "tomorrow".to_string(),
            n if n < 0 => format!("{} days late", -n),
            n => format!("{n} days"),
        };
        t.row(vec![u.on.to_string(), when, u.describe()]);
    }
    t.print();
    Ok(())
}

#[derive(Serialize)]
struct WhyJson<'a> {
    contact: &'a str,
    strength: &'a Strength,
    balance: Option<String>,
}

pub async fn why(ctx: &Ctx, a: WhyArgs) -> Result<()> {
    let id = resolve_contact(&*ctx.store, &a.contact).await?;
    let c = ctx.store.get_contact(id).await?;
    let n = ctx.store.contact_nurture(id).await?;
    let settings = ctx.store.strength_settings().await?;
    let s = strength(&n.history, ctx.now, &settings);
    if ctx.json {
        return json(&WhyJson {
            contact: &c.display_name,
            strength: &s,
            balance: n.balance.sentence(),
        });
    }
    println!("{}: strength {:.3} ({})", c.display_name, s.score, s.band.as_str());
    println!();
    let mut t = Table::new(&["factor", "value", "weight", "adds", "because"]);
    for f in &s.factors {
        t.row(vec![
            f.name.clone(),
            format!("{:.3}", f.value),
            format!("{:.2}", f.weight),
            format!("{:.3}", f.contribution),
            f.detail.clone(),
        ]);
    }
    t.print();
    let parts: Vec<String> = s.factors.iter().map(|f| format!("{:.3}", f.contribution)).collect();
    println!("\n{} = {:.3}", parts.join(" + "), s.computed);
    if let Some(c) = s.closeness {
        println!(
            "Your closeness setting {c:.3} replaces the computed {:.3} (`kith closeness NAME --clear` to undo).",
            s.computed
        );
    }
    if let Some(b) = n.balance.sentence() {
        println!("Ledger: {b}.");
    }
    Ok(())
}

pub async fn cadence(ctx: &Ctx, cmd: CadenceCommand) -> Result<()> {
    let store = &*ctx.store;
    match cmd {
        CadenceCommand::Set(a) => {
            let days = parse_cadence("every", &a.every)?;
            match (a.contact, a.tag) {
                (Some(r), None) => {
                    let id = resolve_contact(store, &r).await?;
                    store.set_cadence(id, Some(days), ctx.now).await?;
                    let c = store.get_contact(id).await?;
                    println!("Keep in touch with {} every {days} days.", c.display_name);
                }
                (None, Some(tag)) => {
                    store.set_tag_cadence(&tag, Some(days)).await?;
                    let tag = validate::tag("tag", &tag)?;
                    println!(
                        "Keep in touch with everyone tagged {tag} every {days} days (a person's own cadence wins)."
                    );
                }
                _ => anyhow::bail!("give a person or --tag TAG, not both"),
            }
        }
        CadenceCommand::Clear(t) => match (t.contact, t.tag) {
            (Some(r), None) => {
                let id = resolve_contact(store, &r).await?;
                store.set_cadence(id, None, ctx.now).await?;
                println!("Removed the cadence.");
            }
            (None, Some(tag)) => {
                store.set_tag_cadence(&tag, None).await?;
                println!("Removed the cadence of tag {tag}.");
            }
            _ => anyhow::bail!("give a person or --tag TAG, not both"),
        },
        CadenceCommand::List => {
            let list = store.tag_cadences().await?;
            if ctx.json {
                return json(&list);
            }
            if list.is_empty() {
                println!(
                    "No tag cadences. Add one with `kith cadence set --tag mentor --every 6w`."
                );
                return Ok(());
            }
            let mut t = Table::new(&["tag", "every", "people"]);
            for c in &list {
                t.row(vec![
                    c.tag.clone(),
                    format!("{} days", c.cadence_days),
                    c.people.to_string(),
                ]);
            }
            t.print();
        }
    }
    Ok(())
}

pub async fn snooze(ctx: &Ctx, a: SnoozeArgs) -> Result<()> {
    let id = resolve_contact(&*ctx.store, &a.contact).await?;
    let until = if a.clear {
        None
    } else if let Some(d) = &a.until {
        Some(validate::date("until", d)?)
    } else if let Some(f) = &a.for_ {
        Some(ctx.today() + chrono::Duration::days(i64::from(parse_cadence("for", f)?)))
    } else {
        None
    };
    ctx.store.snooze(id, until, ctx.now).await?;
    let c = ctx.store.get_contact(id).await?;
    match until {
        Some(d) => println!("{} is snoozed until {d}.", c.display_name),
        None => println!("{} is no longer snoozed.", c.display_name),
    }
    Ok(())
}

pub async fn closeness(ctx: &Ctx, a: ClosenessArgs) -> Result<()> {
    let id = resolve_contact(&*ctx.store, &a.contact).await?;
    let value = if a.clear { None } else { a.value };
    ctx.store.set_closeness(id, value, ctx.now).await?;
    let c = ctx.store.get_contact(id).await?;
    match value {
        Some(v) => println!(
            "Closeness of {} set to {v}; it replaces the computed strength.",
            c.display_name
        ),
        None => println!("{}'s strength is computed from the history again.", c.display_name),
    }
    Ok(())
}

pub async fn reminder(ctx: &Ctx, cmd: ReminderCommand) -> Result<()> {
    let store = &*ctx.store;
    match cmd {
        ReminderCommand::Add(a) => {
            let contact = match &a.about {
                Some(r) => Some(resolve_contact(store, r).await?),
                None => None,
            };
            let due = validate::date("on", &a.on)?;
            let r = store
                .add_reminder(
                    &ReminderInput { contact, title: a.title, due, yearly: a.yearly },
                    ctx.now,
                )
                .await?;
            if ctx.json {
                return json(&r);
            }
            let every = if r.yearly { " and every year after" } else { "" };
            println!("Reminder set for {}{every}: {} [{}]", r.due, r.title, r.id.short());
        }
        ReminderCommand::List(a) => {
            let list = store.list_reminders(a.all).await?;
            if ctx.json {
                return json(&list);
            }
            if list.is_empty() {
                println!(
                    "No reminders. Add one with `kith reminder add \"Send the deck\" --on 2026-12-03 --about Ada`."
                );
                return Ok(());
            }
            let mut t = Table::new(&["due", "what", "about", "repeat", "done", "id"]);
            for r in &list {
                t.row(vec![
                    r.due.to_string(),
                    r.title.clone(),
                    r.contact.as_ref().map(|c| c.display_name.clone()).unwrap_or_default(),
                    if r.yearly { "yearly".into() } else { String::new() },
                    r.done_on.map(|d| d.to_string()).unwrap_or_default(),
                    r.id.short(),
                ]);
            }
            t.print();
        }
        ReminderCommand::Done(a) => {
            let id = resolve_reminder(store, &a.id).await?;
            let r = store.complete_reminder(id, ctx.now).await?;
            if ctx.json {
                return json(&r);
            }
            if r.yearly {
                println!("Done for this year; next on {}.", r.due);
            } else {
                println!("Done: {}", r.title);
            }
        }
        ReminderCommand::Rm(a) => {
            let id = resolve_reminder(store, &a.id).await?;
            let t = store.trash_reminder(id, ctx.now).await?;
            println!(
                "Moved reminder {} to the trash. Undo with `kith restore {}`.",
                t.label,
                t.id.short()
            );
        }
    }
    Ok(())
}

pub async fn config(ctx: &Ctx, cmd: ConfigCommand) -> Result<()> {
    let store = &*ctx.store;
    match cmd {
        ConfigCommand::Show => {
            let s = store.strength_settings().await?;
            let cadences = store.tag_cadences().await?;
            if ctx.json {
                let follow_up_days = store.follow_up_days().await?;
                return json(&serde_json::json!({
                    "strength": s,
                    "tag_cadences": cadences,
                    "follow_up_days": follow_up_days,
                }));
            }
            let mut f = Fields::default();
            f.add("half-life", format!("{} days", s.half_life_days));
            f.add(
                "follow up",
                format!("within {} days of an event", store.follow_up_days().await?),
            );
            f.add(
                "tag cadences",
                cadences
                    .iter()
                    .map(|c| format!("{} every {} days", c.tag, c.cadence_days))
                    .collect::<Vec<_>>()
                    .join("\n"),
            );
            f.print();
        }
        ConfigCommand::Stages(a) => {
            let p = kith_core::pipeline::Pipeline::parse(&a.stages)?;
            store.set_pipeline(&p).await?;
            println!("Pipeline stages: {}", p.all().join(" → "));
        }
        ConfigCommand::FollowUp(a) => {
            let days = if a.within.trim() == "0" { 0 } else { parse_cadence("within", &a.within)? };
            store.set_follow_up_days(days).await?;
            println!("New events will ask you to follow up within {days} days of their end.");
        }
        ConfigCommand::HalfLife(a) => {
            let n = store.set_half_life(a.days).await?;
            println!("Half-life set to {} days; strength recomputed for {n} people.", a.days);
        }
        ConfigCommand::Me(args) => return super::transfer::me(ctx, args).await,
        ConfigCommand::Recompute => {
            let t = std::time::Instant::now();
            let n = store.recompute_stats().await?;
            println!(
                "Recomputed interaction aggregates for {n} people in {:.2} s.",
                t.elapsed().as_secs_f64()
            );
        }
    }
    Ok(())
}
