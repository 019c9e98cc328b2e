//! What an import brings, independent of the file format: people, activities (meetings,
//! emails, messages) and the problems found on the way. The parsers in `kith-formats` produce
//! these records; [`plan`] decides, against what the store already holds, what each record
//! becomes (a new contact, an update, a match with someone already known, or nothing).
//!
//! Everything here is pure: matching works on a [`MatchIndex`] snapshot the store loads once.

use crate::contact::{ContactInput, Email, Link, LinkKind, Phone};
use crate::duplicates::similar_names;
use crate::ids::ContactId;
use crate::interaction::{Direction, InteractionKind};
use crate::validate;
use crate::words::word_enum;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;

word_enum!(
    /// The kind of file an import reads; also the namespace of source keys.
    ImportFormat {
        Linkedin => "linkedin",
        LinkedinMessages => "linkedin-messages",
        Google => "google",
        Vcard => "vcard",
        Ical => "ical",
        Mbox => "mbox",
        Json => "json",
    }
);

/// A problem with one record or line of an input file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = ImportProblem))]
pub struct Problem {
    /// 1-based line where the record (or the bad line) starts; 0 when it concerns the file.
    pub line: u64,
    /// The field or column, in the format's own words (`Connected On`, `BDAY`, `RRULE`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The offending value, shortened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub found: Option<String>,
    /// What was expected instead.
    pub expected: String,
}

impl Problem {
    /// A problem at `line` with `field`.
    pub fn at(line: u64, field: Option<&str>, found: Option<&str>, expected: &str) -> Self {
        Problem {
            line,
            field: field.map(str::to_string),
            found: found.map(|f| shorten(f, 80)),
            expected: expected.to_string(),
        }
    }

    /// Formats the problem with the file name: `file:line: field: "found": expected ...`.
    pub fn describe(&self, file: &str) -> String {
        let mut s = if self.line > 0 { format!("{file}:{}", self.line) } else { file.to_string() };
        if let Some(f) = &self.field {
            s.push_str(&format!(": {f}"));
        }
        if let Some(v) = &self.found {
            s.push_str(&format!(": {v:?}"));
        }
        s.push_str(&format!(": expected {}", self.expected));
        s
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe("line"))
    }
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max).collect();
        out.push('…');
        out
    }
}

/// A person (or, for address-book cards marked as companies, an organization) read from a file.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PersonRecord {
    /// 1-based line where the record starts.
    pub line: u64,
    /// The record's id in its source (vCard UID, LinkedIn profile URL); `None` when the format
    /// has none, in which case the person is matched by email, phone, link or name.
    pub key: Option<String>,
    pub contact: ContactInput,
    /// An address-book card that stands for a company (`X-ABShowAs:COMPANY`).
    pub organization_card: bool,
    /// Properties Kith has no field for, verbatim (unfolded) so an export writes them back.
    pub extra: Vec<String>,
}

/// Someone taking part in an activity, as the file names them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonHint {
    pub email: Option<String>,
    pub name: Option<String>,
    /// A profile URL (LinkedIn messages).
    pub link: Option<String>,
}

impl PersonHint {
    /// The name if there is one, else the email or link.
    pub fn label(&self) -> String {
        self.name
            .clone()
            .or_else(|| self.email.clone())
            .or_else(|| self.link.clone())
            .unwrap_or_default()
    }
}

/// Something that happened with people, read from a calendar, mailbox or message export.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActivityRecord {
    /// 1-based line where the record starts.
    pub line: u64,
    /// A key unique within the format (event UID plus occurrence, thread plus day).
    pub key: String,
    pub occurred_at: DateTime<Utc>,
    pub kind: InteractionKind,
    pub direction: Direction,
    pub summary: String,
    /// The other people (never the user).
    pub people: Vec<PersonHint>,
    /// A large gathering: recorded as an event the user attended, not as a meeting.
    pub gathering: Option<Gathering>,
}

/// The dates of a large calendar event recorded as an event attended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gathering {
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub location: Option<String>,
}

/// Why a record was left out on purpose (not an error).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Skipped {
    pub line: u64,
    pub reason: String,
}

/// Everything a parser read from one file.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Parsed {
    pub people: Vec<PersonRecord>,
    pub activities: Vec<ActivityRecord>,
    /// Records that could not be read. With any problem, nothing is imported unless the user
    /// asks to skip invalid records.
    pub problems: Vec<Problem>,
    pub skipped: Vec<Skipped>,
}

/// Settings the parsers need: the user's own addresses, how far to expand recurring events,
/// and how many attendees turn a meeting into an event attended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseOptions {
    /// The user's own email addresses, lower-case.
    pub me: Vec<String>,
    /// Recurring events are expanded from `from` to `until` (inclusive days).
    pub from: NaiveDate,
    pub until: NaiveDate,
    /// Meetings with more attendees than this (not counting the user) become events attended.
    pub max_meeting_size: usize,
}

impl ParseOptions {
    /// Defaults for `today`: recurrences over the last two years up to today, meetings of up
    /// to 8 other people.
    pub fn new(today: NaiveDate, me: Vec<String>) -> Self {
        ParseOptions {
            me: me.iter().map(|m| validate::email_key(m)).collect(),
            from: today - chrono::Duration::days(730),
            until: today,
            max_meeting_size: 8,
        }
    }

    /// Whether `address` is one of the user's own.
    pub fn is_me(&self, address: &str) -> bool {
        let key = validate::email_key(address);
        self.me.contains(&key)
    }
}

/// What the store knows that matching needs: source keys and the identifiers people share.
#[derive(Clone, Debug, Default)]
pub struct MatchIndex {
    /// `(format, key)` → the contact a previous import created or matched, and the hash of
    /// the record it was imported from.
    pub sources: HashMap<(ImportFormat, String), (ContactId, u64)>,
    /// Lower-cased email → contact.
    pub emails: HashMap<String, ContactId>,
    /// Normalised phone → the contacts with it (a landline may be shared).
    pub phones: HashMap<String, Vec<ContactId>>,
    /// Normalised profile URL → contact.
    pub links: HashMap<String, ContactId>,
    /// Folded display name → contacts with that name.
    pub names: HashMap<String, Vec<ContactId>>,
    /// Contact → folded display name (a shared phone number only matches similar names).
    pub name_of: HashMap<ContactId, String>,
    /// `(format, key)` of activities imported before.
    pub activities: std::collections::HashSet<(ImportFormat, String)>,
    /// `(format, key)` of organization cards imported before.
    pub organizations: std::collections::HashSet<(ImportFormat, String)>,
    /// Contacts a source key points at that are in the trash.
    pub trashed: std::collections::HashSet<ContactId>,
}

/// How a planned person was matched to someone already known.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum MatchedBy {
    /// The same record imported before (same source key).
    SourceKey,
    Email,
    Phone,
    Link,
    /// The same name, for records without any email, phone or link.
    Name,
}

impl MatchedBy {
    /// The user's words.
    pub fn as_str(self) -> &'static str {
        match self {
            MatchedBy::SourceKey => "imported before",
            MatchedBy::Email => "same email",
            MatchedBy::Phone => "same phone",
            MatchedBy::Link => "same profile link",
            MatchedBy::Name => "same name",
        }
    }
}

/// The normalised form of a profile URL used for matching: scheme, `www.`, query and trailing
/// slash dropped, lower-cased.
pub fn link_key(url: &str) -> String {
    let s = url.trim();
    let s = s.split_once("://").map(|(_, r)| r).unwrap_or(s);
    let s = s.strip_prefix("www.").unwrap_or(s);
    let s = s.split(['?', '#']).next().unwrap_or_default();
    s.trim_end_matches('/').to_lowercase()
}

/// A stable 64-bit hash (FNV-1a) of a record's content, to tell whether a re-imported record
/// changed. Stable across runs and platforms, unlike `std`'s hasher.
pub fn content_hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The hash of a person record: its content, not its line. It is the FNV-1a hash of the
/// record's `Debug` text with `line` set to 0, fed to the hash as it is written (no copy of the
/// record, no string); stored hashes depend on it staying the same.
pub fn person_hash(record: &mut PersonRecord) -> u64 {
    struct Fnv(u64);
    impl fmt::Write for Fnv {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            for b in s.bytes() {
                self.0 ^= u64::from(b);
                self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
            }
            Ok(())
        }
    }
    let line = std::mem::take(&mut record.line);
    let mut h = Fnv(content_hash(&[]));
    let _ = fmt::Write::write_fmt(&mut h, format_args!("{record:?}"));
    record.line = line;
    h.0
}

/// Builds a link record with its kind inferred.
pub fn link(url: &str) -> Link {
    Link { url: url.trim().to_string(), kind: LinkKind::infer(url) }
}

/// Builds an email record.
pub fn email(address: &str, label: Option<&str>) -> Email {
    Email { address: address.trim().to_string(), label: label.map(str::to_string) }
}

/// Builds a phone record (normalised later by validation).
pub fn phone(number: &str, label: Option<&str>) -> Phone {
    Phone {
        number: number.trim().to_string(),
        normalized: String::new(),
        label: label.map(str::to_string),
    }
}

/// A record's place in its source: format, key, and content hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SourceKey {
    pub format: ImportFormat,
    pub key: String,
    pub hash: u64,
}

/// A person an activity names: someone already stored or a contact this import creates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum PersonRef {
    Existing(ContactId),
    /// An index into [`ImportPlan::new_contacts`].
    New(usize),
}

/// A contact the import creates.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NewContact {
    pub line: u64,
    pub input: ContactInput,
    pub sources: Vec<SourceKey>,
    /// vCard UID and properties kept verbatim.
    pub card: Option<CardExtras>,
}

/// What an imported vCard had that Kith keeps for writing it back.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardExtras {
    pub uid: Option<String>,
    pub lines: Vec<String>,
}

/// Records that matched a contact already stored.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ContactUpdate {
    pub id: ContactId,
    pub lines: Vec<u64>,
    /// The incoming records, in file order, each with whether it replaces stored values (the
    /// same source record changed) or only fills what is missing.
    pub records: Vec<(ContactInput, bool)>,
    pub sources: Vec<SourceKey>,
    pub card: Option<CardExtras>,
    pub matched_by: MatchedBy,
}

/// An interaction the import creates.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NewActivity {
    pub line: u64,
    pub occurred_at: DateTime<Utc>,
    pub kind: InteractionKind,
    pub direction: Direction,
    pub summary: String,
    pub participants: Vec<PersonRef>,
    pub source: SourceKey,
}

/// An event attended that the import creates (a calendar event with many attendees).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NewGathering {
    pub line: u64,
    pub gathering: Gathering,
    pub attendees: Vec<PersonRef>,
    pub source: SourceKey,
}

/// An organization card (`X-ABShowAs:COMPANY`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NewOrganization {
    pub line: u64,
    pub name: String,
    pub source: Option<SourceKey>,
}

/// What an import will do, and the report the user sees before and after.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ImportPlan {
    pub new_contacts: Vec<NewContact>,
    pub updates: Vec<ContactUpdate>,
    pub organizations: Vec<NewOrganization>,
    pub activities: Vec<NewActivity>,
    pub gatherings: Vec<NewGathering>,
    /// Records already imported and unchanged.
    pub unchanged: u64,
    /// Activities already imported.
    pub activities_unchanged: u64,
    /// People named in activities who are not contacts (created only when asked).
    pub unknown_people: Vec<PersonHint>,
    pub skipped: Vec<Skipped>,
    pub problems: Vec<Problem>,
}

/// Options of one import.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlanOptions {
    /// Create contacts for people named in meetings and emails who are not contacts yet.
    pub add_unknown: bool,
}

/// Identifiers of the contacts this import creates, for matching later records of the file.
#[derive(Default)]
struct FileIndex {
    emails: HashMap<String, usize>,
    phones: HashMap<String, usize>,
    links: HashMap<String, usize>,
    /// Display name of each new contact, by index.
    names: Vec<String>,
}

impl FileIndex {
    fn add(&mut self, c: &ContactInput, i: usize) {
        if self.names.len() <= i {
            self.names.resize(i + 1, String::new());
        }
        self.names[i].clone_from(&c.display_name);
        for e in &c.emails {
            self.emails.entry(validate::email_key(&e.address)).or_insert(i);
        }
        for p in &c.phones {
            self.phones.entry(p.normalized.clone()).or_insert(i);
        }
        for l in &c.links {
            self.links.entry(link_key(&l.url)).or_insert(i);
        }
    }
}

/// The first stored contact sharing an identifier with `c`, and which one.
fn match_stored(c: &ContactInput, index: &MatchIndex) -> Option<(ContactId, MatchedBy)> {
    for e in &c.emails {
        if let Some(id) = index.emails.get(&validate::email_key(&e.address)) {
            return Some((*id, MatchedBy::Email));
        }
    }
    // Phones are shared (an office line, a family landline): they match similar names only.
    for p in &c.phones {
        let sharing = index.phones.get(&p.normalized).map(Vec::as_slice).unwrap_or_default();
        if let Some(id) = sharing
            .iter()
            .find(|id| index.name_of.get(*id).is_some_and(|n| similar_names(n, &c.display_name)))
        {
            return Some((*id, MatchedBy::Phone));
        }
    }
    for l in &c.links {
        if let Some(id) = index.links.get(&link_key(&l.url)) {
            return Some((*id, MatchedBy::Link));
        }
    }
    let has_identifiers = !c.emails.is_empty() || !c.phones.is_empty() || !c.links.is_empty();
    if !has_identifiers
        && let Some([only]) =
            index.names.get(&crate::text::fold(&c.display_name)).map(Vec::as_slice)
    {
        return Some((*only, MatchedBy::Name));
    }
    None
}

fn match_file(c: &ContactInput, file: &FileIndex) -> Option<usize> {
    c.emails
        .iter()
        .find_map(|e| file.emails.get(&validate::email_key(&e.address)))
        .or_else(|| {
            c.phones.iter().find_map(|p| {
                file.phones.get(&p.normalized).filter(|j| {
                    file.names.get(**j).is_some_and(|n| similar_names(n, &c.display_name))
                })
            })
        })
        .or_else(|| c.links.iter().find_map(|l| file.links.get(&link_key(&l.url))))
        .copied()
}

/// Decides what every record of a parsed file becomes. Pure: `index` is what the store holds.
/// Records that fail validation become problems (with their line and field).
pub fn plan(
    format: ImportFormat,
    mut parsed: Parsed,
    index: &MatchIndex,
    options: &PlanOptions,
    today: NaiveDate,
) -> ImportPlan {
    let people = std::mem::take(&mut parsed.people);
    let checked = people.into_iter().map(|r| check_record(r, today)).collect();
    plan_checked(format, parsed, checked, index, options, today)
}

/// A person record checked on its own: its content hash and, unless it is an organization's
/// card, its normalized input. Records are checked independently of each other and of the
/// database, so callers may check many at once on several cores ([`plan_checked`]).
pub struct CheckedRecord {
    record: PersonRecord,
    hash: u64,
    input: Option<Result<ContactInput, crate::ValidationError>>,
}

/// Checks one record (see [`CheckedRecord`]).
pub fn check_record(mut record: PersonRecord, today: NaiveDate) -> CheckedRecord {
    let hash = person_hash(&mut record);
    let input = (!record.organization_card).then(|| record.contact.normalized(today));
    CheckedRecord { record, hash, input }
}

/// [`plan`] for records already checked, in file order (`parsed.people` is not read).
pub fn plan_checked(
    format: ImportFormat,
    parsed: Parsed,
    checked: Vec<CheckedRecord>,
    index: &MatchIndex,
    options: &PlanOptions,
    today: NaiveDate,
) -> ImportPlan {
    let mut out =
        ImportPlan { problems: parsed.problems, skipped: parsed.skipped, ..Default::default() };
    let mut file = FileIndex::default();
    let mut update_of: HashMap<ContactId, usize> = HashMap::new();
    let mut seen_keys: std::collections::HashSet<String> = std::collections::HashSet::new();
    for CheckedRecord { mut record, hash, input } in checked {
        // Formats without ids: the record's content is its key, so the same row imported again
        // is recognised even when it has no email, phone or link to match on.
        if record.key.is_none() {
            record.key = Some(format!("content:{hash:016x}"));
        }
        if let Some(k) = &record.key
            && !seen_keys.insert(k.clone())
        {
            out.skipped.push(Skipped {
                line: record.line,
                reason: format!("the same record ({k}) appears earlier in the file"),
            });
            continue;
        }
        let source = record.key.clone().map(|key| SourceKey { format, key, hash });
        if record.organization_card {
            if record
                .key
                .as_ref()
                .is_some_and(|k| index.organizations.contains(&(format, k.clone())))
            {
                out.unchanged += 1;
                continue;
            }
            let name = record.contact.display_name.trim().to_string();
            out.organizations.push(NewOrganization { line: record.line, name, source });
            continue;
        }
        let input = match input {
            Some(Ok(i)) => i,
            // Only organization cards have no input, and they went on above.
            None => continue,
            Some(Err(e)) => {
                for fe in e.errors {
                    out.problems.push(Problem::at(
                        record.line,
                        Some(&fe.field),
                        fe.value.as_deref(),
                        &fe.expected,
                    ));
                }
                continue;
            }
        };
        let uid = record.key.clone().filter(|k| !k.starts_with("content:"));
        let card = (format == ImportFormat::Vcard)
            .then(|| CardExtras { uid, lines: record.extra.clone() });
        // 1. The same record imported before.
        let known = record.key.as_ref().and_then(|k| index.sources.get(&(format, k.clone())));
        let matched = match known {
            Some((id, _)) if index.trashed.contains(id) => {
                out.skipped.push(Skipped {
                    line: record.line,
                    reason: format!(
                        "{} is in the trash; restore it to update it from this file",
                        input.display_name
                    ),
                });
                continue;
            }
            Some((_, old_hash)) if *old_hash == hash => {
                out.unchanged += 1;
                continue;
            }
            Some((id, _)) => Some((*id, MatchedBy::SourceKey)),
            None => match_stored(&input, index),
        };
        if let Some((id, by)) = matched {
            let slot = *update_of.entry(id).or_insert_with(|| {
                out.updates.push(ContactUpdate {
                    id,
                    lines: vec![],
                    records: vec![],
                    sources: vec![],
                    card: None,
                    matched_by: by,
                });
                out.updates.len() - 1
            });
            let u = &mut out.updates[slot];
            u.lines.push(record.line);
            u.records.push((input, by == MatchedBy::SourceKey));
            u.sources.extend(source);
            // Kept vCard properties are replaced only by the same card; a card matched by email
            // fills them in only when the person has none (the store decides).
            if card.is_some() && (by == MatchedBy::SourceKey || u.card.is_none()) {
                u.card = card;
            }
            continue;
        }
        // 2. An earlier record of this file.
        if let Some(j) = match_file(&input, &file) {
            let merged = merge(&out.new_contacts[j].input, &input, false, today);
            file.add(&merged, j);
            let n = &mut out.new_contacts[j];
            n.input = merged;
            n.sources.extend(source);
            continue;
        }
        let j = out.new_contacts.len();
        file.add(&input, j);
        out.new_contacts.push(NewContact {
            line: record.line,
            input,
            sources: source.into_iter().collect(),
            card,
        });
    }
    plan_activities(format, parsed.activities, index, &mut file, options, &mut out);
    out.problems.sort_by_key(|p| p.line);
    out
}

fn plan_activities(
    format: ImportFormat,
    activities: Vec<ActivityRecord>,
    index: &MatchIndex,
    file: &mut FileIndex,
    options: &PlanOptions,
    out: &mut ImportPlan,
) {
    let mut unknown: HashMap<String, PersonHint> = HashMap::new();
    let mut nobody = 0u64;
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    for a in activities {
        if index.activities.contains(&(format, a.key.clone())) {
            out.activities_unchanged += 1;
            continue;
        }
        if !seen.insert(a.key.clone()) {
            out.skipped.push(Skipped {
                line: a.line,
                reason: format!("\"{}\" appears twice in the file (same id and time)", a.summary),
            });
            continue;
        }
        let mut people = Vec::new();
        for hint in &a.people {
            let probe = ContactInput {
                emails: hint.email.iter().map(|e| email(e, None)).collect(),
                links: hint.link.iter().map(|l| link(l)).collect(),
                display_name: String::new(),
                ..Default::default()
            };
            let found = probe
                .emails
                .iter()
                .find_map(|e| index.emails.get(&validate::email_key(&e.address)))
                .or_else(|| probe.links.iter().find_map(|l| index.links.get(&link_key(&l.url))))
                .map(|id| PersonRef::Existing(*id))
                .or_else(|| match_file(&probe, file).map(PersonRef::New));
            let person = match found {
                Some(p) => Some(p),
                None if options.add_unknown => {
                    let name = hint.name.clone().unwrap_or_else(|| {
                        hint.email
                            .as_deref()
                            .and_then(|e| e.split('@').next())
                            .unwrap_or("?")
                            .to_string()
                    });
                    let mut input = ContactInput::named(&name);
                    input.emails = probe.emails.clone();
                    input.links = probe.links.clone();
                    match input.normalized(a.occurred_at.date_naive()) {
                        Ok(input) => {
                            let j = out.new_contacts.len();
                            file.add(&input, j);
                            out.new_contacts.push(NewContact {
                                line: a.line,
                                input,
                                sources: vec![],
                                card: None,
                            });
                            Some(PersonRef::New(j))
                        }
                        Err(_) => None,
                    }
                }
                None => {
                    let key = hint.email.clone().or_else(|| hint.link.clone()).unwrap_or_default();
                    unknown.entry(key).or_insert_with(|| hint.clone());
                    None
                }
            };
            if let Some(p) = person
                && !people.contains(&p)
            {
                people.push(p);
            }
        }
        let source = SourceKey { format, key: a.key.clone(), hash: 0 };
        if let Some(g) = a.gathering {
            out.gatherings.push(NewGathering {
                line: a.line,
                gathering: g,
                attendees: people,
                source,
            });
            continue;
        }
        if people.is_empty() {
            nobody += 1;
            continue;
        }
        out.activities.push(NewActivity {
            line: a.line,
            occurred_at: a.occurred_at,
            kind: a.kind,
            direction: a.direction,
            summary: a.summary,
            participants: people,
            source,
        });
    }
    if nobody > 0 {
        out.skipped.push(Skipped {
            line: 0,
            reason: format!("{nobody} meetings or messages with nobody who is a contact (use --add-unknown to add them)"),
        });
    }
    let mut unknown: Vec<PersonHint> = unknown.into_values().collect();
    unknown.sort_by_key(|h| h.label().to_lowercase());
    out.unknown_people = unknown;
}

/// Merges an incoming record into a stored contact. Lists are united (nothing is lost);
/// single values are filled when missing, or replaced when `overwrite` (the same source
/// record changed). A new current role at another organization ends the stored current role
/// when `overwrite` (they changed jobs).
pub fn merge(
    existing: &ContactInput,
    incoming: &ContactInput,
    overwrite: bool,
    today: NaiveDate,
) -> ContactInput {
    let mut m = existing.clone();
    let pick = |old: &mut Option<String>, new: &Option<String>| {
        if new.is_some() && (overwrite || old.is_none()) {
            old.clone_from(new);
        }
    };
    if overwrite && !incoming.display_name.is_empty() {
        m.display_name.clone_from(&incoming.display_name);
    }
    pick(&mut m.given_name, &incoming.given_name);
    pick(&mut m.family_name, &incoming.family_name);
    pick(&mut m.nickname, &incoming.nickname);
    pick(&mut m.location, &incoming.location);
    pick(&mut m.how_met, &incoming.how_met);
    for e in &incoming.emails {
        let key = validate::email_key(&e.address);
        if !m.emails.iter().any(|x| validate::email_key(&x.address) == key) {
            m.emails.push(e.clone());
        }
    }
    for p in &incoming.phones {
        if !m.phones.iter().any(|x| x.normalized == p.normalized) {
            m.phones.push(p.clone());
        }
    }
    for l in &incoming.links {
        if !m.links.iter().any(|x| link_key(&x.url) == link_key(&l.url)) {
            m.links.push(l.clone());
        }
    }
    for a in &incoming.addresses {
        if !m.addresses.iter().any(|x| x.one_line() == a.one_line()) {
            m.addresses.push(a.clone());
        }
    }
    for t in &incoming.tags {
        if !m.tags.iter().any(|x| x.eq_ignore_ascii_case(t)) {
            m.tags.push(t.clone());
        }
    }
    if incoming.birthday.is_some() && (overwrite || m.birthday.is_none()) {
        m.birthday = incoming.birthday;
    }
    m.first_met = match (m.first_met, incoming.first_met) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    let same_org = |a: &str, b: &str| crate::text::fold(a) == crate::text::fold(b);
    for e in &incoming.employment {
        if let Some(existing) = m.employment.iter_mut().find(|x| {
            same_org(&x.organization, &e.organization) && x.end.is_none() == e.end.is_none()
        }) {
            if e.title.is_some() && (overwrite || existing.title.is_none()) {
                existing.title.clone_from(&e.title);
            }
            continue;
        }
        if e.end.is_none() && overwrite {
            for current in m.employment.iter_mut().filter(|x| x.end.is_none()) {
                current.end = Some(today);
            }
        }
        m.employment.push(e.clone());
    }
    let incoming_notes = incoming.notes.trim();
    // Notes are never replaced: the user may have written there since the last import.
    if !incoming_notes.is_empty() && !m.notes.contains(incoming_notes) {
        if m.notes.trim().is_empty() {
            m.notes = incoming_notes.to_string();
        } else {
            m.notes = format!("{}\n\n{}", m.notes.trim_end(), incoming_notes);
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn person_hash_is_the_hash_of_the_debug_text_without_the_line() {
        let mut record = PersonRecord {
            line: 42,
            key: Some("uid-1".into()),
            contact: ContactInput {
                display_name: "Zoë O'Brien".into(),
                emails: vec![email("zoe@example.com", Some("work"))],
                tags: vec!["friends".into()],
                ..Default::default()
            },
            organization_card: false,
            extra: vec!["X-SOCIALPROFILE:x".into()],
        };
        let mut without_line = record.clone();
        without_line.line = 0;
        let expected = content_hash(format!("{without_line:?}").as_bytes());
        assert_eq!(person_hash(&mut record), expected);
        assert_eq!(record.line, 42, "the line is put back");
        record.line = 7;
        assert_eq!(person_hash(&mut record), expected, "the line is not content");
        record.contact.tags.push("work".into());
        assert_ne!(person_hash(&mut record), expected);
    }
}
