//! Contacts as CSV: one row per person, lists joined with "; ", for spreadsheets.

use kith_core::Contact;

/// The header row of [`write`].
pub const HEADER: [&str; 18] = [
    "id",
    "name",
    "given name",
    "family name",
    "nickname",
    "emails",
    "phones",
    "organization",
    "title",
    "tags",
    "links",
    "location",
    "birthday",
    "first met",
    "how met",
    "notes",
    "created",
    "last interaction",
];

/// Writes contacts as CSV (RFC 4180, UTF-8, header first).
pub fn write(contacts: &[Contact]) -> Result<Vec<u8>, crate::FormatError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| crate::FormatError::Io(std::io::Error::other(e.to_string()));
    w.write_record(HEADER).map_err(fail)?;
    for c in contacts {
        let role = c.current_role();
        let join = |items: Vec<String>| items.join("; ");
        w.write_record([
            c.id.to_string(),
            c.display_name.clone(),
            c.given_name.clone().unwrap_or_default(),
            c.family_name.clone().unwrap_or_default(),
            c.nickname.clone().unwrap_or_default(),
            join(c.emails.iter().map(|e| e.address.clone()).collect()),
            join(c.phones.iter().map(|p| p.number.clone()).collect()),
            role.map(|r| r.organization.clone()).unwrap_or_default(),
            role.and_then(|r| r.title.clone()).unwrap_or_default(),
            join(c.tags.clone()),
            join(c.links.iter().map(|l| l.url.clone()).collect()),
            c.location.clone().unwrap_or_default(),
            c.birthday.map(|b| b.to_string()).unwrap_or_default(),
            c.first_met.map(|d| d.to_string()).unwrap_or_default(),
            c.how_met.clone().unwrap_or_default(),
            c.notes.clone(),
            c.created_at.to_rfc3339(),
            c.last_interaction_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
        ])
        .map_err(fail)?;
    }
    w.into_inner().map_err(|e| crate::FormatError::Io(std::io::Error::other(e.to_string())))
}
