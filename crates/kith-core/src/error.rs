//! Validation errors: which field, what was given, what was expected.

use serde::Serialize;
use std::fmt;

/// One problem with one field of an input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The field, in the user's words (`email`, `birthday`, `participants`).
    pub field: String,
    /// The value that was given, if there was one.
    pub value: Option<String>,
    /// What was expected instead.
    pub expected: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            Some(v) => {
                write!(f, "{}: {:?} is not valid; expected {}", self.field, v, self.expected)
            }
            None => write!(f, "{}: expected {}", self.field, self.expected),
        }
    }
}

/// Every problem found in one input; never empty.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
pub struct ValidationError {
    /// The problems, in field order.
    pub errors: Vec<FieldError>,
}

impl ValidationError {
    /// A single-field error.
    pub fn one(field: &str, value: Option<&str>, expected: &str) -> Self {
        Self {
            errors: vec![FieldError {
                field: field.to_string(),
                value: value.map(str::to_string),
                expected: expected.to_string(),
            }],
        }
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            e.fmt(f)?;
        }
        Ok(())
    }
}

/// Collects field errors while an input is checked.
#[derive(Default, Debug)]
pub struct Collector {
    errors: Vec<FieldError>,
}

impl Collector {
    /// Records one problem.
    pub fn push(&mut self, field: impl Into<String>, value: Option<&str>, expected: &str) {
        self.errors.push(FieldError {
            field: field.into(),
            value: value.map(str::to_string),
            expected: expected.to_string(),
        });
    }

    /// Records the errors of a nested check.
    pub fn extend(&mut self, other: ValidationError) {
        self.errors.extend(other.errors);
    }

    /// `Ok` when nothing was recorded.
    pub fn finish(self) -> Result<(), ValidationError> {
        if self.errors.is_empty() { Ok(()) } else { Err(ValidationError { errors: self.errors }) }
    }
}
