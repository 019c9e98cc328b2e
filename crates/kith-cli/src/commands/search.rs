//! `search`.

use crate::cli::SearchArgs;
use crate::context::Ctx;
use crate::output::{Table, json};
use anyhow::Result;
use kith_core::text::ago;

pub async fn search(ctx: &Ctx, a: SearchArgs) -> Result<()> {
    let query = a.query.join(" ");
    let hits = ctx.store.search(&query, a.limit).await?;
    if ctx.json {
        return json(&hits);
    }
    if hits.is_empty() {
        println!("Nobody matches {query:?}.");
        return Ok(());
    }
    let mut t = Table::new(&["name", "organization", "title", "last contact", "matched", "id"]);
    for h in &hits {
        let c = &h.contact;
        t.row(vec![
            c.display_name.clone(),
            c.organization.clone().unwrap_or_default(),
            c.title.clone().unwrap_or_default(),
            c.last_interaction_at.map(|x| ago(x, ctx.now)).unwrap_or_else(|| "never".into()),
            h.matched.join(" "),
            c.id.short(),
        ]);
    }
    t.print();
    Ok(())
}
