//! Career opportunities (jobs, clients, collaborations, speaking) moving through a pipeline of
//! stages, and collaborations with colleagues.

use crate::error::{Collector, ValidationError};
use crate::ids::{CollaborationId, ContactId, OpportunityId, OrganizationId};
use crate::interaction::Participant;
use crate::validate;
use crate::words::word_enum;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

word_enum!(
    /// What an opportunity is.
    OpportunityKind {
        Job => "job",
        Client => "client",
        Collaboration => "collaboration",
        Speaking => "speaking",
        Other => "other",
    }
);

word_enum!(
    /// A contact's part in an opportunity.
    OpportunityRole {
        Referrer => "referrer",
        HiringManager => "hiring-manager",
        Champion => "champion",
        Interviewer => "interviewer",
        DecisionMaker => "decision-maker",
        Recruiter => "recruiter",
        Contact => "contact",
    }
);

word_enum!(
    /// Where a collaboration stands.
    CollaborationStatus {
        Idea => "idea",
        Active => "active",
        Paused => "paused",
        Done => "done",
        Dropped => "dropped",
    }
);

/// The stages that close an opportunity; they always follow the open stages.
pub const CLOSED_STAGES: &[&str] = &["won", "lost", "withdrawn"];

/// The open stages unless the user configures others.
pub const DEFAULT_OPEN_STAGES: &[&str] =
    &["identified", "reached-out", "in-conversation", "applied", "interviewing"];

/// The pipeline's stages, in order: the open ones, then [`CLOSED_STAGES`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Pipeline {
    pub open: Vec<String>,
}

impl Default for Pipeline {
    fn default() -> Self {
        Pipeline { open: DEFAULT_OPEN_STAGES.iter().map(|s| s.to_string()).collect() }
    }
}

impl Pipeline {
    /// Parses a comma-separated list of open stages (`identified, applied, interviewing`):
    /// each a word like a tag, distinct, not a closed stage, one to twelve of them.
    pub fn parse(raw: &str) -> Result<Pipeline, ValidationError> {
        let mut open = Vec::new();
        for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let stage = validate::tag("stages", part)?;
            if CLOSED_STAGES.contains(&stage.as_str()) {
                return Err(ValidationError::one(
                    "stages",
                    Some(part),
                    "open stages only (won, lost and withdrawn are always there)",
                ));
            }
            if open.contains(&stage) {
                return Err(ValidationError::one("stages", Some(part), "each stage once"));
            }
            open.push(stage);
        }
        if open.is_empty() || open.len() > 12 {
            return Err(ValidationError::one("stages", Some(raw), "one to twelve stage names"));
        }
        Ok(Pipeline { open })
    }

    /// Every stage in order.
    pub fn all(&self) -> Vec<String> {
        self.open.iter().cloned().chain(CLOSED_STAGES.iter().map(|s| s.to_string())).collect()
    }

    /// The stage the user meant (case-insensitive; spaces as dashes), or what was expected.
    pub fn stage(&self, raw: &str) -> Result<String, ValidationError> {
        let want = raw.trim().to_lowercase().split_whitespace().collect::<Vec<_>>().join("-");
        self.all().into_iter().find(|s| *s == want).ok_or_else(|| {
            ValidationError::one("stage", Some(raw), &format!("one of {}", self.all().join(", ")))
        })
    }

    /// Whether a stage closes the opportunity.
    pub fn is_closed(stage: &str) -> bool {
        CLOSED_STAGES.contains(&stage)
    }
}

/// A contact on an opportunity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpportunityContact {
    pub contact: Participant,
    pub role: OpportunityRole,
}

/// When an opportunity entered a stage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StageChange {
    pub stage: String,
    pub on: NaiveDate,
}

/// A job, client, collaboration or speaking opportunity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Opportunity {
    pub id: OpportunityId,
    pub title: String,
    pub kind: OpportunityKind,
    pub organization: Option<(OrganizationId, String)>,
    pub stage: String,
    /// Every stage it went through, oldest first (the last is the current one).
    pub history: Vec<StageChange>,
    pub next_step: Option<String>,
    pub next_step_due: Option<NaiveDate>,
    pub contacts: Vec<OpportunityContact>,
    pub notes: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An opportunity as entered; the stage must be one of the pipeline's.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpportunityInput {
    pub title: String,
    pub kind: OpportunityKind,
    #[serde(default)]
    pub organization: Option<OrganizationId>,
    #[serde(default)]
    pub stage: Option<String>,
    /// When it entered its stage (default today).
    #[serde(default)]
    pub on: Option<NaiveDate>,
    #[serde(default)]
    pub next_step: Option<String>,
    #[serde(default)]
    pub next_step_due: Option<NaiveDate>,
    #[serde(default)]
    pub contacts: Vec<(ContactId, OpportunityRole)>,
    #[serde(default)]
    pub notes: String,
}

impl OpportunityInput {
    /// An opportunity with a title and a kind; everything else unset (the first stage, today).
    pub fn new(title: impl Into<String>, kind: OpportunityKind) -> Self {
        OpportunityInput {
            title: title.into(),
            kind,
            organization: None,
            stage: None,
            on: None,
            next_step: None,
            next_step_due: None,
            contacts: vec![],
            notes: String::new(),
        }
    }

    /// Checks the input against the pipeline: a title, a known stage (default the first), a
    /// date not in the future, a one-line next step, each contact once.
    pub fn normalized(
        &self,
        pipeline: &Pipeline,
        today: NaiveDate,
    ) -> Result<OpportunityInput, ValidationError> {
        let mut errs = Collector::default();
        let title = validate::required_text("title", &self.title, 200)
            .map_err(|e| errs.extend(e))
            .unwrap_or_default();
        let stage = match &self.stage {
            Some(s) => pipeline.stage(s).map_err(|e| errs.extend(e)).ok(),
            None => pipeline.open.first().cloned(),
        };
        let on = self.on.unwrap_or(today);
        if on > today {
            errs.push("on", Some(&on.to_string()), "a date that is not in the future");
        }
        let next_step = match self.next_step.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => validate::required_text("next", s, 300).map_err(|e| errs.extend(e)).ok(),
            None => None,
        };
        if self.next_step_due.is_some() && next_step.is_none() {
            errs.push("due", None, "a next step to go with the due date (--next)");
        }
        let mut contacts: Vec<(ContactId, OpportunityRole)> = Vec::new();
        for (c, r) in &self.contacts {
            if !contacts.iter().any(|(x, _)| x == c) {
                contacts.push((*c, *r));
            }
        }
        errs.finish()?;
        Ok(OpportunityInput {
            title,
            stage,
            on: Some(on),
            next_step,
            contacts,
            notes: self.notes.trim().to_string(),
            ..self.clone()
        })
    }
}

/// What editing an opportunity changes: its title, kind, organization and notes. The stage
/// moves with its history, the next step and the people have their own changes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpportunityDetails {
    pub title: String,
    pub kind: OpportunityKind,
    #[serde(default)]
    pub organization: Option<OrganizationId>,
    #[serde(default)]
    pub notes: String,
}

impl OpportunityDetails {
    /// Checks the details: a one-line title of at most 200 characters; notes trimmed.
    pub fn normalized(&self) -> Result<OpportunityDetails, ValidationError> {
        let title = validate::required_text("title", &self.title, 200)?;
        Ok(OpportunityDetails { title, notes: self.notes.trim().to_string(), ..self.clone() })
    }
}

impl Opportunity {
    /// The details an edit starts from.
    pub fn details(&self) -> OpportunityDetails {
        OpportunityDetails {
            title: self.title.clone(),
            kind: self.kind,
            organization: self.organization.as_ref().map(|(id, _)| *id),
            notes: self.notes.clone(),
        }
    }
}

/// A next step coming due in the pipeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NextStep {
    pub opportunity: OpportunityId,
    pub title: String,
    pub stage: String,
    pub step: String,
    pub due: NaiveDate,
    /// The people on the opportunity.
    pub with: Vec<String>,
}

impl NextStep {
    /// One line: `Staff engineer at Acme (interviewing): send the take-home — due in 2 days`.
    pub fn line(&self, today: NaiveDate) -> String {
        let days = (self.due - today).num_days();
        let when = match days {
            0 => "due today".to_string(),
            1 => "due tomorrow".to_string(),
            n if n > 1 => format!("due in {n} days"),
            -1 => "1 day late".to_string(),
            n => format!("{} days late", -n),
        };
        let with = if self.with.is_empty() {
            String::new()
        } else {
            format!(" (with {})", self.with.join(", "))
        };
        format!("{} ({}): {}{with} — {when}", self.title, self.stage, self.step)
    }
}

/// A project or initiative with colleagues.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Collaboration {
    pub id: CollaborationId,
    pub title: String,
    pub description: String,
    pub status: CollaborationStatus,
    pub started_on: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
    pub outcome: String,
    /// Participants and their role in it ("co-author", "reviewer"), by name.
    pub participants: Vec<(Participant, String)>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A collaboration as entered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CollaborationInput {
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub status: Option<CollaborationStatus>,
    #[serde(default)]
    pub started_on: Option<NaiveDate>,
    #[serde(default)]
    pub ended_on: Option<NaiveDate>,
    #[serde(default)]
    pub outcome: String,
}

impl CollaborationInput {
    /// Checks the input: a title, an end not before the start.
    pub fn normalized(&self) -> Result<CollaborationInput, ValidationError> {
        let mut errs = Collector::default();
        let title = validate::required_text("title", &self.title, 200)
            .map_err(|e| errs.extend(e))
            .unwrap_or_default();
        if let (Some(s), Some(e)) = (self.started_on, self.ended_on)
            && e < s
        {
            errs.push("end", Some(&e.to_string()), &format!("a date on or after the start ({s})"));
        }
        errs.finish()?;
        Ok(CollaborationInput {
            title,
            status: Some(self.status.unwrap_or(CollaborationStatus::Active)),
            description: self.description.trim().to_string(),
            outcome: self.outcome.trim().to_string(),
            ..self.clone()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn pipelines_parse_and_resolve_stages() {
        let p = Pipeline::default();
        assert_eq!(p.stage("In Conversation").unwrap(), "in-conversation");
        assert_eq!(p.stage("won").unwrap(), "won");
        let err = p.stage("negotiating").unwrap_err().to_string();
        assert!(
            err.contains("identified, reached-out") && err.contains("won, lost, withdrawn"),
            "{err}"
        );
        let custom = Pipeline::parse("lead, Proposal Sent , negotiating").unwrap();
        assert_eq!(custom.all().len(), 6);
        assert_eq!(custom.open[1], "proposal-sent");
        assert!(Pipeline::parse("lead, won").is_err());
        assert!(Pipeline::parse("a, a").is_err());
        assert!(Pipeline::parse(" , ").is_err());
    }

    #[test]
    fn opportunity_input_rules() {
        let input = OpportunityInput {
            title: "Staff engineer".into(),
            kind: OpportunityKind::Job,
            organization: None,
            stage: Some("nowhere".into()),
            on: Some(d("2026-12-01")),
            next_step: None,
            next_step_due: Some(d("2026-12-02")),
            contacts: vec![],
            notes: String::new(),
        };
        let fields: Vec<String> = input
            .normalized(&Pipeline::default(), d("2026-11-27"))
            .unwrap_err()
            .errors
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["stage", "on", "due"]);
        let ok = OpportunityInput { stage: None, on: None, next_step_due: None, ..input }
            .normalized(&Pipeline::default(), d("2026-11-27"))
            .unwrap();
        assert_eq!((ok.stage.as_deref(), ok.on), (Some("identified"), Some(d("2026-11-27"))));
    }

    #[test]
    fn next_step_lines() {
        let n = NextStep {
            opportunity: OpportunityId(uuid::Uuid::nil()),
            title: "Staff engineer at Acme".into(),
            stage: "interviewing".into(),
            step: "send the take-home".into(),
            due: d("2026-11-29"),
            with: vec!["Ada".into()],
        };
        assert_eq!(
            n.line(d("2026-11-27")),
            "Staff engineer at Acme (interviewing): send the take-home (with Ada) — due in 2 days"
        );
        assert!(n.line(d("2026-12-01")).ends_with("2 days late"));
    }
}
