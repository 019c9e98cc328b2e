//! One error type for the web edge, rendered as an HTML page ([`PageError`]) or as RFC 9457
//! problem+json ([`ApiError`]).

use askama::Template;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use kith_core::FieldError;
use kith_store::StoreError;
use serde::Serialize;

/// What went wrong while serving a request.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Invalid(kith_core::ValidationError),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Conflict(String),
    #[error("sign in first")]
    Unauthorized,
    #[error("the form expired or came from another site; reload the page and try again")]
    Forbidden,
    #[error("too many attempts; wait a minute and try again")]
    TooMany,
    #[error("{0}")]
    TooLarge(String),
    #[error("something went wrong: {0}")]
    Internal(String),
}

impl WebError {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            WebError::NotFound(_) => StatusCode::NOT_FOUND,
            WebError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::Conflict(_) => StatusCode::CONFLICT,
            WebError::Unauthorized => StatusCode::UNAUTHORIZED,
            WebError::Forbidden => StatusCode::FORBIDDEN,
            WebError::TooMany => StatusCode::TOO_MANY_REQUESTS,
            WebError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn title(&self) -> &'static str {
        match self {
            WebError::NotFound(_) => "Not found",
            WebError::Invalid(_) => "Invalid input",
            WebError::BadRequest(_) => "Bad request",
            WebError::Conflict(_) => "Conflict",
            WebError::Unauthorized => "Sign in required",
            WebError::Forbidden => "Forbidden",
            WebError::TooMany => "Too many requests",
            WebError::TooLarge(_) => "Too large",
            WebError::Internal(_) => "Server error",
        }
    }
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { .. } => WebError::NotFound(e.to_string()),
            StoreError::Ambiguous { .. } => WebError::BadRequest(e.to_string()),
            StoreError::Conflict(m) => WebError::Conflict(m),
            StoreError::PreconditionFailed(_) | StoreError::UidConflict { .. } => {
                WebError::Conflict(e.to_string())
            }
            StoreError::Invalid(v) => WebError::Invalid(v),
            other => WebError::Internal(other.to_string()),
        }
    }
}

impl From<kith_core::ValidationError> for WebError {
    fn from(e: kith_core::ValidationError) -> Self {
        WebError::Invalid(e)
    }
}

impl From<askama::Error> for WebError {
    fn from(e: askama::Error) -> Self {
        WebError::Internal(format!("template: {e}"))
    }
}

/// An error shown as an HTML page.
#[derive(Debug)]
pub struct PageError(pub WebError);

impl<E: Into<WebError>> From<E> for PageError {
    fn from(e: E) -> Self {
        PageError(e.into())
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    title: &'a str,
    status: u16,
    message: String,
    errors: &'a [FieldError],
    nav: crate::views::Nav,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = self.0.status();
        let errors: &[FieldError] = match &self.0 {
            WebError::Invalid(v) => &v.errors,
            _ => &[],
        };
        let page = ErrorPage {
            title: self.0.title(),
            status: status.as_u16(),
            message: self.0.to_string(),
            errors,
            nav: crate::views::Nav::default(),
        };
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, self.0.to_string()).into_response(),
        }
    }
}

/// An error sent as `application/problem+json` (RFC 9457), with field errors.
#[derive(Debug)]
pub struct ApiError(pub WebError);

impl<E: Into<WebError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

/// The problem+json body.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Field-level problems: field, the value given, what was expected.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<Object>)]
    pub errors: Vec<FieldError>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.0.status();
        let errors = match &self.0 {
            WebError::Invalid(v) => v.errors.clone(),
            _ => vec![],
        };
        let body = Problem {
            kind: "about:blank".into(),
            title: self.0.title().into(),
            status: status.as_u16(),
            detail: self.0.to_string(),
            errors,
        };
        let json = serde_json::to_string(&body).unwrap_or_else(|_| "{}".into());
        (status, [(header::CONTENT_TYPE, "application/problem+json")], json).into_response()
    }
}
