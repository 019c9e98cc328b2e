-- Kith schema v5: web sessions and API tokens. Only hashes of secrets are stored; the
-- password hash (argon2id) lives in `settings` under `auth.password_hash`.

CREATE TABLE web_sessions (
    token_hash  {KEY} PRIMARY KEY,
    csrf        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
) {WITHOUT_ROWID};
CREATE INDEX web_sessions_expires ON web_sessions(expires_at);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    kind         TEXT NOT NULL,
    token_hash   {KEY} NOT NULL,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at   BIGINT
);
CREATE UNIQUE INDEX api_tokens_hash ON api_tokens(token_hash);
