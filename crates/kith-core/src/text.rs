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
