//! Google Contacts CSV export, in both layouts: the current one (`First Name,Middle Name,
//! Last Name,...,Labels,E-mail 1 - Label,E-mail 1 - Value,...`) and the legacy "Google CSV"
//! (`Name,Given Name,Additional Name,Family Name,...,Group Membership,E-mail 1 - Type,...`).
//!
//! Columns are found by name and numbered groups (`E-mail 1..N`, `Phone 1..N`, ...) are
//! discovered from the header. A value may hold several entries separated by ` ::: `.

use crate::FormatError;
use crate::linkedin::{Table, open_table};
use kith_core::contact::{Address, Birthday, ContactInput, EmploymentInput};
use kith_core::import::{self, Parsed, PersonRecord, Problem};
use std::collections::{BTreeMap, HashMap};

/// Columns that only Google's exports have, used to find the header line.
const KNOWN: [&str; 16] = [
    "First Name",
    "Middle Name",
    "Last Name",
    "Name",
    "Given Name",
    "Additional Name",
    "Family Name",
    "Nickname",
    "Birthday",
    "Notes",
    "Labels",
    "Group Membership",
    "E-mail 1 - Value",
    "Phone 1 - Value",
    "Organization Name",
    "Organization 1 - Name",
];

const SEPARATOR: &str = " ::: ";

/// Whether the start of a file looks like a Google Contacts CSV export (either layout).
pub fn looks_like_google(head: &str) -> bool {
    let Some(line) = head.lines().find(|l| !l.trim().is_empty()) else {
        return false;
    };
    let fields: Vec<String> =
        line.split(',').map(|f| f.trim().trim_matches('"').trim().to_lowercase()).collect();
    let has = |name: &str| fields.iter().any(|f| f == name);
    let google_only = has("labels") || has("group membership") || has("e-mail 1 - value");
    let current = has("first name") && has("last name");
    let legacy = has("name") && (has("given name") || has("family name"));
    google_only && (current || legacy)
}

/// Which header the file has.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Layout {
    Current,
    Legacy,
}

/// The columns of one numbered group (`E-mail 2 - Label`, `E-mail 2 - Value`): sub-name
/// (lower-case) → column index.
type Group = HashMap<String, usize>;

/// Reads every contact of a Google Contacts CSV export.
pub fn read(bytes: &[u8]) -> Result<Parsed, FormatError> {
    let expected = "a Google Contacts CSV export";
    let (table, mut parsed) = open_table(bytes, expected, &KNOWN, 3)?;
    let layout = if table.has("First Name") || table.has("Last Name") {
        Layout::Current
    } else if table.has("Name") || table.has("Given Name") || table.has("Family Name") {
        Layout::Legacy
    } else {
        parsed.problems.push(Problem::at(
            table.header_line,
            Some("First Name"),
            None,
            "a header with \"First Name,Middle Name,Last Name,...\" (current Google Contacts \
             export) or \"Name,Given Name,Additional Name,Family Name,...\" (legacy Google CSV)",
        ));
        return Ok(parsed);
    };
    let groups = numbered_groups(&table.names);
    table.for_each_row(&mut parsed.problems, |line, row, problems| {
        if let Some(record) = person(&table, layout, &groups, line, row, problems) {
            parsed.people.push(record);
        }
    });
    Ok(parsed)
}

/// Numbered groups by kind (`e-mail`, `phone`, `address`, `website`, `organization`), in
/// number order.
fn numbered_groups(names: &[String]) -> HashMap<String, Vec<Group>> {
    let mut found: BTreeMap<(String, u32), Group> = BTreeMap::new();
    for (index, name) in names.iter().enumerate() {
        let Some((left, sub)) = name.split_once(" - ") else { continue };
        let Some((kind, number)) = left.trim().rsplit_once(' ') else { continue };
        let Ok(number) = number.parse::<u32>() else { continue };
        found
            .entry((kind.trim().to_lowercase(), number))
            .or_default()
            .entry(sub.trim().to_lowercase())
            .or_insert(index);
    }
    let mut groups: HashMap<String, Vec<Group>> = HashMap::new();
    for ((kind, _), group) in found {
        groups.entry(kind).or_default().push(group);
    }
    groups
}

fn person(
    table: &Table,
    layout: Layout,
    groups: &HashMap<String, Vec<Group>>,
    line: u64,
    row: &csv::StringRecord,
    problems: &mut Vec<Problem>,
) -> Option<PersonRecord> {
    if row.iter().all(|f| f.trim().is_empty()) {
        return None;
    }
    let get = |name: &str| table.get(row, name);
    let sub = |group: &Group, names: &[&str]| -> &str {
        names.iter().find_map(|n| group.get(*n)).map(|i| table.at(row, *i)).unwrap_or_default()
    };
    let kind = |k: &str| groups.get(k).map(Vec::as_slice).unwrap_or_default();

    let mut contact = ContactInput::default();
    for group in kind("e-mail") {
        let label = label(sub(group, &["label", "type"]));
        for address in entries(sub(group, &["value"])) {
            contact.emails.push(import::email(address, label.as_deref()));
        }
    }
    for group in kind("phone") {
        let label = label(sub(group, &["label", "type"]));
        for number in entries(sub(group, &["value"])) {
            contact.phones.push(import::phone(number, label.as_deref()));
        }
    }
    for group in kind("website") {
        for url in entries(sub(group, &["value"])) {
            contact.links.push(import::link(url));
        }
    }
    for group in kind("address") {
        let part = |names: &[&str]| entries(sub(group, names)).map(str::to_string).collect();
        let parts: [Vec<String>; 8] = [
            part(&["label", "type"]),
            part(&["street"]),
            part(&["po box"]),
            part(&["extended address"]),
            part(&["city"]),
            part(&["region"]),
            part(&["postal code"]),
            part(&["country"]),
        ];
        // The formatted address is multi-line; its entries are split the same way.
        let formatted: Vec<String> = entries(sub(group, &["formatted"]))
            .map(|f| {
                f.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(", ")
            })
            .collect();
        let count = parts.iter().map(Vec::len).chain([formatted.len()]).max().unwrap_or(0);
        for i in 0..count {
            let nth = |p: &[String]| p.get(i).cloned();
            let [labels, street, po_box, extended, city, region, postal, country] = &parts;
            let street = [nth(street), nth(extended), nth(po_box)]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", ");
            let mut address = Address {
                label: nth(labels).as_deref().and_then(label),
                street: (!street.is_empty()).then_some(street),
                locality: nth(city),
                region: nth(region),
                postal_code: nth(postal),
                country: nth(country),
            };
            // Only the formatted form: it becomes the street line.
            if address.one_line().is_empty() {
                address.street = nth(&formatted);
            }
            // A label alone is no address.
            if !address.one_line().is_empty() {
                contact.addresses.push(address);
            }
        }
    }

    // Roles: the current layout has flat Organization columns, the legacy one numbered groups.
    let mut roles: Vec<(String, String, String)> = Vec::new();
    if table.has("Organization Name") {
        roles.push((
            get("Organization Name").into(),
            get("Organization Title").into(),
            get("Organization Department").into(),
        ));
    }
    for group in kind("organization") {
        roles.push((
            sub(group, &["name"]).into(),
            sub(group, &["title"]).into(),
            sub(group, &["department"]).into(),
        ));
    }
    for (names, titles, _) in &roles {
        let titles: Vec<&str> = entries(titles).collect();
        for (i, organization) in entries(names).enumerate() {
            contact.employment.push(EmploymentInput {
                organization: organization.to_string(),
                title: titles.get(i).map(|t| t.to_string()),
                start: None,
                end: None,
            });
        }
    }

    let tags_column = if layout == Layout::Current { "Labels" } else { "Group Membership" };
    for tag in entries(get(tags_column)) {
        if tag.starts_with('*') {
            continue;
        }
        if !contact.tags.iter().any(|t| t.eq_ignore_ascii_case(tag)) {
            contact.tags.push(tag.to_string());
        }
    }

    let birthday = get("Birthday");
    if !birthday.is_empty() {
        match Birthday::parse("Birthday", birthday) {
            Ok(b) => contact.birthday = Some(b),
            Err(e) => {
                let expected = e.errors.first().map(|f| f.expected.clone()).unwrap_or_else(|| {
                    "a birthday as YYYY-MM-DD, or --MM-DD without a year".to_string()
                });
                problems.push(Problem::at(line, Some("Birthday"), Some(birthday), &expected));
                return None;
            }
        }
    }
    contact.nickname = non_empty(get("Nickname"));
    contact.notes = get("Notes").to_string();

    let (given, middle, family) = match layout {
        Layout::Current => (get("First Name"), get("Middle Name"), get("Last Name")),
        Layout::Legacy => (get("Given Name"), get("Additional Name"), get("Family Name")),
    };
    contact.given_name = non_empty(given);
    contact.family_name = non_empty(family);
    let mut name =
        [given, middle, family].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ");
    if layout == Layout::Legacy && !get("Name").is_empty() {
        name = get("Name").to_string();
    }
    let organization = contact.employment.first().map(|e| e.organization.clone());
    let organization_card = name.is_empty() && organization.is_some();
    let display = Some(name)
        .filter(|n| !n.is_empty())
        .or(organization)
        .or_else(|| contact.emails.first().map(|e| e.address.clone()))
        .or_else(|| contact.phones.first().map(|p| p.number.clone()));
    let Some(display) = display else {
        let field = if layout == Layout::Current { "First Name" } else { "Name" };
        problems.push(Problem::at(line, Some(field), None, "a name, an organization or an email"));
        return None;
    };
    contact.display_name = display;
    Some(PersonRecord { line, key: None, contact, organization_card, extra: vec![] })
}

/// The entries of a multi-valued cell (`a ::: b`), trimmed, empty ones dropped.
fn entries(value: &str) -> impl Iterator<Item = &str> {
    value.split(SEPARATOR).map(str::trim).filter(|s| !s.is_empty())
}

/// An email/phone/address label: `* Work` → `work`, `Mobile` → `mobile`.
fn label(raw: &str) -> Option<String> {
    let s = raw.trim().trim_start_matches('*').trim().to_lowercase();
    (!s.is_empty()).then_some(s)
}

fn non_empty(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}
