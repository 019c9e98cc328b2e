//! Contacts: the people in the user's network.

use crate::error::{Collector, ValidationError};
use crate::ids::{ContactId, NoteId, OrganizationId};
use crate::validate;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// An email address with an optional label (`work`, `home`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Email {
    pub address: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// A phone number as entered, its normalised form (for matching) and an optional label.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Phone {
    pub number: String,
    pub normalized: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// What a link points at; inferred from the URL when not given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum LinkKind {
    Linkedin,
    Github,
    Twitter,
    Mastodon,
    Website,
    Other,
}

impl LinkKind {
    /// Every kind, for help texts.
    pub const ALL: [LinkKind; 6] = [
        LinkKind::Linkedin,
        LinkKind::Github,
        LinkKind::Twitter,
        LinkKind::Mastodon,
        LinkKind::Website,
        LinkKind::Other,
    ];

    /// The stored and displayed name.
    pub fn as_str(self) -> &'static str {
        match self {
            LinkKind::Linkedin => "linkedin",
            LinkKind::Github => "github",
            LinkKind::Twitter => "twitter",
            LinkKind::Mastodon => "mastodon",
            LinkKind::Website => "website",
            LinkKind::Other => "other",
        }
    }

    /// Parses a stored or typed name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s.trim().to_lowercase())
    }

    /// Guesses the kind from a URL's host.
    pub fn infer(url: &str) -> Self {
        let host = url
            .split_once("://")
            .map(|(_, r)| r)
            .unwrap_or(url)
            .split('/')
            .next()
            .unwrap_or_default()
            .to_lowercase();
        let host = host.trim_start_matches("www.");
        if host.ends_with("linkedin.com") {
            LinkKind::Linkedin
        } else if host == "github.com" {
            LinkKind::Github
        } else if host == "twitter.com" || host == "x.com" {
            LinkKind::Twitter
        } else if url.contains("/@") {
            LinkKind::Mastodon
        } else {
            LinkKind::Website
        }
    }
}

impl fmt::Display for LinkKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A web link (profile, website).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Link {
    pub url: String,
    pub kind: LinkKind,
}

/// A postal address; every part optional.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Address {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locality: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

impl Address {
    /// The address on one line, parts separated by commas.
    pub fn one_line(&self) -> String {
        [&self.street, &self.locality, &self.region, &self.postal_code, &self.country]
            .into_iter()
            .flatten()
            .cloned()
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A birthday; the year is optional (many people share only the day).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Birthday {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    pub month: u32,
    pub day: u32,
}

impl Birthday {
    /// Parses `YYYY-MM-DD`, `--MM-DD` (vCard 4 style) or `MM-DD`.
    pub fn parse(field: &str, raw: &str) -> Result<Self, ValidationError> {
        let s = raw.trim();
        let expected = "a birthday as YYYY-MM-DD, or --MM-DD / MM-DD without a year";
        if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            return Ok(Birthday { year: Some(d.year()), month: d.month(), day: d.day() });
        }
        let md = s.strip_prefix("--").unwrap_or(s);
        let (m, d) =
            md.split_once('-').ok_or_else(|| ValidationError::one(field, Some(raw), expected))?;
        let (month, day) = match (m.parse::<u32>(), d.parse::<u32>()) {
            (Ok(m), Ok(d)) => (m, d),
            _ => return Err(ValidationError::one(field, Some(raw), expected)),
        };
        let b = Birthday { year: None, month, day };
        b.check(field, raw)?;
        Ok(b)
    }

    fn check(&self, field: &str, raw: &str) -> Result<(), ValidationError> {
        // Without a year, Feb 29 is allowed: check against a leap year.
        let year = self.year.unwrap_or(2000);
        if NaiveDate::from_ymd_opt(year, self.month, self.day).is_none() {
            return Err(ValidationError::one(field, Some(raw), "a day that exists in that month"));
        }
        Ok(())
    }
}

impl fmt::Display for Birthday {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.year {
            Some(y) => write!(f, "{y:04}-{:02}-{:02}", self.month, self.day),
            None => write!(f, "--{:02}-{:02}", self.month, self.day),
        }
    }
}

/// A role at an organization, current when it has no end date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Employment {
    pub organization_id: OrganizationId,
    pub organization: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<NaiveDate>,
}

/// A role as entered: the organization by name (created when it does not exist yet).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmploymentInput {
    pub organization: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub start: Option<NaiveDate>,
    #[serde(default)]
    pub end: Option<NaiveDate>,
}

/// A dated note on a contact's timeline (markdown).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Note {
    pub id: NoteId,
    pub contact_id: ContactId,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// A person in the user's network.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Contact {
    pub id: ContactId,
    pub display_name: String,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub nickname: Option<String>,
    pub emails: Vec<Email>,
    pub phones: Vec<Phone>,
    pub links: Vec<Link>,
    pub addresses: Vec<Address>,
    pub birthday: Option<Birthday>,
    /// Roles, current ones (no end date) first, then past ones, most recent first.
    pub employment: Vec<Employment>,
    pub location: Option<String>,
    pub tags: Vec<String>,
    pub how_met: Option<String>,
    pub first_met: Option<NaiveDate>,
    /// Free-form markdown about the person.
    pub notes: String,
    pub last_interaction_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Contact {
    /// The current role: the first employment without an end date.
    pub fn current_role(&self) -> Option<&Employment> {
        self.employment.iter().find(|e| e.end.is_none())
    }

    /// The editable form of this contact, for `edit` and web forms.
    pub fn to_input(&self) -> ContactInput {
        ContactInput {
            display_name: self.display_name.clone(),
            given_name: self.given_name.clone(),
            family_name: self.family_name.clone(),
            nickname: self.nickname.clone(),
            emails: self.emails.clone(),
            phones: self.phones.clone(),
            links: self.links.clone(),
            addresses: self.addresses.clone(),
            birthday: self.birthday,
            employment: self
                .employment
                .iter()
                .map(|e| EmploymentInput {
                    organization: e.organization.clone(),
                    title: e.title.clone(),
                    start: e.start,
                    end: e.end,
                })
                .collect(),
            location: self.location.clone(),
            tags: self.tags.clone(),
            how_met: self.how_met.clone(),
            first_met: self.first_met,
            notes: self.notes.clone(),
        }
    }

    /// A one-line summary for lists.
    pub fn summary(&self) -> ContactSummary {
        let role = self.current_role();
        ContactSummary {
            id: self.id,
            display_name: self.display_name.clone(),
            primary_email: self.emails.first().map(|e| e.address.clone()),
            organization: role.map(|r| r.organization.clone()),
            title: role.and_then(|r| r.title.clone()),
            tags: self.tags.clone(),
            last_interaction_at: self.last_interaction_at,
            strength: None,
        }
    }
}

/// What lists show of a contact.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactSummary {
    pub id: ContactId,
    pub display_name: String,
    pub primary_email: Option<String>,
    pub organization: Option<String>,
    pub title: Option<String>,
    pub tags: Vec<String>,
    pub last_interaction_at: Option<DateTime<Utc>>,
    /// Relationship strength, when the list was sorted by it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strength: Option<f64>,
}

/// A contact as entered or edited. [`ContactInput::normalized`] checks it and returns the form
/// the store saves.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactInput {
    pub display_name: String,
    #[serde(default)]
    pub given_name: Option<String>,
    #[serde(default)]
    pub family_name: Option<String>,
    #[serde(default)]
    pub nickname: Option<String>,
    #[serde(default)]
    pub emails: Vec<Email>,
    #[serde(default)]
    pub phones: Vec<Phone>,
    #[serde(default)]
    pub links: Vec<Link>,
    #[serde(default)]
    pub addresses: Vec<Address>,
    #[serde(default)]
    pub birthday: Option<Birthday>,
    #[serde(default)]
    pub employment: Vec<EmploymentInput>,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub how_met: Option<String>,
    #[serde(default)]
    pub first_met: Option<NaiveDate>,
    #[serde(default)]
    pub notes: String,
}

impl ContactInput {
    /// A contact with just a name; the display name is split into given and family names.
    pub fn named(display_name: &str) -> Self {
        let mut input =
            ContactInput { display_name: display_name.trim().to_string(), ..Default::default() };
        let mut parts = input.display_name.split_whitespace();
        if let (Some(first), Some(_)) = (parts.next(), parts.clone().next()) {
            input.given_name = Some(first.to_string());
            input.family_name = Some(parts.collect::<Vec<_>>().join(" "));
        }
        input
    }

    /// Checks every field and returns the normalised input: trimmed texts, valid and
    /// de-duplicated emails, phones, links and tags, employment ordered current-first.
    /// All problems are reported at once.
    pub fn normalized(&self, today: NaiveDate) -> Result<ContactInput, ValidationError> {
        let mut errs = Collector::default();
        let mut out = ContactInput::default();
        match validate::required_text("name", &self.display_name, 200) {
            Ok(n) => out.display_name = n,
            Err(e) => errs.extend(e),
        }
        out.given_name = validate::optional_text(self.given_name.as_deref());
        out.family_name = validate::optional_text(self.family_name.as_deref());
        out.nickname = validate::optional_text(self.nickname.as_deref());
        for e in &self.emails {
            match validate::email("email", &e.address) {
                Ok(address) => {
                    let key = validate::email_key(&address);
                    if !out.emails.iter().any(|x| validate::email_key(&x.address) == key) {
                        out.emails.push(Email {
                            address,
                            label: validate::optional_text(e.label.as_deref()),
                        });
                    }
                }
                Err(err) => errs.extend(err),
            }
        }
        for p in &self.phones {
            match validate::phone("phone", &p.number) {
                Ok(normalized) => {
                    if !out.phones.iter().any(|x| x.normalized == normalized) {
                        out.phones.push(Phone {
                            number: p.number.trim().to_string(),
                            normalized,
                            label: validate::optional_text(p.label.as_deref()),
                        });
                    }
                }
                Err(err) => errs.extend(err),
            }
        }
        for l in &self.links {
            match validate::url("link", &l.url) {
                Ok(url) => {
                    if !out.links.iter().any(|x| x.url == url) {
                        out.links.push(Link { url, kind: l.kind });
                    }
                }
                Err(err) => errs.extend(err),
            }
        }
        out.addresses = self
            .addresses
            .iter()
            .map(|a| Address {
                label: validate::optional_text(a.label.as_deref()),
                street: validate::optional_text(a.street.as_deref()),
                locality: validate::optional_text(a.locality.as_deref()),
                region: validate::optional_text(a.region.as_deref()),
                postal_code: validate::optional_text(a.postal_code.as_deref()),
                country: validate::optional_text(a.country.as_deref()),
            })
            .filter(|a| !a.one_line().is_empty())
            .collect();
        if let Some(b) = self.birthday {
            match b.check("birthday", &b.to_string()) {
                Ok(()) if b.year.is_some_and(|y| y > today.year()) => errs.push(
                    "birthday",
                    Some(&b.to_string()),
                    "a birthday that is not in the future",
                ),
                Ok(()) => out.birthday = Some(b),
                Err(e) => errs.extend(e),
            }
        }
        for (i, e) in self.employment.iter().enumerate() {
            let field = format!("employment[{}]", i + 1);
            match validate::required_text(&format!("{field}.organization"), &e.organization, 200) {
                Ok(organization) => {
                    if let (Some(s), Some(end)) = (e.start, e.end)
                        && end < s
                    {
                        errs.push(
                            format!("{field}.end"),
                            Some(&end.to_string()),
                            "an end date on or after the start date",
                        );
                    }
                    out.employment.push(EmploymentInput {
                        organization,
                        title: validate::optional_text(e.title.as_deref()),
                        start: e.start,
                        end: e.end,
                    });
                }
                Err(err) => errs.extend(err),
            }
        }
        // Current roles first, then past roles by end date, most recent first; stable otherwise.
        out.employment.sort_by(|a, b| match (a.end, b.end) {
            (None, None) => std::cmp::Ordering::Equal,
            (None, Some(_)) => std::cmp::Ordering::Less,
            (Some(_), None) => std::cmp::Ordering::Greater,
            (Some(x), Some(y)) => y.cmp(&x),
        });
        out.location = validate::optional_text(self.location.as_deref());
        for t in &self.tags {
            match validate::tag("tag", t) {
                Ok(t) => {
                    if !out.tags.contains(&t) {
                        out.tags.push(t);
                    }
                }
                Err(e) => errs.extend(e),
            }
        }
        out.tags.sort();
        out.how_met = validate::optional_text(self.how_met.as_deref());
        if let Some(d) = self.first_met
            && d > today
        {
            errs.push("first met", Some(&d.to_string()), "a date that is not in the future");
        }
        out.first_met = self.first_met;
        out.notes = self.notes.trim().to_string();
        errs.finish()?;
        Ok(out)
    }

    /// Makes `organization` (with `title`) the current role. A different current role is
    /// closed with `today` as its end date and kept as history. The new role's start date is
    /// left unknown: the user is telling Kith about it, not starting it today.
    pub fn set_current_role(&mut self, organization: &str, title: Option<&str>, today: NaiveDate) {
        let same = |e: &EmploymentInput| {
            crate::text::fold(&e.organization) == crate::text::fold(organization)
        };
        if let Some(current) = self.employment.iter_mut().find(|e| e.end.is_none() && same(e)) {
            if let Some(t) = title {
                current.title = Some(t.to_string());
            }
            return;
        }
        for e in self.employment.iter_mut().filter(|e| e.end.is_none()) {
            e.end = Some(today);
        }
        self.employment.insert(
            0,
            EmploymentInput {
                organization: organization.to_string(),
                title: title.map(str::to_string),
                start: Some(today),
                end: None,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
    }

    #[test]
    fn birthdays() {
        assert_eq!(Birthday::parse("b", "1990-05-17").unwrap().to_string(), "1990-05-17");
        assert_eq!(Birthday::parse("b", "--02-29").unwrap().to_string(), "--02-29");
        assert_eq!(
            Birthday::parse("b", "12-03").unwrap(),
            Birthday { year: None, month: 12, day: 3 }
        );
        assert!(Birthday::parse("b", "--02-30").is_err());
        assert!(Birthday::parse("b", "2023-02-29").is_err());
        assert!(Birthday::parse("b", "soon").is_err());
    }

    #[test]
    fn named_splits_names() {
        let c = ContactInput::named("Ada King Lovelace");
        assert_eq!(c.given_name.as_deref(), Some("Ada"));
        assert_eq!(c.family_name.as_deref(), Some("King Lovelace"));
        assert_eq!(ContactInput::named("Cher").given_name, None);
    }

    #[test]
    fn normalizes_and_reports_all_errors() {
        let mut c = ContactInput::named("  Ada  ");
        c.emails = vec![
            Email { address: "ada@EXAMPLE.com".into(), label: None },
            Email { address: "ada@example.com".into(), label: Some("work".into()) },
            Email { address: "nope".into(), label: None },
        ];
        c.tags = vec!["Mentor".into(), "mentor".into(), "bad,tag".into()];
        let err = c.normalized(today()).unwrap_err();
        assert_eq!(err.errors.len(), 2, "{err}");
        c.emails.pop();
        c.tags.pop();
        let n = c.normalized(today()).unwrap();
        assert_eq!(n.display_name, "Ada");
        assert_eq!(n.emails.len(), 1);
        assert_eq!(n.tags, ["mentor"]);
    }

    #[test]
    fn role_changes_keep_history() {
        let mut c = ContactInput::named("Grace Hopper");
        c.set_current_role("Navy", Some("Officer"), today());
        c.set_current_role("navy", Some("Rear Admiral"), today());
        assert_eq!(c.employment.len(), 1);
        assert_eq!(c.employment[0].title.as_deref(), Some("Rear Admiral"));
        c.set_current_role("Remington Rand", Some("Engineer"), today());
        assert_eq!(c.employment.len(), 2);
        assert_eq!(c.employment[0].organization, "Remington Rand");
        assert_eq!(c.employment[1].end, Some(today()));
    }

    #[test]
    fn employment_end_before_start_is_rejected() {
        let mut c = ContactInput::named("Ada");
        c.employment.push(EmploymentInput {
            organization: "Acme".into(),
            title: None,
            start: NaiveDate::from_ymd_opt(2020, 1, 1),
            end: NaiveDate::from_ymd_opt(2019, 1, 1),
        });
        assert!(c.normalized(today()).is_err());
    }
}
