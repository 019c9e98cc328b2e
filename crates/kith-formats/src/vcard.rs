//! vCard 2.1, 3.0 and 4.0: reading address books (Apple, Google, Outlook, Android) and writing
//! them back.
//!
//! The file is split into cards here, line by line, so every problem names the line its card
//! starts on and a truncated card is caught. Each card's values are decoded by `calcard`
//! (folding, quoted-printable, charsets, escapes); properties Kith has no field for (PHOTO,
//! RELATED, X- properties, Apple `itemN.` groups) are kept as their raw unfolded lines and
//! written back unchanged by [`write`].

use crate::text;
use calcard::common::IanaString;
use calcard::vcard::{
    VCard, VCardEntry, VCardKind, VCardParameterName, VCardParameterValue, VCardProperty,
    VCardValue,
};
use kith_core::contact::{Address, Birthday, Contact, EmploymentInput};
use kith_core::import::{self, Parsed, PersonRecord, Problem, Skipped};

/// One card's raw lines, unfolded, with the line number each starts on.
struct RawCard {
    line: u64,
    lines: Vec<(u64, String)>,
}

/// Reads every card of a `.vcf` file.
pub fn read(bytes: &[u8]) -> Parsed {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    read_in(bytes, threads.min(bytes.len() / MIN_PIECE).max(1))
}

/// The smallest piece of a file read on a thread of its own (about 700 cards).
const MIN_PIECE: usize = 256 * 1024;

/// What one piece of a file holds: its cards read, and what its line-by-line split found.
struct Piece {
    /// Problems of the split (lines outside cards, a BEGIN:VCARD inside a card), in line order.
    problems: Vec<Problem>,
    /// The line of a card still open where the piece ends.
    open: Option<u64>,
    /// Whether the piece ends inside a quoted-printable soft line break.
    qp_continues: bool,
    /// Each card's line and what reading it gave.
    cards: Vec<(u64, Result<Option<PersonRecord>, Problem>)>,
}

/// Reads a file in `pieces` pieces, each on a thread, cut before `BEGIN:VCARD` lines: cards
/// never span a cut (folded lines start with a space, so a cut line is never a continuation),
/// and each piece counts its lines from the line it starts on. The result is the same as
/// reading the file in one piece, problems in the same order.
fn read_in(bytes: &[u8], pieces: usize) -> Parsed {
    let mut parsed = Parsed::default();
    if text::looks_binary(bytes) {
        parsed.problems.push(Problem::at(
            0,
            None,
            None,
            "a vCard file (text starting with BEGIN:VCARD); this looks like binary data",
        ));
        return parsed;
    }
    let (content, note) = text::decode(bytes);
    if let Some(p) = note {
        parsed.problems.push(p);
    }
    let cuts = cut_points(&content, pieces);
    // Each piece's text without the line break it ends on (that break ends the line before
    // the next piece's BEGIN:VCARD), and the number of its first line.
    let texts: Vec<(&str, u64)> = cuts
        .iter()
        .enumerate()
        .map(|(i, &(start, line))| match cuts.get(i + 1) {
            Some(&(next, _)) => (&content[start..next - 1], line),
            None => (&content[start..], line),
        })
        .collect();
    let mut read: Vec<Piece> = if texts.len() == 1 {
        texts.iter().map(|&(t, line)| read_piece(t, line)).collect()
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = texts
                .iter()
                .map(|&(t, line)| (t, line, scope.spawn(move || read_piece(t, line))))
                .collect();
            handles
                .into_iter()
                .map(|(t, line, h)| h.join().unwrap_or_else(|_| failed_piece(t, line)))
                .collect()
        })
    };
    // A quoted-printable soft break before a cut joins the BEGIN:VCARD line to the value
    // when read in one piece: read it that way.
    if read.len() > 1 && read[..read.len() - 1].iter().any(|p| p.qp_continues) {
        read = vec![read_piece(&content, 1)];
    }
    let last = read.len().saturating_sub(1);
    let mut cards = Vec::new();
    for (i, piece) in read.into_iter().enumerate() {
        parsed.problems.extend(piece.problems);
        if let Some(line) = piece.open {
            let expected = if i < last {
                "END:VCARD before the next BEGIN:VCARD"
            } else {
                "END:VCARD; the file ends inside this card (truncated?)"
            };
            parsed.problems.push(Problem::at(line, Some("END"), None, expected));
        }
        cards.push(piece.cards);
    }
    parsed.people.reserve(cards.iter().map(Vec::len).sum());
    for (line, result) in cards.into_iter().flatten() {
        match result {
            Ok(Some(record)) => parsed.people.push(record),
            Ok(None) => parsed.skipped.push(Skipped {
                line,
                reason: "a contact group card (KIND:group); groups are not imported as people"
                    .into(),
            }),
            Err(p) => parsed.problems.push(p),
        }
    }
    parsed
}

/// Splits and reads one piece whose first line is `first_line`.
fn read_piece(text: &str, first_line: u64) -> Piece {
    let split = split(text, first_line);
    let cards = split.cards.iter().map(|c| (c.line, read_card(c))).collect();
    Piece {
        problems: split.problems,
        open: split.open.map(|c| c.line),
        qp_continues: split.qp_continues,
        cards,
    }
}

/// A piece whose thread panicked: every card in it is reported unreadable.
fn failed_piece(text: &str, first_line: u64) -> Piece {
    let split = split(text, first_line);
    let cards = split
        .cards
        .iter()
        .map(|c| (c.line, Err(Problem::at(c.line, None, None, "a card Kith can read"))))
        .collect();
    Piece {
        problems: split.problems,
        open: split.open.map(|c| c.line),
        qp_continues: split.qp_continues,
        cards,
    }
}

/// Where to cut the text into (at most) `pieces` pieces of similar size: byte offsets of
/// lines that are exactly `BEGIN:VCARD` (no leading space, so never a folded continuation),
/// each with its line number. The first piece starts at 0, line 1.
fn cut_points(content: &str, pieces: usize) -> Vec<(usize, u64)> {
    let bytes = content.as_bytes();
    let mut cuts = vec![(0usize, 1u64)];
    let finder = memchr::memmem::Finder::new(b"BEGIN:VCARD");
    let mut line = 1u64;
    for k in 1..pieces {
        let (prev, _) = cuts[cuts.len() - 1];
        let mut from = (content.len() / pieces * k).max(prev + 1);
        let cut = loop {
            let Some(found) = bytes.get(from..).and_then(|rest| finder.find(rest)) else {
                break None;
            };
            let at = from + found;
            let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |e| at + e);
            // At a line start, with nothing after it but white space.
            if at > 0 && bytes[at - 1] == b'\n' && content[at + 11..end].trim().is_empty() {
                break Some(at);
            }
            from = at + 1;
        };
        let Some(at) = cut else { break };
        line += memchr::memchr_iter(b'\n', &bytes[prev..at]).count() as u64;
        cuts.push((at, line));
    }
    cuts
}

/// The cards of a piece of text, the split's problems, and how the piece ends.
struct Split {
    cards: Vec<RawCard>,
    problems: Vec<Problem>,
    /// A card without END:VCARD yet where the text ends.
    open: Option<RawCard>,
    qp_continues: bool,
}

/// Splits the text into cards of unfolded lines, numbering lines from `first_line`. Lines
/// outside a card and a nested BEGIN:VCARD are problems; a card open at the end is returned
/// as such (the caller knows whether the file ends there).
fn split(content: &str, first_line: u64) -> Split {
    let mut problems = Vec::new();
    let mut cards = Vec::new();
    let mut current: Option<RawCard> = None;
    let mut qp_continues = false;
    for (i, raw) in content.split('\n').enumerate() {
        let n = i as u64 + first_line;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if let Some(card) = current.as_mut() {
            let folded = line.starts_with(' ') || line.starts_with('\t');
            if (folded || qp_continues) && !card.lines.is_empty() {
                if let Some((_, last)) = card.lines.last_mut() {
                    if qp_continues {
                        last.pop(); // the soft line break '='
                        last.push_str(line);
                    } else {
                        last.push_str(&line[1..]);
                    }
                    qp_continues = qp_continues && last.ends_with('=');
                }
                continue;
            }
        }
        if line.trim().is_empty() {
            continue;
        }
        let upper = line.trim().to_ascii_uppercase();
        if upper == "BEGIN:VCARD" {
            if let Some(open) = current.take() {
                problems.push(Problem::at(
                    open.line,
                    Some("END"),
                    None,
                    "END:VCARD before the next BEGIN:VCARD",
                ));
            }
            current = Some(RawCard { line: n, lines: vec![(n, "BEGIN:VCARD".into())] });
            continue;
        }
        match current.as_mut() {
            None => problems.push(Problem::at(
                n,
                None,
                Some(line),
                "BEGIN:VCARD (a line outside any card)",
            )),
            Some(card) => {
                card.lines.push((n, line.to_string()));
                if upper == "END:VCARD" {
                    if let Some(done) = current.take() {
                        cards.push(done);
                    }
                    qp_continues = false;
                    continue;
                }
                qp_continues = line.ends_with('=')
                    && property_head(line).to_ascii_uppercase().contains("QUOTED-PRINTABLE");
            }
        }
    }
    Split { cards, problems, open: current, qp_continues }
}

/// The part of a content line before the value: group, name and parameters.
fn property_head(line: &str) -> &str {
    let mut quoted = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ':' if !quoted => return &line[..i],
            _ => {}
        }
    }
    line
}

/// The group (`item1`) and upper-case name (`URL`) of a content line.
fn group_and_name(line: &str) -> (Option<String>, String) {
    let head = property_head(line);
    let name = head.split(';').next().unwrap_or_default();
    match name.split_once('.') {
        Some((g, n)) => (Some(g.to_ascii_lowercase()), n.to_ascii_uppercase()),
        None => (None, name.to_ascii_uppercase()),
    }
}

/// Properties Kith reads into its own fields (everything else is kept verbatim).
const MODELED: &[&str] = &[
    "BEGIN",
    "END",
    "VERSION",
    "FN",
    "N",
    "NICKNAME",
    "EMAIL",
    "TEL",
    "URL",
    "ADR",
    "BDAY",
    "ORG",
    "TITLE",
    "NOTE",
    "CATEGORIES",
    "UID",
    "REV",
    "PRODID",
    "X-ABSHOWAS",
    "KIND",
];

fn read_card(card: &RawCard) -> Result<Option<PersonRecord>, Problem> {
    let mut body = String::with_capacity(card.lines.iter().map(|(_, l)| l.len() + 2).sum());
    for (_, l) in &card.lines {
        body.push_str(l);
        body.push_str("\r\n");
    }
    let vcard = VCard::parse(&body)
        .map_err(|e| Problem::at(card.line, None, None, &format!("a readable vCard ({e:?})")))?;
    // Groups whose label belongs to a modelled property (item1.EMAIL + item1.X-ABLabel).
    let heads: Vec<(Option<String>, String)> =
        card.lines.iter().map(|(_, l)| group_and_name(l)).collect();
    let mut modeled_groups = Vec::new();
    for (g, name) in &heads {
        if let Some(g) = g
            && matches!(name.as_str(), "EMAIL" | "TEL" | "URL" | "ADR")
        {
            modeled_groups.push(g);
        }
    }
    let mut extra = Vec::new();
    for ((_, l), (g, name)) in card.lines.iter().zip(&heads).skip(1) {
        let labels_modeled =
            name == "X-ABLABEL" && g.as_ref().is_some_and(|g| modeled_groups.contains(&g));
        if !MODELED.contains(&name.as_str()) && !labels_modeled {
            // A stray CR inside a line would start a new line when written back.
            extra.push(l.replace('\r', ""));
        }
    }
    let labels: Vec<(String, String)> = vcard
        .entries
        .iter()
        .filter(
            |e| matches!(&e.name, VCardProperty::Other(n) if n.eq_ignore_ascii_case("X-ABLabel")),
        )
        .filter_map(|e| Some((e.group.clone()?.to_ascii_lowercase(), apple_label(&text_of(e)))))
        .collect();
    let label_of = |e: &VCardEntry| -> Option<String> {
        if let Some(g) = &e.group {
            let g = g.to_ascii_lowercase();
            if let Some((_, l)) = labels.iter().find(|(lg, _)| *lg == g) {
                return Some(l.clone());
            }
        }
        type_label(e)
    };

    let mut record = PersonRecord { line: card.line, ..Default::default() };
    let c = &mut record.contact;
    let mut org_name = None;
    let mut title = None;
    let mut is_group = false;
    for e in &vcard.entries {
        match &e.name {
            VCardProperty::Fn => c.display_name = text_of(e),
            VCardProperty::N => {
                let parts = components(e);
                c.family_name = non_empty(parts.first());
                c.given_name = non_empty(parts.get(1));
            }
            VCardProperty::Nickname => c.nickname = non_empty(Some(&text_of(e))),
            VCardProperty::Email => {
                let v = text_of(e);
                if !v.trim().is_empty() {
                    c.emails.push(import::email(&v, label_of(e).as_deref()));
                }
            }
            VCardProperty::Tel => {
                let v = text_of(e);
                let v = v.strip_prefix("tel:").unwrap_or(&v);
                if !v.trim().is_empty() {
                    c.phones.push(import::phone(v, label_of(e).as_deref()));
                }
            }
            VCardProperty::Url => {
                let v = text_of(e);
                if !v.trim().is_empty() {
                    c.links.push(import::link(&v));
                }
            }
            VCardProperty::Adr => {
                let p = components(e);
                let part = |i: usize| non_empty(p.get(i));
                let street = [part(1), part(2)].into_iter().flatten().collect::<Vec<_>>();
                c.addresses.push(Address {
                    label: label_of(e),
                    street: if street.is_empty() { None } else { Some(street.join(", ")) },
                    locality: part(3),
                    region: part(4),
                    postal_code: part(5),
                    country: part(6),
                });
            }
            VCardProperty::Bday => c.birthday = birthday(e),
            VCardProperty::Org => org_name = non_empty(components(e).first()),
            VCardProperty::Title => title = non_empty(Some(&text_of(e))),
            VCardProperty::Note => c.notes = text_of(e),
            VCardProperty::Categories => {
                for v in &e.values {
                    if let Some(t) = v.as_text() {
                        for tag in t.split(',') {
                            if !tag.trim().is_empty() {
                                c.tags.push(tag.trim().to_string());
                            }
                        }
                    }
                }
            }
            VCardProperty::Uid => record.key = non_empty(Some(&text_of(e))),
            VCardProperty::Kind => match e.values.first() {
                Some(VCardValue::Kind(VCardKind::Group)) => is_group = true,
                Some(VCardValue::Kind(VCardKind::Org)) => record.organization_card = true,
                _ => {}
            },
            VCardProperty::Other(name) => {
                let v = text_of(e).to_ascii_lowercase();
                if name.eq_ignore_ascii_case("X-ABShowAs") && v == "company" {
                    record.organization_card = true;
                } else if name.eq_ignore_ascii_case("X-ADDRESSBOOKSERVER-KIND") && v == "group" {
                    is_group = true;
                }
            }
            _ => {}
        }
    }
    if is_group {
        return Ok(None);
    }
    if c.display_name.trim().is_empty() {
        let joined = [c.given_name.clone(), c.family_name.clone()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        c.display_name = if !joined.is_empty() {
            joined
        } else if record.organization_card {
            org_name.clone().unwrap_or_default()
        } else {
            String::new()
        };
    }
    if c.display_name.trim().is_empty() {
        return Err(Problem::at(card.line, Some("FN"), None, "a name: FN or N"));
    }
    if let Some(org) = org_name
        && !record.organization_card
    {
        c.employment.push(EmploymentInput { organization: org, title, start: None, end: None });
    }

    record.extra = extra;
    Ok(Some(record))
}

/// The text of a property's value(s), components joined with spaces.
fn text_of(e: &VCardEntry) -> String {
    let parts: Vec<&str> = e.values.iter().filter_map(|v| v.as_text()).collect();
    parts.join(" ").trim().to_string()
}

/// The structured components of N, ADR or ORG.
fn components(e: &VCardEntry) -> Vec<String> {
    e.values
        .iter()
        .map(|v| match v {
            VCardValue::Component(parts) => parts.join(" "),
            other => other.as_text().unwrap_or_default().to_string(),
        })
        .collect()
}

fn non_empty(s: Option<&String>) -> Option<String> {
    s.map(|s| s.trim()).filter(|s| !s.is_empty()).map(str::to_string)
}

/// The label from TYPE parameters (`work`, `cell`), ignoring INTERNET, PREF and VOICE.
fn type_label(e: &VCardEntry) -> Option<String> {
    for p in &e.params {
        let word = match (&p.name, &p.value) {
            (VCardParameterName::Type, VCardParameterValue::Type(t)) => t.as_str().to_lowercase(),
            (VCardParameterName::Type, VCardParameterValue::Text(t)) => t.to_lowercase(),
            (VCardParameterName::Other(n), VCardParameterValue::Null) => n.to_lowercase(),
            _ => continue,
        };
        if !matches!(word.as_str(), "internet" | "pref" | "voice" | "x400" | "x-internet") {
            return Some(if word == "cell" { "mobile".into() } else { word });
        }
    }
    None
}

/// Apple's labels: `_$!<HomePage>!$_` → `homepage`; custom labels as typed.
fn apple_label(raw: &str) -> String {
    let inner = raw.strip_prefix("_$!<").and_then(|r| r.strip_suffix(">!$_")).unwrap_or(raw);
    inner.trim().to_lowercase()
}

/// BDAY: full dates, v4 `--MMDD`, and Apple's year-less `1604-MM-DD;X-APPLE-OMIT-YEAR=1604`.
fn birthday(e: &VCardEntry) -> Option<Birthday> {
    let omit_year = e.params.iter().any(
        |p| matches!(&p.name, VCardParameterName::Other(n) if n.eq_ignore_ascii_case("X-APPLE-OMIT-YEAR")),
    );
    match e.values.first()? {
        VCardValue::PartialDateTime(d) => {
            let year = d.year.map(i32::from).filter(|y| !omit_year && *y != 1604);
            let b = Birthday { year, month: u32::from(d.month?), day: u32::from(d.day?) };
            Birthday::parse("BDAY", &b.to_string()).ok()
        }
        other => Birthday::parse("BDAY", other.as_text()?).ok(),
    }
}

/// Which vCard version [`write`] produces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    /// vCard 3.0, which Apple Contacts reads best.
    V3,
    /// vCard 4.0 (RFC 6350).
    V4,
}

/// Writes one contact as a vCard (CRLF lines folded at 75 octets). `uid` is the card's UID
/// (the one it was imported with, or one made from the contact id); `extra` are properties
/// kept verbatim from an imported card.
pub fn write(contact: &Contact, uid: &str, extra: &[String], version: Version) -> String {
    let mut out = String::with_capacity(512);
    let mut put = |line: String| fold_into(&mut out, &line);
    put("BEGIN:VCARD".into());
    put(match version {
        Version::V3 => "VERSION:3.0".into(),
        Version::V4 => "VERSION:4.0".into(),
    });
    put(format!("UID:{}", escape(uid)));
    put(format!("FN:{}", escape(&contact.display_name)));
    put(format!(
        "N:{};{};;;",
        escape(contact.family_name.as_deref().unwrap_or_default()),
        escape(contact.given_name.as_deref().unwrap_or_default())
    ));
    if let Some(n) = &contact.nickname {
        put(format!("NICKNAME:{}", escape(n)));
    }
    for e in &contact.emails {
        put(format!("EMAIL{}:{}", type_param(e.label.as_deref()), escape(&e.address)));
    }
    for p in &contact.phones {
        let label = p.label.as_deref().map(|l| if l == "mobile" { "cell" } else { l });
        put(format!("TEL{}:{}", type_param(label), escape(&p.number)));
    }
    for l in &contact.links {
        put(format!("URL:{}", l.url));
    }
    for a in &contact.addresses {
        let part = |s: &Option<String>| escape(s.as_deref().unwrap_or_default());
        put(format!(
            "ADR{}:;;{};{};{};{};{}",
            type_param(a.label.as_deref()),
            part(&a.street),
            part(&a.locality),
            part(&a.region),
            part(&a.postal_code),
            part(&a.country)
        ));
    }
    if let Some(b) = contact.birthday {
        put(match (b.year, version) {
            (Some(y), _) => format!("BDAY:{y:04}-{:02}-{:02}", b.month, b.day),
            (None, Version::V4) => format!("BDAY:--{:02}{:02}", b.month, b.day),
            (None, Version::V3) => {
                format!("BDAY;X-APPLE-OMIT-YEAR=1604:1604-{:02}-{:02}", b.month, b.day)
            }
        });
    }
    if let Some(role) = contact.current_role() {
        put(format!("ORG:{}", escape(&role.organization)));
        if let Some(t) = &role.title {
            put(format!("TITLE:{}", escape(t)));
        }
    }
    if !contact.tags.is_empty() {
        let tags: Vec<String> = contact.tags.iter().map(|t| escape(t)).collect();
        put(format!("CATEGORIES:{}", tags.join(",")));
    }
    if !contact.notes.is_empty() {
        put(format!("NOTE:{}", escape(&contact.notes)));
    }
    for line in extra {
        put(line.clone());
    }
    put(format!("REV:{}", contact.updated_at.format("%Y%m%dT%H%M%SZ")));
    put("END:VCARD".into());
    out
}

/// Writes every contact as a vCard, with the UID and kept properties of imported cards
/// (contacts never imported get `urn:uuid:` and their id).
pub fn write_all(
    contacts: &[Contact],
    cards: &std::collections::HashMap<kith_core::ContactId, kith_core::import::CardExtras>,
    version: Version,
) -> String {
    let mut out = String::with_capacity(contacts.len() * 400);
    for c in contacts {
        let card = cards.get(&c.id);
        let uid = card.and_then(|k| k.uid.clone()).unwrap_or_else(|| format!("urn:uuid:{}", c.id));
        let extra = card.map(|k| k.lines.as_slice()).unwrap_or_default();
        out.push_str(&write(c, &uid, extra, version));
    }
    out
}

fn type_param(label: Option<&str>) -> String {
    match label {
        Some(l) if !l.is_empty() => {
            let clean: String = l.chars().filter(|c| c.is_alphanumeric() || *c == '-').collect();
            if clean.is_empty() { String::new() } else { format!(";TYPE={clean}") }
        }
        _ => String::new(),
    }
}

/// Escapes a text value: backslash, comma, semicolon and newlines.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ',' => out.push_str("\\,"),
            ';' => out.push_str("\\;"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends a content line folded at 75 octets (never inside a UTF-8 character), CRLF-ended.
pub(crate) fn fold_into(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_never_splits_a_character() {
        let mut out = String::new();
        fold_into(&mut out, &format!("NOTE:{}", "é".repeat(100)));
        for line in out.split("\r\n") {
            assert!(line.len() <= 75, "{line}");
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded.trim_end(), format!("NOTE:{}", "é".repeat(100)));
    }

    /// A file with a problem of every kind, spread over the pieces; `eol` ends its lines.
    /// Returns the text and the lines of the problems expected.
    fn awkward_file(eol: &str) -> (String, Vec<u64>) {
        let mut text = String::new();
        let mut line = 1u64;
        let mut expected = Vec::new();
        let mut put = |text: &mut String, s: &str| {
            text.push_str(s);
            text.push_str(eol);
            line += 1;
            line - 1
        };
        for i in 0..60 {
            let begin = if i == 33 { "begin:vcard" } else { "BEGIN:VCARD" };
            let first = put(&mut text, begin);
            put(&mut text, "VERSION:3.0");
            match i {
                // No name: a problem at the card's first line.
                20 | 47 => expected.push(first),
                _ => {
                    put(&mut text, &format!("FN:Person {i}"));
                }
            }
            put(&mut text, &format!("EMAIL;TYPE=work:p{i}@example.org"));
            put(&mut text, "NOTE:a long note that goes on");
            put(&mut text, "  and on, folded");
            put(&mut text, &format!("NOTE;ENCODING=QUOTED-PRINTABLE:soft=3D{i}="));
            put(&mut text, "break");
            if i == 30 {
                put(&mut text, "KIND:group");
            }
            if i == 25 || i == 52 {
                // No END:VCARD: the next BEGIN:VCARD is a problem for this card.
                expected.push(first);
                continue;
            }
            put(&mut text, "END:VCARD");
            if i == 5 || i == 40 {
                expected.push(put(&mut text, "stray text between cards"));
                put(&mut text, "");
            }
        }
        let last = put(&mut text, "BEGIN:VCARD");
        put(&mut text, "FN:Truncated");
        expected.push(last);
        expected.sort_unstable();
        (text, expected)
    }

    #[test]
    fn pieces_read_like_the_whole_file() {
        for eol in ["\r\n", "\n"] {
            let (text, expected) = awkward_file(eol);
            let whole = read_in(text.as_bytes(), 1);
            let mut lines: Vec<u64> = whole.problems.iter().map(|p| p.line).collect();
            lines.sort_unstable();
            assert_eq!(lines, expected, "{:#?}", whole.problems);
            assert_eq!(whole.people.len(), 55, "{:#?}", whole.problems);
            assert_eq!(whole.skipped.len(), 1);
            for pieces in 2..=9 {
                assert!(cut_points(&text, pieces).len() > 1, "{pieces} pieces");
                assert_eq!(read_in(text.as_bytes(), pieces), whole, "{pieces} pieces");
            }
        }
    }

    #[test]
    fn a_soft_break_before_a_cut_reads_the_whole_file() {
        // Every card ends in a quoted-printable soft break without END:VCARD: each next
        // BEGIN:VCARD line is part of a value, as a reading in one piece has it.
        let card = "BEGIN:VCARD\r\nFN:Someone\r\nNOTE;ENCODING=QUOTED-PRINTABLE:a=\r\n";
        let text = card.repeat(50);
        let whole = read_in(text.as_bytes(), 1);
        assert_eq!(whole.problems.len(), 1, "{:#?}", whole.problems);
        for pieces in 2..=5 {
            assert!(cut_points(&text, pieces).len() > 1);
            assert_eq!(read_in(text.as_bytes(), pieces), whole, "{pieces} pieces");
        }
    }

    #[test]
    fn cuts_fall_on_begin_lines() {
        let (text, _) = awkward_file("\n");
        let cuts = cut_points(&text, 9);
        for (at, line) in cuts.iter().skip(1) {
            assert!(text[*at..].starts_with("BEGIN:VCARD"), "{at}");
            assert_eq!(*line, text[..*at].matches('\n').count() as u64 + 1);
        }
        // Offsets only grow.
        assert!(cuts.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn apple_labels_are_readable() {
        assert_eq!(apple_label("_$!<HomePage>!$_"), "homepage");
        assert_eq!(apple_label("Blog"), "blog");
    }
}
