//! Parsing and checking of the small values users type: emails, phones, URLs, dates, tags.

use crate::error::ValidationError;
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

/// Checks an email address and returns it trimmed, with the domain lowercased.
pub fn email(field: &str, raw: &str) -> Result<String, ValidationError> {
    let s = raw.trim();
    let bad = || ValidationError::one(field, Some(raw), "an email address like name@example.com");
    let (local, domain) = s.rsplit_once('@').ok_or_else(bad)?;
    let domain_ok = domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && domain.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '.');
    let local_ok =
        !local.is_empty() && !local.contains(char::is_whitespace) && !local.contains('@');
    if !domain_ok || !local_ok {
        return Err(bad());
    }
    Ok(format!("{local}@{}", domain.to_lowercase()))
}

/// The key emails are matched by: the whole address lowercased.
pub fn email_key(address: &str) -> String {
    address.trim().to_lowercase()
}

/// Normalises a phone number for matching: keeps a leading `+` and the digits, drops
/// punctuation and spaces, turns a leading `00` into `+`. Errors when fewer than 3 digits remain
/// or letters appear (other than an `ext`/`x` extension, which is dropped from the key).
pub fn phone(field: &str, raw: &str) -> Result<String, ValidationError> {
    let s = raw.trim();
    let lower = s.to_lowercase();
    let main = lower
        .split_once("ext")
        .map(|(a, _)| a)
        .or_else(|| lower.split_once('x').map(|(a, _)| a))
        .unwrap_or(&lower);
    let mut out = String::new();
    for (i, c) in main.trim().chars().enumerate() {
        match c {
            '+' if i == 0 => out.push('+'),
            '0'..='9' => out.push(c),
            ' ' | '-' | '.' | '(' | ')' | '/' => {}
            _ => {
                return Err(ValidationError::one(
                    field,
                    Some(raw),
                    "a phone number of digits, spaces, dashes, dots or parentheses, optionally starting with +",
                ));
            }
        }
    }
    if let Some(rest) = out.strip_prefix("00") {
        out = format!("+{rest}");
    }
    if out.chars().filter(char::is_ascii_digit).count() < 3 {
        return Err(ValidationError::one(
            field,
            Some(raw),
            "a phone number with at least 3 digits",
        ));
    }
    Ok(out)
}

/// Checks a web link: `http(s)://host/...`; a bare `host.tld/...` gets `https://` added.
pub fn url(field: &str, raw: &str) -> Result<String, ValidationError> {
    let s = raw.trim();
    let with_scheme = if s.starts_with("http://") || s.starts_with("https://") {
        s.to_string()
    } else if !s.contains("://") && !s.contains(' ') {
        format!("https://{s}")
    } else {
        return Err(ValidationError::one(
            field,
            Some(raw),
            "a web address like https://example.com/page",
        ));
    };
    let rest = with_scheme.split_once("://").map(|(_, r)| r).unwrap_or_default();
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_ok = host.contains('.')
        && !host.starts_with('.')
        && !host.ends_with('.')
        && host.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '.' | ':'));
    if !host_ok || with_scheme.contains(char::is_whitespace) {
        return Err(ValidationError::one(
            field,
            Some(raw),
            "a web address like https://example.com/page",
        ));
    }
    Ok(with_scheme)
}

/// Parses a calendar date `YYYY-MM-DD` (rejecting impossible dates such as 2026-02-30).
pub fn date(field: &str, raw: &str) -> Result<NaiveDate, ValidationError> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| {
        ValidationError::one(field, Some(raw), "a real date as YYYY-MM-DD, e.g. 2026-03-14")
    })
}

/// Parses a point in time: `YYYY-MM-DD` (noon UTC, so the day is right in any time zone),
/// `YYYY-MM-DD HH:MM`, or RFC 3339. Times without an offset are taken as UTC.
pub fn datetime(field: &str, raw: &str) -> Result<DateTime<Utc>, ValidationError> {
    let s = raw.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Ok(dt.with_timezone(&Utc));
    }
    for fmt in ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(s, fmt) {
            return Ok(Utc.from_utc_datetime(&naive));
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        let noon = NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default();
        return Ok(Utc.from_utc_datetime(&d.and_time(noon)));
    }
    Err(ValidationError::one(
        field,
        Some(raw),
        "a date or time as YYYY-MM-DD, YYYY-MM-DD HH:MM or RFC 3339",
    ))
}

/// Normalises a tag: trimmed, lowercased, inner whitespace turned into `-`. Tags may hold
/// letters, digits, `-`, `_`, `/` and `.`.
pub fn tag(field: &str, raw: &str) -> Result<String, ValidationError> {
    let t: String = raw.trim().to_lowercase().split_whitespace().collect::<Vec<_>>().join("-");
    if t.is_empty()
        || t.len() > 64
        || !t.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '/' | '.'))
    {
        return Err(ValidationError::one(
            field,
            Some(raw),
            "a tag of letters, digits, '-', '_', '/' or '.' (at most 64 characters)",
        ));
    }
    Ok(t)
}

/// A required, non-blank single-line text of at most `max` characters, trimmed.
pub fn required_text(field: &str, raw: &str, max: usize) -> Result<String, ValidationError> {
    let t = raw.trim();
    if t.is_empty() {
        return Err(ValidationError::one(field, None, "a non-empty value"));
    }
    if t.chars().count() > max || t.contains('\n') {
        return Err(ValidationError::one(
            field,
            Some(raw),
            &format!("a single line of at most {max} characters"),
        ));
    }
    Ok(t.to_string())
}

/// The items without repeats, in first-seen order.
pub fn distinct<T: PartialEq + Copy>(items: &[T]) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(items.len());
    for i in items {
        if !out.contains(i) {
            out.push(*i);
        }
    }
    out
}

/// Turns `Some("  ")` into `None` and trims the rest.
pub fn optional_text(raw: Option<&str>) -> Option<String> {
    raw.map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

/// An optional URL: blank means none; anything else must be a real URL (see [`url`]).
pub fn optional_url(field: &str, raw: Option<&str>) -> Result<Option<String>, ValidationError> {
    match raw.map(str::trim).filter(|u| !u.is_empty()) {
        Some(u) => url(field, u).map(Some),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(email("email", " Ada@Example.COM ").unwrap(), "Ada@example.com");
        for bad in ["", "ada", "ada@", "@x.com", "ada@example", "a b@x.com", "ada@x..com"] {
            assert!(email("email", bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn phones() {
        assert_eq!(phone("phone", "+1 (555) 010-2030").unwrap(), "+15550102030");
        assert_eq!(phone("phone", "0044 20 7946 0000").unwrap(), "+442079460000");
        assert_eq!(phone("phone", "555-0100 ext. 12").unwrap(), "5550100");
        assert!(phone("phone", "call me").is_err());
        assert!(phone("phone", "12").is_err());
    }

    #[test]
    fn urls() {
        assert_eq!(url("link", "linkedin.com/in/ada").unwrap(), "https://linkedin.com/in/ada");
        assert!(url("link", "ftp://x.com").is_err());
        assert!(url("link", "not a url").is_err());
        assert!(url("link", "https://localhost").is_err());
    }

    #[test]
    fn dates() {
        assert!(date("d", "2026-02-30").is_err());
        assert!(date("d", "2024-02-29").is_ok());
        let dt = datetime("at", "2026-03-01").unwrap();
        assert_eq!(dt.to_rfc3339(), "2026-03-01T12:00:00+00:00");
        assert!(datetime("at", "yesterday").is_err());
    }

    #[test]
    fn tags() {
        assert_eq!(tag("tag", " Open Source ").unwrap(), "open-source");
        assert!(tag("tag", "a,b").is_err());
        assert!(tag("tag", "  ").is_err());
    }
}
