//! Text normalisation shared by search, matching and name lookup.

/// Folds text for matching: transliterates to ASCII (`José` → `jose`), lowercases, and
/// collapses runs of whitespace to one space.
pub fn fold(s: &str) -> String {
    let ascii = deunicode::deunicode(s);
    let mut out = String::with_capacity(ascii.len());
    let mut space = false;
    for c in ascii.chars() {
        if c.is_whitespace() {
            space = !out.is_empty();
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// Splits text into folded alphanumeric words.
pub fn words(s: &str) -> Vec<String> {
    fold(s)
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// The exclusive upper bound of all strings starting with `prefix`, for index range scans
/// (`key >= prefix AND key < upper`). Keys are folded ASCII, so appending the highest scalar
/// value works on byte-ordered collations.
pub fn prefix_upper_bound(prefix: &str) -> String {
    let mut s = prefix.to_string();
    s.push(char::MAX);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_diacritics_case_and_space() {
        assert_eq!(fold("  José   ÁLVAREZ "), "jose alvarez");
        assert_eq!(
            words("Ada Lovelace-King <ada@Example.com>"),
            ["ada", "lovelace", "king", "ada", "example", "com"]
        );
    }
}

/// How long ago `then` was, relative to `now`, in words ("today", "3 days ago", "2 months
/// ago", "in 4 days").
pub fn ago(then: chrono::DateTime<chrono::Utc>, now: chrono::DateTime<chrono::Utc>) -> String {
    let days = (now.date_naive() - then.date_naive()).num_days();
    let (n, future) = if days < 0 { (-days, true) } else { (days, false) };
    let span = match n {
        0 => return "today".to_string(),
        1 => return if future { "tomorrow".into() } else { "yesterday".into() },
        2..=13 => format!("{n} days"),
        14..=59 => format!("{} weeks", n / 7),
        60..=729 => format!("{} months", n / 30),
        _ => format!("{} years", n / 365),
    };
    if future { format!("in {span}") } else { format!("{span} ago") }
}

#[cfg(test)]
mod ago_tests {
    use super::ago;
    use chrono::{Duration, TimeZone, Utc};

    #[test]
    fn words() {
        let now = Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0).unwrap();
        assert_eq!(ago(now, now), "today");
        assert_eq!(ago(now - Duration::days(1), now), "yesterday");
        assert_eq!(ago(now - Duration::days(47), now), "6 weeks ago");
        assert_eq!(ago(now - Duration::days(400), now), "13 months ago");
        assert_eq!(ago(now + Duration::days(3), now), "in 3 days");
    }
}
