//! `event ...` and `community ...`.

use super::{count, word};
use crate::cli::{CommunityCommand, CommunityFields, EventCommand, EventFields};
use crate::context::Ctx;
use crate::output::{Fields, Table, json};
use anyhow::Result;
use kith_core::network::{
    CommunityInput, CommunityKind, CommunityRole, ContributionInput, ContributionKind, EventInput,
    EventKind, EventRole, date_range,
};
use kith_core::nurture::parse_cadence;
use kith_core::validate;
use kith_store::{
    EventQuery, resolve_community, resolve_contact, resolve_contribution, resolve_event,
    resolve_organization,
};

fn follow_up_days(raw: &str) -> Result<u32> {
    if raw.trim() == "0" {
        return Ok(0);
    }
    Ok(parse_cadence("follow-up", raw)?)
}

async fn apply_event(ctx: &Ctx, input: &mut EventInput, f: EventFields) -> Result<()> {
    if let Some(k) = f.kind {
        input.kind = Some(word("kind", &k, EventKind::parse, EventKind::expected())?);
    }
    if let Some(e) = f.end {
        input.ends_on = Some(validate::date("end", &e)?);
    }
    if let Some(l) = f.location {
        input.location = Some(l);
    }
    if let Some(u) = f.url {
        input.url = Some(u);
    }
    if let Some(o) = f.organizer {
        input.organizer = if o.trim().is_empty() {
            None
        } else {
            Some(resolve_organization(&*ctx.store, &o).await?)
        };
    }
    if let Some(r) = f.role {
        input.my_role = Some(word("role", &r, EventRole::parse, EventRole::expected())?);
    }
    if let Some(d) = f.follow_up {
        input.follow_up_days = Some(follow_up_days(&d)?);
    }
    if let Some(n) = f.notes {
        input.notes = n;
    }
    Ok(())
}

pub async fn event(ctx: &Ctx, cmd: EventCommand) -> Result<()> {
    let store = &*ctx.store;
    match cmd {
        EventCommand::Add(a) => {
            let mut input = EventInput::new(a.name, validate::date("start", &a.start)?);
            apply_event(ctx, &mut input, a.fields).await?;
            let e = store.create_event(&input, ctx.now).await?;
            if ctx.json {
                return json(&e);
            }
            println!("Added event {} on {} ({})", e.name, e.dates(), e.id.short());
            println!(
                "Record people you met there with `kith add NAME --met-at \"{}\"` or `kith event attend \"{}\" NAME --met-here`.",
                e.name, e.name
            );
        }
        EventCommand::Edit(a) => {
            let id = resolve_event(store, &a.event).await?;
            let e = store.get_event(id).await?;
            let mut input = EventInput {
                name: a.name.unwrap_or(e.name),
                kind: Some(e.kind),
                starts_on: match a.start {
                    Some(s) => validate::date("start", &s)?,
                    None => e.starts_on,
                },
                ends_on: Some(e.ends_on),
                location: e.location,
                url: e.url,
                organizer: e.organizer.map(|(id, _)| id),
                my_role: Some(e.my_role),
                follow_up_days: Some(e.follow_up_days),
                notes: e.notes,
            };
            apply_event(ctx, &mut input, a.fields).await?;
            let e = store.update_event(id, &input, ctx.now).await?;
            if ctx.json {
                return json(&e);
            }
            println!("Updated event {} on {} ({})", e.name, e.dates(), e.id.short());
        }
        EventCommand::List(a) => {
            let q = EventQuery {
                from: a.from.as_deref().map(|d| validate::date("from", d)).transpose()?,
                to: a.to.as_deref().map(|d| validate::date("to", d)).transpose()?,
                contact: match &a.with {
                    Some(r) => Some(resolve_contact(store, r).await?),
                    None => None,
                },
                limit: Some(a.limit),
                offset: a.offset,
            };
            let page = store.list_events(&q).await?;
            if ctx.json {
                return json(&page);
            }
            if page.items.is_empty() {
                println!(
                    "No events. Record one with `kith event add \"RustConf\" --start 2026-09-08`."
                );
                return Ok(());
            }
            let mut t = Table::new(&["dates", "event", "kind", "role", "people", "met", "id"]);
            for e in &page.items {
                t.row(vec![
                    date_range(e.starts_on, e.ends_on),
                    e.name.clone(),
                    e.kind.to_string(),
                    e.my_role.to_string(),
                    e.attendees.to_string(),
                    e.met_here.to_string(),
                    e.id.short(),
                ]);
            }
            t.print();
            if (page.items.len() as u64) < page.total {
                println!("({} of {}; --offset shows more)", page.items.len(), page.total);
            }
        }
        EventCommand::Show(a) => {
            let id = resolve_event(store, &a.event).await?;
            let e = store.get_event(id).await?;
            let open: Vec<_> = store
                .follow_ups(ctx.today())
                .await?
                .into_iter()
                .filter(|f| f.event_id == id)
                .collect();
            if ctx.json {
                return json(&serde_json::json!({ "event": e, "open_follow_ups": open }));
            }
            println!("{}\n{}", e.name, "=".repeat(e.name.chars().count()));
            let mut f = Fields::default();
            f.add("when", e.dates());
            f.add("kind", e.kind.as_str());
            f.add("where", e.location.clone().unwrap_or_else(|| "online".into()));
            f.add("url", e.url.clone().unwrap_or_default());
            f.add("organizer", e.organizer.as_ref().map(|(_, n)| n.clone()).unwrap_or_default());
            f.add("my role", e.my_role.as_str());
            f.add("follow up", format!("within {} days of the end", e.follow_up_days));
            f.add("id", e.id.to_string());
            f.print();
            if !e.notes.is_empty() {
                println!("\nNotes\n-----\n{}", e.notes);
            }
            println!("\nPeople there\n------------");
            if e.attendees.is_empty() {
                println!("Nobody recorded yet.");
            }
            for p in &e.attendees {
                let open_follow_up = open.iter().any(|f| f.contact.contact_id == p.contact_id);
                let note = match (p.met_here, open_follow_up) {
                    (true, true) => " — met here, follow-up open",
                    (true, false) => " — met here",
                    _ => "",
                };
                println!("{}{note}  [{}]", p.display_name, p.contact_id.short());
            }
        }
        EventCommand::Attend(a) => {
            let id = resolve_event(store, &a.event).await?;
            let mut people = Vec::new();
            for r in &a.contacts {
                people.push(resolve_contact(store, r).await?);
            }
            store.set_attendance(id, &people, a.met_here).await?;
            let e = store.get_event(id).await?;
            let how = if a.met_here { "met at" } else { "at" };
            println!(
                "Recorded {} {how} {}.",
                count(people.len() as u64, "person", "people"),
                e.name
            );
        }
        EventCommand::Unattend(a) => {
            let id = resolve_event(store, &a.event).await?;
            let mut people = Vec::new();
            for r in &a.contacts {
                people.push(resolve_contact(store, r).await?);
            }
            store.remove_attendance(id, &people).await?;
            println!("Removed {}.", count(people.len() as u64, "person", "people"));
        }
        EventCommand::Rm(a) => {
            let id = resolve_event(store, &a.event).await?;
            let t = store.trash_event(id, ctx.now).await?;
            if ctx.json {
                return json(&t);
            }
            println!(
                "Moved event {} to the trash. Undo with `kith restore {}`.",
                t.label,
                t.id.short()
            );
        }
    }
    Ok(())
}

fn apply_community(input: &mut CommunityInput, f: CommunityFields) -> Result<()> {
    if let Some(k) = f.kind {
        input.kind = Some(word("kind", &k, CommunityKind::parse_loose, CommunityKind::expected())?);
    }
    if let Some(u) = f.url {
        input.url = Some(u);
    }
    if let Some(r) = f.role {
        input.my_role = Some(word("role", &r, CommunityRole::parse, CommunityRole::expected())?);
    }
    if let Some(s) = f.since {
        input.since = Some(validate::date("since", &s)?);
    }
    if let Some(r) = f.renews {
        input.renews_on =
            if r.trim().is_empty() { None } else { Some(validate::date("renews", &r)?) };
    }
    if let Some(n) = f.notes {
        input.notes = n;
    }
    Ok(())
}

pub async fn community(ctx: &Ctx, cmd: CommunityCommand) -> Result<()> {
    let store = &*ctx.store;
    match cmd {
        CommunityCommand::Add(a) => {
            let mut input = CommunityInput {
                name: a.name,
                kind: None,
                url: None,
                my_role: None,
                since: None,
                renews_on: None,
                notes: String::new(),
            };
            apply_community(&mut input, a.fields)?;
            let c = store.create_community(&input, ctx.now).await?;
            if ctx.json {
                return json(&c);
            }
            println!("Added community {} ({})", c.name, c.id.short());
        }
        CommunityCommand::Edit(a) => {
            let id = resolve_community(store, &a.community).await?;
            let c = store.get_community(id).await?;
            let mut input = CommunityInput {
                name: a.name.unwrap_or(c.name),
                kind: Some(c.kind),
                url: c.url,
                my_role: Some(c.my_role),
                since: c.since,
                renews_on: c.renews_on,
                notes: c.notes,
            };
            apply_community(&mut input, a.fields)?;
            let c = store.update_community(id, &input, ctx.now).await?;
            if ctx.json {
                return json(&c);
            }
            println!("Updated community {} ({})", c.name, c.id.short());
        }
        CommunityCommand::List => {
            let all = store.list_communities().await?;
            if ctx.json {
                return json(&all);
            }
            if all.is_empty() {
                println!(
                    "No communities. Record one with `kith community add \"Rust Berlin\" --kind meetup-group`."
                );
                return Ok(());
            }
            let mut t = Table::new(&[
                "name",
                "kind",
                "role",
                "people",
                "contributions",
                "last",
                "renews",
                "id",
            ]);
            for c in &all {
                t.row(vec![
                    c.name.clone(),
                    c.kind.to_string(),
                    c.my_role.to_string(),
                    c.members.to_string(),
                    c.contributions.to_string(),
                    c.last_contribution.map(|d| d.to_string()).unwrap_or_default(),
                    c.renews_on.map(|d| d.to_string()).unwrap_or_default(),
                    c.id.short(),
                ]);
            }
            t.print();
        }
        CommunityCommand::Show(a) => {
            let id = resolve_community(store, &a.community).await?;
            let c = store.get_community(id).await?;
            if ctx.json {
                return json(&c);
            }
            println!("{}\n{}", c.name, "=".repeat(c.name.chars().count()));
            let mut f = Fields::default();
            f.add("kind", c.kind.as_str());
            f.add("url", c.url.clone().unwrap_or_default());
            f.add("my role", c.my_role.as_str());
            f.add("since", c.since.map(|d| d.to_string()).unwrap_or_default());
            f.add("renews", c.renews_on.map(|d| d.to_string()).unwrap_or_default());
            f.add("id", c.id.to_string());
            f.print();
            if !c.notes.is_empty() {
                println!("\nNotes\n-----\n{}", c.notes);
            }
            println!("\nPeople known through it\n-----------------------");
            if c.members.is_empty() {
                println!("Nobody yet: `kith community join \"{}\" NAME`.", c.name);
            }
            for m in &c.members {
                println!("{}  [{}]", m.display_name, m.contact_id.short());
            }
            println!("\nMy contributions\n----------------");
            if c.contributions.is_empty() {
                println!(
                    "None yet: `kith community contribute \"{}\" \"TITLE\" --kind talk`.",
                    c.name
                );
            }
            for k in &c.contributions {
                let url = k.url.as_deref().map(|u| format!("  {u}")).unwrap_or_default();
                println!("{}  {:<12} {}{url}  [{}]", k.on, k.kind.as_str(), k.title, k.id.short());
            }
        }

        CommunityCommand::Join(a) => members(ctx, &a.community, &a.contacts, true).await?,
        CommunityCommand::Leave(a) => members(ctx, &a.community, &a.contacts, false).await?,
        CommunityCommand::Contribute(a) => {
            let input = ContributionInput {
                community: resolve_community(store, &a.community).await?,
                kind: word(
                    "kind",
                    &a.kind,
                    ContributionKind::parse_loose,
                    ContributionKind::expected(),
                )?,
                on: match &a.on {
                    Some(d) => validate::date("on", d)?,
                    None => ctx.today(),
                },
                title: a.title,
                url: a.url,
            };
            let k = store.add_contribution(&input, ctx.now).await?;
            if ctx.json {
                return json(&k);
            }
            println!("Recorded {}", contribution_line(&k));
        }
        CommunityCommand::EditContribution(a) => {
            let id = resolve_contribution(store, &a.id).await?;
            let k = store.get_contribution(id).await?;
            let input = ContributionInput {
                community: match &a.community {
                    Some(c) => resolve_community(store, c).await?,
                    None => k.community_id,
                },
                kind: match &a.kind {
                    Some(raw) => word(
                        "kind",
                        raw,
                        ContributionKind::parse_loose,
                        ContributionKind::expected(),
                    )?,
                    None => k.kind,
                },
                on: match &a.on {
                    Some(d) => validate::date("on", d)?,
                    None => k.on,
                },
                title: a.title.unwrap_or(k.title),
                url: if a.no_url { None } else { a.url.or(k.url) },
            };
            let k = store.update_contribution(id, &input, ctx.now).await?;
            if ctx.json {
                return json(&k);
            }
            println!("Updated {}", contribution_line(&k));
        }
        CommunityCommand::Uncontribute(a) => {
            let id = resolve_contribution(store, &a.id).await?;
            let t = store.trash_contribution(id, ctx.now).await?;
            println!("Moved {} to the trash. Undo with `kith restore {}`.", t.label, t.id.short());
        }
        CommunityCommand::Rm(a) => {
            let id = resolve_community(store, &a.community).await?;
            let t = store.trash_community(id, ctx.now).await?;
            if ctx.json {
                return json(&t);
            }
            println!(
                "Moved community {} (and {}) to the trash. Undo with `kith restore {}`.",
                t.label,
                count(t.linked as u64, "contribution", "contributions"),
                t.id.short()
            );
        }
    }
    Ok(())
}

/// `2026-11-10 talk at Rust Berlin: Zero-copy parsing (1a2b3c4d)`.
fn contribution_line(k: &kith_core::network::Contribution) -> String {
    format!("{} {} at {}: {} ({})", k.on, k.kind, k.community_name, k.title, k.id.short())
}

async fn members(ctx: &Ctx, community: &str, contacts: &[String], member: bool) -> Result<()> {
    let id = resolve_community(&*ctx.store, community).await?;
    let mut people = Vec::new();
    for r in contacts {
        people.push(resolve_contact(&*ctx.store, r).await?);
    }
    ctx.store.set_members(id, &people, member).await?;
    let c = ctx.store.get_community(id).await?;
    let n = count(people.len() as u64, "person", "people");
    if member {
        println!("Recorded {n} known through {}.", c.name);
    } else {
        println!("Removed {n} from {}.", c.name);
    }
    Ok(())
}
