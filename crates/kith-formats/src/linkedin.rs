//! LinkedIn data export: `Connections.csv` (people) and `messages.csv` (conversations).
//!
//! Both are CSV files whose columns are found by name, so older exports (no `URL` column) and
//! reordered columns read the same. `Connections.csv` starts with a `Notes:` preamble; the
//! header line is found by its content and every line number reported is the physical line in
//! the file, preamble included.

use crate::{FormatError, text};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use kith_core::contact::{ContactInput, EmploymentInput};
use kith_core::import::{
    self, ActivityRecord, ParseOptions, Parsed, PersonHint, PersonRecord, Problem, Skipped,
    link_key,
};
use kith_core::interaction::{Direction, InteractionKind};
use std::collections::{HashMap, HashSet};

const CONNECTION_COLUMNS: [&str; 7] =
    ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"];
const CONNECTION_REQUIRED: [&str; 3] = ["First Name", "Last Name", "Connected On"];
const CONNECTION_HEADER: &str =
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On";

const MESSAGE_COLUMNS: [&str; 10] = [
    "CONVERSATION ID",
    "CONVERSATION TITLE",
    "FROM",
    "SENDER PROFILE URL",
    "TO",
    "RECIPIENT PROFILE URLS",
    "DATE",
    "SUBJECT",
    "CONTENT",
    "FOLDER",
];
const MESSAGE_REQUIRED: [&str; 4] = ["CONVERSATION ID", "FROM", "SENDER PROFILE URL", "DATE"];
const MESSAGE_HEADER: &str = "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,\
                              RECIPIENT PROFILE URLS,DATE,SUBJECT,CONTENT,FOLDER";

/// Longest summary of an activity, in characters.
const SUMMARY_MAX: usize = 200;

/// Whether the start of a file looks like LinkedIn's `Connections.csv` (possibly after its
/// `Notes:` preamble).
pub fn looks_like_connections(head: &str) -> bool {
    head.lines().take(20).any(|line| {
        let fields = split_header(line);
        let has = |name: &str| fields.iter().any(|f| f.eq_ignore_ascii_case(name));
        has("First Name") && has("Last Name") && has("Connected On")
    })
}

/// Whether the start of a file looks like LinkedIn's `messages.csv`.
pub fn looks_like_messages(head: &str) -> bool {
    head.lines().take(5).any(|line| {
        let fields = split_header(line);
        let has = |name: &str| fields.iter().any(|f| f.eq_ignore_ascii_case(name));
        has("CONVERSATION ID") && (has("SENDER PROFILE URL") || has("FROM"))
    })
}

/// Reads `Connections.csv`: one person per row.
pub fn read_connections(bytes: &[u8]) -> Result<Parsed, FormatError> {
    let expected = "a LinkedIn Connections.csv export";
    let (table, mut parsed) = open_table(bytes, expected, &CONNECTION_COLUMNS, 3)?;
    if !table.check_required(&CONNECTION_REQUIRED, CONNECTION_HEADER, &mut parsed.problems) {
        return Ok(parsed);
    }
    table.for_each_row(&mut parsed.problems, |line, row, problems| {
        if let Some(record) = connection(&table, line, row, problems) {
            parsed.people.push(record);
        }
    });
    Ok(parsed)
}

fn connection(
    table: &Table,
    line: u64,
    row: &csv::StringRecord,
    problems: &mut Vec<Problem>,
) -> Option<PersonRecord> {
    let get = |name: &str| table.get(row, name);
    if row.iter().all(|f| f.trim().is_empty()) {
        return None;
    }
    let first = get("First Name");
    let last = get("Last Name");
    let display = [first, last].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>();
    if display.is_empty() {
        problems.push(Problem::at(line, Some("First Name"), None, "a first or last name"));
        return None;
    }
    let connected = get("Connected On");
    let first_met = if connected.is_empty() {
        None
    } else {
        match parse_connected_on(connected) {
            Some(d) => Some(d),
            None => {
                problems.push(Problem::at(
                    line,
                    Some("Connected On"),
                    Some(connected),
                    "a date like 12 Mar 2024",
                ));
                return None;
            }
        }
    };
    let url = get("URL");
    let address = get("Email Address");
    let company = get("Company");
    let position = get("Position");
    let contact = ContactInput {
        display_name: display.join(" "),
        given_name: non_empty(first),
        family_name: non_empty(last),
        emails: if address.is_empty() { vec![] } else { vec![import::email(address, None)] },
        links: if url.is_empty() { vec![] } else { vec![import::link(url)] },
        employment: if company.is_empty() {
            vec![]
        } else {
            vec![EmploymentInput {
                organization: company.to_string(),
                title: non_empty(position),
                start: None,
                end: None,
            }]
        },
        how_met: Some("LinkedIn".to_string()),
        first_met,
        ..ContactInput::default()
    };
    Some(PersonRecord {
        line,
        key: if url.is_empty() { None } else { Some(link_key(url)) },
        contact,
        organization_card: false,
        extra: vec![],
    })
}

/// `12 Mar 2024` (LinkedIn's own), `12 March 2024`, `2024-03-12`, `03/12/24`, `3/12/2024`.
fn parse_connected_on(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let parts: Vec<&str> = s.split('/').collect();
    let date = if parts.len() == 3 {
        let format = if parts[2].len() == 2 { "%m/%d/%y" } else { "%m/%d/%Y" };
        NaiveDate::parse_from_str(s, format).ok()
    } else {
        ["%d %b %Y", "%d %B %Y", "%Y-%m-%d", "%b %d, %Y", "%B %d, %Y", "%d-%b-%Y", "%d-%b-%y"]
            .iter()
            .find_map(|f| NaiveDate::parse_from_str(s, f).ok())
    }?;
    (1900..=2200).contains(&chrono::Datelike::year(&date)).then_some(date)
}

/// One row of `messages.csv`, as much as the activities need.
struct Message {
    line: u64,
    conversation: String,
    title: String,
    from: String,
    sender: String,
    to: Vec<String>,
    recipients: Vec<String>,
    at: DateTime<Utc>,
    subject: String,
    first_content_line: String,
}

/// Reads `messages.csv`: one activity per conversation per UTC day, with the time and line of
/// that day's earliest message (the export lists the newest first), the day's first subject
/// (else the conversation title, else the start of the earliest message) as summary, and the
/// other participants as people. Drafts are skipped.
///
/// The user's own profile URL is not in the file: it is the one in `opts.me` when a LinkedIn
/// URL is given there, else the profile taking part in the most conversations (ties go to the
/// one that wrote drafts, then to the one in more messages).
pub fn read_messages(bytes: &[u8], opts: &ParseOptions) -> Result<Parsed, FormatError> {
    let expected = "a LinkedIn messages.csv export";
    let (table, mut parsed) = open_table(bytes, expected, &MESSAGE_COLUMNS, 3)?;
    if !table.check_required(&MESSAGE_REQUIRED, MESSAGE_HEADER, &mut parsed.problems) {
        return Ok(parsed);
    }
    let mut messages = Vec::new();
    // Profile key → (conversations, messages, drafts sent).
    let mut presence: HashMap<String, (HashSet<String>, usize, usize)> = HashMap::new();
    let mut skipped = Vec::new();
    table.for_each_row(&mut parsed.problems, |line, row, problems| {
        let get = |name: &str| table.get(row, name);
        if row.iter().all(|f| f.trim().is_empty()) {
            return;
        }
        let conversation = get("CONVERSATION ID");
        let sender = get("SENDER PROFILE URL");
        let recipients: Vec<String> = split_list(get("RECIPIENT PROFILE URLS"));
        let draft = get("FOLDER").eq_ignore_ascii_case("DRAFT");
        for (i, url) in
            std::iter::once(sender).chain(recipients.iter().map(String::as_str)).enumerate()
        {
            if url.is_empty() {
                continue;
            }
            let entry = presence.entry(link_key(url)).or_default();
            entry.0.insert(conversation.to_string());
            entry.1 += 1;
            if draft && i == 0 {
                entry.2 += 1;
            }
        }
        if draft {
            skipped.push(Skipped { line, reason: "a draft (FOLDER = DRAFT), never sent".into() });
            return;
        }
        if conversation.is_empty() {
            problems.push(Problem::at(line, Some("CONVERSATION ID"), None, "a conversation id"));
            return;
        }
        let date = get("DATE");
        let Some(at) = parse_message_date(date) else {
            problems.push(Problem::at(
                line,
                Some("DATE"),
                Some(date),
                "a date like 2024-03-12 14:05:33 UTC",
            ));
            return;
        };
        messages.push(Message {
            line,
            conversation: conversation.to_string(),
            title: get("CONVERSATION TITLE").to_string(),
            from: get("FROM").to_string(),
            sender: sender.to_string(),
            to: split_list(get("TO")),
            recipients,
            at,
            subject: get("SUBJECT").to_string(),
            first_content_line: get("CONTENT")
                .lines()
                .map(str::trim)
                .find(|l| !l.is_empty())
                .unwrap_or_default()
                .chars()
                .take(80)
                .collect(),
        });
    });
    parsed.skipped.extend(skipped);

    let me = opts
        .me
        .iter()
        .find(|m| m.contains("linkedin.com/"))
        .map(|m| link_key(m))
        .or_else(|| {
            presence
                .iter()
                .max_by(|(ka, a), (kb, b)| {
                    (a.0.len(), a.2, a.1).cmp(&(b.0.len(), b.2, b.1)).then_with(|| kb.cmp(ka))
                })
                .map(|(k, _)| k.clone())
        })
        .unwrap_or_default();

    // Names by profile, from the senders (FROM pairs one-to-one with SENDER PROFILE URL).
    let mut names: HashMap<String, String> = HashMap::new();
    for m in &messages {
        if !m.sender.is_empty() && !m.from.trim().is_empty() {
            names.entry(link_key(&m.sender)).or_insert_with(|| m.from.trim().to_string());
        }
    }

    messages.sort_by(|a, b| a.at.cmp(&b.at).then(a.line.cmp(&b.line)));
    let mut groups: HashMap<(String, NaiveDate), usize> = HashMap::new();
    let mut building: Vec<Building> = Vec::new();
    for m in &messages {
        let day = m.at.date_naive();
        let idx = *groups.entry((m.conversation.clone(), day)).or_insert_with(|| {
            building.push(Building {
                first: m,
                key: format!("{}/{}", m.conversation, day.format("%Y-%m-%d")),
                mine: false,
                theirs: false,
                subject: None,
                people: Vec::new(),
                seen: HashSet::new(),
            });
            building.len() - 1
        });
        let b = &mut building[idx];
        let sender_key = link_key(&m.sender);
        if !me.is_empty() && sender_key == me {
            b.mine = true;
        } else {
            b.theirs = true;
        }
        if b.subject.is_none() && !m.subject.trim().is_empty() {
            b.subject = Some(m.subject.trim().to_string());
        }
        let pairs = (m.to.len() == m.recipients.len()).then_some(&m.to);
        let participants = std::iter::once((m.sender.as_str(), Some(m.from.trim()))).chain(
            m.recipients
                .iter()
                .enumerate()
                .map(|(i, url)| (url.as_str(), pairs.and_then(|to| to.get(i)).map(|s| s.trim()))),
        );
        for (url, name) in participants {
            let key = link_key(url);
            if !me.is_empty() && key == me {
                continue;
            }
            let name = names
                .get(&key)
                .map(String::as_str)
                .or(name)
                .filter(|n| !n.is_empty())
                .map(str::to_string);
            let (dedup, hint) = if key.is_empty() {
                let Some(n) = name else { continue };
                (
                    format!("name:{}", n.to_lowercase()),
                    PersonHint { name: Some(n), ..PersonHint::default() },
                )
            } else {
                (key, PersonHint { name, link: Some(url.trim().to_string()), email: None })
            };
            if b.seen.insert(dedup) {
                b.people.push(hint);
            }
        }
    }
    for b in building {
        let line = b.first.line;
        if b.people.is_empty() {
            parsed.skipped.push(Skipped { line, reason: "a conversation with nobody else".into() });
            continue;
        }
        let topic = b
            .subject
            .or_else(|| non_empty(b.first.title.trim()))
            .or_else(|| non_empty(&b.first.first_content_line))
            .unwrap_or_else(|| "message".to_string());
        parsed.activities.push(ActivityRecord {
            line,
            key: b.key,
            occurred_at: b.first.at,
            kind: InteractionKind::Message,
            direction: match (b.mine, b.theirs) {
                (true, true) => Direction::Mutual,
                (true, false) => Direction::Outbound,
                _ => Direction::Inbound,
            },
            summary: summary("LinkedIn", &topic),
            people: b.people,
            gathering: None,
        });
    }
    Ok(parsed)
}

/// A conversation-day being gathered.
struct Building<'a> {
    first: &'a Message,
    key: String,
    mine: bool,
    theirs: bool,
    subject: Option<String>,
    people: Vec<PersonHint>,
    seen: HashSet<String>,
}

/// `2024-03-12 14:05:33 UTC`, also without seconds or zone, or RFC 3339.
fn parse_message_date(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    let bare = s.strip_suffix("UTC").or_else(|| s.strip_suffix('Z')).unwrap_or(s).trim();
    ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(bare, f).ok())
        .map(|d| d.and_utc())
}

/// `"<prefix>: <text>"` on one line, at most [`SUMMARY_MAX`] characters.
pub(crate) fn summary(prefix: &str, text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let s = format!("{prefix}: {one_line}");
    if s.chars().count() <= SUMMARY_MAX {
        s
    } else {
        let mut out: String = s.chars().take(SUMMARY_MAX - 1).collect();
        out.push('…');
        out
    }
}

fn split_list(s: &str) -> Vec<String> {
    s.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

fn non_empty(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

/// Header field names of a line, unquoted and trimmed (header names hold no commas).
fn split_header(line: &str) -> Vec<&str> {
    line.split(',').map(|f| f.trim().trim_matches('"').trim()).collect()
}

/// A CSV file with its header found by content; shared with the Google reader.
pub(crate) struct Table {
    /// The text from the header line on.
    body: String,
    /// 1-based line of the header.
    pub(crate) header_line: u64,
    /// Lower-cased column name → index of its first occurrence.
    columns: HashMap<String, usize>,
    /// The header's names, in order, as written.
    pub(crate) names: Vec<String>,
}

impl Table {
    /// The trimmed value of column `name` in `row`; empty when the column or value is missing.
    pub(crate) fn get<'r>(&self, row: &'r csv::StringRecord, name: &str) -> &'r str {
        self.columns
            .get(&name.to_lowercase())
            .and_then(|i| row.get(*i))
            .map(str::trim)
            .unwrap_or_default()
    }

    /// The trimmed value of the column at `index`.
    pub(crate) fn at<'r>(&self, row: &'r csv::StringRecord, index: usize) -> &'r str {
        row.get(index).map(str::trim).unwrap_or_default()
    }

    /// Whether the file has column `name`.
    pub(crate) fn has(&self, name: &str) -> bool {
        self.columns.contains_key(&name.to_lowercase())
    }

    /// Records a problem at the header line for each missing required column; `true` when
    /// none is missing.
    pub(crate) fn check_required(
        &self,
        required: &[&str],
        header: &str,
        problems: &mut Vec<Problem>,
    ) -> bool {
        let mut ok = true;
        for name in required {
            if !self.has(name) {
                ok = false;
                problems.push(Problem::at(
                    self.header_line,
                    Some(name),
                    None,
                    &format!("a column named \"{name}\" in the header ({header})"),
                ));
            }
        }
        ok
    }

    /// Calls `f` with the physical line and the fields of every record after the header.
    pub(crate) fn for_each_row(
        &self,
        problems: &mut Vec<Problem>,
        mut f: impl FnMut(u64, &csv::StringRecord, &mut Vec<Problem>),
    ) {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(true)
            .from_reader(self.body.as_bytes());
        let mut row = csv::StringRecord::new();
        // csv's own line numbers are off with CRLF line ends, so lines are counted here from
        // the byte offsets: `lines` breaks lie before `counted`.
        let bytes = self.body.as_bytes();
        let (mut counted, mut lines) = (0, 0);
        let mut line_at = |byte: u64| {
            let mut at = usize::try_from(byte).unwrap_or(usize::MAX).min(bytes.len());
            // A record never starts with a line break: the offset may point at the `\n` of
            // the previous `\r\n`.
            while at < bytes.len() && matches!(bytes[at], b'\r' | b'\n') {
                at += 1;
            }
            if at > counted {
                lines += line_breaks(&bytes[counted..at], bytes.get(at).copied());
                counted = at;
            }
            self.header_line + lines
        };
        loop {
            match reader.read_record(&mut row) {
                Ok(false) => break,
                Ok(true) => {
                    let line = line_at(row.position().map_or(0, |p| p.byte()));
                    f(line, &row, problems);
                }
                Err(e) => {
                    let line = line_at(e.position().map_or(0, |p| p.byte()));
                    problems.push(Problem::at(line, None, Some(&e.to_string()), "a CSV record"));
                    if !matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) {
                        break;
                    }
                }
            }
        }
    }
}

/// Line breaks in `bytes`: `\n`, `\r\n` and a lone `\r`; `next` is the byte after `bytes`.
fn line_breaks(bytes: &[u8], next: Option<u8>) -> u64 {
    let mut n = memchr::memchr_iter(b'\n', bytes).count() as u64;
    for i in memchr::memchr_iter(b'\r', bytes) {
        if bytes.get(i + 1).copied().or(next) != Some(b'\n') {
            n += 1;
        }
    }
    n
}

/// Decodes `bytes` and finds the header: the first of the first 50 lines naming at least `min`
/// of `known`. Binary data or no such line is not this format.
pub(crate) fn open_table(
    bytes: &[u8],
    expected: &'static str,
    known: &[&str],
    min: usize,
) -> Result<(Table, Parsed), FormatError> {
    let mut parsed = Parsed::default();
    if text::looks_binary(bytes) {
        return Err(FormatError::NotThisFormat { expected, found: "binary data".into() });
    }
    let (content, note) = text::decode(bytes);
    if let Some(p) = note {
        parsed.problems.push(p);
    }
    let mut offset = 0;
    for (index, line) in content.split_inclusive('\n').take(50).enumerate() {
        let fields = split_header(line);
        let hits =
            known.iter().filter(|k| fields.iter().any(|f| f.eq_ignore_ascii_case(k))).count();
        if hits >= min {
            let names: Vec<String> = fields.iter().map(|f| f.to_string()).collect();
            let columns =
                names.iter().enumerate().rev().map(|(i, n)| (n.to_lowercase(), i)).collect();
            let table = Table {
                body: content[offset..].to_string(),
                header_line: index as u64 + 1,
                columns,
                names,
            };
            return Ok((table, parsed));
        }
        offset += line.len();
    }
    let first = content.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("an empty file");
    Err(FormatError::NotThisFormat { expected, found: shorten(first, 80) })
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        s.chars().take(max).chain(std::iter::once('…')).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connected_on_formats() {
        let d = NaiveDate::from_ymd_opt(2024, 3, 12);
        for s in
            ["12 Mar 2024", "12 March 2024", "2024-03-12", "03/12/24", "3/12/2024", "Mar 12, 2024"]
        {
            assert_eq!(parse_connected_on(s), d, "{s}");
        }
        for s in ["31 Feb 2024", "yesterday", "12/03", "1/1/24/1", "12 Mar 24x"] {
            assert_eq!(parse_connected_on(s), None, "{s}");
        }
    }

    #[test]
    fn message_dates() {
        let want = DateTime::parse_from_rfc3339("2024-03-12T14:05:33Z").ok().map(|d| d.to_utc());
        for s in ["2024-03-12 14:05:33 UTC", "2024-03-12 14:05:33", "2024-03-12T14:05:33Z"] {
            assert_eq!(parse_message_date(s), want, "{s}");
        }
        assert_eq!(parse_message_date("12/03/2024 2pm"), None);
    }

    #[test]
    fn summaries() {
        assert_eq!(summary("LinkedIn", "  a\n\tb  "), "LinkedIn: a b");
        let long = summary("Email", &"é".repeat(300));
        assert_eq!(long.chars().count(), SUMMARY_MAX);
        assert!(long.ends_with('…'));
    }
}
