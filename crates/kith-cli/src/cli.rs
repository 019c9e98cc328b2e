//! The one definition of Kith's command line. Help, shell completions (`kith completions`) and
//! the man page (`kith man`) are all generated from it.

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Kith: a private, local-first relationship manager for people who build a professional
/// network on purpose.
#[derive(Debug, Parser)]
#[command(name = "kith", version, about, long_about = None, propagate_version = true)]
#[command(
    after_help = "Start with `kith add \"Ada Lovelace\" --email ada@example.com`, then `kith log Ada --kind coffee`.\n\nThe database is a SQLite file in your data directory unless --db or KITH_DATABASE_URL names another: sqlite://PATH or postgres://USER:PASSWORD@HOST/DATABASE."
)]
pub struct Cli {
    /// Database URL: sqlite://PATH (default: a file in your data directory) or postgres://...
    #[arg(long, global = true, env = "KITH_DATABASE_URL", value_name = "URL")]
    pub db: Option<String>,

    /// Print machine-readable JSON instead of text (read commands and confirmations).
    #[arg(long, global = true)]
    pub json: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Add a person.
    Add(AddArgs),
    /// Change a person's details.
    Edit(EditArgs),
    /// Show a person: profile, roles, recent timeline.
    Show(ShowArgs),
    /// List people, filtered and sorted.
    #[command(visible_alias = "ls")]
    List(ListArgs),
    /// Record an interaction (coffee, call, meeting, ...) with one or more people.
    Log(LogArgs),
    /// List interactions, newest first.
    Interactions(InteractionsArgs),
    /// Add a dated note to a person's timeline.
    Note(NoteArgs),
    /// Add tags to a person (or remove them with --remove).
    Tag(TagArgs),
    /// Organizations: add, list, show, edit, rm.
    #[command(subcommand)]
    Org(OrgCommand),
    /// Find people by name, email, organization, title, tag or notes; typos are forgiven.
    Search(SearchArgs),
    /// Move a person (or, with --interaction, an interaction) to the trash.
    Rm(RmArgs),
    /// List what is in the trash.
    Trash,
    /// Bring something back from the trash, with everything that went with it; or restore a
    /// backup file.
    Restore(RestoreArgs),
    /// Delete trash entries for good.
    Purge(PurgeArgs),
    /// Who to reach out to now, most urgent first, each with a reason.
    Due(DueArgs),
    /// Today at a glance: who to reach out to, reminders due and dates this week.
    Today(DueArgs),
    /// Birthdays, work anniversaries and reminders coming up.
    Upcoming(UpcomingArgs),
    /// Explain a person's relationship strength factor by factor.
    Why(WhyArgs),
    /// Keep-in-touch cadences for a person or everyone with a tag.
    #[command(subcommand)]
    Cadence(CadenceCommand),
    /// Keep someone off the due list until a date.
    Snooze(SnoozeArgs),
    /// Set how close you feel to someone (0–1); it replaces the computed strength.
    Closeness(ClosenessArgs),
    /// The reciprocity ledger: help given and received, asks, feedback, acknowledgements.
    #[command(subcommand)]
    Ledger(LedgerCommand),
    /// Reminders: one-off or yearly, optionally about a person.
    #[command(subcommand)]
    Reminder(ReminderCommand),
    /// Events: conferences, meetups, webinars; who was there and who you met.
    #[command(subcommand)]
    Event(EventCommand),
    /// Communities: associations, alumni networks, forums, chat groups, open-source projects.
    #[command(subcommand)]
    Community(CommunityCommand),
    /// Networking goals measured from your data (add, list, rm).
    #[command(subcommand)]
    Goal(GoalCommand),
    /// Every goal's progress this period, its streak and its history.
    Goals,
    /// The week or month in review: new people, interactions, events, goals, what went stale.
    Review(ReviewArgs),
    /// Relationship roles: mentor, mentee, sponsor, peer, manager, client, ...
    #[command(subcommand)]
    Role(RoleCommand),
    /// Record that two people know each other.
    Connect(ConnectArgs),
    /// Remove a connection you recorded (to the trash).
    Disconnect(DisconnectArgs),
    /// Who a person knows: ties you recorded and ties inferred from your data, with reasons.
    Ties(TiesArgs),
    /// Warm-introduction paths to a person or an organization, ranked and explained.
    Path(PathArgs),
    /// Collaborations: projects and initiatives with colleagues.
    #[command(subcommand)]
    Collab(CollabCommand),
    /// The opportunity pipeline: jobs, clients, collaborations, speaking.
    #[command(subcommand)]
    Opp(OppCommand),
    /// Network insights: growth, strength layers, diversity, dormant ties, brokers.
    Insights,
    /// Import a file: LinkedIn export, Google CSV, vCard, iCalendar, mbox (format detected).
    #[command(
        after_help = "Examples:\n  kith import Connections.csv --dry-run\n  kith import vcard contacts.vcf\n  kith import calendar.ics --from 2025-01-01 --add-unknown\n  kith import mail.mbox --me me@example.com\n\nRe-importing a file changes nothing; a newer file updates what changed. People are matched by source id, email, phone, profile link or (without any of those) name."
    )]
    Import(ImportArgs),
    /// Export everything (json), or people as vCards or CSV.
    Export(ExportArgs),
    /// Write a consistent snapshot of the whole database to a file (works while Kith runs).
    Backup(BackupArgs),
    /// Restore a backup (or a `kith export --format json` file) into an empty database.
    #[command(name = "restore-backup")]
    RestoreBackup(RestoreBackupArgs),
    /// Likely duplicate people, best first, with the evidence.
    Dupes(DupesArgs),
    /// Merge the second person into the first: every field and linked record is kept.
    Merge(MergeArgs),
    /// Undo the last merge.
    Unmerge,
    /// Settings (strength half-life, follow-up window, pipeline stages) and maintenance.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Open the web app (and JSON API) in your browser: http://127.0.0.1:7878 by default.
    Serve(ServeArgs),
    /// Load a made-up demo network into an empty database.
    Demo,
    /// Sign-in for the web app: password and API tokens.
    #[command(subcommand)]
    Auth(AuthCommand),
    /// Print shell completions.
    Completions(CompletionsArgs),
    /// Print the man page (roff).
    Man,
}

/// Fields shared by `add` and `edit` that set a single value.
#[derive(Debug, Args, Default)]
pub struct ProfileArgs {
    /// Given (first) name.
    #[arg(long, value_name = "NAME")]
    pub given: Option<String>,
    /// Family (last) name.
    #[arg(long, value_name = "NAME")]
    pub family: Option<String>,
    /// Nickname.
    #[arg(long, value_name = "NAME")]
    pub nickname: Option<String>,
    /// Current organization (created if new); the previous current role is kept as history.
    #[arg(long, value_name = "ORG")]
    pub org: Option<String>,
    /// Title at the current organization.
    #[arg(long, value_name = "TITLE")]
    pub title: Option<String>,
    /// Birthday: YYYY-MM-DD, or MM-DD when you don't know the year.
    #[arg(long, value_name = "DATE")]
    pub birthday: Option<String>,
    /// Where they live or work.
    #[arg(long, value_name = "PLACE")]
    pub location: Option<String>,
    /// How you met (free text).
    #[arg(long, value_name = "TEXT")]
    pub how_met: Option<String>,
    /// When you first met (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub met_on: Option<String>,
    /// Notes about them (markdown); replaces the profile notes.
    #[arg(long, value_name = "TEXT")]
    pub notes: Option<String>,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// Their name as you want to see it.
    pub name: String,
    /// Email address (repeatable).
    #[arg(long, short = 'e', value_name = "EMAIL")]
    pub email: Vec<String>,
    /// Phone number (repeatable).
    #[arg(long, short = 'p', value_name = "PHONE")]
    pub phone: Vec<String>,
    /// Web link: LinkedIn, GitHub, website... (repeatable).
    #[arg(long, short = 'l', value_name = "URL")]
    pub link: Vec<String>,
    /// Tag (repeatable).
    #[arg(long, short = 't', value_name = "TAG")]
    pub tag: Vec<String>,
    /// The event where you first met them (name or id); they get a follow-up after it.
    #[arg(long, value_name = "EVENT")]
    pub met_at: Option<String>,
    #[command(flatten)]
    pub profile: ProfileArgs,
}

#[derive(Debug, Args)]
pub struct EditArgs {
    /// Who: a name, name prefix, email or id.
    pub contact: String,
    /// New display name.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    #[command(flatten)]
    pub profile: ProfileArgs,
    /// End the current role today (they left; no new role yet).
    #[arg(long, conflicts_with = "org")]
    pub left_org: bool,
    /// Add an email address (repeatable).
    #[arg(long, value_name = "EMAIL")]
    pub add_email: Vec<String>,
    /// Remove an email address (repeatable).
    #[arg(long, value_name = "EMAIL")]
    pub rm_email: Vec<String>,
    /// Add a phone number (repeatable).
    #[arg(long, value_name = "PHONE")]
    pub add_phone: Vec<String>,
    /// Remove a phone number (repeatable; matched ignoring punctuation).
    #[arg(long, value_name = "PHONE")]
    pub rm_phone: Vec<String>,
    /// Add a link (repeatable).
    #[arg(long, value_name = "URL")]
    pub add_link: Vec<String>,
    /// Remove a link (repeatable).
    #[arg(long, value_name = "URL")]
    pub rm_link: Vec<String>,
    /// Forget the birthday.
    #[arg(long, conflicts_with = "birthday")]
    pub clear_birthday: bool,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Who: a name, name prefix, email or id.
    pub contact: String,
    /// How many timeline entries to show.
    #[arg(long, default_value_t = 10)]
    pub timeline: u64,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SortBy {
    /// A–Z by name.
    Name,
    /// Most recently contacted first.
    Last,
    /// Least recently contacted first (never contacted first).
    Stale,
    /// Newest additions first.
    Added,
    /// Strongest relationships first.
    Strength,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only people with this tag.
    #[arg(long, short = 't')]
    pub tag: Option<String>,
    /// Only people currently at this organization.
    #[arg(long, short = 'o', value_name = "ORG")]
    pub org: Option<String>,
    /// Only people with this relationship role (mentor, client, ...; see `kith role`).
    #[arg(long, short = 'r')]
    pub role: Option<String>,
    /// Only people whose strength is in this band.
    #[arg(long, value_parser = ["regular", "occasional", "sporadic"])]
    pub band: Option<String>,
    /// Only people on the due list (overdue for their cadence, or owed a follow-up).
    #[arg(long)]
    pub overdue: bool,
    /// Order of the list.
    #[arg(long, short = 's', value_enum, default_value_t = SortBy::Name)]
    pub sort: SortBy,
    /// At most this many people.
    #[arg(long, short = 'n', default_value_t = 100)]
    pub limit: u64,
    /// Skip this many first.
    #[arg(long, default_value_t = 0)]
    pub offset: u64,
}

#[derive(Debug, Args)]
pub struct LogArgs {
    /// Who took part: names, name prefixes, emails or ids (one or more).
    #[arg(required = true, value_name = "CONTACT")]
    pub contacts: Vec<String>,
    /// What kind: meeting, call, video, coffee, meal, email, message, event, other.
    #[arg(long, short = 'k', default_value = "meeting")]
    pub kind: String,
    /// Who reached out: me, them or mutual.
    #[arg(long, short = 'd', default_value = "mutual")]
    pub direction: String,
    /// When: YYYY-MM-DD, "YYYY-MM-DD HH:MM" or RFC 3339 (default: now).
    #[arg(long, value_name = "WHEN")]
    pub at: Option<String>,
    /// One-line summary.
    #[arg(long, short = 'm', value_name = "TEXT", default_value = "")]
    pub summary: String,
    /// Longer notes (markdown).
    #[arg(long, value_name = "TEXT", default_value = "")]
    pub notes: String,
}

#[derive(Debug, Args)]
pub struct InteractionsArgs {
    /// Only interactions with this person.
    #[arg(long, short = 'w', value_name = "CONTACT")]
    pub with: Option<String>,
    /// At most this many.
    #[arg(long, short = 'n', default_value_t = 50)]
    pub limit: u64,
    /// Skip this many first.
    #[arg(long, default_value_t = 0)]
    pub offset: u64,
}

#[derive(Debug, Args)]
pub struct NoteArgs {
    /// Who the note is about.
    pub contact: String,
    /// The note (markdown).
    pub text: String,
}

#[derive(Debug, Args)]
pub struct TagArgs {
    /// Who.
    pub contact: String,
    /// Tags to add (or remove).
    #[arg(required = true)]
    pub tags: Vec<String>,
    /// Remove the tags instead of adding them.
    #[arg(long, short = 'r')]
    pub remove: bool,
}

#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Add an organization.
    Add(OrgAddArgs),
    /// List organizations with how many people you know there.
    #[command(visible_alias = "ls")]
    List(OrgListArgs),
    /// Show an organization and the people there, now and before.
    Show(OrgRefArgs),
    /// Change an organization's details.
    Edit(OrgEditArgs),
    /// Move an organization to the trash.
    Rm(OrgRefArgs),
}

#[derive(Debug, Args, Default)]
pub struct OrgFields {
    /// Web domain, e.g. acme.com.
    #[arg(long)]
    pub domain: Option<String>,
    /// Industry.
    #[arg(long)]
    pub industry: Option<String>,
    /// Size, e.g. "50-200".
    #[arg(long)]
    pub size: Option<String>,
    /// Location.
    #[arg(long)]
    pub location: Option<String>,
    /// Notes (markdown).
    #[arg(long)]
    pub notes: Option<String>,
}

#[derive(Debug, Args)]
pub struct OrgAddArgs {
    /// Its name.
    pub name: String,
    #[command(flatten)]
    pub fields: OrgFields,
    /// Tag (repeatable).
    #[arg(long, short = 't')]
    pub tag: Vec<String>,
}

#[derive(Debug, Args)]
pub struct OrgListArgs {
    /// At most this many.
    #[arg(long, short = 'n', default_value_t = 100)]
    pub limit: u64,
    /// Skip this many first.
    #[arg(long, default_value_t = 0)]
    pub offset: u64,
}

#[derive(Debug, Args)]
pub struct OrgRefArgs {
    /// The organization: name, name prefix, domain or id.
    pub org: String,
}

#[derive(Debug, Args)]
pub struct OrgEditArgs {
    /// The organization: name, name prefix, domain or id.
    pub org: String,
    /// New name.
    #[arg(long)]
    pub name: Option<String>,
    #[command(flatten)]
    pub fields: OrgFields,
    /// Add a tag (repeatable).
    #[arg(long)]
    pub add_tag: Vec<String>,
    /// Remove a tag (repeatable).
    #[arg(long)]
    pub rm_tag: Vec<String>,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// What to look for.
    #[arg(required = true)]
    pub query: Vec<String>,
    /// At most this many results.
    #[arg(long, short = 'n', default_value_t = 20)]
    pub limit: usize,
}

#[derive(Debug, Args)]
pub struct RmArgs {
    /// Who: a name, name prefix, email or id (or an interaction id with --interaction).
    pub target: String,
    /// The target is an interaction id (or id prefix), not a person.
    #[arg(long)]
    pub interaction: bool,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The trash entry: its id, the deleted record's id, or its name. A backup file (from
    /// `kith backup`) is restored into the empty database instead.
    pub entry: String,
    /// With a backup file: delete everything in the database first (one transaction).
    #[arg(long)]
    pub replace: bool,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("what").required(true).args(["entry", "all"]))]
pub struct PurgeArgs {
    /// The trash entry: its id, the deleted record's id, or its name.
    pub entry: Option<String>,
    /// Empty the whole trash.
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct DueArgs {
    /// At most this many people.
    #[arg(long, short = 'n', default_value_t = 20)]
    pub limit: usize,
}

#[derive(Debug, Args)]
pub struct UpcomingArgs {
    /// How many days ahead.
    #[arg(long, short = 'd', default_value_t = 14)]
    pub days: u32,
}

#[derive(Debug, Args)]
pub struct WhyArgs {
    /// Who.
    pub contact: String,
}

#[derive(Debug, Subcommand)]
pub enum CadenceCommand {
    /// Set a cadence: `kith cadence set Ada --every 30d` or `kith cadence set --tag mentor --every 6w`.
    Set(CadenceSetArgs),
    /// Remove a cadence from a person or a tag.
    Clear(CadenceTarget),
    /// List tag cadences.
    #[command(visible_alias = "ls")]
    List,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("target").required(true).args(["contact", "tag"]))]
pub struct CadenceTarget {
    /// The person.
    pub contact: Option<String>,
    /// Everyone with this tag instead of one person.
    #[arg(long, short = 't')]
    pub tag: Option<String>,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("target").required(true).args(["contact", "tag"]))]
pub struct CadenceSetArgs {
    /// The person (omit with --tag).
    pub contact: Option<String>,
    /// How often: 30 or 30d (days), 6w (weeks), 3m (months), 1y.
    #[arg(long, short = 'e')]
    pub every: String,
    /// Everyone with this tag instead of one person.
    #[arg(long, short = 't')]
    pub tag: Option<String>,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("when").required(true).args(["until", "for_", "clear"]))]
pub struct SnoozeArgs {
    /// Who.
    pub contact: String,
    /// Until this date (YYYY-MM-DD).
    #[arg(long)]
    pub until: Option<String>,
    /// For this long: 10d, 2w, 3m.
    #[arg(long = "for", id = "for_")]
    pub for_: Option<String>,
    /// End the snooze now.
    #[arg(long)]
    pub clear: bool,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("how").required(true).args(["value", "clear"]))]
pub struct ClosenessArgs {
    /// Who.
    pub contact: String,
    /// From 0 (distant) to 1 (closest).
    pub value: Option<f64>,
    /// Go back to the computed strength.
    #[arg(long)]
    pub clear: bool,
}

#[derive(Debug, Subcommand)]
pub enum LedgerCommand {
    /// Record help, an ask, feedback or an acknowledgement with one or more people.
    Add(LedgerAddArgs),
    /// List ledger records, newest first.
    #[command(visible_alias = "ls")]
    List(LedgerListArgs),
    /// Change a record's status: an ask answered or declined, offered help done.
    Status(LedgerStatusArgs),
    /// Move a record to the trash.
    Rm(IdArgs),
}

#[derive(Debug, Args)]
pub struct LedgerAddArgs {
    /// help, ask, feedback or acknowledgement.
    pub kind: String,
    /// Who (one or more).
    #[arg(required = true, value_name = "CONTACT")]
    pub contacts: Vec<String>,
    /// What it was, in one line.
    #[arg(long, short = 'm', default_value = "")]
    pub summary: String,
    /// It went from you to them (default for acknowledgements).
    #[arg(long, conflicts_with = "received")]
    pub given: bool,
    /// It went from them to you (default for help, asks and feedback).
    #[arg(long)]
    pub received: bool,
    /// help: done, offered; ask: open, answered, declined; acknowledgement: private, public.
    #[arg(long, short = 's')]
    pub status: Option<String>,
    /// When (YYYY-MM-DD; default today).
    #[arg(long)]
    pub on: Option<String>,
    /// Longer notes (markdown), e.g. the feedback itself.
    #[arg(long, default_value = "")]
    pub notes: String,
}

#[derive(Debug, Args)]
pub struct LedgerListArgs {
    /// Only records with this person.
    #[arg(long, short = 'w', value_name = "CONTACT")]
    pub with: Option<String>,
    /// Only this kind.
    #[arg(long, short = 'k')]
    pub kind: Option<String>,
    /// Only this status.
    #[arg(long, short = 's')]
    pub status: Option<String>,
    /// Only given or received.
    #[arg(long)]
    pub direction: Option<String>,
    /// Only on or after this date.
    #[arg(long)]
    pub since: Option<String>,
    /// At most this many.
    #[arg(long, short = 'n', default_value_t = 50)]
    pub limit: u64,
}

#[derive(Debug, Args)]
pub struct LedgerStatusArgs {
    /// The record's id (or its first characters).
    pub id: String,
    /// The new status.
    pub status: String,
}

#[derive(Debug, Args)]
pub struct IdArgs {
    /// The id (or its first characters).
    pub id: String,
}

#[derive(Debug, Subcommand)]
pub enum ReminderCommand {
    /// Add a reminder: `kith reminder add "Follow up on her talk proposal" --on 2026-12-03 --about Ada`.
    Add(ReminderAddArgs),
    /// List open reminders (with --all, done ones too).
    #[command(visible_alias = "ls")]
    List(ReminderListArgs),
    /// Mark a reminder done (a yearly one moves to next year).
    Done(IdArgs),
    /// Move a reminder to the trash.
    Rm(IdArgs),
}

#[derive(Debug, Args)]
pub struct ReminderAddArgs {
    /// What to remember.
    pub title: String,
    /// When (YYYY-MM-DD).
    #[arg(long)]
    pub on: String,
    /// The person it is about.
    #[arg(long, value_name = "CONTACT")]
    pub about: Option<String>,
    /// Every year on that day.
    #[arg(long)]
    pub yearly: bool,
}

#[derive(Debug, Args)]
pub struct ReminderListArgs {
    /// Include done reminders.
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Show the settings.
    Show,
    /// Set the recency half-life in days (how fast ties fade without contact).
    HalfLife(HalfLifeArgs),
    /// Set the default follow-up window for people met at new events (e.g. 3d, 1w).
    FollowUp(FollowUpArgs),
    /// Set the pipeline's open stages, in order (won, lost, withdrawn always follow).
    Stages(StagesArgs),
    /// Rebuild every cached interaction aggregate from the interactions.
    Recompute,
    /// Your own email addresses: they tell which emails you sent (mbox and calendar imports).
    Me(MeArgs),
}

#[derive(Debug, Args)]
pub struct MeArgs {
    /// Your addresses (replaces the list); none shows it.
    #[arg(value_name = "EMAIL")]
    pub emails: Vec<String>,
}

/// A format `kith import` reads.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ImportFormatArg {
    /// LinkedIn Connections.csv
    Linkedin,
    /// LinkedIn messages.csv
    LinkedinMessages,
    /// Google Contacts CSV (current or legacy)
    Google,
    /// vCard 2.1, 3.0 or 4.0 (.vcf)
    Vcard,
    /// iCalendar (.ics)
    Ical,
    /// A mailbox (mbox): headers only
    Mbox,
    /// A Kith JSON export or backup (restores into an empty database)
    Json,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// [FORMAT] FILE: the format may be left out when it can be detected.
    #[arg(value_name = "FORMAT|FILE", num_args = 1..=2, required = true)]
    pub args: Vec<String>,
    /// Show what would be created, updated, matched and skipped; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Import the valid records even when some are invalid (those are listed and skipped).
    #[arg(long)]
    pub skip_invalid: bool,
    /// Add people named in meetings and emails who are not contacts yet.
    #[arg(long)]
    pub add_unknown: bool,
    /// Your own email address (repeatable; defaults to `kith config me`).
    #[arg(long, value_name = "EMAIL")]
    pub me: Vec<String>,
    /// Calendar: expand recurring events from this day (default: two years ago).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub from: Option<chrono::NaiveDate>,
    /// Calendar: up to this day (default: today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub until: Option<chrono::NaiveDate>,
    /// Calendar: meetings with more attendees than this become events attended.
    #[arg(long, value_name = "N", default_value_t = 8)]
    pub max_meeting_size: usize,
}

/// A format `kith export` writes.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ExportFormatArg {
    /// Everything, losslessly (the backup format; `kith restore-backup` reads it)
    Json,
    /// People as vCards
    Vcard,
    /// People as a spreadsheet
    Csv,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// What to write.
    #[arg(long, short = 'f', value_enum, default_value = "json")]
    pub format: ExportFormatArg,
    /// vCard version: 4 (RFC 6350) or 3 (best for Apple Contacts).
    #[arg(long, value_name = "3|4", default_value_t = 4, value_parser = clap::value_parser!(u8).range(3..=4))]
    pub vcard_version: u8,
    /// Write to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The file to write (replaced atomically when complete).
    pub file: std::path::PathBuf,
}

#[derive(Debug, Args)]
pub struct RestoreBackupArgs {
    /// A file written by `kith backup` or `kith export --format json`.
    pub file: std::path::PathBuf,
    /// Delete everything in the target database first (in the same transaction).
    #[arg(long)]
    pub replace: bool,
}

#[derive(Debug, Args)]
pub struct DupesArgs {
    /// Show at most this many pairs.
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The person to keep.
    pub keep: String,
    /// The person merged into them (goes to the trash; `kith unmerge` brings them back).
    pub merge: String,
}

#[derive(Debug, Args)]
pub struct HalfLifeArgs {
    /// Days (1–3650).
    pub days: f64,
}

#[derive(Debug, Args)]
pub struct FollowUpArgs {
    /// Days (or 1w, 2d): how soon after an event people first met there should hear from you.
    pub within: String,
}

#[derive(Debug, Subcommand)]
pub enum EventCommand {
    /// Record an event.
    Add(EventAddArgs),
    /// List events, latest first.
    #[command(visible_alias = "ls")]
    List(EventListArgs),
    /// Show an event: details, who was there, who you met and who still needs a follow-up.
    Show(EventRefArgs),
    /// Change an event's details.
    Edit(EventEditArgs),
    /// Record people at an event (--met-here: you first met them there).
    Attend(AttendArgs),
    /// Remove people from an event.
    Unattend(UnattendArgs),
    /// Move an event to the trash.
    Rm(EventRefArgs),
}

/// Event fields shared by `event add` and `event edit`.
#[derive(Debug, Args, Default)]
pub struct EventFields {
    /// conference, meetup, webinar, workshop, fair, party or other (default conference).
    #[arg(long, short = 'k')]
    pub kind: Option<String>,
    /// Last day (YYYY-MM-DD) for events longer than a day.
    #[arg(long, value_name = "DATE")]
    pub end: Option<String>,
    /// Where: a city or venue (leave out for online events).
    #[arg(long, value_name = "PLACE")]
    pub location: Option<String>,
    /// The event's web page or online meeting link.
    #[arg(long)]
    pub url: Option<String>,
    /// The organization running it.
    #[arg(long, value_name = "ORG")]
    pub organizer: Option<String>,
    /// Your part: attendee, speaker, volunteer or organizer (default attendee).
    #[arg(long, value_name = "ROLE")]
    pub role: Option<String>,
    /// Follow up with people met there within this long after it ends (e.g. 3d, 1w).
    #[arg(long, value_name = "DAYS")]
    pub follow_up: Option<String>,
    /// Notes (markdown).
    #[arg(long, value_name = "TEXT")]
    pub notes: Option<String>,
}

#[derive(Debug, Args)]
pub struct EventAddArgs {
    /// The event's name, e.g. "RustConf 2026".
    pub name: String,
    /// First day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub start: String,
    #[command(flatten)]
    pub fields: EventFields,
}

#[derive(Debug, Args)]
pub struct EventEditArgs {
    /// The event: name, name prefix or id.
    pub event: String,
    /// New name.
    #[arg(long)]
    pub name: Option<String>,
    /// New first day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub start: Option<String>,
    #[command(flatten)]
    pub fields: EventFields,
}

#[derive(Debug, Args)]
pub struct EventListArgs {
    /// Only events from this day on (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Only events up to this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// Only events this person was at.
    #[arg(long, short = 'w', value_name = "CONTACT")]
    pub with: Option<String>,
    /// At most this many.
    #[arg(long, short = 'n', default_value_t = 50)]
    pub limit: u64,
    /// Skip this many first.
    #[arg(long, default_value_t = 0)]
    pub offset: u64,
}

#[derive(Debug, Args)]
pub struct EventRefArgs {
    /// The event: name, name prefix or id.
    pub event: String,
}

#[derive(Debug, Args)]
pub struct AttendArgs {
    /// The event: name, name prefix or id.
    pub event: String,
    /// The people (names, emails or ids).
    #[arg(required = true, value_name = "CONTACT")]
    pub contacts: Vec<String>,
    /// You first met them at this event (they get a follow-up).
    #[arg(long)]
    pub met_here: bool,
}

#[derive(Debug, Args)]
pub struct UnattendArgs {
    /// The event: name, name prefix or id.
    pub event: String,
    /// The people (names, emails or ids).
    #[arg(required = true, value_name = "CONTACT")]
    pub contacts: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum CommunityCommand {
    /// Record a community you belong to.
    Add(CommunityAddArgs),
    /// List communities with people and contributions.
    #[command(visible_alias = "ls")]
    List,
    /// Show a community: details, people known through it, your contributions.
    Show(CommunityRefArgs),
    /// Change a community's details.
    Edit(CommunityEditArgs),
    /// Record people you know through a community.
    Join(MembersArgs),
    /// Remove people from a community.
    Leave(MembersArgs),
    /// Record something you gave a community: a talk, post, answer, PR, volunteering.
    Contribute(ContributeArgs),
    /// Change a contribution: its title, kind, day, link or community.
    EditContribution(ContributionEditArgs),
    /// Move a contribution to the trash.
    Uncontribute(ContributionRefArgs),
    /// Move a community (and its contributions) to the trash.
    Rm(CommunityRefArgs),
}

/// Community fields shared by `community add` and `community edit`.
#[derive(Debug, Args, Default)]
pub struct CommunityFields {
    /// association, alumni, forum, chat (Slack, Discord), open-source, meetup-group or other.
    #[arg(long, short = 'k')]
    pub kind: Option<String>,
    /// Its web page, forum or invite link.
    #[arg(long)]
    pub url: Option<String>,
    /// Your part: member, volunteer, organizer, speaker or maintainer (default member).
    #[arg(long, value_name = "ROLE")]
    pub role: Option<String>,
    /// Member since (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// When the membership (dues) renews (YYYY-MM-DD); shows in `kith upcoming`.
    #[arg(long, value_name = "DATE")]
    pub renews: Option<String>,
    /// Notes (markdown).
    #[arg(long, value_name = "TEXT")]
    pub notes: Option<String>,
}

#[derive(Debug, Args)]
pub struct CommunityAddArgs {
    /// Its name (unique).
    pub name: String,
    #[command(flatten)]
    pub fields: CommunityFields,
}

#[derive(Debug, Args)]
pub struct CommunityEditArgs {
    /// The community: name, name prefix or id.
    pub community: String,
    /// New name.
    #[arg(long)]
    pub name: Option<String>,
    #[command(flatten)]
    pub fields: CommunityFields,
}

#[derive(Debug, Args)]
pub struct CommunityRefArgs {
    /// The community: name, name prefix or id.
    pub community: String,
}

#[derive(Debug, Args)]
pub struct MembersArgs {
    /// The community: name, name prefix or id.
    pub community: String,
    /// The people (names, emails or ids).
    #[arg(required = true, value_name = "CONTACT")]
    pub contacts: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ContributeArgs {
    /// The community: name, name prefix or id.
    pub community: String,
    /// What it was, e.g. "Talk: zero-copy parsing".
    pub title: String,
    /// talk, post, answer, pr, volunteering or other.
    #[arg(long, short = 'k', default_value = "other")]
    pub kind: String,
    /// When (YYYY-MM-DD; default today).
    #[arg(long, value_name = "DATE")]
    pub on: Option<String>,
    /// A link to it.
    #[arg(long)]
    pub url: Option<String>,
}

#[derive(Debug, Args)]
pub struct ContributionEditArgs {
    /// The contribution's id (or its first digits).
    pub id: String,
    /// New title.
    #[arg(long)]
    pub title: Option<String>,
    /// talk, post, answer, pr, volunteering or other.
    #[arg(long, short = 'k')]
    pub kind: Option<String>,
    /// When (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub on: Option<String>,
    /// A link to it.
    #[arg(long, conflicts_with = "no_url")]
    pub url: Option<String>,
    /// Take the link off.
    #[arg(long)]
    pub no_url: bool,
    /// Move it to another community: name, name prefix or id.
    #[arg(long)]
    pub community: Option<String>,
}

#[derive(Debug, Args)]
pub struct ContributionRefArgs {
    /// The contribution's id (or its first digits).
    pub id: String,
}

#[derive(Debug, Subcommand)]
pub enum GoalCommand {
    /// Set a goal, e.g. `kith goal add new-people 4 --per month --tag fintech`.
    Add(GoalAddArgs),
    /// List goals with their progress (same as `kith goals`).
    #[command(visible_alias = "ls")]
    List,
    /// Move a goal to the trash.
    Rm(GoalRefArgs),
}

#[derive(Debug, Args)]
#[command(
    after_help = "Metrics:\n  new-people        people first met (or added) in the period; --tag narrows\n  events            events attended (any role)\n  reconnect         people talked to after more than 180 days without contact; --tag narrows\n  conversations     meetings, calls, video calls, coffees and meals; --tag, --kind narrow\n  acknowledgements  acknowledgements you gave (ledger)\n  favours           help you gave that is done (ledger)\n  contributions     community contributions\n\nExamples:\n  kith goal add new-people 4 --per month --tag fintech\n  kith goal add events 1 --per month\n  kith goal add reconnect 3 --per quarter\n  kith goal add conversations 2 --per month --tag mentor"
)]
pub struct GoalAddArgs {
    /// What to count (see below).
    pub metric: String,
    /// How many per period (1–1000).
    #[arg(allow_negative_numbers = true)]
    pub target: i64,
    /// The period: week, month or quarter.
    #[arg(long, default_value = "month")]
    pub per: String,
    /// Only count people with this tag.
    #[arg(long, short = 't')]
    pub tag: Option<String>,
    /// Only count interactions of this kind (conversations).
    #[arg(long, short = 'k')]
    pub kind: Option<String>,
}

#[derive(Debug, Args)]
pub struct GoalRefArgs {
    /// The goal's id (or its first digits), as `kith goals` shows it.
    pub id: String,
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// Review this week (Monday to Sunday; the default).
    #[arg(long, conflicts_with = "month")]
    pub week: bool,
    /// Review this month.
    #[arg(long)]
    pub month: bool,
}

#[derive(Debug, Args)]
pub struct StagesArgs {
    /// Comma-separated, e.g. "lead, proposal, negotiating".
    pub stages: String,
}

#[derive(Debug, Subcommand)]
pub enum RoleCommand {
    /// Give a person one or more roles.
    Add(RoleArgs),
    /// Take roles away.
    Rm(RoleArgs),
    /// List people by role (or only those with ROLE).
    #[command(visible_alias = "ls")]
    List(RoleListArgs),
}

#[derive(Debug, Args)]
pub struct RoleArgs {
    /// The person.
    pub contact: String,
    /// mentor, mentee, sponsor, advisor, peer, colleague, manager, report, client, recruiter,
    /// investor or friend.
    #[arg(required = true)]
    pub roles: Vec<String>,
}

#[derive(Debug, Args)]
pub struct RoleListArgs {
    /// Only this role.
    pub role: Option<String>,
}

#[derive(Debug, Args)]
pub struct ConnectArgs {
    /// One person.
    pub a: String,
    /// The person they know.
    pub b: String,
    /// How well they know each other, above 0 and at most 1 (default 0.6).
    #[arg(long)]
    pub strength: Option<f64>,
    /// Since when (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// How they know each other, e.g. "same team at Acme".
    #[arg(long, default_value = "")]
    pub note: String,
}

#[derive(Debug, Args)]
pub struct DisconnectArgs {
    /// One person.
    pub a: String,
    /// The other.
    pub b: String,
}

#[derive(Debug, Args)]
pub struct TiesArgs {
    /// The person.
    pub contact: String,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("target").required(true).args(["to", "to_org"]))]
pub struct PathArgs {
    /// The person you want to reach.
    #[arg(long, value_name = "CONTACT")]
    pub to: Option<String>,
    /// The organization you want to reach.
    #[arg(long, value_name = "ORG")]
    pub to_org: Option<String>,
    /// How many routes.
    #[arg(short = 'k', long, default_value_t = 3)]
    pub count: usize,
}

#[derive(Debug, Subcommand)]
pub enum CollabCommand {
    /// Record a collaboration.
    Add(CollabAddArgs),
    /// List collaborations, newest first.
    #[command(visible_alias = "ls")]
    List(CollabListArgs),
    /// Show a collaboration.
    Show(CollabRefArgs),
    /// Change a collaboration (status, dates, outcome, ...).
    Edit(CollabEditArgs),
    /// Add people to a collaboration (NAME or NAME=ROLE).
    Join(CollabJoinArgs),
    /// Move a collaboration to the trash.
    Rm(CollabRefArgs),
}

/// Collaboration fields shared by `add` and `edit`.
#[derive(Debug, Args, Default)]
pub struct CollabFields {
    /// What it is about.
    #[arg(long)]
    pub description: Option<String>,
    /// idea, active, paused, done or dropped (default active).
    #[arg(long)]
    pub status: Option<String>,
    /// Started (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub start: Option<String>,
    /// Ended (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub end: Option<String>,
    /// How it turned out.
    #[arg(long)]
    pub outcome: Option<String>,
}

#[derive(Debug, Args)]
pub struct CollabAddArgs {
    /// Its title.
    pub title: String,
    #[command(flatten)]
    pub fields: CollabFields,
    /// A participant: NAME or NAME=ROLE (repeatable).
    #[arg(long = "with", short = 'w', value_name = "NAME[=ROLE]")]
    pub with: Vec<String>,
}

#[derive(Debug, Args)]
pub struct CollabEditArgs {
    /// The collaboration: title, title prefix or id.
    pub collab: String,
    /// New title.
    #[arg(long)]
    pub title: Option<String>,
    #[command(flatten)]
    pub fields: CollabFields,
}

#[derive(Debug, Args)]
pub struct CollabListArgs {
    /// Only those with this person.
    #[arg(long = "with", short = 'w', value_name = "CONTACT")]
    pub with: Option<String>,
}

#[derive(Debug, Args)]
pub struct CollabRefArgs {
    /// The collaboration: title, title prefix or id.
    pub collab: String,
}

#[derive(Debug, Args)]
pub struct CollabJoinArgs {
    /// The collaboration: title, title prefix or id.
    pub collab: String,
    /// People: NAME or NAME=ROLE.
    #[arg(required = true, value_name = "NAME[=ROLE]")]
    pub people: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum OppCommand {
    /// Add an opportunity.
    Add(OppAddArgs),
    /// List opportunities (open ones unless --all).
    #[command(visible_alias = "ls")]
    List(OppListArgs),
    /// The pipeline as a board: one column per stage.
    Board(OppBoardArgs),
    /// Show an opportunity with its stage history and people.
    Show(OppRefArgs),
    /// Change an opportunity's title, kind, organization or notes.
    Edit(OppEditArgs),
    /// Move an opportunity to another stage.
    Move(OppMoveArgs),
    /// Set (or --clear) the next step and when it is due.
    Next(OppNextArgs),
    /// Add people to an opportunity: NAME=ROLE (referrer, hiring-manager, champion,
    /// interviewer, decision-maker, recruiter, contact).
    Link(OppLinkArgs),
    /// Move an opportunity to the trash.
    Rm(OppRefArgs),
}

#[derive(Debug, Args)]
pub struct OppAddArgs {
    /// What it is, e.g. "Staff engineer".
    pub title: String,
    /// job, client, collaboration, speaking or other.
    #[arg(long, short = 'k', default_value = "job")]
    pub kind: String,
    /// The organization (created if new).
    #[arg(long, value_name = "ORG")]
    pub org: Option<String>,
    /// Its stage now (default: the first stage).
    #[arg(long)]
    pub stage: Option<String>,
    /// When it entered that stage (YYYY-MM-DD; default today).
    #[arg(long, value_name = "DATE")]
    pub on: Option<String>,
    /// The next step.
    #[arg(long, value_name = "TEXT")]
    pub next: Option<String>,
    /// When the next step is due (YYYY-MM-DD); it then shows in `kith due`.
    #[arg(long, value_name = "DATE")]
    pub due: Option<String>,
    /// People on it: NAME=ROLE, e.g. Ada=referrer (repeatable).
    #[arg(long = "with", short = 'w', value_name = "NAME=ROLE")]
    pub with: Vec<String>,
    /// Notes.
    #[arg(long, default_value = "")]
    pub notes: String,
}

#[derive(Debug, Args)]
pub struct OppEditArgs {
    /// The opportunity: title, title prefix or id.
    pub opportunity: String,
    /// New title.
    #[arg(long)]
    pub title: Option<String>,
    /// job, client, collaboration, speaking or other.
    #[arg(long, short = 'k')]
    pub kind: Option<String>,
    /// The organization (created if new).
    #[arg(long, value_name = "ORG", conflicts_with = "no_org")]
    pub org: Option<String>,
    /// Take the organization off.
    #[arg(long)]
    pub no_org: bool,
    /// Replace the notes.
    #[arg(long)]
    pub notes: Option<String>,
}

#[derive(Debug, Args)]
pub struct OppListArgs {
    /// Include won, lost and withdrawn ones.
    #[arg(long)]
    pub all: bool,
    /// Only this stage.
    #[arg(long)]
    pub stage: Option<String>,
    /// Only this kind.
    #[arg(long, short = 'k')]
    pub kind: Option<String>,
    /// Only at this organization.
    #[arg(long, value_name = "ORG")]
    pub org: Option<String>,
    /// Only those with this person.
    #[arg(long = "with", short = 'w', value_name = "CONTACT")]
    pub with: Option<String>,
}

#[derive(Debug, Args)]
pub struct OppBoardArgs {
    /// Include the closed columns (won, lost, withdrawn).
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct OppRefArgs {
    /// The opportunity: title, title prefix or id.
    pub opp: String,
}

#[derive(Debug, Args)]
pub struct OppMoveArgs {
    /// The opportunity: title, title prefix or id.
    pub opp: String,
    /// The stage to move it to.
    pub stage: String,
    /// When (YYYY-MM-DD; default today).
    #[arg(long, value_name = "DATE")]
    pub on: Option<String>,
}

#[derive(Debug, Args)]
pub struct OppNextArgs {
    /// The opportunity: title, title prefix or id.
    pub opp: String,
    /// The next step.
    #[arg(required_unless_present = "clear")]
    pub step: Option<String>,
    /// When it is due (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub due: Option<String>,
    /// Remove the next step.
    #[arg(long, conflicts_with_all = ["step", "due"])]
    pub clear: bool,
}

#[derive(Debug, Args)]
pub struct OppLinkArgs {
    /// The opportunity: title, title prefix or id.
    pub opp: String,
    /// People: NAME=ROLE.
    #[arg(required = true, value_name = "NAME=ROLE")]
    pub people: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on. Anything but a loopback address requires a password
    /// (`kith auth set-password`).
    #[arg(long, default_value = "127.0.0.1:7878", env = "KITH_LISTEN")]
    pub listen: std::net::SocketAddr,
    /// Serve HTTPS with this certificate chain (PEM); needs --tls-key. iOS only signs in to
    /// CardDAV over TLS.
    #[arg(long, value_name = "PEM", requires = "tls_key")]
    pub tls_cert: Option<std::path::PathBuf>,
    /// The private key (PEM) for --tls-cert.
    #[arg(long, value_name = "PEM", requires = "tls_cert")]
    pub tls_key: Option<std::path::PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum AuthCommand {
    /// Set the web app's password (read from the terminal, or from KITH_PASSWORD). Every
    /// session signs out.
    SetPassword,
    /// API tokens for scripts (`Authorization: Bearer TOKEN`).
    #[command(subcommand)]
    Token(TokenCommand),
    /// App passwords for phones and sync clients (CardDAV, HTTP Basic with account name
    /// `kith`). Each device gets its own, revocable on its own.
    #[command(subcommand)]
    AppPassword(TokenCommand),
    /// Links for calendar apps to subscribe to (`/feeds/reminders.ics`, `/feeds/events.ics`);
    /// the token is in the link, revocable on its own.
    #[command(subcommand)]
    FeedToken(TokenCommand),
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token; it is shown once.
    Create(TokenCreateArgs),
    /// List tokens (never their secrets).
    #[command(visible_alias = "ls")]
    List,
    /// Revoke a token by name or id prefix.
    Revoke(TokenRevokeArgs),
}

#[derive(Debug, Args)]
pub struct TokenCreateArgs {
    /// What it is for, e.g. "backup script".
    #[arg(long)]
    pub name: String,
}

#[derive(Debug, Args)]
pub struct TokenRevokeArgs {
    /// The token's name or the first digits of its id.
    pub token: String,
}
