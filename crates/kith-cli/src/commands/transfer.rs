//! Getting data in and out: import, export, backup and restore.

use crate::cli::{
    BackupArgs, ExportArgs, ExportFormatArg, ImportArgs, ImportFormatArg, MeArgs, RestoreBackupArgs,
};
use crate::context::Ctx;
use crate::output::json;
use anyhow::{Context as _, Result, anyhow, bail};
use kith_core::import::{ImportFormat, ParseOptions, Parsed};
use kith_store::import::{ImportOptions, ImportReport, ImportStage};
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

fn format_of(arg: ImportFormatArg) -> ImportFormat {
    match arg {
        ImportFormatArg::Linkedin => ImportFormat::Linkedin,
        ImportFormatArg::LinkedinMessages => ImportFormat::LinkedinMessages,
        ImportFormatArg::Google => ImportFormat::Google,
        ImportFormatArg::Vcard => ImportFormat::Vcard,
        ImportFormatArg::Ical => ImportFormat::Ical,
        ImportFormatArg::Mbox => ImportFormat::Mbox,
        ImportFormatArg::Json => ImportFormat::Json,
    }
}

/// The format and file of `kith import [FORMAT] FILE`.
fn format_and_file(args: &[String]) -> Result<(Option<ImportFormat>, PathBuf)> {
    use clap::ValueEnum as _;
    match args {
        [file] => Ok((None, PathBuf::from(file))),
        [format, file] => {
            let f = ImportFormatArg::from_str(format, true).map_err(|_| {
                let names: Vec<String> = ImportFormatArg::value_variants()
                    .iter()
                    .filter_map(|v| v.to_possible_value().map(|p| p.get_name().to_string()))
                    .collect();
                anyhow!(
                    "format: {format:?} is not recognised; expected one of {}",
                    names.join(", ")
                )
            })?;
            Ok((Some(format_of(f)), PathBuf::from(file)))
        }
        _ => bail!("expected [FORMAT] FILE"),
    }
}

fn head_of(path: &Path) -> Result<Vec<u8>> {
    let mut f =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut head = vec![0; 8192];
    let n = f.read(&mut head).with_context(|| format!("cannot read {}", path.display()))?;
    head.truncate(n);
    Ok(head)
}

/// `kith import [FORMAT] FILE`.
pub async fn import(ctx: &Ctx, args: ImportArgs) -> Result<()> {
    let (format, path) = format_and_file(&args.args)?;
    let name = path.display().to_string();
    let head = head_of(&path)?;
    let file_name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let format = match format.or_else(|| kith_formats::detect(&file_name, &head)) {
        Some(f) => f,
        None if kith_formats::text::looks_binary(&head) => {
            bail!(
                "{name}: this looks like binary data, not a file Kith can import (LinkedIn or Google CSV, vCard, iCalendar, mbox, Kith JSON)"
            )
        }
        None => bail!(
            "{name}: cannot tell the format; name it: kith import FORMAT {name} (linkedin, linkedin-messages, google, vcard, ical, mbox, json)"
        ),
    };
    if format == ImportFormat::Json {
        if args.dry_run {
            bail!(
                "{name}: a Kith JSON file restores a whole database; --dry-run is not available for it"
            );
        }
        return restore_file(ctx, &path, false).await;
    }
    let mut me = args.me.clone();
    if me.is_empty() {
        me = ctx.store.own_emails().await?;
    }
    let mut opts = ParseOptions::new(ctx.today(), me);
    if let Some(from) = args.from {
        opts.from = from;
    }
    if let Some(until) = args.until {
        opts.until = until.min(ctx.today());
    }
    opts.max_meeting_size = args.max_meeting_size;
    if matches!(format, ImportFormat::Mbox | ImportFormat::Ical) && opts.me.is_empty() {
        eprintln!(
            "Note: your own addresses are not set, so every email counts as received; set them once with `kith config me you@example.com`."
        );
    }
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let status = status_line(size);
    status.set_message(format!("reading {name}"));
    let parsed = read_file(&path, format, &opts, &status)?;
    let options = ImportOptions {
        plan: kith_core::import::PlanOptions { add_unknown: args.add_unknown },
        dry_run: args.dry_run,
        skip_invalid: args.skip_invalid,
    };
    let report = kith_store::import::run_with_progress(
        &*ctx.store,
        format,
        parsed,
        &options,
        ctx.now,
        &mut |stage| status.set_message(stage_text(stage)),
    )
    .await;
    status.finish_and_clear();
    let report = report?;
    if ctx.json {
        json(&report)?;
    } else {
        print_report(&name, &report);
    }
    if report.has_problems() && !args.skip_invalid && !args.dry_run {
        bail!(
            "{name}: nothing was imported because of the {} above; fix them, or pass --skip-invalid to import the rest",
            crate::commands::count(report.problems.len() as u64, "problem", "problems")
        );
    }
    Ok(())
}

/// Reads and parses a file; a large mailbox shows how much of it is read.
fn read_file(
    path: &Path,
    format: ImportFormat,
    opts: &ParseOptions,
    status: &indicatif::ProgressBar,
) -> Result<Parsed> {
    let name = path.display().to_string();
    if format == ImportFormat::Mbox {
        let file = std::fs::File::open(path).with_context(|| format!("cannot open {name}"))?;
        let len = file.metadata().map(|m| m.len()).unwrap_or(0);
        if !status.is_hidden() {
            status.set_length(len);
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{spinner} reading {bytes}/{total_bytes} {wide_bar} {bytes_per_sec}, {eta} left",
            ) {
                status.set_style(style);
            }
        }
        let reader = BufReader::with_capacity(1 << 20, file);
        let parsed = kith_formats::mbox::read(reader, opts, &mut |done| status.set_position(done))
            .map_err(|e| anyhow!("{name}: {e}"))?;
        status.set_style(spinner_style());
        return Ok(parsed);
    }
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {name}"))?;
    kith_formats::parse(format, &bytes, opts).map_err(|e| anyhow!("{name}: {e}"))
}

/// Files from this size get a status line while they import (a few tenths of a second and
/// more); smaller ones, and output that is not a terminal, get none.
const STATUS_FROM_BYTES: u64 = 1 << 20;

/// The line that says what a large import is doing (hidden for small files and when stderr
/// is not a terminal).
fn status_line(file_size: u64) -> indicatif::ProgressBar {
    use std::io::IsTerminal as _;
    if file_size < STATUS_FROM_BYTES || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    // Cleared however the import ends, so an error is printed on a clean line.
    let bar = indicatif::ProgressBar::new_spinner()
        .with_style(spinner_style())
        .with_finish(indicatif::ProgressFinish::AndClear);
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

fn spinner_style() -> indicatif::ProgressStyle {
    indicatif::ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner())
}

/// What the status line says during a stage of the import.
fn stage_text(stage: ImportStage) -> String {
    use crate::commands::count;
    match stage {
        ImportStage::Matching { records } => format!(
            "checking {} and matching them against your contacts",
            count(records as u64, "record", "records")
        ),
        ImportStage::Writing { people, interactions: 0 } => {
            format!("writing {}", count(people as u64, "person", "people"))
        }
        ImportStage::Writing { people, interactions } => format!(
            "writing {} and {}",
            count(people as u64, "person", "people"),
            count(interactions as u64, "interaction", "interactions")
        ),
    }
}

fn print_report(name: &str, r: &ImportReport) {
    let what = r.format.map(|f| f.as_str()).unwrap_or("file");
    if r.dry_run {
        println!("Dry run of {name} ({what}): nothing was written.");
    } else if r.written {
        println!("Imported {name} ({what}).");
    } else if r.created + r.updated + r.organizations + r.interactions + r.events == 0 {
        println!("Nothing to change from {name} ({what}): everything in it is already in Kith.");
    }
    let line = |label: &str, n: u64| {
        if n > 0 {
            println!("  {label:<28} {n}");
        }
    };
    line("new people", r.created);
    line("people updated", r.updated);
    line("already up to date", r.unchanged);
    line("organizations", r.organizations);
    line("interactions", r.interactions);
    line("interactions already in", r.interactions_unchanged);
    line("events attended", r.events);
    let changed: Vec<_> = r.matched.iter().filter(|m| m.changed).collect();
    if !changed.is_empty() {
        println!("Matched with people already in Kith and updated:");
        for m in changed.iter().take(20) {
            let at = if m.line > 0 { format!("line {}: ", m.line) } else { String::new() };
            println!("  {at}{} ({})", m.name, m.matched_by.as_str());
        }
        if changed.len() > 20 {
            println!("  … and {} more", changed.len() - 20);
        }
    }
    if !r.unknown_people.is_empty() {
        println!(
            "{} not in Kith (add them with --add-unknown):",
            crate::commands::count(r.unknown_people.len() as u64, "person", "people")
        );
        for p in r.unknown_people.iter().take(10) {
            match (&p.name, &p.email) {
                (Some(n), Some(e)) => println!("  {n} <{e}>"),
                _ => println!("  {}", p.label()),
            }
        }
        if r.unknown_people.len() > 10 {
            println!("  … and {} more", r.unknown_people.len() - 10);
        }
    }
    if !r.skipped.is_empty() {
        println!("Skipped on purpose:");
        for s in r.skipped.iter().take(10) {
            if s.line > 0 {
                println!("  {name}:{}: {}", s.line, s.reason);
            } else {
                println!("  {}", s.reason);
            }
        }
        if r.skipped.len() > 10 {
            println!("  … and {} more", r.skipped.len() - 10);
        }
    }
    if !r.problems.is_empty() {
        eprintln!("Problems ({}):", r.problems.len());
        for p in &r.problems {
            eprintln!("  {}", p.describe(name));
        }
    }
}

/// `kith export`.
pub async fn export(ctx: &Ctx, args: ExportArgs) -> Result<()> {
    let bytes = match args.format {
        ExportFormatArg::Json => {
            let mut out = Vec::new();
            ctx.store.backup(&mut out, ctx.now).await?;
            out
        }
        ExportFormatArg::Vcard => {
            let version = if args.vcard_version == 3 {
                kith_formats::vcard::Version::V3
            } else {
                kith_formats::vcard::Version::V4
            };
            vcards(ctx, version).await?.into_bytes()
        }
        ExportFormatArg::Csv => kith_formats::csv_out::write(&all_contacts(ctx).await?)?,
    };
    match &args.output {
        Some(path) => {
            write_atomically(path, &bytes)?;
            eprintln!("Wrote {} ({} bytes).", path.display(), bytes.len());
        }
        None => {
            use std::io::Write as _;
            let mut out = std::io::stdout().lock();
            out.write_all(&bytes)?;
            out.flush()?;
        }
    }
    Ok(())
}

async fn all_contacts(ctx: &Ctx) -> Result<Vec<kith_core::Contact>> {
    Ok(kith_store::import::all_contacts(&*ctx.store).await?)
}

/// Every person as a vCard, with the UID and kept properties of imported cards.
async fn vcards(ctx: &Ctx, version: kith_formats::vcard::Version) -> Result<String> {
    let (contacts, cards) = kith_store::import::contacts_with_cards(&*ctx.store).await?;
    Ok(kith_formats::vcard::write_all(&contacts, &cards, version))
}

/// Where a file is written before it is renamed into place: `.NAME.partial` beside it, so a
/// failed or interrupted write never leaves a half file under the real name.
fn partial_path(path: &Path) -> PathBuf {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    dir.join(format!(".{name}.partial"))
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = partial_path(path);
    std::fs::write(&tmp, bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// `kith backup FILE`: streams the snapshot to a temporary file, then renames it.
pub async fn backup(ctx: &Ctx, args: BackupArgs) -> Result<()> {
    let path = &args.file;
    let tmp = partial_path(path);
    let file =
        std::fs::File::create(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
    let result = ctx.store.backup(&mut out, ctx.now).await;
    drop(out);
    let summary = match result {
        Ok(s) => s,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e.into());
        }
    };
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))?;
    if ctx.json {
        return json(&summary);
    }
    println!(
        "Backed up {} rows from {} tables (schema v{}) to {}.",
        summary.rows,
        summary.tables,
        summary.schema_version,
        path.display()
    );
    Ok(())
}

/// `kith restore-backup FILE`.
pub async fn restore(ctx: &Ctx, args: RestoreBackupArgs) -> Result<()> {
    restore_file(ctx, &args.file, args.replace).await
}

pub(crate) async fn restore_file(ctx: &Ctx, path: &Path, replace: bool) -> Result<()> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut input = BufReader::with_capacity(1 << 20, file);
    let summary = ctx
        .store
        .restore_backup(&mut input, replace)
        .await
        .map_err(|e| anyhow!("{}: {e}; nothing was restored", path.display()))?;
    if ctx.json {
        return json(&summary);
    }
    println!(
        "Restored {} rows into {} tables from {}.",
        summary.rows,
        summary.tables,
        path.display()
    );
    Ok(())
}

/// `kith config me [EMAIL...]`.
pub async fn me(ctx: &Ctx, args: MeArgs) -> Result<()> {
    let emails = if args.emails.is_empty() {
        ctx.store.own_emails().await?
    } else {
        ctx.store.set_own_emails(&args.emails).await?
    };
    if ctx.json {
        return json(&emails);
    }
    if emails.is_empty() {
        println!("No addresses of yours are set; add them with `kith config me you@example.com`.");
    } else {
        println!("Your addresses: {}", emails.join(", "));
    }
    Ok(())
}
