//! Getting data in and out on the web: upload a file, see the dry-run preview, confirm;
//! review duplicates and merge them; download exports. Thin handlers over the same services
//! the CLI uses (`kith_formats::parse`, `kith_store::import::run`, the store's merges).

use crate::error::{PageError, WebError};
use crate::pages::{nav, render};
use crate::views::{DuplicatesPage, ImportPage, ImportPreviewPage};
use crate::{AppState, auth::CsrfToken};
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form, Router};
use kith_core::import::{ImportFormat, ParseOptions, PlanOptions};
use kith_store::StagedImport;
use kith_store::import::{ImportOptions, ImportReport};
use serde::Deserialize;

type PageResult = Result<Response, PageError>;

pub(crate) fn routes(max_upload: usize) -> Router<AppState> {
    Router::new()
        .route(
            "/import",
            get(import_page).post(upload).layer(DefaultBodyLimit::max(max_upload + (1 << 16))),
        )
        .route("/import/{token}", post(confirm))
        .route("/duplicates", get(duplicates))
        .route("/duplicates/merge", post(merge))
        .route("/duplicates/unmerge", post(unmerge))
        .route("/export/{format}", get(export))
        .route("/settings/me", post(set_me))
}

/// The formats offered on the upload form: (value, label).
pub const FORMATS: [(&str, &str); 7] = [
    ("", "Detect from the file"),
    ("linkedin", "LinkedIn Connections.csv"),
    ("linkedin-messages", "LinkedIn messages.csv"),
    ("google", "Google Contacts CSV"),
    ("vcard", "vCard (.vcf)"),
    ("ical", "Calendar (.ics)"),
    ("mbox", "Mailbox (.mbox)"),
];

async fn import_page(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
) -> PageResult {
    render(&ImportPage {
        nav: nav(&app, &csrf, "import"),
        message: String::new(),
        max_mb: app.max_upload >> 20,
    })
}

pub(crate) fn too_large(app: &AppState) -> WebError {
    WebError::TooLarge(format!(
        "the file is larger than the {} MB upload limit; import it with `kith import FILE` instead",
        app.max_upload >> 20
    ))
}

async fn upload(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    mut form: Multipart,
) -> PageResult {
    let mut file_name = String::new();
    let mut bytes: Option<Vec<u8>> = None;
    let mut format_field = String::new();
    let (mut add_unknown, mut skip_invalid) = (false, false);
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(too_large(&app).into());
            }
            Err(e) => {
                return Err(
                    WebError::BadRequest(format!("the upload could not be read: {e}")).into()
                );
            }
        };
        let name = field.name().unwrap_or_default().to_string();
        match name.as_str() {
            "file" => {
                file_name = field.file_name().unwrap_or("upload").to_string();
                let data = field.bytes().await.map_err(|e| {
                    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                        too_large(&app)
                    } else {
                        WebError::BadRequest(format!("the upload could not be read: {e}"))
                    }
                })?;
                if data.len() > app.max_upload {
                    return Err(too_large(&app).into());
                }
                bytes = Some(data.to_vec());
            }
            other => {
                let value = field.text().await.unwrap_or_default();
                match other {
                    "format" => format_field = value,
                    "add_unknown" => add_unknown = !value.is_empty(),
                    "skip_invalid" => skip_invalid = !value.is_empty(),
                    _ => {}
                }
            }
        }
    }
    let Some(bytes) = bytes.filter(|b| !b.is_empty()) else {
        return render(&ImportPage {
            nav: nav(&app, &csrf, "import"),
            message: "Choose a file to import.".into(),
            max_mb: app.max_upload >> 20,
        });
    };
    let format = match ImportFormat::parse(&format_field) {
        Some(f) => f,
        None => match detect(&file_name, &bytes) {
            Ok(f) => f,
            Err(e) => {
                return render(&ImportPage {
                    nav: nav(&app, &csrf, "import"),
                    message: e.to_string(),
                    max_mb: app.max_upload >> 20,
                });
            }
        },
    };
    let staged = StagedImport {
        token: crate::auth::random_token(),
        file_name,
        format,
        content: bytes,
        add_unknown,
        skip_invalid,
    };
    let report = run(&app, &staged, true).await?;
    let page = preview(&app, &csrf, &staged, report, false);
    // Kept in the database until confirmed: a restart in between loses nothing.
    app.store.stage_import(staged, (app.clock)()).await?;
    render(&page)
}

/// A file to import, as the API receives it.
#[derive(Debug)]
pub(crate) struct Upload {
    pub file_name: String,
    /// `None`: detect it.
    pub format: Option<ImportFormat>,
    pub bytes: Vec<u8>,
    pub add_unknown: bool,
    pub skip_invalid: bool,
}

/// The format of an upload, or why it cannot be imported here.
fn detect(file_name: &str, bytes: &[u8]) -> Result<ImportFormat, WebError> {
    match kith_formats::detect(file_name, bytes) {
        Some(ImportFormat::Json) => Err(backup_refused()),
        Some(f) => Ok(f),
        None => Err(WebError::BadRequest(format!(
            "{file_name}: Kith cannot tell what kind of file this is; name its format"
        ))),
    }
}

fn backup_refused() -> WebError {
    WebError::BadRequest(
        "a Kith backup restores a whole database; use `kith restore-backup FILE` from the command line"
            .into(),
    )
}

/// Imports (or, for a dry run, previews) an upload: the API's way in.
pub(crate) async fn import_upload(
    app: &AppState,
    upload: Upload,
    dry_run: bool,
) -> Result<ImportReport, WebError> {
    let format = match upload.format {
        Some(ImportFormat::Json) => return Err(backup_refused()),
        Some(f) => f,
        None => detect(&upload.file_name, &upload.bytes)?,
    };
    let staged = StagedImport {
        token: String::new(),
        file_name: upload.file_name,
        format,
        content: upload.bytes,
        add_unknown: upload.add_unknown,
        skip_invalid: upload.skip_invalid,
    };
    run(app, &staged, dry_run).await
}

async fn run(
    app: &AppState,
    staged: &StagedImport,
    dry_run: bool,
) -> Result<ImportReport, WebError> {
    let now = (app.clock)();
    let opts = ParseOptions::new(now.date_naive(), app.store.own_emails().await?);
    let parsed = kith_formats::parse(staged.format, &staged.content, &opts)
        .map_err(|e| WebError::BadRequest(format!("{}: {e}", staged.file_name)))?;
    let options = ImportOptions {
        plan: PlanOptions { add_unknown: staged.add_unknown },
        dry_run,
        skip_invalid: staged.skip_invalid,
    };
    Ok(kith_store::import::run(&*app.store, staged.format, parsed, &options, now).await?)
}

fn preview(
    app: &AppState,
    csrf: &CsrfToken,
    staged: &StagedImport,
    report: ImportReport,
    done: bool,
) -> ImportPreviewPage {
    let problems = report.problems.iter().map(|p| p.describe(&staged.file_name)).collect();
    ImportPreviewPage {
        nav: nav(app, csrf, "import"),
        file_name: staged.file_name.clone(),
        format: staged.format.as_str(),
        token: staged.token.clone(),
        done,
        blocked: report.has_problems() && !staged.skip_invalid,
        problems,
        report,
    }
}

async fn confirm(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Path(token): Path<String>,
) -> PageResult {
    let staged = app.store.take_staged_import(&token).await?.ok_or_else(|| {
        WebError::NotFound("this upload has expired; upload the file again".into())
    })?;
    let report = run(&app, &staged, false).await?;
    render(&preview(&app, &csrf, &staged, report, true))
}

async fn duplicates_view(
    app: &AppState,
    csrf: &CsrfToken,
    message: String,
) -> Result<DuplicatesPage, WebError> {
    let mut pairs = app.store.duplicates().await?;
    pairs.truncate(100);
    Ok(DuplicatesPage { nav: nav(app, csrf, "duplicates"), pairs, message })
}

async fn duplicates(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
) -> PageResult {
    render(&duplicates_view(&app, &csrf, String::new()).await?)
}

#[derive(Deserialize)]
struct MergeForm {
    keep: String,
    merge: String,
}

async fn merge(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Form(f): Form<MergeForm>,
) -> PageResult {
    let keep = kith_core::ContactId(crate::pages::parse_id("person", &f.keep)?);
    let other = kith_core::ContactId(crate::pages::parse_id("person", &f.merge)?);
    let r = app.store.merge_contacts(keep, other, (app.clock)()).await?;
    let message = format!(
        "Merged {} into {} ({} linked records moved). Undo below if that was wrong.",
        r.merged_name, r.kept_name, r.moved
    );
    render(&duplicates_view(&app, &csrf, message).await?)
}

async fn unmerge(State(app): State<AppState>, Extension(csrf): Extension<CsrfToken>) -> PageResult {
    let r = app.store.unmerge((app.clock)()).await?;
    let message = format!("Separated {} and {} again.", r.kept_name, r.merged_name);
    render(&duplicates_view(&app, &csrf, message).await?)
}

#[derive(Deserialize)]
struct ExportQuery {
    #[serde(default)]
    version: Option<u8>,
}

async fn export(
    State(app): State<AppState>,
    Path(format): Path<String>,
    Query(q): Query<ExportQuery>,
) -> PageResult {
    let day = (app.clock)().date_naive();
    let (bytes, mime, name) = match format.as_str() {
        "json" => {
            let mut out = Vec::new();
            app.store.backup(&mut out, (app.clock)()).await?;
            (out, "application/x-ndjson", format!("kith-{day}.json"))
        }
        "vcard" => {
            let (contacts, cards) = kith_store::import::contacts_with_cards(&*app.store).await?;
            let version = if q.version == Some(3) {
                kith_formats::vcard::Version::V3
            } else {
                kith_formats::vcard::Version::V4
            };
            let text = kith_formats::vcard::write_all(&contacts, &cards, version);
            (text.into_bytes(), "text/vcard; charset=utf-8", format!("kith-{day}.vcf"))
        }
        "csv" => {
            let contacts = kith_store::import::all_contacts(&*app.store).await?;
            let bytes = kith_formats::csv_out::write(&contacts)
                .map_err(|e| WebError::Internal(e.to_string()))?;
            (bytes, "text/csv; charset=utf-8", format!("kith-{day}.csv"))
        }
        other => {
            return Err(WebError::NotFound(format!(
                "no export format {other:?}; json, vcard or csv"
            ))
            .into());
        }
    };
    Ok((
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Deserialize)]
struct MeForm {
    #[serde(default)]
    emails: String,
}

async fn set_me(
    State(app): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Form(f): Form<MeForm>,
) -> PageResult {
    let emails: Vec<String> = f
        .emails
        .split([',', ' ', '\n'])
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(str::to_string)
        .collect();
    match app.store.set_own_emails(&emails).await {
        Ok(_) => Ok(Redirect::to("/settings").into_response()),
        Err(e) => {
            let form = crate::views::FormState::failed(
                "me",
                crate::pages::form_errors(e)?,
                [("emails", f.emails)],
            );
            crate::pages::settings_failed(&app, &csrf, form).await
        }
    }
}
