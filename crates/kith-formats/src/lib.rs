//! Kith's file formats. Readers turn the files people already hold into the format-neutral
//! records of [`kith_core::import`]; writers turn contacts back into vCard and CSV.
//!
//! Invariant: no database and no clock. Readers take bytes (or a `Read` for mbox) and
//! [`ParseOptions`](kith_core::import::ParseOptions); they never fail half-way: every bad
//! record becomes a [`Problem`](kith_core::import::Problem) with its line.

pub mod csv_out;
pub mod google;
pub mod ical;
pub mod linkedin;
pub mod mbox;
pub mod text;
pub mod vcard;

use kith_core::import::ImportFormat;

/// Errors that stop a whole file from being read.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("the file is not {expected}: {found}")]
    NotThisFormat { expected: &'static str, found: String },
}

/// Guesses a file's format from its name and first bytes.
pub fn detect(file_name: &str, head: &[u8]) -> Option<ImportFormat> {
    let name = file_name.to_lowercase();
    let text = String::from_utf8_lossy(&head[..head.len().min(4096)]);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    let upper = text.to_uppercase();
    if upper.starts_with("BEGIN:VCARD") {
        return Some(ImportFormat::Vcard);
    }
    if upper.starts_with("BEGIN:VCALENDAR") {
        return Some(ImportFormat::Ical);
    }
    if text.starts_with("From ") {
        return Some(ImportFormat::Mbox);
    }
    if text.starts_with('{') {
        return Some(ImportFormat::Json);
    }
    if linkedin::looks_like_connections(text) {
        return Some(ImportFormat::Linkedin);
    }
    if linkedin::looks_like_messages(text) {
        return Some(ImportFormat::LinkedinMessages);
    }
    if google::looks_like_google(text) {
        return Some(ImportFormat::Google);
    }
    match name.rsplit('.').next() {
        Some("vcf" | "vcard") => Some(ImportFormat::Vcard),
        Some("ics" | "ical") => Some(ImportFormat::Ical),
        Some("mbox") => Some(ImportFormat::Mbox),
        Some("json") => Some(ImportFormat::Json),
        _ => None,
    }
}

/// Reads a whole file of `format` already in memory (the web app's uploads; the CLI streams
/// mbox files with [`mbox::read`] instead).
pub fn parse(
    format: ImportFormat,
    bytes: &[u8],
    opts: &kith_core::import::ParseOptions,
) -> Result<kith_core::import::Parsed, FormatError> {
    match format {
        ImportFormat::Linkedin => linkedin::read_connections(bytes),
        ImportFormat::LinkedinMessages => linkedin::read_messages(bytes, opts),
        ImportFormat::Google => google::read(bytes),
        ImportFormat::Vcard => Ok(vcard::read(bytes)),
        ImportFormat::Ical => Ok(ical::read(bytes, opts)),
        ImportFormat::Mbox => mbox::read(bytes, opts, &mut |_| {}),
        ImportFormat::Json => Err(FormatError::NotThisFormat {
            expected: "a file to merge in (Kith JSON is restored with `kith restore`)",
            found: "Kith JSON".into(),
        }),
    }
}
