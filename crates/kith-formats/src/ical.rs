//! iCalendar (`.ics`): meetings with the people who attended.
//!
//! Each VEVENT occurrence with other attendees becomes an activity; recurring events are
//! expanded (by `calcard`, honouring EXDATE, overridden occurrences and time zones) within
//! [`ParseOptions::from`]..=[`ParseOptions::until`]. Events with more attendees than
//! [`ParseOptions::max_meeting_size`] become events attended. Cancelled events, events the user
//! declined, and attendees who declined are left out.

use crate::text;
use calcard::common::timezone::Tz;
use calcard::icalendar::dates::TimeOrDelta;
use calcard::icalendar::{
    ICalendar, ICalendarComponent, ICalendarComponentType, ICalendarEntry, ICalendarParameterName,
    ICalendarParameterValue, ICalendarParticipationStatus, ICalendarProperty, ICalendarStatus,
    ICalendarUserTypes, ICalendarValue, Uri,
};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use kith_core::import::{
    ActivityRecord, Gathering, ParseOptions, Parsed, PersonHint, Problem, Skipped,
};
use kith_core::{Direction, InteractionKind};

/// At most this many occurrences are expanded per file (a daily event over decades).
const MAX_OCCURRENCES: usize = 1_000_000;

/// Reads the events of a calendar file.
pub fn read(bytes: &[u8], opts: &ParseOptions) -> Parsed {
    let mut parsed = Parsed::default();
    if text::looks_binary(bytes) {
        parsed.problems.push(Problem::at(
            0,
            None,
            None,
            "an iCalendar file (text starting with BEGIN:VCALENDAR); this looks like binary data",
        ));
        return parsed;
    }
    let (content, note) = text::decode(bytes);
    if let Some(p) = note {
        parsed.problems.push(p);
    }
    let begins = component_lines(&content, &mut parsed.problems);
    let mut parser = calcard::Parser::new(&content);
    let mut calendars = Vec::new();
    loop {
        match parser.entry() {
            calcard::Entry::ICalendar(cal) => calendars.push(cal),
            calcard::Entry::Eof => break,
            calcard::Entry::VCard(_) => {
                parsed.problems.push(Problem::at(0, None, None, "calendar data, not a vCard"))
            }
            calcard::Entry::InvalidLine(line) => {
                let n = line_of(&content, &line);
                parsed.problems.push(Problem::at(
                    n,
                    None,
                    Some(&line),
                    "an iCalendar content line (NAME:value)",
                ));
            }
            other => parsed.problems.push(Problem::at(
                0,
                None,
                None,
                &format!("a well-formed calendar ({other:?})"),
            )),
        }
    }
    if calendars.is_empty() && parsed.problems.is_empty() {
        parsed.problems.push(Problem::at(1, None, None, "BEGIN:VCALENDAR"));
    }
    let mut offset = 0;
    for cal in &calendars {
        let lines = begins.get(offset..).unwrap_or_default();
        offset += cal.components.len();
        read_calendar(cal, lines, opts, &mut parsed);
    }
    parsed
        .activities
        .sort_by(|a, b| a.occurred_at.cmp(&b.occurred_at).then_with(|| a.key.cmp(&b.key)));
    parsed
}

/// The line of every BEGIN:, in order: calcard lists components in the same order.
fn component_lines(content: &str, problems: &mut Vec<Problem>) -> Vec<u64> {
    let mut begins = Vec::new();
    let mut depth: Vec<(String, u64)> = Vec::new();
    for (i, raw) in content.split('\n').enumerate() {
        let line = raw.trim_end_matches('\r');
        let upper = line.to_ascii_uppercase();
        if let Some(kind) = upper.strip_prefix("BEGIN:") {
            begins.push(i as u64 + 1);
            depth.push((kind.trim().to_string(), i as u64 + 1));
        } else if let Some(kind) = upper.strip_prefix("END:") {
            match depth.pop() {
                Some((open, _)) if open == kind.trim() => {}
                Some((open, at)) => problems.push(Problem::at(
                    i as u64 + 1,
                    None,
                    Some(line),
                    &format!("END:{open} to close the component opened on line {at}"),
                )),
                None => problems.push(Problem::at(
                    i as u64 + 1,
                    None,
                    Some(line),
                    "a BEGIN: before this END:",
                )),
            }
        }
    }
    if let Some((open, at)) = depth.pop() {
        problems.push(Problem::at(
            at,
            Some("END"),
            None,
            &format!("END:{open}; the file ends inside this component (truncated?)"),
        ));
    }
    begins
}

fn line_of(content: &str, needle: &str) -> u64 {
    content
        .find(needle)
        .map(|at| 1 + content[..at].bytes().filter(|b| *b == b'\n').count() as u64)
        .unwrap_or(0)
}

fn read_calendar(cal: &ICalendar, lines: &[u64], opts: &ParseOptions, parsed: &mut Parsed) {
    let line_at = |comp: usize| lines.get(comp).copied().unwrap_or(0);
    // Invalid RRULEs: calcard keeps them as text and would treat the event as a single one.
    let mut broken = vec![false; cal.components.len()];
    for (i, comp) in cal.components.iter().enumerate() {
        for e in &comp.entries {
            if e.name == ICalendarProperty::Rrule
                && let Some(ICalendarValue::Text(t)) = e.values.first()
            {
                parsed.problems.push(Problem::at(
                    line_at(i),
                    Some("RRULE"),
                    Some(t),
                    "a recurrence rule like FREQ=WEEKLY;COUNT=10 (RFC 5545 section 3.3.10)",
                ));
                broken[i] = true;
            }
        }
    }
    let expanded = cal.expand_dates(Tz::UTC, MAX_OCCURRENCES);
    for err in &expanded.errors {
        let i = err.comp_id as usize;
        if broken.get(i).copied().unwrap_or(false) {
            continue;
        }
        broken[i] = true;
        parsed.problems.push(Problem::at(
            line_at(i),
            Some("DTSTART"),
            None,
            &format!("valid dates and recurrence ({:?})", err.error),
        ));
    }
    let from = day_start(opts.from);
    let until = day_start(opts.until) + Duration::days(1);
    let mut future = 0usize;
    for occurrence in &expanded.events {
        let i = occurrence.comp_id as usize;
        let Some(comp) = cal.components.get(i) else { continue };
        if comp.component_type != ICalendarComponentType::VEvent || broken[i] {
            continue;
        }
        let start = occurrence.start.with_timezone(&Utc);
        let start = if occurrence.start.timezone() == Tz::Floating {
            Utc.from_utc_datetime(&occurrence.start.naive_local())
        } else {
            start
        };
        if start < from {
            continue;
        }
        if start >= until {
            future += 1;
            continue;
        }
        let end = match &occurrence.end {
            TimeOrDelta::Time(t) => t.naive_local().date(),
            TimeOrDelta::Delta(d) => (occurrence.start.naive_local() + *d).date(),
        };
        let line = line_at(i);
        match event(comp, start, end, opts) {
            Ok(mut record) => {
                record.line = line;
                parsed.activities.push(record);
            }
            Err(reason) => parsed.skipped.push(Skipped { line, reason }),
        }
    }
    if future > 0 {
        parsed.skipped.push(Skipped {
            line: 0,
            reason: format!(
                "{future} occurrences after {} (only past meetings are imported)",
                opts.until
            ),
        });
    }
}

fn day_start(d: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default())
}

/// One occurrence of a VEVENT as an activity, or why it is left out.
fn event(
    comp: &ICalendarComponent,
    start: DateTime<Utc>,
    end: NaiveDate,
    opts: &ParseOptions,
) -> Result<ActivityRecord, String> {
    let summary = text(comp, &ICalendarProperty::Summary).unwrap_or_else(|| "(no title)".into());
    if comp.entries.iter().any(|e| {
        e.name == ICalendarProperty::Status
            && matches!(e.values.first(), Some(ICalendarValue::Status(ICalendarStatus::Cancelled)))
    }) {
        return Err(format!("\"{summary}\" was cancelled"));
    }
    let uid = text(comp, &ICalendarProperty::Uid).unwrap_or_else(|| format!("{summary}@{start}"));
    let mut people: Vec<PersonHint> = Vec::new();
    let mut organizer_is_me = None;
    for e in &comp.entries {
        let is_organizer = e.name == ICalendarProperty::Organizer;
        if !is_organizer && e.name != ICalendarProperty::Attendee {
            continue;
        }
        let Some(email) = mailto(e) else { continue };
        let me = opts.is_me(&email);
        if is_organizer {
            organizer_is_me = Some(me);
        }
        if param(e, &ICalendarParameterName::Partstat).is_some_and(|v| {
            matches!(v, ICalendarParameterValue::Partstat(ICalendarParticipationStatus::Declined))
        }) {
            if me {
                return Err(format!("you declined \"{summary}\""));
            }
            continue;
        }
        if param(e, &ICalendarParameterName::Cutype).is_some_and(|v| {
            matches!(
                v,
                ICalendarParameterValue::Cutype(
                    ICalendarUserTypes::Room | ICalendarUserTypes::Resource
                )
            )
        }) {
            continue;
        }
        if me
            || people
                .iter()
                .any(|p| p.email.as_deref().is_some_and(|x| x.eq_ignore_ascii_case(&email)))
        {
            continue;
        }
        let name = match param(e, &ICalendarParameterName::Cn) {
            Some(ICalendarParameterValue::Text(t)) if !t.trim().is_empty() && !t.contains('@') => {
                Some(t.trim().to_string())
            }
            _ => None,
        };
        people.push(PersonHint { email: Some(email), name, link: None });
    }
    if people.is_empty() {
        return Err(format!("\"{summary}\" has no other attendees"));
    }
    let location = text(comp, &ICalendarProperty::Location);
    let gathering = (people.len() > opts.max_meeting_size).then(|| Gathering {
        name: summary.clone(),
        starts_on: start.date_naive(),
        ends_on: end.max(start.date_naive()),
        location: location.clone(),
    });
    let online = [location.as_deref(), text(comp, &ICalendarProperty::Url).as_deref()]
        .into_iter()
        .flatten()
        .any(|l| {
            ["zoom.us", "meet.google", "teams.microsoft", "whereby.com", "jit.si"]
                .iter()
                .any(|h| l.contains(h))
        });
    Ok(ActivityRecord {
        line: 0,
        key: format!("{uid}/{}", start.format("%Y%m%dT%H%M%SZ")),
        occurred_at: start,
        kind: if gathering.is_some() {
            InteractionKind::Event
        } else if online {
            InteractionKind::Video
        } else {
            InteractionKind::Meeting
        },
        direction: match organizer_is_me {
            Some(true) => Direction::Outbound,
            Some(false) => Direction::Inbound,
            None => Direction::Mutual,
        },
        summary: one_line(&summary, 200),
        people,
        gathering,
    })
}

fn one_line(s: &str, max: usize) -> String {
    let flat: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    flat.chars().take(max).collect()
}

fn text(comp: &ICalendarComponent, name: &ICalendarProperty) -> Option<String> {
    let e = comp.entries.iter().find(|e| e.name == *name)?;
    let t = match e.values.first()? {
        ICalendarValue::Text(t) => t.clone(),
        ICalendarValue::Uri(Uri::Location(l)) => l.clone(),
        _ => return None,
    };
    let t = t.trim().to_string();
    (!t.is_empty()).then_some(t)
}

fn param<'a>(
    e: &'a ICalendarEntry,
    name: &ICalendarParameterName,
) -> Option<&'a ICalendarParameterValue> {
    e.params.iter().find(|p| p.name == *name).map(|p| &p.value)
}

/// The address of an ATTENDEE or ORGANIZER (`mailto:` URI, or the EMAIL parameter).
fn mailto(e: &ICalendarEntry) -> Option<String> {
    let from_value = match e.values.first() {
        Some(ICalendarValue::Uri(Uri::Location(l))) => Some(l.clone()),
        Some(ICalendarValue::Text(t)) => Some(t.clone()),
        _ => None,
    };
    let from_param = match param(e, &ICalendarParameterName::Email) {
        Some(ICalendarParameterValue::Text(t)) => Some(t.clone()),
        _ => None,
    };
    let raw =
        from_value.filter(|v| v.to_ascii_lowercase().starts_with("mailto:")).or(from_param)?;
    let addr = raw
        .get(..7)
        .filter(|p| p.eq_ignore_ascii_case("mailto:"))
        .map_or(raw.as_str(), |_| &raw[7..]);
    let addr = addr.trim();
    (addr.contains('@')).then(|| addr.to_string())
}

/// Writes a calendar feed (RFC 5545): one all-day `VEVENT` per item, yearly items with
/// `RRULE:FREQ=YEARLY`, CRLF lines folded at 75 octets. `stamp` is the feed's `DTSTAMP`.
pub fn write_feed(
    name: &str,
    items: &[kith_core::feeds::FeedItem],
    stamp: chrono::DateTime<chrono::Utc>,
) -> String {
    use crate::vcard::{escape, fold_into};
    let mut out = String::with_capacity(256 + items.len() * 300);
    let mut put = |line: String| fold_into(&mut out, &line);
    put("BEGIN:VCALENDAR".into());
    put("VERSION:2.0".into());
    put("PRODID:-//Kith//Kith feeds//EN".into());
    put("CALSCALE:GREGORIAN".into());
    put("METHOD:PUBLISH".into());
    put(format!("X-WR-CALNAME:{}", escape(name)));
    put("REFRESH-INTERVAL;VALUE=DURATION:PT1H".into());
    put("X-PUBLISHED-TTL:PT1H".into());
    let stamp = stamp.format("%Y%m%dT%H%M%SZ").to_string();
    for item in items {
        put("BEGIN:VEVENT".into());
        put(format!("UID:{}", escape(&item.uid)));
        put(format!("DTSTAMP:{stamp}"));
        put(format!("DTSTART;VALUE=DATE:{}", item.start.format("%Y%m%d")));
        let end = item.last.max(item.start).succ_opt().unwrap_or(item.last);
        put(format!("DTEND;VALUE=DATE:{}", end.format("%Y%m%d")));
        if item.yearly {
            put("RRULE:FREQ=YEARLY".into());
        }
        put(format!("SUMMARY:{}", escape(&item.summary)));
        if !item.description.is_empty() {
            put(format!("DESCRIPTION:{}", escape(&item.description)));
        }
        if let Some(l) = &item.location {
            put(format!("LOCATION:{}", escape(l)));
        }
        if let Some(u) = &item.url {
            put(format!("URL:{u}"));
        }
        put("TRANSP:TRANSPARENT".into());
        put("END:VEVENT".into());
    }
    put("END:VCALENDAR".into());
    out
}
