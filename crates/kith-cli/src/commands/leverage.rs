//! `role`, `connect`, `disconnect`, `ties`, `path`, `collab`, `opp`, `insights`.

use super::{count, word};
use crate::cli::{
    CollabCommand, CollabFields, ConnectArgs, DisconnectArgs, OppCommand, PathArgs, RoleCommand,
    TiesArgs,
};
use crate::context::Ctx;
use crate::output::{Fields, Table, json};
use anyhow::{Result, bail};
use kith_core::leverage::{ConnectionInput, PathReport, RelationshipRole};
use kith_core::pipeline::{
    CollaborationInput, CollaborationStatus, Opportunity, OpportunityInput, OpportunityKind,
    OpportunityRole, Pipeline,
};
use kith_core::{ContactId, OrganizationId, validate};
use kith_store::{
    OpportunityQuery, StoreError, resolve_collaboration, resolve_contact, resolve_opportunity,
    resolve_organization,
};

fn role(raw: &str) -> Result<RelationshipRole> {
    word("role", raw, RelationshipRole::parse, RelationshipRole::expected())
}

pub async fn roles(ctx: &Ctx, cmd: RoleCommand) -> Result<()> {
    let store = &*ctx.store;
    match cmd {
        RoleCommand::Add(a) => {
            let id = resolve_contact(store, &a.contact).await?;
            let roles: Vec<RelationshipRole> =
                a.roles.iter().map(|r| role(r)).collect::<Result<_>>()?;
            store.set_roles(id, &roles, &[]).await?;
            print_roles(ctx, id).await?;
        }
        RoleCommand::Rm(a) => {
            let id = resolve_contact(store, &a.contact).await?;
            let roles: Vec<RelationshipRole> =
                a.roles.iter().map(|r| role(r)).collect::<Result<_>>()?;
            store.set_roles(id, &[], &roles).await?;
            print_roles(ctx, id).await?;
        }
        RoleCommand::List(a) => {
            let only = a.role.as_deref().map(role).transpose()?;
            let all = store.all_roles().await?;
            let mut rows: Vec<(String, String, String)> = Vec::new();
            for (id, roles) in &all {
                let roles: Vec<&str> = roles
                    .iter()
                    .filter(|r| only.is_none_or(|o| o == **r))
                    .map(|r| r.as_str())
                    .collect();
                if roles.is_empty() {
                    continue;
                }
                let c = store.get_contact(*id).await?;
                rows.push((c.display_name, roles.join(", "), id.short()));
            }
            rows.sort();
            if ctx.json {
                let v: Vec<_> = rows
                    .iter()
                    .map(|(n, r, i)| serde_json::json!({ "name": n, "roles": r.split(", ").collect::<Vec<_>>(), "id": i }))
                    .collect();
                return json(&v);
            }
            if rows.is_empty() {
                println!("Nobody has a role yet: `kith role add Ada mentor`.");
                return Ok(());
            }
            let mut t = Table::new(&["name", "roles", "id"]);
            for (n, r, i) in rows {
                t.row(vec![n, r, i]);
            }
            t.print();
        }
    }
    Ok(())
}

async fn print_roles(ctx: &Ctx, id: ContactId) -> Result<()> {
    let roles = ctx.store.roles_of(id).await?;
    let c = ctx.store.get_contact(id).await?;
    if ctx.json {
        return json(&roles);
    }
    let list: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    if list.is_empty() {
        println!("{} has no roles now.", c.display_name);
    } else {
        println!("{}: {}", c.display_name, list.join(", "));
    }
    Ok(())
}

pub async fn connect(ctx: &Ctx, a: ConnectArgs) -> Result<()> {
    let (x, y) =
        (resolve_contact(&*ctx.store, &a.a).await?, resolve_contact(&*ctx.store, &a.b).await?);
    if x == y {
        let c = ctx.store.get_contact(x).await?;
        bail!(
            "contacts: {:?} and {:?} are the same person ({}); connect two different people",
            a.a,
            a.b,
            c.display_name
        );
    }
    let input = ConnectionInput {
        a: x,
        b: y,
        strength: a.strength,
        since: a.since.as_deref().map(|d| validate::date("since", d)).transpose()?,
        note: a.note,
    };
    let k = ctx.store.connect(&input, ctx.now).await?;
    if ctx.json {
        return json(&k);
    }
    let (first, second) = if k.a.contact_id == x { (&k.a, &k.b) } else { (&k.b, &k.a) };
    println!("Recorded: {} knows {}.", first.display_name, second.display_name);
    Ok(())
}

pub async fn disconnect(ctx: &Ctx, a: DisconnectArgs) -> Result<()> {
    let x = resolve_contact(&*ctx.store, &a.a).await?;
    let y = resolve_contact(&*ctx.store, &a.b).await?;
    let t = ctx.store.trash_connection(x, y, ctx.now).await?;
    println!("Moved \"{}\" to the trash. Undo with `kith restore {}`.", t.label, t.id.short());
    Ok(())
}

pub async fn ties(ctx: &Ctx, a: TiesArgs) -> Result<()> {
    let id = resolve_contact(&*ctx.store, &a.contact).await?;
    let c = ctx.store.get_contact(id).await?;
    let ties = ctx.store.ties_of(id, ctx.now).await?;
    if ctx.json {
        return json(&ties);
    }
    if ties.is_empty() {
        println!(
            "Kith knows of nobody {} knows. Record it with `kith connect \"{}\" NAME`, or log meetings with several people.",
            c.display_name, c.display_name
        );
        return Ok(());
    }
    println!("{} knows {}:", c.display_name, count(ties.len() as u64, "person", "people"));
    for t in &ties {
        println!("  {:.2}  {}  — {}", t.strength, t.contact.display_name, t.why());
    }
    Ok(())
}

fn print_report(r: &PathReport) {
    if !r.known_now.is_empty() {
        let names: Vec<&str> = r.known_now.iter().map(|p| p.display_name.as_str()).collect();
        println!("You know at {} now: {}", r.target, names.join(", "));
    }
    if !r.known_before.is_empty() {
        let names: Vec<&str> = r.known_before.iter().map(|p| p.display_name.as_str()).collect();
        println!("Worked at {} before: {}", r.target, names.join(", "));
    }
    if r.paths.is_empty() {
        println!("No route to {} through your network.", r.target);
    } else {
        println!("Best routes to {}:", r.target);
        for (i, p) in r.paths.iter().enumerate() {
            println!("{:>2}. [{:.2}] {}", i + 1, p.strength, p.describe());
        }
    }
    for s in &r.suggestions {
        println!("{s}");
    }
}

pub async fn path(ctx: &Ctx, a: PathArgs) -> Result<()> {
    if a.count == 0 || a.count > 20 {
        bail!("count: {} is out of range; expected 1 to 20 routes", a.count);
    }
    let report = match (&a.to, &a.to_org) {
        (Some(p), _) => {
            let id = resolve_contact(&*ctx.store, p).await?;
            ctx.store.paths_to_contact(id, a.count, ctx.now).await?
        }
        (None, Some(o)) => {
            let id = resolve_organization(&*ctx.store, o).await.map_err(|e| match e {
                StoreError::NotFound { .. } => anyhow::anyhow!(
                    "{e}. Kith knows the organizations of the people you added; `kith org list` shows them."
                ),
                other => other.into(),
            })?;
            ctx.store.paths_to_organization(id, a.count, ctx.now).await?
        }
        (None, None) => bail!("give --to PERSON or --to-org ORG"),
    };
    if ctx.json {
        return json(&report);
    }
    print_report(&report);
    Ok(())
}

/// `NAME=ROLE` (or `NAME` with the default role).
fn split_role<'a>(raw: &'a str, default: Option<&'a str>) -> Result<(&'a str, &'a str)> {
    match raw.rsplit_once('=') {
        Some((n, r)) if !n.trim().is_empty() && !r.trim().is_empty() => Ok((n.trim(), r.trim())),
        _ => match default {
            Some(d) => Ok((raw.trim(), d)),
            None => bail!("person: {raw:?} needs a role as NAME=ROLE, e.g. Ada=referrer"),
        },
    }
}

async fn opp_people(ctx: &Ctx, raw: &[String]) -> Result<Vec<(ContactId, OpportunityRole)>> {
    let mut out = Vec::new();
    for p in raw {
        let (name, r) = split_role(p, Some("contact"))?;
        let role = word("role", r, OpportunityRole::parse, OpportunityRole::expected())?;
        out.push((resolve_contact(&*ctx.store, name).await?, role));
    }
    Ok(out)
}

async fn org_or_new(ctx: &Ctx, name: &str) -> Result<OrganizationId> {
    Ok(kith_store::organization_or_new(&*ctx.store, name, ctx.now).await?)
}

fn opp_title(o: &Opportunity) -> String {
    match &o.organization {
        Some((_, org)) => format!("{} at {org}", o.title),
        None => o.title.clone(),
    }
}

pub async fn opp(ctx: &Ctx, cmd: OppCommand) -> Result<()> {
    let store = &*ctx.store;
    match cmd {
        OppCommand::Add(a) => {
            let kind = word("kind", &a.kind, OpportunityKind::parse, OpportunityKind::expected())?;
            let contacts = opp_people(ctx, &a.with).await?;
            let mut input = OpportunityInput {
                title: a.title,
                kind,
                organization: None,
                stage: a.stage,
                on: a.on.as_deref().map(|d| validate::date("on", d)).transpose()?,
                next_step: a.next,
                next_step_due: a.due.as_deref().map(|d| validate::date("due", d)).transpose()?,
                contacts,
                notes: a.notes,
            };
            // Check everything before creating the organization, so bad input changes nothing.
            input.normalized(&store.pipeline().await?, ctx.today())?;
            if let Some(org) = &a.org {
                input.organization = Some(org_or_new(ctx, org).await?);
            }
            let o = store.create_opportunity(&input, ctx.now).await?;
            if ctx.json {
                return json(&o);
            }
            println!("Added {} ({}, {})", opp_title(&o), o.stage, o.id.short());
        }
        OppCommand::Edit(a) => {
            let id = resolve_opportunity(store, &a.opportunity).await?;
            let mut details = store.get_opportunity(id).await?.details();
            if let Some(t) = a.title {
                details.title = t;
            }
            if let Some(k) = &a.kind {
                details.kind =
                    word("kind", k, OpportunityKind::parse, OpportunityKind::expected())?;
            }
            if let Some(n) = a.notes {
                details.notes = n;
            }
            if a.no_org {
                details.organization = None;
            }
            // Check everything before creating the organization, so bad input changes nothing.
            details.normalized()?;
            if let Some(org) = &a.org {
                details.organization = Some(org_or_new(ctx, org).await?);
            }
            let o = store.update_opportunity(id, &details, ctx.now).await?;
            if ctx.json {
                return json(&o);
            }
            println!("Updated {} ({}, {})", opp_title(&o), o.kind, o.id.short());
        }
        OppCommand::List(a) => {
            let q = OpportunityQuery {
                kind: a
                    .kind
                    .as_deref()
                    .map(|k| word("kind", k, OpportunityKind::parse, OpportunityKind::expected()))
                    .transpose()?,
                stage: match &a.stage {
                    Some(s) => Some(store.pipeline().await?.stage(s)?),
                    None => None,
                },
                organization: match &a.org {
                    Some(o) => Some(resolve_organization(store, o).await?),
                    None => None,
                },
                contact: match &a.with {
                    Some(c) => Some(resolve_contact(store, c).await?),
                    None => None,
                },
                open_only: !a.all && a.stage.is_none(),
            };
            let list = store.list_opportunities(&q).await?;
            if ctx.json {
                return json(&list);
            }
            if list.is_empty() {
                println!(
                    "No opportunities. Add one with `kith opp add \"Staff engineer\" --org Acme --with Ada=referrer`."
                );
                return Ok(());
            }
            let mut t =
                Table::new(&["opportunity", "kind", "stage", "since", "next step", "due", "id"]);
            for o in &list {
                t.row(vec![
                    opp_title(o),
                    o.kind.to_string(),
                    o.stage.clone(),
                    o.history.last().map(|h| h.on.to_string()).unwrap_or_default(),
                    o.next_step.clone().unwrap_or_default(),
                    o.next_step_due.map(|d| d.to_string()).unwrap_or_default(),
                    o.id.short(),
                ]);
            }
            t.print();
        }
        OppCommand::Board(a) => {
            let pipeline = store.pipeline().await?;
            let list = store
                .list_opportunities(&OpportunityQuery { open_only: !a.all, ..Default::default() })
                .await?;
            let stages: Vec<String> = if a.all { pipeline.all() } else { pipeline.open.clone() };
            if ctx.json {
                let columns: Vec<_> = stages
                    .iter()
                    .map(|s| {
                        let cards: Vec<&Opportunity> =
                            list.iter().filter(|o| o.stage == *s).collect();
                        serde_json::json!({ "stage": s, "opportunities": cards })
                    })
                    .collect();
                return json(&columns);
            }
            print_board(&stages, &list);
        }
        OppCommand::Show(a) => {
            let id = resolve_opportunity(store, &a.opp).await?;
            let o = store.get_opportunity(id).await?;
            if ctx.json {
                return json(&o);
            }
            let title = opp_title(&o);
            println!("{title}\n{}", "=".repeat(title.chars().count()));
            let mut f = Fields::default();
            f.add("kind", o.kind.as_str());
            f.add(
                "stage",
                format!(
                    "{}{}",
                    o.stage,
                    if Pipeline::is_closed(&o.stage) { " (closed)" } else { "" }
                ),
            );
            let step = match (&o.next_step, o.next_step_due) {
                (Some(s), Some(d)) => format!("{s} (due {d})"),
                (Some(s), None) => s.clone(),
                _ => String::new(),
            };
            f.add("next step", step);
            let people: Vec<String> = o
                .contacts
                .iter()
                .map(|c| format!("{} ({})", c.contact.display_name, c.role))
                .collect();
            f.add("people", people.join("\n"));
            let history: Vec<String> =
                o.history.iter().map(|h| format!("{}  {}", h.on, h.stage)).collect();
            f.add("history", history.join("\n"));
            f.add("id", o.id.to_string());
            f.print();
            if !o.notes.is_empty() {
                println!("\nNotes\n-----\n{}", o.notes);
            }
        }
        OppCommand::Move(a) => {
            let id = resolve_opportunity(store, &a.opp).await?;
            let on = match &a.on {
                Some(d) => validate::date("on", d)?,
                None => ctx.today(),
            };
            let o = store.move_opportunity(id, &a.stage, on, ctx.now).await?;
            if ctx.json {
                return json(&o);
            }
            println!("{} is now {} (since {on}).", opp_title(&o), o.stage);
        }
        OppCommand::Next(a) => {
            let id = resolve_opportunity(store, &a.opp).await?;
            let step = match (a.clear, a.step) {
                (true, _) | (false, None) => None,
                (false, Some(s)) => {
                    Some((s, a.due.as_deref().map(|d| validate::date("due", d)).transpose()?))
                }
            };
            let o = store.set_next_step(id, step, ctx.now).await?;
            if ctx.json {
                return json(&o);
            }
            match (&o.next_step, o.next_step_due) {
                (Some(s), Some(d)) => println!("Next step for {}: {s} (due {d}).", opp_title(&o)),
                (Some(s), None) => println!("Next step for {}: {s}.", opp_title(&o)),
                _ => println!("{} has no next step now.", opp_title(&o)),
            }
        }
        OppCommand::Link(a) => {
            let id = resolve_opportunity(store, &a.opp).await?;
            let people = opp_people(ctx, &a.people).await?;
            let o = store.link_opportunity(id, &people).await?;
            if ctx.json {
                return json(&o);
            }
            let names: Vec<String> = o
                .contacts
                .iter()
                .map(|c| format!("{} ({})", c.contact.display_name, c.role))
                .collect();
            println!("{}: {}", opp_title(&o), names.join(", "));
        }
        OppCommand::Rm(a) => {
            let id = resolve_opportunity(store, &a.opp).await?;
            let t = store.trash_opportunity(id, ctx.now).await?;
            println!("Moved {} to the trash. Undo with `kith restore {}`.", t.label, t.id.short());
        }
    }
    Ok(())
}

/// Prints opportunities as columns, one per stage, cut to fit 24 characters each.
fn print_board(stages: &[String], list: &[Opportunity]) {
    const W: usize = 24;
    let cut = |s: &str| -> String {
        if s.chars().count() <= W {
            s.to_string()
        } else {
            format!("{}…", s.chars().take(W - 1).collect::<String>())
        }
    };
    let columns: Vec<Vec<String>> = stages
        .iter()
        .map(|s| {
            list.iter()
                .filter(|o| o.stage == *s)
                .flat_map(|o| {
                    let mut card = vec![cut(&opp_title(o))];
                    if let Some(d) = o.next_step_due {
                        card.push(cut(&format!("  next: {d}")));
                    }
                    card.push(format!("  [{}]", o.id.short()));
                    card
                })
                .collect()
        })
        .collect();
    let header: Vec<String> = stages
        .iter()
        .map(|s| {
            let n = list.iter().filter(|o| o.stage == *s).count();
            cut(&format!("{s} ({n})").to_uppercase())
        })
        .collect();
    let rows = columns.iter().map(Vec::len).max().unwrap_or(0);
    let line = |cells: Vec<&str>| {
        let s: Vec<String> = cells.iter().map(|c| format!("{:<W$}", c)).collect();
        println!("{}", s.join(" │ ").trim_end());
    };
    line(header.iter().map(String::as_str).collect());
    println!("{}", vec!["─".repeat(W); stages.len()].join("─┼─"));
    for r in 0..rows {
        line(columns.iter().map(|c| c.get(r).map(String::as_str).unwrap_or("")).collect());
    }
    if list.is_empty() {
        println!("(empty — `kith opp add` puts cards here)");
    }
}

fn collab_status(raw: &str) -> Result<CollaborationStatus> {
    word("status", raw, CollaborationStatus::parse, CollaborationStatus::expected())
}

fn apply_collab(input: &mut CollaborationInput, f: CollabFields) -> Result<()> {
    if let Some(d) = f.description {
        input.description = d;
    }
    if let Some(s) = f.status {
        input.status = Some(collab_status(&s)?);
    }
    if let Some(s) = f.start {
        input.started_on = Some(validate::date("start", &s)?);
    }
    if let Some(e) = f.end {
        input.ended_on = Some(validate::date("end", &e)?);
    }
    if let Some(o) = f.outcome {
        input.outcome = o;
    }
    Ok(())
}

async fn collab_people(ctx: &Ctx, raw: &[String]) -> Result<Vec<(ContactId, String)>> {
    let mut out = Vec::new();
    for p in raw {
        let (name, role) = split_role(p, Some(""))?;
        out.push((resolve_contact(&*ctx.store, name).await?, role.to_string()));
    }
    Ok(out)
}

pub async fn collab(ctx: &Ctx, cmd: CollabCommand) -> Result<()> {
    let store = &*ctx.store;
    match cmd {
        CollabCommand::Add(a) => {
            let mut input = CollaborationInput {
                title: a.title,
                description: String::new(),
                status: None,
                started_on: None,
                ended_on: None,
                outcome: String::new(),
            };
            apply_collab(&mut input, a.fields)?;
            input.normalized()?;
            let people = collab_people(ctx, &a.with).await?;
            let c = store.create_collaboration(&input, ctx.now).await?;
            let c =
                if people.is_empty() { c } else { store.add_participants(c.id, &people).await? };
            if ctx.json {
                return json(&c);
            }
            println!("Added collaboration {} ({})", c.title, c.id.short());
        }
        CollabCommand::Edit(a) => {
            let id = resolve_collaboration(store, &a.collab).await?;
            let c = store.get_collaboration(id).await?;
            let mut input = CollaborationInput {
                title: a.title.unwrap_or(c.title),
                description: c.description,
                status: Some(c.status),
                started_on: c.started_on,
                ended_on: c.ended_on,
                outcome: c.outcome,
            };
            apply_collab(&mut input, a.fields)?;
            let c = store.update_collaboration(id, &input, ctx.now).await?;
            if ctx.json {
                return json(&c);
            }
            println!("Updated collaboration {} ({}, {})", c.title, c.status, c.id.short());
        }
        CollabCommand::List(a) => {
            let who = match &a.with {
                Some(c) => Some(resolve_contact(store, c).await?),
                None => None,
            };
            let list = store.list_collaborations(who).await?;
            if ctx.json {
                return json(&list);
            }
            if list.is_empty() {
                println!(
                    "No collaborations. Add one with `kith collab add \"Parser library\" --with Ada=co-author`."
                );
                return Ok(());
            }
            let mut t = Table::new(&["title", "status", "started", "people", "id"]);
            for c in &list {
                let people: Vec<&str> =
                    c.participants.iter().map(|(p, _)| p.display_name.as_str()).collect();
                t.row(vec![
                    c.title.clone(),
                    c.status.to_string(),
                    c.started_on.map(|d| d.to_string()).unwrap_or_default(),
                    people.join(", "),
                    c.id.short(),
                ]);
            }
            t.print();
        }
        CollabCommand::Show(a) => {
            let id = resolve_collaboration(store, &a.collab).await?;
            let c = store.get_collaboration(id).await?;
            if ctx.json {
                return json(&c);
            }
            println!("{}\n{}", c.title, "=".repeat(c.title.chars().count()));
            let mut f = Fields::default();
            f.add("status", c.status.as_str());
            f.add("started", c.started_on.map(|d| d.to_string()).unwrap_or_default());
            f.add("ended", c.ended_on.map(|d| d.to_string()).unwrap_or_default());
            f.add("about", c.description.clone());
            f.add("outcome", c.outcome.clone());
            let people: Vec<String> = c
                .participants
                .iter()
                .map(|(p, r)| {
                    if r.is_empty() {
                        p.display_name.clone()
                    } else {
                        format!("{} ({r})", p.display_name)
                    }
                })
                .collect();
            f.add("people", people.join("\n"));
            f.add("id", c.id.to_string());
            f.print();
        }
        CollabCommand::Join(a) => {
            let id = resolve_collaboration(store, &a.collab).await?;
            let people = collab_people(ctx, &a.people).await?;
            let c = store.add_participants(id, &people).await?;
            println!(
                "{} now has {}.",
                c.title,
                count(c.participants.len() as u64, "person", "people")
            );
        }
        CollabCommand::Rm(a) => {
            let id = resolve_collaboration(store, &a.collab).await?;
            let t = store.trash_collaboration(id, ctx.now).await?;
            println!("Moved {} to the trash. Undo with `kith restore {}`.", t.label, t.id.short());
        }
    }
    Ok(())
}

fn bar(n: i64, max: i64, width: usize) -> String {
    if max <= 0 {
        return String::new();
    }
    let len = ((n as f64 / max as f64) * width as f64).round() as usize;
    "█".repeat(len.max(usize::from(n > 0)))
}

pub async fn insights(ctx: &Ctx) -> Result<()> {
    let i = ctx.store.insights(ctx.now).await?;
    if ctx.json {
        return json(&i);
    }
    println!(
        "Your network: {}, {} between them known, {}, {}.",
        count(i.contacts as u64, "person", "people"),
        count(i.ties as u64, "tie", "ties"),
        count(i.shared_employers as u64, "shared employer", "shared employers"),
        count(i.clusters as u64, "cluster", "clusters")
    );
    println!("\nGrowth (new people per month)\n-----------------------------");
    let max = i.growth.iter().map(|g| g.count).max().unwrap_or(0);
    for g in &i.growth {
        println!("{}  {:>5}  {}", g.label, g.count, bar(g.count, max, 40));
    }
    println!("\nStrength\n--------");
    let max = i.strength_histogram.iter().copied().max().unwrap_or(0);
    for (b, n) in i.strength_histogram.iter().enumerate().rev() {
        println!(
            "{:.1}–{:.1}  {:>5}  {}",
            b as f64 / 10.0,
            (b + 1) as f64 / 10.0,
            n,
            bar(*n, max, 40)
        );
    }
    println!("\nLayers (Dunbar)\n---------------");
    for l in &i.layers {
        println!(
            "closest {:>3}: {:>3} people, weakest tie {:.2}",
            l.size, l.filled, l.min_strength
        );
    }
    let inner: Vec<String> = i
        .inner_circle
        .iter()
        .map(|r| format!("{} ({:.2})", r.contact.display_name, r.score))
        .collect();
    if !inner.is_empty() {
        println!("inner circle: {}", inner.join(", "));
    }
    println!("\nDiversity\n---------");
    for (label, s) in [
        ("organizations", &i.organizations),
        ("industries", &i.industries),
        ("locations", &i.locations),
        ("met via", &i.met_via),
    ] {
        let top: Vec<String> =
            s.top.iter().take(5).map(|c| format!("{} {}", c.label, c.count)).collect();
        println!(
            "{label:<13} {} distinct, evenness {:.2}{}{}",
            s.distinct,
            s.evenness,
            if top.is_empty() { String::new() } else { format!(" — {}", top.join(", ")) },
            if s.unknown > 0 { format!(" ({} unknown)", s.unknown) } else { String::new() }
        );
    }
    for (title, list) in [
        ("Dormant strong ties worth reviving", &i.dormant),
        ("Brokers (bridge separate groups)", &i.brokers),
        ("Most connected (PageRank)", &i.most_connected),
    ] {
        println!("\n{title}\n{}", "-".repeat(title.chars().count()));
        if list.is_empty() {
            println!("None yet.");
        }
        for r in list.iter().take(10) {
            println!("{}  — {}", r.contact.display_name, r.detail);
        }
    }
    Ok(())
}
