//! `add`, `edit`, `show`, `list`, `note`, `tag`.

use crate::cli::{AddArgs, EditArgs, ListArgs, NoteArgs, ProfileArgs, ShowArgs, SortBy, TagArgs};
use crate::context::Ctx;
use crate::output::{Fields, Table, json};
use anyhow::Result;
use kith_core::text::ago;
use kith_core::{
    Birthday, Contact, ContactInput, ContactSummary, Email, Link, LinkKind, Phone, validate,
};
use kith_store::{
    ContactQuery, ContactSort, InteractionQuery, resolve_contact, resolve_event,
    resolve_organization,
};
use serde::Serialize;

fn link(url: &str) -> Link {
    Link { url: url.to_string(), kind: LinkKind::infer(url) }
}

fn phone(number: &str) -> Phone {
    Phone { number: number.to_string(), normalized: String::new(), label: None }
}

/// Applies the single-value profile flags to an input.
fn apply_profile(ctx: &Ctx, input: &mut ContactInput, p: ProfileArgs) -> Result<()> {
    if let Some(v) = p.given {
        input.given_name = Some(v);
    }
    if let Some(v) = p.family {
        input.family_name = Some(v);
    }
    if let Some(v) = p.nickname {
        input.nickname = Some(v);
    }
    match (p.org, p.title) {
        (Some(org), title) => input.set_current_role(&org, title.as_deref(), ctx.today()),
        (None, Some(title)) => match input.employment.iter_mut().find(|e| e.end.is_none()) {
            Some(current) => current.title = Some(title),
            None => anyhow::bail!("--title needs a current organization: add --org ORG"),
        },
        (None, None) => {}
    }
    if let Some(b) = p.birthday {
        input.birthday = Some(Birthday::parse("birthday", &b)?);
    }
    if let Some(v) = p.location {
        input.location = Some(v);
    }
    if let Some(v) = p.how_met {
        input.how_met = Some(v);
    }
    if let Some(d) = p.met_on {
        input.first_met = Some(validate::date("met-on", &d)?);
    }
    if let Some(n) = p.notes {
        input.notes = n;
    }
    Ok(())
}

pub async fn add(ctx: &Ctx, a: AddArgs) -> Result<()> {
    let mut input = ContactInput::named(&a.name);
    input.emails = a.email.iter().map(|e| Email { address: e.clone(), label: None }).collect();
    input.phones = a.phone.iter().map(|p| phone(p)).collect();
    input.links = a.link.iter().map(|l| link(l)).collect();
    input.tags = a.tag;
    apply_profile(ctx, &mut input, a.profile)?;
    // Resolve the event first: a wrong name must change nothing.
    let met_at = match &a.met_at {
        Some(r) => Some(ctx.store.get_event(resolve_event(&*ctx.store, r).await?).await?),
        None => None,
    };
    if let Some(e) = &met_at
        && input.first_met.is_none()
    {
        input.first_met = Some(e.starts_on.min(ctx.today()));
    }
    let c = ctx.store.create_contact(&input, ctx.now).await?;
    if let Some(e) = &met_at {
        ctx.store.set_attendance(e.id, &[c.id], true).await?;
    }
    if ctx.json {
        return json(&c);
    }
    match &met_at {
        Some(e) => println!("Added {} ({}), met at {}", c.display_name, c.id.short(), e.name),
        None => println!("Added {} ({})", c.display_name, c.id.short()),
    }
    Ok(())
}

pub async fn edit(ctx: &Ctx, a: EditArgs) -> Result<()> {
    let id = resolve_contact(&*ctx.store, &a.contact).await?;
    let before = ctx.store.get_contact(id).await?;
    let mut input = before.to_input();
    if let Some(n) = a.name {
        input.display_name = n;
    }
    apply_profile(ctx, &mut input, a.profile)?;
    if a.left_org {
        let today = ctx.today();
        let mut ended = false;
        for e in input.employment.iter_mut().filter(|e| e.end.is_none()) {
            e.end = Some(today);
            ended = true;
        }
        if !ended {
            anyhow::bail!("{} has no current role to end", before.display_name);
        }
    }
    if a.clear_birthday {
        input.birthday = None;
    }
    input.emails.extend(a.add_email.iter().map(|e| Email { address: e.clone(), label: None }));
    for rm in &a.rm_email {
        let key = validate::email_key(rm);
        let n = input.emails.len();
        input.emails.retain(|e| validate::email_key(&e.address) != key);
        if n == input.emails.len() {
            anyhow::bail!("{} has no email {rm:?}", before.display_name);
        }
    }
    input.phones.extend(a.add_phone.iter().map(|p| phone(p)));
    for rm in &a.rm_phone {
        let key = validate::phone("rm-phone", rm)?;
        let n = input.phones.len();
        input.phones.retain(|p| p.normalized != key);
        if n == input.phones.len() {
            anyhow::bail!("{} has no phone {rm:?}", before.display_name);
        }
    }
    input.links.extend(a.add_link.iter().map(|l| link(l)));
    for rm in &a.rm_link {
        let url = validate::url("rm-link", rm)?;
        let n = input.links.len();
        input.links.retain(|l| l.url != url && l.url != *rm);
        if n == input.links.len() {
            anyhow::bail!("{} has no link {rm:?}", before.display_name);
        }
    }
    let c = ctx.store.update_contact(id, &input, ctx.now).await?;
    if ctx.json {
        return json(&c);
    }
    println!("Updated {} ({})", c.display_name, c.id.short());
    Ok(())
}

/// One entry of a person's timeline.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum TimelineEntry {
    Interaction(kith_core::Interaction),
    Note(kith_core::Note),
    Ledger(kith_core::ledger::LedgerEntry),
}

impl TimelineEntry {
    fn at(&self) -> chrono::DateTime<chrono::Utc> {
        match self {
            TimelineEntry::Interaction(i) => i.occurred_at,
            TimelineEntry::Note(n) => n.created_at,
            TimelineEntry::Ledger(e) => {
                e.on.and_hms_opt(12, 0, 0).map_or(e.created_at, |d| d.and_utc())
            }
        }
    }
}

#[derive(Debug, Serialize)]
struct ShowJson<'a> {
    contact: &'a Contact,
    strength: &'a kith_core::strength::Strength,
    keep_in_touch: &'a kith_store::NurtureSettings,
    balance: &'a kith_core::ledger::Balance,
    network: &'a kith_store::ContactNetwork,
    roles: &'a [kith_core::leverage::RelationshipRole],
    opportunities: &'a [kith_core::pipeline::Opportunity],
    collaborations: &'a [kith_core::pipeline::Collaboration],
    timeline: &'a [TimelineEntry],
}

pub async fn show(ctx: &Ctx, a: ShowArgs) -> Result<()> {
    let id = resolve_contact(&*ctx.store, &a.contact).await?;
    let c = ctx.store.get_contact(id).await?;
    let q = InteractionQuery { contact: Some(id), limit: Some(a.timeline), offset: 0 };
    let interactions = ctx.store.list_interactions(&q).await?;
    let notes = ctx.store.list_notes(id).await?;
    let mut timeline: Vec<TimelineEntry> = interactions
        .items
        .into_iter()
        .map(TimelineEntry::Interaction)
        .chain(notes.into_iter().map(TimelineEntry::Note))
        .collect();
    let ledger = ctx
        .store
        .list_ledger(&kith_store::LedgerQuery {
            contact: Some(id),
            limit: Some(a.timeline),
            ..Default::default()
        })
        .await?;
    timeline.extend(ledger.items.into_iter().map(TimelineEntry::Ledger));
    timeline.sort_by_key(|e| std::cmp::Reverse(e.at()));
    timeline.truncate(a.timeline as usize);
    let nurture = ctx.store.contact_nurture(id).await?;
    let settings = ctx.store.strength_settings().await?;
    let strength = kith_core::strength::strength(&nurture.history, ctx.now, &settings);
    let network = ctx.store.contact_network(id).await?;
    let roles = ctx.store.roles_of(id).await?;
    let opportunities = ctx
        .store
        .list_opportunities(&kith_store::OpportunityQuery {
            contact: Some(id),
            ..Default::default()
        })
        .await?;
    let collaborations = ctx.store.list_collaborations(Some(id)).await?;
    if ctx.json {
        return json(&ShowJson {
            contact: &c,
            strength: &strength,
            keep_in_touch: &nurture.settings,
            balance: &nurture.balance,
            network: &network,
            roles: &roles,
            opportunities: &opportunities,
            collaborations: &collaborations,
            timeline: &timeline,
        });
    }
    println!("{}", c.display_name);
    println!("{}", "=".repeat(c.display_name.chars().count()));
    let mut f = Fields::default();
    if let Some(role) = c.current_role() {
        let title = role.title.as_deref().map(|t| format!("{t} at ")).unwrap_or_default();
        f.add("role", format!("{title}{}", role.organization));
    }
    let name = [c.given_name.as_deref(), c.family_name.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    f.add("full name", name);
    f.add("nickname", c.nickname.clone().unwrap_or_default());
    for e in &c.emails {
        f.add(
            "email",
            format!(
                "{}{}",
                e.address,
                e.label.as_deref().map(|l| format!(" ({l})")).unwrap_or_default()
            ),
        );
    }
    for p in &c.phones {
        f.add(
            "phone",
            format!(
                "{}{}",
                p.number,
                p.label.as_deref().map(|l| format!(" ({l})")).unwrap_or_default()
            ),
        );
    }
    for l in &c.links {
        f.add(l.kind.as_str(), l.url.clone());
    }
    for addr in &c.addresses {
        f.add("address", addr.one_line());
    }
    f.add("location", c.location.clone().unwrap_or_default());
    f.add("birthday", c.birthday.map(|b| b.to_string()).unwrap_or_default());
    f.add("tags", c.tags.join(", "));
    f.add("roles", roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", "));
    f.add("how met", c.how_met.clone().unwrap_or_default());
    f.add("first met", c.first_met.map(|d| d.to_string()).unwrap_or_default());
    f.add(
        "last contact",
        c.last_interaction_at
            .map(|t| format!("{} ({})", ago(t, ctx.now), t.date_naive()))
            .unwrap_or_else(|| "never".into()),
    );
    let past: Vec<String> = c
        .employment
        .iter()
        .filter(|e| e.end.is_some())
        .map(|e| {
            let span = match (e.start, e.end) {
                (Some(s), Some(x)) => format!(" ({s} – {x})"),
                (None, Some(x)) => format!(" (until {x})"),
                _ => String::new(),
            };
            format!(
                "{}{}{span}",
                e.title.as_deref().map(|t| format!("{t}, ")).unwrap_or_default(),
                e.organization
            )
        })
        .collect();
    f.add("before", past.join("\n"));
    f.add(
        "strength",
        format!("{:.2} ({}) — `kith why` explains it", strength.score, strength.band.as_str()),
    );
    let cadence = match (&nurture.settings.cadence_days, &nurture.settings.cadence_source) {
        (Some(d), Some(kith_core::nurture::CadenceSource::Tag(t))) => {
            format!("every {d} days (tag {t})")
        }
        (Some(d), _) => format!("every {d} days"),
        _ => String::new(),
    };
    f.add("keep in touch", cadence);
    f.add(
        "snoozed until",
        nurture.settings.snoozed_until.map(|d| d.to_string()).unwrap_or_default(),
    );
    f.add("ledger", nurture.balance.sentence().unwrap_or_default());
    let events: Vec<String> = network
        .events
        .iter()
        .map(|(e, met)| {
            format!("{} {}{}", e.starts_on, e.name, if *met { " (met here)" } else { "" })
        })
        .collect();
    f.add("events", events.join("\n"));
    let communities: Vec<String> = network.communities.iter().map(|m| m.name.clone()).collect();
    f.add("communities", communities.join(", "));
    let opps: Vec<String> = opportunities
        .iter()
        .map(|o| {
            let role = o
                .contacts
                .iter()
                .find(|x| x.contact.contact_id == id)
                .map(|x| x.role.as_str())
                .unwrap_or("");
            format!("{} ({}; {role})", o.title, o.stage)
        })
        .collect();
    f.add("opportunities", opps.join("\n"));
    let collabs: Vec<String> =
        collaborations.iter().map(|k| format!("{} ({})", k.title, k.status)).collect();
    f.add("collaborations", collabs.join("\n"));
    f.add("id", c.id.to_string());
    f.print();
    if !c.notes.is_empty() {
        println!("\nNotes\n-----\n{}", c.notes);
    }
    println!("\nTimeline\n--------");
    if timeline.is_empty() {
        println!("Nothing yet. Record one with `kith log \"{}\" --kind coffee`.", c.display_name);
    }
    for e in &timeline {
        match e {
            TimelineEntry::Interaction(i) => {
                let others: Vec<&str> = i
                    .participants
                    .iter()
                    .filter(|p| p.contact_id != c.id)
                    .map(|p| p.display_name.as_str())
                    .collect();
                let with = if others.is_empty() {
                    String::new()
                } else {
                    format!(" (with {})", others.join(", "))
                };
                println!(
                    "{}  {:<8} {}{with}  [{}]",
                    i.occurred_at.date_naive(),
                    i.kind.as_str(),
                    i.summary,
                    i.id.short()
                );
            }
            TimelineEntry::Note(n) => {
                println!(
                    "{}  {:<8} {}",
                    n.created_at.date_naive(),
                    "note",
                    n.body.lines().next().unwrap_or_default()
                );
            }
            TimelineEntry::Ledger(e) => {
                println!(
                    "{}  {:<8} {} ({}) {}  [{}]",
                    e.on,
                    e.kind.as_str(),
                    e.direction,
                    e.status,
                    e.summary,
                    e.id.short()
                );
            }
        }
    }
    Ok(())
}

/// Prints contact summaries as a table.
pub fn print_summaries(ctx: &Ctx, items: &[ContactSummary]) {
    let with_strength = items.iter().any(|c| c.strength.is_some());
    let mut header = vec!["name", "organization", "title", "last contact", "tags"];
    if with_strength {
        header.push("strength");
    }
    header.push("id");
    let mut t = Table::new(&header);
    for c in items {
        let mut row = vec![
            c.display_name.clone(),
            c.organization.clone().unwrap_or_default(),
            c.title.clone().unwrap_or_default(),
            c.last_interaction_at.map(|x| ago(x, ctx.now)).unwrap_or_else(|| "never".into()),
            c.tags.join(","),
        ];
        if with_strength {
            row.push(c.strength.map(|s| format!("{s:.2}")).unwrap_or_default());
        }
        row.push(c.id.short());
        t.row(row);
    }
    t.print();
}

pub async fn list(ctx: &Ctx, a: ListArgs) -> Result<()> {
    let organization = match &a.org {
        Some(o) => Some(resolve_organization(&*ctx.store, o).await?),
        None => None,
    };
    let tag = a.tag.as_deref().map(|t| validate::tag("tag", t)).transpose()?;
    let sort = match a.sort {
        SortBy::Name => ContactSort::Name,
        SortBy::Last => ContactSort::LastInteraction,
        SortBy::Stale => ContactSort::LeastRecent,
        SortBy::Added => ContactSort::Created,
        SortBy::Strength => ContactSort::Strength,
    };
    let role = a
        .role
        .as_deref()
        .map(|r| {
            use kith_core::leverage::RelationshipRole as R;
            super::word("role", r, R::parse, R::expected())
        })
        .transpose()?;
    let q = ContactQuery {
        now: Some(ctx.now),
        tag,
        organization,
        role,
        band: a.band.as_deref().and_then(kith_core::strength::Band::parse),
        overdue: a.overdue,
        sort,
        limit: Some(a.limit),
        offset: a.offset,
        ids: None,
    };
    let page = ctx.store.list_contacts(&q).await?;
    if ctx.json {
        return json(&page);
    }
    if page.items.is_empty() {
        if page.total == 0 {
            println!(
                "No people yet. Add one with `kith add \"Ada Lovelace\" --email ada@example.com`."
            );
        } else {
            println!("No people on this page ({} in all).", page.total);
        }
        return Ok(());
    }
    print_summaries(ctx, &page.items);
    let shown = page.items.len() as u64;
    if shown < page.total {
        println!("({shown} of {}; --limit and --offset page through the rest)", page.total);
    }
    Ok(())
}

pub async fn note(ctx: &Ctx, a: NoteArgs) -> Result<()> {
    let id = resolve_contact(&*ctx.store, &a.contact).await?;
    let n = ctx.store.add_note(id, &a.text, ctx.now).await?;
    if ctx.json {
        return json(&n);
    }
    let c = ctx.store.get_contact(id).await?;
    println!("Noted on {}'s timeline.", c.display_name);
    Ok(())
}

pub async fn tag(ctx: &Ctx, a: TagArgs) -> Result<()> {
    let id = resolve_contact(&*ctx.store, &a.contact).await?;
    let c = ctx.store.get_contact(id).await?;
    let mut input = c.to_input();
    let tags: Vec<String> =
        a.tags.iter().map(|t| validate::tag("tag", t)).collect::<Result<_, _>>()?;
    if a.remove {
        for t in &tags {
            if !input.tags.contains(t) {
                anyhow::bail!("{} is not tagged {t:?}", c.display_name);
            }
        }
        input.tags.retain(|t| !tags.contains(t));
    } else {
        input.tags.extend(tags);
    }
    let c = ctx.store.update_contact(id, &input, ctx.now).await?;
    if ctx.json {
        return json(&c);
    }
    let list = if c.tags.is_empty() { "no tags".to_string() } else { c.tags.join(", ") };
    println!("{}: {list}", c.display_name);
    Ok(())
}
