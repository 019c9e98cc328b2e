//! `goal add|list|rm`, `goals`, `review`.

use super::word;
use crate::cli::{GoalCommand, ReviewArgs};
use crate::context::Ctx;
use crate::output::{Table, json};
use anyhow::Result;
use kith_core::InteractionKind;
use kith_core::goal::{GoalInput, GoalMetric, GoalProgress, Period, Review};
use kith_store::resolve_goal;

pub async fn goal(ctx: &Ctx, cmd: GoalCommand) -> Result<()> {
    let store = &*ctx.store;
    match cmd {
        GoalCommand::Add(a) => {
            let input = GoalInput {
                metric: word("metric", &a.metric, GoalMetric::parse_loose, GoalMetric::expected())?,
                target: a.target,
                period: word("per", &a.per, Period::parse_loose, Period::expected())?,
                tag: a.tag,
                kind: a
                    .kind
                    .map(|k| word("kind", &k, InteractionKind::parse, InteractionKind::expected()))
                    .transpose()?,
            };
            let g = store.create_goal(&input, ctx.now).await?;
            if ctx.json {
                return json(&g);
            }
            println!("Goal set: {} ({})", g.describe(), g.id.short());
            println!("See how you're doing with `kith goals`.");
        }
        GoalCommand::List => goals(ctx).await?,
        GoalCommand::Rm(a) => {
            let id = resolve_goal(store, &a.id).await?;
            let t = store.trash_goal(id, ctx.now).await?;
            println!(
                "Moved goal \"{}\" to the trash. Undo with `kith restore {}`.",
                t.label,
                t.id.short()
            );
        }
    }
    Ok(())
}

fn print_goals(progress: &[GoalProgress]) {
    let mut t = Table::new(&["goal", "this period", "streak", "history", "id"]);
    for p in progress {
        let mark = if p.current.met { " ✓" } else { "" };
        t.row(vec![
            p.description.clone(),
            format!("{}/{}{mark} (to {})", p.current.count, p.goal.target, p.current.end),
            match p.streak {
                0 => "–".to_string(),
                n => format!("{n} {}", p.goal.period.as_str()),
            },
            p.bar.clone(),
            p.goal.id.short(),
        ]);
    }
    t.print();
}

pub async fn goals(ctx: &Ctx) -> Result<()> {
    let progress = ctx.store.goal_progress(ctx.today()).await?;
    if ctx.json {
        return json(&progress);
    }
    if progress.is_empty() {
        println!(
            "No goals yet. Try `kith goal add new-people 4 --per month --tag fintech` or `kith goal add events 1 --per month`."
        );
        return Ok(());
    }
    print_goals(&progress);
    println!("\nHistory: one mark per period, oldest first, this period last (█ met, · nothing).");
    Ok(())
}

pub async fn review(ctx: &Ctx, a: ReviewArgs) -> Result<()> {
    let period = if a.month { Period::Month } else { Period::Week };
    let r = ctx.store.review(period, ctx.now).await?;
    if ctx.json {
        return json(&r);
    }
    print_review(&r, ctx.today());
    Ok(())
}

fn heading(s: &str) {
    println!("\n{s}\n{}", "-".repeat(s.chars().count()));
}

fn print_review(r: &Review, today: chrono::NaiveDate) {
    let title = format!("Your {} in review: {} – {}", r.period, r.start, r.end);
    println!("{title}\n{}", "=".repeat(title.chars().count()));
    heading(&format!("New people ({})", r.new_people.len()));
    if r.new_people.is_empty() {
        println!("Nobody new.");
    }
    for p in &r.new_people {
        let at = p.met_where.as_deref().map(|w| format!(" — {w}")).unwrap_or_default();
        println!("{}  {}{at}", p.met_on, p.contact.display_name);
    }
    heading(&format!("Interactions ({})", r.interactions));
    if r.interactions_by_kind.is_empty() {
        println!("None logged.");
    } else {
        let parts: Vec<String> =
            r.interactions_by_kind.iter().map(|(k, n)| format!("{n} {k}")).collect();
        println!("{}", parts.join(" · "));
    }
    heading(&format!("Events ({})", r.events.len()));
    for e in &r.events {
        println!(
            "{}  {} ({}) — {} there, {} met",
            kith_core::network::date_range(e.starts_on, e.ends_on),
            e.name,
            e.my_role,
            e.attendees,
            e.met_here
        );
    }
    heading(&format!("Community contributions ({})", r.contributions.len()));
    for k in &r.contributions {
        println!("{}  {} at {}: {}", k.on, k.kind, k.community_name, k.title);
    }
    heading("Goals");
    if r.goals.is_empty() {
        println!("No goals set (`kith goal add --help`).");
    } else {
        print_goals(&r.goals);
    }
    heading(&format!("Went stale ({})", r.went_stale.len()));
    if r.went_stale.is_empty() {
        println!("Nobody's cadence ran out this {}.", r.period);
    }
    for s in &r.went_stale {
        let last =
            s.last.map(|d| format!("last talked {d}")).unwrap_or_else(|| "never talked".into());
        println!(
            "{}  {} — {last}, cadence {} days",
            s.due_since, s.contact.display_name, s.cadence_days
        );
    }
    heading("Suggestions");
    if r.follow_ups.is_empty() {
        println!("No open follow-ups from events.");
    }
    for f in &r.follow_ups {
        println!("Follow up with {}: {}", f.contact.display_name, f.reason(today));
    }
}
