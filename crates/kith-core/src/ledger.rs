//! The reciprocity ledger: help given and received, asks, feedback and acknowledgements.

use crate::error::{Collector, ValidationError};
use crate::ids::{ContactId, LedgerEntryId};
use crate::interaction::Participant;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::words::word_enum;

word_enum!(
    /// What kind of record.
    LedgerKind {
        Help => "help",
        Ask => "ask",
        Feedback => "feedback",
        Acknowledgement => "acknowledgement",
    }
);

word_enum!(
    /// Which way it went, from the user's side: `given` (from me to them) or `received`
    /// (from them to me). An ask I made is `received` (I am asking to receive).
    LedgerDirection {
        Given => "given",
        Received => "received",
    }
);

word_enum!(
    /// Where a record stands. Which statuses fit depends on the kind.
    LedgerStatus {
        Offered => "offered",
        Done => "done",
        Open => "open",
        Answered => "answered",
        Declined => "declined",
        Public => "public",
        Private => "private",
    }
);

impl LedgerKind {
    /// The statuses a kind can have; the first is the default.
    pub fn statuses(self) -> &'static [LedgerStatus] {
        match self {
            LedgerKind::Help => &[LedgerStatus::Done, LedgerStatus::Offered],
            LedgerKind::Ask => {
                &[LedgerStatus::Open, LedgerStatus::Answered, LedgerStatus::Declined]
            }
            LedgerKind::Feedback => &[LedgerStatus::Done],
            LedgerKind::Acknowledgement => &[LedgerStatus::Private, LedgerStatus::Public],
        }
    }

    /// The direction a kind takes when none is given.
    pub fn default_direction(self) -> LedgerDirection {
        match self {
            LedgerKind::Ask => LedgerDirection::Received,
            LedgerKind::Acknowledgement => LedgerDirection::Given,
            LedgerKind::Help | LedgerKind::Feedback => LedgerDirection::Received,
        }
    }
}

/// A ledger record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LedgerEntry {
    pub id: LedgerEntryId,
    pub kind: LedgerKind,
    pub direction: LedgerDirection,
    pub status: LedgerStatus,
    pub on: NaiveDate,
    pub participants: Vec<Participant>,
    pub summary: String,
    pub notes: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl LedgerEntry {
    /// Whether this record is a favour I received (help received and done, or my ask answered).
    pub fn is_favour_received(&self) -> bool {
        self.direction == LedgerDirection::Received
            && matches!(
                (self.kind, self.status),
                (LedgerKind::Help, LedgerStatus::Done) | (LedgerKind::Ask, LedgerStatus::Answered)
            )
    }

    /// Whether this record is a favour I gave.
    pub fn is_favour_given(&self) -> bool {
        self.direction == LedgerDirection::Given
            && matches!(
                (self.kind, self.status),
                (LedgerKind::Help, LedgerStatus::Done) | (LedgerKind::Ask, LedgerStatus::Answered)
            )
    }

    /// One line: `2026-11-03 help received (done): CV review`.
    pub fn line(&self) -> String {
        let summary =
            if self.summary.is_empty() { String::new() } else { format!(": {}", self.summary) };
        format!("{} {} {} ({}){summary}", self.on, self.kind, self.direction, self.status)
    }
}

/// A ledger record as entered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LedgerInput {
    pub kind: LedgerKind,
    #[serde(default)]
    pub direction: Option<LedgerDirection>,
    #[serde(default)]
    pub status: Option<LedgerStatus>,
    pub on: NaiveDate,
    pub participants: Vec<ContactId>,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub notes: String,
}

/// A checked ledger input: direction and status filled in.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidLedgerInput {
    pub kind: LedgerKind,
    pub direction: LedgerDirection,
    pub status: LedgerStatus,
    pub on: NaiveDate,
    pub participants: Vec<ContactId>,
    pub summary: String,
    pub notes: String,
}

/// Checks that a status fits a kind.
pub fn check_status(kind: LedgerKind, status: LedgerStatus) -> Result<(), ValidationError> {
    if kind.statuses().contains(&status) {
        Ok(())
    } else {
        let ok: Vec<&str> = kind.statuses().iter().map(|s| s.as_str()).collect();
        Err(ValidationError::one(
            "status",
            Some(status.as_str()),
            &format!("for {kind}: one of {}", ok.join(", ")),
        ))
    }
}

impl LedgerInput {
    /// Checks the input: participants, a status that fits the kind, a date not in the future,
    /// a one-line summary.
    pub fn normalized(&self, today: NaiveDate) -> Result<ValidLedgerInput, ValidationError> {
        let mut errs = Collector::default();
        let participants = crate::validate::distinct(&self.participants);
        if participants.is_empty() {
            errs.push("contacts", None, "at least one contact");
        }
        let status = self.status.unwrap_or(self.kind.statuses()[0]);
        if let Err(e) = check_status(self.kind, status) {
            errs.extend(e);
        }
        if self.on > today {
            errs.push("on", Some(&self.on.to_string()), "a date that is not in the future");
        }
        let summary = self.summary.trim().to_string();
        if summary.contains('\n') || summary.chars().count() > 500 {
            errs.push("summary", Some(&summary), "a single line of at most 500 characters");
        }
        errs.finish()?;
        Ok(ValidLedgerInput {
            kind: self.kind,
            direction: self.direction.unwrap_or(self.kind.default_direction()),
            status,
            on: self.on,
            participants,
            summary,
            notes: self.notes.trim().to_string(),
        })
    }
}

/// What the ledger says between the user and one contact.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Balance {
    pub favours_given: i64,
    pub favours_received: i64,
    /// The earliest dated record counted, for "since March".
    pub since: Option<NaiveDate>,
    /// Open asks I made of them: (date, summary).
    pub open_asks: Vec<(NaiveDate, String)>,
    /// Help I offered and have not given yet.
    pub offers_pending: Vec<(NaiveDate, String)>,
    /// A favour received after the last acknowledgement I gave them.
    pub owe_thanks: bool,
    pub feedback_given: i64,
    pub feedback_received: i64,
    pub acknowledgements_given: i64,
}

impl Balance {
    /// Sums a contact's ledger records.
    pub fn of(entries: &[LedgerEntry]) -> Balance {
        let mut b = Balance::default();
        let mut last_favour: Option<NaiveDate> = None;
        let mut last_thanks: Option<NaiveDate> = None;
        for e in entries {
            b.since = Some(b.since.map_or(e.on, |s| s.min(e.on)));
            if e.is_favour_received() {
                b.favours_received += 1;
                last_favour = Some(last_favour.map_or(e.on, |d| d.max(e.on)));
            }
            if e.is_favour_given() {
                b.favours_given += 1;
            }
            match (e.kind, e.direction, e.status) {
                (LedgerKind::Ask, LedgerDirection::Received, LedgerStatus::Open) => {
                    b.open_asks.push((e.on, e.summary.clone()))
                }
                (LedgerKind::Help, LedgerDirection::Given, LedgerStatus::Offered) => {
                    b.offers_pending.push((e.on, e.summary.clone()))
                }
                (LedgerKind::Feedback, LedgerDirection::Given, _) => b.feedback_given += 1,
                (LedgerKind::Feedback, LedgerDirection::Received, _) => b.feedback_received += 1,
                (LedgerKind::Acknowledgement, LedgerDirection::Given, _) => {
                    b.acknowledgements_given += 1;
                    last_thanks = Some(last_thanks.map_or(e.on, |d| d.max(e.on)));
                }
                _ => {}
            }
        }
        b.owe_thanks = match (last_favour, last_thanks) {
            (Some(f), Some(t)) => f > t,
            (Some(_), None) => true,
            _ => false,
        };
        b
    }

    /// "you've received 3 favours and given 0 since March 2026", or `None` when there is nothing.
    pub fn sentence(&self) -> Option<String> {
        if self.favours_given == 0 && self.favours_received == 0 {
            return None;
        }
        let plural = |n: i64| if n == 1 { "favour" } else { "favours" };
        let since = self.since.map(|d| format!(" since {}", d.format("%B %Y"))).unwrap_or_default();
        Some(format!(
            "you've received {} {} and given {}{since}",
            self.favours_received,
            plural(self.favours_received),
            self.favours_given
        ))
    }

    /// The ledger part of [`crate::strength::LedgerStats`].
    pub fn stats(&self, entries: &[LedgerEntry]) -> crate::strength::LedgerStats {
        let mut kinds = 0u32;
        for e in entries {
            kinds |= 1 << LedgerKind::ALL.iter().position(|k| *k == e.kind).unwrap_or(0);
        }
        crate::strength::LedgerStats {
            given: self.favours_given,
            received: self.favours_received,
            kinds,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn entry(
        kind: LedgerKind,
        direction: LedgerDirection,
        status: LedgerStatus,
        on: &str,
    ) -> LedgerEntry {
        let t = DateTime::<Utc>::default();
        LedgerEntry {
            id: LedgerEntryId(Uuid::nil()),
            kind,
            direction,
            status,
            on: on.parse().unwrap(),
            participants: vec![],
            summary: "x".into(),
            notes: String::new(),
            created_at: t,
            updated_at: t,
        }
    }

    #[test]
    fn balance_and_thanks() {
        use LedgerDirection::*;
        use LedgerKind::*;
        use LedgerStatus::*;
        let mut es = vec![
            entry(Help, Received, Done, "2026-03-02"),
            entry(Ask, Received, Answered, "2026-04-01"),
            entry(Ask, Received, Open, "2026-11-01"),
            entry(Help, Received, Done, "2026-06-01"),
        ];
        let b = Balance::of(&es);
        assert_eq!((b.favours_received, b.favours_given, b.owe_thanks), (3, 0, true));
        assert_eq!(b.sentence().unwrap(), "you've received 3 favours and given 0 since March 2026");
        assert_eq!(b.open_asks.len(), 1);
        es.push(entry(Acknowledgement, Given, Public, "2026-07-01"));
        assert!(!Balance::of(&es).owe_thanks);
    }

    #[test]
    fn statuses_fit_kinds() {
        let today: NaiveDate = "2026-11-27".parse().unwrap();
        let mut i = LedgerInput {
            kind: LedgerKind::Ask,
            direction: None,
            status: Some(LedgerStatus::Public),
            on: today,
            participants: vec![ContactId(Uuid::nil())],
            summary: "intro to Acme".into(),
            notes: String::new(),
        };
        assert!(i.normalized(today).is_err());
        i.status = None;
        let v = i.normalized(today).unwrap();
        assert_eq!((v.status, v.direction), (LedgerStatus::Open, LedgerDirection::Received));
    }
}
