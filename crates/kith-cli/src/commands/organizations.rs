//! `org add|list|show|edit|rm`.

use crate::cli::{OrgCommand, OrgFields};
use crate::context::Ctx;
use crate::output::{Fields, Table, json};
use anyhow::Result;
use kith_core::{OrganizationInput, validate};
use kith_store::{OrganizationQuery, resolve_organization};

fn apply(input: &mut OrganizationInput, f: OrgFields) {
    if let Some(v) = f.domain {
        input.domain = Some(v);
    }
    if let Some(v) = f.industry {
        input.industry = Some(v);
    }
    if let Some(v) = f.size {
        input.size = Some(v);
    }
    if let Some(v) = f.location {
        input.location = Some(v);
    }
    if let Some(v) = f.notes {
        input.notes = v;
    }
}

pub async fn run(ctx: &Ctx, cmd: OrgCommand) -> Result<()> {
    let store = &*ctx.store;
    match cmd {
        OrgCommand::Add(a) => {
            let mut input = OrganizationInput { name: a.name, tags: a.tag, ..Default::default() };
            apply(&mut input, a.fields);
            let o = store.create_organization(&input, ctx.now).await?;
            if ctx.json {
                return json(&o);
            }
            println!("Added organization {} ({})", o.name, o.id.short());
        }
        OrgCommand::List(a) => {
            let page = store
                .list_organizations(&OrganizationQuery { limit: Some(a.limit), offset: a.offset })
                .await?;
            if ctx.json {
                return json(&page);
            }
            if page.items.is_empty() {
                println!(
                    "No organizations yet. They appear when you add people with --org, or with `kith org add NAME`."
                );
                return Ok(());
            }
            let mut t = Table::new(&["name", "domain", "industry", "people now", "before", "id"]);
            for o in &page.items {
                t.row(vec![
                    o.name.clone(),
                    o.domain.clone().unwrap_or_default(),
                    o.industry.clone().unwrap_or_default(),
                    o.current_people.to_string(),
                    o.past_people.to_string(),
                    o.id.short(),
                ]);
            }
            t.print();
        }
        OrgCommand::Show(a) => {
            let id = resolve_organization(store, &a.org).await?;
            let o = store.get_organization(id).await?;
            if ctx.json {
                return json(&o);
            }
            println!("{}\n{}", o.name, "=".repeat(o.name.chars().count()));
            let mut f = Fields::default();
            f.add("domain", o.domain.clone().unwrap_or_default());
            f.add("industry", o.industry.clone().unwrap_or_default());
            f.add("size", o.size.clone().unwrap_or_default());
            f.add("location", o.location.clone().unwrap_or_default());
            f.add("tags", o.tags.join(", "));
            f.add("id", o.id.to_string());
            f.print();
            if !o.notes.is_empty() {
                println!("\nNotes\n-----\n{}", o.notes);
            }
            let (now, before): (Vec<_>, Vec<_>) = o.people.iter().partition(|r| r.end.is_none());
            for (heading, roles) in [("People there now", now), ("People who were there", before)] {
                if roles.is_empty() {
                    continue;
                }
                println!("\n{heading}");
                let mut t = Table::new(&["name", "title", "since", "until"]);
                for r in roles {
                    t.row(vec![
                        r.display_name.clone(),
                        r.title.clone().unwrap_or_default(),
                        r.start.map(|d| d.to_string()).unwrap_or_default(),
                        r.end.map(|d| d.to_string()).unwrap_or_default(),
                    ]);
                }
                t.print();
            }
        }
        OrgCommand::Edit(a) => {
            let id = resolve_organization(store, &a.org).await?;
            let o = store.get_organization(id).await?;
            let mut input = o.to_input();
            if let Some(n) = a.name {
                input.name = n;
            }
            apply(&mut input, a.fields);
            input.tags.extend(a.add_tag);
            let remove: Vec<String> =
                a.rm_tag.iter().map(|t| validate::tag("rm-tag", t)).collect::<Result<_, _>>()?;
            input.tags.retain(|t| !remove.contains(t));
            let o = store.update_organization(id, &input, ctx.now).await?;
            if ctx.json {
                return json(&o);
            }
            println!("Updated organization {} ({})", o.name, o.id.short());
        }
        OrgCommand::Rm(a) => {
            let id = resolve_organization(store, &a.org).await?;
            let t = store.trash_organization(id, ctx.now).await?;
            if ctx.json {
                return json(&t);
            }
            println!(
                "Moved organization {} to the trash. Undo with `kith restore {}`.",
                t.label,
                t.id.short()
            );
        }
    }
    Ok(())
}
