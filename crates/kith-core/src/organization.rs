//! Organizations: companies, universities, agencies people work at.

use crate::error::{Collector, ValidationError};
use crate::ids::{ContactId, OrganizationId};
use crate::validate;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// An organization and the people linked to it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Organization {
    pub id: OrganizationId,
    pub name: String,
    pub domain: Option<String>,
    pub industry: Option<String>,
    pub size: Option<String>,
    pub location: Option<String>,
    pub notes: String,
    pub tags: Vec<String>,
    /// People with a role there, current roles first.
    pub people: Vec<Role>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A contact's role at an organization.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Role {
    pub contact_id: ContactId,
    pub display_name: String,
    pub title: Option<String>,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
}

/// What lists show of an organization.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrganizationSummary {
    pub id: OrganizationId,
    pub name: String,
    pub domain: Option<String>,
    pub industry: Option<String>,
    pub current_people: i64,
    pub past_people: i64,
}

/// An organization as entered or edited.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrganizationInput {
    pub name: String,
    #[serde(default)]
    pub domain: Option<String>,
    #[serde(default)]
    pub industry: Option<String>,
    #[serde(default)]
    pub size: Option<String>,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub tags: Vec<String>,
}

impl Organization {
    /// The editable form.
    pub fn to_input(&self) -> OrganizationInput {
        OrganizationInput {
            name: self.name.clone(),
            domain: self.domain.clone(),
            industry: self.industry.clone(),
            size: self.size.clone(),
            location: self.location.clone(),
            notes: self.notes.clone(),
            tags: self.tags.clone(),
        }
    }
}

impl OrganizationInput {
    /// Checks and normalises: the domain is a bare lowercase host name (`acme.com`).
    pub fn normalized(&self) -> Result<OrganizationInput, ValidationError> {
        let mut errs = Collector::default();
        let mut out = OrganizationInput::default();
        match validate::required_text("name", &self.name, 200) {
            Ok(n) => out.name = n,
            Err(e) => errs.extend(e),
        }
        if let Some(d) = validate::optional_text(self.domain.as_deref()) {
            let host = d
                .trim_start_matches("https://")
                .trim_start_matches("http://")
                .trim_start_matches("www.")
                .trim_end_matches('/')
                .to_lowercase();
            let ok = host.contains('.')
                && !host.starts_with('.')
                && !host.ends_with('.')
                && host.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
            if ok {
                out.domain = Some(host);
            } else {
                errs.push("domain", Some(&d), "a domain name like acme.com");
            }
        }
        out.industry = validate::optional_text(self.industry.as_deref());
        out.size = validate::optional_text(self.size.as_deref());
        out.location = validate::optional_text(self.location.as_deref());
        out.notes = self.notes.trim().to_string();
        for t in &self.tags {
            match validate::tag("tag", t) {
                Ok(t) if !out.tags.contains(&t) => out.tags.push(t),
                Ok(_) => {}
                Err(e) => errs.extend(e),
            }
        }
        out.tags.sort();
        errs.finish()?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_are_normalised_and_checked() {
        let o = OrganizationInput {
            name: "Acme".into(),
            domain: Some("https://www.ACME.com/".into()),
            ..Default::default()
        };
        assert_eq!(o.normalized().unwrap().domain.as_deref(), Some("acme.com"));
        let bad = OrganizationInput {
            name: "Acme".into(),
            domain: Some("acme".into()),
            ..Default::default()
        };
        assert!(bad.normalized().is_err());
        assert!(OrganizationInput::default().normalized().is_err());
    }
}
