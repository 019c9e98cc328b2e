//! Duplicates: list them, merge two people, undo the last merge.

use crate::cli::{DupesArgs, MergeArgs};
use crate::context::Ctx;
use crate::output::{Table, json};
use anyhow::Result;
use kith_store::{MergeRecord, resolve_contact};

/// `kith dupes`.
pub async fn dupes(ctx: &Ctx, args: DupesArgs) -> Result<()> {
    let mut pairs = ctx.store.duplicates().await?;
    pairs.truncate(args.limit);
    if ctx.json {
        return json(&pairs);
    }
    if pairs.is_empty() {
        println!("No likely duplicates.");
        return Ok(());
    }
    let mut t = Table::new(&["score", "keep", "merge", "evidence"]);
    for p in &pairs {
        t.row(vec![
            format!("{:.2}", p.score),
            format!("{} ({})", p.a_name, p.a.short()),
            format!("{} ({})", p.b_name, p.b.short()),
            p.evidence.iter().map(|e| e.describe()).collect::<Vec<_>>().join("; "),
        ]);
    }
    t.print();
    println!("Merge a pair with `kith merge KEEP MERGE` (ids or names); `kith unmerge` undoes it.");
    Ok(())
}

fn print(r: &MergeRecord, verb: &str) {
    println!(
        "{verb} {} ({}) and {} ({}); {} linked records moved.",
        r.kept_name,
        r.kept.short(),
        r.merged_name,
        r.merged.short(),
        r.moved
    );
}

/// `kith merge KEEP MERGE`.
pub async fn merge(ctx: &Ctx, args: MergeArgs) -> Result<()> {
    let keep = resolve_contact(&*ctx.store, &args.keep).await?;
    let other = resolve_contact(&*ctx.store, &args.merge).await?;
    let r = ctx.store.merge_contacts(keep, other, ctx.now).await?;
    if ctx.json {
        return json(&r);
    }
    print(&r, "Merged");
    println!("{} is in the trash; `kith unmerge` undoes this.", r.merged_name);
    Ok(())
}

/// `kith unmerge`.
pub async fn unmerge(ctx: &Ctx) -> Result<()> {
    let r = ctx.store.unmerge(ctx.now).await?;
    if ctx.json {
        return json(&r);
    }
    print(&r, "Separated");
    Ok(())
}
