//! Decoding helpers shared by the readers.

use kith_core::import::Problem;

/// Decodes a file's bytes as text: UTF-8 (a BOM is dropped), UTF-16 with a BOM, or, when the
/// bytes are not valid UTF-8, Windows-1252 (what older Outlook and Excel write). Returns the
/// text and, for a fallback decoding, a note saying so.
pub fn decode(bytes: &[u8]) -> (String, Option<Problem>) {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return decode(rest);
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let le = bytes[0] == 0xFF;
        let units: Vec<u16> = bytes[2..]
            .chunks_exact(2)
            .map(|c| {
                if le { u16::from_le_bytes([c[0], c[1]]) } else { u16::from_be_bytes([c[0], c[1]]) }
            })
            .collect();
        return (String::from_utf16_lossy(&units), None);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), None),
        Err(e) => {
            let line = 1 + bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count() as u64;
            let text = bytes.iter().map(|b| windows_1252(*b)).collect();
            (
                text,
                Some(Problem::at(
                    line,
                    None,
                    None,
                    "UTF-8 text; read the file as Windows-1252 instead",
                )),
            )
        }
    }
}

/// Windows-1252 byte to char (Latin-1 except 0x80–0x9F).
pub fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9F => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

/// Whether the bytes look like binary garbage rather than text (NUL bytes or many control
/// characters in the first 4 KiB).
pub fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return false;
    }
    let controls = head
        .iter()
        .filter(|b| **b == 0 || (**b < 0x20 && !matches!(**b, b'\n' | b'\r' | b'\t' | 0x0c)))
        .count();
    head.contains(&0) || controls * 20 > head.len().max(1)
}
