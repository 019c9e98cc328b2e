//! One module per command group; [`run`] dispatches.

mod contacts;
mod goals;
mod interactions;
mod ledger;
mod leverage;
mod merge;
mod meta;
mod network;
mod nurture;
mod organizations;
mod search;
mod transfer;
mod trash;
mod web;

use crate::cli::{Cli, Command};
use crate::context::Ctx;
use anyhow::Result;

/// Runs one parsed command line.
pub async fn run(cli: Cli) -> Result<()> {
    // Commands that need no database.
    match &cli.command {
        Command::Completions(args) => return meta::completions(args),
        Command::Man => return meta::man(),
        _ => {}
    }
    let ctx = Ctx::open(cli.db.as_deref(), cli.json).await?;
    match cli.command {
        Command::Serve(args) => web::serve(ctx, args).await,
        Command::Demo => web::demo(&ctx).await,
        Command::Auth(cmd) => web::auth(&ctx, cmd).await,
        Command::Add(args) => contacts::add(&ctx, args).await,
        Command::Edit(args) => contacts::edit(&ctx, args).await,
        Command::Show(args) => contacts::show(&ctx, args).await,
        Command::List(args) => contacts::list(&ctx, args).await,
        Command::Note(args) => contacts::note(&ctx, args).await,
        Command::Tag(args) => contacts::tag(&ctx, args).await,
        Command::Log(args) => interactions::log(&ctx, args).await,
        Command::Interactions(args) => interactions::list(&ctx, args).await,
        Command::Org(cmd) => organizations::run(&ctx, cmd).await,
        Command::Search(args) => search::search(&ctx, args).await,
        Command::Rm(args) => trash::rm(&ctx, args).await,
        Command::Trash => trash::list(&ctx).await,
        Command::Restore(args) => trash::restore(&ctx, args).await,
        Command::Purge(args) => trash::purge(&ctx, args).await,
        Command::Due(args) => nurture::due(&ctx, args).await,
        Command::Today(args) => nurture::today(&ctx, args).await,
        Command::Upcoming(args) => nurture::upcoming(&ctx, args).await,
        Command::Why(args) => nurture::why(&ctx, args).await,
        Command::Cadence(cmd) => nurture::cadence(&ctx, cmd).await,
        Command::Snooze(args) => nurture::snooze(&ctx, args).await,
        Command::Closeness(args) => nurture::closeness(&ctx, args).await,
        Command::Reminder(cmd) => nurture::reminder(&ctx, cmd).await,
        Command::Config(cmd) => nurture::config(&ctx, cmd).await,
        Command::Ledger(cmd) => ledger::run(&ctx, cmd).await,
        Command::Event(cmd) => network::event(&ctx, cmd).await,
        Command::Community(cmd) => network::community(&ctx, cmd).await,
        Command::Goal(cmd) => goals::goal(&ctx, cmd).await,
        Command::Goals => goals::goals(&ctx).await,
        Command::Review(args) => goals::review(&ctx, args).await,
        Command::Role(cmd) => leverage::roles(&ctx, cmd).await,
        Command::Connect(args) => leverage::connect(&ctx, args).await,
        Command::Disconnect(args) => leverage::disconnect(&ctx, args).await,
        Command::Ties(args) => leverage::ties(&ctx, args).await,
        Command::Path(args) => leverage::path(&ctx, args).await,
        Command::Collab(cmd) => leverage::collab(&ctx, cmd).await,
        Command::Opp(cmd) => leverage::opp(&ctx, cmd).await,
        Command::Insights => leverage::insights(&ctx).await,
        Command::Import(args) => transfer::import(&ctx, args).await,
        Command::Export(args) => transfer::export(&ctx, args).await,
        Command::Backup(args) => transfer::backup(&ctx, args).await,
        Command::RestoreBackup(args) => transfer::restore(&ctx, args).await,
        Command::Dupes(args) => merge::dupes(&ctx, args).await,
        Command::Merge(args) => merge::merge(&ctx, args).await,
        Command::Unmerge => merge::unmerge(&ctx).await,
        Command::Completions(_) | Command::Man => Ok(()),
    }
}

/// Parses one of a fixed set of words, or says which words are expected.
pub(crate) fn word<T>(
    field: &str,
    raw: &str,
    parse: fn(&str) -> Option<T>,
    expected: String,
) -> Result<T> {
    parse(raw).ok_or_else(|| {
        anyhow::anyhow!("{field}: {raw:?} is not recognised; expected one of {expected}")
    })
}

/// `1 person`, `3 people`.
pub(crate) fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
