//! mbox mailboxes (Thunderbird, Apple Mail, Gmail Takeout): who the user emailed with, when.
//!
//! Only headers are read. The file is streamed through a fixed buffer: header lines are taken
//! one at a time and bodies are skipped with a `memmem` search for `"\nFrom "`, so memory stays
//! constant apart from the records produced, whatever the size of the mailbox. Line numbers
//! are counted as the bytes go by (bodies included), so every record and problem names the
//! physical line of its message's `From ` separator.
//!
//! One activity is produced per thread per UTC day; newsletters and automated mail are skipped.

use crate::linkedin::summary;
use crate::{FormatError, text};
use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};
use kith_core::import::{ActivityRecord, ParseOptions, Parsed, PersonHint, Problem, Skipped};
use kith_core::interaction::{Direction, InteractionKind};
use memchr::memmem::Finder;
use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{self, Read};

/// Bytes asked of the reader at a time.
const CHUNK: usize = 1 << 20;
/// A longer line (binary junk without newlines) is cut into pieces of this size.
const MAX_LINE: usize = 4 << 20;
/// `progress` is called each time this many more bytes have been read.
const PROGRESS_EVERY: u64 = 4 << 20;
/// At most this many skipped messages are listed one by one.
const MAX_SKIPPED: usize = 1000;
/// Longest header value kept (long `References` chains are cut).
const MAX_HEADER: usize = 64 << 10;

/// Reads the headers of every message of an mbox file. `progress` receives the number of
/// bytes read so far, every few MB and once at the end.
pub fn read<R: Read>(
    reader: R,
    opts: &ParseOptions,
    progress: &mut dyn FnMut(u64),
) -> Result<Parsed, FormatError> {
    let mut input = Input::new(reader, progress);
    input.fill()?;
    if input.buf[..input.end].starts_with(&[0xEF, 0xBB, 0xBF]) {
        input.pos = 3;
    }
    let head = &input.buf[input.pos..input.end.min(input.pos + 4096)];
    if text::looks_binary(head) {
        return Err(not_mbox("binary data".into()));
    }
    // Blank lines may come first; then the first "From " separator.
    loop {
        let Some(l) = input.peek_line()? else {
            input.report_end();
            return Ok(Parsed::default());
        };
        let content = &input.buf[l.start..l.end];
        if content.iter().all(u8::is_ascii_whitespace) {
            input.consume(l);
            continue;
        }
        if !content.starts_with(b"From ") {
            let first: String = lossy(content).chars().take(80).collect();
            return Err(not_mbox(first));
        }
        break;
    }

    let finder = Finder::new(b"\nFrom ");
    let mut state = State::new(opts);
    let mut headers = Headers::default();
    let mut separator = Vec::new();
    // At a "From " line.
    while let Some(l) = input.peek_line()? {
        let line = input.line;
        separator.clear();
        separator.extend_from_slice(&input.buf[l.start..l.end]);
        input.consume(l);
        headers.clear();
        let end = read_headers(&mut input, &mut headers)?;
        if end == HeaderEnd::Eof {
            state.parsed.problems.push(Problem::at(
                line,
                None,
                None,
                "a complete message: the file ends inside its headers (no blank line after them)",
            ));
            break;
        }
        state.message(line, &separator, &headers);
        if end == HeaderEnd::Body && !input.skip_body(&finder)? {
            break;
        }
    }
    input.report_end();
    Ok(state.finish())
}

fn not_mbox(found: String) -> FormatError {
    FormatError::NotThisFormat {
        expected: "an mbox mailbox (starting with a \"From \" line)",
        found,
    }
}

/// A line in the buffer: `start..end` without its line break, `next` just after it.
#[derive(Clone, Copy)]
struct LineRef {
    start: usize,
    end: usize,
    next: usize,
    /// Whether a line break ends it (the last line of a file may have none).
    terminated: bool,
}

/// The streaming buffer over the reader, with the line number of its position.
struct Input<'p, R> {
    reader: R,
    buf: Vec<u8>,
    pos: usize,
    end: usize,
    eof: bool,
    /// Offset in the file of `buf[0]`.
    base: u64,
    /// 1-based line number at `pos` (a line start, except inside [`Input::skip_body`]).
    line: u64,
    progress: &'p mut dyn FnMut(u64),
    next_report: u64,
    reported: u64,
}

impl<'p, R: Read> Input<'p, R> {
    fn new(reader: R, progress: &'p mut dyn FnMut(u64)) -> Self {
        Input {
            reader,
            buf: vec![0; 2 * CHUNK],
            pos: 0,
            end: 0,
            eof: false,
            base: 0,
            line: 1,
            progress,
            next_report: PROGRESS_EVERY,
            reported: 0,
        }
    }

    /// Reads more bytes after `end`, first moving `pos..end` to the front. `false` at EOF.
    fn fill(&mut self) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        if self.pos > 0 {
            self.buf.copy_within(self.pos..self.end, 0);
            self.base += self.pos as u64;
            self.end -= self.pos;
            self.pos = 0;
        }
        if self.buf.len() - self.end < CHUNK {
            self.buf.resize(self.end + CHUNK, 0);
        }
        loop {
            match self.reader.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.end += n;
                    let read = self.base + self.end as u64;
                    if read >= self.next_report {
                        (self.progress)(read);
                        self.reported = read;
                        self.next_report = (read / PROGRESS_EVERY + 1) * PROGRESS_EVERY;
                    }
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    fn report_end(&mut self) {
        let read = self.base + self.end as u64;
        if read != self.reported {
            (self.progress)(read);
        }
    }

    /// The line at `pos` (refilling as needed), or `None` at the end of the file.
    fn peek_line(&mut self) -> io::Result<Option<LineRef>> {
        let mut searched = 0;
        loop {
            if let Some(i) = memchr::memchr(b'\n', &self.buf[self.pos + searched..self.end]) {
                let nl = self.pos + searched + i;
                let end = if nl > self.pos && self.buf[nl - 1] == b'\r' { nl - 1 } else { nl };
                return Ok(Some(LineRef { start: self.pos, end, next: nl + 1, terminated: true }));
            }
            searched = self.end - self.pos;
            if searched >= MAX_LINE || !self.fill()? {
                if self.pos == self.end {
                    return Ok(None);
                }
                let end = self.end;
                return Ok(Some(LineRef { start: self.pos, end, next: end, terminated: false }));
            }
        }
    }

    fn consume(&mut self, line: LineRef) {
        self.pos = line.next;
        self.line += 1;
    }

    /// Skips a body: moves to the next line starting with `From ` (`true`) or to the end of
    /// the file (`false`), counting the lines passed.
    fn skip_body(&mut self, finder: &Finder<'_>) -> io::Result<bool> {
        while self.end - self.pos < 5 && self.fill()? {}
        if self.buf[self.pos..self.end].starts_with(b"From ") {
            return Ok(true);
        }
        loop {
            let hay = &self.buf[self.pos..self.end];
            if let Some(i) = finder.find(hay) {
                self.line += count_lines(&hay[..=i]);
                self.pos += i + 1;
                return Ok(true);
            }
            // Keep a tail that may be the start of a separator cut by the chunk boundary.
            let keep = hay.len().min(5);
            let upto = self.end - keep;
            self.line += count_lines(&self.buf[self.pos..upto]);
            self.pos = upto;
            if !self.fill()? {
                self.line += count_lines(&self.buf[self.pos..self.end]);
                self.pos = self.end;
                return Ok(false);
            }
        }
    }
}

fn count_lines(bytes: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', bytes).count() as u64
}

/// The headers Kith reads.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Field {
    From,
    To,
    Cc,
    Date,
    MessageId,
    InReplyTo,
    References,
    Subject,
    ListUnsubscribe,
    ListId,
    Precedence,
    AutoSubmitted,
}

const FIELDS: [(&str, Field); 12] = [
    ("from", Field::From),
    ("to", Field::To),
    ("cc", Field::Cc),
    ("date", Field::Date),
    ("message-id", Field::MessageId),
    ("in-reply-to", Field::InReplyTo),
    ("references", Field::References),
    ("subject", Field::Subject),
    ("list-unsubscribe", Field::ListUnsubscribe),
    ("list-id", Field::ListId),
    ("precedence", Field::Precedence),
    ("auto-submitted", Field::AutoSubmitted),
];

/// Raw (unfolded, undecoded) header values of one message; buffers reused across messages.
#[derive(Default)]
struct Headers {
    values: [Vec<u8>; 12],
    present: [bool; 12],
}

impl Headers {
    fn clear(&mut self) {
        for v in &mut self.values {
            v.clear();
        }
        self.present = [false; 12];
    }

    fn get(&self, field: Field) -> Option<&[u8]> {
        let i = field as usize;
        self.present[i].then(|| trim_bytes(&self.values[i]))
    }

    fn text(&self, field: Field) -> Option<String> {
        self.get(field).map(lossy)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum HeaderEnd {
    /// A blank line (or a line that is not a header): a body follows.
    Body,
    /// The next `From ` separator follows directly.
    NextMessage,
    /// The file ended inside the headers.
    Eof,
}

/// Reads header lines up to the blank line, keeping the fields of [`FIELDS`] (folded lines
/// joined with a space).
fn read_headers<R: Read>(input: &mut Input<'_, R>, headers: &mut Headers) -> io::Result<HeaderEnd> {
    // The field the current (possibly folded) header line belongs to, if kept.
    let mut current: Option<usize> = None;
    loop {
        let Some(l) = input.peek_line()? else { return Ok(HeaderEnd::Eof) };
        if !l.terminated && input.eof {
            // The last line of the file, cut short.
            return Ok(HeaderEnd::Eof);
        }
        let content = &input.buf[l.start..l.end];
        let Some(&first) = content.first() else {
            input.consume(l);
            return Ok(HeaderEnd::Body);
        };
        if first == b' ' || first == b'\t' {
            if let Some(i) = current {
                let v = &mut headers.values[i];
                if v.len() < MAX_HEADER {
                    v.push(b' ');
                    v.extend_from_slice(trim_bytes(content));
                }
            }
            input.consume(l);
            continue;
        }
        if content.starts_with(b"From ") {
            return Ok(HeaderEnd::NextMessage);
        }
        let Some(colon) = memchr::memchr(b':', content) else {
            // Not a header: the body started without a blank line.
            return Ok(HeaderEnd::Body);
        };
        let name = trim_bytes(&content[..colon]);
        if name.is_empty() || name.iter().any(|b| *b <= b' ' || *b >= 0x7f) {
            return Ok(HeaderEnd::Body);
        }
        current = None;
        if let Some((_, field)) =
            FIELDS.iter().find(|(n, _)| name.eq_ignore_ascii_case(n.as_bytes()))
        {
            let i = *field as usize;
            let value = trim_bytes(&content[colon + 1..]);
            let repeatable = matches!(field, Field::To | Field::Cc);
            if !headers.present[i] {
                headers.present[i] = true;
                headers.values[i].extend_from_slice(value);
                current = Some(i);
            } else if repeatable {
                headers.values[i].extend_from_slice(b", ");
                headers.values[i].extend_from_slice(value);
                current = Some(i);
            }
        }
        input.consume(l);
    }
}

fn trim_bytes(b: &[u8]) -> &[u8] {
    let start = b.iter().position(|c| !c.is_ascii_whitespace()).unwrap_or(b.len());
    let end = b.iter().rposition(|c| !c.is_ascii_whitespace()).map_or(start, |e| e + 1);
    &b[start..end]
}

/// UTF-8, or Windows-1252 when the bytes are not UTF-8 (raw 8-bit headers).
fn lossy(b: &[u8]) -> String {
    match std::str::from_utf8(b) {
        Ok(s) => s.to_string(),
        Err(_) => b.iter().map(|c| text::windows_1252(*c)).collect(),
    }
}

/// A thread-day being gathered.
struct Thread {
    line: u64,
    at: DateTime<Utc>,
    subject: String,
    outbound: bool,
    inbound: bool,
    people: Vec<PersonHint>,
}

struct State<'o> {
    opts: &'o ParseOptions,
    parsed: Parsed,
    threads: HashMap<String, Thread>,
    more_skipped: u64,
}

impl<'o> State<'o> {
    fn new(opts: &'o ParseOptions) -> Self {
        State { opts, parsed: Parsed::default(), threads: HashMap::new(), more_skipped: 0 }
    }

    fn skip(&mut self, line: u64, reason: String) {
        if self.parsed.skipped.len() < MAX_SKIPPED {
            self.parsed.skipped.push(Skipped { line, reason });
        } else {
            self.more_skipped += 1;
        }
    }

    fn message(&mut self, line: u64, separator: &[u8], headers: &Headers) {
        let mut from = Vec::new();
        if let Some(raw) = headers.text(Field::From) {
            parse_addresses(&raw, &mut from);
        }
        if let Some(reason) = automated(headers, from.first()) {
            self.skip(line, reason);
            return;
        }
        let mut others = Vec::new();
        for field in [Field::To, Field::Cc] {
            if let Some(raw) = headers.text(field) {
                parse_addresses(&raw, &mut others);
            }
        }
        let outbound = from.first().is_some_and(|m| self.opts.is_me(&m.email));
        let mut people: Vec<PersonHint> = Vec::new();
        for m in from.into_iter().chain(others) {
            if self.opts.is_me(&m.email) {
                continue;
            }
            add_person(&mut people, PersonHint { email: Some(m.email), name: m.name, link: None });
        }
        if people.is_empty() {
            self.skip(line, "a message with nobody but the user".into());
            return;
        }
        let date = headers.text(Field::Date);
        let at = date.as_deref().and_then(parse_date).or_else(|| {
            let s = lossy(separator);
            // "From sender@example.org Tue Mar 12 14:05:33 2024": the date follows the sender.
            let rest = s.strip_prefix("From ")?.trim_start();
            let (_, date) = rest.split_once(char::is_whitespace)?;
            parse_loose_date(date)
        });
        let Some(at) = at else {
            self.parsed.problems.push(Problem::at(
                line,
                Some("Date"),
                date.as_deref(),
                "a date like Tue, 12 Mar 2024 14:05:33 +0000",
            ));
            return;
        };
        let subject = headers.text(Field::Subject).map(|s| decode_words(&s).into_owned());
        let root = thread_root(headers, subject.as_deref());
        let key = format!("{root}/{}", at.format("%Y-%m-%d"));
        let subject = subject.filter(|s| !s.trim().is_empty());
        let thread = self.threads.entry(key).or_insert_with(|| Thread {
            line,
            at,
            subject: subject.clone().unwrap_or_else(|| "(no subject)".into()),
            outbound: false,
            inbound: false,
            people: Vec::new(),
        });
        if at < thread.at {
            thread.at = at;
            thread.line = line;
            thread.subject = subject.unwrap_or_else(|| "(no subject)".into());
        }
        if outbound {
            thread.outbound = true;
        } else {
            thread.inbound = true;
        }
        for p in people {
            add_person(&mut thread.people, p);
        }
    }

    fn finish(mut self) -> Parsed {
        if self.more_skipped > 0 {
            self.parsed.skipped.push(Skipped {
                line: 0,
                reason: format!(
                    "{} more messages skipped (newsletters, automated mail, messages with \
                     nobody else)",
                    self.more_skipped
                ),
            });
        }
        let mut activities: Vec<ActivityRecord> = self
            .threads
            .into_iter()
            .map(|(key, t)| ActivityRecord {
                line: t.line,
                key,
                occurred_at: t.at,
                kind: InteractionKind::Email,
                direction: match (t.outbound, t.inbound) {
                    (true, true) => Direction::Mutual,
                    (true, false) => Direction::Outbound,
                    _ => Direction::Inbound,
                },
                summary: summary("Email", &t.subject),
                people: t.people,
                gathering: None,
            })
            .collect();
        activities.sort_by(|a, b| a.occurred_at.cmp(&b.occurred_at).then(a.line.cmp(&b.line)));
        self.parsed.activities = activities;
        self.parsed
    }
}

/// Adds a person unless their email (lower-cased) is already there; a name found later fills
/// in a missing one.
fn add_person(people: &mut Vec<PersonHint>, p: PersonHint) {
    let key = p.email.as_deref().map(str::to_lowercase);
    if let Some(existing) =
        people.iter_mut().find(|e| e.email.as_deref().map(str::to_lowercase) == key)
    {
        if existing.name.is_none() {
            existing.name = p.name;
        }
    } else {
        people.push(p);
    }
}

/// Why a message is a newsletter or automated mail, if it is one.
fn automated(headers: &Headers, from: Option<&Mailbox>) -> Option<String> {
    if headers.get(Field::ListUnsubscribe).is_some() {
        return Some("a newsletter (List-Unsubscribe header)".into());
    }
    if headers.get(Field::ListId).is_some() {
        return Some("a mailing-list message (List-Id header)".into());
    }
    if let Some(p) = headers.text(Field::Precedence) {
        let p = p.trim().to_lowercase();
        if matches!(p.as_str(), "bulk" | "list" | "junk") {
            return Some(format!("bulk mail (Precedence: {p})"));
        }
    }
    if let Some(a) = headers.text(Field::AutoSubmitted) {
        let a = a.trim().to_lowercase();
        if !a.is_empty() && a != "no" {
            return Some(format!("automated mail (Auto-Submitted: {a})"));
        }
    }
    let sender = from?;
    let local = sender.email.split('@').next().unwrap_or_default().to_lowercase();
    let squashed: String = local.chars().filter(|c| !matches!(c, '-' | '_' | '.')).collect();
    let robot = squashed.contains("noreply")
        || squashed.contains("donotreply")
        || squashed.starts_with("mailerdaemon")
        || squashed == "postmaster"
        || squashed.starts_with("notification")
        || squashed.starts_with("bounce");
    robot.then(|| format!("automated mail (sent by {})", sender.email))
}

/// The thread a message belongs to: the first id of References, else In-Reply-To, else its
/// own Message-ID, else its subject without reply/forward prefixes, lower-cased.
fn thread_root(headers: &Headers, subject: Option<&str>) -> String {
    for field in [Field::References, Field::InReplyTo, Field::MessageId] {
        if let Some(id) = headers.text(field).as_deref().and_then(first_id) {
            return id;
        }
    }
    let base = base_subject(subject.unwrap_or_default());
    if base.is_empty() { "(no subject)".into() } else { base }
}

/// The first `<id>` of a header (without brackets), or its first word.
fn first_id(value: &str) -> Option<String> {
    let id = match value.find('<') {
        Some(start) => {
            let rest = &value[start + 1..];
            rest[..rest.find('>').unwrap_or(rest.len())].trim()
        }
        None => value.split_whitespace().next().unwrap_or_default(),
    };
    (!id.is_empty()).then(|| id.to_string())
}

/// `Re: Fwd: AW: Lunch?` → `lunch?`.
fn base_subject(subject: &str) -> String {
    let mut s = subject.trim();
    loop {
        let lower = s.to_lowercase();
        let prefix = ["re:", "fwd:", "fw:", "aw:", "wg:", "sv:", "tr:"]
            .iter()
            .find(|p| lower.starts_with(*p))
            .map(|p| p.len());
        // `Re[2]:` and `Re(2):` too.
        let counted = (lower.starts_with("re[") || lower.starts_with("re("))
            .then(|| lower.find(':'))
            .flatten()
            .filter(|i| *i <= 8);
        match prefix.or(counted.map(|i| i + 1)) {
            // The prefixes are ASCII, so the byte lengths match between `s` and `lower`.
            Some(n) if s.is_char_boundary(n) => s = s[n..].trim_start(),
            _ => break,
        }
    }
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// A parsed address: email and optional display name (encoded words decoded).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Mailbox {
    pub(crate) name: Option<String>,
    pub(crate) email: String,
}

/// Parses an address list (RFC 5322, leniently): `"Doe, Jane" <jane@x.org>`, `Jane
/// <jane@x.org>`, bare `jane@x.org`, `jane@x.org (Jane Doe)`, groups (`team: a@x, b@x;`,
/// `undisclosed-recipients:;`). Entries without an `@` are dropped.
pub(crate) fn parse_addresses(s: &str, out: &mut Vec<Mailbox>) {
    let mut phrase = String::new();
    let mut comment = String::new();
    let mut angle: Option<String> = None;
    let mut in_angle = false;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' if !in_angle => {
                while let Some(q) = chars.next() {
                    match q {
                        '\\' => phrase.extend(chars.next()),
                        '"' => break,
                        _ => phrase.push(q),
                    }
                }
            }
            '(' => {
                let mut depth = 1;
                if !comment.is_empty() {
                    comment.push(' ');
                }
                while let Some(q) = chars.next() {
                    match q {
                        '\\' => comment.extend(chars.next()),
                        '(' => {
                            depth += 1;
                            comment.push(q);
                        }
                        ')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                            comment.push(q);
                        }
                        _ => comment.push(q),
                    }
                }
            }
            '<' if !in_angle => {
                in_angle = true;
                angle = Some(String::new());
            }
            '>' if in_angle => in_angle = false,
            ',' | ';' if !in_angle => {
                flush(&mut phrase, &mut comment, &mut angle, out);
            }
            ':' if !in_angle => {
                // A group name: the addresses follow.
                phrase.clear();
                comment.clear();
            }
            _ if in_angle => {
                if let Some(a) = angle.as_mut() {
                    a.push(c);
                }
            }
            _ => phrase.push(c),
        }
    }
    flush(&mut phrase, &mut comment, &mut angle, out);
}

fn flush(
    phrase: &mut String,
    comment: &mut String,
    angle: &mut Option<String>,
    out: &mut Vec<Mailbox>,
) {
    let (email, name) = match angle.take() {
        Some(a) => {
            // Drop an obsolete route (`<@relay:jane@x.org>`) and stray spaces.
            let a = a.rsplit(':').next().unwrap_or_default();
            let email: String = a.chars().filter(|c| !c.is_whitespace()).collect();
            let name = if phrase.trim().is_empty() { comment.as_str() } else { phrase.as_str() };
            (email, name.to_string())
        }
        None => (phrase.trim().to_string(), comment.clone()),
    };
    phrase.clear();
    comment.clear();
    if !email.contains('@') || email.contains(char::is_whitespace) {
        return;
    }
    let name = decode_words(name.trim());
    let name = unquote(name.trim()).split_whitespace().collect::<Vec<_>>().join(" ");
    let name = (!name.is_empty() && !name.eq_ignore_ascii_case(&email)).then_some(name);
    out.push(Mailbox { name, email });
}

/// `'Jane Doe'` → `Jane Doe` (quotes kept literally inside a quoted string or a comment).
fn unquote(s: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = s.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
            return inner.trim();
        }
    }
    s
}

/// Decodes RFC 2047 encoded words (`=?UTF-8?B?...?=`, `=?iso-8859-1?Q?...?=`); whitespace
/// between adjacent encoded words is dropped. Unknown charsets are read as UTF-8.
pub(crate) fn decode_words(s: &str) -> Cow<'_, str> {
    if !s.contains("=?") {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    let mut after_word = false;
    // Bytes of consecutive encoded words in one charset, decoded together (a character may be
    // split between two words).
    let mut pending: Option<(String, Vec<u8>)> = None;
    while let Some(i) = rest.find("=?") {
        let Some((charset, bytes, len)) = encoded_word(&rest[i..]) else {
            flush_pending(&mut pending, &mut out);
            out.push_str(&rest[..i + 2]);
            rest = &rest[i + 2..];
            after_word = false;
            continue;
        };
        let between = &rest[..i];
        if !(after_word && between.trim().is_empty()) {
            flush_pending(&mut pending, &mut out);
            out.push_str(between);
        }
        match pending.as_mut() {
            Some((cs, b)) if *cs == charset => b.extend_from_slice(&bytes),
            _ => {
                flush_pending(&mut pending, &mut out);
                pending = Some((charset, bytes));
            }
        }
        after_word = true;
        rest = &rest[i + len..];
    }
    flush_pending(&mut pending, &mut out);
    out.push_str(rest);
    Cow::Owned(out)
}

fn flush_pending(pending: &mut Option<(String, Vec<u8>)>, out: &mut String) {
    if let Some((charset, bytes)) = pending.take() {
        match charset.as_str() {
            "iso-8859-1" | "iso-8859-15" | "latin1" | "latin-1" | "windows-1252" | "cp1252"
            | "us-ascii" => out.extend(bytes.iter().map(|b| text::windows_1252(*b))),
            _ => out.push_str(&String::from_utf8_lossy(&bytes)),
        }
    }
}

/// Parses one encoded word at the start of `s`: charset (lower-case, language dropped), the
/// decoded bytes and the word's length.
fn encoded_word(s: &str) -> Option<(String, Vec<u8>, usize)> {
    let body = s.strip_prefix("=?")?;
    let (charset, rest) = body.split_once('?')?;
    let (encoding, rest) = rest.split_once('?')?;
    let end = rest.find("?=")?;
    let payload = &rest[..end];
    if payload.contains(char::is_whitespace) || charset.is_empty() {
        return None;
    }
    let bytes = match encoding {
        "B" | "b" => base64(payload)?,
        "Q" | "q" => quoted(payload),
        _ => return None,
    };
    let len = 2 + charset.len() + 1 + encoding.len() + 1 + end + 2;
    let charset = charset.split('*').next().unwrap_or_default().to_lowercase();
    Some((charset, bytes, len))
}

/// RFC 2047 "Q": `_` is a space, `=XX` a byte.
fn quoted(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'_' => out.push(b' '),
            b'=' => {
                let hex = b.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(v) => {
                        out.push(v);
                        i += 2;
                    }
                    None => out.push(b'='),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    out
}

/// Standard base64 (padding optional); `None` on a character outside the alphabet.
fn base64(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// Parses a Date header: RFC 2822 first, then leniently (no weekday, `(UTC)` comments,
/// two-digit years, zone names, missing seconds or zone).
pub(crate) fn parse_date(raw: &str) -> Option<DateTime<Utc>> {
    let cleaned = strip_comments(raw);
    if let Ok(d) = DateTime::parse_from_rfc2822(&cleaned) {
        return Some(d.with_timezone(&Utc));
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(cleaned.trim()) {
        return Some(d.with_timezone(&Utc));
    }
    parse_loose_date(&cleaned)
}

fn strip_comments(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut depth = 0u32;
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Finds day, month name, year, time and zone among the words of a date, in any of the usual
/// orders: `12 Mar 2024 14:05:33 +0000`, `Tue Mar 12 14:05:33 2024` (asctime), `Tue Mar 12
/// 14:05:33 +0000 2024` (Gmail's separator lines).
fn parse_loose_date(s: &str) -> Option<DateTime<Utc>> {
    const MONTHS: [&str; 12] =
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    let mut month = None;
    let mut numbers: Vec<&str> = Vec::new();
    let mut time = None;
    let mut offset: Option<i32> = None;
    for word in s.split(|c: char| c.is_whitespace() || c == ',').filter(|w| !w.is_empty()) {
        let lower = word.to_ascii_lowercase();
        if word.contains(':') {
            time.get_or_insert(word);
        } else if let Some(m) = MONTHS.iter().position(|m| lower.starts_with(m)) {
            if month.is_none() && lower.len() >= 3 {
                month = Some(m as u32 + 1);
            }
        } else if (word.starts_with('+') || word.starts_with('-')) && word.len() == 5 {
            let sign = if word.starts_with('-') { -1 } else { 1 };
            let hh: i32 = word.get(1..3)?.parse().ok()?;
            let mm: i32 = word.get(3..5)?.parse().ok()?;
            offset = Some(sign * (hh * 3600 + mm * 60));
        } else if word.bytes().all(|b| b.is_ascii_digit()) {
            numbers.push(word);
        } else if let Some(z) = zone(&lower) {
            offset.get_or_insert(z);
        }
    }
    let month = month?;
    // The year is the 4-digit number, else the second number; the day the other one.
    let (day, year) = match numbers.as_slice() {
        [a, b, ..] if a.len() == 4 => (*b, *a),
        [a, b, ..] => (*a, *b),
        _ => return None,
    };
    let day: u32 = day.parse().ok()?;
    let year: i32 = match year.parse::<i32>().ok()? {
        y if year.len() <= 2 && y < 50 => 2000 + y,
        y if year.len() <= 2 => 1900 + y,
        y if year.len() == 3 => 1900 + y,
        y => y,
    };
    let mut hms = time?.split(':').map(|p| p.trim().parse::<u32>());
    let h = hms.next()?.ok()?;
    let m = hms.next()?.ok()?;
    let sec = hms.next().and_then(Result::ok).unwrap_or(0);
    let naive = NaiveDate::from_ymd_opt(year, month, day)?.and_hms_opt(h, m, sec.min(59))?;
    let zone = FixedOffset::east_opt(offset.unwrap_or(0))?;
    zone.from_local_datetime(&naive).single().map(|d| d.with_timezone(&Utc))
}

fn zone(name: &str) -> Option<i32> {
    let hours = match name {
        "ut" | "utc" | "gmt" | "z" => 0,
        "edt" => -4,
        "est" | "cdt" => -5,
        "cst" | "mdt" => -6,
        "mst" | "pdt" => -7,
        "pst" => -8,
        "cet" | "bst" | "wat" => 1,
        "cest" | "eet" => 2,
        "eest" => 3,
        _ => return None,
    };
    Some(hours * 3600)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Option<String> {
        parse_date(s).map(|d| d.format("%Y-%m-%d %H:%M:%S").to_string())
    }

    #[test]
    fn dates_in_the_wild() {
        let cases = [
            ("Tue, 12 Mar 2024 14:05:33 +0000", "2024-03-12 14:05:33"),
            ("12 Mar 2024 14:05:33 -0000", "2024-03-12 14:05:33"),
            ("Tue, 12 Mar 2024 14:05:33 +0000 (UTC)", "2024-03-12 14:05:33"),
            ("Mon, 1 Jan 2024 10:00:00 +0000 (Coordinated Universal Time)", "2024-01-01 10:00:00"),
            ("Tue, 12 Mar 24 14:05:33 GMT", "2024-03-12 14:05:33"),
            ("Fri, 12 Mar 99 14:05:33 GMT", "1999-03-12 14:05:33"),
            ("Tue, 2 Apr 2024 09:00 -0700", "2024-04-02 16:00:00"),
            ("Tue,  2 Apr 2024 09:00:00 PDT", "2024-04-02 16:00:00"),
            ("tue, 02 apr 2024 09:00:00 +0200", "2024-04-02 07:00:00"),
            ("Tue, 12 Mar 2024 14:05:33", "2024-03-12 14:05:33"),
            ("2024-03-12T14:05:33+01:00", "2024-03-12 13:05:33"),
            ("Tue Mar 12 14:05:33 2024", "2024-03-12 14:05:33"),
            ("Tue Mar 12 14:05:33 +0100 2024", "2024-03-12 13:05:33"),
            ("Wed, 13 Mar 2024 08:02:11 +0000 (UTC)", "2024-03-13 08:02:11"),
        ];
        for (raw, want) in cases {
            assert_eq!(at(raw).as_deref(), Some(want), "{raw}");
        }
        for bad in ["sometime last week", "Tue, 31 Feb 2024 10:00:00 +0000", "", "12 Mar"] {
            assert_eq!(at(bad), None, "{bad}");
        }
    }

    #[test]
    fn encoded_words() {
        let cases = [
            ("=?UTF-8?B?Sm9zw6k=?= =?UTF-8?B?IE1hcnTDrW5leg==?=", "José Martínez"),
            ("=?utf-8?Q?Caf=C3=A9_=E2=98=95_tomorrow=3F?=", "Café ☕ tomorrow?"),
            ("Re: =?ISO-8859-1?Q?Andr=E9?= and friends", "Re: André and friends"),
            ("=?windows-1252?Q?=80uro?=", "€uro"),
            // A character split over two words.
            ("=?UTF-8?Q?=C3?= =?UTF-8?Q?=A9t=C3=A9?=", "été"),
            ("a =?utf-8?q?b?= c", "a b c"),
            ("=?UTF-8*en?Q?Hi?=", "Hi"),
            ("=?UTF-8?B?SGk?=", "Hi"),
            ("=?UTF-8?X?abc?= plain", "=?UTF-8?X?abc?= plain"),
            ("no words here", "no words here"),
            ("=?broken", "=?broken"),
        ];
        for (raw, want) in cases {
            assert_eq!(decode_words(raw), want, "{raw}");
        }
    }

    fn addresses(s: &str) -> Vec<(Option<String>, String)> {
        let mut out = Vec::new();
        parse_addresses(s, &mut out);
        out.into_iter().map(|m| (m.name, m.email)).collect()
    }

    fn mb(name: Option<&str>, email: &str) -> (Option<String>, String) {
        (name.map(str::to_string), email.to_string())
    }

    #[test]
    fn address_lists() {
        assert_eq!(
            addresses("\"Doe, Jane\" <jane@x.org>, Bob <bob@y.org>"),
            [mb(Some("Doe, Jane"), "jane@x.org"), mb(Some("Bob"), "bob@y.org")]
        );
        assert_eq!(addresses("jane@x.org (Jane Doe)"), [mb(Some("Jane Doe"), "jane@x.org")]);
        assert_eq!(addresses("jane@x.org"), [mb(None, "jane@x.org")]);
        assert_eq!(addresses("undisclosed-recipients:;"), []);
        assert_eq!(
            addresses("team: a@x.org, B <b@x.org>; c@x.org"),
            [mb(None, "a@x.org"), mb(Some("B"), "b@x.org"), mb(None, "c@x.org")]
        );
        assert_eq!(addresses("<@relay.example:route@x.org>"), [mb(None, "route@x.org")]);
        assert_eq!(
            addresses("=?UTF-8?B?Sm9zw6k=?= <jose@x.org>"),
            [mb(Some("José"), "jose@x.org")]
        );
        assert_eq!(addresses("\"jane@x.org\" <jane@x.org>"), [mb(None, "jane@x.org")]);
        assert_eq!(addresses("'Jane Doe' <jane@x.org>"), [mb(Some("Jane Doe"), "jane@x.org")]);
        assert_eq!(addresses("Jane (work) <jane@x.org>"), [mb(Some("Jane"), "jane@x.org")]);
        assert_eq!(
            addresses(r#""Smith \"Bob\"" <b@x.org>"#),
            [mb(Some("Smith \"Bob\""), "b@x.org")]
        );
        assert_eq!(addresses("not an address, also not"), []);
        assert_eq!(addresses(""), []);
    }

    #[test]
    fn subjects_lose_reply_prefixes() {
        assert_eq!(base_subject("Re: Fwd: AW: WG: Lunch?"), "lunch?");
        assert_eq!(base_subject("RE[2]: Budget"), "budget");
        assert_eq!(base_subject("Re:Re:  Hello   World"), "hello world");
        assert_eq!(base_subject("Réunion"), "réunion");
        assert_eq!(base_subject("Re: "), "");
    }
}
