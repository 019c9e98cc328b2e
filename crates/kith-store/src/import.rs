//! The import service: match a parsed file against the store, show what would change, and
//! write it in one transaction. The CLI and the web app both call [`run`].

use crate::{Result, Store};
use chrono::{DateTime, Utc};
use kith_core::import::{
    self, ImportFormat, ImportPlan, MatchedBy, Parsed, PersonHint, PlanOptions, Problem, Skipped,
};
use kith_core::{ContactId, ContactInput};
use serde::Serialize;

/// How to run an import.
#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    pub plan: PlanOptions,
    /// Only report what would happen.
    pub dry_run: bool,
    /// Import the valid records even when some are invalid (those are listed and skipped).
    pub skip_invalid: bool,
}

/// Where a running import is, for a progress display.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportStage {
    /// Checking the file's records and matching them against the stored contacts.
    Matching { records: usize },
    /// Writing, in one transaction: new and changed people, interactions and events.
    Writing { people: usize, interactions: usize },
}

/// A contact matched to someone already stored.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MatchNote {
    pub line: u64,
    pub contact: ContactId,
    pub name: String,
    pub matched_by: MatchedBy,
    /// Whether the match changed the stored contact.
    pub changed: bool,
}

/// What an import did (or, for a dry run, would do).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportReport {
    pub format: Option<ImportFormat>,
    pub dry_run: bool,
    /// Whether anything was written (false for a dry run or when problems stopped it).
    pub written: bool,
    pub created: u64,
    /// Names of the contacts created (the first 50).
    pub created_names: Vec<String>,
    pub updated: u64,
    pub unchanged: u64,
    pub matched: Vec<MatchNote>,
    pub organizations: u64,
    pub interactions: u64,
    pub interactions_unchanged: u64,
    pub events: u64,
    pub unknown_people: Vec<PersonHint>,
    pub skipped: Vec<Skipped>,
    pub problems: Vec<Problem>,
}

impl ImportReport {
    /// Whether the import found invalid records.
    pub fn has_problems(&self) -> bool {
        !self.problems.is_empty()
    }
}

/// Plans and (unless a dry run, or unless there are problems and `skip_invalid` is off)
/// applies an import of `parsed`.
pub async fn run(
    store: &dyn Store,
    format: ImportFormat,
    parsed: Parsed,
    options: &ImportOptions,
    now: DateTime<Utc>,
) -> Result<ImportReport> {
    run_with_progress(store, format, parsed, options, now, &mut |_| {}).await
}

/// [`run`], telling `progress` each stage as it starts.
pub async fn run_with_progress(
    store: &dyn Store,
    format: ImportFormat,
    mut parsed: Parsed,
    options: &ImportOptions,
    now: DateTime<Utc>,
    progress: &mut (dyn FnMut(ImportStage) + Send),
) -> Result<ImportReport> {
    let today = now.date_naive();
    progress(ImportStage::Matching { records: parsed.people.len() + parsed.activities.len() });
    let index = store.match_index(format).await?;
    let people = std::mem::take(&mut parsed.people);
    let checked = on_every_core(people, |r| import::check_record(r, today));
    let plan = import::plan_checked(format, parsed, checked, &index, &options.plan, today);
    let ids: Vec<ContactId> = plan.updates.iter().map(|u| u.id).collect();
    let stored = store.get_contacts(&ids).await?;
    let mut changed: Vec<(ContactId, ContactInput, DateTime<Utc>)> = Vec::new();
    let mut report = ImportReport {
        format: Some(format),
        dry_run: options.dry_run,
        unchanged: plan.unchanged,
        interactions_unchanged: plan.activities_unchanged,
        unknown_people: plan.unknown_people.clone(),
        skipped: plan.skipped.clone(),
        problems: plan.problems.clone(),
        ..Default::default()
    };
    let stored: std::collections::HashMap<ContactId, kith_core::Contact> =
        stored.into_iter().map(|c| (c.id, c)).collect();
    for u in &plan.updates {
        let Some(contact) = stored.get(&u.id) else { continue };
        let before = contact.to_input();
        let mut merged = before.clone();
        for (r, overwrite) in &u.records {
            merged = import::merge(&merged, r, *overwrite, today);
        }
        let is_change = merged != before;
        if is_change {
            changed.push((u.id, merged, contact.updated_at));
        }
        report.matched.push(MatchNote {
            line: u.lines.first().copied().unwrap_or(0),
            contact: u.id,
            name: contact.display_name.clone(),
            matched_by: u.matched_by,
            changed: is_change,
        });
    }
    report.created = plan.new_contacts.len() as u64;
    report.created_names =
        plan.new_contacts.iter().take(50).map(|n| n.input.display_name.clone()).collect();
    report.updated = changed.len() as u64;
    report.unchanged += (plan.updates.len() - changed.len()) as u64;
    report.organizations = plan.organizations.len() as u64;
    report.interactions = plan.activities.len() as u64;
    report.events = plan.gatherings.len() as u64;
    if options.dry_run || (report.has_problems() && !options.skip_invalid) {
        return Ok(report);
    }
    if is_empty(&plan, &changed) {
        return Ok(report);
    }
    progress(ImportStage::Writing {
        people: plan.new_contacts.len() + changed.len(),
        interactions: plan.activities.len(),
    });
    store.apply_import(plan, &changed, now).await?;
    report.written = true;
    Ok(report)
}

fn is_empty(plan: &ImportPlan, changed: &[(ContactId, ContactInput, DateTime<Utc>)]) -> bool {
    plan.new_contacts.is_empty()
        && changed.is_empty()
        && plan.organizations.is_empty()
        && plan.activities.is_empty()
        && plan.gatherings.is_empty()
        && plan.updates.iter().all(|u| u.sources.is_empty())
}

/// Every live person with everything about them, for exports (loaded in chunks).
pub async fn all_contacts(store: &dyn Store) -> Result<Vec<kith_core::Contact>> {
    let page = store.list_contacts(&crate::ContactQuery::default()).await?;
    let ids: Vec<ContactId> = page.items.iter().map(|c| c.id).collect();
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(5000) {
        out.extend(store.get_contacts(chunk).await?);
    }
    Ok(out)
}

/// Every live person with the vCard UID and kept properties of those imported from cards:
/// what a vCard export writes (the CLI and the web app share it).
pub async fn contacts_with_cards(
    store: &dyn Store,
) -> Result<(Vec<kith_core::Contact>, std::collections::HashMap<ContactId, import::CardExtras>)> {
    let contacts = all_contacts(store).await?;
    let ids: Vec<ContactId> = contacts.iter().map(|c| c.id).collect();
    let cards = store.contact_cards(&ids).await?;
    Ok((contacts, cards))
}

/// `items` mapped by `f` on every core (in order); small lists stay on this thread.
fn on_every_core<T: Send, U: Send>(items: Vec<T>, f: impl Fn(T) -> U + Sync) -> Vec<U> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    let per = items.len().div_ceil(threads).max(2000);
    if items.len() <= per {
        return items.into_iter().map(f).collect();
    }
    let mut chunks: Vec<Vec<T>> = Vec::new();
    let mut rest = items.into_iter();
    loop {
        let chunk: Vec<T> = rest.by_ref().take(per).collect();
        if chunk.is_empty() {
            break;
        }
        chunks.push(chunk);
    }
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| scope.spawn(move || chunk.into_iter().map(f).collect::<Vec<U>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_core_keeps_the_order() {
        for n in [0, 1, 1999, 2000, 10_001] {
            let items: Vec<u64> = (0..n).collect();
            let doubled = super::on_every_core(items, |x| x * 2);
            assert_eq!(doubled, (0..n).map(|x| x * 2).collect::<Vec<_>>(), "{n} items");
        }
    }
}
