//! Secrets for the web app: the password hash, sessions and API tokens. Only hashes are
//! stored; hashing is the caller's (the web crate's) business.

use super::util::*;
use crate::{ApiToken, Result, StoreError};
use sqlx::AnyConnection;

const PASSWORD_KEY: &str = "auth.password_hash";

/// The stored password hash (PHC string), if a password is set.
pub(crate) async fn password_hash(conn: &mut AnyConnection) -> Result<Option<String>> {
    let rows =
        fetch(conn, "SELECT value FROM settings WHERE key = $1".into(), vec![PASSWORD_KEY.into()])
            .await?;
    rows.first().map(|r| text(r, "value")).transpose()
}

/// Replaces the password hash and ends every session.
pub(crate) async fn set_password_hash(conn: &mut AnyConnection, hash: &str) -> Result<()> {
    exec(conn, "DELETE FROM settings WHERE key = $1".into(), vec![PASSWORD_KEY.into()]).await?;
    exec(
        conn,
        "INSERT INTO settings (key, value) VALUES ($1, $2)".into(),
        vec![PASSWORD_KEY.into(), hash.into()],
    )
    .await?;
    exec(conn, "DELETE FROM web_sessions".into(), vec![]).await?;
    Ok(())
}

/// Saves a session (by the hash of its cookie token) with its CSRF token.
pub(crate) async fn create_session(
    conn: &mut AnyConnection,
    token_hash: &str,
    csrf: &str,
    now: i64,
    expires: i64,
) -> Result<()> {
    exec(conn, "DELETE FROM web_sessions WHERE expires_at < $1".into(), vec![now.into()]).await?;
    exec(
        conn,
        "INSERT INTO web_sessions (token_hash, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4)"
            .into(),
        vec![token_hash.into(), csrf.into(), now.into(), expires.into()],
    )
    .await?;
    Ok(())
}

/// The CSRF token of a live session.
pub(crate) async fn session(
    conn: &mut AnyConnection,
    token_hash: &str,
    now: i64,
) -> Result<Option<String>> {
    let rows = fetch(
        conn,
        "SELECT csrf FROM web_sessions WHERE token_hash = $1 AND expires_at >= $2".into(),
        vec![token_hash.into(), now.into()],
    )
    .await?;
    rows.first().map(|r| text(r, "csrf")).transpose()
}

/// Ends a session.
pub(crate) async fn end_session(conn: &mut AnyConnection, token_hash: &str) -> Result<()> {
    exec(conn, "DELETE FROM web_sessions WHERE token_hash = $1".into(), vec![token_hash.into()])
        .await?;
    Ok(())
}

fn token(r: &sqlx::any::AnyRow) -> Result<ApiToken> {
    Ok(ApiToken {
        id: uuid(r, "id")?,
        name: text(r, "name")?,
        kind: text(r, "kind")?,
        created_at: from_micros(int(r, "created_at")?),
        last_used_at: opt_int(r, "last_used_at")?.map(from_micros),
        revoked_at: opt_int(r, "revoked_at")?.map(from_micros),
    })
}

/// Saves a token (by hash) of a kind (`api`, `app-password`).
pub(crate) async fn create_token(
    conn: &mut AnyConnection,
    name: &str,
    kind: &str,
    token_hash: &str,
    now: i64,
) -> Result<ApiToken> {
    let name = kith_core::validate::required_text("name", name, 100)?;
    let id = new_id();
    exec(
        conn,
        "INSERT INTO api_tokens (id, name, kind, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)"
            .into(),
        vec![id.to_string().into(), name.into(), kind.into(), token_hash.into(), now.into()],
    )
    .await?;
    let rows =
        fetch(conn, "SELECT * FROM api_tokens WHERE id = $1".into(), vec![id.to_string().into()])
            .await?;
    rows.first().map(token).unwrap_or_else(|| Err(StoreError::not_found("token", id.to_string())))
}

/// The live token with this hash (and notes its use).
pub(crate) async fn use_token(
    conn: &mut AnyConnection,
    kind: &str,
    token_hash: &str,
    now: i64,
) -> Result<Option<ApiToken>> {
    let rows = fetch(
        conn,
        "SELECT * FROM api_tokens WHERE token_hash = $1 AND kind = $2 AND revoked_at IS NULL"
            .into(),
        vec![token_hash.into(), kind.into()],
    )
    .await?;
    let Some(r) = rows.first() else { return Ok(None) };
    let t = token(r)?;
    exec(
        conn,
        "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2".into(),
        vec![now.into(), t.id.to_string().into()],
    )
    .await?;
    Ok(Some(t))
}

/// Every token of a kind, newest first.
pub(crate) async fn tokens(conn: &mut AnyConnection, kind: &str) -> Result<Vec<ApiToken>> {
    fetch(
        conn,
        "SELECT * FROM api_tokens WHERE kind = $1 ORDER BY created_at DESC, id".into(),
        vec![kind.into()],
    )
    .await?
    .iter()
    .map(token)
    .collect()
}

/// Revokes tokens of a kind whose id starts with the prefix or whose name matches; returns
/// how many.
pub(crate) async fn revoke_token(
    conn: &mut AnyConnection,
    kind: &str,
    reference: &str,
    now: i64,
) -> Result<u64> {
    let by_name = exec(
        conn,
        "UPDATE api_tokens SET revoked_at = $1 WHERE kind = $2 AND name = $3 AND revoked_at IS NULL"
            .into(),
        vec![now.into(), kind.into(), reference.into()],
    )
    .await?;
    if by_name > 0 {
        return Ok(by_name);
    }
    let Some((lo, hi)) = id_prefix_range(reference) else { return Ok(0) };
    exec(
        conn,
        "UPDATE api_tokens SET revoked_at = $1 WHERE kind = $2 AND id >= $3 AND id < $4 AND revoked_at IS NULL"
            .into(),
        vec![now.into(), kind.into(), lo.into(), hi.into()],
    )
    .await
}
